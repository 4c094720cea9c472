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


def active_groups(served: Served, device: str) -> list[str]:
    stats = get(served, device, "/mgmt/tm/cm/traffic-group/stats") or {}
    found = []
    for entry in stats.get("entries", {}).values():
        fields = entry["nestedStats"]["entries"]
        if fields["failoverState"]["description"] == "active" and fields["deviceName"][
            "description"
        ].endswith(device):
            found.append(fields["trafficGroup"]["description"])
    return found


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
    assert summaries[2].startswith(f"take {C} offline: its traffic groups go to the next device")
    assert f"remove {C} from device group dg-ecmp" in summaries
    assert f"remove {C} from the trust domain of {A}" in summaries
    assert f"remove {C} from the trust domain of {B}" in summaries
    assert f"reset the trust domain of {C}: it stands alone (and stays offline)" in summaries
    # the first device removes it from its trust last, so a stopped run still finds it
    assert (
        summaries.index(f"remove {C} from the trust domain of {A}")
        == summaries.index(f"remove {C} from the trust domain of {B}") + 1
    )
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
    # alone, it still holds the cluster's addresses: offline, it serves none of them
    assert not active_groups(cluster, C)
    assert "OFFLINE" in str(get(cluster, C, "/mgmt/tm/cm/failover-status"))
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


def test_a_leaving_device_that_runs_a_group_but_cannot_be_reached_stops_the_removal(
    cluster: Served, tmp_path: Path
) -> None:
    """Alive (it runs traffic-group-3) but not reachable by f5ecmp — here, missing from the
    endpoints file, its management address answering nothing: removing it would leave two
    devices serving one address."""
    two = without(C, tmp_path / "two.yaml")
    eps = tmp_path / "eps-without-c.yaml"
    eps.write_text(cluster.endpoints.read_text().replace(
        f"  {C}: {cluster.sim.devices[C]}\n", ""))  # fmt: skip
    assert C not in eps.read_text()
    before = cluster.writes()
    planned = cluster.cli("plan", str(two), "--endpoints", str(eps), "--connect-timeout", "1")
    assert planned.exit_code == 1
    assert f"{C}, which the playbook drops, still runs traffic-group-3" in planned.output
    assert cluster.writes() == before


def test_a_removal_stopped_after_the_device_left_the_group_is_finished_by_a_resume(
    cluster: Served, tmp_path: Path
) -> None:
    """Stopped before the sync that follows the removal from the device group: the first
    device still trusts bigip-c, which is in no group any more — the journal's hint makes
    the resume look at it again, on the devices."""
    import threading

    from f5ecmp.playbook import load_playbook
    from f5ecmp.rollout import Rollout
    from f5ecmp.runner import ChangeSent, Event
    from f5ecmp.session import Settings, open_session
    from tests.rollout.test_contract import fast_waiter

    two = without(C, tmp_path / "two.yaml")
    pb = load_playbook(two)
    stop = threading.Event()

    def ctrl_c(event: Event) -> None:
        if isinstance(event, ChangeSent) and event.summary.startswith(
            f"remove {C} from device group"
        ):
            stop.set()

    with open_session(
        pb, Settings(endpoints_file=cluster.endpoints), environ=CREDENTIALS
    ) as session:
        rollout = Rollout(
            session.context(waiter=fast_waiter()), cluster.state_dir, str(two),
            target=session.target(), on_event=ctrl_c, stop=stop,
        )  # fmt: skip
        stopped = rollout.run()[0]
    assert stopped.interrupted
    assert C in names(get(cluster, A, "/mgmt/tm/cm/device"))  # still trusted, out of the group
    resumed = run(cluster, "apply", two, "--yes", "--resume")
    assert resumed.exit_code == 0, resumed.output
    for device in (A, B):
        assert names(get(cluster, device, "/mgmt/tm/cm/device")) == {A, B}
    assert names(get(cluster, C, "/mgmt/tm/cm/device")) == {C}
    assert run(cluster, "plan", two, "--detailed-exitcode").exit_code == 0


def test_a_trusted_device_outside_the_cluster_is_never_touched(tmp_path: Path) -> None:
    """bigip-d trusts the first device but was never in the playbook's device group."""
    from tests.day2.conftest import with_device_d
    from tests.rollout.test_contract import _serve_playbook

    four = tmp_path / "four.yaml"
    four.write_text(with_device_d(SEED.read_text()))
    for served in _serve_playbook(tmp_path, "four", four):
        assert run(served, "apply", SEED, "--yes").exit_code == 0
        d = "bigip-d.example.net"
        body = {"command": "run", "name": "Root", "caDevice": True, "device": "127.0.1.4",
                "deviceName": d, **dict(zip(("username", "password"), CREDENTIALS.values(), strict=True))}  # fmt: skip
        response = requests.post(
            served.sim.devices[A] + "/mgmt/tm/cm/add-to-trust", json=body,
            auth=(CREDENTIALS["F5_USER"], CREDENTIALS["F5_PASSWORD"]),
            verify=str(served.sim.ca_bundle), timeout=10,
        )  # fmt: skip
        assert response.ok, response.text
        served.sim.cluster.settle(5)
        assert d in names(get(served, A, "/mgmt/tm/cm/device"))
        planned = json.loads(run(served, "plan", SEED, "--json").stdout)
        decommission = [s for s in planned["steps"] if s["step"] == "decommission"]
        assert [c for s in decommission for c in s["changes"]] == []
