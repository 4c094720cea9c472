"""Reading a playbook file: line numbers, duplicate keys, tabs, files that are not YAML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from f5ecmp.errors import PlaybookError
from f5ecmp.playbook.source import format_path, read_source


def test_lines_are_recorded_for_every_key(write_playbook: Callable[[str], Path]) -> None:
    path = write_playbook("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n")
    source = read_source(path)
    assert source.data == {"a": "1", "b": {"c": ["x", "y"], "d": [{"e": "2"}]}}
    assert source.lines.line_of(("a",)) == 1
    assert source.lines.line_of(("b", "c")) == 3
    assert source.lines.line_of(("b", "d", 0, "e")) == 5
    # a key that is not there is placed on its nearest written ancestor
    assert source.lines.line_of(("b", "d", 0, "missing")) == 5


def test_unquoted_values_keep_the_text_typed(write_playbook: Callable[[str], Path]) -> None:
    # YAML 1.1 would read 1.10 as the float 1.1 and 02:01:00:00:00:01 as a base-60 integer.
    source = read_source(write_playbook("iface: 1.10\nmac: 02:01:00:00:00:01\nnone: ~\n"))
    assert source.data == {"iface": "1.10", "mac": "02:01:00:00:00:01", "none": None}


def test_every_duplicate_key_is_reported(write_playbook: Callable[[str], Path]) -> None:
    path = write_playbook("a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\n")
    with pytest.raises(PlaybookError) as caught:
        read_source(path)
    issues = caught.value.issues
    assert [(i.line, i.path) for i in issues] == [(3, "a"), (6, "c.x")]
    assert "duplicate key 'a' (first given on line 1)" in issues[0].message


def test_tab_indentation_names_each_line(write_playbook: Callable[[str], Path]) -> None:
    path = write_playbook("a:\n\tb: 1\nc:\n  d: 2\n\te: 3\n")
    with pytest.raises(PlaybookError) as caught:
        read_source(path)
    assert [i.line for i in caught.value.issues] == [2, 5]
    assert all("tab character" in i.message for i in caught.value.issues)


def test_syntax_error_has_its_line(write_playbook: Callable[[str], Path]) -> None:
    with pytest.raises(PlaybookError) as caught:
        read_source(write_playbook("a: 1\nb: [1, 2\nc: 3\n"))
    (issue,) = caught.value.issues
    assert issue.line == 3
    assert issue.message.startswith("YAML syntax error")


def test_merge_keys_are_resolved(write_playbook: Callable[[str], Path]) -> None:
    source = read_source(write_playbook("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n"))
    assert source.data["thing"] == {"x": "1", "y": "3"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b"", "the file is empty"),
        (b"# only a comment\n", "the file is empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00", "binary file"),
        (b"a: \xff\xfe\n", "not UTF-8"),
    ],
)
def test_files_that_are_not_playbooks(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "p.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PlaybookError) as caught:
        read_source(path)
    (issue,) = caught.value.issues
    assert expected in issue.message
    assert "\n" not in str(issue)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="is a directory"):
        read_source(tmp_path)


def test_format_path() -> None:
    assert format_path(("devices", 1, "floating_selfs", "external")) == (
        "devices[1].floating_selfs.external"
    )
    assert format_path(()) == ""
