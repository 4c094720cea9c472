"""Names and addresses as BIG-IP spells them.

Full paths (`/Common/web`), their URL form (`~Common~web`, `%` as `%25`), route-domain
suffixes (`10.1.1.1%2`), self-IP addresses with a prefix, and virtual-server destinations
(`/Common/30.1.1.10:80`, IPv6 `/Common/2001:db8::5.80`). Reference §1.7.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from . import errors
from .errors import ErrorId

COMMON = "Common"

# Service names a destination or member port may use instead of a number (tmsh accepts them;
# REST always answers with the number).
SERVICE_PORTS = {
    "any": 0,
    "*": 0,
    "http": 80,
    "https": 443,
    "ssh": 22,
    "domain": 53,
    "ftp": 21,
    "smtp": 25,
}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def full_path(name: str, partition: str | None = None) -> str:
    """`web`, `/Common/web` or `~Common~web` → `/Common/web`."""
    name = name.replace("~", "/")
    if name.startswith("/"):
        return name
    return f"/{partition or COMMON}/{name}"


def partition_of(path: str) -> str:
    return path.split("/")[1] if path.startswith("/") else ""


def base_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def url_segment(path: str) -> str:
    """`/Common/10.1.1.1%2` → `~Common~10.1.1.1%252` (Ansible's transform_name)."""
    return path.replace("/", "~").replace("%", "%25")


def strip_zero_route_domain(address: str) -> str:
    """`10.1.1.1%0` → `10.1.1.1`: BIG-IP drops the default route domain on read."""
    host, sep, rest = address.partition("%")
    if not sep:
        return address
    rd, slash, prefix = rest.partition("/")
    if rd == "0":
        return host + (slash + prefix if slash else "")
    return address


def split_route_domain(address: str) -> tuple[str, str]:
    """`10.1.1.1%2` → (`10.1.1.1`, `%2`); no suffix → (`10.1.1.1`, ``)."""
    host, sep, rd = address.partition("%")
    return host, (sep + rd if sep else "")


def parse_ip(text: str) -> IPAddress:
    host, _ = split_route_domain(strip_zero_route_domain(text))
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        raise errors.make(ErrorId.INVALID_ADDRESS, value=text) from None


def is_ip(text: str) -> bool:
    try:
        parse_ip(text)
    except errors.SimError:
        return False
    return True


@dataclass(frozen=True)
class SelfAddress:
    """A self IP's `address`: interface (ip + prefix) and its route-domain suffix."""

    interface: ipaddress.IPv4Interface | ipaddress.IPv6Interface
    route_domain: str

    @property
    def ip(self) -> IPAddress:
        return self.interface.ip

    def text(self) -> str:
        return f"{self.interface.ip}{self.route_domain}/{self.interface.network.prefixlen}"


def parse_self_address(text: str) -> SelfAddress:
    """`10.1.10.1%0/24`, `10.1.10.1/255.255.255.0` or `10.1.10.1` (host) → canonical form."""
    if not isinstance(text, str):
        raise errors.make(ErrorId.INVALID_ADDRESS, value=str(text))
    cleaned = strip_zero_route_domain(text)
    host_rd, _, mask = cleaned.partition("/")
    host, rd = split_route_domain(host_rd)
    try:
        iface = ipaddress.ip_interface(f"{host}/{mask}" if mask else host)
    except ValueError:
        raise errors.make(ErrorId.INVALID_ADDRESS, value=text) from None
    return SelfAddress(iface, rd)


@dataclass(frozen=True)
class Destination:
    """A virtual server's destination: folder, address (or virtual-address name), port."""

    partition: str
    address: str
    port: int

    def text(self) -> str:
        sep = "." if ":" in self.address else ":"
        return f"/{self.partition}/{self.address}{sep}{self.port}"


def parse_port(text: str | int, key: str = "port") -> int:
    if isinstance(text, bool):
        raise errors.make(ErrorId.INVALID_VALUE, key=key, value=text)
    if isinstance(text, int):
        port = text
    elif text in SERVICE_PORTS:
        port = SERVICE_PORTS[text]
    else:
        try:
            port = int(text)
        except ValueError:
            raise errors.make(ErrorId.INVALID_VALUE, key=key, value=text) from None
    if not 0 <= port <= 65535:
        raise errors.make(ErrorId.OUT_OF_RANGE, key=key, value=port, low=0, high=65535)
    return port


def parse_destination(text: str) -> Destination:
    """`/Common/30.1.1.10:80`, `30.1.1.10:80`, `/Common/2001:db8::5.443`, `/Common/va:any`."""
    if not isinstance(text, str) or not text:
        raise errors.make(ErrorId.INVALID_VALUE, key="destination", value=text)
    path = full_path(text)
    partition = partition_of(path)
    tail = path[len(partition) + 2 :]
    if tail.count(":") > 1:  # IPv6: address.port
        address, _, port = tail.rpartition(".")
    else:
        address, _, port = tail.rpartition(":")
    if not address:
        raise errors.make(ErrorId.INVALID_VALUE, key="destination", value=text)
    return Destination(partition, strip_zero_route_domain(address), parse_port(port, "destination"))


def member_parts(name: str) -> tuple[str, int]:
    """Pool member name `10.0.0.11:80` / `server1:80` / IPv6 `2001:db8::1.80` → (node, port)."""
    base = base_name(full_path(name))
    if base.count(":") > 1:
        node, _, port = base.rpartition(".")
    else:
        node, _, port = base.rpartition(":")
    if not node:
        raise errors.make(ErrorId.INVALID_VALUE, key="name", value=name)
    return node, parse_port(port)
