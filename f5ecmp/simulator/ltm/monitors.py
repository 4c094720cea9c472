"""Health monitors and the profiles virtual servers reference (`ltm/monitor/<type>`,
`ltm/profile/<type>`, `ltm/persistence/<type>`).

Monitors may be created, derived from a built-in one; the built-in profiles and persistence
profiles (`catalogue`) are read-only. Monitors and profiles travel with config sync
(reference §5.1). No monitor ever runs: the simulator never connects to a data-plane address.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .. import catalogue, errors, names
from ..errors import ErrorId
from ..objects import Kind, Rules, ref_path, table
from ..store import Obj

if TYPE_CHECKING:
    from ..device import Device

MONITOR_TYPES = tuple(catalogue.MONITORS)
BUILTIN_MONITORS = frozenset(f"/Common/{n}" for found in catalogue.MONITORS.values() for n in found)
# Every profile type a 16.1 device has; its built-in profiles are in `catalogue.PROFILES`.
PROFILE_TYPES = tuple(catalogue.PROFILES)
MONITOR_WORDS = frozenset({"and", "min", "of", "{", "}"})


class MonitorRules(Rules):
    """`ltm/monitor/<type>`: built-in monitors plus custom ones derived from them."""

    optional = frozenset({"description", "defaultsFrom", "send", "recv", "recvDisable"})
    switches = frozenset({"reverse", "transparent", "manualResume", "adaptive"})
    ranges = table(
        {
            "interval": (1, 86400),
            "timeout": (1, 86400),
            "timeUntilUp": (0, 86400),
            "upInterval": (0, 86400),
        }
    )
    synced = True

    def __init__(self, monitor_type: str) -> None:
        self.kind = Kind(
            f"ltm/monitor/{monitor_type}",
            "monitor",
            refs={"defaultsFrom": f"ltm/monitor/{monitor_type}"},
        )
        self.monitor_type = monitor_type

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return catalogue.monitor_defaults(self.monitor_type)

    def coerce(self, key: str, value: Any) -> Any:
        if key == "defaultsFrom":
            return ref_path(value, key)
        return super().coerce(key, value)

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        roots = catalogue.MONITORS[self.monitor_type]
        if creating and "defaultsFrom" not in body and roots:
            body = {**body, "defaultsFrom": f"/Common/{roots[0]}"}
        super().apply(dev, obj, body, creating)

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        parent = obj.props.get("defaultsFrom")
        if parent == obj.full_path:
            raise errors.make(ErrorId.MONITOR_DEFAULTS_FROM_ITSELF, path=obj.full_path)
        if parent is not None and dev.store.get(self.kind.path, parent) is None:
            raise errors.make(ErrorId.REFERENCE_MISSING, type="monitor", path=parent)

    def check_delete(self, dev: Device, obj: Obj) -> None:
        if obj.full_path in BUILTIN_MONITORS:
            raise errors.make(
                ErrorId.METHOD_NOT_SUPPORTED, method="DELETE", path=f"/tm/{self.kind.path}"
            )
        for kind, user_type in (("ltm/pool", "pool"), ("ltm/node", "node")):
            for user in dev.store.items(kind):
                if obj.full_path in monitor_names(user.props.get("monitor", "")):
                    raise errors.make(
                        ErrorId.IN_USE,
                        type="monitor",
                        path=obj.full_path,
                        user_type=user_type,
                        user_path=user.full_path,
                    )


class ProfileRules(Rules):
    """`ltm/profile/<type>`: the built-in profiles virtual servers reference (read-only)."""

    creatable = False
    deletable = False
    synced = True

    def __init__(self, path: str) -> None:
        self.kind = Kind(path, "profile")


class PersistenceRules(ProfileRules):
    """`ltm/persistence/<type>`: the built-in persistence profiles (read-only)."""

    def __init__(self, path: str) -> None:
        self.kind = Kind(path, "persistence profile")


def monitor_names(text: str) -> list[str]:
    """`/Common/http and /Common/tcp`, `min 1 of { http tcp }` → full paths."""
    tokens = [t for t in re.split(r"[\s{}]+", text) if t]
    return [
        names.full_path(t)
        for t in tokens
        if t not in MONITOR_WORDS and not t.isdigit() and t not in ("default", "none")
    ]


def monitor_rule(dev: Device, value: Any) -> str | None:
    """Validate a monitor rule string and return the device's spelling of it [F][C]."""
    if value in (None, "", "none", "/Common/none"):
        return None
    if not isinstance(value, str):
        raise errors.make(ErrorId.INVALID_VALUE, key="monitor", value=value)
    found = monitor_names(value)
    for path in found:
        if not any(dev.store.get(f"ltm/monitor/{t}", path) for t in MONITOR_TYPES):
            raise errors.make(ErrorId.REFERENCE_MISSING, type="monitor", path=path)
    quorum = re.match(r"\s*min\s+(\d+)\s+of", value)
    if quorum:
        return f"min {quorum.group(1)} of {{ {' '.join(found)} }}"
    return " and ".join(found)


RULES: tuple[Rules, ...] = (
    *(MonitorRules(t) for t in MONITOR_TYPES),
    *(ProfileRules(f"ltm/profile/{t}") for t in PROFILE_TYPES),
    *(PersistenceRules(f"ltm/persistence/{t}") for t in catalogue.PERSISTENCE),
    # Read by Ansible's virtual-server module on 14.0+ to detect SIP virtuals [C].
    ProfileRules("ltm/message-routing/sip/profile/session"),
)
