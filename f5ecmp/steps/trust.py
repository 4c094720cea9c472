"""Step 4, ``trust`` — guide: "Establishing device trust" (first device only).

The first device adds every other device to its local trust domain (``add-to-trust``, which
logs into the peer with its credentials). Converged when **every** device's trust domain holds
every device of the playbook, each under its name and management address: BIG-IP replicates
the domain to the peers, and a peer that missed it is not trusted, whatever the first device
says. A peer counts as trusted only with its name **and** its management address: F5's
Ansible module matches on the address alone and re-adds a peer on every run when the two
disagree — here a device known under another name or address stops the step with the reason
instead.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.bigip.api import in_parallel
from f5ecmp.bigip.changes import Change, command
from f5ecmp.bigip.normalize import address, items
from f5ecmp.playbook.model import Device
from f5ecmp.steps.base import Context, Step, StepConflict, Target

DEVICE_COLLECTION = "/mgmt/tm/cm/device"
ADD_TO_TRUST_PATH = "/mgmt/tm/cm/add-to-trust"

Known = dict[str, str | None]  # cm device name → management address
Facts = dict[str, Known]  # device → its trust domain as it sees it


def known_devices(collection: Any) -> Known:
    """cm device name → management address, as one device sees its trust domain."""
    out: Known = {}
    for item in items(collection):
        parsed = address(item.get("managementIp"))
        out[str(item["name"])] = str(parsed) if parsed is not None else None
    return out


def read(ctx: Context, _device: Device) -> Facts:
    """Facts: every device's trust domain (its ``cm device`` records), read at once."""
    pb = ctx.playbook
    return in_parallel(
        [d.name for d in pb.devices],
        lambda name: known_devices(ctx.read(pb.device(name), DEVICE_COLLECTION)),
    )


def diff(facts: Facts, target: Target) -> list[Change]:
    pb = target.playbook
    devices = facts[pb.authority.name]
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
        changes.append(command(ADD_TO_TRUST_PATH, body, summary))
    return changes


def check(ctx: Context, _device: Device, facts: Facts) -> list[str]:
    """What is missing from each device's trust domain (by name and management address)."""
    wanted = {d.name: str(d.mgmt) for d in ctx.playbook.devices}
    problems = []
    for name, known in facts.items():
        missing = [peer for peer, mgmt in wanted.items() if known.get(peer) != mgmt]
        if missing:
            problems.append(f"{name} does not trust {', '.join(missing)}")
    return problems


def settle(ctx: Context, device: Device) -> list[Change]:
    """Wait until every device's trust domain holds every device."""
    ctx.waiter.until(
        "every device to trust every other device",
        lambda: (not (found := STEP.converged(ctx, device)), "; ".join(found)),
    )
    return []


STEP: Step[Facts] = Step(
    4, "trust", "Establishing device trust", "first", read, diff, settle, check
)
