"""The guide's whole procedure as an Ansible playbook of F5's modules (guide.yml), run twice
against the seed cluster: the first run builds the cluster, the second changes nothing."""

from __future__ import annotations

import time
from pathlib import Path

from ansible_run import HERE, SEED, run_playbook

from f5ecmp.simulator.serve import SimServer

A, B, C = "bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"


def settle(served: SimServer, seconds: float = 5.0) -> None:
    """Let the cluster's pending events (failover placement, failback) run, within a bound."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with served.cluster.lock:
            served.cluster.tick()
            if served.cluster.timeline.next_due() is None:
                return
        time.sleep(0.1)


def test_the_guide_as_an_ansible_playbook_converges_and_is_idempotent(
    served: SimServer, ansible_env: tuple[Path, dict[str, str]]
) -> None:
    inventory, env = ansible_env
    first = run_playbook(HERE / "guide.yml", inventory, env, extra_vars=[f"@{SEED}"])
    assert first.returncode == 0, first.output
    assert set(first.recap) == {A, B, C}
    assert first.failed() == {A: 0, B: 0, C: 0}
    assert first.changed()[A] > 10

    second = run_playbook(HERE / "guide.yml", inventory, env, extra_vars=[f"@{SEED}"])
    assert second.returncode == 0, second.output
    assert second.changed() == {A: 0, B: 0, C: 0}, second.output

    cluster = served.cluster
    settle(served)
    for name in (A, B, C):
        dev = cluster.device(name)
        assert cluster.sync.report(dev).status == "In Sync", (name, cluster.sync.report(dev))
        assert {v.name for v in dev.store.items("net/vlan")} == {"external", "internal", "HA"}
        floating = [s for s in dev.store.items("net/self") if s.props.get("floating") == "enabled"]
        assert len(floating) == 6
        address = dev.get("ltm/virtual-address", "/Common/30.1.1.10").props
        assert (address["arp"], address["spanning"]) == ("disabled", "enabled")
        assert dev.get("ltm/virtual", "/Common/app_vs").props["mirror"] == "enabled"
    for name, group in ((A, "traffic-group-1"), (B, "traffic-group-2"), (C, "traffic-group-3")):
        assert f"/Common/{group}" in cluster.failover.active_groups(cluster.device(name))
