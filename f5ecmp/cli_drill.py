"""``drill``: the failover drill — parse, call, render, exit code."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from f5ecmp.cli_common import echo_json, notes, reported, state_directory
from f5ecmp.cli_options import (
    Attempts,
    CaBundle,
    ConnectOptions,
    ConnectTimeout,
    EndpointsOpt,
    Insecure,
    JsonOpt,
    PlaybookArg,
    ReadTimeout,
    Simulate,
    StateDir,
)
from f5ecmp.cli_usage import stop_on_interrupt
from f5ecmp.drill import Drill, DrillOptions, DrillResult, resolve
from f5ecmp.error_kinds import CommandError
from f5ecmp.journal import Journal, cluster_lock
from f5ecmp.json_docs import drill_document
from f5ecmp.playbook import load_playbook
from f5ecmp.render import error_console, output_console, warning
from f5ecmp.render_drill import ProgressPrinter, print_drill, print_drill_plan
from f5ecmp.rollout import playbook_fingerprint
from f5ecmp.runner import Runner
from f5ecmp.session import Session, open_session


@dataclass(frozen=True)
class DrillCommand:
    playbook: Path
    connect: ConnectOptions
    drill: DrillOptions
    as_json: bool = False
    yes: bool = False
    dry_run: bool = False
    state_dir: Path | None = None


def drill(
    playbook: PlaybookArg, simulate: Simulate = False, endpoints: EndpointsOpt = None,
    ca_bundle: CaBundle = None, insecure: Insecure = False, connect_timeout: ConnectTimeout = 10.0,
    read_timeout: ReadTimeout = 60.0, attempts: Attempts = 6, as_json: JsonOpt = False, state_dir: StateDir = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check the cluster's health and list the moves; send nothing")] = False,
    traffic_group: Annotated[list[str] | None, typer.Option("--traffic-group", metavar="NAME", help="drill only this traffic group (repeatable; default: every one)", show_default=False)] = None,
    device: Annotated[str | None, typer.Option("--device", metavar="NAME", help="drill a whole device: force it offline, then online", show_default=False)] = None,
    no_wait_failback: Annotated[bool, typer.Option("--no-wait-failback", help="force each group back at once instead of waiting for its auto failback")] = False,
    deadline: Annotated[float, typer.Option("--deadline", metavar="SECONDS", help="seconds each move may take (a failback: its autoFailbackTime plus these)", min=1.0)] = 60.0,
) -> None:  # fmt: skip
    """Fail each traffic group over to its next device and back, timed and checked; every
    group is put back if anything fails or on Ctrl-C. Refuses unless the cluster is healthy.
    With --simulate, the simulated cluster is set up from the playbook first."""
    connect = ConnectOptions(
        simulate=simulate, endpoints=endpoints, ca_bundle=ca_bundle, insecure=insecure,
        connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts,
    )  # fmt: skip
    options = DrillOptions(
        traffic_groups=tuple(traffic_group or ()),
        device=device,
        wait_failback=not no_wait_failback,
        deadline_s=deadline,
    )
    with reported(as_json):
        run_drill(DrillCommand(playbook, connect, options, as_json, yes, dry_run, state_dir))


def run_drill(command: DrillCommand) -> None:
    out, errors = output_console(), error_console()
    pb = load_playbook(command.playbook)
    resolve(pb, command.drill)
    if not (command.yes or command.dry_run or sys.stdin.isatty()):
        raise CommandError(
            "not on a terminal, so cannot ask for confirmation: pass --yes", "confirmation"
        )
    settings = command.connect.settings(read_only=command.dry_run)
    notes(errors, settings, pb)
    if command.dry_run:
        with open_session(pb, settings) as session:
            result = _drill(session, command, out).plan()
        _show(out, result, None, command.as_json)
        raise typer.Exit(0 if result.ok else 1)
    lock = cluster_lock(state_directory(command.playbook, command.state_dir), pb.cluster, "drill")
    lock.acquire()
    if lock.stale_holder:
        errors.print(
            warning(f"took over the lock of an earlier run that died ({lock.stale_holder})")
        )
    try:
        with open_session(pb, settings) as session:
            if settings.simulate:
                _set_up_rehearsal(session, errors)
            result, journal = _run(session, command, out, errors)
    finally:
        lock.release()
    _show(out, result, journal.run_id, command.as_json)
    if not command.as_json:
        out.print(f"journal: {journal.path}")
    raise typer.Exit(0 if result.ok else 1)


def _drill(session: Session, command: DrillCommand, out: Console) -> Drill:
    shown = error_console() if command.as_json else out
    return Drill(
        session.playbook, session.clients, command.drill, on_progress=ProgressPrinter(shown)
    )


def _run(
    session: Session, command: DrillCommand, out: Console, errors: Console
) -> tuple[DrillResult, Journal]:
    pb = session.playbook
    engine = _drill(session, command, out)
    if not command.yes:
        preview = engine.plan()
        print_drill_plan(errors if command.as_json else out, preview)
        if preview.refused:
            if command.as_json:
                echo_json(drill_document(preview, None))
            raise typer.Exit(1)
        if not typer.confirm("Run this drill?", default=False, err=True):
            raise CommandError("Drill cancelled.", "declined", plain=True)
    states = state_directory(command.playbook, command.state_dir)
    journal = Journal.start(
        states, pb.cluster, playbook=str(command.playbook), fingerprint=playbook_fingerprint(pb),
        target=session.target(), kind="drill",
    )  # fmt: skip
    engine.journal, engine.stop = journal, threading.Event()
    try:
        with stop_on_interrupt(engine.stop):
            result = engine.run()
    except KeyboardInterrupt:
        raise CommandError(
            "interrupted twice: traffic groups may be away from home; run `f5ecmp status`",
            "interrupted",
        ) from None
    finally:
        journal.close()
    return result, journal


def _set_up_rehearsal(session: Session, errors: Console) -> None:
    """A fresh simulated cluster has nothing to drill: apply the playbook to it first."""
    errors.print("note: --simulate: setting the simulated cluster up from the playbook first")
    result = Runner(session.context()).apply()
    if not result.ok:
        where = f"{result.failed.step}: {result.failed.error}" if result.failed else "stopped"
        raise CommandError(f"could not set the simulated cluster up ({where})", "setup")


def _show(out: Console, result: DrillResult, run_id: str | None, as_json: bool) -> None:
    if as_json:
        echo_json(drill_document(result, run_id))
    elif result.dry_run:
        print_drill_plan(out, result)
    else:
        print_drill(out, result)


def register(app: typer.Typer) -> None:
    app.command()(drill)
