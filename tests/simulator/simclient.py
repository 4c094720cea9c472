"""A plain iControl REST client for the simulator's tests: requests, token login, the CA."""

from __future__ import annotations

from typing import Any

import requests


class Rest:
    """One device over HTTPS, verified with the simulator's CA, logged in with a token."""

    def __init__(
        self,
        url: str,
        ca_bundle: str,
        user: str = "admin",
        password: str = "admin",
        login: bool = True,
    ) -> None:
        self.url = url
        self.session = requests.Session()
        # An explicit CA: REQUESTS_CA_BUNDLE in the environment would otherwise win over
        # `session.verify` (requests merges the environment per request).
        self.session.trust_env = False
        self.session.verify = ca_bundle
        if login:
            self.login(user, password)

    def login(self, user: str = "admin", password: str = "admin") -> requests.Response:
        response = self.post(
            "/mgmt/shared/authn/login",
            {"username": user, "password": password, "loginProviderName": "tmos"},
        )
        if response.status_code == 200:
            self.session.headers["X-F5-Auth-Token"] = response.json()["token"]["token"]
        return response

    def request(self, method: str, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url + path, json=body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        response = self.request(method, path, body)
        assert response.status_code == 200, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def close(self) -> None:
        self.session.close()


def error(response: requests.Response, status: int) -> dict[str, Any]:
    """The JSON body of a refusal, after checking its status."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def stat(payload: dict[str, Any], entry: str, field: str) -> Any:
    """A field of a stats-shaped response (`entries → <entry> → nestedStats → entries`)."""
    value = payload["entries"][entry]["nestedStats"]["entries"][field]
    return value.get("description", value.get("value"))


def sync_status(rest: Rest) -> str:
    body = rest.ok("GET", "/mgmt/tm/cm/sync-status")
    return str(stat(body, "https://localhost/mgmt/tm/cm/sync-status/0", "status"))


def details(payload: dict[str, Any], entry: str, block: str) -> list[str]:
    inner = payload["entries"][entry]["nestedStats"]["entries"].get(block)
    if inner is None:
        return []
    return [
        v["nestedStats"]["entries"]["details"]["description"]
        for v in inner["nestedStats"]["entries"].values()
    ]


def active_groups(rest: Rest, device: str) -> list[str]:
    """Traffic groups `device` is active for, as `cm/traffic-group/stats` on `rest` says."""
    body = rest.ok("GET", "/mgmt/tm/cm/traffic-group/stats")
    out = []
    for entry in body["entries"].values():
        fields = entry["nestedStats"]["entries"]
        if (
            fields["deviceName"]["description"] == f"/Common/{device}"
            and fields["failoverState"]["description"] == "active"
        ):
            out.append(fields["trafficGroup"]["description"])
    return sorted(out)
