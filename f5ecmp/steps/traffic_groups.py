"""Step 10, ``traffic_groups`` — guide: "Creating traffic groups for failover" (first device;
config sync carries them).

Converged when every device's floating traffic group exists (traffic-group-1 is BIG-IP's own
and is modified; the others are created) with its MAC masquerade, failover method HA order,
HA order (ordered: the first available device runs the group) and auto failback. Growing the
cluster adds the new device to every HA order but keeps each order's first device, so no
traffic group moves.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from f5ecmp.playbook.model import Device, Playbook
from f5ecmp.steps.base import Change, FieldChange, Target, modify
from f5ecmp.steps.normalize import flag, integer, items, mac, short_name, uri_name

TG_COLLECTION = "/mgmt/tm/cm/traffic-group"


def read(collection: Any) -> dict[str, dict[str, Any]]:
    return {str(tg["name"]): tg for tg in items(collection)}


def desired_body(pb: Playbook, device: Device) -> dict[str, Any]:
    tg = device.traffic_group
    body: dict[str, Any] = {
        "name": tg.name,
        "partition": "Common",
        "mac": tg.mac_masquerade,
        "failoverMethod": tg.failover_method,
        "haOrder": [f"/Common/{name}" for name in pb.ha_order(device)],
        "autoFailbackEnabled": "true" if tg.auto_failback else "false",
        "autoFailbackTime": tg.auto_failback_time,
    }
    if tg.description is not None:
        body["description"] = tg.description
    return body


def _comparable(current: dict[str, Any]) -> dict[str, Any]:
    failback = flag(current.get("autoFailbackEnabled"))
    return {
        "mac": mac(current.get("mac")),
        # 12.1 devices omit failoverMethod (reference §4.8); HA order is the only one in use.
        "failoverMethod": current.get("failoverMethod", "ha-order"),
        "haOrder": [f"/Common/{short_name(d)}" for d in current.get("haOrder", [])],
        "autoFailbackEnabled": "true" if failback else "false",
        "autoFailbackTime": integer(current.get("autoFailbackTime")),
        "description": current.get("description"),
    }


def diff(current: dict[str, dict[str, Any]], target: Target) -> list[Change]:
    pb = target.playbook
    changes = []
    for device in pb.devices:
        want = desired_body(pb, device)
        have = current.get(device.traffic_group.name)
        if have is None:
            order = " > ".join(pb.ha_order(device))
            summary = (
                f"create traffic group {want['name']} for {device.name} "
                f"(MAC {want['mac']}, HA order {order}, auto failback {want['autoFailbackEnabled']})"
            )
            changes.append(Change("create", "POST", TG_COLLECTION, want, summary))
            continue
        comparable = _comparable(have)
        fields = [
            FieldChange(key, comparable.get(key), value)
            for key, value in want.items()
            if key not in ("name", "partition") and comparable.get(key) != value
        ]
        if fields:
            path = f"{TG_COLLECTION}/{uri_name(device.traffic_group.name)}"
            changes.append(modify(path, f"traffic group {device.traffic_group.name}", fields))
    return changes


def with_moves(changes: list[Change], active: dict[str, list[str]]) -> list[Change]:
    """Say in the plan when a change will move a live traffic group: a new HA order whose
    first device is not where the group runs, with auto failback on, brings it there."""
    out = []
    for change in changes:
        body = change.body or {}
        group = change.path.rsplit("~", 1)[-1] if change.action == "modify" else ""
        now = active.get(group, [])
        order = [short_name(d) for d in body.get("haOrder", [])]
        failback = body.get("autoFailbackEnabled", "true") == "true"
        if now and order and failback and order[0] not in now:
            note = f" — moves {group} from {', '.join(now)} to {order[0]} (auto failback)"
            change = dataclasses.replace(change, summary=change.summary + note)
        out.append(change)
    return out
