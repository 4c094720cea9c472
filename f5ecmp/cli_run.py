"""``plan``, ``apply`` and ``history``: parse, call, render, exit code."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from f5ecmp.bigip.cluster import read_cluster
from f5ecmp.bigip.selfips import SELF_COLLECTION
from f5ecmp.client import RetryPolicy, Timeouts
from f5ecmp.errors import F5EcmpError, PlaybookError
from f5ecmp.journal import cluster_lock, list_runs
from f5ecmp.journal import hints as journal_hints
from f5ecmp.playbook import Playbook, load_playbook
from f5ecmp.render import error_console, output_console, print_error, print_issues
from f5ecmp.render_run import (
    EventPrinter,
    LiveDisplay,
    plan_json,
    print_health,
    print_history,
    print_plan,
    print_result,
    print_router,
    result_json,
    router_json,
)
from f5ecmp.rollout import ResumePlan, Rollout, plan_resume, use_hints
from f5ecmp.router import RouterChanges, rollout_router_changes
from f5ecmp.runner import Runner
from f5ecmp.session import Session, Settings, open_session
from f5ecmp.steps import STEP_IDS

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
DetailedExitcode = Annotated[
    bool,
    typer.Option("--detailed-exitcode", help="exit 2 when changes are pending (0: none, 1: error)"),
]
StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        help="where journals and the lock live (default: .f5ecmp/ beside the playbook)",
    ),
]


def load_or_exit(path: Path, errors: Console) -> Playbook:
    """The playbook, or its problems printed and exit 1."""
    try:
        return load_playbook(path)
    except PlaybookError as exc:
        print_issues(errors, exc.issues)
        raise typer.Exit(1) from None


@dataclass(frozen=True)
class ConnectOptions:
    """How a command reaches the devices: the options every device command shares."""

    simulate: bool = False
    endpoints: Path | None = None
    ca_bundle: str | None = None
    insecure: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    attempts: int = 6

    def settings(self, *, read_only: bool, best_effort: bool = False) -> Settings:
        if self.simulate and self.endpoints is not None:
            raise typer.BadParameter(
                "--simulate and --endpoints exclude each other", param_hint="--endpoints"
            )
        return Settings(
            simulate=self.simulate,
            endpoints_file=self.endpoints,
            ca_bundle=self.ca_bundle,
            insecure=self.insecure,
            timeouts=Timeouts(self.connect_timeout, self.read_timeout),
            read_only=read_only,
            best_effort=best_effort,
            retry=RetryPolicy(attempts=self.attempts),
        )


@dataclass(frozen=True)
class PlanOptions:
    playbook: Path
    connect: ConnectOptions
    as_json: bool = False
    detailed_exitcode: bool = False
    resume: bool = False  # plan what `apply --resume` would send (it reads the journal)
    state_dir: Path | None = None


@dataclass(frozen=True)
class ApplyOptions:
    playbook: Path
    connect: ConnectOptions
    as_json: bool = False
    yes: bool = False
    resume: bool = False
    state_dir: Path | None = None
    parallel: int | None = None
    step_retries: int | None = None


def _state_dir(playbook: Path, state_dir: Path | None) -> Path:
    return state_dir or playbook.resolve().parent / ".f5ecmp"


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
def _session(
    pb: Playbook, settings: Settings, errors: Console, leaving_hint: frozenset[str] = frozenset()
) -> Iterator[Session]:
    try:
        with open_session(pb, settings, leaving_hint=leaving_hint) as session:
            yield session
    except F5EcmpError as exc:
        for line in str(exc).splitlines():
            print_error(errors, line)
        raise typer.Exit(1) from None


def run_plan(options: PlanOptions) -> None:
    """``plan`` and ``apply --dry-run``: one code path."""
    out, errors = output_console(), error_console()
    pb = load_or_exit(options.playbook, errors)
    settings = options.connect.settings(read_only=True)
    _notes(errors, settings, pb)
    states = _state_dir(options.playbook, options.state_dir)
    found = journal_hints(list_runs(states, pb.cluster))
    with _session(pb, settings, errors, found.leaving) as session:
        try:
            context = session.context()
            use_hints(context, found)  # what apply will do with them, the plan shows
            if options.resume:
                _resume_notes(errors, plan_resume(states, pb, session.target()))
            results = Runner(context).plan()
            router = _router_changes(session)
        except F5EcmpError as exc:
            print_error(errors, str(exc))
            raise typer.Exit(1) from None
    if options.as_json:
        document = plan_json(results, pb.cluster)
        document["router"] = router_json(router)
        typer.echo(json.dumps(document, indent=2))
    else:
        print_plan(out, results, pb.cluster)
        print_router(out, router, applied=False)
    pending = any(r.changes or r.outcome == "pending" for r in results)
    raise typer.Exit(2 if pending and options.detailed_exitcode else 0)


def plan(
    playbook: PlaybookArg, simulate: Simulate = False, endpoints: EndpointsOpt = None,
    ca_bundle: CaBundle = None, insecure: Insecure = False, connect_timeout: ConnectTimeout = 10.0,
    read_timeout: ReadTimeout = 60.0, attempts: Attempts = 6, as_json: JsonOpt = False,
    detailed_exitcode: DetailedExitcode = False,
) -> None:  # fmt: skip
    """Show every change apply would make, reading every device and writing nothing."""
    connect = ConnectOptions(
        simulate=simulate, endpoints=endpoints, ca_bundle=ca_bundle, insecure=insecure,
        connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts,
    )  # fmt: skip
    run_plan(
        PlanOptions(
            playbook=playbook,
            connect=connect,
            as_json=as_json,
            detailed_exitcode=detailed_exitcode,
        )
    )


def apply(
    playbook: PlaybookArg, simulate: Simulate = False, endpoints: EndpointsOpt = None,
    ca_bundle: CaBundle = None, insecure: Insecure = False, connect_timeout: ConnectTimeout = 10.0,
    read_timeout: ReadTimeout = 60.0, attempts: Attempts = 6, as_json: JsonOpt = False, state_dir: StateDir = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the plan and stop: exactly `plan` with the same options")] = False,
    detailed_exitcode: DetailedExitcode = False,
    resume: Annotated[bool, typer.Option("--resume", help="continue the last unfinished run of this cluster (every step is read again; only the same devices)")] = False,
    parallel: Annotated[int | None, typer.Option("--parallel", help="devices worked on at once (default: all)", min=1)] = None,
    step_retries: Annotated[int | None, typer.Option("--step-retries", help="re-runs of a step that fails for a retriable reason (default: the playbook's step_retries, else 2)", min=0, max=10)] = None,
) -> None:  # fmt: skip
    """Apply the guide's twelve steps to every device (and remove the devices the playbook dropped), verify, and journal the run."""
    connect = ConnectOptions(
        simulate=simulate, endpoints=endpoints, ca_bundle=ca_bundle, insecure=insecure,
        connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts,
    )  # fmt: skip
    if dry_run:
        run_plan(
            PlanOptions(
                playbook=playbook,
                connect=connect,
                as_json=as_json,
                detailed_exitcode=detailed_exitcode,
                resume=resume,
                state_dir=state_dir,
            )
        )
        return
    run_apply(
        ApplyOptions(
            playbook=playbook,
            connect=connect,
            as_json=as_json,
            yes=yes,
            resume=resume,
            state_dir=state_dir,
            parallel=parallel,
            step_retries=step_retries,
        )
    )


def run_apply(options: ApplyOptions) -> None:
    out, errors = output_console(), error_console()
    pb = load_or_exit(options.playbook, errors)
    if not options.yes and not sys.stdin.isatty():
        print_error(errors, "not on a terminal, so cannot ask for confirmation: pass --yes")
        raise typer.Exit(1)
    settings = options.connect.settings(read_only=False)
    _notes(errors, settings, pb)
    states = _state_dir(options.playbook, options.state_dir)
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
    try:
        _apply_locked(pb, options, settings, states, out, errors)
    finally:
        lock.release()


def _router_changes(session: Session) -> RouterChanges | None:
    """The router lines this rollout calls for: the first device's floating self IPs now
    against the playbook's (one read)."""
    pb = session.playbook
    return rollout_router_changes(pb, session.clients[pb.authority.name].get(SELF_COLLECTION))


def _resume_notes(errors: Console, resumed: ResumePlan) -> None:
    where = f", stopped at {resumed.stopped_at}" if resumed.stopped_at else ""
    errors.print(
        f"note: resuming run {resumed.run.run_id} ({resumed.changes_before} change(s) "
        f"recorded{where}); every step is read again and only what still differs is applied"
    )
    if resumed.problem:
        errors.print(f"[yellow]warning: {resumed.problem}[/]")


def _apply_locked(
    pb: Playbook, options: ApplyOptions, settings: Settings, states: Path, out: Console,
    errors: Console,
) -> None:  # fmt: skip
    retries: dict[str, int] | int = (
        options.step_retries
        if options.step_retries is not None
        else {**dict.fromkeys(STEP_IDS, 2), **{str(k): v for k, v in pb.step_retries.items()}}
    )
    found = journal_hints(list_runs(states, pb.cluster))
    with _session(pb, settings, errors, found.leaving) as session:
        target = session.target()
        if options.resume:  # refuse other devices before showing or asking anything
            try:
                _resume_notes(errors, plan_resume(states, pb, target))
            except F5EcmpError as exc:
                print_error(errors, str(exc))
                raise typer.Exit(1) from None
        context = session.context()
        try:
            router = _router_changes(session)
        except F5EcmpError as exc:
            print_error(errors, str(exc))
            raise typer.Exit(1) from None
        if not options.yes:
            preview = session.context()
            use_hints(preview, found)  # the plan shown is what the run will send
            results = Runner(preview).plan()
            print_plan(out, results, pb.cluster)
            print_router(out, router, applied=False)
            if not typer.confirm("Apply these changes?", default=False):
                raise typer.Exit(1)
        shown = errors if options.as_json else out
        display: LiveDisplay | EventPrinter = (
            LiveDisplay(shown, [d.name for d in pb.devices])
            if shown.is_terminal
            else EventPrinter(shown)
        )
        rollout = Rollout(
            context, states, str(options.playbook), target=target, resume=options.resume,
            parallel=options.parallel, step_retries=retries, on_event=display, locked=True,
        )  # fmt: skip
        with (
            stop_on_interrupt(rollout.stop),
            display if isinstance(display, LiveDisplay) else _nothing(),
        ):
            try:
                result, _resumed, journal, _stale = rollout.run()
            except F5EcmpError as exc:
                print_error(errors, str(exc))
                raise typer.Exit(1) from None
        if options.as_json:
            document = result_json(result, session.clients, journal.run_id)
            document["router"] = router_json(router)
            typer.echo(json.dumps(document, indent=2))
        else:
            print_result(out, result, session.clients)
            if result.ok:
                print_router(out, router, applied=True)
            out.print(f"journal: {journal.path}")
        for name, why in session.leaving_unreachable.items():
            errors.print(
                f"[yellow]warning: {name}, which the playbook dropped, could not be reached "
                f"({why}): it was removed from the remaining devices only; reset its trust "
                "by hand if it comes back[/]"
            )
    raise typer.Exit(0 if result.ok else 1)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def stop_on_interrupt(stop: threading.Event) -> Iterator[None]:
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
    pb = load_or_exit(playbook, errors)
    states = _state_dir(playbook, state_dir)
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
    out, errors = output_console(), error_console()
    pb = load_or_exit(playbook, errors)
    connect = ConnectOptions(
        simulate=simulate, endpoints=endpoints, ca_bundle=ca_bundle, insecure=insecure,
        connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts,
    )  # fmt: skip
    settings = connect.settings(read_only=True, best_effort=True)
    _notes(errors, settings, pb)
    with _session(pb, settings, errors) as session:
        health = read_cluster(pb, session.clients, session.unreachable)
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
