"""What every step is made of, and what a step gets to work with.

A step is one section of F5's guide: it **reads** the facts it needs from the devices (plain
data), computes the changes still needed with a pure **diff** of (facts, playbook), lets the
runner send them, **settles** (waits for what BIG-IP does asynchronously after them), and
says what **converged** means on every device it concerns. The runner knows steps only
through this shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from f5ecmp.bigip.api import DeviceApi, Json
from f5ecmp.bigip.changes import Change
from f5ecmp.bigip.memo import MemoApi, ReadMemo
from f5ecmp.bigip.waits import Waiter
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook.model import Device, Playbook

Scope = Literal["each", "first"]
F = TypeVar("F")


class StepConflict(F5EcmpError):
    """The device holds something the playbook contradicts and f5ecmp must not overwrite."""


@dataclass(frozen=True)
class Target:
    """What a diff works on: the playbook, the device this run of the step is for, and the
    credentials of every device (add-to-trust logs into peers), by device name."""

    playbook: Playbook
    device: Device
    credentials: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)


@dataclass
class Context:
    """A run's view of the cluster: the playbook, a client per device name, credentials, the
    waiter for asynchronous work, and what this run has changed (or, planning, would change)
    so far by step id — the last step syncs and saves only when something did."""

    playbook: Playbook
    clients: Mapping[str, DeviceApi]
    credentials: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    waiter: Waiter = field(default_factory=Waiter)
    # Answers already read for another purpose (the identity guard reads every device's
    # cm/device), by (device name, path): the run's read memory starts with them.
    prefetched: dict[tuple[str, str], Json] = field(default_factory=dict)
    changed: dict[str, list[Change]] = field(default_factory=dict)
    # A resumed run's journal says the run before it changed devices without saving: a hint
    # that can only add the saves, never skip anything.
    unsaved: bool = False
    # Devices the cluster's journals say earlier runs began to remove: looked at again (on the
    # devices) while the first device still trusts them; never trusted blindly.
    leaving_hint: frozenset[str] = frozenset()
    synced_changed: bool = False  # a step whose objects config sync carries changed something
    # What each step run has sent so far, by (step id, device) — a re-run of a step after a
    # retriable failure sees what its earlier attempts already did.
    sent: dict[tuple[str, str], list[Change]] = field(default_factory=dict)
    memo: ReadMemo = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # One run's reads go through one memory (f5ecmp.bigip.memo): a GET is not sent again
        # while nothing could have changed its answer; a wait's polls always read.
        shared = frozenset({"ltm", "net/self"}) if self.playbook.device_group.auto_sync else None
        self.memo = ReadMemo(shared or frozenset())
        self.clients = {
            name: client if isinstance(client, MemoApi) else MemoApi(client, self.memo, name)
            for name, client in self.clients.items()
        }
        for (name, path), answer in self.prefetched.items():
            self.memo.seed(name, path, answer)
        self.waiter.around = self.memo.waiting

    def read(self, device: Device, path: str, params: Mapping[str, str] | None = None) -> Json:
        return self.client(device).get(path, params)

    def target(self, device: Device) -> Target:
        return Target(self.playbook, device, self.credentials)

    def client(self, device: Device | str) -> DeviceApi:
        return self.clients[device if isinstance(device, str) else device.name]

    @property
    def authority(self) -> Device:
        return self.playbook.authority


def _no_settle(_ctx: Context, _device: Device) -> list[Change]:
    return []


def _nothing_more(_ctx: Context, _device: Device, _facts: Any) -> list[str]:
    return []


def _always(_ctx: Context, _device: Device, _change: Change) -> bool:
    return True


@dataclass(frozen=True)
class Step(Generic[F]):
    """One section of the guide. ``read`` gathers the facts (GETs only), ``diff`` is pure,
    ``settle`` waits after applying (returning any change it had to send while waiting, such
    as a resync), ``check`` lists what is still wrong beyond the diff on every device the
    step concerns, from the facts (empty: converged; it may poll, as the final check waits
    for auto failback)."""

    number: int
    id: str
    section: str  # the guide's section title
    scope: Scope  # "each": every device in parallel; "first": the authority
    read: Callable[[Context, Device], F]
    diff: Callable[[F, Target], list[Change]]
    settle: Callable[[Context, Device], list[Change]] = _no_settle
    check: Callable[[Context, Device, F], list[str]] = _nothing_more
    synced: bool = False  # its objects travel with config sync (the last step syncs them)
    # For a conditional change, asked right before sending it: is it still needed?
    still_needed: Callable[[Context, Device, Change], bool] = _always
    # Its creates are of objects that need nothing from each other (VLANs, self IPs, traffic
    # groups): consecutive ones go to the device at once.
    creates_together: bool = False
    # The steps it must follow (ids; ``steps.AFTER``): it starts once they have finished on
    # every device. None: after every step before it.
    after: tuple[str, ...] | None = None

    def plan(self, ctx: Context, device: Device) -> list[Change]:
        """Read and diff: the changes this step still needs on ``device``."""
        return self.diff(self.read(ctx, device), ctx.target(device))

    def converged(self, ctx: Context, device: Device) -> list[str]:
        """Read again and check: what is still wrong (empty: converged)."""
        return self.check(ctx, device, self.read(ctx, device))

    def devices(self, pb: Playbook) -> list[Device]:
        return list(pb.devices) if self.scope == "each" else [pb.authority]


AnyStep = Step[Any]
