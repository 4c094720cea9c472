"""Who may use a simulated cluster at the same time.

Reads share the cluster; whatever changes it runs alone:

* `shared()`: a read (a GET on any device). Many run at once; a read waits only while a change
  is being made, so it never sees half of one (half a config sync's copy, say).
* `with lock:`: a change (a write, a command, a cluster event). It runs alone, and a thread
  may enter it again while inside it.
* `serial()`: one changer at a time, without keeping readers out. A config sync builds its
  targets' new configuration here while reads go on, then installs it under `with lock:`.

`epoch` moves each time a change begins, so an answer computed by a read stays valid for as
long as the epoch it was computed in.

Readers are not admitted while a changer waits for the readers in progress, so a stream of
reads cannot keep a change out. A reader may not start a change: that would wait for itself.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from types import TracebackType


class ClusterLock:
    """A reentrant reader/writer lock with a separate gate for changers (see the module)."""

    def __init__(self) -> None:
        self._serial = threading.RLock()
        self._state = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._depth = 0
        self._waiting = False
        self._mine = threading.local()
        self.epoch = 0

    # --- changes ----------------------------------------------------------------------------
    def acquire(self) -> None:
        me = threading.get_ident()
        if self._writer == me:
            self._depth += 1
            return
        if self._reading():
            raise RuntimeError("a read of the simulated cluster cannot change it")
        self._serial.acquire()
        with self._state:
            self._waiting = True
            while self._readers:
                self._state.wait()
            self._waiting = False
            self._writer, self._depth = me, 1
            self.epoch += 1

    def release(self) -> None:
        if self._writer != threading.get_ident():
            raise RuntimeError("released by a thread that does not hold it")
        self._depth -= 1
        if self._depth:
            return
        with self._state:
            self._writer = None
            self._state.notify_all()
        self._serial.release()

    def __enter__(self) -> ClusterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    @contextlib.contextmanager
    def serial(self) -> Iterator[None]:
        """Alone among changers; readers carry on."""
        if self._reading():
            raise RuntimeError("a read of the simulated cluster cannot change it")
        with self._serial:
            yield

    # --- reads ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        if self._writer == threading.get_ident() or self._reading():
            yield  # already inside a change or a read of this thread
            return
        with self._state:
            while self._writer is not None or self._waiting:
                self._state.wait()
            self._readers += 1
        self._mine.reading = True
        try:
            yield
        finally:
            self._mine.reading = False
            with self._state:
                self._readers -= 1
                if not self._readers:
                    self._state.notify_all()

    def _reading(self) -> bool:
        return bool(getattr(self._mine, "reading", False))
