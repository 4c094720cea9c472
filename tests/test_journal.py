"""The rollout journal: durable records, tolerant reading, resume bookkeeping, the lock."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from f5ecmp.journal import (
    Journal,
    LockedError,
    cluster_lock,
    last_unfinished,
    list_runs,
    read_run,
)
from f5ecmp.redact import MASK, redact


def _journal(tmp_path: Path, clock_start: float = 1_764_036_000.0) -> Journal:
    ticks = iter(range(10_000))
    return Journal.start(
        tmp_path,
        "app1-ecmp",
        playbook="playbooks/seed-example.yaml",
        fingerprint="f" * 64,
        clock=lambda: clock_start + next(ticks),
    )


def test_records_are_written_private_and_read_back(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    journal.step_started("vlans", "bigip-a.example.net")
    journal.step_done("vlans", "bigip-a.example.net", [{"method": "POST", "path": "/x"}])
    journal.step_started("trust", "bigip-a.example.net")
    journal.step_failed("trust", "bigip-a.example.net", "HTTP 401")
    journal.close()
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600
    (run,) = list_runs(tmp_path, "app1-ecmp")
    assert run.problem is None
    assert run.fingerprint == "f" * 64
    assert [r["type"] for r in run.records] == [
        "run-start",
        "step-start",
        "step-done",
        "step-start",
        "step-failed",
    ]
    assert set(run.done()) == {("vlans", "bigip-a.example.net")}
    stopped = run.stopped_at()
    assert stopped is not None and (stopped["step"], stopped["error"]) == ("trust", "HTTP 401")
    assert last_unfinished([run]) is run


def test_passwords_never_reach_the_journal(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    body = {"command": "run", "deviceName": "b", "username": "admin", "caDevicePassword": "Zx9!q"}
    journal.step_done(
        "trust", "a", [{"method": "POST", "path": "/mgmt/tm/cm/add-to-trust", "body": body}]
    )
    journal.close()
    text = journal.path.read_text()
    assert "Zx9!q" not in text
    assert MASK in text


def test_a_torn_last_record_keeps_the_readable_prefix(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    journal.step_done("vlans", "a", [])
    journal.close()
    with journal.path.open("ab") as handle:
        handle.write(b'{"type": "step-done", "step": "static_')  # power lost mid-write
    run = read_run(journal.path)
    assert [r["type"] for r in run.records] == ["run-start", "step-done"]
    assert run.problem is not None and "line 3 ends with a partly written record" in run.problem


def test_a_corrupt_record_is_reported(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    journal.step_done("vlans", "a", [])
    journal.close()
    lines = journal.path.read_bytes().split(b"\n")
    lines.insert(1, b"\x00\x00garbage")
    journal.path.write_bytes(b"\n".join(lines))
    run = read_run(journal.path)
    assert len(run.records) == 1
    assert run.problem is not None and "line 2 is corrupt" in run.problem


def test_a_finished_run_is_not_resumed(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    journal.finish(True)
    journal.close()
    assert last_unfinished(list_runs(tmp_path, "app1-ecmp")) is None
    assert list_runs(tmp_path, "other-cluster") == []


def test_runs_are_listed_oldest_first(tmp_path: Path) -> None:
    first = _journal(tmp_path, clock_start=1_764_036_000.0)
    first.close()
    second = _journal(tmp_path, clock_start=1_764_039_600.0)
    second.close()
    assert [r.run_id for r in list_runs(tmp_path, "app1-ecmp")] == [first.run_id, second.run_id]


def test_a_second_apply_of_the_cluster_is_refused(tmp_path: Path) -> None:
    with cluster_lock(tmp_path, "app1-ecmp"):
        with pytest.raises(LockedError, match=f"pid {os.getpid()}"):
            cluster_lock(tmp_path, "app1-ecmp").acquire()
        cluster_lock(tmp_path, "another-cluster").acquire()  # other clusters are unaffected
    with cluster_lock(tmp_path, "app1-ecmp") as lock:  # released: taken again
        assert lock.stale_holder is None


def test_an_apply_during_a_drill_is_told_a_drill_holds_the_lock(tmp_path: Path) -> None:
    with (
        cluster_lock(tmp_path, "app1-ecmp", "drill"),
        pytest.raises(
            LockedError, match=r"a failover drill of this cluster is running \(drill: pid"
        ),
    ):
        cluster_lock(tmp_path, "app1-ecmp").acquire()
    with cluster_lock(tmp_path, "app1-ecmp"), pytest.raises(LockedError, match="another apply"):
        cluster_lock(tmp_path, "app1-ecmp", "drill").acquire()


def test_a_drill_after_a_failed_apply_leaves_the_apply_to_resume(tmp_path: Path) -> None:
    apply = _journal(tmp_path, clock_start=1_764_036_000.0)
    apply.finish(False, failed="pool on bigip-a.example.net")
    drill = Journal.start(tmp_path, "app1-ecmp", playbook="p", fingerprint="f", kind="drill",
                          clock=lambda: 1_764_039_600.0)  # fmt: skip
    drill.finish(True)
    runs = list_runs(tmp_path, "app1-ecmp")
    assert [r.kind for r in runs] == ["apply", "drill"]
    assert runs[1].start["kind"] == "drill" and "kind" not in runs[0].start
    found = last_unfinished(runs)
    assert found is not None and found.run_id == apply.run_id


def test_the_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    # A process that takes the lock and dies without releasing it (SIGKILL, power loss).
    script = (
        "import os, sys; from pathlib import Path; from f5ecmp.journal import cluster_lock; "
        "cluster_lock(Path(sys.argv[1]), 'app1-ecmp').acquire(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True)
    with cluster_lock(tmp_path, "app1-ecmp") as lock:
        assert lock.stale_holder is not None and lock.stale_holder.startswith("pid ")


def test_redact_masks_nested_secrets_only() -> None:
    data = {"password_env": "F5_PASSWORD", "a": [{"peerPassword": "x", "name": "n"}], "token": "T"}
    assert redact(data) == {
        "password_env": "F5_PASSWORD",
        "a": [{"peerPassword": MASK, "name": "n"}],
        "token": MASK,
    }
    assert json.dumps(redact(data)).count(MASK) == 2
