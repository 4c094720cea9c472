"""router-config's FRR lines, loaded into a real FRR (Debian's zebra and staticd) running in its
own network namespace: the route must be installed with one active next hop per device, and
follow the cluster as a device joins and another leaves (the ``--from`` lines)."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.day2.conftest import SEED_ARG, Invoke
from tests.day2.netns import (
    kernel_gateways,
    namespace,
    run,
    unavailable,
    unique_name,
    wait_for,
)

FRR_DIR = Path("/usr/lib/frr")
DAEMONS = ("zebra", "staticd")
PREFIX = "30.1.1.10/32"


def require_frr() -> str:
    """The vtysh command, once zebra, staticd, vtysh and the frr user are all there."""
    missing = [str(FRR_DIR / d) for d in DAEMONS if not (FRR_DIR / d).exists()]
    vtysh = shutil.which("vtysh")
    if vtysh is None:
        missing.append("vtysh")
    if missing:
        unavailable(f"FRR is not installed (no {', '.join(missing)}; Debian package frr)")
    try:
        pwd.getpwnam("frr")
    except KeyError:
        unavailable("FRR is not installed (no frr user; Debian package frr)")
    assert vtysh is not None
    return vtysh


class Frr:
    """One FRR instance: its daemons' sockets under ``base/name``, reached with ``vtysh -N``."""

    def __init__(self, vtysh: str, name: str, base: Path) -> None:
        self.vtysh_path, self.name, self.base = vtysh, name, base

    def vtysh(self, *args: str, check: bool = True) -> str:
        return run(
            self.vtysh_path, "-N", self.name, "--vty_socket", str(self.base),
            "--config_dir", str(self.base), *args, check=check,
        )  # fmt: skip

    def load(self, text: str) -> None:
        """Load configuration text as router-config printed it, comments and all."""
        path = self.base / f"load-{time.monotonic_ns()}.conf"
        path.write_text(text)
        out = self.vtysh("-f", str(path))
        assert "%" not in out, out

    def route(self, prefix: str) -> list[dict[str, Any]]:
        data = json.loads(self.vtysh("-c", f"show ip route {prefix} json") or "{}")
        entries: list[dict[str, Any]] = data.get(prefix, [])
        return entries

    def answering(self) -> bool:
        out = self.vtysh("-c", "show daemons", check=False)
        return all(daemon in out for daemon in DAEMONS)


@contextmanager
def frr_in(ns: str) -> Iterator[Frr]:
    """zebra and staticd started inside ``ns`` with their own pid files, sockets and vty
    sockets in a temporary directory (``-N`` names the instance), stopped on the way out."""
    vtysh = require_frr()
    name = unique_name("f5rt")
    base = Path(tempfile.mkdtemp(prefix="f5ecmp-frr-"))
    base.chmod(0o755)  # the daemons drop to the frr user, which must reach its own directory
    home = base / name
    home.mkdir()
    shutil.chown(home, "frr", "frr")
    (home / "vtysh.conf").write_text("username root nopassword\n")
    try:
        for daemon in DAEMONS:
            run(
                "ip", "netns", "exec", ns, str(FRR_DIR / daemon), "-d", "-N", name,
                "-i", str(home / f"{daemon}.pid"), "-z", str(home / "zserv.api"),
                "--vty_socket", str(home), "-P", "0", "-f", "/dev/null",
                "--log", f"file:{home / daemon}.log",
            )  # fmt: skip
        frr = Frr(vtysh, name, base)
        wait_for("zebra and staticd to answer vtysh", frr.answering, timeout=20)
        yield frr
    finally:
        for daemon in DAEMONS:
            _stop(home / f"{daemon}.pid")
        shutil.rmtree(base, ignore_errors=True)


def _stop(pid_file: Path, timeout: float = 5.0) -> None:
    """SIGTERM the daemon named by ``pid_file``; SIGKILL it if it has not gone in time."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return  # never started
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if Path(f"/proc/{pid}").exists():
        os.kill(pid, signal.SIGKILL)


def _installed_over(frr: Frr, ns: str, expected: set[str]) -> None:
    """FRR shows one installed route whose next hops are exactly ``expected``, each active and
    in the FIB, and the kernel has them all."""

    def fib_matches() -> bool:
        entries = frr.route(PREFIX)
        if len(entries) != 1 or not entries[0].get("installed"):
            return False
        hops = entries[0].get("nexthops", [])
        ok = all(hop.get("active") and hop.get("fib") for hop in hops)
        return ok and {hop.get("ip") for hop in hops} == expected

    wait_for(f"FRR to install {PREFIX} over {sorted(expected)}", fib_matches)
    (entry,) = frr.route(PREFIX)
    assert entry["protocol"] == "static"
    assert len(entry["nexthops"]) == len(expected)  # one next hop per device, no duplicates
    wait_for("the kernel route", lambda: kernel_gateways(ns, "30.1.1.10") == expected)


def test_frr_installs_the_route_and_follows_the_cluster(
    router_config: Invoke, four_devices: Path, four_without_b: Path
) -> None:
    with namespace() as ns, frr_in(ns) as frr:
        full = router_config(SEED_ARG, "--platform", "frr")
        assert full.exit_code == 0, full.output
        frr.load(full.stdout)
        _installed_over(frr, ns, {"20.1.1.2", "20.1.1.3", "20.1.1.4"})

        joined = router_config(four_devices, "--from", SEED_ARG, "--platform", "frr")
        assert joined.exit_code == 0, joined.output
        frr.load(joined.stdout)
        _installed_over(frr, ns, {"20.1.1.2", "20.1.1.3", "20.1.1.4", "20.1.1.5"})

        left = router_config(four_without_b, "--from", four_devices, "--platform", "frr")
        assert left.exit_code == 0, left.output
        frr.load(left.stdout)
        _installed_over(frr, ns, {"20.1.1.2", "20.1.1.4", "20.1.1.5"})


def test_frr_takes_a_prefix_route(router_config: Invoke) -> None:
    with namespace() as ns, frr_in(ns) as frr:
        result = router_config(SEED_ARG, "--platform", "frr", "--prefix", "30.1.1.0/24")
        assert result.exit_code == 0, result.output
        frr.load(result.stdout)

        def installed() -> bool:
            entries = frr.route("30.1.1.0/24")
            return len(entries) == 1 and len(entries[0].get("nexthops", [])) == 3

        wait_for("FRR to install 30.1.1.0/24", installed)
        assert kernel_gateways(ns, "30.1.1.0/24") == {"20.1.1.2", "20.1.1.3", "20.1.1.4"}


def test_missing_frr_skips_but_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "FRR_DIR", tmp_path / "no-frr")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="FRR is not installed"):
        require_frr()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and FRR is not installed"):
        require_frr()
