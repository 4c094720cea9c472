"""Which devices are leaving the cluster: the ones the playbook dropped.

A device is leaving when the playbook no longer names it and the first device knows it as
part of this cluster: a member of the playbook's device group — or, once it has left the
group, a device the first device still trusts that the cluster's journals say an earlier run
began to remove (a removal stopped half-way). Any other trusted device is not this
cluster's: it is never touched, whatever groups it is in.
"""

from __future__ import annotations

from f5ecmp.bigip.api import Json
from f5ecmp.bigip.normalize import flag, items, short_name, subcollection
from f5ecmp.playbook.model import Playbook

DEVICE_GROUPS_PATH = "/mgmt/tm/cm/device-group"
GROUPS_PARAMS = {"expandSubcollections": "true"}
BUILTIN_GROUPS = frozenset({"device_trust_group", "datasync-global-dg"})


def trusted_others(pb: Playbook, cm_devices: Json) -> list[str]:
    """Devices in the first device's trust domain that the playbook does not name."""
    named = {d.name for d in pb.devices}
    return sorted(
        str(d["name"])
        for d in items(cm_devices)
        if d.get("name") and str(d["name"]) not in named and flag(d.get("selfDevice")) is not True
    )


def group_members(groups: Json) -> dict[str, set[str]]:
    """Device group name → its members, from the device-group collection (expanded)."""
    return {
        str(g.get("name")): {
            str(short_name(m.get("name"))) for m in subcollection(g, "devicesReference")
        }
        for g in items(groups)
        if str(g.get("name")) not in BUILTIN_GROUPS
    }


def leaving(
    pb: Playbook, cm_devices: Json, groups: Json, hint: frozenset[str] = frozenset()
) -> list[str]:
    """Members of the playbook's device group it no longer names, and devices the first
    device still trusts that the journals say an earlier run began to remove."""
    named = {d.name for d in pb.devices}
    ours = group_members(groups).get(pb.device_group.name, set())
    hinted = {n for n in trusted_others(pb, cm_devices) if n in hint}
    return sorted((ours - named) | hinted)
