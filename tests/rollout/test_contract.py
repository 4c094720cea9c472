"""The plan is the contract, proven through the command line on a served simulator: the
requests a plan lists are the writes apply then sends, ``apply --dry-run`` is ``plan``, and a
resume is either refused before any write or converges by reading every step again."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from f5ecmp.bigip.waits import Waiter
from f5ecmp.cli import app
from f5ecmp.client import RetryPolicy, Timeouts
from f5ecmp.playbook import load_playbook
from f5ecmp.policies import PollPolicy
from f5ecmp.rollout import Rollout
from f5ecmp.runner import Event, StepStarted
from f5ecmp.session import Settings, open_session
from f5ecmp.simulator import Cluster, Timing
from f5ecmp.simulator.serve import SimServer, serve, write_endpoints_file
from f5ecmp.steps import STEPS
from tests.conftest import SEED

NAMES = ["bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"]
CREDENTIALS = {"F5_USER": "ops", "F5_PASSWORD": "contract-s3cret"}


@dataclass
class Served:
    sim: SimServer
    endpoints: Path
    state_dir: Path

    def cli(self, *args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=CREDENTIALS, catch_exceptions=False)

    def run(self, command: str, *extra: str) -> Result:
        common = ["--endpoints", str(self.endpoints)]
        if command == "apply":
            common += ["--state-dir", str(self.state_dir)]
        return self.cli(command, str(SEED), *common, *extra)

    def writes(self) -> int:
        return int(self.sim.stats()["total"]["writes"])


def _serve(tmp_path: Path, label: str) -> Iterator[Served]:
    yield from _serve_playbook(tmp_path, label, SEED)


def _serve_playbook(tmp_path: Path, label: str, playbook: Path) -> Iterator[Served]:
    pb = load_playbook(playbook)
    # Trust, sync and failover at once, but auto failback as slow as a device's (60 s): a new
    # traffic group is then always placed by apply, as the plan says, rather than by a race.
    cluster = Cluster.from_devices(
        pb.devices, credentials=(CREDENTIALS["F5_USER"], CREDENTIALS["F5_PASSWORD"]),
        timing=Timing(0.0, 0.0, 0.0, 1.0),
    )  # fmt: skip
    with serve(cluster, ephemeral_ports=True) as sim:
        eps = write_endpoints_file(sim.endpoints, tmp_path / f"{label}-eps.yaml")
        yield Served(sim, eps, tmp_path / "state")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from _serve(tmp_path, "a")


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Served]:
    yield from _serve(tmp_path, "b")


def plan_json(served: Served) -> dict[str, Any]:
    result = served.run("plan", "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def assert_plan_is_what_apply_sends(served: Served) -> int:
    planned = plan_json(served)
    before = served.writes()
    log_start = len(served.sim.request_log())
    applied = served.run("apply", "--yes")
    assert applied.exit_code == 0, applied.output
    assert served.writes() - before == planned["requests"]
    # and in the order planned, device by device (no transaction in these cases): each
    # step's requests in its planned order (creates sent together in any order among
    # themselves), and every request of a step after every request of the steps it follows
    if planned["requests"] == planned["changes"]:
        sent = [
            (e["device"], e["method"], e["path"].split("?")[0])
            for e in served.sim.request_log()[log_start:]
            if e["method"] != "GET"
            and "/authz/tokens" not in e["path"]
            and "/authn/login" not in e["path"]
        ]
        assert_sent_in_planned_order(planned, sent)
        assert NAMES[0] in {s[0] for s in sent}
    again = served.run("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    return int(planned["requests"])


def assert_sent_in_planned_order(planned: dict[str, Any], sent: list[tuple[str, str, str]]) -> None:
    """Each write belongs to the first step, in the guide's order, that planned it for its
    device and has not had it yet; then: nothing sent unplanned or planned unsent, each
    step's writes on a device in its planned order (a run of creates of a step that sends
    them together as a set), and every write of a step after every write, on any device, of
    the steps it follows."""
    together = {s.id for s in STEPS if s.creates_together}
    expected: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    for step in planned["steps"]:
        for c in step["changes"]:
            device = c.get("device") or step["device"]
            row = (device, c["method"], c["path"], c["action"])
            expected.setdefault((step["step"], device), []).append(row)
    where: dict[tuple[str, str], list[int]] = {key: [] for key in expected}
    claimed: set[int] = set()
    for key, rows in expected.items():
        for row in rows:
            index = next(
                i for i, s in enumerate(sent) if i not in claimed and s == row[:3]
            )  # StopIteration: planned but never sent
            claimed.add(index)
            where[key].append(index)
    assert len(claimed) == len(sent), "sent but not planned"
    for (step, device), rows in expected.items():
        got = [sent[i] for i in sorted(where[(step, device)])]
        blocks: list[list[tuple[str, str, str, str]]] = []
        for row in rows:
            joins = blocks and step in together and row[3] == "create"
            if joins and blocks[-1][-1][3] == "create":
                blocks[-1].append(row)
            else:
                blocks.append([row])
        at = 0
        for block in blocks:
            assert sorted(got[at : at + len(block)]) == sorted(r[:3] for r in block), (step, device)
            at += len(block)
    by_step: dict[str, list[int]] = {}
    for (step, _device), indexes in where.items():
        by_step.setdefault(step, []).extend(indexes)
    ids = [s.id for s in STEPS]
    for step in STEPS:
        follows = ids[: ids.index(step.id)] if step.after is None else step.after
        for before in follows:
            if by_step.get(step.id) and by_step.get(before):
                assert max(by_step[before]) < min(by_step[step.id]), (before, step.id)


def test_a_fresh_clusters_plan_counts_the_writes_apply_makes(served: Served) -> None:
    router = plan_json(served)["router"]
    assert router["add"] == [f"ip route 30.1.1.10/32 20.1.1.{n}" for n in (2, 3, 4)]
    assert router["remove"] == []
    assert assert_plan_is_what_apply_sends(served) > 40
    assert plan_json(served)["router"] is None  # nothing left for the router either


def _send(served: Served, method: str, device: str, path: str, body: Any = None) -> None:
    """A change made by hand, straight over REST (no f5ecmp code)."""
    import requests

    response = requests.request(
        method,
        served.sim.devices[device] + path,
        json=body,
        auth=(CREDENTIALS["F5_USER"], CREDENTIALS["F5_PASSWORD"]),
        verify=str(served.sim.ca_bundle),
        timeout=10,
    )
    assert response.ok, response.text


A, B, C = NAMES
DRIFT: dict[str, list[tuple[str, str, str, Any]]] = {
    "local VLAN and spanning": [
        ("PATCH", B, "/mgmt/tm/net/vlan/~Common~internal", {"mtu": 9000}),
        ("PATCH", A, "/mgmt/tm/ltm/virtual-address/~Common~30.1.1.10",
         {"spanning": "disabled", "arp": "enabled"}),
    ],
    "NTP and connectivity": [
        ("PATCH", C, "/mgmt/tm/sys/ntp", {"servers": ["192.0.2.1"]}),
        ("PATCH", B, "/mgmt/tm/cm/device/~Common~bigip-b.example.net", {"mirrorSecondaryIp": "any6"}),
    ],
    "floating self and HA order": [
        ("DELETE", A, "/mgmt/tm/net/self/~Common~float_int_self_bigip-c", None),
        ("PATCH", A, "/mgmt/tm/cm/traffic-group/~Common~traffic-group-2",
         {"haOrder": ["/Common/bigip-b.example.net"]}),
    ],
    "pool and virtual server": [
        ("PATCH", A, "/mgmt/tm/ltm/pool/~Common~app_pool",
         {"loadBalancingMode": "least-connections-member"}),
        ("PATCH", A, "/mgmt/tm/ltm/virtual/~Common~app_vs", {"mirror": "disabled"}),
    ],
    "a static self IP readdressed (a transaction)": [
        ("DELETE", B, "/mgmt/tm/net/self/~Common~ext_static_self_bigip-b", None),
        ("POST", B, "/mgmt/tm/net/self",
         {"name": "ext_static_self_bigip-b", "address": "20.1.1.77/24", "vlan": "/Common/external"}),
    ],
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(DRIFT))
def test_after_drift_the_plan_counts_the_writes_apply_makes(served: Served, case: str) -> None:
    assert served.run("apply", "--yes").exit_code == 0
    for method, device, path, body in DRIFT[case]:
        _send(served, method, device, path, body)
    assert assert_plan_is_what_apply_sends(served) > 0


FLAGS = [[], ["--json"], ["--detailed-exitcode"], ["--json", "--detailed-exitcode"],
         ["--attempts", "2", "--read-timeout", "30"]]  # fmt: skip


@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: " ".join(f) or "none")
def test_apply_dry_run_is_plan_with_every_flag(served: Served, flags: list[str]) -> None:
    for _ in ("fresh", "converged"):
        plan = served.run("plan", *flags)
        dry = served.run("apply", "--dry-run", *flags)
        assert (dry.exit_code, dry.stdout) == (plan.exit_code, plan.stdout)
        assert plan.exit_code in (0, 2)
        assert served.run("apply", "--yes").exit_code == 0
    assert "--detailed-exitcode" not in flags or plan.exit_code == 0


def test_detailed_exitcode_reports_pending_changes_the_same_way(served: Served) -> None:
    assert served.run("plan", "--detailed-exitcode").exit_code == 2
    assert served.run("apply", "--dry-run", "--detailed-exitcode").exit_code == 2


def fast_waiter() -> Waiter:
    return Waiter(PollPolicy(first_s=0.01, max_s=0.05, deadline_s=10))


def break_a_run(served: Served, kind: str, step: str, device: str) -> None:
    """A run of ``served`` that loses ``device`` as ``step`` starts, journaled as ``kind``."""
    pb = load_playbook(SEED)
    settings = (
        Settings(
            simulate=True,
            sim_timing=Timing.instant(),
            retry=RetryPolicy(attempts=2, initial_s=0.001, max_wait_s=0.002, jitter_s=0),
            timeouts=Timeouts(connect_s=0.3, read_s=1.5),
        )
        if kind == "rehearsal"
        else Settings(
            endpoints_file=served.endpoints,
            retry=RetryPolicy(attempts=2, initial_s=0.001, max_wait_s=0.002, jitter_s=0),
            timeouts=Timeouts(connect_s=0.3, read_s=1.5),
        )
    )
    with open_session(pb, settings, environ=CREDENTIALS) as session:
        sim = session.simulator.cluster if kind == "rehearsal" else served.sim

        def take_down(event: Event) -> None:
            if isinstance(event, StepStarted) and (event.step, event.device) == (step, device):
                sim.set_down(device, True)

        rollout = Rollout(
            session.context(waiter=fast_waiter()), served.state_dir, str(SEED),
            target=session.target(), on_event=take_down, sleep=lambda _s: None,
            stop=threading.Event(),
        )  # fmt: skip
        result = rollout.run()[0]
        assert result.failed is not None and result.failed.step == step
        sim.set_down(device, False)


def test_resuming_a_rehearsal_on_served_devices_is_refused_before_any_write(
    served: Served,
) -> None:
    break_a_run(served, "rehearsal", "pool", NAMES[0])
    before = served.writes()
    result = served.run("apply", "--resume", "--yes")
    assert result.exit_code == 1
    assert "the run being resumed went to a rehearsal (--simulate)" in result.output
    assert "refusing to resume on other devices" in result.output
    assert served.writes() == before
    dry = served.run("apply", "--resume", "--dry-run")
    assert dry.exit_code == 1 and "refusing to resume" in dry.output


def test_a_resume_aimed_at_another_cluster_reads_every_step_and_converges(
    served: Served, other: Served
) -> None:
    """Two served clusters of the same playbook look alike (same names and identities): the
    resume cannot tell them apart, so it must not trust the journal — and it does not."""
    break_a_run(served, "endpoints", "pool", NAMES[0])
    other.state_dir = served.state_dir  # the journal of the broken run, aimed at `other`
    result = other.run("apply", "--resume", "--yes")
    assert result.exit_code == 0, result.output
    assert other.run("plan", "--detailed-exitcode").exit_code == 0
    assert served.run("apply", "--resume", "--yes").exit_code == 1  # that run is finished
    assert served.run("apply", "--yes").exit_code == 0
    assert served.run("plan", "--detailed-exitcode").exit_code == 0
