"""Prompts go to stderr (or the terminal), never to stdout; apply asks for 'yes' exactly."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from f5ecmp import credentials, prompt
from f5ecmp.cli import app
from f5ecmp.playbook import load_playbook
from f5ecmp.simulator import Cluster, Timing
from f5ecmp.simulator.serve import SimServer, serve, write_endpoints_file
from tests.conftest import SEED

PB = load_playbook(SEED)
USER, PASSWORD = "ops", "Pr0mpt-distinctive-pw"
ENV = {"F5_USER": USER, "F5_PASSWORD": PASSWORD}


@dataclass
class Served:
    sim: SimServer
    endpoints: Path
    state_dir: Path

    def apply(self, *extra: str, answer: str | None = None) -> Result:
        args = ["apply", str(SEED), "--endpoints", str(self.endpoints)]
        args += ["--state-dir", str(self.state_dir), *extra]
        return CliRunner().invoke(app, args, env=ENV, input=answer, catch_exceptions=False)

    def writes(self) -> int:
        return int(self.sim.stats()["total"]["writes"])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    cluster = Cluster.from_devices(
        PB.devices, credentials=(USER, PASSWORD), timing=Timing.instant()
    )
    with serve(cluster, ephemeral_ports=True) as sim:
        eps = write_endpoints_file(sim.endpoints, tmp_path / "eps.yaml")
        yield Served(sim, eps, tmp_path / "state")


@pytest.fixture
def on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("f5ecmp.cli_run.interactive", lambda: True)


# -- credentials ----------------------------------------------------------------------------


def test_the_user_name_prompt_goes_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("ops\n"))
    asked: list[str] = []

    def secret(text: str) -> str:
        asked.append(text)
        return "pw"

    found = credentials.resolve(PB, environ={}, prompt=secret, interactive=True)
    assert set(found.values()) == {("ops", "pw")}
    out, err = capsys.readouterr()
    assert out == ""
    assert "User name for bigip-a.example.net (F5_USER): " in err
    assert asked == ["Password for bigip-a.example.net (F5_PASSWORD): "]


def test_the_password_is_asked_with_getpass(monkeypatch: pytest.MonkeyPatch) -> None:
    """getpass writes its prompt to the terminal, else stderr, and turns echo off."""
    seen: list[str] = []

    def getpass(text: str) -> str:
        seen.append(text)
        return "pw"

    monkeypatch.setattr("getpass.getpass", getpass)
    assert prompt.ask_secret("Password: ") == "pw" and seen == ["Password: "]


def test_the_apply_question_goes_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))
    assert prompt.confirm_apply() is True
    out, err = capsys.readouterr()
    assert out == ""
    assert "Only 'yes' will be accepted to approve." in err


@pytest.mark.parametrize("answer", ["yes\n", " yes \n"])
def test_only_yes_approves(monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    assert prompt.confirm_apply() is True


@pytest.mark.parametrize("answer", ["y\n", "Yes\n", "YES\n", "yes please\n", "\n", ""])
def test_anything_else_declines(monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    assert prompt.confirm_apply() is False


# -- apply's confirmation, through the command ----------------------------------------------


@pytest.mark.usefixtures("on_a_terminal")
@pytest.mark.parametrize("answer", ["no\n", "y\n", ""])
def test_declining_cancels_the_apply_before_any_write(served: Served, answer: str) -> None:
    result = served.apply(answer=answer)
    assert result.exit_code == 1
    assert "+ create VLAN external" in result.stdout  # the plan was shown
    assert "Only 'yes' will be accepted" in result.stderr
    assert "Only 'yes'" not in result.stdout and "Enter a value" not in result.stdout
    assert result.stderr.rstrip().endswith("Apply cancelled.")
    assert served.writes() == 0
    assert not list(served.state_dir.glob("*/runs/*.jsonl"))  # nothing was started


@pytest.mark.usefixtures("on_a_terminal")
def test_yes_applies_and_a_second_apply_has_nothing_to_ask(served: Served) -> None:
    applied = served.apply(answer="yes\n")
    assert applied.exit_code == 0, applied.output
    assert "Verified:" in applied.stdout
    writes = served.writes()
    again = served.apply(answer="")
    assert again.exit_code == 0, again.output
    assert "No changes: the cluster matches the playbook" in again.stdout
    assert "Enter a value" not in again.stderr  # not asked
    assert served.writes() == writes


def test_with_yes_and_nothing_to_change_the_run_says_so(served: Served) -> None:
    assert served.apply("--yes").exit_code == 0
    again = served.apply("--yes")
    assert again.exit_code == 0, again.output
    assert "No changes: the cluster matched the playbook; nothing was written." in again.stdout


# -- the real streams, with a terminal as stdin ----------------------------------------------


def _run_on_a_terminal(args: list[str], env: dict[str, str], answers: list[tuple[str, str]]) -> tuple[int, str, str]:  # fmt: skip
    """Run ``python -m f5ecmp ARGS`` with a pseudo-terminal as stdin and stdout, stderr as
    pipes; type each answer once its prompt has appeared on stderr."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "f5ecmp", *args], stdin=slave, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={**os.environ, **env}, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    assert proc.stderr is not None and proc.stdout is not None
    err = b""
    deadline = time.monotonic() + 60
    try:
        for expected, answer in answers:
            while expected.encode() not in err:
                assert time.monotonic() < deadline, err.decode()
                ready, _, _ = select.select([proc.stderr], [], [], 1)
                if ready:
                    chunk = os.read(proc.stderr.fileno(), 4096)
                    assert chunk, f"stderr closed before {expected!r}: {err.decode()}"
                    err += chunk
            time.sleep(0.2)  # let the prompt's reader (and getpass's echo-off) be in place
            os.write(master, answer.encode())
        out, rest = proc.communicate(timeout=60)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out.decode(), (err + rest).decode()


def test_plan_to_a_file_holds_no_prompt(served: Served, tmp_path: Path) -> None:
    env = {"F5_USER": "", "F5_PASSWORD": "", "NO_COLOR": "1"}
    code, out, err = _run_on_a_terminal(
        ["plan", str(SEED), "--endpoints", str(served.endpoints)],
        env,
        [("User name for", f"{USER}\n"), ("Password for", f"{PASSWORD}\n")],
    )
    assert code == 0, err
    assert "Plan for cluster app1-ecmp" in out
    for text in ("User name for", "Password for", USER, PASSWORD):
        assert text not in out
    assert PASSWORD not in err  # the password is not echoed
    assert "User name for bigip-a.example.net (F5_USER): " in err


def test_apply_asks_on_stderr_and_applies_on_yes(tmp_path: Path) -> None:
    playbook = tmp_path / "site.yaml"
    playbook.write_text(SEED.read_text())
    code, out, err = _run_on_a_terminal(
        ["apply", str(playbook), "--simulate"], {"NO_COLOR": "1"}, [("Enter a value:", "yes\n")]
    )
    assert code == 0, err
    assert "+ create VLAN external" in out and "Verified:" in out
    assert "Enter a value" not in out and "Only 'yes'" not in out
    assert "Only 'yes' will be accepted to approve." in err
