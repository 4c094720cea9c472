"""The guide's whole procedure, driven by plain iControl REST calls on the seed example
(bigip-a/b/c.example.net at 127.0.1.1-3, port 8443), then a failover of bigip-b.

Each device listens on its own management address; the port is a free one rather than 8443
so that the test can run while `f5ecmp sim serve` holds the seed ports.

Delays are the realistic ones (about a second) on a fake clock: the test polls as a client
would and moves the clock one second between polls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests
from simclient import Rest, active_groups, sync_status
from simsteps import SEED, TRAFFIC_GROUPS, VLANS

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster
from f5ecmp.simulator.serve import SimServer, serve

NAMES = [d.name for d in SEED]


@pytest.fixture
def seed(clock: FakeClock) -> Iterator[SimServer]:
    with serve(Cluster.from_devices(SEED, clock=clock), ephemeral_ports=True) as server:
        yield server


@pytest.fixture
def clients(seed: SimServer) -> Iterator[list[Rest]]:
    hosts = [url.rsplit(":", 1)[0] for url in seed.devices.values()]
    assert hosts == ["https://127.0.1.1", "https://127.0.1.2", "https://127.0.1.3"]
    assert [seed.cluster.device(n).port for n in NAMES] == [8443, 8443, 8443]
    made = [Rest(seed.devices[name], str(seed.ca_bundle)) for name in NAMES]
    yield made
    for client in made:
        client.close()


def poll(clock: FakeClock, done: Callable[[], bool], seconds: int = 120) -> None:
    for _ in range(seconds):
        if done():
            return
        clock.advance(1)
    raise AssertionError("the cluster did not converge")


def step_vlans_selfs_ntp(clients: list[Rest]) -> None:
    for i, client in enumerate(clients):
        for vlan, tag, prefix, interface in VLANS:
            client.ok(
                "POST",
                "/mgmt/tm/net/vlan",
                {
                    "name": vlan,
                    "partition": "Common",
                    "tag": tag,
                    "mtu": 1500,
                    "interfaces": [{"name": interface, "untagged": True}],
                    "sourceChecking": "enabled",
                    "failsafe": "disabled",
                    "autoLasthop": "default",
                    "cmpHash": "src-ip",
                    "dagRoundRobin": "disabled",
                },
            )
            client.ok(
                "POST",
                "/mgmt/tm/net/self",
                {
                    "name": f"{vlan}-static-self",
                    "partition": "Common",
                    "address": f"{prefix}.{6 + i}%0/24",
                    "vlan": f"/Common/{vlan}",
                    "trafficGroup": "/Common/traffic-group-local-only",
                    "allowService": "default",
                },
            )
        client.ok("PATCH", "/mgmt/tm/sys/ntp", {"servers": ["192.0.2.123"], "timezone": "UTC"})


def step_trust(clients: list[Rest], clock: FakeClock) -> None:
    first = clients[0]
    for name, peer in zip(NAMES[1:], SEED[1:], strict=True):
        first.ok(
            "POST",
            "/mgmt/tm/cm/add-to-trust",
            {
                "command": "run",
                "name": "Root",
                "caDevice": True,
                "device": str(peer.mgmt),
                "deviceName": name,
                "username": "admin",
                "password": "admin",
            },
        )
    poll(
        clock,
        lambda: len(first.ok("GET", "/mgmt/tm/cm/trust-domain/~Common~Root")["caDevices"]) == 3,
    )


def step_connectivity(clients: list[Rest]) -> None:
    for i, client in enumerate(clients):
        records = client.ok("GET", "/mgmt/tm/cm/device")["items"]
        me = next(r["name"] for r in records if r["selfDevice"] == "true")
        client.ok(
            "PATCH",
            f"/mgmt/tm/cm/device/~Common~{me}",
            {
                "configsyncIp": f"10.1.1.{6 + i}",
                "unicastAddress": [
                    {"ip": f"30.2.2.{6 + i}", "port": 1026},
                    {"ip": "management-ip", "port": 1026},
                ],
                "mirrorIp": f"10.1.1.{6 + i}",
                "mirrorSecondaryIp": f"30.2.2.{6 + i}",
            },
        )


def sync_to_group(clients: list[Rest], clock: FakeClock) -> None:
    clients[0].ok(
        "POST", "/mgmt/tm/cm", {"command": "run", "utilCmdArgs": "config-sync to-group dg-ecmp "}
    )
    poll(clock, lambda: all(sync_status(c) == "In Sync" for c in clients))


def step_device_group(clients: list[Rest], clock: FakeClock) -> None:
    first = clients[0]
    first.ok(
        "POST",
        "/mgmt/tm/cm/device-group",
        {
            "name": "dg-ecmp",
            "partition": "Common",
            "type": "sync-failover",
            "devices": NAMES,
            "networkFailover": "enabled",
            "autoSync": "disabled",
            "saveOnAutoSync": "false",
            "fullLoadOnSync": "false",
            "incrementalConfigSyncSizeMax": 1024,
        },
    )
    poll(clock, lambda: all(sync_status(c) == "Awaiting Initial Sync" for c in clients))
    sync_to_group(clients, clock)


def step_application(first: Rest) -> None:
    first.ok(
        "POST",
        "/mgmt/tm/ltm/pool",
        {
            "name": "web-pool",
            "partition": "Common",
            "monitor": "/Common/http",
            "loadBalancingMode": "round-robin",
            "members": [
                {"name": "10.1.1.100:80", "address": "10.1.1.100"},
                {"name": "10.1.1.101:80", "address": "10.1.1.101"},
            ],
        },
    )
    first.ok(
        "POST",
        "/mgmt/tm/ltm/virtual",
        {
            "name": "app1",
            "partition": "Common",
            "destination": "/Common/30.1.1.10:80",
            "mask": "255.255.255.255",
            "ipProtocol": "tcp",
            "pool": "/Common/web-pool",
            "sourceAddressTranslation": {"type": "automap"},
            "mirror": "enabled",
        },
    )
    first.ok(
        "PATCH",
        "/mgmt/tm/ltm/virtual-address/~Common~30.1.1.10",
        {"trafficGroup": "/Common/traffic-group-1", "arp": "disabled", "spanning": "enabled"},
    )


def step_traffic_groups_and_floating_selfs(first: Rest) -> None:
    for i, tg in enumerate(TRAFFIC_GROUPS):
        order = [f"/Common/{n}" for n in NAMES[i:] + NAMES[:i]]
        body = {"mac": f"02:01:d7:93:35:0{i + 1}", "haOrder": order, "autoFailbackEnabled": "true"}
        if tg == "traffic-group-1":
            first.ok("PATCH", f"/mgmt/tm/cm/traffic-group/~Common~{tg}", body)
        else:
            first.ok(
                "POST", "/mgmt/tm/cm/traffic-group", {"name": tg, "partition": "Common", **body}
            )
        for vlan, prefix in (("external", "20.1.1"), ("internal", "10.1.1")):
            first.ok(
                "POST",
                "/mgmt/tm/net/self",
                {
                    "name": f"{vlan}-float-{i + 1}",
                    "partition": "Common",
                    "address": f"{prefix}.{2 + i}/24",
                    "vlan": f"/Common/{vlan}",
                    "trafficGroup": f"/Common/{tg}",
                    "allowService": "default",
                },
            )


def run_guide(clients: list[Rest], clock: FakeClock) -> None:
    step_vlans_selfs_ntp(clients)
    step_trust(clients, clock)
    assert {sync_status(c) for c in clients} == {"Disconnected"}, "no config-sync address yet"
    step_connectivity(clients)
    poll(clock, lambda: all(sync_status(c) == "In Sync" for c in clients))
    step_device_group(clients, clock)
    step_application(clients[0])
    step_traffic_groups_and_floating_selfs(clients[0])
    assert sync_status(clients[1]) == "Changes Pending"
    sync_to_group(clients, clock)
    for client in clients:
        client.ok("POST", "/mgmt/tm/sys/config", {"command": "save"})
    poll(
        clock,
        lambda: (
            [active_groups(clients[0], n) for n in NAMES]
            == [[f"/Common/{tg}"] for tg in TRAFFIC_GROUPS]
        ),
    )


def test_guide_procedure_on_the_seed_devices(clients: list[Rest], clock: FakeClock) -> None:
    run_guide(clients, clock)
    for i, client in enumerate(clients):
        assert sync_status(client) == "In Sync"
        assert active_groups(client, NAMES[i]) == [f"/Common/{TRAFFIC_GROUPS[i]}"]
        address = client.ok("GET", "/mgmt/tm/ltm/virtual-address/~Common~30.1.1.10")
        assert (address["spanning"], address["arp"]) == ("enabled", "disabled")
        selfs = {s["name"]: s for s in client.ok("GET", "/mgmt/tm/net/self")["items"]}
        floating = sorted(n for n, s in selfs.items() if s["floating"] == "enabled")
        assert floating == sorted(
            f"{v}-float-{k}" for v in ("external", "internal") for k in (1, 2, 3)
        )
        statics = {s["address"] for s in selfs.values() if s["floating"] == "disabled"}
        assert statics == {f"{p}.{6 + i}/24" for _, _, p, _ in VLANS}, (
            "static self IPs stay where they were created"
        )
        vlans = client.ok("GET", "/mgmt/tm/net/vlan")["items"]
        assert sorted(v["name"] for v in vlans) == sorted(v[0] for v in VLANS)
        assert client.ok("GET", "/mgmt/tm/ltm/virtual/app1")["pool"] == "/Common/web-pool"


def test_failover_of_bigip_b(clients: list[Rest], clock: FakeClock, seed: SimServer) -> None:
    run_guide(clients, clock)
    a, b, c = clients
    down = requests.post(
        seed.devices[NAMES[0]] + "/_sim/faults",
        json={"device": NAMES[1], "down": True},
        timeout=10,
        verify=str(seed.ca_bundle),
    )
    assert down.status_code == 200
    with pytest.raises(requests.Timeout):  # a device that is down answers nothing
        b.get("/mgmt/tm/sys/version", timeout=(0.3, 0.3))
    poll(
        clock,
        lambda: (
            active_groups(c, NAMES[2]) == ["/Common/traffic-group-2", "/Common/traffic-group-3"]
        ),
    )
    assert sync_status(a) == "Disconnected"
    seed.set_down(NAMES[1], False)
    b = Rest(seed.devices[NAMES[1]], str(seed.ca_bundle))
    assert active_groups(b, NAMES[1]) == []
    poll(clock, lambda: active_groups(a, NAMES[1]) == ["/Common/traffic-group-2"])
    assert active_groups(a, NAMES[2]) == ["/Common/traffic-group-3"]
    assert sync_status(a) == "In Sync"
    b.close()
