"""Open a client per device and check, before any write, that each is the device expected.

The identity guard reads each device's own ``cm device`` record: the name must be the one
the playbook gives for that address, and every device must run the same version (device
trust requires it — guide: "Specifying config sync, failover, and mirroring addresses").
Any mismatch stops the run before a single write, naming what was expected and found.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from f5ecmp.bigip.api import DEVICE_COLLECTION, Json, self_device
from f5ecmp.bigip.membership import DEVICE_GROUPS_PATH, GROUPS_PARAMS, leaving, trusted_others
from f5ecmp.bigip.normalize import items
from f5ecmp.client import Client, RetryPolicy, Timeouts
from f5ecmp.endpoints import Endpoints
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook import Playbook


class IdentityError(F5EcmpError):
    """A device is not the one the playbook expects, or versions differ."""


class ConnectError(F5EcmpError):
    """One or more devices could not be logged into; the message has one line per device,
    and ``failures`` each device's own error."""

    def __init__(self, failures: Mapping[str, F5EcmpError]) -> None:
        self.failures = dict(failures)
        super().__init__("\n".join(str(f) for f in self.failures.values()))


@dataclass(frozen=True)
class DeviceInfo:
    name: str
    version: str
    devices: Json = field(default=None, repr=False, compare=False)  # the cm/device answer
    base_mac: str = ""  # a stable identity of the box: survives renames and readdressing
    chassis_id: str = ""


@dataclass(frozen=True)
class Options:
    verify: bool | str = True
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    read_only: bool = False


def open_clients(
    pb: Playbook,
    endpoints: Endpoints,
    credentials: Mapping[str, tuple[str, str]],
    options: Options,
    sleep: Callable[[float], None] | None = None,
    *,
    best_effort: bool = False,
    unreachable: dict[str, str] | None = None,
) -> dict[str, Client]:
    """Log into every device in parallel; raise ConnectError naming every failure, or with
    ``best_effort`` return the devices that answered and note the others in ``unreachable``."""
    unreachable = {} if unreachable is None else unreachable
    clients = {}
    secrets = tuple(password for _, password in credentials.values())
    for device in pb.devices:
        endpoint = endpoints.devices[device.name]
        username, password = credentials[device.name]
        clients[device.name] = Client(
            name=device.name, host=endpoint.host, port=endpoint.port, username=username,
            password=password, verify=options.verify, timeouts=options.timeouts,
            retry=options.retry, read_only=options.read_only, sleep=sleep or time.sleep,
            also_secret=secrets,
        )  # fmt: skip

    def connect(client: Client) -> F5EcmpError | None:
        try:
            client.connect()
        except F5EcmpError as exc:
            return exc
        return None

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        outcomes = dict(zip(clients, pool.map(connect, clients.values()), strict=True))
    failures = {name: f for name, f in outcomes.items() if f is not None}
    if failures and not best_effort:
        close_all(clients)
        raise ConnectError(failures)
    for name in failures:  # best effort: report them, work with the others
        clients.pop(name).close()
    unreachable.update({name: str(f) for name, f in failures.items()})
    return clients


def check_identity(
    pb: Playbook, clients: Mapping[str, Client], *, one_version: bool = True
) -> dict[str, DeviceInfo]:
    """Every device answers as the playbook's device at that address, all on one version
    (``one_version=False``: versions may differ, for ``status``; see :func:`mixed_versions`)."""

    def read(name: str) -> DeviceInfo:
        answer = clients[name].get(DEVICE_COLLECTION)
        own = self_device(answer)
        if own is None:
            raise IdentityError(f"{name}: the device lists no cm device record of its own")
        return DeviceInfo(
            str(own.get("name")), str(own.get("version", "unknown")), answer,
            str(own.get("baseMac", "")), str(own.get("chassisId", "")),
        )  # fmt: skip

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        infos = dict(zip(clients, pool.map(read, clients), strict=True))
    problems = []
    for device in pb.devices:
        found = infos[device.name]
        if found.name != device.name:
            endpoint = f"{clients[device.name].host}:{clients[device.name].port}"
            problems.append(
                f"{endpoint} is device {found.name}, but the playbook expects {device.name} there"
            )
    versions = {info.version for info in infos.values()}
    if len(versions) > 1 and one_version:
        listing = ", ".join(f"{name} {info.version}" for name, info in infos.items())
        problems.append(
            f"devices run different versions ({listing}): device trust needs one version"
        )
    if problems:
        raise IdentityError("\n".join(problems))
    return infos


def mixed_versions(pb: Playbook, infos: Mapping[str, DeviceInfo]) -> list[str]:
    """One line per device that runs another version than most devices (than the first
    device, on a tie); none when all run one version."""
    counts = Counter(info.version for info in infos.values())
    if len(counts) <= 1:
        return []
    first = infos[pb.authority.name].version if pb.authority.name in infos else None
    top = max(counts.values())
    usual = first if first is not None and counts[first] == top else counts.most_common(1)[0][0]
    return [
        f"{name} runs TMOS {info.version}, the others {usual}: device trust needs one "
        "version, so plan and apply refuse until they match"
        for name, info in infos.items()
        if info.version != usual
    ]


def close_all(clients: Mapping[str, Client]) -> None:
    """Log out of every device at once (each deletes its own token)."""
    if len(clients) <= 1:
        for client in clients.values():
            client.close()
        return
    with ThreadPoolExecutor(max_workers=len(clients), thread_name_prefix="logout") as pool:
        list(pool.map(lambda c: c.close(), clients.values()))


# How a cm device record says it has no management address (never an address to connect to).
_NO_ADDRESS = ("none", "::")


def open_leaving(
    pb: Playbook,
    authority: Client,
    authority_devices: Json,
    endpoints: Endpoints,
    credentials: Mapping[str, tuple[str, str]],
    options: Options,
    unreachable: dict[str, str],
    hint: frozenset[str] = frozenset(),
) -> dict[str, Client]:
    """Log into the devices the first device trusts that the playbook no longer names — the
    ones a scale-in removes — to take their traffic group off them and reset their trust.
    Best effort and quick (one attempt): a dead unit being replaced is noted in
    ``unreachable`` and decommissioned from the remaining devices alone. Each must answer
    under its own name. They log in with the first device's credentials (the playbook no
    longer names theirs)."""
    if not trusted_others(pb, authority_devices):
        return {}  # the usual case: the trust domain is the playbook's devices
    groups = authority.get(DEVICE_GROUPS_PATH, GROUPS_PARAMS)
    names = set(leaving(pb, authority_devices, groups, hint))
    ports = {d.port for d in pb.devices}
    port = ports.pop() if len(ports) == 1 else 443
    user, password = credentials[pb.authority.name]
    secrets = tuple(p for _, p in credentials.values())
    out: dict[str, Client] = {}
    for item in items(authority_devices):
        name = str(item.get("name", ""))
        if name not in names:
            continue
        endpoint = endpoints.others.get(name)
        host = endpoint.host if endpoint else str(item.get("managementIp", ""))
        if not host or host in _NO_ADDRESS:
            unreachable[name] = "no management address known"
            continue
        client = Client(
            name=name, host=host, port=endpoint.port if endpoint else port, username=user,
            password=password, verify=options.verify, timeouts=options.timeouts,
            retry=dataclasses.replace(options.retry, attempts=1), read_only=options.read_only,
            also_secret=secrets,
        )  # fmt: skip
        try:
            client.connect()
            own = self_device(client.get(DEVICE_COLLECTION))
            if own is None or own.get("name") != name:
                raise IdentityError(
                    f"{client.host}:{client.port} answers as {own and own.get('name')}, not {name}"
                )
        except F5EcmpError as exc:
            client.close()
            unreachable[name] = str(exc)
            continue
        out[name] = client
    return out
