"""Failover commands and reads for a drill: force a traffic group (or a whole device) to
standby, offline and online; where each traffic group runs; a group's auto failback.

The commands (reference/icontrol-rest.md §4.9, reference/router-ecmp.md §4): ``POST
/mgmt/tm/sys/failover`` with ``{"command":"run","standby":true,"traffic-group":NAME}`` on the
device where the group is active — the hyphenated key is the one f5-sdk documents —,
``{"command":"run","offline":true}`` and ``{"command":"run","online":true}`` on a device.

Bringing a group home by force: a forced standby moves a group to the first *available*
device of its HA order other than the one it leaves (the one ``nextActive`` names). Home is
the first device of that order, so one standby on the device holding the group brings it
home whenever home is available, with 3 devices as with 8. The drill still re-reads after
each hop and gives up after one hop per device, so a group that lands elsewhere (home
unavailable, an HA order changed by hand) is reported rather than chased around the
cluster. tmsh's ``run sys failover standby traffic-group X device Y`` would name the target
outright, but none of F5's REST clients we could read sends that form, so it is not used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from f5ecmp.bigip.api import DeviceApi
from f5ecmp.bigip.changes import Change, command
from f5ecmp.bigip.cluster import GroupState, read_groups
from f5ecmp.bigip.normalize import flag, integer, uri_name
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook.model import Playbook

FAILOVER_PATH = "/mgmt/tm/sys/failover"
TG_COLLECTION = "/mgmt/tm/cm/traffic-group"
DEFAULT_FAILBACK_S = 60  # BIG-IP's default autoFailbackTime


def standby(device: str, group: str) -> Change:
    """Force ``group`` to standby on ``device`` (where it is active): it moves on."""
    body = {"command": "run", "standby": True, "traffic-group": group}
    return command(FAILOVER_PATH, body, f"force {group} to standby on {device}", device=device)


def offline(device: str) -> Change:
    """Force ``device`` offline: every group active there moves on, and none comes back
    until it is online again."""
    body = {"command": "run", "offline": True}
    return command(FAILOVER_PATH, body, f"force {device} offline", device=device)


def online(device: str) -> Change:
    body = {"command": "run", "online": True}
    return command(FAILOVER_PATH, body, f"bring {device} back online", device=device)


@dataclass(frozen=True)
class Failback:
    """A traffic group's auto failback, as the device reports it."""

    enabled: bool
    time_s: int


def read_failback(client: DeviceApi, group: str) -> Failback:
    """``autoFailbackEnabled`` and ``autoFailbackTime`` of ``group`` (``cm/traffic-group``)."""
    body: Any = client.get(f"{TG_COLLECTION}/{uri_name(group)}")
    seconds = integer(body.get("autoFailbackTime"))
    return Failback(
        enabled=flag(body.get("autoFailbackEnabled")) is True,
        time_s=DEFAULT_FAILBACK_S if seconds is None else seconds,
    )


class NoReader(F5EcmpError):
    """No device answered a read of where the traffic groups run."""


@dataclass
class PlacementReader:
    """Where each traffic group runs, read from the first device that answers: the one that
    answered last time first, so a device that went away costs one failed read, not one per
    poll."""

    pb: Playbook
    clients: Mapping[str, DeviceApi]
    order: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.order = list(self.order or self.clients)

    def __call__(self) -> dict[str, GroupState]:
        errors: list[str] = []
        for name in list(self.order):
            try:
                groups = read_groups(self.pb, self.clients[name])
            except F5EcmpError as exc:
                errors.append(str(exc))
                continue
            self.order = [name, *(n for n in self.order if n != name)]
            return {g.name: g for g in groups}
        raise NoReader("no device answered: " + "; ".join(errors))
