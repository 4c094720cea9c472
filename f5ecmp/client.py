"""One BIG-IP over iControl REST: token auth, retries, error mapping, counters, read-only mode.

The session is f5-sdk's iControl REST session (``icontrol.session.iControlRESTSession`` with
its ``iControlRESTTokenAuth``), used for every request so that one keep-alive connection
carries the whole run. Four things in f5-icontrol-rest 1.3.13 and requests do not hold up, and are
worked around here:

* ``session.timeout`` is assigned to a ``requests.Session``, which has no such setting, so no
  request would ever time out: every request here passes ``timeout=`` itself.
* The token auth logs in with a bare ``requests.post`` — a new TLS connection and no timeout —
  whenever it thinks the token expired, and never reacts to a 401 for a token the device has
  dropped. So the client logs in itself, on the keep-alive session, stores the token in the
  auth object (which then only adds the ``X-F5-Auth-Token`` header), re-logs in once on
  "X-F5-Auth-Token does not exist", and extends the token before it runs out.
* requests lets the ``REQUESTS_CA_BUNDLE`` environment variable override a Session's
  ``verify``, which would quietly swap the playbook's CA bundle for the system one: ``verify``
  is passed with every request.
* Creating the session silences urllib3's ``InsecureRequestWarning`` process-wide; f5ecmp
  prints its own warning when verification is turned off (``--insecure``).

Every request is logged (:mod:`f5ecmp.client_log`). A refused connection (nothing listens
there, or no route) gets at most three tries, within the connect timeout: retrying it longer
only delays the report of a wrong address or port.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from icontrol.session import iControlRESTSession
from tenacity import RetryCallState

from f5ecmp.client_errors import (
    RETRIABLE_STATUS,
    AmbiguousWriteError,
    AuthError,
    DeviceError,
    ReadOnlyError,
    UnreachableError,
    answer_message,
    never_connected,
    reason,
    refused,
    tls_error,
)
from f5ecmp.client_log import RequestLog
from f5ecmp.errors import F5EcmpError
from f5ecmp.policies import RequestRetry
from f5ecmp.redact import scrub

__all__ = [
    "AmbiguousWriteError", "AuthError", "Client", "Counters", "DeviceError", "ReadOnlyError",
    "RetryPolicy", "Timeouts", "UnreachableError",
]  # fmt: skip

LOGIN_PATH = "/mgmt/shared/authn/login"
TOKEN_PATH = "/mgmt/shared/authz/tokens/{token}"
TRANSACTION_PATH = "/mgmt/tm/transaction"
TOKEN_LIFETIME_S = 1200  # what BIG-IP grants a new token (reference §3.1)
TOKEN_EXTENDED_S = 3600  # asked for when a long run nears the end of a token
_TOKEN_MARGIN_S = 120
# Tries of a request whose connection is refused or cannot be set up at all.
REFUSED_ATTEMPTS = 3
_TOKEN_GONE = ("X-F5-Auth-Token does not exist", "X-F5-Auth-Token is invalid", "token has expired")


class _GiveUp(Exception):
    """Internal: a transient failure not worth another attempt (a refused connection)."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


class _Transient(Exception):
    """Internal: worth another attempt."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@dataclass
class Counters:
    reads: int = 0
    writes: int = 0
    retries: int = 0
    logins: int = 0


RetryPolicy = RequestRetry  # the policy lives with the other retries and waits


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 5.0
    read_s: float = 60.0


@dataclass
class Client:
    """One device. ``connect()`` logs in; ``close()`` deletes the token.

    ``sleep`` and ``clock`` are injectable so retry tests never wait.
    """

    name: str
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    # Other passwords of the run (the peers' travel in add-to-trust bodies): never shown either.
    also_secret: tuple[str, ...] = field(default=(), repr=False)
    verify: bool | str = True
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    read_only: bool = False
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    counters: Counters = field(default_factory=Counters)
    token: str | None = field(default=None, repr=False)
    _expires_at: float = 0.0
    _issued_at: float = 0.0

    def __post_init__(self) -> None:
        self._icrs = iControlRESTSession(
            self.username, self.password, token=True, verify=self.verify
        )
        self._session: requests.Session = self._icrs.session
        self._session.verify = self.verify
        self._auth = self._session.auth  # f5-sdk's iControlRESTTokenAuth
        self._log = RequestLog(
            self.name, lambda: [self.password, *self.also_secret, self.token or ""],
            lambda: self.token,
        )  # fmt: skip

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    # -- session -------------------------------------------------------------------------

    def connect(self) -> None:
        self._login()

    def close(self) -> None:
        """Log out: delete the token on the device (best effort) and close the connection."""
        if self.token is not None:
            with contextlib.suppress(requests.RequestException, F5EcmpError):
                self._send("DELETE", TOKEN_PATH.format(token=self.token), None, None)
            self.token = None
        self._session.close()

    def _login(self) -> None:
        body = {"username": self.username, "password": self.password, "loginProviderName": "tmos"}
        self._session.auth = None  # the login itself carries the credentials in its body
        try:
            response = self._retrying(
                lambda retry: self._login_attempt(body, retry), "POST", LOGIN_PATH
            )
        finally:
            self._session.auth = self._auth
        self.counters.logins += 1
        if response.status_code == 401:
            raise AuthError(
                f"{self.name}: the device refused the credentials ({answer_message(response)})",
                self.name,
            )
        if not response.ok:
            raise self._error("POST", LOGIN_PATH, response)
        try:
            token = response.json().get("token") or {}
            self.token = str(token["token"])
        except (ValueError, KeyError, AttributeError):
            raise DeviceError(self.name, "POST", LOGIN_PATH, response.status_code,
                              "the login answer holds no token") from None  # fmt: skip
        lifetime = float(token.get("timeout", TOKEN_LIFETIME_S))
        self._issued_at = self.clock()
        self._expires_at = self._issued_at + lifetime
        # With a token and no expiry set, f5-sdk's auth only adds the header: it never logs in
        # on its own (without a timeout, on a new connection) behind our back.
        self._auth.token, self._auth.expiration = self.token, None

    def _login_attempt(self, body: dict[str, Any], retry: int) -> requests.Response:
        """One login: repeating a login is harmless, so any transport failure is retried."""
        try:
            response = self._send("POST", LOGIN_PATH, None, body, retry=retry)
        except requests.exceptions.SSLError as exc:
            raise tls_error(self.name, self.base_url, self.verify, exc) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _Transient(exc) from None
        if response.status_code in RETRIABLE_STATUS:
            raise _Transient(self._error("POST", LOGIN_PATH, response))
        return response

    def _extend_token_if_needed(self) -> None:
        if self.token is None or self._expires_at - self.clock() > _TOKEN_MARGIN_S:
            return
        path = TOKEN_PATH.format(token=self.token)
        try:
            response = self._send("PATCH", path, None, {"timeout": TOKEN_EXTENDED_S})
        except requests.RequestException:
            return  # the request that follows meets the same trouble, and is retried
        if response.ok:  # BIG-IP counts the new timeout from the token's start, not from now
            self._expires_at = self._issued_at + TOKEN_EXTENDED_S
        else:  # the token is already gone: start over
            self._login()

    # -- requests ------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any, *, confirm: Callable[[], bool] | None = None) -> Any:
        return self.request("POST", path, body=body, confirm=confirm)

    def patch(self, path: str, body: Any, *, confirm: Callable[[], bool] | None = None) -> Any:
        return self.request("PATCH", path, body=body, confirm=confirm)

    def put(self, path: str, body: Any, *, confirm: Callable[[], bool] | None = None) -> Any:
        return self.request("PUT", path, body=body, confirm=confirm)

    def delete(self, path: str, *, confirm: Callable[[], bool] | None = None) -> Any:
        return self.request("DELETE", path, confirm=confirm)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        confirm: Callable[[], bool] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request, retrying what is safe to retry; return the decoded body.

        A write whose answer was lost (read timeout, dropped connection) is not sent again
        blindly: ``confirm`` re-reads the device and says whether it took effect; without
        one, a command (``{"command": ...}``) is repeated, as commands here are idempotent,
        and anything else raises :class:`AmbiguousWriteError`.
        """
        write = method != "GET"
        if write and self.read_only:
            raise ReadOnlyError(
                f"{self.name}: {method} {path} refused: this run is read-only", self.name
            )
        return self._retrying(
            lambda retry: self._attempt(
                method, path, params, body, confirm, headers=headers, retry=retry
            ),
            method,
            path,
        )

    def _retrying(self, attempt: Callable[[int], Any], method: str, path: str) -> Any:
        """Call ``attempt(retry number)`` under the retry policy; a refused connection gets
        at most ``REFUSED_ATTEMPTS`` tries, and no more than fit in the connect timeout."""
        retrying = self.retry.retrying(_Transient, self.sleep, self._before_retry(method, path))
        start, tries = self.clock(), 0
        try:
            for each in retrying:
                with each:
                    tries = each.retry_state.attempt_number
                    try:
                        return attempt(tries - 1)
                    except _Transient as exc:
                        if refused(exc.cause) and (
                            tries >= REFUSED_ATTEMPTS
                            or self.clock() - start + self.retry.longest_wait(tries)
                            > self.timeouts.connect_s
                        ):
                            raise _GiveUp(exc.cause) from None
                        raise
        except (_Transient, _GiveUp) as exc:
            raise self._give_up(method, path, exc.cause, tries) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def transaction(
        self, commands: list[dict[str, Any]], *, confirm: Callable[[], bool] | None = None
    ) -> Any:
        """Send ``commands`` (method, path, body) as one iControl REST transaction: BIG-IP
        applies all of them or none (reference §4.15)."""
        opened = self.request("POST", TRANSACTION_PATH, body={})
        trans_id = str(opened["transId"])
        header = {"X-F5-REST-Coordination-Id": trans_id}
        for command in commands:
            self.request(
                command["method"], command["path"], body=command.get("body"), headers=header
            )
        done = self.request(
            "PATCH", f"{TRANSACTION_PATH}/{trans_id}", body={"state": "VALIDATING"}, confirm=confirm
        )
        if done and done.get("state") not in (None, "COMPLETED"):
            raise DeviceError(self.name, "PATCH", f"{TRANSACTION_PATH}/{trans_id}", 200,
                              f"transaction ended {done.get('state')}: {done.get('failureReason', '')}")  # fmt: skip
        return done

    def _before_retry(self, method: str, path: str) -> Callable[[RetryCallState], None]:
        def before(state: RetryCallState) -> None:
            self.counters.retries += 1
            cause = state.outcome.exception() if state.outcome is not None else None
            why = reason(cause.cause) if isinstance(cause, _Transient) else str(cause)
            wait = state.next_action.sleep if state.next_action is not None else 0.0
            self._log.retry(method, path, state.attempt_number, wait, why)

        return before

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        body: Any,
        confirm: Callable[[], bool] | None,
        relogged: bool = False,
        headers: Mapping[str, str] | None = None,
        retry: int = 0,
    ) -> Any:
        self._extend_token_if_needed()
        if method == "GET":
            self.counters.reads += 1
        else:
            self.counters.writes += 1
        try:
            response = self._send(method, path, params, body, headers, retry=retry)
            payload = response.json() if response.ok and response.content else {}
        except (requests.ConnectTimeout, requests.exceptions.SSLError) as exc:
            if isinstance(exc, requests.exceptions.SSLError):
                raise tls_error(self.name, self.base_url, self.verify, exc) from None
            raise _Transient(exc) from None  # never reached the device
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if method == "GET" or (
                isinstance(exc, requests.ConnectionError) and never_connected(exc)
            ):
                raise _Transient(exc) from None
            return self._after_lost_write(method, path, body, confirm, exc)
        except requests.Timeout as exc:  # a read timeout: the request did arrive
            if method == "GET":
                raise _Transient(exc) from None
            return self._after_lost_write(method, path, body, confirm, exc)
        except ValueError:  # a 2xx whose body is not JSON (an HTML error page from a proxy)
            raise DeviceError(self.name, method, path, response.status_code,
                              "the answer is not JSON: " + answer_message(response)) from None  # fmt: skip
        if response.status_code == 401 and any(m in response.text for m in _TOKEN_GONE):
            if relogged:
                raise self._error(method, path, response)
            self._login()  # the device dropped or expired the token: once more, with a new one
            return self._attempt(method, path, params, body, confirm, True, headers, retry)
        if response.ok:
            return payload
        error = self._error(method, path, response)
        if method != "GET" and response.status_code in (502, 504):
            # A gateway error on a write may come after the device applied it: re-read.
            return self._after_lost_write(method, path, body, confirm, error)
        if error.busy:
            raise _Transient(error)
        raise error

    def _after_lost_write(
        self,
        method: str,
        path: str,
        body: Any,
        confirm: Callable[[], bool] | None,
        cause: Exception,
    ) -> Any:
        if confirm is not None:
            if confirm():
                return {}
            raise _Transient(cause)
        if isinstance(body, dict) and "command" in body:
            raise _Transient(cause)
        raise AmbiguousWriteError(
            f"{self.name}: {method} {path}: the answer was lost ({reason(cause)}); "
            "the change may or may not have been applied",
            self.name,
        )

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        body: Any,
        headers: Mapping[str, str] | None = None,
        *,
        retry: int = 0,
    ) -> requests.Response:
        start = time.monotonic()
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers=dict(headers) if headers else None,
                timeout=(self.timeouts.connect_s, self.timeouts.read_s),
                # Per request: requests lets REQUESTS_CA_BUNDLE override a Session's ``verify``.
                verify=self.verify,
            )
        except requests.RequestException as exc:
            self._log.request(method, path, params, body, reason(exc), start, retry)
            raise
        error = None if response.ok else answer_message(response)
        status = str(response.status_code)
        self._log.request(method, path, params, body, status, start, retry, error)
        return response

    def _error(self, method: str, path: str, response: requests.Response) -> DeviceError:
        code: int | None = None
        api_error: int | None = None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            code = payload.get("code") if isinstance(payload.get("code"), int) else None
            api_error = (
                payload.get("apiError") if isinstance(payload.get("apiError"), int) else None
            )
        message = scrub(answer_message(response), [self.password, *self.also_secret])
        return DeviceError(self.name, method, path, response.status_code, message, code, api_error)

    def _give_up(self, method: str, path: str, cause: Exception, tries: int) -> F5EcmpError:
        if isinstance(cause, DeviceError):
            return cause
        return UnreachableError(
            f"{self.name}: {method} {self._log.shown(path)}: no answer from {self.base_url} after "
            f"{tries} attempt{'s' if tries != 1 else ''} ({reason(cause)})",
            self.name,
        )
