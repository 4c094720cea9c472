"""Step 12, ``decommission`` — removing a device the playbook dropped (scale-in, or a unit
being replaced), in the safe order F5's own tooling uses (reference/router-ecmp.md §5). Not a
section of the guide: the guide grows a cluster; this takes a member out of it.

A device is leaving when the first device knows it as part of this cluster and the playbook
no longer names it (see ``f5ecmp.bigip.membership``). Its floating traffic group (the one
whose HA order it heads) is the one group apply fails over on purpose: forced to standby on
the leaving device, it moves to the next device of its HA order while the upstream router's
route to it is removed; then that group's floating self IPs and the group itself are deleted
on the first device, the device leaves the device group, the remaining devices are synced,
each remaining device removes it from its trust domain, and — when it can be reached — the
leaving device is left standalone: its trust reset, its stale copy of the device group
deleted. A dead unit is decommissioned from the remaining devices alone. The traffic groups
of the remaining devices never move (step 10 has already taken the leaving device out of
their HA orders, which never changes their first device). Step 13 then saves every device.

Converged when no leaving device is a member of the group or in a remaining device's trust
domain, none of their traffic groups or floating self IPs is left, and each reachable leaving
device stands alone. Removing the device that runs ``traffic-group-1`` (BIG-IP's own group,
which cannot be deleted: the guide's first device) is refused, with how to do it instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from f5ecmp.bigip.api import DEVICE_COLLECTION, Json, get_or_none, in_parallel
from f5ecmp.bigip.changes import Change, command
from f5ecmp.bigip.membership import DEVICE_GROUPS_PATH, GROUPS_PARAMS, leaving, trusted_others
from f5ecmp.bigip.normalize import items, short_name, uri_name
from f5ecmp.bigip.selfips import SELF_COLLECTION
from f5ecmp.bigip.stats import TG_STATS_PATH, traffic_group_states
from f5ecmp.bigip.sync import sync_command, wait_in_sync
from f5ecmp.playbook.model import Device, Playbook
from f5ecmp.steps.base import Context, Step, StepConflict, Target

TG_COLLECTION = "/mgmt/tm/cm/traffic-group"
FAILOVER_PATH = "/mgmt/tm/sys/failover"
REMOVE_FROM_TRUST_PATH = "/mgmt/tm/cm/remove-from-trust"
TRUST_DOMAIN_PATH = "/mgmt/tm/cm/trust-domain"
_BUILTIN_GROUPS = ("traffic-group-1", "traffic-group-local-only")


@dataclass(frozen=True)
class Leaving:
    name: str
    reachable: bool  # f5ecmp could log into it
    groups: tuple[str, ...] = ()  # traffic groups it heads (its own)
    active_here: tuple[str, ...] = ()  # of those, the ones active on it now
    floating: tuple[str, ...] = ()  # self IPs in its groups (on the first device)
    member: bool = False  # still in the playbook's device group
    trusted_by: tuple[str, ...] = ()  # remaining devices whose trust domain holds it
    trusts_others: bool = False  # its own trust domain still holds other devices
    holds_group: bool = False  # it still holds a copy of the device group


@dataclass(frozen=True)
class Facts:
    leaving: tuple[Leaving, ...] = ()
    runs_tg1: tuple[str, ...] = field(default=())  # leaving devices heading traffic-group-1


def dg_path(pb: Playbook) -> str:
    return f"{DEVICE_GROUPS_PATH}/{uri_name(pb.device_group.name)}"


def _heads(group: dict[str, Json]) -> str | None:
    order = group.get("haOrder") or []
    return str(short_name(order[0])) if order else None


def read(ctx: Context, device: Device) -> Facts:
    """Facts: the devices leaving, and for each what is still left of it in the cluster. In
    the usual case — the trust domain holds just the playbook's devices — one read."""
    pb = ctx.playbook
    authority = ctx.client(device)
    cm_devices = authority.get(DEVICE_COLLECTION)
    if not trusted_others(pb, cm_devices):
        return Facts()
    groups_answer = authority.get(DEVICE_GROUPS_PATH, GROUPS_PARAMS)
    names = leaving(pb, cm_devices, groups_answer)
    if not names:
        return Facts()
    ours = next((g for g in items(groups_answer) if g.get("name") == pb.device_group.name), {})
    members = {
        str(short_name(m.get("name")))
        for m in (ours.get("devicesReference") or {}).get("items", [])
    }
    traffic_groups = {str(g["name"]): g for g in items(authority.get(TG_COLLECTION))}
    active = traffic_group_states(authority.get(TG_STATS_PATH))
    selfs = items(authority.get(SELF_COLLECTION))
    remaining = [d.name for d in pb.devices]
    trusts = in_parallel(
        remaining,
        lambda n: {str(d.get("name")) for d in items(ctx.client(n).get(DEVICE_COLLECTION))},
    )
    found, runs_tg1 = [], []
    for name in names:
        own = tuple(sorted(g for g, body in traffic_groups.items() if _heads(body) == name))
        if "traffic-group-1" in own:
            runs_tg1.append(name)
        own = tuple(g for g in own if g not in _BUILTIN_GROUPS)
        reachable = name in ctx.clients
        trusts_others, holds = False, False
        if reachable:
            client = ctx.client(name)
            theirs = {str(d.get("name")) for d in items(client.get(DEVICE_COLLECTION))}
            trusts_others = bool(theirs - {name})
            holds = get_or_none(client, dg_path(pb)) is not None
        found.append(
            Leaving(
                name=name,
                reachable=reachable,
                groups=own,
                active_here=tuple(g for g in own if active.get(g, {}).get(name) == "active"),
                floating=tuple(
                    str(s["name"]) for s in selfs if short_name(s.get("trafficGroup")) in own
                ),
                member=name in members,
                trusted_by=tuple(r for r in remaining if name in trusts[r]),
                trusts_others=trusts_others,
                holds_group=holds,
            )
        )
    return Facts(tuple(found), tuple(runs_tg1))


def diff(facts: Facts, target: Target) -> list[Change]:
    pb = target.playbook
    if facts.runs_tg1:
        name = facts.runs_tg1[0]
        raise StepConflict(
            f"{name} runs traffic-group-1, BIG-IP's own traffic group, which cannot be deleted: "
            f"to remove {name}, first apply a playbook in which another device runs "
            f"traffic-group-1 and {name} a traffic group of its own (that apply moves "
            "traffic-group-1 to its new device), then remove it in a second apply"
        )
    moves: list[Change] = []
    removals: list[Change] = []
    after: list[Change] = []
    group = pb.device_group.name
    for gone in facts.leaving:
        for tg in gone.active_here:
            if gone.reachable:
                moves.append(command(
                    FAILOVER_PATH, {"command": "run", "standby": True, "traffic-group": tg},
                    f"move {tg} off {gone.name}, which is leaving: standby there, so the next "
                    "device of its HA order takes it (the one group apply fails over on purpose)",
                    device=gone.name,
                ))  # fmt: skip
        for name in gone.floating:
            removals.append(Change(
                "delete", "DELETE", f"{SELF_COLLECTION}/{uri_name(name)}", None,
                f"delete floating self IP {name} of {gone.name}, which is leaving",
            ))  # fmt: skip
        for tg in gone.groups:
            removals.append(Change(
                "delete", "DELETE", f"{TG_COLLECTION}/{uri_name(tg)}", None,
                f"delete traffic group {tg} of {gone.name}, which is leaving",
            ))  # fmt: skip
        if gone.member:
            removals.append(Change(
                "delete", "DELETE", f"{dg_path(pb)}/devices/{uri_name(gone.name)}", None,
                f"remove {gone.name} from device group {group}",
            ))  # fmt: skip
        for survivor in gone.trusted_by:
            body = {"command": "run", "name": "Root", "caDevice": True, "deviceName": gone.name}
            after.append(command(
                REMOVE_FROM_TRUST_PATH, body,
                f"remove {gone.name} from the trust domain of {survivor}", device=survivor,
            ))  # fmt: skip
        if gone.reachable and gone.trusts_others:
            after.append(Change(
                "delete", "DELETE", TRUST_DOMAIN_PATH, None,
                f"reset the trust domain of {gone.name}: it stands alone", device=gone.name,
            ))  # fmt: skip
        if gone.reachable and gone.holds_group:
            after.append(Change(
                "delete", "DELETE", dg_path(pb), None,
                f"delete the stale copy of device group {group} on {gone.name}", device=gone.name,
            ))  # fmt: skip
    changes = moves + removals
    if removals:
        changes.append(sync_command(pb, settle_after=True))
    return changes + after


def settle(ctx: Context, _device: Device) -> list[Change]:
    return wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)


def converged(ctx: Context, device: Device) -> list[str]:
    facts = read(ctx, device)
    problems = []
    for gone in facts.leaving:
        left = [
            *(f"traffic group {g}" for g in gone.groups),
            *(f"floating self IP {s}" for s in gone.floating),
            *([f"membership of {ctx.playbook.device_group.name}"] if gone.member else []),
            *(f"the trust of {r}" for r in gone.trusted_by),
        ]
        if left:
            problems.append(f"{gone.name} is leaving, but these remain: {', '.join(left)}")
        if gone.reachable and (gone.trusts_others or gone.holds_group):
            problems.append(f"{gone.name} is leaving, but does not stand alone yet")
    return problems


STEP = Step(
    12, "decommission", "Removing a device the playbook dropped", "first",
    read, diff, settle, converged,
)  # fmt: skip
