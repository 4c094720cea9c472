"""Config sync: the command, and waiting for it, understanding every status BIG-IP reports.

``In Sync`` on every device ends the wait. ``Not All Devices Synced`` is a sync still under
way: keep polling. ``Changes Pending`` / ``Awaiting Initial Sync`` with BIG-IP recommending
to sync the first device to the group: that is the device f5ecmp configured, so it syncs
again (at most twice; each resync is reported as a change). If BIG-IP recommends another
device, someone changed that device behind f5ecmp's back: syncing ours would overwrite it, so
the step stops and says so. ``Disconnected``, ``Sync Failure`` and anything else unknown fail
with BIG-IP's detail lines.
"""

from __future__ import annotations

from collections.abc import Mapping

from f5ecmp.bigip.api import DeviceApi, in_parallel
from f5ecmp.bigip.changes import Change, command
from f5ecmp.bigip.stats import SYNC_STATUS_PATH, SyncStatus, sync_status
from f5ecmp.bigip.waits import Waiter
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook.model import Playbook

CM_PATH = "/mgmt/tm/cm"
_WAITING = ("Not All Devices Synced", "Syncing")
_RESYNCABLE = ("Changes Pending", "Awaiting Initial Sync")
_MAX_RESYNCS = 2


class SyncError(F5EcmpError):
    """Config sync cannot finish without an operator."""


def sync_command(pb: Playbook, *, settle_after: bool = False) -> Change:
    group = pb.device_group.name
    body = {"command": "run", "utilCmdArgs": f"config-sync to-group {group}"}
    return command(
        CM_PATH, body, f"sync {pb.authority.name} to group {group}", settle_after=settle_after
    )


def read_sync_status(clients: Mapping[str, DeviceApi], names: list[str]) -> dict[str, SyncStatus]:
    """Every named device's ``cm sync-status``, read at once."""
    return in_parallel(names, lambda n: sync_status(clients[n].get(SYNC_STATUS_PATH)))


def check_direction(pb: Playbook, seen: Mapping[str, SyncStatus]) -> None:
    """Refuse to sync our first device to the group when BIG-IP recommends another device:
    that device holds changes made outside this rollout, and a sync would overwrite them."""
    group = pb.device_group.name
    for name, state in seen.items():
        recommended = state.recommended_for(group)
        if recommended is not None and recommended != pb.authority.name:
            raise SyncError(
                f"{name}: {state.group_state(group)}: BIG-IP recommends syncing {recommended} to "
                f"group {group}, not {pb.authority.name}: {recommended} was changed outside this "
                "rollout, and syncing would overwrite that. Review it, sync it by hand, then "
                "run apply again"
            )


def wait_in_sync(pb: Playbook, clients: Mapping[str, DeviceApi], waiter: Waiter) -> list[Change]:
    """Wait until every device reports the group In Sync; returns the resyncs it sent."""
    authority, group = pb.authority, pb.device_group.name
    names = [d.name for d in pb.devices]
    resent: list[Change] = []

    def probe() -> tuple[bool, str]:
        seen = read_sync_status(clients, names)
        ours = set(names)
        states = {name: found.state_for(group, ours) for name, found in seen.items()}
        if all(state == "In Sync" for state in states.values()):
            return True, "In Sync everywhere"
        check_direction(pb, seen)
        for name, state in states.items():
            if state == "In Sync" or state in _WAITING:
                continue
            if state in _RESYNCABLE:
                if len(resent) < _MAX_RESYNCS:
                    change = sync_command(pb)
                    clients[authority.name].request("POST", change.path, body=change.body)
                    resent.append(change)
                    return False, f"{name}: {state} (synced {authority.name} to the group again)"
                continue
            detail = "; ".join(seen[name].details) or seen[name].summary
            raise SyncError(f"{name}: config sync status {state or 'unknown'}: {detail}")
        return False, ", ".join(f"{n}: {s}" for n, s in states.items() if s != "In Sync")

    waiter.until(f"device group {group} to be In Sync", probe)
    return resent
