"""A simulated cluster of the seed playbook's devices per test, and a way to apply to it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from f5ecmp.bigip.waits import Waiter
from f5ecmp.client import RetryPolicy, Timeouts
from f5ecmp.playbook import Playbook, load_playbook
from f5ecmp.policies import PollPolicy
from f5ecmp.rollout import Rollout
from f5ecmp.runner import Event, Runner, RunResult, StepResult
from f5ecmp.session import Session, Settings, open_session
from f5ecmp.simulator import Timing
from f5ecmp.steps.base import Context
from tests.conftest import SEED

QUICK_RETRY = RetryPolicy(attempts=3, total_s=5, initial_s=0.001, max_wait_s=0.002, jitter_s=0)
# A simulated device that is down blackholes (connect timeout, no answer on open connections):
# short timeouts keep the tests that take devices down fast.
QUICK_TIMEOUTS = Timeouts(connect_s=0.3, read_s=1.5)


def fast_waiter() -> Waiter:
    return Waiter(PollPolicy(first_s=0.01, max_s=0.05, deadline_s=10))


@dataclass
class Rig:
    """A playbook, a session on its simulated devices, and a state directory."""

    pb: Playbook
    session: Session
    state_dir: Path

    @property
    def sim(self) -> Any:
        return self.session.simulator

    def context(self, pb: Playbook | None = None) -> Context:
        return Context(pb or self.pb, self.session.clients, self.session.credentials, fast_waiter())

    def apply(
        self, *, resume: bool = False, pb: Playbook | None = None,
        on_event: Callable[[Event], None] | None = None,
        stop: threading.Event | None = None,
    ) -> RunResult:  # fmt: skip
        rollout = Rollout(self.context(pb), self.state_dir, "seed-example.yaml", resume=resume,
                          target=self.session.target(),
                          sleep=lambda _s: None, on_event=on_event or (lambda _e: None),
                          stop=stop or threading.Event())  # fmt: skip
        return rollout.run()[0]

    def plan(self, pb: Playbook | None = None) -> list[StepResult]:
        return Runner(self.context(pb)).plan()

    def writes(self) -> int:
        return int(self.sim.stats()["total"]["writes"])

    def get(self, device: str, path: str) -> Any:
        """A direct read of one device (f5ecmp's client, none of its step logic)."""
        return self.session.clients[device].get(path)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    pb = load_playbook(SEED)
    settings = Settings(
        simulate=True, sim_timing=Timing.instant(), retry=QUICK_RETRY, timeouts=QUICK_TIMEOUTS
    )
    with open_session(pb, settings, environ={}) as session:
        yield Rig(pb, session, tmp_path / "state")
