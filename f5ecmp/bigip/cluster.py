"""The one reader of cluster state: what the devices themselves report about the cluster.

Per device: reachable, version, config-sync status of the group, failover status, the
floating self IPs it holds, and the virtual address's spanning and ARP. Per traffic group:
the device it is active on, the one that would take over, and the router's next hop for it
(its device's floating external self IP, from the playbook). Used by the last step's final
check (guide: "Configuration Result"), by ``f5ecmp status``, and by the failover drill before,
during and after each move.

Healthy means every device answers, reports the group In Sync and is ACTIVE, holds every
floating self IP in its device's traffic group, the virtual address spans with ARP off
everywhere, and each traffic group runs on the first device of its HA order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from f5ecmp.bigip import selfips
from f5ecmp.bigip.api import DeviceApi, get_or_none, in_parallel
from f5ecmp.bigip.normalize import flag, interface, short_name, uri_name
from f5ecmp.bigip.stats import (
    FAILOVER_STATUS_PATH,
    SYNC_STATUS_PATH,
    TG_STATS_PATH,
    VERSION_PATH,
    SyncStatus,
    first_entry,
    sync_status,
    traffic_group_field,
    version,
)
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook.model import FLOATING_ROLES, Playbook

VA_COLLECTION = "/mgmt/tm/ltm/virtual-address"


def address_name(pb: Playbook) -> str:
    """The virtual address's name: the virtual server's address (or network)."""
    dest = pb.virtual_server.destination
    return str(dest.network.network_address if dest.network.num_addresses > 1 else dest.ip)


def va_path(pb: Playbook) -> str:
    return f"{VA_COLLECTION}/{uri_name(address_name(pb), pb.partition)}"


@dataclass
class DeviceState:
    name: str
    reachable: bool
    version: str = ""
    sync: str = ""
    failover: str = ""
    spanning: str = ""
    arp: str = ""
    error: str = ""
    floating_problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = dict(vars(self))
        out.pop("floating_problems")
        return out


@dataclass
class GroupState:
    name: str
    owner: str  # the first device of its HA order: where it belongs
    active: list[str] = field(default_factory=list)
    next_active: list[str] = field(default_factory=list)
    # The upstream router's next hop for this group: its floating external self IP, which
    # answers on whichever device the group is active on (guide: the router sends the
    # application's packets to the floating external self IPs).
    next_hop: str = ""

    @property
    def home(self) -> bool:
        return self.active == [self.owner]


@dataclass
class ClusterState:
    devices: list[DeviceState]
    groups: list[GroupState]

    @property
    def problems(self) -> list[str]:
        out: list[str] = []
        for d in self.devices:
            if not d.reachable:
                out.append(f"{d.name}: unreachable ({d.error})")
                continue
            if d.sync != "In Sync":
                out.append(f"{d.name}: sync status {d.sync or 'unknown'}, not In Sync")
            if d.failover != "ACTIVE":
                out.append(f"{d.name}: failover status {d.failover or 'unknown'}")
            if flag(d.spanning) is not True or flag(d.arp) is not False:
                out.append(f"{d.name}: virtual address spanning {d.spanning}, ARP {d.arp}")
            out.extend(f"{d.name}: {p}" for p in d.floating_problems)
        out.extend(self.placement_problems)
        return out

    @property
    def placement_problems(self) -> list[str]:
        return [
            f"{g.name} is active on {', '.join(g.active) or 'no device'}, expected {g.owner}"
            for g in self.groups
            if not g.home
        ]

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "problems": self.problems,
            "devices": [d.as_dict() for d in self.devices],
            "traffic_groups": [vars(g) for g in self.groups],
        }


def _failover(answer: Any) -> str:
    value = first_entry(answer).get("status", {})
    return str(value.get("description", "")) if isinstance(value, dict) else ""


def _floating_problems(pb: Playbook, collection: Any) -> list[str]:
    held = selfips.parse(collection)
    problems = []
    vlans = pb.vlans.by_role()
    for device in pb.devices:
        for role in FLOATING_ROLES:
            name = device.floating_self_name(role)
            address = device.floating_selfs.by_role()[role].address
            want = selfips.WantedSelf(
                name, address, vlans[role].name, device.traffic_group.name, "none", ""
            )
            have = selfips.find(held, want)
            if have is None:
                problems.append(f"floating self IP {name} ({address}) is missing")
            elif (
                interface(have.get("address")) != address
                or short_name(have.get("trafficGroup")) != device.traffic_group.name
            ):
                problems.append(
                    f"floating self IP {name} is {have.get('address')} on {have.get('trafficGroup')}"
                )
    return problems


def read_device(
    pb: Playbook,
    client: DeviceApi,
    name: str,
    *,
    sync: SyncStatus | None = None,
    with_version: bool = True,
) -> DeviceState:
    """One device's view, its reads sent at once; ``sync``: its sync status when already read
    (not read again)."""
    reads: dict[str, Callable[[], Any]] = {
        "va": lambda: get_or_none(client, va_path(pb)) or {},
        "failover": lambda: client.get(FAILOVER_STATUS_PATH),
        "selfs": lambda: client.get(selfips.SELF_COLLECTION),
    }
    if sync is None:
        reads["sync"] = lambda: client.get(SYNC_STATUS_PATH)
    if with_version:
        reads["version"] = lambda: client.get(VERSION_PATH)
    try:
        got = in_parallel(reads, lambda key: reads[key]())
    except F5EcmpError as exc:
        return DeviceState(name=name, reachable=False, error=str(exc))
    found = sync if sync is not None else sync_status(got["sync"])
    va = got["va"]
    return DeviceState(
        name=name,
        reachable=True,
        version=version(got["version"]) if with_version else "",
        sync=found.group_state(pb.device_group.name),
        failover=_failover(got["failover"]),
        spanning=str(va.get("spanning", "missing")),
        arp=str(va.get("arp", "missing")),
        floating_problems=_floating_problems(pb, got["selfs"]),
    )


def read_groups(pb: Playbook, client: DeviceApi) -> list[GroupState]:
    """Where each of the playbook's traffic groups is active, as one device reports it."""
    answer = client.get(TG_STATS_PATH)
    states = traffic_group_field(answer, "failoverState")
    nexts = traffic_group_field(answer, "nextActive")
    out = []
    for device in pb.devices:
        name = device.traffic_group.name
        out.append(
            GroupState(
                name=name,
                owner=pb.ha_order(device)[0],
                active=sorted(n for n, s in states.get(name, {}).items() if s == "active"),
                next_active=sorted(n for n, v in nexts.get(name, {}).items() if v == "true"),
                next_hop=str(device.floating_selfs.external.address.ip),
            )
        )
    return out


def read_cluster(
    pb: Playbook,
    clients: Mapping[str, DeviceApi],
    unreachable: Mapping[str, str] | None = None,
    *,
    sync: Mapping[str, SyncStatus] | None = None,
    with_version: bool = True,
) -> ClusterState:
    """Read every device at once; devices that could not be logged into are reported.
    ``sync``: the sync statuses already read, by device, so they are not read again."""
    gone = dict(unreachable or {})
    here = [d.name for d in pb.devices if d.name not in gone and d.name in clients]
    known = sync or {}
    read = in_parallel(
        here,
        lambda n: read_device(pb, clients[n], n, sync=known.get(n), with_version=with_version),
    )
    devices = [
        read.get(d.name) or DeviceState(d.name, False, error=gone.get(d.name, "not connected"))
        for d in pb.devices
    ]
    groups: list[GroupState] = []
    for d in devices:
        if d.reachable:
            try:
                groups = read_groups(pb, clients[d.name])
            except F5EcmpError:
                continue
            break
    return ClusterState(devices, groups)
