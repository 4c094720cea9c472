"""The ``f5ecmp`` command: parse, call, render, exit code — no logic of its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from f5ecmp import __version__
from f5ecmp.cli_usage import EXIT_CODES_HELP, Commands
from f5ecmp.errors import F5EcmpError, PlaybookError
from f5ecmp.playbook import load_with_warnings
from f5ecmp.playbook.schema import playbook_schema
from f5ecmp.render import (
    error_console,
    output_console,
    playbook_summary,
    print_error,
    print_issues,
)

app = typer.Typer(
    name="f5ecmp",
    cls=Commands,
    help="Stand up F5 BIG-IP all-active (ECMP) clusters over iControl REST.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

PlaybookArg = Annotated[
    Path, typer.Argument(help="the cluster's playbook (YAML)", show_default=False)
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"f5ecmp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version")
    ] = False,
) -> None:
    """Stand up F5 BIG-IP all-active (ECMP) clusters over iControl REST."""


@app.command()
def validate(playbook: PlaybookArg) -> None:
    """Check a playbook offline, without touching any device; list every problem found."""
    console, errors = output_console(), error_console()
    try:
        pb, warnings = load_with_warnings(playbook)
    except PlaybookError as exc:
        count = print_issues(errors, exc.issues)
        if count > 1:
            print_error(errors, f"{count} problems in {playbook}")
        if exc.structural:
            errors.print(
                "note: some checks across fields (subnets, traffic groups, HA order, ...) read "
                "sections with errors above; they run once those are well-formed"
            )
        raise typer.Exit(1) from None
    print_issues(errors, warnings, label="warning")
    console.print(playbook_summary(pb, str(playbook)))


@app.command()
def schema() -> None:
    """Print the playbook's JSON Schema (for editor completion and checks)."""
    typer.echo(json.dumps(playbook_schema(), indent=2))


def _register_subcommands() -> None:
    from f5ecmp.cli_drill import register as register_drill
    from f5ecmp.cli_router import register as register_router
    from f5ecmp.cli_run import register
    from f5ecmp.cli_sim import sim_app

    register(app)
    register_drill(app)
    register_router(app)
    app.add_typer(sim_app, name="sim")


_register_subcommands()


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="f5ecmp")  # also under `python -m f5ecmp`, in usage lines and errors
    except F5EcmpError as exc:  # a known failure that escaped a command: one line, exit 1
        print_error(error_console(), str(exc))
        raise SystemExit(1) from None
