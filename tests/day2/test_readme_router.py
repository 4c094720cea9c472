"""The README's router-config examples are the command's real output, kept so."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from f5ecmp.cli import app
from tests.conftest import ROOT, SEED
from tests.day2.conftest import with_device_d, without_device_b

_EXAMPLE = re.compile(r"```console\n\$ f5ecmp (router-config .*?)\n(.*?)```\n", re.S)
EXAMPLES = _EXAMPLE.findall((ROOT / "README.md").read_text())


def test_the_readme_shows_every_platform() -> None:
    shown = {m for command, _ in EXAMPLES for m in re.findall(r"--platform (\w+)", command)}
    assert shown == {"frr", "ios", "nxos", "junos", "eos", "linux"}


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(
    command: str, output: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The README's playbooks: the seed, the seed plus bigip-d, the seed without bigip-b.
    books = tmp_path / "playbooks"
    books.mkdir()
    seed = SEED.read_text()
    (books / "seed-example.yaml").write_text(seed)
    (books / "site-4.yaml").write_text(with_device_d(seed))
    (books / "site-3-without-b.yaml").write_text(without_device_b(seed))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, shlex.split(command))
    assert result.output == output
