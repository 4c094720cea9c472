"""Step 6, ``device_group`` — guide: "Creating a Sync-Failover device group" and "Syncing the
BIG-IP configuration to the device group" (first device; the group reaches the members over
the trust domain).

Converged when the Sync-Failover group exists **on every member** with every device of the
playbook as a member, network failover, automatic sync, save-on-auto-sync, full sync and the
incremental sync cache as the playbook says, and **each member reports the group In Sync** —
or ``Changes Pending`` with BIG-IP recommending to sync the first device: configuration the
first device holds (steps 7 to 11) is step 13's to sync, so the group itself is sound. A
member that missed the group (it was down when the group was created), awaits its initial
sync, or reports anything else gets a config sync from the first device; if a member still
lacks the group after the wait, the step says what the operator must do. Members BIG-IP holds beyond the playbook's are
left alone here: taking a device out of the group is step 12's (``decommission``), in its
safe order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from f5ecmp.bigip.api import get_or_none, in_parallel
from f5ecmp.bigip.changes import Change, FieldChange, modify
from f5ecmp.bigip.normalize import (
    enabled,
    flag,
    integer,
    short_name,
    subcollection,
    truth,
    uri_name,
)
from f5ecmp.bigip.stats import SyncStatus
from f5ecmp.bigip.sync import check_direction, read_sync_status, sync_command, wait_in_sync
from f5ecmp.bigip.waits import WaitTimeout
from f5ecmp.playbook.model import Device, Playbook
from f5ecmp.steps.base import Context, Step, StepConflict, Target

DG_COLLECTION = "/mgmt/tm/cm/device-group"
READ_PARAMS = {"expandSubcollections": "true"}
_NOT_SYNCED_YET = ("Awaiting Initial Sync", "Standalone", "")


@dataclass(frozen=True)
class Facts:
    group: dict[str, Any] | None  # the group on the first device, with its members
    members_seen: dict[str, frozenset[str] | None]  # device → the members it sees (None: no group)
    sync: dict[str, SyncStatus]  # device → its sync status


def dg_path(pb: Playbook) -> str:
    return f"{DG_COLLECTION}/{uri_name(pb.device_group.name)}"


def settings(pb: Playbook) -> dict[str, Any]:
    dg = pb.device_group
    out: dict[str, Any] = {
        "autoSync": enabled(dg.auto_sync),
        "saveOnAutoSync": truth(dg.save_on_auto_sync),
        "networkFailover": enabled(dg.network_failover),
        "fullLoadOnSync": truth(dg.full_sync),
        "incrementalConfigSyncSizeMax": dg.max_incremental_sync_kb,
    }
    if dg.description is not None:
        out["description"] = dg.description
    return out


def _members(group: dict[str, Any] | None) -> frozenset[str] | None:
    if not isinstance(group, dict) or not group.get("name"):
        return None
    return frozenset(
        str(short_name(m.get("name"))) for m in subcollection(group, "devicesReference")
    )


def read(ctx: Context, device: Device) -> Facts:
    """Facts: the group as every device sees it, and every device's sync status."""
    pb = ctx.playbook
    names = [d.name for d in pb.devices]
    groups = in_parallel(names, lambda n: get_or_none(ctx.client(n), dg_path(pb), READ_PARAMS))
    group = groups[device.name]
    return Facts(
        group if isinstance(group, dict) and group.get("name") else None,
        {n: _members(g) for n, g in groups.items()},
        read_sync_status(ctx.clients, names) if group else {},
    )


def _comparable(current: dict[str, Any]) -> dict[str, Any]:
    return {
        "autoSync": enabled(flag(current.get("autoSync")) is True),
        "saveOnAutoSync": truth(flag(current.get("saveOnAutoSync")) is True),
        "networkFailover": enabled(flag(current.get("networkFailover")) is True),
        "fullLoadOnSync": truth(flag(current.get("fullLoadOnSync")) is True),
        "incrementalConfigSyncSizeMax": integer(current.get("incrementalConfigSyncSizeMax")),
        "description": current.get("description"),
    }


def not_established(facts: Facts, pb: Playbook) -> list[str]:
    """Where the group is not yet what converged means: members that do not hold it with
    every device, and members not In Sync for it."""
    names = {d.name for d in pb.devices}
    problems = []
    for name, seen in facts.members_seen.items():
        if seen is None:
            problems.append(f"{name} does not hold device group {pb.device_group.name}")
        elif not names <= seen:
            missing = ", ".join(sorted(names - seen))
            problems.append(f"{name} sees device group {pb.device_group.name} without {missing}")
    group = pb.device_group.name
    ours = {d.name for d in pb.devices}
    for name, status in facts.sync.items():
        state = status.state_for(group, ours)
        if state == "In Sync":
            continue
        if state == "Changes Pending" and status.recommended_for(group) == pb.authority.name:
            continue  # configuration the first device holds and step 13 syncs: not the group's
        problems.append(f"{name}: device group {group} is {state or 'unknown'}")
    return problems


def diff(facts: Facts, target: Target) -> list[Change]:
    pb = target.playbook
    names = [d.name for d in pb.devices]
    current = facts.group
    if current is None:
        body = {"name": pb.device_group.name, "partition": "Common", "type": pb.device_group.type,
                "devices": names, **settings(pb)}  # fmt: skip
        summary = f"create {pb.device_group.type} device group {pb.device_group.name} with {', '.join(names)}"
        return [Change("create", "POST", DG_COLLECTION, body, summary), sync_command(pb)]
    if current.get("type") != pb.device_group.type:
        raise StepConflict(
            f"device group {pb.device_group.name} exists as {current.get('type')}; a group's "
            f"type cannot change: delete it or name another group in the playbook"
        )
    changes = []
    have = _comparable(current)
    fields = [FieldChange(k, have.get(k), v) for k, v in settings(pb).items() if have.get(k) != v]
    if fields:
        changes.append(modify(dg_path(pb), f"device group {pb.device_group.name}", fields))
    members = facts.members_seen.get(pb.authority.name) or frozenset()
    for name in names:
        if name not in members:
            summary = f"add {name} to device group {pb.device_group.name}"
            body = {"name": name, "partition": "Common"}
            changes.append(Change("create", "POST", f"{dg_path(pb)}/devices", body, summary))
    if changes or not_established(facts, pb):
        check_direction(pb, facts.sync)
        changes.append(sync_command(pb))
    return changes


def check(ctx: Context, device: Device, facts: Facts) -> list[str]:
    if facts.group is None:
        return [f"{device.name} does not hold device group {ctx.playbook.device_group.name}"]
    return not_established(facts, ctx.playbook)


def settle(ctx: Context, device: Device) -> list[Change]:
    """Wait until every member holds the group with every device, then until every member
    reports it In Sync. A member that never receives the group is a trust problem the tool
    cannot mend: say what to do."""
    pb = ctx.playbook
    group = pb.device_group.name

    def held() -> tuple[bool, str]:
        facts_now = in_parallel(
            [d.name for d in pb.devices],
            lambda n: _members(get_or_none(ctx.client(n), dg_path(pb), READ_PARAMS)),
        )
        wanted = {d.name for d in pb.devices}
        missing = [n for n, seen in facts_now.items() if seen is None or not wanted <= seen]
        return not missing, ", ".join(missing)

    try:
        ctx.waiter.until(f"every member to hold device group {group}", held)
    except WaitTimeout as exc:
        raise WaitTimeout(
            f"{exc}. The trust domain should carry the group to every member: on each device "
            f"named, check `tmsh show cm sync-status` and that it trusts {pb.authority.name}; if "
            f"it still lacks the group, remove it from the trust domain of {pb.authority.name} "
            "(`tmsh modify cm trust-domain Root ca-devices delete { NAME }`) and run apply again"
        ) from None
    return wait_in_sync(pb, ctx.clients, ctx.waiter)


STEP = Step(
    6, "device_group", "Creating a Sync-Failover device group", "first",
    read, diff, settle, check, synced=False,
)  # fmt: skip
