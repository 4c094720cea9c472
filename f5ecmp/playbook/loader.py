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
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from f5ecmp.errors import Issue, PlaybookError
from f5ecmp.playbook.checks import check_playbook, check_secrets
from f5ecmp.playbook.model import Playbook
from f5ecmp.playbook.source import FieldPath, Source, format_path, read_source


def load_playbook(path: str | Path) -> Playbook:
    """Read, validate and check a playbook; raise :class:`PlaybookError` listing every problem."""
    source = read_source(Path(path))
    return validate_source(source)


def validate_source(source: Source) -> Playbook:
    issues: list[Issue] = []
    if not isinstance(source.data, dict):
        line = source.lines.lines.get((), 1)
        raise PlaybookError([Issue(source.name, line, "", "a playbook is a mapping of keys")])
    secrets = dict(check_secrets(source.data))
    issues.extend(_issue(source, path, message) for path, message in secrets.items())
    try:
        playbook = Playbook.model_validate(source.data)
    except ValidationError as exc:
        described = _without_echoes([_describe(error) for error in exc.errors()])
        # a password key is also an unknown key: say it once, as the secret it is
        issues.extend(_issue(source, *d) for d in described if d[0] not in secrets)
        raise PlaybookError(_unique(issues), structural=True) from None
    issues.extend(_issue(source, path, message) for path, message in check_playbook(playbook))
    if issues:
        raise PlaybookError(_unique(issues))
    return playbook


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
        return loc, f"{_show(value)} is not one of: {ctx.get('expected', '')}".replace("'", "")
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


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return f"a {_kind_of(value)}"
    return f"'{value}'"


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


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
