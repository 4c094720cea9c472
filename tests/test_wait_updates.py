"""A wait tells whoever listens that it started (and until when), what each poll saw, and
how it ended; the runner passes that on as an event of the step that waits."""

from __future__ import annotations

import threading

import pytest

from f5ecmp.bigip.waits import Waiter, WaitStopped, WaitTimeout, WaitUpdate
from f5ecmp.policies import PollPolicy


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def waiter(deadline_s: float = 30.0) -> tuple[Waiter, list[WaitUpdate]]:
    clock = FakeClock()
    updates: list[WaitUpdate] = []
    policy = PollPolicy(first_s=1, max_s=1, deadline_s=deadline_s)
    return Waiter(policy, clock, clock.sleep, on_wait=updates.append), updates


def test_a_wait_that_succeeds_reports_start_polls_and_end() -> None:
    wait, updates = waiter()
    answers = iter([(False, ["traffic-group-2 on bigip-a"]), (False, "x"), (True, "home")])
    assert wait.until("traffic groups to go home", lambda: next(answers)) == "home"
    assert [(u.phase, u.seen, u.outcome) for u in updates] == [
        ("started", "", None),
        ("polled", "traffic-group-2 on bigip-a", None),
        ("polled", "x", None),
        ("ended", "", "done"),
    ]
    assert {u.what for u in updates} == {"traffic groups to go home"}
    assert {u.deadline_s for u in updates} == {30.0}
    assert [u.elapsed_s for u in updates] == [0.0, 0.0, 1.0, 2.0]


def test_a_wait_that_times_out_ends_timed_out() -> None:
    wait, updates = waiter(deadline_s=3)
    with pytest.raises(WaitTimeout):
        wait.until("sync", lambda: (False, "Changes Pending"))
    assert updates[-1].phase == "ended" and updates[-1].outcome == "timed out"
    assert updates[-1].elapsed_s >= 3


def test_a_stopped_wait_ends_stopped_and_a_failed_probe_ends_failed() -> None:
    wait, updates = waiter()
    wait.stop = threading.Event()
    wait.stop.set()
    with pytest.raises(WaitStopped):
        wait.until("sync", lambda: (False, "Changes Pending"))
    assert updates[-1].outcome == "stopped"

    def broken() -> tuple[bool, str]:
        raise OSError("read failed")

    with pytest.raises(OSError):
        wait.until("sync", broken)
    assert updates[-1].outcome == "failed"


def test_without_a_listener_a_wait_reads_the_clock_as_before() -> None:
    calls: list[int] = []

    def clock() -> float:
        calls.append(1)
        return 0.0

    Waiter(PollPolicy(), clock, lambda _s: None).until("x", lambda: (True, None))
    assert len(calls) == 1  # the poll policy's own start, nothing more
