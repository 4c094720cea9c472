"""Checks of the playbook's addresses: self IP subnets, uniqueness and names, connectivity.

The subnet of a VLAN is the one most devices' static self IPs agree on, so one mistyped
address is blamed on the device that has it, not on every other device.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterator

from f5ecmp.playbook.model import FLOATING_ROLES, VLAN_ROLES, Playbook, VlanRole
from f5ecmp.playbook.source import FieldPath, format_path
from f5ecmp.playbook.types import IPInterface

Finding = tuple[FieldPath, str]


def vlan_subnets(pb: Playbook) -> dict[VlanRole, IPInterface]:
    """Per VLAN, a static self IP in the subnet most devices agree on (ties: the first)."""
    out: dict[VlanRole, IPInterface] = {}
    for role in VLAN_ROLES:
        addresses = [d.static_selfs.by_role()[role].address for d in pb.devices]
        votes = Counter(a.network for a in addresses)
        best = max(votes.values())
        out[role] = next(a for a in addresses if votes[a.network] == best)
    return out


def check_static_selfs(pb: Playbook) -> Iterator[Finding]:
    reference = vlan_subnets(pb)
    for i, device in enumerate(pb.devices):
        for role, spec in device.static_selfs.by_role().items():
            ref = reference[role]
            if spec.address.network != ref.network:
                agree = sum(
                    d.static_selfs.by_role()[role].address.network == ref.network
                    for d in pb.devices
                )
                yield (
                    ("devices", i, "static_selfs", role),
                    f"{spec.address} is not in {ref.network}, the {role} subnet of {agree} of the "
                    f"{len(pb.devices)} devices: a VLAN's static self IPs share one subnet",
                )
    roles = list(VLAN_ROLES)
    for a, role_a in enumerate(roles):
        for role_b in roles[a + 1 :]:
            net_a, net_b = reference[role_a].network, reference[role_b].network
            if net_a.version == net_b.version and net_a.overlaps(net_b):
                yield (
                    ("devices", 0, "static_selfs", role_b),
                    f"subnet {net_b} overlaps the {role_a} subnet {net_a}: each VLAN needs a subnet of its own",
                )


def check_floating_selfs(pb: Playbook) -> Iterator[Finding]:
    reference = vlan_subnets(pb)
    for i, device in enumerate(pb.devices):
        for role, spec in device.floating_selfs.by_role().items():
            ref = reference[role]
            where: FieldPath = ("devices", i, "floating_selfs", role)
            if spec.address.version != ref.version or spec.address.ip not in ref.network:
                yield (
                    where,
                    (
                        f"{spec.address} is outside {ref.network}, the subnet of the {role} static "
                        "self IPs: a floating self IP lies in its VLAN's subnet"
                    ),
                )
            elif spec.address.network.prefixlen != ref.network.prefixlen:
                yield (
                    where,
                    (
                        f"{spec.address} has prefix /{spec.address.network.prefixlen}, the {role} "
                        f"static self IPs /{ref.network.prefixlen}: give the same netmask"
                    ),
                )


def all_selfs(pb: Playbook) -> Iterator[tuple[FieldPath, IPInterface, str, bool]]:
    """(path, address, name, name written in the playbook) of every self IP."""
    for i, device in enumerate(pb.devices):
        for role, spec in device.static_selfs.by_role().items():
            path: FieldPath = ("devices", i, "static_selfs", role)
            yield path, spec.address, device.static_self_name(role), spec.name is not None
        for role in FLOATING_ROLES:
            spec = device.floating_selfs.by_role()[role]
            path = ("devices", i, "floating_selfs", role)
            yield path, spec.address, device.floating_self_name(role), spec.name is not None


def check_self_uniqueness(pb: Playbook) -> Iterator[Finding]:
    seen: dict[ipaddress.IPv4Address | ipaddress.IPv6Address, FieldPath] = {}
    for path, address, _, _ in all_selfs(pb):
        if address.ip in seen:
            yield path, f"{address.ip} is already used by {format_path(seen[address.ip])}"
        seen.setdefault(address.ip, path)
    yield from _check_self_names(pb)


def _check_self_names(pb: Playbook) -> Iterator[Finding]:
    # Floating self IPs are synced to every device, static ones stay on theirs: a floating
    # name must be unique in the cluster, a static name on its own device.
    names: dict[tuple[str, str], FieldPath] = {}
    for path, _, name, _ in all_selfs(pb):
        device = pb.devices[int(path[1])]
        scopes = [d.name for d in pb.devices] if path[2] == "floating_selfs" else [device.name]
        clash = next((names[(s, name)] for s in scopes if (s, name) in names), None)
        for scope in scopes:
            names.setdefault((scope, name), path)
        if clash is not None and pb.devices[int(clash[1])].name != device.name:
            yield (*path, "name"), f"self IP name '{name}' is already used by {format_path(clash)}"


def check_connectivity(pb: Playbook) -> Iterator[Finding]:
    for i, device in enumerate(pb.devices):
        base: FieldPath = ("devices", i, "connectivity")
        statics = {spec.address.ip for spec in device.static_selfs.by_role().values()}
        given = device.connectivity
        for key in ("config_sync_ip", "mirror_primary_ip", "mirror_secondary_ip"):
            value = getattr(given, key)
            if value not in (None, "none") and value not in statics:
                yield (*base, key), f"{value} is not one of this device's static self IPs"
        if given.failover_unicast is not None:
            if not given.failover_unicast:
                yield (*base, "failover_unicast"), "list at least one failover unicast address"
            for k, address in enumerate(given.failover_unicast):
                if address not in statics and address != device.mgmt:
                    yield (
                        (*base, "failover_unicast", k),
                        (
                            f"{address} is neither a static self IP nor the management address of this device"
                        ),
                    )
                elif address in given.failover_unicast[:k]:
                    yield (*base, "failover_unicast", k), f"{address} is listed twice"
        if (
            device.mirror_secondary_ip is not None
            and device.mirror_secondary_ip == device.mirror_primary_ip
        ):
            yield (
                (*base, "mirror_secondary_ip"),
                "the secondary mirror address must differ from the primary",
            )
