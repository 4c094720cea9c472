"""Fixtures for the simulator's tests: each test builds its own cluster on a fake clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from simsteps import SEED, build_ecmp

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster, Timing
from f5ecmp.simulator.device import Device


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
