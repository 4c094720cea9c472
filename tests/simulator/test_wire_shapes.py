"""Shapes no capture of `../shared/fixtures/bigip/` answers directly: error bodies, paged
collections, and the `/stats` of every object type that has them.

* Error bodies (400, 401, 404, 409, and the HTML 401 of bad Basic credentials): the bodies
  real devices send, as `reference/icontrol-rest.md` §2 records them (each with its evidence
  tag), compared key by key: `code`, the `message` (its text, so its shape: an mcpd message
  starts with its 8-digit id and severity, a framework one does not), `errorStack`, `apiError`,
  and for framework errors `referer`, `restOperationId`, `kind`.
* Paged collections: the counters and links the reference lists (Additions, "paged reads").
* Object and collection `/stats`: the envelope of the two captured stats answers
  (`f5-ansible-bigip/load_tg_stats.json` for one object, `sts-f5-agent-checks/
  traffic_group_stats.json` for a collection), derived from the captures and required of
  every kind the simulator has `/stats` for (these need the captures, as
  `test_fixture_shapes.py` does).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from shape_cases import FIXTURES, captured_version, needs_captures
from shape_device import SimulatedDevice, Step, post

from f5ecmp.simulator.rest.urls import STATS

CLIENT = "10.1.1.9"
VERSION = "16.1.3"


@dataclass(frozen=True)
class Text:
    """A string value that must match this regular expression (whole)."""

    pattern: str


ANY_INT = int  # any integer: restOperationId
STACK = list  # a list of Java frames


@dataclass(frozen=True)
class ErrorCase:
    name: str
    source: str  # where the reference took the body from
    request: str
    status: int
    expected: dict[str, Any]
    body: dict[str, Any] | None = None
    setup: tuple[Step, ...] = ()
    headers: dict[str, str] | None = None  # None: Basic admin:admin


NODE = post("ltm/node", {"name": "n1", "address": "10.0.0.11"})
POOL = post("ltm/pool", {"name": "web", "members": ["n1:80"]})
VLAN = post("net/vlan", {"name": "ext"})


def mcpd(status: int, message: str, api_error: int = 3) -> dict[str, Any]:
    """The mcpd envelope (§2.1 [F])."""
    return {"code": status, "message": message, "errorStack": [], "apiError": api_error}


def framework(status: int, message: str | Text, **more: Any) -> dict[str, Any]:
    """restjavad's own envelope (§2.1, §2.3 [F])."""
    return {
        "code": status,
        "message": message,
        "referer": CLIENT,
        "restOperationId": ANY_INT,
        **more,
        "kind": ":resterrorresponse",
    }


ERRORS = [
    ErrorCase(
        "missing object",
        "§2.1 [F]",
        "GET /mgmt/tm/ltm/pool/~Common~web",
        404,
        mcpd(404, "01020036:3: The requested Pool (/Common/web) was not found."),
    ),
    ErrorCase(
        "unregistered URI",
        "§2.1 [F]",
        "GET /mgmt/tm/ltm/nothing/~Common~web",
        404,
        framework(404, "Public URI path not registered: /tm/ltm/nothing/~Common~web"),
    ),
    ErrorCase(
        "duplicate",
        "§2.2 [D][C]",
        "POST /mgmt/tm/ltm/node",
        409,
        mcpd(
            409, "01020066:3: The requested Node (/Common/n1) already exists in partition Common."
        ),
        body={"name": "n1", "address": "10.0.0.11"},
        setup=(NODE,),
    ),
    ErrorCase(
        "empty PATCH",
        "§2.2 [F]",
        "PATCH /mgmt/tm/ltm/node/~Common~n1",
        400,
        mcpd(400, "one or more properties must be specified", 26214401),
        body={},
        setup=(NODE,),
    ),
    ErrorCase(
        "missing folder",
        "§2.2 [F]",
        "POST /mgmt/tm/ltm/pool",
        400,
        mcpd(400, "The requested folder (/nonExistent) was not found.", 26214401),
        body={"name": "p", "partition": "nonExistent"},
    ),
    ErrorCase(
        "node in use",
        "§2.2 [D]",
        "DELETE /mgmt/tm/ltm/node/~Common~n1",
        400,
        mcpd(
            400,
            "01070110:3: Node address '/Common/n1' is referenced by a member of pool '/Common/web'.",
        ),
        setup=(NODE, POOL),
    ),
    ErrorCase(
        "missing traffic group",
        "§2.2 [D]",
        "POST /mgmt/tm/net/self",
        400,
        mcpd(400, "01070734:3: Configuration error: Traffic group (/Common/tg9) does not exist."),
        body={"name": "s", "address": "10.9.0.1/24", "vlan": "ext", "trafficGroup": "tg9"},
        setup=(VLAN,),
    ),
    ErrorCase(
        "no credentials",
        "§2.3 [F]",
        "GET /mgmt/tm/ltm/virtual",
        401,
        framework(
            401,
            "Authorization failed: no user authentication header or token detected. "
            f"Uri:http://localhost:8100/mgmt/tm/ltm/virtual Referrer:{CLIENT} Sender:{CLIENT}",
        ),
        headers={},
    ),
    ErrorCase(
        "unknown token",
        "§2.3 [D]",
        "GET /mgmt/tm/sys",
        401,
        framework(401, "X-F5-Auth-Token does not exist.", errorStack=STACK),
        headers={"x-f5-auth-token": "NOSUCHTOKENNOSUCHTOKEN0000"},
    ),
    ErrorCase(
        "bad password",
        "§2.3 [D]",
        "POST /mgmt/shared/authn/login",
        401,
        framework(
            401, "Authentication failed.", originalRequestBody=Text(r'\{"username":"admin".*')
        ),
        body={"username": "admin", "password": "wrong"},
        headers={},
    ),
]
MCPD_MESSAGE = re.compile(r"^[0-9a-f]{8}:[0-9]: \S")


def mismatches(expected: dict[str, Any], body: dict[str, Any]) -> list[str]:
    out = [f"{k}: missing" for k in expected if k not in body]
    out += [f"{k}: extra ({body[k]!r})" for k in body if k not in expected]
    for key, want in expected.items():
        if key not in body:
            continue
        got = body[key]
        if isinstance(want, Text):
            ok = isinstance(got, str) and re.fullmatch(want.pattern, got) is not None
        elif isinstance(want, type):
            ok = isinstance(got, want) and not isinstance(got, bool)
        else:
            ok = got == want and type(got) is type(want)
        if not ok:
            out.append(f"{key}: {got!r}, expected {want!r}")
    if body.get("apiError") == 3 and not MCPD_MESSAGE.match(str(body.get("message"))):
        out.append("message: an mcpd error starts with its message id")
    if body.get("apiError") == 26214401 and MCPD_MESSAGE.match(str(body.get("message"))):
        out.append("message: a framework error has no message id")
    return out


@pytest.mark.parametrize("case", ERRORS, ids=[e.name for e in ERRORS])
def test_error_body_is_a_devices(case: ErrorCase) -> None:
    device = SimulatedDevice("bigip1", "10.0.2.15", VERSION)
    device.build(case.setup)
    method, path = case.request.split(" ", 1)
    response = device.send(method, path, case.body, headers=case.headers, client=CLIENT)
    assert response.status == case.status
    assert response.content_type.startswith("application/json")
    assert mismatches(case.expected, json.loads(response.body)) == []


def test_bad_basic_credentials_get_apaches_page() -> None:
    """§2.3 [D]: not JSON, an HTML page with a Basic challenge."""
    device = SimulatedDevice("bigip1", "10.0.2.15", VERSION)
    response = device.send("GET", "/mgmt/tm/sys", headers={"authorization": "Basic YWRtaW46bm8="})
    assert (response.status, response.reason) == (401, "F5 Authorization Required")
    assert response.content_type.startswith("text/html")
    assert ("WWW-Authenticate", 'Basic realm="Enterprise Manager"') in response.headers
    assert b"<title>401 Unauthorized</title>" in response.body


# --- paged collections ----------------------------------------------------------------------
PAGE_KEYS = {"currentItemCount", "itemsPerPage", "pageIndex", "startIndex", "totalItems"}


@pytest.mark.parametrize(
    ("query", "counters", "links"),
    [
        ("$top=2&$skip=0", (2, 2, 1, 1, 5, 3), {"nextLink": 2}),
        ("$top=2&$skip=2", (2, 2, 2, 3, 5, 3), {"nextLink": 4, "previousLink": 0}),
        ("$top=2&$skip=4", (1, 2, 3, 5, 5, 3), {"previousLink": 2}),
        ("$top=2&$skip=6", (0, 2, 4, 7, 5, 3), {"previousLink": 4}),
    ],
)
def test_paged_collection(query: str, counters: tuple[int, ...], links: dict[str, int]) -> None:
    device = SimulatedDevice("bigip1", "10.0.2.15", VERSION)
    device.build(
        tuple(post("ltm/node", {"name": f"n{i}", "address": f"10.0.0.{i}"}) for i in range(5))
    )
    page = device.ok("GET", f"/mgmt/tm/ltm/node?{query}")
    names = (
        "currentItemCount",
        "itemsPerPage",
        "pageIndex",
        "startIndex",
        "totalItems",
        "totalPages",
    )
    assert set(page) == {"kind", "selfLink", *names, *links, "items"}
    assert tuple(page[n] for n in names) == counters
    base = "https://localhost/mgmt/tm/ltm/node?$top=2&$skip={}&ver=16.1.3"
    assert {k: page[k] for k in links} == {k: base.format(v) for k, v in links.items()}
    assert page["selfLink"] == f"https://localhost/mgmt/tm/ltm/node?{query}&ver=16.1.3"
    assert len(page["items"]) == counters[0]


# --- /stats envelopes -----------------------------------------------------------------------
def captured(name: str) -> tuple[dict[str, Any], str]:
    text = (FIXTURES / name).read_text()
    return json.loads(text), captured_version(text)


def stats_problems(
    body: dict[str, Any], shape: dict[str, Any], version: str, one: bool
) -> list[str]:
    """How `body` departs from the captured stats envelope `shape` (one object or a collection)."""
    problems = []
    if set(body) != set(shape):
        problems.append(f"top keys {sorted(body)}, captured {sorted(shape)}")
    suffix = "stats" if one else "collectionstats"
    kind = str(body.get("kind", ""))
    if not kind.endswith(suffix) or (one and kind.endswith("collectionstats")):
        problems.append(f"kind {kind!r} does not end in {suffix}")
    own = str(body.get("selfLink", "")).split("?")[0].removesuffix("/stats")
    entries = body.get("entries", {})
    if one and len(entries) != 1:
        problems.append(f"{len(entries)} entries, one captured")
    (sample,) = list(shape["entries"].values())[:1]
    for key, entry in entries.items():
        nested = entry.get("nestedStats", {})
        if set(entry) != {"nestedStats"} or set(nested) != set(sample["nestedStats"]):
            problems.append(f"{key}: keys {sorted(nested)}")
        if not key.startswith(f"{own}/") or not key.endswith("/stats"):
            problems.append(f"{key}: not below {own}/ or not ending in /stats")
        if nested.get("selfLink") != f"{key}?ver={version}":
            problems.append(f"{key}: nested selfLink {nested.get('selfLink')!r}")
        if nested.get("kind") != kind.replace("collectionstats", "stats"):
            problems.append(f"{key}: nested kind {nested.get('kind')!r}")
        for name, field_ in nested.get("entries", {}).items():
            if set(field_) not in ({"description"}, {"value"}, {"nestedStats"}):
                problems.append(f"{key}: field {name} is {field_!r}")
    return problems


def stats_device() -> SimulatedDevice:
    device = SimulatedDevice("bigip1", "10.0.2.15", VERSION)
    device.build(
        (
            post("net/vlan", {"name": "ext", "interfaces": [{"name": "1.1", "untagged": True}]}),
            NODE,
            POOL,
            post("ltm/virtual", {"name": "vs", "destination": "10.9.9.9:80", "pool": "web"}),
        )
    )
    return device


OBJECTS = {
    "ltm/pool": "~Common~web",
    "ltm/node": "~Common~n1",
    "ltm/virtual": "~Common~vs",
    "ltm/virtual-address": "~Common~10.9.9.9",
    "net/vlan": "~Common~ext",
    "net/interface": "1.1",
}


@needs_captures
def test_the_envelope_rules_fit_the_captures() -> None:
    one, version = captured("f5-ansible-bigip/load_tg_stats.json")
    assert stats_problems(one, one, version, one=True) == []
    many, version = captured("sts-f5-agent-checks/traffic_group_stats.json")
    assert stats_problems(many, many, version, one=False) == []


@needs_captures
@pytest.mark.parametrize("kind", sorted(STATS))
def test_stats_envelope_is_the_captured_one(kind: str) -> None:
    assert set(OBJECTS) == set(STATS)  # every kind with /stats is checked
    device = stats_device()
    one, _ = captured("f5-ansible-bigip/load_tg_stats.json")
    many, _ = captured("sts-f5-agent-checks/traffic_group_stats.json")
    body = device.ok("GET", f"/mgmt/tm/{kind}/{OBJECTS[kind]}/stats")
    assert stats_problems(body, one, VERSION, one=True) == []
    assert isinstance(body["generation"], int)
    listed = device.ok("GET", f"/mgmt/tm/{kind}/stats")
    assert stats_problems(listed, many, VERSION, one=False) == []
    assert listed["entries"]
