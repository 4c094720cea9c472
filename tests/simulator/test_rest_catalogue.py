"""The built-in catalogue of a fresh 16.1 device: every profile type with its defaults,
monitors, persistence profiles, and the read-only collections clients gather."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from simclient import Rest, stat

from f5ecmp.simulator import catalogue

Client = Callable[..., Rest]
BASE = "https://localhost/mgmt/tm/"


def kind_of(path: str, suffix: str = "collectionstate") -> str:
    parts = path.split("/")
    return "tm:" + ":".join(parts) + ":" + parts[-1] + suffix


def test_every_profile_type_has_its_builtin_profiles(rest: Client) -> None:
    client = rest()
    for kind, found in catalogue.PROFILES.items():
        body = client.ok("GET", f"/mgmt/tm/ltm/profile/{kind}")
        assert body["kind"] == kind_of(f"ltm/profile/{kind}")
        assert [i["name"] for i in body["items"]] == sorted(found), kind
    http = client.ok("GET", "/mgmt/tm/ltm/profile/http/~Common~http-explicit")
    assert http["proxyType"] == "explicit" and http["defaultsFrom"] == "/Common/http"
    ssl = client.ok("GET", "/mgmt/tm/ltm/profile/client-ssl/~Common~clientssl")
    assert ssl["cert"] == "/Common/default.crt" and ssl["key"] == "/Common/default.key"


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("ltm/persistence/source-addr", ["source_addr"]),
        ("ltm/persistence/cookie", ["cookie"]),
        ("ltm/monitor/tcp-half-open", ["tcp_half_open"]),
        ("ltm/monitor/http", ["http", "http_head_f5"]),
        ("ltm/monitor/external", []),
        # bigip_virtual_server reads it on every update and indexes `items` unguarded.
        ("ltm/message-routing/sip/profile/session", ["sipsession"]),
        ("ltm/rule", None),
        ("ltm/policy", []),
        ("ltm/snatpool", []),
        ("ltm/data-group/internal", ["aol", "images", "private_net", "sys_APM_MS_Office_OFBA_DG"]),
        ("net/trunk", []),
        ("auth/user", ["admin"]),
        ("auth/partition", ["Common"]),
        ("sys/software/volume", ["HD1.1"]),
        ("sys/software/image", ["BIGIP-16.1.3-0.0.12.iso"]),
        ("sys/software/hotfix", []),
        ("sys/management-route", ["default"]),
        ("sys/file/ssl-cert", ["ca-bundle.crt", "default.crt", "f5-ca-bundle.crt", "f5-irule.crt"]),
        ("sys/file/ssl-key", ["default.key"]),
        ("sys/application/service", []),
        ("sys/ucs", []),
        ("sys/folder", ["Common", "Drafts"]),
        ("sys/ha-group", []),
    ],
)
def test_read_only_collections(rest: Client, path: str, names: list[str] | None) -> None:
    body = rest().ok("GET", f"/mgmt/tm/{path}")
    assert body["kind"] == kind_of(path)
    assert body["selfLink"] == f"{BASE}{path}?ver=16.1.3"
    found = [i["name"] for i in body.get("items", [])]
    if names is None:
        assert "_sys_https_redirect" in found
    else:
        assert found == names
    assert "items" in body or not names, "an empty collection has no items key"


def test_read_only_collections_refuse_a_create(rest: Client) -> None:
    response = rest().post("/mgmt/tm/sys/software/volume", {"name": "HD1.2"})
    assert response.status_code == 400


def test_volume_and_management_route_describe_the_device(rest: Client) -> None:
    client = rest()
    volume = client.ok("GET", "/mgmt/tm/sys/software/volume/HD1.1")
    assert volume["active"] is True and volume["version"] == "16.1.3"
    route = client.ok("GET", "/mgmt/tm/sys/management-route/~Common~default")
    assert route["network"] == "default" and route["gateway"] == "127.0.1.254"
    assert client.ok("GET", "/mgmt/tm/sys/syslog")["kind"] == "tm:sys:syslog:syslogstate"


def test_clock_hardware_and_license(rest: Client) -> None:
    client = rest()
    clock = client.ok("GET", "/mgmt/tm/sys/clock")
    assert stat(clock, f"{BASE}sys/clock/0", "fullDate").endswith("Z")
    hardware = client.ok("GET", "/mgmt/tm/sys/hardware")
    platform = hardware["entries"][f"{BASE}sys/hardware/platform"]["nestedStats"]["entries"]
    fields = platform[f"{BASE}sys/hardware/platform/0"]["nestedStats"]["entries"]
    assert fields["marketingName"]["description"] == "BIG-IP Virtual Edition"
    license_ = client.ok("GET", "/mgmt/tm/sys/license")
    assert stat(license_, f"{BASE}sys/license/0", "licensedVersion") == "16.1.3"


def test_a_virtual_may_use_any_builtin_profile(rest: Client) -> None:
    client = rest()
    virtual = client.ok(
        "POST",
        "/mgmt/tm/ltm/virtual",
        {
            "name": "ws",
            "destination": "/Common/30.1.1.10:443",
            "profiles": ["/Common/tcp", "/Common/http", "/Common/websocket", "/Common/http2"],
        },
    )
    assert virtual["name"] == "ws"
