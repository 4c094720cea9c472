"""A cluster of simulated BIG-IPs and what happens between them: trust, device-group
replication, config sync and failover, all on a timeline driven by an injectable clock.

Build one from a playbook's devices (anything with `.name`, `.mgmt`, `.port`) or from a count.
Events run when they fall due: while the cluster is served on the real clock, its `Ticker`
thread runs them (`start_ticker`); otherwise (a fake clock, the model driven from a test)
each request first runs whatever is due (`catch_up`). A write runs what it set off with no
delay before it is answered (`tick`). So the effects of a request become visible to later
polls only, as on real devices, and to the very next one when the delays are zero; and no
read pays for a cluster event, however large, while a ticker runs them.

`lock` (a `ClusterLock`) lets reads of any device run side by side while every change, and
every event, runs alone.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from . import errors, names
from .clock import Clock, SystemClock, Ticker, Timeline
from .cm.failover import Failover
from .cm.models import BUILTIN_GROUPS, TRUST_GROUP
from .cm.sync import SyncState
from .cm.trust import Trust
from .device import Device
from .factory import Identity
from .locking import ClusterLock
from .objects import Rules
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
        self.timing = timing or Timing()
        self.credentials = credentials
        self.lock = ClusterLock()
        self.timeline = Timeline()
        self._ticker: Ticker | None = None
        self.devices: dict[str, Device] = {}
        self.down_since: dict[str, float] = {}
        self.sync = SyncState(self)
        self.failover = Failover(self)
        self.trust = Trust(self)
        self._build()

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

    def _build(self) -> None:
        users = {self.credentials[0]: self.credentials[1]}
        for index, spec in enumerate(self.specs, start=1):
            identity = Identity(spec.name, ipaddress.ip_address(spec.mgmt), self.version, index)
            device = Device(identity, self.clock, users, spec.port)
            device.listener = self._on_change
            device.tmsh = self._tmsh_runner(device)
            self.devices[spec.name] = device
        self.failover.recompute()

    def _tmsh_runner(self, device: Device) -> Callable[[str], str]:
        started = self.clock.now()
        return lambda command: tmsh.Shell(self, device, started).strict(command)

    def reset(self) -> None:
        """Every device back to its factory state; faults and timeline cleared."""
        with self.lock:
            self.timeline.clear()
            self.devices.clear()
            self.down_since.clear()
            self.sync = SyncState(self)
            self.failover = Failover(self)
            self.trust = Trust(self)
            self._build()

    # --- lookup -----------------------------------------------------------------------------
    def device(self, name: str) -> Device:
        try:
            return self.devices[name]
        except KeyError:
            raise KeyError(f"no simulated device named {name!r}") from None

    def device_at(self, address: str) -> Device | None:
        try:
            wanted = names.parse_ip(address)
        except errors.SimError:
            return None
        return next((d for d in self.devices.values() if d.mgmt == wanted), None)

    # --- time -------------------------------------------------------------------------------
    def schedule(
        self, delay: float, action: Callable[[], None], label: str = "", *, staged: bool = False
    ) -> None:
        """Run `action` after `delay` seconds, alone. A `staged` action runs among readers and
        takes `lock` itself for the moment it changes what they see (a config sync's copy)."""
        run = action if staged else self._alone(action)
        self.timeline.schedule(self.clock.now() + max(0.0, delay), run, label)

    def _alone(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with self.lock:
                action()

        return run

    def tick(self) -> None:
        """Run the cluster events that are due (after any run already under way)."""
        with self.lock.serial():
            self.timeline.run_due(self.clock.now())

    def catch_up(self) -> None:
        """What a request does before it is answered: `tick` if anything is due, unless the
        ticker runs events (a read then sees a sync being applied as not yet done)."""
        if self._ticker is None and self.timeline.is_due(self.clock.now()):
            self.tick()

    def start_ticker(self) -> None:
        """On the real clock, start the thread that runs events when they fall due (while
        the cluster is served); a fake clock is moved by a test, and requests catch up."""
        if self._ticker is None and isinstance(self.clock, SystemClock):
            self._ticker = Ticker(self.timeline, self.clock, self.tick).start()

    def stop_ticker(self) -> None:
        ticker, self._ticker = self._ticker, None
        if ticker is not None:
            ticker.stop()

    def settle(self, max_seconds: float = 600.0) -> None:
        """Let time pass until nothing is pending (or `max_seconds` elapsed). With a `FakeClock`
        this returns at once, having moved the clock."""
        start = self.clock.now()
        while True:
            self.tick()
            due = self.timeline.next_due()
            if due is None or due - start > max_seconds:
                return
            self.clock.sleep(max(0.0, due - self.clock.now()))

    # --- availability -----------------------------------------------------------------------
    def reachable(self, dev: Device) -> bool:
        """Answers its peers: up, or down for less than the detection time."""
        if dev.up:
            return True
        since = self.down_since.get(dev.name, 0.0)
        return self.clock.now() < since + self.timing.failover_delay

    def available(self, dev: Device) -> bool:
        return self.reachable(dev) and not dev.forced_offline

    def connected(self, dev: Device, peer: Device) -> bool:
        """Config-sync connectivity: both reachable, both with a config-sync address."""
        return (
            self.reachable(dev)
            and self.reachable(peer)
            and dev.self_record().props.get("configsyncIp", "none") != "none"
            and peer.self_record().props.get("configsyncIp", "none") != "none"
        )

    def set_down(self, name: str, down: bool = True) -> None:
        """Take a device down (it stops answering) or bring it back."""
        with self.lock:
            dev = self.device(name)
            if dev.up == (not down):
                return
            dev.up = not down
            if down:
                self.down_since[name] = self.clock.now()
                self.schedule(
                    self.timing.failover_delay, self.failover_changed, f"{name} detected down"
                )
            else:
                self.down_since.pop(name, None)
                self._catch_up_groups(dev)
                self.failover_changed()

    def _replicator(self, origin: Device, path: str) -> Callable[[], None]:
        return lambda: self.replicate_group(origin, path)

    def _catch_up_groups(self, dev: Device) -> None:
        """A device back from down receives, over the trust, the device-group definitions it
        missed (device_trust_group keeps them in step on every trusted device) [D]."""
        for name in sorted(dev.trust - {dev.name}):
            peer = self.device(name)
            if not self.reachable(peer):
                continue
            for group in peer.store.items("cm/device-group"):
                if group.full_path in BUILTIN_GROUPS:
                    continue
                self.schedule(
                    self.timing.sync_delay,
                    self._replicator(peer, group.full_path),
                    f"replicate {group.full_path} to {dev.name} after it came back",
                )
            return

    def failover_changed(self) -> None:
        self.failover.recompute()

    # --- reactions to configuration changes ---------------------------------------------------
    def _on_change(self, dev: Device, rules: Rules, obj: Obj, old: Obj | None) -> None:
        kind = rules.kind.path
        if kind == "cm/device-group" and obj.full_path != TRUST_GROUP:
            self.schedule(
                self.timing.sync_delay,
                lambda: self.replicate_group(dev, obj.full_path),
                f"replicate {obj.full_path}",
            )
        # A synced object turned local (a floating self IP moved to traffic-group-local-only)
        # is a change of the synced configuration too: Changes Pending (issue 9, item 10).
        if rules.is_synced(obj) or (old is not None and rules.is_synced(old)):
            self.sync.record_change(dev)
        if kind in ("cm/traffic-group", "cm/device-group"):
            self.schedule(0, self.failover_changed, f"failover after {kind} change")

    def replicate_group(self, origin: Device, path: str) -> None:
        """Device-group definitions travel with the trust domain's own group
        (`device_trust_group`) to every trusted device, members or not: a group created on
        one device is readable on the others before they join it (f5-sdk's DeviceGroup.create
        reads it there) [C]. A device takes part in the group's config sync once a member."""
        group = origin.store.get("cm/device-group", path)
        members = (
            set()
            if group is None
            else {names.base_name(m) for m in group.children.get("devices", {})}
        )
        for name in sorted(origin.trust):
            peer = self.device(name)
            if not self.reachable(peer):
                continue
            if group is not None:
                if peer is not origin:
                    peer.store.put(copy.deepcopy(group))
                if name in members and (name, path) not in self.sync.views:
                    self.sync.group_joined(peer, path)
                elif name not in members:
                    self.sync.views.pop((name, path), None)
            elif peer is not origin and peer.store.get("cm/device-group", path) is not None:
                peer.store.remove("cm/device-group", path)
                self.sync.views.pop((name, path), None)
        self.failover_changed()

    def share_group_definitions(self, members: set[str]) -> None:
        """A device joining a trust domain receives the device groups its peers define."""
        for name in sorted(members):
            for group in self.device(name).store.items("cm/device-group"):
                if group.full_path in BUILTIN_GROUPS:
                    continue
                for other in sorted(members - {name}):
                    peer = self.device(other)
                    if peer.store.get("cm/device-group", group.full_path) is None:
                        peer.store.put(copy.deepcopy(group))

    def set_trust_members(self, members: set[str]) -> None:
        """Every device of a trust domain lists all of them (trust, device_trust_group)."""
        for name in members:
            dev = self.device(name)
            dev.trust = set(members)
            self.refresh_trust_group(dev)
        self.share_group_definitions(members)

    def refresh_trust_group(self, dev: Device) -> None:
        group = dev.store.get("cm/device-group", TRUST_GROUP)
        if group is None:
            return
        group = copy.deepcopy(group)
        group.children["devices"] = {
            f"/Common/{m}": Obj("cm/device-group/devices", f"/Common/{m}", {})
            for m in sorted(dev.trust)
        }
        dev.store.put(group)

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
