"""Day-2 helpers: variants of the seed playbook (a fourth device, a device gone) and a way to
run ``f5ecmp router-config`` from the repository root, so the paths it prints are stable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from f5ecmp.cli import app
from tests.conftest import ROOT, SEED

SEED_ARG = "playbooks/seed-example.yaml"  # as printed in "changes since ..."

# The guide's table continued: a fourth device with the next free addresses.
DEVICE_D = """\
  - name: bigip-d.example.net
    mgmt: 127.0.1.4
    port: 8443
    static_selfs:   {external: 20.1.1.9/24, internal: 10.1.1.9/24, ha: 10.2.1.9/24}
    floating_selfs: {external: 20.1.1.5/24, internal: 10.1.1.5/24}
    traffic_group: {name: traffic-group-4, mac_masquerade: "02:01:d7:93:35:04"}
"""
_AFTER_DEVICES = '# "Specifying config sync, failover'


def with_device_d(text: str) -> str:
    assert _AFTER_DEVICES in text
    return text.replace(_AFTER_DEVICES, DEVICE_D + _AFTER_DEVICES, 1)


def without_device_b(text: str) -> str:
    start = text.index("  - name: bigip-b.example.net")
    end = text.index("  - name: bigip-c.example.net")
    return text[:start] + text[end:]


Invoke = Callable[..., Result]


@pytest.fixture
def router_config(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``router_config(*args)`` runs ``f5ecmp router-config`` from the repository root."""
    monkeypatch.chdir(ROOT)
    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(app, ["router-config", *(str(a) for a in args)])

    return invoke


@pytest.fixture
def four_devices(tmp_path: Path) -> Path:
    """The seed with bigip-d added (floating external self IP 20.1.1.5)."""
    path = tmp_path / "four.yaml"
    path.write_text(with_device_d(SEED.read_text()))
    return path


@pytest.fixture
def without_b(tmp_path: Path) -> Path:
    """The seed without bigip-b (floating external self IP 20.1.1.3)."""
    path = tmp_path / "without-b.yaml"
    path.write_text(without_device_b(SEED.read_text()))
    return path


@pytest.fixture
def four_without_b(tmp_path: Path) -> Path:
    """The four-device cluster after bigip-b left: 20.1.1.2, 20.1.1.4 and 20.1.1.5."""
    path = tmp_path / "four-without-b.yaml"
    path.write_text(without_device_b(with_device_d(SEED.read_text())))
    return path


def config_lines(output: str, mark: str) -> list[str]:
    """The lines a router takes: everything but the comments."""
    return [line for line in output.splitlines() if line and not line.startswith(mark)]
