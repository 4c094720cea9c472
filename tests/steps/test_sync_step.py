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
    assert sync.STEP.converged(context(cluster), PB.authority) == []
    assert cluster.reads >= 4


def test_the_final_check_gives_up_at_the_deadline_naming_what_is_wrong() -> None:
    problems = sync.STEP.converged(context(Cluster(polls=10_000)), PB.authority)
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


def _creates(*groups: str) -> list[Change]:
    return [
        Change("create", "POST", "/mgmt/tm/cm/traffic-group", {"name": g}, f"create {g}")
        for g in groups
    ]


def test_new_traffic_groups_on_the_first_device_are_placed_on_their_own_devices() -> None:
    ctx = context(Cluster(polls=10_000))  # every group still on bigip-a, where new ones start
    ctx.changed["traffic_groups"] = _creates("traffic-group-2", "traffic-group-3")
    ctx.synced_changed = True
    changes = sync.STEP.plan(ctx, PB.authority)
    placed = [c for c in changes if c.path == "/mgmt/tm/sys/failover"]
    assert [(c.body, c.device, c.conditional) for c in placed] == [
        ({"command": "run", "standby": True, "traffic-group": "traffic-group-2"}, NAMES[0], True),
        ({"command": "run", "standby": True, "traffic-group": "traffic-group-3"}, NAMES[0], True),
    ]
    assert [c.path for c in changes] == (
        ["/mgmt/tm/cm"] + ["/mgmt/tm/sys/failover"] * 2 + ["/mgmt/tm/sys/config"] * 3
    )
    # asked right before sending: still on bigip-a, so still needed
    assert sync.still_needed(ctx, PB.authority, placed[0])


def test_a_placement_auto_failback_already_did_is_not_sent() -> None:
    ctx = context(Cluster(polls=0))  # auto failback has brought every group home
    ctx.changed["traffic_groups"] = _creates("traffic-group-2")
    placed = Change("command", "POST", "/mgmt/tm/sys/failover",
                    {"command": "run", "standby": True, "traffic-group": "traffic-group-2"},
                    device=NAMES[0], conditional=True)  # fmt: skip
    assert not sync.still_needed(ctx, PB.authority, placed)
    assert not [c for c in sync.STEP.plan(ctx, PB.authority) if c.path == "/mgmt/tm/sys/failover"]


def test_a_group_that_carried_traffic_before_this_run_is_never_placed() -> None:
    """Away from home but not new (no create, floating self IPs not made by this run): the
    final check waits for auto failback instead of moving live traffic."""
    ctx = context(Cluster(polls=10_000))
    ctx.changed["pool"] = [Change("modify", "PATCH", "/mgmt/tm/ltm/pool/~Common~app_pool", {}, "x")]
    ctx.synced_changed = True
    assert not [c for c in sync.STEP.plan(ctx, PB.authority) if c.path == "/mgmt/tm/sys/failover"]


def test_groups_whose_floating_self_ips_this_run_created_are_placed_too() -> None:
    """A resumed run: the groups exist from the run before, but nothing ran through them."""
    ctx = context(Cluster(polls=10_000))
    ctx.changed["floating_selfs"] = [
        Change("create", "POST", "/mgmt/tm/net/self", {"name": d.floating_self_name(role)}, "x")
        for d in PB.devices[1:2]
        for role in ("external", "internal")
    ]
    placed = [c for c in sync.STEP.plan(ctx, PB.authority) if c.path == "/mgmt/tm/sys/failover"]
    assert [(c.body or {})["traffic-group"] for c in placed] == ["traffic-group-2"]
