"""Steps 4-6 and status parsing: trust, connectivity, device group, sync status."""

from __future__ import annotations

from typing import Any

import pytest

from f5ecmp.bigip import stats as status
from f5ecmp.bigip.stats import SyncStatus
from f5ecmp.playbook import load_playbook
from f5ecmp.steps import connectivity, device_group, trust
from f5ecmp.steps.base import StepConflict, Target
from tests.conftest import SEED

PB = load_playbook(SEED)
CREDS = {d.name: ("admin", f"pw-{d.label}") for d in PB.devices}
A = Target(PB, PB.devices[0], CREDS)


def cm_devices(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"items": [{"name": n, "managementIp": ip, "selfDevice": "false"} for n, ip in pairs]}


def test_trust_adds_each_peer_once_with_its_credentials() -> None:
    known = trust.known_devices(cm_devices(("bigip-a.example.net", "127.0.1.1")))
    b, c = trust.diff({A.device.name: known}, A)
    assert (b.method, b.path) == ("POST", "/mgmt/tm/cm/add-to-trust")
    assert b.body == {
        "command": "run", "name": "Root", "caDevice": True, "device": "127.0.1.2",
        "deviceName": "bigip-b.example.net", "username": "admin", "password": "pw-bigip-b",
    }  # fmt: skip
    assert "pw-bigip" not in str(b.as_dict())
    assert c.body is not None and c.body["deviceName"] == "bigip-c.example.net"


def test_a_trusted_peer_is_recognised_by_name_and_address() -> None:
    known = trust.known_devices(cm_devices(
        ("bigip-a.example.net", "127.0.1.1"), ("bigip-b.example.net", "127.0.1.2"),
        ("bigip-c.example.net", "127.0.1.3"),
    ))  # fmt: skip
    assert trust.diff({A.device.name: known}, A) == []


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (
            ("bigip-b.example.net", "127.0.9.9"),
            "already trusts a device named bigip-b.example.net at 127.0.9.9",
        ),
        (
            ("old-name.example.net", "127.0.1.2"),
            "already trusts 127.0.1.2 as device old-name.example.net",
        ),
    ],
)
def test_a_peer_known_under_another_name_or_address_stops_the_step(
    pair: tuple[str, str], expected: str
) -> None:
    known = trust.known_devices(cm_devices(("bigip-a.example.net", "127.0.1.1"), pair))
    with pytest.raises(StepConflict, match=expected):
        trust.diff({A.device.name: known}, A)


def fresh_self_device(name: str = "bigip-b.example.net") -> dict[str, Any]:
    """Defaults of a fresh device (fixture load_tm_cm_device_default.json): no unicastAddress."""
    return {"name": name, "selfDevice": "true", "configsyncIp": "none", "mirrorIp": "any6",
            "mirrorSecondaryIp": "any6", "managementIp": "127.0.1.2"}  # fmt: skip


def test_connectivity_sets_the_guides_addresses() -> None:
    b = Target(PB, PB.devices[1])
    current = connectivity.self_device({"items": [fresh_self_device()]})
    assert current is not None
    (change,) = connectivity.diff(current, b)
    assert (change.method, change.path) == (
        "PATCH",
        "/mgmt/tm/cm/device/~Common~bigip-b.example.net",
    )
    assert change.body == {
        "configsyncIp": "10.1.1.7",
        "unicastAddress": [{"ip": "10.2.1.7", "port": 1026}, {"ip": "management-ip", "port": 1026}],
        "mirrorIp": "10.1.1.7",
        "mirrorSecondaryIp": "10.2.1.7",
    }


def test_connectivity_rerun_is_a_no_op_with_management_ip_spelled_by_the_device() -> None:
    b = Target(PB, PB.devices[1])
    configured = {
        **fresh_self_device(), "configsyncIp": "10.1.1.7", "mirrorIp": "10.1.1.7",
        "mirrorSecondaryIp": "10.2.1.7",
        "unicastAddress": [
            {"effectiveIp": "management-ip", "effectivePort": 1026, "ip": "management-ip", "port": 1026},
            {"effectiveIp": "10.2.1.7", "effectivePort": 1026, "ip": "10.2.1.7", "port": 1026},
        ],
    }  # fmt: skip
    assert connectivity.diff(configured, b) == []


def test_device_group_is_created_with_every_device_then_synced() -> None:
    create, sync = device_group.diff(device_group.Facts(None, {}, {}), A)
    assert create.body == {
        "name": "dg-ecmp", "partition": "Common", "type": "sync-failover",
        "devices": ["bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"],
        "autoSync": "disabled", "saveOnAutoSync": "false", "networkFailover": "enabled",
        "fullLoadOnSync": "false", "incrementalConfigSyncSizeMax": 1024,
    }  # fmt: skip
    assert (sync.method, sync.path, sync.body) == (
        "POST", "/mgmt/tm/cm", {"command": "run", "utilCmdArgs": "config-sync to-group dg-ecmp"},
    )  # fmt: skip


def device_group_state(members: list[str]) -> dict[str, Any]:
    return {
        "name": "dg-ecmp", "type": "sync-failover", "autoSync": "disabled", "fullLoadOnSync": "false",
        "incrementalConfigSyncSizeMax": 1024, "networkFailover": "enabled", "saveOnAutoSync": "false",
        "devicesReference": {"isSubcollection": True, "items": [{"name": m, "partition": "Common"} for m in members]},
    }  # fmt: skip


IN_SYNC = SyncStatus(
    "In Sync", "green", "", ("dg-ecmp (In Sync): All devices in the device group are in sync",)
)


def facts(
    members: list[str], held_by: list[str] | None = None, sync: SyncStatus = IN_SYNC
) -> device_group.Facts:
    """The group as the first device holds it; every device in ``held_by`` sees it too."""
    names = [d.name for d in PB.devices]
    held = names if held_by is None else held_by
    return device_group.Facts(
        device_group_state(members),
        {n: frozenset(members) if n in held else None for n in names},
        dict.fromkeys(names, sync),
    )


def test_device_group_in_sync_needs_nothing_and_a_new_device_is_added() -> None:
    names = [d.name for d in PB.devices]
    assert device_group.diff(facts(names), A) == []
    add, sync = device_group.diff(facts(names[:2]), A)
    assert (add.path, add.body) == (
        "/mgmt/tm/cm/device-group/~Common~dg-ecmp/devices",
        {"name": "bigip-c.example.net", "partition": "Common"},
    )
    assert sync.action == "command"


def test_a_sync_only_group_of_that_name_is_a_conflict() -> None:
    state = device_group_state([d.name for d in PB.devices]) | {"type": "sync-only"}
    with pytest.raises(StepConflict, match="cannot change"):
        device_group.diff(device_group.Facts(state, {}, {}), A)


def sync_status_answer(status_text: str, details: list[str]) -> dict[str, Any]:
    detail_entries = {
        f"https://localhost/mgmt/tm/cm/syncStatus/0/details/{i}": {
            "nestedStats": {"entries": {"details": {"description": line}}}
        }
        for i, line in enumerate(details)
    }
    return {"kind": "tm:cm:sync-status:sync-statusstats", "entries": {
        "https://localhost/mgmt/tm/cm/sync-status/0": {"nestedStats": {"entries": {
            "color": {"description": "yellow"},
            "https://localhost/mgmt/tm/cm/syncStatus/0/details": {"nestedStats": {"entries": detail_entries}},
            "mode": {"description": "high-availability"},
            "status": {"description": status_text},
            "summary": {"description": "There is a possible change conflict"},
        }}}}}  # fmt: skip


def test_sync_status_reads_the_recommended_action() -> None:
    answer = sync_status_answer("Changes Pending", [
        "bigip-b.example.net: connected",
        "dg-ecmp (Changes Pending): Changes pending",
        " - Recommended action: Synchronize bigip-a.example.net to group dg-ecmp",
    ])  # fmt: skip
    parsed = status.sync_status(answer)
    assert (parsed.status, parsed.in_sync) == ("Changes Pending", False)
    assert parsed.recommended_for("dg-ecmp") == "bigip-a.example.net"
    assert parsed.recommended_for("other-dg") is None
    assert parsed.group_status("dg-ecmp") == "Changes Pending"


def test_a_member_that_lacks_the_group_gets_a_sync_and_is_not_converged() -> None:
    names = [d.name for d in PB.devices]
    missing_on_b = facts(names, held_by=[names[0], names[2]])
    (sync,) = device_group.diff(missing_on_b, A)
    assert sync.action == "command" and "config-sync to-group dg-ecmp" in str(sync.body)
    assert device_group.not_established(missing_on_b, PB) == [
        "bigip-b.example.net does not hold device group dg-ecmp"
    ]


def test_a_member_not_in_sync_gets_a_sync() -> None:
    names = [d.name for d in PB.devices]
    pending = SyncStatus("Awaiting Initial Sync", "blue", "", ())
    (sync,) = device_group.diff(facts(names, sync=pending), A)
    assert sync.action == "command"
