"""What cluster management answers over REST beyond its configuration objects (reference
§4.5-§4.10): device records, the trust domain and add/remove-from-trust, config sync, sync
and failover status, traffic-group stats. (`sys/failover` is `sys.responses`'.)"""

from __future__ import annotations

from .. import errors, names
from ..device import rules_for
from ..errors import ErrorId
from ..objects import Kind
from ..rest.base import Ctx, Response, empty_response, json_response
from ..rest.configuration import filtered, one
from ..rest.paging import counters, paging
from ..rest.render import (
    collection,
    detail_lines,
    render_object,
    single_stats,
    stats,
    stats_fields,
)
from ..store import Obj
from . import commands

TRUST_DOMAIN = Kind(
    "cm/trust-domain",
    "trust domain",
    refs={
        "caCert": "cm/cert",
        "caCertBundle": "cm/cert",
        "caKey": "cm/key",
        "caDevices": "cm/device",
        "trustGroup": "cm/device-group",
    },
)
BASE = "https://localhost/mgmt/tm/"


def devices(ctx: Ctx) -> Response:
    """`cm/device`: the self record (writable connectivity) and one record per peer."""
    rest = ctx.rest
    kind = rules_for("cm/device").kind
    cluster = ctx.app.cluster
    records = cluster.device_records(ctx.dev)
    if not rest:
        if ctx.req.method != "GET":
            # Placeholder devices and `mv` renames are not modelled.
            raise errors.make(
                ErrorId.METHOD_NOT_SUPPORTED, method=ctx.req.method, path="/tm/cm/device"
            )
        everything = filtered(ctx, records)
        pg = paging(ctx.req)
        items = [render_object(ctx.dev, kind, r, ctx.view) for r in pg.items(everything)]
        numbers = counters(pg, len(everything), len(items), kind.path, ctx.view)
        return json_response(collection(kind.path, ctx.view, items, paging=numbers))
    if rest == ["stats"]:
        raise errors.make(ErrorId.URI_NOT_REGISTERED, path="/tm/cm/device/stats")
    path = names.full_path(rest[0])
    record = next((r for r in records if r.full_path == path), None)
    if record is None or len(rest) > 1:
        raise errors.make(ErrorId.NOT_FOUND, type="device", path=path)
    if ctx.req.method in ("PATCH", "PUT"):
        if path != ctx.dev.full_name:
            raise errors.make(ErrorId.PEER_DEVICE_CONNECTIVITY, name=record.name)
        ctx.dev.modify(kind.path, path, ctx.body(), replace=False)
        record = next(r for r in cluster.device_records(ctx.dev) if r.full_path == path)
    elif ctx.req.method != "GET":
        raise errors.make(ErrorId.METHOD_NOT_SUPPORTED, method=ctx.req.method, path="/tm/cm/device")
    return one(ctx, render_object(ctx.dev, kind, record, ctx.view, top=True))


def trust_domain_obj(ctx: Ctx) -> Obj:
    group = ctx.dev.store.get("cm/device-group", "/Common/device_trust_group")
    return Obj(
        TRUST_DOMAIN.path,
        "/Common/Root",
        ctx.app.cluster.trust.domain(ctx.dev),
        group.generation if group else 1,
    )


def trust_domain(ctx: Ctx) -> Response:
    rest = ctx.rest
    if len(rest) > 1 or (rest and names.full_path(rest[0]) != "/Common/Root"):
        raise errors.make(ErrorId.NOT_FOUND, type="trust domain", path=names.full_path(rest[0]))
    if ctx.req.method == "DELETE":
        ctx.app.cluster.trust.reset(ctx.dev)
        return empty_response()
    if ctx.req.method != "GET":
        raise errors.make(
            ErrorId.METHOD_NOT_SUPPORTED, method=ctx.req.method, path="/tm/cm/trust-domain"
        )
    item = render_object(ctx.dev, TRUST_DOMAIN, trust_domain_obj(ctx), ctx.view, top=bool(rest))
    if rest:
        return one(ctx, item)
    return json_response(collection(TRUST_DOMAIN.path, ctx.view, [item]))


def add_to_trust(ctx: Ctx) -> Response:
    return json_response(ctx.app.cluster.trust.add_to_trust(ctx.dev, ctx.body()))


def remove_from_trust(ctx: Ctx) -> Response:
    return json_response(ctx.app.cluster.trust.remove_from_trust(ctx.dev, ctx.body()))


def config_sync(ctx: Ctx) -> Response:
    """`POST /mgmt/tm/cm` (utilCmdArgs) or `POST /mgmt/tm/cm/config-sync` (options)."""
    return json_response(commands.config_sync(ctx.app.cluster, ctx.dev, ctx.body()))


def get_sync_status(ctx: Ctx) -> Response:
    report = ctx.app.cluster.sync.report(ctx.dev)
    entries = {
        "color": {"description": report.color},
        f"{BASE}cm/syncStatus/0/details": detail_lines(
            f"{BASE}cm/syncStatus/0/details", report.details
        ),
        "mode": {"description": report.mode},
        "status": {"description": report.status},
        "summary": {"description": report.summary},
    }
    return json_response(
        single_stats("cm/sync-status", ctx.view.link("cm/sync-status", top=True), entries)
    )


def get_failover_status(ctx: Ctx) -> Response:
    report = ctx.app.cluster.failover.status(ctx.dev)
    entries: dict[str, object] = {"color": {"description": report.color}}
    if report.details:
        entries[f"{BASE}cm/failoverStatus/0/details"] = detail_lines(
            f"{BASE}cm/failoverStatus/0/details", report.details
        )
    entries.update(
        {"status": {"description": report.status}, "summary": {"description": report.summary}}
    )
    return json_response(
        single_stats("cm/failover-status", ctx.view.link("cm/failover-status", top=True), entries)
    )


def get_traffic_groups_stats(ctx: Ctx) -> Response:
    """`cm/traffic-group/stats`: every traffic group on every device [F]."""
    return traffic_group_stats(ctx, None)


def get_traffic_group_stats(ctx: Ctx) -> Response:
    """`cm/traffic-group/<tg>/stats`: one traffic group [F]."""
    return traffic_group_stats(ctx, ctx.params["traffic_group"])


def traffic_group_stats(ctx: Ctx, tg: str | None) -> Response:
    path = names.full_path(tg) if tg else None
    group = ctx.dev.store.get("cm/traffic-group", path) if path else None
    if path and group is None:
        raise errors.make(ErrorId.NOT_FOUND, type="traffic group", path=path)
    prefix = f"cm/traffic-group/{names.url_segment(path)}/" if path else "cm/traffic-group/"
    entries = {}
    for row in ctx.app.cluster.failover.rows(ctx.dev, only=path):
        key = f"{prefix}{names.url_segment(row.traffic_group)}:{names.url_segment(row.device)}"
        entries[f"{BASE}{key}/stats"] = tg_entry(
            ctx,
            key,
            row.traffic_group,
            row.device,
            row.failover_state,
            row.next_active,
            row.previous_active,
        )
    if path is None or path == "/Common/traffic-group-local-only":
        key = f"{prefix}~Common~traffic-group-local-only:-"
        entries[f"{BASE}{key}/stats"] = tg_entry(
            ctx, key, "/Common/traffic-group-local-only", "-", "-", None, None
        )
    if path is None:
        return json_response(
            stats(
                "tm:cm:traffic-group:traffic-groupcollectionstats",
                ctx.view.link("cm/traffic-group/stats", top=True),
                entries,
            )
        )
    return json_response(
        {
            "kind": "tm:cm:traffic-group:traffic-groupstats",
            "generation": group.generation if group else 0,
            "selfLink": ctx.view.link(f"{prefix}stats", top=True),
            "entries": entries,
        }
    )


def tg_entry(
    ctx: Ctx, key: str, tg: str, device: str, state: str, nxt: bool | None, previous: bool | None
) -> dict[str, object]:
    def flag(value: bool | None) -> str:
        return "-" if value is None else "true" if value else "false"

    return {
        "nestedStats": {
            "kind": "tm:cm:traffic-group:traffic-groupstats",
            "selfLink": ctx.view.link(f"{key}/stats"),
            "entries": stats_fields(
                {
                    "activeReason": "-",
                    "deviceName": device,
                    "failoverState": state,
                    "nextActive": flag(nxt),
                    "previousActive": flag(previous),
                    "trafficGroup": tg,
                }
            ),
        }
    }
