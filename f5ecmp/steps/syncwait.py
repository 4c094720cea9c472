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


def wait_in_sync(ctx: Context) -> None:
    pb = ctx.playbook
    authority = pb.authority
    resyncs = 0

    def probe() -> tuple[bool, str]:
        nonlocal resyncs
        from f5ecmp.steps.registry import read_everywhere

        seen = {
            name: status.sync_status(answer)
            for name, answer in read_everywhere(ctx, status.SYNC_STATUS_PATH).items()
        }
        if all(s.in_sync for s in seen.values()):
            return True, "In Sync everywhere"
        for name, state in seen.items():
            if state.in_sync or state.status in _WAITING:
                continue
            if state.status in _RESYNCABLE:
                recommended = state.recommended()
                if recommended is not None and recommended[0] != authority.name:
                    raise SyncError(
                        f"{name}: {state.status}: BIG-IP recommends syncing {recommended[0]} to "
                        f"group {recommended[1]}, not {authority.name}: {recommended[0]} was changed "
                        "outside this rollout. Review it, sync it by hand, then run apply again"
                    )
                if resyncs < _MAX_RESYNCS:
                    resyncs += 1
                    _post(ctx, authority, device_group.sync_command(pb).body)
                    return (
                        False,
                        f"{name}: {state.status} (synced {authority.name} to the group again)",
                    )
                continue
            detail = "; ".join(state.details) or state.summary
            raise SyncError(f"{name}: config sync status {state.status or 'unknown'}: {detail}")
        worst = ", ".join(f"{n}: {s.status}" for n, s in seen.items() if not s.in_sync)
        return False, worst

    ctx.waiter.until(f"device group {pb.device_group.name} to be In Sync", probe)


def _post(ctx: Context, device: Any, body: Any) -> None:
    client: Any = ctx.client(device)
    client.post(device_group.CM_PATH, body)
