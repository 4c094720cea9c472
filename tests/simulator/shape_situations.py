"""The situations the captured devices were in, as writes a client makes: for each capture
of `../shared/fixtures/bigip/`, the objects its device held (with the captured names and
settings) are created on a fresh simulated device through the same REST API before the
captured request is sent. A capture of a fresh device (or of built-in objects only) has no
entry: the simulator's own defaults are what is compared.
"""

from __future__ import annotations

from typing import Any

from shape_device import Step, patch, post

# --- f5-ansible-bigip's 16.0 device -----------------------------------------------------------
NO_SFLOW = {
    "pollInterval": 0,
    "pollIntervalGlobal": "no",
    "samplingRate": 0,
    "samplingRateGlobal": "no",
}
ALICE_FOO1 = (
    post(
        "net/vlan",
        {"name": "alice", "tag": 3605, "interfaces": [{"name": "1.2", "untagged": True}]},
    ),
    post(
        "net/vlan",
        {
            "name": "foo1",
            "tag": 123,
            "sflow": NO_SFLOW,
            "interfaces": [{"name": "1.1", "tagged": True}],
        },
    ),
)
SELF_IPS = (
    *ALICE_FOO1,
    post(
        "net/self",
        {"name": "bar", "address": "192.2.1.1/24", "vlan": "foo1", "allowService": "all"},
    ),
    post(
        "net/self",
        {"name": "foo", "address": "192.1.1.1/24", "vlan": "alice", "allowService": "default"},
    ),
)
POOL1 = post(
    "ltm/pool",
    {
        "name": "pool1",
        "description": "this is my pool",
        "minActiveMembers": 1,
        "monitor": "/Common/http and /Common/tcp",
        "metadata": [
            {"name": "foo1:bar", "persist": "true"},
            {"name": "foo2:baz", "persist": "true"},
            {"name": "ansible", "persist": "true", "value": "2.4"},
        ],
    },
)
POOL1_MEMBERS = (
    POOL1,
    patch(
        "ltm/pool/~Common~pool1",
        {
            "members": [
                {
                    "name": "7.3.67.8:8080",
                    "monitor": "min 1 of { /Common/gateway_icmp /Common/http }",
                    "profiles": [{"name": "ip4ip4"}],
                },
                {
                    "name": "foo.bar.com:8080",
                    "description": "my members",
                    "fqdn": {"tmName": "foo.bar.com", "autopopulate": "disabled"},
                    "monitor": "/Common/http",
                },
                {
                    "name": "google.com:80",
                    "fqdn": {"tmName": "google.com", "autopopulate": "enabled"},
                },
            ]
        },
    ),
)
NODES = (
    post(
        "ltm/node",
        {
            "name": "7.3.67.8",
            "address": "7.3.67.8",
            "description": "ipv4 node",
            "monitor": "min 1 of { /Common/gateway_icmp /Common/icmp }",
        },
    ),
    post(
        "ltm/node",
        {"name": "foo.bar.com", "description": "fqdn node", "fqdn": {"tmName": "foo.bar.com"}},
    ),
)


def fake_virtual(name: str, at: str, destination: str, profiles: list[Any], **more: Any) -> Step:
    """One of f5-ansible-bigip's ten test virtuals (load_ltm_virtual_servers_facts.json), with
    the metadata the Ansible module stamped on it at `at` (on 2023-03-21)."""
    stamp = f"2023-03-21 {at}"
    body = {
        "name": name,
        "description": "Test Virtual Server",
        "destination": destination,
        "ipProtocol": "tcp",
        "profiles": profiles,
        "metadata": [
            {"name": "f5-ansible.last_modified", "persist": "true", "value": stamp},
            {"name": "f5-ansible.version", "persist": "true", "value": "2.14.3"},
        ],
        **more,
    }
    return post("ltm/virtual", body)


# Created in the captured vsIndex order (2 to 11).
FAKE_VIRTUALS = (
    post("ltm/pool", {"name": "stateless-pool"}),
    fake_virtual(
        "fake_standard",
        "21:32:12.459185",
        "192.168.1.1:443",
        [{"name": "clientssl", "context": "clientside"}, "http", "tcp"],
        sourceAddressTranslation={"type": "automap"},
    ),
    fake_virtual(
        "fake_dhcp",
        "21:32:33.614219",
        "192.168.1.2:67",
        ["dhcpv4"],
        ipProtocol="any",
        dhcpRelay=True,
        translatePort="disabled",
    ),
    fake_virtual(
        "fake_fwdip",
        "21:32:39.924493",
        "192.168.1.3:443",
        ["fastL4"],
        ipForward=True,
        translateAddress="disabled",
        translatePort="disabled",
    ),
    fake_virtual("fake_fwdl2", "21:32:46.544396", "192.168.1.4:443", ["fastL4"], l2Forward=True),
    fake_virtual(
        "fake_internal",
        "21:32:58.930524",
        "0.0.0.0:0",
        ["tcp"],
        internal=True,
        vlansEnabled=True,
        translateAddress="disabled",
        translatePort="disabled",
    ),
    fake_virtual("fake_msgrouter", "21:33:35.314704", "192.168.1.6:443", ["diameter", "tcp"]),
    fake_virtual("fake_perf_http", "21:33:53.050158", "192.168.1.7:443", ["fasthttp"]),
    fake_virtual("fake_perf_l4", "21:34:15.809724", "192.168.1.8:443", ["fastL4"]),
    fake_virtual("fake_reject", "21:34:22.761327", "192.168.1.9:443", ["tcp"], reject=True),
    fake_virtual(
        "fake_stateless",
        "21:34:40.013838",
        "192.168.1.10:443",
        ["udp"],
        ipProtocol="udp",
        stateless=True,
        pool="stateless-pool",
        translatePort="disabled",
    ),
)

# --- f5-ansible's 12.x / 13.x devices ---------------------------------------------------------
CONNECTIVITY = (
    post("net/vlan", {"name": "ha", "interfaces": [{"name": "1.3", "untagged": True}]}),
    post("net/vlan", {"name": "mirror", "interfaces": [{"name": "1.4", "untagged": True}]}),
    post("net/self", {"name": "ha", "address": "10.2.2.2/24", "vlan": "ha"}),
    post("net/self", {"name": "mirror", "address": "10.2.3.2/24", "vlan": "mirror"}),
    patch(
        "cm/device/~Common~bigip1",
        {
            "configsyncIp": "10.2.2.2",
            "mirrorIp": "10.2.2.2",
            "mirrorSecondaryIp": "10.2.3.2",
            "multicastInterface": "eth0",
            "multicastIp": "224.0.0.245",
            "multicastPort": 62960,
            "unicastAddress": [
                {"ip": "management-ip", "port": 1026},
                {"ip": "10.2.2.2", "port": 1026},
            ],
        },
    ),
)
MY_VIRTUAL = {
    "name": "my-virtual-server",
    "destination": "10.10.10.10:443",
    "sourceAddressTranslation": {"type": "automap"},
}

# --- sts-f5-agent-checks' 16.1.3 device: one configuration behind all its captures ------------
STS_SETUP = (
    post(
        "net/vlan",
        {
            "name": "ExternalVLAN",
            "sflow": NO_SFLOW,
            "interfaces": [{"name": "1.1", "untagged": True}],
        },
    ),
    post(
        "net/vlan",
        {
            "name": "InternalVLAN",
            "sflow": NO_SFLOW,
            "interfaces": [{"name": "1.2", "untagged": True}],
        },
    ),
    post(
        "net/self", {"name": "192.168.10.2", "address": "192.168.10.2/24", "vlan": "ExternalVLAN"}
    ),
    post("net/self", {"name": "10.10.10.2", "address": "10.10.10.2/24", "vlan": "InternalVLAN"}),
    post(
        "cm/device-group",
        {
            "name": "my-device-group-failover",
            "type": "sync-failover",
            "autoSync": "enabled",
            "devices": ["bigip1.local.net"],
        },
    ),
    post("cm/traffic-group", {"name": "traffic-group-2", "haOrder": ["/Common/bigip1.local.net"]}),
    post(
        "net/self",
        {
            "name": "10.10.10.41",
            "address": "10.10.10.41/24",
            "vlan": "InternalVLAN",
            "trafficGroup": "traffic-group-2",
        },
    ),
    post(
        "ltm/node",
        {
            "name": "10.10.10.22",
            "address": "10.10.10.22",
            "description": "Fake Server",
            "monitor": "/Common/icmp",
        },
    ),
    post(
        "ltm/node",
        {
            "name": "server1",
            "address": "10.10.10.20",
            "description": "Realy server",
            "logging": "enabled",
            "monitor": "/Common/icmp",
        },
    ),
    post(
        "ltm/pool",
        {
            "name": "WebServers_Pool",
            "monitor": "/Common/http",
            "members": ["10.10.10.22:80", "server1:80"],
        },
    ),
    post(
        "ltm/virtual",
        {"name": "WebServer_VIP", "destination": "192.168.10.20:80", "pool": "WebServers_Pool"},
    ),
    patch(
        "ltm/virtual-address/~Common~192.168.10.20", {"trafficGroup": "traffic-group-local-only"}
    ),
    post("ltm/virtual", {"name": "AppServer_80", "destination": "192.168.10.21:80"}),
)


# --- f5-ansible's other single-object captures ---------------------------------------------
SOME_SELF = (
    post("net/vlan", {"name": "net1"}),
    post("net/route-domain", {"name": "1", "id": 1, "vlans": ["/Common/net1"]}),
    post(
        "net/self",
        {
            "name": "net1",
            "address": "10.10.10.10%1/24",
            "vlan": "net1",
            "allowService": ["tcp:80", "udp:53", "gre:0"],
        },
    ),
)
VIRTUAL_3 = {
    **MY_VIRTUAL,
    "description": "Test Virtual Server",
    "ipProtocol": "tcp",
    "profiles": [
        {"name": "clientssl", "context": "clientside"},
        {"name": "http"},
        {"name": "tcp", "context": "clientside"},
        {"name": "tcp-legacy", "context": "serverside"},
    ],
}
TEST_POOL = {
    "name": "test_pool",
    "description": "test",
    "monitor": "min 1 of { /Common/http /Common/inband }",
    "serviceDownAction": "reselect",
}
TAGGED = [{"name": "1.2", "tagged": True}]

GLOBAL = "f5-ansible-bigip/"
F5M = "f5-ansible/"
STS_DIR = "sts-f5-agent-checks/"
SDK_DIR = "f5-common-python/"
SITUATIONS: dict[str, tuple[Step, ...]] = {
    GLOBAL + "load_devices.json": (patch("sys/ntp", {"timezone": "UTC"}),),
    GLOBAL + "load_self_ips.json": SELF_IPS,
    GLOBAL + "load_vlans.json": ALICE_FOO1,
    GLOBAL + "load_ltm_pools.json": (POOL1,),
    GLOBAL + "load_ltm_pool_members.json": POOL1_MEMBERS,
    GLOBAL + "load_ltm_nodes.json": NODES,
    GLOBAL + "load_ltm_virtual_address_collection_1.json": (
        post("ltm/virtual-address", {"name": "2.3.4.5", "address": "2.3.4.5"}),
    ),
    GLOBAL + "load_ltm_virtual_servers_facts.json": FAKE_VIRTUALS,
    F5M + "load_vlan.json": (post("net/vlan", {"name": "somevlan"}),),
    F5M + "load_vlan_interfaces.json": (post("net/vlan", {"name": "vlan1", "interfaces": TAGGED}),),
    F5M + "load_vlan_tagged_ifcs.json": (
        post("net/vlan", {"name": "internal", "interfaces": TAGGED}),
    ),
    F5M + "load_vlan_untag_ifcs.json": (
        post("net/vlan", {"name": "internal", "interfaces": [{"name": "1.1", "untagged": True}]}),
    ),
    F5M + "load_tm_net_self.json": SOME_SELF,
    F5M + "load_tm_cm_device.json": CONNECTIVITY,
    # The simulator has no datasync groups of its own: one with the same settings, made by hand.
    F5M + "load_device_group.json": (
        post(
            "cm/device-group",
            {
                "name": "datasync-device-sslo.ansible.lab.local-dg",
                "autoSync": "enabled",
                "fullLoadOnSync": "true",
            },
        ),
    ),
    F5M + "load_tm_cm_traffic_group_2.json": (
        post("cm/traffic-group", {"name": "asd", "mac": "00:00:00:00:00:02"}),
    ),
    F5M + "load_tg_ha_order.json": (
        post(
            "cm/traffic-group",
            {
                "name": "traffic-group-2",
                "haOrder": ["/Common/v12-1.ansible.local"],
                "autoFailbackEnabled": "true",
            },
        ),
    ),
    F5M + "load_ltm_virtual_1.json": (post("ltm/virtual", {**MY_VIRTUAL, "ipProtocol": "any"}),),
    F5M + "load_ltm_virtual_3.json": (post("ltm/virtual", VIRTUAL_3),),
    F5M + "load_ltm_virtual_1_address.json": (
        post("ltm/virtual-address", {"name": "10.10.10.10", "routeAdvertisement": "enabled"}),
    ),
    F5M + "load_ltm_virtual_address_default.json": (
        post("ltm/virtual-address", {"name": "1.1.1.1"}),
    ),
    F5M + "load_ltm_pool.json": (post("ltm/pool", TEST_POOL),),
    F5M + "pool_members_subcollection.json": (
        post(
            "ltm/pool",
            {"name": "test_pool", "members": [{"name": "1.1.1.1:80", "session": "user-disabled"}]},
        ),
    ),
    F5M + "load_ltm_node_1.json": (
        post(
            "ltm/node",
            {"name": "foo", "address": "1.2.3.4", "description": "my description of node"},
        ),
    ),
    F5M + "load_net_node_with_fqdn.json": (
        post(
            "ltm/node",
            {"name": "foo.bar.com", "fqdn": {"tmName": "foo.bar.com", "autopopulate": "enabled"}},
        ),
    ),
    F5M + "load_ntp.json": (
        patch(
            "sys/ntp",
            {"servers": ["192.168.1.1", "192.168.1.2"], "timezone": "America/Los_Angeles"},
        ),
    ),
    # The captured device took its management address from DHCP; a simulated one has a fixed
    # address, so DHCP starts disabled.
    F5M + "load_sys_global_settings.json": (patch("sys/global-settings", {"mgmtDhcp": "enabled"}),),
    **{
        STS_DIR + name: STS_SETUP
        for name in (
            "device.json",
            "device_group.json",
            "traffic_group.json",
            "traffic_group_stats.json",
            "self.json",
            "vlan.json",
            "pool.json",
            "node.json",
            "virtual.json",
            "virtual_address.json",
            "interface.json",
        )
    },
    SDK_DIR + "ltm_virtual_addresses_virtual_address_GET.json": (
        post("ltm/virtual-address", {"name": "192.168.100.10"}),
    ),
}
