"""Trust, config sync and failover work with the narrow parts they are given (peers, a
scheduler, a notification), not with a whole cluster: each can be driven on its own."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster, Timing
from f5ecmp.simulator.cm.failover import Failover
from f5ecmp.simulator.cm.sync import SyncState
from f5ecmp.simulator.cm.trust import Trust


class Recorder:
    """A scheduler that keeps what it is given, for the test to run."""

    def __init__(self) -> None:
        self.events: list[tuple[float, str, Callable[[], None]]] = []

    def now(self) -> float:
        return 100.0

    def schedule(
        self, delay: float, action: Callable[[], None], label: str = "", *, staged: bool = False
    ) -> None:
        self.events.append((delay, label, action))

    @contextlib.contextmanager
    def alone(self) -> Iterator[None]:
        yield

    def run(self) -> list[str]:
        ran = []
        while self.events:
            _, label, action = self.events.pop(0)
            action()
            ran.append(label)
        return ran


def two_devices() -> Cluster:
    return Cluster.from_count(2, clock=FakeClock(), timing=Timing.instant())


def test_trust_merges_after_its_own_delay_on_the_scheduler_it_is_given() -> None:
    cluster = two_devices()
    a, b = cluster.devices.values()
    events = Recorder()
    trust = Trust(cluster.peers, events, delay=5.0)
    body = {"device": str(b.mgmt), "username": "admin", "password": "admin"}
    trust.add_to_trust(a, body)
    assert [(delay, label) for delay, label, _ in events.events] == [
        (5.0, f"trust {a.name} + {b.name}")
    ]
    assert a.trust == {a.name}  # not before the event runs
    events.run()
    assert a.trust == b.trust == {a.name, b.name}


def test_failover_places_traffic_groups_from_its_peers_alone() -> None:
    cluster = two_devices()
    a, _ = cluster.devices.values()
    failover = Failover(cluster.peers, Recorder(), failback_scale=1.0)
    failover.recompute()
    assert failover.active_groups(a) == ["/Common/traffic-group-1"]


def test_a_sync_tells_whoever_asked_when_failover_may_have_to_move() -> None:
    cluster = two_devices()
    a, _ = cluster.devices.values()
    told: list[str] = []
    events = Recorder()
    sync = SyncState(cluster.peers, events, 2.0, lambda: told.append("failover"))
    sync.push(a, "/Common/gtm", manual=True)
    assert [(delay, label) for delay, label, _ in events.events] == [
        (2.0, f"sync /Common/gtm from {a.name}")
    ]
    assert told == []
    events.run()
    assert told == ["failover"]
