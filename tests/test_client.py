"""The device client against recorded device answers: auth, retries, errors, read-only."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
import responses

from f5ecmp.client import (
    AmbiguousWriteError,
    AuthError,
    Client,
    DeviceError,
    ReadOnlyError,
    RetryPolicy,
    Timeouts,
    UnreachableError,
)

BASE = "https://127.0.1.1:8443"
SECRET = "s3cr3t-Pa55w0rd!"
LOGIN = {
    "username": "admin",
    "loginProviderName": "tmos",
    "token": {"token": "TOKENAAAAAAAAAAAAAAAAAAAAA", "timeout": 1200, "userName": "admin"},
}
NOT_FOUND = {
    "code": 404,
    "message": "01020036:3: The requested VLAN (/Common/ext) was not found.",
    "errorStack": [],
    "apiError": 3,
}
BUSY = {"code": 503, "message": "Configuration Utility restarting...", "kind": ":resterrorresponse"}
MCPD_LOST = {
    "code": 500,
    "message": "The connection to mcpd has been lost, try again.",
    "apiError": 32768001,
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, f"{BASE}/mgmt/shared/authn/login", json=LOGIN)
        yield mock


def make_client(clock: FakeClock, **kwargs: object) -> Client:
    client = Client(
        name="bigip-a.example.net",
        host="127.0.1.1",
        port=8443,
        username="admin",
        password=SECRET,
        retry=RetryPolicy(attempts=4, total_s=60),
        timeouts=Timeouts(connect_s=3, read_s=7),
        sleep=clock.sleep,
        clock=clock,
        **kwargs,  # type: ignore[arg-type]
    )
    client.connect()
    return client


def test_one_login_then_the_token_on_every_request(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    rsps.add(responses.GET, f"{BASE}/mgmt/tm/net/vlan", json={"kind": "x", "items": []})
    client = make_client(clock)
    assert client.get("/mgmt/tm/net/vlan") == {"kind": "x", "items": []}
    assert client.get("/mgmt/tm/net/vlan")["items"] == []
    login, first, second = rsps.calls
    assert json.loads(login.request.body or b"{}")["password"] == SECRET
    assert "X-F5-Auth-Token" not in login.request.headers
    for call in (first, second):
        assert call.request.headers["X-F5-Auth-Token"] == "TOKENAAAAAAAAAAAAAAAAAAAAA"
        assert call.request.req_kwargs["timeout"] == (3, 7)
        assert call.request.req_kwargs["verify"] not in (False, None)
    assert (client.counters.logins, client.counters.reads, client.counters.writes) == (1, 2, 0)
    assert SECRET not in repr(client)


def test_the_ca_bundle_is_used_even_when_the_environment_names_another(
    rsps: responses.RequestsMock, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    rsps.add(responses.GET, f"{BASE}/mgmt/tm/sys/", json={})
    client = make_client(clock, verify="/opt/site/bigip-ca.pem")
    client.get("/mgmt/tm/sys/")
    assert [c.request.req_kwargs["verify"] for c in rsps.calls] == ["/opt/site/bigip-ca.pem"] * 2


def test_refused_credentials(clock: FakeClock) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(
            responses.POST,
            f"{BASE}/mgmt/shared/authn/login",
            status=401,
            json={"code": 401, "message": "Authentication failed.", "kind": ":resterrorresponse"},
        )
        with pytest.raises(AuthError) as caught:
            make_client(clock)
    assert "Authentication failed." in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_dropped_token_means_one_new_login_and_the_same_request(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    gone = {"code": 401, "message": "X-F5-Auth-Token does not exist.", "kind": ":resterrorresponse"}
    rsps.add(responses.GET, f"{BASE}/mgmt/tm/sys/ntp", status=401, json=gone)
    rsps.add(responses.GET, f"{BASE}/mgmt/tm/sys/ntp", json={"timezone": "UTC"})
    client = make_client(clock)
    assert client.get("/mgmt/tm/sys/ntp") == {"timezone": "UTC"}
    assert client.counters.logins == 2
    assert client.counters.retries == 0


def test_device_errors_carry_what_the_device_said(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    rsps.add(responses.GET, f"{BASE}/mgmt/tm/net/vlan/~Common~ext", status=404, json=NOT_FOUND)
    client = make_client(clock)
    with pytest.raises(DeviceError) as caught:
        client.get("/mgmt/tm/net/vlan/~Common~ext")
    error = caught.value
    assert (error.device, error.method, error.path, error.status) == (
        "bigip-a.example.net",
        "GET",
        "/mgmt/tm/net/vlan/~Common~ext",
        404,
    )
    assert (error.code, error.api_error) == (404, 3)
    assert error.message.startswith("01020036:3:")
    assert client.counters.retries == 0  # a missing object is an answer, not a hiccup


@pytest.mark.parametrize(("status", "body"), [(503, BUSY), (500, MCPD_LOST)])
def test_busy_answers_are_retried_with_backoff(
    rsps: responses.RequestsMock, clock: FakeClock, status: int, body: dict[str, object]
) -> None:
    url = f"{BASE}/mgmt/tm/net/self"
    rsps.add(responses.POST, url, status=status, json=body)
    rsps.add(responses.POST, url, status=status, json=body)
    rsps.add(responses.POST, url, json={"name": "s"})
    client = make_client(clock)
    assert client.post("/mgmt/tm/net/self", {"name": "s"}) == {"name": "s"}
    assert client.counters.retries == 2
    assert client.counters.writes == 3
    assert len(clock.slept) == 2 and all(0 < s <= 11 for s in clock.slept)


def test_a_refused_connection_gets_three_tries_within_the_connect_timeout(
    clock: FakeClock,
) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, f"{BASE}/mgmt/shared/authn/login", json=LOGIN)
        refused = requests.ConnectionError(
            "Failed to establish a new connection: Connection refused"
        )
        for _ in range(4):
            rsps.add(responses.GET, f"{BASE}/mgmt/tm/sys/", body=refused)
        client = make_client(clock)
        started = clock.now
        with pytest.raises(UnreachableError, match=r"after 3 attempts \(connection refused\)"):
            client.get("/mgmt/tm/sys/")
    assert client.counters.retries == 2
    assert clock.now - started < client.timeouts.connect_s


def test_a_refused_connection_is_tried_no_longer_than_the_connect_timeout(
    clock: FakeClock,
) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, f"{BASE}/mgmt/shared/authn/login", json=LOGIN)
        for _ in range(4):
            rsps.add(
                responses.GET,
                f"{BASE}/mgmt/tm/sys/",
                body=requests.ConnectionError("Failed to establish a new connection: refused"),
            )
        client = make_client(clock)
        client.timeouts = Timeouts(connect_s=1, read_s=7)
        started = clock.now
        with pytest.raises(UnreachableError, match="refused"):
            client.get("/mgmt/tm/sys/")
    assert clock.now - started <= 1


def test_a_dropped_read_still_gets_every_attempt(clock: FakeClock) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, f"{BASE}/mgmt/shared/authn/login", json=LOGIN)
        for _ in range(4):
            rsps.add(
                responses.GET,
                f"{BASE}/mgmt/tm/sys/",
                body=requests.ConnectionError("Connection reset by peer"),
            )
        client = make_client(clock)
        with pytest.raises(UnreachableError, match="after 4 attempts"):
            client.get("/mgmt/tm/sys/")
    assert client.counters.retries == 3


def test_a_lost_write_is_confirmed_by_reading_not_repeated(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    url = f"{BASE}/mgmt/tm/ltm/pool"
    rsps.add(responses.POST, url, body=requests.ReadTimeout("read timed out"))
    client = make_client(clock)
    checked: list[bool] = []

    def confirm() -> bool:
        checked.append(True)
        return True

    assert client.post("/mgmt/tm/ltm/pool", {"name": "p"}, confirm=confirm) == {}
    assert checked == [True]
    assert len([c for c in rsps.calls if c.request.method == "POST"]) == 2  # login + one write


def test_a_lost_write_that_did_not_apply_is_sent_again(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    url = f"{BASE}/mgmt/tm/ltm/pool"
    rsps.add(responses.POST, url, body=requests.ConnectionError("Connection reset by peer"))
    rsps.add(responses.POST, url, json={"name": "p"})
    client = make_client(clock)
    assert client.post("/mgmt/tm/ltm/pool", {"name": "p"}, confirm=lambda: False) == {"name": "p"}
    assert client.counters.retries == 1


def test_a_lost_write_without_a_way_to_confirm_is_not_guessed(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    rsps.add(responses.PATCH, f"{BASE}/mgmt/tm/cm/device/~Common~a", body=requests.ReadTimeout("x"))
    client = make_client(clock)
    with pytest.raises(AmbiguousWriteError, match="may or may not have been applied"):
        client.patch("/mgmt/tm/cm/device/~Common~a", {"configsyncIp": "10.1.1.6"})


def test_commands_are_repeated_after_a_lost_answer(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    url = f"{BASE}/mgmt/tm/sys/config"
    rsps.add(responses.POST, url, body=requests.ReadTimeout("x"))
    rsps.add(responses.POST, url, json={"command": "save"})
    client = make_client(clock)
    assert client.post("/mgmt/tm/sys/config", {"command": "save"}) == {"command": "save"}


def test_read_only_refuses_writes_before_sending(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    client = make_client(clock, read_only=True)
    for call in (
        lambda: client.post("/mgmt/tm/net/vlan", {"name": "x"}),
        lambda: client.patch("/mgmt/tm/net/vlan/x", {"mtu": 1500}),
        lambda: client.delete("/mgmt/tm/net/vlan/x"),
    ):
        with pytest.raises(ReadOnlyError):
            call()
    assert len(rsps.calls) == 1  # the login only
    assert client.counters.writes == 0


def test_the_token_is_extended_before_it_runs_out_and_deleted_at_the_end(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    token_url = f"{BASE}/mgmt/shared/authz/tokens/TOKENAAAAAAAAAAAAAAAAAAAAA"
    rsps.add(responses.PATCH, token_url, json={"timeout": 3600})
    rsps.add(responses.DELETE, token_url, body="")
    rsps.add(responses.GET, f"{BASE}/mgmt/tm/sys/", json={})
    client = make_client(clock)
    client.get("/mgmt/tm/sys/")
    clock.now += 1150  # 50 s of the 1200 s token left
    client.get("/mgmt/tm/sys/")
    client.close()
    methods = [(c.request.method, c.request.url) for c in rsps.calls]
    assert methods == [
        ("POST", f"{BASE}/mgmt/shared/authn/login"),
        ("GET", f"{BASE}/mgmt/tm/sys/"),
        ("PATCH", token_url),
        ("GET", f"{BASE}/mgmt/tm/sys/"),
        ("DELETE", token_url),
    ]
    assert json.loads(rsps.calls[2].request.body or b"{}") == {"timeout": 3600}


def test_a_gateway_error_on_a_write_is_confirmed_not_resent(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    # A 504 from the proxy in front of the REST service may come after the write was applied.
    rsps.add(
        responses.POST, f"{BASE}/mgmt/tm/ltm/pool", status=504, body="<html>Gateway Timeout</html>"
    )
    client = make_client(clock)
    assert client.post("/mgmt/tm/ltm/pool", {"name": "p"}, confirm=lambda: True) == {}
    assert len([c for c in rsps.calls if c.request.url.endswith("/ltm/pool")]) == 1


def test_a_gateway_error_on_a_read_is_retried(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    rsps.add(responses.GET, f"{BASE}/mgmt/tm/sys/", status=502, body="bad gateway")
    rsps.add(responses.GET, f"{BASE}/mgmt/tm/sys/", json={"kind": "ok"})
    client = make_client(clock)
    assert client.get("/mgmt/tm/sys/") == {"kind": "ok"}


def test_an_answer_that_is_not_json_is_a_device_error(
    rsps: responses.RequestsMock, clock: FakeClock
) -> None:
    rsps.add(
        responses.GET, f"{BASE}/mgmt/tm/sys/", status=200, body="<html>Configuration Utility</html>"
    )
    client = make_client(clock)
    with pytest.raises(DeviceError, match="not JSON"):
        client.get("/mgmt/tm/sys/")


def test_the_password_never_reaches_an_error_message(clock: FakeClock) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, f"{BASE}/mgmt/shared/authn/login", json=LOGIN)
        rsps.add(responses.POST, f"{BASE}/mgmt/tm/cm/add-to-trust", status=400,
                 body=f"error: bad request body {{'password': '{SECRET}'}}")  # fmt: skip
        client = make_client(clock)
        with pytest.raises(DeviceError) as caught:
            client.post("/mgmt/tm/cm/add-to-trust", {"password": SECRET})
    assert SECRET not in str(caught.value)
