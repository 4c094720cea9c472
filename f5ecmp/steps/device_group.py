"""Step 6, ``device_group`` — guide: "Creating a Sync-Failover device group" and "Syncing the
BIG-IP configuration to the device group" (first device).

Converged when the Sync-Failover group exists with every device of the playbook as a member,
network failover, automatic sync, save-on-auto-sync, full sync and the incremental sync cache
as the playbook says, and the group is In Sync. Members BIG-IP holds beyond the playbook's
are left alone: removing a device from a group is not something to do as a side effect.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.playbook.model import Playbook
from f5ecmp.steps.base import Change, FieldChange, StepConflict, Target, modify
from f5ecmp.steps.normalize import (
    enabled,
    flag,
    integer,
    short_name,
    subcollection,
    truth,
    uri_name,
)

DG_COLLECTION = "/mgmt/tm/cm/device-group"
CM_PATH = "/mgmt/tm/cm"
READ_PARAMS = {"expandSubcollections": "true"}


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


def sync_command(pb: Playbook) -> Change:
    group = pb.device_group.name
    body = {"command": "run", "utilCmdArgs": f"config-sync to-group {group}"}
    return Change("command", "POST", CM_PATH, body, f"sync {pb.authority.name} to group {group}")


def _comparable(current: dict[str, Any]) -> dict[str, Any]:
    return {
        "autoSync": enabled(flag(current.get("autoSync")) is True),
        "saveOnAutoSync": truth(flag(current.get("saveOnAutoSync")) is True),
        "networkFailover": enabled(flag(current.get("networkFailover")) is True),
        "fullLoadOnSync": truth(flag(current.get("fullLoadOnSync")) is True),
        "incrementalConfigSyncSizeMax": integer(current.get("incrementalConfigSyncSizeMax")),
        "description": current.get("description"),
    }


def diff(current: dict[str, Any] | None, initial_sync_done: bool, target: Target) -> list[Change]:
    """``current``: the group read with expandSubcollections, or None; ``initial_sync_done``:
    False while the group awaits its initial sync. Later drift elsewhere leaves the group out
    of sync too; step 12 syncs that, so this step does not sync again for it."""
    pb = target.playbook
    names = [d.name for d in pb.devices]
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
    members = {short_name(m.get("name")) for m in subcollection(current, "devicesReference")}
    for name in names:
        if name not in members:
            summary = f"add {name} to device group {pb.device_group.name}"
            body = {"name": name, "partition": "Common"}
            changes.append(Change("create", "POST", f"{dg_path(pb)}/devices", body, summary))
    if changes or not initial_sync_done:
        changes.append(sync_command(pb))
    return changes


def read(answer: Any) -> dict[str, Any] | None:
    return answer if isinstance(answer, dict) and answer.get("name") else None
