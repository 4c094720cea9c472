"""Local traffic objects: nodes and pools (+ `members`); with the monitors and profiles
(`monitors`) and the virtual servers and addresses (`virtual`), every LTM kind (`RULES`).

The guide's "Creating a server pool" section. Everything here travels with config sync
(reference §5.1). Health monitoring is not performed: the simulator never connects to a data
plane address, so members and nodes report `state "unchecked"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors, names
from ..errors import ErrorId
from ..objects import Kind, Rules, int_in_range, table
from ..store import Obj
from .monitors import RULES as MONITORS
from .monitors import monitor_rule
from .virtual import RULES as VIRTUALS

if TYPE_CHECKING:
    from ..device import Device

LB_MODES = frozenset(
    {
        "round-robin",
        "ratio-member",
        "ratio-node",
        "ratio-session",
        "least-connections-member",
        "least-connections-node",
        "least-sessions",
        "ratio-least-connections-member",
        "ratio-least-connections-node",
        "observed-member",
        "observed-node",
        "predictive-member",
        "predictive-node",
        "fastest-node",
        "fastest-app-response",
        "dynamic-ratio-member",
        "dynamic-ratio-node",
        "weighted-least-connections-member",
        "weighted-least-connections-node",
    }
)
MEMBER_STATES = {"user-up": "unchecked", "user-down": "user-down"}
MEMBER_SESSIONS = frozenset({"user-enabled", "user-disabled", "monitor-enabled"})


class NodeRules(Rules):
    """`ltm/node`: an address node or an FQDN node (`address "any6"`, `fqdn.tmName`)."""

    kind = Kind("ltm/node", "Node")
    optional = frozenset({"description", "monitor", "address", "fqdn", "metadata"})
    derived = frozenset({"ephemeral"})
    immutable = frozenset({"address"})
    enums = table({"session": MEMBER_SESSIONS})
    ranges = table(
        {"connectionLimit": (0, 2147483647), "ratio": (1, 65535), "dynamicRatio": (1, 65535)}
    )
    synced = True

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {
            "connectionLimit": 0,
            "dynamicRatio": 1,
            "ephemeral": "false",
            "fqdn": {
                "addressFamily": "ipv4",
                "autopopulate": "disabled",
                "downInterval": 5,
                "interval": "3600",
            },
            "logging": "disabled",
            "monitor": "default",
            "rateLimit": "disabled",
            "ratio": 1,
            "session": "user-enabled",
            "state": "unchecked",
        }

    def coerce(self, key: str, value: Any) -> Any:
        if key == "address":
            if value == "any6":
                return value
            host, rd = names.split_route_domain(names.strip_zero_route_domain(str(value)))
            return str(names.parse_ip(host)) + rd
        if key == "state":
            if value not in MEMBER_STATES and value != "unchecked":
                raise errors.make(ErrorId.INVALID_VALUE, key=key, value=value)
            return MEMBER_STATES.get(value, value)
        return super().coerce(key, value)

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        fqdn_in = body.get("fqdn")
        super().apply(
            dev, obj, {k: v for k, v in body.items() if k not in ("fqdn", "monitor")}, creating
        )
        if "monitor" in body:
            obj.props["monitor"] = monitor_rule(dev, body["monitor"]) or "default"
        if fqdn_in is not None:
            obj.props["fqdn"] = merge_fqdn(obj, fqdn_in, creating)
        if obj.props["fqdn"].get("tmName"):
            obj.props["address"] = "any6"
            if obj.props["state"] == "unchecked":
                # [I] no DNS is resolved, so an FQDN node has no address yet [F shape].
                obj.props["state"] = "fqdn-up-no-addr"
        if "address" not in obj.props:
            raise errors.make(ErrorId.MISSING_PROPERTY, type="Node", key="address")
        obj.props["session"] = session(obj.props["session"], obj.props["monitor"] != "default")

    def check_delete(self, dev: Device, obj: Obj) -> None:
        for pool in dev.store.items("ltm/pool"):
            for member in pool.child_list("members"):
                if member_node(member) == obj.full_path:
                    raise errors.make(ErrorId.NODE_IN_USE, node=obj.full_path, pool=pool.full_path)


def session(given: str, monitored: bool) -> str:
    """The `session` a device reports: "user-disabled" as set; otherwise "monitor-enabled"
    while a health monitor watches the object and "user-enabled" while none does (nodes with
    and without a monitor: sts-f5-agent-checks/node.json, f5-ansible/load_ltm_node_1.json;
    members of a monitored pool: sts-f5-agent-checks/pool.json)."""
    if given == "user-disabled":
        return given
    return "monitor-enabled" if monitored else "user-enabled"


def refresh_sessions(pool: Obj, only: Obj | None = None) -> None:
    """A member is watched by its own monitor or its pool's; an FQDN member is a template for
    the members its name resolves to and stays "user-enabled"
    (f5-ansible-bigip/load_ltm_pool_members.json). ``only``: just that member (one member
    changed; refreshing them all for each would make a large pool's create quadratic)."""
    members = [only] if only is not None else pool.children.get("members", {}).values()
    for member in members:
        watched = "monitor" in pool.props or member.props["monitor"] != "default"
        template = bool(member.props["fqdn"].get("tmName"))
        member.props["session"] = session(member.props["session"], watched and not template)


def merge_fqdn(obj: Obj, value: Any, creating: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.make(ErrorId.INVALID_VALUE, key="fqdn", value=value)
    fqdn = dict(obj.props["fqdn"])
    for key, item in value.items():
        if key not in ("tmName", "autopopulate", "addressFamily", "interval", "downInterval"):
            raise errors.make(
                ErrorId.UNEXPECTED_PROPERTY, path="/ltm/node/fqdn/", key=key, value=item
            )
        if (
            not creating
            and key in ("autopopulate", "addressFamily", "tmName")
            and fqdn.get(key) != item
        ):
            raise errors.make(
                ErrorId.IMMUTABLE_PROPERTY, type="Node", path=obj.full_path, key=f"fqdn.{key}"
            )
        fqdn[key] = item
    if fqdn["autopopulate"] not in ("enabled", "disabled"):
        raise errors.make(
            ErrorId.INVALID_VALUE, key="fqdn.autopopulate", value=fqdn["autopopulate"]
        )
    fqdn["interval"] = str(int_in_range("fqdn.interval", fqdn["interval"], 1, 2147483647))
    fqdn["downInterval"] = int_in_range("fqdn.downInterval", fqdn["downInterval"], 1, 3600)
    return {k: fqdn[k] for k in sorted(fqdn)}


def member_node(member: Obj) -> str:
    node, _ = names.member_parts(member.full_path)
    return names.full_path(node)


class PoolRules(Rules):
    """`ltm/pool`: monitor rule, load-balancing method, inline `members` that auto-create
    their nodes (an IP member creates node `/Common/<ip>`) [F]."""

    kind = Kind("ltm/pool", "Pool", subcollections=("members",))
    optional = frozenset({"description", "monitor", "metadata"})
    input_only = frozenset({"members"})
    enums = table(
        {
            "loadBalancingMode": LB_MODES,
            "minUpMembersAction": frozenset({"failover", "reboot", "restart-all"}),
            "serviceDownAction": frozenset({"none", "reset", "drop", "reselect"}),
            "allowNat": frozenset({"yes", "no"}),
            "allowSnat": frozenset({"yes", "no"}),
        }
    )
    switches = frozenset(
        {"minUpMembersChecking", "queueOnConnectionLimit", "ignorePersistedWeight"}
    )
    ranges = table(
        {
            "minActiveMembers": (0, 65535),
            "minUpMembers": (0, 65535),
            "slowRampTime": (0, 65535),
            "reselectTries": (0, 65535),
            "queueDepthLimit": (0, 2147483647),
            "queueTimeLimit": (0, 2147483647),
        }
    )
    child_type_names = table({"members": "Pool Member"})
    synced = True

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        return {
            "allowNat": "yes",
            "allowSnat": "yes",
            "ignorePersistedWeight": "disabled",
            "ipTosToClient": "pass-through",
            "ipTosToServer": "pass-through",
            "linkQosToClient": "pass-through",
            "linkQosToServer": "pass-through",
            "loadBalancingMode": "round-robin",
            "minActiveMembers": 0,
            "minUpMembers": 0,
            "minUpMembersAction": "failover",
            "minUpMembersChecking": "disabled",
            "queueDepthLimit": 0,
            "queueOnConnectionLimit": "disabled",
            "queueTimeLimit": 0,
            "reselectTries": 0,
            "serviceDownAction": "none",
            "slowRampTime": 10,
        }

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        super().apply(dev, obj, {k: v for k, v in body.items() if k != "monitor"}, creating)
        if "monitor" in body:
            rule = monitor_rule(dev, body["monitor"])
            if rule is None:
                obj.props.pop("monitor", None)
            else:
                obj.props["monitor"] = rule
        if "members" in body:
            self.set_children(dev, obj, "members", body["members"])
        refresh_sessions(obj)

    def add_child(self, dev: Device, parent: Obj, sub: str, body: dict[str, Any]) -> Obj:
        member = body if isinstance(body, dict) else {"name": body}
        name = member.get("name")
        if not isinstance(name, str):
            raise errors.make(ErrorId.MISSING_PROPERTY, type="Pool Member", key="name")
        node, port = names.member_parts(name)
        key = names.full_path(f"{names.base_name(names.full_path(node))}:{port}")
        if key in parent.children.get(sub, {}):
            raise errors.make(
                ErrorId.ALREADY_EXISTS,
                type="Pool Member",
                path=self.child_display(parent, sub, key),
            )
        child = Obj("ltm/pool/members", key, member_defaults())
        child.props["address"] = member_address(dev, node, member)
        parent.children.setdefault(sub, {})[key] = child
        self.modify_child(
            dev,
            parent,
            sub,
            child,
            {k: v for k, v in member.items() if k not in ("name", "address", "partition")},
        )
        return child

    def modify_child(
        self, dev: Device, parent: Obj, sub: str, child: Obj, body: dict[str, Any]
    ) -> None:
        node_rules = NodeRules()
        for key, value in body.items():
            if key in (
                "kind",
                "selfLink",
                "generation",
                "fullPath",
                "nameReference",
                "name",
                "partition",
                "address",
                "ephemeral",
                "inheritProfile",
                "profiles",
            ):
                continue
            if key == "monitor":
                child.props["monitor"] = monitor_rule(dev, value) or "default"
            elif key == "fqdn":
                if not isinstance(value, dict):
                    raise errors.make(ErrorId.INVALID_VALUE, key="fqdn", value=value)
                child.props["fqdn"] = {**child.props["fqdn"], **value}
            elif key in ("priorityGroup",):
                child.props[key] = int_in_range(key, value, 0, 65535)
            elif key in child.props or key == "description":
                child.props[key] = node_rules.coerce(key, value)
            else:
                raise errors.make(
                    ErrorId.UNEXPECTED_PROPERTY, path="/ltm/pool/members/", key=key, value=value
                )
        refresh_sessions(parent, child)

    def child_display(self, parent: Obj, sub: str, key: str) -> str:
        """`/Common/web /Common/10.0.0.1 80` [F]."""
        node, port = names.member_parts(key)
        return f"{parent.full_path} {names.full_path(node)} {port}"

    def after_write(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        # A member the pool had already has its node: a node in use cannot be deleted.
        had = old.children.get("members", {}) if old is not None else {}
        members = obj.children.get("members", {})
        for key in sorted(members.keys() - had.keys()):
            member = members[key]
            node_path = member_node(member)
            if dev.store.get("ltm/node", node_path) is None:
                body: dict[str, Any] = {"name": node_path}
                if member.props["fqdn"].get("tmName"):
                    body["fqdn"] = {
                        "tmName": member.props["fqdn"]["tmName"],
                        "autopopulate": member.props["fqdn"]["autopopulate"],
                    }
                else:
                    body["address"] = member.props["address"]
                dev.create("ltm/node", body)

    def check_delete(self, dev: Device, obj: Obj) -> None:
        for virtual in dev.store.items("ltm/virtual"):
            if virtual.props.get("pool") == obj.full_path:
                raise errors.make(
                    ErrorId.IN_USE,
                    type="Pool",
                    path=obj.full_path,
                    user_type="Virtual Server",
                    user_path=virtual.full_path,
                )


def member_defaults() -> dict[str, Any]:
    return {
        "address": "",
        "connectionLimit": 0,
        "dynamicRatio": 1,
        "ephemeral": "false",
        "fqdn": {"autopopulate": "disabled"},
        "inheritProfile": "enabled",
        "logging": "disabled",
        "monitor": "default",
        "priorityGroup": 0,
        "rateLimit": "disabled",
        "ratio": 1,
        "session": "user-enabled",
        "state": "unchecked",
    }


def member_address(dev: Device, node: str, member: dict[str, Any]) -> str:
    """A member's address: given, its node's, or the IP its name is made of."""
    existing = dev.store.get("ltm/node", names.full_path(node))
    if existing is not None:
        return str(existing.props["address"])
    given = member.get("address")
    if isinstance(given, str) and given:
        return str(names.parse_ip(given))
    if names.is_ip(node):
        return str(names.parse_ip(node))
    fqdn = member.get("fqdn")
    if isinstance(fqdn, dict) and fqdn.get("tmName"):
        return "any6"
    raise errors.make(ErrorId.REFERENCE_MISSING, type="Node", path=names.full_path(node))


RULES: tuple[Rules, ...] = (
    *MONITORS,
    NodeRules(),
    PoolRules(),
    *VIRTUALS,
)
