"""What a rollout costs: requests, critical path, wall time and peak memory of f5ecmp.

    python tests/benchmarks/bench_rollout.py [--latency-ms 20] [--timing instant|device|both]
        [--repeat N] [--json out.json] [--plot out.png] [--quick]

Every scenario runs the real ``f5ecmp`` command in its own process against a simulated
cluster served by this process on loopback, with a fixed latency added to every request, in
two timings: ``instant``, the simulator's trust, sync and failover delays at zero, so that
the figures measure f5ecmp and not the simulator's waits; and ``device``, the simulator's
default ``Timing()`` (about a second for trust, sync and failover, and each traffic group's
60 s auto-failback timer), so that they show what a rollout on devices costs. Each timing
covers the seed example (plan, apply, re-apply, plan, and a resume), 2, 4 and 8 devices, and
10, 1,000 and 5,000 pool members. ``--quick`` runs the seed example's scenarios in the
instant timing only (a few seconds; CI runs it).

Requests come from the simulator's counters; the critical path is the longest chain of
requests in its request log where each started after the previous ended; wall time and peak
RSS are those of the f5ecmp process. With ``--repeat N`` every scenario runs N times, each
time on a cluster of its own, and the run with the median wall time is reported.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from f5ecmp.playbook import load_playbook  # noqa: E402
from f5ecmp.simulator import Cluster, Timing, serve  # noqa: E402

SEED = ROOT / "playbooks" / "seed-example.yaml"
TIMINGS = {"instant": Timing.instant(), "device": Timing()}
DEVICES = (2, 4, 8)  # and the seed example's 3
MEMBERS = (10, 1000, 5000)
ENV = {**os.environ, "F5_USER": "admin", "F5_PASSWORD": "bench-pw", "NO_COLOR": "1"}


def generated_playbook(devices: int = 3, members: int = 2) -> str:
    """The seed example, grown to ``devices`` devices and ``members`` pool members."""
    data = yaml.safe_load(SEED.read_text())
    data["devices"] = [
        {
            "name": f"bigip-{i}.example.net",
            "mgmt": f"127.0.3.{i}",
            "port": 8443,
            "static_selfs": {"external": f"20.1.1.{10 + i}/24", "internal": f"10.1.1.{10 + i}/24", "ha": f"10.2.1.{10 + i}/24"},
            "floating_selfs": {"external": f"20.1.1.{100 + i}/24", "internal": f"10.1.1.{100 + i}/24"},
            "traffic_group": {"name": f"traffic-group-{i}", "mac_masquerade": f"02:01:d7:93:35:{i:02x}"},
        }
        for i in range(1, devices + 1)
    ]  # fmt: skip
    data["pool"]["members"] = [
        {"address": f"10.9.{k // 250}.{k % 250 + 1}", "port": 80} for k in range(members)
    ]
    return yaml.safe_dump(data, sort_keys=False)


def critical_path(log: list[dict[str, Any]]) -> int:
    """Length of the longest chain of requests, each starting after the previous ended."""
    spans = []
    for entry in log:
        start = datetime.datetime.fromisoformat(entry["time"]).timestamp()
        spans.append((start, start + entry["duration_ms"] / 1000.0))
    spans.sort(key=lambda s: s[1])
    ends = [end for _, end in spans]
    best: list[int] = []
    running_max: list[int] = []
    for start, _ in spans:
        before = bisect_right(ends, start, 0, len(best))  # chains that ended before this start
        length = 1 + (running_max[before - 1] if before else 0)
        best.append(length)
        running_max.append(max(length, running_max[-1] if running_max else 0))
    return max(best, default=0)


def run_f5ecmp(args: list[str]) -> tuple[int, float, float]:
    """Run ``f5ecmp`` in its own process: (exit code, wall seconds, peak RSS in MB).

    Peak RSS is the process's own high-water mark (``VmHWM``), read from /proc while it runs:
    the rusage a parent gets for a child also counts the parent's memory at fork time.
    """
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "f5ecmp", *args], env=ENV, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    peak_kb = 0
    status_file = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.005)
    wall = time.perf_counter() - start
    return proc.returncode, wall, peak_kb / 1024


def measure(sim: Any, name: str, args: list[str], expect: int = 0) -> dict[str, Any]:
    before = sim.stats()["total"]
    log_start = len(sim.request_log())
    code, wall, rss = run_f5ecmp(args)
    if code != expect:
        raise SystemExit(f"{name}: f5ecmp exited {code}, expected {expect}")
    after = sim.stats()["total"]
    delta = {k: after[k] - before.get(k, 0) for k in after}
    log = sim.request_log()[log_start:]
    return {
        "scenario": name,
        "requests": delta["requests"],
        "reads": delta["reads"],
        "writes": delta["writes"],
        "logins": delta["logins"],
        "critical_path": critical_path(log),
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(rss, 1),
    }


class Bench:
    def __init__(self, latency_ms: float, workdir: Path, timing: str) -> None:
        self.latency_ms, self.timing = latency_ms, timing
        self.workdir = workdir / timing
        self.workdir.mkdir(parents=True, exist_ok=True)

    def cluster_run(
        self, label: str, playbook_text: str, scenarios: list[str]
    ) -> list[dict[str, Any]]:
        book = self.workdir / f"{label}.yaml"
        book.write_text(playbook_text)
        pb = load_playbook(book)
        cluster = Cluster.from_devices(
            pb.devices, credentials=("admin", "bench-pw"), timing=TIMINGS[self.timing]
        )
        rows = []
        with serve(cluster, ephemeral_ports=True) as sim:
            sim.faults("*", latency_ms=self.latency_ms)
            eps = self.workdir / f"{label}-eps.yaml"
            eps.write_text(
                yaml.safe_dump({"ca_bundle": str(sim.ca_bundle), "devices": dict(sim.devices)})
            )
            state = self.workdir / f"{label}-state"
            base = ["--endpoints", str(eps)]
            for scenario in scenarios:
                row = self._scenario(sim, scenario, book, base, state)
                rows.append({"setup": label, "timing": self.timing, **row})
        return rows

    def _scenario(
        self, sim: Any, scenario: str, book: Path, base: list[str], state: Path
    ) -> dict[str, Any]:
        apply = ["apply", str(book), *base, "--yes", "--json", "--state-dir", str(state)]
        if scenario == "plan (fresh)":
            return measure(sim, scenario, ["plan", str(book), *base, "--json"])
        if scenario == "fresh apply":
            return measure(sim, scenario, apply)
        if scenario == "no-op re-apply":
            return measure(sim, scenario, apply)
        if scenario == "plan (converged)":
            return measure(sim, scenario, ["plan", str(book), *base, "--json"])
        if scenario == "apply --resume":
            broken = book.with_name(book.stem + "-broken.yaml")
            broken.write_text(
                book.read_text()
                .replace("monitors: [http]", "monitors: [http_missing]")
                .replace("monitors:\n  - http", "monitors:\n  - http_missing")
            )
            resume_state = state.with_name(state.name + "-resume")
            first = [
                "apply",
                str(broken),
                *base,
                "--yes",
                "--json",
                "--state-dir",
                str(resume_state),
            ]
            measure(sim, "failing apply", first, expect=1)
            again = [
                "apply",
                str(book),
                *base,
                "--yes",
                "--json",
                "--state-dir",
                str(resume_state),
                "--resume",
            ]
            return measure(sim, scenario, again)
        raise ValueError(scenario)


SEED_SCENARIOS = ["plan (fresh)", "fresh apply", "no-op re-apply", "plan (converged)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--timing", choices=("instant", "device", "both"), default="both")
    parser.add_argument("--json", type=Path, default=Path("benchmark.json"))
    parser.add_argument(
        "--plot", type=Path, default=None, help="write a PNG plot (needs matplotlib)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="the seed example in the instant timing only"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of every scenario")
    options = parser.parse_args()
    timings = ["instant", "device"] if options.timing == "both" else [options.timing]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="f5ecmp-bench-") as tmp:
        for timing in ["instant"] if options.quick else timings:
            runs = [
                run_timing(Bench(options.latency_ms, Path(tmp) / str(n), timing), options.quick)
                for n in range(max(1, options.repeat))
            ]
            rows += [median_run(list(same)) for same in zip(*runs, strict=True)]
    print_table(rows, options.latency_ms)
    options.json.write_text(json.dumps({"latency_ms": options.latency_ms, "rows": rows}, indent=2))
    print(f"\nwrote {options.json}")
    if options.plot is not None:
        plot(rows, options.plot, options.latency_ms)
        print(f"wrote {options.plot}")


def run_timing(bench: Bench, quick: bool) -> list[dict[str, Any]]:
    rows = bench.cluster_run("seed", SEED.read_text(), SEED_SCENARIOS)
    rows += bench.cluster_run("seed-resume", SEED.read_text(), ["apply --resume"])
    if quick:
        return rows
    scenarios = ["fresh apply", "no-op re-apply"]
    for devices in DEVICES:
        rows += bench.cluster_run(f"{devices} devices", generated_playbook(devices), scenarios)
    for members in MEMBERS:
        rows += bench.cluster_run(f"{members} members", generated_playbook(3, members), scenarios)
    return rows


def median_run(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Of the runs of one scenario, the one with the median wall time."""
    return sorted(rows, key=lambda r: float(r["wall_s"]))[(len(rows) - 1) // 2]


def print_table(rows: list[dict[str, Any]], latency_ms: float) -> None:
    print(
        f"f5ecmp against the simulator, {latency_ms:g} ms per request; timing instant: trust, "
        "sync and failover at once; device: Timing(), about 1 s each"
    )
    header = f"{'setup':<13} {'timing':<8} {'scenario':<17} {'requests':>8} {'reads':>6} {'writes':>6} {'logins':>6} {'crit.path':>9} {'wall s':>7} {'RSS MB':>7}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['setup']:<13} {r['timing']:<8} {r['scenario']:<17} {r['requests']:>8} {r['reads']:>6} {r['writes']:>6} "
              f"{r['logins']:>6} {r['critical_path']:>9} {r['wall_s']:>7.2f} {r['peak_rss_mb']:>7.1f}")  # fmt: skip


def plot(rows: list[dict[str, Any]], path: Path, latency_ms: float) -> None:
    """Wall time against devices and pool members, requests against devices, peak RSS
    against pool members; each for a fresh apply and a re-apply, in both timings."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    devices = [(2, "2 devices"), (3, "seed"), *((n, f"{n} devices") for n in DEVICES[1:])]
    members = [(n, f"{n} members") for n in MEMBERS]
    panels = (
        ("wall_s", devices, "devices", "wall time (s)"),
        ("wall_s", members, "pool members", "wall time (s)"),
        ("requests", devices, "devices", "requests"),
        ("peak_rss_mb", members, "pool members", "peak RSS (MB)"),
    )
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    for ax, (field, setups, xlabel, ylabel) in zip(axes.flat, panels, strict=True):
        for timing, colour in (("instant", "tab:blue"), ("device", "tab:orange")):
            for scenario, style in (("fresh apply", "-o"), ("no-op re-apply", "--s")):
                points = [
                    (x, r[field])
                    for x, setup in setups
                    for r in rows
                    if (r["setup"], r["timing"], r["scenario"]) == (setup, timing, scenario)
                ]
                if points:
                    xs, ys = zip(*points, strict=True)
                    ax.plot(xs, ys, style, color=colour, label=f"{scenario}, {timing} timing")
        if xlabel == "pool members":
            ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7)
    fig.suptitle(
        f"f5ecmp on the simulator, {latency_ms:g} ms per request; timing instant (delays 0) "
        "and device (Timing(): about 1 s for trust, sync, failover)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
