"""The upstream router's side of the cluster: one ECMP static route, in each platform's syntax.

F5's guide has the upstream router send the application's packets "to any of the three floating
external self IP addresses": one static route to the virtual address with one next hop per
device's floating external self IP, all at the same distance. Growing the cluster adds a next
hop, shrinking it removes one. This module turns a playbook into that route
(:func:`ecmp_route`), the route into configuration lines (:func:`router_config`), and two
playbooks' routes into the lines to add and to remove (:func:`router_changes`). The syntax of
each platform lives in :mod:`f5ecmp.router_syntax`, with where each form comes from.

Pure functions: no device, no credentials, no printing.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from f5ecmp.bigip.normalize import interface, items, short_name
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook import Playbook
from f5ecmp.playbook.model import ROUTER_PLATFORMS, RouterPlatform, parse_route_prefix
from f5ecmp.playbook.types import IPAddress
from f5ecmp.router_syntax import dialect

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
PLATFORMS: tuple[RouterPlatform, ...] = ROUTER_PLATFORMS

# Where BFD ties a next hop to the egress interface (and resilient next-hop objects on Linux
# need a device), the interface must be given.
_INTERFACE_FOR_BFD = ("ios", "nxos", "eos")
_NAMES = {"ios": "IOS", "nxos": "NX-OS", "eos": "EOS"}


class RouterConfigError(F5EcmpError):
    """The options or the playbook do not make a route (bad prefix, missing interface, ...)."""


@dataclass(frozen=True)
class NextHop:
    """One device's floating external self IP, as a next hop of the route."""

    address: IPAddress
    device: str
    traffic_group: str

    def as_dict(self) -> dict[str, str]:
        return {
            "address": str(self.address),
            "device": self.device,
            "traffic_group": self.traffic_group,
        }


@dataclass(frozen=True)
class EcmpRoute:
    """The route the upstream router needs: ``prefix`` over every device's next hop."""

    cluster: str
    prefix: IPNetwork
    virtual_address: IPAddress
    next_hops: tuple[NextHop, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "prefix": str(self.prefix),
            "virtual_address": str(self.virtual_address),
            "next_hops": [hop.as_dict() for hop in self.next_hops],
        }


@dataclass(frozen=True)
class RouterOptions:
    platform: RouterPlatform = "frr"
    interface: str | None = None
    bfd: bool = False
    resilient: bool = False


@dataclass(frozen=True)
class RouterConfig:
    """The whole configuration: ``comments`` (where the syntax comes from) then ``lines``."""

    route: EcmpRoute
    options: RouterOptions
    comments: tuple[str, ...]
    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()
    mark: str = "!"  # the platform's comment mark

    def as_dict(self) -> dict[str, Any]:
        return {
            "cluster": self.route.cluster,
            "platform": self.options.platform,
            **self.route.as_dict(),
            **_options_dict(self.options),
            "comments": list(self.comments),
            "lines": list(self.lines),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class RouterChanges:
    """From ``old`` to ``new``: the lines to add (first) and the lines to remove (after)."""

    old: EcmpRoute
    new: EcmpRoute
    options: RouterOptions
    added: tuple[NextHop, ...]
    removed: tuple[NextHop, ...]
    comments: tuple[str, ...]
    add: tuple[str, ...]
    remove: tuple[str, ...]
    notes: tuple[str, ...] = ()
    mark: str = "!"

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove

    def as_dict(self) -> dict[str, Any]:
        return {
            "cluster": self.new.cluster,
            "platform": self.options.platform,
            **self.new.as_dict(),
            **_options_dict(self.options),
            "from": self.old.as_dict(),
            "added": [hop.as_dict() for hop in self.added],
            "removed": [hop.as_dict() for hop in self.removed],
            "comments": list(self.comments),
            "add": list(self.add),
            "remove": list(self.remove),
            "notes": list(self.notes),
        }


def _options_dict(options: RouterOptions) -> dict[str, Any]:
    return {"interface": options.interface, "bfd": options.bfd, "resilient": options.resilient}


def resolve_options(
    pb: Playbook,
    platform: str | None = None,
    interface: str | None = None,
    bfd: bool | None = None,
    resilient: bool = False,
) -> RouterOptions:
    """The options given, else the playbook's ``router:`` defaults, else FRR without BFD;
    checked against what the platform needs."""
    defaults = pb.router
    chosen = platform or (defaults.platform if defaults else "frr")
    if chosen not in PLATFORMS:
        raise RouterConfigError(f"unknown platform '{chosen}': one of {', '.join(PLATFORMS)}")
    if interface is None and defaults is not None:
        interface = defaults.interface
    if interface is not None and (not interface.strip() or any(c.isspace() for c in interface)):
        raise RouterConfigError(f"--interface '{interface}' is not an interface name (one word)")
    if bfd is None:
        bfd = defaults.bfd if defaults is not None else False
    options = RouterOptions(PLATFORMS[PLATFORMS.index(chosen)], interface, bfd, resilient)
    _check_options(options)
    return options


def _check_options(options: RouterOptions) -> None:
    platform, interface = options.platform, options.interface
    if options.resilient and platform != "linux":
        raise RouterConfigError(
            f"--resilient is for --platform linux (kernel next-hop groups), not {platform}"
        )
    if options.bfd and platform in _INTERFACE_FOR_BFD and interface is None:
        raise RouterConfigError(
            f"--interface is required for --platform {platform} with --bfd: "
            f"{_NAMES[platform]} binds "
            "static-route BFD to the egress interface; give the router's interface toward the "
            "BIG-IPs' external VLAN (or router.interface in the playbook)"
        )
    if options.resilient and interface is None:
        raise RouterConfigError(
            "--interface is required with --resilient: kernel next-hop objects need the device "
            "(ip nexthop add id N via NEXTHOP dev INTERFACE); give the router's interface "
            "toward the BIG-IPs' external VLAN"
        )


def ecmp_route(pb: Playbook, prefix: str | IPNetwork | None = None) -> EcmpRoute:
    """The route to the virtual server's destination (or to ``prefix``, else the playbook's
    ``router.prefix``, which must hold it) over every device's floating external self IP."""
    destination = pb.virtual_server.destination.network
    vip = pb.virtual_server.destination.ip
    given = prefix if prefix is not None else (pb.router.prefix if pb.router else None)
    if given is None:
        network: IPNetwork = destination
    else:
        where = "--prefix" if prefix is not None else "router.prefix"
        try:
            network = parse_route_prefix(given)
        except ValueError as exc:
            raise RouterConfigError(f"{where}: {exc}") from None
        if not _holds(network, destination):
            held = vip if destination.num_addresses == 1 else destination
            raise RouterConfigError(
                f"{where} {network} does not contain the virtual address {held} "
                "(virtual_server.destination): the route must reach it"
            )
    hops = tuple(
        NextHop(d.floating_selfs.external.address.ip, d.name, d.traffic_group.name)
        for d in pb.devices
    )
    for hop in hops:
        if hop.address.version != network.version:
            raise RouterConfigError(
                f"{hop.device}'s floating external self IP {hop.address} is IPv{hop.address.version} "
                f"but the route {network} is IPv{network.version}: next hops must be of the route's family"
            )
    return EcmpRoute(pb.cluster, network, vip, hops)


def _holds(outer: IPNetwork, inner: IPNetwork) -> bool:
    if isinstance(outer, ipaddress.IPv4Network) and isinstance(inner, ipaddress.IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(outer, ipaddress.IPv6Network) and isinstance(inner, ipaddress.IPv6Network):
        return inner.subnet_of(outer)
    return False


def router_config(route: EcmpRoute, options: RouterOptions) -> RouterConfig:
    """Every line the router needs for ``route``, in ``options.platform``'s syntax."""
    _check_family(route, options)
    syntax = dialect(options.platform)
    return RouterConfig(
        route,
        options,
        syntax.comments(route, options),
        syntax.full(route, options),
        syntax.notes(options),
        syntax.mark,
    )


def router_changes(old: EcmpRoute, new: EcmpRoute, options: RouterOptions) -> RouterChanges:
    """The lines that take the router from ``old``'s route to ``new``'s: next hops of devices
    added to the playbook, then the removal of those of devices that left it."""
    _check_family(new, options)
    _check_family(old, options)
    if old.prefix == new.prefix:
        before = {hop.address for hop in old.next_hops}
        after = {hop.address for hop in new.next_hops}
        added = tuple(hop for hop in new.next_hops if hop.address not in before)
        removed = tuple(hop for hop in old.next_hops if hop.address not in after)
    else:
        added, removed = new.next_hops, old.next_hops
    syntax = dialect(options.platform)
    add, remove = syntax.changes(old, new, options, added, removed)
    return RouterChanges(
        old,
        new,
        options,
        added,
        removed,
        syntax.comments(new, options),
        add,
        remove,
        syntax.notes(options),
        syntax.mark,
    )


def _check_family(route: EcmpRoute, options: RouterOptions) -> None:
    if options.bfd and route.prefix.version == 6 and options.platform != "linux":
        raise RouterConfigError(
            "--bfd is written for IPv4 routes only; leave it out for an IPv6 virtual address"
        )


def cluster_route(pb: Playbook, selfs: Any) -> EcmpRoute:
    """The route as the cluster stands: every floating self IP on the external VLAN (the
    first device's ``net/self``), whatever the playbook says — the next hops the upstream
    router has now, when it was set up from an earlier playbook."""
    external = pb.vlans.by_role()["external"].name
    owners = {d.traffic_group.name: d.name for d in pb.devices}
    hops = []
    for item in items(selfs):
        group = short_name(item.get("trafficGroup"))
        if group in (None, "traffic-group-local-only") or short_name(item.get("vlan")) != external:
            continue
        address = interface(item.get("address"))
        if address is None:
            continue
        owner = owners.get(str(group), "a device the playbook drops")
        hops.append(NextHop(address.ip, owner, str(group)))
    new = ecmp_route(pb)
    return EcmpRoute(pb.cluster, new.prefix, new.virtual_address, tuple(hops))


def rollout_router_changes(pb: Playbook, selfs: Any) -> RouterChanges | None:
    """What the upstream router must change for this rollout (the playbook's platform, else
    FRR), or None when its next hops stay the same (or the options cannot make a route)."""
    try:
        options = resolve_options(pb)
        changes = router_changes(cluster_route(pb, selfs), ecmp_route(pb), options)
    except RouterConfigError:
        return None
    return None if changes.empty else changes
