"""Every retry and wait of f5ecmp, as tenacity policies configured in one place.

Three kinds, one style: the retries of a request that failed transiently (``RequestRetry``,
used by the client), the re-runs of a step that failed for a retriable reason
(``StepRetry``, used by the runner), and the polls for what BIG-IP does asynchronously —
trust, config sync, failover (``PollPolicy``, used by :class:`f5ecmp.bigip.waits.Waiter`).
Each is a value (stop, wait, retry condition); sleep and the clock are passed in, so tests
never wait.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_random,
)

Sleep = Callable[[float], None]
Clock = Callable[[], float]


@dataclass(frozen=True)
class RequestRetry:
    """A request that failed transiently (refused, busy, dropped): exponential backoff with
    jitter, bounded in attempts and in total time."""

    attempts: int = 6
    total_s: float = 120.0
    initial_s: float = 0.5
    max_wait_s: float = 10.0
    jitter_s: float = 0.5

    def longest_wait(self, attempt: int) -> float:
        """The longest wait after try number ``attempt`` (1 for the first), jitter included."""
        return float(min(self.initial_s * 2 ** (attempt - 1), self.max_wait_s)) + self.jitter_s

    def retrying(
        self,
        retry_on: type[BaseException] | tuple[type[BaseException], ...],
        sleep: Sleep,
        before_sleep: Callable[[RetryCallState], None],
    ) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.attempts) | stop_after_delay(self.total_s),
            wait=wait_exponential(multiplier=self.initial_s, max=self.max_wait_s)
            + wait_random(0, self.jitter_s),
            retry=retry_if_exception_type(retry_on),
            sleep=sleep,
            before_sleep=before_sleep,
            reraise=True,
        )


@dataclass(frozen=True)
class StepRetry:
    """A step that failed for a retriable reason (still different after applying while sync
    propagates, a wait's deadline) runs again from its read, ``retries`` times at most."""

    retries: int = 2
    initial_s: float = 2.0
    max_wait_s: float = 30.0

    def retrying(
        self,
        retry_on: tuple[type[BaseException], ...],
        sleep: Sleep,
        before_sleep: Callable[[RetryCallState], None],
    ) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential(multiplier=self.initial_s, max=self.max_wait_s),
            retry=retry_if_exception_type(retry_on),
            sleep=sleep,
            before_sleep=before_sleep,
            reraise=True,
        )


@dataclass(frozen=True)
class PollPolicy:
    """Polling for something BIG-IP does asynchronously, up to a deadline.

    By default every half second (``first_s`` = ``max_s``): trust, a config sync and a
    traffic-group move take about a second on a device, and a backoff that doubles would see
    them done up to a second late (0.5 → 1 → 2 s) — each a GET of a status, cheap for the
    device. Unequal values double the interval from ``first_s`` up to ``max_s``."""

    first_s: float = 0.5
    max_s: float = 0.5
    deadline_s: float = 180.0

    def retrying(self, retry_on: type[BaseException], sleep: Sleep, clock: Clock) -> Retrying:
        start = clock()

        def past_deadline(_state: RetryCallState) -> bool:
            return clock() - start >= self.deadline_s

        return Retrying(
            stop=past_deadline,
            wait=wait_exponential(multiplier=self.first_s, max=self.max_s),
            retry=retry_if_exception_type(retry_on),
            sleep=sleep,
            reraise=True,
        )


def attempt_number(state: RetryCallState) -> int:
    return int(state.attempt_number)


def failure(state: RetryCallState) -> Any:
    """The exception the last attempt raised (for ``before_sleep`` callbacks)."""
    outcome = state.outcome
    return outcome.exception() if outcome is not None else None
