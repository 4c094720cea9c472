"""Step 13, ``sync`` — guide: "Syncing the BIG-IP configuration to the device group" and
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
from f5ecmp.bigip.sync import (
    CM_PATH,
    check_direction,
    read_sync_status,
    sync_command,
    wait_in_sync,
)
from f5ecmp.bigip.waits import WaitTimeout
from f5ecmp.playbook.model import Device
from f5ecmp.steps.base import Context, Step, Target

STEP_ID = "sync"
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
    """Facts: every device's sync status, and what this run changed (a re-run of this step
    after a failed check does not sync or save again for what it already synced and saved;
    a device that is not In Sync is synced again all the same)."""
    pb = ctx.playbook
    here = ctx.sent.get((STEP_ID, device.name), [])
    synced = (
        ctx.synced_changed
        and not pb.device_group.auto_sync
        and not any(c.path == CM_PATH for c in here)
    )
    anything = (ctx.unsaved or any(ctx.changed.values())) and not any(
        c.path == SAVE_PATH for c in here
    )
    return Facts(read_sync_status(ctx.clients, [d.name for d in pb.devices]), synced, anything)


def diff(facts: Facts, target: Target) -> list[Change]:
    pb = target.playbook
    group = pb.device_group.name
    changes: list[Change] = []
    ours = {d.name for d in pb.devices}
    in_sync = all(s.state_for(group, ours) == "In Sync" for s in facts.seen.values())
    if facts.synced_objects_changed or not in_sync:
        check_direction(pb, facts.seen)
        changes.append(sync_command(pb, settle_after=True))
    if changes or facts.anything_changed:
        changes.extend(save_change(d.name) for d in pb.devices)
    return changes


def settle(ctx: Context, _device: Device) -> list[Change]:
    return wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)


def converged(ctx: Context, _device: Device) -> list[str]:
    """The guide's result on every device. Only traffic-group placement is waited for: a
    device holding no traffic group yet reports STANDBY until auto failback brings its group
    home, so its failover status is read again after the wait."""
    pb = ctx.playbook
    state = read_cluster(pb, ctx.clients)
    if not state.placement_problems or any(
        (d.reachable and (d.sync != "In Sync" or d.floating_problems)) or not d.reachable
        for d in state.devices
    ):
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
    13, STEP_ID, "Syncing the BIG-IP configuration to the device group", "first",
    read, diff, settle, converged,
)  # fmt: skip
