"""One run's memory of what it read: a GET is not sent twice for an answer nothing has changed.

Within one run, several steps need the same answer (every step's facts, then the final check
of the guide's result; the identity guard's ``cm/device`` for trust). A :class:`ReadMemo`
keeps each answer until something could have changed it, and :class:`MemoApi` wraps a device
client so that steps read through it without knowing:

- **A write forgets what it could change.** A write to a device forgets that device's answers
  in the same part of the configuration (``net/vlan``, ``net/self``, ``sys/ntp``, all of
  ``ltm`` — a virtual server creates its virtual address, a pool member its node); a write
  under ``cm`` (device records, device groups, traffic groups travel over the trust) forgets
  ``cm`` answers on every device, as do writes to synced objects when the group syncs
  automatically. Every write forgets every device's status answers (sync status, failover
  status, ``/stats``). Trust and failover commands forget ``cm`` on every device; a config
  sync, ``util/bash`` and a transaction forget everything; saving the configuration forgets
  nothing (it changes no running configuration).
- **The device's answer to a write is the object as it stored it** (iControl REST answers a
  POST/PATCH/PUT with the whole object): it replaces or joins that object in the answers kept
  for its collection, so a step's check after applying reads no more than it must. An answer
  that carries an unexpanded subcollection (a VLAN's interfaces, a pool's members) where the
  read asked for it expanded cannot stand in for a read: that read goes to the device.
- **Waiting reads the devices**: while a wait runs (:meth:`ReadMemo.waiting`), reads of
  what trust, config sync and failover change by themselves (``cm``, status answers) bypass
  the memory and refresh it, and when it ends such answers read before it are forgotten.
- A read that was under way while a write happened is not kept (generation counter).

The memory lives for one run of ``plan``/``apply``; nothing is kept on disk. A step run again
after it did not converge forgets it all, and what decides the final config sync and the
final check of the guide's result are read from the devices (:meth:`ReadMemo.fresh`).
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from f5ecmp.bigip.api import DeviceApi, Json

TM = "/mgmt/tm/"
# Commands that may change any configuration on any device: a config sync, a shell.
_CLUSTER_COMMANDS = ("/mgmt/tm/cm", "/mgmt/tm/cm/config-sync", "/mgmt/tm/util/bash")
# Commands that change what every device reports under cm (trust, failover state) and its
# status answers, nothing else.
_CM_COMMANDS = (
    "/mgmt/tm/cm/add-to-trust",
    "/mgmt/tm/cm/remove-from-trust",
    "/mgmt/tm/sys/failover",
)
SAVE_PATH = "/mgmt/tm/sys/config"
_EXPAND = "expandSubcollections"

Key = tuple[str, str, tuple[tuple[str, str], ...]]  # device, path, sorted params


def area(path: str) -> str:
    """The part of the configuration a path belongs to: ``ltm`` and ``cm`` as wholes,
    otherwise the first two segments (``net/self``, ``sys/ntp``)."""
    rest = path[len(TM) :] if path.startswith(TM) else path
    parts = rest.split("/")
    if parts[0] in ("ltm", "cm"):
        return parts[0]
    return "/".join(parts[:2])


def is_status(path: str) -> bool:
    """What the devices report rather than hold: it changes after any write."""
    return path.endswith(("/stats", "-status"))


def _moving(path: str) -> bool:
    """What changes by itself while one waits for trust, a sync or a failover."""
    return area(path) == "cm" or is_status(path)


def _unexpanded(obj: Any) -> bool:
    """An object carrying a subcollection reference without its items."""
    return isinstance(obj, dict) and any(
        isinstance(v, dict) and v.get("isSubcollection") and "items" not in v
        for k, v in obj.items()
        if k.endswith("Reference")
    )


def _same_object(a: Any, b: Any) -> bool:
    if not isinstance(a, dict) or not isinstance(b, dict):
        return False
    if a.get("fullPath") and b.get("fullPath"):
        return bool(a["fullPath"] == b["fullPath"])
    return a.get("name") is not None and a.get("name") == b.get("name")


@dataclass
class _Group:
    """Writes under way together to one part of one device."""

    saved: dict[Key, tuple[int, Json]]  # the answers their own answers may bring up to date
    generation: int  # that part's generation after the first began
    expected: int = 0  # the bumps the group itself made since then
    under_way: int = 0
    answers: list[tuple[str, str, Json] | None] = field(default_factory=list)  # None: failed


@dataclass(frozen=True)
class _Pending:
    device: str
    method: str
    path: str
    body: Json
    group: _Group


@dataclass
class ReadMemo:
    """The answers one run has read, by device, path and parameters (see the module)."""

    # Areas whose writes reach every device (a group that syncs automatically).
    shared_areas: frozenset[str] = frozenset()
    planning: bool = False  # the run only reads (a plan): see fresh()
    _answers: dict[Key, tuple[int, Json]] = field(default_factory=dict)
    # A read is kept only if no write that could change it began or ended while it was under
    # way: a generation per device and area, and one for status answers (any write changes
    # them).
    _generations: dict[tuple[str, str], int] = field(default_factory=dict)
    _status_generation: int = 0
    _sequence: int = 0  # answers are numbered as they are kept
    _waits: int = 0  # waits under way
    _fresh: int = 0  # fresh reads under way (everything read from the devices)
    _groups: dict[tuple[str, str], _Group] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0

    @staticmethod
    def key(device: str, path: str, params: Mapping[str, str] | None) -> Key:
        return device, path, tuple(sorted((params or {}).items()))

    @contextlib.contextmanager
    def fresh(self) -> Iterator[None]:
        """Reads inside — from any thread — go to the devices (and refresh the memory): what
        decides a config sync and the final check of the guide's result are read from the
        devices, never remembered. Not while ``planning``: a plan writes nothing, so all it
        reads is one look at the devices already."""
        with self._lock:
            self._fresh += 0 if self.planning else 1
        try:
            yield
        finally:
            with self._lock:
                self._fresh -= 0 if self.planning else 1

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """A wait for something the devices do by themselves — trust, config sync, failover,
        all of which BIG-IP shows under ``cm`` and in its status answers: while any wait
        runs, such reads go to the devices (from every thread: a poll reads devices in
        parallel); when it ends, such answers read before it began are forgotten. (A config
        sync, which changes everything on the peers, is a command: sending it forgot all.)"""
        with self._lock:
            self._waits += 1
            mark = self._sequence
        try:
            yield
        finally:
            with self._lock:
                self._waits -= 1
                self._answers = {
                    k: v for k, v in self._answers.items() if v[0] > mark or not _moving(k[1])
                }

    def seed(self, device: str, path: str, answer: Json) -> None:
        """An answer read before the run began (the identity guard's ``cm/device``)."""
        with self._lock:
            self._generations.setdefault((device, area(path)), 0)
            self._keep(self.key(device, path, None), copy.deepcopy(answer))

    def _keep(self, key: Key, answer: Json) -> None:
        self._sequence += 1
        self._answers[key] = (self._sequence, answer)

    def read(self, device: str, path: str, params: Mapping[str, str] | None,
             get: Callable[[], Json]) -> Json:  # fmt: skip
        key = self.key(device, path, params)
        with self._lock:
            if key in self._answers and not self._fresh and not (self._waits and _moving(path)):
                self.hits += 1
                return copy.deepcopy(self._answers[key][1])
            self._generations.setdefault((device, area(path)), 0)
            before = self._stamp(device, path)
        answer = get()
        with self._lock:
            if before == self._stamp(device, path):
                self._keep(key, copy.deepcopy(answer))
        return answer

    def _stamp(self, device: str, path: str) -> tuple[int, int]:
        status = self._status_generation if is_status(path) else 0
        return self._generations.get((device, area(path)), 0), status

    def _bump(self, device: str | None, part: str | None) -> None:
        """A write began or ended: on ``device`` (None: every device), in ``part`` of the
        configuration (None: all of it)."""
        self._status_generation += 1
        if device is not None and part is not None:
            self._generations.setdefault((device, part), 0)
        for key in self._generations:
            if (device is None or key[0] == device) and (part is None or key[1] == part):
                self._generations[key] += 1

    def begin_write(self, device: str, method: str, path: str, body: Json) -> _Pending:
        """Before a write is sent: forget what it could change (reads under way are not
        kept); the answers it could bring up to date are set aside for :meth:`end_write`.
        Writes to one part of a device under way together (creates sent at once) form one
        group: their answers are applied when the last of them ends."""
        with self._lock:
            part = (device, area(path))
            group = self._groups.get(part)
            saved = self._forget_for(device, method, path, body)
            if group is None:
                group = _Group(saved, self._generations.get(part, 0))
                self._groups[part] = group
            else:
                group.expected += 1  # this write's own bump
            group.under_way += 1
            return _Pending(device, method, path, body, group)

    def end_write(self, pending: _Pending, answer: Json, ok: bool) -> None:
        """After the write: forget again what reads during it may have kept; when the last
        write of its group ends, keep the objects the device answered with — unless another
        write to that part of the configuration came in between, or one of them failed."""
        with self._lock:
            part = (pending.device, area(pending.path))
            group = pending.group
            self._forget_for(pending.device, pending.method, pending.path, pending.body)
            group.expected += 1
            group.under_way -= 1
            group.answers.append((pending.method, pending.path, answer) if ok else None)
            if group.under_way:
                return
            del self._groups[part]
            alone = self._generations.get(part, 0) == group.generation + group.expected
            if not alone or None in group.answers:
                return
            for (name, read_path, params), (_n, old) in group.saved.items():
                updated: Json = old
                for method, path, written in group.answers:  # type: ignore[misc]
                    updated = _with_answer(updated, read_path, dict(params), method, path,
                                           written)  # fmt: skip
                    if updated is None:
                        break
                if updated is not None:
                    self._keep((name, read_path, params), updated)

    def _forget_for(
        self, device: str, method: str, path: str, body: Json
    ) -> dict[Key, tuple[int, Json]]:
        """Drop the answers a write could change; returns the dropped ones of its own device
        and area (those its answer may bring up to date)."""
        if path == SAVE_PATH and isinstance(body, dict) and body.get("command") == "save":
            return {}
        if (method == "POST" and path in _CLUSTER_COMMANDS) or not path.startswith(TM):
            self._bump(None, None)
            self._answers.clear()
            return {}
        changed = "cm" if method == "POST" and path in _CM_COMMANDS else area(path)
        everywhere = changed == "cm" or changed in self.shared_areas
        self._bump(None if everywhere else device, changed)
        kept: dict[Key, tuple[int, Json]] = {}
        saved: dict[Key, tuple[int, Json]] = {}
        for key, answer in self._answers.items():
            name, read_path, _params = key
            if is_status(read_path):
                continue
            if area(read_path) != changed or not (everywhere or name == device):
                kept[key] = answer
            elif name == device:
                saved[key] = answer
        self._answers = kept
        return saved

    def forget(self) -> None:
        with self._lock:
            self._bump(None, None)
            self._answers.clear()


def _with_answer(
    old: Json, read_path: str, params: dict[str, str], method: str, path: str, answer: Json
) -> Json | None:
    """``old`` (the answer to a read of ``read_path``) as the write's answer shows it now, or
    None when the write's answer cannot tell (the read goes to the device again)."""
    if set(params) - {_EXPAND} or not isinstance(old, dict):
        return None  # a filtered or selected read: not rebuilt from whole objects
    kind = str(old.get("kind", ""))
    collection = kind.endswith("collectionstate")
    if method == "DELETE":
        if not collection or read_path != _parent(path):
            return None
        gone = unquote(path.rsplit("/", 1)[-1]).replace("~", "/")
        out = copy.deepcopy(old)
        out["items"] = [
            i for i in old.get("items", []) if gone not in (i.get("fullPath"), i.get("name"))
        ]
        return out
    if not isinstance(answer, dict) or (params.get(_EXPAND) == "true" and _unexpanded(answer)):
        return None
    if not collection:  # the object itself (sys/ntp, a pool, a virtual address)
        same = read_path == path and method in ("PATCH", "PUT") and answer.get("kind") == kind
        return copy.deepcopy(answer) if same else None
    if read_path != (path if method == "POST" else _parent(path)):
        return None
    if answer.get("kind") != kind[: -len("collectionstate")] + "state":
        return None  # not an object of this collection (a command's answer)
    out = copy.deepcopy(old)
    rows = [i for i in out.get("items", []) if not _same_object(i, answer)]
    out["items"] = [*rows, copy.deepcopy(answer)]
    return out


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0]


@dataclass
class MemoApi:
    """A device client that reads through a :class:`ReadMemo`."""

    inner: DeviceApi
    memo: ReadMemo
    device: str  # the device's name in the playbook
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = getattr(self.inner, "name", self.device)

    def __getattr__(self, attr: str) -> Any:
        if attr in ("post", "patch", "put", "delete"):  # writes go through request()
            raise AttributeError(f"{attr}: write through request(), which the memory sees")
        return getattr(self.inner, attr)

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Json:
        return self.memo.read(self.device, path, params, lambda: self.inner.get(path, params))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Json = None,
        confirm: Callable[[], bool] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Json:
        if method == "GET":
            return self.memo.read(
                self.device, path, params,
                lambda: self.inner.request(method, path, params=params, headers=headers),
            )  # fmt: skip
        pending = self.memo.begin_write(self.device, method, path, body)
        answer, ok = None, False
        try:
            answer = self.inner.request(
                method, path, params=params, body=body, confirm=confirm, headers=headers
            )
            ok = True
            return answer
        finally:
            self.memo.end_write(pending, answer, ok)

    def transaction(
        self, commands: list[dict[str, Any]], *, confirm: Callable[[], bool] | None = None
    ) -> Json:
        self.memo.forget()
        try:
            return self.inner.transaction(commands, confirm=confirm)
        finally:
            self.memo.forget()
