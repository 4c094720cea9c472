"""SIGTERM and SIGHUP stop an apply as Ctrl-C does: after the request in flight, journaled,
logged out; a stop during the final check is reported as a stop."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from rich.console import Console

from f5ecmp.bigip.waits import Waiter
from f5ecmp.client import Client
from f5ecmp.journal import list_runs
from f5ecmp.playbook import load_playbook
from f5ecmp.policies import PollPolicy
from f5ecmp.render_run import EventPrinter, print_result
from f5ecmp.rollout import Rollout
from f5ecmp.session import Settings, open_session
from f5ecmp.simulator import Cluster, Timing
from f5ecmp.simulator.serve import serve, write_endpoints_file
from f5ecmp.steps.base import Context
from tests.conftest import SEED
from tests.rollout.conftest import QUICK_RETRY

T = TypeVar("T")
PB = load_playbook(SEED)
ENV = {"F5_USER": "admin", "F5_PASSWORD": "Sg-distinctive-pw", "NO_COLOR": "1"}


def _lines_until(proc: subprocess.Popen[bytes], marker: str, timeout: float) -> str:
    """stdout read until a line holding ``marker`` has appeared."""
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + timeout
    while marker.encode() not in seen:
        assert time.monotonic() < deadline, seen.decode()
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            assert chunk, f"stdout closed before {marker!r}: {seen.decode()}"
            seen += chunk
    return seen.decode()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_during_apply_is_a_journaled_stop(
    tmp_path: Path, signum: signal.Signals
) -> None:
    cluster = Cluster.from_devices(
        PB.devices,
        credentials=(ENV["F5_USER"], ENV["F5_PASSWORD"]),
        timing=Timing.rehearsal(),
    )
    with serve(cluster, ephemeral_ports=True) as sim:
        eps = write_endpoints_file(sim.endpoints, tmp_path / "eps.yaml")
        state = tmp_path / "state"
        proc = subprocess.Popen(
            [sys.executable, "-m", "f5ecmp", "apply", str(SEED), "--endpoints", str(eps),
             "--state-dir", str(state), "--yes"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **ENV},
        )  # fmt: skip
        try:
            before = _lines_until(proc, "step 4/13 trust", timeout=60)
            proc.send_signal(signum)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        log = sim.request_log()
    output = before + out.decode()
    assert proc.returncode == 1, (output, err.decode())
    assert "Stopped on request: run `f5ecmp apply PLAYBOOK --resume` to continue." in output
    assert " failed on " not in output and "│ failed" not in output  # a stop, not a failure
    assert "Traceback" not in err.decode()
    [run] = list_runs(state, "app1-ecmp")
    end = run.records[-1]
    assert end["type"] == "run-end" and end["ok"] is False and end["interrupted"] is True
    assert "sync" not in {r.get("step") for r in run.records}  # it stopped well before the end
    logouts = [e for e in log if e["method"] == "DELETE" and "/authz/tokens/" in e["path"]]
    assert len(logouts) == 3  # every device's token was deleted on the way out


def test_sigterm_stops_a_simulated_apply_with_a_stop_record(tmp_path: Path) -> None:
    playbook = tmp_path / "site.yaml"
    playbook.write_text(SEED.read_text())
    proc = subprocess.Popen(
        [sys.executable, "-m", "f5ecmp", "apply", str(playbook), "--simulate", "--yes"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **ENV},
    )  # fmt: skip
    try:
        before = _lines_until(proc, "step 2/13 static_selfs", timeout=60)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, (before + out.decode(), err.decode())
    assert "Stopped on request" in out.decode()
    [run] = list_runs(tmp_path / ".f5ecmp", "app1-ecmp")
    assert run.records[-1]["type"] == "run-end" and run.records[-1]["interrupted"] is True


class _StopWhileWaitingForFailback(Waiter):
    """Ctrl-C arrives while the final check waits for auto failback."""

    def until(self, what: str, probe: Callable[[], tuple[bool, T]]) -> T:
        if "auto failback" in what and self.stop is not None:
            self.stop.set()
        return super().until(what, probe)


def test_a_stop_during_the_final_check_is_reported_as_stopped(tmp_path: Path) -> None:
    pb = PB
    # Real failback times: a group that carried traffic and is away from its device is never
    # moved by apply, so the final check must wait for its auto failback.
    settings = Settings(simulate=True, sim_timing=Timing(0, 0, 0, 1.0), retry=QUICK_RETRY)
    with open_session(pb, settings, environ={}) as session:
        first = Context(pb, session.clients, session.credentials,
                        Waiter(PollPolicy(first_s=0.01, max_s=0.05, deadline_s=30)))  # fmt: skip
        assert Rollout(first, tmp_path, "seed.yaml", target=session.target(),
                       sleep=lambda _s: None).run()[0].ok  # fmt: skip
        session.clients["bigip-b.example.net"].request("POST", "/mgmt/tm/sys/failover", body={
            "command": "run", "standby": True, "traffic-group": "traffic-group-2"})  # fmt: skip
        waiter = _StopWhileWaitingForFailback(PollPolicy(first_s=0.01, max_s=0.05, deadline_s=30))
        context = Context(pb, session.clients, session.credentials, waiter)
        stop = threading.Event()
        shown = Console(record=True, width=200)
        rollout = Rollout(context, tmp_path, "seed.yaml", target=session.target(),
                          sleep=lambda _s: None, stop=stop, on_event=EventPrinter(shown))  # fmt: skip
        result, _resumed, journal, _stale = rollout.run()
        clients: dict[str, Client] = dict(session.clients)
        print_result(shown, result, clients)
    assert stop.is_set()
    assert result.interrupted and not result.ok
    assert result.failed is not None and result.failed.step == "sync" and result.failed.stopped
    assert result.verification == []
    text = shown.export_text()
    assert "Stopped on request" in text
    assert "Verification failed" not in text and "failed on" not in text
    assert (
        "sync stopped on bigip-a.example.net: stopped while waiting for each traffic group" in text
    )
    assert "│ 13 sync           │ bigip-a.example.net │ stopped   │" in text
    records = [json.loads(line) for line in journal.path.read_text().splitlines()]
    assert not any(  # the group that carried traffic was waited for, never moved by apply
        c.get("path") == "/mgmt/tm/sys/failover" for r in records for c in r.get("changes") or []
    )
    assert records[-1]["type"] == "run-end" and records[-1]["interrupted"] is True
