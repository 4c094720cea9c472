"""What the network area answers beyond its configuration objects (those are
`rest.configuration`'s): the port-lockdown defaults (`net/self-allow`) and the statistics of
VLANs and interfaces, as `<object>/stats` reports them (the envelope and the routes are
`rest.stats`').

Field names as a 16.1.3 device returns them (stackstate-lab/sts-f5-agent-checks
`tests/resources/responses/*_stats.json`) and as F5's `bigip_device_info` reads them
(`macTrue`, `counters.*`...). No traffic is carried: every counter is zero; what the
configuration decides (tag, MTU, MAC, members) is read from the model.
"""

from __future__ import annotations

from typing import Any

from ..device import Device
from ..rest.base import Ctx, Response, json_response
from ..rest.render import BASE, Fields, kind_string, nested, stats_fields, zeros
from ..rest.stats import FieldsOf
from ..store import Obj
from .models import SELF_ALLOW_DEFAULTS

INTERFACE_COUNTERS = ("bitsIn", "bitsOut", "dropsAll", "errorsAll", "pktsIn", "pktsOut")
IFC_STAT = (
    "hcInBroadcastPkts",
    "hcInMulticastPkts",
    "hcInOctets",
    "hcInUcastPkts",
    "hcOutBroadcastPkts",
    "hcOutMulticastPkts",
    "hcOutOctets",
    "hcOutUcastPkts",
    "inDiscards",
    "inErrors",
    "inUnknownProtos",
    "outDiscards",
    "outErrors",
    "pvaInOctets",
    "pvaInPkts",
    "pvaOutOctets",
    "pvaOutPkts",
)


def get_self_allow(ctx: Ctx) -> Response:
    return json_response(
        {
            "kind": kind_string("net/self-allow", "state"),
            "selfLink": ctx.view.link("net/self-allow", top=True),
            "defaults": list(SELF_ALLOW_DEFAULTS),
        }
    )


def interface_stats(dev: Device, interface: Obj) -> Fields:
    enabled = interface.props.get("enabled", True) is not False
    return {
        **zeros("counters", INTERFACE_COUNTERS),
        "mediaActive": interface.props.get("mediaActive", "none"),
        "tmName": interface.name,
        "status": "up" if enabled else "disabled",
    }


def vlan_stats(dev: Device, vlan: Obj) -> Fields:
    """The flat fields; `vlan_members` gives the per-member blocks a VLAN also reports."""
    members = vlan.child_list("interfaces")
    first = dev.store.get("net/interface", members[0].name) if members else None
    mac = first.props.get("macAddress") if first else dev.identity.base_mac
    return {
        "cVid": str(vlan.props["customerTag"]) if "customerTag" in vlan.props else " ",
        "id": vlan.props.get("tag", 0),
        "ifname": vlan.name,
        "macTrue": mac,
        "mtu": vlan.props.get("mtu", 1500),
        "tmName": vlan.full_path,
    }


def vlan_members(dev: Device, vlan: Obj) -> list[tuple[str, Fields, Fields]]:
    """(interface, member fields, interface fields) for each interface of a VLAN."""
    out = []
    for member in vlan.child_list("interfaces"):
        interface = dev.store.get("net/interface", member.name)
        tagged = member.props.get("tagged") is True
        fields = {
            "tmName": member.name,
            "tagMode": member.props.get("tagMode", "none"),
            "tagged": "yes" if tagged else "no",
        }
        out.append((member.name, fields, interface_stats(dev, interface) if interface else {}))
    return out


def vlan_counters() -> Fields:
    return {k: 0 for k in IFC_STAT}


def vlan_blocks(ctx: Ctx, vlan: Obj, path: str) -> dict[str, Any]:
    """The interface counters and per-member blocks a VLAN's stats nest [F]."""
    base = f"{BASE}{path}"
    members = {}
    for name, fields, interface in vlan_members(ctx.dev, vlan):
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
            {f"{base}/ifc_stat/0/stats": nested(stats_fields(vlan_counters()))}
        ),
        f"{base}/members/stats": nested(members),
    }


STATS: dict[str, FieldsOf] = {"net/vlan": vlan_stats, "net/interface": interface_stats}
