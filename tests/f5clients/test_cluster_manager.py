"""f5-sdk's `ClusterManager` (f5.multi_device) builds and tears down a three-device
sync-failover cluster against the simulator.

Its TrustDomain adds and removes trusted devices by deploying an iApp whose implementation
runs `tmsh::modify cm trust-domain Root ca-devices add|delete { … }`, then syncs
`device_trust_group`; its DeviceGroup creates the group on the first device, adds each device
from that device itself, and, on teardown, syncs from each device right after it left. Every
wait is f5-sdk's own poll (up to 20 tries, 2 s apart); with instant cluster timing each effect
shows at the next request, so the polls rarely sleep.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from seed_state import local_network, seed_cluster

from f5ecmp.simulator.cluster import Timing
from f5ecmp.simulator.serve import SimServer, serve

pytestmark = pytest.mark.filterwarnings("ignore:distutils Version classes:DeprecationWarning")
GROUP = "dg-sdk"


@pytest.fixture
def prepared(ansible_installed: None, seed: dict[str, Any]) -> Iterator[SimServer]:
    """The seed devices with their local network and config-sync addresses (a device group
    needs them; ClusterManager does not set them)."""
    cluster = seed_cluster(seed, Timing.instant())
    local_network(cluster, seed)
    with serve(cluster, ephemeral_ports=True) as server:
        yield server


def management_roots(server: SimServer) -> list[Any]:
    from f5.bigip import ManagementRoot

    roots = []
    for url in server.devices.values():
        host, port = url.removeprefix("https://").rsplit(":", 1)
        roots.append(
            ManagementRoot(
                host, "admin", "admin", port=int(port), token=True, verify=str(server.ca_bundle)
            )
        )
    return roots


def test_cluster_manager_creates_and_tears_down_a_sync_failover_cluster(
    prepared: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from f5.multi_device.cluster import ClusterManager

    # requests prefers these over the session's `verify`, where f5-sdk puts the CA.
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    cluster = prepared.cluster
    names = set(cluster.devices)
    manager = ClusterManager()
    manager.create(
        devices=management_roots(prepared),
        device_group_name=GROUP,
        device_group_type="sync-failover",
        device_group_partition="Common",
    )
    for dev in cluster.devices.values():
        assert dev.trust == names
        group = dev.get("cm/device-group", f"/Common/{GROUP}")
        assert {c.rsplit("/", 1)[1] for c in group.children["devices"]} == names
        assert cluster.sync.report(dev).status == "In Sync"
        assert not dev.store.items("sys/application/service")
        assert not dev.store.items("sys/application/template")

    manager.teardown()
    cluster.tick()
    for dev in cluster.devices.values():
        assert dev.trust == {dev.name}
        assert dev.store.get("cm/device-group", f"/Common/{GROUP}") is None
        assert cluster.sync.report(dev).status == "Standalone"
        assert cluster.failover.device_state(dev) == "active"
    log = prepared.request_log()
    paths = {(e["method"], e["path"].rstrip("/")) for e in log}
    # f5-sdk's polls swallow errors: none may have been needed beyond "not there yet" reads.
    assert [e for e in log if e["status"] >= 400 and e["method"] != "GET"] == []
    assert ("POST", "/mgmt/tm/sys/application/template") in paths
    assert ("POST", "/mgmt/tm/sys/application/service") in paths
