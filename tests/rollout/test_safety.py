"""What must stop a rollout before its first write, secrets, the lock, and a flaky network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from f5ecmp.cli import app
from f5ecmp.client import RetryPolicy
from f5ecmp.connect import ConnectError, IdentityError
from f5ecmp.journal import cluster_lock
from f5ecmp.playbook import load_playbook
from f5ecmp.session import Settings, open_session
from f5ecmp.simulator import Cluster, Timing, serve
from tests.conftest import SEED
from tests.rollout.conftest import QUICK_RETRY, QUICK_TIMEOUTS, Rig

PB = load_playbook(SEED)
GOOD = {"F5_USER": "admin", "F5_PASSWORD": "right-pw"}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """The seed devices served on free loopback ports, and their endpoints file."""
    cluster = Cluster.from_devices(
        PB.devices, credentials=("admin", "right-pw"), timing=Timing.instant()
    )
    with serve(cluster, ephemeral_ports=True) as sim:
        path = tmp_path / "eps.yaml"
        path.write_text(
            yaml.safe_dump({"ca_bundle": str(sim.ca_bundle), "devices": dict(sim.devices)})
        )
        yield sim, path


def _session(eps: Path, env: dict[str, str], **settings: Any) -> Any:
    return open_session(
        PB,
        Settings(endpoints_file=eps, retry=QUICK_RETRY, timeouts=QUICK_TIMEOUTS, **settings),
        environ=env,
    )


def test_wrong_password_is_one_line_per_device_and_no_write(served: tuple[Any, Path]) -> None:
    sim, eps = served
    with pytest.raises(ConnectError) as caught, _session(eps, {**GOOD, "F5_PASSWORD": "wrong"}):
        pass
    lines = str(caught.value).splitlines()
    assert len(lines) == 3 and all("refused the credentials" in line for line in lines)
    assert "wrong" not in str(caught.value)
    assert sim.stats()["total"]["writes"] == 0


def test_an_unreachable_device_is_named(served: tuple[Any, Path]) -> None:
    sim, eps = served
    sim.set_down("bigip-b.example.net")
    with (
        pytest.raises(ConnectError, match=r"bigip-b\.example\.net: .*no answer"),
        _session(eps, GOOD),
    ):
        pass
    assert sim.stats()["total"]["writes"] == 0


def test_a_certificate_that_does_not_verify(served: tuple[Any, Path], tmp_path: Path) -> None:
    other_ca = tmp_path / "other-ca.pem"
    with serve(Cluster.from_count(1), ephemeral_ports=True) as other:
        other_ca.write_bytes(Path(other.ca_bundle).read_bytes())
    with (
        pytest.raises(ConnectError, match="certificate verify failed"),
        _session(served[1], GOOD, ca_bundle=str(other_ca)),
    ):
        pass


def test_the_wrong_device_at_an_address_stops_before_any_write(
    served: tuple[Any, Path], tmp_path: Path
) -> None:
    sim, eps = served
    swapped = yaml.safe_load(eps.read_text())
    devices = swapped["devices"]
    devices["bigip-b.example.net"], devices["bigip-c.example.net"] = (
        devices["bigip-c.example.net"], devices["bigip-b.example.net"],
    )  # fmt: skip
    eps.write_text(yaml.safe_dump(swapped))
    with pytest.raises(IdentityError) as caught, _session(eps, GOOD):
        pass
    assert (
        "is device bigip-c.example.net, but the playbook expects bigip-b.example.net there"
        in str(caught.value)
    )
    assert sim.stats()["total"]["writes"] == 0


def test_mismatched_versions_stop_before_any_write(tmp_path: Path) -> None:
    new = Cluster.from_devices(PB.devices[:2], credentials=("admin", "right-pw"))
    old = Cluster.from_devices(PB.devices[2:], credentials=("admin", "right-pw"), version="15.1.8")
    with serve(new, ephemeral_ports=True) as a, serve(old, ephemeral_ports=True) as b:
        bundle = tmp_path / "both.pem"
        bundle.write_bytes(Path(a.ca_bundle).read_bytes() + Path(b.ca_bundle).read_bytes())
        eps = tmp_path / "eps.yaml"
        eps.write_text(
            yaml.safe_dump({"ca_bundle": str(bundle), "devices": {**a.devices, **b.devices}})
        )
        with (
            pytest.raises(IdentityError, match=r"different versions .*bigip-c.example.net 15.1.8"),
            _session(eps, GOOD),
        ):
            pass
        assert a.stats()["total"]["writes"] == b.stats()["total"]["writes"] == 0


def test_transient_faults_everywhere_are_retried_to_success(rig: Rig) -> None:
    rig.sim.faults("*", error_rate=0.1, drop_rate=0.05, token_ttl_s=1, seed=7)
    for client in rig.session.clients.values():
        client.retry = RetryPolicy(
            attempts=8, total_s=30, initial_s=0.001, max_wait_s=0.002, jitter_s=0
        )
    result = rig.apply()
    assert result.ok, (result.failed, result.verification)
    assert sum(c.counters.retries for c in rig.session.clients.values()) > 0


runner = CliRunner()
SECRET = "Zq9-distinctive-Pa55word"


def test_apply_and_plan_through_the_cli(tmp_path: Path) -> None:
    playbook = tmp_path / "site.yaml"
    playbook.write_text(SEED.read_text())
    env = {"F5_USER": "admin", "F5_PASSWORD": SECRET}
    plan = runner.invoke(app, ["plan", str(playbook), "--simulate", "--detailed-exitcode"], env=env)
    assert plan.exit_code == 2, plan.output
    assert "+ create VLAN external" in plan.stdout
    applied = runner.invoke(app, ["apply", str(playbook), "--simulate", "--yes", "--json"], env=env)
    assert applied.exit_code == 0, applied.output
    document = json.loads(applied.stdout)
    assert document["ok"] is True and document["verification"] == []
    journal = next((tmp_path / ".f5ecmp" / "app1-ecmp" / "runs").glob("*.jsonl")).read_text()
    for text in (plan.stdout, plan.stderr, applied.stdout, applied.stderr, journal):
        assert SECRET not in text
    assert '"password": "********"' in journal  # the add-to-trust bodies, masked
    history = runner.invoke(app, ["history", str(playbook)])
    assert history.exit_code == 0 and "ok" in history.stdout


def test_apply_without_a_terminal_needs_yes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["apply", str(SEED), "--simulate"])
    assert result.exit_code == 1
    assert "pass --yes" in result.stderr


def test_a_second_concurrent_apply_is_refused(tmp_path: Path) -> None:
    playbook = tmp_path / "site.yaml"
    playbook.write_text(SEED.read_text())
    with cluster_lock(tmp_path / ".f5ecmp", "app1-ecmp"):
        result = runner.invoke(app, ["apply", str(playbook), "--simulate", "--yes"])
    assert result.exit_code == 1
    assert "another apply of this cluster is running" in result.stderr


def test_apply_then_plan_over_endpoints_leaves_the_write_counter_still(
    served: tuple[Any, Path], tmp_path: Path
) -> None:
    sim, eps = served
    playbook = tmp_path / "site.yaml"
    playbook.write_text(SEED.read_text())
    applied = runner.invoke(
        app, ["apply", str(playbook), "--endpoints", str(eps), "--yes"], env=GOOD
    )
    assert applied.exit_code == 0, applied.output
    assert "Verified:" in applied.stdout
    writes = sim.stats()["total"]["writes"]
    plan = runner.invoke(
        app, ["plan", str(playbook), "--endpoints", str(eps), "--detailed-exitcode"], env=GOOD
    )
    assert plan.exit_code == 0, plan.output
    assert "No changes" in plan.stdout
    assert sim.stats()["total"]["writes"] == writes
    healthy = runner.invoke(app, ["status", str(playbook), "--endpoints", str(eps)], env=GOOD)
    assert healthy.exit_code == 0 and "Healthy." in healthy.stdout


def test_status_reports_an_unreachable_device_instead_of_failing(served: tuple[Any, Path]) -> None:
    sim, eps = served
    sim.set_down("bigip-c.example.net")
    result = runner.invoke(
        app,
        [
            "status",
            str(SEED),
            "--endpoints",
            str(eps),
            "--attempts",
            "1",
            "--connect-timeout",
            "0.5",
            "--read-timeout",
            "2",
        ],
        env=GOOD,
    )
    assert result.exit_code == 1
    assert "bigip-c.example.net: unreachable" in result.stdout
    assert "bigip-a.example.net │ yes" in result.stdout


def test_status_works_on_mixed_versions_with_a_warning_per_device(tmp_path: Path) -> None:
    new = Cluster.from_devices(PB.devices[:2], credentials=("admin", "right-pw"))
    old = Cluster.from_devices(PB.devices[2:], credentials=("admin", "right-pw"), version="15.1.8")
    with serve(new, ephemeral_ports=True) as a, serve(old, ephemeral_ports=True) as b:
        bundle = tmp_path / "both.pem"
        bundle.write_bytes(Path(a.ca_bundle).read_bytes() + Path(b.ca_bundle).read_bytes())
        eps = tmp_path / "eps.yaml"
        eps.write_text(
            yaml.safe_dump({"ca_bundle": str(bundle), "devices": {**a.devices, **b.devices}})
        )
        result = runner.invoke(app, ["status", str(SEED), "--endpoints", str(eps)], env=GOOD)
        as_json = runner.invoke(
            app, ["status", str(SEED), "--endpoints", str(eps), "--json"], env=GOOD
        )
        plan = runner.invoke(app, ["plan", str(SEED), "--endpoints", str(eps)], env=GOOD)
    assert result.exit_code == 1, result.output  # a fresh cluster is not healthy
    assert "Devices" in result.stdout and "15.1.8" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: bigip-c.example.net runs TMOS 15.1.8, the others 16.1.3: device trust needs "
        "one version, so plan and apply refuse until they match"
    ]
    assert json.loads(as_json.stdout)["warnings"] == [warnings[0].removeprefix("warning: ")]
    assert plan.exit_code == 1 and "different versions" in plan.stderr
