"""The device API the steps and the runner use (``f5ecmp.client.Client`` implements it), and
the few read helpers built on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from f5ecmp.bigip.normalize import flag, items
from f5ecmp.errors import F5EcmpError

Json = Any  # what a device answers: decoded JSON, untyped by nature
DEVICE_COLLECTION = "/mgmt/tm/cm/device"
T = TypeVar("T")


class DeviceApi(Protocol):
    """One BIG-IP over iControl REST, as the steps see it."""

    name: str

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Json: ...

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Json = None,
        confirm: Callable[[], bool] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Json: ...

    def transaction(
        self, commands: list[dict[str, Any]], *, confirm: Callable[[], bool] | None = None
    ) -> Json: ...


def not_found(exc: F5EcmpError) -> bool:
    """A 404 meaning "no such object" (mcpd's 01020036 "was not found"), never the 404 of a
    REST service that is restarting (reference §2.2)."""
    if getattr(exc, "status", None) != 404 or getattr(exc, "busy", False):
        return False
    message = str(getattr(exc, "message", ""))
    return "01020036" in message or "not found" in message.lower()


def already_exists(exc: F5EcmpError) -> bool:
    """A 409 for a create: the object is there already (another operator, a lost answer)."""
    return getattr(exc, "status", None) == 409


def get_or_none(client: DeviceApi, path: str, params: Mapping[str, str] | None = None) -> Json:
    """GET an object; None when the device says it does not exist."""
    try:
        return client.get(path, params)
    except F5EcmpError as exc:
        if not_found(exc):
            return None
        raise


def in_parallel(names: Iterable[str], work: Callable[[str], T]) -> dict[str, T]:
    """``work(name)`` for every name at once: name → result (the first error is raised)."""
    listed = list(names)
    if len(listed) <= 1:
        return {n: work(n) for n in listed}
    with ThreadPoolExecutor(max_workers=len(listed)) as pool:
        return dict(zip(listed, pool.map(work, listed), strict=True))


def self_device(collection: Json) -> dict[str, Any] | None:
    """The device's own ``cm device`` record (``selfDevice "true"``) from the collection."""
    return next((d for d in items(collection) if flag(d.get("selfDevice")) is True), None)
