"""One simulated BIG-IP answering in-process (no sockets), and the writes that build a
situation on it."""

from __future__ import annotations

import base64
import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster, SimDevice
from f5ecmp.simulator.rest.app import SimApp
from f5ecmp.simulator.rest.base import Request, Response


@dataclass(frozen=True)
class Step:
    method: str
    path: str  # under /mgmt/tm/
    body: dict[str, Any]


def post(path: str, body: dict[str, Any]) -> Step:
    return Step("POST", path, body)


def patch(path: str, body: dict[str, Any]) -> Step:
    return Step("PATCH", path, body)


class SimulatedDevice:
    """A fresh simulated device of the given name, management address and TMOS version."""

    def __init__(
        self, name: str, mgmt: str, version: str, credentials: tuple[str, str] = ("admin", "admin")
    ) -> None:
        spec = SimDevice(name, ipaddress.ip_address(mgmt))
        cluster = Cluster.from_devices([spec], version, clock=FakeClock(), credentials=credentials)
        self.app = SimApp(cluster)
        self.name = name
        self.basic = "Basic " + base64.b64encode(":".join(credentials).encode()).decode()

    def send(
        self,
        method: str,
        target: str,
        body: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        client: str = "127.0.0.1",
    ) -> Response:
        """One request; Basic authentication unless `headers` are given."""
        payload = json.dumps(body).encode() if body is not None else b""
        sent = {"authorization": self.basic} if headers is None else headers
        return self.app.handle(self.name, Request(method, target, sent, payload, client))

    def ok(self, method: str, target: str, body: dict[str, Any] | None = None, **kw: Any) -> Any:
        response = self.send(method, target, body, **kw)
        assert response.status == 200, f"{method} {target}: {response.body!r}"
        return json.loads(response.body)

    def build(self, steps: tuple[Step, ...]) -> None:
        for step in steps:
            self.ok(step.method, f"/mgmt/tm/{step.path}", step.body)
