"""Saved plans on a served simulator: ``plan --out`` then ``apply FILE`` sends exactly the
plan, and refuses — before any write — when a device changed in between."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import SEED
from tests.rollout.test_contract import CREDENTIALS, Served, _serve

A, B = "bigip-a.example.net", "bigip-b.example.net"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from _serve(tmp_path, "saved")


def _patch(served: Served, device: str, path: str, body: dict[str, object]) -> None:
    response = requests.patch(
        served.sim.devices[device] + path, json=body,
        auth=(CREDENTIALS["F5_USER"], CREDENTIALS["F5_PASSWORD"]),
        verify=str(served.sim.ca_bundle), timeout=10,
    )  # fmt: skip
    assert response.ok, response.text


def test_a_saved_plan_is_applied_exactly(served: Served, tmp_path: Path) -> None:
    plan_file = tmp_path / "change-123.json"
    made = served.run("plan", "--out", str(plan_file))
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(os.stat(plan_file).st_mode) == 0o600
    saved = json.loads(plan_file.read_text())
    assert saved["format_version"] == 1 and saved["kind"] == "f5ecmp-plan"
    assert CREDENTIALS["F5_PASSWORD"] not in plan_file.read_text()  # no secrets
    assert f"f5ecmp apply {plan_file} --endpoints {served.endpoints}" in made.output
    before = served.writes()
    applied = served.cli("apply", str(plan_file), "--endpoints", str(served.endpoints),
                         "--state-dir", str(served.state_dir), "--yes")  # fmt: skip
    assert applied.exit_code == 0, applied.output
    assert served.writes() - before == saved["plan"]["requests"]
    assert served.run("plan", "--detailed-exitcode").exit_code == 0


def test_a_device_changed_since_the_plan_is_refused_before_any_write(
    served: Served, tmp_path: Path
) -> None:
    assert served.run("apply", "--yes").exit_code == 0
    _patch(served, B, "/mgmt/tm/net/vlan/~Common~internal", {"mtu": 9000})
    plan_file = tmp_path / "p.json"
    assert served.run("plan", "--out", str(plan_file)).exit_code == 0
    _patch(
        served,
        A,
        "/mgmt/tm/ltm/pool/~Common~app_pool",
        {"loadBalancingMode": "least-connections-member"},
    )
    before = served.writes()
    applied = served.cli("apply", str(plan_file), "--endpoints", str(served.endpoints),
                         "--state-dir", str(served.state_dir), "--yes")  # fmt: skip
    assert applied.exit_code == 1
    assert (
        f"{A}: /mgmt/tm/ltm/pool/~Common~app_pool?expandSubcollections=true changed since the plan was made"
        in applied.output
    )
    assert "pool on bigip-a.example.net: the changes differ from the plan's" in applied.output
    assert "nothing was changed" in applied.output
    assert served.writes() == before


def test_a_playbook_changed_since_the_plan_is_refused(served: Served, tmp_path: Path) -> None:
    playbook = tmp_path / "site.yaml"
    playbook.write_text(SEED.read_text())
    plan_file = tmp_path / "p.json"
    made = served.cli(
        "plan", str(playbook), "--endpoints", str(served.endpoints), "--out", str(plan_file)
    )
    assert made.exit_code == 0, made.output
    playbook.write_text(playbook.read_text().replace("timezone: UTC", "timezone: Europe/Paris"))
    before = served.writes()
    applied = served.cli("apply", str(plan_file), "--endpoints", str(served.endpoints), "--yes")
    assert applied.exit_code == 1
    assert "changed since the plan was made" in applied.output
    assert served.writes() == before


def test_a_file_that_is_not_a_whole_plan_is_one_line(served: Served, tmp_path: Path) -> None:
    broken = tmp_path / "p.json"
    broken.write_text(json.dumps({"kind": "f5ecmp-plan", "format_version": 1}))
    applied = served.cli("apply", str(broken), "--yes")
    assert applied.exit_code == 1 and "not a whole saved plan" in applied.output
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"kind": "f5ecmp-plan", "format_version": 9}))
    applied = served.cli("apply", str(newer), "--yes")
    assert applied.exit_code == 1 and "make the plan again" in applied.output


def test_the_guard_stops_a_step_run_that_would_send_what_the_plan_does_not_list() -> None:
    from f5ecmp.saved_plan import SavedPlanError, guard

    saved = {"plan": {"steps": [{"step": "pool", "device": A, "changes": [
        {"action": "create", "method": "POST", "path": "/mgmt/tm/ltm/pool"}]}]}}  # fmt: skip
    check = guard(saved)
    check("pool", A, [("create", "POST", "/mgmt/tm/ltm/pool", A)], True)  # as planned
    check("pool", A, [], False)  # a re-run may send less
    with pytest.raises(SavedPlanError, match="PATCH /mgmt/tm/ltm/pool/~Common~app_pool"):
        check("pool", A, [("modify", "PATCH", "/mgmt/tm/ltm/pool/~Common~app_pool", A)], True)
    with pytest.raises(SavedPlanError, match="does not list"):
        check("vlans", B, [("create", "POST", "/mgmt/tm/net/vlan", B)], True)
