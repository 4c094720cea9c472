"""Step 5, ``connectivity`` — guide: "Specifying config sync, failover, and mirroring
addresses" (each device, on its own ``cm device`` record; never synced).

Converged when the device's own record (``selfDevice "true"``) has the config-sync address,
the failover unicast addresses (port 1026 by default) and the primary and secondary mirror
addresses of the playbook — by default the guide's: internal static self; HA static self and
the management address; internal static self; HA static self.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.bigip.api import DEVICE_COLLECTION, self_device
from f5ecmp.bigip.changes import Change, FieldChange, modify
from f5ecmp.bigip.normalize import address, integer, uri_name
from f5ecmp.playbook.model import Device
from f5ecmp.steps.base import Context, Step, StepConflict, Target

_NONE = ("none", "any6", "any", "", None)  # how BIG-IP writes "no address" (reference §4.5)


def read(ctx: Context, device: Device) -> dict[str, Any]:
    """Facts: the device's own ``cm device`` record (``selfDevice "true"``)."""
    own = self_device(ctx.read(device, DEVICE_COLLECTION))
    if own is None:
        raise StepConflict(f"{device.name} lists no cm device record of its own (selfDevice true)")
    return own


def _addr(value: Any) -> str | None:
    if value in _NONE:
        return None
    parsed = address(value)
    return str(parsed) if parsed is not None else str(value)


def _unicast(have: Any, mgmt: str) -> list[tuple[str, int]]:
    out = []
    for entry in have if isinstance(have, list) else []:
        ip = str(entry.get("ip", ""))
        ip = mgmt if ip == "management-ip" else (_addr(ip) or ip)
        out.append((ip, integer(entry.get("port")) or 1026))
    return sorted(out)


def diff(current: dict[str, Any], target: Target) -> list[Change]:
    """``current`` is the device's own ``cm device`` record."""
    device = target.device
    mgmt = str(device.mgmt)
    port = device.connectivity.failover_port
    # BIG-IP takes the management address only as the literal "management-ip": a unicast
    # address must otherwise be one of the device's self IPs (reference §4.5).
    want_unicast = [
        {"ip": "management-ip" if str(ip) == mgmt else str(ip), "port": port}
        for ip in device.failover_unicast
    ]
    secondary = device.mirror_secondary_ip
    fields = []
    if _addr(current.get("configsyncIp")) != str(device.config_sync_ip):
        fields.append(
            FieldChange("configsyncIp", current.get("configsyncIp"), str(device.config_sync_ip))
        )
    wanted_pairs = sorted(
        (mgmt if u["ip"] == "management-ip" else u["ip"], port) for u in want_unicast
    )
    if _unicast(current.get("unicastAddress"), mgmt) != wanted_pairs:
        fields.append(
            FieldChange("unicastAddress", _show(current.get("unicastAddress")), want_unicast)
        )
    if _addr(current.get("mirrorIp")) != str(device.mirror_primary_ip):
        fields.append(
            FieldChange("mirrorIp", current.get("mirrorIp"), str(device.mirror_primary_ip))
        )
    want_secondary = str(secondary) if secondary is not None else None
    if _addr(current.get("mirrorSecondaryIp")) != want_secondary:
        fields.append(
            FieldChange(
                "mirrorSecondaryIp", current.get("mirrorSecondaryIp"), want_secondary or "any6"
            )
        )
    if not fields:
        return []
    path = f"{DEVICE_COLLECTION}/{uri_name(str(current.get('name', device.name)))}"
    return [modify(path, f"device {device.name} connectivity", fields)]


def _show(value: Any) -> Any:
    if isinstance(value, list):
        return [f"{e.get('ip')}:{e.get('port')}" for e in value]
    return value


STEP = Step(
    5,
    "connectivity",
    "Specifying config sync, failover, and mirroring addresses",
    "each",
    read,
    diff,
)
