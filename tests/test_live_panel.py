"""The live panel apply shows on a terminal: it fits 80 columns with every device by its
label, its clock moves while a step waits (redrawn on a timer, not only on events), it says
what is waited for and until when, and it counts retries as the summary does."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

import pytest
from rich.console import Console

from f5ecmp.bigip.changes import Change
from f5ecmp.bigip.waits import WaitUpdate
from f5ecmp.client import Counters
from f5ecmp.render_live import LiveDisplay, RetryTally, short_names
from f5ecmp.render_run import EventPrinter, print_result
from f5ecmp.runner import (
    ChangeSent,
    RunResult,
    StepDone,
    StepFailed,
    StepResult,
    StepRetried,
    StepStarted,
    Waiting,
)

NAMES = [
    "bigip-a.datacenter-frankfurt-1.example.net",
    "bigip-b.datacenter-frankfurt-1.example.net",
    "bigip-c.datacenter-frankfurt-1.example.net",
]
A, B, C = NAMES
LABELS = {name: name.split(".")[0] for name in NAMES}
PLACEMENT = "each traffic group to be active on its own device (auto failback)"


@pytest.fixture(autouse=True)
def _a_terminal_that_redraws(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' TERM=dumb would make a live display draw only its last frame."""
    monkeypatch.setenv("TERM", "xterm")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeClient:
    counters: Counters = field(default_factory=Counters)


def panel(
    clock: FakeClock, tally: RetryTally | None = None, refresh: float = 4
) -> tuple[Console, LiveDisplay]:
    console = Console(record=True, width=80, force_terminal=True, color_system=None)
    return console, LiveDisplay(console, LABELS, tally, clock=clock, refresh_per_second=refresh)


def last_frame(display: LiveDisplay) -> list[str]:
    """The panel as the live display draws it now, on an 80-column terminal."""
    console = Console(width=80, record=True, file=io.StringIO(), color_system=None)
    console.print(display.live.get_renderable())
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_the_panel_fits_80_columns_and_shows_every_device_by_its_label() -> None:
    clock = FakeClock()
    console, display = panel(clock)
    long = "create VLAN external (external; tag 10; 1.1 untagged; MTU 1500) " * 3
    with display:
        for name in NAMES:
            display(StepStarted("vlans", 1, name))
            display(ChangeSent("vlans", name, f"{long} on {name}"))
    text = console.export_text()
    frame = last_frame(display)
    assert max(len(line) for line in frame) == 80
    assert frame[0].startswith("step 1/13 vlans · 0.0 s · retries: 0 requests, 0 step re-runs")
    for label in ("bigip-a", "bigip-b", "bigip-c"):
        assert any(line.startswith(f"{label}  vlans: create VLAN external") for line in frame)
    assert "datacenter-frankfurt" not in text  # names shortened, in the states too
    assert all(line.endswith("…") for line in frame[1:])  # a long state is cut, not wrapped


def test_the_clock_ticks_while_nothing_happens() -> None:
    clock = FakeClock()
    console, display = panel(clock, refresh=50)
    with display:
        display(StepStarted("trust", 4, A))
        clock.now += 12.5  # no event: only the timer can redraw the panel
        deadline = time.monotonic() + 5
        while "12.5 s" not in console.export_text(clear=False) and time.monotonic() < deadline:
            time.sleep(0.02)
    assert "step 4/13 trust · 12.5 s" in console.export_text()


def test_a_wait_is_shown_with_what_it_waits_for_and_its_deadline() -> None:
    clock = FakeClock()
    _console, display = panel(clock)
    with display:
        display(StepStarted("sync", 13, A))
        display(Waiting("sync", A, WaitUpdate(PLACEMENT, "started", 180.0)))
        clock.now += 23.4
        seen = f"traffic-group-2 on {A}"
        display(Waiting("sync", A, WaitUpdate(PLACEMENT, "polled", 180.0, 23.4, seen)))
        waiting = "\n".join(last_frame(display))
        display(Waiting("sync", A, WaitUpdate(PLACEMENT, "ended", 180.0, 30.0, outcome="done")))
        done = "\n".join(last_frame(display))
    assert "bigip-a  sync: waiting" in waiting
    assert " ".join(waiting.split()).endswith(
        "bigip-a sync: waiting 23 s of 180 s for each traffic group to be active on its own "
        "device (auto failback); last seen: traffic-group-2 on bigip-a"
    )
    assert max(len(line) for line in waiting.splitlines()) <= 80  # the wait line folds
    assert "waiting 23 s" not in done and "bigip-a  sync: waited 30 s (done)" in done


def test_retries_are_counted_as_the_summary_counts_them() -> None:
    clients = {name: FakeClient() for name in NAMES}
    tally = RetryTally(clients)
    clock = FakeClock()
    _console, display = panel(clock, tally)
    with display:
        display(StepStarted("trust", 4, A))
        clients[A].counters.retries += 2  # two requests sent again, on one device
        clients[B].counters.retries += 1
        for listener in (tally, display):
            listener(StepRetried("trust", A, 1, "still different after applying"))
    frame = last_frame(display)
    assert frame[0].endswith("retries: 3 requests, 1 step re-run")
    assert any("trust: re-run 1 (still different after applying)" in line for line in frame)
    summary = Console(record=True, width=200)
    result = StepResult("trust", 4, A, "changed", [Change("command", "POST", "/x", {})], 2)
    print_result(summary, RunResult([result]), clients, tally)  # type: ignore[arg-type]
    assert "; retries: 3 requests, 1 step re-run; " in summary.export_text()


def test_without_a_tally_the_summary_counts_re_runs_from_the_results() -> None:
    clients = {A: FakeClient(Counters(retries=1))}
    summary = Console(record=True, width=200)
    result = StepResult("trust", 4, A, "changed", [], attempts=3)
    print_result(summary, RunResult([result]), clients)  # type: ignore[arg-type]
    assert "; retries: 1 request, 2 step re-runs; " in summary.export_text()


def test_a_failure_and_a_leaving_device_are_shown_by_label() -> None:
    clock = FakeClock()
    _console, display = panel(clock)
    leaving = "bigip-d.datacenter-frankfurt-1.example.net"
    with display:
        display(StepStarted("decommission", 12, A))
        display(ChangeSent("decommission", leaving, f"reset the trust of {leaving}"))
        display(StepDone("decommission", 12, A, 1))
        display(StepFailed("sync", 13, A, f"{B}: POST /mgmt/tm/cm → HTTP 400: boom"))
    frame = last_frame(display)
    assert "bigip-d  decommission: reset the trust of bigip-d" in frame
    assert "bigip-a  sync: FAILED: bigip-b: POST /mgmt/tm/cm → HTTP 400: boom" in frame


def test_short_names_keep_a_label_unique() -> None:
    names = ["lb1.dc1.example.net", "lb1.dc2.example.net", "lb2.example.net"]
    assert short_names(names) == {
        "lb1.dc1.example.net": "lb1", "lb1.dc2.example.net": "lb1.dc2.example.net",
        "lb2.example.net": "lb2",
    }  # fmt: skip
    assert short_names(names[:2], {names[1]: "lb1-dc2"})[names[1]] == "lb1-dc2"


def test_event_lines_say_what_a_wait_is_for() -> None:
    console = Console(record=True, width=80, soft_wrap=True)
    printer = EventPrinter(console, clock=lambda: 0.0)
    printer(Waiting("sync", A, WaitUpdate(PLACEMENT, "started", 180.0)))
    printer(Waiting("sync", A, WaitUpdate(PLACEMENT, "polled", 180.0, 1.0, "tg-2 on a")))
    printer(Waiting("sync", A, WaitUpdate(PLACEMENT, "ended", 180.0, 23.4, outcome="done")))
    printer(StepRetried("trust", A, 1, "still different"))
    lines = console.export_text().splitlines()
    assert lines == [
        f"[   0.0s]   {A}: sync waits up to 180 s for {PLACEMENT}",
        f"[   0.0s]   {A}: sync waited 23.4 s for {PLACEMENT} (done)",
        f"[   0.0s]   re-run 1 of trust on {A}: still different",
    ]
