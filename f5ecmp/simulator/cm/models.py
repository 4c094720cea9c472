"""Cluster-management configuration objects: the device's own `cm/device` record, device
groups (+ `devices`) and traffic groups.

The guide's "Specifying config sync, failover, and mirroring addresses", "Creating a
Sync-Failover device group" and "Creating traffic groups for failover" sections. What happens
*because* of these objects is in `replication`, `sync` and `failover`; this module only
decides what a device accepts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .. import errors, names
from ..errors import ErrorId
from ..objects import Kind, Rules, ref_path, table
from ..store import Obj

if TYPE_CHECKING:
    from ..device import Device

TRUST_GROUP = "/Common/device_trust_group"
BUILTIN_GROUPS = frozenset({TRUST_GROUP, "/Common/gtm"})
LOCAL_ONLY = "/Common/traffic-group-local-only"
BUILTIN_TRAFFIC_GROUPS = frozenset({LOCAL_ONLY, "/Common/traffic-group-1"})
MAC = re.compile(r"^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$")
CONNECTIVITY = frozenset(
    {
        "configsyncIp",
        "unicastAddress",
        "mirrorIp",
        "mirrorSecondaryIp",
        "multicastInterface",
        "multicastIp",
        "multicastPort",
        "haCapacity",
        "description",
        "comment",
        "contact",
        "location",
    }
)
FAILOVER_PORT = 1026
MANAGEMENT_IP = "management-ip"


class DeviceRules(Rules):
    """`cm/device`: the self device's record. Only connectivity settings are writable; the rest
    is read-only and ignored when a client sends the record back whole."""

    kind = Kind("cm/device", "device", refs={"cert": "cm/cert", "key": "cm/key"})
    creatable = False
    deletable = False
    optional = CONNECTIVITY

    def clean_body(
        self, dev: Device, full_path: str, body: dict[str, Any], existing: Obj | None = None
    ) -> dict[str, Any]:
        known = frozenset(existing.props) if existing is not None else frozenset()
        return super().clean_body(
            dev,
            full_path,
            {k: v for k, v in body.items() if k in CONNECTIVITY or k not in known},
            existing,
        )

    def coerce(self, key: str, value: Any) -> Any:
        if key == "configsyncIp":
            return "none" if value in ("none", "", None) else str(names.parse_ip(value))
        if key in ("mirrorIp", "mirrorSecondaryIp"):
            return value if value in ("any6", "any") else str(names.parse_ip(value))
        if key == "unicastAddress":
            return unicast_addresses(value)
        if key in ("multicastPort", "haCapacity"):
            return int(value)
        return value

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        super().apply(dev, obj, body, creating)
        for entry in obj.props.get("unicastAddress", []):
            # The device's own management address is kept as the keyword, in `ip` and in
            # `effectiveIp` alike (bigip_base.conf quoted in F5Networks/f5-ansible #412; 12.0+).
            if entry["ip"] == str(dev.mgmt):
                entry["ip"] = MANAGEMENT_IP
            entry["effectiveIp"] = entry["ip"]
        if obj.props.get("unicastAddress") == []:
            del obj.props["unicastAddress"]

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        own = {
            str(names.parse_self_address(s.props["address"]).ip)
            for s in dev.store.items("net/self")
            if s.props.get("floating") == "disabled"
        }
        checks = [
            ("configsyncIp", obj.props.get("configsyncIp"), {"none"}),
            ("mirrorIp", obj.props.get("mirrorIp"), {"any6", "any"}),
            ("mirrorSecondaryIp", obj.props.get("mirrorSecondaryIp"), {"any6", "any"}),
        ]
        checks += [
            ("unicastAddress", e["ip"], {MANAGEMENT_IP})
            for e in obj.props.get("unicastAddress", [])
        ]
        for key, value, allowed in checks:
            if value is not None and value not in allowed and value not in own:
                raise errors.make(ErrorId.NOT_A_SELF_IP, key=key, address=str(value))


def unicast_addresses(value: Any) -> list[dict[str, Any]]:
    """`"none"` or a list of `{ip, port}` (effective* optional) → the stored list [C][F]."""
    if value in ("none", None, []):
        return []
    if not isinstance(value, list):
        raise errors.make(ErrorId.INVALID_VALUE, key="unicastAddress", value=value)
    out = []
    for entry in value:
        if not isinstance(entry, dict) or "ip" not in entry:
            raise errors.make(ErrorId.INVALID_VALUE, key="unicastAddress", value=entry)
        ip = entry["ip"] if entry["ip"] == MANAGEMENT_IP else str(names.parse_ip(entry["ip"]))
        port = int(entry.get("port", FAILOVER_PORT))
        out.append({"effectiveIp": ip, "effectivePort": port, "ip": ip, "port": port})
    return out


def failover_groups(dev: Device) -> list[Obj]:
    return [g for g in dev.store.items("cm/device-group") if g.props.get("type") == "sync-failover"]


class DeviceGroupRules(Rules):
    """`cm/device-group`: members must be in the local trust domain and in at most one
    sync-failover group; the built-in groups are maintained by the system."""

    kind = Kind("cm/device-group", "device group", subcollections=("devices",))
    input_only = frozenset({"devices"})
    immutable = frozenset({"type"})
    switches = frozenset({"autoSync", "asmSync", "networkFailover"})
    string_bools = frozenset({"fullLoadOnSync", "saveOnAutoSync"})
    enums = table({"type": frozenset({"sync-only", "sync-failover"})})
    ranges = table({"incrementalConfigSyncSizeMax": (1024, 102400)})
    child_type_names = table({"devices": "device"})

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {
            "asmSync": "disabled",
            "autoSync": "disabled",
            "fullLoadOnSync": "false",
            "incrementalConfigSyncSizeMax": 1024,
            "networkFailover": "disabled",
            "saveOnAutoSync": "false",
            "type": "sync-only",
        }

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        if obj.full_path in BUILTIN_GROUPS and not creating:
            raise errors.make(ErrorId.BUILTIN_DEVICE_GROUP, name=obj.name)
        if creating and body.get("type") == "sync-failover" and "networkFailover" not in body:
            body = {**body, "networkFailover": "enabled"}
        super().apply(dev, obj, body, creating)
        if "devices" in body:
            self.set_children(dev, obj, "devices", body["devices"])

    def add_child(self, dev: Device, parent: Obj, sub: str, body: dict[str, Any]) -> Obj:
        if parent.full_path in BUILTIN_GROUPS:
            raise errors.make(ErrorId.BUILTIN_DEVICE_GROUP, name=parent.name)
        path = ref_path(body, "devices")
        if path in parent.children.get(sub, {}):
            raise errors.make(ErrorId.ALREADY_EXISTS, type="device", path=path)
        child = Obj("cm/device-group/devices", path, {})
        parent.children.setdefault(sub, {})[path] = child
        return child

    def remove_child(self, dev: Device, parent: Obj, sub: str, child: Obj) -> None:
        if parent.full_path in BUILTIN_GROUPS:
            raise errors.make(ErrorId.BUILTIN_DEVICE_GROUP, name=parent.name)
        super().remove_child(dev, parent, sub, child)

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        if obj.full_path in BUILTIN_GROUPS:
            return
        for member in obj.children.get("devices", {}):
            if names.base_name(member) not in dev.trust:
                raise errors.make(ErrorId.DEVICE_NOT_IN_TRUST, device=member)
            if obj.props["type"] != "sync-failover":
                continue
            for group in failover_groups(dev):
                if group.full_path != obj.full_path and member in group.children.get("devices", {}):
                    raise errors.make(
                        ErrorId.DEVICE_IN_OTHER_FAILOVER_GROUP, device=member, group=group.full_path
                    )

    def check_delete(self, dev: Device, obj: Obj) -> None:
        if obj.full_path in BUILTIN_GROUPS:
            raise errors.make(ErrorId.BUILTIN_DEVICE_GROUP, name=obj.name)


class TrafficGroupRules(Rules):
    """`cm/traffic-group`: HA order of devices in a sync-failover group with this device, auto
    failback (needs an HA order), MAC masquerade; `unitId` assigned at creation [F][C]."""

    kind = Kind(
        "cm/traffic-group",
        "traffic group",
        refs={"haOrder": "cm/device", "haGroup": "sys/ha-group"},
    )
    optional = frozenset({"description", "haOrder", "haGroup"})
    derived = frozenset({"isFloating", "unitId", "monitor"})
    string_bools = frozenset({"autoFailbackEnabled"})
    enums = table({"failoverMethod": frozenset({"ha-order", "ha-score", "load-aware"})})
    ranges = table({"autoFailbackTime": (0, 300), "haLoadFactor": (1, 1000)})

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {
            "autoFailbackEnabled": "false",
            "autoFailbackTime": 60,
            "failoverMethod": "ha-order",
            "haLoadFactor": 1,
            "isFloating": "true",
            "mac": "none",
            "monitor": {},
            "unitId": 0,
        }

    def coerce(self, key: str, value: Any) -> Any:
        if key == "haOrder":
            if value in ("none", "", None, [], [""]):
                return None
            if not isinstance(value, list):
                raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
            return [ref_path(v, key) for v in value]
        if key == "mac":
            if value in ("", "none"):
                return "none"
            if not isinstance(value, str) or not MAC.match(value):
                raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
            return value
        if key == "haGroup":
            if value not in ("none", ""):
                raise errors.make(ErrorId.REFERENCE_MISSING, type="HA group", path=str(value))
            return None
        return super().coerce(key, value)

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        if obj.full_path == LOCAL_ONLY:
            raise errors.make(ErrorId.INVALID_VALUE, key="name", value=obj.name)
        super().apply(dev, obj, body, creating)
        if creating:
            used = {tg.props.get("unitId", 0) for tg in dev.store.items(self.kind.path)}
            obj.props["unitId"] = next(u for u in range(1, 1 << 16) if u not in used)

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        order = obj.props.get("haOrder", [])
        peers = {dev.name} | {
            names.base_name(d)
            for g in failover_groups(dev)
            if f"/Common/{dev.name}" in g.children.get("devices", {})
            for d in g.children.get("devices", {})
        }
        for device in order:
            if names.base_name(device) not in peers:
                raise errors.make(
                    ErrorId.HA_ORDER_DEVICE_NOT_MEMBER, device=device, traffic_group=obj.full_path
                )
        if obj.props["autoFailbackEnabled"] == "true" and not order:
            raise errors.make(ErrorId.AUTO_FAILBACK_WITHOUT_HA_ORDER, traffic_group=obj.full_path)

    def check_delete(self, dev: Device, obj: Obj) -> None:
        if obj.full_path in BUILTIN_TRAFFIC_GROUPS:
            raise errors.make(ErrorId.BUILTIN_TRAFFIC_GROUP, path=obj.full_path)
        for kind, user_type in (
            ("net/self", "self IP"),
            ("ltm/virtual-address", "Virtual Address"),
        ):
            for user in dev.store.items(kind):
                if user.props.get("trafficGroup") == obj.full_path:
                    raise errors.make(
                        ErrorId.IN_USE,
                        type="traffic group",
                        path=obj.full_path,
                        user_type=user_type,
                        user_path=user.full_path,
                    )

    def is_synced(self, obj: Obj) -> bool:
        return obj.full_path != LOCAL_ONLY


RULES: tuple[Rules, ...] = (DeviceRules(), DeviceGroupRules(), TrafficGroupRules())
