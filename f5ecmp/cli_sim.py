"""``f5ecmp sim ...``: serve a simulated BIG-IP cluster on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from f5ecmp.errors import PlaybookError
from f5ecmp.playbook import load_playbook
from f5ecmp.render import error_console, output_console, print_error, print_issues

sim_app = typer.Typer(
    help="A simulated BIG-IP cluster for rehearsals and tests.", no_args_is_help=True
)


def _credentials(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise typer.BadParameter("give USER:PASS", param_hint="--credentials")
    return user, password


@sim_app.command("serve")
def serve(
    playbook: Annotated[Path | None, typer.Argument(help="serve this playbook's devices")] = None,
    devices: Annotated[
        int | None,
        typer.Option(
            "--devices",
            help="serve only the first N devices (or N devices without a playbook)",
            min=1,
            max=250,
        ),
    ] = None,
    port_base: Annotated[
        int | None,
        typer.Option(
            "--port-base",
            help="first port for devices whose management address is not on loopback",
            min=1,
            max=65535,
        ),
    ] = None,
    credentials: Annotated[
        str | None,
        typer.Option(
            "--credentials",
            help="USER:PASS the devices accept (default: $F5_USER/$F5_PASSWORD, else admin/admin)",
        ),
    ] = None,
    latency_ms: Annotated[
        float, typer.Option("--latency-ms", help="added to every request", min=0)
    ] = 0.0,
    version: Annotated[
        str, typer.Option("--version", help="the TMOS version the devices report")
    ] = "16.1.3",
    endpoints_out: Annotated[
        Path | None,
        typer.Option("--endpoints-out", help="write device URLs and the CA bundle here (YAML)"),
    ] = None,
    timing: Annotated[
        str,
        typer.Option(
            "--timing",
            help="realistic: about 1 s for trust, sync and failover, and each traffic group's "
            "own auto-failback time; rehearsal: 0.2 s, failback in 1/60; instant: no delays",
        ),
    ] = "realistic",
) -> None:
    """Serve simulated BIG-IPs over HTTPS on loopback until Ctrl-C."""
    from f5ecmp.simulator import LoopbackOnly, Timing, run_serve

    timings = {"realistic": Timing(), "rehearsal": Timing.rehearsal(), "instant": Timing.instant()}
    if timing not in timings:
        raise typer.BadParameter(f"one of {', '.join(timings)}", param_hint="--timing")

    errors, out = error_console(), output_console()
    specs = None
    if playbook is not None:
        try:
            specs = list(load_playbook(playbook).devices)
        except PlaybookError as exc:
            print_issues(errors, exc.issues)
            raise typer.Exit(1) from None

    def ready(endpoints: object) -> None:
        table = Table(title="simulated BIG-IP devices", title_justify="left")
        table.add_column("device")
        table.add_column("URL")
        for name, url in endpoints.devices.items():  # type: ignore[attr-defined]
            table.add_row(name, url)
        out.print(table)
        out.print(f"CA bundle: {endpoints.ca_bundle}")  # type: ignore[attr-defined]
        if endpoints_out is not None:
            out.print(f"endpoints: {endpoints_out}")
        out.print("serving; Ctrl-C to stop")

    try:
        run_serve(
            specs, count=devices, port_base=port_base, credentials=_credentials(credentials),
            latency_ms=latency_ms, version=version, endpoints_out=endpoints_out, on_ready=ready,
            timing=timings[timing],
        )  # fmt: skip
    except (LoopbackOnly, ValueError, OSError) as exc:
        print_error(errors, str(exc))
        raise typer.Exit(1) from None
    out.print("stopped")
