"""Pools, members, nodes, monitors, profiles, virtuals and virtual addresses over HTTPS."""

from __future__ import annotations

from collections.abc import Callable

from simclient import Rest, error

Client = Callable[..., Rest]
POOL = "/mgmt/tm/ltm/pool"
NODE = "/mgmt/tm/ltm/node"
VIRTUAL = "/mgmt/tm/ltm/virtual"
VA = "/mgmt/tm/ltm/virtual-address"


def pool_and_virtual(client: Rest) -> None:
    client.ok(
        "POST",
        POOL,
        {
            "name": "web",
            "partition": "Common",
            "monitor": "/Common/http",
            "loadBalancingMode": "round-robin",
            "members": [
                {"name": "10.1.1.100:80", "address": "10.1.1.100"},
                {"name": "10.1.1.101:80"},
            ],
        },
    )
    client.ok(
        "POST",
        VIRTUAL,
        {
            "name": "app1",
            "partition": "Common",
            "destination": "/Common/30.1.1.10:80",
            "ipProtocol": 6,
            "pool": "/Common/web",
            "mirror": "enabled",
            "sourceAddressTranslation": {"type": "automap"},
            "profiles": [{"name": "/Common/tcp", "context": "all"}, {"name": "http"}],
        },
    )


def test_create_pool_with_members_creates_their_nodes(rest: Client) -> None:
    client = rest()
    pool_and_virtual(client)
    pool = client.ok("GET", f"{POOL}/~Common~web?expandSubcollections=true")
    assert pool["monitor"] == "/Common/http" and pool["minActiveMembers"] == 0
    members = pool["membersReference"]["items"]
    assert [m["name"] for m in members] == ["10.1.1.100:80", "10.1.1.101:80"]
    assert members[0]["kind"] == "tm:ltm:pool:members:membersstate"
    assert members[0]["fqdn"] == {"autopopulate": "disabled"}
    assert members[0]["nameReference"]["link"].endswith(
        "/ltm/node/~Common~10.1.1.100:80?ver=16.1.3"
    )
    nodes = client.ok("GET", NODE)["items"]
    assert [n["name"] for n in nodes] == ["10.1.1.100", "10.1.1.101"]
    assert nodes[0]["fqdn"]["interval"] == "3600" and nodes[0]["fqdn"]["downInterval"] == 5


def test_pool_members_subcollection(rest: Client) -> None:
    client = rest()
    pool_and_virtual(client)
    path = f"{POOL}/~Common~web/members"
    added = client.ok(
        "POST",
        path,
        {"name": "10.1.1.102:8080", "partition": "Common", "fqdn": {"autopopulate": "disabled"}},
    )
    assert added["selfLink"].endswith(
        "/pool/~Common~web/members/~Common~10.1.1.102:8080?ver=16.1.3"
    )
    duplicate = error(client.post(path, {"name": "10.1.1.102:8080"}), 409)
    assert (
        duplicate["message"] == "01020066:3: The requested Pool Member (/Common/web "
        "/Common/10.1.1.102 8080) already exists in partition Common."
    )
    disabled = client.ok("PATCH", f"{path}/~Common~10.1.1.102:8080", {"session": "user-disabled"})
    assert disabled["session"] == "user-disabled"
    offline = client.ok(
        "PATCH",
        f"{path}/~Common~10.1.1.102:8080",
        {"state": "user-down", "session": "user-disabled"},
    )
    assert offline["state"] == "user-down"
    assert client.delete(f"{path}/~Common~10.1.1.102:8080").status_code == 200
    missing = error(client.get(f"{path}/~Common~10.1.1.102:8080"), 404)
    assert (
        missing["message"] == "01020036:3: The requested Pool Member (/Common/web "
        "/Common/10.1.1.102 8080) was not found."
    )
    bad_port = error(client.post(path, {"name": "10.1.1.103:70000"}), 400)
    assert "70000" in bad_port["message"]


def test_pool_refusals(rest: Client) -> None:
    client = rest()
    monitor = error(client.post(POOL, {"name": "p", "monitor": "/Common/nope"}), 400)
    assert monitor["message"] == "01020036:3: The requested monitor (/Common/nope) was not found."
    error(client.post(POOL, {"name": "p", "loadBalancingMode": "fastest-ever"}), 400)
    error(client.post(POOL, {"name": "p", "members": [{"name": "server1:80"}]}), 400)


def test_monitor_rule_forms(rest: Client) -> None:
    client = rest()
    both = client.ok("POST", POOL, {"name": "a", "monitor": "http and tcp"})
    assert both["monitor"] == "/Common/http and /Common/tcp"
    quorum = client.ok("POST", POOL, {"name": "b", "monitor": "min 1 of http tcp"})
    assert quorum["monitor"] == "min 1 of { /Common/http /Common/tcp }"
    none = client.ok("PATCH", f"{POOL}/a", {"monitor": "none"})
    assert "monitor" not in none


def test_session_says_whether_a_monitor_watches(rest: Client) -> None:
    client = rest()
    node = client.ok("POST", NODE, {"name": "n", "address": "10.1.1.9", "monitor": "icmp"})
    assert node["session"] == "monitor-enabled"
    assert client.ok("PATCH", f"{NODE}/n", {"monitor": "default"})["session"] == "user-enabled"
    members = [
        {"name": "10.1.1.9:80"},
        {"name": "app.example.net:80", "fqdn": {"tmName": "app.example.net"}},
    ]
    client.ok("POST", POOL, {"name": "p", "members": members})
    path = f"{POOL}/p/members"
    assert [m["session"] for m in client.ok("GET", path)["items"]] == ["user-enabled"] * 2
    client.ok("PATCH", f"{POOL}/p", {"monitor": "http"})
    watched = [m["session"] for m in client.ok("GET", path)["items"]]
    assert watched == ["monitor-enabled", "user-enabled"]  # an FQDN member is a template
    disabled = client.ok("PATCH", f"{path}/~Common~10.1.1.9:80", {"session": "user-disabled"})
    assert disabled["session"] == "user-disabled"
    enabled = client.ok("PATCH", f"{path}/~Common~10.1.1.9:80", {"session": "user-enabled"})
    assert enabled["session"] == "monitor-enabled"


def test_delete_node_used_by_a_pool(rest: Client) -> None:
    client = rest()
    pool_and_virtual(client)
    body = error(client.delete(f"{NODE}/~Common~10.1.1.100"), 400)
    assert (
        body["message"] == "01070110:3: Node address '/Common/10.1.1.100' is referenced by "
        "a member of pool '/Common/web'."
    )


def test_fqdn_node_with_auto_populate(rest: Client) -> None:
    client = rest()
    node = client.ok(
        "POST",
        NODE,
        {
            "name": "app.example.com",
            "fqdn": {
                "tmName": "app.example.com",
                "autopopulate": "enabled",
                "addressFamily": "ipv4",
                "interval": 3600,
                "downInterval": "5",
            },
        },
    )
    assert node["address"] == "any6"
    assert node["fqdn"] == {
        "addressFamily": "ipv4",
        "autopopulate": "enabled",
        "downInterval": 5,
        "interval": "3600",
        "tmName": "app.example.com",
    }
    assert node["state"] == "fqdn-up-no-addr"
    changed = error(
        client.patch(f"{NODE}/app.example.com", {"fqdn": {"autopopulate": "disabled"}}), 400
    )
    assert "autopopulate" in changed["message"]


def test_create_virtual_creates_its_virtual_address(rest: Client) -> None:
    client = rest()
    pool_and_virtual(client)
    virtual = client.ok("GET", f"{VIRTUAL}/~Common~app1?expandSubcollections=true")
    assert virtual["destination"] == "/Common/30.1.1.10:80" and virtual["ipProtocol"] == "tcp"
    assert virtual["enabled"] is True and virtual["mirror"] == "enabled"
    assert virtual["sourceAddressTranslation"] == {"type": "automap"}
    assert virtual["poolReference"]["link"].endswith("/ltm/pool/~Common~web?ver=16.1.3")
    profiles = virtual["profilesReference"]["items"]
    assert [(p["name"], p["context"]) for p in profiles] == [("http", "all"), ("tcp", "all")]
    assert profiles[1]["nameReference"]["link"].endswith("/ltm/profile/tcp/~Common~tcp?ver=16.1.3")
    address = client.ok("GET", f"{VA}/~Common~30.1.1.10")
    assert address["autoDelete"] == "true" and address["enabled"] == "yes"
    assert address["trafficGroup"] == "/Common/traffic-group-1"
    assert address["floating"] == "enabled" and address["unit"] == 1
    disabled = client.ok("PATCH", f"{VIRTUAL}/app1", {"disabled": True})
    assert disabled.get("disabled") is True and "enabled" not in disabled


def test_virtual_refusals(rest: Client) -> None:
    client = rest()
    no_pool = error(
        client.post(VIRTUAL, {"name": "v", "destination": "30.1.1.11:80", "pool": "/Common/nope"}),
        400,
    )
    assert no_pool["message"] == "01020036:3: The requested Pool (/Common/nope) was not found."
    bad_port = error(client.post(VIRTUAL, {"name": "v", "destination": "30.1.1.11:65536"}), 400)
    assert "65536" in bad_port["message"]
    no_profile = error(
        client.post(
            VIRTUAL, {"name": "v", "destination": "30.1.1.11:80", "profiles": ["/Common/nope"]}
        ),
        400,
    )
    assert (
        no_profile["message"] == "01020036:3: The requested profile (/Common/nope) was not found."
    )


def test_virtual_address_spanning_needs_arp_off(rest: Client) -> None:
    client = rest()
    pool_and_virtual(client)
    both = error(client.patch(f"{VA}/~Common~30.1.1.10", {"spanning": "enabled"}), 400)
    assert "ARP" in both["message"]
    body = client.ok(
        "PATCH",
        f"{VA}/~Common~30.1.1.10",
        {"arp": "disabled", "spanning": "enabled", "trafficGroup": "/Common/traffic-group-1"},
    )
    assert body["arp"] == "disabled" and body["spanning"] == "enabled"
    immutable = error(client.patch(f"{VA}/~Common~30.1.1.10", {"address": "30.1.1.11"}), 400)
    assert "address" in immutable["message"]
    in_use = error(client.delete(f"{VA}/~Common~30.1.1.10"), 400)
    assert "in use by a Virtual Server (/Common/app1)" in in_use["message"]


def test_virtual_address_is_auto_deleted_with_its_last_virtual(rest: Client) -> None:
    client = rest()
    pool_and_virtual(client)
    assert client.delete(f"{VIRTUAL}/~Common~app1").status_code == 200
    assert client.get(f"{VA}/~Common~30.1.1.10").status_code == 404


def test_delete_pool_used_by_a_virtual(rest: Client) -> None:
    client = rest()
    pool_and_virtual(client)
    body = error(client.delete(f"{POOL}/~Common~web"), 400)
    assert (
        body["message"] == "01070265:3: The Pool (/Common/web) cannot be deleted because "
        "it is in use by a Virtual Server (/Common/app1)."
    )


def test_route_domain_names_are_addressed_with_percent_25(rest: Client) -> None:
    client = rest()
    missing = error(client.post(VA, {"name": "10.1.1.1%2", "address": "10.1.1.1%2"}), 400)
    assert missing["message"] == "01020036:3: The requested route domain (/Common/2) was not found."
    client.ok("POST", "/mgmt/tm/net/route-domain", {"name": "rd2", "id": 2})
    client.ok("POST", VA, {"name": "10.1.1.1%2", "address": "10.1.1.1%2"})
    body = client.ok("GET", f"{VA}/~Common~10.1.1.1%252")
    assert body["fullPath"] == "/Common/10.1.1.1%2"
    assert body["selfLink"].endswith("/virtual-address/~Common~10.1.1.1%252?ver=16.1.3")


def test_monitors_and_profiles_are_readable(rest: Client) -> None:
    client = rest()
    http = client.ok("GET", "/mgmt/tm/ltm/monitor/http/~Common~http")
    assert http["kind"] == "tm:ltm:monitor:http:httpstate"
    icmp = client.ok("GET", "/mgmt/tm/ltm/monitor/gateway-icmp")["items"]
    assert [m["name"] for m in icmp] == ["gateway_icmp"]
    custom = client.ok(
        "POST", "/mgmt/tm/ltm/monitor/http", {"name": "web-check", "send": "GET /health\\r\\n"}
    )
    assert custom["defaultsFrom"] == "/Common/http"
    itself = error(
        client.patch("/mgmt/tm/ltm/monitor/http/web-check", {"defaultsFrom": "/Common/web-check"}),
        400,
    )
    assert (
        itself["message"] == "01070734:3: Configuration error: A monitor may not default "
        'from itself "/Common/web-check"'
    )
    fastl4 = client.ok("GET", "/mgmt/tm/ltm/profile/fastl4/~Common~fastL4")
    assert fastl4["kind"] == "tm:ltm:profile:fastl4:fastl4state"
    assert client.ok("GET", "/mgmt/tm/ltm/profile/client-ssl")["items"][0]["name"] == "clientssl"
