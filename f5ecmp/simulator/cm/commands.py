"""Commands a device runs on request: config sync and failover (also through bash).

Each takes the request body the way real clients send it (reference §4.9, §4.10) and returns
the echo the device answers with. Their effects happen on the cluster timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors, names
from ..device import Device
from ..errors import ErrorId

if TYPE_CHECKING:
    from ..cluster import Cluster

FULL_LOAD = "force-full-load-push"


def parse_config_sync(body: dict[str, Any]) -> tuple[str, str]:
    """→ (direction, group). Accepts `config-sync [force-full-load-push] to-group <dg>`, the
    Ansible word order `config-sync to-group <dg> force-full-load-push`, `from-group`, and the
    `cm/config-sync` form `{"options": [{"to-group": "<dg>"}]}` [C][F]."""
    options = body.get("options")
    if isinstance(options, list):
        for option in options:
            if isinstance(option, dict):
                for direction in ("to-group", "from-group"):
                    if isinstance(option.get(direction), str):
                        return direction, option[direction]
        raise errors.make(ErrorId.SYNC_COMMAND_INVALID, args=str(options))
    args = body.get("utilCmdArgs")
    if not isinstance(args, str):
        raise errors.make(ErrorId.SYNC_COMMAND_INVALID, args=str(args))
    words = [w for w in args.split() if w != FULL_LOAD]
    if len(words) == 3 and words[0] == "config-sync" and words[1] in ("to-group", "from-group"):
        return words[1], words[2]
    raise errors.make(ErrorId.SYNC_COMMAND_INVALID, args=args)


def config_sync(cluster: Cluster, dev: Device, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /mgmt/tm/cm {"command":"run","utilCmdArgs":"config-sync to-group dg"}`."""
    if body.get("command") != "run":
        raise errors.make(ErrorId.INVALID_VALUE, key="command", value=body.get("command"))
    direction, group = parse_config_sync(body)
    path = names.full_path(group)
    found = dev.store.get("cm/device-group", path)
    if found is None:
        raise errors.make(ErrorId.DEVICE_GROUP_NOT_FOUND_FOR_SYNC, name=group)
    if dev.full_name not in found.children.get("devices", {}):
        # A device that knows the group (its definition is on every trusted device) but is not
        # a member has no one to sync with: the command is accepted and does nothing [C:
        # f5-sdk's DeviceGroup.teardown syncs from each device right after it left the group].
        return {"kind": "tm:cm:runstate", **body}
    if direction == "to-group":
        cluster.sync.push(dev, path, manual=True)
    else:
        cluster.sync.pull(dev, path)
    return {"kind": "tm:cm:runstate", **body}


def parse_failover(body: dict[str, Any]) -> tuple[str, str | None]:
    """→ (action, traffic group). `{"standby": true, "traffic-group": "tg"}` (note the hyphen),
    `trafficGroup`, or `utilCmdArgs "standby traffic-group tg"`; `offline` / `online` [C]."""
    args = body.get("utilCmdArgs")
    if isinstance(args, str) and args.strip():
        words = args.split()
        tg = words[2] if len(words) == 3 and words[1] == "traffic-group" else None
        if words[0] in ("standby", "offline", "online") and (len(words) == 1 or tg):
            return words[0], tg
        raise errors.make(ErrorId.INVALID_VALUE, key="utilCmdArgs", value=args)
    chosen = [a for a in ("standby", "offline", "online") if body.get(a) in (True, "true")]
    if len(chosen) != 1:
        raise errors.make(ErrorId.INVALID_VALUE, key="standby", value=body.get("standby"))
    tg = body.get("traffic-group", body.get("trafficGroup"))
    return chosen[0], tg if isinstance(tg, str) else None


def failover(cluster: Cluster, dev: Device, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /mgmt/tm/sys/failover`: standby (one traffic group or all), offline, online."""
    if body.get("command") != "run":
        raise errors.make(ErrorId.INVALID_VALUE, key="command", value=body.get("command"))
    action, tg = parse_failover(body)
    if action == "standby":
        path = names.full_path(tg) if tg else None
        active = cluster.failover.active_groups(dev)
        if path is not None and path not in active:
            raise errors.make(ErrorId.FAILOVER_NOT_ACTIVE, traffic_group=path)
        cluster.schedule(
            0,
            lambda: cluster.failover.standby(dev, path) if cluster.available(dev) else None,
            f"standby {dev.name}",
        )
    else:
        dev.forced_offline = action == "offline"
        cluster.schedule(0, cluster.failover_changed, f"{action} {dev.name}")
    return {"kind": "tm:sys:failover:runstate", **body}
