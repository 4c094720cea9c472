"""The failover drill: move each traffic group off its device and back, timed and checked.

Before a change window or after a rollout, an operator wants proof that every traffic group
can fail over and come back. For each traffic group (or each of ``--traffic-group``), one at
a time: record where it is active and its ``nextActive``; force it to standby there; check
that it goes active on that next device within the deadline, that the device group stays In
Sync and that the virtual address still spans (ARP off) on every device; then bring it home —
by its own auto failback (waiting ``autoFailbackTime`` plus the deadline), or by a forced
standby on the device holding it (``wait_failback=False``, or a group without auto failback)
— and check again. A device drill forces one device offline instead, checks that each group
it held is on its next device, brings it online and waits for all of them to come back.

Nothing starts unless the cluster is healthy (the same reading as ``f5ecmp status``). A
failure or a stop (Ctrl-C) puts every traffic group back on its home device, best effort,
each restore reported. The engine returns a :class:`DrillResult` (:mod:`f5ecmp.drill_model`)
and never prints; time and sleep are injected, and every wait is a
:class:`f5ecmp.bigip.waits.Waiter`. The REST calls and why a group is brought home the way
it is: :mod:`f5ecmp.bigip.failover`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from f5ecmp.bigip import failover
from f5ecmp.bigip.api import DeviceApi
from f5ecmp.bigip.changes import Change
from f5ecmp.bigip.cluster import GroupState, read_cluster
from f5ecmp.bigip.normalize import flag
from f5ecmp.bigip.waits import Waiter, WaitStopped, WaitTimeout
from f5ecmp.drill_model import (
    DrillError,
    DrillOptions,
    DrillResult,
    GroupDrill,
    Outcome,
    Progress,
    Restore,
    resolve,
    undrillable,
    where,
)
from f5ecmp.errors import F5EcmpError
from f5ecmp.journal import Journal
from f5ecmp.playbook.model import Playbook
from f5ecmp.policies import Clock, PollPolicy, Sleep

__all__ = [
    "Drill",
    "DrillError",
    "DrillOptions",
    "DrillResult",
    "GroupDrill",
    "Progress",
    "Restore",
    "resolve",
]


def _ignore(_progress: Progress) -> None:
    pass


@dataclass
class Drill:
    """One drill of one cluster: ``plan()`` reads only, ``run()`` moves and restores."""

    pb: Playbook
    clients: Mapping[str, DeviceApi]
    options: DrillOptions = field(default_factory=DrillOptions)
    journal: Journal | None = None
    on_progress: Callable[[Progress], None] = _ignore
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._start = self.clock()
        self._read = failover.PlacementReader(self.pb, self.clients)
        self._offline: str | None = None  # a device this drill forced offline, until online
        self._homes = {d.traffic_group.name: self.pb.ha_order(d)[0] for d in self.pb.devices}

    # -- reading and planning ---------------------------------------------------------------

    def plan(self) -> DrillResult:
        """The health check and the moves the drill would make; never writes."""
        self._start = self.clock()
        groups, device = resolve(self.pb, self.options)
        health = read_cluster(self.pb, self.clients)
        result = DrillResult(self.pb.cluster, device, self.options.wait_failback, dry_run=True)
        result.refused = list(health.problems)
        by_name = {g.name: g for g in health.groups}
        healthy = not result.refused
        failbacks = self._failbacks(groups) if healthy else {}
        for name in groups:
            state = by_name.get(name, GroupState(name, self._homes[name]))
            expected = state.next_active[0] if len(state.next_active) == 1 else ""
            fb = failbacks.get(name, failover.Failback(False, 0))
            rec = GroupDrill(
                name, state.owner, expected, failback_s=fb.time_s if fb.enabled else None
            )
            rec.commands = self._commands(rec, device)
            result.groups.append(rec)
            if healthy:
                result.refused.extend(undrillable(rec))
        result.elapsed_s = self.clock() - self._start
        return result

    def _failbacks(self, groups: list[str]) -> dict[str, failover.Failback]:
        reader = self.clients[self._read.order[0]]
        return {g: failover.read_failback(reader, g) for g in groups}

    def _commands(self, rec: GroupDrill, device: str | None) -> list[Change]:
        """What the drill sends for this group: the move, and the way back when forced."""
        out = [failover.offline(device)] if device else [failover.standby(rec.source, rec.group)]
        if device:
            out.append(failover.online(device))
        if not self.options.wait_failback or rec.failback_s is None:
            out.append(failover.standby(rec.expected or "?", rec.group))
        return out

    # -- the drill --------------------------------------------------------------------------

    def run(self) -> DrillResult:
        result = self.plan()
        result.dry_run = False
        self._record(
            "drill-plan", refused=result.refused, moves=[g.summary() for g in result.groups]
        )
        if result.refused:
            self._finish(result)
            return result
        try:
            if result.device is not None:
                self._drill_device(result.device, result.groups)
            else:
                for rec in result.groups:
                    self._stop_point()
                    self._drill_group(rec)
        except WaitStopped:
            result.interrupted = True
            self._mark(result, "stopped", "stopped by the operator")
        except F5EcmpError as exc:
            result.error = str(exc)
            self._mark(result, "failed", str(exc))
        if not result.ok:
            result.restores = self.restore()
        self._finish(result)
        return result

    def _drill_group(self, rec: GroupDrill) -> None:
        rec.result = "running"
        self._say(f"{rec.group}: force to standby on {rec.source}, expecting {rec.expected}")
        began = self.clock()
        self._send(failover.standby(rec.source, rec.group), rec.group)
        self._moved({rec.group: rec}, began)
        # Its return starts when it moved: that is when BIG-IP starts the failback timer.
        self._back([rec], began + (rec.moved_s or 0.0))
        rec.result = "ok"

    def _drill_device(self, device: str, recs: list[GroupDrill]) -> None:
        for rec in recs:
            rec.result = "running"
        expecting = ", ".join(f"{r.group} on {r.expected}" for r in recs)
        self._say(f"force {device} offline, expecting {expecting}")
        began = self.clock()
        self._send(failover.offline(device))
        self._offline = device
        self._moved({r.group: r for r in recs}, began)
        self._say(f"bring {device} back online")
        back_from = self.clock()
        self._send(failover.online(device))
        self._offline = None
        self._back(recs, back_from)
        for rec in recs:
            rec.result = "ok"

    def _moved(self, recs: dict[str, GroupDrill], began: float) -> None:
        """Wait until each group is active off its device; check where, and the cluster."""

        def probe() -> tuple[bool, str]:
            placed = self._read()
            for name, rec in recs.items():
                active = placed[name].active
                if rec.landed is None and active and active != [rec.source]:
                    rec.landed, rec.moved_s = active[0], self.clock() - began
            waiting = [f"{n} still on {r.source}" for n, r in recs.items() if r.landed is None]
            return not waiting, ", ".join(waiting)

        self._waiter(self.options.deadline_s).until(
            " and ".join(f"{n} to leave {r.source}" for n, r in recs.items()), probe
        )
        for rec in recs.values():
            self._record("drill-move", group=rec.group, source=rec.source, target=rec.landed,
                         expected=rec.expected, seconds=round(rec.moved_s or 0, 3))  # fmt: skip
            self._say(f"{rec.group}: active on {rec.landed} after {rec.moved_s:.2f} s")
            if rec.landed != rec.expected:
                raise DrillError(
                    f"{rec.group} went active on {rec.landed}, not on {rec.expected}, its next "
                    "active device before the move and the one its connections were mirrored to"
                )
        self._check({r.group: r.landed or "" for r in recs.values()})

    def _back(self, recs: list[GroupDrill], began: float) -> None:
        """Bring the groups home: auto failback where it is on and waited for, else forced."""
        waited = [r for r in recs if self.options.wait_failback and r.failback_s is not None]
        if waited:
            longest = max(r.failback_s or 0 for r in waited)
            self._say(
                ", ".join(r.group for r in waited)
                + f": waiting for auto failback (up to {longest} s + {self.options.deadline_s:.0f} s)"
            )
            self._home(waited, began, longest + self.options.deadline_s, "auto failback")
        for rec in (r for r in recs if r not in waited):
            forced_at = self.clock()
            self._force_home(rec.group, self._waiter(self.options.deadline_s))
            self._home([rec], forced_at, self.options.deadline_s, "forced standby")
        self._check({})

    def _home(self, recs: list[GroupDrill], began: float, deadline: float, how: str) -> None:
        def probe() -> tuple[bool, str]:
            placed = self._read()
            for rec in recs:
                if rec.back_s is None and placed[rec.group].active == [rec.source]:
                    rec.back_s, rec.returned_by = self.clock() - began, how
            away = [f"{r.group} on {', '.join(placed[r.group].active) or 'no device'}"
                    for r in recs if r.back_s is None]  # fmt: skip
            return not away, ", ".join(away)

        self._waiter(deadline).until(
            " and ".join(f"{r.group} back on {r.source}" for r in recs), probe
        )
        for rec in recs:
            self._record("drill-return", group=rec.group, device=rec.source, by=how,
                         seconds=round(rec.back_s or 0, 3))  # fmt: skip
            self._say(f"{rec.group}: back on {rec.source} after {rec.back_s:.2f} s ({how})")

    def _force_home(self, group: str, waiter: Waiter) -> str | None:
        """One forced standby on the device holding ``group``, once BIG-IP names its home as
        the next active device (see :mod:`f5ecmp.bigip.failover`); returns the device it left,
        None when it was home already."""
        home = self._homes[group]
        seen: list[GroupState] = []

        def ready() -> tuple[bool, str]:
            seen[:] = [state := self._read()[group]]
            done = state.active == [home] or (
                len(state.active) == 1 and state.next_active == [home]
            )
            return done, where(state)

        try:
            waiter.until(f"{home} to be next active for {group}", ready)
        except WaitTimeout:
            raise DrillError(
                f"its home device {home} did not become available to take it back within "
                f"{waiter.deadline_s:.0f} s ({where(seen[0]) if seen else 'not read'})"
            ) from None
        if seen[0].active == [home]:
            return None
        holder = seen[0].active[0]
        self._send(failover.standby(holder, group), group)
        landed = waiter.until(f"{group} to leave {holder}", lambda: self._left(group, holder))
        if landed != home:
            raise DrillError(f"{group} went to {landed} instead of its home device {home}")
        return holder

    def _left(self, group: str, holder: str) -> tuple[bool, str]:
        active = self._read()[group].active
        return bool(active) and active != [holder], ", ".join(active) or "no device"

    # -- checks -----------------------------------------------------------------------------

    def _check(self, moved: Mapping[str, str]) -> None:
        """The cluster as the drill expects it: every device answering and In Sync, the
        virtual address spanning with ARP off everywhere, each group where it should be
        (``moved`` → where it went; every other group at home)."""
        state = read_cluster(self.pb, self.clients)
        problems = []
        for d in state.devices:
            if not d.reachable:
                problems.append(f"{d.name}: unreachable ({d.error})")
            elif d.sync != "In Sync":
                problems.append(f"{d.name}: sync status {d.sync or 'unknown'}, not In Sync")
            elif flag(d.spanning) is not True or flag(d.arp) is not False:
                problems.append(f"{d.name}: virtual address spanning {d.spanning}, ARP {d.arp}")
        for g in state.groups:
            want = moved.get(g.name, self._homes[g.name])
            if g.active != [want]:
                problems.append(
                    f"{g.name} is active on {', '.join(g.active) or 'no device'}, expected {want}"
                )
        if problems:
            raise DrillError("; ".join(problems))

    # -- restoring --------------------------------------------------------------------------

    def restore(self) -> list[Restore]:
        """Every traffic group back on its home device, best effort; one entry per action."""
        out: list[Restore] = []
        waiter = self._waiter(self.options.deadline_s, stoppable=False)
        if self._offline is not None:
            device, self._offline = self._offline, None
            try:
                self._send(failover.online(device))
                out.append(Restore(device, None, device, True, "brought back online"))
            except F5EcmpError as exc:
                out.append(
                    Restore(device, None, device, False, f"could not bring it online: {exc}")
                )
        for group, home in self._homes.items():
            try:
                left = self._force_home(group, waiter)
            except F5EcmpError as exc:
                out.append(Restore(group, None, home, False, str(exc)))
                continue
            if left is not None:
                out.append(Restore(group, left, home, True, f"forced back from {left}"))
        for item in out:
            self._record("drill-restore", **item.as_dict())
            self._say(item.line())
        return out

    # -- plumbing ---------------------------------------------------------------------------

    def _send(self, change: Change, group: str | None = None) -> None:
        device = change.device or ""
        confirm = (lambda: self._left(group, device)[0]) if group else None
        self._record("drill-command", device=device, summary=change.summary, body=change.body)
        self.clients[device].request("POST", change.path, body=change.body, confirm=confirm)

    def _waiter(self, deadline_s: float, *, stoppable: bool = True) -> Waiter:
        policy = PollPolicy(self.options.poll_first_s, self.options.poll_max_s, deadline_s)
        return Waiter(policy, self.clock, self.sleep, self.stop if stoppable else None)

    def _stop_point(self) -> None:
        if self.stop.is_set():
            raise WaitStopped("stopped between two traffic groups")

    def _mark(self, result: DrillResult, outcome: Outcome, why: str) -> None:
        for rec in result.groups:
            if rec.result == "running":
                rec.result, rec.error = outcome, why
                self._record("drill-failed", group=rec.group, error=why)
            elif rec.result == "planned":
                rec.result = "not run"

    def _say(self, message: str) -> None:
        self.on_progress(Progress(self.clock() - self._start, message))

    def _record(self, kind: str, **fields: Any) -> None:
        if self.journal is not None:
            self.journal.write(kind, **fields)

    def _finish(self, result: DrillResult) -> None:
        result.elapsed_s = self.clock() - self._start
        failed = next((g for g in result.groups if g.result in ("failed", "stopped")), None)
        self._record("run-end", ok=result.ok, interrupted=result.interrupted or None,
                     refused=result.refused or None, failed=result.error,
                     stopped_at=failed.group if failed else None)  # fmt: skip
