"""Every refusal a simulated BIG-IP answers with, in one place.

Message ids and texts come from ``reference/icontrol-rest.md`` §2. Each builder says where its
text was seen: [F] a captured response, [D] F5 documentation or an issue quoting a device,
[C] what a well-used client matches on, [I] inferred (no public capture; kept here so it can be
corrected in one place when a real device shows otherwise).
"""

from __future__ import annotations

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


# --- not found / duplicates -------------------------------------------------------------------


def not_found(type_name: str, full_path: str, status: int = 404) -> SimError:
    """01020036:3 — GET/PATCH/DELETE of a missing object (404), or a reference to one [F][D]."""
    return SimError(status, f"01020036:3: The requested {type_name} ({full_path}) was not found.")


def already_exists(type_name: str, full_path: str, partition: str = "Common") -> SimError:
    """01020066:3 — POST of an object that already exists [D][C]."""
    return SimError(
        409,
        f"01020066:3: The requested {type_name} ({full_path}) already exists in partition "
        f"{partition}.",
    )


def folder_not_found(folder: str) -> SimError:
    """A partition/folder that does not exist [F]."""
    return SimError(400, f"The requested folder ({folder}) was not found.", API_FRAMEWORK)


def uri_not_registered(path: str) -> FrameworkError:
    """An unknown URI: restjavad's 404, path without the /mgmt prefix [F]."""
    return FrameworkError(404, f"Public URI path not registered: {path}")


def method_not_supported(method: str, path: str) -> FrameworkError:
    """[I] A method the endpoint does not implement (e.g. DELETE on a singleton)."""
    return FrameworkError(400, f"Method {method} is not supported on {path}")


# --- request-shape errors ---------------------------------------------------------------------


def empty_patch() -> SimError:
    """PATCH with an empty body [F]."""
    return SimError(400, "one or more properties must be specified", API_FRAMEWORK)


def html_content() -> SimError:
    """HTML-like text in a URL or body [F]."""
    return SimError(400, "HTML Tag-like Content in the Request URL/Body", API_FRAMEWORK)


def invalid_json() -> SimError:
    """[I] A body that is not a JSON object."""
    return SimError(400, "Unable to parse the request body as JSON", API_FRAMEWORK)


def unexpected_property(path: str, key: str, value: Any) -> SimError:
    """[I] A property the object type does not have; the framework names the pair it rejects."""
    return SimError(
        400,
        f'Found unexpected json pair at configuration item {path}: "{key}": {value!r}.',
        API_FRAMEWORK,
    )


def invalid_value(key: str, value: Any) -> SimError:
    """[I] A value of the wrong type or outside the property's enumeration."""
    return SimError(400, f'invalid property value "{key}":{value!r}', API_FRAMEWORK)


def invalid_address(value: str) -> SimError:
    """An unparsable address, as the framework words it (seen on a self IP create) [D]."""
    return SimError(400, f'"{value}" invalid address', API_FRAMEWORK)


def out_of_range(key: str, value: Any, low: int, high: int) -> SimError:
    """[I] A number outside its range (VLAN tag 1-4094, MTU 576-9198, port 0-65535...)."""
    return SimError(
        400, f"invalid {key} value {value}: must be between {low} and {high}", API_FRAMEWORK
    )


def missing_property(type_name: str, key: str) -> SimError:
    """[I] A create without a property the object cannot exist without."""
    return SimError(400, f"01070734:3: Configuration error: {type_name} requires a {key}.")


def immutable_property(type_name: str, full_path: str, key: str) -> SimError:
    """[I] PATCH/PUT changing a property that can only be set at creation (self IP address,
    virtual-address address/mask, node address, FQDN auto-populate). Clients delete and
    re-create instead; the exact id is not captured."""
    return SimError(
        400,
        f"01070734:3: Configuration error: The {key} of {type_name} ({full_path}) cannot be "
        "modified.",
    )


# --- references and in-use checks -------------------------------------------------------------


def traffic_group_missing(full_path: str) -> SimError:
    """01070734:3 — a reference to a traffic group that does not exist [D]."""
    return SimError(
        400, f"01070734:3: Configuration error: Traffic group ({full_path}) does not exist."
    )


def reference_missing(type_name: str, full_path: str) -> SimError:
    """[I] A reference to a missing VLAN, pool, monitor, profile or device. The reference's best
    guess: the same 01020036 text as a missing object, with status 400."""
    return not_found(type_name, full_path, status=400)


def node_in_use(node: str, pool: str) -> SimError:
    """01070110:3 — deleting a node still used by a pool member [D]."""
    return SimError(
        400, f"01070110:3: Node address '{node}' is referenced by a member of pool '{pool}'."
    )


def in_use(type_name: str, full_path: str, user_type: str, user_path: str) -> SimError:
    """01070265:3 — deleting an object still referenced. Seen for a VLAN used by a self IP [D];
    the same template is used for the other pairs [I]."""
    return SimError(
        400,
        f"01070265:3: The {type_name} ({full_path}) cannot be deleted because it is in use by "
        f"a {user_type} ({user_path}).",
    )


def config_sync_address_in_use(address: str) -> SimError:
    """01071412:3 — deleting the self IP used as the config-sync address [D]."""
    return SimError(
        400,
        f"01071412:3: Cannot delete IP ({address}) because it is used by the system config-sync "
        "setting",
    )


def monitor_defaults_from_itself(full_path: str) -> SimError:
    """01070734:3 — a monitor whose defaultsFrom is itself [D]."""
    return SimError(
        400,
        f'01070734:3: Configuration error: A monitor may not default from itself "{full_path}"',
    )


# --- self IPs and virtual addresses [I] -------------------------------------------------------


def self_ip_address_in_use(address: str, other: str) -> SimError:
    """[I] A self IP whose address another self IP already has."""
    return SimError(
        400,
        f"01070734:3: Configuration error: The IP address {address} is already in use by "
        f"self IP ({other}).",
    )


def floating_self_outside_subnet(full_path: str, address: str, vlan: str) -> SimError:
    """[I] A floating self IP with no static self IP of the same subnet on its VLAN (DO creates
    static selfs before floating ones because of this dependency)."""
    return SimError(
        400,
        f"01070734:3: Configuration error: Floating self IP ({full_path}) address {address} is "
        f"not in the subnet of any non-floating self IP on VLAN ({vlan}).",
    )


def arp_and_spanning(full_path: str) -> SimError:
    """[I] A virtual address with ARP and spanning both enabled."""
    return SimError(
        400,
        f"01070734:3: Configuration error: Virtual address ({full_path}) cannot have both ARP "
        "and spanning enabled.",
    )


def not_a_self_ip(key: str, address: str) -> SimError:
    """[I] A device connectivity address (config sync, failover unicast, mirroring) that is not a
    self IP of this device."""
    return SimError(
        400,
        f"01070734:3: Configuration error: The {key} address ({address}) is not a self IP "
        "address on this device.",
    )


def peer_device_connectivity(name: str) -> SimError:
    """[I] Device connectivity is set on the device itself, not on a peer's record."""
    return SimError(
        400,
        f"01070734:3: Configuration error: The connectivity of device (/Common/{name}) can "
        "only be set on that device.",
    )


# --- trust, device groups, config sync --------------------------------------------------------


def own_address_in_trust(address: str) -> SimError:
    """add-to-trust with an address of the local device; clients match the sentence [D]."""
    return SimError(
        400,
        f"01071029:3: Could not add device {address} to the trust domain. The specified IP "
        "address is an address on this device.",
    )


def trust_peer_unreachable(address: str) -> SimError:
    """[I] add-to-trust to an address where no BIG-IP answers."""
    return SimError(
        400,
        f"01071029:3: Could not add device {address} to the trust domain. Could not retrieve "
        "device information: connection refused.",
    )


def trust_authentication_failed(address: str) -> SimError:
    """[I] add-to-trust with credentials the peer refuses."""
    return SimError(
        400,
        f"01071029:3: Could not add device {address} to the trust domain. Could not retrieve "
        "device information: authentication failed.",
    )


def trust_device_name_mismatch(address: str, given: str, actual: str) -> SimError:
    """[I] add-to-trust whose deviceName is not the peer's CM device name."""
    return SimError(
        400,
        f"01071029:3: Could not add device {address} to the trust domain. The device name "
        f"({given}) does not match the name of the device at that address ({actual}).",
    )


def device_not_in_trust(device: str) -> SimError:
    """[I] A device-group member or HA-order entry that is not in the local trust domain."""
    return SimError(
        400,
        f"01070734:3: Configuration error: Device ({device}) is not a member of the local trust "
        "domain.",
    )


def device_in_other_failover_group(device: str, group: str) -> SimError:
    """[I] A device can be a member of one sync-failover group only (guide, "Creating a
    Sync-Failover device group", step 5)."""
    return SimError(
        400,
        f"01070734:3: Configuration error: Device ({device}) is already a member of the "
        f"sync-failover device group ({group}).",
    )


def builtin_device_group(name: str) -> SimError:
    """[I] device_trust_group and gtm are maintained by the system."""
    return SimError(
        400, f"01070734:3: Configuration error: Device group (/Common/{name}) is read-only."
    )


def builtin_traffic_group(full_path: str) -> SimError:
    """[I] DELETE of traffic-group-1 or traffic-group-local-only: mcpd refuses to remove a
    default traffic group (a validation error, not a missing method)."""
    return SimError(
        400,
        f"01070734:3: Configuration error: The default traffic group ({full_path}) cannot be "
        "deleted.",
    )


def ha_order_device_not_member(device: str, tg: str) -> SimError:
    """[I] The guide: "You can put only members of the device group on the ordered list"."""
    return SimError(
        400,
        f"01070734:3: Configuration error: Device ({device}) in the HA order of traffic group "
        f"({tg}) is not a member of a sync-failover device group with this device.",
    )


def auto_failback_without_ha_order(tg: str) -> SimError:
    """[I] autoFailbackEnabled needs a non-empty haOrder [C]."""
    return SimError(
        400,
        f"01070734:3: Configuration error: Traffic group ({tg}) cannot enable auto failback "
        "without an HA order.",
    )


def device_group_not_found_for_sync(name: str) -> SimError:
    """01070734:3 — config-sync to a group that does not exist [F]."""
    return SimError(
        400,
        f"01070734:3: Configuration error: Device group ({name}) not found in device group sync",
    )


def pull_before_push(name: str) -> SimError:
    """``config-sync from-group`` before any push to that group; clients match the phrase [C]."""
    return SimError(
        400,
        f"01070734:3: Configuration error: Config sync from device group ({name}) is not "
        "allowed until a push has been done first",
    )


def sync_command_invalid(args: str) -> SimError:
    """[I] A ``utilCmdArgs`` the simulator does not recognise as a config-sync command."""
    return SimError(400, f"Invalid command arguments: {args}", API_FRAMEWORK)


def tmsh_syntax_error(word: str) -> str:
    """[I] tmsh's answer to a command or component it does not know, in `commandResult`
    (bigip_command reports it as the command's output)."""
    return f'Syntax Error: "{word}" unexpected argument\n'


def tmsh_failed(output: str) -> SimError:
    """[I] A tmsh command of an iApp implementation that tmsh refused: the service create fails
    with tmsh's own text."""
    return SimError(400, f"01070734:3: Configuration error: {output.strip()}")


def tmsh_unavailable() -> SimError:
    """Not a device answer: a device built outside a cluster has no tmsh interpreter."""
    return SimError(500, "f5ecmp simulator: no tmsh interpreter for this device", API_FRAMEWORK)


def bash_command_not_found(command: str) -> str:
    """[I] bash's answer (in `commandResult`) to a program the simulated device does not run."""
    return f"/bin/bash: {command}: command not found\n"


def bash_eof() -> str:
    """[I] bash's answer to unbalanced quotes."""
    return "/bin/bash: -c: line 0: unexpected EOF while looking for matching quote\n"


def failover_not_active(tg: str) -> SimError:
    """[I] ``run sys failover standby traffic-group X`` on a device not active for X."""
    return SimError(
        400,
        f"01070734:3: Configuration error: This device is not active for traffic group ({tg}).",
    )


# --- availability, transactions ---------------------------------------------------------------


def simulator_fault(exc: Exception) -> SimError:
    """Not a device answer: the simulator itself failed on this request (a bug to report)."""
    return SimError(
        500, f"f5ecmp simulator internal error: {type(exc).__name__}: {exc}", API_FRAMEWORK
    )


def mcpd_lost() -> SimError:
    """mcpd restarting or unreachable, 500 [F]."""
    return SimError(500, "The connection to mcpd has been lost, try again.", API_MCPD_LOST)


def restjavad_unavailable(path: str) -> FrameworkError:
    """restjavad restarting: the busy answer clients retry on [F]."""
    return FrameworkError(
        503,
        f"URI path {path} not registered.  Please verify URI is supported and wait for "
        "/available suffix to be responsive.",
    )


def transaction_failed(inner: SimError) -> SimError:
    """A transaction whose commit failed: nothing applied, 400, apiError 2 [C][D]."""
    return SimError(400, f"transaction failed:{inner.message}", API_TRANSACTION)


def transaction_not_found(trans_id: str) -> SimError:
    """[I] An unknown or expired transaction id."""
    return SimError(404, f"Transaction {trans_id} not found.", API_FRAMEWORK)


def package_task_not_found(task_id: str) -> FrameworkError:
    """[I] An unknown iApps LX package-management task id."""
    return FrameworkError(404, f"Task {task_id} not found")


def transaction_bad_state(state: Any) -> SimError:
    """[I] A transaction PATCH that asks for anything but VALIDATING."""
    return SimError(400, f"invalid transaction state requested: {state!r}", API_FRAMEWORK)


# --- authentication (§2.3) --------------------------------------------------------------------


def login_failed(original_body: str) -> AuthError:
    """Bad user/password on /mgmt/shared/authn/login; the echo drops the password [D]."""
    return AuthError("Authentication failed.", original_body=original_body)


def no_credentials(uri: str, referer: str) -> AuthError:
    """No Authorization header and no token [F]."""
    return AuthError(
        "Authorization failed: no user authentication header or token detected. "
        f"Uri:http://localhost:8100{uri} Referrer:{referer} Sender:{referer}"
    )


def token_unknown() -> AuthError:
    """An unknown, expired or deleted X-F5-Auth-Token [D]."""
    return AuthError(
        "X-F5-Auth-Token does not exist.",
        error_stack=[
            "java.lang.SecurityException: X-F5-Auth-Token does not exist.",
            "at com.f5.rest.workers.authz.AuthzHelper.validateToken(AuthzHelper.java:262)",
        ],
    )


def token_timeout_too_large(value: Any) -> SimError:
    """[I] 36000 s is the ceiling clients use for a token's timeout."""
    return SimError(400, f"invalid token timeout {value!r}: the maximum is 36000", API_FRAMEWORK)
