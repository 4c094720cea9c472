"""Step 4, ``trust`` — guide: "Establishing device trust" (first device only).

Converged when every other device of the playbook is in the first device's local trust
domain. A peer counts as trusted only when a ``cm device`` with its name **and** its
management address is there: F5's Ansible module matches on the address alone and re-adds a
peer on every run when the two disagree — here a device known under another name or address
stops the step with the reason instead.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.steps.base import Change, StepConflict, Target
from f5ecmp.steps.normalize import address, items

DEVICE_COLLECTION = "/mgmt/tm/cm/device"
ADD_TO_TRUST_PATH = "/mgmt/tm/cm/add-to-trust"


def known_devices(collection: Any) -> dict[str, str | None]:
    """cm device name → management address, as the first device sees its trust domain."""
    out: dict[str, str | None] = {}
    for item in items(collection):
        parsed = address(item.get("managementIp"))
        out[str(item["name"])] = str(parsed) if parsed is not None else None
    return out


def diff(devices: dict[str, str | None], target: Target) -> list[Change]:
    pb = target.playbook
    by_address = {mgmt: name for name, mgmt in devices.items() if mgmt is not None}
    changes = []
    for peer in pb.devices[1:]:
        mgmt = str(peer.mgmt)
        if peer.name in devices and devices[peer.name] == mgmt:
            continue
        if peer.name in devices:
            raise StepConflict(
                f"{pb.authority.name} already trusts a device named {peer.name} at "
                f"{devices[peer.name]}, but the playbook puts it at {mgmt}: correct the playbook "
                "or remove that device from the trust domain first"
            )
        if mgmt in by_address:
            raise StepConflict(
                f"{pb.authority.name} already trusts {mgmt} as device {by_address[mgmt]}, but the "
                f"playbook calls it {peer.name}: correct the playbook or rename the device"
            )
        username, password = target.credentials.get(peer.name, ("", ""))
        body = {
            "command": "run",
            "name": "Root",
            "caDevice": True,
            "device": mgmt,
            "deviceName": peer.name,
            "username": username,
            "password": password,
        }
        summary = f"add {peer.name} ({mgmt}) to the trust domain of {pb.authority.name}"
        changes.append(Change("command", "POST", ADD_TO_TRUST_PATH, body, summary))
    return changes
