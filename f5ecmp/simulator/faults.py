"""Scripted faults: latency, transient errors, dropped connections, short-lived tokens, a failing
Nth write, and a device's two ways of failing (issue 9, item 11):

* `down`: the device is off or cut off. It stops taking connections (a client's connect times
  out), requests on connections it had open get no answer, and its peers lose it. Each held
  connection is let go after `blackhole_s` (30 s by default) so that a client without a
  timeout does not hang forever [I: a powered-off or partitioned device].
* `restjavad_down`: the device runs (it stays in the cluster) but its REST service is
  restarting: every /mgmt request answers 503 [F: the restjavad text; reference "Additions"].

All randomness comes from one `random.Random` per device, seeded from the fault script's
`seed` and the device name, and every request draws the same three numbers whatever the rates,
so the same requests under the same script meet the same faults.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cluster import Cluster

FAULT_KEYS = frozenset(
    {
        "device",
        "latency_ms",
        "jitter_ms",
        "error_rate",
        "drop_rate",
        "token_ttl_s",
        "fail_nth_write",
        "down",
        "restjavad_down",
        "blackhole_s",
        "seed",
    }
)


class FaultScriptError(ValueError):
    """A fault request the simulator cannot apply."""


@dataclass
class FaultPlan:
    seed: int = 0
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    token_ttl_s: float | None = None
    fail_nth_write: int | None = None
    restjavad_down: bool = False
    blackhole_s: float = 30.0
    writes_seen: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def reseed(self, device: str) -> None:
        self.rng = random.Random(f"{self.seed}:{device}")
        self.writes_seen = 0

    def describe(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "latency_ms": self.latency_ms,
            "jitter_ms": self.jitter_ms,
            "error_rate": self.error_rate,
            "drop_rate": self.drop_rate,
            "token_ttl_s": self.token_ttl_s,
            "fail_nth_write": self.fail_nth_write,
            "restjavad_down": self.restjavad_down,
            "blackhole_s": self.blackhole_s,
            "writes_seen": self.writes_seen,
        }


@dataclass(frozen=True)
class FaultDecision:
    """What happens to one request."""

    drop: bool = False
    error: bool = False
    fail_write: bool = False
    delay_s: float = 0.0


class Faults:
    """The fault plans of a cluster's devices."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.plans: dict[str, FaultPlan] = {}
        self.clear()

    def clear(self) -> None:
        self.plans = {}
        for name in self.cluster.devices:
            plan = FaultPlan()
            plan.reseed(name)
            self.plans[name] = plan
            self.cluster.device(name).auth.ttl_override = None

    def configure(self, script: dict[str, Any]) -> dict[str, Any]:
        """Apply one fault script (`POST /_sim/faults`) to a device or to all (`"*"`)."""
        unknown = set(script) - FAULT_KEYS
        if unknown:
            raise FaultScriptError(f"unknown fault keys: {sorted(unknown)}")
        target = script.get("device", "*")
        if target != "*" and target not in self.plans:
            raise FaultScriptError(f"no simulated device named {target!r}")
        values = _validated(script)
        for name in self.plans if target == "*" else [target]:
            plan = self.plans[name]
            for key, value in values.items():
                setattr(plan, key, value)
            if "seed" in values or "fail_nth_write" in values:
                plan.reseed(name)
            if "token_ttl_s" in values:
                self.cluster.device(name).auth.ttl_override = values["token_ttl_s"]
            if "down" in script:
                self.cluster.set_down(name, bool(script["down"]))
        return self.describe()

    def describe(self) -> dict[str, Any]:
        return {name: plan.describe() for name, plan in self.plans.items()}

    def decide(self, device: str, is_write: bool) -> FaultDecision:
        plan = self.plans[device]
        drop_draw, error_draw, jitter_draw = (plan.rng.random() for _ in range(3))
        delay = (plan.latency_ms + plan.jitter_ms * jitter_draw) / 1000.0
        if plan.restjavad_down:
            return FaultDecision(error=True, delay_s=delay)
        if drop_draw < plan.drop_rate:
            return FaultDecision(drop=True, delay_s=delay)
        if error_draw < plan.error_rate:
            return FaultDecision(error=True, delay_s=delay)
        fail = False
        if is_write:
            plan.writes_seen += 1
            if plan.fail_nth_write is not None and plan.writes_seen == plan.fail_nth_write:
                fail = True
        return FaultDecision(fail_write=fail, delay_s=delay)


def _validated(script: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("latency_ms", "jitter_ms"):
        if key in script:
            out[key] = _number(script, key, 0.0, 600_000.0)
    for key in ("error_rate", "drop_rate"):
        if key in script:
            out[key] = _number(script, key, 0.0, 1.0)
    if "token_ttl_s" in script:
        out["token_ttl_s"] = (
            None if script["token_ttl_s"] is None else _number(script, "token_ttl_s", 0.0, 36000.0)
        )
    if "fail_nth_write" in script:
        value = script["fail_nth_write"]
        out["fail_nth_write"] = (
            None if value is None else int(_number(script, key="fail_nth_write", low=1.0, high=1e9))
        )
    if "seed" in script:
        out["seed"] = int(_number(script, "seed", -(2**63), 2**63))
    for key in ("down", "restjavad_down"):
        if key in script and not isinstance(script[key], bool):
            raise FaultScriptError(f"{key} must be true or false")
    if "restjavad_down" in script:
        out["restjavad_down"] = script["restjavad_down"]
    if "blackhole_s" in script:
        out["blackhole_s"] = _number(script, "blackhole_s", 0.0, 600.0)
    return out


def _number(script: dict[str, Any], key: str, low: float, high: float) -> float:
    value = script[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise FaultScriptError(f"{key} must be a number between {low:g} and {high:g}")
    return float(value)
