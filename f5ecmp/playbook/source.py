"""Read a playbook file into plain data, remembering the line of every key.

PyYAML's own loader would do most of this, but it silently keeps the last of two duplicate keys,
forgets where each value came from, and turns unquoted values such as ``1.10`` (an interface
name) into numbers. So the file is *composed* into YAML nodes and converted here:

* every plain scalar stays the text the operator typed (``null``/``~``/empty become ``None``);
  the model coerces text to numbers and booleans where a field asks for one, so ``1.10``
  remains "1.10" and a MAC such as ``02:01:00:00:00:01`` is not read as a base-60 integer;
* duplicate keys, tab indentation and non-scalar keys are reported, all of them at once;
* :class:`LineMap` maps each field path to the line it is written on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from f5ecmp.errors import Issue, PlaybookError

PathPart = str | int
FieldPath = tuple[PathPart, ...]

_NULL_TAG = "tag:yaml.org,2002:null"
_MAX_BYTES = 4 * 1024 * 1024  # a playbook is a few KB; anything this large is the wrong file


def format_path(path: FieldPath) -> str:
    """``("devices", 1, "floating_selfs", "external")`` → ``devices[1].floating_selfs.external``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass
class LineMap:
    """The line (1-based) each field path is written on."""

    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int:
        """The line of ``path``, or of its nearest written ancestor (for a missing key).

        A top-level key that is missing belongs to the file as a whole: line 0.
        """
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 0


@dataclass
class Source:
    """A playbook file read into plain data."""

    path: Path
    data: Any
    lines: LineMap

    @property
    def name(self) -> str:
        return str(self.path)


def read_source(path: Path) -> Source:
    """Read and parse ``path``; raise :class:`PlaybookError` for anything that is not YAML."""
    text = _read_text(path)
    name = str(path)
    tab_issues = _tab_indentation(name, text)
    if tab_issues:
        raise PlaybookError(tab_issues)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise PlaybookError([_yaml_issue(name, exc)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors in practice
        raise PlaybookError([Issue(name, 0, "", f"not valid YAML: {exc}")]) from None
    if node is None:
        raise PlaybookError([Issue(name, 0, "", "the file is empty: a playbook is a mapping")])
    issues: list[Issue] = []
    lines = LineMap()
    data = _convert(node, (), lines, issues, name)
    if issues:
        raise PlaybookError(issues)
    return Source(path=path, data=data, lines=lines)


def _read_text(path: Path) -> str:
    name = str(path)
    if path.is_dir():
        raise PlaybookError([Issue(name, 0, "", "is a directory, not a playbook file")])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlaybookError([Issue(name, 0, "", "no such file")]) from None
    except PermissionError:
        raise PlaybookError([Issue(name, 0, "", "permission denied")]) from None
    except OSError as exc:
        raise PlaybookError([Issue(name, 0, "", f"cannot be read: {exc.strerror}")]) from None
    if len(raw) > _MAX_BYTES:
        raise PlaybookError([Issue(name, 0, "", f"is {len(raw)} bytes: too large for a playbook")])
    if b"\x00" in raw:
        raise PlaybookError([Issue(name, 0, "", "is a binary file, not a YAML playbook")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlaybookError(
            [Issue(name, line, "", "is not UTF-8 text (a binary file?), not a YAML playbook")]
        ) from None
    return text.removeprefix("\ufeff")


def _tab_indentation(name: str, text: str) -> list[Issue]:
    issues = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip() and not line.lstrip().startswith("#"):
            issues.append(
                Issue(name, number, "", "tab character in indentation: YAML indents with spaces")
            )
    return issues


def _yaml_issue(name: str, exc: yaml.MarkedYAMLError) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 0
    problem = exc.problem or "syntax error"
    context = f" ({exc.context})" if exc.context else ""
    return Issue(name, line, "", f"YAML syntax error: {problem}{context}")


def _convert(node: Node, path: FieldPath, lines: LineMap, issues: list[Issue], name: str) -> Any:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        return _convert_mapping(node, path, lines, issues, name)
    if isinstance(node, SequenceNode):
        return [
            _convert(item, (*path, index), lines, issues, name)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, ScalarNode)
    if node.tag == _NULL_TAG:
        return None
    return str(node.value)


def _convert_mapping(
    node: MappingNode, path: FieldPath, lines: LineMap, issues: list[Issue], name: str
) -> dict[str, Any]:
    # Resolve YAML merge keys (``<<: *defaults``) the way PyYAML's own constructor does: the
    # merged pairs come first and keys written in the mapping itself override them.
    written = {id(key) for key, _ in node.value}
    yaml.SafeLoader("").flatten_mapping(node)
    out: dict[str, Any] = {}
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode) or key_node.tag == _NULL_TAG:
            issues.append(Issue(name, key_line, format_path(path), "keys must be plain names"))
            continue
        key = str(key_node.value)
        child = (*path, key)
        if key in first_seen and id(key_node) in written:
            message = f"duplicate key '{key}' (first given on line {first_seen[key]})"
            issues.append(Issue(name, key_line, format_path(child), message))
            continue
        if id(key_node) in written:
            first_seen[key] = key_line
        lines.lines[child] = key_line
        # The key's line (set above) wins over where a nested block starts.
        out[key] = _convert(value_node, child, lines, issues, name)
    return out
