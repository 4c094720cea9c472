"""Read BIG-IP's stats-shaped status answers (``entries → nestedStats → entries``).

``cm/sync-status``, ``cm/failover-status``, ``sys/version`` and ``cm/traffic-group/stats`` all
use this envelope (reference §1.4); clients hard-code the entry keys, and so do we.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SYNC_STATUS_PATH = "/mgmt/tm/cm/sync-status"
FAILOVER_STATUS_PATH = "/mgmt/tm/cm/failover-status"
VERSION_PATH = "/mgmt/tm/sys/version"
TG_STATS_PATH = "/mgmt/tm/cm/traffic-group/stats"


def _entries(node: Any) -> dict[str, Any]:
    if isinstance(node, dict):
        nested = node.get("nestedStats", node)
        found = nested.get("entries", {}) if isinstance(nested, dict) else {}
        return found if isinstance(found, dict) else {}
    return {}


def _text(fields: dict[str, Any], key: str) -> str:
    value = fields.get(key, {})
    if isinstance(value, dict):
        return str(value.get("description", value.get("value", "")))
    return ""


def first_entry(answer: Any) -> dict[str, Any]:
    """The fields of the single entry (``.../sync-status/0``) of a status answer."""
    entries = _entries(answer)
    return _entries(next(iter(entries.values()))) if entries else {}


def detail_lines(fields: dict[str, Any]) -> list[str]:
    """The ``details`` lines, in order (``.../syncStatus/0/details/N``)."""
    for key, value in fields.items():
        if key.endswith("/details"):
            lines = [_text(_entries(v), "details") for v in _entries(value).values()]
            return [line for line in lines if line]
    return []


@dataclass(frozen=True)
class SyncStatus:
    status: str  # "In Sync", "Changes Pending", "Awaiting Initial Sync", "Disconnected", ...
    color: str
    summary: str
    details: tuple[str, ...]

    @property
    def in_sync(self) -> bool:
        return self.status == "In Sync"

    def group_state(self, group: str) -> str:
        """The group's own status from its detail line, else the device-wide one."""
        return self.group_status(group) or self.status

    def disconnected(self) -> list[str]:
        """The peers the device reports disconnected (``NAME: disconnected`` detail lines)."""
        return [
            line.split(":", 1)[0].strip()
            for line in self.details
            if ":" in line and line.split(":", 1)[1].strip().startswith("disconnected")
        ]

    def state_for(self, group: str, ours: set[str]) -> str:
        """The group's status, counting a ``Disconnected`` caused only by devices outside
        ``ours`` (a dead unit the playbook dropped, still a member until it is removed) as
        ``In Sync``: the devices f5ecmp manages are what it waits for."""
        state = self.group_state(group)
        gone = self.disconnected()
        if state == "Disconnected" and gone and not set(gone) & ours:
            return "In Sync"
        return state

    def recommended_for(self, group: str) -> str | None:
        """The device BIG-IP recommends syncing to ``group``, if it recommends one."""
        for line in self.details:
            marker = "Recommended action: Synchronize "
            if marker in line and line.rstrip().endswith(f" to group {group}"):
                return line.split(marker, 1)[1].rsplit(" to group ", 1)[0].strip()
        return None

    def group_status(self, group: str) -> str | None:
        """The status a detail line gives one device group: ``dg (In Sync): ...``."""
        prefix = f"{group} ("
        for line in self.details:
            if line.startswith(prefix) and ")" in line:
                return line[len(prefix) : line.index(")")]
        return None


def sync_status(answer: Any) -> SyncStatus:
    fields = first_entry(answer)
    return SyncStatus(
        status=_text(fields, "status"),
        color=_text(fields, "color"),
        summary=_text(fields, "summary").strip(),
        details=tuple(detail_lines(fields)),
    )


def version(answer: Any) -> str:
    return _text(first_entry(answer), "Version")


def traffic_group_states(answer: Any) -> dict[str, dict[str, str]]:
    """Traffic group → device → failover state, from ``cm/traffic-group/stats``."""
    return traffic_group_field(answer, "failoverState")


def traffic_group_field(answer: Any, key: str) -> dict[str, dict[str, str]]:
    """Traffic group → device → one field (``failoverState``, ``nextActive``) of the stats."""
    out: dict[str, dict[str, str]] = {}
    for entry in _entries(answer).values():
        fields = _entries(entry)
        group = _text(fields, "trafficGroup").rsplit("/", 1)[-1]
        device = _text(fields, "deviceName").rsplit("/", 1)[-1]
        if group and device:
            out.setdefault(group, {})[device] = _text(fields, key)
    return out
