"""`/mgmt/tm/transaction` (reference §4.15): create, queue commands with
`X-F5-REST-Coordination-Id`, list them, commit all-or-nothing with `{"state":"VALIDATING"}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import errors
from ..clock import Clock
from ..device import Device
from ..errors import ErrorId
from .base import Ctx, Request, Response, empty_response, json_response

IDLE_TIMEOUT = 120
COORDINATION_HEADER = "x-f5-rest-coordination-id"

Dispatch = Callable[[Ctx], Response]


@dataclass
class Transaction:
    trans_id: int
    last_used: float
    state: str = "STARTED"
    commands: list[dict[str, Any]] = field(default_factory=list)
    failure: str = ""
    next_id: int = 1


class _Rollback(Exception):
    """Undo a validate-only commit."""


class Transactions:
    """Open transactions, per device."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.open: dict[str, dict[int, Transaction]] = {}
        self._last_id = 0

    def clear(self) -> None:
        self.open.clear()

    def create(self, dev: Device) -> Transaction:
        # transId is a microsecond timestamp [D]; kept strictly increasing.
        self._last_id = max(self._last_id + 1, int(self.clock.now() * 1_000_000))
        tx = Transaction(self._last_id, self.clock.now())
        self.open.setdefault(dev.name, {})[tx.trans_id] = tx
        return tx

    def get(self, dev: Device, value: str) -> Transaction:
        mine = self.open.get(dev.name, {})
        tx = mine.get(int(value)) if value.isdigit() else None
        if tx is None or self.clock.now() - tx.last_used > IDLE_TIMEOUT:
            mine.pop(tx.trans_id if tx else -1, None)
            raise errors.make(ErrorId.TRANSACTION_NOT_FOUND, id=value)
        tx.last_used = self.clock.now()
        return tx


def render_transaction(ctx: Ctx, tx: Transaction) -> dict[str, Any]:
    return {
        "transId": tx.trans_id,
        "state": tx.state,
        "timeoutSeconds": IDLE_TIMEOUT,
        "asyncExecution": False,
        "validateOnly": False,
        "executionTimeout": 300,
        "executionTime": 0,
        "failureReason": tx.failure,
        "kind": "tm:transactionstate",
        "selfLink": ctx.view.link(f"transaction/{tx.trans_id}"),
    }


def render_command(ctx: Ctx, tx: Transaction, command: dict[str, Any]) -> dict[str, Any]:
    return {
        **command,
        "kind": "tm:transaction:commandsstate",
        "selfLink": ctx.view.link(f"transaction/{tx.trans_id}/commands/{command['commandId']}"),
    }


def queue(ctx: Ctx, store: Transactions, value: str) -> Response:
    """A write sent with the coordination header: recorded, not applied."""
    tx = store.get(ctx.dev, value)
    command = {
        "method": ctx.req.method,
        "uri": f"https://localhost{ctx.req.target}",
        "body": ctx.body(),
        "evalOrder": len(tx.commands) + 1,
        "commandId": tx.next_id,
    }
    tx.next_id += 1
    tx.commands.append(command)
    return json_response(render_command(ctx, tx, command))


def transactions(ctx: Ctx) -> Response:
    """`/mgmt/tm/transaction[/<id>[/commands[/<n>]]]`; a commit runs each command through the
    routing table again."""
    return handle_transactions(ctx, ctx.app.transactions, ctx.rest, ctx.app.dispatch)


def handle_transactions(
    ctx: Ctx, store: Transactions, rest: list[str], dispatch: Dispatch
) -> Response:
    method = ctx.req.method
    if not rest:
        if method == "POST":
            return json_response(render_transaction(ctx, store.create(ctx.dev)))
        items = [render_transaction(ctx, t) for t in store.open.get(ctx.dev.name, {}).values()]
        return json_response(
            {
                "items": items,
                "kind": "tm:transactioncollectionstate",
                "selfLink": ctx.view.link("transaction", top=True),
            }
        )
    tx = store.get(ctx.dev, rest[0])
    if len(rest) >= 2 and rest[1] == "commands":
        return handle_commands(ctx, tx, rest[2:])
    if method == "GET":
        return json_response(render_transaction(ctx, tx))
    if method == "DELETE":
        del store.open[ctx.dev.name][tx.trans_id]
        return empty_response()
    if method == "PATCH":
        body = ctx.body()
        if body.get("state") != "VALIDATING":
            raise errors.make(ErrorId.TRANSACTION_BAD_STATE, state=body.get("state"))
        commit(ctx, tx, bool(body.get("validateOnly")), dispatch)
        del store.open[ctx.dev.name][tx.trans_id]
        return json_response(render_transaction(ctx, tx))
    raise errors.make(ErrorId.METHOD_NOT_SUPPORTED, method=method, path="/tm/transaction")


def handle_commands(ctx: Ctx, tx: Transaction, rest: list[str]) -> Response:
    if not rest:
        return json_response(
            {
                "items": [render_command(ctx, tx, c) for c in tx.commands],
                "kind": "tm:transaction:commandscollectionstate",
                "selfLink": ctx.view.link(f"transaction/{tx.trans_id}/commands", top=True),
            }
        )
    command = next((c for c in tx.commands if str(c["commandId"]) == rest[0]), None)
    if command is None:
        raise errors.make(ErrorId.TRANSACTION_NOT_FOUND, id=f"{tx.trans_id}/commands/{rest[0]}")
    if ctx.req.method == "DELETE":
        tx.commands.remove(command)
        return empty_response()
    return json_response(render_command(ctx, tx, command))


def commit(ctx: Ctx, tx: Transaction, validate_only: bool, dispatch: Dispatch) -> None:
    """Apply every command in order; any failure undoes all of them (400, apiError 2)."""
    try:
        with ctx.dev.transaction():
            for command in tx.commands:
                target = command["uri"].removeprefix("https://localhost")
                body = json.dumps(command["body"]).encode() if command["body"] else b""
                request = Request(command["method"], target, {}, body, ctx.req.client)
                dispatch(Ctx(ctx.app, ctx.dev, request, ctx.view))
            if validate_only:
                raise _Rollback
    except _Rollback:
        pass
    except errors.SimError as exc:
        tx.state = "FAILED"
        tx.failure = exc.message
        raise errors.make(ErrorId.TRANSACTION_FAILED, message=exc.message) from None
    tx.state = "COMPLETED"
