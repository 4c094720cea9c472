"""When cluster events land and who may use the cluster at once: the ticker, the
reader/writer lock, a config sync built aside and installed at once, the cache of reads."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from simclient import Rest, sync_status
from simsteps import SEED, build_ecmp, sync

from f5ecmp.simulator import SimApp
from f5ecmp.simulator.cluster import Cluster, Timing
from f5ecmp.simulator.cm import sync as sim_sync
from f5ecmp.simulator.device import Device
from f5ecmp.simulator.locking import ClusterLock
from f5ecmp.simulator.rest.base import Request, Response
from f5ecmp.simulator.serve import serve
from f5ecmp.simulator.store import ConfigStore

SYNC = {"command": "run", "utilCmdArgs": "config-sync to-group dg-ecmp"}


# --- the lock -------------------------------------------------------------------------------


def test_reads_run_side_by_side() -> None:
    lock = ClusterLock()
    both_inside = threading.Barrier(2, timeout=5)

    def read() -> None:
        with lock.shared():
            both_inside.wait()  # raises BrokenBarrierError unless both readers are in at once

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert not both_inside.broken


def test_a_change_waits_for_reads_and_keeps_new_ones_out() -> None:
    lock = ClusterLock()
    order: list[str] = []
    reading, finish = threading.Event(), threading.Event()

    def long_read() -> None:
        with lock.shared():
            reading.set()
            finish.wait(5)
            order.append("first read")

    def change() -> None:
        with lock:
            order.append("change")

    def late_read() -> None:
        with lock.shared():
            order.append("late read")

    threads = [threading.Thread(target=long_read)]
    threads[0].start()
    reading.wait(5)
    epoch = lock.epoch
    threads.append(threading.Thread(target=change))
    threads[-1].start()
    deadline = time.monotonic() + 5
    while not lock._waiting and time.monotonic() < deadline:  # the change is waiting
        time.sleep(0.01)
    threads.append(threading.Thread(target=late_read))
    threads[-1].start()
    time.sleep(0.1)
    assert order == [], "the change waits for the read, the late read for the change"
    finish.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first read", "change", "late read"]
    assert lock.epoch == epoch + 1


def test_the_lock_is_reentrant_and_a_read_cannot_start_a_change() -> None:
    lock = ClusterLock()
    with lock, lock, lock.shared():
        pass  # a change may read and change again
    with lock.shared(), lock.shared():
        with pytest.raises(RuntimeError, match="cannot change"):
            lock.acquire()
        with pytest.raises(RuntimeError, match="cannot change"), lock.serial():
            pass


# --- config sync: built aside, installed at once, only what differs -------------------------


def test_a_sync_is_built_aside_and_installed_on_every_target_at_once(
    ecmp: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = ecmp.devices.values()
    seen: list[tuple[bool, bool, str]] = []
    build = sim_sync.staged_configuration

    def watched(source: Device, target: Device) -> ConfigStore:
        # What a read sees while a target's configuration is being built.
        seen.append(
            (
                b.store.get("ltm/pool", "/Common/later") is not None,
                c.store.get("ltm/pool", "/Common/later") is not None,
                ecmp.sync.report(a).status,
            )
        )
        return build(source, target)

    monkeypatch.setattr(sim_sync, "staged_configuration", watched)
    a.create("ltm/pool", {"name": "later"})
    sync(ecmp, a)
    assert seen == [(False, False, "Not All Devices Synced")] * 2
    assert all(d.store.get("ltm/pool", "/Common/later") is not None for d in (b, c))
    assert {ecmp.sync.report(d).status for d in (a, b, c)} == {"In Sync"}


def test_a_sync_copies_only_what_changed(ecmp: Cluster) -> None:
    a, b, _ = ecmp.devices.values()
    node = b.store.get("ltm/node", "/Common/10.1.1.100")
    pool = b.store.get("ltm/pool", "/Common/web")
    assert node is not None and pool is not None
    member = pool.children["members"]["/Common/10.1.1.100:80"]
    a.modify("ltm/pool", "/Common/web", {"description": "changed"})
    sync(ecmp, a)
    synced = b.store.get("ltm/pool", "/Common/web")
    assert synced is not None and synced.props["description"] == "changed"
    assert synced.generation > pool.generation
    assert b.store.get("ltm/node", "/Common/10.1.1.100") is node, "unchanged: kept as it was"
    assert synced.children["members"]["/Common/10.1.1.100:80"] is member


# --- the ticker -----------------------------------------------------------------------------


def served_ecmp(timing: Timing) -> Cluster:
    """The guide's cluster on the real clock, built at once, then given `timing`."""
    cluster = Cluster.from_devices(SEED, timing=Timing.instant())
    build_ecmp(cluster)
    cluster.timing = timing
    return cluster


def test_a_sync_lands_when_due_without_any_request() -> None:
    cluster = served_ecmp(Timing())
    a, b, _ = cluster.devices.values()
    with serve(cluster, ephemeral_ports=True) as sim:
        rest = Rest(sim.devices[a.name], str(sim.ca_bundle))
        rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "later"})
        rest.ok("POST", "/mgmt/tm/cm", SYNC)
        assert b.store.get("ltm/pool", "/Common/later") is None, "a sync takes its time"
        deadline = time.monotonic() + 10
        while b.store.get("ltm/pool", "/Common/later") is None and time.monotonic() < deadline:
            time.sleep(0.05)  # no request is sent meanwhile
        assert b.store.get("ltm/pool", "/Common/later") is not None
        assert sync_status(rest) == "In Sync"
        rest.close()


def test_the_ticker_outlives_a_failing_event(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("broken")

    cluster = Cluster.from_count(1)
    cluster.start_ticker()
    try:
        done = threading.Event()
        cluster.schedule(0, broken, "broken")
        cluster.schedule(0.05, done.set, "after it")
        assert done.wait(5)
    finally:
        cluster.stop_ticker()
    assert "a simulated cluster event failed" in caplog.text


def test_with_zero_delays_the_next_read_sees_a_sync() -> None:
    cluster = served_ecmp(Timing.instant())
    a, b, _ = cluster.devices.values()
    with serve(cluster, ephemeral_ports=True) as sim:
        first = Rest(sim.devices[a.name], str(sim.ca_bundle))
        second = Rest(sim.devices[b.name], str(sim.ca_bundle))
        for n in range(5):
            first.ok("POST", "/mgmt/tm/ltm/pool", {"name": f"now-{n}"})
            first.ok("POST", "/mgmt/tm/cm", SYNC)
            assert second.get(f"/mgmt/tm/ltm/pool/~Common~now-{n}").status_code == 200
            assert sync_status(second) == "In Sync"
        first.close()
        second.close()


# --- the cache of reads ---------------------------------------------------------------------


def logged_in(app: SimApp, device: str) -> Callable[..., Response]:
    """Requests to one device of `app`, in-process, with a token."""
    body = json.dumps({"username": "admin", "password": "admin"}).encode()
    login = app.handle(device, Request("POST", "/mgmt/shared/authn/login", {}, body))
    token = json.loads(login.body)["token"]["token"]

    def call(method: str, target: str, body: Any = None) -> Response:
        raw = b"" if body is None else json.dumps(body).encode()
        return app.handle(device, Request(method, target, {"x-f5-auth-token": token}, raw))

    return call


def test_a_read_of_configuration_is_kept_until_anything_changes(instant_cluster: Cluster) -> None:
    app = SimApp(instant_cluster)
    a, b, _ = instant_cluster.devices.values()
    on_a, on_b = logged_in(app, a.name), logged_in(app, b.name)
    first = on_a("GET", "/mgmt/tm/ltm/pool?expandSubcollections=true")
    assert on_a("GET", "/mgmt/tm/ltm/pool?expandSubcollections=true") is first
    a.create("ltm/pool", {"name": "straight-on-the-model"})
    changed = on_a("GET", "/mgmt/tm/ltm/pool?expandSubcollections=true")
    assert b"straight-on-the-model" in changed.body
    assert on_b("PATCH", "/mgmt/tm/sys/ntp", {"timezone": "UTC"}).status == 200
    again = on_a("GET", "/mgmt/tm/ltm/pool?expandSubcollections=true")
    assert again is not changed and again.body == changed.body, "a change anywhere: rendered anew"
    assert on_a("GET", "/mgmt/tm/cm/sync-status") is not on_a("GET", "/mgmt/tm/cm/sync-status")
