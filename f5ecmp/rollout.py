"""One apply of one cluster: the lock, the journal, resume, the runner.

``--resume`` continues the last unfinished run of the playbook's cluster: a step that finished
on a device is skipped when the settings it acts on are unchanged (it says so); one whose
settings changed runs again, and the outcome says which; the step that failed restarts from
its read. Nothing here prints: the CLI renders the events and the result.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from f5ecmp.errors import F5EcmpError
from f5ecmp.journal import Journal, Run, cluster_lock, last_unfinished, list_runs
from f5ecmp.runner import Event, Runner, RunResult
from f5ecmp.steps.registry import STEPS, Context, playbook_fingerprint, step_inputs


class NothingToResume(F5EcmpError):
    """``--resume`` with no unfinished run of this cluster."""


@dataclass
class ResumePlan:
    run: Run
    skip: dict[tuple[str, str], str] = field(default_factory=dict)
    rerun: list[str] = field(default_factory=list)  # "step on device: settings changed"
    problem: str | None = None  # the journal was read only in part


def plan_resume(state_dir: Path, context: Context) -> ResumePlan:
    pb = context.playbook
    last = last_unfinished(list_runs(state_dir, pb.cluster))
    if last is None:
        raise NothingToResume(
            f"no unfinished run of cluster {pb.cluster} in {state_dir}: nothing to resume"
        )
    plan = ResumePlan(last, problem=last.problem)
    done = last.done()
    for step in STEPS:
        devices = pb.devices if step.scope == "each" else [pb.authority]
        for device in devices:
            record = done.get((step.id, device.name))
            if record is None:
                continue
            if record.get("inputs") == step_inputs(step.id, pb, device):
                plan.skip[(step.id, device.name)] = f"done in run {last.run_id}"
            else:
                plan.rerun.append(f"{step.id} on {device.name}: its settings changed")
    return plan


@dataclass
class Rollout:
    """Everything an apply needs besides the devices."""

    context: Context
    state_dir: Path
    playbook_path: str
    resume: bool = False
    parallel: int | None = None
    step_retries: Mapping[str, int] | int = 2
    on_event: Callable[[Event], None] = lambda _e: None
    stop: threading.Event = field(default_factory=threading.Event)
    sleep: Callable[[float], None] | None = None
    locked: bool = False  # the caller already holds the cluster's lock

    def run(self) -> tuple[RunResult, ResumePlan | None, Journal, str | None]:
        """Apply; returns the result, the resume plan if resuming, the journal, and a
        warning when a dead run's lock was taken over."""
        pb = self.context.playbook
        lock = cluster_lock(self.state_dir, pb.cluster)
        with lock if not self.locked else contextlib.nullcontext(lock):
            stale = (
                f"took over the lock of an earlier run that died ({lock.stale_holder})"
                if lock.stale_holder
                else None
            )
            resume = plan_resume(self.state_dir, self.context) if self.resume else None
            journal = Journal.start(
                self.state_dir, pb.cluster, playbook=self.playbook_path,
                fingerprint=playbook_fingerprint(pb), resumes=resume.run.run_id if resume else None,
            )  # fmt: skip
            try:
                extra: dict[str, Any] = {"sleep": self.sleep} if self.sleep is not None else {}
                runner = Runner(
                    self.context, journal=journal, on_event=self.on_event, parallel=self.parallel,
                    step_retries=self.step_retries, stop=self.stop, **extra,
                )  # fmt: skip
                result = runner.apply(resume.skip if resume else None)
            finally:
                journal.close()
            return result, resume, journal, stale
