"""Cluster management's routes beyond its configuration collections (`rest.urls`' last
route); `sys/failover` is the system area's."""

from __future__ import annotations

from ..rest.configuration import organizing
from ..rest.routing import Route
from . import responses

# Listed by `GET /mgmt/tm/cm/` beside the collections [F].
COMMANDS = (
    "add-to-trust",
    "config-sync",
    "failover-status",
    "remove-from-trust",
    "sync-status",
    "trust-domain",
)

ROUTES: tuple[Route, ...] = (
    Route("POST", "mgmt/tm/cm", responses.config_sync),
    Route("*", "mgmt/tm/cm", organizing("cm", extra=COMMANDS)),
    Route("*", "mgmt/tm/cm/sync-status", responses.get_sync_status),
    Route("*", "mgmt/tm/cm/failover-status", responses.get_failover_status),
    Route("POST", "mgmt/tm/cm/add-to-trust", responses.add_to_trust),
    Route("POST", "mgmt/tm/cm/remove-from-trust", responses.remove_from_trust),
    Route("POST", "mgmt/tm/cm/config-sync", responses.config_sync, "/tm/cm"),
    Route("GET", "mgmt/tm/cm/traffic-group/stats", responses.get_traffic_groups_stats),
    Route("*", "mgmt/tm/cm/device/{rest*}", responses.devices),
    Route("*", "mgmt/tm/cm/trust-domain/{rest*}", responses.trust_domain),
    Route(
        "GET",
        "mgmt/tm/cm/traffic-group/{traffic_group}/stats",
        responses.get_traffic_group_stats,
        "/tm/cm/traffic-group/stats",
    ),
)
