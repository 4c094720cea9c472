"""What trust, config sync, failover and device-group replication need from the cluster they
act in, each as narrow as it can be: the peers they reach, a timeline to put their effects
on, and someone to tell when failover may have to move. `Cluster` builds them from its
`Peers` and `Events`; a test may build one from anything with these few methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Protocol

from ..device import Device

# "Something failover depends on changed": traffic groups, device groups, availability.
FailoverChanged = Callable[[], None]


class Scheduler(Protocol):
    """The cluster's timeline: its time, its delayed effects, and the hold a `staged` effect
    takes for the moment it changes what readers see (see `events.Events`)."""

    def now(self) -> float: ...

    def schedule(
        self, delay: float, action: Callable[[], None], label: str = "", *, staged: bool = False
    ) -> None: ...

    def alone(self) -> AbstractContextManager[object]: ...


class TrustPeers(Protocol):
    """The devices an add-to-trust can reach, by management address or name."""

    def device(self, name: str) -> Device: ...

    def device_at(self, address: str) -> Device | None: ...

    def reachable(self, dev: Device) -> bool: ...


class SyncPeers(Protocol):
    """The members a config sync copies to, and whether it can reach them."""

    def device(self, name: str) -> Device: ...

    def connected(self, dev: Device, peer: Device) -> bool: ...


class FailoverPeers(Protocol):
    """Every device, and which of them can hold a traffic group now."""

    def members(self) -> Iterable[Device]: ...

    def available(self, dev: Device) -> bool: ...


class ReplicationPeers(Protocol):
    """The trusted devices a device-group definition travels to."""

    def device(self, name: str) -> Device: ...

    def reachable(self, dev: Device) -> bool: ...
