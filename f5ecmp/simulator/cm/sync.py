"""Config sync and sync status (reference §5.1, §5.2, §4.10).

Each device keeps, per device group it is in, the id of its latest change to that group's
configuration (`commit`) and the id it had after the last sync (`base`). A change on a device
gives it a new commit; a sync copies the source's synced objects to every connected member and
aligns their commits. Sync status is computed from those ids, as DSC compares commit ids:
equal everywhere → In Sync; one member ahead → Changes Pending naming it; two members with
their own changes → a possible change conflict.

What travels: objects whose rules say `is_synced` (LTM objects, virtual addresses, floating
self IPs, traffic groups). Device-group definitions travel when they change (`replication`),
not by config sync. VLANs, static self IPs, NTP/DNS and connectivity never travel.

A sync lands when the clock says it does, not when someone next reads: it is an event on the
scheduler it is given (the cluster's `events`). Each target's new configuration is built and validated beside the live one while
reads carry on, then every target's is installed at once, with the new commit ids, so that a
read sees the sync as not done or as done, never half of it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .. import errors, names
from ..device import REGISTRY, Device
from ..errors import ErrorId
from ..store import ConfigStore, Obj
from .collaborators import FailoverChanged, Scheduler, SyncPeers
from .models import BUILTIN_GROUPS, TRUST_GROUP
from .sync_copy import staged_configuration

Commit = tuple[float, int, str]  # (time, sequence, originating device)

# Status texts: [F] Standalone / In Sync, [C] Awaiting Initial Sync and the recommended-action
# line clients parse, [D] the change-conflict sentence; the other summaries are [I].
STANDALONE_DETAIL = "Optional action: Add a device to the trust domain"
IN_SYNC = "All devices in the device group are in sync"
AWAITING = "The device group is awaiting the initial config sync"
FAILURE = "A validation error occurred while syncing to a remote device"
DISCONNECTED = "One or more devices in the device group are disconnected"
SEVERITY = (
    "Disconnected",
    "Sync Failure",
    "Changes Pending",
    "Awaiting Initial Sync",
    "Not All Devices Synced",
    "In Sync",
)
COLOURS = {
    "Standalone": "green",
    "In Sync": "green",
    "Changes Pending": "yellow",
    "Awaiting Initial Sync": "blue",
    "Not All Devices Synced": "yellow",
    "Disconnected": "red",
    "Sync Failure": "red",
}


@dataclass
class GroupView:
    """What one device knows about its own state in one device group."""

    commit: Commit | None = None
    base: Commit | None = None
    synced_once: bool = False
    failure: str | None = None


@dataclass
class GroupStatus:
    name: str
    status: str
    summary: str
    actions: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    """One device's `cm/sync-status`."""

    status: str
    color: str
    mode: str
    summary: str
    details: list[str]


def synced_objects(dev: Device) -> list[Obj]:
    return [
        obj
        for kind, rules in REGISTRY.items()
        for obj in dev.store.items(kind)
        if rules.is_synced(obj)
    ]


def group_members(dev: Device, group: Obj) -> list[str]:
    return [names.base_name(p) for p in group.children.get("devices", {})]


def user_groups(dev: Device) -> list[Obj]:
    """The configuration-syncing device groups `dev` is a member of (built-ins excluded)."""
    return [
        g
        for g in dev.store.items("cm/device-group")
        if g.full_path not in BUILTIN_GROUPS and dev.name in group_members(dev, g)
    ]


class SyncState:
    """Commit ids of every (device, group) and the syncs in flight."""

    def __init__(
        self,
        peers: SyncPeers,
        events: Scheduler,
        delay: float,
        failover_changed: FailoverChanged,
    ) -> None:
        self.peers = peers
        self.events = events
        self.delay = delay  # how long a sync takes to land
        self.failover_changed = failover_changed
        self.views: dict[tuple[str, str], GroupView] = {}
        self.in_flight: dict[str, tuple[float, list[str]]] = {}
        self._seq = itertools.count(1)

    def view(self, dev: str, group: str) -> GroupView:
        return self.views.setdefault((dev, group), GroupView())

    def peek(self, dev: str, group: str) -> GroupView:
        """`view` for readers: never adds an entry."""
        return self.views.get((dev, group)) or GroupView()

    def new_commit(self, dev: Device) -> Commit:
        return (self.events.now(), next(self._seq), dev.name)

    # --- changes and syncs ----------------------------------------------------------------
    def record_change(self, dev: Device) -> None:
        """A synced object changed on `dev`: a new commit in each of its groups."""
        for group in user_groups(dev):
            view = self.view(dev.name, group.full_path)
            view.commit = self.new_commit(dev)
            if group.props.get("autoSync") == "enabled" and view.synced_once:
                self._auto_sync(dev, group.full_path)

    def _auto_sync(self, dev: Device, group_path: str) -> None:
        self.events.schedule(
            0, lambda: self.push(dev, group_path, False), f"auto sync {group_path} from {dev.name}"
        )

    def push(self, source: Device, group_path: str, manual: bool) -> None:
        """Start `config-sync to-group`: copy to every connected member after the sync delay.

        `device_trust_group` carries the trust domain and the device-group definitions, which
        the cluster keeps in step itself, never the configuration (§5.1): a sync to it copies
        nothing [C: f5-sdk's TrustDomain syncs it after every trust change]."""
        group = source.store.get("cm/device-group", group_path)
        if group is None or group_path == TRUST_GROUP:
            return
        mine = self.view(source.name, group_path)
        if mine.commit is None:
            mine.commit = self.new_commit(source)
        targets = [
            m
            for m in group_members(source, group)
            if m != source.name and self.peers.connected(source, self.peers.device(m))
        ]
        delay = self.delay
        self.in_flight[group_path] = (self.events.now() + delay, targets)
        self.events.schedule(
            delay,
            lambda: self._complete(source, group, targets, manual),
            f"sync {group_path} from {source.name}",
            staged=True,
        )

    def _complete(self, source: Device, group: Obj, targets: list[str], manual: bool) -> None:
        """Build each target's configuration aside (no other change can run meanwhile), then
        install them all at once."""
        staged: dict[str, ConfigStore | errors.SimError] = {}
        for name in targets:
            target = self.peers.device(name)
            if self.peers.connected(source, target):
                try:
                    staged[name] = staged_configuration(source, target)
                except errors.SimError as exc:
                    staged[name] = exc
        with self.events.alone():
            self._install(source, group, staged, manual)

    def _install(
        self,
        source: Device,
        group: Obj,
        staged: dict[str, ConfigStore | errors.SimError],
        manual: bool,
    ) -> None:
        self.in_flight.pop(group.full_path, None)
        commit = self.view(source.name, group.full_path).commit
        save = manual or group.props.get("saveOnAutoSync") == "true"
        done = [source]
        for name, outcome in staged.items():
            target = self.peers.device(name)
            view = self.view(name, group.full_path)
            if isinstance(outcome, errors.SimError):
                view.failure = outcome.message
                continue
            target.store.adopt(outcome)
            view.failure = None
            done.append(target)
        for dev in done:
            view = self.view(dev.name, group.full_path)
            view.commit = view.base = commit
            view.synced_once = True
            if save:
                dev.save_config()
        self.failover_changed()

    def pull(self, dev: Device, group_path: str) -> None:
        """`config-sync from-group`: take the configuration of the member with the newest
        commit. Not allowed before the group's first push [C]."""
        mine = self.view(dev.name, group_path)
        if not mine.synced_once:
            raise errors.make(ErrorId.PULL_BEFORE_PUSH, name=names.base_name(group_path))
        group = dev.store.get("cm/device-group", group_path)
        assert group is not None
        newest = max(
            (self.view(m, group_path).commit or (0.0, 0, m), m) for m in group_members(dev, group)
        )[1]
        if newest != dev.name:
            self.push(self.peers.device(newest), group_path, True)

    def group_joined(self, dev: Device, group_path: str) -> None:
        self.views[(dev.name, group_path)] = GroupView()

    def member_of(self, dev: Device, group_path: str) -> None:
        """`dev` is a member of the group (a fresh view if it was not one already)."""
        if (dev.name, group_path) not in self.views:
            self.group_joined(dev, group_path)

    def left(self, name: str, group_path: str) -> None:
        """The device `name` is no longer a member of the group (or no longer has it)."""
        self.views.pop((name, group_path), None)

    # --- status ---------------------------------------------------------------------------
    def group_status(self, dev: Device, group: Obj) -> GroupStatus:
        members = group_members(dev, group)
        peers = [self.peers.device(m) for m in members if m != dev.name]
        name = group.name
        if any(not self.peers.connected(dev, p) for p in peers):
            return GroupStatus(name, "Disconnected", DISCONNECTED)
        if group.full_path == TRUST_GROUP:
            return GroupStatus(name, "In Sync", IN_SYNC)
        views = {m: self.peek(m, group.full_path) for m in members}
        failed = [m for m, v in views.items() if v.failure]
        if failed:
            return GroupStatus(
                name, "Sync Failure", FAILURE, [f" - {m}: {views[m].failure}" for m in failed]
            )
        if group.full_path in self.in_flight:
            pending = self.in_flight[group.full_path][1]
            return GroupStatus(
                name,
                "Not All Devices Synced",
                f"{len(pending)} devices did not receive the last sync",
            )
        return self._compare(name, group.name, views)

    @staticmethod
    def _compare(name: str, group_name: str, views: dict[str, GroupView]) -> GroupStatus:
        changed = [m for m, v in views.items() if v.commit is not None and v.commit != v.base]
        commits = {v.commit for v in views.values()}
        if not changed and not any(v.synced_once for v in views.values()):
            return GroupStatus(name, "Awaiting Initial Sync", AWAITING)
        if not changed and len(commits) == 1:
            return GroupStatus(name, "In Sync", IN_SYNC)
        newest = max(changed or views, key=lambda m: views[m].commit or (0.0, 0, m))
        action = f" - Recommended action: Synchronize {newest} to group {group_name}"
        if len(changed) > 1:
            first, second = sorted(changed)[:2]
            return GroupStatus(
                name,
                "Changes Pending",
                f"There is a possible change conflict between {first} and {second}.",
                [action],
            )
        return GroupStatus(
            name,
            "Changes Pending",
            f"{max(len(changed), 1)} devices with changes pending",
            [action],
        )

    def _link(self, dev: Device, peer: str) -> str:
        return "connected" if self.peers.connected(dev, self.peers.device(peer)) else "disconnected"

    def report(self, dev: Device) -> SyncReport:
        peers = sorted(dev.trust - {dev.name})
        if not peers:
            return SyncReport("Standalone", "green", "standalone", " ", [STANDALONE_DETAIL])
        details = [f"{p}: {self._link(dev, p)}" for p in peers]
        groups = [
            g
            for g in dev.store.items("cm/device-group")
            if g.full_path == TRUST_GROUP or g in user_groups(dev)
        ]
        statuses = [self.group_status(dev, g) for g in groups]
        details += [f"{s.name} ({s.status}): {s.summary}" for s in statuses]
        details += [a for s in statuses for a in s.actions]
        worst = min(statuses, key=lambda s: SEVERITY.index(s.status))
        return SyncReport(
            worst.status, COLOURS[worst.status], "high-availability", worst.summary, details
        )
