"""``status`` and ``history``: parse, call, render, exit code."""

from __future__ import annotations

import json

import typer

from f5ecmp.bigip.cluster import read_cluster
from f5ecmp.cli_options import (
    Attempts,
    CaBundle,
    ConnectOptions,
    ConnectTimeout,
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
from f5ecmp.cli_run import _notes, _session, _state_dir, load_or_exit, logged
from f5ecmp.cli_usage import EXIT_FAILED, EXIT_OK
from f5ecmp.connect import mixed_versions
from f5ecmp.journal import list_runs
from f5ecmp.render import error_console, output_console, warning
from f5ecmp.render_run import print_health, print_history


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
    ca_bundle: CaBundle = None, insecure: Insecure = False,
    connect_timeout: ConnectTimeout = ConnectOptions.connect_timeout,
    read_timeout: ReadTimeout = ConnectOptions.read_timeout, attempts: Attempts = 6,
    as_json: JsonOpt = False, verbose: Verbose = False, log_file: LogFile = None,
) -> None:  # fmt: skip
    """Show sync and failover state, where each traffic group runs, and the virtual address;
    exit 1 when anything is unhealthy. Devices on different TMOS versions are each named in
    a warning."""
    out, errors = output_console(), error_console()
    pb = load_or_exit(playbook, errors)
    connect = ConnectOptions(
        simulate=simulate, endpoints=endpoints, ca_bundle=ca_bundle, insecure=insecure,
        connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts,
    )  # fmt: skip
    settings = connect.settings(read_only=True, best_effort=True)
    _notes(errors, settings, pb)
    with logged(verbose, log_file), _session(pb, settings, errors) as session:
        health = read_cluster(pb, session.clients, session.unreachable)
        versions = mixed_versions(pb, session.devices)
    for line in versions:
        errors.print(warning(line))
    if as_json:
        document = health.as_dict()
        document["warnings"] = versions
        typer.echo(json.dumps(document, indent=2))
    else:
        print_health(out, health)
    raise typer.Exit(EXIT_OK if health.healthy else EXIT_FAILED)
