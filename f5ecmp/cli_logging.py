"""Where the log of a command goes: ``-v`` to stderr, ``--log-file`` to a file.

The modules log to their own loggers (``f5ecmp.client`` every request, ``f5ecmp.bigip.waits``
every wait, ``f5ecmp.cli_run`` the runner's events) and never configure handlers; a command
does, for its own length, here. ``-v`` shows one INFO line per request on stderr; the log
file gets those and the DEBUG detail (request bodies with secrets masked, retries, waits).
The client masks passwords and tokens itself; every line is also made printable, so a
device's answer cannot act on the terminal or the file's reader.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from f5ecmp.errors import F5EcmpError
from f5ecmp.printable import printable

ROOT_LOGGER = "f5ecmp"
STDERR_FORMAT = "%(name)s: %(message)s"
FILE_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"


class PrintableFormatter(logging.Formatter):
    """Control characters in a record are shown as escapes."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is when a record comes (a live display or a test
    runner may have replaced it since the handler was made)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def _open_log(path: Path) -> TextIO:
    """Append to ``path``, created private (mode 0600): it holds the run's requests."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError as exc:
        raise F5EcmpError(f"cannot write the log file {path}: {exc.strerror}") from None
    return os.fdopen(fd, "a", encoding="utf-8")


@contextmanager
def logging_to(verbose: bool, log_file: Path | None) -> Iterator[None]:
    """Send f5ecmp's log to stderr (``verbose``) and/or ``log_file`` while the block runs."""
    logger = logging.getLogger(ROOT_LOGGER)
    handlers: list[logging.Handler] = []
    stream: TextIO | None = None
    if verbose:
        to_stderr = _StderrHandler()
        to_stderr.setLevel(logging.INFO)
        to_stderr.setFormatter(PrintableFormatter(STDERR_FORMAT))
        handlers.append(to_stderr)
    if log_file is not None:
        stream = _open_log(log_file)
        to_file = logging.StreamHandler(stream)
        to_file.setLevel(logging.DEBUG)
        to_file.setFormatter(PrintableFormatter(FILE_FORMAT))
        handlers.append(to_file)
    level = logger.level
    if handlers:
        logger.setLevel(logging.DEBUG if log_file is not None else logging.INFO)
    for handler in handlers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
            handler.flush()
        logger.setLevel(level)
        if stream is not None:
            stream.close()
