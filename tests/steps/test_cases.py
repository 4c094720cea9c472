"""Every step's read and diff, case by case: the answers devices give (as captured shapes),
the seed playbook, and the changes expected — one parametrized test, as pyinfra tests its
operations. Each case is YAML under ``cases/``, one file per step.

A case's ``answers`` give, per device, the JSON a GET of each path returns (query strings are
not part of the key; a path not listed answers 404 "was not found"). Shorthands: ``sync`` for
``/mgmt/tm/cm/sync-status`` (a status, or ``{status, details}``), ``tg_active`` for
``/mgmt/tm/cm/traffic-group/stats`` (group → the device it is active on). ``expect`` lists
``ACTION METHOD PATH`` or ``ACTION METHOD PATH | summary start``; ``devices`` (optional) the
device each change goes to; ``raises`` expects the step to stop with that text; ``problems``
what the step's convergence check finds on the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from f5ecmp.bigip.api import Json
from f5ecmp.bigip.changes import Change
from f5ecmp.client import DeviceError
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook import load_playbook
from f5ecmp.steps import STEPS
from f5ecmp.steps.base import Context
from tests.conftest import SEED

PB = load_playbook(SEED)
CASES_DIR = Path(__file__).parent / "cases"
BY_ID = {step.id: step for step in STEPS}


def _sync_answer(spec: Any) -> dict[str, Any]:
    status, details = (spec, []) if isinstance(spec, str) else (spec["status"], spec["details"])
    detail_entries = {
        f"https://localhost/mgmt/tm/cm/syncStatus/0/details/{i}": {
            "nestedStats": {"entries": {"details": {"description": line}}}
        }
        for i, line in enumerate(details)
    }
    fields = {
        "color": {"description": "green" if status == "In Sync" else "yellow"},
        "https://localhost/mgmt/tm/cm/syncStatus/0/details": {
            "nestedStats": {"entries": detail_entries}
        },
        "mode": {"description": "high-availability"},
        "status": {"description": status},
        "summary": {"description": ""},
    }
    return {
        "kind": "tm:cm:sync-status:sync-statusstats",
        "entries": {
            "https://localhost/mgmt/tm/cm/sync-status/0": {"nestedStats": {"entries": fields}}
        },
    }


def _tg_stats(active: Mapping[str, str]) -> dict[str, Any]:
    entries = {}
    for i, (group, on) in enumerate(active.items()):
        for device in (d.name for d in PB.devices):
            entries[f"https://localhost/mgmt/tm/cm/traffic-group/{i}/{device}/stats"] = {
                "nestedStats": {"entries": {
                    "trafficGroup": {"description": f"/Common/{group}"},
                    "deviceName": {"description": f"/Common/{device}"},
                    "failoverState": {"description": "active" if device == on else "standby"},
                    "nextActive": {"description": "false"},
                }}
            }  # fmt: skip
    return {"kind": "tm:cm:traffic-group:traffic-groupstats", "entries": entries}


class CaseDevice:
    """Answers GETs from a case; refuses every write (a diff never writes)."""

    def __init__(self, name: str, answers: Mapping[str, Any]) -> None:
        self.name = name
        self.answers = dict(answers)
        if "sync" in self.answers:
            self.answers["/mgmt/tm/cm/sync-status"] = _sync_answer(self.answers.pop("sync"))
        if "tg_active" in self.answers:
            self.answers["/mgmt/tm/cm/traffic-group/stats"] = _tg_stats(
                self.answers.pop("tg_active")
            )

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Json:
        if path in self.answers:
            return self.answers[path]
        raise DeviceError(
            self.name, "GET", path, 404, f"01020036:3: The requested object ({path}) was not found."
        )

    def request(self, method: str, path: str, **_kw: Any) -> Json:
        raise AssertionError(f"a read or diff wrote: {method} {path}")

    def transaction(self, commands: list[dict[str, Any]], **_kw: Any) -> Json:
        raise AssertionError("a read or diff wrote a transaction")


def _load_cases() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            cases.append(pytest.param(case, id=f"{case['step']}: {case['name']}"))
    return cases


def _shown(change: Change) -> str:
    return f"{change.action} {change.method} {change.path}"


@pytest.mark.parametrize("case", _load_cases())
def test_step_case(case: dict[str, Any]) -> None:
    step = BY_ID[case["step"]]
    device = PB.device(case.get("device", PB.authority.name))
    clients = {
        d.name: CaseDevice(d.name, (case.get("answers") or {}).get(d.name, {})) for d in PB.devices
    }
    ctx = Context(PB, clients, credentials={d.name: ("admin", "pw") for d in PB.devices})
    ctx.synced_changed = bool(case.get("synced_changed", False))
    ctx.unsaved = bool(case.get("unsaved", False))
    if "raises" in case:
        with pytest.raises(F5EcmpError, match=case["raises"]):
            step.plan(ctx, device)
        return
    changes = step.plan(ctx, device)
    expected = case.get("expect") or []
    assert [_shown(c) for c in changes] == [str(e).split(" | ")[0] for e in expected]
    for change, want in zip(changes, expected, strict=True):
        if " | " in str(want):
            assert change.summary.startswith(str(want).split(" | ", 1)[1]), change.summary
    for change, device_name in zip(changes, case.get("devices") or [], strict=False):
        assert change.device == device_name
    if "problems" in case:  # what the step's check says about the same facts
        assert step.converged(ctx, device) == case["problems"]
