"""The playbook's optional ``router:`` key: the defaults of ``f5ecmp router-config``."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path

import pytest

from f5ecmp.errors import PlaybookError
from f5ecmp.playbook import load_playbook
from tests.conftest import SEED


def test_router_is_optional() -> None:
    assert load_playbook(SEED).router is None


def test_router_defaults(write_playbook: Callable[[str], Path], seed_text: str) -> None:
    router = load_playbook(write_playbook(seed_text + "\nrouter: {}\n")).router
    assert router is not None
    assert (router.platform, router.interface, router.bfd, router.prefix) == (
        "frr",
        None,
        False,
        None,
    )


def test_router_values(write_playbook: Callable[[str], Path], seed_text: str) -> None:
    text = (
        seed_text
        + "\nrouter: {platform: junos, interface: ge-0/0/1, bfd: enabled, prefix: 30.1.1.0/24}\n"
    )
    router = load_playbook(write_playbook(text)).router
    assert router is not None
    assert router.platform == "junos"
    assert router.interface == "ge-0/0/1"
    assert router.bfd is True
    assert router.prefix == ipaddress.ip_network("30.1.1.0/24")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{platform: cisco}", "router.platform: 'cisco' is not one of: frr, ios, nxos, junos, eos, linux"),
        ("{prefix: 30.1.1.1/24}", "router.prefix: '30.1.1.1/24' has host bits set: the prefix is 30.1.1.0/24"),
        ("{prefix: 30.1.1.10}", "router.prefix: '30.1.1.10' is not a prefix such as 30.1.1.0/24 (network/length)"),
        ("{interface: 'Gi 0/1'}", "router.interface: 'Gi 0/1' is not an interface name"),
        ("{platfrom: frr}", "router.platfrom: unknown key 'platfrom' (did you mean 'platform'?)"),
    ],
)  # fmt: skip
def test_router_errors(
    write_playbook: Callable[[str], Path], seed_text: str, value: str, message: str
) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_playbook(write_playbook(seed_text + f"\nrouter: {value}\n"))
    assert message in str(caught.value)
