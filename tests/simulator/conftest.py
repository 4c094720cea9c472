"""Fixtures for the simulator's tests: each test builds its own cluster on a fake clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from simclient import Rest
from simsteps import SEED, build_ecmp

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster, Timing
from f5ecmp.simulator.device import Device
from f5ecmp.simulator.serve import SimServer, serve


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cluster(clock: FakeClock) -> Cluster:
    """The seed devices, fresh, with realistic (1 s) delays on a fake clock."""
    return Cluster.from_devices(SEED, clock=clock)


@pytest.fixture
def instant_cluster(clock: FakeClock) -> Cluster:
    return Cluster.from_devices(SEED, clock=clock, timing=Timing.instant())


@pytest.fixture
def ecmp(cluster: Cluster) -> Cluster:
    build_ecmp(cluster)
    return cluster


@pytest.fixture
def status() -> Callable[[Cluster, Device], str]:
    return lambda cluster, dev: cluster.sync.report(dev).status


@pytest.fixture
def served(cluster: Cluster) -> Iterator[SimServer]:
    """The seed cluster served on free loopback ports (tests may run side by side)."""
    with serve(cluster, ephemeral_ports=True) as server:
        yield server


@pytest.fixture
def rest(served: SimServer) -> Iterator[Callable[..., Rest]]:
    """`rest("bigip-a.example.net")` → a logged-in client of that device."""
    clients: list[Rest] = []

    def make(device: str = "bigip-a.example.net", **kwargs: Any) -> Rest:
        client = Rest(served.devices[device], str(served.ca_bundle), **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
