"""The command-line side of saved plans (``plan --out FILE``, ``apply FILE``)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from f5ecmp.bigip.api import DeviceApi
from f5ecmp.cli_options import ConnectOptions
from f5ecmp.error_kinds import CommandError
from f5ecmp.errors import F5EcmpError
from f5ecmp.journal import Hints
from f5ecmp.rollout import OtherTarget, check_target, playbook_fingerprint, use_hints
from f5ecmp.runner import Runner, StepResult
from f5ecmp.saved_plan import RecordingApi, differences, document, recording, write
from f5ecmp.session import Session
from f5ecmp.steps.base import Context


def record(context: Context) -> dict[str, RecordingApi]:
    """Let ``context`` read through recording proxies; returns them."""
    proxies = recording(context.clients, context.prefetched)
    context.clients = dict[str, DeviceApi](proxies)
    return proxies


def apply_command(out: Path, connect: ConnectOptions) -> str:
    """The command that applies the saved plan, with the options that reach the devices."""
    words = ["f5ecmp", "apply", str(out)]
    if connect.endpoints is not None:
        words += ["--endpoints", str(connect.endpoints)]
    if connect.ca_bundle is not None:
        words += ["--ca-bundle", connect.ca_bundle]
    if connect.insecure:
        words.append("--insecure")
    if connect.simulate:
        words.append("--simulate")
    return shlex.join(words)


def save(
    out: Path, session: Session, reads: dict[str, RecordingApi], plan: dict[str, Any],
    playbook: Path, connect: ConnectOptions,
) -> str:  # fmt: skip
    """Write the saved plan (or raise SavedPlanError); returns what to tell the operator."""
    pb = session.playbook
    command = apply_command(out, connect)
    data = document(
        cluster=pb.cluster, playbook=playbook, fingerprint=playbook_fingerprint(pb),
        target=session.target(), reads=reads, plan=plan, apply_command=command,
    )  # fmt: skip
    write(out, data)
    return f"Saved this plan to {out} (mode 0600). To apply exactly this plan:\n  {command}"


def check(saved: dict[str, Any], session: Session, found: Hints) -> list[StepResult]:
    """Read everything again; refuse (a CommandError with one line per difference) unless
    the devices are as the plan found them and the plan would be the same. Returns the
    plan."""
    pb = session.playbook
    problems: list[str] = []
    if saved["playbook"].get("fingerprint") != playbook_fingerprint(pb):
        problems.append(
            f"the playbook {saved['playbook'].get('path')} changed since the plan was made"
        )
    try:
        check_target(saved["target"], session.target())
    except OtherTarget as exc:
        problems.append(f"the plan was made for other devices: {exc}")
    results: list[StepResult] = []
    if not problems:
        context = session.context()
        use_hints(context, found)
        reads = record(context)
        try:
            results = Runner(context).plan()
        except F5EcmpError as exc:
            problems.append(str(exc))
        else:
            problems.extend(differences(saved, reads, results))
    if problems:
        raise CommandError(
            "the saved plan no longer holds: nothing was changed; make a new plan",
            "saved-plan",
            details=tuple(problems),
        )
    return results
