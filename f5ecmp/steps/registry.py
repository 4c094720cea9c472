"""The guide's twelve steps in order (``STEPS``), each wired to its reads, waits and checks.

Every step module holds the pure part (desired bodies and the diff); this module holds what
touches a device: which collection each step reads, what it waits for after applying, and how
the last step verifies the cluster as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from f5ecmp.errors import F5EcmpError
from f5ecmp.steps import (
    connectivity,
    device_group,
    floating_selfs,
    ntp,
    pool,
    spanning,
    static_selfs,
    status,
    traffic_groups,
    trust,
    virtual_server,
    vlans,
)
from f5ecmp.steps.base import Change, StepConflict, Target
from f5ecmp.steps.syncwait import check_direction, wait_in_sync
from f5ecmp.steps.waits import Waiter

Scope = Literal["each", "first"]
SAVE_PATH = "/mgmt/tm/sys/config"


class DeviceApi(Protocol):
    """What a step needs of a device client (``f5ecmp.client.Client`` provides it)."""

    name: str

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any: ...


@dataclass
class Context:
    """A run's view of the cluster: the playbook, a client per device name, credentials."""

    playbook: Any
    clients: Mapping[str, DeviceApi]
    credentials: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    waiter: Waiter = field(default_factory=Waiter)
    # Answers already read for another purpose (the identity guard reads every device's
    # cm/device), by (device name, path): each is used once, by the first step that needs it.
    prefetched: dict[tuple[str, str], Any] = field(default_factory=dict)

    def read(self, device: Any, path: str, params: Mapping[str, str] | None = None) -> Any:
        if params is None and (device.name, path) in self.prefetched:
            return self.prefetched.pop((device.name, path))
        return self.client(device).get(path, params)

    def target(self, device: Any) -> Target:
        return Target(self.playbook, device, self.credentials)

    def client(self, device: Any) -> DeviceApi:
        return self.clients[device.name]

    @property
    def authority(self) -> Any:
        return self.playbook.authority


def get_or_none(client: DeviceApi, path: str, params: Mapping[str, str] | None = None) -> Any:
    """GET an object; None when the device says it does not exist (404 with mcpd's
    01020036 "was not found"), never for a 404 of a restarting REST service."""
    try:
        return client.get(path, params)
    except F5EcmpError as exc:
        if getattr(exc, "status", None) == 404 and not getattr(exc, "busy", False):
            message = str(getattr(exc, "message", ""))
            if "01020036" in message or "not found" in message.lower():
                return None
        raise


@dataclass(frozen=True)
class Step:
    number: int
    id: str
    title: str
    scope: Scope
    plan: Callable[[Context, Any], list[Change]]
    settle: Callable[[Context, Any], None] = lambda _ctx, _device: None


# -- reads + diffs ---------------------------------------------------------------------------


def _plan_vlans(ctx: Context, device: Any) -> list[Change]:
    answer = ctx.read(device, vlans.VLAN_COLLECTION, vlans.READ_PARAMS)
    return vlans.diff(vlans.read(answer), ctx.target(device))


def _plan_static_selfs(ctx: Context, device: Any) -> list[Change]:
    answer = ctx.read(device, static_selfs.READ_PATH)
    return static_selfs.diff(static_selfs.read(answer), ctx.target(device))


def _plan_ntp(ctx: Context, device: Any) -> list[Change]:
    client = ctx.client(device)
    dns = client.get(ntp.DNS_PATH) if ctx.playbook.dns.servers else {}
    return ntp.diff(client.get(ntp.NTP_PATH), dns, ctx.target(device))


def _plan_trust(ctx: Context, device: Any) -> list[Change]:
    known = trust.known_devices(ctx.read(device, trust.DEVICE_COLLECTION))
    return trust.diff(known, ctx.target(device))


def _settle_trust(ctx: Context, device: Any) -> None:
    wanted = {d.name: str(d.mgmt) for d in ctx.playbook.devices}

    def probe() -> tuple[bool, list[str]]:
        known = trust.known_devices(ctx.client(device).get(trust.DEVICE_COLLECTION))
        missing = [name for name, mgmt in wanted.items() if known.get(name) != mgmt]
        return not missing, missing

    ctx.waiter.until("every device to join the trust domain", probe)


def _plan_connectivity(ctx: Context, device: Any) -> list[Change]:
    own = connectivity.self_device(ctx.read(device, connectivity.DEVICE_COLLECTION))
    if own is None:
        raise StepConflict(f"{device.name} lists no cm device record of its own (selfDevice true)")
    return connectivity.diff(own, ctx.target(device))


def _initial_sync_done(ctx: Context, device: Any) -> bool:
    answer = status.sync_status(ctx.client(device).get(status.SYNC_STATUS_PATH))
    group = answer.group_status(ctx.playbook.device_group.name)
    state = group if group is not None else answer.status
    return state not in ("Awaiting Initial Sync", "Standalone", "")


def _plan_device_group(ctx: Context, device: Any) -> list[Change]:
    client = ctx.client(device)
    current = device_group.read(
        get_or_none(client, device_group.dg_path(ctx.playbook), device_group.READ_PARAMS)
    )
    synced = current is not None and _initial_sync_done(ctx, device)
    return device_group.diff(current, synced, ctx.target(device))


def _settle_sync(ctx: Context, device: Any) -> None:
    """Wait until every device reports the group In Sync (steps 6 and 12)."""
    wait_in_sync(ctx)


def _plan_pool(ctx: Context, device: Any) -> list[Change]:
    answer = get_or_none(ctx.client(device), pool.pool_path(ctx.playbook), pool.READ_PARAMS)
    return pool.diff(pool.read(answer), ctx.target(device))


def _plan_virtual(ctx: Context, device: Any) -> list[Change]:
    path = virtual_server.virtual_path(ctx.playbook)
    answer = get_or_none(ctx.client(device), path, virtual_server.READ_PARAMS)
    return virtual_server.diff(virtual_server.read(answer), ctx.target(device))


def _plan_spanning(ctx: Context, device: Any) -> list[Change]:
    answer = get_or_none(ctx.client(device), spanning.va_path(ctx.playbook))
    return spanning.diff(spanning.read(answer), ctx.target(device))


def _plan_traffic_groups(ctx: Context, device: Any) -> list[Change]:
    answer = ctx.read(device, traffic_groups.TG_COLLECTION)
    changes = traffic_groups.diff(traffic_groups.read(answer), ctx.target(device))
    if not any(c.action == "modify" and "haOrder" in (c.body or {}) for c in changes):
        return changes
    # Only then: where do the groups run now (one more read, so the plan can say what moves).
    states = status.traffic_group_states(ctx.client(device).get(status.TG_STATS_PATH))
    active = {tg: [d for d, s in by.items() if s == "active"] for tg, by in states.items()}
    return traffic_groups.with_moves(changes, active)


def _plan_floating(ctx: Context, device: Any) -> list[Change]:
    answer = ctx.read(device, floating_selfs.READ_PATH)
    return floating_selfs.diff(floating_selfs.read(answer), ctx.target(device))


def read_everywhere(ctx: Context, path: str) -> dict[str, Any]:
    """``GET path`` on every device at once: device name → answer."""
    devices = list(ctx.playbook.devices)
    with ThreadPoolExecutor(max_workers=len(devices)) as pool:
        answers = pool.map(lambda d: ctx.client(d).get(path), devices)
        return {d.name: a for d, a in zip(devices, answers, strict=True)}


def _plan_sync(ctx: Context, device: Any) -> list[Change]:
    group = ctx.playbook.device_group.name
    seen = {
        n: status.sync_status(a) for n, a in read_everywhere(ctx, status.SYNC_STATUS_PATH).items()
    }
    if all(found.group_state(group) == "In Sync" for found in seen.values()):
        return []
    check_direction(ctx, seen)
    return [device_group.sync_command(ctx.playbook)]


STEPS: tuple[Step, ...] = (
    Step(1, "vlans", "Creating VLANs", "each", _plan_vlans),
    Step(2, "static_selfs", "Creating static self IP addresses", "each", _plan_static_selfs),
    Step(3, "ntp", "Specifying a list of NTP servers", "each", _plan_ntp),
    Step(4, "trust", "Establishing device trust", "first", _plan_trust, _settle_trust),
    Step(5, "connectivity", "Specifying config sync, failover, and mirroring addresses", "each", _plan_connectivity),
    Step(6, "device_group", "Creating a Sync-Failover device group", "first", _plan_device_group, _settle_sync),
    Step(7, "pool", "Creating a server pool", "first", _plan_pool),
    Step(8, "virtual_server", "Creating a destination address and port", "first", _plan_virtual),
    Step(9, "spanning", "Enabling the virtual address to span all devices", "first", _plan_spanning),
    Step(10, "traffic_groups", "Creating traffic groups for failover", "first", _plan_traffic_groups),
    Step(11, "floating_selfs", "Creating floating self IP addresses", "first", _plan_floating),
    Step(12, "sync", "Syncing the BIG-IP configuration to the device group", "first", _plan_sync, _settle_sync),
)  # fmt: skip

STEP_IDS = tuple(step.id for step in STEPS)


def save_config_change(device_name: str) -> Change:
    return Change(
        "command",
        "POST",
        SAVE_PATH,
        {"command": "save"},
        f"save the configuration of {device_name}",
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def step_inputs(step_id: str, pb: Any, device: Any) -> str:
    """A digest of the playbook settings a step acts on (for one device): a resumed run
    re-runs a step that finished before only when this changed."""
    import hashlib
    import json

    devices = list(pb.devices)
    parts: dict[str, Any] = {
        "vlans": pb.vlans,
        "static_selfs": (pb.vlans, device.static_selfs, device.name),
        "ntp": (pb.ntp, pb.dns),
        "trust": [(d.name, str(d.mgmt)) for d in devices],
        "connectivity": (device.static_selfs, device.connectivity, str(device.mgmt)),
        "device_group": (pb.device_group, [d.name for d in devices]),
        "pool": (pb.pool, pb.partition),
        "virtual_server": (pb.virtual_server, pb.pool.name, pb.partition),
        "spanning": (pb.virtual_address, pb.virtual_server, pb.partition),
        "traffic_groups": [(d.name, d.traffic_group) for d in devices],
        "floating_selfs": (
            pb.vlans,
            [(d.name, d.floating_selfs, d.traffic_group.name) for d in devices],
        ),
        "sync": pb,
    }
    text = json.dumps(_plain(parts[step_id]), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def playbook_fingerprint(pb: Any) -> str:
    import hashlib

    return hashlib.sha256(pb.model_dump_json().encode()).hexdigest()
