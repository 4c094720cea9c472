"""`$top` / `$skip` on collections: the page of items and the counters that go with it.

A paged read answers the page's items with the paging counters before them:
`currentItemCount`, `itemsPerPage`, `pageIndex` and `startIndex` (both counted from 1),
`totalItems`, `totalPages`, then `nextLink` while items remain after this page and
`previousLink` when the page does not start at the first item [D: iControl REST user guide,
"paging"; C: bigip_device_info pages every collection with `$top`/`$skip`, f5-ansible PR
#2151]. A page past the end (or of an empty collection) carries the counters and an empty
`items`: bigip_device_info's HTTP and HTTPS monitor subsets page until a page is empty and
index that last page's `items` without a guard, against live devices [C; the counters of such
a page are I]. `$skip` without `$top` skips and adds no counters [I].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeVar

from .base import Request
from .render import BASE, View

T = TypeVar("T")
SKIP_KEYS = ("$skip=", "%24skip=")


@dataclass(frozen=True)
class Paging:
    top: int | None
    skip: int

    def items(self, everything: list[T]) -> list[T]:
        rest = everything[self.skip :]
        return rest if self.top is None else rest[: self.top]


def paging(req: Request) -> Paging:
    top = req.query.get("$top")
    skip = req.query.get("$skip")
    return Paging(
        int(top) if top and top.isdigit() and int(top) > 0 else None,
        int(skip) if skip and skip.isdigit() else 0,
    )


def with_skip(echo: str, skip: int) -> str:
    """The echoed query with its `$skip` set to `skip` (appended when absent)."""
    parts = [p for p in echo.split("&") if p]
    wanted = f"$skip={skip}"
    replaced = [wanted if p.startswith(SKIP_KEYS) else p for p in parts]
    if wanted not in replaced:
        replaced.append(wanted)
    return "&".join(replaced)


def counters(pg: Paging, total: int, shown: int, path: str, view: View) -> dict[str, Any]:
    """The paging counters of one page of `total` items at `path` (empty when not paged)."""
    if pg.top is None:
        return {}
    out: dict[str, Any] = {
        "currentItemCount": shown,
        "itemsPerPage": pg.top,
        "pageIndex": pg.skip // pg.top + 1,
        "startIndex": pg.skip + 1,
        "totalItems": total,
        "totalPages": math.ceil(total / pg.top),
    }

    def link(skip: int) -> str:
        return f"{BASE}{path}?{with_skip(view.echo, skip)}&ver={view.version}"

    if pg.skip + pg.top < total:
        out["nextLink"] = link(pg.skip + pg.top)
    if pg.skip > 0:
        out["previousLink"] = link(max(0, pg.skip - pg.top))
    return out
