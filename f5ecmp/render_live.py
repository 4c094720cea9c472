"""The live panel ``apply`` shows on a terminal, and the retry count it shares with the summary.

The panel is redrawn on a timer as well as on every event, so that its clock keeps moving
while a step waits — for trust, config sync or a traffic group's auto failback — and it says
what is waited for, how long it has been and the wait's deadline. It fits an 80-column
terminal: devices are shown by their label (the first DNS label of the name, as the playbook
shortens it), each on one line, never dropped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from rich.console import Console, Group, RenderableType
from rich.text import Text

from f5ecmp.bigip.waits import WaitUpdate
from f5ecmp.client import Counters
from f5ecmp.printable import printable
from f5ecmp.runner import (
    ChangeNotNeeded,
    ChangeSent,
    Event,
    StepDone,
    StepFailed,
    StepRetried,
    StepStarted,
    Waiting,
)
from f5ecmp.steps import STEPS


class Counted(Protocol):
    """What the tally reads of a device's client: its request counters."""

    @property
    def counters(self) -> Counters: ...


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class RetryTally:
    """The retries of one apply, counted once for the live panel, the summary and ``--json``:
    **request retries** — a request sent again after a transient failure (the clients' own
    count) — and **step re-runs** — a step read again from the start after a retriable
    failure (its :class:`StepRetried` events). Feed it every event of the run."""

    def __init__(self, clients: Mapping[str, Counted], step_reruns: int = 0) -> None:
        self.clients, self.step_reruns = clients, step_reruns
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        if isinstance(event, StepRetried):
            with self._lock:
                self.step_reruns += 1

    @property
    def requests(self) -> int:
        return sum(client.counters.retries for client in list(self.clients.values()))

    def text(self) -> str:
        return (
            f"retries: {_plural(self.requests, 'request')}, "
            f"{_plural(self.step_reruns, 'step re-run')}"
        )

    def as_dict(self) -> dict[str, int]:
        return {"requests": self.requests, "step_reruns": self.step_reruns}


def short_names(names: Iterable[str], labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each device name → the label it is shown by: the playbook's label when it has one,
    else the name's first DNS label — or the whole name when that label is taken."""
    out: dict[str, str] = {}
    given = dict(labels or {})
    for name in names:
        label = given.get(name) or name.split(".")[0]
        out[name] = name if label in out.values() else label
    return out


@dataclass
class _Wait:
    step: str
    what: str
    deadline_s: float
    started: float
    seen: str = ""


class LiveDisplay:
    """On a terminal: one panel — the current step (n of all), the elapsed time, the retries
    so far, each device's state on one line, and every wait under way with its deadline.
    Use as a context manager around the run; call it with each event."""

    def __init__(
        self,
        console: Console,
        devices: Mapping[str, str],  # name → label
        tally: RetryTally | None = None,
        clock: Callable[[], float] = time.monotonic,
        refresh_per_second: float = 4,
    ) -> None:
        from rich.live import Live

        self.clock, self.start = clock, clock()
        self.labels = dict(devices)
        self.tally = tally or RetryTally({})
        self.step = "connecting"
        self.states = dict.fromkeys(self.labels, "not started")
        self.waits: dict[str, _Wait] = {}  # device → the wait under way there
        self._lock = threading.Lock()
        self.live = Live(
            console=console, get_renderable=self._render, auto_refresh=True,
            refresh_per_second=refresh_per_second, transient=False,
        )  # fmt: skip

    def __enter__(self) -> LiveDisplay:
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.refresh()
        self.live.__exit__(None, None, None)

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._note(event)
        self.live.refresh()

    def _note(self, event: Event) -> None:
        match event:
            case StepStarted(step=step, number=number, device=device):
                self.step = f"step {number}/{len(STEPS)} {step}"
                self._set(device, f"{step}: reading")
            case ChangeSent(step=step, device=device, summary=summary):
                self._set(device, f"{step}: {summary}")
            case ChangeNotNeeded(step=step, device=device):
                self._set(device, f"{step}: a change was not needed any more")
            case StepDone(step=step, device=device, changes=changes):
                self._set(device, f"{step}: done ({changes} change(s))")
            case StepRetried(step=step, device=device, attempt=attempt, reason=reason):
                self._set(device, f"{step}: re-run {attempt} ({reason})")
            case StepFailed(step=step, device=device, error=error):
                word = "stopped" if error.startswith("stopped") else "FAILED"
                self.waits.pop(device, None)
                self._set(device, f"{step}: {word}: {error}")
            case Waiting(step=step, device=device, update=update):
                self._waiting(step, device, update)

    def _waiting(self, step: str, device: str, update: WaitUpdate) -> None:
        phase = update.phase
        if phase == "started":
            self.waits[device] = _Wait(step, update.what, update.deadline_s, self.clock())
            self._set(device, f"{step}: waiting")
        elif phase == "polled" and device in self.waits:
            self.waits[device].seen = update.seen
        elif phase == "ended":
            self.waits.pop(device, None)
            self._set(device, f"{step}: waited {update.elapsed_s:.0f} s ({update.outcome})")

    def _set(self, device: str, state: str) -> None:
        if device not in self.labels:  # a device leaving the cluster
            self.labels = short_names([*self.labels, device], self.labels)
        self.states[device] = state

    def _shorten(self, text: str) -> str:
        for name in sorted(self.labels, key=len, reverse=True):
            text = text.replace(name, self.labels[name])
        return printable(text)

    def _render(self) -> RenderableType:
        with self._lock:
            now = self.clock()
            title = Text(
                f"{self.step} · {now - self.start:.1f} s · {self.tally.text()}", style="bold"
            )
            widest = max((len(label) for label in self.labels.values()), default=0)
            rows = [
                Text.assemble(
                    (self.labels[device].ljust(widest), "bold"),
                    "  ",
                    (self._shorten(state), _style(state)),
                    no_wrap=True,  # one line per device: a long state is cut (…), never
                    overflow="ellipsis",  # the label
                )
                for device, state in self.states.items()
            ]
            waits = [self._wait_line(device, w, now) for device, w in self.waits.items()]
        return Group(title, *rows, *waits)

    def _wait_line(self, device: str, wait: _Wait, now: float) -> Text:
        seen = f"; last seen: {wait.seen}" if wait.seen else ""
        return Text(
            self._shorten(
                f"{device} {wait.step}: waiting {now - wait.started:.0f} s of "
                f"{wait.deadline_s:.0f} s for {wait.what}{seen}"
            ),
            style="cyan",
        )


def _style(state: str) -> str:
    if "FAILED" in state:
        return "red"
    if "re-run" in state or ": stopped: " in state or "timed out" in state:
        return "yellow"
    return ""
