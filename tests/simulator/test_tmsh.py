"""`util/bash` with the quoting clients send, and the tmsh commands it interprets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from simclient import Rest, active_groups

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.cluster import Cluster

Client = Callable[..., Rest]
A, B, C = "bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"
BASH = "/mgmt/tm/util/bash"


def run(client: Rest, args: str) -> str:
    body = client.ok("POST", BASH, {"command": "run", "utilCmdArgs": args})
    assert body["kind"] == "tm:util:bash:runstate" and body["utilCmdArgs"] == args
    return str(body.get("commandResult", ""))


@pytest.mark.parametrize(
    "args",
    [
        '-c "tmsh save sys config"',
        "-c 'tmsh save sys config'",
        '-c "tmsh -c \\"save sys config\\""',
    ],
)
def test_every_quoting_of_save(rest: Client, args: str) -> None:
    assert run(rest(), args).startswith("Saving running configuration...")


def test_bare_bash_commands_clients_send(rest: Client) -> None:
    client = rest()
    assert run(client, '-c "runlevel"') == "N 3\n"
    assert float(run(client, '-c "cat /proc/uptime"').split()[0]) >= 0
    assert "Version: 16.1.3\nBuild: 0.0.12\n" in run(client, '-c "cat /VERSION"')


def test_pipelines_into_grep_and_empty_output(rest: Client) -> None:
    """bigip_wait: `ps aux | grep '[m]prov'` prints nothing on a running device, and a command
    that prints nothing answers without `commandResult`."""
    client = rest()
    body = client.ok(
        "POST", BASH, {"command": "run", "utilCmdArgs": "-c \"ps aux | grep '[m]prov'\""}
    )
    assert "commandResult" not in body
    assert "restjavad" in run(client, "-c \"ps aux | grep '[r]estjavad'\"")
    assert "mcpd" not in run(client, '-c "ps aux | grep -v mcpd"')
    assert run(client, '-c "ps aux | sort"') == "/bin/bash: sort: command not found\n"


def test_show_status_commands(ecmp: Cluster, rest: Client) -> None:
    client = rest(B)
    sync = run(client, '-c "tmsh -c \\"show cm sync-status\\""')
    assert "CM::Sync Status" in sync and "In Sync" in sync
    failover = run(client, '-c "tmsh show cm failover-status"')
    assert "ACTIVE" in failover and "active for /Common/traffic-group-2" in failover
    assert run(client, "-c 'tmsh show sys failover'").startswith("Failover active for 0d")


def test_failover_and_config_sync_through_tmsh(
    ecmp: Cluster, rest: Client, clock: FakeClock
) -> None:
    b = rest(B)
    assert run(b, '-c "tmsh run sys failover standby traffic-group traffic-group-2"') == ""
    assert active_groups(b, C) == ["/Common/traffic-group-2", "/Common/traffic-group-3"]
    clock.advance(60)
    assert active_groups(b, B) == ["/Common/traffic-group-2"]
    a = rest(A)
    a.ok("POST", "/mgmt/tm/ltm/pool", {"name": "extra"})
    assert run(a, '-c "tmsh run cm config-sync to-group dg-ecmp"') == ""
    clock.advance(2)
    assert b.ok("GET", "/mgmt/tm/ltm/pool/~Common~extra")["name"] == "extra"


def test_list_and_show_of_modelled_objects(rest: Client) -> None:
    client = rest()
    client.ok("POST", "/mgmt/tm/net/vlan", {"name": "external", "tag": 10})
    listed = run(client, '-c "tmsh list net vlan external"')
    assert listed.startswith("net vlan external {\n") and "    tag 10\n" in listed
    assert run(client, '-c "tmsh list net vlan"').count("net vlan ") == 1
    missing = run(client, '-c "tmsh list net vlan nope"')
    assert missing == "01020036:3: The requested VLAN (/Common/nope) was not found.\n"


def test_unknown_commands_answer_as_tmsh_would(rest: Client) -> None:
    client = rest()
    assert (
        run(client, '-c "tmsh frobnicate sys"')
        == 'Syntax Error: "frobnicate" unexpected argument\n'
    )
    assert (
        run(client, '-c "tmsh show bogus thing"') == 'Syntax Error: "bogus" unexpected argument\n'
    )
    assert (
        run(client, '-c "tmsh list net nonsense"')
        == 'Syntax Error: "nonsense" unexpected argument\n'
    )
    not_active = run(client, '-c "tmsh run sys failover standby traffic-group traffic-group-9"')
    assert "traffic-group-9" in not_active
