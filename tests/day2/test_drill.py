"""The failover drill on a simulated cluster of the seed, applied first.

Time is the simulator's FakeClock, which the drill's polls advance: auto failback takes its
real 60 s of simulated time and no test waits for it. Where each traffic group went is read
from the simulator's own record of moves (``cluster.failover.history``), not through f5ecmp.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from f5ecmp.drill import Drill, DrillError, DrillOptions, GroupDrill, Progress, resolve
from f5ecmp.drill_model import undrillable
from f5ecmp.journal import Journal, last_unfinished, list_runs
from f5ecmp.playbook import load_playbook
from f5ecmp.session import Settings, open_session
from f5ecmp.simulator import FakeClock, Timing
from f5ecmp.simulator.cm import commands as sim_commands
from tests.conftest import SEED
from tests.rollout.conftest import QUICK_RETRY, Rig

A, B, C = "bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"
TG1, TG2, TG3 = "traffic-group-1", "traffic-group-2", "traffic-group-3"
# Trust, sync and detection at once; auto failback after each group's own 60 s.
SIMULATED = Timing(0.0, 0.0, 0.0, 1.0)
FAST = DrillOptions(deadline_s=10, poll_max_s=2.0)


class Drilled(Rig):
    clock: FakeClock

    def drill(self, options: DrillOptions = FAST, **kw: Any) -> Drill:
        return Drill(self.pb, self.session.clients, options, clock=self.clock.now,
                     sleep=self.clock.sleep, **kw)  # fmt: skip

    @property
    def cluster(self) -> Any:
        return self.sim.cluster

    def moves(self, since: int = 0) -> list[tuple[str, str, str | None]]:
        return [
            (m.traffic_group, m.source, m.target) for m in self.cluster.failover.history[since:]
        ]

    def times(self, since: int = 0) -> list[float]:
        return [m.at for m in self.cluster.failover.history[since:]]


def _drilled(tmp_path: Path, timing: Timing, playbook: Path = SEED) -> Iterator[Drilled]:
    pb = load_playbook(playbook)
    clock = FakeClock()
    settings = Settings(
        simulate=True, sim_timing=Timing.instant(), sim_clock=clock, retry=QUICK_RETRY
    )
    with open_session(pb, settings, environ={}) as session:
        rig = Drilled(pb, session, tmp_path / "state")
        rig.clock = clock
        # The rollout waits in real time, which this clock never sees: it runs with instant
        # failback (groups created away from home come back at once), the drill with `timing`.
        assert rig.apply().ok
        rig.cluster.timing = timing
        yield rig


@pytest.fixture
def drilled(tmp_path: Path) -> Iterator[Drilled]:
    yield from _drilled(tmp_path, SIMULATED)


@pytest.fixture
def slow_failback(tmp_path: Path) -> Iterator[Drilled]:
    """Auto failback three times slower than autoFailbackTime says: past any deadline."""
    yield from _drilled(tmp_path, replace(SIMULATED, failback_scale=3.0))


def test_a_drill_moves_every_group_to_its_next_device_and_back(drilled: Drilled) -> None:
    before = len(drilled.cluster.failover.history)
    result = drilled.drill().run()
    assert result.ok, result
    assert drilled.moves(before) == [
        (TG1, A, B), (TG1, B, A), (TG2, B, C), (TG2, C, B), (TG3, C, A), (TG3, A, C),
    ]  # fmt: skip
    at = drilled.times(before)
    # autoFailbackTime after the move, seen by the first poll after it (2 s apart at most)
    assert all(60 <= back - out <= 62 for out, back in zip(at[::2], at[1::2], strict=True))
    for g in result.groups:
        assert (g.landed, g.result, g.returned_by) == (g.expected, "ok", "auto failback")
        assert g.moved_s is not None and g.moved_s < 1
        assert g.back_s is not None and 60 <= g.back_s <= 62  # one poll late at most
        assert g.failback_s == 60


def test_only_the_named_traffic_group_is_drilled(drilled: Drilled) -> None:
    before = len(drilled.cluster.failover.history)
    result = drilled.drill(replace(FAST, traffic_groups=(TG2,))).run()
    assert result.ok and [g.group for g in result.groups] == [TG2]
    assert drilled.moves(before) == [(TG2, B, C), (TG2, C, B)]


def test_a_device_drill_moves_its_group_off_and_back(drilled: Drilled) -> None:
    before = len(drilled.cluster.failover.history)
    result = drilled.drill(replace(FAST, device="bigip-b")).run()
    assert result.ok, result
    assert result.device == B and [g.group for g in result.groups] == [TG2]
    assert drilled.moves(before) == [(TG2, B, C), (TG2, C, B)]
    assert not drilled.cluster.device(B).forced_offline
    sent = [(e["device"], e["path"]) for e in drilled.sim.request_log() if e["method"] == "POST"]
    assert (B, "/mgmt/tm/sys/failover") in sent


def test_without_waiting_for_failback_each_group_is_forced_home(drilled: Drilled) -> None:
    before = len(drilled.cluster.failover.history)
    result = drilled.drill(replace(FAST, wait_failback=False)).run()
    assert result.ok, result
    assert drilled.moves(before) == [
        (TG1, A, B), (TG1, B, A), (TG2, B, C), (TG2, C, B), (TG3, C, A), (TG3, A, C),
    ]  # fmt: skip
    at = drilled.times(before)
    assert all(back - out < 5 for out, back in zip(at[::2], at[1::2], strict=True))
    assert {g.returned_by for g in result.groups} == {"forced standby"}


def test_forced_home_on_four_devices_goes_home_not_on_around_the_order(
    tmp_path: Path, four_devices: Path
) -> None:
    """traffic-group-2's HA order is b, c, d, a: forced off b it lands on c; forced off c it
    must go back to b, the first available device of that order, not on to d."""
    d = "bigip-d.example.net"
    for drilled in _drilled(tmp_path, SIMULATED, four_devices):
        before = len(drilled.cluster.failover.history)
        result = drilled.drill(replace(FAST, wait_failback=False)).run()
        assert result.ok, result
        assert drilled.moves(before) == [
            (TG1, A, B), (TG1, B, A), (TG2, B, C), (TG2, C, B),
            (TG3, C, d), (TG3, d, C), ("traffic-group-4", d, A), ("traffic-group-4", A, d),
        ]  # fmt: skip


def test_a_dry_run_lists_the_moves_and_writes_nothing(drilled: Drilled) -> None:
    writes = drilled.writes()
    plan = drilled.drill().plan()
    assert plan.ok and plan.dry_run and not plan.refused
    assert [(g.group, g.source, g.expected) for g in plan.groups] == [
        (TG1, A, B), (TG2, B, C), (TG3, C, A),
    ]  # fmt: skip
    assert plan.groups[0].commands[0].body == {
        "command": "run", "standby": True, "traffic-group": TG1,
    }  # fmt: skip
    assert drilled.writes() == writes


def _standby_by_hand(drilled: Drilled, device: str, group: str) -> None:
    with drilled.cluster.lock:
        sim_commands.failover(drilled.cluster, drilled.cluster.device(device),
                              {"command": "run", "standby": True, "traffic-group": group})  # fmt: skip
    drilled.cluster.tick()  # the move happens now, not at the drill's first read


def test_a_group_away_from_home_is_refused_without_a_write(drilled: Drilled) -> None:
    _standby_by_hand(drilled, B, TG2)  # and the clock stands still: no failback
    writes, before = drilled.writes(), len(drilled.cluster.failover.history)
    result = drilled.drill().run()
    assert not result.ok and any(f"{TG2} is active on {C}" in p for p in result.refused)
    assert drilled.writes() == writes
    assert drilled.moves(before) == []
    assert all(g.result == "planned" for g in result.groups)


def test_a_device_out_of_sync_is_refused_without_a_write(drilled: Drilled) -> None:
    drilled.session.clients[B].request(
        "PATCH", "/mgmt/tm/ltm/pool/~Common~app_pool", body={"description": "by hand"}
    )
    writes = drilled.writes()
    result = drilled.drill().run()
    assert any("not In Sync" in p for p in result.refused), result.refused
    assert drilled.writes() == writes


def test_a_device_lost_mid_drill_ends_it_and_the_rest_is_put_back(drilled: Drilled) -> None:
    before = len(drilled.cluster.failover.history)

    def lose_c(progress: Progress) -> None:
        if progress.message.startswith(f"{TG1}: active on"):
            drilled.sim.set_down(C)

    result = drilled.drill(replace(FAST, deadline_s=3), on_progress=lose_c).run()
    assert not result.ok and result.error and f"{C}: unreachable" in result.error
    assert [g.result for g in result.groups] == ["failed", "not run", "not run"]
    restored = {r.what: r for r in result.restores}
    assert restored[TG1].ok and restored[TG1].source == B
    assert not restored[TG3].ok  # its home is down: it stays where BIG-IP put it
    assert drilled.moves(before) == [(TG1, A, B), (TG3, C, A), (TG1, B, A)]


def test_a_failback_past_its_deadline_fails_and_the_group_is_forced_home(
    slow_failback: Drilled,
) -> None:
    before = len(slow_failback.cluster.failover.history)
    result = slow_failback.drill().run()
    assert not result.ok and result.error and "gave up after 70 s" in result.error
    assert [g.result for g in result.groups] == ["failed", "not run", "not run"]
    assert [(r.what, r.source, r.ok) for r in result.restores] == [(TG1, B, True)]
    assert slow_failback.moves(before) == [(TG1, A, B), (TG1, B, A)]


def test_a_stop_during_the_drill_puts_the_group_back(drilled: Drilled) -> None:
    before = len(drilled.cluster.failover.history)
    engine = drilled.drill()

    def stop_while_waiting(progress: Progress) -> None:
        if "waiting for auto failback" in progress.message:
            engine.stop.set()

    engine.on_progress = stop_while_waiting
    result = engine.run()
    assert result.interrupted and not result.ok
    assert [g.result for g in result.groups] == ["stopped", "not run", "not run"]
    assert [(r.what, r.ok) for r in result.restores] == [(TG1, True)]
    assert drilled.moves(before) == [(TG1, A, B), (TG1, B, A)]
    assert drilled.clock.now() - drilled.times(before)[0] < 5, "forced back, not waited for"


def test_the_drill_is_journaled_and_a_resume_still_finds_the_apply(
    drilled: Drilled, tmp_path: Path
) -> None:
    failed_apply = Journal.start(tmp_path, "app1-ecmp", playbook="p", fingerprint="f")
    failed_apply.finish(False, failed="pool on bigip-a.example.net")
    journal = Journal.start(tmp_path, "app1-ecmp", playbook="p", fingerprint="f", kind="drill")
    assert drilled.drill(journal=journal).run().ok
    runs = list_runs(tmp_path, "app1-ecmp")
    assert [r.kind for r in runs] == ["apply", "drill"]
    kinds = [r["type"] for r in runs[1].records]
    assert kinds[0] == "run-start" and kinds[-1] == "run-end" and runs[1].finished_ok
    assert kinds.count("drill-move") == 3 and kinds.count("drill-return") == 3
    unfinished = last_unfinished(runs)
    assert unfinished is not None and unfinished.run_id == failed_apply.run_id


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (DrillOptions(traffic_groups=("traffic-group-9",)), "no traffic group traffic-group-9"),
        (DrillOptions(device="bigip-z"), "no device bigip-z"),
        (DrillOptions(device=A, traffic_groups=(TG1,)), "exclude each other"),
    ],
)
def test_names_the_playbook_does_not_have_are_refused(options: DrillOptions, message: str) -> None:
    with pytest.raises(DrillError, match=message):
        resolve(load_playbook(SEED), options)


def test_a_group_whose_failback_is_immediate_cannot_be_drilled() -> None:
    assert undrillable(GroupDrill(TG2, B, C, failback_s=60)) == []
    (why,) = undrillable(GroupDrill(TG2, B, C, failback_s=0))
    assert "auto failback after 0 s would bring it home before its move could be seen" in why
    (why,) = undrillable(GroupDrill(TG2, B, ""))
    assert "no device would take it over" in why
