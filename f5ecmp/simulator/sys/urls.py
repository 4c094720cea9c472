"""The system area's routes: `/mgmt/tm/sys`, device info and readiness, iApps LX packages."""

from __future__ import annotations

from ..rest.configuration import organizing
from ..rest.routing import Route
from . import responses

IAPP = "mgmt/shared/iapp"
TASKS = f"{IAPP}/package-management-tasks"

ROUTES: tuple[Route, ...] = (
    Route(
        "*",
        "mgmt/shared/identified-devices/config/device-info",
        responses.get_device_info,
    ),
    *(Route("*", f"{base[1:]}/available", responses.available) for base in responses.AVAILABLE),
    # Under /mgmt/shared/iapp any other method or path is restjavad's 404 (`not_registered`).
    Route("GET", f"{IAPP}/global-installed-packages", responses.installed_packages, refuse=False),
    Route("POST", TASKS, responses.create_task, refuse=False),
    Route("GET", f"{TASKS}/{{task}}", responses.get_task, refuse=False),
    Route("*", f"{IAPP}/{{rest*}}", responses.not_registered),
    Route("*", "mgmt/tm/sys", organizing("sys", listed=responses.SYS_ITEMS)),
    Route("*", "mgmt/tm/sys/version", responses.get_version),
    Route("*", "mgmt/tm/sys/ready", responses.get_ready),
    Route("*", "mgmt/tm/sys/mcp-state", responses.get_mcp_state),
    Route("POST", "mgmt/tm/sys/config", responses.save_config),
    Route("GET", "mgmt/tm/sys/clock", responses.get_clock),
    Route("GET", "mgmt/tm/sys/hardware", responses.get_hardware),
    Route("GET", "mgmt/tm/sys/license", responses.get_license),
    Route("POST", "mgmt/tm/sys/failover", responses.failover),
    Route("GET", "mgmt/tm/sys/failover", responses.get_failover),
)
