"""The playbook's JSON Schema, for editors' YAML language servers (``f5ecmp schema``)."""

from __future__ import annotations

from typing import Any

from f5ecmp.playbook.model import Playbook

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def playbook_schema() -> dict[str, Any]:
    """The model's schema, with the top-level ``x-`` keys the loader ignores allowed (they
    hold YAML anchors and notes), so that an editor does not flag them."""
    document = Playbook.model_json_schema()
    document["patternProperties"] = {
        "^x-": {"description": "the operator's own: YAML anchors to reuse, notes; ignored"}
    }
    return {"$schema": DRAFT, **document, "title": "f5ecmp playbook"}
