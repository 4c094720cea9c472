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

STEPS: tuple[AnyStep, ...] = (
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
STEP_IDS = tuple(step.id for step in STEPS)
assert [s.number for s in STEPS] == list(range(1, len(STEPS) + 1))
