"""What ``plan``, ``apply``, ``status`` and ``history`` print for people (and their JSON)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from rich.console import Console
from rich.table import Table
from rich.text import Text

from f5ecmp.bigip.cluster import ClusterState
from f5ecmp.client import Client
from f5ecmp.history import run_outcome, run_stopped_at
from f5ecmp.journal import Run
from f5ecmp.printable import printable
from f5ecmp.render_live import LiveDisplay, RetryTally
from f5ecmp.router import RouterChanges
from f5ecmp.runner import (
    ChangeNotNeeded,
    ChangeSent,
    Event,
    RunResult,
    StepFailed,
    StepResult,
    StepRetried,
    StepStarted,
    Waiting,
)
from f5ecmp.steps import STEPS

_STYLE = {"+": "green", "~": "yellow", "-": "red", "!": "cyan"}


def print_plan(console: Console, results: list[StepResult], cluster: str) -> None:
    console.print(Text(f"Plan for cluster {cluster}", style="bold"))
    for r in results:
        head = f"{r.number:>2} {r.step:<15} {r.device:<24} "
        if r.outcome == "pending":
            console.print(Text.assemble(head, ("… ", "dim"), (printable(r.error or ""), "dim")))
            continue
        if not r.changes:
            console.print(Text.assemble(head, ("= unchanged", "dim")))
            continue
        for i, change in enumerate(r.changes):
            lead = head if i == 0 else " " * len(head)
            console.print(
                Text.assemble(
                    lead, (f"{change.symbol} ", _STYLE[change.symbol]), printable(change.summary)
                )
            )
    console.print(plan_summary(results))


def plan_summary(results: Iterable[StepResult]) -> Text:
    results = list(results)
    counts = Counter(c.action for r in results for c in r.changes)
    total = sum(counts.values())
    unchanged = sum(1 for r in results if r.outcome == "unchanged")
    pending = sum(1 for r in results if r.outcome == "pending")
    if not total and not pending:
        return Text(
            f"No changes: the cluster matches the playbook ({unchanged} step runs checked).",
            style="bold green",
        )
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    extra = f"; {pending} step run(s) wait on earlier changes" if pending else ""
    return Text(
        f"Plan: {total} change(s) ({parts}); {unchanged} step run(s) unchanged{extra}.",
        style="bold",
    )


def _stopped(error: str) -> bool:
    """A step ended by the operator's stop (Ctrl-C, SIGTERM, SIGHUP), not by a failure: the
    runner's stop errors all say so first."""
    return error.startswith("stopped")


class EventPrinter:
    """One line per event: what apply is doing, as it happens (retries included)."""

    def __init__(self, console: Console, clock: Callable[[], float] = time.monotonic) -> None:
        self.console, self.clock, self.start = console, clock, clock()

    def __call__(self, event: Event) -> None:
        elapsed = Text(f"[{self.clock() - self.start:6.1f}s]", style="dim")
        line: Text | None = None
        match event:
            case StepStarted(step=step, number=number, device=device):
                line = Text(f" step {number}/{len(STEPS)} {step} on {device}")
            case ChangeSent(device=device, summary=summary):
                line = Text(printable(f"   {device}: {summary}"))
            case ChangeNotNeeded(device=device, summary=summary):
                line = Text(printable(f"   {device}: not needed any more: {summary}"), style="dim")
            case StepRetried(step=step, device=device, attempt=attempt, reason=reason):
                line = Text(
                    printable(f"   re-run {attempt} of {step} on {device}: {reason}"),
                    style="yellow",
                )
            case StepFailed(step=step, device=device, error=error) if _stopped(error):
                line = Text(printable(f"   {step} stopped on {device}: {error}"), style="yellow")
            case StepFailed(step=step, device=device, error=error):
                line = Text(printable(f"   {step} failed on {device}: {error}"), style="red")
            case Waiting(step=step, device=device, update=update) if update.phase == "started":
                line = Text(printable(f"   {device}: {step} waits up to "
                                      f"{update.deadline_s:.0f} s for {update.what}"), style="dim")  # fmt: skip
            case Waiting(step=step, device=device, update=update) if update.phase == "ended":
                line = Text(printable(f"   {device}: {step} waited {update.elapsed_s:.1f} s for "
                                      f"{update.what} ({update.outcome})"), style="dim")  # fmt: skip
            case _:
                line = None
        if line is not None:
            self.console.print(Text.assemble(elapsed, line))


def progress_display(
    console: Console, devices: Mapping[str, str], tally: RetryTally
) -> LiveDisplay | EventPrinter:
    """What apply shows as it goes: the live panel on a terminal (``devices``: name → label),
    one line per event otherwise."""
    if console.is_terminal:
        return LiveDisplay(console, devices, tally)
    return EventPrinter(console)


def print_result(
    console: Console, run: RunResult, clients: dict[str, Client], tally: RetryTally | None = None
) -> None:
    """The summary table, the requests and retries (``tally``: the same count the live panel
    showed; without it, step re-runs are read from the results), and the verdict."""
    table = Table(title="Rollout summary", title_justify="left")
    for column in ("step", "device", "outcome", "changes"):
        table.add_column(column)
    for r in run.results:
        outcome = "stopped" if r.stopped else r.outcome
        style = {"failed": "red", "stopped": "yellow", "changed": "green"}.get(outcome, "")
        table.add_row(
            f"{r.number} {r.step}", r.device, Text(outcome, style=style), str(len(r.changes))
        )
    console.print(table)
    totals = Counter[str]()
    for client in clients.values():
        c = client.counters
        totals.update({"reads": c.reads, "writes": c.writes, "logins": c.logins})
    if tally is None:
        tally = RetryTally(clients, sum(max(r.attempts - 1, 0) for r in run.results))
    console.print(
        f"{run.change_count} change(s); requests: {totals['reads']} reads, {totals['writes']} writes, "
        f"{totals['logins']} logins; {tally.text()}; {run.elapsed_s:.1f} s"
    )
    if run.interrupted:
        console.print(
            Text(
                "Stopped on request: run `f5ecmp apply PLAYBOOK --resume` to continue.",
                style="yellow",
            )
        )
    elif run.verification:
        console.print(Text("Verification failed:", style="bold red"))
        for problem in run.verification:
            console.print(f"  - {problem}")
        console.print(
            "Fix the cause, then run `f5ecmp apply PLAYBOOK --resume`: every step is read again."
        )
    elif run.failed is not None:
        console.print(
            Text(
                printable(
                    f"Step {run.failed.number} {run.failed.step} failed on {run.failed.device}: {run.failed.error}"
                ),
                style="bold red",
            )
        )
        console.print(
            "Fix the cause, then run `f5ecmp apply PLAYBOOK --resume`: every step is read again and only what still differs is applied."
        )
    else:
        if not run.change_count:
            console.print(
                Text("No changes: the cluster matched the playbook; nothing was written.")
            )
        console.print(
            Text(
                "Verified: every device In Sync, floating self IPs and the spanning virtual address on every device, each traffic group active on its own device.",
                style="bold green",
            )
        )


def print_history(console: Console, runs: list[Run]) -> None:
    table = Table(title="Runs", title_justify="left")
    for column in ("run", "started", "playbook", "outcome", "stopped at"):
        table.add_column(column)
    for run in runs:
        start = run.start
        started = (
            time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start.get("time", 0))) if start else "?"
        )
        resumes = f" (resumes {start['resumes']})" if start.get("resumes") else ""
        if run.kind != "apply":
            resumes += f" ({run.kind})"
        table.add_row(
            run.run_id, started, f"{start.get('fingerprint', '?')[:10]}{resumes}",
            run_outcome(run), run_stopped_at(run) or "",
        )  # fmt: skip
    console.print(table)
    for run in runs:
        if run.problem:
            console.print(Text(f"warning: {run.problem}", style="yellow"))


def print_health(console: Console, health: ClusterState) -> None:
    devices = Table(title="Devices", title_justify="left")
    for column in ("device", "reachable", "version", "sync status", "failover", "virtual address"):
        devices.add_column(column)
    for d in health.devices:
        va = f"spanning {d.spanning}, ARP {d.arp}" if d.reachable else ""
        devices.add_row(
            d.name,
            "yes" if d.reachable else Text("no", style="red"),
            d.version,
            d.sync,
            d.failover,
            va,
        )
    console.print(devices)
    groups = Table(title="Traffic groups", title_justify="left")
    for column in ("traffic group", "router next hop", "active on", "next active", "belongs on"):
        groups.add_column(column)
    for g in health.groups:
        groups.add_row(
            g.name,
            g.next_hop or "-",
            ", ".join(g.active) or "-",
            ", ".join(g.next_active) or "-",
            g.owner,
        )
    console.print(groups)
    if health.healthy:
        console.print(Text("Healthy.", style="bold green"))
    else:
        console.print(Text("Unhealthy:", style="bold red"))
        for problem in health.problems:
            console.print(f"  - {problem}")


def print_router(console: Console, changes: RouterChanges | None, *, applied: bool) -> None:
    """The upstream router's half of a rollout that adds or removes a device (or changes a
    floating external self IP): on scale-out, add the route once apply has verified the new
    device; on scale-in, remove it before apply takes the device out (drain first)."""
    if changes is None:
        return
    platform = changes.options.platform
    console.print(
        Text(f"Upstream router ({platform}): this rollout changes the route to "
             f"{changes.new.prefix}.", style="bold")
    )  # fmt: skip
    if changes.remove:
        head = (
            "Remove from the router, if not done before this apply:"
            if applied
            else "Before apply, remove from the router (drain the leaving devices first):"
        )
        console.print(head)
        for line in changes.remove:
            console.print(Text(f"  {line}"))
    if changes.add:
        head = (
            "Now add to the router (apply has verified the new devices):"
            if applied
            else "After apply has verified the new devices, add to the router:"
        )
        console.print(head)
        for line in changes.add:
            console.print(Text(f"  {line}"))
