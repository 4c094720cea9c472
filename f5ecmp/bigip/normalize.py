"""Turn what a BIG-IP returns into values that compare equal when they mean the same.

BIG-IP answers ``"enabled"``, ``"true"`` or ``true`` for the same setting depending on the
object, ``/Common/name`` or ``name``, ``10.1.1.6%0/24`` or ``10.1.1.6/24``, tags as numbers or
text, MACs in either case with or without zero padding (reference §1.2, §4.4). Every comparison
in the steps goes through these.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

_TRUE = {"true", "enabled", "enable", "yes"}
_FALSE = {"false", "disabled", "disable", "no", "none"}


def flag(value: Any) -> bool | None:
    """``True``/``"true"``/``"enabled"``/``"yes"`` → True, the opposites → False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE:
        return True
    if isinstance(value, str) and value.lower() in _FALSE:
        return False
    return None


def enabled(value: bool) -> str:
    return "enabled" if value else "disabled"


def truth(value: bool) -> str:
    return "true" if value else "false"


def short_name(value: Any) -> str | None:
    """``/Common/external`` and ``external`` → ``external``."""
    if value is None:
        return None
    return str(value).rsplit("/", 1)[-1]


def full_path(name: str, partition: str = "Common") -> str:
    return name if name.startswith("/") else f"/{partition}/{name}"


def uri_name(name: str, partition: str = "Common") -> str:
    """The URI form of a full path: ``/Common/web`` → ``~Common~web``; ``%`` → ``%25``."""
    return full_path(name, partition).replace("/", "~").replace("%", "%25")


def strip_route_domain(address: str) -> str:
    """``10.1.1.6%0/24`` → ``10.1.1.6/24``."""
    return re.sub(r"%\d+", "", address)


def interface(value: Any) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface | None:
    """A self IP address as BIG-IP writes it, as an interface (netmask or prefix alike)."""
    if value is None:
        return None
    try:
        return ipaddress.ip_interface(strip_route_domain(str(value)))
    except ValueError:
        return None


def address(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if value is None:
        return None
    try:
        return ipaddress.ip_address(strip_route_domain(str(value)))
    except ValueError:
        return None


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def mac(value: Any) -> str | None:
    """``02:1:D7:93:35:1`` → ``02:01:d7:93:35:01``; BIG-IP's ``none`` → None."""
    if value is None or str(value).lower() in ("none", ""):
        return None
    parts = re.split(r"[:-]", str(value))
    try:
        return ":".join(f"{int(p, 16):02x}" for p in parts)
    except ValueError:
        return str(value).lower()


def port_lockdown(value: Any) -> tuple[str, ...]:
    """``allowService`` in any of its forms → a sorted tuple; absent means none."""
    if value is None or value == [] or value == "none":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(sorted(str(v) for v in value))


def items(collection: Any) -> list[dict[str, Any]]:
    """The items of a collection answer; an empty collection has no ``items`` key."""
    if isinstance(collection, dict):
        found = collection.get("items")
        return list(found) if isinstance(found, list) else []
    return []


def subcollection(obj: dict[str, Any], reference: str) -> list[dict[str, Any]]:
    """Items of an expanded subcollection (``interfacesReference.items``)."""
    ref = obj.get(reference)
    return items(ref) if isinstance(ref, dict) else []
