"""Throughput of the simulator: GET requests per second over keep-alive HTTPS.

Not a unit test (pytest does not collect it). Run it on an otherwise idle machine:

    python tests/benchmarks/bench_simulator_throughput.py [--seconds 10] [--clients 2]

The cluster is served by `run_serve` in its own process, as `f5ecmp sim serve` would; each
client process logs in once per device and then sends GETs on one keep-alive connection per
device, round robin, for the given time. The total is what the simulator answered per second.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

SERVER = """
import sys
from pathlib import Path
from f5ecmp.simulator import run_serve
run_serve(count=int(sys.argv[1]), endpoints_out=Path(sys.argv[2]))
"""
PATHS = (
    "/mgmt/tm/sys/version",
    "/mgmt/tm/net/vlan",
    "/mgmt/tm/cm/sync-status",
    "/mgmt/tm/ltm/pool",
)


def connect(url: str, context: ssl.SSLContext) -> tuple[http.client.HTTPSConnection, str]:
    parts = urlsplit(url)
    conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=context)
    body = json.dumps({"username": "admin", "password": "admin", "loginProviderName": "tmos"})
    conn.request("POST", "/mgmt/shared/authn/login", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    token = json.loads(response.read())["token"]["token"]
    return conn, token


def client(
    urls: list[str], ca_bundle: str, seconds: float, results: multiprocessing.Queue[int]
) -> None:
    context = ssl.create_default_context(cafile=ca_bundle)
    sessions = [connect(url, context) for url in urls]
    done = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for conn, token in sessions:
            conn.request("GET", PATHS[done % len(PATHS)], headers={"X-F5-Auth-Token": token})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"unexpected status {response.status}")
            done += 1
    results.put(done)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--devices", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        endpoints_file = Path(tmp) / "endpoints.yaml"
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(args.devices), str(endpoints_file)]
        )
        try:
            for _ in range(200):
                if endpoints_file.exists() and endpoints_file.stat().st_size:
                    break
                time.sleep(0.05)
            endpoints = yaml.safe_load(endpoints_file.read_text())
            urls = list(endpoints["devices"].values())
            results: multiprocessing.Queue[int] = multiprocessing.Queue()
            workers = [
                multiprocessing.Process(
                    target=client, args=(urls, endpoints["ca_bundle"], args.seconds, results)
                )
                for _ in range(args.clients)
            ]
            started = time.perf_counter()
            for worker in workers:
                worker.start()
            total = sum(results.get(timeout=args.seconds + 60) for _ in workers)
            elapsed = time.perf_counter() - started
            for worker in workers:
                worker.join()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(
        f"{total} GET requests in {elapsed:.1f} s from {args.clients} keep-alive client "
        f"process(es) over {len(urls)} devices: {total / elapsed:.0f} requests/s "
        f"({os.cpu_count()} CPUs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
