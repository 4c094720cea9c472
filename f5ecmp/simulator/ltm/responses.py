"""What LTM answers beyond its configuration objects (those are `rest.configuration`'s): the
statistics of pools, nodes, virtual servers and virtual addresses, as `<object>/stats`
reports them (the envelope and the routes are `rest.stats`').

The field names are those a 16.1.3 device returns (stackstate-lab/sts-f5-agent-checks
`tests/resources/responses/*_stats.json`, 16.1.3) and those F5's `bigip_device_info` reads
from them (`activeMemberCnt`, `serverside.*`, `status.availabilityState`...). Dotted names
are flat keys on the wire (`"serverside.bitsIn": {"value": 0}`).

The simulator carries no traffic and runs no health monitors, so every counter is zero and
every availability is `unknown` with the reason a device gives for objects it has not
checked; what the configuration decides (member counts, monitor rule, enabled state) is read
from the model.
"""

from __future__ import annotations

from .. import names
from ..device import Device
from ..rest.render import Fields, zeros
from ..rest.stats import FieldsOf
from ..store import Obj

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
# [F] the reason a 16.1.3 device gives for a virtual (or virtual address) whose children are
# not monitored; [I] the same wording for a pool.
UNCHECKED = (
    "The children {} either don't have service checking enabled, or service check results "
    "are not available yet"
)
NODE_UNCHECKED = "Node address does not have service checking enabled"  # [I]


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


STATS: dict[str, FieldsOf] = {
    "ltm/pool": pool_stats,
    "ltm/node": node_stats,
    "ltm/virtual": virtual_stats,
    "ltm/virtual-address": virtual_address_stats,
}
