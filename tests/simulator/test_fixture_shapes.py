"""Shape tests: for each response captured from a real device (`/work/shared/fixtures/bigip/`,
see its README), the simulator answers the same request with the same keys and value types.

Values (names, addresses, generations, timestamps) are not compared. Keys a fixture has and
the simulator lacks fail the test unless listed as not modelled for that case; keys the
simulator adds are allowed when the fixture comes from another TMOS version (newer releases add
attributes) and fail otherwise.

Covered: every JSON file of the fixture set (55 cases below; the last test checks that no
file is left out). Keys deliberately not produced:
  * `optionalModules`, `timeLimitedModules` (cm/device): licence details, version-dependent;
  * `multicastInterface` only where set; `rules`/`rulesReference` and policy items of virtuals
    (iRules and LTM policies are not modelled);
  * `profiles` of pool members (IP-encapsulation tunnels are not modelled);
  * `description`/`metadata` only when a client set them (the setup sets them where the
    fixture has them).
No fixture is skipped as a whole.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from f5ecmp.simulator.cluster import Cluster, SimDevice
from f5ecmp.simulator.rest.app import SimApp
from f5ecmp.simulator.rest.base import Request

# The captures live beside the repository (`../shared/fixtures/bigip`), not in it: their
# licences (GPL-3.0, MIT, Apache-2.0) differ from the project's.
FIXTURES = Path(
    os.environ.get("F5ECMP_BIGIP_FIXTURES")
    or Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "bigip"
)
pytestmark = pytest.mark.skipif(
    not FIXTURES.is_dir() and not os.environ.get("CI"),  # in CI the captures must be there
    reason=f"captured BIG-IP fixtures not found at {FIXTURES} (set F5ECMP_BIGIP_FIXTURES)",
)
A, B = "bigip1.local.net", "bigip2.local.net"
AUTH = {"authorization": "Basic " + base64.b64encode(b"admin:admin").decode()}


@dataclass(frozen=True)
class Case:
    fixture: str
    path: str
    sim_item: str | None = None  # compare the fixture's item with the simulator's item of this name
    fixture_item: int = 0
    device: str = A
    method: str = "GET"
    body: dict[str, Any] | None = None
    not_modelled: frozenset[str] = field(default_factory=frozenset)


NOT_LICENSED = frozenset({"optionalModules", "timeLimitedModules"})
CASES = [
    Case("f5-ansible-bigip/load_sys_sync_status.json", "/mgmt/tm/cm/sync-status", device=B),
    Case("f5-common-python/cm_sync_status_GET.json", "/mgmt/tm/cm/sync-status", device=B),
    Case(
        "f5-ansible-bigip/load_tg_stats.json",
        "/mgmt/tm/cm/traffic-group/~Common~traffic-group-1/stats",
    ),
    Case(
        "f5-ansible-bigip/load_devices.json",
        "/mgmt/tm/cm/device",
        B,
        device=B,
        not_modelled=NOT_LICENSED,
    ),
    Case(
        "f5-ansible-bigip/load_device_groups.json",
        "/mgmt/tm/cm/device-group?expandSubcollections=true",
        "gtm",
    ),
    Case("f5-ansible-bigip/load_self_ips.json", "/mgmt/tm/net/self", "aaa-all"),
    Case(
        "f5-ansible-bigip/load_vlans.json", "/mgmt/tm/net/vlan?expandSubcollections=true", "alice"
    ),
    Case("f5-ansible-bigip/load_sys_version.json", "/mgmt/tm/sys/version"),
    Case("f5-ansible-bigip/load_ltm_pools.json", "/mgmt/tm/ltm/pool", "pool1"),
    Case(
        "f5-ansible-bigip/load_ltm_pool_members.json",
        "/mgmt/tm/ltm/pool/pool1/members",
        "10.10.10.22:80",
        not_modelled=frozenset({"profiles"}),
    ),
    Case("f5-ansible-bigip/load_ltm_nodes.json", "/mgmt/tm/ltm/node", "7.3.67.8"),
    Case(
        "f5-ansible-bigip/load_ltm_virtual_address_collection_1.json",
        "/mgmt/tm/ltm/virtual-address",
        "2.3.4.5",
    ),
    Case(
        "f5-ansible-bigip/load_ltm_virtual_servers_facts.json",
        "/mgmt/tm/ltm/virtual?expandSubcollections=true",
        "fake_dhcp",
    ),
    Case("f5-ansible-bigip/load_net_interfaces.json", "/mgmt/tm/net/interface", "1.1"),
    Case("f5-ansible-bigip/load_interfaces.json", "/mgmt/tm/net/interface", "1.1"),
    Case(
        "f5-ansible-bigip/tmos_auth_response.json",
        "/mgmt/shared/authn/login",
        method="POST",
        body={"username": "admin", "password": "admin", "loginProviderName": "tmos"},
    ),
    Case("f5-ansible-bigip/load_tmos_version.json", "/mgmt/tm/sys/"),
    Case("f5-ansible/load_vlan.json", "/mgmt/tm/net/vlan/~Common~alice"),
    Case(
        "f5-ansible/load_vlan_interfaces.json", "/mgmt/tm/net/vlan/~Common~tagged/interfaces", "1.3"
    ),
    Case(
        "f5-ansible/load_vlan_tagged_ifcs.json",
        "/mgmt/tm/net/vlan/~Common~tagged/interfaces",
        "1.3",
    ),
    Case(
        "f5-ansible/load_vlan_untag_ifcs.json", "/mgmt/tm/net/vlan/~Common~alice/interfaces", "1.2"
    ),
    Case("f5-ansible/load_tm_net_self.json", "/mgmt/tm/net/self/~Common~net1"),
    Case(
        "f5-ansible/load_tm_cm_device.json",
        f"/mgmt/tm/cm/device/~Common~{A}",
        not_modelled=NOT_LICENSED,
    ),
    Case(
        "f5-ansible/load_tm_cm_device_default.json",
        f"/mgmt/tm/cm/device/~Common~{B}",
        device=B,
        not_modelled=NOT_LICENSED,
    ),
    Case(
        "f5-ansible/load_tm_cm_device_group.json",
        "/mgmt/tm/cm/device-group/~Common~device_trust_group",
    ),
    Case("f5-ansible/load_device_group.json", "/mgmt/tm/cm/device-group/~Common~gtm"),
    Case(
        "f5-ansible/load_tm_cm_traffic_group_1.json",
        "/mgmt/tm/cm/traffic-group/~Common~traffic-group-1",
        device=B,
    ),
    Case("f5-ansible/load_tm_cm_traffic_group_2.json", "/mgmt/tm/cm/traffic-group/~Common~asd"),
    Case("f5-ansible/load_tg_ha_order.json", "/mgmt/tm/cm/traffic-group/~Common~traffic-group-2"),
    Case("f5-ansible/load_ltm_virtual_1.json", "/mgmt/tm/ltm/virtual/~Common~AppServer_80"),
    Case(
        "f5-ansible/load_ltm_virtual_3.json",
        "/mgmt/tm/ltm/virtual/~Common~AppServer_80?expandSubcollections=true",
        # The captured virtual has an LTM policy attached; the simulator models no policies,
        # and an expanded empty subcollection has no items.
        not_modelled=frozenset(
            {"rules", "rulesReference", "description", "policiesReference.items"}
        ),
    ),
    Case(
        "f5-ansible/load_ltm_virtual_1_address.json",
        "/mgmt/tm/ltm/virtual-address/~Common~192.168.10.21",
    ),
    Case(
        "f5-ansible/load_ltm_virtual_address_default.json",
        "/mgmt/tm/ltm/virtual-address/~Common~2.3.4.5",
    ),
    Case("f5-ansible/load_ltm_pool.json", "/mgmt/tm/ltm/pool/~Common~pool1"),
    Case(
        "f5-ansible/pool_members_subcollection.json",
        "/mgmt/tm/ltm/pool/pool1/members",
        "10.10.10.22:80",
    ),
    Case("f5-ansible/load_ltm_node_1.json", "/mgmt/tm/ltm/node/~Common~7.3.67.8"),
    Case("f5-ansible/load_net_node_with_fqdn.json", "/mgmt/tm/ltm/node/~Common~foo.bar.com"),
    Case("f5-ansible/load_ntp.json", "/mgmt/tm/sys/ntp"),
    Case("f5-ansible/load_sys_global_settings.json", "/mgmt/tm/sys/global-settings"),
    Case("f5-ansible/load_net_interfaces.json", "/mgmt/tm/net/interface", "1.1"),
    Case(
        "sts-f5-agent-checks/authn_login.json",
        "/mgmt/shared/authn/login",
        method="POST",
        body={"username": "admin", "password": "admin"},
    ),
    Case("sts-f5-agent-checks/device.json", "/mgmt/tm/cm/device", B, device=B),
    Case(
        "sts-f5-agent-checks/device_group.json",
        "/mgmt/tm/cm/device-group?expandSubcollections=true",
        "device_trust_group",
    ),
    Case("sts-f5-agent-checks/traffic_group.json", "/mgmt/tm/cm/traffic-group", "traffic-group-1"),
    Case("sts-f5-agent-checks/traffic_group_stats.json", "/mgmt/tm/cm/traffic-group/stats"),
    Case("sts-f5-agent-checks/self.json", "/mgmt/tm/net/self", "float-2"),
    Case("sts-f5-agent-checks/vlan.json", "/mgmt/tm/net/vlan?expandSubcollections=true", "alice"),
    Case("sts-f5-agent-checks/pool.json", "/mgmt/tm/ltm/pool?expandSubcollections=true", "plain"),
    Case("sts-f5-agent-checks/node.json", "/mgmt/tm/ltm/node", "7.3.67.8"),
    Case(
        "sts-f5-agent-checks/virtual.json", "/mgmt/tm/ltm/virtual", "AppServer_80", fixture_item=1
    ),
    Case(
        "sts-f5-agent-checks/virtual_address.json", "/mgmt/tm/ltm/virtual-address", "192.168.10.21"
    ),
    Case("sts-f5-agent-checks/interface.json", "/mgmt/tm/net/interface", "1.1"),
    Case(
        "f5-common-python/create_pool_response.json",
        "/mgmt/tm/ltm/pool",
        method="POST",
        body={"name": "generatetestjson", "partition": "Common"},
    ),
    Case(
        "f5-common-python/ltm_virtual_addresses_virtual_address_GET.json",
        "/mgmt/tm/ltm/virtual-address/~Common~2.3.4.5",
    ),
    Case("f5-common-python/sys_GET.json", "/mgmt/tm/sys"),
]


def build() -> SimApp:
    """A device configured with one object like each captured one; a second left fresh."""
    cluster = Cluster.from_devices(
        [
            SimDevice(A, ipaddress.ip_address("127.0.3.1"), 443),
            SimDevice(B, ipaddress.ip_address("127.0.3.2"), 443),
        ]
    )
    dev = cluster.device(A)
    dev.modify("sys/ntp", "", {"servers": ["192.168.1.1", "192.168.1.2"]})
    dev.create("net/vlan", {"name": "alice", "interfaces": [{"name": "1.2", "untagged": True}]})
    dev.create("net/vlan", {"name": "tagged", "interfaces": [{"name": "1.3", "tagged": True}]})
    dev.create(
        "net/self",
        {"name": "aaa-all", "address": "192.2.1.1/24", "vlan": "alice", "allowService": "all"},
    )
    dev.create(
        "net/self",
        {
            "name": "net1",
            "address": "192.2.1.2%0/24",
            "vlan": "alice",
            "allowService": ["tcp:80", "udp:53", "gre:0"],
        },
    )
    dev.create("cm/traffic-group", {"name": "traffic-group-2", "haOrder": [A]})
    dev.create("cm/traffic-group", {"name": "asd", "mac": "00:00:00:00:00:02"})
    dev.create(
        "net/self",
        {
            "name": "float-2",
            "address": "192.2.1.41/24",
            "vlan": "alice",
            "trafficGroup": "traffic-group-2",
        },
    )
    dev.modify(
        "cm/device",
        f"/Common/{A}",
        {
            "configsyncIp": "192.2.1.1",
            "mirrorIp": "192.2.1.1",
            "mirrorSecondaryIp": "192.2.1.2",
            "multicastInterface": "eth0",
            "multicastIp": "224.0.0.245",
            "multicastPort": 62960,
            "unicastAddress": [{"ip": "192.2.1.1", "port": 1026}, {"ip": "management-ip"}],
        },
    )
    dev.create(
        "ltm/node",
        {"name": "7.3.67.8", "address": "7.3.67.8", "description": "n", "monitor": "/Common/icmp"},
    )
    dev.create(
        "ltm/node",
        {"name": "foo.bar.com", "fqdn": {"tmName": "foo.bar.com", "autopopulate": "enabled"}},
    )
    dev.create(
        "ltm/pool",
        {
            "name": "pool1",
            "description": "this is my pool",
            "monitor": "/Common/http and /Common/tcp",
            "metadata": [{"name": "ansible", "persist": "true", "value": "2.4"}],
            "members": [{"name": "10.10.10.22:80"}],
        },
    )
    dev.create(
        "ltm/pool",
        {"name": "plain", "monitor": "/Common/http", "members": [{"name": "10.10.10.22:80"}]},
    )
    dev.create(
        "ltm/virtual",
        {
            "name": "AppServer_80",
            "destination": "192.168.10.21:80",
            "pool": "/Common/plain",
            "ipProtocol": "tcp",
        },
    )
    dev.create(
        "ltm/virtual",
        {
            "name": "fake_dhcp",
            "destination": "2.3.4.5:67",
            "ipProtocol": "any",
            "dhcpRelay": True,
            "translatePort": "disabled",
            "description": "Test Virtual Server",
            "metadata": [{"name": "f5-ansible.version", "persist": "true", "value": "2.14.3"}],
        },
    )
    return SimApp(cluster)


def call(app: SimApp, case: Case) -> Any:
    body = json.dumps(case.body).encode() if case.body is not None else b""
    response = app.handle(case.device, Request(case.method, case.path, dict(AUTH), body))
    assert response.status == 200, response.body
    return json.loads(response.body)


def shape(value: Any) -> Any:
    """Types only; URL-keyed maps (stats entries) collapse to one representative entry."""
    if isinstance(value, dict):
        keys = list(value)
        if keys and all(k.startswith("https://localhost/") for k in keys):
            return {"<url>": shape(value[keys[0]])}
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def differences(
    fixture: Any, sim: Any, strict: bool, skip: frozenset[str], where: str = ""
) -> list[str]:
    if isinstance(fixture, dict) and isinstance(sim, dict):
        out = [
            f"{where}.{k}: missing"
            for k in fixture
            if k not in sim and k not in skip and f"{where}.{k}"[1:] not in skip
        ]
        if strict:
            out += [f"{where}.{k}: extra" for k in sim if k not in fixture]
        for key in fixture.keys() & sim.keys():
            out += differences(fixture[key], sim[key], strict, skip, f"{where}.{key}")
        return out
    if isinstance(fixture, list) and isinstance(sim, list):
        if fixture and sim:
            return differences(fixture[0], sim[0], strict, skip, f"{where}[0]")
        return []
    return [] if fixture == sim else [f"{where}: {fixture} in the capture, {sim} here"]


def pick(payload: Any, name: str | None) -> Any:
    if name is None:
        return payload
    found = [i for i in payload["items"] if i.get("name") == name]
    assert found, f"no item named {name}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=[c.fixture for c in CASES])
def test_response_has_the_captured_shape(case: Case) -> None:
    captured = json.loads((FIXTURES / case.fixture).read_text())
    ours = call(build(), case)
    if case.sim_item is not None and isinstance(captured, dict):
        envelope = {k: v for k, v in captured.items() if k != "items"}
        assert (
            differences(
                shape(envelope),
                shape({k: v for k, v in ours.items() if k != "items"}),
                False,
                frozenset(),
            )
            == []
        )
        captured = captured["items"][case.fixture_item]
    elif case.sim_item is not None:
        captured = captured[case.fixture_item]
    ours = pick(ours, case.sim_item)
    version = (
        json.dumps(captured).split("?ver=")[1].split('"')[0]
        if "?ver=" in json.dumps(captured)
        else None
    )
    strict = version == "16.1.3"
    assert differences(shape(captured), shape(ours), strict, case.not_modelled) == []


def test_every_fixture_file_is_covered() -> None:
    on_disk = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*.json")}
    assert on_disk == {c.fixture for c in CASES}
