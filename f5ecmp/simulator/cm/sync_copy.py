"""What a config sync carries to one target, and how it lands there (see `sync`).

The target's new configuration is built in a fork of its store while the live one keeps
answering reads; `SyncState` installs it. Only what differs is copied, as with BIG-IP's
incremental sync. The build lets other threads run every few hundred objects, so that reads
going on beside a sync of a 5,000-member pool are not held up by it.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from ..device import REGISTRY, Device
from ..store import ConfigStore, Obj, copy_value, same_content

T = TypeVar("T")
BREATHE_EVERY = 500


def breathing(items: Iterable[T]) -> Iterator[T]:
    """`items`, with a pause for other threads every `BREATHE_EVERY` of them: a thread busy
    in Python keeps the others waiting up to the interpreter's switch interval (5 ms) each
    time they need to run again."""
    for count, item in enumerate(items, start=1):
        if count % BREATHE_EVERY == 0:
            time.sleep(0)
        yield item


def staged_configuration(source: Device, target: Device) -> ConfigStore:
    """The target's configuration with its synced objects made those of the source, built in
    a fork of its store: the target itself is not touched.

    Only what differs travels, as with BIG-IP's incremental sync: an object the target already
    holds unchanged keeps its generation, and a changed one keeps its unchanged items (pool
    members...). A floating self IP whose VLAN (or static subnet) is missing on the target
    fails the sync on that target [I], as it would fail to load there: the `SimError` is
    raised.
    """
    theirs, mine = _synced_table(source), _synced_table(target)
    same = {
        key
        for key, obj in breathing(mine.items())
        if key in theirs and same_content(obj, theirs[key])
    }
    store = target.store.fork()
    for key in sorted(mine.keys() - same):
        if not _held_locally(source, *key):
            store.remove(*key)
    incoming = [_copy_for(theirs[key], mine.get(key)) for key in sorted(theirs.keys() - same)]
    for obj in _ordered(incoming):
        store.put(obj)
    # The rules read the device's store: validate against a view of the target that holds
    # the new configuration.
    probe = copy.copy(target)
    probe.store = store
    for obj in incoming:
        REGISTRY[obj.kind].validate(probe, obj, None)
    return store


def _held_locally(source: Device, kind: str, path: str) -> bool:
    """An object the source holds as local (a floating self IP it moved to
    traffic-group-local-only) is not part of what it syncs, so the target keeps its floating
    copy [I: BIG-IP leaves peers with the floating object]."""
    mine = source.store.get(kind, path)
    return mine is not None and not REGISTRY[kind].is_synced(mine)


def _synced_table(dev: Device) -> dict[tuple[str, str], Obj]:
    """What config sync carries from or to `dev`, by (kind, fullPath)."""
    return {
        (obj.kind, obj.full_path): obj
        for kind, rules in REGISTRY.items()
        for obj in breathing(dev.store.unordered(kind))
        if rules.is_synced(obj)
    }


def _copy_for(theirs: Obj, mine: Obj | None) -> Obj:
    """A copy of the source's object for a target whose own version is `mine`, sharing the
    items of `mine` that are unchanged (stored objects are never changed in place)."""
    out = Obj(theirs.kind, theirs.full_path, copy_value(theirs.props))
    for sub, items in theirs.children.items():
        own = mine.children.get(sub, {}) if mine is not None else {}
        out.children[sub] = {
            key: own[key] if key in own and same_content(own[key], item) else item.clone()
            for key, item in breathing(items.items())
        }
    return out


def _ordered(objs: Iterable[Obj]) -> list[Obj]:
    """Traffic groups first so that everything referring to them finds them."""
    return sorted(objs, key=lambda o: (o.kind != "cm/traffic-group", o.kind))
