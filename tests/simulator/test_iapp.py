"""iApp templates and services: a service runs its template's tmsh commands once (f5-sdk's
TrustDomain adds and removes trusted devices this way); syncs that carry nothing."""

from __future__ import annotations

from collections.abc import Callable

from simclient import Rest, error, sync_status

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster

Client = Callable[..., Rest]
A, B = "bigip-a.example.net", "bigip-b.example.net"
TEMPLATES = "/mgmt/tm/sys/application/template"
SERVICES = "/mgmt/tm/sys/application/service"


def deploy(client: Rest, name: str, implementation: str) -> dict[str, object]:
    client.ok(
        "POST",
        TEMPLATES,
        {
            "name": name,
            "partition": "Common",
            "actions": {"definition": {"implementation": implementation, "presentation": ""}},
        },
    )
    response = client.post(
        SERVICES, {"name": name, "partition": "Common", "template": f"/Common/{name}"}
    )
    body: dict[str, object] = response.json()
    body["status"] = response.status_code
    return body


def test_a_service_adds_a_trusted_device_and_lives_in_its_own_folder(
    rest: Client, cluster: Cluster, clock: FakeClock
) -> None:
    client = rest()
    add = "tmsh::modify cm trust-domain Root ca-devices add \\{ 127.0.1.2 \\} name {} username admin password admin"
    service = deploy(client, "trusted_device", add.replace("{}", B))
    assert service["status"] == 200
    assert service["fullPath"] == "/Common/trusted_device.app/trusted_device"
    assert service["subPath"] == "trusted_device.app"
    assert service["kind"] == "tm:sys:application:service:servicestate"
    path = f"{SERVICES}/~Common~trusted_device.app~trusted_device"
    assert client.ok("GET", path)["template"] == "/Common/trusted_device"
    assert "in use" in error(client.delete(f"{TEMPLATES}/~Common~trusted_device"), 400)["message"]
    client.ok("DELETE", path)
    client.ok("DELETE", f"{TEMPLATES}/~Common~trusted_device")
    clock.advance(1)
    cluster.tick()
    assert cluster.device(A).trust == cluster.device(B).trust == {A, B}

    remove = "tmsh::modify cm trust-domain Root ca-devices delete \\{ " + B + " \\}"
    assert deploy(client, "untrust", remove)["status"] == 200
    assert cluster.device(A).trust == {A}


def test_a_failing_implementation_fails_the_create(rest: Client) -> None:
    client = rest()
    body = deploy(
        client, "bad", "tmsh::modify cm trust-domain Root ca-devices add \\{ 127.0.1.9 \\}"
    )
    assert body["status"] == 400 and "127.0.1.9" in str(body["message"])
    assert client.get(f"{SERVICES}/~Common~bad.app~bad").status_code == 404
    body = deploy(client, "typo", "tmsh::modify cm trust-domian Root")
    assert body["status"] == 400 and "Syntax Error" in str(body["message"])


def test_syncing_the_trust_group_copies_no_configuration(
    rest: Client, ecmp: Cluster, clock: FakeClock
) -> None:
    client = rest()
    client.ok("POST", "/mgmt/tm/ltm/pool", {"name": "only-on-a"})
    client.ok(
        "POST",
        "/mgmt/tm/cm",
        {"command": "run", "utilCmdArgs": "config-sync to-group device_trust_group"},
    )
    clock.advance(2)
    ecmp.tick()
    assert ecmp.device(B).store.get("ltm/pool", "/Common/only-on-a") is None
    assert sync_status(rest(B)) == "Changes Pending"


def test_a_device_that_left_a_group_may_still_sync_to_it(rest: Client, ecmp: Cluster) -> None:
    client = rest()
    client.ok("DELETE", f"/mgmt/tm/cm/device-group/~Common~dg-ecmp/devices/~Common~{A}")
    client.ok(
        "POST", "/mgmt/tm/cm", {"command": "run", "utilCmdArgs": "config-sync to-group dg-ecmp"}
    )
    missing = client.post(
        "/mgmt/tm/cm", {"command": "run", "utilCmdArgs": "config-sync to-group nope"}
    )
    assert "nope" in error(missing, 400)["message"]


def test_iapps_lx_packages_none_installed(rest: Client) -> None:
    """bigip_device_info's `packages` subsets: no package on a fresh device."""
    client = rest()
    assert client.ok("GET", "/mgmt/shared/iapp/global-installed-packages")["items"] == []
    tasks = "/mgmt/shared/iapp/package-management-tasks"
    created = client.post(tasks, {"operation": "QUERY"})
    assert created.status_code == 202 and created.json()["status"] == "CREATED"
    task = client.ok("GET", f"{tasks}/{created.json()['id']}")
    assert (task["status"], task["queryResponse"]) == ("FINISHED", [])
    assert client.get(f"{tasks}/nope").status_code == 404
    assert client.post(tasks, {"operation": "INSTALL"}).status_code == 400
