"""``status`` and ``history``: parse, call, render, exit code."""

from __future__ import annotations

import typer

from f5ecmp.bigip.cluster import read_cluster
from f5ecmp.cli_common import echo_json, logged, notes, reported, state_directory
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
from f5ecmp.cli_usage import EXIT_FAILED, EXIT_OK
from f5ecmp.connect import mixed_versions
from f5ecmp.journal import list_runs
from f5ecmp.json_docs import history_document, status_document
from f5ecmp.playbook import load_playbook
from f5ecmp.render import error_console, output_console, warning
from f5ecmp.render_run import print_health, print_history
from f5ecmp.session import open_session


def history(playbook: PlaybookArg, state_dir: StateDir = None, as_json: JsonOpt = False) -> None:
    """List the runs of this playbook's cluster and where each stopped."""
    out = output_console()
    with reported(as_json):
        pb = load_playbook(playbook)
        states = state_directory(playbook, state_dir)
        runs = list_runs(states, pb.cluster)
    if as_json:
        echo_json(history_document(runs, pb.cluster, states))
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
    connect = ConnectOptions(
        simulate=simulate, endpoints=endpoints, ca_bundle=ca_bundle, insecure=insecure,
        connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts,
    )  # fmt: skip
    with reported(as_json), logged(verbose, log_file):
        pb = load_playbook(playbook)
        settings = connect.settings(read_only=True, best_effort=True)
        notes(errors, settings, pb)
        with open_session(pb, settings) as session:
            health = read_cluster(pb, session.clients, session.unreachable)
            versions = mixed_versions(pb, session.devices)
    for line in versions:
        errors.print(warning(line))
    if as_json:
        echo_json(status_document(health, pb.cluster, versions))
    else:
        print_health(out, health)
    raise typer.Exit(EXIT_OK if health.healthy else EXIT_FAILED)
