"""What `util` answers over REST: `POST /mgmt/tm/util/bash` runs a command line through the
small bash and tmsh interpreter (`models`)."""

from __future__ import annotations

from ..rest.base import Ctx, Response, json_response
from . import models


def run_bash(ctx: Ctx) -> Response:
    return json_response(models.run_bash(ctx.app.cluster, ctx.dev, ctx.body(), ctx.app.started))
