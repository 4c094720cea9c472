"""The durable record of a rollout, and the lock that keeps two rollouts of a cluster apart.

Each apply writes one journal: a JSON-lines file ``<state dir>/<cluster>/runs/<run id>.jsonl``
with mode 0600, each record flushed and fsynced before the step it describes goes on, so a
power cut loses at most the record being written. Reading is tolerant: a torn last line or a
corrupt record ends the readable prefix, which is used, and the problem is reported.

Records (``type``): ``run-start`` (run id, playbook path, fingerprint, and the target: which
devices the run went to — kind, each device's URL, cm device name, base MAC and chassis id),
``step-start``, ``step-done`` (with the changes made), ``step-failed`` (with the error),
``run-end``. A journal tells the operator what a run did and where it stopped; it is never
taken as proof that a device is configured: ``--resume`` reads every step again. A record
that lacks a field its type needs (a ``step-done`` without ``step``), or holds one of the
wrong type, is read like a corrupt line.

A failover drill journals in the same directory, its ``run-start`` marked ``kind: drill``
and its records its own (``drill-move``, ``drill-return``, ``drill-restore``); ``history``
lists both kinds, and ``--resume`` only ever continues an apply.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from f5ecmp.errors import F5EcmpError
from f5ecmp.redact import redact

JOURNAL_SUFFIX = ".jsonl"

_NUMBER = (int, float)
# The fields each record type must carry, and their types; records of other types (a newer
# f5ecmp's) are kept as they are.
_REQUIRED: dict[str, dict[str, type | tuple[type, ...]]] = {
    "run-start": {},
    "step-start": {"step": str, "device": str},
    "step-done": {"step": str, "device": str, "changes": list},
    "step-failed": {"step": str, "device": str, "error": str},
    "run-end": {"ok": bool},
}
# Fields that may be missing, but not of another type where present: on every record, and
# on a run's start (a drill's own records use some of these names for other things).
_OPTIONAL: dict[str, type | tuple[type, ...]] = {"time": _NUMBER}
_OPTIONAL_AT_START: dict[str, type | tuple[type, ...]] = {
    "fingerprint": str, "resumes": str, "target": dict, "playbook": str,
}  # fmt: skip


class JournalError(F5EcmpError):
    """The state directory or a journal could not be used."""


class LockedError(F5EcmpError):
    """Another apply of the same cluster is running."""


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cluster_dir(state_dir: Path, cluster: str) -> Path:
    return state_dir / cluster


def new_run_id(clock: Callable[[], float] = time.time) -> str:
    """Sortable by time, unique without coordination: ``20261125T021530.123Z-1a2b3c``."""
    now = clock()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now))
    return f"{stamp}.{int(now * 1000) % 1000:03d}Z-{uuid.uuid4().hex[:6]}"


class Journal:
    """Appends records to one run's journal, durably."""

    def __init__(self, path: Path, run_id: str, clock: Callable[[], float] = time.time) -> None:
        self.path, self.run_id, self._clock = path, run_id, clock
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.chmod(path, 0o600)  # in case the file already existed with looser bits
            _fsync_dir(path.parent)  # so that the new file itself survives a power cut
        except OSError as exc:
            raise JournalError(f"cannot write the journal {path}: {exc.strerror}") from None

    @classmethod
    def start(
        cls,
        state_dir: Path,
        cluster: str,
        *,
        playbook: str,
        fingerprint: str,
        resumes: str | None = None,
        target: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.time,
        kind: str | None = None,  # None: an apply; "drill": a failover drill
    ) -> Journal:
        run_id = new_run_id(clock)
        path = cluster_dir(state_dir, cluster) / "runs" / f"{run_id}{JOURNAL_SUFFIX}"
        journal = cls(path, run_id, clock)
        journal.write(
            "run-start",
            kind=kind,
            playbook=playbook,
            fingerprint=fingerprint,
            cluster=cluster,
            resumes=resumes,
            target=target,
        )
        return journal

    def write(self, kind: str, /, **fields: Any) -> None:
        record = {"type": kind, "run": self.run_id, "time": round(self._clock(), 3)}
        record.update({k: v for k, v in fields.items() if v is not None})
        line = json.dumps(redact(record), sort_keys=True, default=str) + "\n"
        data = line.encode()
        while data:
            written = os.write(self._fd, data)
            data = data[written:]
        os.fsync(self._fd)

    def step_started(self, step: str, device: str) -> None:
        self.write("step-start", step=step, device=device)

    def step_done(self, step: str, device: str, changes: list[dict[str, Any]]) -> None:
        self.write("step-done", step=step, device=device, changes=changes)

    def step_failed(
        self, step: str, device: str, error: str, changes: list[dict[str, Any]] | None = None
    ) -> None:
        """A step that failed, with the changes it had sent before it did (they may be
        unsaved on the devices)."""
        self.write("step-failed", step=step, device=device, error=error, changes=changes or None)

    def finish(self, ok: bool, **fields: Any) -> None:
        self.write("run-end", ok=ok, **fields)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


@dataclass
class Run:
    """One run read back from its journal."""

    run_id: str
    path: Path
    records: list[dict[str, Any]] = field(default_factory=list)
    problem: str | None = None  # why reading stopped early, if it did

    @property
    def start(self) -> dict[str, Any]:
        return self.records[0] if self.records and self.records[0]["type"] == "run-start" else {}

    @property
    def kind(self) -> str:
        """``apply`` or ``drill`` (journals of applies carry no kind)."""
        return str(self.start.get("kind") or "apply")

    @property
    def fingerprint(self) -> str | None:
        value = self.start.get("fingerprint")
        return str(value) if value is not None else None

    @property
    def target(self) -> dict[str, Any] | None:
        value = self.start.get("target")
        return value if isinstance(value, dict) else None

    @property
    def changed_devices(self) -> bool:
        """The run recorded changes made to devices (by steps that finished or failed)."""
        kinds = ("step-done", "step-failed")
        return any(r.get("changes") for r in self.records if r.get("type") in kinds)

    @property
    def end(self) -> dict[str, Any] | None:
        last = self.records[-1] if self.records else None
        return last if last is not None and last["type"] == "run-end" else None

    @property
    def finished_ok(self) -> bool:
        return bool(self.end and self.end.get("ok"))

    def done(self) -> dict[tuple[str, str], dict[str, Any]]:
        """``(step, device)`` → its ``step-done`` record, for every step that completed."""
        return {
            (str(r.get("step")), str(r.get("device"))): r
            for r in self.records
            if r["type"] == "step-done"
        }

    def stopped_at(self) -> dict[str, Any] | None:
        """The last failed step, or the last step started and never finished."""
        open_steps: dict[tuple[str, str], dict[str, Any]] = {}
        failed: dict[str, Any] | None = None
        for record in self.records:
            key = (record.get("step", ""), record.get("device", ""))
            if record["type"] == "step-start":
                open_steps[key] = record
            elif record["type"] in ("step-done", "step-failed"):
                open_steps.pop(key, None)
                if record["type"] == "step-failed":
                    failed = record
        if failed is not None:
            return failed
        return next(reversed(open_steps.values()), None)


def read_run(path: Path) -> Run:
    run = Run(run_id=path.name.removesuffix(JOURNAL_SUFFIX), path=path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        run.problem = f"cannot be read: {exc.strerror}"
        return run
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        problem: str | None
        try:
            record = json.loads(line)
        except ValueError:
            torn = not raw.endswith(b"\n") and raw.rstrip(b"\n").endswith(line)
            problem = "ends with a partly written record" if torn else "is corrupt"
        else:
            why = _malformed(record)
            problem = f"is corrupt ({why})" if why is not None else None
        if problem is not None:
            run.problem = (
                f"{path}: line {number} {problem}; using the {len(run.records)} records before it"
            )
            break
        run.records.append(record)
    return run


def _malformed(record: Any) -> str | None:
    """What makes ``record`` unusable, or None."""
    if not isinstance(record, dict) or not isinstance(record.get("type"), str):
        return "not a journal record"
    kind = record["type"]
    for name, expected in _REQUIRED.get(kind, {}).items():
        if name not in record:
            return f"a {kind} record without '{name}'"
        if not isinstance(record[name], expected):
            return f"a {kind} record whose '{name}' is not {_TYPE_NAMES[expected]}"
    optional = {**_OPTIONAL, **(_OPTIONAL_AT_START if kind == "run-start" else {})}
    for name, expected in optional.items():
        if record.get(name) is not None and not isinstance(record[name], expected):
            return f"a {kind} record whose '{name}' is not {_TYPE_NAMES[expected]}"
    target = record.get("target")
    if kind == "run-start" and isinstance(target, dict):
        devices = target.get("devices")
        if devices is not None and not (
            isinstance(devices, dict) and all(isinstance(d, dict) for d in devices.values())
        ):
            return f"a {kind} record whose target devices are not a mapping of devices"
    return None


_TYPE_NAMES: dict[type | tuple[type, ...], str] = {
    str: "text",
    list: "a list",
    bool: "true or false",
    dict: "a mapping",
    _NUMBER: "a number",
}


def list_runs(state_dir: Path, cluster: str) -> list[Run]:
    """Every run of ``cluster``, oldest first."""
    runs_dir = cluster_dir(state_dir, cluster) / "runs"
    if not runs_dir.is_dir():
        return []
    # Run ids begin with their start time to the millisecond, so they sort in time order even
    # when a torn first record hides the start time.
    return sorted(
        (read_run(p) for p in runs_dir.glob(f"*{JOURNAL_SUFFIX}")), key=lambda r: r.run_id
    )


def last_unfinished(runs: list[Run]) -> Run | None:
    """The run ``--resume`` continues: the newest apply, if it did not finish cleanly (a
    drill in between changes nothing about it)."""
    applies = [r for r in runs if r.kind == "apply"]
    if not applies or applies[-1].finished_ok:
        return None
    return applies[-1]


@dataclass
class ClusterLock:
    """An exclusive lock per cluster, held for the whole apply (``fcntl.flock``: released by
    the kernel when the holder dies, so a crashed run never blocks the next one)."""

    path: Path
    stale_holder: str | None = None  # set when a dead run's lock file was taken over
    purpose: str = "apply"  # or "drill": named in the lock file, for whoever finds it held
    _fd: int = -1

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise JournalError(
                f"cannot use the state directory {self.path.parent}: {exc.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 256).decode(errors="replace").strip() or "another process"
            os.close(fd)
            what = "a failover drill" if holder.startswith("drill") else "another apply"
            raise LockedError(
                f"{what} of this cluster is running ({holder}); lock: {self.path}"
            ) from None
        previous = os.read(fd, 256).decode(errors="replace").strip()
        if previous:
            self.stale_holder = previous
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        lead = f"{self.purpose}: " if self.purpose != "apply" else ""
        os.write(fd, f"{lead}pid {os.getpid()} on {socket.gethostname()}".encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd >= 0:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> ClusterLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def cluster_lock(state_dir: Path, cluster: str, purpose: str = "apply") -> ClusterLock:
    return ClusterLock(cluster_dir(state_dir, cluster) / "lock", purpose=purpose)


@dataclass(frozen=True)
class Hints:
    """What the journals of a cluster suggest, to be checked on the devices: never a reason
    to skip anything, only to do more (save again; look again at a device being removed)."""

    unsaved: bool = False  # a run since the last one that ended well changed devices
    leaving: frozenset[str] = frozenset()  # devices earlier runs began to decommission


def hints(runs: list[Run]) -> Hints:
    runs = [r for r in runs if r.kind == "apply"]  # a drill changes no configuration
    last_ok = max((i for i, r in enumerate(runs) if r.finished_ok), default=-1)
    unsaved = any(r.changed_devices for r in runs[last_ok + 1 :])
    leaving: set[str] = set()
    for run in runs:
        for record in run.records:
            if record.get("step") != "decommission":
                continue
            for change in record.get("changes") or []:
                if not isinstance(change, dict):
                    continue
                if change.get("device"):
                    leaving.add(str(change["device"]))
                path = str(change.get("path", ""))
                if "/devices/~Common~" in path:
                    leaving.add(path.rsplit("~", 1)[-1])
    return Hints(unsaved, frozenset(leaving))
