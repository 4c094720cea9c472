"""Cluster behaviour on the model, without sockets: trust, device groups, config sync and
sync status, traffic groups and failover, devices going down and coming back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from simsteps import connectivity, local_network, sync, trust_all

from f5ecmp.simulator import errors
from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster
from f5ecmp.simulator.cm import commands
from f5ecmp.simulator.device import Device

Status = Callable[[Cluster, Device], str]


def devices(cluster: Cluster) -> list[Device]:
    return list(cluster.devices.values())


def trust_body(peer: Device, **over: object) -> dict[str, object]:
    return {
        "command": "run",
        "name": "Root",
        "caDevice": True,
        "device": str(peer.mgmt),
        "deviceName": peer.name,
        "username": "admin",
        "password": "admin",
        **over,
    }


# --- a fresh device -------------------------------------------------------------------------


def test_fresh_device_is_a_licensed_standalone_bigip(cluster: Cluster, status: Status) -> None:
    a = devices(cluster)[0]
    assert [i.name for i in a.store.items("net/interface")] == ["1.1", "1.2", "1.3", "1.4", "mgmt"]
    assert [t.name for t in a.store.items("cm/traffic-group")] == [
        "traffic-group-1",
        "traffic-group-local-only",
    ]
    assert [g.name for g in a.store.items("cm/device-group")] == ["device_trust_group", "gtm"]
    for kind, name in (
        ("ltm/monitor/http", "http"),
        ("ltm/monitor/https", "https"),
        ("ltm/monitor/tcp", "tcp"),
        ("ltm/monitor/gateway-icmp", "gateway_icmp"),
        ("ltm/profile/tcp", "tcp"),
        ("ltm/profile/http", "http"),
        ("ltm/profile/fastl4", "fastL4"),
    ):
        assert a.store.get(kind, f"/Common/{name}") is not None
    record = a.self_record()
    assert record.props["selfDevice"] == "true"
    assert record.props["version"] == "16.1.3"
    assert record.props["managementIp"] == "127.0.1.1"
    assert a.trust == {a.name}
    assert status(cluster, a) == "Standalone"
    assert cluster.failover.active_groups(a) == ["/Common/traffic-group-1"]


def test_every_change_bumps_the_device_generation(cluster: Cluster) -> None:
    a = devices(cluster)[0]
    before = a.store.generation
    vlan = a.create("net/vlan", {"name": "external", "tag": 10})
    assert vlan.generation == a.store.generation == before + 1
    again = a.modify("net/vlan", "/Common/external", {"mtu": 9000})
    assert again.generation > vlan.generation


# --- trust ----------------------------------------------------------------------------------


def test_add_to_trust_merges_both_domains_after_the_delay(
    cluster: Cluster, clock: FakeClock, status: Status
) -> None:
    a, b, c = devices(cluster)
    cluster.trust.add_to_trust(a, trust_body(b))
    cluster.tick()
    assert a.trust == {a.name}, "trust is not instant"
    clock.advance(1.0)
    cluster.tick()
    assert a.trust == b.trust == {a.name, b.name}
    assert sorted(r.name for r in cluster.device_records(b)) == [a.name, b.name]
    assert status(cluster, a) == status(cluster, b) == "Disconnected"  # no config-sync address
    cluster.trust.add_to_trust(a, trust_body(c))
    cluster.settle()
    assert b.trust == c.trust == {a.name, b.name, c.name}
    group = b.store.get("cm/device-group", "/Common/device_trust_group")
    assert group is not None and len(group.children["devices"]) == 3


@pytest.mark.parametrize(
    "over, text",
    [
        ({"password": "wrong"}, "authentication failed"),
        ({"device": "192.0.2.77"}, "connection refused"),
        ({"device": "127.0.1.1"}, "The specified IP address is an address on this device."),
        ({"deviceName": "someone-else"}, "does not match"),
    ],
)
def test_add_to_trust_refusals(cluster: Cluster, over: dict[str, object], text: str) -> None:
    a, b, _ = devices(cluster)
    with pytest.raises(errors.SimError) as caught:
        cluster.trust.add_to_trust(a, trust_body(b, **over))
    assert caught.value.status == 400 and text in caught.value.message


def test_add_to_trust_accepts_a_quoted_password(cluster: Cluster) -> None:
    a, b, _ = devices(cluster)
    cluster.trust.add_to_trust(a, trust_body(b, password='"admin"'))
    cluster.settle()
    assert b.name in a.trust


def test_remove_from_trust_is_per_side(cluster: Cluster, status: Status) -> None:
    a, b, _ = devices(cluster)
    cluster.trust.add_to_trust(a, trust_body(b))
    cluster.settle()
    cluster.trust.remove_from_trust(a, {"command": "run", "name": b.name, "deviceName": b.name})
    assert a.trust == {a.name} and b.trust == {a.name, b.name}
    cluster.trust.reset(b)
    assert status(cluster, a) == status(cluster, b) == "Standalone"


# --- device groups and sync status ----------------------------------------------------------


def prepared(cluster: Cluster) -> list[Device]:
    for i, dev in enumerate(devices(cluster)):
        local_network(dev, i)
    trust_all(cluster)
    for i, dev in enumerate(devices(cluster)):
        connectivity(dev, i)
    return devices(cluster)


def make_group(cluster: Cluster, auto_sync: str = "disabled", save: str = "false") -> None:
    a = devices(cluster)[0]
    a.create(
        "cm/device-group",
        {
            "name": "dg-ecmp",
            "type": "sync-failover",
            "devices": [d.name for d in devices(cluster)],
            "autoSync": auto_sync,
            "saveOnAutoSync": save,
        },
    )
    cluster.settle()


def test_device_group_members_must_be_trusted(cluster: Cluster) -> None:
    a, b, _ = devices(cluster)
    with pytest.raises(errors.SimError, match="not a member of the local trust domain"):
        a.create(
            "cm/device-group", {"name": "dg", "type": "sync-failover", "devices": [a.name, b.name]}
        )


def test_a_device_is_in_one_sync_failover_group_only(cluster: Cluster) -> None:
    a, b, _ = prepared(cluster)
    a.create("cm/device-group", {"name": "one", "type": "sync-failover", "devices": [a.name]})
    with pytest.raises(errors.SimError, match="already a member"):
        a.create(
            "cm/device-group", {"name": "two", "type": "sync-failover", "devices": [a.name, b.name]}
        )
    a.create("cm/device-group", {"name": "three", "type": "sync-only", "devices": [a.name]})


def test_device_group_appears_on_members_awaiting_initial_sync(
    cluster: Cluster, status: Status
) -> None:
    a, b, c = prepared(cluster)
    assert status(cluster, a) == "In Sync"  # device_trust_group with config-sync addresses
    make_group(cluster)
    for dev in (a, b, c):
        assert dev.store.get("cm/device-group", "/Common/dg-ecmp") is not None
        assert status(cluster, dev) == "Awaiting Initial Sync"
    with pytest.raises(errors.SimError, match="until a push has been done first"):
        commands.config_sync(
            cluster, b, {"command": "run", "utilCmdArgs": "config-sync from-group dg-ecmp"}
        )


def test_sync_passes_through_not_all_devices_synced(
    cluster: Cluster, clock: FakeClock, status: Status
) -> None:
    a, b, _ = prepared(cluster)
    make_group(cluster)
    commands.config_sync(
        cluster, a, {"command": "run", "utilCmdArgs": "config-sync to-group dg-ecmp"}
    )
    cluster.tick()
    assert status(cluster, b) == "Not All Devices Synced"
    clock.advance(1.0)
    cluster.tick()
    assert status(cluster, a) == status(cluster, b) == "In Sync"


def test_a_change_is_pending_until_synced_and_names_its_device(
    cluster: Cluster, status: Status
) -> None:
    a, b, c = prepared(cluster)
    make_group(cluster)
    sync(cluster, a)
    b.create("ltm/pool", {"name": "web"})
    report = cluster.sync.report(a)
    assert report.status == "Changes Pending"
    assert f" - Recommended action: Synchronize {b.name} to group dg-ecmp" in report.details
    sync(cluster, b, "dg-ecmp")
    assert {status(cluster, d) for d in (a, b, c)} == {"In Sync"}
    assert c.store.get("ltm/pool", "/Common/web") is not None
    assert not c.has_unsaved_changes, "a manual sync saves on every member"


def test_changes_on_two_devices_are_a_possible_conflict(cluster: Cluster) -> None:
    a, b, _ = prepared(cluster)
    make_group(cluster)
    sync(cluster, a)
    a.create("ltm/pool", {"name": "one"})
    b.create("ltm/pool", {"name": "two"})
    report = cluster.sync.report(a)
    assert report.status == "Changes Pending"
    assert report.summary == f"There is a possible change conflict between {a.name} and {b.name}."


def test_auto_sync_propagates_without_saving(cluster: Cluster, status: Status) -> None:
    a, b, _ = prepared(cluster)
    make_group(cluster, auto_sync="enabled")
    sync(cluster, a)
    a.create("ltm/pool", {"name": "web"})
    cluster.tick()
    assert status(cluster, b) == "Not All Devices Synced"
    cluster.settle()
    assert status(cluster, b) == "In Sync"
    assert b.store.get("ltm/pool", "/Common/web") is not None
    assert b.has_unsaved_changes, "auto sync does not save unless save-on-auto-sync"


def test_save_on_auto_sync_saves_the_peers(cluster: Cluster) -> None:
    a, b, _ = prepared(cluster)
    make_group(cluster, auto_sync="enabled", save="true")
    sync(cluster, a)
    a.create("ltm/pool", {"name": "web"})
    cluster.settle()
    assert not b.has_unsaved_changes


def test_sync_copies_only_what_bigip_syncs(cluster: Cluster) -> None:
    a, b, _ = prepared(cluster)
    make_group(cluster)
    sync(cluster, a)
    a.create("net/vlan", {"name": "only-on-a", "tag": 99})
    a.create("net/self", {"name": "static-a2", "address": "20.1.1.60/24", "vlan": "external"})
    a.create(
        "net/self",
        {
            "name": "float",
            "address": "20.1.1.2/24",
            "vlan": "external",
            "trafficGroup": "traffic-group-1",
        },
    )
    a.modify("sys/dns", "", {"nameServers": ["192.0.2.53"]})
    sync(cluster, a)
    assert b.store.get("net/vlan", "/Common/only-on-a") is None
    assert b.store.get("net/self", "/Common/static-a2") is None
    assert b.store.get("net/self", "/Common/float") is not None
    assert "nameServers" not in b.store.items("sys/dns")[0].props
    assert b.self_record().props["configsyncIp"] == "10.1.1.7"


def test_floating_self_without_its_vlan_fails_the_peers_sync(cluster: Cluster) -> None:
    a, b, _ = prepared(cluster)
    make_group(cluster)
    sync(cluster, a)
    a.create("net/vlan", {"name": "extra", "tag": 40})
    a.create("net/self", {"name": "extra-static", "address": "40.1.1.6/24", "vlan": "extra"})
    a.create(
        "net/self",
        {
            "name": "extra-float",
            "address": "40.1.1.2/24",
            "vlan": "extra",
            "trafficGroup": "traffic-group-1",
        },
    )
    sync(cluster, a)
    report = cluster.sync.report(a)
    assert report.status == "Sync Failure" and report.color == "red"
    assert any(b.name in line and "/Common/extra" in line for line in report.details)
    assert b.store.get("net/self", "/Common/extra-float") is None


# --- traffic groups and failover ------------------------------------------------------------


def test_a_floating_self_turned_local_is_pending_and_peers_keep_the_copy(
    ecmp: Cluster, status: Status
) -> None:
    """Issue 9, item 10: a floating self IP moved to traffic-group-local-only on one device is
    a change (Changes Pending, naming that device); the peers keep their floating copy, also
    after a sync, since the object is no longer part of what the device syncs."""
    a, b, c = devices(ecmp)
    a.modify("net/self", "/Common/float-ext-0", {"trafficGroup": "traffic-group-local-only"})
    ecmp.tick()
    for dev in (a, b, c):
        assert status(ecmp, dev) == "Changes Pending"
    assert any(f"Synchronize {a.name} to group dg-ecmp" in d for d in ecmp.sync.report(b).details)
    assert b.get("net/self", "/Common/float-ext-0").props["floating"] == "enabled"
    sync(ecmp, a)
    for dev in (a, b, c):
        assert status(ecmp, dev) == "In Sync"
    assert a.get("net/self", "/Common/float-ext-0").props["floating"] == "disabled"
    for peer in (b, c):
        kept = peer.get("net/self", "/Common/float-ext-0").props
        assert (kept["floating"], kept["trafficGroup"]) == ("enabled", "/Common/traffic-group-1")


def test_traffic_groups_end_on_their_own_devices(ecmp: Cluster, status: Status) -> None:
    a, b, c = devices(ecmp)
    assert {status(ecmp, d) for d in (a, b, c)} == {"In Sync"}
    assert [ecmp.failover.active_groups(d) for d in (a, b, c)] == [
        ["/Common/traffic-group-1"],
        ["/Common/traffic-group-2"],
        ["/Common/traffic-group-3"],
    ]
    rows = {(r.traffic_group, r.device): r for r in ecmp.failover.rows(b)}
    row = rows[("/Common/traffic-group-2", b.full_name)]
    assert row.failover_state == "active" and not row.next_active
    assert rows[("/Common/traffic-group-2", c.full_name)].next_active


def test_new_traffic_group_fails_back_after_its_failback_time(
    cluster: Cluster, clock: FakeClock
) -> None:
    a, b, _ = prepared(cluster)
    make_group(cluster)
    sync(cluster, a)
    a.create(
        "cm/traffic-group",
        {
            "name": "traffic-group-2",
            "haOrder": [b.name, a.name],
            "autoFailbackEnabled": "true",
            "autoFailbackTime": 30,
        },
    )
    cluster.settle()
    assert "/Common/traffic-group-2" in cluster.failover.active_groups(a), (
        "only the device holding the definition can be active for it"
    )
    commands.config_sync(
        cluster, a, {"command": "run", "utilCmdArgs": "config-sync to-group dg-ecmp"}
    )
    clock.advance(1.0)
    cluster.tick()
    assert "/Common/traffic-group-2" in cluster.failover.active_groups(a)
    clock.advance(30.0)
    cluster.tick()
    assert cluster.failover.active_groups(b) == ["/Common/traffic-group-2"]


def test_device_down_moves_its_groups_and_failback_returns_them(
    ecmp: Cluster, clock: FakeClock, status: Status
) -> None:
    a, b, c = devices(ecmp)
    ecmp.set_down(b.name)
    ecmp.tick()
    assert ecmp.failover.active_groups(b) == ["/Common/traffic-group-2"], "not detected yet"
    clock.advance(1.0)
    ecmp.tick()
    assert ecmp.failover.active_groups(c) == ["/Common/traffic-group-2", "/Common/traffic-group-3"]
    assert status(ecmp, a) == "Disconnected"
    assert f"{b.name}: disconnected" in ecmp.sync.report(a).details
    ecmp.set_down(b.name, down=False)
    ecmp.tick()
    assert ecmp.failover.active_groups(b) == []
    assert status(ecmp, a) == "In Sync"
    clock.advance(60.0)
    ecmp.tick()
    assert ecmp.failover.active_groups(b) == ["/Common/traffic-group-2"]


def test_standby_moves_a_group_to_its_next_device(ecmp: Cluster) -> None:
    a, b, c = devices(ecmp)
    with pytest.raises(errors.SimError, match="not active"):
        commands.failover(
            ecmp, a, {"command": "run", "standby": True, "traffic-group": "traffic-group-2"}
        )
    commands.failover(
        ecmp, b, {"command": "run", "standby": True, "traffic-group": "traffic-group-2"}
    )
    ecmp.tick()
    assert ecmp.failover.active_groups(c) == ["/Common/traffic-group-2", "/Common/traffic-group-3"]


def test_forced_offline_and_back_online(ecmp: Cluster, clock: FakeClock) -> None:
    a, b, _ = devices(ecmp)
    commands.failover(ecmp, a, {"command": "run", "utilCmdArgs": "offline"})
    ecmp.tick()
    assert ecmp.failover.device_state(a) == "forced-offline"
    assert ecmp.failover.active_groups(b) == ["/Common/traffic-group-1", "/Common/traffic-group-2"]
    commands.failover(ecmp, a, {"command": "run", "online": True})
    ecmp.settle()
    assert ecmp.failover.active_groups(a) == ["/Common/traffic-group-1"]


# --- transactions ---------------------------------------------------------------------------


def test_failed_transaction_leaves_the_device_as_it_was(cluster: Cluster) -> None:
    a = devices(cluster)[0]
    before = a.store.generation
    with pytest.raises(errors.SimError), a.transaction():
        a.create("net/vlan", {"name": "external", "tag": 10})
        a.create("net/self", {"name": "s", "address": "1.1.1.1/24", "vlan": "missing"})
    assert a.store.get("net/vlan", "/Common/external") is None
    assert a.store.generation == before


def test_group_definitions_reach_every_trusted_device(cluster: Cluster, status: Status) -> None:
    a, b, c = devices(cluster)
    for i, dev in enumerate((a, b, c)):
        local_network(dev, i)
    trust_all(cluster)
    for i, dev in enumerate((a, b, c)):
        connectivity(dev, i)
    a.create("cm/device-group", {"name": "dg-ecmp", "type": "sync-failover", "devices": [a.name]})
    cluster.settle()
    for peer in (b, c):
        group = peer.get("cm/device-group", "/Common/dg-ecmp")
        assert list(group.children["devices"]) == [a.full_name], "readable before joining"
        assert status(cluster, peer) == "In Sync", "a non-member does not sync the group"
    b.write_child("cm/device-group", "/Common/dg-ecmp", "devices", "POST", body={"name": b.name})
    cluster.settle()
    assert set(a.get("cm/device-group", "/Common/dg-ecmp").children["devices"]) == {
        a.full_name,
        b.full_name,
    }
    a.delete("cm/device-group", "/Common/dg-ecmp")
    cluster.settle()
    assert all(d.store.get("cm/device-group", "/Common/dg-ecmp") is None for d in (b, c))
