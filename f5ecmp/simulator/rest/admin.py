"""The simulator's own API under `/_sim/` (not part of BIG-IP's): counters, the request log
(and clearing both), reset to factory state, and fault scripts. Served on every listener,
without BIG-IP authentication, never subject to faults."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..faults import FaultScriptError
from .base import Request, Response, json_response

if TYPE_CHECKING:
    from .app import SimApp

INDEX = {
    "stats": "GET /_sim/stats",
    "requests": "GET /_sim/requests[?device=<name>]",
    "stats_reset": "POST /_sim/stats/reset",
    "reset": "POST /_sim/reset",
    "faults": "GET|POST /_sim/faults",
}


def handle(app: SimApp, req: Request) -> Response:
    route = (req.method, req.path.rstrip("/"))
    if route == ("GET", "/_sim/stats"):
        return json_response(app.metrics.stats())
    if route == ("GET", "/_sim/requests"):
        return json_response({"items": app.metrics.requests(req.query.get("device"))})
    if route == ("POST", "/_sim/stats/reset"):
        # The counters and the request log only: configuration and faults stay as they are.
        app.metrics.clear()
        return json_response({"reset": True, "stats": app.metrics.stats()})
    if route == ("POST", "/_sim/reset"):
        app.reset()
        return json_response({"reset": True, "devices": list(app.cluster.devices)})
    if route == ("GET", "/_sim/faults"):
        return json_response({"faults": app.faults.describe()})
    if route == ("POST", "/_sim/faults"):
        return post_faults(app, req)
    if route in (("GET", "/_sim"), ("GET", "/_sim/")):
        return json_response(INDEX)
    return json_response(
        {"error": f"no such simulator endpoint: {req.method} {req.path}", "endpoints": INDEX}, 404
    )


def post_faults(app: SimApp, req: Request) -> Response:
    try:
        script: Any = json.loads(req.body or b"{}")
        if not isinstance(script, dict):
            raise FaultScriptError("a fault script is a JSON object")
        with app.cluster.lock:
            return json_response({"faults": app.faults.configure(script)})
    except (ValueError, FaultScriptError) as exc:
        return json_response({"error": str(exc)}, 400)
