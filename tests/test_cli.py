"""The command line: validate, schema, --version, --help, and files that are not playbooks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from f5ecmp import __version__
from f5ecmp.cli import app
from tests.conftest import SEED

runner = CliRunner()


def test_validate_seed_prints_the_summary() -> None:
    result = runner.invoke(app, ["validate", str(SEED)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "is valid: cluster app1-ecmp, 3 devices" in out
    for expected in (
        "bigip-a.example.net  127.0.1.1:8443  traffic-group-1",
        "bigip-c.example.net  127.0.1.3:8443  traffic-group-3",
        "external (tag 10: 1.1), internal (tag 20: 1.2), HA (tag 30: 1.3)",
        "app_vs 30.1.1.10:80 (standard), SNAT automap, connection mirroring",
        "30.1.1.10 on traffic-group-1, spanning on, ARP off",
    ):
        assert expected in out
    assert result.stderr == ""


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    text = SEED.read_text().replace("tag: 20", "tag: 0").replace("mtu: 1500", "mtu: 99999")
    path = tmp_path / "two.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{path}:20: error: vlans.external.mtu: MTU 99999 is out of range 576-9198" in lines
    assert f"{path}:21: error: vlans.internal.tag: tag 0 is out of range 1-4094" in lines
    assert f"error: 2 problems in {path}" in lines
    assert result.stdout == ""


def test_validate_warns_but_passes(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(SEED.read_text().replace("verify: true", "verify: false"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert f"{path}:14: warning: tls.verify: certificate verification is off" in result.stderr


def test_schema_is_json_schema_of_the_playbook() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) >= {"cluster", "vlans", "ntp", "devices", "pool"}
    device = schema["$defs"]["Device"]
    assert device["additionalProperties"] is False
    assert {"name", "mgmt", "static_selfs", "floating_selfs", "traffic_group"} <= set(
        device["required"]
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"f5ecmp {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["schema", "--help"]])
def test_help(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Usage" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.yaml", None, "missing.yaml: error: no such file"),
        ("empty.yaml", b"", "empty.yaml: error: the file is empty: a playbook is a mapping"),
        (
            "binary.yaml",
            bytes(range(256)),
            "binary.yaml: error: is a binary file, not a YAML playbook",
        ),
        ("adir", "dir", "adir: error: is a directory, not a playbook file"),
        ("list.yaml", b"- a\n- b\n", "list.yaml:1: error: a playbook is a mapping of keys"),
    ],
)
def test_not_a_playbook_is_one_line_through_the_real_entry_point(
    tmp_path: Path, name: str, content: bytes | str | None, expected: str
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "f5ecmp", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [f"{tmp_path}/{expected}"]


def test_every_shipped_playbook_is_valid_against_the_schema() -> None:
    import jsonschema
    import yaml

    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    validator = jsonschema.Draft202012Validator(schema)
    playbooks = [SEED, *sorted((Path(__file__).parent / "playbooks" / "valid").glob("*.yaml"))]
    for path in playbooks:
        errors = [
            f"{list(e.path)}: {e.message}"
            for e in validator.iter_errors(yaml.safe_load(path.read_text()))
        ]
        assert errors == [], f"{path.name}: {errors}"


def _properties(node: object, where: str = "") -> list[tuple[str, dict[str, object]]]:
    """Every property of every object in a JSON Schema, with where it is."""
    found: list[tuple[str, dict[str, object]]] = []
    if isinstance(node, dict):
        for name, spec in (node.get("properties") or {}).items():
            found.append((f"{where}.{name}", spec))
        for key, value in node.items():
            found.extend(_properties(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_properties(value, f"{where}[{index}]"))
    return found


def test_every_schema_property_has_a_description() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    properties = _properties(schema)
    assert len(properties) > 80
    undescribed = [where for where, spec in properties if not spec.get("description")]
    assert undescribed == []


def test_the_schema_allows_top_level_x_keys_and_nothing_else_unknown() -> None:
    import jsonschema
    import yaml

    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["additionalProperties"] is False
    assert set(schema["patternProperties"]) == {"^x-"}
    data = yaml.safe_load(SEED.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors({**data, "x-defaults": {"anchor": [1, 2]}})) == []
    assert list(validator.iter_errors({**data, "extra": 1}))
