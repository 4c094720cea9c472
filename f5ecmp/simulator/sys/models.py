"""System settings: NTP, DNS, global settings, provisioning and db keys; saving the
configuration; iApps LX package tasks.

The guide's "Specifying a list of NTP servers" (and the optional DNS servers of "Before you
begin"). All of it is local to each device and never travels with config sync (§5.1).
"""

from __future__ import annotations

import functools
import itertools
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import errors, names
from ..errors import ErrorId
from ..objects import Kind, Rules, int_in_range, table

if TYPE_CHECKING:
    from ..device import Device
    from ..store import Obj

# The default file-access prefixes of global settings [F].
FILE_BLACKLIST = " ".join(
    f"{{{p}}}"
    for p in (
        "/shared/3dns/",
        "/shared/bin/",
        "/shared/core/",
        "/shared/datasync/",
        "/shared/em/",
        "/shared/GeoIP/",
        "/shared/images/",
        "/shared/lib/",
        "/shared/lib64/",
        "/shared/log/",
        "/shared/lost+found/",
        "/shared/mgmt/",
        "/shared/nfb/",
        "/shared/ssh/",
        "/shared/statsd/",
        "/shared/tmstat/",
        "/shared/vadc/",
        "/config/aaa/",
        "/config/big3d/",
        "/config/bigip/",
        "/config/filestore/",
        "/config/gtm/",
        "/config/httpd/",
        "/config/ntp.conf",
        "/config/rndc.key",
        "/config/ssh/",
        "/config/ssl/",
    )
)
PROVISION_LEVELS = frozenset({"none", "minimum", "nominal", "dedicated", "custom"})


@functools.cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def server_list(key: str, value: Any) -> list[str] | None:
    """`["a", "b"]` → the list; `[]`, `[""]`, `["none"]`, `"none"` clear it [C]."""
    if value in ("none", "", None) or value in ([], [""], ["none"]):
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
    return list(value)


def ntp_defaults() -> dict[str, Any]:
    return {"timezone": "America/Los_Angeles"}


def dns_defaults() -> dict[str, Any]:
    return {"description": "configured-by-dhcp", "numberOfDots": 0, "search": ["localhost"]}


def global_settings_defaults(hostname: str) -> dict[str, Any]:
    return {
        "awsApiMaxConcurrency": 1,
        "consoleInactivityTimeout": 0,
        "customAddr": "none",
        "failsafeAction": "go-offline-restart-tm",
        "fileBlacklistPathPrefix": FILE_BLACKLIST,
        "fileBlacklistReadOnlyPathPrefix": "{/etc/shadow}",
        "fileLocalPathPrefix": "{/shared/} {/tmp/}",
        "fileWhitelistPathPrefix": "{/var/local/scf} {/tmp/} {/shared/} {/config/} "
        "{/usr/share/aws/}",
        "guiSecurityBanner": "enabled",
        "guiSecurityBannerText": "Welcome to the BIG-IP Configuration Utility.\n\n"
        "Log in with your username and password using the fields on the left.",
        "guiSetup": "disabled",
        "hostAddrMode": "management",
        "hostname": hostname,
        "lcdDisplay": "enabled",
        "ledLocator": "disabled",
        "mgmtDhcp": "disabled",
        "netReboot": "disabled",
        "passwordPrompt": "Password",
        "quietBoot": "enabled",
        "usernamePrompt": "Username",
    }


class SingletonRules(Rules):
    """An unnamed object answered at its collection path (no name, no generation) [F]."""

    creatable = False
    deletable = False


class NtpRules(SingletonRules):
    kind = Kind("sys/ntp", "NTP", foldered=False, singleton=True, subcollections=("restrict",))
    optional = frozenset({"description", "servers"})

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return ntp_defaults()

    def coerce(self, key: str, value: Any) -> Any:
        if key == "servers":
            return server_list(key, value)
        if key == "timezone":
            # [I] the device checks the zone against its tz database.
            if value not in time_zones():
                raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
            return value
        return super().coerce(key, value)

    def after_write(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        dev.self_record().props["timeZone"] = obj.props["timezone"]


class DnsRules(SingletonRules):
    kind = Kind("sys/dns", "DNS", foldered=False, singleton=True)
    optional = frozenset({"description", "nameServers", "search", "include"})

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return dns_defaults()

    def coerce(self, key: str, value: Any) -> Any:
        if key == "nameServers":
            servers = server_list(key, value)
            for server in servers or []:
                names.parse_ip(server)
            return servers
        if key == "search":
            return server_list(key, value)
        if key == "numberOfDots":
            return int_in_range(key, value, 0, 15)
        return super().coerce(key, value)


class GlobalSettingsRules(SingletonRules):
    kind = Kind("sys/global-settings", "global settings", foldered=False, singleton=True)
    switches = frozenset(
        {
            "guiSetup",
            "guiSecurityBanner",
            "mgmtDhcp",
            "lcdDisplay",
            "netReboot",
            "quietBoot",
            "ledLocator",
        }
    )

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return global_settings_defaults(dev.name)

    def after_write(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        dev.self_record().props["hostname"] = obj.props["hostname"]


class ProvisionRules(Rules):
    """`sys/provision`: one item per module; LTM nominal, the rest none."""

    kind = Kind("sys/provision", "provision", foldered=False)
    creatable = False
    deletable = False
    enums = table({"level": PROVISION_LEVELS})
    ranges = table({"cpuRatio": (0, 255), "diskRatio": (0, 255), "memoryRatio": (0, 255)})


class DbRules(Rules):
    """`sys/db`: the few database keys clients read (dns.cache, statemirror...)."""

    kind = Kind("sys/db", "db variable", foldered=False)
    creatable = False
    deletable = False

    def coerce(self, key: str, value: Any) -> Any:
        if key == "value" and not isinstance(value, str):
            raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
        return value


RULES: tuple[Rules, ...] = (
    NtpRules(),
    DnsRules(),
    GlobalSettingsRules(),
    ProvisionRules(),
    DbRules(),
)


def save_config(dev: Device, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /mgmt/tm/sys/config {"command":"save"}` [D]."""
    if body.get("command") != "save":
        raise errors.make(ErrorId.INVALID_VALUE, key="command", value=body.get("command"))
    dev.save_config()
    return {"kind": "tm:sys:config:savestate", **body}


@dataclass(frozen=True)
class PackageTask:
    """An iApps LX package-management task (`/mgmt/shared/iapp/package-management-tasks`)."""

    task_id: str
    created: int  # microseconds since the epoch


class PackageTasks:
    """The package tasks of every device. A fresh device has no iApps LX package installed
    (AS3, DO, TS, CFE...): a `QUERY` finishes at once and finds nothing; installing or
    removing packages is not modelled, so any other operation is refused [I]."""

    def __init__(self) -> None:
        self.tasks: dict[tuple[str, str], PackageTask] = {}
        self._numbers = itertools.count(1)

    def create_task(self, device: str, body: dict[str, Any], now: float) -> PackageTask:
        if body.get("operation") != "QUERY":
            raise errors.make(ErrorId.INVALID_VALUE, key="operation", value=body.get("operation"))
        task = PackageTask(str(uuid.UUID(int=next(self._numbers))), int(now * 1_000_000))
        self.tasks[(device, task.task_id)] = task
        return task

    def get_task(self, device: str, task_id: str) -> PackageTask:
        task = self.tasks.get((device, task_id))
        if task is None:
            raise errors.make(ErrorId.PACKAGE_TASK_NOT_FOUND, id=task_id)
        return task

    def clear(self) -> None:
        """Forget every task (task ids keep counting)."""
        self.tasks.clear()
