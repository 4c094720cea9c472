"""`<collection>/stats` and `<object>/stats` in the nested stats envelope (reference §1.4),
for the kinds whose area gives their fields (pools, nodes, virtual servers and virtual
addresses in `ltm.responses`; VLANs and interfaces in `net.responses`).

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

from collections.abc import Callable
from typing import Any

from ..device import Device, rules_for
from ..store import Obj
from .base import Ctx, Response, json_response
from .configuration import object_name
from .render import BASE, Fields, kind_string, object_path, stats_fields
from .routing import Route

# An object's flat stats fields; more blocks nested beside them (a VLAN's members).
FieldsOf = Callable[[Device, Obj], Fields]
BlocksOf = Callable[[Ctx, Obj, str], dict[str, Any]]


def stats_routes(kind: str, fields: FieldsOf, blocks: BlocksOf | None = None) -> list[Route]:
    """`<kind>/stats` and `<kind>/<object>/stats`."""
    refused = f"/tm/{kind}/stats"

    def of_kind(ctx: Ctx) -> Response:
        return get_stats(ctx, kind, None, fields, blocks)

    def of_object(ctx: Ctx) -> Response:
        return get_stats(ctx, kind, ctx.params["name"], fields, blocks)

    return [
        Route("GET", f"mgmt/tm/{kind}/stats", of_kind, refused),
        Route("GET", f"mgmt/tm/{kind}/{{name}}/stats", of_object, refused),
    ]


def get_stats(
    ctx: Ctx, kind: str, segment: str | None, fields: FieldsOf, blocks: BlocksOf | None
) -> Response:
    rules = rules_for(kind)

    def entry(obj: Obj, path: str, key: str | None = None) -> dict[str, Any]:
        found: dict[str, Any] = stats_fields(fields(ctx.dev, obj))
        if blocks is not None:
            found.update(blocks(ctx, obj, path))
        return {
            "nestedStats": {
                "kind": kind_string(kind, "stats"),
                "selfLink": ctx.view.link(f"{key or path}/stats"),
                "entries": found,
            }
        }

    if segment is None:
        entries = {
            f"{BASE}{object_path(rules.kind, o)}/stats": entry(o, object_path(rules.kind, o))
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
            "entries": {f"{BASE}{key}/stats": entry(obj, path, key)},
        }
    )
