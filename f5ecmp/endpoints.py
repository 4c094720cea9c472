"""Where each device's REST API answers.

Real devices: the playbook's management address and port. A rehearsal against a simulated
cluster served elsewhere (``f5ecmp sim serve --endpoints-out FILE``): the endpoints file,
``{ca_bundle: <path>, devices: {<name>: https://host:port}}``, overrides address and port per
device and supplies the CA that signed the simulated devices' certificates. It is read with
the playbook's guards, and a URL carrying credentials or a path is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from f5ecmp.errors import F5EcmpError, PlaybookError
from f5ecmp.playbook import Playbook
from f5ecmp.playbook.source import read_source
from f5ecmp.playbook.types import clip


class EndpointsError(F5EcmpError):
    """The endpoints file is missing, unreadable or does not match the playbook."""


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int


@dataclass(frozen=True)
class Endpoints:
    devices: dict[str, Endpoint]
    ca_bundle: str | None = None
    # Devices the file names that the playbook does not: used only to reach a device that is
    # leaving the cluster (a member the playbook dropped), never otherwise.
    others: dict[str, Endpoint] = field(default_factory=dict)


def from_playbook(pb: Playbook) -> Endpoints:
    return Endpoints({d.name: Endpoint(str(d.mgmt), d.port) for d in pb.devices})


def load(path: Path, pb: Playbook) -> Endpoints:
    """Read an endpoints file with the playbook's guards (size, binary input, alias bombs,
    nesting) and check every URL: ``https://host[:port]``, without credentials or a path."""
    try:
        data = read_source(path, kind="endpoints file").data
    except PlaybookError as exc:
        raise EndpointsError("\n".join(str(issue) for issue in exc.issues)) from None
    if not isinstance(data, dict) or not isinstance(data.get("devices"), dict):
        raise EndpointsError(f"{path}: expected {{ca_bundle: ..., devices: {{name: url}}}}")
    devices: dict[str, Endpoint] = {}
    for device in pb.devices:
        url = data["devices"].get(device.name)
        if url is None:
            raise EndpointsError(f"{path}: no endpoint for {device.name}")
        devices[device.name] = _endpoint(path, device.name, url)
    others = {
        str(name): _endpoint(path, str(name), url)
        for name, url in data["devices"].items()
        if str(name) not in devices
    }
    ca = data.get("ca_bundle")
    if ca is not None:
        ca_path = Path(str(ca))
        if not ca_path.is_absolute():
            ca_path = path.parent / ca_path
        ca = str(ca_path)
    return Endpoints(devices, ca, others)


def _endpoint(path: Path, name: str, url: object) -> Endpoint:
    if not isinstance(url, str):
        raise EndpointsError(f"{path}: {name}: expected an https://host:port URL")
    parts = urlsplit(url)
    if "@" in parts.netloc:
        # Credentials come from the environment or a prompt, never from a file; the URL is
        # not repeated, as it holds them.
        raise EndpointsError(
            f"{path}: {name}: the URL holds a user name or password: give https://host:port "
            "and the credentials in the playbook's environment variables"
        )
    try:
        port = parts.port if parts.port is not None else 443
    except ValueError:
        port = 0
    if parts.scheme != "https" or not parts.hostname or not 0 < port < 65536:
        raise EndpointsError(f"{path}: {name}: '{clip(url)}' is not an https://host:port URL")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise EndpointsError(
            f"{path}: {name}: '{clip(url)}' has a path: give https://host:port only (f5ecmp "
            "adds the iControl REST paths itself)"
        )
    return Endpoint(parts.hostname, port)
