"""Plan and apply the guide's steps across a cluster: order, fan-out, barriers, verify, journal.

"Each device" steps run on every device in parallel and the next step starts only when the
step has finished everywhere; "first device" steps run on the authority. Every step is read →
diff → apply → verify; a step that fails for a retriable reason (verification still differs
while sync propagates, a sync deadline) runs again from its read, up to ``step_retries``
times. The engine returns results and reports progress through a callback; it never prints.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from f5ecmp.errors import F5EcmpError
from f5ecmp.journal import Journal
from f5ecmp.steps.base import Change
from f5ecmp.steps.registry import STEPS, Context, Step, save_config_change, step_inputs
from f5ecmp.steps.waits import WaitStopped, WaitTimeout

Outcome = Literal["unchanged", "changed", "planned", "skipped", "failed"]
Event = dict[str, Any]


class VerifyMismatch(F5EcmpError):
    """After applying, the device still differs from the playbook (retriable)."""


class Interrupted(F5EcmpError):
    """The operator stopped the run (Ctrl-C); the journal says where, for --resume."""


@dataclass
class StepResult:
    step: str
    number: int
    device: str
    outcome: Outcome
    changes: list[Change] = field(default_factory=list)
    attempts: int = 0
    error: str | None = None
    stopped: bool = False  # failed because the operator stopped the run

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "number": self.number,
            "device": self.device,
            "outcome": self.outcome,
            "changes": [c.as_dict() for c in self.changes],
            "attempts": self.attempts,
            "error": self.error,
        }


@dataclass
class RunResult:
    results: list[StepResult] = field(default_factory=list)
    failed: StepResult | None = None
    verification: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.verification and not self.interrupted

    @property
    def change_count(self) -> int:
        return sum(len(r.changes) for r in self.results if r.outcome in ("changed", "planned"))


_RETRIABLE = (VerifyMismatch, WaitTimeout)


@dataclass
class Runner:
    context: Context
    journal: Journal | None = None
    on_event: Callable[[Event], None] = lambda _event: None
    parallel: int | None = None
    step_retries: Mapping[str, int] | int = 2
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    stop: threading.Event = field(default_factory=threading.Event)

    # -- plan ----------------------------------------------------------------------------

    def plan(self, steps: Iterable[Step] = STEPS) -> list[StepResult]:
        """Read and diff every step on every device it concerns; never writes."""
        results: list[StepResult] = []
        pending_before = False
        for step in steps:
            for device in self._devices(step):
                try:
                    changes = step.plan(self.context, device)
                except F5EcmpError as exc:
                    # Only a read of something earlier steps will create may wait on them; a
                    # conflict or a device error is reported as it is.
                    if not pending_before or getattr(exc, "status", None) != 404:
                        raise
                    note = f"depends on changes of earlier steps ({exc})"
                    results.append(
                        StepResult(step.id, step.number, device.name, "skipped", error=note)
                    )
                    continue
                outcome: Outcome = "planned" if changes else "unchanged"
                results.append(StepResult(step.id, step.number, device.name, outcome, changes))
                pending_before = pending_before or bool(changes)
        return results

    # -- apply ---------------------------------------------------------------------------

    def apply(self, skip: Mapping[tuple[str, str], str] | None = None) -> RunResult:
        """Run every step; ``skip`` maps (step, device) already done to the reason shown."""
        skip = skip or {}
        run = RunResult()
        start = self.clock()
        for step in STEPS:
            if self.stop.is_set():
                run.interrupted = True
                break
            devices = self._devices(step)
            todo = [d for d in devices if (step.id, d.name) not in skip]
            for device in devices:
                if (step.id, device.name) in skip:
                    run.results.append(
                        StepResult(
                            step.id,
                            step.number,
                            device.name,
                            "skipped",
                            error=skip[(step.id, device.name)],
                        )
                    )
                    self.on_event({"kind": "step-skipped", "step": step.id, "device": device.name})
                    if self.journal is not None:
                        inputs = step_inputs(step.id, self.context.playbook, device)
                        self.journal.step_skipped(
                            step.id, device.name, inputs, skip[(step.id, device.name)]
                        )
            outcomes = self._fan_out(step, todo)
            run.results.extend(outcomes)
            failed = next((r for r in outcomes if r.outcome == "failed"), None)
            if failed is not None:
                run.failed = failed
                break
        if run.failed is not None and run.failed.stopped:
            run.interrupted = True
        if run.failed is None and not run.interrupted:
            try:
                self._save_everywhere(run)
                run.verification = self.verify_cluster()
            except F5EcmpError as exc:
                run.verification = [f"after the last step: {exc}"]
        run.elapsed_s = self.clock() - start
        if self.journal is not None:
            where = f"{run.failed.step} on {run.failed.device}" if run.failed else None
            self.journal.finish(
                run.ok, changes=run.change_count, verification=run.verification,
                failed=where, interrupted=run.interrupted or None,
            )  # fmt: skip
        return run

    def __post_init__(self) -> None:
        self.context.waiter.stop = self.stop  # Ctrl-C also ends a wait

    def _devices(self, step: Step) -> list[Any]:
        pb = self.context.playbook
        return list(pb.devices) if step.scope == "each" else [pb.authority]

    def _fan_out(self, step: Step, devices: list[Any]) -> list[StepResult]:
        if len(devices) <= 1:
            return [self._run_step(step, d) for d in devices]
        workers = min(self.parallel or len(devices), len(devices))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"step-{step.id}") as pool:
            return list(pool.map(lambda d: self._run_step(step, d), devices))  # the barrier

    def _retries(self, step: Step) -> int:
        if isinstance(self.step_retries, int):
            return self.step_retries
        return self.step_retries.get(step.id, 2)

    def _run_step(self, step: Step, device: Any) -> StepResult:
        result = StepResult(step.id, step.number, device.name, "unchanged")
        self._record("step-start", step, device.name)
        retries = self._retries(step)
        while True:
            result.attempts += 1
            try:
                self._attempt(step, device, result.changes)  # appends each change once sent
                result.outcome = "changed" if result.changes else "unchanged"
                self._record(
                    "step-done", step, device.name, changes=[c.as_dict() for c in result.changes]
                )
                return result
            except _RETRIABLE as exc:
                if result.attempts > retries:
                    return self._fail(result, step, device.name, exc)
                self.on_event({"kind": "step-retry", "step": step.id, "device": device.name,
                               "attempt": result.attempts, "reason": str(exc)})  # fmt: skip
                self.sleep(min(2.0 * 2 ** (result.attempts - 1), 30.0))
                if self.stop.is_set():
                    return self._fail(
                        result, step, device.name, Interrupted("stopped before retrying")
                    )
            except F5EcmpError as exc:
                return self._fail(result, step, device.name, exc)

    def _fail(self, result: StepResult, step: Step, device: str, exc: Exception) -> StepResult:
        result.outcome, result.error = "failed", str(exc)
        result.stopped = isinstance(exc, Interrupted | WaitStopped)
        self._record("step-failed", step, device, error=str(exc))
        return result

    def _attempt(self, step: Step, device: Any, applied: list[Change]) -> list[Change]:
        client: Any = self.context.client(device)
        changes = step.plan(self.context, device)
        for change in changes:
            if self.stop.is_set():
                raise Interrupted(f"stopped before: {change.summary}")
            self.on_event(
                {
                    "kind": "change",
                    "step": step.id,
                    "device": device.name,
                    "summary": change.summary,
                }
            )
            confirm = self._confirmer(step, device, change)
            if change.method == "TRANSACTION":
                client.transaction((change.body or {})["commands"], confirm=confirm)
            else:
                client.request(change.method, change.path, body=change.body, confirm=confirm)
            applied.append(change)
        if not changes:
            return changes  # already as the playbook says: nothing to verify again
        step.settle(self.context, device)
        remaining = [c for c in step.plan(self.context, device) if c.action != "command"]
        if remaining:
            raise VerifyMismatch(
                "still different after applying: " + "; ".join(c.summary for c in remaining)
            )
        return changes

    def _confirmer(self, step: Step, device: Any, change: Change) -> Callable[[], bool]:
        """After a lost answer: the write took effect if the step no longer needs it. A command
        (add-to-trust, config sync) shows its effect only later: first wait for it, as the
        step would, so that it is not sent twice while the first one is still working."""

        def confirm() -> bool:
            if change.action == "command":
                with contextlib.suppress(WaitTimeout):
                    step.settle(self.context, device)
            again = step.plan(self.context, device)
            return not any(
                (c.method, c.path, c.body) == (change.method, change.path, change.body)
                for c in again
            )

        return confirm

    def _record(self, kind: str, step: Step, device: str, **fields: Any) -> None:
        self.on_event(
            {"kind": kind, "step": step.id, "number": step.number, "device": device, **fields}
        )
        if self.journal is None:
            return
        if kind == "step-start":
            self.journal.step_started(step.id, device)
        elif kind == "step-done":
            inputs = step_inputs(
                step.id, self.context.playbook, self.context.playbook.device(device)
            )
            self.journal.step_done(step.id, device, fields.get("changes", []), inputs)
        elif kind == "step-failed":
            self.journal.step_failed(step.id, device, str(fields.get("error")))

    # -- the end of the guide ------------------------------------------------------------

    def _save_everywhere(self, run: RunResult) -> None:
        """``save sys config`` on every device once anything changed (guide: a manual sync
        saves on the members; this makes sure every device's saved config matches)."""
        if not any(r.outcome == "changed" for r in run.results) and not any(
            r.outcome == "skipped" for r in run.results
        ):
            return

        def save(device: Any) -> None:
            change = save_config_change(device.name)
            client: Any = self.context.client(device)
            client.request(change.method, change.path, body=change.body)
            self.on_event({"kind": "saved", "device": device.name})

        devices = list(self.context.playbook.devices)
        with ThreadPoolExecutor(
            max_workers=min(self.parallel or len(devices), len(devices))
        ) as pool:
            list(pool.map(save, devices))

    def verify_cluster(self) -> list[str]:
        """Read every device directly: problems found, empty when the cluster is as planned."""
        from f5ecmp.verify import verify_cluster

        return verify_cluster(self.context)
