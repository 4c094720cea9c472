"""The playbook: one cluster's all-active ECMP configuration, as an operator writes it.

Field names speak the operator's language (``vlans``, ``devices``, ``traffic_group``); the steps
translate them to BIG-IP's (``trafficGroup``, ``haOrder``). Defaults are the ones F5's guide
says to retain, or BIG-IP's own. Defaults that depend on other fields (self IP names, the
connectivity addresses, HA order) are left ``None`` here and resolved by properties and
:meth:`Playbook.ha_order`, so a dump of the model shows what the operator actually wrote.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    model_validator,
)
from pydantic.json_schema import WithJsonSchema

from f5ecmp.playbook.types import (
    Address,
    Destination,
    Flag,
    Fqdn,
    Host,
    Hostname,
    InterfaceName,
    IPAddress,
    Mac,
    MemberPort,
    MirrorAddress,
    Mtu,
    Name,
    NodeName,
    Port,
    PortLockdown,
    RefName,
    SelfAddress,
    ServerAddress,
    Timezone,
    VlanTag,
    in_range,
)

VlanRole = Literal["external", "internal", "ha"]
VLAN_ROLES: tuple[VlanRole, ...] = ("external", "internal", "ha")
FLOATING_ROLES: tuple[VlanRole, ...] = ("external", "internal")

LbMethod = Literal[
    "round-robin", "ratio-member", "ratio-node", "ratio-session", "least-connections-member",
    "least-connections-node", "least-sessions", "ratio-least-connections-member",
    "ratio-least-connections-node", "observed-member", "observed-node", "predictive-member",
    "predictive-node", "fastest-node", "fastest-app-response", "dynamic-ratio-member",
    "dynamic-ratio-node", "weighted-least-connections-member", "weighted-least-connections-node",
]  # fmt: skip
VirtualType = Literal[
    "standard", "performance-l4", "performance-http", "forwarding-ip", "forwarding-l2",
    "stateless", "reject", "dhcp", "internal", "message-routing",
]  # fmt: skip


class Spec(BaseModel):
    """Base of every playbook section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _interface_shorthand(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


def _address_shorthand(value: Any) -> Any:
    return {"address": value} if isinstance(value, str) else value


class Credentials(Spec):
    """Names of the environment variables holding the credentials: never the secrets."""

    username_env: str = Field("F5_USER", description="variable holding the user name")
    password_env: str = Field("F5_PASSWORD", description="variable holding the password")


class Tls(Spec):
    verify: Flag = Field(True, description="verify each device's HTTPS certificate")
    ca_bundle: str | None = Field(
        None, description="PEM file of CAs that signed the devices' certificates"
    )


class VlanInterface(Spec):
    name: InterfaceName = Field(description="interface (1.1) or trunk name")
    tagged: Flag = Field(False, description="tagged member (untagged when false)")
    tag_mode: Literal["none", "service", "customer", "double"] | None = Field(
        None, description="QinQ tag mode of a tagged member (needs customer_tag on the VLAN)"
    )


class Vlan(Spec):
    """Network > VLANs (guide: Creating VLANs); created on every device, never synced."""

    name: Name = Field(description="the VLAN's name on BIG-IP (e.g. external)")
    tag: VlanTag | None = Field(None, description="1-4094; omit to let BIG-IP assign one")
    customer_tag: VlanTag | None = Field(None, description="QinQ inner tag, 1-4094")
    interfaces: Annotated[tuple[Annotated[VlanInterface, BeforeValidator(_interface_shorthand, json_schema_input_type=VlanInterface | str)], ...],
                          Field(min_length=1, description="member interfaces or trunks: a name (untagged) or {name, tagged, tag_mode}")]  # fmt: skip
    source_check: Flag = Field(
        False, description="check that a packet's source is reached back through this VLAN"
    )
    mtu: Mtu = Field(1500, description="maximum transmission unit in bytes, 576-9198")
    fail_safe: Flag = Field(False, description="VLAN fail-safe: act when the VLAN sees no traffic")
    fail_safe_action: Literal["failover-restart-tm", "failover", "reboot", "restart-all"] = Field(
        "failover-restart-tm", description="what fail-safe does when it triggers"
    )
    fail_safe_timeout: Annotated[int, in_range(10, 3600, "fail-safe timeout")] = Field(
        90, description="seconds without traffic before fail-safe acts, 10-3600"
    )
    auto_last_hop: Literal["default", "enabled", "disabled"] = Field(
        "default", description="send replies to the MAC address the request came from"
    )
    cmp_hash: Literal["default", "src-ip", "dst-ip"] = Field(
        "default", description="how connections are spread over the TMM instances"
    )
    dag_round_robin: Flag = Field(False, description="spread stateless traffic evenly over TMMs")


class Vlans(Spec):
    external: Vlan = Field(description="client side: the network the router reaches the devices on")
    internal: Vlan = Field(description="server side; carries config sync and mirroring by default")
    ha: Vlan = Field(description="failover heartbeats and the secondary mirroring address")

    def by_role(self) -> dict[VlanRole, Vlan]:
        return {"external": self.external, "internal": self.internal, "ha": self.ha}


class Ntp(Spec):
    servers: Annotated[
        tuple[Host, ...], Field(min_length=1, description="NTP servers, at least one")
    ]
    timezone: Timezone = Field("UTC", description="IANA time zone of the clock (e.g. UTC)")


class Dns(Spec):
    servers: tuple[Address, ...] = Field((), description="DNS servers (FQDN pool members need one)")
    search: tuple[Hostname, ...] = Field((), description="DNS search domains")


class SelfIp(Spec):
    address: SelfAddress = Field(description="address/prefix, e.g. 20.1.1.2/24")
    name: Name | None = Field(
        None, description="default: <role>_static_self_<device> / float_<role>_self_<device>"
    )
    port_lockdown: PortLockdown | None = Field(
        None, description="default: 'default' for internal and HA static selfs, else 'none'"
    )


SelfIpField = Annotated[
    SelfIp, BeforeValidator(_address_shorthand, json_schema_input_type=SelfIp | str)
]


class StaticSelfs(Spec):
    external: SelfIpField = Field(description="static self IP on the external VLAN")
    internal: SelfIpField = Field(description="static self IP on the internal VLAN")
    ha: SelfIpField = Field(description="static self IP on the HA VLAN")

    def by_role(self) -> dict[VlanRole, SelfIp]:
        return {"external": self.external, "internal": self.internal, "ha": self.ha}


class FloatingSelfs(Spec):
    external: SelfIpField = Field(description="floating self IP on the external VLAN")
    internal: SelfIpField = Field(description="floating self IP on the internal VLAN")

    def by_role(self) -> dict[VlanRole, SelfIp]:
        return {"external": self.external, "internal": self.internal}


class TrafficGroup(Spec):
    """Device Management > Traffic Groups (guide: Creating traffic groups for failover)."""

    name: Name = Field(description="the traffic group's name (the first device's: traffic-group-1)")
    mac_masquerade: Mac = Field(description="locally administered unicast MAC")
    description: str | None = Field(None, description="description shown on BIG-IP")
    failover_method: Literal["ha-order"] = Field(
        "ha-order", description="how the next active device is chosen: by HA order"
    )
    ha_order: tuple[Hostname, ...] | None = Field(
        None, description="device names; default: all devices, starting with this one"
    )
    auto_failback: Flag = Field(True, description="go back to the first device of the HA order")
    auto_failback_time: Annotated[int, in_range(0, 300, "auto failback time")] = Field(
        60, description="seconds before auto failback, 0-300"
    )


class Connectivity(Spec):
    """Overrides of the guide's ConfigSync / Failover Network / Mirroring addresses."""

    config_sync_ip: Address | None = Field(None, description="default: internal static self")
    failover_unicast: tuple[Address, ...] | None = Field(
        None, description="default: [HA static self, management address]"
    )
    failover_port: Annotated[int, in_range(1, 65535, "failover port")] = Field(
        1026, description="UDP port of network failover"
    )
    mirror_primary_ip: Address | None = Field(None, description="default: internal static self")
    mirror_secondary_ip: MirrorAddress | None = Field(
        None, description="default: HA static self; 'none' for no secondary"
    )


class Device(Spec):
    name: Hostname = Field(description="the device's cm device name / hostname")
    mgmt: Address = Field(description="management address")
    port: Annotated[Port, in_range(1, 65535, "REST port")] = Field(
        443, description="HTTPS port of iControl REST on the management address"
    )
    credentials: Credentials | None = Field(None, description="per-device credential variables")
    static_selfs: StaticSelfs = Field(description="this device's static self IPs, one per VLAN")
    floating_selfs: FloatingSelfs = Field(description="floating self IPs in this device's group")
    traffic_group: TrafficGroup = Field(description="the traffic group this device runs")
    connectivity: Connectivity = Field(
        Connectivity(), description="config sync, failover and mirroring addresses to override"
    )
    _label: str = PrivateAttr(default="")

    @property
    def label(self) -> str:
        """The short name used in default object names: the device name's first label, or as
        many labels as make it unique in the playbook (``lb.dc1.example.net`` → ``lb-dc1``)."""
        return self._label or self.name.split(".")[0]

    def static_self_name(self, role: VlanRole) -> str:
        spec = self.static_selfs.by_role()[role]
        return spec.name or f"{_ROLE_PREFIX[role]}_static_self_{self.label}"

    def floating_self_name(self, role: VlanRole) -> str:
        spec = self.floating_selfs.by_role()[role]
        return spec.name or f"float_{_ROLE_PREFIX[role]}_self_{self.label}"

    def static_self_lockdown(self, role: VlanRole) -> str | tuple[str, ...]:
        """Port lockdown: config sync, failover and mirroring reach the internal and HA selfs."""
        given = self.static_selfs.by_role()[role].port_lockdown
        if given is not None:
            return given
        return "none" if role == "external" else "default"

    def floating_self_lockdown(self, role: VlanRole) -> str | tuple[str, ...]:
        given = self.floating_selfs.by_role()[role].port_lockdown
        return given if given is not None else "none"

    @property
    def config_sync_ip(self) -> IPAddress:
        return self.connectivity.config_sync_ip or self.static_selfs.internal.address.ip

    @property
    def failover_unicast(self) -> tuple[IPAddress, ...]:
        given = self.connectivity.failover_unicast
        return given if given is not None else (self.static_selfs.ha.address.ip, self.mgmt)

    @property
    def mirror_primary_ip(self) -> IPAddress:
        return self.connectivity.mirror_primary_ip or self.static_selfs.internal.address.ip

    @property
    def mirror_secondary_ip(self) -> IPAddress | None:
        given = self.connectivity.mirror_secondary_ip
        if given == "none":
            return None
        if given is not None and not isinstance(given, str):
            return given
        return self.static_selfs.ha.address.ip


_ROLE_PREFIX: dict[VlanRole, str] = {"external": "ext", "internal": "int", "ha": "ha"}


class DeviceGroup(Spec):
    """Device Management > Device Groups (guide: Creating a Sync-Failover device group)."""

    name: Name = Field(description="the device group's name")
    type: Literal["sync-failover", "sync-only"] = Field(
        "sync-failover", description="sync-failover, as the guide creates, or sync-only"
    )
    description: str | None = Field(None, description="description shown on BIG-IP")
    network_failover: Flag = Field(True, description="failover over the network")
    auto_sync: Flag = Field(False, description="sync after every change (off in the guide)")
    save_on_auto_sync: Flag = Field(False, description="save the configuration on each auto sync")
    full_sync: Flag = Field(False, description="always sync the whole configuration")
    # BIG-IP documents the default (1024 KB) but no range; any positive size is passed on.
    max_incremental_sync_kb: Annotated[int, in_range(1, 2**31 - 1, "max incremental sync size")] = (
        Field(1024, description="largest incremental sync in KB; above it, a full sync is sent")
    )


class PoolMember(Spec):
    address: ServerAddress | None = Field(None, description="server address (or give fqdn)")
    fqdn: Fqdn | None = Field(None, description="server FQDN (or give address)")
    port: MemberPort = Field(description="the member's service port, 1-65535")
    name: NodeName | None = Field(None, description="node name; default: the address or FQDN")
    auto_populate: Flag = Field(True, description="FQDN nodes: one ephemeral member per DNS answer")
    address_family: Literal["ipv4", "ipv6"] = Field(
        "ipv4", description="FQDN nodes: the address family asked of DNS"
    )


class Pool(Spec):
    """Local Traffic > Pools (guide: Creating a server pool)."""

    name: Name = Field(description="the pool's name")
    description: str | None = Field(None, description="description shown on BIG-IP")
    lb_method: LbMethod = Field("round-robin", description="load-balancing method")
    monitors: tuple[RefName, ...] = Field((), description="health monitors, e.g. http")
    monitor_min_up: int | None = Field(
        None, ge=1, description="'min N of' monitor rule; default: all"
    )
    members: Annotated[
        tuple[PoolMember, ...], Field(min_length=1, description="the pool's members, one or more")
    ]


class VirtualServer(Spec):
    """Local Traffic > Virtual Servers (guide: Creating a destination address and port)."""

    name: Name = Field(description="the virtual server's name")
    description: str | None = Field(None, description="description shown on BIG-IP")
    type: VirtualType = Field("standard", description="virtual server type (standard in the guide)")
    destination: Destination = Field(description="address or address/prefix (IPv4 or IPv6)")
    port: Port = Field(description="service port, 0 for any")
    ip_protocol: Literal["tcp", "udp", "sctp", "any"] = Field("tcp", description="IP protocol")
    snat: Literal["automap", "none"] = Field("automap", description="source address translation")
    mirroring: Flag = Field(True, description="mirror connections to the next device")
    pool: Name | None = Field(None, description="default pool; default: the playbook's pool")
    profiles: tuple[RefName, ...] | None = Field(
        None, description="default: the protocol's profile (tcp, udp, sctp; fastL4 for any)"
    )

    @property
    def profile_names(self) -> tuple[str, ...]:
        if self.profiles is not None:
            return self.profiles
        return ({"any": "fastL4"}.get(self.ip_protocol, self.ip_protocol),)


class VirtualAddress(Spec):
    """Local Traffic > Virtual Address List (guide: Enabling the virtual address to span)."""

    traffic_group: Name = Field("traffic-group-1", description="traffic group of the address")
    arp: Flag = Field(False, description="answer ARP for the address (off: it is routed to)")
    spanning: Flag = Field(True, description="the address is active on every device at once")


RouterPlatform = Literal["frr", "ios", "nxos", "junos", "eos", "linux"]
ROUTER_PLATFORMS: tuple[RouterPlatform, ...] = ("frr", "ios", "nxos", "junos", "eos", "linux")


def parse_route_prefix(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A route's destination as network/prefix, with no host bits set (30.1.1.0/24)."""
    if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return value
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or "/" not in text:
        raise ValueError(f"'{value}' is not a prefix such as 30.1.1.0/24 (network/length)")
    try:
        return ipaddress.ip_network(text)
    except ValueError:
        try:
            network = ipaddress.ip_interface(text).network
        except ValueError:
            raise ValueError(f"'{text}' is not a prefix such as 30.1.1.0/24") from None
        raise ValueError(f"'{text}' has host bits set: the prefix is {network}") from None


def _router_interface(value: Any) -> Any:
    if isinstance(value, str) and (not value.strip() or any(c.isspace() for c in value.strip())):
        raise ValueError(f"'{value}' is not an interface name (one word, such as Ethernet1/1)")
    return value.strip() if isinstance(value, str) else value


RoutePrefix = Annotated[
    ipaddress.IPv4Network | ipaddress.IPv6Network,
    PlainValidator(parse_route_prefix),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["30.1.1.0/24"]}),
]
RouterInterface = Annotated[str, BeforeValidator(_router_interface)]


class Router(Spec):
    """The upstream router's ECMP route (``f5ecmp router-config``); its options win over these."""

    platform: RouterPlatform = Field("frr", description="frr, ios, nxos, junos, eos or linux")
    interface: RouterInterface | None = Field(
        None, description="the router's interface toward the external VLAN (e.g. Ethernet1/1)"
    )
    bfd: Flag = Field(False, description="per-next-hop BFD where the platform has it")
    prefix: RoutePrefix | None = Field(
        None, description="route this prefix (holding the virtual address) instead"
    )


StepRetries = Annotated[int, in_range(0, 10, "step retries")]
StepId = Literal[
    "vlans", "static_selfs", "ntp", "trust", "connectivity", "device_group", "pool",
    "virtual_server", "spanning", "traffic_groups", "floating_selfs", "decommission", "sync",
]  # fmt: skip


class Playbook(Spec):
    """An all-active ECMP cluster of 2-8 BIG-IP devices (the first is the authority)."""

    cluster: Name = Field(description="label for the journal, state and output")
    partition: Name = Field("Common", description="partition of the pool, nodes and virtual server")
    credentials: Credentials = Field(
        Credentials(), description="environment variables holding the user name and password"
    )
    tls: Tls = Field(Tls(), description="how the devices' HTTPS certificates are verified")
    vlans: Vlans = Field(description="the external, internal and HA VLANs of every device")
    ntp: Ntp = Field(description="NTP servers and time zone of every device")
    dns: Dns = Field(Dns(), description="DNS servers and search domains of every device")
    devices: tuple[Device, ...] = Field(description="the devices; the first is the authority")
    device_group: DeviceGroup = Field(description="the Sync-Failover device group")
    pool: Pool = Field(description="the server pool")
    virtual_server: VirtualServer = Field(description="the virtual server")
    virtual_address: VirtualAddress = Field(
        VirtualAddress(), description="the virtual server's address: group, ARP, spanning"
    )
    router: Router | None = Field(None, description="defaults for `f5ecmp router-config`")
    step_retries: dict[StepId, StepRetries] = Field(
        default_factory=dict,
        description="re-runs of a step that fails for a retriable reason, per step (default 2)",
    )

    @model_validator(mode="after")
    def _name_labels(self) -> Playbook:
        labels = _unique_labels([d.name for d in self.devices])
        for device, label in zip(self.devices, labels, strict=True):
            device._label = label
        return self

    @property
    def authority(self) -> Device:
        return self.devices[0]

    def device(self, name: str) -> Device:
        return next(d for d in self.devices if d.name == name)

    def ha_order(self, device: Device) -> tuple[str, ...]:
        """The traffic group's HA order: as written, else every device from ``device`` on."""
        if device.traffic_group.ha_order is not None:
            return device.traffic_group.ha_order
        names = [d.name for d in self.devices]
        start = names.index(device.name)
        return tuple(names[start:] + names[:start])

    @property
    def default_pool(self) -> str:
        return self.virtual_server.pool or self.pool.name


def _unique_labels(names: list[str]) -> list[str]:
    """Per name, the fewest leading labels (joined by '-') that no other name shares."""
    split = [name.split(".") for name in names]
    out = []
    for i, labels in enumerate(split):
        others = [other for j, other in enumerate(split) if j != i]
        depth = 1
        while depth < len(labels) and any(other[:depth] == labels[:depth] for other in others):
            depth += 1
        out.append("-".join(labels[:depth]))
    return out
