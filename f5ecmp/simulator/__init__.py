"""A simulated BIG-IP cluster that speaks iControl REST.

Build a cluster from a playbook's devices (or a count), serve it over HTTPS on loopback, drive
faults and read counters::

    from f5ecmp.simulator import Cluster, Timing, serve

    cluster = Cluster.from_devices(playbook.devices)
    with serve(cluster) as sim:
        sim.devices            # {"bigip-a.example.net": "https://127.0.1.1:8443", ...}
        sim.ca_bundle          # path of the per-run CA certificate
        sim.faults("bigip-b.example.net", error_rate=0.1, seed=7)
        sim.stats()            # the same counters as GET /_sim/stats

`run_serve` is the blocking loop behind `f5ecmp sim serve`.
"""

from .clock import Clock, FakeClock, SystemClock
from .cluster import Cluster, DeviceSpec, SimDevice, Timing
from .errors import SimError
from .faults import FaultScriptError
from .rest.app import SimApp
from .rest.base import Request, Response
from .serve import (
    Endpoints,
    SimServer,
    default_credentials,
    run_serve,
    serve,
    write_endpoints_file,
)
from .server import LoopbackOnly

__all__ = [
    "Clock",
    "Cluster",
    "DeviceSpec",
    "Endpoints",
    "FakeClock",
    "FaultScriptError",
    "LoopbackOnly",
    "Request",
    "Response",
    "SimApp",
    "SimDevice",
    "SimError",
    "SimServer",
    "SystemClock",
    "Timing",
    "default_credentials",
    "run_serve",
    "serve",
    "write_endpoints_file",
]
