"""Step 1 (vlans): the diff against VLANs shaped as a real device returns them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from f5ecmp.playbook import load_playbook
from f5ecmp.steps import vlans
from f5ecmp.steps.base import Target
from tests.conftest import SEED

PB = load_playbook(SEED)
TARGET = Target(PB, PB.devices[0])


def device_vlan(name: str, tag: int, interface: str, **overrides: Any) -> dict[str, Any]:
    """A VLAN as BIG-IP 16 returns it with expandSubcollections=true (load_vlans.json)."""
    vlan = copy.deepcopy(CAPTURED_SHAPE)
    vlan.update(name=name, fullPath=f"/Common/{name}", tag=tag)
    vlan["interfacesReference"]["items"] = [
        {
            "kind": "tm:net:vlan:interfaces:interfacesstate",
            "name": interface,
            "fullPath": interface,
            "tagMode": "none",
            "untagged": True,
        }
    ]
    vlan.update(overrides)
    return vlan


# The keys and value types of a VLAN captured from BIG-IP 16.0 (fixture load_vlans.json).
CAPTURED_SHAPE: dict[str, Any] = {
    "kind": "tm:net:vlan:vlanstate", "partition": "Common", "autoLasthop": "default",
    "cmpHash": "default", "dagRoundRobin": "disabled", "failsafe": "disabled",
    "failsafeAction": "failover-restart-tm", "failsafeTimeout": 90, "mtu": 1500,
    "sourceChecking": "disabled", "interfacesReference": {"isSubcollection": True, "items": []},
}  # fmt: skip


def converged() -> dict[str, Any]:
    return {"items": [
        device_vlan("external", 10, "1.1"), device_vlan("internal", 20, "1.2"), device_vlan("HA", 30, "1.3"),
    ]}  # fmt: skip


def test_fresh_device_gets_three_creates() -> None:
    changes = vlans.diff(vlans.parse({"kind": "tm:net:vlan:vlancollectionstate"}), TARGET)
    assert [(c.action, c.method, c.path) for c in changes] == [
        ("create", "POST", "/mgmt/tm/net/vlan")
    ] * 3
    external = changes[0].body
    assert external == {
        "name": "external", "partition": "Common", "tag": 10, "mtu": 1500,
        "interfaces": [{"name": "1.1", "untagged": True}],
        "sourceChecking": "disabled", "failsafe": "disabled", "failsafeAction": "failover-restart-tm",
        "failsafeTimeout": 90, "autoLasthop": "default", "cmpHash": "default", "dagRoundRobin": "disabled",
    }  # fmt: skip
    assert changes[0].summary == "create VLAN external (external; tag 10; 1.1 untagged; MTU 1500)"


def test_converged_device_needs_nothing() -> None:
    assert vlans.diff(vlans.parse(converged()), TARGET) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("tag", "10"), ("sourceChecking", False), ("dagRoundRobin", "false"), ("mtu", "1500")],
)
def test_same_meaning_in_another_form_is_not_a_change(field: str, value: Any) -> None:
    current = converged()
    current["items"][0][field] = value
    assert vlans.diff(vlans.parse(current), TARGET) == []


def test_drifted_mtu_is_one_patch_of_that_field() -> None:
    current = converged()
    current["items"][1]["mtu"] = 9000
    (change,) = vlans.diff(vlans.parse(current), TARGET)
    assert (change.method, change.path, change.body) == (
        "PATCH", "/mgmt/tm/net/vlan/~Common~internal", {"mtu": 1500},
    )  # fmt: skip
    assert change.summary == "modify VLAN internal: mtu: 9000 → 1500"


def test_tagging_swapped_between_interfaces_is_seen(
    seed_text: str, write_playbook: Callable[[str], Path]
) -> None:
    # The playbook: 1.2 untagged and 1.4 tagged; the device: 1.2 tagged and 1.4 untagged. The
    # same names and the same two flags, so a flattened comparison would see no difference.
    text = seed_text.replace(
        'interfaces: [{name: "1.2", tagged: false}]',
        'interfaces: [{name: "1.2", tagged: false}, {name: "1.4", tagged: true}]',
    )
    pb = load_playbook(write_playbook(text))
    current = converged()
    current["items"][1]["interfacesReference"]["items"] = [
        {"name": "1.2", "tagged": True, "tagMode": "none"},
        {"name": "1.4", "untagged": True, "tagMode": "none"},
    ]
    (change,) = vlans.diff(vlans.parse(current), Target(pb, pb.devices[0]))
    assert change.body == {
        "interfaces": [{"name": "1.2", "untagged": True}, {"name": "1.4", "tagged": True}]
    }
    assert "interfaces: [1.2 tagged, 1.4 untagged] → [1.2 untagged, 1.4 tagged]" in change.summary
