"""Interfaces, VLANs and self IPs over HTTPS: happy paths and refusals with their bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from simclient import Rest, error

Client = Callable[..., Rest]
VLAN = "/mgmt/tm/net/vlan"
SELF = "/mgmt/tm/net/self"


def vlan_and_static(client: Rest, name: str = "external", prefix: str = "20.1.1") -> None:
    client.ok(
        "POST",
        VLAN,
        {
            "name": name,
            "partition": "Common",
            "tag": 10,
            "interfaces": [{"name": "1.1", "untagged": True}],
        },
    )
    client.ok(
        "POST",
        SELF,
        {
            "name": f"{name}-static",
            "partition": "Common",
            "address": f"{prefix}.6%0/24",
            "vlan": f"/Common/{name}",
            "trafficGroup": "/Common/traffic-group-local-only",
            "allowService": "default",
        },
    )


def test_interfaces_are_listed_without_partition(rest: Client) -> None:
    body = rest().ok("GET", "/mgmt/tm/net/interface")
    first = body["items"][0]
    assert first["name"] == first["fullPath"] == "1.1" and "partition" not in first
    assert first["enabled"] is True and first["mtu"] == 9198
    assert rest().ok("GET", "/mgmt/tm/net/interface/mgmt")["mtu"] == 1500
    assert rest().ok("GET", "/mgmt/tm/net/interface/1.2")["name"] == "1.2"


def test_create_vlan_returns_the_object(rest: Client) -> None:
    body = rest().ok(
        "POST",
        VLAN,
        {
            "name": "external",
            "partition": "Common",
            "tag": 10,
            "mtu": 1500,
            "cmpHash": "src-ip",
            "sourceChecking": True,
            "interfaces": [{"name": "1.1", "tagged": True}],
        },
    )
    assert body["kind"] == "tm:net:vlan:vlanstate"
    assert body["selfLink"] == "https://localhost/mgmt/tm/net/vlan/~Common~external?ver=16.1.3"
    assert body["fullPath"] == "/Common/external" and body["tag"] == 10
    assert body["sourceChecking"] == "enabled" and body["cmpHash"] == "src-ip"
    assert body["interfacesReference"] == {
        "link": "https://localhost/mgmt/tm/net/vlan/~Common~external/interfaces?ver=16.1.3",
        "isSubcollection": True,
    }
    assert "customerTag" not in body


def test_create_vlan_twice_is_409(rest: Client) -> None:
    client = rest()
    client.ok("POST", VLAN, {"name": "external", "tag": 10})
    body = error(client.post(VLAN, {"name": "external", "tag": 10}), 409)
    assert body == {
        "code": 409,
        "message": "01020066:3: The requested VLAN (/Common/external) "
        "already exists in partition Common.",
        "errorStack": [],
        "apiError": 3,
    }


def test_missing_vlan_is_404(rest: Client) -> None:
    body = error(rest().get(f"{VLAN}/~Common~nope"), 404)
    assert body["message"] == "01020036:3: The requested VLAN (/Common/nope) was not found."
    assert body["apiError"] == 3


@pytest.mark.parametrize(
    "field, value", [("tag", 4095), ("tag", 0), ("mtu", 575), ("mtu", 9199), ("customerTag", 5000)]
)
def test_vlan_values_out_of_range(rest: Client, field: str, value: int) -> None:
    body = error(rest().post(VLAN, {"name": "v", field: value}), 400)
    assert field in body["message"]


def test_vlan_tag_is_assigned_when_omitted(rest: Client) -> None:
    client = rest()
    assert client.ok("POST", VLAN, {"name": "a"})["tag"] == 4094
    assert client.ok("POST", VLAN, {"name": "b"})["tag"] == 4093


def test_unknown_property_is_refused(rest: Client) -> None:
    body = error(rest().post(VLAN, {"name": "v", "colour": "blue"}), 400)
    assert "colour" in body["message"]


def test_vlan_interfaces_subcollection(rest: Client) -> None:
    client = rest()
    client.ok(
        "POST",
        VLAN,
        {"name": "internal", "tag": 20, "interfaces": [{"name": "1.2", "untagged": True}]},
    )
    added = client.ok(
        "POST", f"{VLAN}/~Common~internal/interfaces", {"name": "1.3", "tagged": True}
    )
    assert added["kind"] == "tm:net:vlan:interfaces:interfacesstate"
    assert added["tagged"] is True and added["tagMode"] == "none"
    assert added["nameReference"]["link"].endswith("/mgmt/tm/net/interface/1.3?ver=16.1.3")
    listed = client.ok("GET", f"{VLAN}/~Common~internal/interfaces")
    assert listed["kind"] == "tm:net:vlan:interfaces:interfacescollectionstate"
    assert [i["name"] for i in listed["items"]] == ["1.2", "1.3"]
    assert "nameReference" not in listed["items"][0]  # only expanded items link their target
    assert client.delete(f"{VLAN}/~Common~internal/interfaces/1.3").status_code == 200
    missing = error(client.get(f"{VLAN}/~Common~internal/interfaces/1.3"), 404)
    assert missing["message"].startswith("01020036:3: The requested interface (1.3)")
    # Inline PATCH replaces the members.
    patched = client.ok(
        "PATCH", f"{VLAN}/~Common~internal", {"interfaces": [{"name": "1.4", "tagged": True}]}
    )
    expanded = client.ok("GET", f"{VLAN}/~Common~internal?expandSubcollections=true")
    assert [i["name"] for i in expanded["interfacesReference"]["items"]] == ["1.4"]
    assert patched["generation"] == expanded["generation"]


def test_vlan_member_refusals(rest: Client) -> None:
    client = rest()
    body = error(client.post(VLAN, {"name": "v", "interfaces": [{"name": "9.9"}]}), 400)
    assert body["message"] == "01020036:3: The requested interface (9.9) was not found."
    client.ok("POST", VLAN, {"name": "one", "interfaces": [{"name": "1.1", "untagged": True}]})
    error(
        client.post(VLAN, {"name": "two", "interfaces": [{"name": "1.1", "untagged": True}]}), 400
    )
    error(
        client.post(
            VLAN,
            {"name": "qinq", "interfaces": [{"name": "1.2", "tagged": True, "tagMode": "service"}]},
        ),
        400,
    )
    client.ok(
        "POST",
        VLAN,
        {
            "name": "qinq",
            "customerTag": 100,
            "interfaces": [{"name": "1.2", "tagged": True, "tagMode": "service"}],
        },
    )


def test_create_static_self_ip(rest: Client) -> None:
    client = rest()
    vlan_and_static(client)
    body = client.ok("GET", f"{SELF}/~Common~external-static")
    assert body["address"] == "20.1.1.6/24", "%0 is dropped on read"
    assert body["floating"] == "disabled" and body["unit"] == 0
    assert body["trafficGroup"] == "/Common/traffic-group-local-only"
    assert body["vlanReference"]["link"].endswith("/net/vlan/~Common~external?ver=16.1.3")
    assert body["allowService"] == ["default"]
    assert body["inheritedTrafficGroup"] == "false"


@pytest.mark.parametrize(
    "given, stored",
    [
        ("all", "all"),
        ("default", ["default"]),
        (["tcp:443", "udp:53"], ["tcp:443", "udp:53"]),
        ("none", None),
        ([], None),
    ],
)
def test_self_ip_port_lockdown_forms(rest: Client, given: Any, stored: Any) -> None:
    client = rest()
    client.ok("POST", VLAN, {"name": "v"})
    body = client.ok(
        "POST", SELF, {"name": "s", "address": "10.9.9.9/24", "vlan": "v", "allowService": given}
    )
    assert body.get("allowService") == stored


def test_floating_self_ip_takes_floating_and_unit_from_its_traffic_group(rest: Client) -> None:
    client = rest()
    vlan_and_static(client)
    body = client.ok(
        "POST",
        SELF,
        {
            "name": "float",
            "address": "20.1.1.2/24",
            "vlan": "external",
            "trafficGroup": "traffic-group-1",
        },
    )
    assert body["floating"] == "enabled" and body["unit"] == 1


def test_self_ip_refusals(rest: Client) -> None:
    client = rest()
    vlan_and_static(client)
    missing_vlan = error(
        client.post(SELF, {"name": "x", "address": "1.1.1.1/24", "vlan": "nope"}), 400
    )
    assert missing_vlan["message"] == "01020036:3: The requested VLAN (/Common/nope) was not found."
    missing_tg = error(
        client.post(
            SELF,
            {"name": "x", "address": "20.1.1.9/24", "vlan": "external", "trafficGroup": "tg-9"},
        ),
        400,
    )
    assert (
        missing_tg["message"] == "01070734:3: Configuration error: Traffic group "
        "(/Common/tg-9) does not exist."
    )
    taken = error(
        client.post(SELF, {"name": "x", "address": "20.1.1.6/24", "vlan": "external"}), 400
    )
    assert "20.1.1.6" in taken["message"]
    outside = error(
        client.post(
            SELF,
            {
                "name": "x",
                "address": "30.1.1.2/24",
                "vlan": "external",
                "trafficGroup": "traffic-group-1",
            },
        ),
        400,
    )
    assert "not in the subnet" in outside["message"]
    immutable = error(
        client.patch(f"{SELF}/~Common~external-static", {"address": "20.1.1.7/24"}), 400
    )
    assert "address" in immutable["message"]
    bad = error(
        client.post(SELF, {"name": "x", "address": "20.1.1.300/24", "vlan": "external"}), 400
    )
    assert bad["message"] == '"20.1.1.300/24" invalid address'


def test_delete_vlan_used_by_a_self_ip(rest: Client) -> None:
    client = rest()
    vlan_and_static(client)
    body = error(client.delete(f"{VLAN}/~Common~external"), 400)
    assert (
        body["message"] == "01070265:3: The VLAN (/Common/external) cannot be deleted "
        "because it is in use by a self IP (/Common/external-static)."
    )
    assert client.delete(f"{SELF}/~Common~external-static").status_code == 200
    assert client.delete(f"{VLAN}/~Common~external").status_code == 200


def test_delete_self_ip_used_for_config_sync(rest: Client) -> None:
    client = rest()
    vlan_and_static(client, "internal", "10.1.1")
    client.ok(
        "PATCH", "/mgmt/tm/cm/device/~Common~bigip-a.example.net", {"configsyncIp": "10.1.1.6"}
    )
    body = error(client.delete(f"{SELF}/~Common~internal-static"), 400)
    assert (
        body["message"] == "01071412:3: Cannot delete IP (10.1.1.6) because it is used by "
        "the system config-sync setting"
    )


def test_put_replaces_and_patch_merges(rest: Client) -> None:
    client = rest()
    client.ok("POST", VLAN, {"name": "v", "tag": 7, "mtu": 9000, "description": "x"})
    merged = client.ok("PATCH", f"{VLAN}/v", {"description": "y"})
    assert merged["mtu"] == 9000 and merged["description"] == "y"
    replaced = client.ok("PUT", f"{VLAN}/~Common~v", {"tag": 7})
    assert replaced["mtu"] == 1500 and "description" not in replaced
    empty = error(client.patch(f"{VLAN}/v", {}), 400)
    assert empty == {
        "code": 400,
        "message": "one or more properties must be specified",
        "errorStack": [],
        "apiError": 26214401,
    }


def test_self_allow_defaults(rest: Client) -> None:
    body = rest().ok("GET", "/mgmt/tm/net/self-allow")
    assert "tcp:4353" in body["defaults"] and "udp:1026" in body["defaults"]


def test_html_in_a_body_is_refused(rest: Client) -> None:
    body = error(rest().post(VLAN, {"name": "<script>x</script>"}), 400)
    assert body["message"] == "HTML Tag-like Content in the Request URL/Body"


def test_expanded_empty_subcollection_has_no_items(rest: Client) -> None:
    client = rest()
    client.ok("POST", "/mgmt/tm/net/vlan", {"name": "bare", "tag": 99})
    vlan = client.ok("GET", "/mgmt/tm/net/vlan/~Common~bare?expandSubcollections=true")
    assert vlan["interfacesReference"] == {
        "link": "https://localhost/mgmt/tm/net/vlan/~Common~bare/interfaces?ver=16.1.3",
        "isSubcollection": True,
    }


def test_the_management_interface_has_no_media_max(rest: Client) -> None:
    client = rest()
    assert "mediaMax" not in client.ok("GET", "/mgmt/tm/net/interface/mgmt")
    assert client.ok("GET", "/mgmt/tm/net/interface/1.1")["mediaMax"] == "auto"
