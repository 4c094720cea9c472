"""Which devices are leaving the cluster: the ones the playbook dropped.

A device is leaving when the first device still knows it as part of this cluster but the
playbook no longer names it: a member of the playbook's device group, or a device in the
trust domain that belongs to no other device group (a decommission stopped between leaving
the group and leaving the trust). A trusted device that is a member of another device group
(a sync-only group shared with other BIG-IPs) is not this cluster's and is left alone.
"""

from __future__ import annotations

from f5ecmp.bigip.api import Json
from f5ecmp.bigip.normalize import flag, items, short_name, subcollection
from f5ecmp.playbook.model import Playbook

DEVICE_GROUPS_PATH = "/mgmt/tm/cm/device-group"
GROUPS_PARAMS = {"expandSubcollections": "true"}
BUILTIN_GROUPS = frozenset({"device_trust_group", "gtm", "datasync-global-dg"})


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


def leaving(pb: Playbook, cm_devices: Json, groups: Json) -> list[str]:
    named = {d.name for d in pb.devices}
    members = group_members(groups)
    ours = members.get(pb.device_group.name, set())
    elsewhere = {
        m for name, found in members.items() if name != pb.device_group.name for m in found
    }
    candidates = (ours - named) | {n for n in trusted_others(pb, cm_devices) if n not in elsewhere}
    return sorted(candidates)
