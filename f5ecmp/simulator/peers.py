"""The devices of a cluster as its behaviours see them: by name or management address, and
whether they answer.

A device that is taken down stops answering its clients at once, but its peers notice only
after the detection time (`Timing.failover_delay`): until then it is still `reachable`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from . import errors, names
from .device import Device


class Peers:
    """Every device of one cluster, and which of them answer whom."""

    def __init__(self, now: Callable[[], float], detection_delay: float) -> None:
        self.devices: dict[str, Device] = {}
        self.down_since: dict[str, float] = {}
        self._now = now
        self.detection_delay = detection_delay  # how long peers take to notice a device down

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

    def members(self) -> Iterable[Device]:
        return self.devices.values()

    def set_up(self, dev: Device, up: bool) -> None:
        """The device answers again, or stops answering from now on."""
        dev.up = up
        if up:
            self.down_since.pop(dev.name, None)
        else:
            self.down_since[dev.name] = self._now()

    def reachable(self, dev: Device) -> bool:
        """Answers its peers: up, or down for less than the detection time."""
        if dev.up:
            return True
        since = self.down_since.get(dev.name, 0.0)
        return self._now() < since + self.detection_delay

    def available(self, dev: Device) -> bool:
        """Can hold a traffic group: reachable and not forced offline."""
        return self.reachable(dev) and not dev.forced_offline

    def connected(self, dev: Device, peer: Device) -> bool:
        """Config-sync connectivity: both reachable, both with a config-sync address."""
        return (
            self.reachable(dev)
            and self.reachable(peer)
            and dev.self_record().props.get("configsyncIp", "none") != "none"
            and peer.self_record().props.get("configsyncIp", "none") != "none"
        )

    def replace(self, devices: dict[str, Device]) -> None:
        """Every device anew (a reset), in one assignment: readers never see none."""
        self.devices = devices
        self.down_since.clear()
