"""Step 12, ``sync`` — guide: "Syncing the BIG-IP configuration to the device group" and
"Configuration Result" (first device → all).

The first device syncs its configuration to the group when anything config sync carries
changed in this run (steps 7 to 11, unless the group syncs automatically) or when any device is
not In Sync; BIG-IP's own recommendation is checked first, so a peer changed behind this
rollout's back is never overwritten. Then every device saves its configuration, whenever this
run changed anything (or the run it resumes changed devices without getting this far).

Converged — the guide's result, read from every device directly: the group In Sync and every
device ACTIVE, every floating self IP on every device in its device's traffic group, the
virtual address spanning with ARP off everywhere, and each traffic group active on the first
device of its HA order (waiting, within the deadline, for auto failback to bring it home).
"""

from __future__ import annotations

from dataclasses import dataclass

from f5ecmp.bigip.changes import Change, command
from f5ecmp.bigip.cluster import read_cluster, read_groups
from f5ecmp.bigip.stats import SyncStatus
from f5ecmp.bigip.sync import check_direction, read_sync_status, sync_command, wait_in_sync
from f5ecmp.bigip.waits import WaitTimeout
from f5ecmp.playbook.model import Device
from f5ecmp.steps.base import Context, Step, Target

SAVE_PATH = "/mgmt/tm/sys/config"


@dataclass(frozen=True)
class Facts:
    seen: dict[str, SyncStatus]  # every device's sync status
    synced_objects_changed: bool  # this run changed what config sync carries
    anything_changed: bool  # this run changed anything (or left changes unsaved before)


def save_change(device: str) -> Change:
    return command(
        SAVE_PATH, {"command": "save"}, f"save the configuration of {device}", device=device
    )


def read(ctx: Context, device: Device) -> Facts:
    pb = ctx.playbook
    synced = ctx.synced_changed and not pb.device_group.auto_sync
    anything = ctx.unsaved or any(ctx.changed.values())
    return Facts(read_sync_status(ctx.clients, [d.name for d in pb.devices]), synced, anything)


def diff(facts: Facts, target: Target) -> list[Change]:
    pb = target.playbook
    group = pb.device_group.name
    changes: list[Change] = []
    in_sync = all(s.group_state(group) == "In Sync" for s in facts.seen.values())
    if facts.synced_objects_changed or not in_sync:
        check_direction(pb, facts.seen)
        changes.append(sync_command(pb, settle_after=True))
    if changes or facts.anything_changed:
        changes.extend(save_change(d.name) for d in pb.devices)
    return changes


def settle(ctx: Context, _device: Device) -> list[Change]:
    return wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)


def converged(ctx: Context, _device: Device) -> list[str]:
    """The guide's result on every device; only traffic-group placement is waited for."""
    pb = ctx.playbook
    state = read_cluster(pb, ctx.clients)
    if state.problems != state.placement_problems or not state.placement_problems:
        return state.problems
    authority = ctx.client(pb.authority)

    def placed() -> tuple[bool, list[str]]:
        groups = read_groups(pb, authority)
        wrong = [g for g in groups if not g.home]
        return not wrong, [f"{g.name} on {', '.join(g.active) or 'no device'}" for g in wrong]

    try:
        ctx.waiter.until(
            "each traffic group to be active on its own device (auto failback)", placed
        )
    except WaitTimeout:
        return read_cluster(pb, ctx.clients).problems
    return []


STEP = Step(
    12, "sync", "Syncing the BIG-IP configuration to the device group", "first",
    read, diff, settle, converged,
)  # fmt: skip
