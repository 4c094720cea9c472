"""What the simulator itself sustains, so that it is never what a benchmark of f5ecmp measures.

Not a unit test (pytest does not collect it). Run it on an otherwise idle machine:

    python tests/benchmarks/bench_simulator_throughput.py [--seconds 10] [--clients 2]
        [--scenario all|gets|pool|sync-status] [--json out.json]

Each scenario serves a cluster in a process of its own, as `f5ecmp sim serve` would, and
measures it from separate client processes over keep-alive HTTPS (one login per device):

* ``gets``: small GETs (version, VLANs, sync status, pools) round robin over 3 devices;
  requests per second (the simulator must sustain 1,000/s).
* ``pool``: GETs of a 1,000-member pool with ``expandSubcollections=true`` on 3 devices;
  requests per second (at least 200/s).
* ``sync-status``: 8 devices in a Sync-Failover group with a 5,000-member pool and a device's
  timing (``Timing()``: a sync lands a second after it is asked for). One process reads
  ``cm/sync-status`` on every device in turn, back to back, while another changes the pool and
  syncs it every 2 seconds; the time of each read, from request to the last byte of its answer
  (at most 10 ms, also while a sync lands).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing
import os
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from f5ecmp.simulator import Cluster, Timing, serve, write_endpoints_file  # noqa: E402
from f5ecmp.simulator.cm import commands as sim_commands  # noqa: E402

SMALL_GETS = (
    "/mgmt/tm/sys/version",
    "/mgmt/tm/net/vlan",
    "/mgmt/tm/cm/sync-status",
    "/mgmt/tm/ltm/pool",
)
POOL = "/mgmt/tm/ltm/pool/~Common~bench_pool"
SYNC_STATUS = "/mgmt/tm/cm/sync-status"
GROUP = "dg-bench"


def members(count: int) -> list[dict[str, str]]:
    addresses = [f"10.9.{k // 250}.{k % 250 + 1}" for k in range(count)]
    return [{"name": f"{a}:80", "address": a} for a in addresses]


# --- the served side (run as `--serve SCENARIO ENDPOINTS_FILE`) -----------------------------


def synced_cluster(devices: int, pool_members: int) -> Cluster:
    """`devices` devices trusting each other in one Sync-Failover group, a pool of
    `pool_members` members synced to all; built at once, then given a device's timing."""
    cluster = Cluster.from_count(devices, timing=Timing.instant())
    every = list(cluster.devices.values())
    for i, dev in enumerate(every, start=1):
        dev.create(
            "net/vlan",
            {"name": "internal", "tag": 20, "interfaces": [{"name": "1.2", "untagged": True}]},
        )
        dev.create(
            "net/self",
            {"name": "internal-self", "vlan": "internal", "address": f"10.1.1.{10 + i}/24"},
        )
        dev.modify("cm/device", dev.full_name, {"configsyncIp": f"10.1.1.{10 + i}"})
    first = every[0]
    for peer in every[1:]:
        cluster.trust.add_to_trust(
            first,
            {"command": "run", "name": "Root", "caDevice": True, "device": str(peer.mgmt),
             "deviceName": peer.name, "username": "admin", "password": "admin"},
        )  # fmt: skip
    cluster.settle()
    names = [d.name for d in every]
    first.create("cm/device-group", {"name": GROUP, "type": "sync-failover", "devices": names})
    first.create("ltm/pool", {"name": "bench_pool", "members": members(pool_members)})
    cluster.settle()
    sync_to_group(cluster, first)
    cluster.timing = Timing()
    return cluster


def sync_to_group(cluster: Cluster, dev: Any) -> None:
    body = {"command": "run", "utilCmdArgs": f"config-sync to-group {GROUP}"}
    sim_commands.config_sync(cluster, dev, body)
    cluster.settle()


def serve_until_stopped(scenario: str, endpoints_file: Path) -> None:
    cluster = synced_cluster(8, 5000) if scenario == "sync-status" else Cluster.from_count(3)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with serve(cluster, ephemeral_ports=True) as sim:
        write_endpoints_file(sim.endpoints, endpoints_file)
        while not stop.wait(0.2):
            pass


# --- the measuring side ---------------------------------------------------------------------


class Session:
    """One device over one keep-alive HTTPS connection, logged in."""

    def __init__(self, url: str, ca_bundle: str) -> None:
        parts = urlsplit(url)
        context = ssl.create_default_context(cafile=ca_bundle)
        self.conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=context)
        body = {"username": "admin", "password": "admin", "loginProviderName": "tmos"}
        self.token = self.call("POST", "/mgmt/shared/authn/login", body)["token"]["token"]

    def send(self, method: str, path: str, body: Any = None) -> bytes:
        headers = {"Content-Type": "application/json"}
        if getattr(self, "token", None):
            headers["X-F5-Auth-Token"] = self.token
        payload = None if body is None else json.dumps(body)
        self.conn.request(method, path, payload, headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return data

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return json.loads(self.send(method, path, body))


def get_loop(urls: list[str], ca: str, paths: tuple[str, ...], seconds: float, out: Any) -> None:
    """GETs round robin over the devices until the time is up; puts the count."""
    sessions = [Session(url, ca) for url in urls]
    done = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for session in sessions:
            session.send("GET", paths[done % len(paths)])
            done += 1
    out.put(done)


def poll_loop(urls: list[str], ca: str, seconds: float, out: Any) -> None:
    """`cm/sync-status` of every device in turn; puts each read's (seconds, device, status)."""
    sessions = [Session(url, ca) for url in urls]
    reads: list[tuple[float, int, str]] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for index, session in enumerate(sessions):
            started = time.perf_counter()
            answer = json.loads(session.send("GET", SYNC_STATUS))
            took = time.perf_counter() - started
            entries = next(iter(answer["entries"].values()))["nestedStats"]["entries"]
            reads.append((took, index, entries["status"]["description"]))
    out.put(reads)


def change_loop(url: str, ca: str, seconds: float, out: Any) -> None:
    """A change to the pool and a sync to the group every 2 s; puts how many syncs."""
    session = Session(url, ca)
    syncs = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() + 2.0 < deadline:
        session.send("PATCH", POOL, {"description": f"change {syncs}"})
        session.send(
            "POST",
            "/mgmt/tm/cm",
            {"command": "run", "utilCmdArgs": f"config-sync to-group {GROUP}"},
        )
        syncs += 1
        time.sleep(2.0)
    out.put(syncs)


def served(scenario: str, run: Any) -> Any:
    """Serve `scenario` in its own process; `run(endpoints)` measures it."""
    with tempfile.TemporaryDirectory() as tmp:
        endpoints_file = Path(tmp) / "endpoints.yaml"
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", scenario, str(endpoints_file)]
        )
        try:
            for _ in range(1200):
                if endpoints_file.exists() and endpoints_file.stat().st_size:
                    break
                if server.poll() is not None:
                    raise SystemExit(f"the {scenario} server exited with {server.returncode}")
                time.sleep(0.05)
            return run(yaml.safe_load(endpoints_file.read_text()))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


def in_processes(targets: list[tuple[Any, tuple[Any, ...]]], timeout: float) -> list[Any]:
    """Run each `target(*args, queue)` in a process of its own; what each put, in order."""
    queues: list[multiprocessing.Queue[Any]] = [multiprocessing.Queue() for _ in targets]
    workers = [
        multiprocessing.Process(target=target, args=(*args, queue))
        for (target, args), queue in zip(targets, queues, strict=True)
    ]
    for worker in workers:
        worker.start()
    out = [queue.get(timeout=timeout) for queue in queues]
    for worker in workers:
        worker.join()
    return out


def throughput(
    scenario: str, paths: tuple[str, ...], options: argparse.Namespace
) -> dict[str, Any]:
    def run(endpoints: dict[str, Any]) -> dict[str, Any]:
        urls, ca = list(endpoints["devices"].values()), endpoints["ca_bundle"]
        size = 0
        if scenario == "pool":
            for url in urls:
                Session(url, ca).send("POST", "/mgmt/tm/ltm/pool",
                                      {"name": "bench_pool", "members": members(1000)})  # fmt: skip
            size = len(Session(urls[0], ca).send("GET", paths[0]))
        started = time.perf_counter()
        counts = in_processes(
            [(get_loop, (urls, ca, paths, options.seconds))] * options.clients,
            options.seconds + 120,
        )
        elapsed = time.perf_counter() - started
        return {"scenario": scenario, "devices": len(urls), "clients": options.clients,
                "requests": sum(counts), "seconds": round(elapsed, 2),
                "per_second": round(sum(counts) / elapsed), "response_bytes": size}  # fmt: skip

    return dict(served(scenario, run))


def sync_status(options: argparse.Namespace) -> dict[str, Any]:
    def run(endpoints: dict[str, Any]) -> dict[str, Any]:
        urls, ca = list(endpoints["devices"].values()), endpoints["ca_bundle"]
        reads, syncs = in_processes(
            [
                (poll_loop, (urls, ca, options.seconds)),
                (change_loop, (urls[0], ca, options.seconds)),
            ],
            options.seconds + 120,
        )
        times = sorted(took for took, _, _ in reads)
        first = [status for _, device, status in reads if device == 0]
        landed = sum(1 for a, b in itertools.pairwise(first) if a != b == "In Sync")
        return {"scenario": "sync-status", "devices": len(urls), "members": 5000,
                "reads": len(times), "syncs_asked": syncs, "syncs_seen_landing": landed,
                "median_ms": round(statistics.median(times) * 1000, 2),
                "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 2),
                "max_ms": round(times[-1] * 1000, 2)}  # fmt: skip

    return dict(served("sync-status", run))


def describe(result: dict[str, Any]) -> str:
    if result["scenario"] == "sync-status":
        return (
            f"sync-status: {result['reads']} reads over {result['devices']} devices, "
            f"{result['members']} pool members, {result['syncs_asked']} syncs "
            f"({result['syncs_seen_landing']} seen landing): median {result['median_ms']} ms, "
            f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms"
        )
    what = "small GETs" if result["scenario"] == "gets" else "GETs of a 1,000-member pool"
    return (
        f"{what}: {result['requests']} in {result['seconds']} s from {result['clients']} "
        f"keep-alive client process(es) over {result['devices']} devices: "
        f"{result['per_second']} requests/s"
        + (f" ({result['response_bytes']} bytes each)" if result["response_bytes"] else "")
    )


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve_until_stopped(sys.argv[2], Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--scenario", choices=("all", "gets", "pool", "sync-status"), default="all")
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args()
    chosen = ("gets", "pool", "sync-status") if options.scenario == "all" else (options.scenario,)
    results = []
    for scenario in chosen:
        if scenario == "gets":
            result = throughput("gets", SMALL_GETS, options)
        elif scenario == "pool":
            result = throughput("pool", (POOL + "?expandSubcollections=true",), options)
        else:
            result = sync_status(options)
        results.append(result)
        print(describe(result), flush=True)
    print(f"({os.cpu_count()} CPUs)")
    if options.json is not None:
        options.json.write_text(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
