"""The errors of one BIG-IP's client, and what a transport failure says about a request.

A device error carries device, method, path, HTTP status and the body's ``code``, ``message``
and ``apiError``; the other errors say the credentials were refused, no answer came, or a
write's answer was lost.
"""

from __future__ import annotations

import requests

from f5ecmp.errors import F5EcmpError

RETRIABLE_STATUS = frozenset({502, 503, 504})
# Bodies a busy or restarting device answers with (reference §2.2): nothing was applied.
_BUSY_MARKERS = (
    "The connection to mcpd has been lost",
    "not registered",
    "Configuration Utility restarting",
)


class DeviceError(F5EcmpError):
    """A device answered with an error; carries everything needed to say what and where."""

    def __init__(
        self,
        device: str,
        method: str,
        path: str,
        status: int,
        message: str,
        code: int | None = None,
        api_error: int | None = None,
    ) -> None:
        self.device, self.method, self.path, self.status = device, method, path, status
        self.message, self.code, self.api_error = message, code, api_error
        super().__init__(f"{device}: {method} {path} → HTTP {status}: {message}")

    @property
    def busy(self) -> bool:
        """The device refused for now (restarting, mcpd lost): nothing was applied."""
        return self.status in RETRIABLE_STATUS or any(m in self.message for m in _BUSY_MARKERS)


class ClientError(F5EcmpError):
    """An error of one device's client that is not the device's own answer; ``device``
    names the device (the message starts with it too)."""

    def __init__(self, message: str, device: str | None = None) -> None:
        super().__init__(message)
        self.device = device


class AuthError(ClientError):
    """The device refused the credentials."""


class UnreachableError(ClientError):
    """No answer from the device (refused, timed out, TLS failure) after every retry."""


class ReadOnlyError(ClientError):
    """A write was attempted through a read-only client (``plan``)."""


class AmbiguousWriteError(ClientError):
    """A write's answer was lost: it may or may not have been applied. Re-read and decide."""


def tls_error(device: str, url: str, verify: bool | str, exc: Exception) -> UnreachableError:
    """A TLS failure, naming the URL and what the certificate was checked against."""
    against = (
        f"CA bundle {verify}"
        if isinstance(verify, str)
        else "the system's CAs"
        if verify
        else "no verification"
    )
    return UnreachableError(
        f"{device}: TLS with {url} failed: {reason(exc)} (checked against {against})", device
    )


def answer_message(response: requests.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and payload.get("message"):
        return str(payload["message"])
    text = " ".join(response.text.split())
    return text[:200] if text else response.reason or "no message"


def never_connected(exc: requests.ConnectionError) -> bool:
    """True when the connection was refused or never set up, so nothing was sent."""
    text = str(exc)
    return any(
        marker in text
        for marker in ("NewConnectionError", "Connection refused", "Failed to establish")
    )


def refused(exc: Exception) -> bool:
    """A connection refused or impossible to set up (no listener, no route, no such host),
    as opposed to one that timed out or broke: retrying it soon rarely helps."""
    return (
        isinstance(exc, requests.ConnectionError)
        and not isinstance(exc, requests.Timeout)
        and never_connected(exc)
    )


def reason(exc: Exception) -> str:
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    for marker in ("Connection refused", "timed out", "CERTIFICATE_VERIFY_FAILED", "reset by peer"):
        if marker in text:
            return (
                marker.lower()
                if marker != "CERTIFICATE_VERIFY_FAILED"
                else "certificate verify failed"
            )
    return text.split(": ")[-1][:160]
