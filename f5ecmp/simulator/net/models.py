"""Network objects: interfaces, VLANs (+ their `interfaces` subcollection) and self IPs.

The guide's "Creating VLANs", "Creating static self IP addresses" and "Creating floating self
IP addresses" sections. VLANs and static self IPs are local to each device; floating self IPs
(those on a floating traffic group) travel with config sync (reference §5.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors, names
from ..errors import ErrorId
from ..objects import Kind, Rules, int_in_range, ref_path, table
from ..store import Obj

if TYPE_CHECKING:
    from ..device import Device

LOCAL_ONLY = "/Common/traffic-group-local-only"
SELF_ALLOW_DEFAULTS = [
    "igmp:0",
    "ospf:0",
    "pim:0",
    "tcp:161",
    "tcp:22",
    "tcp:4353",
    "tcp:443",
    "tcp:53",
    "udp:1026",
    "udp:161",
    "udp:4353",
    "udp:520",
    "udp:53",
]
ALLOW_PROTOCOLS = frozenset(
    {"eigrp", "egp", "gre", "icmp", "igmp", "igp", "ipip", "l2tp", "ospf", "pim", "tcp", "udp"}
)
TAG_MODES = frozenset({"none", "service", "customer", "double"})


class InterfaceRules(Rules):
    """Physical interfaces 1.1-1.4 and mgmt: present from the factory, read-mostly [F]."""

    kind = Kind("net/interface", "interface", foldered=False)
    creatable = False
    deletable = False
    switches = frozenset({"stp", "forceGigabitFiber"})
    enums = table(
        {
            "lldpAdmin": frozenset({"disable", "txonly", "rxonly", "txrx"}),
            "flowControl": frozenset({"none", "rx", "tx", "tx-rx"}),
        }
    )

    def coerce(self, key: str, value: Any) -> Any:
        if key == "enabled":  # a real boolean on interfaces [F]
            if not isinstance(value, bool):
                raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
            return value
        return super().coerce(key, value)


class VlanRules(Rules):
    """`net/vlan`: tag 1-4094 (auto-assigned downward from 4094 when omitted), MTU 576-9198,
    members given inline as `interfaces` and stored as the `interfaces` subcollection."""

    kind = Kind("net/vlan", "VLAN", subcollections=("interfaces",))
    optional = frozenset({"description", "customerTag", "tag"})
    input_only = frozenset({"interfaces"})
    switches = frozenset({"dagRoundRobin", "failsafe", "sourceChecking", "hardwareSyncookie"})
    enums = table(
        {
            "autoLasthop": frozenset({"default", "enabled", "disabled"}),
            "cmpHash": frozenset({"default", "src-ip", "dst-ip"}),
            "dagTunnel": frozenset({"inner", "outer"}),
            "failsafeAction": frozenset(
                {
                    "failover-restart-tm",
                    "reboot",
                    "restart-all",
                    "failover",
                    "failover-abort-tm",
                    "go-offline",
                    "go-offline-restart-tm",
                    "go-offline-abort-tm",
                }
            ),
            "learning": frozenset({"enable-forward", "disable-forward", "disable-drop"}),
            "fwdMode": frozenset({"l2", "l3"}),
        }
    )
    ranges = table(
        {
            "tag": (1, 4094),
            "customerTag": (1, 4094),
            "mtu": (576, 9198),
            "failsafeTimeout": (10, 3600),
            "synFloodRateLimit": (0, 2147483647),
            "syncacheThreshold": (0, 2147483647),
        }
    )
    child_type_names = table({"interfaces": "interface"})

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {
            "autoLasthop": "default",
            "cmpHash": "default",
            "dagRoundRobin": "disabled",
            "dagTunnel": "outer",
            "failsafe": "disabled",
            "failsafeAction": "failover-restart-tm",
            "failsafeTimeout": 90,
            "fwdMode": "l3",
            "hardwareSyncookie": "disabled",
            "ifIndex": 0,
            "learning": "enable-forward",
            "mtu": 1500,
            "sflow": {
                "pollInterval": 0,
                "pollIntervalGlobal": "yes",
                "samplingRate": 0,
                "samplingRateGlobal": "yes",
            },
            "sourceChecking": "disabled",
            "synFloodRateLimit": 1000,
            "syncacheThreshold": 6000,
        }

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        super().apply(dev, obj, body, creating)
        if creating:
            obj.props["ifIndex"] = dev.next_counter("ifIndex", start=96, step=16)
            if "tag" not in obj.props:
                used = {v.props.get("tag") for v in dev.store.items(self.kind.path)}
                obj.props["tag"] = next(t for t in range(4094, 0, -1) if t not in used)
        if "interfaces" in body:
            self.set_children(dev, obj, "interfaces", body["interfaces"])

    def add_child(self, dev: Device, parent: Obj, sub: str, body: dict[str, Any]) -> Obj:
        member = body if isinstance(body, dict) else {"name": body}
        name = member.get("name")
        if (
            not isinstance(name, str)
            or dev.store.get("net/interface", name) is None
            or name == "mgmt"
        ):
            raise errors.make(ErrorId.REFERENCE_MISSING, type="interface", path=str(name))
        if name in parent.children.get(sub, {}):
            raise errors.make(ErrorId.ALREADY_EXISTS, type="interface", path=name)
        child = Obj("net/vlan/interfaces", name, {})
        parent.children.setdefault(sub, {})[name] = child
        self._set_member(parent, child, member)
        return child

    def modify_child(
        self, dev: Device, parent: Obj, sub: str, child: Obj, body: dict[str, Any]
    ) -> None:
        self._set_member(parent, child, {**self._member_input(child), **body})

    @staticmethod
    def _member_input(child: Obj) -> dict[str, Any]:
        return {k: v for k, v in child.props.items() if k in ("tagged", "untagged", "tagMode")}

    @staticmethod
    def _set_member(parent: Obj, child: Obj, member: dict[str, Any]) -> None:
        unknown = set(member) - {
            "name",
            "tagged",
            "untagged",
            "tagMode",
            "kind",
            "fullPath",
            "generation",
            "selfLink",
            "nameReference",
        }
        if unknown:
            key = sorted(unknown)[0]
            raise errors.make(
                ErrorId.UNEXPECTED_PROPERTY,
                path="/net/vlan/interfaces/",
                key=key,
                value=member[key],
            )
        tagged = member.get("tagged") in (True, "true")
        if "untagged" in member and member.get("untagged") in (True, "true"):
            tagged = False
        mode = member.get("tagMode", "none")
        if mode not in TAG_MODES:
            raise errors.make(ErrorId.INVALID_VALUE, key="tagMode", value=mode)
        if mode != "none" and ("customerTag" not in parent.props or not tagged):
            # [I] QinQ tag modes need a customer tag and a tagged member; on VE the device
            # refuses them otherwise (reference §2.2, VLAN member PATCH).
            raise errors.make(ErrorId.INVALID_VALUE, key="tagMode", value=mode)
        child.props = {"tagMode": mode, ("tagged" if tagged else "untagged"): True}

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        for other in dev.store.items(self.kind.path):
            if other.full_path == obj.full_path:
                continue
            if other.props.get("tag") == obj.props.get("tag") and other.props.get(
                "customerTag"
            ) == obj.props.get("customerTag"):
                # [I] two VLANs cannot carry the same tag.
                raise errors.make(ErrorId.INVALID_VALUE, key="tag", value=obj.props.get("tag"))
            for name, member in obj.children.get("interfaces", {}).items():
                theirs = other.children.get("interfaces", {}).get(name)
                if theirs is not None and (
                    "untagged" in member.props or "untagged" in theirs.props
                ):
                    # [I] an untagged interface belongs to one VLAN only.
                    raise errors.make(
                        ErrorId.IN_USE,
                        type="interface",
                        path=name,
                        user_type="VLAN",
                        user_path=other.full_path,
                    )

    def check_delete(self, dev: Device, obj: Obj) -> None:
        for self_ip in dev.store.items("net/self"):
            if self_ip.props.get("vlan") == obj.full_path:
                raise errors.make(
                    ErrorId.IN_USE,
                    type="VLAN",
                    path=obj.full_path,
                    user_type="self IP",
                    user_path=self_ip.full_path,
                )


class SelfIpRules(Rules):
    """`net/self`: address with prefix (route-domain `%0` dropped), a VLAN that exists, a
    traffic group that exists; `floating` and `unit` derived from the traffic group [F]."""

    kind = Kind(
        "net/self", "self IP", refs={"vlan": "net/vlan", "trafficGroup": "cm/traffic-group"}
    )
    optional = frozenset({"description", "allowService", "address", "vlan"})
    derived = frozenset({"floating", "unit", "addressSource", "inheritedTrafficGroup"})
    immutable = frozenset({"address"})

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {
            "addressSource": "from-user",
            "floating": "disabled",
            "inheritedTrafficGroup": "false",
            "trafficGroup": LOCAL_ONLY,
            "unit": 0,
        }

    def coerce(self, key: str, value: Any) -> Any:
        if key == "address":
            return names.parse_self_address(value).text()
        if key in ("vlan", "trafficGroup"):
            return ref_path(value, key)
        if key == "allowService":
            return allow_service(value)
        return super().coerce(key, value)

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        super().apply(dev, obj, body, creating)
        tg = dev.store.get("cm/traffic-group", obj.props["trafficGroup"])
        floating = tg is not None and tg.props.get("isFloating") == "true"
        obj.props["floating"] = "enabled" if floating else "disabled"
        obj.props["unit"] = tg.props.get("unitId", 0) if tg is not None and floating else 0

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        for key in ("address", "vlan"):
            if key not in obj.props:
                raise errors.make(ErrorId.MISSING_PROPERTY, type="self IP", key=key)
        if dev.store.get("net/vlan", obj.props["vlan"]) is None:
            raise errors.make(ErrorId.REFERENCE_MISSING, type="VLAN", path=obj.props["vlan"])
        if dev.store.get("cm/traffic-group", obj.props["trafficGroup"]) is None:
            raise errors.make(ErrorId.TRAFFIC_GROUP_MISSING, path=obj.props["trafficGroup"])
        mine = names.parse_self_address(obj.props["address"])
        route_domain_exists(dev, mine.route_domain)
        for other in dev.store.items(self.kind.path):
            if (
                other.full_path != obj.full_path
                and names.parse_self_address(other.props["address"]).ip == mine.ip
            ):
                raise errors.make(
                    ErrorId.SELF_IP_ADDRESS_IN_USE, address=str(mine.ip), other=other.full_path
                )
        if obj.props["floating"] == "enabled" and not static_subnet_holds(dev, obj):
            raise errors.make(
                ErrorId.FLOATING_SELF_OUTSIDE_SUBNET,
                path=obj.full_path,
                address=obj.props["address"],
                vlan=obj.props["vlan"],
            )

    def check_delete(self, dev: Device, obj: Obj) -> None:
        address = str(names.parse_self_address(obj.props["address"]).ip)
        if dev.self_record().props.get("configsyncIp") == address:
            raise errors.make(ErrorId.CONFIG_SYNC_ADDRESS_IN_USE, address=address)

    def is_synced(self, obj: Obj) -> bool:
        return (
            obj.props.get("trafficGroup") != LOCAL_ONLY and obj.props.get("floating") == "enabled"
        )


def route_domain_exists(dev: Device, suffix: str) -> None:
    """`%N` must name an existing route domain (only route domain 0 exists on a fresh
    device) [I]."""
    if suffix and not any(
        str(rd.props.get("id")) == suffix[1:] for rd in dev.store.items("net/route-domain")
    ):
        raise errors.make(
            ErrorId.REFERENCE_MISSING, type="route domain", path=f"/Common/{suffix[1:]}"
        )


def static_subnet_holds(dev: Device, floating: Obj) -> bool:
    """A floating self IP needs a non-floating self IP on its VLAN whose subnet contains it."""
    address = names.parse_self_address(floating.props["address"])
    for other in dev.store.items("net/self"):
        if (
            other.props.get("floating") == "enabled"
            or other.props.get("vlan") != floating.props["vlan"]
        ):
            continue
        static = names.parse_self_address(other.props["address"])
        if static.route_domain == address.route_domain and address.ip in static.interface.network:
            return True
    return False


def allow_service(value: Any) -> str | list[str] | None:
    """Port lockdown input forms → the stored form: absent (none), "all", or a list [F][C]."""
    if value in ("none", [], "", None):
        return None
    if value == "all" or value == ["all"]:
        return "all"
    if value == "default":
        return ["default"]
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if item == "default":
            out.append(item)
            continue
        proto, _, port = str(item).partition(":")
        if proto not in ALLOW_PROTOCOLS:
            raise errors.make(ErrorId.INVALID_VALUE, key="allowService", value=item)
        out.append(f"{proto}:{int_in_range('allowService', port or 0, 0, 65535)}")
    return out


class RouteDomainRules(Rules):
    """`net/route-domain`: route domain 0 from the factory; others may be created so that
    `%N` addresses can refer to them [C]."""

    kind = Kind("net/route-domain", "route domain")
    optional = frozenset({"description", "id", "vlans"})
    switches = frozenset({"strict"})
    ranges = table({"id": (0, 65534), "connectionLimit": (0, 4294967295)})

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {"connectionLimit": 0, "strict": "enabled"}

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        if "id" not in obj.props:
            raise errors.make(ErrorId.MISSING_PROPERTY, type="route domain", key="id")

    def check_delete(self, dev: Device, obj: Obj) -> None:
        if obj.props["id"] == 0:
            raise errors.make(
                ErrorId.METHOD_NOT_SUPPORTED, method="DELETE", path="/tm/net/route-domain/0"
            )


class TunnelProfileRules(Rules):
    """Built-in tunnel profiles, read by Ansible's pool-member module on every run [C]."""

    creatable = False
    deletable = False

    def __init__(self, tunnel_type: str) -> None:
        self.kind = Kind(f"net/tunnels/{tunnel_type}", "tunnel profile")


RULES: tuple[Rules, ...] = (
    InterfaceRules(),
    VlanRules(),
    SelfIpRules(),
    RouteDomainRules(),
    TunnelProfileRules("gre"),
    TunnelProfileRules("ipip"),
)
