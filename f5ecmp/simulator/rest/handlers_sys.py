"""System endpoints over REST: authentication and tokens, organizing collections (clients
read the version from `GET /mgmt/tm/sys/`), version, readiness, save config, self-allow,
device info (reference §3, §4.1)."""

from __future__ import annotations

from .. import errors
from ..device import REGISTRY
from ..net.models import SELF_ALLOW_DEFAULTS
from ..sys.models import save_config
from ..util import models as tmsh
from .base import Ctx, Response, json_response
from .render import kind_string, single_stats, stats_fields
from .routing import Handler

# What `GET /mgmt/tm/sys/` lists, in the order a 15.1.0.1 device lists it
# (f5-ansible-bigip/load_tmos_version.json). The status and command endpoints (`version`,
# `ready`, `mcp-state`, `failover`) answer but are not listed, neither there nor at 11.6.0
# (f5-common-python/sys_GET.json).
SYS_ITEMS = (
    "application",
    "crypto",
    "daemon-log-settings",
    "diags",
    "disk",
    "dynad",
    "ecm",
    "file",
    "fpga",
    "icall",
    "ipfix",
    "log-config",
    "pfman",
    "sflow",
    "software",
    "turboflex",
    "url-db",
    "aom",
    "autoscale-group",
    "cluster",
    "config",
    "core",
    "daemon-ha",
    "datastor",
    "db",
    "dns",
    "feature-module",
    "folder",
    "global-settings",
    "ha-group",
    "httpd",
    "icontrol-soap",
    "internal-proxy",
    "log-rotate",
    "management-dhcp",
    "management-ip",
    "management-ovsdb",
    "management-proxy-config",
    "management-route",
    "ntp",
    "outbound-smtp",
    "provision",
    "scriptd",
    "service",
    "smtp-server",
    "snmp",
    "sshd",
    "state-mirroring",
    "syslog",
    "telemd",
    "ucs",
)
EXTRA_ITEMS = {
    "net": ("self-allow",),
    "cm": (
        "add-to-trust",
        "config-sync",
        "failover-status",
        "remove-from-trust",
        "sync-status",
        "trust-domain",
    ),
}
AVAILABLE = frozenset(
    {
        "/mgmt/shared/echo",
        "/mgmt/shared/identified-devices/config/device-info",
        "/mgmt/tm/sys",
        "/mgmt/tm/cm",
        "/mgmt/tm/ltm",
        "/mgmt/tm/net",
        "/mgmt/shared/iapp/package-management-tasks",
    }
)


# --- authentication -------------------------------------------------------------------------


def handle_login(ctx: Ctx) -> Response:
    return json_response(ctx.dev.auth.login(ctx.body(), ctx.req.client))


def list_tokens(ctx: Ctx) -> Response:
    """`GET /mgmt/shared/authz/tokens`: the live tokens."""
    auth = ctx.dev.auth
    live = [t for t in list(auth.tokens) if _alive(ctx, t)]
    return json_response(
        {
            "items": [auth.tokens[t].item() for t in live],
            "generation": len(live),
            "lastUpdateMicros": 0,
            "kind": "shared:authz:tokens:authtokencollectionstate",
            "selfLink": "https://localhost/mgmt/shared/authz/tokens",
        }
    )


def get_token(ctx: Ctx) -> Response:
    return json_response(ctx.dev.auth.lookup(ctx.params["token"]).item())


def set_token_timeout(ctx: Ctx) -> Response:
    """`PATCH /mgmt/shared/authz/tokens/<token>` with `timeout`: extend it."""
    token = ctx.params["token"]
    return json_response(ctx.dev.auth.set_timeout(token, ctx.body().get("timeout")).item())


def delete_token(ctx: Ctx) -> Response:
    return json_response(ctx.dev.auth.delete(ctx.params["token"]).item())


def _alive(ctx: Ctx, value: str) -> bool:
    try:
        ctx.dev.auth.lookup(value)
    except errors.SimError:
        return False
    return True


# --- organizing collections and status ------------------------------------------------------


def organizing(module: str) -> Handler:
    """`GET /mgmt/tm/<module>/`: references to what lives below it [F]."""

    def handle(ctx: Ctx) -> Response:
        if module == "sys":
            subs = list(SYS_ITEMS)
        else:
            subs = sorted(
                {p.split("/")[1] for p in REGISTRY if p.startswith(f"{module}/")}
                | set(EXTRA_ITEMS.get(module, ()))
            )
        return json_response(
            {
                "kind": f"tm:{module}:{module}collectionstate",
                "selfLink": ctx.view.link(module, top=True),
                "items": [{"reference": {"link": ctx.view.link(f"{module}/{s}")}} for s in subs],
            }
        )

    return handle


def handle_version(ctx: Ctx) -> Response:
    dev = ctx.dev
    fields = stats_fields(
        {
            "Build": dev.identity.build,
            "Date": dev.identity.build_date,
            "Edition": "Final",
            "Product": "BIG-IP",
            "Title": "Main Package",
            "Version": dev.version,
        }
    )
    return json_response(
        single_stats("sys/version", ctx.view.link("sys/version", top=True), fields)
    )


def handle_ready(ctx: Ctx) -> Response:
    fields = stats_fields({"configReady": "yes", "licenseReady": "yes", "provisionReady": "yes"})
    return json_response(single_stats("sys/ready", ctx.view.link("sys/ready", top=True), fields))


def handle_mcp_state(ctx: Ctx) -> Response:
    fields = stats_fields(
        {
            "endPlatformIdReceived": "true",
            "lastLoad": "full-config-load-succeed",
            "phase": "running",
        }
    )
    return json_response(
        single_stats("sys/mcp-state", ctx.view.link("sys/mcp-state", top=True), fields)
    )


def handle_save_config(ctx: Ctx) -> Response:
    return json_response(save_config(ctx.dev, ctx.body()))


def handle_bash(ctx: Ctx) -> Response:
    return json_response(tmsh.bash(ctx.app.cluster, ctx.dev, ctx.body(), ctx.app.started))


def handle_self_allow(ctx: Ctx) -> Response:
    return json_response(
        {
            "kind": kind_string("net/self-allow", "state"),
            "selfLink": ctx.view.link("net/self-allow", top=True),
            "defaults": list(SELF_ALLOW_DEFAULTS),
        }
    )


def handle_device_info(ctx: Ctx) -> Response:
    dev = ctx.dev
    record = dev.self_record().props
    return json_response(
        {
            "baseMac": record["baseMac"],
            "build": dev.identity.build,
            "chassisSerialNumber": record["chassisId"],
            "edition": "Final",
            "hostname": record["hostname"],
            "isClustered": len(dev.trust) > 1,
            "isVirtual": True,
            "machineId": record["chassisId"],
            "managementAddress": str(dev.mgmt),
            "mcpDeviceName": dev.full_name,
            "platform": "Z100",
            "platformMarketingName": "BIG-IP Virtual Edition",
            "product": "BIG-IP",
            "slots": [],
            "version": dev.version,
            "generation": 0,
            "lastUpdateMicros": 0,
            "kind": "shared:resolver:device-groups:deviceinfostate",
            "selfLink": "https://localhost/mgmt/shared/identified-devices/config/device-info",
        }
    )


def handle_available(ctx: Ctx) -> Response:
    """The readiness URLs DO and cloud-libs poll before anything else [C]."""
    return json_response({})
