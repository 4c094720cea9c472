"""Every URL a simulated device answers under `/mgmt`, in one table: (methods, path pattern)
→ handler (patterns and the order of the search in `routing`). Each area lists its own
routes in `<area>/urls.py`; what every area shares comes last: transactions, then every
configuration collection of the registry (`device.REGISTRY`) in one route. A path no route
matches gets restjavad's "Public URI path not registered" 404.

The simulator's own API under `/_sim/` is not a device's and is served apart (`admin`).
"""

from __future__ import annotations

from ..auth import urls as auth
from ..cm import urls as cm
from ..ltm import responses as ltm_responses
from ..ltm import urls as ltm
from ..net import responses as net_responses
from ..net import urls as net
from ..sys import urls as system
from ..util import urls as util
from .configuration import configuration
from .routing import Route, Router
from .stats import FieldsOf
from .transactions import transactions

ROUTES: tuple[Route, ...] = (
    *auth.ROUTES,
    *system.ROUTES,
    *net.ROUTES,
    *ltm.ROUTES,
    *cm.ROUTES,
    *util.ROUTES,
    Route("*", "mgmt/tm/transaction/{rest*}", transactions),
    # Collections, objects, subcollections and singletons (see `configuration`).
    Route("*", "mgmt/tm/{rest*}", configuration),
)

ROUTER = Router(ROUTES)

# Every kind with `/stats`, and its fields.
STATS: dict[str, FieldsOf] = {**ltm_responses.STATS, **net_responses.STATS}
