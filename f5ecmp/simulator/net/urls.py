"""The network area's routes beyond its configuration collections (`rest.urls`' last route)."""

from __future__ import annotations

from ..rest.configuration import organizing
from ..rest.routing import Route
from ..rest.stats import stats_routes
from . import responses

ROUTES: tuple[Route, ...] = (
    Route("*", "mgmt/tm/net", organizing("net", extra=("self-allow",))),
    Route("*", "mgmt/tm/net/self-allow", responses.get_self_allow),
    *stats_routes("net/vlan", responses.vlan_stats, responses.vlan_blocks),
    *stats_routes("net/interface", responses.interface_stats),
)
