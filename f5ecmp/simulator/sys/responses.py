"""What the system area answers over REST (reference §1.4, §3, §4.1): the organizing
collection (clients read the version from `GET /mgmt/tm/sys/`), version, readiness, save
config, failover (`sys/failover`), device info and the `/available` URLs, the read-only
status in the stats envelope (`sys/clock`, `sys/hardware`, `sys/license`), and iApps LX
package management under `/mgmt/shared/iapp/` (restjavad, not mcpd).

F5's bigip_device_info reads `sys/clock/0 → fullDate` (the shape is quoted in the module's
own docstring, 13.1), `sys/hardware` through its stats parser (`platform/0 → baseMac,
marketingName`, `system-info/0 → platform, bigipChassisSerialNum…`) and `sys/license/0`
(`registrationKey`, `licensedVersion`, the dates) [C]; the values are a VE's [I]. It also
reads `global-installed-packages` (a 404 would be tolerated) and, for its `packages`
subsets, runs a `QUERY` package task: `POST package-management-tasks {"operation":
"QUERY"}` answers 202 with the task's `id`, then `GET package-management-tasks/<id>` until
`status` is `FINISHED` and reads `queryResponse` [D: F5's "Managing iControl LX packages"
docs; C: bigip_device_info]. No package is installed (`models.PackageTasks`).
"""

from __future__ import annotations

import datetime
from typing import Any

from .. import errors
from ..cm import commands
from ..errors import ErrorId
from ..rest.base import Ctx, Response, json_response
from ..rest.render import BASE, kind_string, nested, single_stats, stats, stats_fields
from ..util.models import failover_line
from . import models
from .models import PackageTask

# What `GET /mgmt/tm/sys/` lists, in the order a 15.1.0.1 device lists it
# (f5-ansible-bigip/load_tmos_version.json). The status and command endpoints (`version`,
# `ready`, `mcp-state`, `failover`) answer but are not listed, neither there nor at 11.6.0
# (f5-common-python/sys_GET.json).
SYS_ITEMS = (
    "application",
    "crypto",
    "daemon-log-settings",
    "diags",
    "disk",
    "dynad",
    "ecm",
    "file",
    "fpga",
    "icall",
    "ipfix",
    "log-config",
    "pfman",
    "sflow",
    "software",
    "turboflex",
    "url-db",
    "aom",
    "autoscale-group",
    "cluster",
    "config",
    "core",
    "daemon-ha",
    "datastor",
    "db",
    "dns",
    "feature-module",
    "folder",
    "global-settings",
    "ha-group",
    "httpd",
    "icontrol-soap",
    "internal-proxy",
    "log-rotate",
    "management-dhcp",
    "management-ip",
    "management-ovsdb",
    "management-proxy-config",
    "management-route",
    "ntp",
    "outbound-smtp",
    "provision",
    "scriptd",
    "service",
    "smtp-server",
    "snmp",
    "sshd",
    "state-mirroring",
    "syslog",
    "telemd",
    "ucs",
)
AVAILABLE = frozenset(
    {
        "/mgmt/shared/echo",
        "/mgmt/shared/identified-devices/config/device-info",
        "/mgmt/tm/sys",
        "/mgmt/tm/cm",
        "/mgmt/tm/ltm",
        "/mgmt/tm/net",
        "/mgmt/shared/iapp/package-management-tasks",
    }
)


LICENSE_DATES = {
    "licenseEndDate": "2032/06/17",
    "licenseStartDate": "2022/06/16",
    "licensedOnDate": "2022/06/17",
    "serviceCheckDate": "2022/06/17",
}


IAPP_LINK = "https://localhost/mgmt/shared/iapp"
TASK_KIND = "shared:iapp:package-management-tasks:iapppackagemanagementtaskstate"  # [I]


def get_version(ctx: Ctx) -> Response:
    dev = ctx.dev
    fields = stats_fields(
        {
            "Build": dev.identity.build,
            "Date": dev.identity.build_date,
            "Edition": "Final",
            "Product": "BIG-IP",
            "Title": "Main Package",
            "Version": dev.version,
        }
    )
    return json_response(
        single_stats("sys/version", ctx.view.link("sys/version", top=True), fields)
    )


def get_ready(ctx: Ctx) -> Response:
    fields = stats_fields({"configReady": "yes", "licenseReady": "yes", "provisionReady": "yes"})
    return json_response(single_stats("sys/ready", ctx.view.link("sys/ready", top=True), fields))


def get_mcp_state(ctx: Ctx) -> Response:
    fields = stats_fields(
        {
            "endPlatformIdReceived": "true",
            "lastLoad": "full-config-load-succeed",
            "phase": "running",
        }
    )
    return json_response(
        single_stats("sys/mcp-state", ctx.view.link("sys/mcp-state", top=True), fields)
    )


def save_config(ctx: Ctx) -> Response:
    return json_response(models.save_config(ctx.dev, ctx.body()))


def failover(ctx: Ctx) -> Response:
    """`POST sys/failover`: standby, offline or online."""
    return json_response(commands.failover(ctx.app.cluster, ctx.dev, ctx.body()))


def get_failover(ctx: Ctx) -> Response:
    """`GET sys/failover`: one line of text."""
    text = failover_line(ctx.app.cluster, ctx.dev, ctx.app.started)
    return json_response(
        {
            "kind": kind_string("sys/failover", "stats"),
            "selfLink": ctx.view.link("sys/failover", top=True),
            "apiRawValues": {"apiAnonymous": text},
        }
    )


def get_device_info(ctx: Ctx) -> Response:
    dev = ctx.dev
    record = dev.self_record().props
    return json_response(
        {
            "baseMac": record["baseMac"],
            "build": dev.identity.build,
            "chassisSerialNumber": record["chassisId"],
            "edition": "Final",
            "hostname": record["hostname"],
            "isClustered": len(dev.trust) > 1,
            "isVirtual": True,
            "machineId": record["chassisId"],
            "managementAddress": str(dev.mgmt),
            "mcpDeviceName": dev.full_name,
            "platform": "Z100",
            "platformMarketingName": "BIG-IP Virtual Edition",
            "product": "BIG-IP",
            "slots": [],
            "version": dev.version,
            "generation": 0,
            "lastUpdateMicros": 0,
            "kind": "shared:resolver:device-groups:deviceinfostate",
            "selfLink": "https://localhost/mgmt/shared/identified-devices/config/device-info",
        }
    )


def available(ctx: Ctx) -> Response:
    """The readiness URLs DO and cloud-libs poll before anything else [C]."""
    return json_response({})


# --- read-only status -----------------------------------------------------------------------


def get_clock(ctx: Ctx) -> Response:
    now = datetime.datetime.fromtimestamp(ctx.app.cluster.clock.now(), datetime.UTC)
    fields = stats_fields({"fullDate": now.strftime("%Y-%m-%dT%H:%M:%SZ")})
    return json_response(single_stats("sys/clock", ctx.view.link("sys/clock", top=True), fields))


def get_hardware(ctx: Ctx) -> Response:
    record = ctx.dev.self_record().props
    base = f"{BASE}sys/hardware"
    platform = {
        "baseMac": record["baseMac"],
        "biosRev": " ",
        "marketingName": record["marketingName"],
        "pvaVersion": "0",
    }
    system = {
        "bigipChassisSerialNum": record["chassisId"],
        "hostBoardPartRevNum": " ",
        "hostBoardSerialNum": " ",
        "platform": record["platformId"],
        "product": "BIG-IP",
        "switchBoardPartRevNum": " ",
        "switchBoardSerialNum": " ",
    }
    entries = {
        f"{base}/platform": nested({f"{base}/platform/0": nested(stats_fields(platform))}),
        f"{base}/system-info": nested({f"{base}/system-info/0": nested(stats_fields(system))}),
    }
    kind = "tm:sys:hardware:hardwarestats"
    return json_response(stats(kind, ctx.view.link("sys/hardware", top=True), entries))


def get_license(ctx: Ctx) -> Response:
    dev = ctx.dev
    modules = dev.self_record().props["activeModules"]
    base = f"{BASE}sys/license/0/active-modules"
    fields = stats_fields(
        {
            f"{base}": nested(
                {
                    f"{base}/{i}": nested({"featureModules": {"description": m}})
                    for i, m in enumerate(modules)
                }
            ),
            **LICENSE_DATES,
            "licensedVersion": dev.version,
            "maxPermittedVersion": "17.*.*",
            "minPermittedVersion": "5.*.*",
            "platformId": "Z100",
            "registrationKey": "SIMUL-ATEDD-EVICE-LICEN-SEKEYXX",
        }
    )
    return json_response(
        single_stats("sys/license", ctx.view.link("sys/license", top=True), fields)
    )


# --- iApps LX packages ----------------------------------------------------------------------


def installed_packages(ctx: Ctx) -> Response:
    return json_response(
        {
            "items": [],
            "generation": 0,
            "lastUpdateMicros": 0,
            "kind": "shared:iapp:global-installed-packages:installedpackagecollectionstate",
            "selfLink": f"{IAPP_LINK}/global-installed-packages",
        }
    )


def create_task(ctx: Ctx) -> Response:
    task = ctx.app.package_tasks.create_task(ctx.dev.name, ctx.body(), ctx.app.cluster.clock.now())
    return json_response(task_state(task), 202)


def get_task(ctx: Ctx) -> Response:
    task = ctx.app.package_tasks.get_task(ctx.dev.name, ctx.params["task"])
    return json_response(task_state(task, finished=True))


def task_state(task: PackageTask, finished: bool = False) -> dict[str, Any]:
    """A task as created, or as read afterwards (it finishes at once)."""
    created: dict[str, Any] = {
        "operation": "QUERY",
        "id": task.task_id,
        "status": "CREATED",
        "generation": 1,
        "lastUpdateMicros": task.created,
        "kind": TASK_KIND,
        "selfLink": f"{IAPP_LINK}/package-management-tasks/{task.task_id}",
    }
    if not finished:
        return created
    return {
        **created,
        "status": "FINISHED",
        "queryResponse": [],
        "generation": 3,
        "startTime": task.created,
        "endTime": task.created,
    }


def not_registered(ctx: Ctx) -> Response:
    """Anything else under `/mgmt/shared/iapp`: restjavad's 404."""
    path = ctx.req.path.rstrip("/")
    raise errors.make(ErrorId.URI_NOT_REGISTERED, path=path.removeprefix("/mgmt"))
