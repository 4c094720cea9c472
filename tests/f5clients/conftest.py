"""F5's own clients against the simulator: F5's Ansible collection (f5networks.f5_modules, as
shipped in the `ansible` package) and f5-sdk's cluster manager.

These tests need Ansible installed in the interpreter that runs them (`.ci/f5-clients` builds
such a venv). Without it they are skipped, unless `F5ECMP_F5_CLIENTS=1` says that this run is
the job meant to run them: then a missing Ansible fails every test instead.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_run import REQUIRED_ENV, SEED, ansible_playbook, environment, write_inventory
from seed_state import seed_cluster

from f5ecmp.simulator.serve import SimServer, serve

MISSING = (
    "F5's Ansible collection is not installed in this interpreter: these tests run in the "
    "job .ci/f5-clients, which installs it in a venv of its own"
)


def ansible_available() -> bool:
    return (
        ansible_playbook() is not None
        and importlib.util.find_spec("ansible_collections.f5networks.f5_modules") is not None
    )


@pytest.fixture(scope="session")
def ansible_installed() -> None:
    if ansible_available():
        return
    if os.environ.get(REQUIRED_ENV) == "1":
        pytest.fail(f"{REQUIRED_ENV}=1 but {MISSING}")
    pytest.skip(MISSING)


@pytest.fixture(scope="session")
def seed() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SEED.read_text())
    return loaded


@pytest.fixture
def served(ansible_installed: None, seed: dict[str, Any]) -> Iterator[SimServer]:
    """The seed cluster on free loopback ports (another run may hold the seed's own ports)."""
    with serve(seed_cluster(seed), ephemeral_ports=True) as server:
        yield server


@pytest.fixture
def ansible_env(served: SimServer, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """(inventory, environment) for `ansible-playbook` against `served`."""
    return write_inventory(served, tmp_path / "inventory.yml"), environment(served, tmp_path)
