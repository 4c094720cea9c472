"""Time for the simulator: an injectable clock and a timeline of delayed cluster events.

Trust, config sync and failover take time on a real device and are observed only by polling.
The simulator schedules them on a `Timeline`. On the real clock a `Ticker` thread runs each
event when it falls due; whatever is due when a request arrives (or right after a write) is
run then too, so an effect is visible to the *next* poll, never to the request that caused
it, and at once with zero delays. With a `FakeClock` a test moves time forward itself and
nothing ever sleeps.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

LOG = logging.getLogger(__name__)


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
    """Events due at a time, run in (due, insertion) order. Safe to use from several threads;
    `wait` lets a thread sleep until the next event may be due."""

    def __init__(self) -> None:
        self._heap: list[_Event] = []
        self._seq = 0
        self._changed = threading.Condition()

    def schedule(self, due: float, action: Callable[[], None], label: str = "") -> None:
        with self._changed:
            self._seq += 1
            heapq.heappush(self._heap, _Event(due, self._seq, action, label))
            self._changed.notify_all()

    def next_due(self) -> float | None:
        with self._changed:
            return self._heap[0].due if self._heap else None

    def is_due(self, now: float) -> bool:
        """Whether an event is due at `now`: cheap enough to ask on every request."""
        heap = self._heap
        return bool(heap) and heap[0].due <= now

    def run_due(self, now: float) -> int:
        """Run every event due at `now`, including those that due events schedule for `now`.
        The caller makes sure that one thread at a time runs events."""
        ran = 0
        while True:
            with self._changed:
                if not self._heap or self._heap[0].due > now:
                    return ran
                event = heapq.heappop(self._heap)
            event.action()
            ran += 1

    def sleep_until_due(
        self, now: Callable[[], float], longest: float, stop: threading.Event
    ) -> None:
        """Sleep until the next event is due (at most `longest` seconds), an event is
        scheduled, or `stop` is set and `wake` called."""
        with self._changed:
            if stop.is_set():
                return
            due = self._heap[0].due if self._heap else None
            seconds = longest if due is None else min(due - now(), longest)
            if seconds > 0:
                self._changed.wait(seconds)

    def wake(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def pending(self) -> list[str]:
        with self._changed:
            return [e.label for e in sorted(self._heap)]

    def clear(self) -> None:
        with self._changed:
            self._heap.clear()


class Ticker:
    """A thread that runs a timeline's events when they fall due on the real clock.

    `run_due` is the owner's way of running what is due (a cluster takes its locks there).
    A fake clock does not move by itself, so nothing needs a ticker then: a test moves the
    clock and the next request runs what fell due.
    """

    IDLE_SECONDS = 1.0

    def __init__(self, timeline: Timeline, clock: Clock, run_due: Callable[[], None]) -> None:
        self._timeline = timeline
        self._clock = clock
        self._run_due = run_due
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sim-ticker", daemon=True)

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._timeline.wake()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            if not self._timeline.is_due(self._clock.now()):
                self._timeline.sleep_until_due(self._clock.now, self.IDLE_SECONDS, self._stop)
                continue
            try:
                self._run_due()
            except Exception:  # a simulator bug in one event: say so, keep time running
                LOG.exception("a simulated cluster event failed")
