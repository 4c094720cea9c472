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
