"""Shape tests: every response captured from a real BIG-IP (`../shared/fixtures/bigip/`, see
its README) against the simulator's answer to the same request, made on a simulated device
rebuilt into the captured device's situation (`shape_cases.py`, `shape_situations.py`).

Compared: every key of every object, both ways (missing and extra), every element of every list
(collection items by name, empty lists and omitted subcollections included), JSON value types,
and the values themselves: `kind`, names, links, settings and defaults alike, the simulator's
built-in objects (traffic groups, device groups, interfaces with mgmt, its own device record)
as it has them, not as a test made them. The built-in profiles and tunnels the captures link
to must exist where the links point. The differences
the test accepts, each with its reason, are data in `shape_exceptions.py` and rows of README's
"What it does not model"; any other difference fails, and so does an accepted difference that
no capture shows any more.

Error bodies, paged reads and `/stats` envelopes are in `test_wire_shapes.py`. The captures
live beside the repository, not in it (their licences differ from the project's); outside CI
a checkout without them skips these tests, in CI (`CI` set) they must be there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from shape_cases import CASES, FIXTURES, Case, captured_version, needs_captures
from shape_compare import Difference, Tally, compare
from shape_device import SimulatedDevice
from shape_exceptions import ACCEPTED, Accepted

from f5ecmp.simulator.cluster import DEFAULT_VERSION

README = Path(__file__).resolve().parents[2] / "README.md"
pytestmark = needs_captures


def answer(case: Case, version: str) -> Any:
    """The simulator's answer to the captured request, on a device in the captured situation."""
    device = SimulatedDevice(case.device, case.mgmt, version, case.credentials)
    device.build(case.setup)
    return device.ok(case.method, case.path, case.body, client=case.client)


def differences(case: Case, tally: Tally | None = None) -> list[tuple[Difference, str]]:
    """Each difference of one case with the capture's release."""
    text = (FIXTURES / case.fixture).read_text()
    version = captured_version(text)
    captured = json.loads(text)
    ours = answer(case, version)
    if isinstance(captured, list):  # a capture of the `items` alone
        ours = ours.get("items", [])
    return [(d, version) for d in compare(captured, ours, case.path, tally)]


def unaccepted(case: Case) -> list[str]:
    return [
        str(d)
        for d, version in differences(case)
        if not any(rule.covers(d, case.fixture, version) for rule in ACCEPTED)
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.fixture for c in CASES])
def test_answer_matches_the_capture(case: Case) -> None:
    found = unaccepted(case)
    assert not found, "\n".join([f"{len(found)} differences from {case.fixture}:", *found])


BUILT_IN = re.compile(
    r"^https://localhost(/mgmt/tm/(?:ltm/profile|ltm/persistence|net/tunnels)/[^?]+)"
)


def links(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [v for k, v in value.items() if k == "link" and isinstance(v, str)]
        return own + [link for v in value.values() for link in links(v)]
    return [link for v in value for link in links(v)] if isinstance(value, list) else []


def test_captured_built_in_profiles_exist() -> None:
    """The captures' links to built-in profiles and tunnels (virtuals' profiles, a member's
    tunnel) name objects a fresh simulated device has, in the same collections."""
    device = SimulatedDevice("bigip1", "10.0.2.15", DEFAULT_VERSION)
    targets = {
        found.group(1)
        for case in CASES
        for link in links(json.loads((FIXTURES / case.fixture).read_text()))
        if (found := BUILT_IN.match(link))
    }
    assert len(targets) >= 10
    for path in sorted(targets):
        assert device.ok("GET", path)["fullPath"] == path.rsplit("/", 1)[1].replace("~", "/")


def test_every_capture_is_a_case() -> None:
    on_disk = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*.json")}
    assert on_disk == {c.fixture for c in CASES}
    assert len(CASES) == len(on_disk)


def test_every_accepted_difference_is_still_seen() -> None:
    """An accepted difference that no capture shows any more is removed, not kept."""
    seen: set[Accepted] = set()
    for case in CASES:
        for diff, version in differences(case):
            seen.update(rule for rule in ACCEPTED if rule.covers(diff, case.fixture, version))
    stale = [f"{r.kind} {r.key} {r.what} ({r.reason})" for r in ACCEPTED if r not in seen]
    assert stale == []


def test_every_accepted_difference_is_in_the_readme() -> None:
    section = README.read_text().split("### What it does not model", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    missing = {r.topic for r in ACCEPTED if not any(row[2:].startswith(r.topic) for row in rows)}
    assert missing == set()


def test_how_much_is_compared() -> None:
    """Every key of every object is visited: a floor, so that a change that stops the walk
    early (or drops a case) is noticed."""
    tally = Tally()
    for case in CASES:
        differences(case, tally)
    assert tally.objects >= 140 and tally.keys >= 3000
