"""A throwaway network namespace with a link on the floating selfs' subnet, for the tests that
hand router-config's lines to a real FRR or to the kernel.

The namespace holds a veth pair whose both ends stay inside it, so nothing it routes can leave
it: the next hops are configuration values, nothing connects to them. Every command has a
timeout, and the namespace is deleted whatever happens.

These tests need root and ``ip``; the FRR ones need Debian's ``frr`` package. Where something
is missing they are skipped with the reason, except under CI (``CI=true``), where a missing
prerequisite is a failure: CI must never pass by skipping them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

COMMAND_TIMEOUT = 15.0  # seconds, for any one command
ROUTER_ADDRESS = "20.1.1.1/24"  # the router's own address on the seed's external subnet
LINK = "ext"


def unavailable(reason: str) -> None:
    """Skip, or fail under CI, where these tests must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}: install it (see .ci/run), these tests may not skip")
    pytest.skip(reason)


def require_root_and_ip() -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        unavailable("not root: network namespaces need root")
    if shutil.which("ip") is None:
        unavailable("no 'ip' command (iproute2)")


def run(*args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip() or done.stdout}"
        )
    return done.stdout


def unique_name(prefix: str) -> str:
    return f"{prefix}{os.getpid()}-{uuid.uuid4().hex[:6]}"


@contextmanager
def namespace() -> Iterator[str]:
    """A fresh namespace with ``ext`` (20.1.1.1/24, up) and its veth peer, both inside it."""
    require_root_and_ip()
    name = unique_name("f5rt-")
    run("ip", "netns", "add", name)
    try:
        run("ip", "-n", name, "link", "set", "lo", "up")
        run("ip", "-n", name, "link", "add", LINK, "type", "veth", "peer", "name", f"{LINK}-peer")
        run("ip", "-n", name, "address", "add", ROUTER_ADDRESS, "dev", LINK)
        run("ip", "-n", name, "link", "set", LINK, "up")
        run("ip", "-n", name, "link", "set", f"{LINK}-peer", "up")
        yield name
    finally:
        run("ip", "netns", "delete", name, check=False)


def kernel_route(ns: str, destination: str) -> list[dict[str, Any]]:
    """``ip -j route show DESTINATION`` in the namespace, parsed."""
    text = run("ip", "-n", ns, "-j", "route", "show", destination)
    routes: list[dict[str, Any]] = json.loads(text) if text.strip() else []
    return routes


def kernel_gateways(ns: str, destination: str) -> set[str]:
    """The gateways of the one kernel route to ``destination`` (multipath or not)."""
    routes = kernel_route(ns, destination)
    assert len(routes) == 1, routes
    route = routes[0]
    hops = route.get("nexthops") or [route]
    return {hop["gateway"] for hop in hops}


def wait_for(what: str, probe: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``probe`` until it holds, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
