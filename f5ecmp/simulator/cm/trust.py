"""Device trust (reference §4.6, §5.5; guide, "Establishing device trust").

`add-to-trust` on device A logs into the peer named by its management address with the
credentials given (checked at once, as the device retrieves the peer's information before
answering), then the two trust domains merge after the trust delay: every device of either
domain lists every device of both. Removal is per side. Peers resolve in-process; nothing
ever leaves the machine.
"""

from __future__ import annotations

import copy
from typing import Any

from .. import errors, names
from ..device import Device
from ..errors import ErrorId
from ..store import Obj
from .collaborators import Scheduler, TrustPeers
from .models import BUILTIN_GROUPS, TRUST_GROUP


def unquote_password(password: str) -> str:
    """cloud-libs wraps the password in double quotes for tmsh and escapes `\\` and `"` [C]."""
    if len(password) >= 2 and password[0] == password[-1] == '"':
        return password[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return password


class Trust:
    """The trust domains of a cluster's devices: each device's `trust` (the names it trusts)
    and its `device_trust_group`."""

    def __init__(self, peers: TrustPeers, events: Scheduler, delay: float) -> None:
        self.peers = peers
        self.events = events
        self.delay = delay  # how long the two domains take to merge

    def add_to_trust(self, dev: Device, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /mgmt/tm/cm/add-to-trust`; returns the command echo."""
        address = body.get("device")
        if not isinstance(address, str) or not address:
            raise errors.make(ErrorId.MISSING_PROPERTY, type="add-to-trust", key="device")
        if body.get("caDevice") in (True, "true") and body.get("nonCaDevice") in (True, "true"):
            raise errors.make(
                ErrorId.INVALID_VALUE, key="nonCaDevice", value=body.get("nonCaDevice")
            )
        own = {str(dev.mgmt)} | {
            str(names.parse_self_address(s.props["address"]).ip)
            for s in dev.store.items("net/self")
        }
        if names.is_ip(address) and str(names.parse_ip(address)) in own:
            raise errors.make(ErrorId.OWN_ADDRESS_IN_TRUST, address=address)
        peer = self.peers.device_at(address)
        if peer is None or not self.peers.reachable(peer):
            raise errors.make(ErrorId.TRUST_PEER_UNREACHABLE, address=address)
        user, password = body.get("username"), body.get("password")
        if (
            not isinstance(user, str)
            or not isinstance(password, str)
            or not (
                peer.auth.check_password(user, password)
                or peer.auth.check_password(user, unquote_password(password))
            )
        ):
            raise errors.make(ErrorId.TRUST_AUTHENTICATION_FAILED, address=address)
        given = body.get("deviceName", peer.name)
        if given != peer.name:
            raise errors.make(
                ErrorId.TRUST_DEVICE_NAME_MISMATCH,
                address=address,
                given=str(given),
                actual=peer.name,
            )
        if peer.name not in dev.trust:
            self.events.schedule(
                self.delay,
                lambda: self._merge(dev, peer),
                f"trust {dev.name} + {peer.name}",
            )
        echo = {k: v for k, v in body.items() if k != "password"}
        return {"kind": "tm:cm:add-to-trust:runstate", **echo}

    def _merge(self, dev: Device, peer: Device) -> None:
        self.set_trust_members(dev.trust | peer.trust)

    def remove_from_trust(self, dev: Device, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /mgmt/tm/cm/remove-from-trust`: this side forgets the peer. Ansible sends the
        peer name as `name`, others `name: Root` plus `deviceName`; both are accepted [C]."""
        name = body.get("deviceName") or body.get("name")
        if not isinstance(name, str) or name == "Root":
            raise errors.make(ErrorId.MISSING_PROPERTY, type="remove-from-trust", key="deviceName")
        name = names.base_name(names.full_path(name))
        if name == dev.name:
            raise errors.make(ErrorId.INVALID_VALUE, key="deviceName", value=name)
        if name in dev.trust:
            dev.trust.discard(name)
            self.refresh_trust_group(dev)
        echo = {k: v for k, v in body.items() if k != "password"}
        return {"kind": "tm:cm:remove-from-trust:runstate", **echo}

    def reset(self, dev: Device) -> None:
        """`DELETE /mgmt/tm/cm/trust-domain`: this device alone in its trust again."""
        dev.trust = {dev.name}
        self.refresh_trust_group(dev)

    def set_trust_members(self, members: set[str]) -> None:
        """Every device of a trust domain lists all of them (trust, device_trust_group)."""
        for name in members:
            dev = self.peers.device(name)
            dev.trust = set(members)
            self.refresh_trust_group(dev)
        self.share_group_definitions(members)

    def refresh_trust_group(self, dev: Device) -> None:
        group = dev.store.get("cm/device-group", TRUST_GROUP)
        if group is None:
            return
        group = copy.deepcopy(group)
        group.children["devices"] = {
            f"/Common/{m}": Obj("cm/device-group/devices", f"/Common/{m}", {})
            for m in sorted(dev.trust)
        }
        dev.store.put(group)

    def share_group_definitions(self, members: set[str]) -> None:
        """A device joining a trust domain receives the device groups its peers define."""
        for name in sorted(members):
            for group in self.peers.device(name).store.items("cm/device-group"):
                if group.full_path in BUILTIN_GROUPS:
                    continue
                for other in sorted(members - {name}):
                    peer = self.peers.device(other)
                    if peer.store.get("cm/device-group", group.full_path) is None:
                        peer.store.put(copy.deepcopy(group))

    def domain(self, dev: Device) -> dict[str, Any]:
        """The `Root` trust domain's properties as `dev` reports them [F] (`status` of a
        multi-device domain is [I])."""
        return {
            "caCert": "/Common/dtca.crt",
            "caCertBundle": "/Common/dtca-bundle.crt",
            "caDevices": [f"/Common/{n}" for n in sorted(dev.trust)],
            "caKey": "/Common/dtca.key",
            "status": "standalone" if dev.trust == {dev.name} else "initialized",
            "trustGroup": "/Common/device_trust_group",
        }
