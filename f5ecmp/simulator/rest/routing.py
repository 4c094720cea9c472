"""How a request finds its handler in the routing table (`urls`).

A route is (methods, path pattern) → handler; `methods` is "GET", "GET|POST" or "*" (any).
A pattern names the percent-decoded segments of the path (`segments`): a literal segment
matches itself, `{name}` any one segment (the handler reads it in `ctx.params`), and a last
`{name*}` the segments left, none included (in `ctx.rest`). An `exact` route also wants the
path exactly as written.

Routes with the same pattern form a group. The first group in table order whose pattern
matches the path answers, with its first route that takes the request's method; when none
does, a `refuse` group answers `METHOD_NOT_SUPPORTED` naming its `refused_as` path, and any
other group lets the search go on. Literal patterns are looked up at once and the others by
their literal prefix; the table is checked when it is built so that this is the same as
trying the groups in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from .. import errors
from ..errors import ErrorId
from .base import Ctx, Response

Handler = Callable[[Ctx], Response]
TM = "/mgmt/tm"
SEEN_MAX = 4096
Segments = tuple[str, ...]


@dataclass(eq=False)
class Route:
    """One row of the table: `methods` is "GET", "GET|POST" or "*" (any)."""

    methods: str
    pattern: str
    handler: Handler
    refused_as: str | None = None  # default: the pattern's path, without /mgmt
    refuse: bool = True
    exact: bool = False
    accepts: frozenset[str] | None = field(init=False)
    tokens: Segments = field(init=False)

    def __post_init__(self) -> None:
        self.accepts = None if self.methods == "*" else frozenset(self.methods.split("|"))
        self.tokens = tuple(self.pattern.strip("/").split("/")) if self.pattern else ()
        if self.refused_as is None:
            self.refused_as = "/" + self.pattern.removeprefix("mgmt/")

    def takes(self, method: str) -> bool:
        return self.accepts is None or method in self.accepts


LITERAL, PARAM, REST = 0, 1, 2
Found = tuple[Route, dict[str, str], list[str]]


@dataclass(frozen=True)
class Refused:
    """A group matched the path but takes no route for the method: answer 400 naming `path`."""

    path: str


@dataclass
class Group:
    """The routes of one pattern, in table order."""

    tokens: Segments
    routes: list[Route]
    parts: list[tuple[int, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.parts = [
            (REST, t[1:-2])
            if t.endswith("*}")
            else (PARAM, t[1:-1])
            if t[:1] == "{"
            else (LITERAL, t)
            for t in self.tokens
        ]

    @property
    def literal(self) -> bool:
        return all(kind == LITERAL for kind, _ in self.parts)

    @property
    def prefix(self) -> Segments:
        """The literal segments before the first parameter."""
        for i, (kind, _) in enumerate(self.parts):
            if kind != LITERAL:
                return self.tokens[:i]
        return self.tokens

    def match(self, segs: Sequence[str]) -> tuple[dict[str, str], list[str]] | None:
        """The pattern's parameters and rest for these segments, or None."""
        params: dict[str, str] = {}
        size = len(segs)
        for i, (kind, value) in enumerate(self.parts):
            if kind == REST:
                return params, list(segs[i:])
            if i >= size:
                return None
            if kind == PARAM:
                params[value] = segs[i]
            elif value != segs[i]:
                return None
        return (params, []) if size == len(self.parts) else None


def segments(path: str) -> list[str]:
    """The percent-decoded segments of a path, trailing slashes aside; under `/mgmt/tm`,
    slashes right after it aside too (the configuration path that follows is read alone)."""
    if path == TM or path.startswith(f"{TM}/"):
        rest = path[len(TM) :].strip("/")
        return ["mgmt", "tm", *(unquote(s) for s in rest.split("/") if rest)]
    trimmed = path[1:].rstrip("/")
    return [unquote(s) for s in trimmed.split("/")] if trimmed else []


class Router:
    """The table, grouped and indexed (see the module)."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.groups: list[Group] = []
        by_tokens: dict[Segments, Group] = {}
        for route in routes:
            group = by_tokens.get(route.tokens)
            if group is None:
                group = by_tokens[route.tokens] = Group(route.tokens, [])
                self.groups.append(group)
            group.routes.append(route)
        self.literal = {g.tokens: g for g in self.groups if g.literal}
        # Patterned groups by their literal prefix, with their place in the table.
        self.patterned: dict[Segments, list[tuple[int, Group]]] = {}
        for index, group in enumerate(self.groups):
            if not group.literal:
                self.patterned.setdefault(group.prefix, []).append((index, group))
        self._prefix_sizes = sorted({len(prefix) for prefix in self.patterned})
        self._seen: dict[tuple[str, str], Found | Refused | None] = {}
        self._check_order()

    def _check_order(self) -> None:
        """A literal group is looked up before the patterned ones: no patterned group listed
        before it may match its path."""
        for index, group in enumerate(self.groups):
            if not group.literal:
                continue
            for earlier in self.groups[:index]:
                if not earlier.literal and earlier.match(group.tokens) is not None:
                    raise ValueError(f"{'/'.join(earlier.tokens)} hides {'/'.join(group.tokens)}")

    def resolve(self, method: str, path: str) -> Found | None:
        """The route answering `method` on `path`, with its parameters and rest; None when
        no route matches (or `METHOD_NOT_SUPPORTED` raised by a `refuse` group). Outcomes
        are kept by (method, path): clients ask for the same few paths again and again."""
        key = (method, path)
        try:
            outcome = self._seen[key]
        except KeyError:
            outcome = self._search(method, path)
            if len(self._seen) >= SEEN_MAX:
                self._seen.clear()
            self._seen[key] = outcome
        if isinstance(outcome, Refused):
            raise errors.make(ErrorId.METHOD_NOT_SUPPORTED, method=method, path=outcome.path)
        if outcome is None:
            return None
        route, params, rest = outcome
        return route, dict(params), list(rest)

    def _search(self, method: str, path: str) -> Found | Refused | None:
        segs = tuple(segments(path))
        group = self.literal.get(segs)
        if group is not None:
            found = self._pick(group, method, path, {}, [])
            if found is not None:
                return found
        candidates: list[tuple[int, Group]] = []
        for size in self._prefix_sizes:
            if size > len(segs):
                break
            candidates += self.patterned.get(segs[:size], ())
        candidates.sort(key=lambda c: c[0])
        for _, group in candidates:
            matched = group.match(segs)
            if matched is not None:
                found = self._pick(group, method, path, *matched)
                if found is not None:
                    return found
        return None

    @staticmethod
    def _pick(
        group: Group, method: str, path: str, params: dict[str, str], rest: list[str]
    ) -> Found | Refused | None:
        first = group.routes[0]
        if first.exact and path != "/" + first.pattern:
            return None
        for route in group.routes:
            if route.takes(method):
                return route, params, rest
        return Refused(str(first.refused_as)) if first.refuse else None

    def dispatch(self, ctx: Ctx) -> Response:
        found = self.resolve(ctx.req.method, ctx.req.path)
        if found is None:
            raise errors.make(ErrorId.URI_NOT_REGISTERED, path=ctx.req.path.removeprefix("/mgmt"))
        route, ctx.params, ctx.rest = found
        return route.handler(ctx)

    def route_for(self, method: str, path: str) -> Route:
        """The route a request would take (tests replace its handler)."""
        found = self.resolve(method, path)
        if found is None:
            raise KeyError(f"no route for {method} {path}")
        return found[0]
