"""Running F5's Ansible modules against a served simulator: the inventory, the environment and
`ansible-playbook` itself, with a bounded run time and the PLAY RECAP parsed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from f5ecmp.simulator.serve import SimServer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEED = ROOT / "playbooks" / "seed-example.yaml"
RECAP = re.compile(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", re.MULTILINE)
# Set by .ci/f5-clients: there, a missing Ansible is an error, not a reason to skip.
REQUIRED_ENV = "F5ECMP_F5_CLIENTS"


def ansible_playbook() -> str | None:
    """The `ansible-playbook` beside this interpreter (the job's own venv), if installed."""
    beside = Path(sys.executable).parent / "ansible-playbook"
    if beside.exists():
        return str(beside)
    return None


@dataclass
class PlaybookRun:
    returncode: int
    output: str
    recap: dict[str, dict[str, int]]

    def changed(self) -> dict[str, int]:
        return {host: counts["changed"] for host, counts in self.recap.items()}

    def failed(self) -> dict[str, int]:
        return {
            host: counts["failed"] + counts["unreachable"] for host, counts in self.recap.items()
        }


def parse_recap(output: str) -> dict[str, dict[str, int]]:
    """`bigip-a.example.net : ok=20 changed=3 unreachable=0 failed=0 …` → counts per host."""
    _, _, tail = output.rpartition("PLAY RECAP")
    recap: dict[str, dict[str, int]] = {}
    for host, counts in RECAP.findall(tail):
        recap[host] = {k: int(v) for k, v in (pair.split("=") for pair in counts.split())}
    return recap


def write_inventory(server: SimServer, path: Path, user: str = "admin") -> Path:
    """One host per simulated device, named after its CM device name, with the `provider`
    F5's modules take. Certificates are verified: `SSL_CERT_FILE` (see `environment`) points
    Python's default trust store at the simulator's CA."""
    hosts: dict[str, Any] = {}
    for name, url in server.devices.items():
        host, port = url.removeprefix("https://").rsplit(":", 1)
        hosts[name] = {
            "provider": {
                "server": host.strip("[]"),
                "server_port": int(port),
                "user": user,
                "password": server.cluster.credentials[1],
                "validate_certs": True,
                # TEEM would post every task's telemetry to F5; never from a test.
                "no_f5_teem": True,
            }
        }
    inventory = {
        "all": {
            "hosts": hosts,
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
            },
        }
    }
    path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    return path


def environment(server: SimServer, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(
        {
            "SSL_CERT_FILE": str(server.ca_bundle),
            "F5_TELEMETRY_OFF": "1",
            "ANSIBLE_HOME": str(workdir / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-tmp"),
            "ANSIBLE_REMOTE_TEMP": str(workdir / "ansible-remote-tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "ANSIBLE_FORKS": "3",
            "ANSIBLE_STDOUT_CALLBACK": "default",
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "0",
            "PYTHONWARNINGS": "ignore",
        }
    )
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(proxy, None)
    env["NO_PROXY"] = env["no_proxy"] = "*"
    return env


def run_playbook(
    playbook: Path,
    inventory: Path,
    env: Mapping[str, str],
    *,
    extra_vars: Sequence[str] = (),
    timeout: float = 300,
) -> PlaybookRun:
    executable = ansible_playbook()
    assert executable is not None, "ansible-playbook is not installed beside this Python"
    command = [executable, "-i", str(inventory), str(playbook)]
    for value in extra_vars:
        command += ["-e", value]
    done = subprocess.run(
        command,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
    )
    output = done.stdout + done.stderr
    return PlaybookRun(done.returncode, output, parse_recap(done.stdout))
