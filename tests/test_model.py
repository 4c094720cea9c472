"""The playbook model: the guide's defaults and the values an operator may write."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path

import pytest

from f5ecmp.errors import PlaybookError
from f5ecmp.playbook import load_playbook
from f5ecmp.playbook.types import parse_mac, parse_port, parse_self_address
from tests.conftest import SEED


def test_seed_example_matches_the_guide() -> None:
    pb = load_playbook(SEED)
    assert [d.name for d in pb.devices] == [
        "bigip-a.example.net",
        "bigip-b.example.net",
        "bigip-c.example.net",
    ]
    assert [str(d.mgmt) for d in pb.devices] == ["127.0.1.1", "127.0.1.2", "127.0.1.3"]
    assert {d.port for d in pb.devices} == {8443}
    # the guide's floating self IP table
    floats = [(str(d.floating_selfs.external.address), d.traffic_group.name) for d in pb.devices]
    assert floats == [
        ("20.1.1.2/24", "traffic-group-1"),
        ("20.1.1.3/24", "traffic-group-2"),
        ("20.1.1.4/24", "traffic-group-3"),
    ]
    assert [v.tag for v in pb.vlans.by_role().values()] == [10, 20, 30]
    assert pb.virtual_server.destination == ipaddress.ip_interface("30.1.1.10/32")
    assert pb.default_pool == "app_pool"
    assert (pb.virtual_address.arp, pb.virtual_address.spanning) == (False, True)


def test_ha_order_defaults_to_the_device_list_rotated_to_the_owner() -> None:
    pb = load_playbook(SEED)
    b = pb.devices[1]
    assert pb.ha_order(b) == ("bigip-b.example.net", "bigip-c.example.net", "bigip-a.example.net")
    assert all(d.traffic_group.auto_failback for d in pb.devices)


def test_connectivity_defaults_follow_the_guide() -> None:
    device = load_playbook(SEED).devices[0]
    assert str(device.config_sync_ip) == "10.1.1.6"  # internal static self
    assert [str(a) for a in device.failover_unicast] == ["10.2.1.6", "127.0.1.1"]  # HA + mgmt
    assert str(device.mirror_primary_ip) == "10.1.1.6"
    assert str(device.mirror_secondary_ip) == "10.2.1.6"


def test_self_ip_names_follow_the_guide_examples() -> None:
    device = load_playbook(SEED).devices[0]
    assert device.static_self_name("external") == "ext_static_self_bigip-a"
    assert device.static_self_name("internal") == "int_static_self_bigip-a"
    assert device.static_self_name("ha") == "ha_static_self_bigip-a"
    assert device.floating_self_name("external") == "float_ext_self_bigip-a"


def test_port_lockdown_lets_cluster_traffic_reach_internal_and_ha() -> None:
    device = load_playbook(SEED).devices[0]
    assert device.static_self_lockdown("external") == "none"
    assert device.static_self_lockdown("internal") == "default"
    assert device.static_self_lockdown("ha") == "default"
    assert device.floating_self_lockdown("internal") == "none"


def test_vlan_defaults_are_big_ips() -> None:
    vlan = load_playbook(SEED).vlans.internal
    assert vlan.mtu == 1500
    assert (vlan.fail_safe, vlan.fail_safe_action, vlan.fail_safe_timeout) == (
        False,
        "failover-restart-tm",
        90,
    )
    assert (vlan.auto_last_hop, vlan.cmp_hash, vlan.dag_round_robin, vlan.source_check) == (
        "default",
        "default",
        False,
        False,
    )


def test_the_model_is_immutable() -> None:
    pb = load_playbook(SEED)
    with pytest.raises(ValueError):
        pb.devices[0].port = 1  # type: ignore[misc]


def test_big_ip_words_and_shorthands_are_accepted(
    seed_text: str, write_playbook: Callable[[str], Path]
) -> None:
    text = seed_text.replace("arp: false", "arp: disabled").replace(
        'interfaces: [{name: "1.2", tagged: false}]', "interfaces: [1.2]"
    )
    text = text.replace("port: 80, snat", "port: http, snat")
    pb = load_playbook(write_playbook(text))
    assert pb.virtual_address.arp is False
    assert pb.vlans.internal.interfaces[0].name == "1.2"
    assert pb.vlans.internal.interfaces[0].tagged is False
    assert pb.virtual_server.port == 80


def test_all_problems_are_reported_at_once(
    seed_text: str, write_playbook: Callable[[str], Path]
) -> None:
    text = seed_text.replace("02:01:d7:93:35:02", "03:01:d7:93:35:02").replace(
        "20.1.1.4/24, internal", "20.1.9.4/24, internal"
    )
    with pytest.raises(PlaybookError) as caught:
        load_playbook(write_playbook(text))
    paths = [i.path for i in caught.value.issues]
    assert paths == [
        "devices[1].traffic_group.mac_masquerade",
        "devices[2].floating_selfs.external",
    ]


@pytest.mark.parametrize(
    ("text", "normalised"),
    [("02:01:D7:93:35:01", "02:01:d7:93:35:01"), ("2-1-d7-93-35-1", "02:01:d7:93:35:01")],
)
def test_mac_case_and_padding_are_normalised(text: str, normalised: str) -> None:
    assert parse_mac(text) == normalised


@pytest.mark.parametrize(("text", "port"), [("80", 80), ("https", 443), ("any", 0), (8080, 8080)])
def test_ports_by_number_or_service(text: str | int, port: int) -> None:
    assert parse_port(text) == port


@pytest.mark.parametrize("text", ["nosuchservice", "-1", "8o"])
def test_bad_ports(text: str) -> None:
    with pytest.raises(ValueError):
        parse_port(text)


def test_self_address_netmask_forms() -> None:
    assert parse_self_address("10.1.1.6/255.255.255.0") == ipaddress.ip_interface("10.1.1.6/24")
    with pytest.raises(ValueError, match="network address"):
        parse_self_address("10.1.1.0/24")
    with pytest.raises(ValueError, match="prefix length"):
        parse_self_address("10.1.1.6")


def test_a_malformed_value_does_not_hide_problems_elsewhere(
    seed_text: str, write_playbook: Callable[[str], Path]
) -> None:
    text = seed_text.replace("lb_method: round-robin", "lb_methd: round-robin")  # structural
    text = text.replace("02:01:d7:93:35:03", "03:01:d7:93:35:03")  # across fields (devices)
    with pytest.raises(PlaybookError) as caught:
        load_playbook(write_playbook(text))
    paths = [i.path for i in caught.value.issues]
    assert paths == ["devices[2].traffic_group.mac_masquerade", "pool.lb_methd"]
    assert caught.value.structural  # the checks that read the pool could not run yet
