"""The published schemas of ``--json`` output, and the error documents: kinds derived from
the error classes, one device when there is one, interrupts as documents too."""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Any

import jsonschema
import pytest
import typer
from typer.testing import CliRunner

import f5ecmp
from f5ecmp.cli import app
from f5ecmp.cli_common import reported
from f5ecmp.client_errors import AuthError, ClientError, DeviceError, UnreachableError
from f5ecmp.connect import ConnectError
from f5ecmp.error_kinds import ALL_KINDS, KINDS, CommandError, class_kind, error_kind
from f5ecmp.errors import F5EcmpError, Issue, PlaybookError
from f5ecmp.json_docs import error_document
from f5ecmp.json_schemas import OUTPUTS, output_schemas
from tests.test_cli import _properties

runner = CliRunner()


@pytest.mark.parametrize("command", OUTPUTS)
def test_each_schema_is_published_valid_and_described(command: str) -> None:
    result = runner.invoke(app, ["schema", "--output", command])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == output_schemas()[command]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"] == f"f5ecmp {command} --json"
    undescribed = [where for where, spec in _properties(schema) if not spec.get("description")]
    assert undescribed == []
    error = {"format_version": 1, "error": {"message": "boom", "kind": "device"}}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(error)) == []
    assert list(jsonschema.Draft202012Validator(schema).iter_errors({"format_version": 1}))


def test_the_default_schema_is_still_the_playbooks() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["title"] == "f5ecmp playbook"
    assert runner.invoke(app, ["schema", "--output", "playbooks"]).exit_code == 64


def _error_classes() -> set[type[F5EcmpError]]:
    for module in pkgutil.walk_packages(f5ecmp.__path__, "f5ecmp."):
        if not module.name.endswith("__main__"):  # that one runs the command
            importlib.import_module(module.name)
    found: set[type[F5EcmpError]] = set()
    todo = [F5EcmpError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_error_class_has_a_kind_of_its_own() -> None:
    generic = {F5EcmpError, ClientError, CommandError}
    missing = [
        c.__name__ for c in _error_classes() - generic if c.__module__.startswith("f5ecmp.")
        and class_kind(c) == "error"
    ]  # fmt: skip
    assert missing == []
    schema_kinds = output_schemas()["plan"]["$defs"]["error"]["properties"]["kind"]["enum"]
    assert schema_kinds == list(ALL_KINDS) and set(KINDS.values()) <= set(ALL_KINDS)


def test_logging_in_failed_the_same_way_everywhere_or_not() -> None:
    auth = {n: AuthError(f"{n}: the device refused the credentials", n) for n in "abc"}
    document = error_document(ConnectError(auth))["error"]
    assert document["kind"] == "auth" and "device" not in document
    assert document["details"] == [str(e) for e in auth.values()]
    assert document["message"] == "a: the device refused the credentials (and 2 more: see details)"
    mixed = ConnectError({"a": auth["a"], "b": UnreachableError("b: no answer", "b")})
    assert error_kind(mixed) == "connect"
    one = error_document(ConnectError({"b": UnreachableError("b: no answer", "b")}))["error"]
    assert one == {"message": "b: no answer", "kind": "unreachable", "device": "b"}


def test_a_device_error_names_its_device_and_a_playbook_error_its_issues() -> None:
    error = DeviceError("bigip-a", "POST", "/mgmt/tm/ltm/pool", 400, "no such monitor")
    assert error_document(error)["error"]["device"] == "bigip-a"
    issues = [Issue("site.yaml", 3, "cluster", "bad"), Issue("site.yaml", 9, "pool", "worse")]
    document = error_document(PlaybookError(issues))["error"]
    assert document["message"] == "2 problems in site.yaml"
    assert [i["line"] for i in document["issues"]] == [3, 9]


def test_a_command_error_keeps_its_kind_and_details() -> None:
    exc = CommandError("no longer holds", "saved-plan", details=("x changed", "y changed"))
    assert error_document(exc)["error"] == {
        "message": "no longer holds", "kind": "saved-plan", "details": ["x changed", "y changed"],
    }  # fmt: skip


def _report(exc: BaseException, as_json: bool) -> None:
    with reported(as_json):
        raise exc


def test_an_interrupt_with_json_is_a_document(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as stopped:
        _report(KeyboardInterrupt(), True)
    assert stopped.value.exit_code == 1
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert document == {
        "format_version": 1, "error": {"message": "interrupted", "kind": "interrupted"}
    }  # fmt: skip
    with pytest.raises(KeyboardInterrupt):  # the text form: the group's handler reports it
        _report(KeyboardInterrupt(), False)


def test_a_failure_as_text_is_the_error_lines_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(typer.Exit):
        _report(CommandError("Apply cancelled.", "declined", plain=True), False)
    assert capsys.readouterr() == ("", "Apply cancelled.\n")
    with pytest.raises(typer.Exit):
        _report(CommandError("gone", "saved-plan", details=("x changed",)), False)
    assert capsys.readouterr().err == "error: x changed\nerror: gone\n"
