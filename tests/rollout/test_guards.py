"""What a rollout must refuse to do, and how resume chains across runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
from typer.testing import CliRunner

from f5ecmp.bigip.api import get_or_none
from f5ecmp.bigip.sync import SyncError
from f5ecmp.cli import app
from f5ecmp.client import DeviceError
from f5ecmp.playbook.model import StepId
from f5ecmp.runner import ChangeSent, Event, StepStarted
from f5ecmp.steps import STEP_IDS
from f5ecmp.steps.base import StepConflict
from tests.conftest import SEED
from tests.rollout.conftest import Rig

NAMES = ["bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"]


def test_the_playbooks_step_ids_are_the_registrys() -> None:
    assert tuple(get_args(StepId)) == STEP_IDS


def test_a_change_made_on_a_peer_is_never_overwritten_by_a_sync(rig: Rig) -> None:
    assert rig.apply().ok
    b = rig.session.clients[NAMES[1]]
    b.patch("/mgmt/tm/ltm/pool/~Common~app_pool", {"description": "changed on b by hand"})
    with pytest.raises(SyncError, match=r"recommends syncing bigip-b\.example\.net"):
        rig.plan()
    before = rig.writes()
    result = rig.apply()
    # the device group's own check finds the group out of sync the other way round, and stops
    assert not result.ok and result.failed is not None and result.failed.step == "device_group"
    assert "changed outside this rollout" in (result.failed.error or "")
    assert rig.writes() == before
    pool = rig.get(NAMES[1], "/mgmt/tm/ltm/pool/~Common~app_pool")
    assert pool["description"] == "changed on b by hand"


def test_a_conflict_in_plan_is_reported_even_with_changes_pending(rig: Rig) -> None:
    assert rig.apply().ok
    rig.session.clients[NAMES[1]].patch("/mgmt/tm/net/vlan/~Common~internal", {"mtu": 9000})
    rig.session.clients[NAMES[0]].delete("/mgmt/tm/cm/device-group/~Common~dg-ecmp")
    rig.session.clients[NAMES[0]].post(
        "/mgmt/tm/cm/device-group", {"name": "dg-ecmp", "type": "sync-only"}
    )
    with pytest.raises(StepConflict, match="cannot change"):
        rig.plan()


def test_a_resumed_run_that_fails_again_is_resumed_without_redoing_anything(rig: Rig) -> None:
    """Each resume reads every step again; what is already converged writes nothing."""

    def down_at(step: str, device: str) -> Any:
        def hook(event: Event) -> None:
            if isinstance(event, StepStarted) and (event.step, event.device) == (step, device):
                rig.sim.set_down(device, True)

        return hook

    first = rig.apply(on_event=down_at("connectivity", NAMES[2]))
    assert first.failed is not None and first.failed.step == "connectivity"
    rig.sim.set_down(NAMES[2], False)
    second = rig.apply(resume=True, on_event=down_at("pool", NAMES[0]))
    assert second.failed is not None and second.failed.step == "pool"
    rig.sim.set_down(NAMES[0], False)
    third = rig.apply(resume=True)
    assert third.ok, (third.failed, third.verification)
    outcome = {(r.step, r.device): r.outcome for r in third.results}
    assert outcome[("vlans", NAMES[0])] == "unchanged"
    assert outcome[("connectivity", NAMES[2])] == "unchanged"
    assert outcome[("device_group", NAMES[0])] == "unchanged"


def test_a_restarting_rest_service_is_not_read_as_a_missing_object() -> None:
    class Busy:
        name = "x"

        def get(self, path: str, params: Any = None) -> Any:
            raise DeviceError("x", "GET", path, 404, "URI path /mgmt/tm/ltm/pool not registered.")

    with pytest.raises(DeviceError):
        get_or_none(Busy(), "/mgmt/tm/ltm/pool/~Common~p")


def test_a_state_directory_that_cannot_be_used_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("")
    result = CliRunner().invoke(
        app, ["apply", str(SEED), "--simulate", "--yes", "--state-dir", str(blocker / "sub")]
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: cannot use the state directory")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("lb_method", ["round-robin", "least-connections-member"])
def test_a_create_answered_already_exists_is_read_again_not_a_failure(
    rig: Rig, lb_method: str
) -> None:
    """Another operator (or a lost answer) created the pool just before apply's POST: the 409
    is read again and diffed; whatever still differs is then applied."""
    a = rig.session.clients[NAMES[0]]

    def create_it_first(event: Event) -> None:
        if isinstance(event, ChangeSent) and event.summary.startswith("create pool app_pool"):
            a.post("/mgmt/tm/ltm/pool", {
                "name": "app_pool", "loadBalancingMode": lb_method, "monitor": "/Common/http",
                "members": [{"name": "10.1.1.100:80", "address": "10.1.1.100"},
                            {"name": "10.1.1.101:80", "address": "10.1.1.101"}],
            })  # fmt: skip

    result = rig.apply(on_event=create_it_first)
    assert result.ok, (result.failed, result.verification)
    pool = next(r for r in result.results if r.step == "pool")
    assert [c.action for c in pool.changes] == (
        [] if lb_method == "round-robin" else ["modify"]
    )  # the create itself was not counted as made by this run
    assert (
        rig.get(NAMES[1], "/mgmt/tm/ltm/pool/~Common~app_pool")["loadBalancingMode"]
        == "round-robin"
    )


def test_a_lost_answer_to_the_final_sync_does_not_send_it_twice(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client, having lost the answer to a write, asks the step whether it took effect
    (as ``Client._after_lost_write`` does) and sends it again only if not."""
    assert rig.apply().ok
    rig.session.clients[NAMES[0]].patch(
        "/mgmt/tm/ltm/pool/~Common~app_pool", {"loadBalancingMode": "least-connections-member"}
    )
    client = rig.session.clients[NAMES[0]]
    real = client.request
    syncs: list[str] = []
    lost = {"done": False}

    def request(method: str, path: str, **kw: Any) -> Any:
        answer = real(method, path, **kw)
        if method == "POST" and path == "/mgmt/tm/cm":
            syncs.append(path)
            confirm = kw.get("confirm")
            if not lost["done"] and confirm is not None:
                lost["done"] = True  # the answer is lost on the way back
                if not confirm():
                    return request(method, path, **kw)
        return answer

    monkeypatch.setattr(client, "request", request)
    result = rig.apply()
    assert result.ok, (result.failed, result.verification)
    planned_syncs = 1  # step 13's, for the pool's drift
    assert len(syncs) == planned_syncs
