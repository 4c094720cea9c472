"""Step 2, ``static_selfs`` — guide: "Creating static self IP addresses" (each device).

Converged when the device holds one static self IP per VLAN (external, internal, HA) with the
playbook's address/prefix, on ``traffic-group-local-only`` (non-floating), with its port
lockdown. Static self IPs are local: config sync never carries them. A self IP created by hand
under another name is found by its address on the VLAN and adopted; one whose address or VLAN
drifted is replaced in one transaction (address and VLAN cannot change in place).
"""

from __future__ import annotations

from typing import Any

from f5ecmp.bigip import selfips
from f5ecmp.bigip.changes import Change
from f5ecmp.playbook.model import VLAN_ROLES, Device
from f5ecmp.steps.base import Context, Step, Target

LOCAL_ONLY = "traffic-group-local-only"
READ_PATH = selfips.SELF_COLLECTION
parse = selfips.parse


def read(ctx: Context, device: Device) -> list[dict[str, Any]]:
    """Facts: every self IP of the device in /Common."""
    return parse(ctx.read(device, READ_PATH))


def wanted(target: Target) -> list[selfips.WantedSelf]:
    device, vlans = target.device, target.playbook.vlans.by_role()
    return [
        selfips.WantedSelf(
            name=device.static_self_name(role),
            address=device.static_selfs.by_role()[role].address,
            vlan=vlans[role].name,
            traffic_group=LOCAL_ONLY,
            lockdown=device.static_self_lockdown(role),
            label=f"static {role} self IP",
        )
        for role in VLAN_ROLES
    ]


def diff(current: list[dict[str, Any]], target: Target) -> list[Change]:
    return [change for want in wanted(target) for change in selfips.diff_one(current, want)]


STEP = Step(
    2, "static_selfs", "Creating static self IP addresses", "each", read, diff,
    creates_together=True,
)  # fmt: skip
