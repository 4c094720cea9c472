"""What every configuration object type has in common: its kind, the input it accepts, and the
create → validate → store sequence a device runs for POST, PATCH, PUT and DELETE.

Each object type (VLAN, self IP, pool...) is a `Rules` subclass in its area's model
(`net.models`, `ltm.models`, `cm.models`, `sys.models`...); this module holds the shared
mechanism. A write is validated on a copy and only then stored, so a refused request leaves
the device unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import errors, names
from .errors import ErrorId
from .store import Obj

if TYPE_CHECKING:
    from .device import Device

# Keys a client may send back unchanged (f5-sdk's update() PUTs the whole object); ignored.
READ_ONLY_KEYS = frozenset(
    {"kind", "selfLink", "generation", "fullPath", "name", "partition", "subPath"}
)
SWITCH = frozenset({"enabled", "disabled"})
# A read-only mapping for per-type tables declared on `Rules` subclasses.
table = MappingProxyType


@dataclass(frozen=True)
class Kind:
    """An object type as iControl REST names it.

    `path` is the collection path under /mgmt/tm (also the kind string's source: `net/vlan` →
    `tm:net:vlan:vlanstate`), `type_name` the noun mcpd uses in messages, `refs` maps a
    property to the collection its full paths point into (rendered as `<prop>Reference`).
    """

    path: str
    type_name: str
    foldered: bool = True
    singleton: bool = False
    refs: Mapping[str, str] = field(default_factory=dict)
    subcollections: tuple[str, ...] = ()


class Rules:
    """Validation and defaults of one object type. Subclasses override what differs."""

    kind: Kind
    creatable = True
    deletable = True
    synced = False
    optional: frozenset[str] = frozenset({"description"})
    input_only: frozenset[str] = frozenset()
    derived: frozenset[str] = frozenset()
    immutable: frozenset[str] = frozenset()
    enums: Mapping[str, frozenset[str]] = {}
    switches: frozenset[str] = frozenset()  # "enabled"/"disabled", booleans accepted
    string_bools: frozenset[str] = frozenset()  # "true"/"false", booleans accepted
    ranges: Mapping[str, tuple[int, int]] = {}

    # --- hooks -----------------------------------------------------------------------------
    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {}

    def place(self, full_path: str) -> str:
        """Where a created object lives, from the path its body names (iApp services move
        into a folder of their own)."""
        return full_path

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        """Turn the accepted body keys into stored properties (after `coerce`)."""
        for key, value in body.items():
            if key in self.input_only or key in self.derived:
                continue
            if value is None:
                obj.props.pop(key, None)
            else:
                obj.props[key] = value

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        """Raise a `SimError` for anything the device would refuse."""

    def after_write(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        """Side effects on other objects (auto-created nodes, virtual addresses...)."""

    def check_delete(self, dev: Device, obj: Obj) -> None:
        """Refuse the delete of an object still referenced."""

    def after_delete(self, dev: Device, obj: Obj) -> None:
        """Side effects of a delete (auto-deleted virtual addresses...)."""

    def is_synced(self, obj: Obj) -> bool:
        """Whether config sync carries this object (reference §5.1)."""
        return self.synced

    # --- subcollection items (VLAN interfaces, pool members...) ----------------------------
    child_type_names: Mapping[str, str] = {}

    def add_child(self, dev: Device, parent: Obj, sub: str, body: dict[str, Any]) -> Obj:
        raise errors.make(
            ErrorId.METHOD_NOT_SUPPORTED, method="POST", path=f"/tm/{self.kind.path}/{sub}"
        )

    def modify_child(
        self, dev: Device, parent: Obj, sub: str, child: Obj, body: dict[str, Any]
    ) -> None:
        raise errors.make(
            ErrorId.METHOD_NOT_SUPPORTED, method="PATCH", path=f"/tm/{self.kind.path}/{sub}"
        )

    def set_children(self, dev: Device, parent: Obj, sub: str, items: Any) -> None:
        """An inline list (`interfaces`, `members`, `devices`...) replaces the subcollection;
        `"none"` empties it."""
        if items in ("none", None):
            items = []
        if not isinstance(items, list):
            raise errors.make(ErrorId.INVALID_VALUE, key=sub, value=items)
        parent.children[sub] = {}
        for item in items:
            self.add_child(dev, parent, sub, item)

    def remove_child(self, dev: Device, parent: Obj, sub: str, child: Obj) -> None:
        del parent.children[sub][child.full_path]

    def child_display(self, parent: Obj, sub: str, key: str) -> str:
        """How mcpd names a subcollection item in its messages."""
        return key

    # --- input handling --------------------------------------------------------------------
    def accepted(self, dev: Device, full_path: str, existing: Obj | None) -> frozenset[str]:
        known = frozenset(existing.props) if existing is not None else frozenset()
        return (
            frozenset(self.defaults(dev, full_path))
            | self.optional
            | self.input_only
            | self.derived
            | READ_ONLY_KEYS
            | known
        )

    def coerce(self, key: str, value: Any) -> Any:
        """Accept every form real clients send and return the form the device stores."""
        if key in self.switches:
            return switch(key, value)
        if key in self.string_bools:
            return string_bool(key, value)
        if key in self.ranges:
            low, high = self.ranges[key]
            return int_in_range(key, value, low, high)
        if key in self.enums and value not in self.enums[key]:
            raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
        return value

    def clean_body(
        self, dev: Device, full_path: str, body: dict[str, Any], existing: Obj | None = None
    ) -> dict[str, Any]:
        """Drop read-only keys, refuse unknown ones, coerce the rest."""
        allowed = self.accepted(dev, full_path, existing)
        out: dict[str, Any] = {}
        for key, value in body.items():
            if key in READ_ONLY_KEYS or key.endswith("Reference"):
                continue
            if key not in allowed:
                raise errors.make(
                    ErrorId.UNEXPECTED_PROPERTY, path=f"/{self.kind.path}/", key=key, value=value
                )
            out[key] = value if key in self.input_only else self.coerce(key, value)
        return out


# --- value coercion --------------------------------------------------------------------------


def switch(key: str, value: Any) -> str:
    if value is True:
        return "enabled"
    if value is False:
        return "disabled"
    if value in SWITCH:
        return str(value)
    raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)


def string_bool(key: str, value: Any) -> str:
    if value is True or value == "true":
        return "true"
    if value is False or value == "false":
        return "false"
    raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)


def int_in_range(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value) from None
    if not low <= number <= high:
        raise errors.make(ErrorId.OUT_OF_RANGE, key=key, value=number, low=low, high=high)
    return number


def ref_path(value: Any, key: str) -> str:
    """A reference given as `name`, `/Common/name` or `{"name": ...}` → its full path."""
    if isinstance(value, dict):
        value = value.get("name")
    if not isinstance(value, str) or not value:
        raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
    return names.full_path(value)


# --- the write sequence ----------------------------------------------------------------------


def object_path(rules: Rules, body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise errors.make(ErrorId.MISSING_PROPERTY, type=rules.kind.type_name, key="name")
    if not rules.kind.foldered:
        return name
    partition = body.get("partition")
    if partition is not None and not isinstance(partition, str):
        raise errors.make(ErrorId.INVALID_VALUE, key="partition", value=partition)
    return names.full_path(name, partition)


def create_object(dev: Device, rules: Rules, body: dict[str, Any]) -> Obj:
    full = rules.place(object_path(rules, body))
    if rules.kind.foldered and names.partition_of(full) != names.COMMON:
        raise errors.make(ErrorId.FOLDER_NOT_FOUND, folder="/" + names.partition_of(full))
    if dev.store.get(rules.kind.path, full) is not None:
        raise errors.make(ErrorId.ALREADY_EXISTS, type=rules.kind.type_name, path=full)
    clean = rules.clean_body(dev, full, body)
    obj = Obj(rules.kind.path, full, rules.defaults(dev, full))
    rules.apply(dev, obj, clean, creating=True)
    return commit_write(dev, rules, obj, None)


def modify_object(
    dev: Device, rules: Rules, obj: Obj, body: dict[str, Any], *, replace: bool
) -> Obj:
    if not body:
        raise errors.make(ErrorId.EMPTY_PATCH)
    clean = rules.clean_body(dev, obj.full_path, body, obj)
    for key in rules.immutable:
        if key in clean and clean[key] != obj.props.get(key):
            raise errors.make(
                ErrorId.IMMUTABLE_PROPERTY, type=rules.kind.type_name, path=obj.full_path, key=key
            )
    new = obj.revised()
    if replace:
        kept = {k: obj.props[k] for k in rules.immutable | rules.derived if k in obj.props}
        new.props = {**rules.defaults(dev, obj.full_path), **kept}
    rules.apply(dev, new, clean, creating=False)
    return commit_write(dev, rules, new, obj)


def commit_write(dev: Device, rules: Rules, obj: Obj, old: Obj | None) -> Obj:
    """Validate, store, run side effects and report the change: the end of every write."""
    rules.validate(dev, obj, old)
    dev.store.put(obj)
    rules.after_write(dev, obj, old)
    dev.changed(rules, obj, old)
    return obj


def delete_object(dev: Device, rules: Rules, obj: Obj) -> None:
    if not rules.deletable:
        raise errors.make(
            ErrorId.METHOD_NOT_SUPPORTED, method="DELETE", path=f"/tm/{rules.kind.path}"
        )
    rules.check_delete(dev, obj)
    dev.store.remove(rules.kind.path, obj.full_path)
    rules.after_delete(dev, obj)
    dev.changed(rules, obj)


def find(dev: Device, rules: Rules, full_path: str) -> Obj:
    obj = dev.store.get(rules.kind.path, full_path)
    if obj is None:
        raise errors.make(ErrorId.NOT_FOUND, type=rules.kind.type_name, path=full_path)
    return obj


def find_child(rules: Rules, parent: Obj, sub: str, key: str) -> Obj:
    child = parent.children.get(sub, {}).get(key)
    if child is None:
        raise errors.make(
            ErrorId.NOT_FOUND,
            type=rules.child_type_names.get(sub, sub),
            path=rules.child_display(parent, sub, key),
        )
    return child


def write_child(
    dev: Device,
    rules: Rules,
    parent: Obj,
    sub: str,
    method: str,
    key: str | None = None,
    body: dict[str, Any] | None = None,
) -> Obj | None:
    """Add (POST), modify (PATCH/PUT) or remove (DELETE) one subcollection item.

    The parent is rewritten as a whole, so its generation moves and a refusal leaves it as it
    was. Returns the item as stored (None after a delete).
    """
    new = copy.deepcopy(parent)
    if method == "POST":
        child = rules.add_child(dev, new, sub, body or {})
        key = child.full_path
    else:
        child = find_child(rules, new, sub, key or "")
        if method == "DELETE":
            rules.remove_child(dev, new, sub, child)
        else:
            if not body:
                raise errors.make(ErrorId.EMPTY_PATCH)
            rules.modify_child(dev, new, sub, child, body)
            child.generation = 0
    commit_write(dev, rules, new, parent)
    return None if method == "DELETE" else new.children[sub][key or ""]
