"""Step 9, ``spanning`` — guide: "Enabling the virtual address to span all devices" (first
device; config sync carries it).

Converged when the virtual server's virtual address is on the playbook's traffic group
(traffic-group-1 in the guide) with ARP off and spanning on. BIG-IP refuses ARP and spanning
both enabled, so both go in one PATCH.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.playbook.model import Playbook
from f5ecmp.steps.base import Change, FieldChange, Target, modify
from f5ecmp.steps.normalize import flag, short_name, uri_name

VA_COLLECTION = "/mgmt/tm/ltm/virtual-address"


def address_name(pb: Playbook) -> str:
    dest = pb.virtual_server.destination
    return str(dest.network.network_address if dest.network.num_addresses > 1 else dest.ip)


def va_path(pb: Playbook) -> str:
    return f"{VA_COLLECTION}/{uri_name(address_name(pb), pb.partition)}"


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
    return [modify(va_path(pb), f"virtual address {address_name(pb)}", fields)]


def read(answer: Any) -> dict[str, Any] | None:
    return answer if isinstance(answer, dict) and answer.get("name") else None
