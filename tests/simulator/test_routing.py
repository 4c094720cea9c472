"""The routing table: which route answers a request, and what a method it lacks answers."""

from __future__ import annotations

import pytest

from f5ecmp.simulator import errors
from f5ecmp.simulator.rest.base import Ctx, Response
from f5ecmp.simulator.rest.routing import Route, Router
from f5ecmp.simulator.rest.urls import ROUTER


def nothing(ctx: Ctx) -> Response:
    return Response(204)


@pytest.mark.parametrize(
    ("method", "path", "pattern", "params", "rest"),
    [
        ("GET", "/mgmt/tm/sys/version/", "mgmt/tm/sys/version", {}, []),
        ("POST", "/mgmt/tm/cm", "mgmt/tm/cm", {}, []),
        ("GET", "/mgmt/tm/ltm/pool/~Common~web/stats", "mgmt/tm/ltm/pool/{name}/stats",
         {"name": "~Common~web"}, []),
        ("GET", "/mgmt/tm/ltm/pool/~Common~web/members", "mgmt/tm/{rest*}", {},
         ["ltm", "pool", "~Common~web", "members"]),
        ("GET", "/mgmt/tm//net/vlan/%7ECommon%7Eext", "mgmt/tm/{rest*}", {},
         ["net", "vlan", "~Common~ext"]),
        ("DELETE", "/mgmt/shared/authz/tokens/ABC", "mgmt/shared/authz/tokens/{token}/{rest*}",
         {"token": "ABC"}, []),
    ],
)  # fmt: skip
def test_a_request_finds_its_route(
    method: str, path: str, pattern: str, params: dict[str, str], rest: list[str]
) -> None:
    found = ROUTER.resolve(method, path)
    assert found is not None
    route, got_params, got_rest = found
    assert (route.pattern, got_params, got_rest) == (pattern, params, rest)
    assert ROUTER.resolve(method, path) == found  # kept, and the same again


def test_a_method_the_route_lacks_is_refused_by_name() -> None:
    with pytest.raises(errors.SimError, match=r"Method GET is not supported on /tm/cm$"):
        ROUTER.resolve("GET", "/mgmt/tm/cm/config-sync")
    with pytest.raises(errors.SimError, match="on /tm/sys/config"):
        ROUTER.resolve("DELETE", "/mgmt/tm/sys/config")


def test_the_login_path_is_matched_as_sent_and_nothing_else_matches_no_route() -> None:
    assert ROUTER.resolve("POST", "/mgmt/shared/authn/login") is not None
    assert ROUTER.resolve("POST", "/mgmt/shared/authn/login/") is None
    assert ROUTER.resolve("GET", "/mgmt/nothing/here") is None


def test_a_literal_route_hidden_by_an_earlier_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="hides"):
        Router([Route("*", "mgmt/tm/{rest*}", nothing), Route("*", "mgmt/tm/sys", nothing)])
