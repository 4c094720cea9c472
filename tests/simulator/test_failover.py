"""Forced standby, forced offline and auto failback, on the model and over HTTPS.

A forced standby moves one traffic group (or all of a device's) to its next device; with auto
failback the group comes back to the first available device of its HA order after its
`autoFailbackTime`. Forced offline keeps every group away until `online`. Every moment is
checked through `cm/traffic-group/stats` (failoverState, nextActive), as clients read it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from simclient import Rest
from simsteps import SEED, build_ecmp, sync

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster, Timing
from f5ecmp.simulator.cm import commands
from f5ecmp.simulator.cm.failover import Move

Client = Callable[..., Rest]
A, B, C = (d.name for d in SEED)
TG2 = "/Common/traffic-group-2"


def placement(cluster: Cluster, tg: str = TG2) -> dict[str, tuple[str, bool]]:
    """Device → (failoverState, nextActive) of one traffic group, as device A reports it."""
    return {
        row.device.rsplit("/", 1)[-1]: (row.failover_state, row.next_active)
        for row in cluster.failover.rows(cluster.device(A), only=tg)
    }


def rest_placement(client: Rest, tg: str = "traffic-group-2") -> dict[str, tuple[str, str]]:
    body = client.ok("GET", f"/mgmt/tm/cm/traffic-group/~Common~{tg}/stats")
    out = {}
    for entry in body["entries"].values():
        fields = entry["nestedStats"]["entries"]
        device = fields["deviceName"]["description"].rsplit("/", 1)[-1]
        out[device] = (fields["failoverState"]["description"], fields["nextActive"]["description"])
    return out


def standby(cluster: Cluster, device: str, **body: Any) -> None:
    commands.failover(cluster, cluster.device(device), {"command": "run", "standby": True, **body})


@pytest.mark.parametrize("key", ["traffic-group", "trafficGroup"])
def test_forced_standby_fails_back_after_the_failback_time(
    ecmp: Cluster, clock: FakeClock, key: str
) -> None:
    standby(ecmp, B, **{key: "traffic-group-2"})
    assert placement(ecmp)[B] == ("active", False), "seen only by the next poll"
    ecmp.tick()
    assert placement(ecmp) == {
        B: ("standby", True),
        C: ("active", False),
        A: ("standby", False),
    }
    clock.advance(59.0)
    ecmp.tick()
    assert placement(ecmp)[C] == ("active", False), "failback waits autoFailbackTime (60 s)"
    clock.advance(1.0)
    ecmp.tick()
    assert placement(ecmp) == {
        B: ("active", False),
        C: ("standby", True),
        A: ("standby", False),
    }
    moves = [(m.traffic_group, m.source, m.target) for m in ecmp.failover.history[-2:]]
    assert moves == [("traffic-group-2", B, C), ("traffic-group-2", C, B)]


def test_forced_standby_without_auto_failback_stays_on_the_next_device(
    ecmp: Cluster, clock: FakeClock
) -> None:
    a = ecmp.device(A)
    a.modify("cm/traffic-group", TG2, {"autoFailbackEnabled": "false"})
    sync(ecmp, a)
    standby(ecmp, B, trafficGroup="traffic-group-2")
    ecmp.tick()
    clock.advance(600.0)
    ecmp.tick()
    assert placement(ecmp)[C] == ("active", False)
    assert placement(ecmp)[B] == ("standby", True), "still available for the group"


def test_standby_for_every_group_of_a_device(ecmp: Cluster, clock: FakeClock) -> None:
    standby(ecmp, C)
    ecmp.tick()
    assert ecmp.failover.active_groups(ecmp.device(A)) == [
        "/Common/traffic-group-1",
        "/Common/traffic-group-3",
    ]
    clock.advance(60.0)
    ecmp.tick()
    assert ecmp.failover.active_groups(ecmp.device(C)) == ["/Common/traffic-group-3"]


def test_failback_time_follows_the_timing_knob(clock: FakeClock) -> None:
    cluster = Cluster.from_devices(SEED, clock=clock, timing=Timing.rehearsal())
    build_ecmp(cluster)
    standby(cluster, B, trafficGroup="traffic-group-2")
    cluster.tick()
    assert placement(cluster)[C][0] == "active"
    clock.advance(1.0)  # 60 s scaled by 1/60
    cluster.tick()
    assert placement(cluster)[B][0] == "active"


def test_forced_offline_holds_every_group_away_until_online(
    ecmp: Cluster, clock: FakeClock
) -> None:
    commands.failover(ecmp, ecmp.device(B), {"command": "run", "offline": True})
    ecmp.tick()
    assert ecmp.failover.device_state(ecmp.device(B)) == "forced-offline"
    clock.advance(600.0)
    ecmp.tick()
    assert placement(ecmp)[C] == ("active", False)
    assert placement(ecmp)[B][1] is False, "an offline device is never next"
    commands.failover(ecmp, ecmp.device(B), {"command": "run", "online": True})
    ecmp.tick()
    assert placement(ecmp)[B] == ("standby", True)
    clock.advance(60.0)
    ecmp.tick()
    assert placement(ecmp)[B] == ("active", False)
    assert ecmp.failover.history[-1] == Move(clock.now(), "traffic-group-2", C, B)


def test_forced_standby_and_failback_over_rest(
    ecmp: Cluster, rest: Client, clock: FakeClock
) -> None:
    b = rest(B)
    echo = b.ok(
        "POST",
        "/mgmt/tm/sys/failover",
        {"command": "run", "standby": True, "traffic-group": "traffic-group-2"},
    )
    assert echo["kind"] == "tm:sys:failover:runstate"
    assert rest_placement(b) == {
        B: ("standby", "true"),
        C: ("active", "false"),
        A: ("standby", "false"),
    }
    clock.advance(60.0)
    assert rest_placement(rest(C)) == {
        B: ("active", "false"),
        C: ("standby", "true"),
        A: ("standby", "false"),
    }
