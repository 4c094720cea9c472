"""The final check of a rollout, read from every device directly (guide: "Configuration Result").

On every device: the device group In Sync, every floating self IP present in its device's
traffic group, the virtual address spanning with ARP off. For the cluster: each traffic group
active on the first device of its HA order — waiting, within the waiter's deadline, for auto
failback to bring a group home.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from f5ecmp.steps import floating_selfs, selfips, spanning, status
from f5ecmp.steps.normalize import flag, interface, short_name
from f5ecmp.steps.registry import Context, get_or_none
from f5ecmp.steps.waits import WaitTimeout


def verify_cluster(ctx: Context) -> list[str]:
    devices = list(ctx.playbook.devices)
    with ThreadPoolExecutor(max_workers=len(devices)) as pool:
        per_device = list(pool.map(lambda d: _device_problems(ctx, d), devices))
    problems = [problem for found in per_device for problem in found]
    problems.extend(_traffic_group_problems(ctx))
    return problems


def _device_problems(ctx: Context, device: Any) -> list[str]:
    client = ctx.client(device)
    pb, problems = ctx.playbook, []
    group = pb.device_group.name
    sync = status.sync_status(client.get(status.SYNC_STATUS_PATH)).group_state(group)
    if sync != "In Sync":
        problems.append(f"{device.name}: device group {group} is {sync}, not In Sync")
    selfs = floating_selfs.read(client.get(floating_selfs.READ_PATH))
    for want in floating_selfs.wanted(ctx.target(device)):
        have = selfips.find(selfs, want)  # by name, or adopted by its address
        if have is None:
            problems.append(
                f"{device.name}: floating self IP {want.name} ({want.address}) is missing"
            )
        elif (
            interface(have.get("address")) != want.address
            or short_name(have.get("trafficGroup")) != want.traffic_group
        ):
            problems.append(
                f"{device.name}: floating self IP {want.name} is {have.get('address')} on {have.get('trafficGroup')}"
            )
    va = get_or_none(client, spanning.va_path(pb))
    if va is None:
        problems.append(f"{device.name}: virtual address {spanning.address_name(pb)} is missing")
    elif flag(va.get("spanning")) is not True or flag(va.get("arp")) is not False:
        problems.append(
            f"{device.name}: virtual address {spanning.address_name(pb)} has spanning {va.get('spanning')}, ARP {va.get('arp')}"
        )
    return problems


def active_devices(ctx: Context) -> dict[str, list[str]]:
    """Traffic group → the devices it is active on, as the first device reports it."""
    states = status.traffic_group_states(
        ctx.client(ctx.playbook.authority).get(status.TG_STATS_PATH)
    )
    return {
        group: sorted(d for d, s in by_device.items() if s == "active")
        for group, by_device in states.items()
    }


def _traffic_group_problems(ctx: Context) -> list[str]:
    pb = ctx.playbook
    expected = {d.traffic_group.name: pb.ha_order(d)[0] for d in pb.devices}

    def probe() -> tuple[bool, list[str]]:
        active = active_devices(ctx)
        wrong = [
            f"{group} is active on {', '.join(active.get(group, [])) or 'no device'}, expected {owner}"
            for group, owner in expected.items()
            if active.get(group) != [owner]
        ]
        return not wrong, wrong

    try:
        ctx.waiter.until("each traffic group to be active on its own device", probe)
    except WaitTimeout:
        return probe()[1]
    return []
