"""What ``f5ecmp drill`` prints for people: progress lines, the moves of a dry run, the table
of moves and returns, what was restored (its JSON document is built in
:mod:`f5ecmp.json_docs`)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from f5ecmp.drill_model import DrillResult, GroupDrill, Progress

_STYLE = {"ok": "green", "failed": "red", "stopped": "yellow", "not run": "dim"}


class ProgressPrinter:
    """One line per thing the drill does, as it does it."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, progress: Progress) -> None:
        self.console.print(Text.assemble((f"[{progress.at_s:6.1f}s] ", "dim"), progress.message))


def _how_back(g: GroupDrill, wait_failback: bool) -> str:
    if wait_failback and g.failback_s is not None:
        return f"back by auto failback (autoFailbackTime {g.failback_s} s)"
    return "back by a forced standby on " + (g.expected or "the device holding it")


def print_refusal(console: Console, result: DrillResult) -> None:
    console.print(Text("Refused: the cluster is not healthy, so nothing was moved:", "bold red"))
    for problem in result.refused:
        console.print(f"  - {problem}")


def print_drill_plan(console: Console, result: DrillResult) -> None:
    """The moves a drill would make, in order, and the health check it starts from."""
    what = f"device {result.device}" if result.device else "each traffic group, one at a time"
    console.print(Text(f"Drill plan for cluster {result.cluster}: {what}", style="bold"))
    if result.refused:
        print_refusal(console, result)
    else:
        console.print(
            Text(
                "Healthy: every device In Sync and ACTIVE, each traffic group on its home "
                "device, the virtual address spanning with ARP off.",
                style="green",
            )
        )
    seen: set[tuple[str, str]] = set()
    for g in result.groups:
        console.print(
            f"{g.group}: {g.summary().split(': ', 1)[1]}, {_how_back(g, result.wait_failback)}"
        )
        for change in g.commands:
            key = (change.device or "", change.summary)
            if key in seen:  # a device drill's offline/online, shown once
                continue
            seen.add(key)
            console.print(Text.assemble("  ", ("! ", "cyan"), change.summary,
                                        (f"  POST {change.path} {_body(change.body)}", "dim")))  # fmt: skip
    count = len(seen)
    verb = "would send" if result.dry_run else "sends"
    console.print(f"The drill {verb} {count} failover command(s); nothing was sent.")


def _body(body: dict[str, Any] | None) -> str:
    import json

    return json.dumps(body, separators=(",", ":")) if body else ""


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_drill(console: Console, result: DrillResult) -> None:
    if result.refused:
        print_refusal(console, result)
        return
    title = f"Failover drill of {result.device}" if result.device else "Failover drill"
    table = Table(title=title, title_justify="left")
    for column in ("traffic group", "from", "to", "moved in s", "back in s", "result"):
        table.add_column(column)
    for g in result.groups:
        to = g.landed or g.expected
        outcome = g.result + (f" ({g.returned_by})" if g.result == "ok" and g.returned_by else "")
        table.add_row(
            g.group,
            g.source,
            to if g.landed else Text(to, style="dim"),
            _seconds(g.moved_s),
            _seconds(g.back_s),
            Text(outcome, style=_STYLE.get(g.result, "")),
        )
    console.print(table)
    for g in result.groups:
        if g.error and g.result == "failed":
            console.print(Text(f"{g.group}: {g.error}", style="red"))
    if result.restores:
        console.print(Text("Restored:", style="bold"))
        for restore in result.restores:
            style = "" if restore.ok else "bold red"
            console.print(Text(f"  - {restore.line()}", style=style))
    console.print(_verdict(result))


def _verdict(result: DrillResult) -> Text:
    if result.ok:
        return Text(
            "Drill passed: every traffic group went active on its next device and came back "
            f"home; In Sync and spanning throughout ({result.elapsed_s:.1f} s).",
            style="bold green",
        )
    back = (
        "every traffic group is back on its home device"
        if result.restored
        else "some traffic groups could NOT be put back: check `f5ecmp status`"
    )
    if result.interrupted:
        return Text(f"Drill stopped on request; {back}.", style="bold yellow")
    return Text(f"Drill failed; {back}.", style="bold red")
