"""When a cluster's events run, and alone with what.

Events (a trust merge, a config sync's copy, a failover timer) run when they fall due. While a
cluster is served on the real clock, a `Ticker` thread runs them (`start_ticker`); otherwise (a
fake clock, the model driven from a test) each request first runs whatever is due
(`catch_up`). A write runs what it set off with no delay before it is answered (`tick`). So
the effects of a request become visible to later polls only, as on real devices, and to the
very next one when the delays are zero; and no read pays for a cluster event, however large,
while a ticker runs them.

An event runs alone (under the cluster lock), except a `staged` one: it runs among readers
and holds `alone()` itself for the moment it changes what they see (a config sync's copy).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from .clock import Clock, SystemClock, Ticker, Timeline
from .locking import ClusterLock


class Events:
    """A cluster's timeline, run under its lock (see the module)."""

    def __init__(self, clock: Clock, lock: ClusterLock) -> None:
        self.clock = clock
        self.lock = lock
        self.timeline = Timeline()
        self._ticker: Ticker | None = None

    def now(self) -> float:
        return self.clock.now()

    def alone(self) -> AbstractContextManager[object]:
        return self.lock

    def schedule(
        self, delay: float, action: Callable[[], None], label: str = "", *, staged: bool = False
    ) -> None:
        """Run `action` after `delay` seconds, alone, or among readers when `staged`."""
        run = action if staged else self._alone(action)
        self.timeline.schedule(self.clock.now() + max(0.0, delay), run, label)

    def _alone(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with self.lock:
                action()

        return run

    def tick(self) -> None:
        """Run the events that are due (after any run already under way)."""
        with self.lock.serial():
            self.timeline.run_due(self.clock.now())

    def catch_up(self) -> None:
        """What a request does before it is answered: `tick` if anything is due, unless the
        ticker runs events (a read then sees a sync being applied as not yet done)."""
        if self._ticker is None and self.timeline.is_due(self.clock.now()):
            self.tick()

    def start_ticker(self) -> None:
        """On the real clock, start the thread that runs events when they fall due; a fake
        clock is moved by a test, and requests catch up."""
        if self._ticker is None and isinstance(self.clock, SystemClock):
            self._ticker = Ticker(self.timeline, self.clock, self.tick).start()

    def stop_ticker(self) -> None:
        ticker, self._ticker = self._ticker, None
        if ticker is not None:
            ticker.stop()

    def settle(self, max_seconds: float = 600.0) -> None:
        """Let time pass until nothing is pending (or `max_seconds` elapsed). With a `FakeClock`
        this returns at once, having moved the clock."""
        start = self.clock.now()
        while True:
            self.tick()
            due = self.timeline.next_due()
            if due is None or due - start > max_seconds:
                return
            self.clock.sleep(max(0.0, due - self.clock.now()))
