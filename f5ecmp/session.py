"""Everything a command needs to talk to a cluster: where, with what trust, as whom.

Three ways to reach the devices: the playbook's management addresses (real devices), an
endpoints file written by ``f5ecmp sim serve``, or ``--simulate``: a simulated cluster of the
playbook's devices served in-process on loopback for the length of the command.
"""

from __future__ import annotations

import contextlib
import os
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from f5ecmp import credentials as creds
from f5ecmp import endpoints as eps
from f5ecmp.bigip.api import DEVICE_COLLECTION
from f5ecmp.bigip.waits import Waiter
from f5ecmp.client import Client, RetryPolicy, Timeouts
from f5ecmp.connect import (
    DeviceInfo,
    Options,
    check_identity,
    close_all,
    open_clients,
    open_leaving,
)
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook import Playbook
from f5ecmp.steps.base import Context

if TYPE_CHECKING:
    from f5ecmp.simulator import Clock, SimServer, Timing

SIM_DEFAULT_CREDENTIALS = ("admin", "admin")


@dataclass(frozen=True)
class Settings:
    """How to reach the devices (from the playbook's ``tls`` and the command line)."""

    simulate: bool = False
    endpoints_file: Path | None = None
    ca_bundle: str | None = None
    insecure: bool = False
    timeouts: Timeouts = field(default_factory=Timeouts)
    read_only: bool = False
    best_effort: bool = False  # status: work with the devices that answer, report the others
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sim_timing: Timing | None = None  # under --simulate (default: a quick rehearsal)
    sim_clock: Clock | None = None  # under --simulate: the simulator's clock (tests: a FakeClock)


@dataclass
class Session:
    playbook: Playbook
    clients: dict[str, Client]
    credentials: dict[str, tuple[str, str]] = field(repr=False)
    devices: dict[str, DeviceInfo]
    simulator: SimServer | None = None  # the in-process simulator under --simulate
    unreachable: dict[str, str] = field(default_factory=dict)  # best effort: name → why

    kind: str = "devices"  # "devices", "endpoints" (an endpoints file) or "rehearsal"
    # Devices the first device trusts that the playbook dropped, and could not be reached
    # (a dead unit being replaced): name → why. Those reached are among ``clients``.
    leaving_unreachable: dict[str, str] = field(default_factory=dict)

    def context(self, waiter: Waiter | None = None, *, reuse_login: bool = True) -> Context:
        """A step context for this session, with what the identity guard already read at
        login (``reuse_login``; not after a pause, such as the operator's answer)."""
        prefetched = (
            {(n, DEVICE_COLLECTION): info.devices for n, info in self.devices.items()}
            if reuse_login
            else {}
        )
        return Context(
            self.playbook, self.clients, self.credentials, waiter=waiter or Waiter(),
            prefetched=prefetched,
        )  # fmt: skip

    def target(self) -> dict[str, Any]:
        """Which devices this session reaches, for the journal: resume refuses another."""
        return {
            "kind": self.kind,
            "devices": {
                name: {
                    "url": client.base_url,
                    "cm_name": self.devices[name].name if name in self.devices else None,
                    "base_mac": self.devices[name].base_mac if name in self.devices else None,
                    "chassis_id": self.devices[name].chassis_id if name in self.devices else None,
                }
                for name, client in self.clients.items()
            },
        }


def verify_setting(pb: Playbook, settings: Settings, endpoints: eps.Endpoints) -> bool | str:
    if settings.insecure:
        return False
    ca = settings.ca_bundle or endpoints.ca_bundle or pb.tls.ca_bundle
    if ca is not None:
        check_ca_bundle(ca)
        return ca
    return pb.tls.verify


def check_ca_bundle(path: str) -> None:
    """Before any connection: a CA bundle that is missing or holds no usable certificate is
    one error naming the file, not a TLS failure per device."""
    if not Path(path).is_file():
        raise F5EcmpError(f"CA bundle {path} does not exist")
    try:
        ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:
        why = (
            "no PEM certificate in it" if "NO_CERTIFICATE" in str(exc) else "a damaged certificate"
        )
        raise F5EcmpError(
            f"CA bundle {path} is not a PEM file of CA certificates ({why})"
        ) from None
    except OSError as exc:
        raise F5EcmpError(f"CA bundle {path} cannot be read: {exc.strerror}") from None


def _simulated_credentials(pb: Playbook, environ: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """A rehearsal's devices accept the playbook's credentials if they are set, else admin/admin."""
    names = pb.credentials
    user = environ.get(names.username_env) or SIM_DEFAULT_CREDENTIALS[0]
    password = environ.get(names.password_env) or SIM_DEFAULT_CREDENTIALS[1]
    return {d.name: (user, password) for d in pb.devices}


@contextlib.contextmanager
def open_session(
    pb: Playbook,
    settings: Settings,
    environ: Mapping[str, str] | None = None,
    leaving_hint: frozenset[str] = frozenset(),
) -> Iterator[Session]:
    env = os.environ if environ is None else environ
    with contextlib.ExitStack() as stack:
        simulator = None
        if settings.simulate:
            from f5ecmp.simulator import Cluster, Timing, serve

            credentials = _simulated_credentials(pb, env)
            user, password = next(iter(credentials.values()))
            cluster = Cluster.from_devices(
                pb.devices,
                credentials=(user, password),
                timing=settings.sim_timing or Timing.rehearsal(),
                clock=settings.sim_clock,
            )
            simulator = stack.enter_context(serve(cluster, ephemeral_ports=True))
            endpoints = _from_urls(simulator.devices, str(simulator.ca_bundle))
        else:
            credentials = creds.resolve(pb, env)
            endpoints = (
                eps.load(settings.endpoints_file, pb)
                if settings.endpoints_file is not None
                else eps.from_playbook(pb)
            )
        options = Options(
            verify=verify_setting(pb, settings, endpoints),
            timeouts=settings.timeouts,
            retry=settings.retry,
            read_only=settings.read_only,
        )
        unreachable: dict[str, str] = {}
        clients = open_clients(
            pb, endpoints, credentials, options,
            best_effort=settings.best_effort, unreachable=unreachable,
        )  # fmt: skip
        stack.callback(close_all, clients)
        # status reports devices on other versions (a warning each); plan and apply refuse
        one_version = not settings.best_effort
        devices = check_identity(pb, clients, one_version=one_version) if not unreachable else {}
        leaving_unreachable: dict[str, str] = {}
        if devices and not settings.best_effort:
            authority = devices[pb.authority.name].devices
            others = open_leaving(pb, clients[pb.authority.name], authority, endpoints,
                                  credentials, options, leaving_unreachable, leaving_hint)  # fmt: skip
            clients.update(others)
        kind = (
            "rehearsal"
            if settings.simulate
            else "endpoints"
            if settings.endpoints_file is not None
            else "devices"
        )
        yield Session(
            pb, clients, credentials, devices, simulator, unreachable, kind, leaving_unreachable
        )


def _from_urls(urls: Mapping[str, str], ca_bundle: str) -> eps.Endpoints:
    from urllib.parse import urlsplit

    devices = {}
    for name, url in urls.items():
        parts = urlsplit(url)
        devices[name] = eps.Endpoint(parts.hostname or "127.0.0.1", parts.port or 443)
    return eps.Endpoints(devices, ca_bundle)
