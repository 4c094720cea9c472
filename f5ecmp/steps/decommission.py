"""Step 12, ``decommission`` — removing a device the playbook dropped (scale-in, or a unit
being replaced), in a safe order built from F5's own tooling (reference/router-ecmp.md §5).
Not a section of the guide: the guide grows a cluster; this takes a member out of it.

A device is leaving when the playbook no longer names it and the first device knows it as
part of this cluster (see ``f5ecmp.bigip.membership``). In order:

1. the leaving device is forced offline (``run sys failover offline`` on it): every traffic
   group leaves it — its own group, the one group apply moves on purpose, goes to the next
   device of its HA order while the upstream router drops its route — and it never goes
   active again, even once it stands alone with the cluster's addresses still configured;
2. its traffic group's floating self IPs and the group itself are deleted on the first
   device, and it leaves the device group; the remaining devices are synced;
3. on the leaving device: its trust domain is reset and its stale copy of the device group
   deleted, so it stands alone (and stays offline until an operator brings it back);
4. each remaining device removes it from its trust domain, the first device last — so a run
   stopped anywhere in between still finds it there, and a resume finishes the job.

A dead unit (an RMA) cannot be reached: it is removed from the remaining devices alone. A
device that cannot be reached but still runs a traffic group is alive: the step stops,
saying so, rather than leave two devices serving one address. The traffic groups of the
remaining devices never move (step 10 has already taken the leaving device out of their HA
orders, which never changes their first device). Step 13 then saves every device.

Converged when no leaving device is a member of the group or in a remaining device's trust
domain, none of their traffic groups or floating self IPs is left, and each reachable
leaving device is offline and stands alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from f5ecmp.bigip.api import DEVICE_COLLECTION, Json, get_or_none, in_parallel
from f5ecmp.bigip.changes import Change, command
from f5ecmp.bigip.membership import DEVICE_GROUPS_PATH, GROUPS_PARAMS, leaving, trusted_others
from f5ecmp.bigip.normalize import items, short_name, subcollection, uri_name
from f5ecmp.bigip.selfips import SELF_COLLECTION
from f5ecmp.bigip.stats import (
    FAILOVER_STATUS_PATH,
    TG_STATS_PATH,
    first_entry,
    traffic_group_states,
)
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
    active_on_it: tuple[str, ...] = ()  # traffic groups active on it now
    floating: tuple[str, ...] = ()  # self IPs in its groups (on the first device)
    member: bool = False  # still in the playbook's device group
    trusted_by: tuple[str, ...] = ()  # remaining devices whose trust domain holds it
    offline: bool = False  # forced offline already
    trusts_others: bool = False  # its own trust domain still holds other devices
    holds_group: bool = False  # it still holds a copy of the device group


@dataclass(frozen=True)
class Facts:
    leaving: tuple[Leaving, ...] = ()
    runs_tg1: tuple[str, ...] = ()  # leaving devices heading traffic-group-1


def dg_path(pb: Playbook) -> str:
    return f"{DEVICE_GROUPS_PATH}/{uri_name(pb.device_group.name)}"


def _heads(group: dict[str, Json]) -> str | None:
    order = group.get("haOrder") or []
    return str(short_name(order[0])) if order else None


def _forced_offline(answer: Json) -> bool:
    value = first_entry(answer).get("status", {})
    return isinstance(value, dict) and "OFFLINE" in str(value.get("description", "")).upper()


def read(ctx: Context, device: Device) -> Facts:
    """Facts: the devices leaving, and for each what is still left of it in the cluster. In
    the usual case — the first device trusts just the playbook's devices — one read."""
    pb = ctx.playbook
    authority = ctx.client(device)
    cm_devices = authority.get(DEVICE_COLLECTION)
    if not trusted_others(pb, cm_devices):
        return Facts()
    groups_answer = authority.get(DEVICE_GROUPS_PATH, GROUPS_PARAMS)
    names = leaving(pb, cm_devices, groups_answer, ctx.leaving_hint)
    if not names:
        return Facts()
    ours = next((g for g in items(groups_answer) if g.get("name") == pb.device_group.name), {})
    members = {str(short_name(m.get("name"))) for m in subcollection(ours, "devicesReference")}
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
        offline = trusts_others = holds = False
        if reachable:
            client = ctx.client(name)
            offline = _forced_offline(client.get(FAILOVER_STATUS_PATH))
            theirs = {str(d.get("name")) for d in items(client.get(DEVICE_COLLECTION))}
            trusts_others = bool(theirs - {name})
            holds = get_or_none(client, dg_path(pb)) is not None
        found.append(
            Leaving(
                name=name,
                reachable=reachable,
                groups=own,
                active_on_it=tuple(sorted(g for g, by in active.items() if by.get(name) == "active")),
                floating=tuple(
                    str(s["name"]) for s in selfs if short_name(s.get("trafficGroup")) in own
                ),
                member=name in members,
                # the first device last: until the end, it still shows the device leaving
                trusted_by=tuple(sorted((r for r in remaining if name in trusts[r]),
                                        key=lambda r: r == pb.authority.name)),
                offline=offline,
                trusts_others=trusts_others,
                holds_group=holds,
            )
        )  # fmt: skip
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
    group = pb.device_group.name
    offline: list[Change] = []
    removals: list[Change] = []
    on_leaving: list[Change] = []
    trust: list[Change] = []
    for gone in facts.leaving:
        if not gone.reachable and gone.active_on_it:
            raise StepConflict(
                f"{gone.name}, which the playbook drops, still runs "
                f"{', '.join(gone.active_on_it)} but could not be logged into (wrong address "
                "or credentials?): give its address in the endpoints file and the first "
                "device's credentials, or power it off, then apply again — removing it "
                "now would leave two devices serving the same addresses"
            )
        if gone.reachable and not gone.offline:
            offline.append(command(
                FAILOVER_PATH, {"command": "run", "offline": True},
                f"take {gone.name} offline: its traffic groups go to the next device of their "
                "HA order (the one move apply makes on purpose), and it serves none from now on",
                device=gone.name,
            ))  # fmt: skip
        removals.extend(
            Change("delete", "DELETE", f"{SELF_COLLECTION}/{uri_name(name)}", None,
                   f"delete floating self IP {name} of {gone.name}, which is leaving")
            for name in gone.floating
        )  # fmt: skip
        removals.extend(
            Change("delete", "DELETE", f"{TG_COLLECTION}/{uri_name(tg)}", None,
                   f"delete traffic group {tg} of {gone.name}, which is leaving")
            for tg in gone.groups
        )  # fmt: skip
        if gone.member:
            removals.append(Change(
                "delete", "DELETE", f"{dg_path(pb)}/devices/{uri_name(gone.name)}", None,
                f"remove {gone.name} from device group {group}",
            ))  # fmt: skip
        if gone.reachable and gone.trusts_others:
            on_leaving.append(Change(
                "delete", "DELETE", TRUST_DOMAIN_PATH, None,
                f"reset the trust domain of {gone.name}: it stands alone (and stays offline)",
                device=gone.name,
            ))  # fmt: skip
        if gone.reachable and gone.holds_group:
            on_leaving.append(Change(
                "delete", "DELETE", dg_path(pb), None,
                f"delete the stale copy of device group {group} on {gone.name}", device=gone.name,
            ))  # fmt: skip
        for survivor in gone.trusted_by:
            body = {"command": "run", "name": "Root", "caDevice": True, "deviceName": gone.name}
            trust.append(command(
                REMOVE_FROM_TRUST_PATH, body,
                f"remove {gone.name} from the trust domain of {survivor}", device=survivor,
            ))  # fmt: skip
    sync = [sync_command(pb, settle_after=True)] if removals else []
    survivors_last = sorted(trust, key=lambda c: c.device == pb.authority.name)
    return offline + removals + sync + on_leaving + survivors_last


def settle(ctx: Context, _device: Device) -> list[Change]:
    return wait_in_sync(ctx.playbook, ctx.clients, ctx.waiter)


def check(ctx: Context, _device: Device, facts: Facts) -> list[str]:
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
        if gone.reachable and (gone.trusts_others or gone.holds_group or not gone.offline):
            problems.append(f"{gone.name} is leaving, but is not offline and alone yet")
    return problems


STEP = Step(
    12, "decommission", "Removing a device the playbook dropped", "first",
    read, diff, settle, check,
)  # fmt: skip
