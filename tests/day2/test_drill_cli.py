"""``f5ecmp drill`` and ``status``'s router next hops through the command line, on a served
simulator (auto failback in 1/100 of autoFailbackTime: 0.6 s), as an operator runs them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from f5ecmp.cli import app
from f5ecmp.playbook import load_playbook
from f5ecmp.simulator import Cluster, Timing
from f5ecmp.simulator.serve import SimServer, serve, write_endpoints_file
from tests.conftest import ROOT, SEED

CREDENTIALS = {"F5_USER": "ops", "F5_PASSWORD": "drill-s3cret"}
A, B, C = "bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"
QUICK_FAILBACK = Timing(0.0, 0.0, 0.0, 0.01)


@dataclass
class Served:
    sim: SimServer
    endpoints: Path
    state_dir: Path

    def run(self, command: str, *extra: str) -> Result:
        args = [command, str(SEED), "--endpoints", str(self.endpoints)]
        if command in ("apply", "drill", "history"):
            args += ["--state-dir", str(self.state_dir)]
        if command == "history":
            args = [command, str(SEED), "--state-dir", str(self.state_dir)]
        return CliRunner().invoke(app, [*args, *extra], env=CREDENTIALS, catch_exceptions=False)

    def writes(self) -> int:
        return int(self.sim.stats()["total"]["writes"])

    def moves(self) -> list[tuple[str, str, str | None]]:
        return [(m.traffic_group, m.source, m.target) for m in self.sim.cluster.failover.history]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    pb = load_playbook(SEED)
    cluster = Cluster.from_devices(
        pb.devices, credentials=(CREDENTIALS["F5_USER"], CREDENTIALS["F5_PASSWORD"]),
        timing=Timing.instant(),
    )  # fmt: skip
    with serve(cluster, ephemeral_ports=True) as sim:
        eps = write_endpoints_file(sim.endpoints, tmp_path / "eps.yaml")
        yield Served(sim, eps, tmp_path / "state")


@pytest.fixture
def applied(served: Served) -> Served:
    result = served.run("apply", "--yes")
    assert result.exit_code == 0, result.output
    # Applied with instant failback; drilled with one slow enough to see each group move.
    served.sim.cluster.timing = QUICK_FAILBACK
    return served


def test_apply_then_drill_then_the_plan_is_still_empty(applied: Served) -> None:
    before = len(applied.moves())
    result = applied.run("drill", "--yes")
    assert result.exit_code == 0, result.output
    assert "Drill passed" in result.stdout
    assert "│ traffic-group-2 │ bigip-b.example.net │ bigip-c.example.net │" in result.stdout
    assert applied.moves()[before:] == [
        ("traffic-group-1", A, B), ("traffic-group-1", B, A),
        ("traffic-group-2", B, C), ("traffic-group-2", C, B),
        ("traffic-group-3", C, A), ("traffic-group-3", A, C),
    ]  # fmt: skip
    assert applied.run("plan", "--detailed-exitcode").exit_code == 0
    history = applied.run("history")
    assert history.exit_code == 0 and "(drill)" in history.stdout and "ok" in history.stdout


def test_the_json_document(applied: Served) -> None:
    result = applied.run("drill", "--yes", "--json", "--traffic-group", "traffic-group-3")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {
        "format_version", "cluster", "run", "mode", "device", "dry_run", "wait_failback", "ok",
        "healthy_before", "refused", "interrupted", "error", "elapsed_s", "traffic_groups",
        "restores", "restored",
    }  # fmt: skip
    assert document["format_version"] == 1 and document["error"] is None
    assert (document["ok"], document["mode"], document["restores"]) == (True, "traffic-group", [])
    assert document["run"] and document["cluster"] == "app1-ecmp"
    (group,) = document["traffic_groups"]
    assert {k: group[k] for k in ("traffic_group", "from", "expected", "to", "result")} == {
        "traffic_group": "traffic-group-3", "from": C, "expected": A, "to": A, "result": "ok",
    }  # fmt: skip
    assert group["returned_by"] == "auto failback" and group["auto_failback_s"] == 60
    assert isinstance(group["moved_s"], float) and isinstance(group["back_s"], float)
    assert [c["summary"] for c in group["commands"]] == [f"force traffic-group-3 to standby on {C}"]


def test_a_rehearsal_sets_the_simulated_cluster_up_then_drills_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["drill", str(SEED), "--simulate", "--yes", "--no-wait-failback",
         "--traffic-group", "traffic-group-2", "--state-dir", str(tmp_path)],
        env=CREDENTIALS,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "setting the simulated cluster up from the playbook first" in result.stderr
    assert "ok (forced standby)" in result.stdout


def test_a_device_drill_forced_back(applied: Served) -> None:
    result = applied.run("drill", "--yes", "--device", B, "--no-wait-failback")
    assert result.exit_code == 0, result.output
    assert "Failover drill of bigip-b.example.net" in result.stdout
    assert "ok (forced standby)" in result.stdout


def test_a_dry_run_sends_nothing(applied: Served) -> None:
    writes = applied.writes()
    result = applied.run("drill", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"! force traffic-group-1 to standby on {A}" in result.stdout
    assert "nothing was sent" in result.stdout
    assert applied.writes() == writes


def test_without_yes_and_without_a_terminal_it_refuses_at_once(applied: Served) -> None:
    writes = applied.writes()
    result = applied.run("drill")
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "error: not on a terminal, so cannot ask for confirmation: pass --yes"
    )
    assert applied.writes() == writes


def test_an_unhealthy_cluster_is_refused_without_a_write(served: Served) -> None:
    writes = served.writes()
    result = served.run("drill", "--yes")
    assert result.exit_code == 1
    assert "Refused: the cluster is not healthy" in result.stdout
    assert served.writes() == writes


def test_an_unknown_traffic_group_is_one_line(served: Served) -> None:
    result = served.run("drill", "--yes", "--traffic-group", "tg-9")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no traffic group tg-9 in the playbook")


def test_status_shows_each_groups_router_next_hop(applied: Served) -> None:
    text = applied.run("status")
    assert text.exit_code == 0, text.output
    assert "│ traffic-group-2 │ 20.1.1.3        │ bigip-b.example.net │" in text.stdout
    document = json.loads(applied.run("status", "--json").stdout)
    hops = {g["name"]: (g["next_hop"], g["active"]) for g in document["traffic_groups"]}
    assert hops == {
        "traffic-group-1": ("20.1.1.2", [A]),
        "traffic-group-2": ("20.1.1.3", [B]),
        "traffic-group-3": ("20.1.1.4", [C]),
    }


def test_ctrl_c_puts_the_group_back_and_exits_1(applied: Served) -> None:
    """A real SIGINT to a real process, while it waits for a failback a minute away."""
    applied.sim.cluster.timing = Timing(0.0, 0.0, 0.0, 1.0)
    before = len(applied.moves())
    command = [sys.executable, "-m", "f5ecmp", "drill", str(SEED), "--yes", "--endpoints",
               str(applied.endpoints), "--state-dir", str(applied.state_dir)]  # fmt: skip
    env = {**os.environ, **CREDENTIALS, "NO_COLOR": "1"}
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:  # fmt: skip
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "waiting for auto failback" in line:
                break
        time.sleep(0.3)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1, "".join(lines) + out + err
    assert time.monotonic() - started < 20
    assert "traffic-group-1: restored: forced back from bigip-b.example.net" in out
    assert "Drill stopped on request; every traffic group is back on its home device." in out
    assert applied.moves()[before:] == [("traffic-group-1", A, B), ("traffic-group-1", B, A)]


def _readme_example(command: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"```console\n$ {command}\n") + len(f"```console\n$ {command}\n")
    return text[start : text.index("```", start)]


@pytest.mark.parametrize(
    "command",
    [
        "f5ecmp status playbooks/seed-example.yaml --endpoints eps.yaml",
        "f5ecmp drill playbooks/seed-example.yaml --endpoints eps.yaml --dry-run",
    ],
)
def test_the_readme_shows_the_real_output(
    applied: Served, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = [applied.endpoints if a == "eps.yaml" else a for a in command.split()[1:]]
    result = CliRunner().invoke(app, [str(a) for a in args], env=CREDENTIALS)
    assert result.exit_code == 0, result.output
    shown = "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())
    assert shown == _readme_example(command)
