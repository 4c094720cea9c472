"""Step 3, ``ntp`` — guide: "Specifying a list of NTP servers" (each device, partition Common),
and "Before you begin: DNS servers" when the playbook names any.

Converged when ``sys ntp`` lists exactly the playbook's servers (BIG-IP keeps no order that
matters: compared as a set) and its time zone, and — only when the playbook gives DNS servers —
``sys dns`` has those name servers (as a set) and search domains (in order: resolution tries
them in turn). A playbook without DNS servers leaves the device's DNS alone.
"""

from __future__ import annotations

from typing import Any

from f5ecmp.bigip.changes import Change, FieldChange, modify
from f5ecmp.playbook.model import Device
from f5ecmp.steps.base import Context, Step, Target

NTP_PATH = "/mgmt/tm/sys/ntp"
DNS_PATH = "/mgmt/tm/sys/dns"


Facts = tuple[dict[str, Any], dict[str, Any]]  # (sys ntp, sys dns or {})


def read(ctx: Context, device: Device) -> Facts:
    """Facts: ``sys ntp``, and ``sys dns`` only when the playbook names DNS servers."""
    dns = ctx.read(device, DNS_PATH) if ctx.playbook.dns.servers else {}
    return ctx.read(device, NTP_PATH), dns


def diff(facts: Facts, target: Target) -> list[Change]:
    ntp, dns = facts
    pb = target.playbook
    changes = []
    fields = []
    servers = list(pb.ntp.servers)
    if sorted(str(s).lower() for s in ntp.get("servers", [])) != sorted(servers):
        fields.append(FieldChange("servers", ntp.get("servers", []), servers))
    if ntp.get("timezone") != pb.ntp.timezone:
        fields.append(FieldChange("timezone", ntp.get("timezone"), pb.ntp.timezone))
    if fields:
        changes.append(modify(NTP_PATH, "NTP", fields))
    if pb.dns.servers:
        fields = []
        name_servers = [str(s) for s in pb.dns.servers]
        if sorted(dns.get("nameServers", [])) != sorted(name_servers):
            fields.append(FieldChange("nameServers", dns.get("nameServers", []), name_servers))
        if pb.dns.search and list(dns.get("search", [])) != list(pb.dns.search):
            fields.append(FieldChange("search", dns.get("search", []), list(pb.dns.search)))
        if fields:
            changes.append(modify(DNS_PATH, "DNS", fields))
    return changes


STEP = Step(3, "ntp", "Specifying a list of NTP servers", "each", read, diff)
