"""Device-group definitions travelling between trusted devices (reference §5.1).

A device group's definition travels with the trust domain's own group (`device_trust_group`)
to every trusted device, members or not; config sync never carries it. A device that comes
back after being down receives the definitions it missed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from .. import names
from ..device import Device
from .collaborators import FailoverChanged, ReplicationPeers, Scheduler
from .models import BUILTIN_GROUPS
from .sync import SyncState


class GroupReplication:
    """Keeps every trusted device's copy of each device group in step."""

    def __init__(
        self,
        peers: ReplicationPeers,
        events: Scheduler,
        delay: float,
        sync: SyncState,
        failover_changed: FailoverChanged,
    ) -> None:
        self.peers = peers
        self.events = events
        self.delay = delay  # the config-sync delay: definitions travel as a sync does
        self.sync = sync
        self.failover_changed = failover_changed

    def group_changed(self, origin: Device, path: str) -> None:
        """A device group was created, changed or deleted on `origin`."""
        self.events.schedule(self.delay, self._replicator(origin, path), f"replicate {path}")

    def _replicator(self, origin: Device, path: str) -> Callable[[], None]:
        return lambda: self.replicate_group(origin, path)

    def catch_up(self, dev: Device) -> None:
        """A device back from down receives, over the trust, the device-group definitions it
        missed (device_trust_group keeps them in step on every trusted device) [D]."""
        for name in sorted(dev.trust - {dev.name}):
            peer = self.peers.device(name)
            if not self.peers.reachable(peer):
                continue
            for group in peer.store.items("cm/device-group"):
                if group.full_path in BUILTIN_GROUPS:
                    continue
                self.events.schedule(
                    self.delay,
                    self._replicator(peer, group.full_path),
                    f"replicate {group.full_path} to {dev.name} after it came back",
                )
            return

    def replicate_group(self, origin: Device, path: str) -> None:
        """Copy `origin`'s definition of a group (or its deletion) to every reachable trusted
        device: a group created on one device is readable on the others before they join it
        (f5-sdk's DeviceGroup.create reads it there) [C]. A device takes part in the group's
        config sync once a member."""
        group = origin.store.get("cm/device-group", path)
        members = (
            set()
            if group is None
            else {names.base_name(m) for m in group.children.get("devices", {})}
        )
        for name in sorted(origin.trust):
            peer = self.peers.device(name)
            if not self.peers.reachable(peer):
                continue
            if group is not None:
                if peer is not origin:
                    peer.store.put(copy.deepcopy(group))
                if name in members:
                    self.sync.member_of(peer, path)
                else:
                    self.sync.left(name, path)
            elif peer is not origin and peer.store.get("cm/device-group", path) is not None:
                peer.store.remove("cm/device-group", path)
                self.sync.left(name, path)
        self.failover_changed()
