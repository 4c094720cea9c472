"""Step 9, ``spanning`` — guide: "Enabling the virtual address to span all devices" (first
device; config sync carries it).

Converged when the virtual server's virtual address is on the playbook's traffic group
(traffic-group-1 in the guide) with ARP off and spanning on. BIG-IP refuses ARP and spanning
both enabled, so both go in one PATCH.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.bigip.api import get_or_none
from f5ecmp.bigip.changes import Change, FieldChange, modify
from f5ecmp.bigip.cluster import VA_COLLECTION, address_name, va_path
from f5ecmp.bigip.normalize import flag, short_name
from f5ecmp.playbook.model import Device
from f5ecmp.steps.base import Context, Step, Target

__all__ = ["VA_COLLECTION", "address_name", "diff", "read", "va_path"]


def diff(current: dict[str, Any] | None, target: Target) -> list[Change]:
    """``current`` is the virtual address, or None while the virtual server is not created yet
    (then the change is shown as what will happen once step 8 has run)."""
    pb = target.playbook
    va = pb.virtual_address
    want = {
        "trafficGroup": f"/Common/{va.traffic_group}",
        "arp": "enabled" if va.arp else "disabled",
        "spanning": "enabled" if va.spanning else "disabled",
    }
    have = current or {}
    fields = []
    if short_name(have.get("trafficGroup")) != va.traffic_group:
        fields.append(FieldChange("trafficGroup", have.get("trafficGroup"), want["trafficGroup"]))
    for key in ("arp", "spanning"):
        if flag(have.get(key)) is not (want[key] == "enabled"):
            fields.append(FieldChange(key, have.get(key), want[key]))
    if not fields:
        return []
    what = f"virtual address {address_name(pb)}"
    if current is None:
        what += " (created with the virtual server)"
    return [modify(va_path(pb), what, fields)]


def parse(answer: Any) -> dict[str, Any] | None:
    return answer if isinstance(answer, dict) and answer.get("name") else None


def read(ctx: Context, device: Device) -> dict[str, Any] | None:
    """Facts: the virtual address, or None until the virtual server creates it."""
    return parse(get_or_none(ctx.client(device), va_path(ctx.playbook)))


STEP = Step(
    9, "spanning", "Enabling the virtual address to span all devices", "first", read, diff,
    synced=True,
)  # fmt: skip
