"""Each router platform's syntax for the cluster's ECMP route, with where each form comes from.

The forms are those of the project's reference page on router ECMP (``reference/router-ecmp.md``),
which marks each one verified here, stated by the vendor, or inferred; the comments printed
above the lines repeat that source so an operator knows what was checked and where. Every
platform answers the same questions: the whole configuration for a route, the lines that add
one next hop, and the lines (in the platform's own negation) that remove one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from f5ecmp.router import EcmpRoute, NextHop, RouterOptions

Lines = tuple[str, ...]

# Sane BFD timers for next hops one L2 hop away: 300 ms, three missed packets (~0.9 s).
BFD_INTERVAL_MS = 300
BFD_MULTIPLIER = 3
# Linux next-hop object ids: next hops from 10 up, the resilient group 100 (as on the
# reference page; FRR's zebra numbers its own objects from 1, so change them beside zebra).
LINUX_FIRST_NHID = 10
LINUX_GROUP_ID = 100
LINUX_BUCKETS = 64
JUNOS_POLICY = "ECMP-LB"


class Dialect:
    """A platform's syntax. Subclasses give the per-next-hop lines; this class assembles them."""

    mark = "!"
    title = ""

    def sources(self, options: RouterOptions) -> list[str]:
        return []

    def notes(self, options: RouterOptions) -> Lines:
        return ()

    def comments(self, route: EcmpRoute, options: RouterOptions) -> Lines:
        hops = ", ".join(f"{hop.address} {hop.device}" for hop in route.next_hops)
        lines = [
            f"f5ecmp router-config: cluster {route.cluster}, {self.title}",
            f"{route.prefix} (virtual address {route.virtual_address}) over every device's "
            "floating external self IP, equal cost (F5's ECMP guide)",
            f"next hops: {hops}",
            *self.sources(options),
        ]
        return tuple(f"{self.mark} {line}" for line in lines)

    def setup(self, route: EcmpRoute, options: RouterOptions) -> list[str]:
        """Lines written once, before the next hops (BFD timers, policies)."""
        return []

    def hop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        raise NotImplementedError

    def unhop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        raise NotImplementedError

    def drop(self, route: EcmpRoute, options: RouterOptions) -> list[str]:
        """Remove the whole route (when the prefix changes)."""
        return [line for hop in route.next_hops for line in self.unhop(route, hop, options)]

    def full(self, route: EcmpRoute, options: RouterOptions) -> Lines:
        lines = self.setup(route, options)
        for hop in route.next_hops:
            lines += self.hop(route, hop, options)
        return tuple(lines)

    def changes(
        self,
        old: EcmpRoute,
        new: EcmpRoute,
        options: RouterOptions,
        added: tuple[NextHop, ...],
        removed: tuple[NextHop, ...],
    ) -> tuple[Lines, Lines]:
        add = [line for hop in added for line in self.hop(new, hop, options)]
        if old.prefix != new.prefix:
            return tuple(add), tuple(self.drop(old, options))
        remove = [line for hop in removed for line in self.unhop(old, hop, options)]
        return tuple(add), tuple(remove)


class Frr(Dialect):
    title = "FRR (vtysh configuration, no 'configure terminal')"

    def sources(self, options: RouterOptions) -> list[str]:
        lines = [
            "syntax: FRR staticd, one 'ip route' per next hop; verified on FRR 8.4.4 "
            "(Debian's build has --enable-multipath=256)"
        ]
        if options.bfd:
            lines += [
                "BFD: 'ip route ... bfd profile NAME' with a bfd/peer block for bfdd: FRR releases "
                "after 8.4 only (FRR PR #12424), with bfdd running; FRR 8.4 reads 'bfd' as an "
                "interface name and does not install the route"
            ]
        return lines

    def notes(self, options: RouterOptions) -> Lines:
        if not options.bfd:
            return ()
        return (
            "frr: BFD on static routes needs an FRR release after 8.4 and bfdd; on FRR 8.4 "
            "these routes are not installed (leave out --bfd there)",
        )

    @staticmethod
    def _route(route: EcmpRoute, hop: NextHop) -> str:
        family = "ip" if route.prefix.version == 4 else "ipv6"
        return f"{family} route {route.prefix} {hop.address}"

    @staticmethod
    def _profile(route: EcmpRoute) -> str:
        return route.cluster

    def setup(self, route: EcmpRoute, options: RouterOptions) -> list[str]:
        if not options.bfd:
            return []
        return [
            "bfd",
            f" profile {self._profile(route)}",
            f"  detect-multiplier {BFD_MULTIPLIER}",
            f"  receive-interval {BFD_INTERVAL_MS}",
            f"  transmit-interval {BFD_INTERVAL_MS}",
            " exit",
            "exit",
        ]

    def full(self, route: EcmpRoute, options: RouterOptions) -> Lines:
        if not options.bfd:
            return tuple(self._route(route, hop) for hop in route.next_hops)
        profile = self._profile(route)
        block = self.setup(route, options)[:-1]  # the profile; the bfd block stays open
        for hop in route.next_hops:
            block += [f" peer {hop.address}", f"  profile {profile}", " exit"]
        routes = [f"{self._route(route, hop)} bfd profile {profile}" for hop in route.next_hops]
        return (*block, "exit", *routes)

    def hop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        if not options.bfd:
            return [self._route(route, hop)]
        profile = self._profile(route)
        return [
            "bfd",
            f" peer {hop.address}",
            f"  profile {profile}",
            " exit",
            "exit",
            f"{self._route(route, hop)} bfd profile {profile}",
        ]

    def unhop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        lines = [f"no {self._route(route, hop)}"]
        if options.bfd:
            lines += ["bfd", f" no peer {hop.address}", "exit"]
        return lines


class Ios(Dialect):
    title = "Cisco IOS / IOS-XE (configuration mode)"
    timers = f"bfd interval {BFD_INTERVAL_MS} min_rx {BFD_INTERVAL_MS} multiplier {BFD_MULTIPLIER}"
    indent = " "

    def sources(self, options: RouterOptions) -> list[str]:
        lines = [
            "syntax: Cisco IOS static routes, one per next hop; the ECMP width is the platform's "
            "CEF limit"
        ]
        if options.bfd:
            lines += [
                "BFD: Cisco 'BFD - Static Route Support': interface bfd interval, "
                "'ip route static bfd INTERFACE NEXTHOP', routes in the interface form"
            ]
        return lines

    def _route(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> str:
        prefix = route.prefix
        if prefix.version == 4:
            destination = f"ip route {prefix.network_address} {prefix.netmask}"
        else:
            destination = f"ipv6 route {prefix}"
        via = f"{options.interface} {hop.address}" if options.interface else str(hop.address)
        return f"{destination} {via}"

    def setup(self, route: EcmpRoute, options: RouterOptions) -> list[str]:
        if not options.bfd:
            return []
        return [f"interface {options.interface}", f"{self.indent}{self.timers}", "exit"]

    def hop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        bfd = [f"ip route static bfd {options.interface} {hop.address}"] if options.bfd else []
        return [*bfd, self._route(route, hop, options)]

    def unhop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        bfd = [f"no ip route static bfd {options.interface} {hop.address}"] if options.bfd else []
        return [f"no {self._route(route, hop, options)}", *bfd]


class Nxos(Ios):
    title = "Cisco NX-OS (configuration mode)"
    indent = "  "

    def sources(self, options: RouterOptions) -> list[str]:
        lines = [
            "syntax: NX-OS unicast routing guide, one 'ip route' per next hop (put them under "
            "'vrf context NAME' for a VRF)"
        ]
        if options.bfd:
            lines += [
                "BFD: NX-OS unicast routing guide: feature bfd, 'ip route static bfd INTERFACE "
                "NEXTHOP', routes in the interface form; interface timers as on IOS"
            ]
        return lines

    def _route(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> str:
        family = "ip" if route.prefix.version == 4 else "ipv6"
        via = f"{options.interface} {hop.address}" if options.interface else str(hop.address)
        return f"{family} route {route.prefix} {via}"

    def setup(self, route: EcmpRoute, options: RouterOptions) -> list[str]:
        return ["feature bfd", *super().setup(route, options)] if options.bfd else []


class Junos(Dialect):
    mark = "#"
    title = "Juniper Junos (configuration mode, set commands)"

    def sources(self, options: RouterOptions) -> list[str]:
        lines = [
            "syntax: Junos static route with every next hop, and a forwarding-table export "
            "policy with load-balance per-packet: without it Junos installs one next hop only "
            "('per-packet' hashes per flow on current PFEs)"
        ]
        if options.bfd:
            lines += ["BFD: Junos 'Enabling BFD on Qualified Next Hops in Static Routes'"]
        return lines

    @staticmethod
    def _base(route: EcmpRoute, verb: str = "set") -> str:
        rib = "" if route.prefix.version == 4 else "rib inet6.0 "
        return f"{verb} routing-options {rib}static route {route.prefix}"

    @staticmethod
    def _policy() -> list[str]:
        return [
            f"set policy-options policy-statement {JUNOS_POLICY} then load-balance per-packet",
            f"set routing-options forwarding-table export {JUNOS_POLICY}",
        ]

    def full(self, route: EcmpRoute, options: RouterOptions) -> Lines:
        if options.bfd:
            lines = [line for hop in route.next_hops for line in self.hop(route, hop, options)]
        else:
            hops = " ".join(str(hop.address) for hop in route.next_hops)
            lines = [f"{self._base(route)} next-hop [ {hops} ]"]
        return (*lines, *self._policy())

    def hop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        if options.bfd:
            return [
                f"{self._base(route)} qualified-next-hop {hop.address} bfd-liveness-detection "
                f"minimum-interval {BFD_INTERVAL_MS} multiplier {BFD_MULTIPLIER}"
            ]
        return [f"{self._base(route)} next-hop {hop.address}"]

    def unhop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        kind = "qualified-next-hop" if options.bfd else "next-hop"
        return [f"{self._base(route, 'delete')} {kind} {hop.address}"]

    def drop(self, route: EcmpRoute, options: RouterOptions) -> list[str]:
        return [self._base(route, "delete")]


class Eos(Dialect):
    title = "Arista EOS (configuration mode)"
    timers = f"bfd interval {BFD_INTERVAL_MS} min-rx {BFD_INTERVAL_MS} multiplier {BFD_MULTIPLIER}"

    def sources(self, options: RouterOptions) -> list[str]:
        lines = ["syntax: Arista EOS static routes, one per next hop"]
        if options.bfd:
            lines += [
                "BFD: EOS 4.20.1F TOI: 'track bfd' on each route and 'bfd static neighbor' on the "
                "interface; the interface's bfd interval line is EOS's usual form, check it on "
                "your release"
            ]
        return lines

    @staticmethod
    def _route(route: EcmpRoute, hop: NextHop) -> str:
        family = "ip" if route.prefix.version == 4 else "ipv6"
        return f"{family} route {route.prefix} {hop.address}"

    def full(self, route: EcmpRoute, options: RouterOptions) -> Lines:
        if not options.bfd:
            return tuple(self._route(route, hop) for hop in route.next_hops)
        neighbours = [f"   bfd static neighbor {hop.address}" for hop in route.next_hops]
        routes = [f"{self._route(route, hop)} track bfd" for hop in route.next_hops]
        return (f"interface {options.interface}", f"   {self.timers}", *neighbours, "exit", *routes)

    def hop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        if not options.bfd:
            return [self._route(route, hop)]
        return [
            f"interface {options.interface}",
            f"   bfd static neighbor {hop.address}",
            "exit",
            f"{self._route(route, hop)} track bfd",
        ]

    def unhop(self, route: EcmpRoute, hop: NextHop, options: RouterOptions) -> list[str]:
        lines = [f"no {self._route(route, hop)}"]
        if options.bfd:
            lines += [f"interface {options.interface}", f"   no bfd static neighbor {hop.address}", "exit"]  # fmt: skip
        return lines


class Linux(Dialect):
    """iproute2: one multipath route replaced as a whole, or a resilient next-hop group."""

    mark = "#"
    title = "Linux iproute2 (shell commands, as root)"

    def sources(self, options: RouterOptions) -> list[str]:
        lines = ["syntax: iproute2 multipath route; verified on iproute2 6.1"]
        if options.resilient:
            lines += [
                f"resilient hashing: kernel next-hop objects (ids from {LINUX_FIRST_NHID}) in a "
                f"resilient group (id {LINUX_GROUP_ID}, {LINUX_BUCKETS} buckets), so adding or "
                "removing a next hop moves only its share of flows; verified on iproute2 6.1. "
                "Change the ids if the router already uses them (FRR's zebra numbers its own)"
            ]
        if options.bfd:
            lines += [
                "no BFD in the kernel (FRR's bfdd can do it); 'sysctl -w "
                "net.ipv4.fib_multipath_use_neigh=1' skips next hops whose neighbour is FAILED"
            ]
        return lines

    def notes(self, options: RouterOptions) -> Lines:
        if not options.bfd:
            return ()
        return (
            "linux: the kernel has no BFD, so --bfd adds nothing here; run FRR's bfdd, or set "
            "net.ipv4.fib_multipath_use_neigh=1 to skip next hops whose neighbour is FAILED",
        )

    @staticmethod
    def _dev(options: RouterOptions) -> str:
        return f" dev {options.interface}" if options.interface else ""

    def _replace(self, route: EcmpRoute, options: RouterOptions) -> str:
        hops = " ".join(
            f"nexthop via {hop.address}{self._dev(options)} weight 1" for hop in route.next_hops
        )
        return f"ip route replace {route.prefix} {hops}"

    def _group(self, route: EcmpRoute, ids: dict[str, int], verb: str) -> str:
        members = "/".join(str(ids[str(hop.address)]) for hop in route.next_hops)
        return (
            f"ip nexthop {verb} id {LINUX_GROUP_ID} group {members} type resilient "
            f"buckets {LINUX_BUCKETS}"
        )

    def _object(self, hop: NextHop, ids: dict[str, int], options: RouterOptions) -> str:
        return f"ip nexthop add id {ids[str(hop.address)]} via {hop.address}{self._dev(options)}"

    def full(self, route: EcmpRoute, options: RouterOptions) -> Lines:
        if not options.resilient:
            return (self._replace(route, options),)
        ids = nexthop_ids(route)
        objects = [self._object(hop, ids, options) for hop in route.next_hops]
        group = self._group(route, ids, "add")
        return (*objects, group, f"ip route replace {route.prefix} nhid {LINUX_GROUP_ID}")

    def changes(
        self,
        old: EcmpRoute,
        new: EcmpRoute,
        options: RouterOptions,
        added: tuple[NextHop, ...],
        removed: tuple[NextHop, ...],
    ) -> tuple[Lines, Lines]:
        moved = old.prefix != new.prefix
        drop = (f"ip route del {old.prefix}",) if moved else ()
        if not options.resilient:
            # The kernel cannot take one next hop out of a multipath route: a removal is the
            # whole route replaced (which adds any new next hop too); an addition alone, too.
            if moved or not (added or removed):
                return ((self._replace(new, options),) if moved else ()), drop
            if removed:
                return (), (self._replace(new, options),)
            return (self._replace(new, options),), ()
        old_ids = nexthop_ids(old)
        ids = nexthop_ids(new, old_ids)
        gone = [hop for hop in old.next_hops if str(hop.address) not in ids]
        new_hops = [hop for hop in new.next_hops if str(hop.address) not in old_ids]
        add = [self._object(hop, ids, options) for hop in new_hops]
        if new_hops or gone:
            add.append(self._group(new, ids, "replace"))
        if moved:
            add.append(f"ip route replace {new.prefix} nhid {LINUX_GROUP_ID}")
        remove = [*drop, *(f"ip nexthop del id {old_ids[str(hop.address)]}" for hop in gone)]
        return tuple(add), tuple(remove)


def nexthop_ids(route: EcmpRoute, keep: dict[str, int] | None = None) -> dict[str, int]:
    """Kernel next-hop object id per next-hop address: those in ``keep`` keep theirs, the others
    take the lowest free ids from :data:`LINUX_FIRST_NHID`, in playbook order."""
    keep = keep or {}
    addresses = [str(hop.address) for hop in route.next_hops]
    ids = {addr: keep[addr] for addr in addresses if addr in keep}
    taken = set(keep.values())  # a leaving next hop's id is deleted after, never reused at once
    candidate = LINUX_FIRST_NHID
    for addr in addresses:
        if addr in ids:
            continue
        while candidate in taken or candidate == LINUX_GROUP_ID:
            candidate += 1
        ids[addr] = candidate
        taken.add(candidate)
    return ids


_DIALECTS: dict[str, Dialect] = {
    "frr": Frr(),
    "ios": Ios(),
    "nxos": Nxos(),
    "junos": Junos(),
    "eos": Eos(),
    "linux": Linux(),
}


def dialect(platform: str) -> Dialect:
    return _DIALECTS[platform]
