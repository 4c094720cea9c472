"""Removing a device: drop it from the playbook and apply. Proven on a served simulator,
reading the devices and the simulator's failover history directly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import SEED
from tests.rollout.test_contract import CREDENTIALS, Served, _serve

A, B, C = "bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Served]:
    """The seed's three devices, served, with the seed applied."""
    for served in _serve(tmp_path, "three"):
        applied = served.run("apply", "--yes")
        assert applied.exit_code == 0, applied.output
        yield served


def without(name: str, path: Path) -> Path:
    """The seed playbook without one device's entry."""
    text = SEED.read_text()
    start = text.index(f"  - name: {name}")
    end = text.index("\n", text.index("traffic_group: {name:", start)) + 1
    path.write_text(text[:start] + text[end:])
    return path


def get(served: Served, device: str, path: str) -> Any:
    response = requests.get(
        served.sim.devices[device] + path,
        auth=(CREDENTIALS["F5_USER"], CREDENTIALS["F5_PASSWORD"]),
        verify=str(served.sim.ca_bundle),
        timeout=10,
    )
    return response.json() if response.ok else None


def names(answer: Any) -> set[str]:
    return {str(i["name"]) for i in (answer or {}).get("items", [])}


def run(served: Served, command: str, playbook: Path, *extra: str) -> Any:
    args = [command, str(playbook), "--endpoints", str(served.endpoints)]
    if command == "apply":
        args += ["--state-dir", str(served.state_dir)]
    return served.cli(*args, *extra)


def test_dropping_a_device_leaves_a_healthy_cluster_and_never_moves_the_others(
    cluster: Served, tmp_path: Path
) -> None:
    two = without(C, tmp_path / "two.yaml")
    history = cluster.sim.cluster.failover.history
    moves_before = len(history)
    planned = run(cluster, "plan", two, "--json")
    assert planned.exit_code == 0, planned.output
    document = json.loads(planned.stdout)
    summaries = [c["summary"] for s in document["steps"] for c in s["changes"]]
    assert summaries[0].startswith("modify traffic group traffic-group-1: haOrder")
    assert any(s.startswith(f"move traffic-group-3 off {C}") for s in summaries)
    assert f"remove {C} from device group dg-ecmp" in summaries
    assert f"remove {C} from the trust domain of {A}" in summaries
    assert f"remove {C} from the trust domain of {B}" in summaries
    assert f"reset the trust domain of {C}: it stands alone" in summaries
    # the router's half: remove bigip-c's next hop (before apply: drain it first)
    assert document["router"]["removed"] == [
        {
            "address": "20.1.1.4",
            "device": "a device the playbook drops",
            "traffic_group": "traffic-group-3",
        }
    ]
    assert document["router"]["remove"] == ["no ip route 30.1.1.10/32 20.1.1.4"]
    assert document["router"]["add"] == []
    text = run(cluster, "plan", two).stdout
    assert (
        "Before apply, remove from the router (drain the leaving devices first):\n  no ip route 30.1.1.10/32 20.1.1.4"
        in text
    )
    before = cluster.writes()

    applied = run(cluster, "apply", two, "--yes")

    assert applied.exit_code == 0, applied.output
    assert cluster.writes() - before == document["requests"]  # the plan is what was sent
    moved = {(m[1], m[2], m[3]) for m in history[moves_before:]}
    assert {group for group, _, _ in moved} == {"traffic-group-3"}, moved  # the others stayed
    assert run(cluster, "status", two).exit_code == 0
    for device in (A, B):
        group = get(
            cluster, device, "/mgmt/tm/cm/device-group/~Common~dg-ecmp?expandSubcollections=true"
        )
        assert {m["name"] for m in group["devicesReference"]["items"]} == {A, B}
        assert names(get(cluster, device, "/mgmt/tm/cm/device")) == {A, B}
        assert "traffic-group-3" not in names(get(cluster, device, "/mgmt/tm/cm/traffic-group"))
        selfs = names(get(cluster, device, "/mgmt/tm/net/self"))
        assert not {s for s in selfs if s.endswith("bigip-c")} - {"ext_static_self_bigip-c"}
        assert not any(s.startswith("float_") and s.endswith("bigip-c") for s in selfs)
    assert names(get(cluster, C, "/mgmt/tm/cm/device")) == {C}  # standalone
    assert get(cluster, C, "/mgmt/tm/cm/device-group/~Common~dg-ecmp") is None
    assert run(cluster, "plan", two, "--detailed-exitcode").exit_code == 0


def test_a_dead_unit_is_removed_from_the_remaining_devices_alone(
    cluster: Served, tmp_path: Path
) -> None:
    two = without(C, tmp_path / "two.yaml")
    cluster.sim.set_down(C, True)
    history = cluster.sim.cluster.failover.history
    moves_before = len(history)
    applied = run(cluster, "apply", two, "--yes", "--connect-timeout", "1")
    assert applied.exit_code == 0, applied.output
    # its group failed over when it died; nothing else moved
    assert {m[1] for m in history[moves_before:]} <= {"traffic-group-3"}
    assert run(cluster, "status", two).exit_code == 0
    for device in (A, B):
        assert names(get(cluster, device, "/mgmt/tm/cm/device")) == {A, B}
    assert run(cluster, "plan", two, "--detailed-exitcode").exit_code == 0


def test_removing_the_device_that_runs_traffic_group_1_is_refused_before_any_write(
    cluster: Served, tmp_path: Path
) -> None:
    text = SEED.read_text()
    start, end = text.index(f"  - name: {A}"), text.index(f"  - name: {B}")
    no_a = text[:start] + text[end:]
    no_a = no_a.replace(
        "traffic_group: {name: traffic-group-2,", "traffic_group: {name: traffic-group-1,"
    )
    path = tmp_path / "no-a.yaml"
    path.write_text(no_a)
    before = cluster.writes()
    planned = run(cluster, "plan", path)
    assert planned.exit_code == 1
    assert f"{A}, which the playbook drops, runs traffic-group-1" in planned.output
    assert "two applies" in planned.output
    applied = run(cluster, "apply", path, "--yes")
    assert applied.exit_code == 1 and "two applies" in applied.output
    assert cluster.writes() == before


def test_the_router_lines_follow_the_playbooks_platform(cluster: Served, tmp_path: Path) -> None:
    two = without(C, tmp_path / "two.yaml")
    two.write_text(two.read_text() + "router: {platform: junos}\n")
    document = json.loads(run(cluster, "plan", two, "--json").stdout)
    assert document["router"]["platform"] == "junos"
    assert document["router"]["remove"] == [
        "delete routing-options static route 30.1.1.10/32 next-hop 20.1.1.4"
    ]
