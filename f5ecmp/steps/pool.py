"""Step 7, ``pool`` — guide: "Creating a server pool" (first device; config sync carries it).

Converged when the pool exists with the playbook's load-balancing method, monitor rule and
exactly its members (by address, or by FQDN with auto-populate). Members are created with the
pool, and a changed member set is sent as one PATCH of the whole list, never one request per
member: a 1,000-member pool costs the same requests as a 2-member one.
"""

from __future__ import annotations

import re
from typing import Any

from f5ecmp.bigip.api import get_or_none
from f5ecmp.bigip.changes import Change, FieldChange, modify
from f5ecmp.bigip.normalize import short_name, subcollection, uri_name
from f5ecmp.playbook.model import Device, Playbook, PoolMember
from f5ecmp.steps.base import Context, Step, Target

POOL_COLLECTION = "/mgmt/tm/ltm/pool"
READ_PARAMS = {"expandSubcollections": "true"}


def pool_path(pb: Playbook) -> str:
    return f"{POOL_COLLECTION}/{uri_name(pb.pool.name, pb.partition)}"


def monitor_rule(pb: Playbook) -> str | None:
    """BIG-IP's monitor string: ``/Common/http``, ``a and b``, or ``min N of { a b }``."""
    monitors = [m if m.startswith("/") else f"/Common/{m}" for m in pb.pool.monitors]
    if not monitors:
        return None
    if pb.pool.monitor_min_up is not None:
        return f"min {pb.pool.monitor_min_up} of {{ {' '.join(monitors)} }}"
    return " and ".join(monitors)


def _parse_rule(rule: Any) -> tuple[int | None, frozenset[str]]:
    """Any spelling of a monitor rule (trailing spaces, bare names) → (min, names)."""
    text = str(rule or "").strip()
    if not text or text in ("none", "/Common/none"):
        return None, frozenset()
    match = re.match(r"^min\s+(\d+)\s+of\s+\{?(.*?)\}?$", text)
    minimum, names = (
        (int(match.group(1)), match.group(2).split()) if match else (None, text.split(" and "))
    )
    return minimum, frozenset(str(short_name(n.strip())) for n in names if n.strip())


def member_name(member: PoolMember) -> str:
    node = member.name or str(member.address or member.fqdn)
    separator = "." if ":" in node else ":"  # IPv6: 2001:db8::5.80 (reference §1.7)
    return f"{node}{separator}{member.port}"


def member_body(member: PoolMember) -> dict[str, Any]:
    body: dict[str, Any] = {"name": member_name(member)}
    if member.address is not None:
        body["address"] = str(member.address)
    else:
        body["fqdn"] = {
            "tmName": member.fqdn,
            "autopopulate": "enabled" if member.auto_populate else "disabled",
            "addressFamily": member.address_family,
        }
    return body


def desired_body(pb: Playbook) -> dict[str, Any]:
    pool = pb.pool
    body: dict[str, Any] = {
        "name": pool.name,
        "partition": pb.partition,
        "loadBalancingMode": pool.lb_method,
        "members": [member_body(m) for m in pool.members],
    }
    rule = monitor_rule(pb)
    if rule is not None:
        body["monitor"] = rule
    if pool.description is not None:
        body["description"] = pool.description
    return body


def _member_key(member: dict[str, Any]) -> tuple[str, str]:
    fqdn = member.get("fqdn")
    if isinstance(fqdn, dict) and fqdn.get("tmName"):
        return str(member["name"]), str(fqdn["tmName"]).lower()
    return str(member["name"]), str(member.get("address", "")).split("%")[0]


def diff(current: dict[str, Any] | None, target: Target) -> list[Change]:
    """``current`` is the pool read with expandSubcollections, or None when absent."""
    pb = target.playbook
    want = desired_body(pb)
    if current is None:
        summary = (
            f"create pool {pb.pool.name} ({pb.pool.lb_method}, {len(pb.pool.members)} member(s), "
            f"monitor {want.get('monitor', 'none')})"
        )
        return [Change("create", "POST", POOL_COLLECTION, want, summary)]
    fields = []
    if current.get("loadBalancingMode") != want["loadBalancingMode"]:
        fields.append(
            FieldChange(
                "loadBalancingMode", current.get("loadBalancingMode"), want["loadBalancingMode"]
            )
        )
    if _parse_rule(current.get("monitor")) != _parse_rule(want.get("monitor")):
        fields.append(FieldChange("monitor", current.get("monitor"), want.get("monitor", "none")))
    if "description" in want and current.get("description") != want["description"]:
        fields.append(FieldChange("description", current.get("description"), want["description"]))
    have_members = {
        _member_key(m)
        for m in subcollection(current, "membersReference")
        if m.get("ephemeral") != "true"
    }
    want_members = {_member_key(m) for m in want["members"]}
    if have_members != want_members:
        gone = sorted(name for name, _ in have_members - want_members)
        new = sorted(name for name, _ in want_members - have_members)
        fields.append(FieldChange("members", _brief("-", gone), _brief("+", new)))
    if not fields:
        return []
    change = modify(pool_path(pb), f"pool {pb.pool.name}", fields)
    if have_members != want_members:
        assert change.body is not None
        change.body["members"] = want["members"]
    return [change]


def _brief(sign: str, names: list[str]) -> str:
    shown = ", ".join(names[:5]) + (f" (+{len(names) - 5} more)" if len(names) > 5 else "")
    return f"{sign}{shown}" if names else "(none)"


def parse(answer: Any) -> dict[str, Any] | None:
    return answer if isinstance(answer, dict) and answer.get("name") else None


def read(ctx: Context, device: Device) -> dict[str, Any] | None:
    """Facts: the pool with its members, or None when it does not exist."""
    return parse(get_or_none(ctx.client(device), pool_path(ctx.playbook), READ_PARAMS))


STEP = Step(7, "pool", "Creating a server pool", "first", read, diff, synced=True)
