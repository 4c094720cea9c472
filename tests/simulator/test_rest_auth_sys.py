"""Authentication, tokens and the sys endpoints over HTTPS, with the bodies devices send."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

import pytest
from simclient import Rest, stat

from f5ecmp.simulator.clock import FakeClock

Client = Callable[..., Rest]


def test_login_returns_a_token_as_captured(rest: Client) -> None:
    client = rest(login=False)
    body = client.login().json()
    token = body["token"]
    assert set(body) == {
        "username",
        "loginReference",
        "loginProviderName",
        "token",
        "generation",
        "lastUpdateMicros",
    }
    assert re.fullmatch(r"[A-Z0-9]{26}", token["token"]) and token["name"] == token["token"]
    assert token["timeout"] == 1200
    assert token["expirationMicros"] - token["lastUpdateMicros"] // 1000 * 1000 == 1200 * 10**6
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}", token["startTime"])
    assert body["loginReference"]["link"].endswith(
        "/tmos/1f44a60e-11a7-3c51-a49f-82983026b41b/login"
    )
    assert client.get("/mgmt/tm/sys/").status_code == 200


def test_login_with_a_bad_password(rest: Client) -> None:
    response = rest(login=False).login(password="wrong")
    assert response.status_code == 401
    assert response.reason == "F5 Authorization Required"
    body = response.json()
    assert body["message"] == "Authentication failed."
    assert body["kind"] == ":resterrorresponse"
    assert "password" not in body["originalRequestBody"]
    assert '"username":"admin"' in body["originalRequestBody"]


def test_no_credentials(rest: Client) -> None:
    response = rest(login=False).get("/mgmt/tm/ltm/virtual")
    assert response.status_code == 401
    assert response.json()["message"].startswith(
        "Authorization failed: no user authentication header or token detected. "
        "Uri:http://localhost:8100/mgmt/tm/ltm/virtual Referrer:127.0.0.1"
    )


def test_basic_auth_good_and_bad(rest: Client) -> None:
    client = rest(login=False)
    assert client.get("/mgmt/tm/sys/version", auth=("admin", "admin")).status_code == 200
    bad = client.get("/mgmt/tm/sys/version", auth=("admin", "nope"))
    assert bad.status_code == 401
    assert bad.headers["WWW-Authenticate"] == 'Basic realm="Enterprise Manager"'
    assert bad.headers["Content-Type"].startswith("text/html")
    assert "401 Unauthorized" in bad.text


def test_unknown_token(rest: Client) -> None:
    client = rest(login=False)
    response = client.get("/mgmt/tm/sys", headers={"X-F5-Auth-Token": "NOSUCHTOKEN"})
    assert response.status_code == 401
    assert response.json()["message"] == "X-F5-Auth-Token does not exist."
    assert response.json()["errorStack"][0].startswith("java.lang.SecurityException")


def test_token_extend_read_and_delete(rest: Client) -> None:
    client = rest()
    token = client.session.headers["X-F5-Auth-Token"]
    path = f"/mgmt/shared/authz/tokens/{token}"
    assert client.ok("PATCH", path, {"timeout": 36000})["timeout"] == 36000
    assert client.ok("PATCH", path, {"timeout": "3600"})["timeout"] == 3600
    too_long = client.patch(path, {"timeout": 36001})
    assert too_long.status_code == 400
    assert client.ok("GET", path)["token"] == token
    listed = client.ok("GET", "/mgmt/shared/authz/tokens")
    assert token in [t["token"] for t in listed["items"]]
    assert client.delete(path).status_code == 200
    assert client.get("/mgmt/tm/sys").status_code == 401


def test_token_expires_after_its_timeout(rest: Client, clock: FakeClock) -> None:
    client = rest()
    clock.advance(1199)
    assert client.get("/mgmt/tm/sys").status_code == 200
    clock.advance(2)
    assert client.get("/mgmt/tm/sys").json()["message"] == "X-F5-Auth-Token does not exist."


def test_sys_organizing_collection_carries_the_version(rest: Client) -> None:
    body = rest().ok("GET", "/mgmt/tm/sys/")
    assert body["kind"] == "tm:sys:syscollectionstate"
    assert body["selfLink"] == "https://localhost/mgmt/tm/sys?ver=16.1.3"
    links = [i["reference"]["link"] for i in body["items"]]
    assert "https://localhost/mgmt/tm/sys/global-settings?ver=16.1.3" in links
    assert "https://localhost/mgmt/tm/sys/version?ver=16.1.3" not in links  # answers, unlisted


def test_sys_version_ready_and_mcp_state(rest: Client) -> None:
    client = rest()
    version = client.ok("GET", "/mgmt/tm/sys/version")
    entry = "https://localhost/mgmt/tm/sys/version/0"
    assert stat(version, entry, "Version") == "16.1.3"
    assert stat(version, entry, "Product") == "BIG-IP"
    ready = client.ok("GET", "/mgmt/tm/sys/ready")
    assert {
        stat(ready, "https://localhost/mgmt/tm/sys/ready/0", k)
        for k in ("configReady", "licenseReady", "provisionReady")
    } == {"yes"}
    mcp = client.ok("GET", "/mgmt/tm/sys/mcp-state")
    assert stat(mcp, "https://localhost/mgmt/tm/sys/mcp-state/0", "phase") == "running"


@pytest.mark.parametrize(
    "path",
    [
        "/mgmt/shared/echo/available",
        "/mgmt/shared/identified-devices/config/device-info/available",
        "/mgmt/tm/sys/available",
        "/mgmt/tm/cm/available",
        "/mgmt/shared/iapp/package-management-tasks/available",
    ],
)
def test_readiness_urls_answer(rest: Client, path: str) -> None:
    assert rest().get(path).status_code == 200


def test_device_info(rest: Client) -> None:
    body = rest().ok("GET", "/mgmt/shared/identified-devices/config/device-info")
    assert body["mcpDeviceName"] == "/Common/bigip-a.example.net"
    assert body["managementAddress"] == "127.0.1.1"
    assert body["kind"] == "shared:resolver:device-groups:deviceinfostate"


def test_global_settings_ntp_and_dns(rest: Client) -> None:
    client = rest()
    settings = client.ok("GET", "/mgmt/tm/sys/global-settings")
    assert settings["hostname"] == "bigip-a.example.net"
    assert "name" not in settings and "generation" not in settings
    ntp = client.ok(
        "PATCH",
        "/mgmt/tm/sys/ntp/",
        {"servers": ["192.0.2.1", "pool.ntp.org"], "timezone": "Europe/Paris"},
    )
    assert ntp["kind"] == "tm:sys:ntp:ntpstate"
    assert ntp["servers"] == ["192.0.2.1", "pool.ntp.org"] and ntp["timezone"] == "Europe/Paris"
    assert ntp["restrictReference"]["isSubcollection"] is True
    assert ntp["restrictReference"]["link"].endswith("/mgmt/tm/sys/ntp/restrict?ver=16.1.3")
    bad_zone = client.patch("/mgmt/tm/sys/ntp", {"timezone": "Mars/Olympus"})
    assert bad_zone.status_code == 400
    dns = client.ok(
        "PATCH", "/mgmt/tm/sys/dns/", {"nameServers": ["192.0.2.53"], "search": ["example.net"]}
    )
    assert dns["nameServers"] == ["192.0.2.53"] and dns["kind"] == "tm:sys:dns:dnsstate"
    device = client.ok("GET", "/mgmt/tm/cm/device/~Common~bigip-a.example.net")
    assert device["timeZone"] == "Europe/Paris"


def test_provision_and_db(rest: Client) -> None:
    client = rest()
    levels = {i["name"]: i["level"] for i in client.ok("GET", "/mgmt/tm/sys/provision")["items"]}
    assert levels["ltm"] == "nominal" and levels["asm"] == "none"
    db = client.ok("PATCH", "/mgmt/tm/sys/db/dns.cache", {"value": "disable"})
    assert db["value"] == "disable" and db["fullPath"] == "dns.cache"


def test_save_config(rest: Client, served: object) -> None:
    client = rest()
    client.ok("POST", "/mgmt/tm/net/vlan", {"name": "v", "tag": 5})
    echo = client.ok("POST", "/mgmt/tm/sys/config", {"command": "save"})
    assert echo == {"kind": "tm:sys:config:savestate", "command": "save"}


def test_sys_failover_reports_its_state(rest: Client) -> None:
    body = rest().ok("GET", "/mgmt/tm/sys/failover")
    assert body["kind"] == "tm:sys:failover:failoverstats"
    assert re.fullmatch(
        r"Failover active for \dd \d\d:\d\d:\d\d\n", body["apiRawValues"]["apiAnonymous"]
    )


def test_unknown_uri_is_a_framework_404(rest: Client) -> None:
    response = rest().get("/mgmt/tm/ltm/nonsense/thing")
    assert response.status_code == 404
    assert response.json()["message"] == "Public URI path not registered: /tm/ltm/nonsense/thing"
    assert response.json()["kind"] == ":resterrorresponse"


def test_basic_header_that_is_not_base64(rest: Client) -> None:
    client = rest(login=False)
    garbled = "Basic " + base64.b64encode(b"\xff\xfe").decode()
    assert client.get("/mgmt/tm/sys", headers={"Authorization": garbled}).status_code == 401


def test_bash_runs_the_tmsh_commands_clients_send(rest: Client) -> None:
    client = rest()
    saved = client.ok(
        "POST", "/mgmt/tm/util/bash", {"command": "run", "utilCmdArgs": '-c "tmsh save sys config"'}
    )
    assert saved["kind"] == "tm:util:bash:runstate"
    assert saved["commandResult"].startswith("Saving running configuration...")
    refused = client.ok(
        "POST", "/mgmt/tm/util/bash", {"command": "run", "utilCmdArgs": "-c 'rm -rf /'"}
    )
    assert refused["commandResult"] == "/bin/bash: rm: command not found\n"


def test_sip_session_profiles_answer(rest: Client) -> None:
    body = rest().ok("GET", "/mgmt/tm/ltm/message-routing/sip/profile/session/")
    assert body["kind"] == "tm:ltm:message-routing:sip:profile:session:sessioncollectionstate"


def test_a_token_works_only_on_the_device_that_issued_it(rest: Client) -> None:
    a, b = rest("bigip-a.example.net"), rest("bigip-b.example.net", login=False)
    token = a.session.headers["X-F5-Auth-Token"]
    assert b.get("/mgmt/tm/sys", headers={"X-F5-Auth-Token": str(token)}).status_code == 401
