"""Polling for what BIG-IP does asynchronously: trust, config sync, failover.

Trust, config sync and traffic-group moves are only observable by polling (reference §5.6);
a :class:`Waiter` polls under a :class:`f5ecmp.policies.PollPolicy` up to its deadline. Time
and sleep are injected, so tests never wait. A wait reports what it is doing through an optional
``on_wait`` hook (:class:`WaitUpdate`) — that it started and until when, what each poll saw,
how it ended — so that a display can show it; the waiter itself never prints.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from f5ecmp.errors import F5EcmpError
from f5ecmp.policies import Clock, PollPolicy, Sleep

T = TypeVar("T")
log = logging.getLogger(__name__)


class WaitTimeout(F5EcmpError):
    """Something BIG-IP does asynchronously did not happen before the deadline (retriable)."""


class WaitStopped(F5EcmpError):
    """The operator stopped the run while it waited."""


WaitPhase = Literal["started", "polled", "ended"]
WaitOutcome = Literal["done", "timed out", "stopped", "failed"]


@dataclass(frozen=True)
class WaitUpdate:
    """What a wait is doing: it ``started`` (with its deadline), a poll found it not done yet
    (``polled``, with what the poll saw), or it ``ended`` (with its ``outcome``)."""

    what: str  # what is waited for, as the wait's error would name it
    phase: WaitPhase
    deadline_s: float
    elapsed_s: float = 0.0
    seen: str = ""  # the last poll's answer
    outcome: WaitOutcome | None = None


def seen_text(value: Any) -> str:
    """A poll's answer for people: a list as its items joined by ``; ``."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


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
    on_wait: Callable[[WaitUpdate], None] | None = None  # told as a wait starts, polls, ends
    # Around every wait: its reads go to the devices, never to a run's read memory.
    around: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext

    @property
    def deadline_s(self) -> float:
        return self.policy.deadline_s

    def until(self, what: str, probe: Callable[[], tuple[bool, T]]) -> T:
        """Call ``probe`` until it says done; return its last value, or raise WaitTimeout
        naming ``what`` and the last value seen."""
        start = self.clock() if self.on_wait is not None else 0.0
        self._tell(WaitUpdate(what, "started", self.deadline_s))

        def attempt() -> T:
            done, value = probe()
            if not done:
                self._tell(WaitUpdate(what, "polled", self.deadline_s, self._since(start),
                                      seen_text(value)))  # fmt: skip
                raise _NotYet(value)
            return value

        def sleep(seconds: float) -> None:
            log.debug("waiting %.1f s for %s", seconds, what)
            self.sleep(seconds)
            if self.stop is not None and self.stop.is_set():
                raise WaitStopped(f"stopped while waiting for {what}")

        outcome: WaitOutcome = "failed"  # the probe raised: a read failed
        try:
            with self.around():
                value = self.policy.retrying(_NotYet, sleep, self.clock)(attempt)
            outcome = "done"
            return value
        except _NotYet as last:
            outcome = "timed out"
            raise WaitTimeout(
                f"gave up after {self.deadline_s:.0f} s waiting for {what} "
                f"(last seen: {last.value})"
            ) from None
        except WaitStopped:
            outcome = "stopped"
            raise
        finally:
            self._tell(WaitUpdate(what, "ended", self.deadline_s, self._since(start),
                                  outcome=outcome))  # fmt: skip

    def _since(self, start: float) -> float:
        return self.clock() - start if self.on_wait is not None else 0.0

    def _tell(self, update: WaitUpdate) -> None:
        if self.on_wait is not None:
            self.on_wait(update)
