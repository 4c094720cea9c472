"""What a device client logs (logger ``f5ecmp.client``), with its secrets masked.

INFO: one line per request — device, method, path, what came back (a status or why
nothing did), time and retry number. DEBUG: the request's body (secret-looking keys masked,
then every password of the run and the token masked wherever they appear), the device's
message for an error answer, and each retry's wait. The token paths (extend, log out) carry
the token itself: it is masked in every path shown.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from f5ecmp.redact import MASK, redact, scrub

log = logging.getLogger("f5ecmp.client")


@dataclass(frozen=True)
class RequestLog:
    device: str
    secrets: Callable[[], list[str]]  # the passwords of the run and the current token
    token: Callable[[], str | None]

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets())

    def shown(self, path: str) -> str:
        token = self.token()
        return path.replace(token, MASK) if token else path

    def request(
        self, method: str, path: str, params: Mapping[str, str] | None, body: Any,
        outcome: str, started: float, retry: int, error_message: str | None = None,
    ) -> None:  # fmt: skip
        """One request, sent at ``started`` (``time.monotonic``), and what came back."""
        if not log.isEnabledFor(logging.INFO):
            return
        query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
        elapsed_ms = (time.monotonic() - started) * 1000
        log.info(
            "%s %s %s%s -> %s in %.0f ms (retry %d)", self.device, method, self.shown(path),
            query, self.scrub(outcome), elapsed_ms, retry,
        )  # fmt: skip
        if not log.isEnabledFor(logging.DEBUG):
            return
        if body is not None:
            text = json.dumps(redact(body), sort_keys=True, default=str)
            log.debug("%s %s %s body: %s", self.device, method, self.shown(path), self.scrub(text))
        if error_message is not None:
            log.debug("%s answered: %s", self.device, self.scrub(error_message))

    def retry(self, method: str, path: str, attempt: int, wait_s: float, why: str) -> None:
        log.debug(
            "%s %s %s: retry %d in %.2f s after: %s", self.device, method, self.shown(path),
            attempt, wait_s, self.scrub(why),
        )  # fmt: skip
