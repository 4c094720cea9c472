"""Authentication's routes (restjavad's `/mgmt/shared/authn` and `/mgmt/shared/authz`)."""

from __future__ import annotations

from ..rest.routing import Route
from . import responses

TOKENS = "/shared/authz/tokens"

ROUTES: tuple[Route, ...] = (
    # The login path is matched as sent: it alone is answered without authentication.
    Route("POST", "mgmt/shared/authn/login", responses.login, exact=True),
    Route("GET", "mgmt/shared/authz/tokens", responses.list_tokens, TOKENS),
    # A token's URL: what follows the token is not read.
    Route("GET", "mgmt/shared/authz/tokens/{token}/{rest*}", responses.get_token, TOKENS),
    Route("PATCH", "mgmt/shared/authz/tokens/{token}/{rest*}", responses.set_token_timeout, TOKENS),
    Route("DELETE", "mgmt/shared/authz/tokens/{token}/{rest*}", responses.delete_token, TOKENS),
)
