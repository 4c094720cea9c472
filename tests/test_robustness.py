"""No value in any field may crash validation: every leaf of the seed playbook is replaced in
turn by odd values, and loading must either succeed or raise PlaybookError (never anything
else, which the CLI would show as a traceback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from f5ecmp.errors import PlaybookError
from f5ecmp.playbook import load_playbook
from tests.conftest import SEED

ODD_VALUES: tuple[Any, ...] = (
    None,
    "",
    "x",
    "-1",
    "0",
    "99999999999999999999",
    "1.1",
    "::",
    "/Common/",
    [],
    ["a", "b"],
    {},
    {"unexpected": 1},
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    else:
        yield path


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: (_replaced(v, rest, value) if k == head else v) for k, v in data.items()}
    return [(_replaced(v, rest, value) if i == head else v) for i, v in enumerate(data)]


SEED_DATA = yaml.safe_load(SEED.read_text())
LEAVES = list(_leaves(SEED_DATA))


@pytest.mark.parametrize("path", LEAVES, ids=lambda p: ".".join(map(str, p)))
def test_no_value_crashes_validation(path: tuple[Any, ...], tmp_path: Path) -> None:
    target = tmp_path / "p.yaml"
    for value in ODD_VALUES:
        target.write_text(yaml.safe_dump(_replaced(SEED_DATA, path, value)))
        try:
            load_playbook(target)
        except PlaybookError as exc:
            assert exc.issues, "a PlaybookError always names at least one problem"
            assert all("\n" not in str(issue) for issue in exc.issues)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x [*x]\n", "recursive alias"),
        ("a: &x {b: *x}\n", "recursive alias"),
        ("a: {<<: 5}\n", "'<<' merges mappings only"),
        ("a: {<<: null}\n", "'<<' merges mappings only"),
        ("cluster: " + "[" * 800 + "]" * 800 + "\n", "nested"),
        ("cluster: " + "[" * 60 + "]" * 60 + "\n", "nested more than 50 levels"),
        ('cluster: "\\ud800"\n', "not valid text"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
                for i in range(8)
            ),
            "aliases expand to more than",
        ),
    ],
)
def test_hostile_yaml_is_one_clear_problem(text: str, expected: str, tmp_path: Path) -> None:
    target = tmp_path / "p.yaml"
    target.write_text(text)
    with pytest.raises(PlaybookError) as caught:
        load_playbook(target)
    assert any(expected in issue.message for issue in caught.value.issues), caught.value.issues


def test_anchors_and_merge_keys_shared_between_devices_are_not_duplicates(tmp_path: Path) -> None:
    text = SEED.read_text().replace(
        "cluster: app1-ecmp",
        "x-defaults: &creds {username_env: F5_USER}\ncluster: app1-ecmp",
    )
    text = text.replace(
        "    port: 8443\n",
        "    port: 8443\n    credentials: {<<: *creds, password_env: F5_PASSWORD}\n",
    )
    target = tmp_path / "p.yaml"
    target.write_text(text)
    pb = load_playbook(target)
    assert all(
        d.credentials is not None and d.credentials.username_env == "F5_USER" for d in pb.devices
    )
