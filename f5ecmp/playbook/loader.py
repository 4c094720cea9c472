"""Load a playbook: read the YAML, validate its structure, then check it as a whole.

Every problem is collected and reported at once, each with the file, line and field path. The
structural pass (types, required and unknown keys) reports everything it finds; the cross-field
checks need a structurally sound playbook, so they run once the structure is clean.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from f5ecmp.errors import Issue, PlaybookError
from f5ecmp.playbook.checks import CHECKS, check_playbook, check_secrets, playbook_warnings
from f5ecmp.playbook.model import Playbook
from f5ecmp.playbook.source import FieldPath, Source, format_path, read_source
from f5ecmp.playbook.types import clip


def load_playbook(path: str | Path) -> Playbook:
    """Read, validate and check a playbook; raise :class:`PlaybookError` listing every problem."""
    return load_with_warnings(path)[0]


def load_with_warnings(path: str | Path) -> tuple[Playbook, list[Issue]]:
    """As :func:`load_playbook`, with the warnings (things BIG-IP accepts but that are probably
    not meant) located like errors."""
    source = read_source(Path(path))
    playbook = validate_source(source)
    warnings = [_issue(source, p, message) for p, message in playbook_warnings(playbook)]
    return playbook, warnings


def validate_source(source: Source) -> Playbook:
    issues: list[Issue] = []
    if not isinstance(source.data, dict):
        line = source.lines.lines.get((), 1)
        raise PlaybookError([Issue(source.name, line, "", "a playbook is a mapping of keys")])
    # Top-level keys starting with "x-" are the operator's own (YAML anchors to reuse, notes).
    data = {k: v for k, v in source.data.items() if not str(k).startswith("x-")}
    secrets = dict(check_secrets(data))
    issues.extend(_issue(source, path, message) for path, message in secrets.items())
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        described = _without_echoes(_without_suggested([_describe(e) for e in exc.errors()]))
        # a password key is also an unknown key: say it once, as the secret it is
        issues.extend(_issue(source, *d) for d in described if d[0] not in secrets)
        findings, complete = _checks_on_valid_sections(data)
        issues.extend(_issue(source, path, message) for path, message in findings)
        raise PlaybookError(_unique(issues), structural=not complete) from None
    issues.extend(_issue(source, path, message) for path, message in check_playbook(playbook))
    if issues:
        raise PlaybookError(_unique(issues))
    return playbook


def _checks_on_valid_sections(data: dict[str, Any]) -> tuple[list[tuple[FieldPath, str]], bool]:
    """The checks across fields that the well-formed sections allow, so that one malformed
    value does not hide the rest: each top-level section is validated on its own, and a check
    runs only when every section it reads is valid. Returns the findings and whether every
    check could run."""
    valid: dict[str, Any] = {}
    for name, field in Playbook.model_fields.items():
        if name not in data:
            if not field.is_required():
                valid[name] = field.get_default(call_default_factory=True)
            continue
        annotation: Any = field.annotation
        if field.metadata:
            annotation = Annotated[(annotation, *field.metadata)]
        try:
            valid[name] = TypeAdapter(annotation).validate_python(data[name])
        except ValidationError:
            continue
    partial = Playbook.model_construct(**valid)
    findings: list[tuple[FieldPath, str]] = []
    complete = True
    for check in CHECKS:
        try:
            findings.extend(check(partial))
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            complete = False  # it needs a section that is not well-formed yet
    return findings, complete


def _issue(source: Source, path: FieldPath, message: str) -> Issue:
    path = _as_written(source, path)
    return Issue(source.name, source.lines.line_of(path), format_path(path), message)


def _as_written(source: Source, path: FieldPath) -> FieldPath:
    """Name a value the way the operator wrote it: a self IP given as ``20.1.1.6/24`` rather
    than ``{address: ...}`` is reported at ``...external``, not ``...external.address``."""
    if len(path) < 2 or path in source.lines.lines:
        return path
    parent: Any = source.data
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return path
    return path[:-1] if isinstance(parent, str) else path


def _unique(issues: list[Issue]) -> list[Issue]:
    return sorted(set(issues))


def _describe(error: ErrorDetails) -> tuple[FieldPath, str]:
    """Turn one pydantic error into (field path, message for an operator)."""
    loc: FieldPath = tuple(part for part in error["loc"] if isinstance(part, str | int))
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return loc, "required key is missing"
    if kind == "extra_forbidden":
        return loc, _unknown_key(loc)
    if kind == "value_error":
        return loc, str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return loc, _not_one_of(value, str(ctx.get("expected", "")))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return loc, f"{_show(value)} is not a whole number"
    if kind in ("bool_parsing", "bool_type"):
        return loc, f"{_show(value)} is not true or false"
    if kind in ("string_type",):
        return loc, f"expected text, got {_kind_of(value)}"
    if kind in ("list_type", "tuple_type"):
        return loc, f"expected a list, got {_kind_of(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return loc, f"expected a mapping of keys, got {_kind_of(value)}"
    if kind == "too_short":
        return loc, f"needs at least {ctx.get('min_length', 1)} item(s)"
    if kind == "greater_than_equal":
        return loc, f"{_show(value)} is less than {ctx.get('ge')}"
    return loc, str(error["msg"])


def _without_echoes(found: list[tuple[FieldPath, str]]) -> list[tuple[FieldPath, str]]:
    """Drop "needs at least N items" for a list whose items were themselves reported:
    pydantic counts an invalid item as missing, which would blame a list that is not short."""
    paths = [path for path, _ in found]

    def echoed(path: FieldPath, message: str) -> bool:
        return message.startswith("needs at least") and any(
            p[: len(path)] == path and len(p) > len(path) for p in paths
        )

    return [(path, message) for path, message in found if not echoed(path, message)]


def _without_suggested(found: list[tuple[FieldPath, str]]) -> list[tuple[FieldPath, str]]:
    """Drop "required key is missing" for a key that an unknown key's "did you mean" names:
    ``nam: x`` is one typo, not a typo and a missing ``name``."""
    suggested = {
        (*path[:-1], message.split("did you mean '", 1)[1].split("'", 1)[0])
        for path, message in found
        if "did you mean '" in message
    }
    return [(p, m) for p, m in found if not (m == "required key is missing" and p in suggested)]


def _not_one_of(value: Any, expected: str) -> str:
    choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
    message = f"{_show(value)} is not one of: {', '.join(choices)}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value.lower().replace("_", "-"), choices, n=1, cutoff=0.6)
        if close:
            return f"{_show(value)} is not one of BIG-IP's values (did you mean '{close[0]}'?)"
    return message


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return _kind_of(value)
    return f"'{clip(str(value))}'"


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{clip(str(value))}'"


def _unknown_key(loc: FieldPath) -> str:
    key = str(loc[-1])
    model = _model_at(Playbook, loc[:-1])
    message = f"unknown key '{key}'"
    if model is None:
        return message
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if not close:
        close = [name for name in allowed if key in name or name in key][:1]
    if close:
        return f"{message} (did you mean '{close[0]}'?)"
    return f"{message} (known keys: {', '.join(allowed)})"


def _model_at(model: type[BaseModel], path: FieldPath) -> type[BaseModel] | None:
    """The model class that describes the mapping at ``path`` (for "did you mean")."""
    annotation: Any = model
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
            annotation = args[0] if args else None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            annotation = field.annotation if field else None
        else:
            return None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` so the model or container underneath shows."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else args[0]
        else:
            return annotation
