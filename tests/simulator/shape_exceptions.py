"""Every difference between the captures and the simulator that the shape test accepts, each
with its reason. Nothing else is accepted: a difference no entry covers fails the test, and an
entry that no longer covers anything fails it too (see `test_fixture_shapes.py`).

Each entry names the README row that mirrors it (`topic`: README.md, "What it does not model").
Entries fall in four groups:

* RELEASES: keys (or organizing-collection items) a capture from an older TMOS release lacks.
  The simulator renders 16.1's key set at every version it is told to claim (a few virtual
  server keys apart, which follow the version), so the capture's release is the condition.
* DEVICE_VALUES: values a device decides by itself and no situation can reproduce: mcpd's change
  counter, timestamps, tokens, hardware addresses and indexes, licence lines.
* NOT_MODELLED: what the simulator deliberately does not do (monitors, FQDN resolution, iRules,
  LTM policies, tunnels, the datasync/DoS device groups).
* CAPTURED: what only the captured device had: its port count, its own history.

Key paths are relative to the object a difference is in (`shape_compare`); `*` matches
anything, nothing else is special.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shape_compare import EXTRA, EXTRA_ITEM, LENGTH, MISSING, MISSING_ITEM, VALUE, Difference


@dataclass(frozen=True)
class Accepted:
    what: str
    kind: str
    key: str
    reason: str
    topic: str  # a README row of "What it does not model" starts with this text
    detail: str = "*"  # for items: the item's name (or link)
    fixtures: tuple[str, ...] = ()  # only these captures (none: any capture)
    before: str | None = None  # only captures from a TMOS release older than this one

    def covers(self, diff: Difference, fixture: str, version: str) -> bool:
        return (
            diff.what == self.what
            and glob(self.kind, diff.kind)
            and glob(self.key, diff.key)
            and glob(self.detail, diff.detail)
            and (not self.fixtures or fixture in self.fixtures)
            and (self.before is None or release(version) < release(self.before))
        )


def glob(pattern: str, text: str) -> bool:
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), text) is not None


def release(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


RELEASES_TOPIC = "Key sets of releases before 16.1"
HISTORY = "Numbers and history of a real device"
TRAFFIC = "Traffic:"
NOT_CREATABLE = "Creating iRules"
GROUPS = "Device groups of other modules"
INTERNAL = "Internal virtual servers"
CLOCK = "Times and tokens"
HARDWARE = "Hardware identity"
LICENCE = "Licence details"

INTERFACE = "tm:net:interface:interfacestate"
VIRTUAL = "tm:ltm:virtual:virtualstate"
MEMBER = "tm:ltm:pool:members:membersstate"
DEVICE = "tm:cm:device:devicestate"
TOKEN = "shared:authz:tokens:authtokenitemstate"
SYS = "tm:sys:syscollectionstate"

RELEASES = [
    Accepted(
        EXTRA,
        INTERFACE,
        key,
        "added between 16.0.0 and 16.1.3 (absent from both older captures, present in "
        "sts-f5-agent-checks/interface.json)",
        RELEASES_TOPIC,
        before="16.1",
    )
    for key in ("lacpPortPriority", "linkTrapsEnabled")
] + [
    Accepted(
        EXTRA,
        INTERFACE,
        "portFwdMode",
        "absent at 12.1.0 (load_net_interfaces.json), present at 16.0.0",
        RELEASES_TOPIC,
        before="16.0",
    ),
    *(
        Accepted(
            EXTRA,
            "tm:net:vlan:vlanstate",
            key,
            "absent at 12.1.0 (f5-ansible/load_vlan.json), present at 16.0.0",
            RELEASES_TOPIC,
            before="16.0",
        )
        for key in ("fwdMode", "hardwareSyncookie", "synFloodRateLimit", "syncacheThreshold")
    ),
    *(
        Accepted(
            EXTRA,
            DEVICE,
            key,
            "absent at 12.1.2 (f5-ansible/load_tm_cm_device*.json), present at 16.0.0",
            RELEASES_TOPIC,
            before="16.0",
        )
        for key in ("alternateIp", "mgmtUnicastMode")
    ),
    *(
        Accepted(
            EXTRA,
            "tm:cm:traffic-group:traffic-groupstate",
            key,
            "absent at 12.1.4 (load_tg_ha_order.json), present at 13.0.0",
            RELEASES_TOPIC,
            before="13.0",
        )
        for key in ("failoverMethod", "monitor")
    ),
    *(
        Accepted(
            EXTRA,
            MEMBER,
            key,
            "absent at 11.5.4 (pool_members_subcollection.json), present at 16.0.0",
            RELEASES_TOPIC,
            before="12.0",
        )
        for key in ("ephemeral", "fqdn")
    ),
    *(
        Accepted(
            EXTRA,
            "tm:ltm:virtual-address:virtual-addressstate",
            key,
            "absent at 11.6.0 (ltm_virtual_addresses_virtual_address_GET.json), present at 12.1.2",
            RELEASES_TOPIC,
            before="12.0",
        )
        for key in ("spanning", "trafficGroupReference")
    ),
    *(
        Accepted(
            EXTRA_ITEM,
            SYS,
            "items[]",
            "sys components added after 11.6.0 (f5-common-python/sys_GET.json lists 38, the "
            "15.1.0.1 capture 51)",
            RELEASES_TOPIC,
            detail=f"https://localhost/mgmt/tm/sys/{component}?ver=*",
            before="12.0",
        )
        for component in (
            "aom",
            "autoscale-group",
            "core",
            "diags",
            "dynad",
            "ecm",
            "icontrol-soap",
            "internal-proxy",
            "management-ovsdb",
            "management-proxy-config",
            "pfman",
            "telemd",
            "turboflex",
        )
    ),
]

DEVICE_VALUES = [
    Accepted(
        VALUE,
        "*",
        "generation",
        "mcpd's change counter: it counts the device's whole history",
        HISTORY,
    ),
    Accepted(
        VALUE,
        "tm:net:vlan:vlanstate",
        "ifIndex",
        "assigned by the device as VLANs are created",
        HISTORY,
    ),
    Accepted(
        VALUE, INTERFACE, "ifIndex", "the platform's port numbering (a 12.1 hardware box)", HISTORY
    ),
    Accepted(
        VALUE,
        VIRTUAL,
        "vsIndex",
        "assigned by the device; the captured devices had made virtuals since deleted",
        HISTORY,
    ),
    Accepted(
        VALUE,
        "tm:cm:traffic-group:traffic-groupstate",
        "unitId",
        "the captured traffic-group-2 got unit 1, free on that device; traffic-group-1 holds it on every simulated device",
        HISTORY,
        fixtures=("f5-ansible/load_tg_ha_order.json",),
    ),
    *(
        Accepted(VALUE, VIRTUAL, key, "when the capture's virtual was created or changed", CLOCK)
        for key in ("creationTime", "lastModifiedTime")
    ),
    *(
        Accepted(VALUE, TOKEN, key, "a token is random; its times are the login's", CLOCK)
        for key in (
            "token",
            "name",
            "selfLink",
            "startTime",
            "lastUpdateMicros",
            "expirationMicros",
        )
    ),
    *(
        Accepted(VALUE, kind, key, "the captured hardware's own (addresses, media, link)", HARDWARE)
        for kind, key in (
            (DEVICE, "baseMac"),
            (DEVICE, "chassisId"),
            (INTERFACE, "macAddress"),
            (INTERFACE, "mediaActive"),
            (INTERFACE, "mediaFixed"),
            (INTERFACE, "mediaMax"),
        )
    ),
    Accepted(
        MISSING,
        INTERFACE,
        "mediaMax",
        "the 12.1 hardware's management port reports one; a VE's does not",
        HARDWARE,
    ),
    Accepted(
        VALUE,
        INTERFACE,
        "mtu",
        "the 16.1.3 capture's two VLAN members report 1500, every data port of the 12.1.0 and "
        "16.0.0 captures 9198 (VLAN members or not: unknown); the simulator reports 9198",
        HARDWARE,
        fixtures=("sts-f5-agent-checks/interface.json",),
    ),
    Accepted(MISSING, DEVICE, "optionalModules", "the captured licence's add-ons", LICENCE),
    Accepted(
        MISSING, DEVICE, "timeLimitedModules", "the captured licence's subscriptions", LICENCE
    ),
    Accepted(LENGTH, DEVICE, "activeModules", "the captured licence's modules", LICENCE),
    Accepted(VALUE, DEVICE, "activeModules[]", "the captured licence's modules", LICENCE),
]

NOT_MODELLED = [
    Accepted(
        VALUE,
        "tm:ltm:*",
        "state",
        "health monitors never run: nodes and members stay unchecked",
        TRAFFIC,
    ),
    Accepted(
        MISSING_ITEM,
        "tm:ltm:pool:members:memberscollectionstate",
        "items[]",
        "FQDN names are never resolved, so no ephemeral members",
        TRAFFIC,
        detail="_auto_*",
    ),
    Accepted(
        MISSING, MEMBER, "profiles", "IP-encapsulation tunnels of pool members", NOT_CREATABLE
    ),
    Accepted(
        VALUE,
        MEMBER,
        "inheritProfile",
        "follows a member's own tunnel profiles, which are not modelled",
        NOT_CREATABLE,
    ),
    *(
        Accepted(
            MISSING, VIRTUAL, key, "iRules cannot be created, so no virtual has one", NOT_CREATABLE
        )
        for key in ("rules", "rulesReference")
    ),
    Accepted(
        MISSING,
        VIRTUAL,
        "policiesReference.items",
        "LTM policies cannot be created, so no virtual has one",
        NOT_CREATABLE,
    ),
    *(
        Accepted(
            MISSING_ITEM,
            "tm:cm:device-group:device-groupcollectionstate",
            "items[]",
            "built-in groups of other modules (datasync, DoS); a simulated device has only "
            "device_trust_group and gtm",
            GROUPS,
            detail=pattern,
        )
        for pattern in ("datasync-*", "dos-global-dg")
    ),
    Accepted(
        VALUE,
        VIRTUAL,
        "destination",
        "an internal virtual has no real destination; the device shows it without a folder",
        INTERNAL,
        fixtures=("f5-ansible-bigip/load_ltm_virtual_servers_facts.json",),
    ),
]

CAPTURED = [
    Accepted(
        MISSING_ITEM,
        "*interface*",
        "*[]",
        "the captured 12.1 hardware had eight more ports (2.1-2.8)",
        HARDWARE,
        detail="2.*",
    ),
    *(
        Accepted(
            EXTRA_ITEM,
            "*interface*",
            "*[]",
            "the captured VEs had two or three data ports, a simulated one has four",
            HARDWARE,
            detail=port,
        )
        for port in ("1.3", "1.4")
    ),
    Accepted(
        VALUE,
        TOKEN,
        "user.link",
        "the capture was anonymised: its user is `foo`, its link still names `admin`",
        CLOCK,
        fixtures=("f5-ansible-bigip/tmos_auth_response.json",),
    ),
    Accepted(
        VALUE,
        "tm:cm:traffic-group:traffic-groupstats",
        "entries.previousActive.description",
        "the captured device's failover history",
        HISTORY,
    ),
]

ACCEPTED: list[Accepted] = [*RELEASES, *DEVICE_VALUES, *NOT_MODELLED, *CAPTURED]
