"""`<collection>/stats` and `<object>/stats` of pools, nodes, virtual servers, virtual
addresses, VLANs and interfaces, in the nested stats envelope (reference §1.4).

Collection form (16.1.3, stackstate-lab/sts-f5-agent-checks `*_stats.json`) [F]::

    {"kind": "tm:ltm:pool:poolcollectionstats", "selfLink": ".../ltm/pool/stats?ver=…",
     "entries": {".../ltm/pool/~Common~web/stats": {"nestedStats": {
         "kind": "tm:ltm:pool:poolstats", "selfLink": ".../ltm/pool/~Common~web/stats?ver=…",
         "entries": {"activeMemberCnt": {"value": 1}, …}}}}}

One object: the top level carries the object's `generation`, and the entry is keyed by the
object's path then its name again (`.../ltm/pool/~Common~web/~Common~web/stats`), as the
traffic-group stats capture shows (`f5-ansible-bigip/load_tg_stats.json`) [F for the
traffic group, I for the other kinds]. Clients (bigip_device_info's parseStats) only need
the entry key to end in `/stats`.
"""

from __future__ import annotations

from typing import Any

from .. import stats
from ..device import rules_for
from ..store import Obj
from .base import Ctx, Response, json_response
from .handlers import object_name
from .render import BASE, kind_string, nested, object_path, stats_fields
from .routing import Handler, Route


def routes() -> list[Route]:
    """`<kind>/stats` and `<kind>/<object>/stats` of every kind with statistics."""
    out = []
    for kind in stats.STATS:
        refused = f"/tm/{kind}/stats"
        out.append(Route("GET", f"mgmt/tm/{kind}/stats", of_kind(kind), refused))
        out.append(Route("GET", f"mgmt/tm/{kind}/{{name}}/stats", of_object(kind), refused))
    return out


def of_kind(kind: str) -> Handler:
    def handle(ctx: Ctx) -> Response:
        return handle_stats(ctx, kind, None)

    return handle


def of_object(kind: str) -> Handler:
    def handle(ctx: Ctx) -> Response:
        return handle_stats(ctx, kind, ctx.params["name"])

    return handle


def handle_stats(ctx: Ctx, kind: str, segment: str | None) -> Response:
    rules = rules_for(kind)
    if segment is None:
        entries = {
            f"{BASE}{object_path(rules.kind, o)}/stats": entry(
                ctx, kind, o, object_path(rules.kind, o)
            )
            for o in ctx.dev.store.items(kind)
        }
        return json_response(
            {
                "kind": kind_string(kind, "collectionstats"),
                "selfLink": ctx.view.link(f"{kind}/stats", top=True),
                "entries": entries,
            }
        )
    obj = ctx.dev.get(kind, object_name(rules, segment))
    path = object_path(rules.kind, obj)
    key = f"{path}/{path.rsplit('/', 1)[-1]}"
    return json_response(
        {
            "kind": kind_string(kind, "stats"),
            "generation": obj.generation,
            "selfLink": ctx.view.link(f"{path}/stats", top=True),
            "entries": {f"{BASE}{key}/stats": entry(ctx, kind, obj, path, key)},
        }
    )


def entry(ctx: Ctx, kind: str, obj: Obj, path: str, key: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = stats_fields(stats.STATS[kind](ctx.dev, obj))
    if kind == "net/vlan":
        fields.update(vlan_blocks(ctx, obj, path))
    return {
        "nestedStats": {
            "kind": kind_string(kind, "stats"),
            "selfLink": ctx.view.link(f"{key or path}/stats"),
            "entries": fields,
        }
    }


def vlan_blocks(ctx: Ctx, vlan: Obj, path: str) -> dict[str, Any]:
    """The interface counters and per-member blocks a VLAN's stats nest [F]."""
    base = f"{BASE}{path}"
    members = {}
    for name, fields, interface in stats.vlan_members(ctx.dev, vlan):
        inner = f"{base}/members/{name}/interfaces"
        members[f"{base}/members/{name}/stats"] = nested(
            {
                **stats_fields(fields),
                f"{inner}/stats": nested(
                    {f"{inner}/{name}/stats": nested(stats_fields(interface))}
                ),
            }
        )
    return {
        f"{base}/ifc_stat/stats": nested(
            {f"{base}/ifc_stat/0/stats": nested(stats_fields(stats.vlan_counters()))}
        ),
        f"{base}/members/stats": nested(members),
    }
