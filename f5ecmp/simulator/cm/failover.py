"""Where each floating traffic group is active (reference §5.3, §5.4; guide, "Creating traffic
groups for failover").

A failover domain is a sync-failover device group (or a device on its own). In a domain, a
traffic group can be active on the members that hold its definition and are available (up,
or down for less than the detection time, and not forced offline). It stays where it is until
that device becomes unavailable or is told to go standby, then moves to the first available
device of its HA order (devices outside the order after it). With auto failback, once the
first device of the order is available again, the group moves back after `autoFailbackTime`.

A forced standby is a one-shot move, not an exclusion: the device that went standby stays
available for the group, so a group with auto failback whose first device went standby
returns there after its failback time [D: BIG-IP Device Service Clustering guide, "About
auto-failback"]. Forced offline (`run sys failover offline`) excludes the device from all
its groups until `online`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .. import errors, names
from ..device import Device
from ..errors import ErrorId
from ..store import Obj
from .collaborators import FailoverPeers, Scheduler
from .models import LOCAL_ONLY, failover_groups


@dataclass
class TgState:
    active: str | None
    previous: str | None = None
    failback_at: float | None = None


class Move(NamedTuple):
    """One move of a traffic group that was active somewhere."""

    at: float
    traffic_group: str  # base name, e.g. "traffic-group-2"
    source: str  # device name
    target: str | None  # None: no device is available for the group


@dataclass
class TgRow:
    """One (traffic group, device) line of `cm/traffic-group/stats`."""

    traffic_group: str
    device: str
    failover_state: str
    next_active: bool
    previous_active: bool


@dataclass
class FailoverStatus:
    status: str
    color: str
    summary: str
    details: list[str]


@dataclass
class Domain:
    key: str
    members: list[Device] = field(default_factory=list)


def domain_key(dev: Device) -> str:
    for group in failover_groups(dev):
        if dev.full_name in group.children.get("devices", {}):
            return group.full_path
    return f"standalone:{dev.name}"


def floating_groups(dev: Device) -> list[Obj]:
    return [
        tg
        for tg in dev.store.items("cm/traffic-group")
        if tg.props.get("isFloating") == "true" and tg.full_path != LOCAL_ONLY
    ]


class Failover:
    """Active/standby state of every floating traffic group, per failover domain."""

    def __init__(self, peers: FailoverPeers, events: Scheduler, failback_scale: float) -> None:
        self.peers = peers
        self.events = events
        # Auto failback waits `autoFailbackTime` times this (`Timing.failback_scale`).
        self.failback_scale = failback_scale
        self.states: dict[tuple[str, str], TgState] = {}
        # Every move of a traffic group that was active somewhere, for tests that must show
        # a group never left its device (or came back to it), not just where it ended.
        self.history: list[Move] = []

    def domains(self) -> dict[str, Domain]:
        out: dict[str, Domain] = {}
        for dev in self.peers.members():
            key = domain_key(dev)
            out.setdefault(key, Domain(key)).members.append(dev)
        return out

    def ranking(self, domain: Domain, tg: str) -> list[Device]:
        """Holders of `tg` in HA-order order, then the other holders."""
        holders = [m for m in domain.members if m.store.get("cm/traffic-group", tg)]
        state = self.states.get((domain.key, tg))
        source = next((m for m in holders if state and m.name == state.active), None)
        definition = (source or holders[0]).store.get("cm/traffic-group", tg) if holders else None
        order = [
            names.base_name(d) for d in (definition.props.get("haOrder", []) if definition else [])
        ]
        by_name = {m.name: m for m in holders}
        first = [by_name[n] for n in order if n in by_name]
        return first + [m for m in holders if m not in first]

    def recompute(self) -> None:
        now = self.events.now()
        live: set[tuple[str, str]] = set()
        for domain in self.domains().values():
            tgs = {tg.full_path for m in domain.members for tg in floating_groups(m)}
            for tg in sorted(tgs):
                live.add((domain.key, tg))
                self._place(domain, tg, now)
        for key in set(self.states) - live:
            del self.states[key]

    def _place(self, domain: Domain, tg: str, now: float) -> None:
        ranking = self.ranking(domain, tg)
        candidates = [m for m in ranking if self.peers.available(m)]
        state = self.states.get((domain.key, tg))
        if state is None:
            state = self._seed(tg, ranking, candidates)
            self.states[(domain.key, tg)] = state
        if state.active not in {c.name for c in candidates}:
            self._move(state, candidates[0].name if candidates else None, tg)
            return
        definition = ranking[0].store.get("cm/traffic-group", tg)
        order = definition.props.get("haOrder", []) if definition else []
        home = names.base_name(order[0]) if order else None
        wants_back = (
            definition is not None
            and definition.props.get("autoFailbackEnabled") == "true"
            and home in {c.name for c in candidates}
            and home != state.active
        )
        if not wants_back or definition is None:
            state.failback_at = None
        elif state.failback_at is None:
            wait = int(definition.props.get("autoFailbackTime", 60)) * self.failback_scale
            state.failback_at = now + wait
            self.events.schedule(state.failback_at - now, self.recompute, f"failback {tg}")
        elif now >= state.failback_at:
            self._move(state, home, tg)

    def _seed(self, tg: str, ranking: list[Device], candidates: list[Device]) -> TgState:
        """A domain that just formed keeps the group where one of its members had it."""
        before = {s.active for (_, name), s in self.states.items() if name == tg}
        for dev in ranking:
            if dev in candidates and dev.name in before:
                return TgState(dev.name)
        return TgState(candidates[0].name if candidates else None)

    def _move(self, state: TgState, to: str | None, tg: str = "") -> None:
        if state.active != to:
            state.previous = state.active
            if state.active is not None:
                self.history.append(Move(self.events.now(), names.base_name(tg), state.active, to))
        state.active = to
        state.failback_at = None

    # --- commands and reads ---------------------------------------------------------------
    def standby(self, dev: Device, tg: str | None) -> None:
        """`run sys failover standby [traffic-group X]` on `dev`."""
        domain = self.domains()[domain_key(dev)]
        groups = (
            [tg]
            if tg
            else [
                t for (d, t), s in self.states.items() if d == domain.key and s.active == dev.name
            ]
        )
        for group in groups:
            state = self.states.get((domain.key, group))
            if state is None or state.active != dev.name:
                raise errors.make(ErrorId.FAILOVER_NOT_ACTIVE, traffic_group=group)
            others = [
                m for m in self.ranking(domain, group) if m is not dev and self.peers.available(m)
            ]
            if others:
                self._move(state, others[0].name, group)
        # The group may now be away from the first device of its HA order: start its auto
        # failback timer (the device that went standby is still available for it).
        self.recompute()

    def active_groups(self, dev: Device) -> list[str]:
        key = domain_key(dev)
        return sorted(t for (d, t), s in self.states.items() if d == key and s.active == dev.name)

    def rows(self, dev: Device, only: str | None = None) -> list[TgRow]:
        """`cm/traffic-group/stats` as `dev` reports it."""
        domain = self.domains()[domain_key(dev)]
        rows = []
        for tg in floating_groups(dev):
            if only and tg.full_path != only:
                continue
            state = self.states.get((domain.key, tg.full_path), TgState(None))
            ranking = self.ranking(domain, tg.full_path)
            nxt = next(
                (m.name for m in ranking if m.name != state.active and self.peers.available(m)),
                None,
            )
            for member in ranking:
                if member.name == state.active:
                    label = "active"
                elif self.peers.available(member):
                    label = "standby"
                else:
                    label = "offline"  # [I] a device that stopped answering
                rows.append(
                    TgRow(
                        tg.full_path,
                        member.full_name,
                        label,
                        member.name == nxt,
                        member.name == state.previous,
                    )
                )
        return rows

    def status(self, dev: Device) -> FailoverStatus:
        """`cm/failover-status` of `dev` ([F] shape; [I] colours other than green)."""
        active = self.active_groups(dev)
        floating = len([r for r in self.rows(dev) if r.device == dev.full_name])
        if dev.forced_offline:
            return FailoverStatus("FORCED OFFLINE", "red", f"{floating}/{floating} offline", [])
        if active:
            lines = [f"active for {tg}" for tg in active]
            return FailoverStatus("ACTIVE", "green", f"{len(active)}/{floating} active", lines)
        return FailoverStatus("STANDBY", "gray", f"{floating}/{floating} standby", [])

    def device_state(self, dev: Device) -> str:
        """`failoverState` of a `cm/device` record."""
        if dev.forced_offline:
            return "forced-offline"
        if not self.peers.available(dev):
            return "offline"
        return "active" if self.active_groups(dev) else "standby"
