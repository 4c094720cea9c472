"""What every step is made of: changes as data, and the read → diff → apply → verify contract.

A step reads a device's current state into plain data, computes the changes still needed with a
pure function of (current, desired), sends them, and re-reads to verify. The plan shown to the
operator is exactly the list of changes apply would send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from f5ecmp.errors import F5EcmpError
from f5ecmp.redact import redact

Action = Literal["create", "modify", "delete", "command"]


@dataclass(frozen=True)
class FieldChange:
    """One property that differs: shown as ``field: old → new``."""

    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.field}: {_show(self.old)} → {_show(self.new)}"


@dataclass(frozen=True)
class Change:
    """One request a step would send, with a one-line summary for people."""

    action: Action
    method: str
    path: str
    body: dict[str, Any] | None = field(repr=False)  # may carry a peer's password
    summary: str = ""
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)

    @property
    def symbol(self) -> str:
        return {"create": "+", "modify": "~", "delete": "-", "command": "!"}[self.action]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with secrets masked (journal, ``--json``)."""
        out: dict[str, Any] = {
            "action": self.action,
            "method": self.method,
            "path": self.path,
            "summary": self.summary,
        }
        if self.body is not None:
            out["body"] = redact(self.body)
        if self.fields:
            out["fields"] = [
                {"field": f.field, "old": redact(f.old), "new": redact(f.new)} for f in self.fields
            ]
        return out


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        if set(value) == {"ip", "port"}:  # a failover unicast address
            return f"{value['ip']}:{value['port']}"
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return str(value)


def modify(path: str, what: str, fields: list[FieldChange]) -> Change:
    """A PATCH carrying only the changed properties."""
    body = {f.field: f.new for f in fields}
    summary = f"modify {what}: " + ", ".join(str(f) for f in fields)
    return Change("modify", "PATCH", path, body, summary, tuple(fields))


def compare(current: dict[str, Any], desired: dict[str, Any]) -> list[FieldChange]:
    """Field changes for every desired key whose (normalised) current value differs."""
    return [
        FieldChange(key, current.get(key), value)
        for key, value in desired.items()
        if current.get(key) != value
    ]


@dataclass(frozen=True)
class Target:
    """What a step works on: the playbook, the device this run of the step is for, and the
    credentials of every device (add-to-trust logs into peers), by device name."""

    playbook: Any  # f5ecmp.playbook.Playbook (Any here to keep this module free of the model)
    device: Any  # f5ecmp.playbook.Device
    credentials: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)


class StepConflict(F5EcmpError):
    """The device holds something the playbook contradicts and f5ecmp must not overwrite."""
