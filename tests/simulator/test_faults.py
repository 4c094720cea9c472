"""Fault injection: busy devices, resets, failing writes, short tokens, devices going down —
and the same fault script replaying exactly from its seed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from simclient import Rest

from f5ecmp.simulator.clock import FakeClock
from f5ecmp.simulator.serve import SimServer

Client = Callable[..., Rest]
A = "bigip-a.example.net"


def outcome(call: Callable[[], requests.Response]) -> str:
    try:
        return str(call().status_code)
    except requests.ConnectionError:
        return "reset"


def script(client: Rest) -> list[str]:
    """A fixed sequence of reads and writes; what happened to each."""
    seen = []
    for i in range(30):
        seen.append(outcome(lambda: client.get("/mgmt/tm/sys/version")))
        if i % 3 == 0:
            seen.append(
                outcome(
                    lambda i=i: client.post(  # type: ignore[misc]
                        "/mgmt/tm/net/vlan", {"name": f"v{i}", "tag": 100 + i}
                    )
                )
            )
    return seen


def faulty_run(served: SimServer, rest: Client, seed: int) -> list[str]:
    served.reset()
    client = rest(A)
    served.faults("*", error_rate=0.25, drop_rate=0.15, latency_ms=20, jitter_ms=30, seed=seed)
    return script(client)


def test_faults_replay_exactly_from_a_seed(served: SimServer, rest: Client) -> None:
    first = faulty_run(served, rest, seed=42)
    second = faulty_run(served, rest, seed=42)
    assert first == second
    assert {"200", "503", "reset"} <= set(first)
    assert faulty_run(served, rest, seed=43) != first


def test_busy_device_answers_503_as_restjavad_does(served: SimServer, rest: Client) -> None:
    client = rest(A)
    served.faults(A, error_rate=1.0)
    response = client.get("/mgmt/tm/ltm/pool")
    assert response.status_code == 503
    assert response.json()["message"] == (
        "URI path /mgmt/tm/ltm/pool not registered.  Please verify URI is supported and wait "
        "for /available suffix to be responsive."
    )


def test_latency_is_slept_on_the_cluster_clock(
    served: SimServer, rest: Client, clock: FakeClock
) -> None:
    client = rest(A)
    served.faults(A, latency_ms=1500)
    before = clock.now()
    client.get("/mgmt/tm/sys/version")
    assert clock.now() - before == pytest.approx(1.5)


def test_the_nth_write_fails_before_it_is_applied(served: SimServer, rest: Client) -> None:
    client = rest(A)
    served.faults(A, fail_nth_write=2)
    assert client.post("/mgmt/tm/net/vlan", {"name": "one"}).status_code == 200
    failed = client.post("/mgmt/tm/net/vlan", {"name": "two"})
    assert failed.status_code == 500
    assert failed.json() == {
        "code": 500,
        "message": "The connection to mcpd has been lost, try again.",
        "errorStack": [],
        "apiError": 32768001,
    }
    assert client.get("/mgmt/tm/net/vlan/two").status_code == 404
    assert client.post("/mgmt/tm/net/vlan", {"name": "two"}).status_code == 200


def test_short_token_lifetime(served: SimServer, rest: Client, clock: FakeClock) -> None:
    served.faults(A, token_ttl_s=30)
    client = rest(A)
    login: Any = client.session.headers["X-F5-Auth-Token"]
    assert client.ok("GET", f"/mgmt/shared/authz/tokens/{login}")["timeout"] == 30
    clock.advance(31)
    assert client.get("/mgmt/tm/sys").json()["message"] == "X-F5-Auth-Token does not exist."
    assert client.login().status_code == 200
    assert client.get("/mgmt/tm/sys").status_code == 200


def test_a_device_taken_down_blackholes_until_it_is_back(served: SimServer, rest: Client) -> None:
    """Issue 9, item 11: an open connection gets no answer (a read timeout), a new one is not
    even accepted (a connect timeout), and the device answers again once it is back."""
    client = rest(A)
    served.faults(A, down=True)
    with pytest.raises(requests.ReadTimeout):
        client.get("/mgmt/tm/sys/version", timeout=(0.5, 0.5))
    with pytest.raises(requests.ConnectTimeout):
        rest(A, login=False).get("/mgmt/tm/sys/version", timeout=(0.3, 0.3))
    served.faults(A, down=False)
    assert rest(A).get("/mgmt/tm/sys/version").status_code == 200
    assert client.get("/mgmt/tm/sys/version").status_code == 200


def test_a_held_request_is_let_go_after_blackhole_s(served: SimServer, rest: Client) -> None:
    client = rest(A)
    served.faults(A, down=True, blackhole_s=0.2)
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):
        client.get("/mgmt/tm/sys/version", timeout=(5, 5))
    assert time.monotonic() - started < 3


def test_a_held_request_is_answered_when_the_device_comes_back(
    served: SimServer, rest: Client
) -> None:
    client = rest(A)
    served.set_down(A)
    threading.Timer(0.3, lambda: served.set_down(A, False)).start()
    assert client.get("/mgmt/tm/sys/version", timeout=(5, 5)).status_code == 200


def test_restjavad_down_answers_503_and_the_device_stays_in_the_cluster(
    served: SimServer, rest: Client
) -> None:
    client = rest(A)
    served.faults(A, restjavad_down=True)
    busy = client.get("/mgmt/tm/sys/version")
    assert busy.status_code == 503 and "/available suffix" in busy.json()["message"]
    assert rest(A, login=False).login().status_code == 503
    assert served.cluster.reachable(served.cluster.device(A))
    served.faults(A, restjavad_down=False)
    assert client.get("/mgmt/tm/sys/version").status_code == 200
