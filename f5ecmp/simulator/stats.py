"""Statistics of local-traffic and network objects, as `<object>/stats` reports them.

The field names are those a 16.1.3 device returns for pools, nodes, virtual servers, virtual
addresses, VLANs and interfaces (stackstate-lab/sts-f5-agent-checks
`tests/resources/responses/*_stats.json`, 16.1.3) and those F5's `bigip_device_info` reads
from them (`activeMemberCnt`, `serverside.*`, `status.availabilityState`, `macTrue`...).
Dotted names are flat keys on the wire (`"serverside.bitsIn": {"value": 0}`).

The simulator carries no traffic and runs no health monitors, so every counter is zero and
every availability is `unknown` with the reason a device gives for objects it has not
checked; what the configuration decides (member counts, monitor rule, enabled state, tag,
MTU, MAC) is read from the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import names
from .device import Device
from .store import Obj

Fields = dict[str, Any]

TRAFFIC = ("bitsIn", "bitsOut", "curConns", "maxConns", "pktsIn", "pktsOut", "totConns")
CONNQ = ("ageEdm", "ageEma", "ageHead", "ageMax", "depth", "serviced")
SYNCOOKIE = (
    "accepts",
    "hwAccepts",
    "hwSyncookies",
    "hwsyncookieInstance",
    "rejects",
    "swsyncookieInstance",
    "syncacheCurr",
    "syncacheOver",
    "syncookies",
)
MESSAGE_ROUTING = ("msgIn", "msgOut", "reqIn", "reqOut", "respIn", "respOut")
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
# [F] the reason a 16.1.3 device gives for a virtual (or virtual address) whose children are
# not monitored; [I] the same wording for a pool.
UNCHECKED = (
    "The children {} either don't have service checking enabled, or service check results "
    "are not available yet"
)
NODE_UNCHECKED = "Node address does not have service checking enabled"  # [I]


def zeros(prefix: str, keys: tuple[str, ...]) -> Fields:
    return {f"{prefix}.{k}": 0 for k in keys}


def status(enabled: bool, reason: str) -> Fields:
    return {
        "status.availabilityState": "unknown",
        "status.enabledState": "enabled" if enabled else "disabled",
        "status.statusReason": reason,
    }


def monitor_rule(obj: Obj) -> str:
    rule = obj.props.get("monitor", "none")
    return "none" if rule in ("default", "") else str(rule)


def enabled_members(pool: Obj) -> int:
    return sum(
        1
        for m in pool.child_list("members")
        if m.props.get("session") != "user-disabled" and m.props.get("state") != "user-down"
    )


def pool_stats(dev: Device, pool: Obj) -> Fields:
    active = enabled_members(pool)
    return {
        "activeMemberCnt": active,
        "availableMemberCnt": active,
        **zeros("connqAll", CONNQ),
        **zeros("connq", CONNQ),
        "curPriogrp": 0,
        "curSessions": 0,
        "highestPriogrp": 0,
        "lowestPriogrp": 0,
        "memberCnt": len(pool.child_list("members")),
        "minActiveMembers": pool.props.get("minActiveMembers", 0),
        "monitorRule": monitor_rule(pool),
        **zeros("mr", MESSAGE_ROUTING),
        "tmName": pool.full_path,
        **zeros("serverside", TRAFFIC),
        **status(True, UNCHECKED.format("pool member(s)")),
        "totRequests": 0,
    }


def node_stats(dev: Device, node: Obj) -> Fields:
    enabled = node.props.get("session") != "user-disabled"
    return {
        "addr": str(node.props.get("address", "any6")),
        "curSessions": 0,
        "monitorRule": monitor_rule(node),
        "monitorStatus": "unchecked",
        "tmName": node.full_path,
        **zeros("serverside", TRAFFIC),
        "sessionStatus": "enabled" if enabled else "disabled",
        **status(enabled, NODE_UNCHECKED),
        "totRequests": 0,
    }


def virtual_stats(dev: Device, virtual: Obj) -> Fields:
    destination = names.base_name(str(virtual.props.get("destination", "")))
    return {
        **zeros("clientside", (*TRAFFIC, "evictedConns", "slowKilled")),
        "cmpEnableMode": "all-cpus",
        "cmpEnabled": "enabled",
        "csMaxConnDur": 0,
        "csMeanConnDur": 0,
        "csMinConnDur": 0,
        "destination": destination,
        **zeros("ephemeral", (*TRAFFIC, "evictedConns", "slowKilled")),
        "fiveMinAvgUsageRatio": 0,
        "fiveSecAvgUsageRatio": 0,
        **zeros("mr", MESSAGE_ROUTING),
        "tmName": virtual.full_path,
        "oneMinAvgUsageRatio": 0,
        **status(virtual.props.get("disabled") is not True, UNCHECKED.format("pool member(s)")),
        "syncookieStatus": "not-activated",
        **zeros("syncookie", SYNCOOKIE),
        "totRequests": 0,
    }


def virtual_address_stats(dev: Device, address: Obj) -> Fields:
    return {
        "addr": str(address.props.get("address", address.name)),
        **zeros("clientside", TRAFFIC),
        "tmName": address.full_path,
        **status(address.props.get("enabled") != "no", UNCHECKED.format("virtual server(s)")),
    }


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


STATS: dict[str, Callable[[Device, Obj], Fields]] = {
    "ltm/pool": pool_stats,
    "ltm/node": node_stats,
    "ltm/virtual": virtual_stats,
    "ltm/virtual-address": virtual_address_stats,
    "net/vlan": vlan_stats,
    "net/interface": interface_stats,
}
