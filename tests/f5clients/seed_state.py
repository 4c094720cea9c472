"""The seed's cluster for the tests of F5's clients: fresh, or configured straight on the
simulator's model (no client involved) for the clients that read a configured cluster."""

from __future__ import annotations

import ipaddress
from typing import Any

from f5ecmp.simulator.cluster import Cluster, SimDevice, Timing
from f5ecmp.simulator.cm import commands


def seed_cluster(seed: dict[str, Any], timing: Timing | None = None) -> Cluster:
    """The seed playbook's three devices, fresh. Rehearsal timing by default: trust, sync and
    failover still happen after a poll, in 0.2 s rather than a second."""
    specs = [
        SimDevice(d["name"], ipaddress.ip_address(d["mgmt"]), d["port"]) for d in seed["devices"]
    ]
    return Cluster.from_devices(specs, timing=timing or Timing.rehearsal())


def address(cidr: str) -> str:
    return cidr.split("/")[0]


def local_network(cluster: Cluster, seed: dict[str, Any]) -> None:
    """On every device: the VLANs, the static self IPs, and the config-sync and failover
    addresses (the guide's steps done on each device)."""
    vlan_of = {role: spec["name"] for role, spec in seed["vlans"].items()}
    with cluster.lock:
        for dev, spec in zip(cluster.devices.values(), seed["devices"], strict=True):
            for vlan in seed["vlans"].values():
                untagged = [{"name": i["name"], "untagged": True} for i in vlan["interfaces"]]
                dev.create(
                    "net/vlan", {"name": vlan["name"], "tag": vlan["tag"], "interfaces": untagged}
                )
            for role, cidr in spec["static_selfs"].items():
                dev.create(
                    "net/self",
                    {"name": f"{role}_static", "vlan": vlan_of[role], "address": cidr},
                )
            dev.modify(
                "cm/device",
                dev.full_name,
                {
                    "configsyncIp": address(spec["static_selfs"]["internal"]),
                    "unicastAddress": [
                        {"ip": address(spec["static_selfs"]["ha"]), "port": 1026},
                        {"ip": "management-ip", "port": 1026},
                    ],
                },
            )


def build_ecmp(cluster: Cluster, seed: dict[str, Any]) -> None:
    """The local network, trust, the device group, pool, virtual server and its spanning
    virtual address, the traffic groups and floating self IPs, synced: In Sync."""
    local_network(cluster, seed)
    devices = list(cluster.devices.values())
    with cluster.lock:
        first = devices[0]
        for peer in devices[1:]:
            cluster.trust.add_to_trust(
                first,
                {
                    "command": "run",
                    "name": "Root",
                    "caDevice": True,
                    "device": str(peer.mgmt),
                    "deviceName": peer.name,
                    "username": cluster.credentials[0],
                    "password": cluster.credentials[1],
                },
            )
    cluster.settle(10)
    group = seed["device_group"]["name"]
    with cluster.lock:
        first.create(
            "cm/device-group",
            {
                "name": group,
                "type": "sync-failover",
                "devices": [d.name for d in devices],
                "networkFailover": "enabled",
            },
        )
    cluster.settle(10)
    with cluster.lock:
        application(cluster, seed)
        commands.config_sync(
            cluster, first, {"command": "run", "utilCmdArgs": f"config-sync to-group {group}"}
        )
    cluster.settle(10)


def application(cluster: Cluster, seed: dict[str, Any]) -> None:
    devices = list(cluster.devices.values())
    first = devices[0]
    pool, virtual = seed["pool"], seed["virtual_server"]
    members = [
        {"name": f"{m['address']}:{m['port']}", "address": m["address"]} for m in pool["members"]
    ]
    first.create(
        "ltm/pool",
        {"name": pool["name"], "monitor": "/Common/http", "members": members},
    )
    first.create(
        "ltm/virtual",
        {
            "name": virtual["name"],
            "destination": f"/Common/{virtual['destination']}:{virtual['port']}",
            "ipProtocol": "tcp",
            "pool": f"/Common/{pool['name']}",
            "mirror": "enabled",
            "sourceAddressTranslation": {"type": "automap"},
        },
    )
    first.modify(
        "ltm/virtual-address",
        f"/Common/{virtual['destination']}",
        {"arp": "disabled", "spanning": "enabled"},
    )
    names = [d.full_name for d in devices]
    for index, spec in enumerate(seed["devices"]):
        tg = spec["traffic_group"]
        body = {
            "mac": tg["mac_masquerade"],
            "haOrder": names[index:] + names[:index],
            "autoFailbackEnabled": "true",
        }
        if first.store.get("cm/traffic-group", f"/Common/{tg['name']}") is None:
            first.create("cm/traffic-group", {"name": tg["name"], **body})
        else:
            first.modify("cm/traffic-group", f"/Common/{tg['name']}", body)
        for role, cidr in spec["floating_selfs"].items():
            first.create(
                "net/self",
                {
                    "name": f"float_{role}_{spec['name'].split('.')[0]}",
                    "address": cidr,
                    "vlan": seed["vlans"][role]["name"],
                    "trafficGroup": tg["name"],
                },
            )
