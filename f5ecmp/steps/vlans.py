"""Step 1, ``vlans`` — guide: "Creating VLANs" (each device, partition Common).

Converged when each of the external, internal and HA VLANs exists on the device with the
playbook's tag (unless BIG-IP assigns it), interfaces with their tagging and tag mode, MTU,
source check, fail-safe (action, timeout), auto last hop, CMP hash, DAG round robin and QinQ
customer tag. VLANs are local: config sync never carries them.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.bigip.changes import Change, FieldChange, compare, modify
from f5ecmp.bigip.normalize import enabled, flag, integer, items, subcollection, uri_name
from f5ecmp.playbook.model import Device, Vlan
from f5ecmp.steps.base import Context, Step, Target

VLAN_COLLECTION = "/mgmt/tm/net/vlan"
READ_PARAMS = {"expandSubcollections": "true"}

Membership = tuple[tuple[str, str, str], ...]  # (interface, tagged|untagged, tag mode)


def read(ctx: Context, device: Device) -> dict[str, dict[str, Any]]:
    """Facts: the device's VLANs with their interfaces, by name."""
    return parse(ctx.read(device, VLAN_COLLECTION, READ_PARAMS))


def parse(collection: Any) -> dict[str, dict[str, Any]]:
    """The device's VLANs by name, from ``GET /mgmt/tm/net/vlan?expandSubcollections=true``."""
    return {
        str(v["name"]): v for v in items(collection) if v.get("partition", "Common") == "Common"
    }


def desired_body(vlan: Vlan) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": vlan.name,
        "partition": "Common",
        "mtu": vlan.mtu,
        "interfaces": [_member_body(m.name, m.tagged, m.tag_mode) for m in vlan.interfaces],
        "sourceChecking": enabled(vlan.source_check),
        "failsafe": enabled(vlan.fail_safe),
        "failsafeAction": vlan.fail_safe_action,
        "failsafeTimeout": vlan.fail_safe_timeout,
        "autoLasthop": vlan.auto_last_hop,
        "cmpHash": vlan.cmp_hash,
        "dagRoundRobin": enabled(vlan.dag_round_robin),
    }
    if vlan.tag is not None:
        body["tag"] = vlan.tag
    if vlan.customer_tag is not None:
        body["customerTag"] = vlan.customer_tag
    return body


def _member_body(name: str, tagged: bool, tag_mode: str | None) -> dict[str, Any]:
    member: dict[str, Any] = (
        {"name": name, "tagged": True} if tagged else {"name": name, "untagged": True}
    )
    if tag_mode is not None:
        member["tagMode"] = tag_mode
    return member


def _membership(members: list[dict[str, Any]]) -> Membership:
    out = []
    for m in members:
        tagged = flag(m.get("tagged")) is True
        out.append(
            (str(m["name"]), "tagged" if tagged else "untagged", str(m.get("tagMode", "none")))
        )
    return tuple(sorted(out))


def _comparable(current: dict[str, Any]) -> dict[str, Any]:
    """The device's VLAN in the desired body's terms."""
    out: dict[str, Any] = {}
    for key in ("tag", "customerTag", "mtu", "failsafeTimeout"):
        if key in current:
            out[key] = integer(current[key])
    for key in ("sourceChecking", "failsafe", "dagRoundRobin"):
        value = flag(current.get(key))
        out[key] = enabled(value) if value is not None else current.get(key)
    for key in ("failsafeAction", "autoLasthop", "cmpHash"):
        out[key] = current.get(key)
    return out


def diff(current: dict[str, dict[str, Any]], target: Target) -> list[Change]:
    """Pure: the changes that bring the device's VLANs to the playbook's."""
    changes = []
    for role, vlan in target.playbook.vlans.by_role().items():
        want = desired_body(vlan)
        have = current.get(vlan.name)
        if have is None:
            changes.append(_create(role, vlan, want))
            continue
        simple = {k: v for k, v in want.items() if k not in ("name", "partition", "interfaces")}
        fields = compare(_comparable(have), simple)
        want_members = _membership(want["interfaces"])
        have_members = _membership(subcollection(have, "interfacesReference"))
        if want_members != have_members:
            fields.append(FieldChange("interfaces", _show(have_members), _show(want_members)))
        if fields:
            change = modify(f"{VLAN_COLLECTION}/{uri_name(vlan.name)}", f"VLAN {vlan.name}", fields)
            if want_members != have_members:  # PATCH sends BIG-IP's member objects, not ours
                assert change.body is not None
                change.body["interfaces"] = want["interfaces"]
            changes.append(change)
    return changes


def _create(role: str, vlan: Vlan, body: dict[str, Any]) -> Change:
    tag = f"tag {vlan.tag}" if vlan.tag is not None else "tag auto"
    members = ", ".join(f"{m.name} {'tagged' if m.tagged else 'untagged'}" for m in vlan.interfaces)
    summary = f"create VLAN {vlan.name} ({role}; {tag}; {members}; MTU {vlan.mtu})"
    return Change("create", "POST", VLAN_COLLECTION, body, summary)


def _show(members: Membership) -> list[str]:
    return [
        f"{name} {kind}" + (f" ({mode})" if mode != "none" else "") for name, kind, mode in members
    ]


STEP = Step(1, "vlans", "Creating VLANs", "each", read, diff, creates_together=True)
