"""JSON shapes as a device puts them on the wire (reference §1): object states, collections,
subcollections, `*Reference` links, query options, and the stats envelope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..device import Device
from ..names import url_segment
from ..objects import Kind
from ..store import Obj

BASE = "https://localhost/mgmt/tm/"
UNFOLDERED_SUBS = frozenset({"interfaces"})
# Where a subcollection item's `nameReference` points.
SUB_TARGETS = {
    "interfaces": "net/interface",
    "members": "ltm/node",
    "devices": "cm/device",
    "policies": "ltm/policy",
}


@dataclass(frozen=True)
class View:
    """How the client asked to see a response: version and query options."""

    version: str
    expand: bool = False
    select: frozenset[str] | None = None
    echo: str = ""  # query string echoed back into the top-level selfLink

    def link(self, path: str, top: bool = False) -> str:
        query = f"{self.echo}&" if top and self.echo else ""
        return f"{BASE}{path}?{query}ver={self.version}"


def kind_string(path: str, suffix: str) -> str:
    """`net/vlan` → `tm:net:vlan:vlan<suffix>`."""
    parts = path.split("/")
    return "tm:" + ":".join(parts) + ":" + parts[-1] + suffix


def object_path(kind: Kind, obj: Obj) -> str:
    seg = url_segment(obj.full_path) if kind.foldered else obj.full_path
    return f"{kind.path}/{seg}"


def reference(view: View, target: str, value: Any) -> Any:
    if isinstance(value, list):
        return [{"link": view.link(f"{target}/{url_segment(v)}")} for v in value]
    return {"link": view.link(f"{target}/{url_segment(str(value))}")}


def properties(view: View, kind: Kind, props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties in name order, each `<prop>Reference` right after its property."""
    out: dict[str, Any] = {}
    for key in sorted(props):
        value = props[key]
        out[key] = value
        target = kind.refs.get(key)
        if target is not None and value not in ("none", [], None):
            out[f"{key}Reference"] = reference(view, target, value)
    return out


def render_object(
    dev: Device, kind: Kind, obj: Obj, view: View, top: bool = False
) -> dict[str, Any]:
    # A singleton's subcollections hang off its own path: `sys/ntp/restrict`
    # (f5-ansible/load_ntp.json).
    path = kind.path if kind.singleton else object_path(kind, obj)
    out: dict[str, Any]
    if kind.singleton:
        out = {"kind": kind_string(kind.path, "state"), "selfLink": view.link(kind.path, top)}
    else:
        out = {"kind": kind_string(kind.path, "state"), "name": obj.name}
        if kind.foldered:
            out["partition"] = obj.partition
        out.update(
            {
                "fullPath": obj.full_path,
                "generation": obj.generation,
                "selfLink": view.link(path, top),
            }
        )
    out.update(properties(view, kind, obj.props))
    for sub in kind.subcollections:
        ref: dict[str, Any] = {"link": view.link(f"{path}/{sub}"), "isSubcollection": True}
        # An empty subcollection, expanded, has no `items` (16.1.3.3 capture
        # f5-ansible-bigip/load_ltm_virtual_servers_facts.json: policiesReference).
        if view.expand and obj.child_list(sub):
            ref["items"] = [render_child(dev, kind, obj, sub, c, view) for c in obj.child_list(sub)]
        out[f"{sub}Reference"] = ref
    return out


def render_child(
    dev: Device, kind: Kind, parent: Obj, sub: str, child: Obj, view: View, linked: bool = True
) -> dict[str, Any]:
    """A subcollection item. `linked=False` leaves out `nameReference`, as the items of a
    subcollection read on its own URL come (f5-ansible-bigip/load_ltm_pool_members.json 16.0.0,
    f5-ansible/load_vlan_interfaces.json 13.0.0, load_vlan_*_ifcs.json 12.1.0,
    pool_members_subcollection.json 11.5.4); expanded into the parent they carry it
    (load_vlans.json, load_ltm_virtual_3.json 12.0.0, sts-f5-agent-checks/pool.json)."""
    foldered = sub not in UNFOLDERED_SUBS
    seg = url_segment(child.full_path) if foldered else child.full_path
    out: dict[str, Any] = {"kind": kind_string(f"{kind.path}/{sub}", "state"), "name": child.name}
    if foldered:
        out["partition"] = child.partition
    out.update(
        {
            "fullPath": child.full_path,
            "generation": child.generation,
            "selfLink": view.link(f"{object_path(kind, parent)}/{sub}/{seg}"),
        }
    )
    out.update(dict(sorted(child.props.items())))
    if linked:
        target = SUB_TARGETS.get(sub) or dev.profile_kind(child.full_path) or "ltm/profile"
        out["nameReference"] = {"link": view.link(f"{target}/{seg}")}
    return out


def select(item: dict[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """`$select=a,b`: only those keys and their `*Reference` companions."""
    return {
        k: v for k, v in item.items() if k in keys or (k.endswith("Reference") and k[:-9] in keys)
    }


def collection(
    kind_path: str,
    view: View,
    items: list[dict[str, Any]],
    *,
    suffix: str = "collectionstate",
    paging: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A `/tm` collection; an empty one has no `items` key [C][I]. `paging` holds the
    counters of a `$top`/`$skip` read (see `paging`), placed before the items; a paged read
    always carries `items`, empty past the end (see `paging`)."""
    out: dict[str, Any] = {
        "kind": kind_string(kind_path, suffix),
        "selfLink": view.link(kind_path, top=True),
        **(paging or {}),
    }
    if items or paging:
        out["items"] = [select(i, view.select) if view.select is not None else i for i in items]
    return out


# An object's stats as plain values (`stats_fields` puts them in the envelope's shape).
Fields = dict[str, Any]


def zeros(prefix: str, keys: Iterable[str]) -> Fields:
    """`zeros("serverside", ("bitsIn",))` → `{"serverside.bitsIn": 0}`: dotted names are flat
    keys on the wire."""
    return {f"{prefix}.{k}": 0 for k in keys}


def stats_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """`{"a": "x", "n": 3}` → `{"a": {"description": "x"}, "n": {"value": 3}}`."""
    return {
        k: (
            {"value": v}
            if isinstance(v, int) and not isinstance(v, bool)
            else v
            if isinstance(v, dict)
            else {"description": v}
        )
        for k, v in fields.items()
    }


def nested(entries: Mapping[str, Any]) -> dict[str, Any]:
    return {"nestedStats": {"entries": dict(entries)}}


def stats(kind: str, self_link: str, entries: Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "selfLink": self_link, "entries": dict(entries)}


def single_stats(path: str, self_link: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A status answer with one entry, ``<path>/0`` (sys/version, sys/ready, sys/mcp-state,
    cm/sync-status, cm/failover-status); its kind follows the path, e.g. ``sys/version`` →
    ``tm:sys:version:versionstats``."""
    last = path.rsplit("/", 1)[-1]
    kind = "tm:" + path.replace("/", ":") + f":{last}stats"
    return stats(kind, self_link, {f"{BASE}{path}/0": nested(fields)})


def detail_lines(base: str, lines: Iterable[str], field: str = "details") -> dict[str, Any]:
    """The `.../details` → `.../details/N` → `{details: {description}}` block."""
    return nested(
        {f"{base}/{i}": nested({field: {"description": line}}) for i, line in enumerate(lines)}
    )
