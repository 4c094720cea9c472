"""F5's own Python SDK against the simulator: `ManagementRoot(..., token=True)` over HTTPS,
verified with the generated CA, loading, creating and modifying every kind the project uses.

Note for clients built on requests: with REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) in the
environment, requests prefers it over `session.verify`, which is where f5-icontrol-rest puts
the CA; the fixture removes those variables for the test. f5-sdk 3.0.21 compares versions with
`distutils.version.LooseVersion` (deprecated; `distutils` is gone from the standard library
in Python 3.12, where only setuptools' shim provides it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from f5.bigip import ManagementRoot
from f5.bigip.contexts import TransactionContextManager
from icontrol.exceptions import iControlUnexpectedHTTPError

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.serve import SimServer

A, B = "bigip-a.example.net", "bigip-b.example.net"
pytestmark = pytest.mark.filterwarnings("ignore:distutils Version classes:DeprecationWarning")


@pytest.fixture
def sdk(served: SimServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    roots = {}
    for name in (A, B):
        host, port = served.devices[name].removeprefix("https://").rsplit(":", 1)
        roots[name] = ManagementRoot(
            host, "admin", "admin", port=int(port), token=True, verify=str(served.ca_bundle)
        )
    yield roots


def test_sdk_connects_with_a_token_and_reads_the_version(
    sdk: dict[str, Any], served: SimServer
) -> None:
    assert sdk[A].tmos_version == "16.1.3"
    log = served.request_log(A)
    assert [(e["method"], e["path"]) for e in log[:2]] == [
        ("POST", "/mgmt/shared/authn/login"),
        ("GET", "/mgmt/tm/sys/"),
    ]


def test_sdk_network_and_system(sdk: dict[str, Any]) -> None:
    mgmt = sdk[A]
    vlan = mgmt.tm.net.vlans.vlan.create(
        name="external", partition="Common", tag=10, interfaces=[{"name": "1.1", "untagged": True}]
    )
    vlan.modify(mtu=9000)
    vlan.description = "outside"
    vlan.update()
    loaded = mgmt.tm.net.vlans.vlan.load(name="external", partition="Common")
    assert (loaded.mtu, loaded.description) == (9000, "outside")
    assert [i.name for i in loaded.interfaces_s.get_collection()] == ["1.1"]
    self_ip = mgmt.tm.net.selfips.selfip.create(
        name="ext", partition="Common", address="20.1.1.6/24", vlan="/Common/external"
    )
    self_ip.allowService = "default"
    self_ip.update()
    assert mgmt.tm.net.selfips.selfip.load(name="ext", partition="Common").allowService == [
        "default"
    ]
    assert [i.name for i in mgmt.tm.net.interfaces.get_collection()][:2] == ["1.1", "1.2"]
    ntp = mgmt.tm.sys.ntp.load()
    ntp.modify(servers=["192.0.2.1"], timezone="UTC")
    mgmt.tm.sys.dns.load().modify(nameServers=["192.0.2.53"])
    assert mgmt.tm.sys.ntp.load().servers == ["192.0.2.1"]
    assert mgmt.tm.sys.global_settings.load().hostname == A
    assert mgmt.tm.sys.provision.ltm.load().level == "nominal"
    assert "https://localhost/mgmt/tm/sys/version/0" in mgmt.tm.sys.version.load().entries
    mgmt.tm.sys.config.exec_cmd("save")
    assert mgmt.tm.net.vlans.vlan.exists(name="nope", partition="Common") is False
    with pytest.raises(iControlUnexpectedHTTPError) as caught:
        mgmt.tm.net.vlans.vlan.create(name="external", partition="Common")
    assert caught.value.response.status_code == 409


def test_sdk_cluster_management(sdk: dict[str, Any], clock: FakeClock) -> None:
    a, b = sdk[A], sdk[B]
    for mgmt, address in ((a, "10.1.1.6"), (b, "10.1.1.7")):
        mgmt.tm.net.vlans.vlan.create(name="internal", partition="Common", tag=20)
        mgmt.tm.net.selfips.selfip.create(
            name="int", partition="Common", address=f"{address}/24", vlan="/Common/internal"
        )
        name = next(d.name for d in mgmt.tm.cm.devices.get_collection() if d.selfDevice == "true")
        device = mgmt.tm.cm.devices.device.load(name=name, partition="Common")
        device.modify(configsyncIp=address, unicastAddress=[{"ip": address, "port": 1026}])
    a.tm.cm.add_to_trust.exec_cmd(
        "run",
        name="Root",
        device="127.0.1.2",
        deviceName=B,
        username="admin",
        password="admin",
        caDevice=True,
    )
    clock.advance(1)
    assert a.tm.cm.trust_domains.trust_domain.load(name="Root").caDevices == [
        f"/Common/{A}",
        f"/Common/{B}",
    ]
    group = a.tm.cm.device_groups.device_group.create(
        name="dg", partition="Common", type="sync-failover", devices=[A]
    )
    group.devices_s.devices.create(name=B, partition="Common")
    tg = a.tm.cm.traffic_groups.traffic_group.create(name="traffic-group-2", partition="Common")
    tg.modify(
        mac="02:00:00:00:00:02",
        haOrder=[f"/Common/{B}", f"/Common/{A}"],
        autoFailbackEnabled="true",
    )
    clock.advance(1)
    a.tm.cm.exec_cmd("run", utilCmdArgs="config-sync to-group dg")
    clock.advance(1)
    status = b.tm.cm.sync_status.load().entries
    entry = status["https://localhost/mgmt/tm/cm/sync-status/0"]["nestedStats"]["entries"]
    assert entry["status"]["description"] == "In Sync"
    clock.advance(60)
    stats = b.tm.cm.traffic_groups.traffic_group.load(
        name="traffic-group-2", partition="Common"
    ).stats.load()
    states = {
        v["nestedStats"]["entries"]["deviceName"]["description"]: v["nestedStats"]["entries"][
            "failoverState"
        ]["description"]
        for v in stats.entries.values()
    }
    assert states == {f"/Common/{B}": "active", f"/Common/{A}": "standby"}
    assert (
        "https://localhost/mgmt/tm/cm/failover-status/0" in a.tm.cm.failover_status.load().entries
    )
    b.tm.sys.failover.exec_cmd("run", standby=True, trafficGroup="traffic-group-2")
    assert "active" in a.tm.sys.failover.load().apiRawValues["apiAnonymous"]


def test_sdk_local_traffic(sdk: dict[str, Any]) -> None:
    mgmt = sdk[A]
    pool = mgmt.tm.ltm.pools.pool.create(name="web", partition="Common", monitor="/Common/http")
    member = pool.members_s.members.create(name="10.1.1.100:80", partition="Common")
    member.modify(session="user-disabled")
    pool.modify(loadBalancingMode="least-connections-member")
    node = mgmt.tm.ltm.nodes.node.load(name="10.1.1.100", partition="Common")
    node.modify(description="web server")
    monitor = mgmt.tm.ltm.monitor.https.http.create(name="check", partition="Common")
    monitor.modify(interval=10)
    mgmt.tm.ltm.monitor.gateway_icmps.gateway_icmp.load(name="gateway_icmp", partition="Common")
    mgmt.tm.ltm.monitor.tcps.tcp.load(name="tcp", partition="Common")
    mgmt.tm.ltm.monitor.https_s.https.load(name="https", partition="Common")
    virtual = mgmt.tm.ltm.virtuals.virtual.create(
        name="app1",
        partition="Common",
        destination="/Common/30.1.1.10:80",
        ipProtocol="tcp",
        pool="/Common/web",
        sourceAddressTranslation={"type": "automap"},
        mirror="enabled",
        profiles=["/Common/tcp", "/Common/http"],
    )
    virtual.modify(description="application")
    assert sorted(p.name for p in virtual.profiles_s.get_collection()) == ["http", "tcp"]
    address = mgmt.tm.ltm.virtual_address_s.virtual_address.load(
        name="30.1.1.10", partition="Common"
    )
    address.modify(arp="disabled", spanning="enabled")
    assert address.spanning == "enabled"
    for profiles, name in (
        (mgmt.tm.ltm.profile.tcps.tcp, "tcp"),
        (mgmt.tm.ltm.profile.https.http, "http"),
        (mgmt.tm.ltm.profile.fastl4s.fastl4, "fastL4"),
    ):
        assert profiles.load(name=name, partition="Common").name == name
    with TransactionContextManager(mgmt.tm.transactions.transaction) as api:
        api.tm.ltm.pools.pool.create(name="in-tx", partition="Common")
    assert mgmt.tm.ltm.pools.pool.exists(name="in-tx", partition="Common")
    virtual.delete()
    assert not mgmt.tm.ltm.virtual_address_s.virtual_address.exists(
        name="30.1.1.10", partition="Common"
    )
