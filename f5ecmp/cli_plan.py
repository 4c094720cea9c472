"""``plan`` (and ``apply --dry-run``, which is ``plan``): parse, call, render, exit code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from f5ecmp import cli_saved
from f5ecmp.bigip.selfips import SELF_COLLECTION
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
    Verbose,
)
from f5ecmp.cli_usage import EXIT_OK, EXIT_PENDING
from f5ecmp.journal import hints as journal_hints
from f5ecmp.journal import list_runs
from f5ecmp.json_docs import plan_document
from f5ecmp.playbook import load_playbook
from f5ecmp.render import error_console, output_console, warning
from f5ecmp.render_run import print_plan, print_router
from f5ecmp.rollout import ResumePlan, plan_resume, use_hints
from f5ecmp.router import RouterChanges, rollout_router_changes
from f5ecmp.runner import Runner, StepResult
from f5ecmp.session import open_session
from f5ecmp.steps.base import Context


@dataclass(frozen=True)
class PlanOptions:
    playbook: Path
    connect: ConnectOptions
    as_json: bool = False
    detailed_exitcode: bool = False
    resume: bool = False  # plan what `apply --resume` would send (it reads the journal)
    state_dir: Path | None = None
    out: Path | None = None  # save the plan there, for `apply FILE`


def pending(results: list[StepResult]) -> bool:
    return any(r.changes or r.outcome == "pending" for r in results)


def router_changes(context: Context) -> RouterChanges | None:
    """The router lines this rollout calls for: the first device's floating self IPs now
    against the playbook's (one read, which the run's read memory keeps for its steps)."""
    pb = context.playbook
    return rollout_router_changes(pb, context.client(pb.authority).get(SELF_COLLECTION))


def resume_notes(errors: Console, resumed: ResumePlan) -> None:
    where = f", stopped at {resumed.stopped_at}" if resumed.stopped_at else ""
    errors.print(
        f"note: resuming run {resumed.run.run_id} ({resumed.changes_before} change(s) "
        f"recorded{where}); every step is read again and only what still differs is applied"
    )
    if resumed.problem:
        errors.print(warning(resumed.problem))


def run_plan(options: PlanOptions) -> None:
    """``plan`` and ``apply --dry-run``: one code path. Failures propagate to the command's
    report (text or, with ``--json``, an error document)."""
    out, errors = output_console(), error_console()
    pb = load_playbook(options.playbook)
    settings = options.connect.settings(read_only=True)
    notes(errors, settings, pb)
    states = state_directory(options.playbook, options.state_dir)
    found = journal_hints(list_runs(states, pb.cluster))
    with open_session(pb, settings, leaving_hint=found.leaving) as session:
        context = session.context()
        use_hints(context, found)  # what apply will do with them, the plan shows
        reads = cli_saved.record(context) if options.out is not None else {}
        if options.resume:
            resume_notes(errors, plan_resume(states, pb, session.target()))
        results = Runner(context).plan()
        router = router_changes(context)
        document = plan_document(results, pb.cluster, router)
        saved_note = (
            cli_saved.save(options.out, session, reads, document, options.playbook, options.connect)
            if options.out is not None
            else None
        )
    if options.as_json:
        echo_json(document)
    else:
        print_plan(out, results, pb.cluster)
        print_router(out, router, applied=False)
    if saved_note is not None:
        errors.print(saved_note)
    raise typer.Exit(EXIT_PENDING if pending(results) and options.detailed_exitcode else EXIT_OK)


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
    with reported(as_json), logged(verbose, log_file):
        run_plan(
            PlanOptions(
                playbook=playbook,
                connect=connect,
                as_json=as_json,
                detailed_exitcode=detailed_exitcode,
                out=out,
            )
        )
