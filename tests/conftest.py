"""Shared test helpers: the seed playbook, and a way to write variants of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "playbooks" / "seed-example.yaml"


@pytest.fixture(autouse=True)
def _plain_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output is compared as text: no colours, whatever the environment asks for."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text()


@pytest.fixture
def write_playbook(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text to a fresh file and return its path."""
    counter = iter(range(1_000_000))

    def write(text: str) -> Path:
        path = tmp_path / f"playbook-{next(counter)}.yaml"
        path.write_text(text)
        return path

    return write
