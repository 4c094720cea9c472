"""Answers to reads of configuration objects, kept while nothing has changed.

A GET of a configuration collection or object is a function of the device's store, its
version and the request target (path and query). The answer is kept with a stamp: the
cluster lock's `epoch`, which moves whenever a change begins anywhere in the cluster, and the
store's `revision`, which moves on every change to the store, also one made straight on the
model. A kept answer is used only while both are what they were, so a read never sees
anything older than a fresh render would; a repeated read of a large pool costs nothing but
its bytes on the wire.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from .base import Ctx, Response

MAX_ENTRIES = 256
MAX_BYTES = 64 * 1024 * 1024

Key = tuple[str, str, str]  # device, version, request target
Stamp = tuple[int, int]  # lock epoch, store revision


@dataclass(frozen=True)
class _Entry:
    stamp: Stamp
    response: Response


class ResponseCache:
    """Kept answers of one cluster, oldest dropped first past `MAX_ENTRIES` or `MAX_BYTES`."""

    def __init__(self) -> None:
        self._entries: dict[Key, _Entry] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def answer(self, ctx: Ctx, render: Callable[[], Response]) -> Response:
        """The kept answer of this read if still valid, else `render()` (kept if a 200)."""
        key = (ctx.dev.name, ctx.dev.version, ctx.req.target)
        stamp = (ctx.app.cluster.lock.epoch, ctx.dev.store.revision)
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry.stamp == stamp:
            return entry.response
        response = render()
        if response.status == 200:
            self._keep(key, _Entry(stamp, response))
        return response

    def _keep(self, key: Key, entry: _Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.response.body)
            self._entries[key] = entry
            self._bytes += len(entry.response.body)
            while len(self._entries) > MAX_ENTRIES or self._bytes > MAX_BYTES:
                dropped = self._entries.pop(next(iter(self._entries)))
                self._bytes -= len(dropped.response.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
