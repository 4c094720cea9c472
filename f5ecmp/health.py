"""``f5ecmp status``: the cluster's health as the devices report it, read-only.

Per device: reachable, version, sync status, failover state. Per traffic group: where it is
active and which device would take over. The virtual address's spanning and ARP on each
device. Healthy means every device answers, is In Sync and ACTIVE, each traffic group runs on
the first device of its HA order, and the virtual address spans with ARP off everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from f5ecmp.errors import F5EcmpError
from f5ecmp.steps import spanning, status
from f5ecmp.steps.normalize import flag
from f5ecmp.steps.registry import get_or_none


@dataclass
class DeviceHealth:
    name: str
    reachable: bool
    version: str = ""
    sync: str = ""
    failover: str = ""
    spanning: str = ""
    arp: str = ""
    error: str = ""


@dataclass
class GroupHealth:
    name: str
    owner: str
    active: list[str] = field(default_factory=list)
    next_active: list[str] = field(default_factory=list)


@dataclass
class Health:
    devices: list[DeviceHealth]
    groups: list[GroupHealth]
    problems: list[str]

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "problems": self.problems,
            "devices": [vars(d) for d in self.devices],
            "traffic_groups": [vars(g) for g in self.groups],
        }


def _failover(answer: Any) -> str:
    fields = status.first_entry(answer)
    value = fields.get("status", {})
    return str(value.get("description", "")) if isinstance(value, dict) else ""


def device_health(pb: Any, client: Any, name: str) -> DeviceHealth:
    try:
        va = get_or_none(client, spanning.va_path(pb)) or {}
        return DeviceHealth(
            name=name,
            reachable=True,
            version=status.version(client.get(status.VERSION_PATH)),
            sync=status.sync_status(client.get(status.SYNC_STATUS_PATH)).group_state(
                pb.device_group.name
            ),
            failover=_failover(client.get(status.FAILOVER_STATUS_PATH)),
            spanning=str(va.get("spanning", "missing")),
            arp=str(va.get("arp", "missing")),
        )
    except F5EcmpError as exc:
        return DeviceHealth(name=name, reachable=False, error=str(exc))


def cluster_health(
    pb: Any, clients: dict[str, Any], unreachable: dict[str, str] | None = None
) -> Health:
    gone = unreachable or {}
    devices = [
        DeviceHealth(d.name, False, error=gone[d.name]) if d.name in gone
        else device_health(pb, clients[d.name], d.name)
        for d in pb.devices
    ]  # fmt: skip
    problems = []
    for d in devices:
        if not d.reachable:
            problems.append(f"{d.name}: unreachable ({d.error})")
            continue
        if d.sync != "In Sync":
            problems.append(f"{d.name}: sync status {d.sync}")
        if d.failover != "ACTIVE":
            problems.append(f"{d.name}: failover status {d.failover}")
        if flag(d.spanning) is not True or flag(d.arp) is not False:
            problems.append(f"{d.name}: virtual address spanning {d.spanning}, ARP {d.arp}")
    groups = _groups(pb, clients, devices)
    for g in groups:
        if g.active != [g.owner]:
            problems.append(
                f"{g.name}: active on {', '.join(g.active) or 'no device'}, expected {g.owner}"
            )
    return Health(devices, groups, problems)


def _groups(pb: Any, clients: dict[str, Any], devices: list[DeviceHealth]) -> list[GroupHealth]:
    reachable = [d.name for d in devices if d.reachable]
    if not reachable:
        return []
    try:
        answer = clients[reachable[0]].get(status.TG_STATS_PATH)
    except F5EcmpError:
        return []
    states = status.traffic_group_states(answer)
    nexts = status.traffic_group_field(answer, "nextActive")
    out = []
    for device in pb.devices:
        name = device.traffic_group.name
        by_device = states.get(name, {})
        out.append(GroupHealth(
            name=name, owner=pb.ha_order(device)[0],
            active=sorted(n for n, s in by_device.items() if s == "active"),
            next_active=sorted(n for n, v in nexts.get(name, {}).items() if v == "true"),
        ))  # fmt: skip
    return out
