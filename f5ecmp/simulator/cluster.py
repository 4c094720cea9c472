"""A cluster of simulated BIG-IPs and what happens between them: trust, device-group
replication, config sync and failover, all on a timeline driven by an injectable clock.

Build one from a playbook's devices (anything with `.name`, `.mgmt`, `.port`) or from a count.
`Cluster` composes the parts: its devices as their peers see them (`peers.Peers`), its
timeline (`events.Events`: effects land when the clock says, visible to later polls only),
and the behaviours, each given only what it needs (`cm.collaborators`): `cm.trust.Trust`,
`cm.sync.SyncState`, `cm.failover.Failover` and `cm.replication.GroupReplication`. It tells
them what changed on a device, and keeps the methods tests and the REST layer call.

`lock` (a `ClusterLock`) lets reads of any device run side by side while every change, and
every event, runs alone.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from .clock import Clock, SystemClock, Timeline
from .cm.failover import Failover
from .cm.models import TRUST_GROUP
from .cm.replication import GroupReplication
from .cm.sync import SyncState
from .cm.trust import Trust
from .device import Device
from .events import Events
from .factory import Identity
from .locking import ClusterLock
from .objects import Rules
from .peers import Peers
from .store import Obj
from .util import models as tmsh

DEFAULT_VERSION = "16.1.3"
DEFAULT_CREDENTIALS = ("admin", "admin")


class DeviceSpec(Protocol):
    """The shape of a playbook device: CM device name, management address, HTTPS port."""

    @property
    def name(self) -> str: ...

    @property
    def mgmt(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address: ...

    @property
    def port(self) -> int: ...


@dataclass(frozen=True)
class SimDevice:
    """A `DeviceSpec` for clusters built without a playbook."""

    name: str
    mgmt: ipaddress.IPv4Address | ipaddress.IPv6Address
    port: int = 443


@dataclass(frozen=True)
class Timing:
    """How long the cluster takes to act. Real devices take about a second for each; zero makes
    every effect visible at the next poll."""

    trust_delay: float = 1.0
    sync_delay: float = 1.0
    failover_delay: float = 1.0
    # Auto failback waits each traffic group's own `autoFailbackTime` (60 s by default) times
    # this: 1 is what a device does; a rehearsal or a test may shorten the wait.
    failback_scale: float = 1.0

    @classmethod
    def instant(cls) -> Timing:
        return cls(0.0, 0.0, 0.0, 0.0)

    @classmethod
    def rehearsal(cls) -> Timing:
        """Quick but still asynchronous: effects show after a short poll, failback in 1/60."""
        return cls(0.2, 0.2, 0.2, 1 / 60)


class Cluster:
    """Simulated BIG-IPs that can trust each other, sync and fail over."""

    def __init__(
        self,
        specs: Iterable[DeviceSpec],
        *,
        version: str = DEFAULT_VERSION,
        clock: Clock | None = None,
        timing: Timing | None = None,
        credentials: tuple[str, str] = DEFAULT_CREDENTIALS,
    ) -> None:
        self.specs = list(specs)
        names_seen = [s.name for s in self.specs]
        if len(set(names_seen)) != len(names_seen):
            raise ValueError("device names must be unique in a cluster")
        self.version = version
        self.clock: Clock = clock or SystemClock()
        self._timing = timing or Timing()
        self.credentials = credentials
        self.lock = ClusterLock()
        self.events = Events(self.clock, self.lock)
        self.peers = Peers(self.clock.now, self._timing.failover_delay)
        self._compose()
        self._build()

    @property
    def timing(self) -> Timing:
        return self._timing

    @timing.setter
    def timing(self, timing: Timing) -> None:
        """New delays, from the next effect on (a test builds at once, then times)."""
        self._timing = timing
        self.peers.detection_delay = timing.failover_delay
        self.trust.delay = timing.trust_delay
        self.sync.delay = self.replication.delay = timing.sync_delay
        self.failover.failback_scale = timing.failback_scale

    @classmethod
    def from_devices(
        cls, devices: Iterable[DeviceSpec], version: str = DEFAULT_VERSION, **kwargs: Any
    ) -> Cluster:
        return cls(devices, version=version, **kwargs)

    @classmethod
    def from_count(cls, n: int, *, port: int = 8443, **kwargs: Any) -> Cluster:
        """`bigip-1.example.net` … at 127.0.2.1 … on `port`."""
        if not 1 <= n <= 250:
            raise ValueError("a simulated cluster has 1 to 250 devices")
        specs = [
            SimDevice(f"bigip-{i}.example.net", ipaddress.ip_address(f"127.0.2.{i}"), port)
            for i in range(1, n + 1)
        ]
        return cls(specs, **kwargs)

    def _compose(self) -> None:
        """The behaviours, each with the narrow part of the cluster it works with."""
        timing, peers, events = self.timing, self.peers, self.events
        self.failover = Failover(peers, events, timing.failback_scale)
        self.sync = SyncState(peers, events, timing.sync_delay, self.failover_changed)
        self.trust = Trust(peers, events, timing.trust_delay)
        self.replication = GroupReplication(
            peers, events, timing.sync_delay, self.sync, self.failover_changed
        )

    def _build(self) -> None:
        users = {self.credentials[0]: self.credentials[1]}
        built: dict[str, Device] = {}
        for index, spec in enumerate(self.specs, start=1):
            identity = Identity(spec.name, ipaddress.ip_address(spec.mgmt), self.version, index)
            device = Device(identity, self.clock, users, spec.port)
            device.listener = self._on_change
            device.tmsh = self._tmsh_runner(device)
            built[spec.name] = device
        # One swap: a device's server thread asks for its device without the cluster's lock
        # (is it up?) and must never find the cluster without it, even during a reset.
        self.peers.replace(built)
        self.failover.recompute()

    def _tmsh_runner(self, device: Device) -> Callable[[str], str]:
        started = self.clock.now()
        return lambda command: tmsh.Shell(self, device, started).strict(command)

    def reset(self) -> None:
        """Every device back to its factory state; faults and timeline cleared."""
        with self.lock:
            self.timeline.clear()
            self._compose()
            self._build()

    # --- the devices (see `peers`) ------------------------------------------------------------
    @property
    def devices(self) -> dict[str, Device]:
        return self.peers.devices

    @property
    def down_since(self) -> dict[str, float]:
        return self.peers.down_since

    def device(self, name: str) -> Device:
        return self.peers.device(name)

    def device_at(self, address: str) -> Device | None:
        return self.peers.device_at(address)

    def reachable(self, dev: Device) -> bool:
        return self.peers.reachable(dev)

    def available(self, dev: Device) -> bool:
        return self.peers.available(dev)

    def connected(self, dev: Device, peer: Device) -> bool:
        return self.peers.connected(dev, peer)

    # --- time (see `events`) ------------------------------------------------------------------
    @property
    def timeline(self) -> Timeline:
        return self.events.timeline

    def schedule(
        self, delay: float, action: Callable[[], None], label: str = "", *, staged: bool = False
    ) -> None:
        """Run `action` after `delay` seconds, alone. A `staged` action runs among readers and
        takes `lock` itself for the moment it changes what they see (a config sync's copy)."""
        self.events.schedule(delay, action, label, staged=staged)

    def tick(self) -> None:
        """Run the cluster events that are due (after any run already under way)."""
        self.events.tick()

    def catch_up(self) -> None:
        """What a request does before it is answered: `tick` if anything is due, unless the
        ticker runs events."""
        self.events.catch_up()

    def start_ticker(self) -> None:
        """On the real clock, start the thread that runs events when they fall due (while
        the cluster is served)."""
        self.events.start_ticker()

    def stop_ticker(self) -> None:
        self.events.stop_ticker()

    def settle(self, max_seconds: float = 600.0) -> None:
        """Let time pass until nothing is pending (or `max_seconds` elapsed). With a `FakeClock`
        this returns at once, having moved the clock."""
        self.events.settle(max_seconds)

    # --- what the behaviours are told ---------------------------------------------------------
    def set_down(self, name: str, down: bool = True) -> None:
        """Take a device down (it stops answering) or bring it back."""
        with self.lock:
            dev = self.device(name)
            if dev.up == (not down):
                return
            self.peers.set_up(dev, not down)
            if down:
                self.schedule(
                    self.timing.failover_delay, self.failover_changed, f"{name} detected down"
                )
            else:
                self.replication.catch_up(dev)
                self.failover_changed()

    def failover_changed(self) -> None:
        self.failover.recompute()

    def _on_change(self, dev: Device, rules: Rules, obj: Obj, old: Obj | None) -> None:
        kind = rules.kind.path
        if kind == "cm/device-group" and obj.full_path != TRUST_GROUP:
            self.replication.group_changed(dev, obj.full_path)
        # A synced object turned local (a floating self IP moved to traffic-group-local-only)
        # is a change of the synced configuration too: Changes Pending (issue 9, item 10).
        if rules.is_synced(obj) or (old is not None and rules.is_synced(old)):
            self.sync.record_change(dev)
        if kind in ("cm/traffic-group", "cm/device-group"):
            self.schedule(0, self.failover_changed, f"failover after {kind} change")

    # --- the cm/device list -----------------------------------------------------------------
    def device_records(self, dev: Device) -> list[Obj]:
        """`cm/device` on `dev`: its own record and one per trusted peer [C]."""
        out = []
        for name in sorted(dev.trust):
            peer = self.device(name)
            record = copy.deepcopy(peer.self_record())
            record.props["selfDevice"] = "true" if peer is dev else "false"
            record.props["failoverState"] = self.failover.device_state(peer)
            out.append(record)
        return out


__all__ = ["Cluster", "DeviceSpec", "SimDevice", "Timing"]
