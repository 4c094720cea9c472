"""What kind of failure an error is, as ``--json`` names it: one word a pipeline can branch on.

The kind follows the error's class (the most specific one listed here wins), so it says the
same thing the error's text says, in a form that does not change with the wording. Failures
the command line finds itself (no confirmation possible, an apply declined, an unhealthy
cluster) carry their kind in :class:`CommandError`.
"""

from __future__ import annotations

from f5ecmp.bigip.failover import NoReader
from f5ecmp.bigip.sync import SyncError
from f5ecmp.bigip.waits import WaitStopped, WaitTimeout
from f5ecmp.client_errors import (
    AmbiguousWriteError,
    AuthError,
    DeviceError,
    ReadOnlyError,
    UnreachableError,
)
from f5ecmp.connect import ConnectError, IdentityError
from f5ecmp.credentials import CredentialsError
from f5ecmp.drill_model import DrillError
from f5ecmp.endpoints import EndpointsError
from f5ecmp.errors import F5EcmpError, PlaybookError
from f5ecmp.journal import JournalError, LockedError
from f5ecmp.rollout import NothingToResume, OtherTarget
from f5ecmp.router import RouterConfigError
from f5ecmp.runner import Interrupted, VerifyMismatch
from f5ecmp.saved_plan import SavedPlanError
from f5ecmp.steps.base import StepConflict


class CommandError(F5EcmpError):
    """A failure the command line finds itself, with its kind. ``details`` are printed, one
    ``error:`` line each, before the message; a ``plain`` message is printed as it is
    (``Apply cancelled.``), without ``error:``."""

    def __init__(
        self, message: str, kind: str, *, details: tuple[str, ...] = (), plain: bool = False
    ) -> None:
        super().__init__(message)
        self.kind, self.details, self.plain = kind, details, plain


# Each error class and its kind; a subclass not listed takes its nearest listed base's.
KINDS: dict[type[F5EcmpError], str] = {
    F5EcmpError: "error",  # e.g. a CA bundle or log file that cannot be used
    PlaybookError: "playbook",
    EndpointsError: "endpoints",
    CredentialsError: "credentials",
    AuthError: "auth",
    UnreachableError: "unreachable",
    NoReader: "unreachable",
    IdentityError: "identity",
    DeviceError: "device",
    AmbiguousWriteError: "ambiguous-write",
    ReadOnlyError: "read-only",
    SyncError: "sync",
    StepConflict: "conflict",
    WaitTimeout: "timeout",
    WaitStopped: "stopped",
    Interrupted: "stopped",
    VerifyMismatch: "not-converged",
    NothingToResume: "resume",
    OtherTarget: "target",
    JournalError: "journal",
    LockedError: "locked",
    SavedPlanError: "saved-plan",
    RouterConfigError: "router",
    DrillError: "drill",
    ConnectError: "connect",  # devices failing for different reasons; see error_kind
}


# The kinds the command line gives failures it finds itself, and results that end in exit 1.
COMMAND_KINDS = {
    "confirmation": "no terminal to ask on, and no --yes",
    "declined": "the operator did not approve (apply, drill)",
    "interrupted": "Ctrl-C, SIGTERM or SIGHUP outside a run (or twice in a drill)",
    "setup": "a rehearsal's simulated cluster could not be set up for a drill",
    "verification": "apply ran every step but the final check found the cluster wrong",
    "unhealthy": "status found the cluster unhealthy",
    "refused": "the drill refused: the cluster is not healthy",
}
ALL_KINDS = tuple(sorted({*KINDS.values(), *COMMAND_KINDS}))


def error_kind(exc: BaseException) -> str:
    """The kind of ``exc``. Logging into several devices that all failed the same way is that
    way (``auth``, ``unreachable``); failing in different ways is ``connect``."""
    if isinstance(exc, CommandError):
        return exc.kind
    if isinstance(exc, ConnectError):
        kinds = {error_kind(f) for f in exc.failures.values()}
        return kinds.pop() if len(kinds) == 1 else "connect"
    return class_kind(type(exc))


def class_kind(cls: type[BaseException]) -> str:
    """The kind of the errors of class ``cls``: its own, or its nearest listed base's."""
    for base in cls.__mro__:
        if base in KINDS:
            return KINDS[base]
    return "error"


def error_device(exc: BaseException) -> str | None:
    """The one device an error concerns, when it concerns one."""
    if isinstance(exc, ConnectError):
        if len(exc.failures) == 1:
            return next(iter(exc.failures))
        return None
    device = getattr(exc, "device", None)
    return device if isinstance(device, str) and device else None
