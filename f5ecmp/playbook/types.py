"""Value types of the playbook: addresses, names, ports, MACs, each with an operator's message.

Validators raise ``ValueError`` with a message written for the person editing the playbook; the
loader strips pydantic's "Value error, " prefix and adds the file, line and field path.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, PlainValidator
from pydantic.json_schema import WithJsonSchema

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface

# BIG-IP object names: letters, digits, '.', '_', '-'; we also ask for a letter or '_' first,
# so that a name can never be mistaken for an address in a fullPath or a pool member name.
# Nodes are the exception: BIG-IP names them by address unless told otherwise.
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NODE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-:]*$")
_NAME_MAX = 255
_LABEL_RE = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_INTERFACE_RE = re.compile(r"^(\d+\.\d+|\d+/\d+\.\d+|[A-Za-z_][A-Za-z0-9_.\-]*)$")
_MAC_RE = re.compile(r"^([0-9A-Fa-f]{1,2})([:-][0-9A-Fa-f]{1,2}){5}$")

# Service names BIG-IP shows in its Service Port lists, for the ports an ECMP application uses.
SERVICE_PORTS = {
    "any": 0,
    "ftp": 21,
    "ssh": 22,
    "telnet": 23,
    "smtp": 25,
    "domain": 53,
    "dns": 53,
    "http": 80,
    "pop3": 110,
    "ntp": 123,
    "imap": 143,
    "snmp": 161,
    "ldap": 389,
    "https": 443,
    "smtps": 465,
    "submission": 587,
    "ldaps": 636,
    "imaps": 993,
    "pop3s": 995,
    "mysql": 3306,
    "rdp": 3389,
    "http-alt": 8080,
}


def _text(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value.strip()
    raise ValueError(f"expected {what} as text, got {type(value).__name__}")


def parse_ip(value: Any) -> IPAddress:
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return value
    text = _text(value, "an IP address")
    if "%" in text:
        raise ValueError(f"'{text}': route domains are not supported; give the plain address")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"'{text}' is not an IPv4 or IPv6 address") from None


def parse_self_address(value: Any) -> IPInterface:
    """A self IP as ``address/prefix`` (a dotted netmask is accepted too)."""
    if isinstance(value, ipaddress.IPv4Interface | ipaddress.IPv6Interface):
        return value
    text = _text(value, "an address/prefix")
    if "/" not in text:
        example = f"{text}/64" if ":" in text else f"{text}/24"
        raise ValueError(
            f"'{text}' needs a prefix length (e.g. {example}): a self IP has a netmask"
        )
    if "%" in text:
        raise ValueError(f"'{text}': route domains are not supported; give the plain address")
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        raise ValueError(f"'{text}' is not an address/prefix such as 10.1.1.6/24") from None
    net = iface.network
    if (
        iface.version == 4
        and net.prefixlen < 31
        and iface.ip in (net.network_address, net.broadcast_address)
    ):
        kind = "network" if iface.ip == net.network_address else "broadcast"
        raise ValueError(f"'{text}' is the {kind} address of {net}, not a host address")
    return iface


def parse_destination(value: Any) -> IPInterface:
    """A virtual server destination: an address (a host, /32 or /128) or address/prefix."""
    if isinstance(value, ipaddress.IPv4Interface | ipaddress.IPv6Interface):
        return value
    text = _text(value, "an address")
    if "%" in text:
        raise ValueError(f"'{text}': route domains are not supported; give the plain address")
    try:
        return ipaddress.ip_interface(text)
    except ValueError:
        raise ValueError(f"'{text}' is not an IP address or address/prefix") from None


def is_hostname(text: str) -> bool:
    name = text.rstrip(".")
    if not name or len(name) > 253:
        return False
    labels = name.split(".")
    return all(_LABEL_RE.match(label) for label in labels) and not labels[-1].isdigit()


def parse_hostname(value: Any) -> str:
    text = _text(value, "a host name")
    if not is_hostname(text):
        raise ValueError(
            f"'{text}' is not a valid host name (letters, digits and '-' in dot-separated "
            "labels of at most 63 characters)"
        )
    return text.rstrip(".").lower()


def parse_host(value: Any) -> str:
    """An IP address or a fully qualified domain name, kept as text."""
    text = _text(value, "an address or FQDN")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not is_hostname(text) or "." not in text.rstrip("."):
        raise ValueError(f"'{text}' is neither an IP address nor a fully qualified domain name")
    return text.rstrip(".").lower()


def is_fqdn(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False


def parse_name(value: Any) -> str:
    text = _text(value, "a name")
    if "/" in text:
        raise ValueError(f"'{text}': give the bare object name, without a /Partition/ prefix")
    if not _NAME_RE.match(text):
        raise ValueError(
            f"'{text}' is not a valid BIG-IP object name (a letter or '_' first, then letters, "
            "digits, '.', '_' or '-')"
        )
    if len(text) > _NAME_MAX:
        raise ValueError(f"'{text}' is longer than {_NAME_MAX} characters")
    return text


def parse_node_name(value: Any) -> str:
    text = _text(value, "a node name")
    if not _NODE_NAME_RE.match(text) or len(text) > _NAME_MAX:
        raise ValueError(f"'{text}' is not a valid node name (letters, digits, '.', '_', '-', ':')")
    return text


def parse_ref_name(value: Any) -> str:
    """A reference to an existing object: a bare name or ``/Partition/name``."""
    text = _text(value, "a name")
    parts = text.split("/")
    if text.startswith("/") and len(parts) == 3 and all(_NAME_RE.match(p) for p in parts[1:]):
        return text
    return parse_name(text)


def parse_interface(value: Any) -> str:
    text = _text(value, "an interface name")
    if not _INTERFACE_RE.match(text):
        raise ValueError(f"'{text}' is not an interface (such as 1.1) or trunk name")
    return text


def parse_mac(value: Any) -> str:
    """A MAC address, normalised to lower-case, colon-separated, two digits per octet."""
    text = _text(value, "a MAC address")
    if not _MAC_RE.match(text):
        raise ValueError(f"'{text}' is not a MAC address such as 02:01:d7:93:35:01")
    octets = [int(part, 16) for part in re.split(r"[:-]", text)]
    return ":".join(f"{octet:02x}" for octet in octets)


def parse_port(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value, "a port")
        if text.isdigit():
            number = int(text)
        elif text.lower() in SERVICE_PORTS:
            number = SERVICE_PORTS[text.lower()]
        else:
            known = ", ".join(sorted(SERVICE_PORTS))
            raise ValueError(f"'{text}' is neither a port number nor a known service ({known})")
    return number


_LOCKDOWN_WORDS = ("none", "default", "all")
_PROTOCOLS = ("tcp", "udp", "sctp", "gre", "igmp", "ospf", "pim", "icmp", "esp", "ah")


def parse_port_lockdown(value: Any) -> str | tuple[str, ...]:
    """Port lockdown (``allowService``): none, default, all, or a list of ``proto:port``."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _LOCKDOWN_WORDS:
            return word
        raise ValueError(f"'{value}' is not none, default, all or a list of protocol:port")
    if not isinstance(value, list | tuple) or not value:
        raise ValueError("expected none, default, all or a non-empty list such as [tcp:443]")
    entries = []
    for item in value:
        text = _text(item, "protocol:port").lower()
        proto, _, port = text.partition(":")
        if proto not in _PROTOCOLS or not port.isdigit() or int(port) > 65535:
            raise ValueError(f"'{text}' is not protocol:port such as tcp:443 or udp:1026")
        entries.append(f"{proto}:{int(port)}")
    return tuple(sorted(set(entries)))


def parse_bool(value: Any) -> Any:
    """Accept BIG-IP's own words for booleans too: ``enabled``/``disabled``."""
    if isinstance(value, str) and value.strip().lower() in ("enabled", "enable"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("disabled", "disable"):
        return False
    return value


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_timezone(value: Any) -> str:
    text = _text(value, "a time zone")
    if text not in _timezones():
        raise ValueError(f"'{text}' is not a time zone name such as UTC or America/Los_Angeles")
    return text


def in_range(low: int, high: int, what: str) -> AfterValidator:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"{what} {value} is out of range {low}-{high}")
        return value

    return AfterValidator(check)


def _string(fmt: str | None = None, **extra: Any) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "string", **extra}
    if fmt:
        schema["format"] = fmt
    return WithJsonSchema(schema)


_str = PlainSerializer(str, return_type=str)

Address = Annotated[IPAddress, PlainValidator(parse_ip), _str, _string("ip-address")]
SelfAddress = Annotated[
    IPInterface, PlainValidator(parse_self_address), _str, _string(None, examples=["20.1.1.6/24"])
]
Destination = Annotated[
    IPInterface, PlainValidator(parse_destination), _str, _string(None, examples=["30.1.1.10"])
]
Hostname = Annotated[str, PlainValidator(parse_hostname), _string("hostname")]
Host = Annotated[str, PlainValidator(parse_host), _string(None, description="IP address or FQDN")]
Name = Annotated[str, PlainValidator(parse_name), _string(None, pattern=_NAME_RE.pattern)]
NodeName = Annotated[str, PlainValidator(parse_node_name), _string()]
RefName = Annotated[str, PlainValidator(parse_ref_name), _string()]
InterfaceName = Annotated[str, PlainValidator(parse_interface), _string(None, examples=["1.1"])]
Mac = Annotated[str, PlainValidator(parse_mac), _string(None, examples=["02:01:d7:93:35:01"])]
_PORT_SCHEMA = {"type": "string", "enum": sorted(SERVICE_PORTS)}
Port = Annotated[
    int,
    PlainValidator(parse_port),
    in_range(0, 65535, "port"),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 65535}, _PORT_SCHEMA]}),
]
MemberPort = Annotated[
    int,
    PlainValidator(parse_port),
    in_range(1, 65535, "pool member port"),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1, "maximum": 65535}, _PORT_SCHEMA]}),
]
PortLockdown = Annotated[
    str | tuple[str, ...],
    PlainValidator(parse_port_lockdown),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": list(_LOCKDOWN_WORDS)},
                {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+:[0-9]+$"}},
            ]
        }
    ),
]
Flag = Annotated[bool, BeforeValidator(parse_bool)]
Timezone = Annotated[str, PlainValidator(parse_timezone), _string(None, examples=["UTC"])]
VlanTag = Annotated[
    int, in_range(1, 4094, "tag"), Field(json_schema_extra={"minimum": 1, "maximum": 4094})
]
Mtu = Annotated[
    int, in_range(576, 9198, "MTU"), Field(json_schema_extra={"minimum": 576, "maximum": 9198})
]
