"""A failover drill as data: what it is asked (the options, checked against the playbook) and
what it reports — per traffic group where it went, how fast it moved and came back; what was
restored after a failure; the cluster's health when it was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from f5ecmp.bigip.changes import Change
from f5ecmp.bigip.cluster import GroupState
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook.model import Playbook

# planned: not started (a dry run, or a drill refused); running: under way; ok: moved to its
# next device and back, every check held; failed / stopped: the drill ended there; not run:
# a later group, skipped after a failure or a stop.
Outcome = Literal["planned", "running", "ok", "failed", "stopped", "not run"]


class DrillError(F5EcmpError):
    """The drill was asked for something the playbook does not have, or a check failed."""


@dataclass(frozen=True)
class DrillOptions:
    traffic_groups: tuple[str, ...] = ()  # empty: every traffic group of the playbook
    device: str | None = None  # drill a whole device (offline, online) instead
    wait_failback: bool = True  # False: force each group back instead of waiting
    deadline_s: float = 60.0  # per move; added to autoFailbackTime for a failback
    # Polls start at once, then every 0.1 s growing to 0.5 s: a measured time is late by at
    # most one poll interval.
    poll_first_s: float = 0.1
    poll_max_s: float = 0.5


def resolve(pb: Playbook, options: DrillOptions) -> tuple[list[str], str | None]:
    """The traffic groups to drill (playbook order) and the device to drill, if one; names
    that are not the playbook's are refused."""
    groups = [d.traffic_group.name for d in pb.devices]
    if options.device is not None and options.traffic_groups:
        raise DrillError("--device and --traffic-group exclude each other")
    if options.device is not None:
        found = [d for d in pb.devices if options.device in (d.name, d.label)]
        if not found:
            names = ", ".join(d.name for d in pb.devices)
            raise DrillError(f"no device {options.device} in the playbook ({names})")
        return [found[0].traffic_group.name], found[0].name
    unknown = [g for g in options.traffic_groups if g not in groups]
    if unknown:
        raise DrillError(
            f"no traffic group {', '.join(unknown)} in the playbook ({', '.join(groups)})"
        )
    wanted = set(options.traffic_groups)
    return [g for g in groups if not wanted or g in wanted], None


@dataclass(frozen=True)
class Progress:
    """One line of what the drill is doing, ``at_s`` seconds after it started."""

    at_s: float
    message: str


@dataclass
class GroupDrill:
    """One traffic group's drill."""

    group: str
    source: str  # where it was active: its home device
    expected: str  # its nextActive before the move: where it must go
    failback_s: int | None = None  # its autoFailbackTime; None when auto failback is off
    landed: str | None = None  # where it went active
    moved_s: float | None = None  # from the command to the first read showing it moved
    back_s: float | None = None  # from the start of its return to the first read at home
    returned_by: str | None = None  # "auto failback" or "forced standby"
    result: Outcome = "planned"
    error: str | None = None
    commands: list[Change] = field(default_factory=list)  # what the drill sends for it

    def summary(self) -> str:
        return f"{self.group}: {self.source} → {self.expected or '(none)'}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "traffic_group": self.group,
            "from": self.source,
            "expected": self.expected,
            "to": self.landed,
            "moved_s": _seconds(self.moved_s),
            "back_s": _seconds(self.back_s),
            "returned_by": self.returned_by,
            "auto_failback_s": self.failback_s,
            "result": self.result,
            "error": self.error,
            "commands": [c.as_dict() for c in self.commands],
        }


@dataclass
class Restore:
    """One thing done to put the cluster back after a failure or a stop."""

    what: str  # a traffic group, or the device brought back online
    source: str | None  # the device the group was forced off
    target: str  # its home device (or the device itself)
    ok: bool
    detail: str

    def line(self) -> str:
        status = "restored" if self.ok else "NOT restored"
        return f"{self.what}: {status}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "from": self.source,
            "to": self.target,
            "ok": self.ok,
            "detail": self.detail,
        }


@dataclass
class DrillResult:
    cluster: str
    device: str | None  # a device drill: the device forced offline
    wait_failback: bool = True
    dry_run: bool = False
    refused: list[str] = field(default_factory=list)  # why the cluster is not healthy
    groups: list[GroupDrill] = field(default_factory=list)
    restores: list[Restore] = field(default_factory=list)
    interrupted: bool = False
    error: str | None = None
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        """Nothing refused, failed or stopped; after a drill, every group went and came back."""
        if self.refused or self.interrupted or self.error is not None:
            return False
        return self.dry_run or all(g.result == "ok" for g in self.groups)

    @property
    def restored(self) -> bool:
        return all(r.ok for r in self.restores)

    def as_dict(self, run_id: str | None = None) -> dict[str, Any]:
        return {
            "cluster": self.cluster,
            "run": run_id,
            "mode": "device" if self.device else "traffic-group",
            "device": self.device,
            "dry_run": self.dry_run,
            "wait_failback": self.wait_failback,
            "ok": self.ok,
            "healthy_before": not self.refused,
            "refused": self.refused,
            "interrupted": self.interrupted,
            "error": self.error,
            "elapsed_s": _seconds(self.elapsed_s),
            "traffic_groups": [g.as_dict() for g in self.groups],
            "restores": [r.as_dict() for r in self.restores],
        }


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def undrillable(rec: GroupDrill) -> list[str]:
    """Why a group of a healthy cluster cannot be drilled, if it cannot."""
    if not rec.expected:
        return [f"{rec.group}: no device would take it over (next active: none)"]
    if rec.failback_s == 0:
        # Its failback would follow the move at once: no read could tell the two apart.
        return [
            f"{rec.group}: auto failback after 0 s would bring it home before its move could "
            "be seen; give it an autoFailbackTime of 1 s or more, or leave it out "
            "(--traffic-group)"
        ]
    return []


def where(state: GroupState) -> str:
    active = ", ".join(state.active) or "no device"
    return f"active on {active}, next active {', '.join(state.next_active) or 'none'}"
