"""The simulator's REST application: one request in, one response out, no sockets.

Order of events for a `/mgmt/` request: a device that is down drops it; the fault plan may
delay it, drop it, answer as a busy device (503) or fail the Nth write (500) before anything is
applied; cluster events already due run (unless the cluster's ticker runs them as they fall
due); then the caller is authenticated, writes carrying `X-F5-REST-Coordination-Id` are
queued, and the route's handler answers. A read (GET) does this under the shared side of the
cluster lock, beside reads of any device; a write does it alone, then runs what it set off
with no delay before it is answered, so that the next request sees it. Reads of
configuration are answered from `ResponseCache` while nothing has changed.
"""

from __future__ import annotations

import itertools
import time

from .. import errors
from ..auth.responses import authenticate
from ..cluster import Cluster
from ..device import Device
from ..errors import ErrorId
from ..faults import Faults
from ..sys.models import PackageTasks
from . import admin
from .base import Ctx, Request, Response, json_response, view_for
from .cache import ResponseCache
from .metrics import Metrics
from .transactions import COORDINATION_HEADER, Transactions, queue
from .urls import ROUTER

LOGIN = "/mgmt/shared/authn/login"
HTML = "text/html; charset=iso-8859-1"


class SimApp:
    """Answers iControl REST requests for every device of a cluster."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.faults = Faults(cluster)
        self.metrics = Metrics(list(cluster.devices))
        self.transactions = Transactions(cluster.clock)
        self.responses = ResponseCache()
        self.started = cluster.clock.now()
        self._operation_ids = itertools.count(10001)
        self.package_tasks = PackageTasks()

    def reset(self) -> None:
        with self.cluster.lock:
            self.cluster.reset()
            self.faults.clear()
            self.metrics.clear()
            self.transactions.clear()
            self.package_tasks.clear()
            self.responses.clear()

    def handle(self, device: str, req: Request) -> Response:
        if req.path == "/_sim" or req.path.startswith("/_sim/"):
            return admin.handle(self, req)
        started, wall = self.cluster.clock.now(), time.perf_counter()
        response = self._serve(device, req)
        self.metrics.record(
            device,
            req.method,
            req.path,
            0 if response.drop else response.status,
            started,
            time.perf_counter() - wall,
            req.path == LOGIN,
        )
        return response

    def _serve(self, device: str, req: Request) -> Response:
        dev = self.cluster.device(device)
        if not dev.up:
            return Response(0, drop=True, hang=True)
        counts_as_write = req.is_write and req.path != LOGIN
        decision = self.faults.decide(device, counts_as_write)
        if decision.delay_s:
            self.cluster.clock.sleep(decision.delay_s)
        if decision.drop:
            return Response(0, drop=True)
        if decision.error:
            return self.error(errors.make(ErrorId.RESTJAVAD_UNAVAILABLE, path=req.path), req)
        if decision.fail_write:
            return self.error(errors.make(ErrorId.MCPD_LOST), req)
        self.cluster.catch_up()
        if req.is_write:
            with self.cluster.lock:
                response = self._answer(dev, req)
            self.cluster.tick()
            return response
        with self.cluster.lock.shared():
            return self._answer(dev, req)

    def _answer(self, dev: Device, req: Request) -> Response:
        if not dev.up:  # went down while the request waited: it blackholes, as a dead box
            return Response(0, drop=True, hang=True)
        ctx = Ctx(self, dev, req, view_for(dev, req))
        try:
            if req.path != LOGIN:
                authenticate(ctx)
            coordination = req.headers.get(COORDINATION_HEADER)
            if coordination and req.is_write and not req.path.startswith("/mgmt/tm/transaction"):
                return queue(ctx, self.transactions, coordination)
            return self.dispatch(ctx)
        except errors.SimError as exc:
            return self.error(exc, req)
        except errors.BasicAuthRequired:
            return Response(
                401,
                errors.BasicAuthRequired.HTML.encode(),
                HTML,
                [
                    ("WWW-Authenticate", 'Basic realm="Enterprise Manager"'),
                    ("Server", "Apache"),
                ],
            )
        except Exception as exc:  # a simulator bug: answer it, do not hang up
            return self.error(
                errors.make(ErrorId.SIMULATOR_FAULT, type=type(exc).__name__, error=exc), req
            )

    def error(self, exc: errors.SimError, req: Request) -> Response:
        response = json_response(exc.body(req.client, next(self._operation_ids)), exc.status)
        return response

    def dispatch(self, ctx: Ctx) -> Response:
        """The handler of the request's route (`urls`) answers."""
        return ROUTER.dispatch(ctx)
