"""One apply of one cluster: the lock, the journal, resume, the runner.

``--resume`` continues the last unfinished run of the playbook's cluster — by reading every
step again and applying what still differs, exactly as a fresh apply does. The journal of the
run being resumed is shown (where it stopped, what it had done) and checked for one thing
only: that it went to these same devices. A resume aimed at other devices (a rehearsal's
journal against real devices, another cluster under the same name) is refused before any
write. Nothing here prints: the CLI renders the events and the result.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from f5ecmp.errors import F5EcmpError
from f5ecmp.journal import Hints, Journal, Run, cluster_lock, last_unfinished, list_runs
from f5ecmp.journal import hints as journal_hints
from f5ecmp.playbook.model import Playbook
from f5ecmp.runner import Event, Runner, RunResult
from f5ecmp.steps.base import Context

_KINDS = {
    "rehearsal": "a rehearsal (--simulate)",
    "endpoints": "the devices of an endpoints file (--endpoints)",
    "devices": "the playbook's devices",
}


class NothingToResume(F5EcmpError):
    """``--resume`` with no unfinished run of this cluster."""


class OtherTarget(F5EcmpError):
    """``--resume`` aimed at other devices than the run being resumed went to."""


@dataclass
class ResumePlan:
    """What the journal of the run being resumed says; shown, never trusted."""

    run: Run
    stopped_at: str | None = None  # "step on device: error"
    changes_before: int = 0
    problem: str | None = None  # the journal was read only in part


def playbook_fingerprint(pb: Playbook) -> str:
    return hashlib.sha256(pb.model_dump_json().encode()).hexdigest()


def use_hints(context: Context, found: Hints) -> None:
    """What the journals suggest, for the steps to check on the devices: the final saves
    when an earlier run left changes unsaved; another look at devices a removal began on.
    Hints only ever add work."""
    context.unsaved = context.unsaved or found.unsaved
    context.leaving_hint = context.leaving_hint | found.leaving


def check_target(recorded: Mapping[str, Any] | None, current: Mapping[str, Any]) -> None:
    """Refuse unless ``current`` reaches the devices ``recorded`` went to: the same kind of
    target, and each device with the same cm name and hardware identity (URLs may change)."""
    if recorded is None:
        raise OtherTarget(
            "the run being resumed did not record which devices it went to: start a new "
            "apply without --resume (it reads every device and applies what differs)"
        )
    if recorded.get("kind") != current.get("kind"):
        raise OtherTarget(
            f"the run being resumed went to {_KINDS.get(str(recorded.get('kind')), recorded.get('kind'))}, "
            f"this one to {_KINDS.get(str(current.get('kind')), current.get('kind'))}: refusing to resume on "
            "other devices; run apply without --resume"
        )
    before = recorded.get("devices") or {}
    now_devices = current.get("devices") or {}
    if before and not set(before) & set(now_devices):
        raise OtherTarget(
            "none of the devices the run being resumed went to is among these: refusing to "
            "resume on other devices; run apply without --resume"
        )
    for name, now in now_devices.items():
        then = before.get(name)
        if then is None:
            continue  # a device added to the playbook since: nothing to compare
        for key in ("cm_name", "base_mac", "chassis_id"):
            if then.get(key) and now.get(key) and then[key] != now[key]:
                raise OtherTarget(
                    f"{name}: the run being resumed reached a device with {key} {then[key]}, "
                    f"this one reaches {now[key]} ({now.get('url')}): refusing to resume on "
                    "other devices; run apply without --resume"
                )


def plan_resume(state_dir: Path, pb: Playbook, target: Mapping[str, Any]) -> ResumePlan:
    last = last_unfinished(list_runs(state_dir, pb.cluster))
    if last is None:
        raise NothingToResume(
            f"no unfinished run of cluster {pb.cluster} in {state_dir}: nothing to resume"
        )
    check_target(last.target, target)
    stopped = last.stopped_at()
    where = (
        f"{stopped.get('step')} on {stopped.get('device')}"
        + (f": {stopped['error']}" if stopped.get("error") else "")
        if stopped
        else None
    )
    changes = sum(len(r.get("changes") or []) for r in last.done().values())
    return ResumePlan(last, where, changes, last.problem)


@dataclass
class Rollout:
    """Everything an apply needs besides the devices."""

    context: Context
    state_dir: Path
    playbook_path: str
    target: dict[str, Any] = field(default_factory=dict)
    resume: bool = False
    parallel: int | None = None
    step_retries: Mapping[str, int] | int = 2
    on_event: Callable[[Event], None] = lambda _e: None
    stop: threading.Event = field(default_factory=threading.Event)
    sleep: Callable[[float], None] | None = None
    locked: bool = False  # the caller already holds the cluster's lock
    guard: Callable[[str, str, list[tuple[str, str, str, str]], bool], None] | None = None

    def run(self) -> tuple[RunResult, ResumePlan | None, Journal, str | None]:
        """Apply; returns the result, what the resumed run's journal said, the journal, and
        a warning when a dead run's lock was taken over."""
        pb = self.context.playbook
        lock = cluster_lock(self.state_dir, pb.cluster)
        with lock if not self.locked else contextlib.nullcontext(lock):
            stale = (
                f"took over the lock of an earlier run that died ({lock.stale_holder})"
                if lock.stale_holder
                else None
            )
            resume = plan_resume(self.state_dir, pb, self.target) if self.resume else None
            use_hints(self.context, journal_hints(list_runs(self.state_dir, pb.cluster)))
            journal = Journal.start(
                self.state_dir, pb.cluster, playbook=self.playbook_path,
                fingerprint=playbook_fingerprint(pb), resumes=resume.run.run_id if resume else None,
                target=self.target,
            )  # fmt: skip
            try:
                runner = Runner(
                    self.context, journal=journal, on_event=self.on_event, parallel=self.parallel,
                    step_retries=self.step_retries, stop=self.stop,
                    sleep=self.sleep or time.sleep, guard=self.guard,
                )  # fmt: skip
                result = runner.apply()
            finally:
                journal.close()
            return result, resume, journal, stale
