"""Inputs a pipeline may hand f5ecmp: endpoints files, journals, hostile text, certificates,
and addresses where nothing listens."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from f5ecmp.bigip.cluster import ClusterState, DeviceState
from f5ecmp.cli import app
from f5ecmp.client import Client
from f5ecmp.endpoints import EndpointsError, load
from f5ecmp.journal import Journal, read_run
from f5ecmp.playbook import load_playbook
from f5ecmp.render import error_console, output_console, print_error
from f5ecmp.render_run import print_health
from f5ecmp.simulator import Cluster, Timing
from f5ecmp.simulator.serve import SimServer, serve, write_endpoints_file
from tests.conftest import SEED

PB = load_playbook(SEED)
ENV = {"F5_USER": "admin", "F5_PASSWORD": "In-distinctive-pw"}
runner = CliRunner()


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[tuple[SimServer, Path]]:
    cluster = Cluster.from_devices(
        PB.devices, credentials=(ENV["F5_USER"], ENV["F5_PASSWORD"]), timing=Timing.instant()
    )
    with serve(cluster, ephemeral_ports=True) as served:
        yield served, write_endpoints_file(served.endpoints, tmp_path / "eps.yaml")


def _endpoints(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "eps.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def _devices(url: str = "https://127.0.0.1:8443") -> str:
    return yaml.safe_dump({"devices": {d.name: url for d in PB.devices}})


# -- the endpoints file ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01binary", "is a binary file, not a YAML endpoints file"),
        (b"devices: {a: \xff\xfe}\n", "is not UTF-8 text (a binary file?), not a YAML endpoints file"),
        (b"", "the file is empty: an endpoints file is a mapping"),
        (b"a: &x [*x]\n", "a recursive alias"),
        (b"devices: " + b"[" * 60 + b"]" * 60 + b"\n", "nested more than 50 levels deep: not an endpoints file"),
        (
            b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + b"".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n".encode()
                for i in range(8)
            ),
            "aliases expand to more than 200000 values: not an endpoints file",
        ),
        (b"devices: {}\ndevices: {}\n", "duplicate key 'devices'"),
        (b"x" * (4 * 1024 * 1024 + 1), "is larger than 4194304 bytes: not an endpoints file"),
    ],
)  # fmt: skip
def test_a_hostile_endpoints_file_is_refused_with_the_playbooks_guards(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = _endpoints(tmp_path, content)
    with pytest.raises(EndpointsError) as caught:
        load(path, PB)
    assert expected in str(caught.value) and str(path) in str(caught.value)


def test_an_endpoints_file_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(EndpointsError, match="is a directory, not an endpoints file"):
        load(tmp_path, PB)


def test_a_url_with_credentials_is_refused_without_repeating_them(tmp_path: Path) -> None:
    path = _endpoints(tmp_path, _devices("https://admin:Sup3r-s3cret@127.0.0.1:8443"))
    with pytest.raises(EndpointsError) as caught:
        load(path, PB)
    assert "holds a user name or password" in str(caught.value)
    assert "Sup3r-s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1:8443/mgmt", "https://127.0.0.1:8443/x?y=1", "https://h:443#f"]
)
def test_a_url_with_a_path_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(EndpointsError, match="has a path: give https://host:port only"):
        load(_endpoints(tmp_path, _devices(url)), PB)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8443", "https://:8443", "https://h:0", "https://h:70000"]
)
def test_a_url_that_is_not_https_host_port_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(EndpointsError, match="is not an https://host:port URL"):
        load(_endpoints(tmp_path, _devices(url)), PB)


def test_plain_urls_and_devices_the_playbook_does_not_name_are_kept(tmp_path: Path) -> None:
    data = yaml.safe_load(_devices("https://127.0.0.1:8443/"))
    data["devices"]["bigip-d.example.net"] = "https://[::1]:9443"
    endpoints = load(_endpoints(tmp_path, yaml.safe_dump(data)), PB)
    assert endpoints.devices["bigip-a.example.net"].port == 8443
    assert endpoints.others["bigip-d.example.net"].host == "::1"


def test_a_bad_endpoints_file_through_the_command(tmp_path: Path) -> None:
    path = _endpoints(tmp_path, b"\x00binary")
    result = runner.invoke(app, ["plan", str(SEED), "--endpoints", str(path)], env=ENV)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {path}: is a binary file, not a YAML endpoints file"
    ]


# -- journals with records missing fields ---------------------------------------------------


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ({"type": "step-done", "device": "a", "changes": []}, "a step-done record without 'step'"),
        ({"type": "step-failed", "step": "vlans", "device": "a"}, "without 'error'"),
        ({"type": "step-start", "step": 3, "device": "a"}, "whose 'step' is not text"),
        ({"type": "step-done", "step": "v", "device": "a", "changes": 5}, "is not a list"),
        ({"type": "run-end"}, "a run-end record without 'ok'"),
        ({"type": 7}, "not a journal record"),
    ],
)
def test_a_record_missing_fields_is_read_as_corrupt(
    tmp_path: Path, record: dict[str, Any], why: str
) -> None:
    journal = Journal.start(tmp_path, "app1-ecmp", playbook="p", fingerprint="f")
    journal.step_started("vlans", "a")
    journal.close()
    with journal.path.open("a") as handle:
        handle.write(json.dumps(record) + "\n")
    run = read_run(journal.path)
    assert len(run.records) == 2
    assert run.problem is not None
    assert "line 3 is corrupt (" in run.problem and why in run.problem


def test_history_and_resume_report_a_record_missing_fields(tmp_path: Path) -> None:
    playbook = tmp_path / "site.yaml"
    playbook.write_text(SEED.read_text())
    state = tmp_path / ".f5ecmp"
    target = {"kind": "rehearsal", "devices": {}}
    journal = Journal.start(state, "app1-ecmp", playbook="p", fingerprint="f" * 64, target=target)
    journal.step_started("vlans", "bigip-a.example.net")
    journal.write("step-failed", device="bigip-a.example.net", error="boom")  # no step
    journal.close()
    history = runner.invoke(app, ["history", str(playbook)])
    assert history.exit_code == 0, history.output
    assert "line 3 is corrupt (a step-failed record without 'step')" in history.stdout
    resumed = runner.invoke(
        app, ["apply", str(playbook), "--simulate", "--yes", "--resume"], env=ENV
    )
    assert resumed.exit_code == 0, resumed.output
    assert "Traceback" not in resumed.output and "KeyError" not in resumed.output
    assert "warning: " in resumed.stderr and "line 3 is corrupt (a step-failed" in resumed.stderr


# -- text that would act on the terminal ----------------------------------------------------


def test_control_characters_and_markup_in_a_playbook_are_shown_not_acted_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(SEED.read_text().replace("name: external,", 'name: "ext\\e[2J[red]x",', 1))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "'ext\\x1b[2J[red]x' is not a valid BIG-IP object name" in result.stderr


def test_a_devices_answer_is_escaped_in_the_plan(
    sim: tuple[SimServer, Path], tmp_path: Path
) -> None:
    served, eps = sim
    playbook = tmp_path / "site.yaml"
    playbook.write_text(
        SEED.read_text().replace(
            "pool: {name: app_pool,", "pool: {name: app_pool, description: ok,"
        )
    )
    assert (
        runner.invoke(
            app, ["apply", str(playbook), "--endpoints", str(eps), "--yes"], env=ENV
        ).exit_code
        == 0
    )
    hostile = "\x1b[2J\x1b]0;owned\x07[red]x[/] \u202e"
    url = served.devices["bigip-a.example.net"]
    host, port = url.removeprefix("https://").rsplit(":", 1)
    client = Client("bigip-a.example.net", host, int(port), ENV["F5_USER"], ENV["F5_PASSWORD"],
                    verify=str(served.ca_bundle))  # fmt: skip
    client.connect()
    client.patch("/mgmt/tm/ltm/pool/~Common~app_pool", {"description": hostile})
    client.close()
    plan = runner.invoke(app, ["plan", str(playbook), "--endpoints", str(eps)], env=ENV)
    assert plan.exit_code == 0, plan.output
    assert "\x1b" not in plan.output and "\x07" not in plan.output and "\u202e" not in plan.output
    assert "\\x1b[2J\\x1b]0;owned\\x07[red]x[/] \\u202e" in plan.stdout


def test_an_error_message_with_markup_and_escapes_is_printed_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_error(error_console(), "device said \x1b[2J[bold red]boom[/] [/unbalanced]")
    err = capsys.readouterr().err
    assert err == "error: device said \\x1b[2J[bold red]boom[/] [/unbalanced]\n"


def test_status_tables_escape_device_answers(capsys: pytest.CaptureFixture[str]) -> None:
    device = DeviceState("bigip-a", True, "16.1.3", "\x1b[31mIn Sync[/]", "ACTIVE", "on", "off")
    health = ClusterState(devices=[device], groups=[])
    print_health(output_console(), health)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[31mIn Sync[/]" in out


# -- certificates and connections -----------------------------------------------------------


def test_a_certificate_that_does_not_verify_names_the_url_and_hints(
    sim: tuple[SimServer, Path], tmp_path: Path
) -> None:
    _served, eps = sim
    with serve(Cluster.from_count(1), ephemeral_ports=True) as other:
        wrong = tmp_path / "other-ca.pem"
        wrong.write_bytes(Path(other.ca_bundle).read_bytes())
    result = runner.invoke(
        app, ["plan", str(SEED), "--endpoints", str(eps), "--ca-bundle", str(wrong)], env=ENV
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 4, lines
    assert all(
        "TLS with https://127.0.1." in line and f"certificate verify failed (checked against CA bundle {wrong})" in line
        for line in lines[:3]
    )  # fmt: skip
    assert lines[3].startswith("hint: ") and "--ca-bundle" in lines[3] and "--endpoints" in lines[3]


@pytest.mark.parametrize("content", [b"garbage\n", b"", bytes(range(256))])
def test_a_garbage_ca_bundle_is_one_line_naming_the_file(
    sim: tuple[SimServer, Path], tmp_path: Path, content: bytes
) -> None:
    _served, eps = sim
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(content)
    result = runner.invoke(
        app, ["plan", str(SEED), "--endpoints", str(eps), "--ca-bundle", str(bundle)], env=ENV
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: CA bundle {bundle} is not a PEM file of CA certificates (no PEM certificate in it)"
    ]


def _refusing_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])  # closed on return: connections are refused


def test_a_refused_connection_is_reported_within_the_connect_timeout(tmp_path: Path) -> None:
    eps = _endpoints(tmp_path, _devices(f"https://127.0.0.1:{_refusing_port()}"))
    started = time.monotonic()
    result = runner.invoke(app, ["plan", str(SEED), "--endpoints", str(eps)], env=ENV)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert elapsed < 5, elapsed  # the default connect timeout
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and all("(connection refused)" in line for line in lines)
    assert all("after 3 attempts" in line for line in lines)


def test_the_default_connect_timeout_is_five_seconds() -> None:
    result = runner.invoke(app, ["plan", "--help"], env={"COLUMNS": "250"})
    [line] = [line for line in result.stdout.splitlines() if "--connect-timeout" in line]
    assert "[default: 5.0]" in line
