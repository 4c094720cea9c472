"""router-config's Linux lines, run with ``ip netns exec`` in a namespace of their own: the
kernel's multipath route (and, where the kernel has next-hop objects, the resilient group)
must hold one next hop per device and follow the cluster through ``--from``."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.day2.conftest import SEED_ARG, Invoke, config_lines
from tests.day2.netns import (
    COMMAND_TIMEOUT,
    LINK,
    kernel_gateways,
    kernel_route,
    namespace,
    require_root_and_ip,
    run,
)

SEED_HOPS = {"20.1.1.2", "20.1.1.3", "20.1.1.4"}


@pytest.fixture
def ns() -> Iterator[str]:
    with namespace() as name:
        yield name


def apply(ns: str, output: str) -> None:
    """Run each command line router-config printed, inside the namespace."""
    lines = config_lines(output, "#")
    assert lines
    for line in lines:
        args = shlex.split(line)
        assert args[0] == "ip", line
        run("ip", "netns", "exec", ns, *args)


def test_multipath_route_follows_the_cluster(
    router_config: Invoke, ns: str, four_devices: Path, four_without_b: Path
) -> None:
    full = router_config(SEED_ARG, "--platform", "linux")
    assert full.exit_code == 0, full.output
    apply(ns, full.stdout)
    (route,) = kernel_route(ns, "30.1.1.10")
    assert route["dst"] == "30.1.1.10"
    assert [hop["weight"] for hop in route["nexthops"]] == [1, 1, 1]
    assert {hop["dev"] for hop in route["nexthops"]} == {LINK}
    assert kernel_gateways(ns, "30.1.1.10") == SEED_HOPS

    joined = router_config(four_devices, "--from", SEED_ARG, "--platform", "linux")
    apply(ns, joined.stdout)
    assert kernel_gateways(ns, "30.1.1.10") == {*SEED_HOPS, "20.1.1.5"}

    left = router_config(four_without_b, "--from", four_devices, "--platform", "linux")
    apply(ns, left.stdout)
    assert kernel_gateways(ns, "30.1.1.10") == {"20.1.1.2", "20.1.1.4", "20.1.1.5"}


def _resilient_groups_missing(ns: str) -> str | None:
    """Why this kernel cannot hold a resilient next-hop group, if it cannot."""
    probes = [
        ("next-hop objects", ["nexthop", "add", "id", "9001", "via", "20.1.1.9", "dev", LINK]),
        ("resilient next-hop groups", ["nexthop", "add", "id", "9002", "group", "9001", "type", "resilient", "buckets", "8"]),
    ]  # fmt: skip
    try:
        for what, args in probes:
            done = subprocess.run(
                ["ip", "-n", ns, *args], capture_output=True, text=True, timeout=COMMAND_TIMEOUT
            )
            if done.returncode != 0:
                return f"this kernel has no {what}: {done.stderr.strip()}"
        return None
    finally:
        for nhid in ("9002", "9001"):
            run("ip", "-n", ns, "nexthop", "del", "id", nhid, check=False)


def _group(ns: str) -> dict[str, str]:
    """Resilient group 100's members: next-hop id -> gateway."""
    (group,) = json.loads(run("ip", "-n", ns, "-j", "nexthop", "show", "id", "100"))
    assert group["type"] == "resilient"
    assert group["resilient_args"]["buckets"] == 64
    members = {}
    for member in group["group"]:
        (hop,) = json.loads(run("ip", "-n", ns, "-j", "nexthop", "show", "id", str(member["id"])))
        members[str(member["id"])] = hop["gateway"]
    return members


def test_resilient_group_follows_the_cluster(
    router_config: Invoke, ns: str, four_devices: Path, four_without_b: Path
) -> None:
    missing = _resilient_groups_missing(ns)
    if missing:
        pytest.skip(missing)
    options = ("--platform", "linux", "--resilient", "--interface", LINK)
    full = router_config(SEED_ARG, *options)
    assert full.exit_code == 0, full.output
    apply(ns, full.stdout)
    (route,) = kernel_route(ns, "30.1.1.10")
    assert route["nhid"] == 100
    assert _group(ns) == {"10": "20.1.1.2", "11": "20.1.1.3", "12": "20.1.1.4"}
    assert kernel_gateways(ns, "30.1.1.10") == SEED_HOPS

    joined = router_config(four_devices, "--from", SEED_ARG, *options)
    apply(ns, joined.stdout)
    assert _group(ns) == {"10": "20.1.1.2", "11": "20.1.1.3", "12": "20.1.1.4", "13": "20.1.1.5"}

    left = router_config(four_without_b, "--from", four_devices, *options)
    apply(ns, left.stdout)
    assert _group(ns) == {"10": "20.1.1.2", "12": "20.1.1.4", "13": "20.1.1.5"}
    assert kernel_gateways(ns, "30.1.1.10") == {"20.1.1.2", "20.1.1.4", "20.1.1.5"}
    assert "id 11 " not in run("ip", "-n", ns, "nexthop", "show")  # deleted, not just unused


def test_not_root_skips_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not root"):
        require_root_and_ip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and not root"):
        require_root_and_ip()
