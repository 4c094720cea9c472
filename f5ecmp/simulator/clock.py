"""Time for the simulator: an injectable clock and a timeline of delayed cluster events.

Trust, config sync and failover take time on a real device and are observed only by polling.
The simulator schedules them on a `Timeline`; due events run at the start of the next access to
the cluster, so their effect is visible to the *next* poll, never to the request that caused
them. With a `FakeClock` a test moves time forward itself and nothing ever sleeps.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class Clock(Protocol):
    """Wall-clock seconds (epoch) and a sleep that matches them."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A clock that moves only when told to; `sleep` advances it instead of waiting."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time does not run backwards")
        with self._lock:
            self._now += seconds


@dataclass(order=True)
class _Event:
    due: float
    seq: int
    action: Callable[[], None] = field(compare=False)
    label: str = field(compare=False, default="")


class Timeline:
    """Events due at a time, run in (due, insertion) order."""

    def __init__(self) -> None:
        self._heap: list[_Event] = []
        self._seq = 0

    def schedule(self, due: float, action: Callable[[], None], label: str = "") -> None:
        self._seq += 1
        heapq.heappush(self._heap, _Event(due, self._seq, action, label))

    def next_due(self) -> float | None:
        return self._heap[0].due if self._heap else None

    def run_due(self, now: float) -> int:
        """Run every event due at `now`, including those that due events schedule for `now`."""
        ran = 0
        while self._heap and self._heap[0].due <= now:
            event = heapq.heappop(self._heap)
            event.action()
            ran += 1
        return ran

    def pending(self) -> list[str]:
        return [e.label for e in sorted(self._heap)]

    def clear(self) -> None:
        self._heap.clear()
