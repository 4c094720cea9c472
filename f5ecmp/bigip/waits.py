"""Polling for what BIG-IP does asynchronously: trust, config sync, failover.

Trust, config sync and traffic-group moves are only observable by polling (reference §5.6);
a :class:`Waiter` polls under a :class:`f5ecmp.policies.PollPolicy` up to its deadline. Time
and sleep are injected, so tests never wait.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from f5ecmp.errors import F5EcmpError
from f5ecmp.policies import Clock, PollPolicy, Sleep

T = TypeVar("T")
log = logging.getLogger(__name__)


class WaitTimeout(F5EcmpError):
    """Something BIG-IP does asynchronously did not happen before the deadline (retriable)."""


class WaitStopped(F5EcmpError):
    """The operator stopped the run while it waited."""


class _NotYet(Exception):
    def __init__(self, value: Any) -> None:
        super().__init__(str(value))
        self.value = value


@dataclass
class Waiter:
    policy: PollPolicy = field(default_factory=PollPolicy)
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    stop: threading.Event | None = None

    @property
    def deadline_s(self) -> float:
        return self.policy.deadline_s

    def until(self, what: str, probe: Callable[[], tuple[bool, T]]) -> T:
        """Call ``probe`` until it says done; return its last value, or raise WaitTimeout
        naming ``what`` and the last value seen."""

        def attempt() -> T:
            done, value = probe()
            if not done:
                raise _NotYet(value)
            return value

        def sleep(seconds: float) -> None:
            log.debug("waiting %.1f s for %s", seconds, what)
            self.sleep(seconds)
            if self.stop is not None and self.stop.is_set():
                raise WaitStopped(f"stopped while waiting for {what}")

        try:
            return self.policy.retrying(_NotYet, sleep, self.clock)(attempt)
        except _NotYet as last:
            raise WaitTimeout(
                f"gave up after {self.deadline_s:.0f} s waiting for {what} "
                f"(last seen: {last.value})"
            ) from None
