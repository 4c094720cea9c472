"""The rollout against a simulated cluster: fresh apply, no-op re-apply, drift, resume."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from f5ecmp.bigip import stats as status
from f5ecmp.bigip.normalize import items
from f5ecmp.journal import list_runs
from f5ecmp.playbook import load_playbook
from f5ecmp.rollout import NothingToResume
from f5ecmp.runner import ChangeNotNeeded, ChangeSent, Event, StepStarted
from f5ecmp.steps import STEPS
from tests.rollout.conftest import Rig
from tests.rollout.guide_state import assert_guide_state

NAMES = ["bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"]


def test_fresh_apply_builds_the_guides_cluster(rig: Rig) -> None:
    result = rig.apply()
    assert result.ok, (result.failed, result.verification)
    assert_guide_state(rig)


def test_a_second_apply_writes_nothing_and_plan_is_empty(rig: Rig) -> None:
    assert rig.apply().ok
    before = rig.writes()
    again = rig.apply()
    assert again.ok and again.change_count == 0
    assert rig.writes() == before
    assert all(not r.changes for r in rig.plan())


def test_drift_is_planned_exactly_and_repaired(rig: Rig) -> None:
    assert rig.apply().ok
    b, a = rig.session.clients[NAMES[1]], rig.session.clients[NAMES[0]]
    b.patch("/mgmt/tm/net/vlan/~Common~internal", {"mtu": 9000})
    a.patch(
        "/mgmt/tm/ltm/virtual-address/~Common~30.1.1.10", {"spanning": "disabled", "arp": "enabled"}
    )
    before = rig.writes()
    plan = [(r.step, r.device, c.summary) for r in rig.plan() for c in r.changes]
    assert rig.writes() == before  # plan never writes, even with drift present
    assert plan == [
        ("vlans", NAMES[1], "modify VLAN internal: mtu: 9000 → 1500"),
        ("spanning", NAMES[0], "modify virtual address 30.1.1.10: arp: enabled → disabled, spanning: disabled → enabled"),
        ("sync", NAMES[0], "sync bigip-a.example.net to group dg-ecmp"),
        *[("sync", NAMES[0], f"save the configuration of {name}") for name in NAMES],
    ]  # fmt: skip
    assert rig.apply().ok
    assert rig.get(NAMES[1], "/mgmt/tm/net/vlan/~Common~internal")["mtu"] == 1500
    assert all(not r.changes for r in rig.plan())


def test_a_removed_floating_self_and_a_changed_ha_order_are_repaired(rig: Rig) -> None:
    assert rig.apply().ok
    a = rig.session.clients[NAMES[0]]
    a.delete("/mgmt/tm/net/self/~Common~float_int_self_bigip-c")
    a.patch(
        "/mgmt/tm/cm/traffic-group/~Common~traffic-group-2",
        {"haOrder": ["/Common/bigip-b.example.net"]},
    )
    steps = {r.step for r in rig.plan() if r.changes}
    assert steps == {"traffic_groups", "floating_selfs", "sync"}
    assert rig.apply().ok


def follows(step_id: str) -> set[str]:
    """Every step ``step_id`` comes after, directly or not."""
    ids = [s.id for s in STEPS]
    step = STEPS[ids.index(step_id)]
    direct = ids[: ids.index(step_id)] if step.after is None else list(step.after)
    return set(direct).union(*(follows(d) for d in direct))


# (step, the device its run is for, the device taken down as it starts): every step with its
# own device lost, and the peers lost while first-device steps work through the trust.
STEP_DEVICES = [
    ("vlans", 1, 1), ("static_selfs", 2, 2), ("ntp", 0, 0), ("trust", 0, 0),
    ("connectivity", 1, 1), ("device_group", 0, 0), ("pool", 0, 0), ("virtual_server", 0, 0),
    ("spanning", 0, 0), ("traffic_groups", 0, 0), ("floating_selfs", 0, 0), ("sync", 0, 0),
    ("trust", 0, 1), ("device_group", 0, 1), ("device_group", 0, 2), ("sync", 0, 1),
]  # fmt: skip


@pytest.mark.parametrize(("step", "device", "down"), STEP_DEVICES)
def test_a_device_down_in_any_step_is_resumed_to_the_same_end_state(
    rig: Rig, step: str, device: int, down: int
) -> None:
    name, lost = NAMES[device], NAMES[down]

    def take_down(event: Event) -> None:
        if isinstance(event, StepStarted) and (event.step, event.device) == (step, name):
            rig.sim.set_down(lost, True)

    failed = rig.apply(on_event=take_down)
    assert failed.failed is not None, failed.verification
    # the step, or one that ran beside it (neither follows the other) and met the lost
    # device first: the first failure in the guide's order is the one reported
    assert failed.failed.step == step or failed.failed.step not in (
        follows(step) | {s.id for s in STEPS if step in follows(s.id)}
    ), failed.failed
    assert failed.failed.device in (name, lost)
    rig.sim.set_down(lost, False)
    resumed = rig.apply(resume=True)
    assert resumed.ok, (resumed.failed, resumed.verification)
    outcomes = {(r.step, r.device): r.outcome for r in resumed.results}
    # every step of every device was read again: 4 per-device steps on 3 devices, and 9 others
    assert len(resumed.results) == 21 and set(outcomes.values()) <= {"changed", "unchanged"}
    done_before = [key for key in outcomes if key[0] in follows(step) and key[1] == name]
    assert done_before or not follows(step)
    assert all(outcomes[key] == "unchanged" for key in done_before)  # not redone
    assert_guide_state(rig)
    runs = list_runs(rig.state_dir, "app1-ecmp")
    assert runs[-1].start["resumes"] == runs[-2].run_id
    assert [r["type"] for r in runs[-2].records].count("step-failed") >= 1
    # the end state equals a clean run's: nothing duplicated, nothing left to do
    selfs = [s["name"] for s in items(rig.get(NAMES[0], "/mgmt/tm/net/self"))]
    assert len(selfs) == len(set(selfs)) == 9
    assert all(not r.changes for r in rig.plan())


def test_the_sync_and_the_final_check_read_the_devices_not_the_runs_memory(rig: Rig) -> None:
    """A peer changed behind the run's back after the steps read it is seen: the sync step
    reads every sync status from the devices and refuses to overwrite that peer."""
    assert rig.apply().ok

    def change_b(event: Event) -> None:
        if isinstance(event, StepStarted) and event.step == "sync":
            rig.session.clients[NAMES[1]].patch(
                "/mgmt/tm/net/self/~Common~float_ext_self_bigip-b",
                {"trafficGroup": "/Common/traffic-group-1"},
            )

    again = rig.apply(on_event=change_b)
    assert again.failed is not None and again.failed.step == "sync", again.results
    assert NAMES[1] in (again.failed.error or "")


def test_a_failing_write_is_retried_and_counted(rig: Rig) -> None:
    rig.sim.faults(NAMES[0], fail_nth_write=5)  # a 500 "connection to mcpd has been lost"
    result = rig.apply()
    assert result.ok
    assert rig.session.clients[NAMES[0]].counters.retries == 1


def test_resume_without_an_unfinished_run_is_refused(rig: Rig) -> None:
    assert rig.apply().ok
    with pytest.raises(NothingToResume):
        rig.apply(resume=True)


def test_scale_out_adds_a_fourth_device_without_moving_any_traffic_group(
    rig: Rig, seed_text: str, write_playbook: Callable[[str], Path]
) -> None:
    assert rig.apply().ok
    four = load_playbook(write_playbook(seed_text.replace(
        "# \"Specifying config sync",
        """  - name: bigip-d.example.net
    mgmt: 127.0.1.4
    port: 8443
    static_selfs:   {external: 20.1.1.9/24, internal: 10.1.1.9/24, ha: 10.2.1.9/24}
    floating_selfs: {external: 20.1.1.5/24, internal: 10.1.1.5/24}
    traffic_group: {name: traffic-group-4, mac_masquerade: "02:01:d7:93:35:04"}
# "Specifying config sync""",
    )))  # fmt: skip
    assert len(four.devices) == 4
    # the rig's simulator only serves three devices: a four-device rehearsal is its own session
    from f5ecmp.session import Settings, open_session
    from f5ecmp.simulator import Timing

    with open_session(
        four, Settings(simulate=True, sim_timing=Timing.instant()), environ={}
    ) as session:
        three = load_playbook(write_playbook(seed_text))
        from tests.rollout.conftest import Rig as R

        grown = R(three, session, rig.state_dir / "four")
        assert grown.apply().ok
        history_before = status.traffic_group_states(grown.get(NAMES[0], status.TG_STATS_PATH))
        grown_four = R(four, session, rig.state_dir / "four")
        plan = [c for r in grown_four.plan() for c in r.changes]
        assert not any(c.action == "delete" for c in plan)
        history = session.simulator.cluster.failover.history
        moves_before = len(history)
        result = grown_four.apply()
        assert result.ok, (result.failed, result.verification)
        moved = [(group, frm, to) for _, group, frm, to in history[moves_before:]]
        # only the new group may move (from where it was created to its own device)
        assert all(group == "traffic-group-4" for group, _, _ in moved), moved
        active = status.traffic_group_states(grown.get(NAMES[0], status.TG_STATS_PATH))
        for i, name in enumerate([*NAMES, "bigip-d.example.net"]):
            assert active[f"traffic-group-{i + 1}"][name] == "active"
        assert history_before["traffic-group-1"][NAMES[0]] == "active"


def test_stopping_mid_run_leaves_a_journal_to_resume_from(rig: Rig) -> None:
    import threading

    stop = threading.Event()

    def ctrl_c(event: Event) -> None:  # what the first Ctrl-C does
        if isinstance(event, ChangeSent) and event.step == "traffic_groups":
            stop.set()

    stopped = rig.apply(on_event=ctrl_c, stop=stop)
    assert stopped.interrupted and not stopped.ok
    # the request in flight (traffic-group-1's settings), no more: neither the new groups
    # (the next changes of the step) nor any step after it (their floating self IPs)
    groups = [g["name"] for g in items(rig.get(NAMES[0], "/mgmt/tm/cm/traffic-group"))]
    assert groups == ["traffic-group-1", "traffic-group-local-only"]
    selfs = [s["name"] for s in items(rig.get(NAMES[0], "/mgmt/tm/net/self"))]
    assert not [n for n in selfs if n.startswith("float_")]
    run = list_runs(rig.state_dir, "app1-ecmp")[-1]
    assert run.end is not None and run.end.get("interrupted") is True
    resumed = rig.apply(resume=True)
    assert resumed.ok, (resumed.failed, resumed.verification)


def test_a_drifted_self_ip_address_is_replaced_in_one_transaction(rig: Rig) -> None:
    assert rig.apply().ok
    b = rig.session.clients[NAMES[1]]
    b.delete("/mgmt/tm/net/self/~Common~ext_static_self_bigip-b")
    b.post("/mgmt/tm/net/self", {"name": "ext_static_self_bigip-b", "address": "20.1.1.77/24",
                                  "vlan": "/Common/external"})  # fmt: skip
    changes = [c for r in rig.plan() for c in r.changes]
    (change,) = [c for c in changes if c.action != "command"]
    assert change.method == "TRANSACTION" and "in one transaction" in change.summary
    assert [c.summary for c in changes if c.action == "command"] == [
        f"save the configuration of {name}" for name in NAMES
    ]
    assert rig.apply().ok
    fixed = rig.get(NAMES[1], "/mgmt/tm/net/self/~Common~ext_static_self_bigip-b")
    assert fixed["address"] == "20.1.1.7/24"


def test_a_placement_auto_failback_already_made_is_reported_not_sent(rig: Rig) -> None:
    """With the simulator's instant failback, new groups are home before their turn comes:
    the conditional placements in the plan are then skipped, and said so."""
    planned = [c for r in rig.plan() for c in r.changes]
    placements = [c for c in planned if c.conditional]
    assert [(c.body or {})["traffic-group"] for c in placements] == [
        "traffic-group-2",
        "traffic-group-3",
    ]
    events: list[Event] = []
    before = rig.writes()
    assert rig.apply(on_event=events.append).ok
    skipped = [e for e in events if isinstance(e, ChangeNotNeeded)]
    assert len(skipped) == 2
    assert rig.writes() - before == sum(c.requests for c in planned) - 2
