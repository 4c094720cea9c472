"""Request counters and the request log behind `GET /_sim/stats` and `GET /_sim/requests`.

Counted: requests to `/mgmt/` (the admin API is not). Reads are GETs; writes are POST, PUT,
PATCH and DELETE that change the configuration. A login is counted as a request and apart as a
login; extending or deleting a token (`/mgmt/shared/authz/tokens/...`, a client's session
housekeeping) as a request and apart as `sessions`. Neither is ever a write.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

LOG_SIZE = 10_000
TOKENS = "/mgmt/shared/authz/tokens"


@dataclass
class DeviceCounters:
    requests: int = 0
    reads: int = 0
    writes: int = 0
    logins: int = 0
    sessions: int = 0
    by_method: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "reads": self.reads,
            "writes": self.writes,
            "logins": self.logins,
            "sessions": self.sessions,
            "by_method": dict(sorted(self.by_method.items())),
        }


class Metrics:
    """Thread-safe counters per device and a bounded log of requests."""

    def __init__(self, devices: list[str]) -> None:
        self._lock = threading.Lock()
        self._devices = list(devices)
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.counters = {name: DeviceCounters() for name in self._devices}
            self.log: deque[dict[str, Any]] = deque(maxlen=LOG_SIZE)

    def record(
        self,
        device: str,
        method: str,
        path: str,
        status: int,
        started: float,
        duration: float,
        login: bool,
    ) -> None:
        with self._lock:
            counters = self.counters[device]
            counters.requests += 1
            counters.by_method[method] += 1
            if login:
                counters.logins += 1
            elif path.startswith(TOKENS) and method != "GET":
                counters.sessions += 1
            elif method == "GET":
                counters.reads += 1
            elif method in ("POST", "PUT", "PATCH", "DELETE"):
                counters.writes += 1
            stamp = datetime.datetime.fromtimestamp(started, datetime.UTC)
            self.log.append(
                {
                    "time": stamp.isoformat(timespec="milliseconds"),
                    "device": device,
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(duration * 1000, 3),
                }
            )

    def stats(self) -> dict[str, Any]:
        with self._lock:
            devices = {name: c.as_dict() for name, c in self.counters.items()}
        total = {
            key: sum(d[key] for d in devices.values())
            for key in ("requests", "reads", "writes", "logins", "sessions")
        }
        return {"total": total, "devices": devices}

    def requests(self, device: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.log if device is None or e["device"] == device]
