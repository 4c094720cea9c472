"""Virtual servers (+ `profiles`) and virtual addresses.

The guide's "Creating a destination address and port for application traffic" and "Enabling
the virtual address to span all devices". A virtual auto-creates the virtual address named
after its destination IP (on traffic-group-1, `autoDelete "true"`) and, when that is set,
deletes it again with the last virtual using it [F][C].
"""

from __future__ import annotations

import datetime
import ipaddress
from typing import TYPE_CHECKING, Any

from .. import errors, names
from ..errors import ErrorId
from ..net.models import route_domain_exists
from ..objects import Kind, Rules, ref_path, table
from ..store import Obj

if TYPE_CHECKING:
    from ..device import Device

IP_PROTOCOLS = {6: "tcp", 17: "udp", 132: "sctp", 1: "icmp", 0: "any"}
PROTOCOL_NAMES = frozenset({"tcp", "udp", "sctp", "icmp", "any", "ipv6-icmp", "gre"})
DEFAULT_PROFILE = {"tcp": "/Common/tcp", "udp": "/Common/udp"}
TYPE_FLAGS = frozenset({"ipForward", "l2Forward", "stateless", "reject", "dhcpRelay", "internal"})
BOOL_KEYS = frozenset({"enabled", "disabled", "vlansEnabled", "vlansDisabled"}) | TYPE_FLAGS
SNAT_TYPES = frozenset({"automap", "none", "snat", "lsn"})
HOST_MASK_V4 = "255.255.255.255"
HOST_MASK_V6 = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"


def host_mask(address: str) -> str:
    return HOST_MASK_V6 if ":" in address else HOST_MASK_V4


def iso_now(dev: Device) -> str:
    stamp = datetime.datetime.fromtimestamp(dev.clock.now(), datetime.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


class VirtualRules(Rules):
    """`ltm/virtual`: destination `/Common/<ip>:<port>`, pool, profiles, SNAT, mirroring."""

    kind = Kind(
        "ltm/virtual",
        "Virtual Server",
        refs={"pool": "ltm/pool", "vlans": "net/vlan", "rules": "ltm/rule"},
        subcollections=("policies", "profiles"),
    )
    optional = (
        frozenset(
            {
                "description",
                "pool",
                "metadata",
                "vlans",
                "rules",
                "vlansEnabled",
                "disabled",
                "destination",
            }
        )
        | TYPE_FLAGS
    )
    input_only = frozenset({"profiles", "policies"})
    derived = frozenset(
        {
            "vsIndex",
            "creationTime",
            "lastModifiedTime",
            "addressStatus",
            "cmpEnabled",
            "synCookieStatus",
            "gtmScore",
        }
    )
    switches = frozenset(
        {
            "mirror",
            "translateAddress",
            "translatePort",
            "nat64",
            "mobileAppTunnel",
            "rateLimit",
            "evictionProtected",
            "serversslUseSni",
        }
    )
    enums = table(
        {
            "autoLasthop": frozenset({"default", "enabled", "disabled"}),
            "sourcePort": frozenset({"preserve", "preserve-strict", "change"}),
            "rateLimitMode": frozenset(
                {
                    "object",
                    "object-source",
                    "object-destination",
                    "object-source-destination",
                    "destination",
                    "source",
                    "source-destination",
                }
            ),
            "serviceDownImmediateAction": frozenset({"none", "drop", "reset"}),
        }
    )
    ranges = table(
        {
            "connectionLimit": (0, 2147483647),
            "rateLimitDstMask": (0, 128),
            "rateLimitSrcMask": (0, 128),
        }
    )
    child_type_names = table({"profiles": "profile", "policies": "policy"})
    synced = True

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        props: dict[str, Any] = {
            "addressStatus": "yes",
            "autoLasthop": "default",
            "cmpEnabled": "yes",
            "connectionLimit": 0,
            "enabled": True,
            "gtmScore": 0,
            "ipProtocol": "tcp",
            "mask": HOST_MASK_V4,
            "mirror": "disabled",
            "mobileAppTunnel": "disabled",
            "nat64": "disabled",
            "rateLimit": "disabled",
            "rateLimitDstMask": 0,
            "rateLimitMode": "object",
            "rateLimitSrcMask": 0,
            "serviceDownImmediateAction": "none",
            "source": "0.0.0.0/0",
            "sourceAddressTranslation": {"type": "none"},
            "sourcePort": "preserve",
            "synCookieStatus": "not-activated",
            "translateAddress": "enabled",
            "translatePort": "enabled",
            "vlansDisabled": True,
            "vsIndex": 0,
        }
        if dev.version_at_least(14, 1):
            props.update({"creationTime": "", "lastModifiedTime": ""})
        if dev.version_at_least(16):
            props.update({"evictionProtected": "disabled", "serversslUseSni": "disabled"})
        return props

    def coerce(self, key: str, value: Any) -> Any:
        if key in BOOL_KEYS:
            if value in (True, "true"):
                return True
            if value in (False, "false"):
                return False
            raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
        if key == "ipProtocol":
            proto = IP_PROTOCOLS.get(value, value) if isinstance(value, int) else value
            if proto not in PROTOCOL_NAMES:
                raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
            return proto
        if key == "destination":
            return names.parse_destination(value).text()
        if key == "mask":
            return str(names.parse_ip(value)) if value != "any" else value
        if key == "pool":
            return None if value in ("", "none") else ref_path(value, key)
        if key == "vlans":
            return [ref_path(v, key) for v in (value or [])] or None
        if key == "sourceAddressTranslation":
            return snat(value)
        return super().coerce(key, value)

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        plain = {k: v for k, v in body.items() if k not in BOOL_KEYS - TYPE_FLAGS}
        super().apply(dev, obj, plain, creating)
        for on_key, off_key in (("enabled", "disabled"), ("vlansEnabled", "vlansDisabled")):
            for key in (on_key, off_key):
                if key in body:
                    on = body[key] if key == on_key else not body[key]
                    obj.props.pop(on_key, None)
                    obj.props.pop(off_key, None)
                    obj.props[on_key if on else off_key] = True
        stamp = iso_now(dev)
        if creating:
            obj.props["vsIndex"] = dev.next_counter("vsIndex", start=2)
            if "creationTime" in obj.props:
                obj.props["creationTime"] = stamp
        if "lastModifiedTime" in obj.props:
            obj.props["lastModifiedTime"] = stamp
        if "profiles" in body or creating:
            self._set_profiles(dev, obj, body.get("profiles"))
        if body.get("policies"):
            raise errors.make(ErrorId.REFERENCE_MISSING, type="policy", path=str(body["policies"]))
        obj.children.setdefault("policies", {})

    def _set_profiles(self, dev: Device, obj: Obj, given: Any) -> None:
        if given in (None, []):
            given = [DEFAULT_PROFILE.get(obj.props["ipProtocol"], "/Common/fastL4")]
        self.set_children(dev, obj, "profiles", given)

    def add_child(self, dev: Device, parent: Obj, sub: str, body: dict[str, Any]) -> Obj:
        item = body if isinstance(body, dict) else {"name": body}
        if sub != "profiles":
            raise errors.make(ErrorId.REFERENCE_MISSING, type="policy", path=str(item.get("name")))
        path = ref_path(item, "profiles")
        if dev.profile_kind(path) is None:
            raise errors.make(ErrorId.REFERENCE_MISSING, type="profile", path=path)
        context = item.get("context", "all")
        if context not in ("all", "clientside", "serverside"):
            raise errors.make(ErrorId.INVALID_VALUE, key="context", value=context)
        child = Obj("ltm/virtual/profiles", path, {"context": context})
        parent.children.setdefault(sub, {})[path] = child
        return child

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        if "destination" not in obj.props:
            raise errors.make(ErrorId.MISSING_PROPERTY, type="Virtual Server", key="destination")
        pool = obj.props.get("pool")
        if pool is not None and dev.store.get("ltm/pool", pool) is None:
            raise errors.make(ErrorId.REFERENCE_MISSING, type="Pool", path=pool)
        for vlan in obj.props.get("vlans", []):
            if dev.store.get("net/vlan", vlan) is None:
                raise errors.make(ErrorId.REFERENCE_MISSING, type="VLAN", path=vlan)
        if obj.props.get("rules"):
            raise errors.make(
                ErrorId.REFERENCE_MISSING, type="iRule", path=str(obj.props["rules"][0])
            )
        target = names.parse_destination(obj.props["destination"])
        if (
            not names.is_ip(target.address)
            and dev.store.get("ltm/virtual-address", names.full_path(target.address)) is None
        ):
            raise errors.make(
                ErrorId.REFERENCE_MISSING,
                type="Virtual Address",
                path=names.full_path(target.address),
            )
        if obj.props["mask"] == HOST_MASK_V4 and ":" in target.address:
            obj.props["mask"] = HOST_MASK_V6

    def after_write(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        target = names.parse_destination(obj.props["destination"])
        if names.is_ip(target.address) and virtual_address_of(dev, obj) is None:
            dev.create("ltm/virtual-address", {"name": target.address, "address": target.address})
        if old is not None and old.props.get("destination") != obj.props["destination"]:
            self.after_delete(dev, old)

    def after_delete(self, dev: Device, obj: Obj) -> None:
        va = virtual_address_of(dev, obj)
        if va is None or va.props.get("autoDelete") != "true":
            return
        if not any(virtual_address_of(dev, v) is va for v in dev.store.items("ltm/virtual")):
            dev.delete("ltm/virtual-address", va.full_path)


def snat(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"type": value}
    if not isinstance(value, dict) or str(value.get("type", "")).lower() not in SNAT_TYPES:
        raise errors.make(ErrorId.INVALID_VALUE, key="sourceAddressTranslation", value=value)
    kind = str(value["type"]).lower()
    if kind in ("snat", "lsn"):
        raise errors.make(ErrorId.REFERENCE_MISSING, type="SNAT pool", path=str(value.get("pool")))
    return {"type": kind}


def virtual_address_of(dev: Device, virtual: Obj) -> Obj | None:
    """The virtual address a virtual's destination names, by name or by IP."""
    target = names.parse_destination(virtual.props["destination"])
    by_name = dev.store.get("ltm/virtual-address", f"/{target.partition}/{target.address}")
    if by_name is not None:
        return by_name
    for va in dev.store.items("ltm/virtual-address"):
        if va.props.get("address") == target.address:
            return va
    return None


class VirtualAddressRules(Rules):
    """`ltm/virtual-address`: named by its IP; `enabled` is "yes"/"no" here (not a boolean);
    ARP and spanning cannot both be on; address and mask are fixed at creation [F][C]."""

    kind = Kind("ltm/virtual-address", "Virtual Address", refs={"trafficGroup": "cm/traffic-group"})
    optional = frozenset({"description", "address", "metadata"})
    derived = frozenset({"floating", "unit", "inheritedTrafficGroup"})
    immutable = frozenset({"address", "mask"})
    switches = frozenset({"arp", "spanning"})
    string_bools = frozenset({"autoDelete"})
    enums = table(
        {
            "icmpEcho": frozenset({"enabled", "disabled", "selective"}),
            "routeAdvertisement": frozenset(
                {"disabled", "enabled", "selective", "always", "any", "all"}
            ),
            "serverScope": frozenset({"any", "all", "none"}),
        }
    )
    ranges = table({"connectionLimit": (0, 2147483647)})
    synced = True

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {
            "arp": "enabled",
            "autoDelete": "true",
            "connectionLimit": 0,
            "enabled": "yes",
            "floating": "enabled",
            "icmpEcho": "enabled",
            "inheritedTrafficGroup": "false",
            "mask": HOST_MASK_V4,
            "routeAdvertisement": "disabled",
            "serverScope": "any",
            "spanning": "disabled",
            "trafficGroup": "/Common/traffic-group-1",
            "unit": 1,
        }

    def coerce(self, key: str, value: Any) -> Any:
        if key == "enabled":
            if value in (True, "yes"):
                return "yes"
            if value in (False, "no"):
                return "no"
            raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
        if key == "address":
            host, rd = names.split_route_domain(names.strip_zero_route_domain(str(value)))
            return str(names.parse_ip(host)) + rd
        if key == "mask":
            return str(ipaddress.ip_address(value)) if value != "any" else value
        if key == "trafficGroup":
            return ref_path(value, key)
        return super().coerce(key, value)

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        if creating and "address" not in body and names.is_ip(obj.name):
            body = {**body, "address": self.coerce("address", obj.name)}
        super().apply(dev, obj, body, creating)
        if creating and "mask" not in body and "address" in obj.props:
            obj.props["mask"] = host_mask(obj.props["address"])
        tg = dev.store.get("cm/traffic-group", obj.props["trafficGroup"])
        floating = tg is not None and tg.props.get("isFloating") == "true"
        obj.props["floating"] = "enabled" if floating else "disabled"
        obj.props["unit"] = tg.props.get("unitId", 0) if tg is not None and floating else 0

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        if "address" not in obj.props:
            raise errors.make(ErrorId.MISSING_PROPERTY, type="Virtual Address", key="address")
        route_domain_exists(dev, names.split_route_domain(obj.props["address"])[1])
        if dev.store.get("cm/traffic-group", obj.props["trafficGroup"]) is None:
            raise errors.make(ErrorId.TRAFFIC_GROUP_MISSING, path=obj.props["trafficGroup"])
        if obj.props["arp"] == "enabled" and obj.props["spanning"] == "enabled":
            raise errors.make(ErrorId.ARP_AND_SPANNING, path=obj.full_path)

    def check_delete(self, dev: Device, obj: Obj) -> None:
        for virtual in dev.store.items("ltm/virtual"):
            if virtual_address_of(dev, virtual) is obj:
                raise errors.make(
                    ErrorId.IN_USE,
                    type="Virtual Address",
                    path=obj.full_path,
                    user_type="Virtual Server",
                    user_path=virtual.full_path,
                )


RULES: tuple[Rules, ...] = (VirtualRules(), VirtualAddressRules())
