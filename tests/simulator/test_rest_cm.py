"""Devices, trust, device groups, traffic groups, config sync and status over HTTPS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from simclient import Rest, active_groups, details, error, stat, sync_status

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.serve import SimServer

Client = Callable[..., Rest]
A, B, C = "bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"
SYNC = "https://localhost/mgmt/tm/cm/sync-status/0"
SYNC_DETAILS = "https://localhost/mgmt/tm/cm/syncStatus/0/details"


def trust(client: Rest, peer: str, address: str, password: str = "admin") -> Any:
    return client.post(
        "/mgmt/tm/cm/add-to-trust/",
        {
            "command": "run",
            "name": "Root",
            "caDevice": True,
            "device": address,
            "deviceName": peer,
            "username": "admin",
            "password": password,
        },
    )


def test_cm_device_lists_the_self_device(rest: Client) -> None:
    body = rest().ok("GET", "/mgmt/tm/cm/device")
    (record,) = body["items"]
    assert record["selfDevice"] == "true" and record["configsyncIp"] == "none"
    assert "unicastAddress" not in record
    assert record["certReference"]["link"].endswith("/cm/cert/~Common~dtdi.crt?ver=16.1.3")


def test_connectivity_addresses_must_be_self_ips(rest: Client) -> None:
    client = rest()
    path = f"/mgmt/tm/cm/device/~Common~{A}"
    body = error(client.patch(path, {"configsyncIp": "10.1.1.6"}), 400)
    assert "10.1.1.6" in body["message"]
    client.ok("POST", "/mgmt/tm/net/vlan", {"name": "internal", "tag": 20})
    client.ok(
        "POST", "/mgmt/tm/net/self", {"name": "int", "address": "10.1.1.6/24", "vlan": "internal"}
    )
    record = client.ok(
        "PATCH",
        path,
        {
            "configsyncIp": "10.1.1.6",
            "mirrorIp": "10.1.1.6",
            "mirrorSecondaryIp": "any6",
            "unicastAddress": [
                {"ip": "10.1.1.6", "port": 1026},
                {"ip": "management-ip", "port": 1026},
            ],
        },
    )
    assert record["configsyncIp"] == "10.1.1.6"
    assert record["unicastAddress"] == [
        {"effectiveIp": "10.1.1.6", "effectivePort": 1026, "ip": "10.1.1.6", "port": 1026},
        {
            "effectiveIp": "management-ip",
            "effectivePort": 1026,
            "ip": "management-ip",
            "port": 1026,
        },
    ]
    # The management address itself is stored as the keyword (F5Networks/f5-ansible #412).
    by_address = client.ok("PATCH", path, {"unicastAddress": [{"ip": "127.0.1.1", "port": 1026}]})
    assert by_address["unicastAddress"] == [
        {
            "effectiveIp": "management-ip",
            "effectivePort": 1026,
            "ip": "management-ip",
            "port": 1026,
        }
    ]
    cleared = client.ok("PATCH", path, {"unicastAddress": "none"})
    assert "unicastAddress" not in cleared


def test_trust_domain_and_add_to_trust(rest: Client, clock: FakeClock) -> None:
    a, b = rest(A), rest(B)
    root = a.ok("GET", "/mgmt/tm/cm/trust-domain/~Common~Root")
    assert root["caDevices"] == [f"/Common/{A}"]
    assert root["trustGroupReference"]["link"].endswith(
        "/cm/device-group/~Common~device_trust_group?ver=16.1.3"
    )
    echo = trust(a, B, "127.0.1.2")
    assert echo.status_code == 200
    assert echo.json()["kind"] == "tm:cm:add-to-trust:runstate"
    assert "password" not in echo.json()
    assert len(a.ok("GET", "/mgmt/tm/cm/device")["items"]) == 1, "trust takes a moment"
    clock.advance(1)
    devices = b.ok("GET", "/mgmt/tm/cm/device")["items"]
    assert {(d["name"], d["selfDevice"]) for d in devices} == {(A, "false"), (B, "true")}
    assert a.ok("GET", "/mgmt/tm/cm/trust-domain")["items"][0]["caDevices"] == [
        f"/Common/{A}",
        f"/Common/{B}",
    ]
    assert sync_status(a) == "Disconnected"
    peer = error(a.patch(f"/mgmt/tm/cm/device/~Common~{B}", {"configsyncIp": "10.1.1.7"}), 400)
    assert B in peer["message"]


@pytest.mark.parametrize(
    "address, password, text",
    [
        ("127.0.1.1", "admin", "The specified IP address is an address on this device."),
        ("127.0.1.2", "wrong", "authentication failed"),
        ("198.51.100.9", "admin", "connection refused"),
    ],
)
def test_add_to_trust_refusals(rest: Client, address: str, password: str, text: str) -> None:
    body = error(trust(rest(A), B, address, password), 400)
    assert text in body["message"]


def test_remove_from_trust(rest: Client, clock: FakeClock) -> None:
    a = rest(A)
    trust(a, B, "127.0.1.2")
    clock.advance(1)
    echo = a.ok(
        "POST", "/mgmt/tm/cm/remove-from-trust", {"command": "run", "name": B, "deviceName": B}
    )
    assert echo["kind"] == "tm:cm:remove-from-trust:runstate"
    assert a.ok("GET", "/mgmt/tm/cm/trust-domain/Root")["caDevices"] == [f"/Common/{A}"]
    assert a.delete("/mgmt/tm/cm/trust-domain").status_code == 200


def test_device_groups(rest: Client, clock: FakeClock) -> None:
    a = rest(A)
    not_trusted = error(
        a.post(
            "/mgmt/tm/cm/device-group/", {"name": "dg", "type": "sync-failover", "devices": [A, B]}
        ),
        400,
    )
    assert B in not_trusted["message"]
    trust(a, B, "127.0.1.2")
    clock.advance(1)
    body = a.ok(
        "POST",
        "/mgmt/tm/cm/device-group/",
        {
            "name": "dg-ecmp",
            "partition": "Common",
            "type": "sync-failover",
            "devices": [A],
            "autoSync": "disabled",
            "saveOnAutoSync": "false",
            "fullLoadOnSync": False,
            "networkFailover": "enabled",
            "incrementalConfigSyncSizeMax": 1024,
        },
    )
    assert body["fullLoadOnSync"] == "false" and body["type"] == "sync-failover"
    added = a.ok(
        "POST", "/mgmt/tm/cm/device-group/dg-ecmp/devices/", {"name": B, "partition": "Common"}
    )
    assert added["kind"] == "tm:cm:device-group:devices:devicesstate"
    assert added["nameReference"]["link"].endswith(f"/cm/device/~Common~{B}?ver=16.1.3")
    listed = a.ok("GET", "/mgmt/tm/cm/device-group?expandSubcollections=true")
    names = {
        g["name"]: [d["name"] for d in g["devicesReference"].get("items", [])]
        for g in listed["items"]
    }
    assert names["dg-ecmp"] == [A, B] and names["device_trust_group"] == [A, B]
    builtin = error(
        a.patch("/mgmt/tm/cm/device-group/device_trust_group", {"autoSync": "disabled"}), 400
    )
    assert "read-only" in builtin["message"]
    immutable = error(a.patch("/mgmt/tm/cm/device-group/dg-ecmp", {"type": "sync-only"}), 400)
    assert "type" in immutable["message"]
    clock.advance(1)
    assert rest(B).get("/mgmt/tm/cm/device-group/dg-ecmp").status_code == 200


def test_traffic_groups_and_their_stats(rest: Client) -> None:
    a = rest(A)
    created = a.ok(
        "POST",
        "/mgmt/tm/cm/traffic-group/",
        {
            "name": "traffic-group-2",
            "partition": "Common",
            "mac": "02:01:d7:93:35:02",
            "haOrder": [f"/Common/{A}"],
            "autoFailbackEnabled": "true",
        },
    )
    assert created["unitId"] == 2 and created["isFloating"] == "true"
    assert created["haOrderReference"] == [
        {"link": f"https://localhost/mgmt/tm/cm/device/~Common~{A}?ver=16.1.3"}
    ]
    foreign = error(
        a.patch("/mgmt/tm/cm/traffic-group/traffic-group-2", {"haOrder": [f"/Common/{B}"]}), 400
    )
    assert B in foreign["message"]
    error(a.patch("/mgmt/tm/cm/traffic-group/traffic-group-2", {"autoFailbackTime": 301}), 400)
    error(a.patch("/mgmt/tm/cm/traffic-group/traffic-group-2", {"mac": "zz"}), 400)
    cleared = a.ok(
        "PATCH",
        "/mgmt/tm/cm/traffic-group/traffic-group-2",
        {"haOrder": "none", "autoFailbackEnabled": "false"},
    )
    assert "haOrder" not in cleared and "haOrderReference" not in cleared
    assert active_groups(a, A) == ["/Common/traffic-group-1", "/Common/traffic-group-2"]
    one = a.ok("GET", "/mgmt/tm/cm/traffic-group/~Common~traffic-group-2/stats")
    assert one["kind"] == "tm:cm:traffic-group:traffic-groupstats" and "generation" in one
    (key,) = one["entries"]
    assert key == (
        "https://localhost/mgmt/tm/cm/traffic-group/~Common~traffic-group-2/"
        f"~Common~traffic-group-2:~Common~{A}/stats"
    )
    local = a.ok("GET", "/mgmt/tm/cm/traffic-group/stats")["entries"][
        "https://localhost/mgmt/tm/cm/traffic-group/~Common~traffic-group-local-only:-/stats"
    ]
    assert local["nestedStats"]["entries"]["deviceName"] == {"description": "-"}


def test_standalone_sync_and_failover_status(rest: Client) -> None:
    a = rest(A)
    body = a.ok("GET", "/mgmt/tm/cm/sync-status")
    assert stat(body, SYNC, "status") == "Standalone" and stat(body, SYNC, "mode") == "standalone"
    assert details(body, SYNC, SYNC_DETAILS) == [
        "Optional action: Add a device to the trust domain"
    ]
    failover = a.ok("GET", "/mgmt/tm/cm/failover-status")
    entry = "https://localhost/mgmt/tm/cm/failover-status/0"
    assert stat(failover, entry, "status") == "ACTIVE"
    assert details(failover, entry, "https://localhost/mgmt/tm/cm/failoverStatus/0/details") == [
        "active for /Common/traffic-group-1"
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"command": "run", "utilCmdArgs": "config-sync to-group nope"},
        {"command": "run", "utilCmdArgs": "config-sync force-full-load-push to-group nope"},
        {"command": "run", "utilCmdArgs": "config-sync to-group nope force-full-load-push"},
    ],
)
def test_config_sync_to_an_unknown_group(rest: Client, body: dict[str, str]) -> None:
    message = error(rest().post("/mgmt/tm/cm", body), 400)["message"]
    assert (
        message == "01070734:3: Configuration error: Device group (nope) not found in "
        "device group sync"
    )


def test_config_sync_options_form(rest: Client) -> None:
    body = {"command": "run", "options": [{"to-group": "nope"}]}
    assert rest().post("/mgmt/tm/cm/config-sync", body).status_code == 400


def test_failover_command_on_a_standalone(rest: Client, served: SimServer) -> None:
    a = rest(A)
    not_active = error(
        a.post(
            "/mgmt/tm/sys/failover",
            {"command": "run", "standby": True, "traffic-group": "traffic-group-9"},
        ),
        400,
    )
    assert "traffic-group-9" in not_active["message"]
    echo = a.ok("POST", "/mgmt/tm/sys/failover", {"command": "run", "offline": True})
    assert echo["kind"] == "tm:sys:failover:runstate"
    assert (
        stat(
            a.ok("GET", "/mgmt/tm/cm/failover-status"),
            "https://localhost/mgmt/tm/cm/failover-status/0",
            "status",
        )
        == "FORCED OFFLINE"
    )
    a.ok("POST", "/mgmt/tm/sys/failover", {"command": "run", "utilCmdArgs": "online"})
    assert active_groups(a, A) == ["/Common/traffic-group-1"]


@pytest.mark.parametrize("name", ["traffic-group-1", "traffic-group-local-only"])
def test_default_traffic_groups_cannot_be_deleted(rest: Client, name: str) -> None:
    body = error(rest().delete(f"/mgmt/tm/cm/traffic-group/~Common~{name}"), 400)
    assert body["message"] == (
        f"01070734:3: Configuration error: The default traffic group (/Common/{name}) cannot "
        "be deleted."
    )
    assert body["apiError"] == 3
