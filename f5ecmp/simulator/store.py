"""A device's configuration: objects by kind and fullPath, and the device-wide generation.

`generation` is mcpd's change counter (reference §1.2): every change bumps it and the changed
object records the new value, so objects in one collection carry different generations and
two synced peers show different numbers for the same object.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Obj:
    """One configuration object: its kind (REST collection path), fullPath and properties.

    Properties are stored as the device renders them (BIG-IP's key names, string booleans where
    BIG-IP uses strings). Subcollection items (VLAN interfaces, pool members, virtual profiles,
    device-group devices) live in `children`, keyed by subcollection then item fullPath.
    """

    kind: str
    full_path: str
    props: dict[str, Any]
    generation: int = 0
    children: dict[str, dict[str, Obj]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.full_path.rsplit("/", 1)[-1]

    @property
    def partition(self) -> str | None:
        return self.full_path.split("/")[1] if self.full_path.startswith("/") else None

    def child_list(self, sub: str) -> list[Obj]:
        """Subcollection items in name order, as devices list them."""
        return sorted(self.children.get(sub, {}).values(), key=lambda c: c.full_path)


class ConfigStore:
    """Objects of one device, by kind then fullPath."""

    def __init__(self) -> None:
        self._objects: dict[str, dict[str, Obj]] = {}
        self.generation = 0

    def bump(self) -> int:
        self.generation += 1
        return self.generation

    def get(self, kind: str, full_path: str) -> Obj | None:
        return self._objects.get(kind, {}).get(full_path)

    def items(self, kind: str) -> list[Obj]:
        """Objects of a kind, ordered by name as devices list most collections."""
        return sorted(self._objects.get(kind, {}).values(), key=lambda o: o.full_path)

    def put(self, obj: Obj, *, touch: bool = True) -> Obj:
        """Store `obj`; `touch` gives it (and its children without one) a new generation."""
        if touch:
            obj.generation = self.bump()
            for items in obj.children.values():
                for child in items.values():
                    if not child.generation:
                        child.generation = obj.generation
        self._objects.setdefault(obj.kind, {})[obj.full_path] = obj
        return obj

    def remove(self, kind: str, full_path: str) -> Obj | None:
        removed = self._objects.get(kind, {}).pop(full_path, None)
        if removed is not None:
            self.bump()
        return removed

    def snapshot(self) -> tuple[int, dict[str, dict[str, Obj]]]:
        return self.generation, copy.deepcopy(self._objects)

    def restore(self, snap: tuple[int, dict[str, dict[str, Obj]]]) -> None:
        self.generation, objects = snap
        self._objects = copy.deepcopy(objects)
