"""Every refusal a simulated BIG-IP answers with, in one place: a catalogue of identifiers.

Each `ErrorId` is one row: HTTP status, `apiError`, the body's shape, the message template
(ids and texts from ``reference/icontrol-rest.md`` §2) and where the text was seen: [F] a
captured response, [D] F5 documentation or an issue quoting a device, [C] what a well-used
client matches on, [I] inferred (no public capture; kept here so it can be corrected in one
place when a real device shows otherwise), [S] the simulator's own answer, not a device's.
A few rows are not refusals but the error text a shell prints inside `commandResult`
(`Body.TEXT`).

`make(ErrorId.NOT_FOUND, type="VLAN", path="/Common/v")` builds the exception to raise;
`text(...)` the printed text of a `Body.TEXT` row.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# `apiError` values seen in mcpd / REST-framework error bodies [F].
API_MCPD = 3
API_FRAMEWORK = 26214401
API_TRANSACTION = 2
API_MCPD_LOST = 32768001


class SimError(Exception):
    """A device's refusal: an HTTP status and the JSON body a real device sends."""

    def __init__(self, status: int, message: str, api_error: int = API_MCPD) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.api_error = api_error

    def body(self, referer: str = "127.0.0.1", operation_id: int = 0) -> dict[str, Any]:
        """The mcpd envelope: code, message, errorStack, apiError [F]."""
        return {
            "code": self.status,
            "message": self.message,
            "errorStack": [],
            "apiError": self.api_error,
        }


class FrameworkError(SimError):
    """An error raised by restjavad itself: kind ``:resterrorresponse`` [F]."""

    def __init__(self, status: int, message: str, error_stack: list[str] | None = None) -> None:
        super().__init__(status, message, API_FRAMEWORK)
        self.error_stack = error_stack

    def body(self, referer: str = "127.0.0.1", operation_id: int = 0) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.status,
            "message": self.message,
            "referer": referer,
            "restOperationId": operation_id,
        }
        if self.error_stack is not None:
            out["errorStack"] = self.error_stack
        out["kind"] = ":resterrorresponse"
        return out


class AuthError(FrameworkError):
    """A 401 with a JSON body (§2.3)."""

    def __init__(
        self,
        message: str,
        error_stack: list[str] | None = None,
        original_body: str | None = None,
    ) -> None:
        super().__init__(401, message, error_stack)
        self.original_body = original_body

    def body(self, referer: str = "127.0.0.1", operation_id: int = 0) -> dict[str, Any]:
        if self.original_body is None:
            return super().body(referer, operation_id)
        return {
            "code": 401,
            "message": self.message,
            "originalRequestBody": self.original_body,
            "referer": referer,
            "restOperationId": operation_id,
            "kind": ":resterrorresponse",
        }


class BasicAuthRequired(Exception):
    """Bad HTTP Basic credentials: Apache answers with an HTML page, not JSON [D]."""

    HTML = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
        "<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n"
        "<p>This server could not verify that you\nare authorized to access the document\n"
        "requested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\n"
        "browser doesn't understand how to supply\nthe credentials required.</p>\n"
        "</body></html>\n"
    )


class Body(enum.Enum):
    """Which exception (and so which JSON body) a row builds."""

    MCPD = "mcpd"  # `SimError`: code, message, errorStack, apiError
    FRAMEWORK = "framework"  # `FrameworkError` (restjavad): referer, restOperationId, kind
    AUTH = "auth"  # `AuthError`: a framework 401
    TEXT = "text"  # not raised: printed by tmsh or bash in `commandResult`


@dataclass(frozen=True)
class Entry:
    """One row of the catalogue (see the module)."""

    status: int
    api_error: int | None
    evidence: str
    template: str
    body: Body = Body.MCPD
    defaults: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    error_stack: tuple[str, ...] | None = None


_MCPD_CONFIG = "01070734:3: Configuration error: "
_TRUST_ADD = "01071029:3: Could not add device {address} to the trust domain. "
_TOKEN_STACK = (
    "java.lang.SecurityException: X-F5-Auth-Token does not exist.",
    "at com.f5.rest.workers.authz.AuthzHelper.validateToken(AuthzHelper.java:262)",
)


def _row(
    status: int, api_error: int | None, evidence: str, template: str, body: Body = Body.MCPD
) -> Entry:
    return Entry(status, api_error, evidence, template, body)


def _framework(status: int, evidence: str, template: str) -> Entry:
    """A restjavad error (`FrameworkError`'s body)."""
    return Entry(status, API_FRAMEWORK, evidence, template, Body.FRAMEWORK)


def _text(evidence: str, template: str) -> Entry:
    """What a shell prints in `commandResult` of a 200 answer."""
    return Entry(200, None, evidence, template, Body.TEXT)


@enum.unique
class ErrorId(enum.Enum):
    """The catalogue. Each row says when it is answered; its fields are the template's."""

    _value_: Entry

    # One row per line, so that a message can be found with grep.
    # fmt: off
    # --- missing objects, duplicates, unknown URIs and methods --------------------------------
    # GET/PATCH/DELETE of a missing object.
    NOT_FOUND = _row(404, API_MCPD, "[F][D]", "01020036:3: The requested {type} ({path}) was not found.")
    # A reference to a missing VLAN, pool, monitor, profile or device: the best guess is the
    # missing object's text with status 400.
    REFERENCE_MISSING = _row(400, API_MCPD, "[I]", "01020036:3: The requested {type} ({path}) was not found.")
    # POST of an object that already exists.
    ALREADY_EXISTS = Entry(409, API_MCPD, "[D][C]", "01020066:3: The requested {type} ({path}) already exists in partition {partition}.", defaults=MappingProxyType({"partition": "Common"}))
    # A partition/folder that does not exist.
    FOLDER_NOT_FOUND = _row(400, API_FRAMEWORK, "[F]", "The requested folder ({folder}) was not found.")
    # An unknown URI: restjavad's 404, the path without the /mgmt prefix.
    URI_NOT_REGISTERED = _framework(404, "[F]", "Public URI path not registered: {path}")
    # A method the endpoint does not implement (e.g. DELETE on a singleton).
    METHOD_NOT_SUPPORTED = _framework(400, "[I]", "Method {method} is not supported on {path}")

    # --- request shape ------------------------------------------------------------------------
    EMPTY_PATCH = _row(400, API_FRAMEWORK, "[F]", "one or more properties must be specified")
    # HTML-like text in a URL or body.
    HTML_CONTENT = _row(400, API_FRAMEWORK, "[F]", "HTML Tag-like Content in the Request URL/Body")
    # A body that is not a JSON object.
    INVALID_JSON = _row(400, API_FRAMEWORK, "[I]", "Unable to parse the request body as JSON")
    # A property the object type does not have; the framework names the pair it rejects.
    UNEXPECTED_PROPERTY = _row(400, API_FRAMEWORK, "[I]", 'Found unexpected json pair at configuration item {path}: "{key}": {value!r}.')
    # A value of the wrong type or outside the property's enumeration.
    INVALID_VALUE = _row(400, API_FRAMEWORK, "[I]", 'invalid property value "{key}":{value!r}')
    # An unparsable address, as the framework words it (seen on a self IP create).
    INVALID_ADDRESS = _row(400, API_FRAMEWORK, "[D]", '"{value}" invalid address')
    # A number outside its range (VLAN tag 1-4094, MTU 576-9198, port 0-65535...).
    OUT_OF_RANGE = _row(400, API_FRAMEWORK, "[I]", "invalid {key} value {value}: must be between {low} and {high}")
    # A create without a property the object cannot exist without.
    MISSING_PROPERTY = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "{type} requires a {key}.")
    # PATCH/PUT changing a property set at creation only (self IP address, virtual-address
    # address/mask, node address, FQDN auto-populate); clients delete and re-create instead.
    IMMUTABLE_PROPERTY = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "The {key} of {type} ({path}) cannot be modified.")

    # --- references and in-use checks ---------------------------------------------------------
    TRAFFIC_GROUP_MISSING = _row(400, API_MCPD, "[D]", _MCPD_CONFIG + "Traffic group ({path}) does not exist.")
    # Deleting a node still used by a pool member.
    NODE_IN_USE = _row(400, API_MCPD, "[D]", "01070110:3: Node address '{node}' is referenced by a member of pool '{pool}'.")
    # Deleting an object still referenced: seen for a VLAN used by a self IP [D]; the same
    # template is used for the other pairs [I].
    IN_USE = _row(400, API_MCPD, "[D][I]", "01070265:3: The {type} ({path}) cannot be deleted because it is in use by a {user_type} ({user_path}).")
    # Deleting the self IP used as the config-sync address.
    CONFIG_SYNC_ADDRESS_IN_USE = _row(400, API_MCPD, "[D]", "01071412:3: Cannot delete IP ({address}) because it is used by the system config-sync setting")
    MONITOR_DEFAULTS_FROM_ITSELF = _row(400, API_MCPD, "[D]", _MCPD_CONFIG + 'A monitor may not default from itself "{path}"')

    # --- self IPs, virtual addresses, device connectivity -------------------------------------
    SELF_IP_ADDRESS_IN_USE = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "The IP address {address} is already in use by self IP ({other}).")
    # A floating self IP with no static self IP of the same subnet on its VLAN (DO creates
    # static selfs before floating ones because of this dependency).
    FLOATING_SELF_OUTSIDE_SUBNET = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "Floating self IP ({path}) address {address} is not in the subnet of any non-floating self IP on VLAN ({vlan}).")
    ARP_AND_SPANNING = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "Virtual address ({path}) cannot have both ARP and spanning enabled.")
    # A connectivity address (config sync, failover unicast, mirroring) not a self IP here.
    NOT_A_SELF_IP = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "The {key} address ({address}) is not a self IP address on this device.")
    # Device connectivity is set on the device itself, not on a peer's record.
    PEER_DEVICE_CONNECTIVITY = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "The connectivity of device (/Common/{name}) can only be set on that device.")

    # --- trust, device groups, traffic groups, config sync, failover --------------------------
    # add-to-trust with an address of the local device; clients match the sentence.
    OWN_ADDRESS_IN_TRUST = _row(400, API_MCPD, "[D]", _TRUST_ADD + "The specified IP address is an address on this device.")
    # add-to-trust to an address where no BIG-IP answers.
    TRUST_PEER_UNREACHABLE = _row(400, API_MCPD, "[I]", _TRUST_ADD + "Could not retrieve device information: connection refused.")
    # add-to-trust with credentials the peer refuses.
    TRUST_AUTHENTICATION_FAILED = _row(400, API_MCPD, "[I]", _TRUST_ADD + "Could not retrieve device information: authentication failed.")
    # add-to-trust whose deviceName is not the peer's CM device name.
    TRUST_DEVICE_NAME_MISMATCH = _row(400, API_MCPD, "[I]", _TRUST_ADD + "The device name ({given}) does not match the name of the device at that address ({actual}).")
    # A device-group member or HA-order entry that is not in the local trust domain.
    DEVICE_NOT_IN_TRUST = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "Device ({device}) is not a member of the local trust domain.")
    # A device can be a member of one sync-failover group only (guide, "Creating a
    # Sync-Failover device group", step 5).
    DEVICE_IN_OTHER_FAILOVER_GROUP = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "Device ({device}) is already a member of the sync-failover device group ({group}).")
    # device_trust_group and gtm are maintained by the system.
    BUILTIN_DEVICE_GROUP = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "Device group (/Common/{name}) is read-only.")
    # DELETE of traffic-group-1 or traffic-group-local-only: mcpd refuses to remove a default
    # traffic group (a validation error, not a missing method).
    BUILTIN_TRAFFIC_GROUP = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "The default traffic group ({path}) cannot be deleted.")
    # The guide: "You can put only members of the device group on the ordered list".
    HA_ORDER_DEVICE_NOT_MEMBER = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "Device ({device}) in the HA order of traffic group ({traffic_group}) is not a member of a sync-failover device group with this device.")
    # autoFailbackEnabled needs a non-empty haOrder.
    AUTO_FAILBACK_WITHOUT_HA_ORDER = _row(400, API_MCPD, "[I][C]", _MCPD_CONFIG + "Traffic group ({traffic_group}) cannot enable auto failback without an HA order.")
    # config-sync to a group that does not exist.
    DEVICE_GROUP_NOT_FOUND_FOR_SYNC = _row(400, API_MCPD, "[F]", _MCPD_CONFIG + "Device group ({name}) not found in device group sync")
    # `config-sync from-group` before any push to that group; clients match the phrase.
    PULL_BEFORE_PUSH = _row(400, API_MCPD, "[C]", _MCPD_CONFIG + "Config sync from device group ({name}) is not allowed until a push has been done first")
    # A `utilCmdArgs` the simulator does not recognise as a config-sync command.
    SYNC_COMMAND_INVALID = _row(400, API_FRAMEWORK, "[I]", "Invalid command arguments: {args}")
    # `run sys failover standby traffic-group X` on a device not active for X.
    FAILOVER_NOT_ACTIVE = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "This device is not active for traffic group ({traffic_group}).")

    # --- tmsh and bash ------------------------------------------------------------------------
    # tmsh's answer to a command or component it does not know (bigip_command reports it as
    # the command's output).
    TMSH_SYNTAX_ERROR = _text("[I]", 'Syntax Error: "{word}" unexpected argument\n')
    # A tmsh command of an iApp implementation that tmsh refused: the service create fails
    # with tmsh's own text.
    TMSH_FAILED = _row(400, API_MCPD, "[I]", _MCPD_CONFIG + "{output}")
    # A device built outside a cluster has no tmsh interpreter.
    TMSH_UNAVAILABLE = _row(500, API_FRAMEWORK, "[S]", "f5ecmp simulator: no tmsh interpreter for this device")
    # bash's answer to a program the simulated device does not run.
    BASH_COMMAND_NOT_FOUND = _text("[I]", "/bin/bash: {command}: command not found\n")
    # bash's answer to unbalanced quotes.
    BASH_EOF = _text("[I]", "/bin/bash: -c: line 0: unexpected EOF while looking for matching quote\n")

    # --- availability, transactions, tasks ----------------------------------------------------
    # The simulator itself failed on this request (a bug to report).
    SIMULATOR_FAULT = _row(500, API_FRAMEWORK, "[S]", "f5ecmp simulator internal error: {type}: {error}")
    # mcpd restarting or unreachable.
    MCPD_LOST = _row(500, API_MCPD_LOST, "[F]", "The connection to mcpd has been lost, try again.")
    # restjavad restarting: the busy answer clients retry on.
    RESTJAVAD_UNAVAILABLE = _framework(503, "[F]", "URI path {path} not registered.  Please verify URI is supported and wait for /available suffix to be responsive.")
    # A transaction whose commit failed: nothing applied.
    TRANSACTION_FAILED = _row(400, API_TRANSACTION, "[C][D]", "transaction failed:{message}")
    # An unknown or expired transaction id.
    TRANSACTION_NOT_FOUND = _row(404, API_FRAMEWORK, "[I]", "Transaction {id} not found.")
    # A transaction PATCH that asks for anything but VALIDATING.
    TRANSACTION_BAD_STATE = _row(400, API_FRAMEWORK, "[I]", "invalid transaction state requested: {state!r}")
    # An unknown iApps LX package-management task id.
    PACKAGE_TASK_NOT_FOUND = _framework(404, "[I]", "Task {id} not found")

    # --- authentication (§2.3) ----------------------------------------------------------------
    # Bad user/password on /mgmt/shared/authn/login; `original_body` echoes the request
    # without its password.
    LOGIN_FAILED = _row(401, API_FRAMEWORK, "[D]", "Authentication failed.", Body.AUTH)
    # No Authorization header and no token.
    NO_CREDENTIALS = _row(401, API_FRAMEWORK, "[F]", "Authorization failed: no user authentication header or token detected. Uri:http://localhost:8100{uri} Referrer:{referer} Sender:{referer}", Body.AUTH)
    # An unknown, expired or deleted X-F5-Auth-Token.
    TOKEN_UNKNOWN = Entry(401, API_FRAMEWORK, "[D]", "X-F5-Auth-Token does not exist.", Body.AUTH, error_stack=_TOKEN_STACK)
    # 36000 s is the ceiling clients use for a token's timeout.
    TOKEN_TIMEOUT_TOO_LARGE = _row(400, API_FRAMEWORK, "[I]", "invalid token timeout {value!r}: the maximum is 36000")
    # fmt: on


def message(error: ErrorId, /, **fields: Any) -> str:
    """The row's template filled with `fields` (and the row's defaults)."""
    entry = error.value
    return entry.template.format(**{**entry.defaults, **fields})


def make(error: ErrorId, /, *, original_body: str | None = None, **fields: Any) -> SimError:
    """The exception a device answers with for `error`; `fields` fill its template.
    `original_body` is the request echo of a failed login."""
    entry = error.value
    said = message(error, **fields)
    stack = list(entry.error_stack) if entry.error_stack is not None else None
    if entry.body is Body.AUTH:
        return AuthError(said, error_stack=stack, original_body=original_body)
    if entry.body is Body.FRAMEWORK:
        return FrameworkError(entry.status, said, stack)
    if entry.body is Body.MCPD and entry.api_error is not None:
        return SimError(entry.status, said, entry.api_error)
    raise ValueError(f"{error.name} is printed, not raised: use errors.text()")


def text(error: ErrorId, /, **fields: Any) -> str:
    """The text a shell prints for a `Body.TEXT` row."""
    if error.value.body is not Body.TEXT:
        raise ValueError(f"{error.name} is raised, not printed: use errors.make()")
    return message(error, **fields)
