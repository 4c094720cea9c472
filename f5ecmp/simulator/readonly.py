"""Collections a device answers but the simulator does not let clients change: the read-only
part of the built-in catalogue (`catalogue.READ_ONLY`) and `sys/syslog`.

Reads behave as every other collection (paging, `$select`, 404 with the mcpd text); a POST
is refused as on any collection without a create.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import catalogue
from .objects import Kind, Rules

if TYPE_CHECKING:
    from .device import Device

# The noun mcpd uses in "The requested <Type> (...) was not found." ([F] for iRule and folder,
# [I] for the rest).
TYPE_NAMES = {
    "auth/user": "user",
    "ltm/data-group/internal": "value list",
    "ltm/policy": "Policy",
    "ltm/rule": "iRule",
    "ltm/snatpool": "Snatpool",
    "net/trunk": "Trunk",
    "sys/file/ssl-cert": "Certificate file object",
    "sys/file/ssl-key": "Key file object",
    "sys/folder": "folder",
    "sys/ha-group": "HA group",
    "sys/management-route": "management route",
}
# [I] a 16.1 device's syslog defaults (tmsh `list sys syslog`), the keys clients compare.
SYSLOG_DEFAULTS: dict[str, Any] = {
    "authPrivFrom": "notice",
    "authPrivTo": "emerg",
    "consoleLog": "enabled",
    "cronFrom": "warning",
    "cronTo": "emerg",
    "daemonFrom": "notice",
    "daemonTo": "emerg",
    "isoDate": "disabled",
    "kernFrom": "debug",
    "kernTo": "emerg",
    "mailFrom": "notice",
    "mailTo": "emerg",
    "messagesFrom": "notice",
    "messagesTo": "warning",
    "userLogFrom": "notice",
    "userLogTo": "emerg",
}


class ReadOnlyRules(Rules):
    creatable = False
    deletable = False

    def __init__(self, path: str, foldered: bool) -> None:
        self.kind = Kind(path, TYPE_NAMES.get(path, path.rsplit("/", 1)[-1]), foldered=foldered)


class SyslogRules(Rules):
    """`sys/syslog`: an unnamed singleton [I: shape as sys/ntp]."""

    kind = Kind("sys/syslog", "syslog", foldered=False, singleton=True)
    creatable = False
    deletable = False

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return dict(SYSLOG_DEFAULTS)


RULES: tuple[Rules, ...] = (
    *(ReadOnlyRules(kind, foldered) for kind, (foldered, _) in catalogue.READ_ONLY.items()),
    SyslogRules(),
)
