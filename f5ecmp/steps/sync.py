"""Step 13, ``sync`` — guide: "Syncing the BIG-IP configuration to the device group" and
"Configuration Result" (first device → all).

The first device syncs its configuration to the group when anything config sync carries
changed in this run (steps 7 to 11, unless the group syncs automatically) or when any device is
not In Sync; BIG-IP's own recommendation is checked first, so a peer changed behind this
rollout's back is never overwritten. Then every device saves its configuration, whenever this
run changed anything (or the run it resumes changed devices without getting this far).
A traffic group this run gave a start (created it, or created its floating self IPs) that is
still on the first device, where BIG-IP starts a new group, is placed on its own device with
F5's own command (``run sys failover standby traffic-group X`` on the first device: the
group goes to the next device of its HA order, its home) instead of waiting out its
auto-failback time; the command is sent only if auto failback has not done it by then. A
group that already carried traffic is never moved: the final check waits for auto failback.

Converged — the guide's result, read from every device directly (never from the run's read
memory; so is the sync status that decides the sync): the group In Sync and every
device ACTIVE, every floating self IP on every device in its device's traffic group, the
virtual address spanning with ARP off everywhere, and each traffic group active on the first
device of its HA order (waiting, within the deadline, for auto failback to bring it home).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from f5ecmp.bigip.changes import Change, command
from f5ecmp.bigip.cluster import read_cluster, read_groups
from f5ecmp.bigip.stats import TG_STATS_PATH, SyncStatus, traffic_group_states
from f5ecmp.bigip.sync import (
    CM_PATH,
    check_direction,
    read_sync_status,
    sync_command,
    wait_in_sync,
)
from f5ecmp.bigip.waits import WaitTimeout
from f5ecmp.playbook.model import FLOATING_ROLES, Device
from f5ecmp.steps.base import Context, Step, Target

STEP_ID = "sync"
SAVE_PATH = "/mgmt/tm/sys/config"
FAILOVER_PATH = "/mgmt/tm/sys/failover"


@dataclass(frozen=True)
class Facts:
    seen: dict[str, SyncStatus]  # every device's sync status
    synced_objects_changed: bool  # this run changed what config sync carries
    anything_changed: bool  # this run changed anything (or left changes unsaved before)
    # Traffic groups to place on their own device (group → that device): new in this run,
    # or carrying no floating self IP before it, and not known to be there already.
    place: tuple[tuple[str, str], ...] = ()


def save_change(device: str) -> Change:
    return command(
        SAVE_PATH, {"command": "save"}, f"save the configuration of {device}", device=device,
        together=True,
    )  # fmt: skip


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
    with ctx.memo.fresh():  # what decides the sync is read from the devices, not remembered
        seen = read_sync_status(ctx.clients, [d.name for d in pb.devices])
        return Facts(seen, synced, anything, _to_place(ctx, device))


def _to_place(ctx: Context, authority: Device) -> tuple[tuple[str, str], ...]:
    """The groups this run gave a start: created by it, or whose floating self IPs it
    created (so no traffic ran through them before). A new group goes active on the device
    that created it, the first device, and would reach its own device only after its
    auto-failback time (60 s by default); ones already at home are left out."""
    pb = ctx.playbook
    created = {
        str((c.body or {}).get("name"))
        for c in ctx.changed.get("traffic_groups", [])
        if c.action == "create"
    }
    new_selfs = {
        str((c.body or {}).get("name"))
        for c in ctx.changed.get("floating_selfs", [])
        if c.action == "create"
    }
    fresh = {
        d.traffic_group.name
        for d in pb.devices
        if all(d.floating_self_name(role) in new_selfs for role in FLOATING_ROLES)
    }
    homes = {d.traffic_group.name: pb.ha_order(d)[0] for d in pb.devices}
    candidates = [g for g in homes if (g in created or g in fresh) and homes[g] != authority.name]
    if not candidates:
        return ()
    active = traffic_group_states(ctx.client(authority).get(TG_STATS_PATH))
    return tuple((g, homes[g]) for g in candidates if active.get(g, {}).get(homes[g]) != "active")


def still_needed(ctx: Context, authority: Device, change: Change) -> bool:
    """Place a group only while it is still on the device the command goes to: auto
    failback may have brought it home already (the command would then move it away)."""
    group = str((change.body or {}).get("traffic-group"))
    with ctx.memo.fresh():
        answer = ctx.client(authority).get(TG_STATS_PATH)
    states = traffic_group_states(answer).get(group, {})
    return [d for d, s in states.items() if s == "active"] == [change.device]


def diff(facts: Facts, target: Target) -> list[Change]:
    pb = target.playbook
    group = pb.device_group.name
    changes: list[Change] = []
    ours = {d.name for d in pb.devices}
    in_sync = all(s.state_for(group, ours) == "In Sync" for s in facts.seen.values())
    if facts.synced_objects_changed or not in_sync:
        check_direction(pb, facts.seen)
        changes.append(sync_command(pb, settle_after=True))
    authority = pb.authority.name
    for group, home in facts.place:
        body = {"command": "run", "standby": True, "traffic-group": group}
        changes.append(command(
            FAILOVER_PATH, body,
            f"place {group} on {home}: standby on {authority}, where a new traffic group "
            "starts (only if auto failback has not brought it there by then)",
            device=authority, conditional=True,
        ))  # fmt: skip
    if changes or facts.anything_changed:
        changes.extend(save_change(d.name) for d in pb.devices)
    return changes


def settle(ctx: Context, _device: Device) -> list[Change]:
    return wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)


def check(ctx: Context, _device: Device, facts: Facts) -> list[str]:
    """The guide's result on every device, read directly (the sync statuses just read are
    used as they are). Only traffic-group placement is waited for: a device holding no
    traffic group yet reports STANDBY until auto failback brings its group home, so the
    devices are read again after the wait."""
    pb = ctx.playbook
    with ctx.memo.fresh():  # the guide's result, read from every device now
        state = read_cluster(pb, ctx.clients, sync=facts.seen, with_version=False)
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

    with contextlib.suppress(WaitTimeout):
        ctx.waiter.until(
            "each traffic group to be active on its own device (auto failback)", placed
        )
    with ctx.memo.fresh():
        return read_cluster(pb, ctx.clients, with_version=False).problems


STEP = Step(
    13, STEP_ID, "Syncing the BIG-IP configuration to the device group", "first",
    read, diff, settle, check, still_needed=still_needed,
)  # fmt: skip
