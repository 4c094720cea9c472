"""What authentication answers over REST (reference §3): login, the token collection
(list, read, extend, delete), and the check every other request passes first.
"""

from __future__ import annotations

import base64

from .. import errors
from ..errors import ErrorId
from ..rest.base import Ctx, Response, json_response


def authenticate(ctx: Ctx) -> None:
    """A token, else HTTP Basic, else the "no user authentication header" 401 [F]."""
    headers = ctx.req.headers
    token = headers.get("x-f5-auth-token")
    if token:
        ctx.dev.auth.lookup(token)
        return
    header = headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            raise errors.BasicAuthRequired from None
        if ctx.dev.auth.check_password(user, password):
            return
        raise errors.BasicAuthRequired
    raise errors.make(ErrorId.NO_CREDENTIALS, uri=ctx.req.path, referer=ctx.req.client)


def login(ctx: Ctx) -> Response:
    return json_response(ctx.dev.auth.login(ctx.body(), ctx.req.client))


def list_tokens(ctx: Ctx) -> Response:
    """`GET /mgmt/shared/authz/tokens`: the live tokens."""
    auth = ctx.dev.auth
    live = [t for t in list(auth.tokens) if _alive(ctx, t)]
    return json_response(
        {
            "items": [auth.tokens[t].item() for t in live],
            "generation": len(live),
            "lastUpdateMicros": 0,
            "kind": "shared:authz:tokens:authtokencollectionstate",
            "selfLink": "https://localhost/mgmt/shared/authz/tokens",
        }
    )


def get_token(ctx: Ctx) -> Response:
    return json_response(ctx.dev.auth.lookup(ctx.params["token"]).item())


def set_token_timeout(ctx: Ctx) -> Response:
    """`PATCH /mgmt/shared/authz/tokens/<token>` with `timeout`: extend it."""
    token = ctx.params["token"]
    return json_response(ctx.dev.auth.set_token_timeout(token, ctx.body().get("timeout")).item())


def delete_token(ctx: Ctx) -> Response:
    return json_response(ctx.dev.auth.delete_token(ctx.params["token"]).item())


def _alive(ctx: Ctx, value: str) -> bool:
    try:
        ctx.dev.auth.lookup(value)
    except errors.SimError:
        return False
    return True
