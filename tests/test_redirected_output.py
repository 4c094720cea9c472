"""Output sent to a file or a pipe is never hard-wrapped: a long line stays one line."""

from __future__ import annotations

import pytest
from rich.text import Text

from f5ecmp.bigip.changes import Change
from f5ecmp.render import output_console
from f5ecmp.render_run import EventPrinter, print_plan
from f5ecmp.runner import ChangeSent, StepResult

LONG = (
    "place traffic-group-2 on bigip-b.example.net: standby on bigip-a.example.net, where a "
    "new traffic group starts (only if auto failback has not brought it there by then) " * 3
).strip()


def test_a_redirected_console_keeps_a_line_longer_than_its_width_whole(
    capsys: pytest.CaptureFixture[str],
) -> None:
    console = output_console()
    assert not console.is_terminal
    console.print(Text("x" * 450, style="bold"))
    assert capsys.readouterr().out == "x" * 450 + "\n"


def test_a_plan_line_is_not_broken_when_redirected(capsys: pytest.CaptureFixture[str]) -> None:
    change = Change("command", "POST", "/mgmt/tm/sys/failover", {}, LONG)
    result = StepResult("sync", 13, "bigip-a.example.net", "planned", [change])
    print_plan(output_console(), [result], "app1-ecmp")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == f"13 sync            bigip-a.example.net      ! {LONG}"
    assert len(lines) == 3  # title, the one change, the summary


def test_an_event_line_is_not_broken_when_redirected(capsys: pytest.CaptureFixture[str]) -> None:
    printer = EventPrinter(output_console(), clock=lambda: 0.0)
    printer(ChangeSent("sync", "bigip-a.example.net", LONG))
    assert capsys.readouterr().out == f"[   0.0s]   bigip-a.example.net: {LONG}\n"
