"""What every command prints with ``--json``: one document, ``format_version`` 1.

Each command's document is built here from the engine's results, and described field by
field in :mod:`f5ecmp.json_schemas` (``f5ecmp schema --output COMMAND``). The rule they share:
``error`` is ``null`` exactly when the command exits 0 (or 2, changes pending); otherwise it
says what went wrong — ``message``, ``kind`` (see :mod:`f5ecmp.error_kinds`) and, when the
failure concerns one device or one step, ``device`` and ``step``. A failure that stops a
command before it has anything else to say is a document of its own:
``{"format_version": 1, "error": {...}}``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from f5ecmp.bigip.changes import Action, Change
from f5ecmp.bigip.cluster import ClusterState
from f5ecmp.client import Client
from f5ecmp.drill_model import DrillResult
from f5ecmp.error_kinds import CommandError, error_device, error_kind
from f5ecmp.errors import F5EcmpError, Issue, PlaybookError
from f5ecmp.history import run_outcome, run_started, run_stopped_at
from f5ecmp.journal import Run
from f5ecmp.playbook import Playbook
from f5ecmp.redact import redact
from f5ecmp.router import RouterChanges
from f5ecmp.runner import RunResult, StepResult, count_requests

FORMAT_VERSION = 1
ACTIONS: tuple[Action, ...] = ("create", "modify", "delete", "command")


def failure(
    message: str, kind: str, *, device: str | None = None, step: str | None = None,
    details: Iterable[str] = (), hint: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """An ``error`` object; the keys that do not apply are left out."""
    out: dict[str, Any] = {"message": message, "kind": kind}
    if device:
        out["device"] = device
    if step:
        out["step"] = step
    if details := list(details):
        out["details"] = details
    if hint:
        out["hint"] = hint
    return out


def issue_json(issue: Issue) -> dict[str, Any]:
    return {"file": issue.file, "line": issue.line, "path": issue.path, "message": issue.message}


def error_object(exc: F5EcmpError, hint: str | None = None) -> dict[str, Any]:
    """The ``error`` object of an error that stopped a command."""
    kind = error_kind(exc)
    if isinstance(exc, PlaybookError):
        count, file = len(exc.issues), exc.issues[0].file if exc.issues else "the playbook"
        message = str(exc.issues[0]) if count == 1 else f"{count} problems in {file}"
        out = failure(message, kind, hint=hint)
        out["issues"] = [issue_json(i) for i in exc.issues]
        return out
    details = exc.details if isinstance(exc, CommandError) else ()
    lines = str(exc).splitlines() or [type(exc).__name__]
    if len(lines) > 1:  # one line per device (logging in) or per problem
        details = (*details, *lines)
        message = f"{lines[0]} (and {len(lines) - 1} more: see details)"
    else:
        message = lines[0]
    return failure(message, kind, device=error_device(exc), details=details, hint=hint)


def error_document(exc: F5EcmpError, hint: str | None = None) -> dict[str, Any]:
    return {"format_version": FORMAT_VERSION, "error": error_object(exc, hint)}


# -- plan and apply ---------------------------------------------------------------------------


def change_json(change: Change, step: str, device: str) -> dict[str, Any]:
    """One request: its step, the device it goes to, and what it does (secrets masked)."""
    return {
        "step": step,
        "device": change.device or device,
        "action": change.action,
        "method": change.method,
        "path": change.path,
        "summary": change.summary,
        "fields": [
            {"field": f.field, "old": redact(f.old), "new": redact(f.new)} for f in change.fields
        ],
        "body": redact(change.body) if change.body is not None else None,
        "conditional": change.conditional,
        "requests": change.requests,
    }


def step_json(result: StepResult) -> dict[str, Any]:
    return {
        "step": result.step,
        "number": result.number,
        "device": result.device,
        "outcome": "stopped" if result.stopped else result.outcome,
        "changes": [change_json(c, result.step, result.device) for c in result.changes],
        "attempts": result.attempts,
        "error": result.error,
    }


def router_json(changes: RouterChanges | None) -> dict[str, Any] | None:
    if changes is None:
        return None
    return {
        "platform": changes.options.platform,
        "prefix": str(changes.new.prefix),
        "added": [hop.as_dict() for hop in changes.added],
        "removed": [hop.as_dict() for hop in changes.removed],
        "add": list(changes.add),
        "remove": list(changes.remove),
    }


def plan_document(
    results: list[StepResult], cluster: str, router: RouterChanges | None
) -> dict[str, Any]:
    counts = Counter(c.action for r in results for c in r.changes)
    return {
        "format_version": FORMAT_VERSION,
        "cluster": cluster,
        "changes": sum(counts.values()),
        # What sending them takes: a transaction is several requests.
        "requests": count_requests(results),
        "by_action": {action: counts[action] for action in ACTIONS},
        "pending": any(r.changes or r.outcome == "pending" for r in results),
        "steps": [step_json(r) for r in results],
        "router": router_json(router),
        "error": None,
    }


def run_error(run: RunResult) -> dict[str, Any] | None:
    """Why an apply did not end verified, or None."""
    failed = run.failed
    if failed is None:
        return failure("stopped on request", "stopped") if run.interrupted else None
    where = {"device": failed.device, "step": failed.step}
    if failed.stopped:
        return failure(f"stopped: {failed.error}", "stopped", **where)
    if run.verification:
        return failure("verification failed", "verification", details=run.verification, **where)
    exc = failed.exception
    kind = error_kind(exc) if exc is not None else "error"
    device = (error_device(exc) if exc is not None else None) or failed.device
    message = f"step {failed.number} {failed.step} failed on {failed.device}: {failed.error}"
    return failure(message, kind, device=device, step=failed.step)


def apply_document(
    run: RunResult, cluster: str, clients: Mapping[str, Client], retries: Mapping[str, int],
    journal: tuple[str, Path] | None, router: RouterChanges | None, warnings: list[str],
) -> dict[str, Any]:  # fmt: skip
    """An apply's result; ``journal`` is (run id, path), None when nothing ran (nothing to
    change and not asked)."""
    return {
        "format_version": FORMAT_VERSION,
        "cluster": cluster,
        "run": journal[0] if journal else None,
        "journal": str(journal[1]) if journal else None,
        "ok": run.ok,
        "interrupted": run.interrupted,
        "changes": run.change_count,
        "failed": step_json(run.failed) if run.failed else None,
        "verification": run.verification,
        "elapsed_s": round(run.elapsed_s, 3),
        "steps": [step_json(r) for r in run.results],
        "requests": {name: vars(c.counters) for name, c in clients.items()},
        "retries": dict(retries),
        "router": router_json(router),
        "warnings": warnings,
        "error": run_error(run),
    }


# -- status, history, validate, drill, router-config --------------------------------------------


def status_document(health: ClusterState, cluster: str, warnings: list[str]) -> dict[str, Any]:
    problems = health.problems
    unhealthy = failure(
        f"the cluster is unhealthy: {len(problems)} problem(s)", "unhealthy", details=problems
    )
    return {
        "format_version": FORMAT_VERSION,
        "cluster": cluster,
        **health.as_dict(),
        "warnings": warnings,
        "error": None if health.healthy else unhealthy,
    }


def history_document(runs: list[Run], cluster: str, state_dir: Path) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "cluster": cluster,
        "state_dir": str(state_dir),
        "runs": [
            {
                "run": r.run_id,
                "kind": r.kind,
                "started": run_started(r),
                "fingerprint": r.fingerprint,
                "resumes": r.start.get("resumes"),
                "outcome": run_outcome(r),
                "stopped_at": run_stopped_at(r),
                "problem": r.problem,
                "records": r.records,
            }
            for r in runs
        ],
        "error": None,
    }


def validate_document(pb: Playbook, source: str, warnings: list[Issue]) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "playbook": source,
        "valid": True,
        "cluster": pb.cluster,
        "authority": pb.authority.name,
        "devices": [
            {
                "name": d.name,
                "label": d.label,
                "management": str(d.mgmt),
                "port": d.port,
                "traffic_group": d.traffic_group.name,
                "mac_masquerade": d.traffic_group.mac_masquerade,
                "ha_order": list(pb.ha_order(d)),
                "auto_failback": d.traffic_group.auto_failback,
            }
            for d in pb.devices
        ],
        "warnings": [issue_json(w) for w in warnings],
        "error": None,
    }


def drill_error(result: DrillResult) -> dict[str, Any] | None:
    if result.ok:
        return None
    if result.refused:
        return failure("the cluster is not healthy: nothing was moved", "refused",
                       device=result.device, details=result.refused)  # fmt: skip
    if result.interrupted:
        return failure("the drill was stopped on request", "stopped", device=result.device)
    failed = [g for g in result.groups if g.result == "failed"]
    message = result.error or (failed[0].error if failed and failed[0].error else "drill failed")
    return failure(message, "drill", device=result.device,
                   details=[f"{g.group}: {g.error}" for g in failed if g.error])  # fmt: skip


def drill_document(result: DrillResult, run_id: str | None) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        **result.as_dict(run_id),
        "restored": result.restored,
        "error": drill_error(result),  # in place of the drill's own error text
    }


def router_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """``router-config``'s route (``from`` absent) or changes (``from`` present)."""
    return {"format_version": FORMAT_VERSION, **document, "error": None}
