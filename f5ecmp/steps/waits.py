"""Polling for what BIG-IP does asynchronously: trust, config sync, failover.

Trust, config sync and traffic-group moves are only observable by polling (reference §5.6);
a :class:`Waiter` polls with backoff up to a deadline. Time and sleep are injected, so tests
never wait for real.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from f5ecmp.errors import F5EcmpError

T = TypeVar("T")


class WaitTimeout(F5EcmpError):
    """Something BIG-IP does asynchronously did not happen before the deadline (retriable)."""


class WaitStopped(F5EcmpError):
    """The operator stopped the run while it waited."""


@dataclass
class Waiter:
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    first_s: float = 0.5
    max_s: float = 5.0
    deadline_s: float = 180.0
    stop: threading.Event | None = None

    def until(self, what: str, probe: Callable[[], tuple[bool, T]]) -> T:
        """Call ``probe`` until it says done; return its last value, or raise WaitTimeout
        naming ``what`` and the last value seen."""
        start, delay = self.clock(), self.first_s
        while True:
            done, value = probe()
            if done:
                return value
            if self.clock() - start >= self.deadline_s:
                raise WaitTimeout(
                    f"gave up after {self.deadline_s:.0f} s waiting for {what} (last seen: {value})"
                )
            self.sleep(delay)
            if self.stop is not None and self.stop.is_set():
                raise WaitStopped(f"stopped while waiting for {what}")
            delay = min(delay * 2, self.max_s)
