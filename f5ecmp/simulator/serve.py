"""Serving a cluster: in-process for tests and `--simulate`, or blocking for `sim serve`.

A device whose management address is in 127.0.0.0/8 (or ::1) listens on that address and its
port; any other device is served on 127.0.0.1 with a port from `port_base` while it still
reports its own management address. Nothing binds outside loopback.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

from .cluster import DEFAULT_VERSION, Cluster, DeviceSpec, Timing
from .rest.app import SimApp
from .server import DeviceListener, check_loopback
from .tls import CertificateAuthority

DEFAULT_PORT_BASE = 8443
FALLBACK_HOST = "127.0.0.1"


@dataclass(frozen=True)
class Endpoints:
    """Where each simulated device answers, and the CA bundle that verifies them."""

    ca_bundle: Path
    devices: Mapping[str, str]  # CM device name → https URL

    def url(self, name: str) -> str:
        return self.devices[name]

    def as_dict(self) -> dict[str, Any]:
        return {"ca_bundle": str(self.ca_bundle), "devices": dict(self.devices)}


def write_endpoints_file(endpoints: Endpoints, path: Path | str) -> Path:
    """`{ca_bundle: <path>, devices: {<name>: <https url>}}` as YAML."""
    target = Path(path)
    target.write_text(yaml.safe_dump(endpoints.as_dict(), sort_keys=False))
    return target


def default_credentials(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """`F5_USER`/`F5_PASSWORD` from the environment, else admin/admin."""
    env = os.environ if env is None else env
    return env.get("F5_USER") or "admin", env.get("F5_PASSWORD") or "admin"


def bind_plan(
    cluster: Cluster, port_base: int | None, ephemeral: bool
) -> dict[str, tuple[str, int]]:
    """Listen address of every device (see the module docstring)."""
    plan: dict[str, tuple[str, int]] = {}
    next_port = DEFAULT_PORT_BASE if port_base is None else port_base
    for name, dev in cluster.devices.items():
        if dev.mgmt.is_loopback:
            plan[name] = (str(dev.mgmt), 0 if ephemeral else dev.port)
        else:
            plan[name] = (FALLBACK_HOST, 0 if ephemeral else next_port)
            next_port += 1
    return plan


def url_for(host: str, port: int) -> str:
    return f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"


class SimServer:
    """A cluster served over HTTPS: its endpoints, its fault plans, its counters."""

    def __init__(self, cluster: Cluster, app: SimApp, endpoints: Endpoints) -> None:
        self.cluster = cluster
        self.app = app
        self.endpoints = endpoints

    @property
    def ca_bundle(self) -> Path:
        return self.endpoints.ca_bundle

    @property
    def devices(self) -> Mapping[str, str]:
        return self.endpoints.devices

    def faults(self, device: str = "*", **script: Any) -> dict[str, Any]:
        """Same as `POST /_sim/faults`: e.g. `faults("bigip-b", error_rate=0.1, seed=7)`."""
        with self.cluster.lock:
            return self.app.faults.configure({"device": device, **script})

    def stats(self) -> dict[str, Any]:
        return self.app.metrics.stats()

    def request_log(self, device: str | None = None) -> list[dict[str, Any]]:
        return self.app.metrics.requests(device)

    def reset(self) -> None:
        """Same as `POST /_sim/reset`: every device back to its factory state."""
        self.app.reset()

    def reset_stats(self) -> None:
        """Same as `POST /_sim/stats/reset`: counters and request log cleared, nothing else."""
        self.app.metrics.clear()

    def set_down(self, device: str, down: bool = True) -> None:
        self.cluster.set_down(device, down)


@contextlib.contextmanager
def serve(
    cluster: Cluster,
    *,
    port_base: int | None = None,
    ephemeral_ports: bool = False,
    tls_dir: Path | None = None,
) -> Iterator[SimServer]:
    """Serve `cluster` in-process; yields the running `SimServer` (endpoints, faults, stats).

    `ephemeral_ports` binds every device on a free port (for tests that run side by side).
    """
    workdir = Path(tempfile.mkdtemp(prefix="f5ecmp-sim-")) if tls_dir is None else tls_dir
    workdir.mkdir(parents=True, exist_ok=True)
    app = SimApp(cluster)
    listeners: list[DeviceListener] = []
    running: list[DeviceListener] = []
    cluster.start_ticker()
    try:
        ca = CertificateAuthority(workdir)
        urls: dict[str, str] = {}
        for index, (name, (host, port)) in enumerate(
            bind_plan(cluster, port_base, ephemeral_ports).items()
        ):
            check_loopback(host)
            dev = cluster.device(name)
            cert = ca.issue(
                f"device-{index}", [name, "localhost"], [ipaddress.ip_address(host), dev.mgmt]
            )
            listener = DeviceListener(host, port, app, name, cert)
            listeners.append(listener)
            urls[name] = url_for(host, listener.port)
        for listener in listeners:
            threading.Thread(
                target=listener.serve_forever,
                name=listener.device,
                kwargs={"poll_interval": 0.05},
                daemon=True,
            ).start()
            running.append(listener)
        yield SimServer(cluster, app, Endpoints(ca.bundle, urls))
    finally:
        stoppers = [threading.Thread(target=listener.shutdown) for listener in running]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for listener in listeners:
            listener.close_connections()
            listener.server_close()
        cluster.stop_ticker()
        if tls_dir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def run_serve(
    devices: Sequence[DeviceSpec] | None = None,
    *,
    count: int | None = None,
    port_base: int | None = None,
    credentials: tuple[str, str] | None = None,
    latency_ms: float = 0.0,
    version: str = DEFAULT_VERSION,
    endpoints_out: Path | None = None,
    on_ready: Callable[[Endpoints], None] | None = None,
    stop: threading.Event | None = None,
    timing: Timing | None = None,
) -> Endpoints:
    """`f5ecmp sim serve`: serve until SIGINT/SIGTERM (or `stop` is set), then return.

    `devices` are a playbook's devices; `count` keeps the first N of them, or builds
    `bigip-1..N.example.net` when there is no playbook. Prints nothing: `on_ready` receives the
    endpoints once every listener is up (and the endpoints file written).
    """
    cluster = build_cluster(
        devices, count, version, credentials or default_credentials(), timing or Timing()
    )
    stop = stop or threading.Event()
    with serve(cluster, port_base=port_base) as server:
        if latency_ms:
            server.faults("*", latency_ms=latency_ms)
        if endpoints_out is not None:
            write_endpoints_file(server.endpoints, endpoints_out)
        restore = install_stop_signals(stop)
        try:
            if on_ready is not None:
                on_ready(server.endpoints)
            while not stop.wait(0.5):
                pass
        finally:
            restore()
        return server.endpoints


def build_cluster(
    devices: Sequence[DeviceSpec] | None,
    count: int | None,
    version: str,
    credentials: tuple[str, str],
    timing: Timing,
) -> Cluster:
    if devices is None:
        return Cluster.from_count(
            count or 3, version=version, credentials=credentials, timing=timing
        )
    chosen = list(devices)
    if count is not None:
        if not 1 <= count <= len(chosen):
            raise ValueError(f"--devices {count}: the playbook has {len(chosen)} devices")
        chosen = chosen[:count]
    return Cluster.from_devices(chosen, version=version, credentials=credentials, timing=timing)


def install_stop_signals(stop: threading.Event) -> Callable[[], None]:
    """SIGINT and SIGTERM set `stop` (main thread only); returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
