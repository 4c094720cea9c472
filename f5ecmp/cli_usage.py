"""What every f5ecmp command shares at the top: exit codes, usage errors, interrupts.

Exit codes, for scripts and pipelines:

* 0 — success; nothing to change
* 1 — failure: a bad playbook, a device error, a refused or stopped run, an unhealthy cluster
* 2 — changes pending, only under ``--detailed-exitcode`` (``plan``, ``apply --dry-run``)
* 64 — usage error (``EX_USAGE``): a mistyped option, a missing argument, a bad value

Click exits 2 on a usage error, which would read as "changes pending" to a pipeline that
runs ``plan --detailed-exitcode``; here usage errors exit 64, with one line on stderr.
SIGTERM and SIGHUP act as Ctrl-C (``apply`` handles all three itself, to stop between
requests); an interrupted command exits 1.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperGroup

from f5ecmp.render import error_console, print_error

EXIT_OK, EXIT_FAILED, EXIT_PENDING, EXIT_USAGE = 0, 1, 2, 64

EXIT_CODES_HELP = """Exit codes:
  0   success; nothing to change
  1   failure: bad playbook, device error, stopped run, unhealthy cluster
  2   changes pending (plan and apply --dry-run with --detailed-exitcode only)
  64  usage error: mistyped option, missing argument, bad option value"""

# Stop signals that mean "stop now" to a command: acted on as Ctrl-C.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

# Click's UsageError, the base of typer.BadParameter, found without importing the copy of
# Click that this typer carries privately.
_USAGE_ERROR: type[Exception] = next(
    cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "UsageError"
)


@contextmanager
def usage_errors() -> Iterator[None]:
    """A usage error becomes one line on stderr and exit 64."""
    try:
        yield
    except _USAGE_ERROR as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # the help is already printed
            raise typer.Exit(EXIT_USAGE) from None
        ctx: Any = getattr(exc, "ctx", None)
        message: str = exc.format_message()  # type: ignore[attr-defined]
        where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        print_error(error_console(), f"{message}{where}")
        raise typer.Exit(EXIT_USAGE) from None


@contextmanager
def interrupts_as_ctrl_c() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt, as Ctrl-C does, so that every session
    is logged out on the way out; an interrupt is reported on one line and exits 1."""
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():

        def interrupt(_signum: int, _frame: Any) -> None:
            raise KeyboardInterrupt

        for signum in STOP_SIGNALS[1:]:
            previous[signum] = signal.signal(signum, interrupt)
    try:
        yield
    except KeyboardInterrupt:
        print_error(error_console(), "interrupted")
        raise typer.Exit(EXIT_FAILED) from None
    finally:
        for stopper, handler in previous.items():
            signal.signal(stopper, handler)


class Commands(TyperGroup):
    """The ``f5ecmp`` group: usage errors exit 64 wherever they are found (the group's own
    options, a subcommand's, or a command's checks of its values)."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        with usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with usage_errors(), interrupts_as_ctrl_c():
            return super().invoke(ctx)


@contextmanager
def stop_on_interrupt(stop: threading.Event) -> Iterator[None]:
    """During a run: the first Ctrl-C, SIGTERM or SIGHUP asks the run to stop after the
    request in flight (the runner journals where it stopped, and the session logs out); a
    second one interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)
