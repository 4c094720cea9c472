"""Self IPs as BIG-IP holds them: shared by step 2 (static) and step 11 (floating).

A self IP is matched by name, or — when an operator already created it by hand under another
name — by its address on the same VLAN, so a re-run never tries to add an address BIG-IP
already holds. The address and VLAN of a self IP cannot be changed in place (reference §4.4,
DO and Ansible delete and re-create instead), so a self IP whose address or VLAN drifted is
deleted and created again; traffic group and port lockdown are patched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from f5ecmp.bigip.changes import TRANSACTION, Change, FieldChange, modify
from f5ecmp.bigip.normalize import interface, items, port_lockdown, short_name, uri_name
from f5ecmp.playbook.types import IPInterface

SELF_COLLECTION = "/mgmt/tm/net/self"


@dataclass(frozen=True)
class WantedSelf:
    name: str
    address: IPInterface
    vlan: str
    traffic_group: str
    lockdown: str | tuple[str, ...]
    label: str  # e.g. "static external self IP"


def parse(collection: Any) -> list[dict[str, Any]]:
    return [s for s in items(collection) if s.get("partition", "Common") == "Common"]


def body(want: WantedSelf) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": want.name,
        "partition": "Common",
        "address": str(want.address),
        "vlan": f"/Common/{want.vlan}",
        "trafficGroup": f"/Common/{want.traffic_group}",
    }
    lockdown = _lockdown_value(want.lockdown)
    if lockdown is not None:
        out["allowService"] = lockdown
    return out


def _lockdown_value(lockdown: str | tuple[str, ...]) -> Any:
    """What BIG-IP takes for port lockdown (reference §4.4); None leaves it at none."""
    if lockdown == "none":
        return None
    if lockdown == "all":
        return "all"
    if lockdown == "default":
        return ["default"]
    return list(lockdown)


def _lockdown_key(lockdown: str | tuple[str, ...]) -> tuple[str, ...]:
    return port_lockdown(_lockdown_value(lockdown))


def find(current: list[dict[str, Any]], want: WantedSelf) -> dict[str, Any] | None:
    by_name = next((s for s in current if s.get("name") == want.name), None)
    if by_name is not None:
        return by_name
    return next(
        (s for s in current if interface(s.get("address")) == want.address
         and short_name(s.get("vlan")) == want.vlan),
        None,
    )  # fmt: skip


def diff_one(current: list[dict[str, Any]], want: WantedSelf) -> list[Change]:
    have = find(current, want)
    if have is None:
        summary = (
            f"create {want.label} {want.name} {want.address} on {want.vlan} ({want.traffic_group})"
        )
        return [Change("create", "POST", SELF_COLLECTION, body(want), summary)]
    name = str(have["name"])
    path = f"{SELF_COLLECTION}/{uri_name(name)}"
    if interface(have.get("address")) != want.address or short_name(have.get("vlan")) != want.vlan:
        return _recreate(have, want, path)
    fields = []
    if short_name(have.get("trafficGroup")) != want.traffic_group:
        fields.append(
            FieldChange("trafficGroup", have.get("trafficGroup"), f"/Common/{want.traffic_group}")
        )
    if port_lockdown(have.get("allowService")) != _lockdown_key(want.lockdown):
        new = _lockdown_value(want.lockdown)
        fields.append(
            FieldChange(
                "allowService", have.get("allowService"), new if new is not None else "none"
            )
        )
    if not fields:
        return []
    label = f"{want.label} {name}" + (
        "" if name == want.name else f" (found by address; playbook name {want.name})"
    )
    return [modify(path, label, fields)]


def _recreate(have: dict[str, Any], want: WantedSelf, path: str) -> list[Change]:
    """Delete and create again in one transaction: BIG-IP applies both or neither, so a
    refused create never leaves the VLAN without its self IP."""
    was = f"{have.get('address')} on {short_name(have.get('vlan'))}"
    commands = [
        {"method": "DELETE", "path": path, "body": None},
        {"method": "POST", "path": SELF_COLLECTION, "body": body(want)},
    ]
    summary = (
        f"replace {want.label} {have['name']} ({was}) with {want.name} {want.address} on "
        f"{want.vlan}, in one transaction (address and VLAN cannot change in place)"
    )
    return [Change("modify", TRANSACTION, "/mgmt/tm/transaction", {"commands": commands}, summary)]
