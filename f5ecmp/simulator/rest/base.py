"""Requests, responses and the per-request context the handlers receive."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from .. import errors
from ..device import Device
from ..errors import ErrorId
from .render import View

if TYPE_CHECKING:
    from .app import SimApp

JSON = "application/json; charset=UTF-8"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HTML_LIKE = re.compile(r"<\s*[a-zA-Z/!]")
REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "F5 Authorization Required",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Request:
    method: str
    target: str  # path and query as sent
    headers: Mapping[str, str]  # lower-case names
    body: bytes = b""
    client: str = "127.0.0.1"
    path: str = field(init=False)
    raw_query: str = field(init=False)
    query: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        path, _, query = self.target.partition("?")
        self.path = path
        self.raw_query = query
        self.query = dict(parse_qsl(query, keep_blank_values=True))

    def segments(self, prefix: str) -> list[str]:
        """Percent-decoded path segments after `prefix` (a trailing `/` is allowed)."""
        rest = self.path[len(prefix) :].strip("/")
        return [unquote(s) for s in rest.split("/")] if rest else []

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    def echo_query(self) -> str:
        """The query string minus `ver`, as the device echoes it into `selfLink` [F]."""
        return "&".join(p for p in self.raw_query.split("&") if p and not p.startswith("ver="))


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False  # hang up with a TCP reset, without an answer
    hang: bool = False  # with `drop`: no answer at all (a device that is down); see server

    @property
    def reason(self) -> str:
        return REASONS.get(self.status, "OK")


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(payload, separators=(",", ":")).encode())


def empty_response() -> Response:
    """DELETE answers 200 with an empty body [C]."""
    return Response(200, b"")


@dataclass
class Ctx:
    """One request on one device."""

    app: SimApp
    dev: Device
    req: Request
    view: View
    # Set by the router (`routing`): the pattern's `{name}` segments and its `{name*}` rest.
    params: dict[str, str] = field(default_factory=dict)
    rest: list[str] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """The JSON object sent, `{}` when empty; HTML-like content is refused [F]."""
        if not self.req.body.strip():
            return {}
        text = self.req.body.decode("utf-8", "replace")
        if HTML_LIKE.search(text):
            raise errors.make(ErrorId.HTML_CONTENT)
        try:
            value = json.loads(text)
        except ValueError:
            raise errors.make(ErrorId.INVALID_JSON) from None
        if not isinstance(value, dict):
            raise errors.make(ErrorId.INVALID_JSON)
        return value


def view_for(dev: Device, req: Request) -> View:
    select = req.query.get("$select")
    return View(
        dev.version,
        expand=req.query.get("expandSubcollections") == "true",
        select=frozenset(s.strip() for s in select.split(",")) if select else None,
        echo=req.echo_query(),
    )
