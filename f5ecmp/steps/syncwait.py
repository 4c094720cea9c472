"""Waiting for config sync (steps 6 and 12), understanding every status BIG-IP reports.

``In Sync`` on every device ends the wait. ``Not All Devices Synced`` is a sync still under
way: keep polling. ``Changes Pending`` / ``Awaiting Initial Sync`` with BIG-IP recommending
to sync the first device to the group: that is the device f5ecmp configured, so it syncs
again (at most twice). If BIG-IP recommends another device, someone changed that device
behind f5ecmp's back: syncing ours would overwrite it, so the step stops and says so.
``Disconnected``, ``Sync Failure`` and anything else unknown fail with BIG-IP's detail lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from f5ecmp.errors import F5EcmpError
from f5ecmp.steps import device_group, status

if TYPE_CHECKING:
    from f5ecmp.steps.registry import Context

_WAITING = ("Not All Devices Synced", "Syncing")
_RESYNCABLE = ("Changes Pending", "Awaiting Initial Sync")
_MAX_RESYNCS = 2


class SyncError(F5EcmpError):
    """Config sync cannot finish without an operator."""


def check_direction(ctx: Context, seen: dict[str, status.SyncStatus]) -> None:
    """Refuse to sync our first device to the group when BIG-IP recommends another device:
    that device holds changes made outside this rollout, and a sync would overwrite them."""
    pb = ctx.playbook
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


def wait_in_sync(ctx: Context) -> None:
    from f5ecmp.steps.registry import read_everywhere

    pb = ctx.playbook
    authority, group = pb.authority, pb.device_group.name
    resyncs = 0

    def probe() -> tuple[bool, str]:
        nonlocal resyncs
        seen = {
            name: status.sync_status(answer)
            for name, answer in read_everywhere(ctx, status.SYNC_STATUS_PATH).items()
        }
        states = {name: found.group_state(group) for name, found in seen.items()}
        if all(state == "In Sync" for state in states.values()):
            return True, "In Sync everywhere"
        check_direction(ctx, seen)
        for name, state in states.items():
            if state == "In Sync" or state in _WAITING:
                continue
            if state in _RESYNCABLE:
                if resyncs < _MAX_RESYNCS:
                    resyncs += 1
                    _post(ctx, authority, device_group.sync_command(pb).body)
                    return False, f"{name}: {state} (synced {authority.name} to the group again)"
                continue
            detail = "; ".join(seen[name].details) or seen[name].summary
            raise SyncError(f"{name}: config sync status {state or 'unknown'}: {detail}")
        return False, ", ".join(f"{n}: {s}" for n, s in states.items() if s != "In Sync")

    ctx.waiter.until(f"device group {group} to be In Sync", probe)


def _post(ctx: Context, device: Any, body: Any) -> None:
    client: Any = ctx.client(device)
    client.post(device_group.CM_PATH, body)
