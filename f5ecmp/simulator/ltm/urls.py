"""The LTM area's routes beyond its configuration collections (`rest.urls`' last route)."""

from __future__ import annotations

from ..rest.configuration import organizing
from ..rest.routing import Route
from ..rest.stats import stats_routes
from . import responses

ROUTES: tuple[Route, ...] = (
    Route("*", "mgmt/tm/ltm", organizing("ltm")),
    *(route for kind, fields in responses.STATS.items() for route in stats_routes(kind, fields)),
)
