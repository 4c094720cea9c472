"""`/stats` of LTM and network objects and collections, read as F5's bigip_device_info reads
them: the entry whose key ends in `/stats`, dotted field names split into nested keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from simclient import Rest

Client = Callable[..., Rest]
BASE = "https://localhost/mgmt/tm/"


def flatten(fields: dict[str, Any]) -> dict[str, Any]:
    """`{"status.enabledState": {"description": "enabled"}}` → `{"status": {"enabledState": …}}`;
    nested URL-keyed blocks are kept as they are."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        plain = (
            value.get("description", value.get("value")) if "nestedStats" not in value else value
        )
        head, dot, tail = key.partition(".")
        if dot and not key.startswith("https://"):
            out.setdefault(head, {})[tail] = plain
        else:
            out[key] = plain
    return out


def one_entry(body: dict[str, Any]) -> dict[str, Any]:
    (key,) = body["entries"]
    assert key.endswith("/stats")
    return flatten(body["entries"][key]["nestedStats"]["entries"])


@pytest.fixture
def app(rest: Client) -> Rest:
    client = rest()
    client.ok(
        "POST",
        "/mgmt/tm/net/vlan",
        {
            "name": "external",
            "tag": 10,
            "mtu": 9000,
            "interfaces": [{"name": "1.1", "tagged": True}],
        },
    )
    client.ok(
        "POST",
        "/mgmt/tm/ltm/pool",
        {
            "name": "web",
            "monitor": "/Common/http",
            "members": [
                {"name": "10.1.1.100:80"},
                {"name": "10.1.1.101:80", "session": "user-disabled"},
            ],
        },
    )
    client.ok(
        "POST",
        "/mgmt/tm/ltm/virtual",
        {"name": "app1", "destination": "/Common/30.1.1.10:80", "pool": "/Common/web"},
    )
    return client


def test_pool_stats(app: Rest) -> None:
    body = app.ok("GET", "/mgmt/tm/ltm/pool/~Common~web/stats")
    assert body["kind"] == "tm:ltm:pool:poolstats"
    assert body["selfLink"] == f"{BASE}ltm/pool/~Common~web/stats?ver=16.1.3"
    assert isinstance(body["generation"], int)
    assert list(body["entries"]) == [f"{BASE}ltm/pool/~Common~web/~Common~web/stats"]
    stats = one_entry(body)
    assert (stats["memberCnt"], stats["activeMemberCnt"], stats["availableMemberCnt"]) == (2, 1, 1)
    assert stats["monitorRule"] == "/Common/http" and stats["tmName"] == "/Common/web"
    assert stats["status"]["availabilityState"] == "unknown"
    assert stats["status"]["enabledState"] == "enabled"
    assert set(stats["serverside"]) == {
        "bitsIn",
        "bitsOut",
        "curConns",
        "maxConns",
        "pktsIn",
        "pktsOut",
        "totConns",
    }
    assert (
        set(stats["connq"])
        == set(stats["connqAll"])
        == {"ageEdm", "ageEma", "ageHead", "ageMax", "depth", "serviced"}
    )
    assert stats["curSessions"] == 0 and stats["totRequests"] == 0


def test_node_virtual_and_virtual_address_stats(app: Rest) -> None:
    node = one_entry(app.ok("GET", "/mgmt/tm/ltm/node/~Common~10.1.1.100/stats"))
    assert node["addr"] == "10.1.1.100" and node["sessionStatus"] == "enabled"
    assert node["monitorStatus"] == "unchecked" and "statusReason" in node["status"]
    virtual = one_entry(app.ok("GET", "/mgmt/tm/ltm/virtual/~Common~app1/stats"))
    assert virtual["destination"] == "30.1.1.10:80"
    assert virtual["clientside"]["curConns"] == 0 and virtual["syncookie"]["accepts"] == 0
    assert virtual["ephemeral"]["totConns"] == 0 and virtual["cmpEnableMode"] == "all-cpus"
    assert virtual["status"]["availabilityState"] == "unknown"
    address = one_entry(app.ok("GET", "/mgmt/tm/ltm/virtual-address/~Common~30.1.1.10/stats"))
    assert address["addr"] == "30.1.1.10" and address["status"]["enabledState"] == "enabled"
    assert address["clientside"]["bitsIn"] == 0


def test_vlan_stats_nest_its_members(app: Rest) -> None:
    body = app.ok("GET", "/mgmt/tm/net/vlan/~Common~external/stats")
    vlan = one_entry(body)
    assert (vlan["id"], vlan["mtu"], vlan["ifname"]) == (10, 9000, "external")
    assert vlan["macTrue"].count(":") == 5
    members = vlan[f"{BASE}net/vlan/~Common~external/members/stats"]["nestedStats"]["entries"]
    member = members[f"{BASE}net/vlan/~Common~external/members/1.1/stats"]
    assert member["nestedStats"]["entries"]["tagged"] == {"description": "yes"}


def test_collection_stats(app: Rest) -> None:
    interfaces = app.ok("GET", "/mgmt/tm/net/interface/stats")
    assert interfaces["kind"] == "tm:net:interface:interfacecollectionstats"
    assert interfaces["selfLink"] == f"{BASE}net/interface/stats?ver=16.1.3"
    first = interfaces["entries"][f"{BASE}net/interface/1.1/stats"]["nestedStats"]
    assert first["kind"] == "tm:net:interface:interfacestats"
    assert first["selfLink"] == f"{BASE}net/interface/1.1/stats?ver=16.1.3"
    assert flatten(first["entries"])["counters"]["pktsIn"] == 0
    for kind in ("ltm/pool", "ltm/node", "ltm/virtual", "ltm/virtual-address", "net/vlan"):
        body = app.ok("GET", f"/mgmt/tm/{kind}/stats")
        assert body["kind"].endswith("collectionstats") and body["entries"], kind
    interface = one_entry(app.ok("GET", "/mgmt/tm/net/interface/1.2/stats"))
    assert interface["status"] == "up" and interface["tmName"] == "1.2"


def test_stats_of_a_missing_object(app: Rest) -> None:
    response = app.get("/mgmt/tm/ltm/pool/~Common~nope/stats")
    assert response.status_code == 404
    assert response.json()["message"] == (
        "01020036:3: The requested Pool (/Common/nope) was not found."
    )
