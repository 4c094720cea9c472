"""Saved plans: ``plan --out FILE`` and ``apply FILE``, for change windows.

A change ticket approves a plan; apply must then send exactly that plan, and refuse if the
devices changed since. The file (versioned JSON, mode 0600, no secrets: bodies carrying a
password are masked) holds the playbook's path and fingerprint, the devices' identities (as
the journal records them), a fingerprint of every configuration answer the plan read (per
device and path: status answers — sync, failover, traffic-group stats — are state, not
configuration, and are left out), and the plan's changes. ``apply FILE`` reads everything
again: a playbook changed since, other devices, a configuration answer that differs, or a
change list that differs is refused — one line each, before any write. Otherwise it applies
with the plan as a guard: a step about to send a request the plan does not list stops there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from f5ecmp.bigip.api import DeviceApi, Json, not_found
from f5ecmp.errors import F5EcmpError
from f5ecmp.runner import StepResult

FORMAT_VERSION = 1
KIND = "f5ecmp-plan"
_MAX_BYTES = 64 * 1024 * 1024
_STATE_PATHS = ("/stats", "/mgmt/tm/cm/sync-status", "/mgmt/tm/cm/failover-status")

Request = tuple[str, str, str, str]  # action, method, path, the device it goes to


class SavedPlanError(F5EcmpError):
    """A saved plan cannot be read, or no longer holds."""


def _key(path: str, params: Mapping[str, str] | None) -> str:
    return path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(params.items())) if params else "")


def digest(answer: Json) -> str:
    text = json.dumps(answer, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass
class RecordingApi:
    """A device API that notes a fingerprint of every configuration answer it reads."""

    inner: DeviceApi
    reads: dict[str, str] = field(default_factory=dict)
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.inner.name

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Json:
        try:
            answer = self.inner.get(path, params)
        except F5EcmpError as exc:
            if not_found(exc):
                self.note(path, params, None)
            raise
        self.note(path, params, answer)
        return answer

    def note(self, path: str, params: Mapping[str, str] | None, answer: Json) -> None:
        if not any(marker in path for marker in _STATE_PATHS):
            self.reads[_key(path, params)] = "absent" if answer is None else digest(answer)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Json = None,
        confirm: Callable[[], bool] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Json:
        return self.inner.request(
            method, path, params=params, body=body, confirm=confirm, headers=headers
        )

    def transaction(
        self, commands: list[dict[str, Any]], *, confirm: Callable[[], bool] | None = None
    ) -> Json:
        return self.inner.transaction(commands, confirm=confirm)


def recording(
    clients: Mapping[str, DeviceApi], prefetched: Mapping[tuple[str, str], Json]
) -> dict[str, RecordingApi]:
    """Recording proxies for ``clients``; what the identity guard already read counts as
    read (the steps take it from there)."""
    out = {name: RecordingApi(client) for name, client in clients.items()}
    for (name, path), answer in prefetched.items():
        if name in out:
            out[name].note(path, None, answer)
    return out


def requests_of(results: list[StepResult] | list[dict[str, Any]]) -> dict[str, list[Request]]:
    """The requests of a plan, by step run (``step@device``): what ``apply FILE`` may send."""
    out: dict[str, list[Request]] = {}
    for r in results:
        row = r.as_dict() if isinstance(r, StepResult) else r
        key = f"{row['step']}@{row['device']}"
        out[key] = [
            (c["action"], c["method"], c["path"], c.get("device") or row["device"])
            for c in row.get("changes", [])
        ]
    return out


def document(
    *, cluster: str, playbook: Path, fingerprint: str, target: dict[str, Any],
    reads: Mapping[str, RecordingApi], plan: dict[str, Any], apply_command: str,
) -> dict[str, Any]:  # fmt: skip
    return {
        "format_version": FORMAT_VERSION,
        "kind": KIND,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cluster": cluster,
        "playbook": {"path": str(playbook.resolve()), "fingerprint": fingerprint},
        "target": target,
        "reads": {name: dict(sorted(api.reads.items())) for name, api in reads.items()},
        "plan": plan,
        "apply": apply_command,
    }


def write(path: Path, data: dict[str, Any]) -> None:
    """Write atomically, mode 0600: a half-written plan never stands where a plan was."""
    text = json.dumps(data, indent=2) + "\n"
    directory = path.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise SavedPlanError(f"cannot write the plan {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise SavedPlanError(f"cannot write the plan {path}: {exc.strerror}") from None


def load_if_plan(path: Path) -> dict[str, Any] | None:
    """The saved plan at ``path``, or None when the file is not one (a playbook)."""
    try:
        if path.stat().st_size > _MAX_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.lstrip().startswith(b"{"):
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return None
    if data.get("format_version") != FORMAT_VERSION:
        raise SavedPlanError(
            f"{path}: a saved plan of format {data.get('format_version')}, this f5ecmp reads "
            f"format {FORMAT_VERSION}: make the plan again"
        )
    for name, kind in (("playbook", dict), ("target", dict), ("reads", dict), ("plan", dict)):
        if not isinstance(data.get(name), kind):
            raise SavedPlanError(f"{path}: not a whole saved plan (no {name})")
    return data


def differences(
    saved: dict[str, Any], reads: Mapping[str, RecordingApi], results: list[StepResult]
) -> list[str]:
    """Why the saved plan no longer holds: one line per difference (empty: it holds)."""
    lines = []
    before: dict[str, dict[str, str]] = saved["reads"]
    for device in sorted(set(before) | set(reads)):
        then = before.get(device, {})
        now = reads[device].reads if device in reads else {}
        for key in sorted(set(then) | set(now)):
            if then.get(key) != now.get(key):
                what = "is gone" if now.get(key) == "absent" else (
                    "is new" if then.get(key) in (None, "absent") else "changed")  # fmt: skip
                lines.append(f"{device}: {key} {what} since the plan was made")
    planned = requests_of(saved["plan"].get("steps", []))
    current = requests_of(results)
    for run in sorted(set(planned) | set(current)):
        if planned.get(run, []) != current.get(run, []):
            lines.append(f"{run.replace('@', ' on ')}: the changes differ from the plan's")
    return lines


def guard(saved: dict[str, Any]) -> Callable[[str, str, list[Request], bool], None]:
    """A check the runner calls before a step run sends anything: its requests must be the
    plan's for that step run (a re-run after a failed check may send fewer of them)."""
    planned = requests_of(saved["plan"].get("steps", []))

    def check(step: str, device: str, requests: list[Request], first: bool) -> None:
        allowed = planned.get(f"{step}@{device}", [])
        if (requests != allowed) if first else any(r not in allowed for r in requests):
            listed = "; ".join(" ".join(r[1:3]) for r in requests if r not in allowed) or (
                "a different order or set")  # fmt: skip
            raise SavedPlanError(
                f"{step} on {device} would send what the saved plan does not list ({listed}): "
                "stopped before sending it; make a new plan"
            )

    return check
