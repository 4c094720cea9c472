"""The options the device commands share, each checked as it is parsed.

A value that makes no sense (a timeout of ``inf`` or ``nan``, ``--parallel 0``, an empty
``--state-dir``) is a usage error: one line and exit 64 before anything is read or reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from f5ecmp.client import RetryPolicy, Timeouts
from f5ecmp.session import Settings

DEFAULT_CONNECT_TIMEOUT_S = Timeouts().connect_s
DEFAULT_READ_TIMEOUT_S = Timeouts().read_s


def seconds(text: str) -> float:
    """A timeout: a finite number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise typer.BadParameter(f"{text} is not a finite number of seconds above 0")
    return value


def non_empty_path(text: str) -> Path:
    """A path given on the command line: an empty one is a mistake, not the current
    directory."""
    if not text.strip():
        raise typer.BadParameter("an empty path: give a file or directory name")
    return Path(text)


def non_empty_text(text: str) -> str:
    if not text.strip():
        raise typer.BadParameter("an empty value: give a file name")
    return text


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
        "--endpoints",
        help="device URLs and CA bundle from `f5ecmp sim serve --endpoints-out`",
        parser=non_empty_path,
        metavar="FILE",
    ),
]
CaBundle = Annotated[
    str | None,
    typer.Option(
        "--ca-bundle",
        help="PEM file of the CAs that signed the devices' certificates",
        parser=non_empty_text,
        metavar="FILE",
    ),
]
Insecure = Annotated[
    bool,
    typer.Option("--insecure", help="do not verify the devices' certificates (not for production)"),
]
ConnectTimeout = Annotated[
    float,
    typer.Option(
        "--connect-timeout",
        help="seconds to wait for a connection (a refused one is reported within this time)",
        parser=seconds,
        metavar="SECONDS",
    ),
]
ReadTimeout = Annotated[
    float,
    typer.Option(
        "--read-timeout", help="seconds to wait for an answer", parser=seconds, metavar="SECONDS"
    ),
]
Attempts = Annotated[
    int,
    typer.Option(
        "--attempts",
        help="tries of a request that fails transiently (busy, dropped); a refused "
        "connection gets at most 3",
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
        parser=non_empty_path,
        metavar="DIR",
    ),
]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="print each request to stderr: device, method, path, status, time, retry",
    ),
]
LogFile = Annotated[
    Path | None,
    typer.Option(
        "--log-file",
        help="append every request, with its body (secrets masked), retries and waits, here",
        parser=non_empty_path,
        metavar="FILE",
    ),
]


@dataclass(frozen=True)
class ConnectOptions:
    """How a command reaches the devices: the options every device command shares."""

    simulate: bool = False
    endpoints: Path | None = None
    ca_bundle: str | None = None
    insecure: bool = False
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_S
    read_timeout: float = DEFAULT_READ_TIMEOUT_S
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
