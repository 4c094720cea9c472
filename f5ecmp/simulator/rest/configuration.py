"""Configuration objects over REST, for every area: collections, objects, subcollections and
singletons of the registry's kinds (`device.REGISTRY`), and the organizing collections above
them (`GET /mgmt/tm/<module>/`).

`POST` to a collection creates (200 with the object, not 201), `PATCH` merges, `PUT`
replaces, `DELETE` answers 200 with an empty body (reference §1.8). Query options:
`expandSubcollections`, `$select`, `$filter=partition eq X`, `$top`/`$skip` (§1.6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .. import errors, names
from ..device import REGISTRY
from ..errors import ErrorId
from ..objects import Rules, find_child
from ..store import Obj
from .base import Ctx, Response, empty_response, json_response
from .paging import counters, paging
from .render import collection, object_path, render_child, render_object, select
from .routing import Handler

FILTER = re.compile(r"^\s*partition\s+eq\s+(\S+)\s*$")


def find_kind(segments: list[str]) -> tuple[Rules, list[str]] | None:
    """The longest registered collection path the segments start with, and the rest."""
    for size in (5, 4, 3, 2, 1):
        rules = REGISTRY.get("/".join(segments[:size]))
        if rules is not None and len(segments) >= size:
            return rules, segments[size:]
    return None


def configuration(ctx: Ctx) -> Response:
    """Any `/mgmt/tm/<collection>[/<object>[/<sub>[/<item>]]]` of a registered kind; reads
    are answered from the cluster's `ResponseCache` while nothing has changed."""
    found = find_kind(ctx.rest)
    if found is None:
        raise errors.make(ErrorId.URI_NOT_REGISTERED, path=ctx.req.path.removeprefix("/mgmt"))
    if ctx.req.method == "GET":
        return ctx.app.responses.answer(ctx, lambda: handle_config(ctx, *found))
    return handle_config(ctx, *found)


def organizing(
    module: str, *, listed: Iterable[str] | None = None, extra: Iterable[str] = ()
) -> Handler:
    """`GET /mgmt/tm/<module>/`: references to what lives below it [F]; `listed` in that
    order, or the module's collections and `extra` by name."""
    subs = list(listed) if listed is not None else None

    def handle(ctx: Ctx) -> Response:
        found = subs
        if found is None:
            found = sorted(
                {p.split("/")[1] for p in REGISTRY if p.startswith(f"{module}/")} | set(extra)
            )
        return json_response(
            {
                "kind": f"tm:{module}:{module}collectionstate",
                "selfLink": ctx.view.link(module, top=True),
                "items": [{"reference": {"link": ctx.view.link(f"{module}/{s}")}} for s in found],
            }
        )

    return handle


def object_name(rules: Rules, segment: str) -> str:
    return names.full_path(segment) if rules.kind.foldered else segment


def child_name(sub: str, segment: str) -> str:
    return segment if sub == "interfaces" else names.full_path(segment)


def handle_config(ctx: Ctx, rules: Rules, rest: list[str]) -> Response:
    if rules.kind.singleton:
        return handle_singleton(ctx, rules, rest)
    if not rest:
        return handle_collection(ctx, rules)
    path = object_name(rules, rest[0])
    if len(rest) == 1:
        return handle_object(ctx, rules, path)
    sub = rest[1]
    if sub not in rules.kind.subcollections or len(rest) > 3:
        raise errors.make(ErrorId.URI_NOT_REGISTERED, path=ctx.req.path[len("/mgmt") :])
    if len(rest) == 2:
        return handle_children(ctx, rules, path, sub)
    return handle_child(ctx, rules, path, sub, child_name(sub, rest[2]))


# --- collections ----------------------------------------------------------------------------


def handle_collection(ctx: Ctx, rules: Rules) -> Response:
    method = ctx.req.method
    if method == "GET":
        return list_objects(ctx, rules)
    if method == "POST":
        if not rules.creatable:
            raise errors.make(
                ErrorId.METHOD_NOT_SUPPORTED, method=method, path=f"/tm/{rules.kind.path}"
            )
        obj = ctx.dev.create(rules.kind.path, ctx.body())
        return json_response(render_object(ctx.dev, rules.kind, obj, ctx.view))
    raise errors.make(ErrorId.METHOD_NOT_SUPPORTED, method=method, path=f"/tm/{rules.kind.path}")


def list_objects(ctx: Ctx, rules: Rules) -> Response:
    everything = filtered(ctx, ctx.dev.store.items(rules.kind.path))
    pg = paging(ctx.req)
    rendered = [render_object(ctx.dev, rules.kind, o, ctx.view) for o in pg.items(everything)]
    numbers = counters(pg, len(everything), len(rendered), rules.kind.path, ctx.view)
    return json_response(collection(rules.kind.path, ctx.view, rendered, paging=numbers))


def filtered(ctx: Ctx, items: list[Obj]) -> list[Obj]:
    text = ctx.req.query.get("$filter")
    if text is None:
        return items
    match = FILTER.match(text)
    if match is None:
        raise errors.make(
            ErrorId.INVALID_VALUE, key="$filter", value=text
        )  # [I] only `partition eq X` is supported
    return [o for o in items if o.partition == match.group(1)]


# --- objects --------------------------------------------------------------------------------


def handle_object(ctx: Ctx, rules: Rules, path: str) -> Response:
    method = ctx.req.method
    kind = rules.kind.path
    if method == "GET":
        obj = ctx.dev.get(kind, path)
    elif method in ("PATCH", "PUT"):
        obj = ctx.dev.modify(kind, path, ctx.body(), replace=method == "PUT")
    elif method == "DELETE":
        ctx.dev.delete(kind, path)
        return empty_response()
    else:
        raise errors.make(ErrorId.METHOD_NOT_SUPPORTED, method=method, path=f"/tm/{kind}")
    return one(ctx, render_object(ctx.dev, rules.kind, obj, ctx.view, top=True))


def one(ctx: Ctx, item: dict[str, Any]) -> Response:
    return json_response(select(item, ctx.view.select) if ctx.view.select else item)


def handle_singleton(ctx: Ctx, rules: Rules, rest: list[str]) -> Response:
    kind = rules.kind.path
    if rest:
        raise errors.make(ErrorId.URI_NOT_REGISTERED, path=ctx.req.path[len("/mgmt") :])
    if ctx.req.method == "GET":
        obj = ctx.dev.get(kind, "")
    elif ctx.req.method in ("PATCH", "PUT"):
        obj = ctx.dev.modify(kind, "", ctx.body(), replace=ctx.req.method == "PUT")
    else:
        raise errors.make(ErrorId.METHOD_NOT_SUPPORTED, method=ctx.req.method, path=f"/tm/{kind}")
    return one(ctx, render_object(ctx.dev, rules.kind, obj, ctx.view, top=True))


# --- subcollections -------------------------------------------------------------------------


def handle_children(ctx: Ctx, rules: Rules, path: str, sub: str) -> Response:
    parent = ctx.dev.get(rules.kind.path, path)
    if ctx.req.method == "GET":
        everything = parent.child_list(sub)
        pg = paging(ctx.req)
        items = [
            render_child(ctx.dev, rules.kind, parent, sub, c, ctx.view, linked=False)
            for c in pg.items(everything)
        ]
        where = f"{object_path(rules.kind, parent)}/{sub}"
        numbers = counters(pg, len(everything), len(items), where, ctx.view)
        out = collection(f"{rules.kind.path}/{sub}", ctx.view, items, paging=numbers)
        out["selfLink"] = ctx.view.link(where, top=True)
        return json_response(out)
    if ctx.req.method == "POST":
        child = ctx.dev.write_child(rules.kind.path, path, sub, "POST", body=ctx.body())
        assert child is not None
        return json_response(
            render_child(
                ctx.dev, rules.kind, ctx.dev.get(rules.kind.path, path), sub, child, ctx.view
            )
        )
    raise errors.make(
        ErrorId.METHOD_NOT_SUPPORTED, method=ctx.req.method, path=f"/tm/{rules.kind.path}/{sub}"
    )


def handle_child(ctx: Ctx, rules: Rules, path: str, sub: str, key: str) -> Response:
    method = ctx.req.method
    if method not in ("GET", "PATCH", "PUT", "DELETE"):
        raise errors.make(
            ErrorId.METHOD_NOT_SUPPORTED, method=method, path=f"/tm/{rules.kind.path}/{sub}"
        )
    if method == "GET":
        parent = ctx.dev.get(rules.kind.path, path)
        child = find_child(rules, parent, sub, key)
    else:
        result = ctx.dev.write_child(
            rules.kind.path, path, sub, method, key, None if method == "DELETE" else ctx.body()
        )
        if result is None:
            return empty_response()
        child = result
        parent = ctx.dev.get(rules.kind.path, path)
    return one(ctx, render_child(ctx.dev, rules.kind, parent, sub, child, ctx.view))
