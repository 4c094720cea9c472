"""Step 11, ``floating_selfs`` — guide: "Creating floating self IP addresses" (first device;
config sync carries them).

Converged when, for every device, a floating external and a floating internal self IP exist
with the playbook's addresses, each in that device's traffic group: six for the guide's three
devices. Created on the first device only — on a peer they arrive by config sync, which needs
the VLANs already there (step 1).
"""

from __future__ import annotations

from typing import Any

from f5ecmp.playbook.model import FLOATING_ROLES
from f5ecmp.steps import selfips
from f5ecmp.steps.base import Change, Target

READ_PATH = selfips.SELF_COLLECTION
read = selfips.read


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
