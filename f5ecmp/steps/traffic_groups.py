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

from f5ecmp.bigip.changes import Change, FieldChange, modify
from f5ecmp.bigip.normalize import flag, integer, items, mac, short_name, uri_name
from f5ecmp.bigip.stats import TG_STATS_PATH, traffic_group_states
from f5ecmp.playbook.model import Device, Playbook
from f5ecmp.steps.base import Context, Step, StepConflict, Target

TG_COLLECTION = "/mgmt/tm/cm/traffic-group"


Groups = dict[str, dict[str, Any]]
Facts = tuple[Groups, dict[str, list[str]]]  # (traffic groups by name, group → active on)


def parse(collection: Any) -> Groups:
    return {str(tg["name"]): tg for tg in items(collection)}


def read(ctx: Context, device: Device) -> Facts:
    """Facts: the traffic groups; and where each is active, read only when an HA order is
    about to change (so the plan can say which live group that moves)."""
    groups = parse(ctx.read(device, TG_COLLECTION))
    changes = _diff_groups(groups, ctx.target(device))
    if not any(c.action == "modify" and "haOrder" in (c.body or {}) for c in changes):
        return groups, {}
    states = traffic_group_states(ctx.client(device).get(TG_STATS_PATH))
    return groups, {tg: [d for d, s in by.items() if s == "active"] for tg, by in states.items()}


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


def diff(facts: Facts, target: Target) -> list[Change]:
    groups, active = facts
    return with_moves(_diff_groups(groups, target), active)


def _diff_groups(current: Groups, target: Target) -> list[Change]:
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
            _refuse_taking_from_a_leaving_device(pb, device.traffic_group.name, comparable, want)
            path = f"{TG_COLLECTION}/{uri_name(device.traffic_group.name)}"
            changes.append(modify(path, f"traffic group {device.traffic_group.name}", fields))
    return changes


def _refuse_taking_from_a_leaving_device(
    pb: Playbook, group: str, have: dict[str, Any], want: dict[str, Any]
) -> None:
    """A removal never moves the remaining devices' traffic: a group the playbook gives to
    another device while the device heading it leaves the playbook is refused, with the two
    applies that do it deliberately."""
    order = have.get("haOrder") or []
    head = str(short_name(order[0])) if order else None
    named = {d.name for d in pb.devices}
    if head is None or head in named or short_name(want["haOrder"][0]) == head:
        return
    raise StepConflict(
        f"{head}, which the playbook drops, runs {group}; giving {group} to another device "
        "would move live traffic, which removing a device never does. Remove it in two "
        f"applies: first keep {head} in the playbook, not as the first device, with a traffic "
        f"group of its own, and give {group} to the device it should run on (that apply moves "
        f"the groups, and its plan says so); then drop {head} from the playbook"
    )


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


STEP = Step(
    10, "traffic_groups", "Creating traffic groups for failover", "first", read, diff,
    synced=True, creates_together=True,
)  # fmt: skip
