"""The playbook an operator writes: model, loading and offline validation."""

from f5ecmp.playbook.checks import playbook_warnings
from f5ecmp.playbook.loader import load_playbook, load_with_warnings, validate_source
from f5ecmp.playbook.model import (
    FLOATING_ROLES,
    VLAN_ROLES,
    Device,
    Playbook,
    VlanRole,
)
from f5ecmp.playbook.source import read_source

__all__ = [
    "FLOATING_ROLES",
    "VLAN_ROLES",
    "Device",
    "Playbook",
    "VlanRole",
    "load_playbook",
    "load_with_warnings",
    "playbook_warnings",
    "read_source",
    "validate_source",
]
