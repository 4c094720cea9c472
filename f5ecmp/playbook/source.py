"""Read a playbook file into plain data, remembering the line of every key.

PyYAML's own loader would do most of this, but it silently keeps the last of two duplicate keys,
forgets where each value came from, and turns unquoted values such as ``1.10`` (an interface
name) into numbers. So the file is *composed* into YAML nodes and converted here:

* every plain scalar stays the text the operator typed (``null``/``~``/empty become ``None``);
  the model coerces text to numbers and booleans where a field asks for one, so ``1.10``
  remains "1.10" and a MAC such as ``02:01:00:00:00:01`` is not read as a base-60 integer;
* duplicate keys, tab indentation and non-scalar keys are reported, all of them at once;
* :class:`LineMap` maps each field path to the line it is written on.

The same guards (size, binary or non-UTF-8 input, alias bombs, recursive aliases, nesting
depth) protect every YAML file f5ecmp reads: the endpoints file is read here too, as another
``kind`` of file.
"""

from __future__ import annotations

import codecs
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

        A top-level key that is missing is reported on line 1.
        """
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


@dataclass
class Source:
    """A playbook file read into plain data."""

    path: Path
    data: Any
    lines: LineMap

    @property
    def name(self) -> str:
        return str(self.path)


def read_source(path: Path, kind: str = "playbook") -> Source:
    """Read and parse ``path``; raise :class:`PlaybookError` for anything that is not YAML.
    ``kind`` names the file in the messages ("playbook", "endpoints file")."""
    text = _read_text(path, kind)
    name = str(path)
    tab_issues = _tab_indentation(name, text)
    if tab_issues:
        raise PlaybookError(tab_issues)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        raise PlaybookError([_yaml_issue(name, exc)]) from None
    except (yaml.YAMLError, RecursionError) as exc:
        message = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise PlaybookError([Issue(name, 0, "", f"not a usable YAML {kind}: {message}")]) from None
    if node is None:
        raise PlaybookError([Issue(name, 0, "", f"the file is empty: {_a(kind)} is a mapping")])
    converter = _Converter(name, kind)
    data = converter.convert(node, ())
    if converter.issues:
        raise PlaybookError(converter.issues)
    return Source(path=path, data=data, lines=converter.lines)


def _compose(text: str) -> Node | None:
    """The YAML node tree of ``text``: libyaml's parser when it can be used (a tenth of the
    time on a 5,000-member pool), else PyYAML's own, which also reads any text libyaml
    refuses, so that every message about a broken file is PyYAML's whichever parser ran."""
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _fast_loader() -> Any:
    """libyaml's loader, if PyYAML was built with it and it refuses absurd nesting (it then
    never nests deeper than 1,000 levels, which its composer, written in C, relies on)."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        yaml.compose("[" * 1100 + "]" * 1100, Loader=loader)
    except yaml.YAMLError:
        return loader
    return None


_FAST_LOADER = _fast_loader()


def _a(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _read_text(path: Path, kind: str) -> str:
    name = str(path)
    if path.is_dir():
        what = kind if kind.endswith(" file") else f"{kind} file"
        raise PlaybookError([Issue(name, 0, "", f"is a directory, not {_a(what)}")])
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_BYTES + 1)  # never read a device file such as /dev/zero whole
    except FileNotFoundError:
        raise PlaybookError([Issue(name, 0, "", "no such file")]) from None
    except PermissionError:
        raise PlaybookError([Issue(name, 0, "", "permission denied")]) from None
    except OSError as exc:
        raise PlaybookError([Issue(name, 0, "", f"cannot be read: {exc.strerror}")]) from None
    if len(raw) > _MAX_BYTES:
        raise PlaybookError(
            [Issue(name, 0, "", f"is larger than {_MAX_BYTES} bytes: not {_a(kind)}")]
        )
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError:
                break
    if b"\x00" in raw:
        raise PlaybookError([Issue(name, 0, "", f"is a binary file, not a YAML {kind}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlaybookError(
            [Issue(name, line, "", f"is not UTF-8 text (a binary file?), not a YAML {kind}")]
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
    started = ""
    if exc.context_mark is not None and exc.problem_mark is not None:
        begun = exc.context_mark.line + 1
        if begun != line:
            started = f"; it began on line {begun} (an unclosed quote or bracket there?)"
    return Issue(name, line, "", f"YAML syntax error: {problem}{context}{started}")


class _Converter:
    """YAML nodes → plain data, with every field path's line.

    Aliases are followed, but a value that contains itself, a file that expands to more than
    ``MAX_VALUES`` values (an "alias bomb") or nests deeper than ``MAX_DEPTH`` is refused.
    """

    MAX_VALUES = 200_000
    MAX_DEPTH = 50

    def __init__(self, name: str, kind: str = "playbook") -> None:
        self.name, self.kind = name, kind
        self.lines = LineMap()
        self.issues: list[Issue] = []
        self._values = 0
        self._open: set[int] = set()

    def _fail(self, node: Node, message: str) -> None:
        raise PlaybookError([Issue(self.name, node.start_mark.line + 1, "", message)])

    def convert(self, node: Node, path: FieldPath) -> Any:
        self._values += 1
        if self._values > self.MAX_VALUES:
            self._fail(
                node, f"aliases expand to more than {self.MAX_VALUES} values: not {_a(self.kind)}"
            )
        if len(path) > self.MAX_DEPTH:
            self._fail(node, f"nested more than {self.MAX_DEPTH} levels deep: not {_a(self.kind)}")
        if id(node) in self._open:
            self._fail(node, "an alias refers to a value that contains it (a recursive alias)")
        self.lines.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self._open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            return self._mapping(node, path)
        finally:
            self._open.discard(id(node))

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag == _NULL_TAG:
            return None
        text = str(node.value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self._fail(node, "a value holds a character that is not valid text (a lone surrogate)")
        return text

    def _pairs(self, node: MappingNode) -> list[tuple[Node, Node, bool]]:
        """The mapping's pairs with merge keys (``<<: *defaults``) resolved, without changing
        the node (aliased nodes are shared): merged pairs first, each flagged as merged, then
        the pairs written here, which override them."""
        merged: list[tuple[Node, Node, bool]] = []
        written: list[tuple[Node, Node, bool]] = []
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag == "tag:yaml.org,2002:merge":
                sources = value.value if isinstance(value, SequenceNode) else [value]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        self._fail(
                            key, "'<<' merges mappings only: give it a mapping or an alias of one"
                        )
                    if id(source) in self._open:
                        self._fail(
                            key, "an alias refers to a value that contains it (a recursive alias)"
                        )
                    self._open.add(id(source))
                    try:
                        merged.extend((k, v, True) for k, v, _ in self._pairs(source))
                    finally:
                        self._open.discard(id(source))
            else:
                written.append((key, value, False))
        return merged + written

    def _mapping(self, node: MappingNode, path: FieldPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node, merged in self._pairs(node):
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode) or key_node.tag == _NULL_TAG:
                self.issues.append(
                    Issue(self.name, key_line, format_path(path), "keys must be plain names")
                )
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in first_seen and not merged:
                message = f"duplicate key '{key}' (first given on line {first_seen[key]})"
                self.issues.append(Issue(self.name, key_line, format_path(child), message))
                continue
            if not merged:
                first_seen[key] = key_line
            self.lines.lines[child] = key_line
            # The key's line (set above) wins over where a nested block starts.
            out[key] = self.convert(value_node, child)
        return out
