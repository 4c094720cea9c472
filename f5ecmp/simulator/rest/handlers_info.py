"""Read-only system status in the stats envelope: `sys/clock`, `sys/hardware`, `sys/license`
(reference §1.4). F5's bigip_device_info reads them: `sys/clock/0 → fullDate` (the shape is
quoted in the module's own docstring, 13.1), `sys/hardware` through its stats parser
(`platform/0 → baseMac, marketingName`, `system-info/0 → platform, bigipChassisSerialNum…`)
and `sys/license/0` (`registrationKey`, `licensedVersion`, the dates) [C]; the values are a
VE's [I].
"""

from __future__ import annotations

import datetime

from .base import Ctx, Response, json_response
from .render import BASE, nested, single_stats, stats, stats_fields

LICENSE_DATES = {
    "licenseEndDate": "2032/06/17",
    "licenseStartDate": "2022/06/16",
    "licensedOnDate": "2022/06/17",
    "serviceCheckDate": "2022/06/17",
}


def handle_clock(ctx: Ctx) -> Response:
    now = datetime.datetime.fromtimestamp(ctx.app.cluster.clock.now(), datetime.UTC)
    fields = stats_fields({"fullDate": now.strftime("%Y-%m-%dT%H:%M:%SZ")})
    return json_response(single_stats("sys/clock", ctx.view.link("sys/clock", top=True), fields))


def handle_hardware(ctx: Ctx) -> Response:
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


def handle_license(ctx: Ctx) -> Response:
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
