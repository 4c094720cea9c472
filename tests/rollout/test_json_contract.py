"""Every command's ``--json`` output is one document that validates against the schema
``f5ecmp schema --output COMMAND`` publishes — fresh, converged, failed and refused, errors
included — and exits as the text form does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner, Result

from f5ecmp.cli import app
from f5ecmp.journal import cluster_lock
from f5ecmp.playbook import load_playbook
from f5ecmp.simulator import Cluster, Timing
from f5ecmp.simulator.serve import SimServer, serve, write_endpoints_file
from tests.conftest import SEED

CREDENTIALS = {"F5_USER": "ops", "F5_PASSWORD": "json-s3cret"}
A, B, C = "bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"
SCHEMA_OF = {"router-config": "router-config", "apply --dry-run": "plan"}


@cache
def schema(command: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["schema", "--output", command])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def valid(command: str, result: Result, exit_code: int) -> dict[str, Any]:
    """The one document ``command`` printed: valid against its schema, with ``error`` set
    exactly when it exits 1."""
    assert result.exit_code == exit_code, result.output
    document: dict[str, Any] = json.loads(result.stdout)  # one document, nothing else
    problems = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft202012Validator(schema(command)).iter_errors(document)
    ]
    assert problems == [], problems
    assert document["format_version"] == 1
    assert (document["error"] is not None) == (exit_code == 1), document["error"]
    assert "json-s3cret" not in result.output
    return document


@dataclass
class Served:
    sim: SimServer
    endpoints: Path
    state_dir: Path
    env: dict[str, str]

    def invoke(self, command: str, playbook: Path | str, *extra: str) -> Result:
        args = [*command.split(), str(playbook)]
        if command not in ("validate", "history", "router-config"):
            args += ["--endpoints", str(self.endpoints)]
        if command.split()[0] in ("apply", "drill", "history"):
            args += ["--state-dir", str(self.state_dir)]
        return CliRunner().invoke(app, [*args, *extra], env=self.env, catch_exceptions=False)

    def json(
        self, command: str, *extra: str, exit_code: int = 0, playbook: Path = SEED,
        text: bool | None = None,
    ) -> Any:  # fmt: skip
        """``command --json``: its document; and (``text``: by default for what changes
        nothing) the text form exits the same way."""
        document = valid(
            SCHEMA_OF.get(command, command.split()[0]),
            self.invoke(command, playbook, "--json", *extra),
            exit_code,
        )
        if text if text is not None else not command.startswith(("apply", "drill")):
            assert self.invoke(command, playbook, *extra).exit_code == exit_code
        return document


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    pb = load_playbook(SEED)
    cluster = Cluster.from_devices(
        pb.devices,
        credentials=(CREDENTIALS["F5_USER"], CREDENTIALS["F5_PASSWORD"]),
        timing=Timing.instant(),
    )
    with serve(cluster, ephemeral_ports=True) as sim:
        eps = write_endpoints_file(sim.endpoints, tmp_path / "eps.yaml")
        yield Served(sim, eps, tmp_path / "state", dict(CREDENTIALS))


def test_fresh_then_converged(served: Served) -> None:
    plan = served.json("plan")
    assert plan["pending"] and plan["changes"] == sum(plan["by_action"].values())
    changes = [c for step in plan["steps"] for c in step["changes"]]
    assert len(changes) == plan["changes"] > 40
    assert all(c["step"] == s["step"] for s in plan["steps"] for c in s["changes"])
    assert {c["device"] for c in changes} == {A, B, C}
    assert any(c["fields"] for c in changes if c["action"] == "modify")
    assert all(c["fields"] == [] for c in changes if c["action"] != "modify")
    trust = [c for c in changes if c["path"].endswith("/add-to-trust")]
    assert trust and all(c["body"]["password"] == "********" for c in trust)
    assert served.json("plan", "--detailed-exitcode", exit_code=2) == plan
    assert served.json("apply --dry-run") == plan
    assert served.json("status", exit_code=1)["error"]["kind"] == "unhealthy"

    applied = served.json("apply", "--yes")
    # With instant failback the new traffic groups are usually home before their placement's
    # turn (a placement is sent only if a group is not): every other change is applied.
    conditional = sum(c["conditional"] for c in changes)
    assert applied["ok"] and applied["run"] and applied["error"] is None
    assert plan["changes"] - conditional <= applied["changes"] <= plan["changes"]
    assert applied["retries"]["requests"] == sum(c["retries"] for c in applied["requests"].values())
    converged = served.json("plan", "--detailed-exitcode")
    assert not converged["pending"] and converged["router"] is None
    again = served.json("apply", "--yes")
    assert again["ok"] and again["changes"] == 0
    status = served.json("status")
    assert status["healthy"] and status["cluster"] == "app1-ecmp"
    history = served.json("history")
    assert [r["outcome"] for r in history["runs"]] == ["ok", "ok"]
    assert served.json("drill", "--dry-run")["ok"]
    served.sim.cluster.timing = Timing(0.0, 0.0, 0.0, 0.01)  # failback in 0.6 s: a real drill
    drill = served.json("drill", "--yes", "--traffic-group", "traffic-group-3")
    assert drill["ok"] and drill["run"] and drill["traffic_groups"][0]["result"] == "ok"
    assert [r["kind"] for r in served.json("history")["runs"]] == ["apply", "apply", "drill"]


def test_a_failed_step_refusals_and_the_drill(served: Served, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(SEED.read_text().replace("monitors: [http]", "monitors: [http_missing]"))
    assert "http_missing" in broken.read_text()
    failed = served.json("apply", "--yes", playbook=broken, exit_code=1, text=False)
    error = failed["error"]
    assert (error["kind"], error["step"], error["device"]) == ("device", "pool", A)
    assert error["message"].startswith("step 7 pool failed on bigip-a.example.net: ")
    assert failed["failed"]["outcome"] == "failed"
    history = served.json("history")
    assert [(r["outcome"], r["stopped_at"]) for r in history["runs"]] == [
        ("failed", f"pool on {A}")
    ]
    refused = served.json("drill", "--dry-run", exit_code=1, text=True)
    assert refused["error"]["kind"] == "refused" and refused["error"]["details"]
    unknown = served.json(
        "drill", "--yes", "--traffic-group", "traffic-group-9", exit_code=1, text=True
    )
    assert unknown["error"]["kind"] == "drill"
    assert served.json("apply", "--resume", "--yes")["ok"]
    again = served.json("apply", "--resume", "--yes", exit_code=1, text=True)
    assert again["error"]["kind"] == "resume"


def _rewrite_endpoints(served: Served, change: dict[str, str]) -> None:
    data = yaml.safe_load(served.endpoints.read_text())
    data["devices"].update(change)
    served.endpoints.write_text(yaml.safe_dump(data))


def test_devices_that_cannot_be_used(served: Served) -> None:
    served.env["F5_PASSWORD"] = "wrong"
    auth = served.json("plan", exit_code=1)["error"]
    assert auth["kind"] == "auth" and len(auth["details"]) == 3 and "device" not in auth
    served.env["F5_PASSWORD"] = CREDENTIALS["F5_PASSWORD"]

    urls = yaml.safe_load(served.endpoints.read_text())["devices"]
    _rewrite_endpoints(served, {B: "https://127.0.0.1:1"})
    down = served.json("plan", exit_code=1)["error"]
    assert (down["kind"], down["device"]) == ("unreachable", B)
    status = served.json("status", exit_code=1)  # best effort: the others are shown
    assert [d["reachable"] for d in status["devices"]] == [True, False, True]

    _rewrite_endpoints(served, {A: urls[B], B: urls[A]})
    assert served.json("plan", exit_code=1)["error"]["kind"] == "identity"


def test_refusals_before_any_write(served: Served, tmp_path: Path) -> None:
    plan = tmp_path / "change.json"
    assert served.invoke("plan", SEED, "--out", str(plan)).exit_code == 0
    assert served.json("apply", "--yes")["ok"]  # the devices changed since the plan
    stale = served.json("apply", "--yes", playbook=plan, exit_code=1, text=True)["error"]
    assert stale["kind"] == "saved-plan" and stale["details"]
    assert stale["message"].startswith("the saved plan no longer holds")
    assert served.json("apply", exit_code=1, text=True)["error"]["kind"] == "confirmation"
    lock = cluster_lock(served.state_dir, "app1-ecmp")
    lock.acquire()
    try:
        locked = served.json("apply", "--yes", exit_code=1, text=True)["error"]
        assert locked["kind"] == "locked"
    finally:
        lock.release()


def _validate(path: Path, exit_code: int) -> dict[str, Any]:
    return valid("validate", CliRunner().invoke(app, ["validate", str(path), "--json"]), exit_code)


def test_validate(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(
        SEED.read_text().replace("tag: 20", "tag: 0").replace("mtu: 1500", "mtu: 99999", 1)
    )
    error = _validate(path, 1)["error"]
    assert (error["kind"], error["message"]) == ("playbook", f"2 problems in {path}")
    assert [(i["line"], i["path"]) for i in error["issues"]] == [
        (20, "vlans.external.mtu"), (21, "vlans.internal.tag")
    ]  # fmt: skip
    path.write_text(SEED.read_text().replace("tag: 20", "tag: 0"))
    error = _validate(path, 1)["error"]
    assert error["message"] == f"{path}:21: vlans.internal.tag: tag 0 is out of range 1-4094"
    path.write_text(SEED.read_text().replace("verify: true", "verify: false"))
    document = _validate(path, 0)
    assert document["valid"] and [w["path"] for w in document["warnings"]] == ["tls.verify"]
    assert [d["label"] for d in document["devices"]] == ["bigip-a", "bigip-b", "bigip-c"]


def test_validate_a_missing_file_and_a_structural_problem(tmp_path: Path) -> None:
    missing = _validate(tmp_path / "none.yaml", 1)
    assert missing["error"]["issues"][0]["message"] == "no such file"
    path = tmp_path / "typo.yaml"
    path.write_text(SEED.read_text().replace("lb_method:", "lb_methd:"))
    typo = _validate(path, 1)["error"]
    assert typo["details"] and "unknown key" in typo["message"]


def test_router_config(tmp_path: Path) -> None:
    four = tmp_path / "four.yaml"
    from tests.day2.conftest import with_device_d

    four.write_text(with_device_d(SEED.read_text()))
    route = valid(
        "router-config", CliRunner().invoke(app, ["router-config", str(SEED), "--json"]), 0
    )
    assert route["lines"] and route["error"] is None
    args = ["router-config", str(four), "--from", str(SEED), "--json"]
    changes = valid("router-config", CliRunner().invoke(app, args), 0)
    assert [h["device"] for h in changes["added"]] == ["bigip-d.example.net"]
    args = ["router-config", str(SEED), "--prefix", "30.1.2.0/24", "--json"]
    error = valid("router-config", CliRunner().invoke(app, args), 1)["error"]
    assert error["kind"] == "router"
    assert CliRunner().invoke(app, args[:-1]).exit_code == 1


def test_apply_asking_on_a_terminal_keeps_stdout_for_the_document(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("f5ecmp.cli_run.interactive", lambda: True)
    monkeypatch.setattr("f5ecmp.cli_run.confirm_apply", lambda: False)
    declined = served.invoke("apply", SEED, "--json")
    error = valid("apply", declined, 1)["error"]
    assert error == {"message": "Apply cancelled.", "kind": "declined"}
    assert "Plan for cluster app1-ecmp" in declined.stderr  # what was asked about
    assert served.json("apply", "--yes")["ok"]
    unchanged = served.invoke("apply", SEED, "--json")  # nothing to change: not asked
    document = valid("apply", unchanged, 0)
    assert (document["run"], document["journal"], document["changes"]) == (None, None, 0)
    assert {s["outcome"] for s in document["steps"]} == {"unchanged"}
    assert "No changes: the cluster matches the playbook" in unchanged.stderr
