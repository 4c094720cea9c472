"""Steps 7-11: pool, virtual server, virtual address, traffic groups, floating self IPs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from f5ecmp.playbook import load_playbook
from f5ecmp.steps import floating_selfs, pool, spanning, traffic_groups, virtual_server
from f5ecmp.steps.base import Target
from tests.conftest import SEED

PB = load_playbook(SEED)
A = Target(PB, PB.devices[0])


def device_pool(members: list[str], monitor: str = "/Common/http ") -> dict[str, Any]:
    """A pool read with expandSubcollections (keys of fixture load_ltm_pools.json); 12.x
    devices add a trailing space to the monitor rule."""
    return {
        "kind": "tm:ltm:pool:poolstate", "name": "app_pool", "partition": "Common",
        "loadBalancingMode": "round-robin", "monitor": monitor,
        "membersReference": {"isSubcollection": True, "items": [
            {"kind": "tm:ltm:pool:members:membersstate", "name": f"{m}:80", "address": m,
             "ephemeral": "false"} for m in members
        ]},
    }  # fmt: skip


def test_pool_is_created_with_its_members_in_one_request() -> None:
    (change,) = pool.diff(None, A)
    assert (change.method, change.path) == ("POST", "/mgmt/tm/ltm/pool")
    assert change.body == {
        "name": "app_pool", "partition": "Common", "loadBalancingMode": "round-robin",
        "monitor": "/Common/http",
        "members": [{"name": "10.1.1.100:80", "address": "10.1.1.100"},
                    {"name": "10.1.1.101:80", "address": "10.1.1.101"}],
    }  # fmt: skip


def test_converged_pool_needs_nothing() -> None:
    assert pool.diff(device_pool(["10.1.1.101", "10.1.1.100"]), A) == []


def test_a_missing_member_is_one_patch_of_the_whole_list() -> None:
    (change,) = pool.diff(device_pool(["10.1.1.100"]), A)
    assert change.method == "PATCH" and change.body is not None
    assert [m["name"] for m in change.body["members"]] == ["10.1.1.100:80", "10.1.1.101:80"]
    assert "members: (none) → +10.1.1.101:80" in change.summary


def test_a_thousand_members_are_still_one_request(
    seed_text: str, write_playbook: Callable[[str], Path]
) -> None:
    members = ", ".join(
        f"{{address: 10.9.{i // 250}.{i % 250 + 1}, port: 80}}" for i in range(1000)
    )
    text = seed_text.replace(
        "members: [{address: 10.1.1.100, port: 80}, {address: 10.1.1.101, port: 80}]",
        f"members: [{members}]",
    )
    pb = load_playbook(write_playbook(text))
    (create,) = pool.diff(None, Target(pb, pb.devices[0]))
    assert create.body is not None and len(create.body["members"]) == 1000
    (patch,) = pool.diff(device_pool(["10.9.0.1"]), Target(pb, pb.devices[0]))
    assert "(+994 more)" in patch.summary


def test_monitor_rule_spellings() -> None:
    assert pool._parse_rule("min 1 of { /Common/http /Common/tcp }") == (
        1,
        frozenset({"http", "tcp"}),
    )
    assert pool._parse_rule("/Common/http and /Common/https ") == (
        None,
        frozenset({"http", "https"}),
    )
    assert pool._parse_rule(None) == (None, frozenset())


def device_virtual(**overrides: Any) -> dict[str, Any]:
    """Keys and types of a 16.1 virtual (fixture load_ltm_virtual_servers_facts.json)."""
    vs = {
        "kind": "tm:ltm:virtual:virtualstate", "name": "app_vs", "partition": "Common",
        "destination": "/Common/30.1.1.10:80", "mask": "255.255.255.255", "ipProtocol": "tcp",
        "pool": "/Common/app_pool", "sourceAddressTranslation": {"type": "automap"},
        "mirror": "enabled", "enabled": True,
        "profilesReference": {"isSubcollection": True, "items": [
            {"kind": "tm:ltm:virtual:profiles:profilesstate", "name": "tcp", "partition": "Common",
             "fullPath": "/Common/tcp", "context": "all"}]},
    }  # fmt: skip
    vs.update(overrides)
    return vs


def test_virtual_server_create_and_converged() -> None:
    (change,) = virtual_server.diff(None, A)
    assert change.body == {
        "name": "app_vs", "partition": "Common", "destination": "/Common/30.1.1.10:80",
        "mask": "255.255.255.255", "ipProtocol": "tcp", "pool": "/Common/app_pool",
        "sourceAddressTranslation": {"type": "automap"}, "mirror": "enabled",
        "profiles": [{"name": "/Common/tcp"}],
    }  # fmt: skip
    assert virtual_server.diff(device_virtual(), A) == []
    assert virtual_server.diff(device_virtual(destination="/Common/30.1.1.10%0:80"), A) == []


def test_virtual_server_drift_is_patched() -> None:
    (change,) = virtual_server.diff(
        device_virtual(mirror="disabled", sourceAddressTranslation={"type": "none"}), A
    )
    assert change.body == {"sourceAddressTranslation": {"type": "automap"}, "mirror": "enabled"}


def test_ipv6_destination_uses_a_dot_before_the_port(
    seed_text: str, write_playbook: Callable[[str], Path]
) -> None:
    pb = load_playbook(
        write_playbook(
            seed_text.replace("destination: 30.1.1.10", 'destination: "2001:db8:30::10"')
        )
    )
    assert virtual_server.destination(pb) == "/Common/2001:db8:30::10.80"
    assert spanning.va_path(pb) == "/mgmt/tm/ltm/virtual-address/~Common~2001:db8:30::10"


def test_spanning_sets_arp_off_and_spanning_on_in_one_patch() -> None:
    created = {
        "name": "30.1.1.10",
        "arp": "enabled",
        "spanning": "disabled",
        "trafficGroup": "/Common/traffic-group-1",
    }
    (change,) = spanning.diff(created, A)
    assert (change.path, change.body) == (
        "/mgmt/tm/ltm/virtual-address/~Common~30.1.1.10", {"arp": "disabled", "spanning": "enabled"},
    )  # fmt: skip
    assert spanning.diff({**created, "arp": "disabled", "spanning": "enabled"}, A) == []


def fresh_traffic_groups() -> dict[str, Any]:
    return {"items": [
        {"name": "traffic-group-1", "autoFailbackEnabled": "false", "autoFailbackTime": 60,
         "failoverMethod": "ha-order", "isFloating": "true", "mac": "none", "unitId": 1},
        {"name": "traffic-group-local-only", "autoFailbackEnabled": "false", "autoFailbackTime": 60,
         "failoverMethod": "ha-order", "isFloating": "false", "mac": "none", "unitId": 0},
    ]}  # fmt: skip


def test_traffic_group_1_is_modified_and_the_others_created() -> None:
    tg1, tg2, tg3 = traffic_groups.diff((traffic_groups.parse(fresh_traffic_groups()), {}), A)
    assert (tg1.method, tg1.path) == ("PATCH", "/mgmt/tm/cm/traffic-group/~Common~traffic-group-1")
    assert tg1.body == {
        "mac": "02:01:d7:93:35:01",
        "haOrder": ["/Common/bigip-a.example.net", "/Common/bigip-b.example.net", "/Common/bigip-c.example.net"],
        "autoFailbackEnabled": "true",
    }  # fmt: skip
    assert (tg2.method, tg3.method) == ("POST", "POST")
    assert tg3.body is not None and tg3.body["haOrder"][0] == "/Common/bigip-c.example.net"


def test_converged_traffic_groups_in_other_spellings() -> None:
    current = {}
    for device in PB.devices:
        body = traffic_groups.desired_body(PB, device)
        body["mac"] = body["mac"].upper().replace(":0", ":")
        body["haOrder"] = [name.removeprefix("/Common/") for name in body["haOrder"]]
        current[device.traffic_group.name] = body
    assert traffic_groups.diff((current, {}), A) == []


def test_six_floating_selfs_each_in_its_devices_traffic_group() -> None:
    changes = floating_selfs.diff([], A)
    assert [(c.body or {})["trafficGroup"] for c in changes] == [
        "/Common/traffic-group-1", "/Common/traffic-group-1",
        "/Common/traffic-group-2", "/Common/traffic-group-2",
        "/Common/traffic-group-3", "/Common/traffic-group-3",
    ]  # fmt: skip
    assert (changes[2].body or {})["name"] == "float_ext_self_bigip-b"


def test_a_change_that_moves_a_live_traffic_group_says_so() -> None:
    current = {}
    for device in PB.devices:
        current[device.traffic_group.name] = traffic_groups.desired_body(PB, device)
    current["traffic-group-2"]["haOrder"] = [
        "/Common/bigip-c.example.net",
        "/Common/bigip-b.example.net",
    ]
    changes = traffic_groups.diff((current, {}), A)
    (moved,) = traffic_groups.with_moves(changes, {"traffic-group-2": ["bigip-c.example.net"]})
    assert moved.summary.endswith(
        "— moves traffic-group-2 from bigip-c.example.net to bigip-b.example.net (auto failback)"
    )
    (stays,) = traffic_groups.with_moves(changes, {"traffic-group-2": ["bigip-b.example.net"]})
    assert "moves" not in stays.summary
