"""F5's reading and operating modules on a configured cluster: bigip_device_info with every
subset, bigip_wait, and bigip_command running tmsh through util/bash."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from ansible_run import HERE, SEED, run_playbook
from seed_state import build_ecmp

from f5ecmp.simulator.serve import SimServer

A = "bigip-a.example.net"


@pytest.fixture
def configured(served: SimServer, seed: dict[str, Any]) -> SimServer:
    build_ecmp(served.cluster, seed)
    return served


def run(playbook: str, ansible_env: tuple[Path, dict[str, str]], tmp_path: Path) -> dict[str, Any]:
    inventory, env = ansible_env
    out = tmp_path / "out.json"
    done = run_playbook(
        HERE / playbook,
        inventory,
        env,
        extra_vars=[f"@{SEED}", f"target={A}", f"out={out}"],
        timeout=180,
    )
    assert done.returncode == 0, done.output
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def test_device_info_gathers_every_subset(
    configured: SimServer, ansible_env: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    info = run("info.yml", ansible_env, tmp_path)
    pools = info["ltm_pools"]
    assert [p["name"] for p in pools] == ["app_pool"]
    assert pools[0]["members"] and "active_member_count" in pools[0]
    virtuals = info["virtual_servers"]
    assert [v["name"] for v in virtuals] == ["app_vs"]
    assert virtuals[0]["connection_mirror_enabled"] == "yes"
    assert virtuals[0]["snat_type"] == "automap" and virtuals[0]["total_requests"] == 0
    nodes = info["nodes"]
    assert sorted(n["name"] for n in nodes) == ["10.1.1.100", "10.1.1.101"]
    assert all(n["availability_status"] == "unknown" for n in nodes)
    vlans = info["vlans"]
    assert sorted(v["name"] for v in vlans) == ["HA", "external", "internal"]
    assert all(isinstance(v["if_index"], int) and v["true_mac_address"] for v in vlans)
    assert len(info["devices"]) == 3 and len(info["self_ips"]) == 9
    assert info["sync_status"][0]["status"] == "In Sync"
    assert sorted(t["name"] for t in info["traffic_groups"]) == [
        "traffic-group-1",
        "traffic-group-2",
        "traffic-group-3",
        "traffic-group-local-only",
    ]


def test_wait_returns_promptly_and_commands_run(
    configured: SimServer, ansible_env: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    started = time.monotonic()
    result = run("commands.yml", ansible_env, tmp_path)
    assert time.monotonic() - started < 60
    assert result["waited"]["elapsed"] < 5
    stdout = result["ran"]["stdout"]
    assert "CM::Sync Status" in stdout[0] and "In Sync" in stdout[0]
    assert any(line.startswith("Saving running configuration") for line in stdout)
    assert not configured.cluster.device(A).has_unsaved_changes
