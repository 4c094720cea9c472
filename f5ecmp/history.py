"""What a journaled run came to, as ``f5ecmp history`` shows it (table and ``--json``)."""

from __future__ import annotations

import time

from f5ecmp.journal import Run


def run_outcome(run: Run) -> str:
    """How a run ended: ok, stopped, refused, failed, verification failed — or unfinished
    (no end record: still running, or its process died)."""
    end = run.end
    if end is None:
        return "unfinished"
    if end.get("ok"):
        return "ok"
    for key, outcome in (("interrupted", "stopped"), ("refused", "refused"), ("failed", "failed")):
        if end.get(key):
            return outcome
    return "verification failed"


def run_stopped_at(run: Run) -> str | None:
    """Where a run that did not end ok stopped: ``step on device``."""
    end = run.end
    stopped = run.stopped_at()
    if stopped and not (end and end.get("ok")):
        return f"{stopped['step']} on {stopped['device']}"
    value = (end or {}).get("stopped_at")
    return str(value) if value else None


def run_started(run: Run) -> str | None:
    """When the run started, in UTC (ISO 8601), if its journal says."""
    started = run.start.get("time")
    if not isinstance(started, int | float):
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))
