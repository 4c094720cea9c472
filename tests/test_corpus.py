"""Every playbook of the corpus through the CLI: invalid ones fail with their message and line.

Each file under ``playbooks/invalid`` holds one fault and says what to expect in its first line:
``# expect: line=<L> <message fragment>``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from f5ecmp.cli import app

CORPUS = Path(__file__).parent / "playbooks"
INVALID = sorted((CORPUS / "invalid").glob("*.yaml"))
VALID = sorted((CORPUS / "valid").glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: line=(\d+) (?:errors=(\d+) )?(.+)$")

runner = CliRunner()


def _expectation(path: Path) -> tuple[int, int, str]:
    """(line, number of errors, message fragment) from ``# expect: line=L [errors=N] text``."""
    first = path.read_bytes().split(b"\n", 1)[0].decode()
    match = _EXPECT.match(first)
    assert match, f"{path.name}: first line must be '# expect: line=<L> [errors=<N>] <fragment>'"
    return int(match.group(1)), int(match.group(2) or 1), match.group(3).strip()


def test_the_corpus_is_large_enough() -> None:
    assert len(INVALID) >= 40
    assert len(VALID) >= 4


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_playbook_is_rejected_with_its_message_and_line(path: Path) -> None:
    line, count, fragment = _expectation(path)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    where = f"{path}:{line}: " if line else f"{path}: "
    matching = [
        text for text in result.stderr.splitlines() if text.startswith(where) and fragment in text
    ]
    assert matching, f"expected a line starting {where!r} containing {fragment!r}:\n{result.stderr}"
    found = [text for text in result.stderr.splitlines() if ": error: " in text]
    assert len(found) == count, f"expected {count} error(s), got:\n{result.stderr}"


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_variant_passes(path: Path) -> None:
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "is valid" in result.stdout
