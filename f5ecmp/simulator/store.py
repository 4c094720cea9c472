"""A device's configuration: objects by kind and fullPath, and the device-wide generation.

`generation` is mcpd's change counter (reference §1.2): every change bumps it and the changed
object records the new value, so objects in one collection carry different generations and
two synced peers show different numbers for the same object.

`revision` is the store's own change counter: it moves on every change, also one that leaves
`generation` where it was (a restore), and never goes back, so a cached answer can be checked
against it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

# Property values are JSON data; these are immutable and shared by copies.
_ATOMIC = frozenset({str, int, float, bool, type(None)})


def copy_value(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars), much faster than `copy.deepcopy`."""
    kind = type(value)
    if kind in _ATOMIC:
        return value
    if kind is dict:
        return {k: v if type(v) in _ATOMIC else copy_value(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _ATOMIC else copy_value(v) for v in value]
    return copy.deepcopy(value)


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

    def clone(self) -> Obj:
        """A deep copy (what `copy.deepcopy` returns, in a fraction of its time)."""
        return Obj(
            self.kind,
            self.full_path,
            copy_value(self.props),
            self.generation,
            {sub: {k: c.clone() for k, c in items.items()} for sub, items in self.children.items()},
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> Obj:
        return self.clone()

    def revised(self) -> Obj:
        """A copy to change and store in this object's place: its own properties and item
        tables, sharing the items, which a write never changes in place (a write to one item
        copies the whole object first: `objects.write_child`). A 5,000-member pool's PATCH
        copies no member."""
        return Obj(
            self.kind,
            self.full_path,
            copy_value(self.props),
            self.generation,
            {sub: dict(items) for sub, items in self.children.items()},
        )

    def same_content(self, other: Obj) -> bool:
        """Equal but for generations: what a synced peer holds of this object."""
        if self.props != other.props:
            return False
        if not (self.children or other.children):
            return True
        if self.children.keys() != other.children.keys():
            return False
        for sub, items in self.children.items():
            theirs = other.children[sub]
            if items.keys() != theirs.keys():
                return False
            if not all(same_content(item, theirs[key]) for key, item in items.items()):
                return False
        return True


class ConfigStore:
    """Objects of one device, by kind then fullPath."""

    def __init__(self) -> None:
        self._objects: dict[str, dict[str, Obj]] = {}
        self.generation = 0
        self.revision = 0

    def bump(self) -> int:
        self.generation += 1
        self.revision += 1
        return self.generation

    def get(self, kind: str, full_path: str) -> Obj | None:
        return self._objects.get(kind, {}).get(full_path)

    def unordered(self, kind: str) -> list[Obj]:
        """Objects of a kind in no particular order (cheaper than `items` for big kinds)."""
        return list(self._objects.get(kind, {}).values())

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
        self.revision += 1
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
        self.revision += 1

    def fork(self) -> ConfigStore:
        """A store to prepare changes in, apart from this one: its own tables, this store's
        objects (shared: put copies, never change a stored object in place)."""
        other = ConfigStore()
        other._objects = {kind: dict(objs) for kind, objs in self._objects.items()}
        other.generation = self.generation
        other.revision = self.revision
        return other

    def adopt(self, other: ConfigStore) -> None:
        """Take the content of a `fork` of this store, in one step."""
        self._objects = other._objects
        self.generation = other.generation
        self.revision = max(self.revision, other.revision) + 1


def same_content(mine: Obj, theirs: Obj) -> bool:
    """`mine.same_content(theirs)`, with the common case (equal items without subcollections,
    such as the members of a pool) settled without a call."""
    if mine.props != theirs.props:
        return False
    return not (mine.children or theirs.children) or mine.same_content(theirs)
