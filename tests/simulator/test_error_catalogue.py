"""The error catalogue: every row builds the answer it describes, with its evidence beside it."""

from __future__ import annotations

import re
import string

import pytest

from f5ecmp.simulator import errors
from f5ecmp.simulator.errors import Body, ErrorId

EVIDENCE = re.compile(r"^(\[[FDCIS]\])+$")
CLASSES = {
    Body.MCPD: errors.SimError,
    Body.FRAMEWORK: errors.FrameworkError,
    Body.AUTH: errors.AuthError,
}


def fields_of(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("error", list(ErrorId), ids=lambda e: e.name)
def test_every_row_builds_its_answer(error: ErrorId) -> None:
    entry = error.value
    assert EVIDENCE.match(entry.evidence), entry.evidence
    fields = fields_of(entry.template)
    if entry.body is Body.TEXT:
        assert errors.text(error, **fields) == entry.template.format(**fields)
        with pytest.raises(ValueError, match="printed, not raised"):
            errors.make(error, **fields)
        return
    built = errors.make(error, **fields)
    assert type(built) is CLASSES[entry.body]
    assert (built.status, built.api_error) == (entry.status, entry.api_error)
    assert built.message == entry.template.format(**{**entry.defaults, **fields})


def test_a_missing_object_and_a_missing_reference_share_the_text_not_the_status() -> None:
    missing = errors.make(ErrorId.NOT_FOUND, type="VLAN", path="/Common/v")
    reference = errors.make(ErrorId.REFERENCE_MISSING, type="VLAN", path="/Common/v")
    assert missing.message == reference.message
    assert missing.message == "01020036:3: The requested VLAN (/Common/v) was not found."
    assert (missing.status, reference.status) == (404, 400)


def test_a_failed_login_echoes_the_request_and_an_unknown_token_its_stack() -> None:
    login = errors.make(ErrorId.LOGIN_FAILED, original_body='{"username":"x"}')
    assert login.body("10.0.0.1", 7)["originalRequestBody"] == '{"username":"x"}'
    token = errors.make(ErrorId.TOKEN_UNKNOWN).body()
    assert token["errorStack"][0].startswith("java.lang.SecurityException")
