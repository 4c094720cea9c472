"""``f5ecmp router-config``: each platform's lines for the seed cluster, checked against golden
files that were reviewed line by line against the reference page on router ECMP; ``--from``,
``--json`` and the errors.

Set F5ECMP_UPDATE_GOLDEN=1 to rewrite the golden files from the current output (then review
the diff before committing it).
"""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path

import pytest

from f5ecmp.playbook import load_playbook
from tests.conftest import SEED
from tests.day2.conftest import SEED_ARG, Invoke, config_lines

GOLDEN = Path(__file__).parent / "golden"
VIP = "30.1.1.10"
NEXT_HOPS = ("20.1.1.2", "20.1.1.3", "20.1.1.4")

FULL = {
    "frr": ["--platform", "frr"],
    "frr-bfd": ["--platform", "frr", "--bfd"],
    "frr-prefix": ["--platform", "frr", "--prefix", "30.1.1.0/24"],
    "ios": ["--platform", "ios"],
    "ios-bfd": ["--platform", "ios", "--bfd", "--interface", "GigabitEthernet0/0/1"],
    "nxos": ["--platform", "nxos"],
    "nxos-bfd": ["--platform", "nxos", "--bfd", "--interface", "Ethernet1/1"],
    "junos": ["--platform", "junos"],
    "junos-bfd": ["--platform", "junos", "--bfd"],
    "eos": ["--platform", "eos"],
    "eos-bfd": ["--platform", "eos", "--bfd", "--interface", "Ethernet1"],
    "linux": ["--platform", "linux"],
    "linux-dev": ["--platform", "linux", "--interface", "ext"],
    "linux-resilient": ["--platform", "linux", "--resilient", "--interface", "ext"],
    "linux-bfd": ["--platform", "linux", "--bfd"],
}
FROM = {
    "frr": ["--platform", "frr"],
    "frr-bfd": ["--platform", "frr", "--bfd"],
    "ios": ["--platform", "ios"],
    "ios-bfd": ["--platform", "ios", "--bfd", "--interface", "GigabitEthernet0/0/1"],
    "nxos": ["--platform", "nxos"],
    "nxos-bfd": ["--platform", "nxos", "--bfd", "--interface", "Ethernet1/1"],
    "junos": ["--platform", "junos"],
    "junos-bfd": ["--platform", "junos", "--bfd"],
    "eos": ["--platform", "eos"],
    "eos-bfd": ["--platform", "eos", "--bfd", "--interface", "Ethernet1"],
    "linux": ["--platform", "linux"],
    "linux-resilient": ["--platform", "linux", "--resilient", "--interface", "ext"],
}
MARK = {"junos": "#", "linux": "#"}


def _check_golden(name: str, output: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("F5ECMP_UPDATE_GOLDEN") == "1":
        path.write_text(output)
    assert output == path.read_text(), f"output differs from {path}"


def test_the_seed_has_the_addresses_the_golden_files_use() -> None:
    pb = load_playbook(SEED)
    assert str(pb.virtual_server.destination.ip) == VIP
    assert pb.virtual_server.destination.network.prefixlen == 32
    floating = tuple(str(d.floating_selfs.external.address.ip) for d in pb.devices)
    assert floating == NEXT_HOPS


@pytest.mark.parametrize("name", sorted(FULL))
def test_full_configuration(router_config: Invoke, name: str) -> None:
    result = router_config(SEED_ARG, *FULL[name])
    assert result.exit_code == 0, result.output
    _check_golden(name, result.stdout)
    mark = MARK.get(name.split("-")[0], "!")
    lines = config_lines(result.stdout, mark)
    assert lines
    for hop in NEXT_HOPS:  # every device's floating external self IP is a next hop
        assert any(hop in line for line in lines), hop
    if "prefix" not in name:
        assert all(
            VIP in line
            for line in lines
            if line.startswith(("ip route 3", "set routing-options static"))
        )


@pytest.mark.parametrize("name", sorted(FROM))
def test_from_adds_a_fourth_device(router_config: Invoke, four_devices: Path, name: str) -> None:
    result = router_config(four_devices, "--from", SEED_ARG, *FROM[name])
    assert result.exit_code == 0, result.output
    _check_golden(f"from-add-{name}", result.stdout)
    lines = config_lines(result.stdout, MARK.get(name.split("-")[0], "!"))
    assert any("20.1.1.5" in line for line in lines)
    if not name.startswith("linux"):  # linux replaces the whole route, naming every next hop
        assert not any(hop in line for line in lines for hop in NEXT_HOPS)


@pytest.mark.parametrize("name", sorted(FROM))
def test_from_removes_a_device(router_config: Invoke, without_b: Path, name: str) -> None:
    result = router_config(without_b, "--from", SEED_ARG, *FROM[name])
    assert result.exit_code == 0, result.output
    _check_golden(f"from-remove-{name}", result.stdout)
    lines = config_lines(result.stdout, MARK.get(name.split("-")[0], "!"))
    if name == "linux":
        assert lines == [
            "ip route replace 30.1.1.10/32 nexthop via 20.1.1.2 weight 1 "
            "nexthop via 20.1.1.4 weight 1"
        ]
    elif name == "linux-resilient":  # bigip-b's next-hop object (id 11) leaves the group
        assert lines == [
            "ip nexthop replace id 100 group 10/12 type resilient buckets 64",
            "ip nexthop del id 11",
        ]
    else:
        assert any("20.1.1.3" in line for line in lines)
        assert not any(hop in line for line in lines for hop in ("20.1.1.2", "20.1.1.4"))


def test_from_the_same_playbook_changes_nothing(router_config: Invoke) -> None:
    result = router_config(SEED_ARG, "--from", SEED_ARG)
    assert result.exit_code == 0
    assert config_lines(result.stdout, "!") == []
    assert "! no change: both playbooks give the router the same route" in result.stdout


def test_json_document(router_config: Invoke) -> None:
    result = router_config(SEED_ARG, "--platform", "junos", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["platform"] == "junos"
    assert doc["prefix"] == "30.1.1.10/32"
    assert doc["virtual_address"] == VIP
    assert [(h["address"], h["device"]) for h in doc["next_hops"]] == [
        ("20.1.1.2", "bigip-a.example.net"),
        ("20.1.1.3", "bigip-b.example.net"),
        ("20.1.1.4", "bigip-c.example.net"),
    ]
    assert doc["lines"] == [
        "set routing-options static route 30.1.1.10/32 next-hop [ 20.1.1.2 20.1.1.3 20.1.1.4 ]",
        "set policy-options policy-statement ECMP-LB then load-balance per-packet",
        "set routing-options forwarding-table export ECMP-LB",
    ]
    assert all(line.startswith("# ") for line in doc["comments"])


def test_json_document_of_changes(router_config: Invoke, four_devices: Path) -> None:
    result = router_config(four_devices, "--from", SEED_ARG, "--platform", "frr", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [h["address"] for h in doc["next_hops"]] == [*NEXT_HOPS, "20.1.1.5"]
    assert [h["address"] for h in doc["from"]["next_hops"]] == list(NEXT_HOPS)
    assert doc["added"] == [
        {"address": "20.1.1.5", "device": "bigip-d.example.net", "traffic_group": "traffic-group-4"}
    ]
    assert doc["removed"] == []
    assert doc["add"] == ["ip route 30.1.1.10/32 20.1.1.5"]
    assert doc["remove"] == []


def test_bfd_notes_go_to_stderr(router_config: Invoke) -> None:
    linux = router_config(SEED_ARG, "--platform", "linux", "--bfd")
    assert linux.exit_code == 0
    assert linux.stderr.startswith("note: linux: the kernel has no BFD")
    frr = router_config(SEED_ARG, "--platform", "frr", "--bfd")
    assert frr.stderr.startswith("note: frr: BFD on static routes needs an FRR release after 8.4")
    assert router_config(SEED_ARG, "--platform", "junos", "--bfd").stderr == ""


def test_defaults_come_from_the_playbook_and_options_win(
    router_config: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "with-router.yaml"
    path.write_text(
        SEED.read_text() + "\nrouter: {platform: nxos, interface: Ethernet1/1, bfd: true}\n"
    )
    from_playbook = router_config(path)
    assert from_playbook.exit_code == 0, from_playbook.output
    assert "ip route static bfd Ethernet1/1 20.1.1.2" in from_playbook.stdout
    overridden = router_config(path, "--platform", "eos", "--interface", "Ethernet7", "--no-bfd")
    assert overridden.exit_code == 0, overridden.output
    assert config_lines(overridden.stdout, "!") == [f"ip route {VIP}/32 {h}" for h in NEXT_HOPS]


def test_playbook_prefix_is_used(router_config: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "with-prefix.yaml"
    path.write_text(SEED.read_text() + "\nrouter: {prefix: 30.1.0.0/16}\n")
    result = router_config(path)
    assert config_lines(result.stdout, "!")[0] == "ip route 30.1.0.0/16 20.1.1.2"
    path.write_text(SEED.read_text() + "\nrouter: {prefix: 30.2.0.0/16}\n")
    wrong = router_config(path)
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith(
        "error: router.prefix 30.2.0.0/16 does not contain the virtual address 30.1.1.10"
    )


def test_ipv6_host_route(router_config: Invoke, tmp_path: Path) -> None:
    text = SEED.read_text().replace("destination: 30.1.1.10", "destination: 2001:db8:30::10")
    for n in range(2, 9):  # the external VLAN's floating and static self IPs
        text = text.replace(f"20.1.1.{n}/24", f"2001:db8:20::{n}/64")
    path = tmp_path / "v6.yaml"
    path.write_text(text)
    expected = {
        "frr": "ipv6 route 2001:db8:30::10/128 2001:db8:20::2",
        "ios": "ipv6 route 2001:db8:30::10/128 2001:db8:20::2",
        "junos": "set routing-options rib inet6.0 static route 2001:db8:30::10/128 next-hop [ 2001:db8:20::2 2001:db8:20::3 2001:db8:20::4 ]",
        "linux": "ip route replace 2001:db8:30::10/128 nexthop via 2001:db8:20::2 weight 1 nexthop via 2001:db8:20::3 weight 1 nexthop via 2001:db8:20::4 weight 1",
    }  # fmt: skip
    for platform, first in expected.items():
        result = router_config(path, "--platform", platform)
        assert result.exit_code == 0, result.output
        assert config_lines(result.stdout, MARK.get(platform, "!"))[0] == first
        assert ipaddress.ip_network(json.loads(router_config(path, "--json").stdout)["prefix"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--prefix", "30.1.1.0/33"], "error: --prefix: '30.1.1.0/33' is not a prefix such as 30.1.1.0/24"),
        (["--prefix", "30.1.1.10/24"], "error: --prefix: '30.1.1.10/24' has host bits set: the prefix is 30.1.1.0/24"),
        (["--prefix", "30.1.2.0/24"], "error: --prefix 30.1.2.0/24 does not contain the virtual address 30.1.1.10 (virtual_server.destination): the route must reach it"),
        (["--prefix", "2001:db8::/32"], "error: --prefix 2001:db8::/32 does not contain the virtual address 30.1.1.10"),
        (["--platform", "ios", "--bfd"], "error: --interface is required for --platform ios with --bfd"),
        (["--platform", "nxos", "--bfd"], "error: --interface is required for --platform nxos with --bfd"),
        (["--platform", "eos", "--bfd"], "error: --interface is required for --platform eos with --bfd"),
        (["--platform", "linux", "--resilient"], "error: --interface is required with --resilient"),
        (["--platform", "frr", "--resilient"], "error: --resilient is for --platform linux"),
        (["--interface", "Gi 0/1"], "error: --interface 'Gi 0/1' is not an interface name"),
    ],
)  # fmt: skip
def test_bad_input_is_one_red_line(router_config: Invoke, args: list[str], message: str) -> None:
    result = router_config(SEED_ARG, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output


def test_unknown_platform_is_refused_by_the_choices(router_config: Invoke) -> None:
    result = router_config(SEED_ARG, "--platform", "cisco")
    assert result.exit_code == 64  # a usage error (EX_USAGE), never 2 ("changes pending")
    assert "'cisco' is not one of" in result.stderr


def test_a_bad_playbook_is_reported_with_its_line(router_config: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SEED.read_text() + "\nrouter: {platform: cisco}\n")
    result = router_config(path)
    assert result.exit_code == 1
    assert (
        "router.platform: 'cisco' is not one of: frr, ios, nxos, junos, eos, linux" in result.stderr
    )
    old = router_config(SEED_ARG, "--from", path)
    assert old.exit_code == 1
    assert f"{path}:" in old.stderr
