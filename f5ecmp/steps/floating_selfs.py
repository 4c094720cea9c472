"""Step 11, ``floating_selfs`` — guide: "Creating floating self IP addresses" (first device;
config sync carries them).

Converged when, for every device, a floating external and a floating internal self IP exist
with the playbook's addresses, each in that device's traffic group: six for the guide's three
devices. Created on the first device only — on a peer they arrive by config sync (step 13),
which needs the VLANs already there (step 1); step 13's final check reads them on every
device.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.bigip import selfips
from f5ecmp.bigip.changes import Change
from f5ecmp.playbook.model import FLOATING_ROLES, Device
from f5ecmp.steps.base import Context, Step, Target

READ_PATH = selfips.SELF_COLLECTION
parse = selfips.parse


def read(ctx: Context, device: Device) -> list[dict[str, Any]]:
    """Facts: every self IP of the first device in /Common."""
    return parse(ctx.read(device, READ_PATH))


def wanted(target: Target) -> list[selfips.WantedSelf]:
    pb = target.playbook
    vlans = pb.vlans.by_role()
    return [
        selfips.WantedSelf(
            name=device.floating_self_name(role),
            address=device.floating_selfs.by_role()[role].address,
            vlan=vlans[role].name,
            traffic_group=device.traffic_group.name,
            lockdown=device.floating_self_lockdown(role),
            label=f"floating {role} self IP of {device.name}",
        )
        for device in pb.devices
        for role in FLOATING_ROLES
    ]


def diff(current: list[dict[str, Any]], target: Target) -> list[Change]:
    return [change for want in wanted(target) for change in selfips.diff_one(current, want)]


STEP = Step(
    11, "floating_selfs", "Creating floating self IP addresses", "first", read, diff,
    synced=True, creates_together=True,
)  # fmt: skip
