"""Where each device's REST API answers.

Real devices: the playbook's management address and port. A rehearsal against a simulated
cluster served elsewhere (``f5ecmp sim serve --endpoints-out FILE``): the endpoints file,
``{ca_bundle: <path>, devices: {<name>: https://host:port}}``, overrides address and port per
device and supplies the CA that signed the simulated devices' certificates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook import Playbook


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
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise EndpointsError(f"{path}: cannot be read: {exc.strerror}") from None
    except yaml.YAMLError:
        raise EndpointsError(f"{path}: not a YAML endpoints file") from None
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
    parts = urlsplit(str(url))
    try:
        port = parts.port or 443
    except ValueError:
        port = 0
    if parts.scheme != "https" or not parts.hostname or not 0 < port < 65536:
        raise EndpointsError(f"{path}: {name}: '{url}' is not an https://host:port URL")
    return Endpoint(parts.hostname, port)
