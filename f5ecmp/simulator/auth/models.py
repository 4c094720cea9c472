"""Users and tokens of one device (reference §3), and the partitions their roles name.

A token is 26 upper-case alphanumerics, lives `timeout` seconds (1200 by default, at most
36000) from its start, and is sent back as `X-F5-Auth-Token`. The `token_ttl_s` fault shortens
every token's life so a client's refresh path can be exercised.
"""

from __future__ import annotations

import datetime
import json
import secrets
import string
from dataclasses import dataclass
from typing import Any

from .. import errors
from ..clock import Clock
from ..errors import ErrorId
from ..objects import Kind, Rules

DEFAULT_TIMEOUT = 1200
MAX_TIMEOUT = 36000
# The login reference of the `tmos` provider is the same on every device [F].
TMOS_PROVIDER_UUID = "1f44a60e-11a7-3c51-a49f-82983026b41b"
TOKEN_ALPHABET = string.ascii_uppercase + string.digits


@dataclass
class Token:
    token: str
    user: str
    provider: str
    start: float
    timeout: int
    address: str
    generation: int = 1
    last_update: float = 0.0

    def item(self) -> dict[str, Any]:
        """The token as `/mgmt/shared/authz/tokens/<t>` renders it [F]."""
        start_ms = int(self.start * 1000)
        stamp = datetime.datetime.fromtimestamp(start_ms / 1000, datetime.UTC)
        return {
            "token": self.token,
            "name": self.token,
            "userName": self.user,
            "authProviderName": self.provider,
            "user": {"link": f"https://localhost/mgmt/shared/authz/users/{self.user}"},
            "timeout": self.timeout,
            "startTime": stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{start_ms % 1000:03d}+0000",
            "address": self.address,
            "partition": "[All]",
            "generation": self.generation,
            "lastUpdateMicros": int((self.last_update or self.start) * 1_000_000),
            "expirationMicros": start_ms * 1000 + self.timeout * 1_000_000,
            "kind": "shared:authz:tokens:authtokenitemstate",
            "selfLink": f"https://localhost/mgmt/shared/authz/tokens/{self.token}",
        }


class Auth:
    """Local users and the tokens issued to them."""

    def __init__(self, users: dict[str, str], clock: Clock) -> None:
        self.users = dict(users)
        self.clock = clock
        self.tokens: dict[str, Token] = {}
        self.ttl_override: float | None = None

    def check_password(self, user: str, password: str) -> bool:
        return user in self.users and self.users[user] == password

    def login(self, body: dict[str, Any], address: str) -> dict[str, Any]:
        """`POST /mgmt/shared/authn/login` → the login response [F]."""
        user = body.get("username")
        password = body.get("password")
        provider = body.get("loginProviderName") or "tmos"
        if (
            not isinstance(user, str)
            or not isinstance(password, str)
            or not self.check_password(user, password)
        ):
            echo = {k: v for k, v in body.items() if k != "password"}
            echo.update({"generation": 0, "lastUpdateMicros": 0})
            raise errors.make(
                ErrorId.LOGIN_FAILED, original_body=json.dumps(echo, separators=(",", ":"))
            )
        timeout = DEFAULT_TIMEOUT
        if self.ttl_override is not None:
            timeout = max(0, int(self.ttl_override))
        # Unpredictable, so that a token from another run (or another device) never works.
        value = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(26))
        token = Token(value, user, str(provider), self.clock.now(), timeout, address)
        self.tokens[value] = token
        return {
            "username": user,
            "loginReference": {
                "link": "https://localhost/mgmt/cm/system/authn/providers/tmos/"
                f"{TMOS_PROVIDER_UUID}/login"
            },
            "loginProviderName": provider,
            "token": token.item(),
            "generation": 0,
            "lastUpdateMicros": 0,
        }

    def lookup(self, value: str) -> Token:
        """The live token, or the "does not exist" 401 [D]."""
        token = self.tokens.get(value)
        now = self.clock.now()
        if token is not None:
            life = token.timeout
            if self.ttl_override is not None:
                life = min(life, int(self.ttl_override))
            if now < token.start + life:
                return token
            self.tokens.pop(value, None)  # two reads may find it expired at once
        raise errors.make(ErrorId.TOKEN_UNKNOWN)

    def set_token_timeout(self, value: str, timeout: Any) -> Token:
        token = self.lookup(value)
        try:
            seconds = int(timeout)
        except (TypeError, ValueError):
            raise errors.make(ErrorId.INVALID_VALUE, key="timeout", value=timeout) from None
        if not 0 < seconds <= MAX_TIMEOUT:
            raise errors.make(ErrorId.TOKEN_TIMEOUT_TOO_LARGE, value=timeout)
        token.timeout = seconds
        token.generation += 1
        token.last_update = self.clock.now()
        return token

    def delete_token(self, value: str) -> Token:
        token = self.lookup(value)
        del self.tokens[value]
        return token


class PartitionRules(Rules):
    """`auth/partition`: Common only; Ansible reads its `defaultRouteDomain` [C]."""

    kind = Kind("auth/partition", "partition", foldered=False)
    creatable = False
    deletable = False


RULES: tuple[Rules, ...] = (PartitionRules(),)
