"""Plan and apply the guide's steps across a cluster: order, fan-out, barriers, journal.

The runner knows steps only through :class:`f5ecmp.steps.base.Step`. "Each device" steps run
on every device in parallel and the next step starts only when the step has finished
everywhere; "first device" steps run on the authority. Every step, every time, is read → diff
→ apply → settle → verify: a step whose diff is empty is still checked for convergence on
every device it concerns. A step that fails for a retriable reason (still different after
applying while sync propagates, a wait's deadline) runs again from its read under the
:class:`f5ecmp.policies.StepRetry` policy. The engine returns results and reports progress
through a callback; it never prints.

``plan`` and ``apply`` share one path for reading and diffing: the plan is the list of
changes apply sends, in the order it sends them.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Literal

from tenacity import RetryCallState

from f5ecmp.bigip.api import already_exists, not_found
from f5ecmp.bigip.changes import TRANSACTION, Change
from f5ecmp.bigip.waits import WaitStopped, WaitTimeout, WaitUpdate
from f5ecmp.errors import F5EcmpError
from f5ecmp.journal import Journal
from f5ecmp.playbook.model import Device
from f5ecmp.policies import StepRetry, failure
from f5ecmp.steps import STEPS
from f5ecmp.steps.base import AnyStep, Context

Outcome = Literal["unchanged", "changed", "planned", "pending", "failed"]


class VerifyMismatch(F5EcmpError):
    """After applying, the step is still not converged (retriable)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class Interrupted(F5EcmpError):
    """The operator stopped the run (Ctrl-C); the journal says where, for --resume."""


# -- events: what the runner reports as it goes ---------------------------------------------


@dataclass(frozen=True)
class StepStarted:
    step: str
    number: int
    device: str


@dataclass(frozen=True)
class ChangeSent:
    step: str
    device: str  # the device the change went to
    summary: str


@dataclass(frozen=True)
class ChangeNotNeeded:
    """A conditional change the device no longer needed when its turn came."""

    step: str
    device: str
    summary: str


@dataclass(frozen=True)
class StepDone:
    step: str
    number: int
    device: str
    changes: int


@dataclass(frozen=True)
class StepRetried:
    step: str
    device: str
    attempt: int
    reason: str


@dataclass(frozen=True)
class StepFailed:
    step: str
    number: int
    device: str
    error: str


@dataclass(frozen=True)
class Waiting:
    """A step waits for something BIG-IP does asynchronously: the wait started (with its
    deadline), a poll saw it not done yet, or it ended (see :class:`WaitUpdate`)."""

    step: str
    device: str
    update: WaitUpdate


Event = StepStarted | ChangeSent | ChangeNotNeeded | StepDone | StepRetried | StepFailed | Waiting


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
    problems: list[str] = field(default_factory=list)  # not converged: what is still wrong
    exception: Exception | None = field(default=None, repr=False, compare=False)  # the failure

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
    elapsed_s: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.interrupted

    @property
    def verification(self) -> list[str]:
        """What the final check found still wrong (the last step failed to converge)."""
        if self.failed is not None and self.failed.number == STEPS[-1].number:
            return self.failed.problems
        return []

    @property
    def change_count(self) -> int:
        return sum(len(r.changes) for r in self.results if r.outcome in ("changed", "planned"))


_RETRIABLE = (VerifyMismatch, WaitTimeout)


def _no_event(_event: Event) -> None:
    return None


@dataclass
class Runner:
    context: Context
    journal: Journal | None = None
    on_event: Callable[[Event], None] = _no_event
    parallel: int | None = None
    step_retries: Mapping[str, int] | int = 2
    retry_policy: StepRetry = field(default_factory=StepRetry)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    stop: threading.Event = field(default_factory=threading.Event)
    steps: tuple[AnyStep, ...] = STEPS
    # Asked before a step run sends anything (``apply FILE``: only the saved plan's
    # requests): step id, device, its requests (action, method, path, device), first try.
    guard: Callable[[str, str, list[tuple[str, str, str, str]], bool], None] | None = None

    def __post_init__(self) -> None:
        self.context.waiter.stop = self.stop  # Ctrl-C also ends a wait
        self.context.waiter.on_wait = self._waiting  # and a display learns of every wait
        self._running = threading.local()  # the step run of this worker thread

    # -- plan ----------------------------------------------------------------------------

    def plan(self) -> list[StepResult]:
        """Read and diff every step on every device it concerns; never writes. A step whose
        read fails because an earlier step's changes are not applied yet is shown as
        pending on them."""
        results: list[StepResult] = []
        self.context.memo.planning = True  # nothing is written: one look at the devices
        for step in self.steps:
            pending_before = any(self.context.changed.values())
            for device in step.devices(self.context.playbook):
                try:
                    changes = step.plan(self.context, device)
                except F5EcmpError as exc:
                    if not (pending_before and not_found(exc)):
                        raise
                    note = f"depends on changes of earlier steps ({exc})"
                    results.append(
                        StepResult(step.id, step.number, device.name, "pending", error=note)
                    )
                    continue
                self._note_changes(step, changes)
                outcome: Outcome = "planned" if changes else "unchanged"
                results.append(StepResult(step.id, step.number, device.name, outcome, changes))
        return results

    # -- apply ---------------------------------------------------------------------------

    def apply(self) -> RunResult:
        """Run every step; a step starts as soon as the steps it comes after
        (:attr:`Step.after`) have finished on every device, so independent steps overlap
        (``parallel`` of 1: one step and one request at a time, the first ready step in the
        guide's order next).
        After a failure no step starts and those under way run to their end; after a stop
        they stop before their next change."""
        run = RunResult()
        start = self.clock()
        outcomes: dict[str, list[StepResult]] = {}
        failures: list[StepResult] = []
        started: set[str] = set()
        done: set[str] = set()
        with ThreadPoolExecutor(max_workers=len(self.steps) or 1,
                                thread_name_prefix="step") as pool:  # fmt: skip
            running: dict[Future[list[StepResult]], AnyStep] = {}
            while True:
                if not failures and not self.stop.is_set():
                    for step in self._ready(started, done, busy=bool(running)):
                        started.add(step.id)
                        devices = step.devices(self.context.playbook)
                        running[pool.submit(self._fan_out, step, devices)] = step
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    step = running.pop(future)
                    outcomes[step.id] = future.result()
                    for outcome in outcomes[step.id]:
                        self._note_changes(step, outcome.changes)
                    failed = next((r for r in outcomes[step.id] if r.outcome == "failed"), None)
                    if failed is not None:
                        failures.append(failed)
                    else:
                        done.add(step.id)
        run.results = [r for step in self.steps for r in outcomes.get(step.id, [])]
        if failures:  # a real failure before a stop, then the first in the guide's order
            run.failed = min(failures, key=lambda r: (r.stopped, r.number))
            run.interrupted = any(r.stopped for r in failures)
        elif len(done) < len(self.steps):
            run.interrupted = True  # stopped between steps
        run.elapsed_s = self.clock() - start
        if self.journal is not None:
            where = f"{run.failed.step} on {run.failed.device}" if run.failed else None
            self.journal.finish(
                run.ok, changes=run.change_count, verification=run.verification,
                failed=where, interrupted=run.interrupted or None,
            )  # fmt: skip
        return run

    def _ready(self, started: set[str], done: set[str], *, busy: bool) -> list[AnyStep]:
        """Steps not started whose predecessors are all done (serial: the first of them, and
        none while a step is ``busy``)."""
        ids = [s.id for s in self.steps]
        ready = []
        for index, step in enumerate(self.steps):
            if step.id in started:
                continue
            # (a step it follows that this run does not include: nothing to wait for)
            after = ids[:index] if step.after is None else [i for i in step.after if i in ids]
            if all(i in done for i in after):
                ready.append(step)
        if self.serial:
            return [] if busy else ready[:1]
        return ready

    @property
    def serial(self) -> bool:
        """``parallel`` of 1: one step and one request at a time."""
        return self.parallel is not None and self.parallel <= 1

    def _note_changes(self, step: AnyStep, changes: list[Change]) -> None:
        if not changes:
            return
        self.context.changed.setdefault(step.id, []).extend(changes)
        if step.synced:
            self.context.synced_changed = True

    def _fan_out(self, step: AnyStep, devices: list[Device]) -> list[StepResult]:
        if len(devices) <= 1:
            return [self._run_step(step, d) for d in devices]
        workers = min(self.parallel or len(devices), len(devices))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"step-{step.id}") as pool:
            return list(pool.map(lambda d: self._run_step(step, d), devices))  # the barrier

    def _retries(self, step: AnyStep) -> int:
        if isinstance(self.step_retries, int):
            return self.step_retries
        return self.step_retries.get(step.id, self.retry_policy.retries)

    def _run_step(self, step: AnyStep, device: Device) -> StepResult:
        result = StepResult(step.id, step.number, device.name, "unchanged")
        self._running.step, self._running.device = step.id, device.name
        self.context.sent[(step.id, device.name)] = result.changes  # filled as changes go out
        self._emit(StepStarted(step.id, step.number, device.name))
        if self.journal is not None:
            self.journal.step_started(step.id, device.name)

        def attempt() -> None:
            result.attempts += 1
            self._attempt(step, device, result.changes, first=result.attempts == 1)

        def before_retry(state: RetryCallState) -> None:
            self.context.memo.forget()  # a re-run reads the devices again, not the memory
            self._emit(StepRetried(step.id, device.name, result.attempts, str(failure(state))))

        def sleep(seconds: float) -> None:
            self.sleep(seconds)
            if self.stop.is_set():
                raise Interrupted("stopped before retrying")

        policy = StepRetry(self._retries(step), self.retry_policy.initial_s,
                           self.retry_policy.max_wait_s)  # fmt: skip
        try:
            policy.retrying(_RETRIABLE, sleep, before_retry)(attempt)
        except F5EcmpError as exc:
            return self._fail(result, step, device.name, exc)
        result.outcome = "changed" if result.changes else "unchanged"
        self._emit(StepDone(step.id, step.number, device.name, len(result.changes)))
        if self.journal is not None:
            self.journal.step_done(step.id, device.name, [c.as_dict() for c in result.changes])
        return result

    def _fail(self, result: StepResult, step: AnyStep, device: str, exc: Exception) -> StepResult:
        result.outcome, result.error, result.exception = "failed", str(exc), exc
        result.stopped = isinstance(exc, Interrupted | WaitStopped)
        result.problems = exc.problems if isinstance(exc, VerifyMismatch) else []
        self._emit(StepFailed(step.id, step.number, device, str(exc)))
        if self.journal is not None:
            self.journal.step_failed(
                step.id, device, str(exc), [c.as_dict() for c in result.changes]
            )
        return result

    def _attempt(
        self, step: AnyStep, device: Device, applied: list[Change], *, first: bool = True
    ) -> None:
        ctx = self.context
        facts = step.read(ctx, device)
        changes = step.diff(facts, ctx.target(device))
        if self.guard is not None:
            requests: list[tuple[str, str, str, str]] = [
                (c.action, c.method, c.path, c.device or device.name) for c in changes
            ]
            self.guard(step.id, device.name, requests, first)
        for batch in (
            [[c] for c in changes]
            if self.serial
            else batches(changes, creates=step.creates_together)
        ):
            if self.stop.is_set():
                raise Interrupted(f"stopped before: {batch[0].summary}")
            if len(batch) > 1:
                self._send_together(step, device, batch, applied)
                continue
            change = batch[0]
            target = change.device or device.name
            if change.conditional and not step.still_needed(ctx, device, change):
                self._emit(ChangeNotNeeded(step.id, target, change.summary))
                continue
            self._emit(ChangeSent(step.id, target, change.summary))
            if self._send(step, device, change):
                applied.append(change)
            if change.settle_after:
                applied.extend(step.settle(ctx, device))
        if changes:
            if not any(c.settle_after for c in changes):
                applied.extend(step.settle(ctx, device))
            facts = step.read(ctx, device)  # once more, for the check after applying
            remaining = [c for c in step.diff(facts, ctx.target(device)) if c.action != "command"]
            if remaining:
                raise VerifyMismatch(
                    ["still different after applying: " + "; ".join(c.summary for c in remaining)]
                )
        problems = step.check(ctx, device, facts)
        if problems:
            raise VerifyMismatch(problems)

    def _send_together(
        self, step: AnyStep, device: Device, batch: list[Change], applied: list[Change]
    ) -> None:
        """Send creates of distinct objects at once (see :func:`batches`); those that
        succeeded count as applied, then the first failure is raised."""
        for change in batch:
            self._emit(ChangeSent(step.id, change.device or device.name, change.summary))
        with ThreadPoolExecutor(max_workers=min(len(batch), MAX_TOGETHER),
                                thread_name_prefix=f"send-{step.id}") as pool:  # fmt: skip
            futures = [pool.submit(self._send, step, device, change) for change in batch]
        errors = [f.exception() for f in futures]
        applied.extend(c for c, f, e in zip(batch, futures, errors, strict=True)
                       if e is None and f.result())  # fmt: skip
        first = next((e for e in errors if e is not None), None)
        if first is not None:
            raise first

    def _send(self, step: AnyStep, device: Device, change: Change) -> bool:
        """Send one change; False when a create found its object already there (409) and
        the re-read shows the create is no longer needed."""
        client = self.context.client(change.device or device.name)
        confirm = self._confirmer(step, device, change)
        try:
            if change.method == TRANSACTION:
                client.transaction((change.body or {})["commands"], confirm=confirm)
            else:
                client.request(change.method, change.path, body=change.body, confirm=confirm)
        except F5EcmpError as exc:
            if change.action != "create" or not already_exists(exc):
                raise
            if any(c.same_request(change) for c in step.plan(self.context, device)):
                raise
            return False  # another operator or a lost answer created it: verify decides
        return True

    def _confirmer(self, step: AnyStep, device: Device, change: Change) -> Callable[[], bool]:
        """After a lost answer: the write took effect if the step, reading again with it
        counted as sent, no longer needs it. A command (add-to-trust, config sync) shows its
        effect only later: that read is repeated until the effect shows or the wait's
        deadline passes, so that it is not sent twice while the first one is still working."""

        def confirm() -> bool:
            sent = self.context.sent.setdefault((step.id, device.name), [])
            sent.append(change)  # the change in flight, counted as sent while asking

            def done() -> tuple[bool, str]:
                again = step.plan(self.context, device)
                return not any(c.same_request(change) for c in again), change.summary

            try:
                if change.action == "command":
                    with contextlib.suppress(WaitTimeout):
                        self.context.waiter.until(f"the effect of: {change.summary}", done)
                return done()[0]
            finally:
                sent.remove(change)

        return confirm

    def _emit(self, event: Event) -> None:
        self.on_event(event)

    def _waiting(self, update: WaitUpdate) -> None:
        step, device = getattr(self._running, "step", ""), getattr(self._running, "device", "")
        self._emit(Waiting(step, device, update))


MAX_TOGETHER = 8  # creates sent at once to one device, at most


def _create(change: Change) -> bool:
    return (
        change.action == "create" and change.method == "POST"
        and not change.conditional and not change.settle_after
    )  # fmt: skip


def batches(changes: list[Change], *, creates: bool = False) -> list[list[Change]]:
    """The changes in the plan's order, grouped to be sent at once where nothing in one needs
    another: consecutive changes marked ``together`` (each device's save), and with
    ``creates`` consecutive creates of distinct objects on one device (new VLANs, self IPs,
    traffic groups); everything else alone, in order."""
    out: list[list[Change]] = []
    for change in changes:
        last = out[-1] if out else None
        joins = last is not None and (
            (change.together and last[-1].together)
            or (
                creates and _create(change) and _create(last[-1])
                and (change.device or "") == (last[-1].device or "")
                and all(c.body != change.body or c.path != change.path for c in last)
            )
        )  # fmt: skip
        if joins:
            assert last is not None
            last.append(change)
        else:
            out.append([change])
    return out


def count_requests(results: Iterable[StepResult]) -> int:
    """The configuration-changing requests a plan's changes take to send."""
    return sum(c.requests for r in results for c in r.changes)
