"""Checks that look at the playbook as a whole, before any device is touched.

Each check yields ``(field path, message)``; the loader adds file and line. The rules come from
F5's guide (cited by section) or from what a BIG-IP refuses, so that a playbook that passes here
does not fail half-way through a rollout on something that could have been seen offline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from f5ecmp.playbook.addresses import (
    all_selfs,
    check_connectivity,
    check_floating_selfs,
    check_self_uniqueness,
    check_static_selfs,
)
from f5ecmp.playbook.model import (
    Credentials,
    Playbook,
    VlanRole,
)
from f5ecmp.playbook.source import FieldPath, format_path
from f5ecmp.playbook.types import is_fqdn

Finding = tuple[FieldPath, str]
MAX_DEVICES = 8  # a Sync-Failover device group holds at most eight devices
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NO_POOL_TYPES = ("forwarding-ip", "forwarding-l2", "reject")


def check_secrets(data: Any, path: FieldPath = ()) -> Iterator[Finding]:
    """Refuse any password written into the playbook itself."""
    if isinstance(data, dict):
        for key, value in data.items():
            lowered = str(key).lower()
            if ("password" in lowered or "passwd" in lowered) and not lowered.endswith("_env"):
                yield (
                    (*path, key),
                    (
                        "passwords do not belong in a playbook: export it in an environment "
                        "variable and name that variable in credentials.password_env"
                    ),
                )
            else:
                yield from check_secrets(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from check_secrets(item, (*path, index))


def check_playbook(pb: Playbook) -> Iterator[Finding]:
    if not pb.devices:  # nothing to compare: say only that devices are missing
        yield from _check_devices(pb)
        return
    for check in CHECKS:
        yield from check(pb)


def _check_devices(pb: Playbook) -> Iterator[Finding]:
    count = len(pb.devices)
    if not 2 <= count <= MAX_DEVICES:
        yield (
            ("devices",),
            (
                f"an all-active cluster needs 2 to {MAX_DEVICES} devices (a Sync-Failover device "
                f"group holds at most {MAX_DEVICES}); found {count}"
            ),
        )
    names: dict[str, int] = {}
    endpoints: dict[tuple[str, int], int] = {}
    for i, device in enumerate(pb.devices):
        if device.name in names:
            yield (
                ("devices", i, "name"),
                (f"device name '{device.name}' is already used by devices[{names[device.name]}]"),
            )
        names.setdefault(device.name, i)
        endpoint = (str(device.mgmt), device.port)
        if endpoint in endpoints:
            yield (
                ("devices", i, "mgmt"),
                (
                    f"{device.mgmt} port {device.port} is already the management address of "
                    f"devices[{endpoints[endpoint]}]"
                ),
            )
        endpoints.setdefault(endpoint, i)


def _check_credentials(pb: Playbook) -> Iterator[Finding]:
    sets: list[tuple[FieldPath, Credentials]] = [(("credentials",), pb.credentials)]
    sets += [
        (("devices", i, "credentials"), d.credentials)
        for i, d in enumerate(pb.devices)
        if d.credentials is not None
    ]
    for path, creds in sets:
        for key in ("username_env", "password_env"):
            value = getattr(creds, key)
            if not _ENV_NAME.fullmatch(value):
                yield (*path, key), f"'{value}' is not an environment variable name"


def _check_vlans(pb: Playbook) -> Iterator[Finding]:
    vlans = pb.vlans.by_role()
    seen_names: dict[str, VlanRole] = {}
    untagged: dict[str, VlanRole] = {}
    tags_on: dict[tuple[str, int], VlanRole] = {}
    for role, vlan in vlans.items():
        base: FieldPath = ("vlans", role)
        if vlan.name in seen_names:
            yield (
                (*base, "name"),
                f"VLAN name '{vlan.name}' is also used by vlans.{seen_names[vlan.name]}",
            )
        seen_names.setdefault(vlan.name, role)
        if vlan.customer_tag is not None and not any(i.tagged for i in vlan.interfaces):
            yield (
                (*base, "customer_tag"),
                "a customer tag (QinQ) needs at least one tagged interface",
            )
        listed: set[str] = set()
        for j, member in enumerate(vlan.interfaces):
            where: FieldPath = (*base, "interfaces", j)
            if member.name in listed:
                yield (*where, "name"), f"interface {member.name} is listed twice in this VLAN"
            listed.add(member.name)
            if member.tag_mode is not None and (not member.tagged or vlan.customer_tag is None):
                yield (
                    (*where, "tag_mode"),
                    ("a tag mode applies only to a tagged interface of a VLAN with a customer tag"),
                )
            if not member.tagged:
                if member.name in untagged and untagged[member.name] != role:
                    yield (
                        (*where, "name"),
                        (
                            f"interface {member.name} is already untagged in vlans.{untagged[member.name]}"
                            ": an interface can be untagged in one VLAN only"
                        ),
                    )
                untagged.setdefault(member.name, role)
            elif vlan.tag is not None:
                key = (member.name, vlan.tag)
                if key in tags_on and tags_on[key] != role:
                    yield (
                        (*base, "tag"),
                        (
                            f"tag {vlan.tag} is also used by vlans.{tags_on[key]} on interface {member.name}"
                        ),
                    )
                tags_on.setdefault(key, role)


def _check_virtual_server(pb: Playbook) -> Iterator[Finding]:
    vs = pb.virtual_server
    destination = vs.destination.network
    for path, address, _, _ in all_selfs(pb):
        if address.version == destination.version and destination.overlaps(address.network):
            inside = address.network.supernet_of(destination)  # type: ignore[arg-type]
            yield (
                ("virtual_server", "destination"),
                (
                    f"{vs.destination} {'is inside' if inside else 'overlaps'} {address.network}, a self IP subnet "
                    f"({format_path(path)}): the guide puts the virtual address on a separate network "
                    "reached only through routing"
                ),
            )
            break
    if vs.pool is not None and vs.pool != pb.pool.name:
        yield (
            ("virtual_server", "pool"),
            f"no pool named '{vs.pool}' (the playbook's pool is '{pb.pool.name}')",
        )
    names = {p.rsplit("/", 1)[-1] for p in vs.profile_names}
    clash = {"udp": "tcp", "tcp": "udp"}.get(vs.ip_protocol)
    if clash in names:
        yield (
            ("virtual_server", "profiles"),
            f"a {clash} profile cannot serve a virtual server whose protocol is {vs.ip_protocol}",
        )
    if vs.type == "stateless" and (vs.mirroring or vs.snat == "automap"):
        yield (
            ("virtual_server", "type"),
            (
                "a stateless virtual server supports neither connection mirroring nor SNAT automap, "
                "both of which the guide's configuration needs; use standard"
            ),
        )
    if vs.type in _NO_POOL_TYPES:
        yield (
            ("virtual_server", "type"),
            (f"a {vs.type} virtual server has no default pool; the guide uses a standard one"),
        )


def _check_traffic_groups(pb: Playbook) -> Iterator[Finding]:
    names: dict[str, int] = {}
    macs: dict[str, int] = {}
    device_names = [d.name for d in pb.devices]
    for i, device in enumerate(pb.devices):
        tg = device.traffic_group
        base: FieldPath = ("devices", i, "traffic_group")
        if tg.name in names:
            yield (
                (*base, "name"),
                f"traffic group '{tg.name}' is already used by devices[{names[tg.name]}]",
            )
        names.setdefault(tg.name, i)
        if tg.name == "traffic-group-local-only":
            yield (
                (*base, "name"),
                "traffic-group-local-only does not float; name a floating traffic group",
            )
        if i == 0 and tg.name != "traffic-group-1":
            yield (
                (*base, "name"),
                (
                    "the first device owns traffic-group-1, BIG-IP's default floating traffic group "
                    "(guide: Creating traffic groups for failover)"
                ),
            )
        yield from _check_mac(tg.mac_masquerade, (*base, "mac_masquerade"), macs, i)
        yield from _check_ha_order(tg.ha_order, device.name, device_names, (*base, "ha_order"))
    va_group = pb.virtual_address.traffic_group
    if va_group not in names:
        yield (
            ("virtual_address", "traffic_group"),
            (f"'{va_group}' is not one of the playbook's traffic groups ({', '.join(names)})"),
        )


def _check_mac(mac: str, path: FieldPath, seen: dict[str, int], index: int) -> Iterator[Finding]:
    first = int(mac.split(":")[0], 16)
    if first & 0x01:
        yield path, f"{mac} is a multicast address: a MAC masquerade must be unicast"
    elif not first & 0x02:
        yield (
            path,
            (
                f"{mac} is not locally administered: set bit 0x02 of the first octet "
                f"(e.g. {first | 0x02:02x}{mac[2:]})"
            ),
        )
    if mac in seen:
        yield path, f"{mac} is already the MAC masquerade of devices[{seen[mac]}]"
    seen.setdefault(mac, index)


def _check_ha_order(
    order: tuple[str, ...] | None, owner: str, devices: list[str], path: FieldPath
) -> Iterator[Finding]:
    if order is None:
        return
    if not order:
        yield path, f"an HA order lists at least the owning device ({owner})"
        return
    for k, name in enumerate(order):
        if name not in devices:
            yield (*path, k), f"'{name}' is not a device of this playbook"
        elif name in order[:k]:
            yield (*path, k), f"'{name}' is listed twice"
    if order[0] != owner:
        yield (
            (*path, 0),
            f"the HA order starts with the owning device, {owner}, so its traffic group runs there",
        )


def _check_virtual_address(pb: Playbook) -> Iterator[Finding]:
    va = pb.virtual_address
    if va.arp and va.spanning:
        yield (
            ("virtual_address", "arp"),
            (
                "ARP must be off on a spanning virtual address (BIG-IP refuses both; guide: "
                "Enabling the virtual address to span all devices)"
            ),
        )


def _check_name_service(pb: Playbook) -> Iterator[Finding]:
    if pb.dns.servers:
        return
    for k, server in enumerate(pb.ntp.servers):
        if is_fqdn(server):
            yield (
                ("ntp", "servers", k),
                (
                    f"'{server}' is an FQDN: add dns.servers so the devices can resolve it "
                    "(guide: Before you begin, DNS servers)"
                ),
            )
    for k, member in enumerate(pb.pool.members):
        if member.fqdn is not None:
            yield (
                ("pool", "members", k, "fqdn"),
                (
                    f"'{member.fqdn}' is an FQDN: add dns.servers so the devices can resolve it "
                    "(guide: Before you begin, DNS servers)"
                ),
            )


def _check_device_group(pb: Playbook) -> Iterator[Finding]:
    dg = pb.device_group
    if dg.type != "sync-failover":
        yield (
            ("device_group", "type"),
            (
                "the all-active procedure needs a sync-failover device group (traffic groups fail "
                "over only within one)"
            ),
        )
    if not dg.network_failover:
        yield (
            ("device_group", "network_failover"),
            (
                "network failover is required for active-active configurations (guide: Creating a "
                "Sync-Failover device group)"
            ),
        )


def _check_pool(pb: Playbook) -> Iterator[Finding]:
    pool = pb.pool
    if pool.monitor_min_up is not None and pool.monitor_min_up > len(pool.monitors):
        yield (
            ("pool", "monitor_min_up"),
            (f"{pool.monitor_min_up} of {len(pool.monitors)} monitor(s) can never be up"),
        )
    seen: dict[tuple[str, int], int] = {}
    node_names: dict[str, str] = {}
    has_fqdn = False
    for k, member in enumerate(pool.members):
        base: FieldPath = ("pool", "members", k)
        if (member.address is None) == (member.fqdn is None):
            yield base, "give a member either an address or an fqdn (exactly one)"
            continue
        target = str(member.address) if member.address is not None else str(member.fqdn)
        has_fqdn = has_fqdn or member.fqdn is not None
        if (target, member.port) in seen:
            yield base, f"{target}:{member.port} is already members[{seen[(target, member.port)]}]"
        seen.setdefault((target, member.port), k)
        node = member.name or target
        if node_names.setdefault(node, target) != target:
            yield (*base, "name"), f"node name '{node}' is already used for {node_names[node]}"
    if has_fqdn:
        for k, monitor in enumerate(pool.monitors):
            if monitor.rsplit("/", 1)[-1] in ("inband", "sasp"):
                yield (
                    ("pool", "monitors", k),
                    ("a pool with FQDN members cannot be monitored by inband or sasp monitors"),
                )


CHECKS: tuple[Callable[[Playbook], Iterator[Finding]], ...] = (
    _check_devices,
    _check_credentials,
    _check_vlans,
    check_static_selfs,
    check_floating_selfs,
    check_self_uniqueness,
    _check_virtual_server,
    _check_traffic_groups,
    _check_virtual_address,
    _check_name_service,
    check_connectivity,
    _check_device_group,
    _check_pool,
)


def playbook_warnings(pb: Playbook) -> Iterator[Finding]:
    """Things BIG-IP accepts but an operator probably did not mean."""
    if not pb.virtual_address.spanning:
        yield (
            ("virtual_address", "spanning"),
            (
                "spanning is off: only the traffic group's active device will serve the virtual "
                "address, which is not all-active"
            ),
        )
    dg = pb.device_group
    if dg.save_on_auto_sync and not dg.auto_sync:
        yield ("device_group", "save_on_auto_sync"), "has no effect while auto_sync is off"
    members = pb.pool.members
    if members and all(m.fqdn is not None for m in members):
        yield (
            ("pool", "members"),
            (
                "every member is an FQDN: the guide advises at least one IP address, so the pool "
                "has a member when no DNS server answers"
            ),
        )
    if not pb.tls.verify:
        yield (
            ("tls", "verify"),
            "certificate verification is off: anyone on the path can read the credentials",
        )
