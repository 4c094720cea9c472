"""Exit codes for scripts and pipelines: 0, 1, 2 only for pending changes, 64 for usage."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from f5ecmp.cli import app
from tests.conftest import SEED

runner = CliRunner()
PB = str(SEED)


@pytest.mark.parametrize(
    "args",
    [
        ["plann", PB],  # a mistyped command
        ["plan"],  # a missing argument
        ["plan", PB, "--simulte"],  # a mistyped flag
        ["plan", PB, "--attempts", "0"],  # a value out of range
        ["plan", PB, "--attempts", "many"],  # a value of the wrong type
        ["apply", PB, "--parallel", "0"],
        ["apply", PB, "--step-retries", "11"],
        ["apply", PB, "--state-dir", ""],
        ["status", PB, "--log-file", ""],
        ["status", PB, "--endpoints", ""],
        ["plan", PB, "--ca-bundle", ""],
        ["plan", PB, "--simulate", "--endpoints", "eps.yaml"],  # options that exclude each other
        ["history"],
        ["validate"],
        ["router-config", PB, "--platform", "cisco"],
        ["router-config", PB, "--bogus"],
        ["sim", "serve", "--timing", "fast"],
        ["sim", "serve", "--devices", "0"],
        ["sim", "bogus"],
        ["--bogus"],
    ],
)
def test_a_usage_error_exits_64_with_one_line(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 64, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "--help'" in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("option", ["--connect-timeout", "--read-timeout"])
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "0", "-1", "soon"])
@pytest.mark.parametrize("command", ["plan", "apply", "status"])
def test_a_timeout_must_be_a_finite_number_of_seconds(
    command: str, option: str, value: str
) -> None:
    result = runner.invoke(app, [command, PB, "--simulate", option, value])
    assert result.exit_code == 64
    [line] = result.stderr.splitlines()
    assert f"Invalid value for '{option}'" in line and value in line


def test_no_arguments_shows_the_help_and_exits_64() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 64
    assert "Usage" in result.output


def test_the_exit_codes_are_in_the_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Exit codes:" in text
    for line in (
        "0 success; nothing to change",
        "1 failure:",
        "2 changes pending (plan and apply --dry-run with --detailed-exitcode only)",
        "64 usage error:",
    ):
        assert line in text


def test_the_exit_codes_table_of_the_readme_matches_the_help() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 64 |"):
        assert code in readme


def test_shell_completion_is_offered_and_prints_nothing_at_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Typer detects the shell from the process tree unless told not to (as its own tests do):
    # under a test runner that detection depends on what started it.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
    shown = runner.invoke(app, ["--show-completion", "bash"])
    assert shown.exit_code == 0 and "f5ecmp" in shown.stdout
    proc = subprocess.run(
        [sys.executable, "-c", "import f5ecmp.cli"], capture_output=True, text=True, check=True
    )
    assert proc.stdout == "" and proc.stderr == ""


def test_a_usage_error_through_the_real_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "f5ecmp", "plan", PB, "--conect-timeout", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 64
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "error: No such option: --conect-timeout (Possible options: --connect-timeout, "
        "--read-timeout) (see 'f5ecmp plan --help')"
    ]
