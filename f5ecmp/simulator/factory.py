"""What a freshly licensed BIG-IP VE holds before anyone configures it.

Hostname set, interfaces 1.1-1.4 and mgmt, traffic-group-1 and traffic-group-local-only, the
built-in device groups, monitors and profiles, its own `cm/device` record (`selfDevice "true"`),
default NTP/DNS/global settings, LTM provisioned. Shapes follow the 16.x fixtures.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from . import catalogue
from .names import IPAddress
from .readonly import SYSLOG_DEFAULTS
from .store import ConfigStore, Obj
from .sys.models import dns_defaults, global_settings_defaults, ntp_defaults

INTERFACES = ("1.1", "1.2", "1.3", "1.4", "mgmt")
PROVISION_MODULES = (
    "afm",
    "am",
    "apm",
    "asm",
    "avr",
    "dos",
    "fps",
    "gtm",
    "ilx",
    "lc",
    "ltm",
    "pem",
    "sslo",
    "swg",
    "urldb",
)
DB_KEYS = {
    "dns.cache": "enable",
    "statemirror.clustermirroring": "between",
    "systemauth.disablebash": "false",
    "failover.nettimeoutsec": "3",
}
TUNNEL_PROFILES = {"gre": ("gre",), "ipip": ("ip4ip4", "ip4ip6", "ip6ip4", "ip6ip6", "ipip")}
# Known build numbers (12.1.2: f5-ansible/load_tm_cm_device.json); any other version reports
# 0.0.12 [I].
BUILDS = {
    "16.1.3": "0.0.12",
    "16.0.0": "0.0.12",
    "15.1.8": "0.0.7",
    "17.1.0": "0.0.4",
    "12.1.2": "0.0.249",
}
# Known build dates (16.0.0: f5-ansible-bigip/load_sys_version.json); any other version
# reports 16.1.3's [I].
BUILD_DATES = {"16.1.3": "Fri Jun 17 23:38:53 PDT 2022", "16.0.0": "Tue Jun 23 18:31:26 PDT 2020"}


@dataclass(frozen=True)
class Identity:
    """What makes one device itself: name, management address, software version."""

    name: str
    mgmt: IPAddress
    version: str
    index: int

    @property
    def build(self) -> str:
        return BUILDS.get(self.version, "0.0.12")

    @property
    def build_date(self) -> str:
        return BUILD_DATES.get(self.version, BUILD_DATES["16.1.3"])

    def digest(self) -> bytes:
        return hashlib.sha256(f"{self.name}/{self.index}".encode()).digest()

    @property
    def base_mac(self) -> str:
        return mac(self.digest(), 0)

    @property
    def chassis_id(self) -> str:
        h = self.digest().hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:28]}"


def mac(digest: bytes, offset: int) -> str:
    tail = bytes(((digest[0] + offset) % 256, digest[1], digest[2]))
    return ":".join(f"{b:02x}" for b in (0x52, 0x54, 0x00, *tail))


def fresh_store(identity: Identity) -> ConfigStore:
    """The configuration of a device straight out of licensing."""
    store = ConfigStore()
    for obj in (
        *interfaces(identity),
        *traffic_groups(),
        *device_groups(identity),
        *monitors(),
        *profiles(),
        *provisioning(),
        *db_keys(),
        *tunnel_profiles(),
        device_record(identity),
        *system_objects(identity),
        *read_only(identity),
    ):
        store.put(obj)
    return store


def interfaces(identity: Identity) -> list[Obj]:
    out = []
    for i, name in enumerate(INTERFACES):
        mgmt = name == "mgmt"
        props: dict[str, Any] = {
            "bundle": "not-supported",
            "bundleSpeed": "not-supported",
            "enabled": True,
            "flowControl": "tx-rx",
            "forceGigabitFiber": "disabled",
            "forwardErrorCorrection": "not-supported",
            "ifIndex": 32 if mgmt else 48 + 16 * i,
            "lacpPortPriority": 32786,
            "linkTrapsEnabled": "true",
            "lldpAdmin": "txonly",
            "lldpTlvmap": 130943,
            "macAddress": identity.base_mac if mgmt else mac(identity.digest(), i + 1),
            "mediaActive": "100TX-FD" if mgmt else "10000T-FD",
            "mediaFixed": "auto" if mgmt else "10000T-FD",
            "mediaSfp": "auto",
            # Data ports report their largest frame; the management port 1500 (12.1.0, 16.0.0
            # and 16.1.3 captures: load_net_interfaces.json, load_interfaces.json, interface.json).
            "mtu": 1500 if mgmt else 9198,
            "portFwdMode": "l3",
            "preferPort": "sfp",
            "qinqEthertype": "0x8100",
            "sflow": {"pollInterval": 0, "pollIntervalGlobal": "yes"},
            "stp": "enabled",
            "stpAutoEdgePort": "enabled",
            "stpEdgePort": "true",
            "stpLinkType": "auto",
        }
        if not mgmt:
            # The management port has no mediaMax (sts-f5-agent-checks interface.json, 16.1.3).
            props["mediaMax"] = "auto"
        out.append(Obj("net/interface", name, dict(sorted(props.items()))))
    return out


def traffic_group(name: str, unit: int, floating: bool) -> Obj:
    return Obj(
        "cm/traffic-group",
        f"/Common/{name}",
        {
            "autoFailbackEnabled": "false",
            "autoFailbackTime": 60,
            "failoverMethod": "ha-order",
            "haLoadFactor": 1,
            "isFloating": "true" if floating else "false",
            "mac": "none",
            "monitor": {},
            "unitId": unit,
        },
    )


def traffic_groups() -> list[Obj]:
    return [
        traffic_group("traffic-group-1", 1, True),
        traffic_group("traffic-group-local-only", 0, False),
    ]


def device_group(name: str, auto_sync: str, members: list[str]) -> Obj:
    group = Obj(
        "cm/device-group",
        f"/Common/{name}",
        {
            "asmSync": "disabled",
            "autoSync": auto_sync,
            "fullLoadOnSync": "false",
            "incrementalConfigSyncSizeMax": 1024,
            "networkFailover": "disabled",
            "saveOnAutoSync": "false",
            "type": "sync-only",
        },
    )
    group.children["devices"] = {
        f"/Common/{m}": Obj("cm/device-group/devices", f"/Common/{m}", {}) for m in members
    }
    return group


def device_groups(identity: Identity) -> list[Obj]:
    return [
        device_group("device_trust_group", "enabled", [identity.name]),
        device_group("gtm", "disabled", [identity.name]),
    ]


def monitors() -> list[Obj]:
    out = []
    for kind, found in catalogue.MONITORS.items():
        for i, name in enumerate(found):
            props = catalogue.monitor_defaults(kind)
            if i:
                props["defaultsFrom"] = f"/Common/{found[0]}"
            out.append(Obj(f"ltm/monitor/{kind}", f"/Common/{name}", props))
    return out


def profiles() -> list[Obj]:
    """Every built-in profile and persistence profile; derived ones name their root."""
    out = []
    for kind, found in catalogue.PROFILES.items():
        root = next(iter(found))
        for name, settings in found.items():
            props: dict[str, Any] = {"appService": "none", **settings}
            if name != root:
                props["defaultsFrom"] = f"/Common/{root}"
            out.append(Obj(f"ltm/profile/{kind}", f"/Common/{name}", props))
    for kind, names in catalogue.PERSISTENCE.items():
        out.extend(
            Obj(f"ltm/persistence/{kind}", f"/Common/{n}", {"appService": "none"}) for n in names
        )
    for kind, names in catalogue.MESSAGE_ROUTING.items():
        out.extend(Obj(kind, f"/Common/{n}", {"appService": "none"}) for n in names)
    return out


def read_only(identity: Identity) -> list[Obj]:
    """The read-only collections clients gather, with what a fresh device holds in them."""
    out = []
    shipped = catalogue.software(identity.version, identity.build)
    for kind, (_, found) in catalogue.READ_ONLY.items():
        for path, props in {**found, **shipped.get(kind, {})}.items():
            out.append(Obj(kind, path, copy.deepcopy(props)))
    # [I] the management network's gateway: the last host address of the address's /24 (/64).
    prefix = 24 if identity.mgmt.version == 4 else 64
    network = ipaddress.ip_network(f"{identity.mgmt}/{prefix}", strict=False)
    route = next(o for o in out if o.kind == "sys/management-route")
    route.props["gateway"] = str(network[-2])
    # Each partition-access entry of a user links to its partition; bigip_device_info's users
    # subset deletes `nameReference` from every entry without a guard [C].
    for user in (o for o in out if o.kind == "auth/user"):
        for access in user.props.get("partitionAccess", []):
            access["nameReference"] = {
                "link": f"https://localhost/mgmt/tm/auth/partition/{access['name']}"
                f"?ver={identity.version}"
            }
    return out


def provisioning() -> list[Obj]:
    return [
        Obj(
            "sys/provision",
            m,
            {
                "cpuRatio": 0,
                "diskRatio": 0,
                "level": "nominal" if m == "ltm" else "none",
                "memoryRatio": 0,
            },
        )
        for m in PROVISION_MODULES
    ]


def db_keys() -> list[Obj]:
    return [
        Obj(
            "sys/db",
            key,
            {"defaultValue": value, "scfConfig": "true", "value": value, "valueRange": "string"},
        )
        for key, value in DB_KEYS.items()
    ]


def tunnel_profiles() -> list[Obj]:
    return [
        Obj(f"net/tunnels/{kind}", f"/Common/{name}", {"appService": "none"})
        for kind, found in TUNNEL_PROFILES.items()
        for name in found
    ]


def device_record(identity: Identity) -> Obj:
    return Obj(
        "cm/device",
        f"/Common/{identity.name}",
        {
            "activeModules": [
                "BIG-IP, VE Trial|SIMULATED-0000000|Rate Shaping|SSL, VE|"
                "Routing Bundle, VE|Max Compression, VE"
            ],
            "alternateIp": "none",
            "baseMac": identity.base_mac,
            "build": identity.build,
            "cert": "/Common/dtdi.crt",
            "chassisId": identity.chassis_id,
            "chassisType": "individual",
            "configsyncIp": "none",
            "edition": "Final",
            "failoverState": "active",
            "haCapacity": 0,
            "hostname": identity.name,
            "key": "/Common/dtdi.key",
            "managementIp": str(identity.mgmt),
            "marketingName": "BIG-IP Virtual Edition",
            "mgmtUnicastMode": "both",
            "mirrorIp": "any6",
            "mirrorSecondaryIp": "any6",
            "multicastIp": "any6",
            "multicastPort": 0,
            "platformId": "Z100",
            "product": "BIG-IP",
            "selfDevice": "true",
            "timeZone": "America/Los_Angeles",
            "version": identity.version,
        },
    )


def system_objects(identity: Identity) -> list[Obj]:
    return [
        Obj("sys/ntp", "", ntp_defaults()),
        Obj("sys/dns", "", dns_defaults()),
        Obj("sys/global-settings", "", global_settings_defaults(identity.name)),
        Obj("sys/syslog", "", dict(SYSLOG_DEFAULTS)),
        Obj(
            "auth/partition",
            "Common",
            {
                "defaultRouteDomain": 0,
                "description": "Repository for system objects and shared objects.",
            },
        ),
        Obj("net/route-domain", "/Common/0", {"connectionLimit": 0, "id": 0, "strict": "enabled"}),
    ]
