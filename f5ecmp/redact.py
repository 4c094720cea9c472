"""Keep secrets out of everything f5ecmp shows or records.

The add-to-trust request carries a peer's password in its body, and a login carries the
operator's; every change, journal record and JSON document passes through :func:`redact`
before it is printed or written.
"""

from __future__ import annotations

from typing import Any

MASK = "********"
_SECRET_KEYS = ("password", "passwd", "secret", "token")


def is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in _SECRET_KEYS) and not lowered.endswith("_env")


def redact(value: Any) -> Any:
    """A copy of ``value`` with every secret-looking key's value masked."""
    if isinstance(value, dict):
        return {k: (MASK if is_secret_key(str(k)) else redact(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with each of the given secret strings masked (for error messages)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text
