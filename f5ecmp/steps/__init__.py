"""The guide's twelve steps, one module each, in the guide's order (``STEPS``), with the
removal of a device the playbook dropped before the final sync.

| # | module | guide section |
|---|---|---|
| 1 | ``vlans`` | Creating VLANs |
| 2 | ``static_selfs`` | Creating static self IP addresses |
| 3 | ``ntp`` | Specifying a list of NTP servers |
| 4 | ``trust`` | Establishing device trust |
| 5 | ``connectivity`` | Specifying config sync, failover, and mirroring addresses |
| 6 | ``device_group`` | Creating a Sync-Failover device group |
| 7 | ``pool`` | Creating a server pool |
| 8 | ``virtual_server`` | Creating a destination address and port |
| 9 | ``spanning`` | Enabling the virtual address to span all devices |
| 10 | ``traffic_groups`` | Creating traffic groups for failover |
| 11 | ``floating_selfs`` | Creating floating self IP addresses |
| 12 | ``decommission`` | (day 2) removing a device the playbook dropped |
| 13 | ``sync`` | Syncing the BIG-IP configuration to the device group |
"""

from __future__ import annotations

from dataclasses import replace

from f5ecmp.steps import (
    connectivity,
    decommission,
    device_group,
    floating_selfs,
    ntp,
    pool,
    spanning,
    static_selfs,
    sync,
    traffic_groups,
    trust,
    virtual_server,
    vlans,
)
from f5ecmp.steps.base import AnyStep

# What each step must follow: BIG-IP's own order where it has one (the guide's: NTP before
# trust, whose certificates need agreeing clocks; trust and the config sync address before the
# device group; the device group before what config sync carries; traffic groups before the
# floating self IPs in them and before a virtual address placed in one; the removal of a
# device and the final sync after everything). Steps not ordered here run at the same time.
AFTER: dict[str, tuple[str, ...]] = {
    "vlans": (),
    "static_selfs": ("vlans",),
    "ntp": (),
    "trust": ("ntp",),
    "connectivity": ("static_selfs", "trust"),
    "device_group": ("connectivity",),
    "pool": ("device_group",),
    "virtual_server": ("pool",),
    "spanning": ("virtual_server", "traffic_groups"),
    "traffic_groups": ("device_group",),
    "floating_selfs": ("traffic_groups",),
}
_GUIDE_ORDER: tuple[AnyStep, ...] = (
    vlans.STEP,
    static_selfs.STEP,
    ntp.STEP,
    trust.STEP,
    connectivity.STEP,
    device_group.STEP,
    pool.STEP,
    virtual_server.STEP,
    spanning.STEP,
    traffic_groups.STEP,
    floating_selfs.STEP,
    decommission.STEP,
    sync.STEP,
)
STEPS: tuple[AnyStep, ...] = tuple(
    replace(step, after=AFTER.get(step.id)) for step in _GUIDE_ORDER
)  # decommission and sync: after every step before them
STEP_IDS = tuple(step.id for step in STEPS)
assert [s.number for s in STEPS] == list(range(1, len(STEPS) + 1))


def _acyclic() -> bool:
    """Every step can start: what it follows is known and, in turn, can start."""
    started: set[str] = set()
    while len(started) < len(STEPS):
        ready = [
            s.id for i, s in enumerate(STEPS) if s.id not in started
            and set(STEP_IDS[:i] if s.after is None else s.after) <= started
        ]  # fmt: skip
        if not ready:
            return False
        started.update(ready)
    return True


assert _acyclic()
