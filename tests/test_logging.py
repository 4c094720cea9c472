"""``-v`` prints every request to stderr; ``--log-file`` records them with bodies, retries and
waits; no password or token reaches either."""

from __future__ import annotations

import logging
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from f5ecmp.cli import app
from f5ecmp.playbook import load_playbook
from f5ecmp.simulator import Cluster, Timing
from f5ecmp.simulator.serve import serve, write_endpoints_file
from tests.conftest import SEED

SECRET = "Lg7-distinctive-Pa55word"
ENV = {"F5_USER": "admin", "F5_PASSWORD": SECRET}
REQUEST = re.compile(
    r"^f5ecmp\.client: (?P<device>bigip-[abc]\.example\.net) (?P<method>GET|POST|PATCH|PUT|DELETE) "
    r"(?P<path>/mgmt/\S+) -> (?P<status>\d{3}|[a-z ]+) in \d+ ms \(retry (?P<retry>\d+)\)$"
)
runner = CliRunner()


@pytest.fixture
def playbook(tmp_path: Path) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(SEED.read_text())
    return path


def test_verbose_prints_each_request_to_stderr(playbook: Path) -> None:
    quiet = runner.invoke(app, ["plan", str(playbook), "--simulate"], env=ENV)
    result = runner.invoke(app, ["plan", str(playbook), "--simulate", "-v"], env=ENV)
    assert result.exit_code == 0, result.output
    assert result.stdout == quiet.stdout  # the plan itself is unchanged
    requests = [m for m in map(REQUEST.match, result.stderr.splitlines()) if m]
    assert {m["device"] for m in requests} == {
        "bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net",
    }  # fmt: skip
    logins = [m for m in requests if m["path"] == "/mgmt/shared/authn/login"]
    assert len(logins) == 3 and all(m["status"] == "200" for m in logins)
    assert any(m["method"] == "GET" and m["path"].startswith("/mgmt/tm/net/vlan") for m in requests)
    logouts = [m for m in requests if m["method"] == "DELETE"]
    assert logouts and all(m["path"] == "/mgmt/shared/authz/tokens/********" for m in logouts)
    assert SECRET not in result.stderr
    assert "body:" not in result.stderr  # bodies only in the log file


def test_without_verbose_nothing_is_logged(playbook: Path) -> None:
    result = runner.invoke(app, ["plan", str(playbook), "--simulate"], env=ENV)
    assert "f5ecmp.client" not in result.stderr
    assert not logging.getLogger("f5ecmp").handlers


def test_the_log_file_has_bodies_retries_and_waits_and_no_secret(
    playbook: Path, tmp_path: Path
) -> None:
    log = tmp_path / "apply.log"
    result = runner.invoke(
        app,
        ["apply", str(playbook), "--simulate", "--yes", "-v", "--log-file", str(log)],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    text = log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    for output in (result.stdout, result.stderr, text):
        assert SECRET not in output
    assert re.search(r"DEBUG +f5ecmp\.client .* POST /mgmt/tm/cm/add-to-trust body: .*"
                     r'"password": "\*\*\*\*\*\*\*\*"', text)  # fmt: skip
    assert re.search(r'/mgmt/shared/authn/login body: .*"password": "\*{8}"', text)
    assert re.search(r"INFO +f5ecmp\.client \[.*\] bigip-a\.example\.net GET /mgmt/tm/", text)
    assert "f5ecmp.bigip.waits" in text and "waiting " in text
    assert "StepDone(step='sync'" in text  # the runner's events
    tokens = re.findall(r"/mgmt/shared/authz/tokens/(\S+)", text)
    assert tokens and set(tokens) == {"********"}
    assert not logging.getLogger("f5ecmp").handlers  # removed when the command ended


def test_retries_are_logged_with_their_number(tmp_path: Path) -> None:
    pb = load_playbook(SEED)
    cluster = Cluster.from_devices(
        pb.devices, credentials=("admin", SECRET), timing=Timing.instant()
    )
    with serve(cluster, ephemeral_ports=True) as sim:
        eps = write_endpoints_file(sim.endpoints, tmp_path / "eps.yaml")
        sim.faults("*", error_rate=0.3, seed=3)
        log = tmp_path / "plan.log"
        result = runner.invoke(
            app,
            ["status", str(SEED), "--endpoints", str(eps), "-v", "--log-file", str(log)],
            env=ENV,
        )
    text = log.read_text()
    assert re.search(r"-> 503 in \d+ ms \(retry 0\)", result.stderr)
    assert re.search(r"\(retry [1-9]\)", result.stderr)
    assert re.search(r": retry 1 in \d+\.\d\d s after: ", text)
    assert SECRET not in text and SECRET not in result.stderr


def test_the_log_file_is_appended_to(playbook: Path, tmp_path: Path) -> None:
    log = tmp_path / "plan.log"
    for _ in range(2):
        args = ["plan", str(playbook), "--simulate", "--log-file", str(log)]
        assert runner.invoke(app, args, env=ENV).exit_code == 0
    assert log.read_text().count("/mgmt/shared/authn/login -> 200") == 6


def test_a_log_file_that_cannot_be_written_is_one_line(playbook: Path, tmp_path: Path) -> None:
    log = tmp_path / "missing-dir" / "plan.log"
    result = runner.invoke(app, ["plan", str(playbook), "--simulate", "--log-file", str(log)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: cannot write the log file {log}: No such file or directory"
    ]
