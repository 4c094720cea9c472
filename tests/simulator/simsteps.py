"""Model-level steps of the guide's procedure, shared by the simulator's tests."""

from __future__ import annotations

import ipaddress

from f5ecmp.simulator.cluster import Cluster, SimDevice
from f5ecmp.simulator.cm import commands
from f5ecmp.simulator.device import Device

# The guide's three devices (seed example), their VLANs and addresses.
SEED = [
    SimDevice(f"bigip-{x}.example.net", ipaddress.ip_address(f"127.0.1.{i}"), 8443)
    for i, x in enumerate("abc", start=1)
]
VLANS = (
    ("external", 10, "20.1.1", "1.1"),
    ("internal", 20, "10.1.1", "1.2"),
    ("HA", 30, "30.2.2", "1.3"),
)
TRAFFIC_GROUPS = ("traffic-group-1", "traffic-group-2", "traffic-group-3")


def local_network(dev: Device, index: int) -> None:
    """Steps 1-3 and 5 of the guide on one device, straight on the model."""
    for vlan, tag, prefix, interface in VLANS:
        dev.create(
            "net/vlan",
            {"name": vlan, "tag": tag, "interfaces": [{"name": interface, "untagged": True}]},
        )
        dev.create(
            "net/self",
            {
                "name": f"{vlan}-static",
                "vlan": vlan,
                "address": f"{prefix}.{6 + index}/24",
                "allowService": "default",
            },
        )
    dev.modify("sys/ntp", "", {"servers": ["192.0.2.123"], "timezone": "UTC"})


def connectivity(dev: Device, index: int) -> None:
    dev.modify(
        "cm/device",
        dev.full_name,
        {
            "configsyncIp": f"10.1.1.{6 + index}",
            "mirrorIp": f"10.1.1.{6 + index}",
            "mirrorSecondaryIp": f"30.2.2.{6 + index}",
            "unicastAddress": [
                {"ip": f"30.2.2.{6 + index}", "port": 1026},
                {"ip": "management-ip", "port": 1026},
            ],
        },
    )


def trust_all(cluster: Cluster) -> None:
    first, *others = cluster.devices.values()
    for peer in others:
        cluster.trust.add_to_trust(
            first,
            {
                "command": "run",
                "name": "Root",
                "caDevice": True,
                "device": str(peer.mgmt),
                "deviceName": peer.name,
                "username": "admin",
                "password": "admin",
            },
        )
    cluster.settle()


def sync(cluster: Cluster, dev: Device, group: str = "dg-ecmp") -> None:
    commands.config_sync(
        cluster, dev, {"command": "run", "utilCmdArgs": f"config-sync to-group {group}"}
    )
    cluster.settle()


def application(cluster: Cluster) -> None:
    """Steps 7-11 on the first device."""
    a, b, c = cluster.devices.values()
    a.create(
        "ltm/pool",
        {
            "name": "web",
            "monitor": "/Common/http",
            "members": [{"name": "10.1.1.100:80", "address": "10.1.1.100"}],
        },
    )
    a.create(
        "ltm/virtual",
        {
            "name": "app1",
            "destination": "/Common/30.1.1.10:80",
            "ipProtocol": "tcp",
            "pool": "/Common/web",
            "mirror": "enabled",
            "sourceAddressTranslation": {"type": "automap"},
        },
    )
    a.modify(
        "ltm/virtual-address",
        "/Common/30.1.1.10",
        {"arp": "disabled", "spanning": "enabled", "trafficGroup": "/Common/traffic-group-1"},
    )
    devices = [a.full_name, b.full_name, c.full_name]
    for i, tg in enumerate(TRAFFIC_GROUPS):
        body = {
            "mac": f"02:01:d7:93:35:0{i + 1}",
            "haOrder": devices[i:] + devices[:i],
            "autoFailbackEnabled": "true",
        }
        if i == 0:
            a.modify("cm/traffic-group", f"/Common/{tg}", body)
        else:
            a.create("cm/traffic-group", {"name": tg, **body})
        a.create(
            "net/self",
            {
                "name": f"float-ext-{i}",
                "address": f"20.1.1.{2 + i}/24",
                "vlan": "external",
                "trafficGroup": tg,
            },
        )
        a.create(
            "net/self",
            {
                "name": f"float-int-{i}",
                "address": f"10.1.1.{2 + i}/24",
                "vlan": "internal",
                "trafficGroup": tg,
            },
        )


def build_ecmp(cluster: Cluster) -> None:
    """The whole procedure on the model; ends In Sync with each TG on its own device."""
    devices = list(cluster.devices.values())
    for i, dev in enumerate(devices):
        local_network(dev, i)
    trust_all(cluster)
    for i, dev in enumerate(devices):
        connectivity(dev, i)
    devices[0].create(
        "cm/device-group",
        {
            "name": "dg-ecmp",
            "type": "sync-failover",
            "devices": [d.name for d in devices],
            "networkFailover": "enabled",
            "autoSync": "disabled",
        },
    )
    cluster.settle()
    sync(cluster, devices[0])
    application(cluster)
    sync(cluster, devices[0])
