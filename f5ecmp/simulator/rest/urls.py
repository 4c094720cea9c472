"""Every URL a simulated device answers under `/mgmt`, in one table: (methods, path pattern)
→ handler (patterns and the order of the search in `routing`). A path no route matches gets
restjavad's "Public URI path not registered" 404.

The simulator's own API under `/_sim/` is not a device's and is served apart (`admin`).
"""

from __future__ import annotations

from . import (
    handlers_cm,
    handlers_iapp_lx,
    handlers_info,
    handlers_stats,
    handlers_sys,
    transactions,
)
from .handlers import configuration
from .handlers_sys import AVAILABLE
from .routing import Route, Router

IAPP = "mgmt/shared/iapp"
TOKENS = "/shared/authz/tokens"

ROUTES: tuple[Route, ...] = (
    # --- authentication (restjavad) -------------------------------------------------------
    # The login path is matched as sent: it alone is answered without authentication.
    Route("POST", "mgmt/shared/authn/login", handlers_sys.handle_login, exact=True),
    Route("GET", "mgmt/shared/authz/tokens", handlers_sys.list_tokens, TOKENS),
    # A token's URL: what follows the token is not read.
    Route("GET", "mgmt/shared/authz/tokens/{token}/{rest*}", handlers_sys.get_token, TOKENS),
    Route(
        "PATCH", "mgmt/shared/authz/tokens/{token}/{rest*}", handlers_sys.set_token_timeout, TOKENS
    ),
    Route("DELETE", "mgmt/shared/authz/tokens/{token}/{rest*}", handlers_sys.delete_token, TOKENS),
    # --- device info, readiness, iApps LX packages ------------------------------------------
    Route(
        "*",
        "mgmt/shared/identified-devices/config/device-info",
        handlers_sys.handle_device_info,
    ),
    *(Route("*", f"{base[1:]}/available", handlers_sys.handle_available) for base in AVAILABLE),
    Route(
        "GET",
        f"{IAPP}/global-installed-packages",
        handlers_iapp_lx.installed_packages,
        refuse=False,
    ),
    Route("POST", f"{IAPP}/package-management-tasks", handlers_iapp_lx.create_task, refuse=False),
    Route(
        "GET", f"{IAPP}/package-management-tasks/{{task}}", handlers_iapp_lx.get_task, refuse=False
    ),
    Route("*", f"{IAPP}/{{rest*}}", handlers_iapp_lx.not_registered),
    # --- sys --------------------------------------------------------------------------------
    Route("*", "mgmt/tm/sys", handlers_sys.organizing("sys")),
    Route("*", "mgmt/tm/sys/version", handlers_sys.handle_version),
    Route("*", "mgmt/tm/sys/ready", handlers_sys.handle_ready),
    Route("*", "mgmt/tm/sys/mcp-state", handlers_sys.handle_mcp_state),
    Route("POST", "mgmt/tm/sys/config", handlers_sys.handle_save_config),
    Route("GET", "mgmt/tm/sys/clock", handlers_info.handle_clock),
    Route("GET", "mgmt/tm/sys/hardware", handlers_info.handle_hardware),
    Route("GET", "mgmt/tm/sys/license", handlers_info.handle_license),
    Route("POST", "mgmt/tm/sys/failover", handlers_cm.handle_run_failover),
    Route("GET", "mgmt/tm/sys/failover", handlers_cm.handle_sys_failover),
    # --- net --------------------------------------------------------------------------------
    Route("*", "mgmt/tm/net", handlers_sys.organizing("net")),
    Route("*", "mgmt/tm/net/self-allow", handlers_sys.handle_self_allow),
    # --- ltm --------------------------------------------------------------------------------
    Route("*", "mgmt/tm/ltm", handlers_sys.organizing("ltm")),
    # --- cm ---------------------------------------------------------------------------------
    Route("POST", "mgmt/tm/cm", handlers_cm.handle_config_sync),
    Route("*", "mgmt/tm/cm", handlers_sys.organizing("cm")),
    Route("*", "mgmt/tm/cm/sync-status", handlers_cm.handle_sync_status),
    Route("*", "mgmt/tm/cm/failover-status", handlers_cm.handle_failover_status),
    Route("POST", "mgmt/tm/cm/add-to-trust", handlers_cm.handle_add_to_trust),
    Route("POST", "mgmt/tm/cm/remove-from-trust", handlers_cm.handle_remove_from_trust),
    Route("POST", "mgmt/tm/cm/config-sync", handlers_cm.handle_config_sync, "/tm/cm"),
    Route("GET", "mgmt/tm/cm/traffic-group/stats", handlers_cm.handle_all_traffic_group_stats),
    Route("*", "mgmt/tm/cm/device/{rest*}", handlers_cm.handle_devices),
    Route("*", "mgmt/tm/cm/trust-domain/{rest*}", handlers_cm.handle_trust_domain),
    Route(
        "GET",
        "mgmt/tm/cm/traffic-group/{traffic_group}/stats",
        handlers_cm.handle_traffic_group_stats,
        "/tm/cm/traffic-group/stats",
    ),
    # --- util -------------------------------------------------------------------------------
    Route("POST", "mgmt/tm/util/bash", handlers_sys.handle_bash),
    # --- shared by every module: transactions, statistics, configuration objects -----------
    Route("*", "mgmt/tm/transaction/{rest*}", transactions.transactions),
    *handlers_stats.routes(),
    # Every configuration collection of the registry (`device.REGISTRY`): collections,
    # objects, subcollections and singletons (see `handlers`).
    Route("*", "mgmt/tm/{rest*}", configuration),
)

ROUTER = Router(ROUTES)
