"""``plan``, ``apply`` and ``history``: parse, call, render, exit code."""

from __future__ import annotations

import dataclasses
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from f5ecmp.client import RetryPolicy, Timeouts
from f5ecmp.errors import F5EcmpError, PlaybookError
from f5ecmp.journal import cluster_lock, list_runs
from f5ecmp.playbook import Playbook, load_playbook
from f5ecmp.render import error_console, output_console, print_error, print_issues
from f5ecmp.render_run import (
    EventPrinter,
    LiveDisplay,
    plan_json,
    print_history,
    print_plan,
    print_result,
    result_json,
)
from f5ecmp.rollout import Rollout
from f5ecmp.runner import Runner
from f5ecmp.session import Session, Settings, open_session
from f5ecmp.steps.registry import STEP_IDS

PlaybookArg = Annotated[
    Path, typer.Argument(help="the cluster's playbook (YAML)", show_default=False)
]
Simulate = Annotated[
    bool,
    typer.Option(
        "--simulate",
        help="rehearse against a simulated cluster of the playbook's devices, in-process",
    ),
]
EndpointsOpt = Annotated[
    Path | None,
    typer.Option(
        "--endpoints", help="device URLs and CA bundle from `f5ecmp sim serve --endpoints-out`"
    ),
]
CaBundle = Annotated[
    str | None,
    typer.Option("--ca-bundle", help="PEM file of the CAs that signed the devices' certificates"),
]
Insecure = Annotated[
    bool,
    typer.Option("--insecure", help="do not verify the devices' certificates (not for production)"),
]
ConnectTimeout = Annotated[
    float, typer.Option("--connect-timeout", help="seconds to wait for a connection", min=0.1)
]
ReadTimeout = Annotated[
    float, typer.Option("--read-timeout", help="seconds to wait for an answer", min=0.1)
]
Attempts = Annotated[
    int,
    typer.Option(
        "--attempts",
        help="tries of a request that fails transiently (refused, busy, dropped)",
        min=1,
        max=20,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print a JSON document instead of text")]
StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        help="where journals and the lock live (default: .f5ecmp/ beside the playbook)",
    ),
]


def _load(path: Path, errors: Console) -> Playbook:
    try:
        return load_playbook(path)
    except PlaybookError as exc:
        print_issues(errors, exc.issues)
        raise typer.Exit(1) from None


def _settings(simulate: bool, endpoints: Path | None, ca_bundle: str | None, insecure: bool,
              connect_timeout: float, read_timeout: float, read_only: bool, attempts: int = 6) -> Settings:  # fmt: skip
    if simulate and endpoints is not None:
        raise typer.BadParameter(
            "--simulate and --endpoints exclude each other", param_hint="--endpoints"
        )
    timeouts = Timeouts(connect_timeout, read_timeout)
    retry = RetryPolicy(attempts=attempts)
    return Settings(simulate, endpoints, ca_bundle, insecure, timeouts, read_only, retry=retry)


def _notes(errors: Console, settings: Settings, pb: Playbook | None = None) -> None:
    if settings.simulate:
        errors.print(
            "note: --simulate: rehearsing against a simulated cluster of the playbook's devices, not real BIG-IPs"
        )
    if settings.insecure or (pb is not None and not pb.tls.verify and not settings.simulate):
        errors.print(
            "[yellow]warning: certificate verification is off (--insecure or tls.verify: false); the credentials can be read by anyone on the path[/]"
        )


@contextmanager
def _session(pb: Playbook, settings: Settings, errors: Console) -> Iterator[Session]:
    try:
        with open_session(pb, settings) as session:
            yield session
    except F5EcmpError as exc:
        for line in str(exc).splitlines():
            print_error(errors, line)
        raise typer.Exit(1) from None


def plan(
    playbook: PlaybookArg, simulate: Simulate = False, endpoints: EndpointsOpt = None,
    ca_bundle: CaBundle = None, insecure: Insecure = False, connect_timeout: ConnectTimeout = 10.0,
    read_timeout: ReadTimeout = 60.0, attempts: Attempts = 6, as_json: JsonOpt = False,
    detailed_exitcode: Annotated[bool, typer.Option("--detailed-exitcode", help="exit 2 when changes are pending (0: none, 1: error)")] = False,
) -> None:  # fmt: skip
    """Show every change apply would make, reading every device and writing nothing."""
    out, errors = output_console(), error_console()
    pb = _load(playbook, errors)
    settings = _settings(
        simulate, endpoints, ca_bundle, insecure, connect_timeout, read_timeout, True, attempts
    )
    _notes(errors, settings, pb)
    with _session(pb, settings, errors) as session:
        try:
            results = Runner(session.context()).plan()
        except F5EcmpError as exc:
            print_error(errors, str(exc))
            raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(plan_json(results, pb.cluster), indent=2))
    else:
        print_plan(out, results, pb.cluster)
    pending = any(r.changes or r.outcome == "skipped" for r in results)
    raise typer.Exit(2 if pending and detailed_exitcode else 0)


def apply(
    playbook: PlaybookArg, simulate: Simulate = False, endpoints: EndpointsOpt = None,
    ca_bundle: CaBundle = None, insecure: Insecure = False, connect_timeout: ConnectTimeout = 10.0,
    read_timeout: ReadTimeout = 60.0, attempts: Attempts = 6, as_json: JsonOpt = False, state_dir: StateDir = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="the same as `plan`")] = False,
    detailed_exitcode: Annotated[bool, typer.Option("--detailed-exitcode", help="with --dry-run: exit 2 when changes are pending")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="continue the last unfinished run of this cluster")] = False,
    parallel: Annotated[int | None, typer.Option("--parallel", help="devices worked on at once (default: all)", min=1)] = None,
    step_retries: Annotated[int | None, typer.Option("--step-retries", help="re-runs of a step that fails for a retriable reason (default: the playbook's step_retries, else 2)", min=0, max=10)] = None,
) -> None:  # fmt: skip
    """Apply the guide's twelve steps to every device, verify, and journal the run."""
    if dry_run:
        plan(
            playbook,
            simulate,
            endpoints,
            ca_bundle,
            insecure,
            connect_timeout,
            read_timeout,
            as_json,
        )
        return
    out, errors = output_console(), error_console()
    pb = _load(playbook, errors)
    if not yes and not sys.stdin.isatty():
        print_error(errors, "not on a terminal, so cannot ask for confirmation: pass --yes")
        raise typer.Exit(1)
    settings = _settings(
        simulate, endpoints, ca_bundle, insecure, connect_timeout, read_timeout, False, attempts
    )
    _notes(errors, settings, pb)
    states = state_dir or playbook.resolve().parent / ".f5ecmp"
    lock = cluster_lock(states, pb.cluster)
    try:  # before logging in or asking anything: a second apply is refused at once
        lock.acquire()
    except F5EcmpError as exc:
        print_error(errors, str(exc))
        raise typer.Exit(1) from None
    if lock.stale_holder:
        errors.print(
            f"[yellow]warning: took over the lock of an earlier run that died ({lock.stale_holder})[/]"
        )
    retries: dict[str, int] | int = (
        step_retries
        if step_retries is not None
        else {**dict.fromkeys(STEP_IDS, 2), **{str(k): v for k, v in pb.step_retries.items()}}
    )
    try:
        _apply_locked(
            pb, playbook, settings, states, yes, resume, parallel, retries, as_json, out, errors
        )
    finally:
        lock.release()


def _apply_locked(
    pb: Playbook, playbook: Path, settings: Settings, states: Path, yes: bool, resume: bool,
    parallel: int | None, step_retries: dict[str, int] | int, as_json: bool, out: Console,
    errors: Console,
) -> None:  # fmt: skip
    with _session(pb, settings, errors) as session:
        context = session.context()
        if not yes:
            results = Runner(context).plan()
            print_plan(out, results, pb.cluster)
            if not typer.confirm("Apply these changes?", default=False):
                raise typer.Exit(1)
        shown = errors if as_json else out
        display: Any = (
            LiveDisplay(shown, [d.name for d in pb.devices])
            if shown.is_terminal
            else EventPrinter(shown)
        )
        rollout = Rollout(
            context, states, str(playbook), resume=resume, parallel=parallel,
            step_retries=step_retries, on_event=display, locked=True,
        )  # fmt: skip
        with (
            _stop_on_interrupt(rollout.stop),
            display if isinstance(display, LiveDisplay) else _nothing(),
        ):
            try:
                result, resumed, journal, _stale = rollout.run()
            except F5EcmpError as exc:
                print_error(errors, str(exc))
                raise typer.Exit(1) from None
        if resumed is not None:
            for line in resumed.rerun:
                errors.print(f"note: re-running {line}")
            if resumed.problem:
                errors.print(f"[yellow]warning: {resumed.problem}[/]")
        if as_json:
            typer.echo(json.dumps(result_json(result, session.clients, journal.run_id), indent=2))
        else:
            print_result(out, result, session.clients)
            out.print(f"journal: {journal.path}")
    raise typer.Exit(0 if result.ok else 1)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _stop_on_interrupt(stop: threading.Event) -> Iterator[None]:
    """The first Ctrl-C asks the run to stop after the request in flight; a second one
    interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous: Callable[..., Any] | int | None = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def history(playbook: PlaybookArg, state_dir: StateDir = None, as_json: JsonOpt = False) -> None:
    """List the runs of this playbook's cluster and where each stopped."""
    out, errors = output_console(), error_console()
    pb = _load(playbook, errors)
    states = state_dir or playbook.resolve().parent / ".f5ecmp"
    runs = list_runs(states, pb.cluster)
    if as_json:
        typer.echo(
            json.dumps(
                [{"run": r.run_id, "records": r.records, "problem": r.problem} for r in runs],
                indent=2,
            )
        )
    elif not runs:
        out.print(f"No runs of cluster {pb.cluster} in {states}.")
    else:
        print_history(out, runs)


def status(
    playbook: PlaybookArg, simulate: Simulate = False, endpoints: EndpointsOpt = None,
    ca_bundle: CaBundle = None, insecure: Insecure = False, connect_timeout: ConnectTimeout = 10.0,
    read_timeout: ReadTimeout = 60.0, attempts: Attempts = 6, as_json: JsonOpt = False,
) -> None:  # fmt: skip
    """Show sync and failover state, where each traffic group runs, and the virtual address;
    exit 1 when anything is unhealthy."""
    from f5ecmp.health import cluster_health
    from f5ecmp.render_run import print_health

    out, errors = output_console(), error_console()
    pb = _load(playbook, errors)
    settings = dataclasses.replace(
        _settings(
            simulate, endpoints, ca_bundle, insecure, connect_timeout, read_timeout, True, attempts
        ),
        best_effort=True,
    )
    _notes(errors, settings, pb)
    with _session(pb, settings, errors) as session:
        health = cluster_health(pb, session.clients, session.unreachable)
    if as_json:
        typer.echo(json.dumps(health.as_dict(), indent=2))
    else:
        print_health(out, health)
    raise typer.Exit(0 if health.healthy else 1)


def register(app: typer.Typer) -> None:
    app.command()(plan)
    app.command()(apply)
    app.command()(status)
    app.command()(history)
