"""Step 12's final check and its re-runs, against scripted devices (no simulator, no waits)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from f5ecmp.bigip.changes import Change
from f5ecmp.bigip.waits import Waiter
from f5ecmp.playbook import load_playbook
from f5ecmp.policies import PollPolicy
from f5ecmp.steps import sync
from f5ecmp.steps.base import Context
from tests.conftest import SEED
from tests.steps.test_cases import CaseDevice, _sync_answer, _tg_stats

PB = load_playbook(SEED)
NAMES = [d.name for d in PB.devices]
HOME = {f"traffic-group-{i + 1}": name for i, name in enumerate(NAMES)}


def _failover(status: str) -> dict[str, Any]:
    url = "https://localhost/mgmt/tm/cm/failover-status/0"
    return {"entries": {url: {"nestedStats": {"entries": {"status": {"description": status}}}}}}


class Cluster:
    """Every traffic group starts on bigip-a and goes home after ``polls`` reads of the
    traffic-group stats (auto failback); a device without a group reports STANDBY."""

    def __init__(self, polls: int) -> None:
        self.polls, self.reads = polls, 0

    @property
    def placement(self) -> dict[str, str]:
        return HOME if self.reads >= self.polls else dict.fromkeys(HOME, NAMES[0])

    def device(self, name: str) -> CaseDevice:
        cluster = self
        selfs = [
            {"name": d.floating_self_name(role), "address": str(d.floating_selfs.by_role()[role].address),
             "vlan": f"/Common/{PB.vlans.by_role()[role].name}", "trafficGroup": f"/Common/{d.traffic_group.name}"}
            for d in PB.devices for role in ("external", "internal")
        ]  # fmt: skip

        class Device(CaseDevice):
            def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
                if path == "/mgmt/tm/cm/traffic-group/stats":
                    cluster.reads += 1
                    return _tg_stats(cluster.placement)
                if path == "/mgmt/tm/cm/failover-status":
                    holds = name in cluster.placement.values()
                    return _failover("ACTIVE" if holds else "STANDBY")
                return super().get(path, params)

        return Device(name, {
            "/mgmt/tm/cm/sync-status": _sync_answer("In Sync"),
            "/mgmt/tm/sys/version": {"entries": {}},
            "/mgmt/tm/net/self": {"items": selfs},
            "/mgmt/tm/ltm/virtual-address/~Common~30.1.1.10": {"name": "30.1.1.10", "spanning": "enabled", "arp": "disabled"},
        })  # fmt: skip


def context(cluster: Cluster) -> Context:
    waiter = Waiter(PollPolicy(first_s=1, max_s=1, deadline_s=30), clock=iter(range(1000)).__next__, sleep=lambda _s: None)  # fmt: skip
    return Context(PB, {n: cluster.device(n) for n in NAMES}, waiter=waiter)


def test_the_final_check_waits_for_failback_though_devices_report_standby_meanwhile() -> None:
    cluster = Cluster(polls=4)
    assert sync.converged(context(cluster), PB.authority) == []
    assert cluster.reads >= 4


def test_the_final_check_gives_up_at_the_deadline_naming_what_is_wrong() -> None:
    problems = sync.converged(context(Cluster(polls=10_000)), PB.authority)
    assert (
        "traffic-group-2 is active on bigip-a.example.net, expected bigip-b.example.net" in problems
    )
    assert "bigip-b.example.net: failover status STANDBY" in problems


def test_a_rerun_does_not_sync_or_save_again_for_what_it_already_did() -> None:
    ctx = context(Cluster(polls=0))
    ctx.synced_changed = True
    first = sync.STEP.plan(ctx, PB.authority)
    assert [c.path for c in first] == ["/mgmt/tm/cm"] + ["/mgmt/tm/sys/config"] * 3
    ctx.sent[("sync", PB.authority.name)] = list[Change](first)
    assert sync.STEP.plan(ctx, PB.authority) == []
