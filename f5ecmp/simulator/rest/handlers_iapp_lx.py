"""iApps LX package management under `/mgmt/shared/iapp/` (restjavad, not mcpd).

A fresh device has no iApps LX package installed (AS3, DO, TS, CFE...). F5's
bigip_device_info reads `global-installed-packages` (a 404 would be tolerated) and, for its
`packages` subsets, runs a `QUERY` task: `POST package-management-tasks {"operation":
"QUERY"}` answers 202 with the task's `id`, then `GET package-management-tasks/<id>` until
`status` is `FINISHED` and reads `queryResponse` [D: F5's "Managing iControl LX packages"
docs; C: bigip_device_info]. Tasks finish at once. Installing or removing packages is not
modelled: any other operation is refused [I].
"""

from __future__ import annotations

import uuid
from typing import Any

from .. import errors
from ..errors import ErrorId
from .base import Ctx, Response, json_response

ROOT = "/mgmt/shared/iapp"
TASKS = f"{ROOT}/package-management-tasks"
INSTALLED = f"{ROOT}/global-installed-packages"
LINK = "https://localhost/mgmt/shared/iapp"
TASK_KIND = "shared:iapp:package-management-tasks:iapppackagemanagementtaskstate"  # [I]


def installed_packages(ctx: Ctx) -> Response:
    return json_response(
        {
            "items": [],
            "generation": 0,
            "lastUpdateMicros": 0,
            "kind": "shared:iapp:global-installed-packages:installedpackagecollectionstate",
            "selfLink": f"{LINK}/global-installed-packages",
        }
    )


def get_task(ctx: Ctx) -> Response:
    task_id = ctx.params["task"]
    task = ctx.app.package_tasks.get((ctx.dev.name, task_id))
    if task is not None:
        return json_response(task)
    raise errors.make(ErrorId.PACKAGE_TASK_NOT_FOUND, id=task_id)


def not_registered(ctx: Ctx) -> Response:
    """Anything else under `/mgmt/shared/iapp`: restjavad's 404."""
    path = ctx.req.path.rstrip("/")
    raise errors.make(ErrorId.URI_NOT_REGISTERED, path=path.removeprefix("/mgmt"))


def create_task(ctx: Ctx) -> Response:
    body = ctx.body()
    if body.get("operation") != "QUERY":
        raise errors.make(
            ErrorId.INVALID_VALUE, key="operation", value=body.get("operation")
        )  # [I] not modelled
    task_id = str(uuid.UUID(int=ctx.app.next_task_number()))
    now = int(ctx.app.cluster.clock.now() * 1_000_000)
    task: dict[str, Any] = {
        "operation": "QUERY",
        "id": task_id,
        "status": "CREATED",
        "generation": 1,
        "lastUpdateMicros": now,
        "kind": TASK_KIND,
        "selfLink": f"{LINK}/package-management-tasks/{task_id}",
    }
    ctx.app.package_tasks[(ctx.dev.name, task_id)] = {
        **task,
        "status": "FINISHED",
        "queryResponse": [],
        "generation": 3,
        "startTime": now,
        "endTime": now,
    }
    return json_response(task, 202)
