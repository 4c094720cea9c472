"""The ``f5ecmp`` command: parse, call, render, exit code — no logic of its own."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from f5ecmp import __version__
from f5ecmp.cli_common import echo_json
from f5ecmp.cli_options import JsonOpt
from f5ecmp.cli_usage import EXIT_CODES_HELP, Commands
from f5ecmp.errors import F5EcmpError, PlaybookError
from f5ecmp.json_docs import error_document, validate_document
from f5ecmp.json_schemas import output_schemas
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


STRUCTURAL_NOTE = (
    "some checks across fields (subnets, traffic groups, HA order, ...) read sections with "
    "errors above; they run once those are well-formed"
)


@app.command()
def validate(playbook: PlaybookArg, as_json: JsonOpt = False) -> None:
    """Check a playbook offline, without touching any device; list every problem found."""
    console, errors = output_console(), error_console()
    try:
        pb, warnings = load_with_warnings(playbook)
    except PlaybookError as exc:
        if as_json:
            document = error_document(exc)
            if exc.structural:
                document["error"]["details"] = [STRUCTURAL_NOTE]
            echo_json(document)
            raise typer.Exit(1) from None
        count = print_issues(errors, exc.issues)
        if count > 1:
            print_error(errors, f"{count} problems in {playbook}")
        if exc.structural:
            errors.print(f"note: {STRUCTURAL_NOTE}")
        raise typer.Exit(1) from None
    if as_json:
        echo_json(validate_document(pb, str(playbook), warnings))
        return
    print_issues(errors, warnings, label="warning")
    console.print(playbook_summary(pb, str(playbook)))


class Output(StrEnum):
    """The commands whose ``--json`` output has a schema."""

    plan = "plan"
    apply = "apply"
    status = "status"
    history = "history"
    validate = "validate"
    drill = "drill"
    router_config = "router-config"


@app.command()
def schema(
    output: Annotated[
        Output | None,
        typer.Option(
            "--output",
            help="instead, the JSON Schema of this command's --json output",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the playbook's JSON Schema (for editor completion and checks), or with
    --output COMMAND the schema of that command's --json output."""
    document = playbook_schema() if output is None else output_schemas()[output.value]
    typer.echo(json.dumps(document, indent=2))


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
