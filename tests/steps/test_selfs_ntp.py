"""Steps 2 and 3: static self IPs and NTP/DNS, diffed against device-shaped state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from f5ecmp.playbook import load_playbook
from f5ecmp.steps import ntp, static_selfs
from f5ecmp.steps.base import Target
from tests.conftest import SEED

PB = load_playbook(SEED)
A = Target(PB, PB.devices[0])


def device_self(name: str, address: str, vlan: str, **extra: Any) -> dict[str, Any]:
    """A self IP as BIG-IP 16 returns it (keys and types of fixture load_self_ips.json)."""
    item = {
        "kind": "tm:net:self:selfstate", "name": name, "partition": "Common",
        "fullPath": f"/Common/{name}", "generation": 1, "address": address,
        "addressSource": "from-user", "floating": "disabled", "inheritedTrafficGroup": "false",
        "trafficGroup": "/Common/traffic-group-local-only", "unit": 0, "vlan": f"/Common/{vlan}",
    }  # fmt: skip
    item.update(extra)
    return item


def converged() -> list[dict[str, Any]]:
    return [
        device_self("ext_static_self_bigip-a", "20.1.1.6/24", "external"),
        device_self("int_static_self_bigip-a", "10.1.1.6/24", "internal", allowService=["default"]),
        device_self("ha_static_self_bigip-a", "10.2.1.6/24", "HA", allowService=["default"]),
    ]


def test_fresh_device_gets_three_local_only_selfs() -> None:
    changes = static_selfs.diff(static_selfs.parse({"kind": "tm:net:self:selfcollectionstate"}), A)
    assert [c.body for c in changes] == [
        {"name": "ext_static_self_bigip-a", "partition": "Common", "address": "20.1.1.6/24",
         "vlan": "/Common/external", "trafficGroup": "/Common/traffic-group-local-only"},
        {"name": "int_static_self_bigip-a", "partition": "Common", "address": "10.1.1.6/24",
         "vlan": "/Common/internal", "trafficGroup": "/Common/traffic-group-local-only",
         "allowService": ["default"]},
        {"name": "ha_static_self_bigip-a", "partition": "Common", "address": "10.2.1.6/24",
         "vlan": "/Common/HA", "trafficGroup": "/Common/traffic-group-local-only",
         "allowService": ["default"]},
    ]  # fmt: skip


def test_converged_in_other_spellings_needs_nothing() -> None:
    current = converged()
    current[0]["address"] = "20.1.1.6%0/24"
    current[1]["vlan"] = "internal"
    assert static_selfs.diff({"items": current}["items"], A) == []


def test_a_self_ip_made_by_hand_is_recognised_by_address() -> None:
    current = converged()
    current[0] = device_self("my-ext", "20.1.1.6/24", "external", allowService="all")
    (change,) = static_selfs.diff(current, A)
    assert (change.method, change.path, change.body) == (
        "PATCH", "/mgmt/tm/net/self/~Common~my-ext", {"allowService": "none"},
    )  # fmt: skip
    assert "found by address" in change.summary


def test_a_changed_address_is_replaced_in_one_transaction() -> None:
    current = converged()
    current[2]["address"] = "10.2.1.66/24"
    (change,) = static_selfs.diff(current, A)
    assert (change.method, change.path) == ("TRANSACTION", "/mgmt/tm/transaction")
    delete, create = (change.body or {})["commands"]
    assert (delete["method"], delete["path"]) == (
        "DELETE",
        "/mgmt/tm/net/self/~Common~ha_static_self_bigip-a",
    )
    assert (create["method"], create["body"]["address"]) == ("POST", "10.2.1.6/24")


def test_ntp_servers_compare_as_a_set_and_dns_is_left_alone_without_servers() -> None:
    ntp_state = {"servers": ["198.51.100.123", "192.0.2.123"], "timezone": "UTC"}
    assert ntp.diff((ntp_state, {"nameServers": ["8.8.8.8"]}), A) == []
    (change,) = ntp.diff(({"timezone": "America/Los_Angeles"}, {}), A)
    assert change.body == {"servers": ["192.0.2.123", "198.51.100.123"], "timezone": "UTC"}


def test_dns_servers_when_the_playbook_names_them(
    seed_text: str, write_playbook: Callable[[str], Path]
) -> None:
    pb = load_playbook(
        write_playbook(seed_text.replace("dns: {servers: []}", "dns: {servers: [192.0.2.53]}"))
    )
    target = Target(pb, pb.devices[1])
    ntp_state = {"servers": ["192.0.2.123", "198.51.100.123"], "timezone": "UTC"}
    (change,) = ntp.diff((ntp_state, {"nameServers": ["8.8.8.8"], "search": ["localhost"]}), target)
    assert (change.path, change.body) == ("/mgmt/tm/sys/dns", {"nameServers": ["192.0.2.53"]})
