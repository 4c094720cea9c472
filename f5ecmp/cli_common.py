"""What the commands share below their options: where the state lives, the notes printed
before reaching devices, and how a failure is reported — one ``error:`` line (or the
playbook's problems) on stderr, or with ``--json`` one error document on stdout; exit 1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from f5ecmp.cli_logging import logging_to
from f5ecmp.cli_usage import EXIT_FAILED
from f5ecmp.error_kinds import CommandError
from f5ecmp.errors import F5EcmpError, PlaybookError
from f5ecmp.json_docs import FORMAT_VERSION, error_document, failure
from f5ecmp.playbook import Playbook
from f5ecmp.render import error_console, print_error, print_issues, warning
from f5ecmp.session import Settings


def state_directory(playbook: Path, given: Path | None) -> Path:
    """``--state-dir``, by default ``.f5ecmp/`` beside the playbook."""
    return given or playbook.resolve().parent / ".f5ecmp"


def notes(errors: Console, settings: Settings, pb: Playbook | None = None) -> None:
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
    """An error as text: a playbook's problems one per line; otherwise one ``error:`` line
    per line of the message (after the details of a :class:`CommandError`), then any hint."""
    if isinstance(exc, PlaybookError):
        print_issues(errors, exc.issues)
        return
    if isinstance(exc, CommandError):
        for line in exc.details:
            print_error(errors, line)
        if exc.plain:
            errors.print(Text(str(exc)))
            return
    message = str(exc)
    for line in message.splitlines():
        print_error(errors, line)
    for hint in error_hints(message):
        errors.print(Text(hint, style="dim"))


def echo_json(document: dict[str, Any]) -> None:
    typer.echo(json.dumps(document, indent=2))


@contextmanager
def reported(as_json: bool) -> Iterator[None]:
    """Around a command: an expected failure is reported, as text on stderr or, with
    ``--json``, as one error document on stdout, and the command exits 1. With ``--json``
    an interrupt is a document too (kind ``interrupted``)."""
    try:
        yield
    except F5EcmpError as exc:
        if as_json:
            hints = error_hints(str(exc))
            echo_json(error_document(exc, hints[0] if hints else None))
        else:
            print_failure(error_console(), exc)
        raise typer.Exit(EXIT_FAILED) from None
    except KeyboardInterrupt:
        if not as_json:
            raise  # the group's handler prints `error: interrupted`
        echo_json(
            {"format_version": FORMAT_VERSION, "error": failure("interrupted", "interrupted")}
        )
        raise typer.Exit(EXIT_FAILED) from None


@contextmanager
def logged(verbose: bool, log_file: Path | None) -> Iterator[None]:
    """A command's log (``-v``, ``--log-file``); a log file that cannot be written is an
    error (before anything is read)."""
    with logging_to(verbose, log_file):
        yield
