"""Step 8, ``virtual_server`` — guide: "Creating a destination address and port for application
traffic" (first device; config sync carries it).

Converged when the virtual server exists with the playbook's destination address/mask and
port, protocol, SNAT automap, connection mirroring, default pool and profiles. Creating it
makes BIG-IP create the virtual address too (step 9 then sets it to span).
"""

from __future__ import annotations

from typing import Any

from f5ecmp.bigip.api import get_or_none
from f5ecmp.bigip.changes import Change, FieldChange, modify
from f5ecmp.bigip.normalize import flag, short_name, strip_route_domain, subcollection, uri_name
from f5ecmp.playbook.model import Device, Playbook
from f5ecmp.steps.base import Context, Step, Target

VIRTUAL_COLLECTION = "/mgmt/tm/ltm/virtual"
READ_PARAMS = {"expandSubcollections": "true"}
# Virtual server types other than standard are flags on the object (reference §4.13).
_TYPE_FLAGS = {
    "forwarding-ip": "ipForward",
    "forwarding-l2": "l2Forward",
    "reject": "reject",
    "stateless": "stateless",
    "dhcp": "dhcpRelay",
    "internal": "internal",
}


def virtual_path(pb: Playbook) -> str:
    return f"{VIRTUAL_COLLECTION}/{uri_name(pb.virtual_server.name, pb.partition)}"


def destination(pb: Playbook) -> str:
    """``/Common/30.1.1.10:80``; IPv6 uses a dot before the port (reference §1.7)."""
    vs = pb.virtual_server
    address = str(
        vs.destination.network.network_address
        if vs.destination.network.num_addresses > 1
        else vs.destination.ip
    )
    separator = "." if vs.destination.version == 6 else ":"
    port = "any" if vs.port == 0 and vs.destination.version == 6 else str(vs.port)
    return f"/{pb.partition}/{address}{separator}{port}"


def desired_body(pb: Playbook) -> dict[str, Any]:
    vs = pb.virtual_server
    body: dict[str, Any] = {
        "name": vs.name,
        "partition": pb.partition,
        "destination": destination(pb),
        "mask": str(vs.destination.network.netmask),
        "ipProtocol": vs.ip_protocol,
        "pool": f"/{pb.partition}/{pb.default_pool}",
        "sourceAddressTranslation": {"type": vs.snat},
        "mirror": "enabled" if vs.mirroring else "disabled",
        "profiles": [
            {"name": p if p.startswith("/") else f"/Common/{p}"} for p in vs.profile_names
        ],
    }
    if vs.type in _TYPE_FLAGS:
        body[_TYPE_FLAGS[vs.type]] = True
    if vs.description is not None:
        body["description"] = vs.description
    return body


def _comparable(current: dict[str, Any], partition: str) -> dict[str, Any]:
    snat = current.get("sourceAddressTranslation") or {}
    mirror = flag(current.get("mirror"))
    return {
        "destination": strip_route_domain(str(current.get("destination", ""))),
        "mask": current.get("mask"),
        "ipProtocol": current.get("ipProtocol"),
        "pool": f"/{partition}/{short_name(current['pool'])}" if current.get("pool") else None,
        "sourceAddressTranslation": {"type": snat.get("type", "none")},
        "mirror": "enabled" if mirror else "disabled",
        "description": current.get("description"),
    }


def diff(current: dict[str, Any] | None, target: Target) -> list[Change]:
    pb = target.playbook
    want = desired_body(pb)
    if current is None:
        vs = pb.virtual_server
        extras = [f"SNAT {vs.snat}"] + (["mirroring"] if vs.mirroring else [])
        summary = f"create virtual server {vs.name} {want['destination']} → pool {pb.default_pool} ({', '.join(extras)})"
        return [Change("create", "POST", VIRTUAL_COLLECTION, want, summary)]
    have = _comparable(current, pb.partition)
    fields = [
        FieldChange(key, have.get(key), value)
        for key, value in want.items()
        if key in have and have[key] != value and not (key == "description" and value is None)
    ]
    have_profiles = {
        str(short_name(p.get("fullPath", p.get("name"))))
        for p in subcollection(current, "profilesReference")
    }
    want_profiles = {str(short_name(p["name"])) for p in want["profiles"]}
    if have_profiles and have_profiles != want_profiles:
        fields.append(FieldChange("profiles", sorted(have_profiles), sorted(want_profiles)))
    if not fields:
        return []
    change = modify(virtual_path(pb), f"virtual server {pb.virtual_server.name}", fields)
    if any(f.field == "profiles" for f in fields):
        assert change.body is not None
        change.body["profiles"] = want["profiles"]
    return [change]


def parse(answer: Any) -> dict[str, Any] | None:
    return answer if isinstance(answer, dict) and answer.get("name") else None


def read(ctx: Context, device: Device) -> dict[str, Any] | None:
    """Facts: the virtual server with its profiles, or None when it does not exist."""
    path = virtual_path(ctx.playbook)
    return parse(get_or_none(ctx.client(device), path, READ_PARAMS))


STEP = Step(
    8, "virtual_server", "Creating a destination address and port", "first", read, diff,
    synced=True,
)  # fmt: skip
