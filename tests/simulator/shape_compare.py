"""Comparing a response captured from a real BIG-IP with the simulator's answer, key by key.

`compare` walks both bodies together and reports every difference: a key one side has and the
other lacks, a value of another JSON type, another value, a list of another length, an item of
a collection (or of any list of named objects) that only one side has. Nothing is sampled: every
key of every object and every element of every list is visited.

A difference is located by the object it is in (its `kind`, or the request for a body without
one) and by a key path relative to that object: dotted keys, list positions as `[]`, and the
URL-like keys of stats bodies as `<url>`. That is what the accepted differences
(`shape_exceptions.py`) are written against.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MISSING = "missing"  # the capture has the key, the simulator does not
EXTRA = "extra"  # the simulator has the key, the capture does not
TYPE = "type"  # both have it, with values of different JSON types
VALUE = "value"  # same type, different value
LENGTH = "length"  # a list of positional elements with a different number of them
MISSING_ITEM = "missing item"  # a named item (collection item, metadata...) only the capture has
EXTRA_ITEM = "extra item"  # a named item only the simulator has

URL_KEY = re.compile(r"^https://localhost/")


@dataclass(frozen=True)
class Difference:
    kind: str
    key: str
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.key or '(top)'}: {self.what} — {self.detail}"


@dataclass
class Tally:
    """How much a comparison looked at: objects (anything with a `kind`) and keys."""

    objects: int = 0
    keys: int = 0


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def join(path: str, key: str) -> str:
    label = "<url>" if URL_KEY.match(key) else key
    return f"{path}.{label}" if path else label


def identity(item: Any) -> str | None:
    """What names a list element: its `name`, else the link it is (organizing collections,
    `haOrderReference`). None for anything else (compared by position)."""
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("name"), str):
        return str(item["name"])
    ref = item.get("reference", item)
    if isinstance(ref, dict) and isinstance(ref.get("link"), str) and len(item) == 1:
        return str(ref["link"])
    return None


def compare(
    captured: Any, ours: Any, top_kind: str, tally: Tally | None = None
) -> list[Difference]:
    """Every difference between the captured body and the simulator's."""
    return list(_walk(captured, ours, top_kind, "", tally if tally is not None else Tally()))


def _walk(cap: Any, ours: Any, kind: str, path: str, tally: Tally) -> Iterator[Difference]:
    if json_type(cap) != json_type(ours):
        yield Difference(kind, path, TYPE, f"{json_type(cap)} captured, {json_type(ours)} here")
        return
    if isinstance(cap, dict):
        if isinstance(cap.get("kind"), str):
            kind, path = cap["kind"], ""
            tally.objects += 1
        yield from _walk_object(cap, ours, kind, path, tally)
    elif isinstance(cap, list):
        yield from _walk_list(cap, ours, kind, path, tally)
    elif cap != ours:
        yield Difference(kind, path, VALUE, f"{cap!r} captured, {ours!r} here")


def _walk_object(
    cap: dict[str, Any], ours: dict[str, Any], kind: str, path: str, tally: Tally
) -> Iterator[Difference]:
    tally.keys += len(cap)
    for key in cap:
        if key not in ours:
            yield Difference(kind, join(path, key), MISSING, _brief(cap[key], key))
    for key in ours:
        if key not in cap:
            yield Difference(kind, join(path, key), EXTRA, _brief(ours[key], key))
    for key in cap:
        if key in ours:
            yield from _walk(cap[key], ours[key], kind, join(path, key), tally)


def _walk_list(
    cap: list[Any], ours: list[Any], kind: str, path: str, tally: Tally
) -> Iterator[Difference]:
    here = f"{path}[]"
    names = [identity(i) for i in cap]
    if cap and all(n is not None for n in names):
        mine = {identity(i): i for i in ours}
        for name, item in zip(names, cap, strict=True):
            if name not in mine:
                yield Difference(kind, here, MISSING_ITEM, str(name))
            else:
                yield from _walk(item, mine[name], kind, here, tally)
        for name in mine:
            if name not in names:
                yield Difference(kind, here, EXTRA_ITEM, str(name))
        return
    if len(cap) != len(ours):
        yield Difference(kind, path, LENGTH, f"{len(cap)} captured, {len(ours)} here")
    for a, b in zip(cap, ours, strict=False):
        yield from _walk(a, b, kind, here, tally)


def _brief(value: Any, key: str) -> str:
    text = key if URL_KEY.match(key) else repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
