"""Query options, name addressing, transactions and the `/_sim/` admin API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from simclient import Rest

from f5ecmp.simulator.serve import SimServer

Client = Callable[..., Rest]
VLAN = "/mgmt/tm/net/vlan"


def three_vlans(client: Rest) -> None:
    for i, name in enumerate(("alpha", "bravo", "charlie"), start=1):
        client.ok("POST", VLAN, {"name": name, "tag": i})


def test_empty_collection_has_no_items(rest: Client) -> None:
    body = rest().ok("GET", "/mgmt/tm/ltm/pool")
    assert body == {
        "kind": "tm:ltm:pool:poolcollectionstate",
        "selfLink": "https://localhost/mgmt/tm/ltm/pool?ver=16.1.3",
    }


def test_select_filter_top_skip(rest: Client) -> None:
    client = rest()
    three_vlans(client)
    selected = client.ok("GET", f"{VLAN}?$select=name,tag")
    assert selected["items"] == [
        {"name": "alpha", "tag": 1},
        {"name": "bravo", "tag": 2},
        {"name": "charlie", "tag": 3},
    ]
    assert selected["selfLink"] == "https://localhost/mgmt/tm/net/vlan?$select=name,tag&ver=16.1.3"
    page = client.ok("GET", f"{VLAN}?$top=2&$skip=1&$filter=partition+eq+Common")
    assert [i["name"] for i in page["items"]] == ["bravo", "charlie"]
    # A page past the end still carries `items` (bigip_device_info indexes it unguarded).
    past = client.ok("GET", f"{VLAN}?$top=2&$skip=3&$filter=partition%20eq%20Common")
    assert past["items"] == []
    other = client.ok("GET", f"{VLAN}?$filter=partition+eq+Other")
    assert "items" not in other
    assert client.get(f"{VLAN}?$filter=name+eq+alpha").status_code == 400


def test_every_page_carries_the_paging_counters(rest: Client) -> None:
    client = rest()
    three_vlans(client)
    link = "https://localhost/mgmt/tm/net/vlan?$top=2&$skip={}&ver=16.1.3"
    first = client.ok("GET", f"{VLAN}?$top=2&$skip=0")
    assert {k: v for k, v in first.items() if k != "items"} == {
        "kind": "tm:net:vlan:vlancollectionstate",
        "selfLink": link.format(0),
        "currentItemCount": 2,
        "itemsPerPage": 2,
        "pageIndex": 1,
        "startIndex": 1,
        "totalItems": 3,
        "totalPages": 2,
        "nextLink": link.format(2),
    }
    second = client.ok("GET", f"{VLAN}?$top=2&$skip=2")
    assert [i["name"] for i in second["items"]] == ["charlie"]
    assert (second["currentItemCount"], second["pageIndex"], second["startIndex"]) == (1, 2, 3)
    assert "nextLink" not in second and second["previousLink"] == link.format(0)
    past = client.ok("GET", f"{VLAN}?$top=2&$skip=4")
    assert past["items"] == []
    assert (past["currentItemCount"], past["pageIndex"], past["totalItems"]) == (0, 3, 3)
    assert past["previousLink"] == link.format(2)
    # Without $top nothing is paged: no counters.
    assert "totalItems" not in client.ok("GET", f"{VLAN}?$skip=1")


def test_paging_a_subcollection_and_the_device_list(rest: Client) -> None:
    client = rest()
    members = [{"name": f"10.1.1.{i}:80"} for i in range(1, 4)]
    client.ok("POST", "/mgmt/tm/ltm/pool", {"name": "web", "members": members})
    page = client.ok("GET", "/mgmt/tm/ltm/pool/~Common~web/members?$top=1&$skip=1")
    assert page["totalItems"] == 3 and page["currentItemCount"] == 1
    assert page["nextLink"] == (
        "https://localhost/mgmt/tm/ltm/pool/~Common~web/members?$top=1&$skip=2&ver=16.1.3"
    )
    devices = client.ok("GET", "/mgmt/tm/cm/device?$top=10&$skip=0&$filter=partition+eq+Common")
    assert devices["totalItems"] == 1 and devices["totalPages"] == 1
    assert "nextLink" not in devices


def test_names_with_or_without_partition(rest: Client) -> None:
    client = rest()
    three_vlans(client)
    for path in (
        f"{VLAN}/~Common~alpha",
        f"{VLAN}/alpha",
        f"{VLAN}/~Common~alpha/",
        f"{VLAN}/~Common~alpha?ver=12.1.0",
    ):
        assert client.ok("GET", path)["fullPath"] == "/Common/alpha"
    assert client.ok("POST", VLAN, {"name": "/Common/delta"})["fullPath"] == "/Common/delta"
    other = client.post(VLAN, {"name": "x", "partition": "Tenant"})
    assert other.status_code == 400
    assert other.json()["message"] == "The requested folder (/Tenant) was not found."


def test_expand_subcollections_is_echoed(rest: Client) -> None:
    client = rest()
    client.ok("POST", VLAN, {"name": "v", "interfaces": [{"name": "1.1"}]})
    body = client.ok("GET", f"{VLAN}/~Common~v?expandSubcollections=true&ver=16.1.3")
    assert (
        body["selfLink"] == "https://localhost/mgmt/tm/net/vlan/~Common~v"
        "?expandSubcollections=true&ver=16.1.3"
    )
    assert body["interfacesReference"]["items"][0]["name"] == "1.1"


def transaction(client: Rest) -> tuple[int, dict[str, str]]:
    created = client.ok("POST", "/mgmt/tm/transaction/", {})
    assert created["state"] == "STARTED" and created["timeoutSeconds"] == 120
    assert created["kind"] == "tm:transactionstate"
    return created["transId"], {"X-F5-REST-Coordination-Id": str(created["transId"])}


def test_transaction_commits_all_commands(rest: Client) -> None:
    client = rest()
    trans_id, header = transaction(client)
    queued = client.post(VLAN, {"name": "external", "tag": 10}, headers=header).json()
    assert queued["kind"] == "tm:transaction:commandsstate" and queued["evalOrder"] == 1
    assert queued["method"] == "POST" and queued["body"] == {"name": "external", "tag": 10}
    client.post(
        "/mgmt/tm/net/self",
        {"name": "s", "address": "20.1.1.6/24", "vlan": "external"},
        headers=header,
    )
    assert client.get(f"{VLAN}/external").status_code == 404, "nothing applied before commit"
    commands = client.ok("GET", f"/mgmt/tm/transaction/{trans_id}/commands")
    assert [c["evalOrder"] for c in commands["items"]] == [1, 2]
    listed = client.ok("GET", "/mgmt/tm/transaction")
    assert [t["transId"] for t in listed["items"]] == [trans_id]
    done = client.ok(
        "PATCH", f"/mgmt/tm/transaction/{trans_id}", {"state": "VALIDATING", "validateOnly": False}
    )
    assert done["state"] == "COMPLETED"
    assert client.ok("GET", "/mgmt/tm/net/self/s")["vlan"] == "/Common/external"
    assert client.ok("GET", "/mgmt/tm/transaction") == {
        "items": [],
        "kind": "tm:transactioncollectionstate",
        "selfLink": "https://localhost/mgmt/tm/transaction?ver=16.1.3",
    }


def test_failed_transaction_applies_nothing(rest: Client) -> None:
    client = rest()
    trans_id, header = transaction(client)
    client.post(VLAN, {"name": "external", "tag": 10}, headers=header)
    client.post(
        "/mgmt/tm/net/self",
        {"name": "s", "address": "20.1.1.6/24", "vlan": "missing"},
        headers=header,
    )
    failed = client.patch(f"/mgmt/tm/transaction/{trans_id}", {"state": "VALIDATING"})
    assert failed.status_code == 400
    assert failed.json() == {
        "code": 400,
        "message": "transaction failed:01020036:3: The "
        "requested VLAN (/Common/missing) was not found.",
        "errorStack": [],
        "apiError": 2,
    }
    assert client.get(f"{VLAN}/external").status_code == 404


def test_unknown_transaction(rest: Client) -> None:
    response = rest().post(VLAN, {"name": "x"}, headers={"X-F5-REST-Coordination-Id": "42"})
    assert response.status_code == 404


def test_stats_count_reads_writes_and_logins(rest: Client, served: SimServer) -> None:
    client = rest("bigip-b.example.net")
    client.ok("GET", "/mgmt/tm/sys/")
    client.ok("POST", VLAN, {"name": "v"})
    client.ok("PATCH", f"{VLAN}/v", {"mtu": 9000})
    client.delete(f"{VLAN}/v")
    token = client.session.headers["X-F5-Auth-Token"]
    client.ok("PATCH", f"/mgmt/shared/authz/tokens/{token}", {"timeout": 3600})
    stats = requests.get(
        served.devices["bigip-a.example.net"] + "/_sim/stats",
        verify=str(served.ca_bundle),
        timeout=10,
    ).json()
    assert stats["devices"]["bigip-b.example.net"] == {
        "requests": 6,
        "reads": 1,
        "writes": 3,  # a token extension is session housekeeping, not a configuration write
        "logins": 1,
        "sessions": 1,
        "by_method": {"DELETE": 1, "GET": 1, "PATCH": 2, "POST": 2},
    }
    assert stats["total"] == {"requests": 6, "reads": 1, "writes": 3, "logins": 1, "sessions": 1}
    log = served.request_log("bigip-b.example.net")
    assert [(e["method"], e["path"], e["status"]) for e in log][:2] == [
        ("POST", "/mgmt/shared/authn/login", 200),
        ("GET", "/mgmt/tm/sys/", 200),
    ]
    assert set(log[0]) == {"time", "device", "method", "path", "status", "duration_ms"}


def admin(served: SimServer, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(
        method,
        served.devices["bigip-c.example.net"] + path,
        json=body,
        verify=str(served.ca_bundle),
        timeout=10,
    )


def test_admin_reset_gives_fresh_devices(rest: Client, served: SimServer) -> None:
    rest().ok("POST", VLAN, {"name": "v"})
    assert admin(served, "POST", "/_sim/reset").json()["reset"] is True
    client = rest()
    assert client.get(f"{VLAN}/v").status_code == 404
    assert served.stats()["total"]["requests"] == 2


def test_admin_stats_reset_clears_only_counters_and_log(rest: Client, served: SimServer) -> None:
    rest().ok("POST", VLAN, {"name": "v"})
    admin(served, "POST", "/_sim/faults", {"device": "*", "latency_ms": 1})
    body = admin(served, "POST", "/_sim/stats/reset").json()
    assert body["reset"] is True and body["stats"]["total"]["requests"] == 0
    assert admin(served, "GET", "/_sim/requests").json()["items"] == []
    client = rest()  # the configuration and the faults are still there
    assert client.get(f"{VLAN}/v").status_code == 200
    assert (
        admin(served, "GET", "/_sim/faults").json()["faults"]["bigip-a.example.net"]["latency_ms"]
        == 1
    )
    assert served.stats()["total"] == {
        "requests": 2,
        "reads": 1,
        "writes": 0,
        "logins": 1,
        "sessions": 0,
    }
    served.reset_stats()
    assert served.stats()["total"]["requests"] == 0 and served.request_log() == []


def test_admin_fault_scripts_are_validated(served: SimServer) -> None:
    assert admin(served, "POST", "/_sim/faults", {"device": "nope"}).status_code == 400
    assert admin(served, "POST", "/_sim/faults", {"error_rate": 2}).status_code == 400
    assert admin(served, "POST", "/_sim/faults", {"colour": 1}).status_code == 400
    body = admin(served, "POST", "/_sim/faults", {"device": "*", "latency_ms": 0, "seed": 3})
    assert body.json()["faults"]["bigip-a.example.net"]["seed"] == 3
    assert admin(served, "GET", "/_sim/requests").json()["items"] == []
    assert admin(served, "GET", "/_sim/nothing").status_code == 404
