"""``plan`` and ``apply``: parse, call, render, exit code."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from f5ecmp import cli_saved
from f5ecmp.bigip.selfips import SELF_COLLECTION
from f5ecmp.cli_logging import logging_to
from f5ecmp.cli_options import (
    Attempts,
    CaBundle,
    ConnectOptions,
    ConnectTimeout,
    DetailedExitcode,
    EndpointsOpt,
    Insecure,
    JsonOpt,
    LogFile,
    PlaybookArg,
    ReadTimeout,
    Simulate,
    StateDir,
    Verbose,
)
from f5ecmp.cli_usage import EXIT_FAILED, EXIT_OK, EXIT_PENDING, stop_on_interrupt
from f5ecmp.errors import F5EcmpError, PlaybookError
from f5ecmp.journal import Hints, cluster_lock, list_runs
from f5ecmp.journal import hints as journal_hints
from f5ecmp.playbook import Playbook, load_playbook
from f5ecmp.prompt import confirm_apply, interactive
from f5ecmp.render import error_console, output_console, print_error, print_issues, warning
from f5ecmp.render_run import (
    EventPrinter,
    LiveDisplay,
    plan_json,
    print_plan,
    print_result,
    print_router,
    result_json,
    router_json,
)
from f5ecmp.rollout import ResumePlan, Rollout, plan_resume, use_hints
from f5ecmp.router import RouterChanges, rollout_router_changes
from f5ecmp.runner import Event, Runner, StepResult
from f5ecmp.saved_plan import guard, load_if_plan
from f5ecmp.session import Session, Settings, open_session
from f5ecmp.steps import STEP_IDS

# The options and helpers a device command is made of (``status``, ``drill``) import from here.
__all__ = [
    "Attempts", "CaBundle", "ConnectOptions", "ConnectTimeout", "EndpointsOpt", "Insecure",
    "JsonOpt", "PlaybookArg", "ReadTimeout", "Simulate", "StateDir", "load_or_exit", "logged",
    "print_failure", "register", "run_apply", "run_plan", "stop_on_interrupt",
]  # fmt: skip

log = logging.getLogger(__name__)


def load_or_exit(path: Path, errors: Console) -> Playbook:
    """The playbook, or its problems printed and exit 1."""
    try:
        return load_playbook(path)
    except PlaybookError as exc:
        print_issues(errors, exc.issues)
        raise typer.Exit(EXIT_FAILED) from None


@contextmanager
def logged(verbose: bool, log_file: Path | None) -> Iterator[None]:
    """A command's log (``-v``, ``--log-file``); a log file that cannot be written is one
    line and exit 1."""
    with ExitStack() as stack:
        try:
            stack.enter_context(logging_to(verbose, log_file))
        except F5EcmpError as exc:
            print_error(error_console(), str(exc))
            raise typer.Exit(EXIT_FAILED) from None
        yield


@dataclass(frozen=True)
class PlanOptions:
    playbook: Path
    connect: ConnectOptions
    as_json: bool = False
    detailed_exitcode: bool = False
    resume: bool = False  # plan what `apply --resume` would send (it reads the journal)
    state_dir: Path | None = None
    out: Path | None = None  # save the plan there, for `apply FILE`


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
    saved: dict[str, Any] | None = None  # a saved plan to apply exactly (`apply FILE`)


def _state_dir(playbook: Path, state_dir: Path | None) -> Path:
    return state_dir or playbook.resolve().parent / ".f5ecmp"


def _notes(errors: Console, settings: Settings, pb: Playbook | None = None) -> None:
    if settings.simulate:
        errors.print(
            "note: --simulate: rehearsing against a simulated cluster of the playbook's devices, not real BIG-IPs"
        )
    if settings.insecure or (pb is not None and not pb.tls.verify and not settings.simulate):
        errors.print(
            warning(
                "certificate verification is off (--insecure or tls.verify: false); the credentials can be read by anyone on the path"
            )
        )


def error_hints(message: str) -> list[str]:
    """What to try next, for the failures whose cause is usually the operator's setup."""
    if "certificate verify failed" in message:
        return [
            "hint: give the CA that signed the devices' certificates with --ca-bundle FILE "
            "(or the playbook's tls.ca_bundle); for a cluster served by `f5ecmp sim serve`, "
            "pass --endpoints with the file its --endpoints-out wrote"
        ]
    return []


def print_failure(errors: Console, exc: F5EcmpError) -> None:
    """An error, one line per line of its message, then any hint."""
    message = str(exc)
    for line in message.splitlines():
        print_error(errors, line)
    for hint in error_hints(message):
        errors.print(Text(hint, style="dim"))


@contextmanager
def _session(
    pb: Playbook, settings: Settings, errors: Console, leaving_hint: frozenset[str] = frozenset()
) -> Iterator[Session]:
    try:
        with open_session(pb, settings, leaving_hint=leaving_hint) as session:
            yield session
    except F5EcmpError as exc:
        print_failure(errors, exc)
        raise typer.Exit(EXIT_FAILED) from None


def _pending(results: list[StepResult]) -> bool:
    return any(r.changes or r.outcome == "pending" for r in results)


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
            reads = cli_saved.record(context) if options.out is not None else {}
            if options.resume:
                _resume_notes(errors, plan_resume(states, pb, session.target()))
            results = Runner(context).plan()
            router = _router_changes(session)
        except F5EcmpError as exc:
            print_failure(errors, exc)
            raise typer.Exit(EXIT_FAILED) from None
        document = plan_json(results, pb.cluster)
        document["router"] = router_json(router)
        saved_note = (
            cli_saved.save(
                options.out, session, reads, document, options.playbook, options.connect, errors
            )
            if options.out is not None
            else None
        )
    if options.as_json:
        typer.echo(json.dumps(document, indent=2))
    else:
        print_plan(out, results, pb.cluster)
        print_router(out, router, applied=False)
    if saved_note is not None:
        errors.print(saved_note)
    pending = _pending(results)
    raise typer.Exit(EXIT_PENDING if pending and options.detailed_exitcode else EXIT_OK)


def plan(
    playbook: PlaybookArg, simulate: Simulate = False, endpoints: EndpointsOpt = None,
    ca_bundle: CaBundle = None, insecure: Insecure = False,
    connect_timeout: ConnectTimeout = ConnectOptions.connect_timeout,
    read_timeout: ReadTimeout = ConnectOptions.read_timeout, attempts: Attempts = 6,
    as_json: JsonOpt = False, detailed_exitcode: DetailedExitcode = False,
    verbose: Verbose = False, log_file: LogFile = None,
    out: Annotated[Path | None, typer.Option("--out", help="also save the plan to this file (JSON, mode 0600), for `f5ecmp apply FILE` to apply exactly", show_default=False)] = None,
) -> None:  # fmt: skip
    """Show every change apply would make, reading every device and writing nothing."""
    connect = ConnectOptions(
        simulate=simulate, endpoints=endpoints, ca_bundle=ca_bundle, insecure=insecure,
        connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts,
    )  # fmt: skip
    with logged(verbose, log_file):
        run_plan(
            PlanOptions(
                playbook=playbook,
                connect=connect,
                as_json=as_json,
                detailed_exitcode=detailed_exitcode,
                out=out,
            )
        )


def apply(
    playbook: PlaybookArg, simulate: Simulate = False, endpoints: EndpointsOpt = None,
    ca_bundle: CaBundle = None, insecure: Insecure = False,
    connect_timeout: ConnectTimeout = ConnectOptions.connect_timeout,
    read_timeout: ReadTimeout = ConnectOptions.read_timeout, attempts: Attempts = 6,
    as_json: JsonOpt = False, state_dir: StateDir = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the plan and stop: exactly `plan` with the same options")] = False,
    detailed_exitcode: DetailedExitcode = False,
    resume: Annotated[bool, typer.Option("--resume", help="continue the last unfinished run of this cluster (every step is read again; only the same devices)")] = False,
    parallel: Annotated[int | None, typer.Option("--parallel", help="devices worked on at once (default: all)", min=1)] = None,
    step_retries: Annotated[int | None, typer.Option("--step-retries", help="re-runs of a step that fails for a retriable reason (default: the playbook's step_retries, else 2)", min=0, max=10)] = None,
    verbose: Verbose = False, log_file: LogFile = None,
) -> None:  # fmt: skip
    """Apply the guide's steps to every device, verify, and journal the run (asks first:
    type 'yes'; nothing to change: says so and exits 0 without asking)."""
    connect = ConnectOptions(
        simulate=simulate, endpoints=endpoints, ca_bundle=ca_bundle, insecure=insecure,
        connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts,
    )  # fmt: skip
    with logged(verbose, log_file):
        saved = _saved_plan(playbook)
        if saved is not None:
            if dry_run or resume:
                print_error(error_console(), "a saved plan is applied as it is: --dry-run and "
                            "--resume do not go with it (run `f5ecmp plan` to plan again)")  # fmt: skip
                raise typer.Exit(EXIT_FAILED)
            playbook = Path(saved["playbook"]["path"])
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
                saved=saved,
            )
        )


def _saved_plan(path: Path) -> dict[str, Any] | None:
    """The saved plan at ``path`` (`apply FILE`), or None for a playbook."""
    try:
        return load_if_plan(path)
    except F5EcmpError as exc:
        print_error(error_console(), str(exc))
        raise typer.Exit(EXIT_FAILED) from None


def run_apply(options: ApplyOptions) -> None:
    out, errors = output_console(), error_console()
    pb = load_or_exit(options.playbook, errors)
    if not options.yes and not interactive():
        print_error(errors, "not on a terminal, so cannot ask for confirmation: pass --yes")
        raise typer.Exit(EXIT_FAILED)
    settings = options.connect.settings(read_only=False)
    _notes(errors, settings, pb)
    states = _state_dir(options.playbook, options.state_dir)
    lock = cluster_lock(states, pb.cluster)
    try:  # before logging in or asking anything: a second apply is refused at once
        lock.acquire()
    except F5EcmpError as exc:
        print_error(errors, str(exc))
        raise typer.Exit(EXIT_FAILED) from None
    if lock.stale_holder:
        errors.print(
            warning(f"took over the lock of an earlier run that died ({lock.stale_holder})")
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
        errors.print(warning(resumed.problem))


def _confirmed(
    session: Session, found: Hints, router: RouterChanges | None, out: Console,
    errors: Console, planned: list[StepResult] | None = None,
) -> None:  # fmt: skip
    """Show the plan and ask; return to apply. Nothing to change: the plan says so and the
    command exits 0 without asking; anything but ``yes``: "Apply cancelled.", exit 1."""
    pb = session.playbook
    context = session.context()
    use_hints(context, found)  # the plan shown is what the run will send
    try:
        results = planned if planned is not None else Runner(context).plan()
    except F5EcmpError as exc:
        print_failure(errors, exc)
        raise typer.Exit(EXIT_FAILED) from None
    print_plan(out, results, pb.cluster)
    print_router(out, router, applied=False)
    if not _pending(results):
        raise typer.Exit(EXIT_OK)
    if not confirm_apply():
        errors.print("Apply cancelled.")
        raise typer.Exit(EXIT_FAILED)


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
        planned = (
            cli_saved.check(options.saved, session, found, errors)
            if options.saved is not None
            else None
        )
        try:
            if options.resume:  # refuse other devices before showing or asking anything
                _resume_notes(errors, plan_resume(states, pb, target))
            router = _router_changes(session)
        except F5EcmpError as exc:
            print_failure(errors, exc)
            raise typer.Exit(EXIT_FAILED) from None
        if not options.yes:
            _confirmed(session, found, router, out, errors, planned)
        shown = errors if options.as_json else out
        display: LiveDisplay | EventPrinter = (
            LiveDisplay(shown, [d.name for d in pb.devices])
            if shown.is_terminal
            else EventPrinter(shown)
        )
        rollout = Rollout(
            session.context(), states, str(options.playbook), target=target,
            resume=options.resume, parallel=options.parallel, step_retries=retries,
            on_event=_logging_events(display), locked=True,
            guard=guard(options.saved) if options.saved is not None else None,
        )  # fmt: skip
        with (
            stop_on_interrupt(rollout.stop),
            display if isinstance(display, LiveDisplay) else nullcontext(),
        ):
            try:
                result, _resumed, journal, _stale = rollout.run()
            except F5EcmpError as exc:
                print_failure(errors, exc)
                raise typer.Exit(EXIT_FAILED) from None
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
                warning(
                    f"{name}, which the playbook dropped, could not be reached ({why}): it was "
                    "removed from the remaining devices only; reset its trust by hand if it "
                    "comes back"
                )
            )
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FAILED)


def _logging_events(display: Callable[[Event], None]) -> Callable[[Event], None]:
    """The display, with every event also in the log (``--log-file``)."""

    def on_event(event: Event) -> None:
        log.debug("%s", event)
        display(event)

    return on_event


def register(app: typer.Typer) -> None:
    from f5ecmp.cli_status import history, status

    app.command()(plan)
    app.command()(apply)
    app.command()(status)
    app.command()(history)
