"""``apply``: parse, call, render, exit code."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from f5ecmp import cli_saved
from f5ecmp.cli_common import echo_json, logged, notes, reported, state_directory
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
from f5ecmp.cli_plan import PlanOptions, pending, resume_notes, router_changes, run_plan
from f5ecmp.cli_usage import EXIT_FAILED, EXIT_OK, stop_on_interrupt
from f5ecmp.error_kinds import CommandError
from f5ecmp.journal import Hints, cluster_lock, list_runs
from f5ecmp.journal import hints as journal_hints
from f5ecmp.json_docs import apply_document
from f5ecmp.playbook import Playbook, load_playbook
from f5ecmp.prompt import confirm_apply, interactive
from f5ecmp.render import error_console, output_console, warning
from f5ecmp.render_live import LiveDisplay, RetryTally
from f5ecmp.render_run import print_plan, print_result, print_router, progress_display
from f5ecmp.rollout import Rollout, plan_resume, use_hints
from f5ecmp.router import RouterChanges
from f5ecmp.runner import Event, Runner, RunResult, StepResult
from f5ecmp.saved_plan import guard, load_if_plan
from f5ecmp.session import Session, Settings, open_session
from f5ecmp.steps import STEP_IDS

log = logging.getLogger(__name__)


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
    with reported(as_json), logged(verbose, log_file):
        saved = load_if_plan(playbook)  # `apply FILE`: a saved plan where a playbook would go
        if saved is not None:
            if dry_run or resume:
                raise CommandError("a saved plan is applied as it is: --dry-run and --resume "
                                   "do not go with it (run `f5ecmp plan` to plan again)",
                                   "saved-plan")  # fmt: skip
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


def run_apply(options: ApplyOptions) -> None:
    out, errors = output_console(), error_console()
    pb = load_playbook(options.playbook)
    if not options.yes and not interactive():
        raise CommandError(
            "not on a terminal, so cannot ask for confirmation: pass --yes", "confirmation"
        )
    settings = options.connect.settings(read_only=False)
    notes(errors, settings, pb)
    states = state_directory(options.playbook, options.state_dir)
    lock = cluster_lock(states, pb.cluster)
    lock.acquire()  # before logging in or asking anything: a second apply is refused at once
    if lock.stale_holder:
        errors.print(
            warning(f"took over the lock of an earlier run that died ({lock.stale_holder})")
        )
    try:
        _apply_locked(pb, options, settings, states, out, errors)
    finally:
        lock.release()


def _confirmed(
    session: Session, found: Hints, router: RouterChanges | None, shown: Console,
    planned: list[StepResult] | None, as_json: bool,
) -> None:  # fmt: skip
    """Show the plan (on stderr with ``--json``) and ask; return to apply. Nothing to change:
    the plan says so and the command exits 0 without asking; anything but ``yes``:
    "Apply cancelled.", exit 1."""
    pb = session.playbook
    context = session.context()
    use_hints(context, found)  # the plan shown is what the run will send
    results = planned if planned is not None else Runner(context).plan()
    print_plan(shown, results, pb.cluster)
    print_router(shown, router, applied=False)
    if not pending(results):
        if as_json:  # nothing ran: the document says so (no run, no journal)
            retries = RetryTally(session.clients).as_dict()
            echo_json(apply_document(RunResult(results), pb.cluster, session.clients, retries,
                                     None, router, []))  # fmt: skip
        raise typer.Exit(EXIT_OK)
    if not confirm_apply():
        raise CommandError("Apply cancelled.", "declined", plain=True)


def _step_retries(pb: Playbook, given: int | None) -> dict[str, int] | int:
    if given is not None:
        return given
    return {**dict.fromkeys(STEP_IDS, 2), **{str(k): v for k, v in pb.step_retries.items()}}


def _apply_locked(
    pb: Playbook, options: ApplyOptions, settings: Settings, states: Path, out: Console,
    errors: Console,
) -> None:  # fmt: skip
    found = journal_hints(list_runs(states, pb.cluster))
    shown = errors if options.as_json else out  # what people read, off stdout with --json
    with open_session(pb, settings, leaving_hint=found.leaving) as session:
        target = session.target()
        planned = (
            cli_saved.check(options.saved, session, found) if options.saved is not None else None
        )
        if options.resume:  # refuse other devices before showing or asking anything
            resume_notes(errors, plan_resume(states, pb, target))
        context = session.context()
        router = router_changes(context)
        if not options.yes:
            _confirmed(session, found, router, shown, planned, options.as_json)
            # after the operator's answer: everything read again, the login's reads too
            context = session.context(reuse_login=False)
        tally = RetryTally(session.clients)
        display = progress_display(shown, {d.name: d.label for d in pb.devices}, tally)
        rollout = Rollout(
            context, states, str(options.playbook), target=target,
            resume=options.resume, parallel=options.parallel,
            step_retries=_step_retries(pb, options.step_retries),
            on_event=_events(tally, display), locked=True,
            guard=guard(options.saved) if options.saved is not None else None,
        )  # fmt: skip
        with (
            stop_on_interrupt(rollout.stop),
            display if isinstance(display, LiveDisplay) else nullcontext(),
        ):
            result, _resumed, journal, _stale = rollout.run()
        warnings = [
            f"{name}, which the playbook dropped, could not be reached ({why}): it was removed "
            "from the remaining devices only; reset its trust by hand if it comes back"
            for name, why in session.leaving_unreachable.items()
        ]
        if options.as_json:
            echo_json(apply_document(result, pb.cluster, session.clients, tally.as_dict(),
                                     (journal.run_id, journal.path), router, warnings))  # fmt: skip
        else:
            print_result(out, result, session.clients, tally)
            if result.ok:
                print_router(out, router, applied=True)
            out.print(f"journal: {journal.path}")
        for line in warnings:
            errors.print(warning(line))
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FAILED)


def _events(*listeners: Callable[[Event], None]) -> Callable[[Event], None]:
    """Every event to each listener (the retry tally, the display), and to the log
    (``--log-file``)."""

    def on_event(event: Event) -> None:
        log.debug("%s", event)
        for listener in listeners:
            listener(event)

    return on_event


def register(app: typer.Typer) -> None:
    from f5ecmp.cli_plan import plan
    from f5ecmp.cli_status import history, status

    app.command()(plan)
    app.command()(apply)
    app.command()(status)
    app.command()(history)
