"""Changes as data: each request apply will send, with a one-line summary for people.

A plan is a list of these; apply sends exactly that list. ``device`` names the device a
change goes to when it is not the device the step runs on (the last step saves on every device).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from f5ecmp.redact import redact

Action = Literal["create", "modify", "delete", "command"]
TRANSACTION = "TRANSACTION"  # pseudo-method: ``body["commands"]`` sent as one transaction


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
    device: str | None = None  # None: the device the step runs on
    # Wait for the step's settle before the next change (a config sync before the saves).
    settle_after: bool = False
    # Sent only if the step, asked right before, says it is still needed (placing a new
    # traffic group that auto failback may already have brought home).
    conditional: bool = False
    # Independent of the changes next to it that are marked too: they go out at once (each
    # device saving its configuration).
    together: bool = False

    @property
    def symbol(self) -> str:
        return {"create": "+", "modify": "~", "delete": "-", "command": "!"}[self.action]

    @property
    def requests(self) -> int:
        """How many requests sending this change takes (a transaction: open, each
        command, commit)."""
        if self.method == TRANSACTION:
            return 2 + len((self.body or {}).get("commands", []))
        return 1

    def same_request(self, other: Change) -> bool:
        return (self.method, self.path, self.body, self.device) == (
            other.method,
            other.path,
            other.body,
            other.device,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with secrets masked (journal, ``--json``)."""
        out: dict[str, Any] = {
            "action": self.action,
            "method": self.method,
            "path": self.path,
            "summary": self.summary,
        }
        if self.device is not None:
            out["device"] = self.device
        if self.conditional:
            out["conditional"] = True
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


def command(path: str, body: dict[str, Any], summary: str, **kw: Any) -> Change:
    """A POST that runs something (add-to-trust, config sync, save) rather than storing."""
    return Change("command", "POST", path, body, summary, **kw)
