"""Waiting for config sync: every status BIG-IP reports, on a fake cluster (no sockets)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from f5ecmp.bigip.sync import SyncError, wait_in_sync
from f5ecmp.bigip.waits import Waiter, WaitTimeout
from f5ecmp.playbook import load_playbook
from f5ecmp.policies import PollPolicy
from f5ecmp.steps.base import Context
from tests.conftest import SEED

PB = load_playbook(SEED)
A, B = "bigip-a.example.net", "bigip-b.example.net"


def answer(status: str, *details: str) -> dict[str, Any]:
    lines = {
        f"https://localhost/mgmt/tm/cm/syncStatus/0/details/{i}": {
            "nestedStats": {"entries": {"details": {"description": line}}}
        }
        for i, line in enumerate(details)
    }
    fields = {
        "status": {"description": status},
        "https://localhost/mgmt/tm/cm/syncStatus/0/details": {"nestedStats": {"entries": lines}},
    }
    return {
        "entries": {
            "https://localhost/mgmt/tm/cm/sync-status/0": {"nestedStats": {"entries": fields}}
        }
    }


IN_SYNC = answer("In Sync", "dg-ecmp (In Sync): All devices in the device group are in sync")


class FakeDevice:
    """Answers sync-status from a script (one answer per poll, the last one repeated)."""

    def __init__(self, name: str, script: list[dict[str, Any]]) -> None:
        self.name, self._script, self.posts = name, iter(script), []  # type: ignore[var-annotated]
        self._last = script[-1]

    def get(self, path: str, params: Any = None) -> Any:
        self._last = next(self._script, self._last)
        return self._last

    def request(self, method: str, path: str, *, body: Any = None, **_kw: Any) -> Any:
        assert method == "POST"
        self.posts.append(body)
        return body


def context(scripts: dict[str, list[dict[str, Any]]]) -> tuple[Context, dict[str, FakeDevice]]:
    devices = {d.name: FakeDevice(d.name, scripts.get(d.name, [IN_SYNC])) for d in PB.devices}
    waiter = Waiter(PollPolicy(first_s=1, max_s=1, deadline_s=5), _Clock(), lambda _s: None)
    return Context(PB, devices, waiter=waiter), devices  # type: ignore[arg-type]


class _Clock:
    def __init__(self) -> None:
        self.ticks: Iterator[float] = iter(range(1000))

    def __call__(self) -> float:
        return float(next(self.ticks))


def test_not_all_devices_synced_is_waited_out() -> None:
    ctx, devices = context(
        {B: [answer("Not All Devices Synced"), answer("Not All Devices Synced"), IN_SYNC]}
    )
    wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)
    assert devices[A].posts == []


def test_changes_pending_on_our_device_is_synced_again() -> None:
    pending = answer(
        "Changes Pending",
        "dg-ecmp (Changes Pending): Changes pending",
        " - Recommended action: Synchronize bigip-a.example.net to group dg-ecmp",
    )
    ctx, devices = context({B: [pending, IN_SYNC]})
    wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)
    assert devices[A].posts == [{"command": "run", "utilCmdArgs": "config-sync to-group dg-ecmp"}]


def test_changes_made_on_another_device_stop_the_wait() -> None:
    pending = answer(
        "Changes Pending",
        "dg-ecmp (Changes Pending): Changes pending",
        " - Recommended action: Synchronize bigip-b.example.net to group dg-ecmp",
    )
    ctx, devices = context({B: [pending]})
    with pytest.raises(SyncError, match="changed outside this rollout"):
        wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)
    assert devices[A].posts == []


def test_disconnected_fails_with_the_detail_lines() -> None:
    gone = answer("Disconnected", "bigip-c.example.net: disconnected")
    ctx, _ = context({B: [gone]})
    with pytest.raises(SyncError, match=r"Disconnected: bigip-c\.example\.net: disconnected"):
        wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)


def test_another_groups_trouble_does_not_hold_ours() -> None:
    mixed = answer(
        "Changes Pending",
        "dg-ecmp (In Sync): All devices in the device group are in sync",
        "other-dg (Changes Pending): Changes pending",
        " - Recommended action: Synchronize bigip-b.example.net to group other-dg",
    )
    ctx, devices = context({A: [mixed], B: [mixed]})
    wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)
    assert devices[A].posts == []


def test_a_sync_that_never_finishes_times_out() -> None:
    ctx, _ = context({B: [answer("Not All Devices Synced")]})
    with pytest.raises(WaitTimeout, match="dg-ecmp to be In Sync"):
        wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)
