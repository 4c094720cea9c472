"""Serving: loopback only, where each device listens, the endpoints file, credentials from the
environment, `run_serve` until told to stop, concurrent keep-alive clients."""

from __future__ import annotations

import ipaddress
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import yaml
from simclient import Rest
from simsteps import SEED

from f5ecmp.simulator import (
    Cluster,
    Endpoints,
    LoopbackOnly,
    SimDevice,
    default_credentials,
    run_serve,
    serve,
    write_endpoints_file,
)
from f5ecmp.simulator.rest.urls import ROUTER
from f5ecmp.simulator.serve import SimServer, bind_plan
from f5ecmp.simulator.server import check_loopback

# Like the seed devices, on other loopback addresses so that a running `sim serve` of the seed
# example does not collide with the test.
PLAYBOOK = [
    SimDevice(d.name, ipaddress.ip_address(f"127.0.5.{i}"), 8443)
    for i, d in enumerate(SEED, start=1)
]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.9.8.7", "::1"])
def test_loopback_addresses_are_allowed(host: str) -> None:
    check_loopback(host)


@pytest.mark.parametrize("host", ["192.0.2.10", "10.1.1.6", "::", "localhost", "2001:db8::1"])
def test_any_other_bind_address_is_refused(host: str) -> None:
    with pytest.raises(LoopbackOnly):
        check_loopback(host)


def test_devices_outside_loopback_are_served_on_127_0_0_1() -> None:
    cluster = Cluster.from_devices(
        [
            SimDevice("lab-1", ipaddress.ip_address("10.0.0.11"), 443),
            SimDevice("lab-2", ipaddress.ip_address("127.0.4.2"), 9443),
            SimDevice("lab-3", ipaddress.ip_address("2001:db8::3"), 443),
        ]
    )
    assert bind_plan(cluster, 20443, ephemeral=False) == {
        "lab-1": ("127.0.0.1", 20443),
        "lab-2": ("127.0.4.2", 9443),
        "lab-3": ("127.0.0.1", 20444),
    }
    with serve(cluster, ephemeral_ports=True) as server:
        client = Rest(server.devices["lab-1"], str(server.ca_bundle))
        record = client.ok("GET", "/mgmt/tm/cm/device/~Common~lab-1")
        assert record["managementIp"] == "10.0.0.11", "the device keeps its own address"
        assert server.devices["lab-1"].startswith("https://127.0.0.1:")
        client.close()


def test_endpoints_file(tmp_path: Path) -> None:
    endpoints = Endpoints(tmp_path / "ca.pem", {"bigip-a.example.net": "https://127.0.1.1:8443"})
    written = write_endpoints_file(endpoints, tmp_path / "eps.yaml")
    assert yaml.safe_load(written.read_text()) == {
        "ca_bundle": str(tmp_path / "ca.pem"),
        "devices": {"bigip-a.example.net": "https://127.0.1.1:8443"},
    }


def test_credentials_come_from_the_environment() -> None:
    assert default_credentials({}) == ("admin", "admin")
    assert default_credentials({"F5_USER": "ops", "F5_PASSWORD": "s3cret"}) == ("ops", "s3cret")


def test_run_serve_serves_the_seed_until_stopped(tmp_path: Path) -> None:
    """What `f5ecmp sim serve playbooks/seed-example.yaml --endpoints-out eps.yaml` does."""
    stop = threading.Event()
    seen: dict[str, object] = {}

    def on_ready(endpoints: Endpoints) -> None:
        try:
            written = yaml.safe_load((tmp_path / "eps.yaml").read_text())
            assert written["devices"] == dict(endpoints.devices)
            client = Rest(
                endpoints.devices["bigip-b.example.net"],
                str(endpoints.ca_bundle),
                user="ops",
                password="s3cret",
            )
            client.ok("POST", "/mgmt/tm/net/vlan", {"name": "external", "tag": 10})
            seen["duplicate"] = client.post("/mgmt/tm/net/vlan", {"name": "external"}).json()
            seen["stats"] = requests.get(
                endpoints.devices["bigip-b.example.net"] + "/_sim/stats",
                verify=str(endpoints.ca_bundle),
                timeout=10,
            ).json()
            client.close()
        finally:
            stop.set()

    endpoints = run_serve(
        PLAYBOOK,
        credentials=("ops", "s3cret"),
        endpoints_out=tmp_path / "eps.yaml",
        on_ready=on_ready,
        stop=stop,
    )
    assert dict(endpoints.devices) == {d.name: f"https://{d.mgmt}:8443" for d in PLAYBOOK}
    assert seen["duplicate"] == {
        "code": 409,
        "message": "01020066:3: The requested VLAN (/Common/external) already "
        "exists in partition Common.",
        "errorStack": [],
        "apiError": 3,
    }
    assert seen["stats"]["devices"]["bigip-b.example.net"]["requests"] == 3  # type: ignore[index]


def test_run_serve_keeps_the_first_devices_of_a_playbook() -> None:
    with pytest.raises(ValueError, match="the playbook has 3 devices"):
        run_serve(PLAYBOOK, count=4)


def test_concurrent_keep_alive_clients(served: SimServer) -> None:
    clients = [
        Rest(url, str(served.ca_bundle)) for url in served.devices.values() for _ in range(3)
    ]

    def work(client: Rest) -> list[int]:
        return [client.get("/mgmt/tm/sys/version").status_code for _ in range(25)]

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        results = list(pool.map(work, clients))
    assert all(code == 200 for codes in results for code in codes)
    assert served.stats()["total"]["reads"] == 25 * len(clients)
    for client in clients:
        client.close()


def test_a_simulator_bug_is_answered_not_hung_up(
    served: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ROUTER.route_for("GET", "/mgmt/tm/sys/version"), "handler", broken)
    client = Rest(served.devices["bigip-a.example.net"], str(served.ca_bundle))
    response = client.get("/mgmt/tm/sys/version")
    assert response.status_code == 500
    assert "RuntimeError: boom" in response.json()["message"]
    client.close()
