"""Value types of the playbook: addresses, names, ports, MACs, each with an operator's message.

Validators raise ``ValueError`` with a message written for the person editing the playbook; the
loader strips pydantic's "Value error, " prefix and adds the file, line and field path.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, PlainValidator
from pydantic.json_schema import WithJsonSchema

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface

# BIG-IP object names: letters, digits, '.', '_', '-'; we also ask for a letter or '_' first,
# so that a name can never be mistaken for an address in a fullPath or a pool member name.
# Nodes are the exception: BIG-IP names them by address unless told otherwise.
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$", re.ASCII)
_NODE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-:]*$", re.ASCII)
_NAME_MAX = 255
_LABEL_RE = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$", re.ASCII)
_INTERFACE_RE = re.compile(r"^(\d+\.\d+|\d+/\d+\.\d+|[A-Za-z_][A-Za-z0-9_.\-]*)$", re.ASCII)
_MAC_RE = re.compile(r"^([0-9A-Fa-f]{1,2})([:-][0-9A-Fa-f]{1,2}){5}$", re.ASCII)

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


_MAX_TEXT = 1000
_BROADCAST = ipaddress.IPv4Address("255.255.255.255")


def _is_number(text: str) -> bool:
    """ASCII digits only: ``"٨٠"`` is not a port, whatever ``str.isdigit`` says."""
    return text.isascii() and text.isdigit() and len(text) <= 10


def clip(text: str, limit: int = 60) -> str:
    """A value quoted back in a message, cut short so one bad value is still one line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any, what: str) -> str:
    if isinstance(value, str):
        if len(value) > _MAX_TEXT:
            raise ValueError(f"is {len(value)} characters long: not {what}")
        return value.strip()
    raise ValueError(f"expected {what} as text, got {type(value).__name__}")


def _plain_address(value: Any, what: str) -> str:
    text = _text(value, what)
    if "%" in text:
        raise ValueError(f"'{clip(text)}': route domains are not supported; give the plain address")
    return text


def _host_problem(ip: IPAddress, *, loopback_ok: bool) -> str | None:
    """Why ``ip`` cannot be a device's or server's own address, if it cannot."""
    if ip.is_unspecified:
        return "is the unspecified address"
    if ip.is_multicast:
        return "is a multicast address"
    if ip.version == 4 and ip == _BROADCAST:
        return "is the broadcast address"
    if ip.is_loopback and not loopback_ok:
        return "is a loopback address"
    return None


def parse_ip(value: Any) -> IPAddress:
    """Any unicast address (management addresses may be loopback: rehearsals use them)."""
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return value
    text = _plain_address(value, "an IP address")
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"'{clip(text)}' is not an IPv4 or IPv6 address") from None
    problem = _host_problem(ip, loopback_ok=True)
    if problem:
        raise ValueError(f"{ip} {problem}, not a host's address")
    return ip


def parse_server_ip(value: Any) -> IPAddress:
    """A data-plane host: a pool member or DNS server (never loopback)."""
    ip = parse_ip(value)
    problem = _host_problem(ip, loopback_ok=False)
    if problem:
        raise ValueError(f"{ip} {problem}, not a server's address")
    return ip


def parse_self_address(value: Any) -> IPInterface:
    """A self IP as ``address/prefix`` (a dotted netmask is accepted too)."""
    if isinstance(value, ipaddress.IPv4Interface | ipaddress.IPv6Interface):
        return value
    text = _plain_address(value, "an address/prefix")
    if "/" not in text:
        example = f"{text}/64" if ":" in text else f"{text}/24"
        raise ValueError(
            f"'{clip(text)}' needs a prefix length (e.g. {clip(example)}): a self IP has a netmask"
        )
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        raise ValueError(f"'{clip(text)}' is not an address/prefix such as 10.1.1.6/24") from None
    net = iface.network
    if (
        iface.version == 4
        and net.prefixlen < 31
        and iface.ip in (net.network_address, net.broadcast_address)
    ):
        kind = "network" if iface.ip == net.network_address else "broadcast"
        raise ValueError(f"'{text}' is the {kind} address of {net}, not a host address")
    problem = _host_problem(iface.ip, loopback_ok=False)
    if problem:
        raise ValueError(f"{iface.ip} {problem}, not a self IP")
    return iface


def parse_destination(value: Any) -> IPInterface:
    """A virtual server destination: an address (a host, /32 or /128) or address/prefix; the
    guide's examples include a host address with a prefix, which BIG-IP takes as its network."""
    if isinstance(value, ipaddress.IPv4Interface | ipaddress.IPv6Interface):
        return value
    text = _plain_address(value, "an address")
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        raise ValueError(f"'{clip(text)}' is not an IP address or address/prefix") from None
    problem = _host_problem(iface.ip, loopback_ok=False)
    if problem and not (iface.ip.is_unspecified and iface.network.prefixlen == 0):
        raise ValueError(f"{iface.ip} {problem}, not a virtual server destination")
    return iface


def is_hostname(text: str) -> bool:
    name = text.rstrip(".")
    if not name or len(name) > 253:
        return False
    labels = name.split(".")
    return all(_LABEL_RE.fullmatch(label) for label in labels) and not _is_number(labels[-1])


def parse_hostname(value: Any) -> str:
    text = _text(value, "a host name")
    if not is_hostname(text):
        raise ValueError(
            f"'{clip(text)}' is not a valid host name (letters, digits and '-' in dot-separated "
            "labels of at most 63 characters)"
        )
    return text.rstrip(".")


def parse_host(value: Any) -> str:
    """An IP address or a fully qualified domain name, kept as text."""
    text = _text(value, "an address or FQDN")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not is_hostname(text) or "." not in text.rstrip("."):
        raise ValueError(
            f"'{clip(text)}' is neither an IP address nor a fully qualified domain name"
        )
    return text.rstrip(".").lower()


def parse_fqdn(value: Any) -> str:
    text = _text(value, "an FQDN")
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return parse_host(text)
    raise ValueError(f"'{clip(text)}' is an IP address: give it as the member's address, not fqdn")


def is_fqdn(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False


def parse_name(value: Any) -> str:
    text = _text(value, "a name")
    if "/" in text:
        raise ValueError(f"'{clip(text)}': give the bare object name, without a /Partition/ prefix")
    if not _NAME_RE.fullmatch(text):
        raise ValueError(
            f"'{clip(text)}' is not a valid BIG-IP object name (a letter or '_' first, then letters, "
            "digits, '.', '_' or '-')"
        )
    if len(text) > _NAME_MAX:
        raise ValueError(f"'{clip(text)}' is longer than {_NAME_MAX} characters")
    return text


def parse_node_name(value: Any) -> str:
    text = _text(value, "a node name")
    if not _NODE_NAME_RE.fullmatch(text) or len(text) > _NAME_MAX:
        raise ValueError(
            f"'{clip(text)}' is not a valid node name (letters, digits, '.', '_', '-', ':')"
        )
    return text


def parse_ref_name(value: Any) -> str:
    """A reference to an existing object: a bare name or ``/Partition/name``."""
    text = _text(value, "a name")
    parts = text.split("/")
    if text.startswith("/") and len(parts) == 3 and all(_NAME_RE.fullmatch(p) for p in parts[1:]):
        return text
    return parse_name(text)


def parse_interface(value: Any) -> str:
    text = _text(value, "an interface name")
    if not _INTERFACE_RE.fullmatch(text):
        raise ValueError(f"'{clip(text)}' is not an interface (such as 1.1) or trunk name")
    return text


def parse_mac(value: Any) -> str:
    """A MAC address, normalised to lower-case, colon-separated, two digits per octet."""
    text = _text(value, "a MAC address")
    if not _MAC_RE.fullmatch(text):
        raise ValueError(f"'{clip(text)}' is not a MAC address such as 02:01:d7:93:35:01")
    octets = [int(part, 16) for part in re.split(r"[:-]", text)]
    return ":".join(f"{octet:02x}" for octet in octets)


def parse_port(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value, "a port")
        if _is_number(text):
            number = int(text)
        elif text.lower() in SERVICE_PORTS:
            number = SERVICE_PORTS[text.lower()]
        else:
            known = ", ".join(sorted(SERVICE_PORTS))
            raise ValueError(
                f"'{clip(text)}' is neither a port number nor a known service ({known})"
            )
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
        if proto not in _PROTOCOLS or not _is_number(port) or int(port) > 65535:
            raise ValueError(f"'{clip(text)}' is not protocol:port such as tcp:443 or udp:1026")
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
    """The IANA names the ``tzdata`` package ships: the same list on every machine."""
    zones = resources.files("tzdata").joinpath("zones").read_text()
    return frozenset(line.strip() for line in zones.splitlines() if line.strip())


def parse_timezone(value: Any) -> str:
    text = _text(value, "a time zone")
    if text in _timezones():
        return text
    close = difflib.get_close_matches(text, sorted(_timezones()), n=1, cutoff=0.8)
    exact_case = [z for z in _timezones() if z.lower() == text.lower()]
    hint = exact_case or close
    suggestion = f" (did you mean {hint[0]}?)" if hint else ""
    raise ValueError(
        f"'{clip(text)}' is not a time zone name such as UTC or America/Los_Angeles{suggestion}"
    )


def parse_mirror_address(value: Any) -> IPAddress | str:
    """A mirror address, or ``none`` for no secondary mirror."""
    if isinstance(value, str) and value.strip().lower() == "none":
        return "none"
    return parse_ip(value)


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
ServerAddress = Annotated[IPAddress, PlainValidator(parse_server_ip), _str, _string("ip-address")]
MirrorAddress = Annotated[
    IPAddress | str,
    PlainValidator(parse_mirror_address),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "ip-address"}, {"const": "none"}]}),
]
Fqdn = Annotated[str, PlainValidator(parse_fqdn), _string("hostname")]
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
Flag = Annotated[
    bool,
    BeforeValidator(parse_bool, json_schema_input_type=bool | Literal["enabled", "disabled"]),
]
Timezone = Annotated[str, PlainValidator(parse_timezone), _string(None, examples=["UTC"])]
VlanTag = Annotated[
    int, in_range(1, 4094, "tag"), Field(json_schema_extra={"minimum": 1, "maximum": 4094})
]
Mtu = Annotated[
    int, in_range(576, 9198, "MTU"), Field(json_schema_extra={"minimum": 576, "maximum": 9198})
]
