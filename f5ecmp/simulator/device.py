"""One simulated BIG-IP: its identity, configuration store, users and tokens, and the
availability flags the cluster reads (up/down, forced offline).

Writes go through the object rules (`objects`); every accepted change is reported to the
cluster through `changed`, which is how config sync and failover learn about it. Inside a
transaction the reports wait until the commit succeeds, and a failed commit restores the store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from . import errors, objects, readonly
from .auth import models as auth
from .auth.models import Auth
from .clock import Clock
from .cm import models as cm
from .errors import ErrorId
from .factory import Identity, fresh_store
from .ltm import models as ltm
from .ltm.monitors import PROFILE_TYPES
from .names import IPAddress
from .net import models as net
from .objects import Rules
from .store import Obj
from .sys import iapp
from .sys import models as system

REGISTRY: dict[str, Rules] = {
    r.kind.path: r
    for r in (
        *net.RULES,
        *ltm.RULES,
        *cm.RULES,
        *system.RULES,
        *auth.RULES,
        *readonly.RULES,
        *iapp.RULES,
    )
}

# (device, rules, the object as now stored or as deleted, the object before a modify)
ChangeListener = Callable[["Device", Rules, Obj, "Obj | None"], None]
TmshRunner = Callable[[str], str]


def rules_for(kind: str) -> Rules:
    return REGISTRY[kind]


class Device:
    """A BIG-IP as the cluster and the REST layer see it."""

    def __init__(
        self, identity: Identity, clock: Clock, users: dict[str, str], port: int = 443
    ) -> None:
        self.identity = identity
        self.port = port
        self.clock = clock
        self.store = fresh_store(identity)
        self.auth = Auth(users, clock)
        self.trust: set[str] = {identity.name}
        self.up = True
        self.forced_offline = False
        self.saved_generation = self.store.generation
        self.listener: ChangeListener | None = None
        # The cluster's tmsh interpreter for this device (iApp implementations run through it).
        self.tmsh: TmshRunner | None = None
        self._counters: dict[str, int] = {}
        self._deferred: list[tuple[Rules, Obj, Obj | None]] | None = None

    # --- identity ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def full_name(self) -> str:
        return f"/Common/{self.identity.name}"

    @property
    def mgmt(self) -> IPAddress:
        return self.identity.mgmt

    @property
    def version(self) -> str:
        return self.identity.version

    def version_at_least(self, major: int, minor: int = 0) -> bool:
        parts = [int(p) for p in self.version.split(".")[:2] if p.isdigit()] + [0, 0]
        return (parts[0], parts[1]) >= (major, minor)

    def self_record(self) -> Obj:
        record = self.store.get("cm/device", self.full_name)
        assert record is not None, "a device always holds its own cm/device record"
        return record

    def next_counter(self, name: str, start: int, step: int = 1) -> int:
        value = self._counters.get(name, start - step) + step
        self._counters[name] = value
        return value

    def profile_kind(self, full_path: str) -> str | None:
        """The `ltm/profile/<type>` collection holding a profile, if any."""
        for kind in PROFILE_TYPES:
            if self.store.get(f"ltm/profile/{kind}", full_path) is not None:
                return f"ltm/profile/{kind}"
        return None

    @property
    def has_unsaved_changes(self) -> bool:
        """Whether the running configuration differs from the last `save sys config`."""
        return self.store.generation != self.saved_generation

    def save_config(self) -> None:
        self.saved_generation = self.store.generation

    # --- configuration ----------------------------------------------------------------------
    def get(self, kind: str, full_path: str) -> Obj:
        return objects.find(self, rules_for(kind), full_path)

    def create(self, kind: str, body: dict[str, Any]) -> Obj:
        rules = rules_for(kind)
        if not rules.creatable:
            raise errors.make(ErrorId.METHOD_NOT_SUPPORTED, method="POST", path=f"/tm/{kind}")
        return objects.create_object(self, rules, body)

    def modify(
        self, kind: str, full_path: str, body: dict[str, Any], *, replace: bool = False
    ) -> Obj:
        rules = rules_for(kind)
        return objects.modify_object(self, rules, self.get(kind, full_path), body, replace=replace)

    def delete(self, kind: str, full_path: str) -> None:
        rules = rules_for(kind)
        objects.delete_object(self, rules, self.get(kind, full_path))

    def write_child(
        self,
        kind: str,
        full_path: str,
        sub: str,
        method: str,
        key: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> Obj | None:
        return objects.write_child(
            self, rules_for(kind), self.get(kind, full_path), sub, method, key, body
        )

    def run_tmsh(self, command: str) -> str:
        """Run one tmsh command on this device; a refusal raises its `SimError`."""
        if self.tmsh is None:
            raise errors.make(ErrorId.TMSH_UNAVAILABLE)
        return self.tmsh(command)

    # --- change reporting -------------------------------------------------------------------
    def changed(self, rules: Rules, obj: Obj, old: Obj | None = None) -> None:
        if self._deferred is not None:
            self._deferred.append((rules, obj, old))
        elif self.listener is not None:
            self.listener(self, rules, obj, old)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: restore the store if the block raises; report changes after."""
        snapshot = self.store.snapshot()
        counters = dict(self._counters)
        self._deferred = []
        try:
            yield
        except BaseException:
            self.store.restore(snapshot)
            self._counters = counters
            self._deferred = None
            raise
        deferred, self._deferred = self._deferred, None
        for rules, obj, old in deferred:
            self.changed(rules, obj, old)
