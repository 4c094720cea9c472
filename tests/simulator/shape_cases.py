"""Every capture of `../shared/fixtures/bigip/` (see its README) as a case: the request it
answers and the device it came from. The simulated device is named like the captured one, has
its management address, claims its TMOS version (the `ver=` of the capture) and is first put in
the captured situation (`shape_situations.SITUATIONS`), so that values are compared and not only
key names; what a device decides by itself is listed in `shape_exceptions.py`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from shape_situations import F5M, GLOBAL, SDK_DIR, SITUATIONS, STS_DIR, Step

from f5ecmp.simulator.cluster import DEFAULT_VERSION

# The captures live beside the repository (`../shared/fixtures/bigip`), not in it: their
# licences (GPL-3.0, MIT, Apache-2.0) differ from the project's. Outside CI a checkout without
# them skips the tests that need them; in CI (`CI` set) they must be there, and those tests fail.
FIXTURES = Path(
    os.environ.get("F5ECMP_BIGIP_FIXTURES")
    or Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "bigip"
)
needs_captures = pytest.mark.skipif(
    not FIXTURES.is_dir() and not os.environ.get("CI"),
    reason=f"captured BIG-IP fixtures not found at {FIXTURES} (set F5ECMP_BIGIP_FIXTURES)",
)
VERSION = re.compile(r"[?&]ver=([0-9][0-9.]*)")


def captured_version(text: str) -> str:
    """The TMOS release a capture came from: the `ver=` of its links (a login has none)."""
    found = VERSION.search(text)
    return found.group(1) if found else DEFAULT_VERSION


@dataclass(frozen=True)
class Case:
    fixture: str
    request: str  # "GET /mgmt/tm/..." as the capture's client sent it
    device: str  # the captured device's CM name (also its hostname)
    mgmt: str  # its management address
    body: dict[str, Any] | None = None
    credentials: tuple[str, str] = ("admin", "admin")
    client: str = "127.0.0.1"  # the address the captured client called from

    @property
    def method(self) -> str:
        return self.request.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.request.split(" ", 1)[1]

    @property
    def setup(self) -> tuple[Step, ...]:
        return SITUATIONS.get(self.fixture, ())


# The devices the captures come from: CM name and management address.
BIGIP = ("bigip.example.com", "10.144.73.155")  # f5-ansible-bigip, 16.0.0 (load_devices.json)
BIGIP1 = ("bigip1", "10.0.2.15")  # f5-ansible, 12.x/13.x (load_tm_cm_device.json)
STS = ("bigip1.local.net", "172.16.253.200")  # sts-f5-agent-checks, 16.1.3 (device.json)
SDK = ("bigip1", "10.0.2.16")  # f5-common-python, 11.6.0 (no device record captured)
SSLO = ("sslo.ansible.lab.local", "10.0.2.17")  # f5-ansible load_device_group.json
V12 = ("v12-1.ansible.local", "10.0.2.18")  # f5-ansible load_tg_ha_order.json
TG = "/mgmt/tm/cm/traffic-group/~Common~"
VLAN = "/mgmt/tm/net/vlan/~Common~"
VIRTUAL = "/mgmt/tm/ltm/virtual/~Common~my-virtual-server"
VA = "/mgmt/tm/ltm/virtual-address/~Common~"
LOGIN = "POST /mgmt/shared/authn/login"
EXPAND = "?expandSubcollections=true"


def sts(fixture: str, request: str) -> Case:
    return Case(STS_DIR + fixture, request, *STS)


CASES = [
    Case(GLOBAL + "load_sys_sync_status.json", "GET /mgmt/tm/cm/sync-status", *BIGIP),
    Case(GLOBAL + "load_tg_stats.json", f"GET {TG}traffic-group-1/stats", *BIGIP),
    Case(GLOBAL + "load_devices.json", "GET /mgmt/tm/cm/device", *BIGIP),
    Case(GLOBAL + "load_device_groups.json", f"GET /mgmt/tm/cm/device-group{EXPAND}", *BIGIP),
    Case(GLOBAL + "load_self_ips.json", "GET /mgmt/tm/net/self", *BIGIP),
    Case(GLOBAL + "load_vlans.json", f"GET /mgmt/tm/net/vlan{EXPAND}", *BIGIP),
    Case(GLOBAL + "load_sys_version.json", "GET /mgmt/tm/sys/version", *BIGIP),
    Case(GLOBAL + "load_ltm_pools.json", "GET /mgmt/tm/ltm/pool", *BIGIP),
    Case(
        GLOBAL + "load_ltm_pool_members.json", "GET /mgmt/tm/ltm/pool/~Common~pool1/members", *BIGIP
    ),
    Case(GLOBAL + "load_ltm_nodes.json", "GET /mgmt/tm/ltm/node", *BIGIP),
    Case(
        GLOBAL + "load_ltm_virtual_address_collection_1.json",
        "GET /mgmt/tm/ltm/virtual-address",
        *BIGIP,
    ),
    Case(
        GLOBAL + "load_ltm_virtual_servers_facts.json", f"GET /mgmt/tm/ltm/virtual{EXPAND}", *BIGIP
    ),
    Case(GLOBAL + "load_net_interfaces.json", "GET /mgmt/tm/net/interface", *BIGIP),
    Case(GLOBAL + "load_interfaces.json", "GET /mgmt/tm/net/interface", *BIGIP),
    Case(
        GLOBAL + "tmos_auth_response.json",
        LOGIN,
        *BIGIP,
        body={"username": "foo", "password": "secret", "loginProviderName": "tmos"},
        credentials=("foo", "secret"),
        client="192.168.1.1",
    ),
    Case(GLOBAL + "load_tmos_version.json", "GET /mgmt/tm/sys/", *BIGIP),
    Case(F5M + "load_vlan.json", f"GET {VLAN}somevlan", *BIGIP1),
    Case(F5M + "load_vlan_interfaces.json", f"GET {VLAN}vlan1/interfaces", *BIGIP1),
    Case(F5M + "load_vlan_tagged_ifcs.json", f"GET {VLAN}internal/interfaces", *BIGIP1),
    Case(F5M + "load_vlan_untag_ifcs.json", f"GET {VLAN}internal/interfaces", *BIGIP1),
    Case(F5M + "load_tm_net_self.json", "GET /mgmt/tm/net/self/~Common~net1", *BIGIP1),
    Case(F5M + "load_tm_cm_device.json", "GET /mgmt/tm/cm/device/~Common~bigip1", *BIGIP1),
    Case(F5M + "load_tm_cm_device_default.json", "GET /mgmt/tm/cm/device/~Common~bigip1", *BIGIP1),
    Case(
        F5M + "load_tm_cm_device_group.json",
        "GET /mgmt/tm/cm/device-group/~Common~device_trust_group",
        *BIGIP1,
    ),
    Case(
        F5M + "load_device_group.json",
        "GET /mgmt/tm/cm/device-group/~Common~datasync-device-sslo.ansible.lab.local-dg",
        *SSLO,
    ),
    Case(F5M + "load_tm_cm_traffic_group_1.json", f"GET {TG}traffic-group-1", *BIGIP1),
    Case(F5M + "load_tm_cm_traffic_group_2.json", f"GET {TG}asd", *BIGIP1),
    Case(F5M + "load_tg_ha_order.json", f"GET {TG}traffic-group-2", *V12),
    Case(F5M + "load_ltm_virtual_1.json", f"GET {VIRTUAL}", *BIGIP1),
    Case(F5M + "load_ltm_virtual_3.json", f"GET {VIRTUAL}{EXPAND}", *BIGIP1),
    Case(F5M + "load_ltm_virtual_1_address.json", f"GET {VA}10.10.10.10", *BIGIP1),
    Case(F5M + "load_ltm_virtual_address_default.json", f"GET {VA}1.1.1.1", *BIGIP1),
    Case(F5M + "load_ltm_pool.json", "GET /mgmt/tm/ltm/pool/~Common~test_pool", *BIGIP1),
    Case(
        F5M + "pool_members_subcollection.json",
        "GET /mgmt/tm/ltm/pool/~Common~test_pool/members",
        *BIGIP1,
    ),
    Case(F5M + "load_ltm_node_1.json", "GET /mgmt/tm/ltm/node/~Common~foo", *BIGIP1),
    Case(
        F5M + "load_net_node_with_fqdn.json", "GET /mgmt/tm/ltm/node/~Common~foo.bar.com", *BIGIP1
    ),
    Case(F5M + "load_ntp.json", "GET /mgmt/tm/sys/ntp", *BIGIP1),
    Case(F5M + "load_sys_global_settings.json", "GET /mgmt/tm/sys/global-settings", *BIGIP1),
    Case(F5M + "load_net_interfaces.json", "GET /mgmt/tm/net/interface", *BIGIP1),
    Case(
        STS_DIR + "authn_login.json",
        LOGIN,
        *STS,
        body={"username": "admin", "password": "admin"},
        client="172.16.253.128",
    ),
    sts("device.json", "GET /mgmt/tm/cm/device"),
    sts("device_group.json", f"GET /mgmt/tm/cm/device-group{EXPAND}"),
    sts("traffic_group.json", "GET /mgmt/tm/cm/traffic-group"),
    sts("traffic_group_stats.json", "GET /mgmt/tm/cm/traffic-group/stats"),
    sts("self.json", "GET /mgmt/tm/net/self"),
    sts("vlan.json", f"GET /mgmt/tm/net/vlan{EXPAND}"),
    sts("pool.json", f"GET /mgmt/tm/ltm/pool{EXPAND}"),
    sts("node.json", "GET /mgmt/tm/ltm/node"),
    sts("virtual.json", "GET /mgmt/tm/ltm/virtual"),
    sts("virtual_address.json", "GET /mgmt/tm/ltm/virtual-address"),
    sts("interface.json", "GET /mgmt/tm/net/interface"),
    Case(SDK_DIR + "cm_sync_status_GET.json", "GET /mgmt/tm/cm/sync-status", *SDK),
    Case(
        SDK_DIR + "create_pool_response.json",
        "POST /mgmt/tm/ltm/pool",
        *SDK,
        body={"name": "generatetestjson", "partition": "Common"},
    ),
    Case(
        SDK_DIR + "ltm_virtual_addresses_virtual_address_GET.json",
        f"GET {VA}192.168.100.10",
        *SDK,
    ),
    Case(SDK_DIR + "sys_GET.json", "GET /mgmt/tm/sys", *SDK),
]
