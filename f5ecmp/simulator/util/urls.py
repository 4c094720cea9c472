"""The `util` area's route."""

from __future__ import annotations

from ..rest.routing import Route
from . import responses

ROUTES: tuple[Route, ...] = (Route("POST", "mgmt/tm/util/bash", responses.run_bash),)
