"""The built-in objects of a freshly licensed BIG-IP 16.1 VE, as data.

Profiles of every LTM profile type with their built-in default profile(s), monitors,
persistence profiles, and the read-only collections clients gather (F5's bigip_device_info,
bigip_virtual_server and f5-sdk read them; bigip_virtual_server does `response['items']` on
several profile collections without a guard, so each type must answer with its defaults).

Names are those of a 16.1 device's `/Common` (tmsh `list ltm profile <type>`; F5's
"Overview of the BIG-IP default profiles" knowledge article, K7784 for the profile list);
settings are the few that clients compare, not every property [I beyond the names]. A
derived built-in names its parent in `defaultsFrom`.
"""

from __future__ import annotations

from typing import Any

Props = dict[str, Any]

# Profile type (collection `ltm/profile/<type>`) → built-in name → key settings. The first
# name of each type is its root profile.
PROFILES: dict[str, dict[str, Props]] = {
    "analytics": {"analytics": {}},
    "certificate-authority": {"certificate-authority": {}},
    "classification": {"classification": {}},
    "client-ldap": {"clientldap": {}},
    "client-ssl": {
        "clientssl": {
            "cert": "/Common/default.crt",
            "key": "/Common/default.key",
            "ciphers": "DEFAULT",
            "renegotiation": "enabled",
            "sniDefault": "false",
        },
        "clientssl-insecure-compatible": {"ciphers": "ALL:!DH:!ADH:!EDH:@SPEED"},
        "clientssl-secure": {"ciphers": "ecdhe:rsa:!sslv3:!rc4:!exp:!des"},
        "crypto-server-default-clientssl": {},
        "splitsession-default-clientssl": {},
        "wom-default-clientssl": {},
    },
    "dhcpv4": {"dhcpv4": {"idleTimeout": 60, "maxHops": 4}},
    "dhcpv6": {"dhcpv6": {"idleTimeout": 60, "maxHops": 4}},
    "diameter": {"diameter": {}},
    "dns": {"dns": {"enableDnsExpress": "yes", "enableGtm": "yes", "useLocalBind": "yes"}},
    "fasthttp": {"fasthttp": {"idleTimeout": 300}},
    "fastl4": {
        "fastL4": {
            "idleTimeout": "300",
            "looseClose": "disabled",
            "looseInitialization": "disabled",
        },
        "apm-forwarding-fastL4": {},
        "full-acceleration": {},
        "security-fastL4": {},
    },
    "fix": {"fix": {}},
    "ftp": {"ftp": {"port": 20, "inheritParentProfile": "disabled"}},
    "gtp": {"gtp": {}},
    "html": {"html": {}},
    "http": {
        "http": {
            "insertXforwardedFor": "disabled",
            "proxyType": "reverse",
            "redirectRewrite": "none",
            "serverAgentName": "BigIP",
        },
        "http-explicit": {"proxyType": "explicit"},
        "http-transparent": {"proxyType": "transparent"},
    },
    "http-compression": {"httpcompression": {}, "wan-optimized-compression": {}},
    "http-proxy-connect": {"http-proxy-connect": {}},
    "http2": {"http2": {"concurrentStreamsPerConnection": 10, "connectionIdleTimeout": 300}},
    "icap": {"icap": {}},
    "ipother": {"ipother": {"idleTimeout": "60"}},
    "ipsecalg": {"ipsecalg": {}},
    "map-t": {"map-t": {}},
    "mqtt": {"mqtt": {}},
    "netflow": {"netflow": {}},
    "ntlm": {"ntlm": {}},
    "one-connect": {"oneconnect": {"maxSize": 10000, "sourceMask": "any"}},
    "pcp": {"pcp": {}},
    "pptp": {"pptp": {}},
    "qoe": {"qoe": {}},
    "radius": {"radius": {}, "radiusLB": {}},
    "request-adapt": {"requestadapt": {}},
    "request-log": {"request-log": {"requestLogging": "disabled", "responseLogging": "disabled"}},
    "response-adapt": {"responseadapt": {}},
    "rewrite": {"rewrite": {}, "rewrite-portal": {}, "rewrite-uri-translation": {}},
    "rtsp": {"rtsp": {}},
    "sctp": {"sctp": {"idleTimeout": 300}},
    "server-ldap": {"serverldap": {}},
    "server-ssl": {
        "serverssl": {"ciphers": "DEFAULT", "renegotiation": "enabled"},
        "serverssl-insecure-compatible": {"ciphers": "ALL:!DH:!ADH:!EDH:@SPEED"},
        "apm-default-serverssl": {},
        "crypto-client-default-serverssl": {},
        "pcoip-default-serverssl": {},
        "splitsession-default-serverssl": {},
        "wom-default-serverssl": {},
    },
    "sip": {"sip": {}},
    "smtps": {"smtps": {}},
    "socks": {"socks": {}},
    "splitsessionclient": {"splitsessionclient": {}},
    "splitsessionserver": {"splitsessionserver": {}},
    "statistics": {"stats": {}},
    "stream": {"stream": {}},
    "tcp": {
        "tcp": {"idleTimeout": 300, "nagle": "disabled", "congestionControl": "high-speed"},
        "f5-tcp-lan": {},
        "f5-tcp-mobile": {},
        "f5-tcp-progressive": {},
        "f5-tcp-wan": {},
        "mptcp-mobile-optimized": {},
        "tcp-lan-optimized": {},
        "tcp-legacy": {},
        "tcp-mobile-optimized": {},
        "tcp-wan-optimized": {},
        "apm-forwarding-client-tcp": {},
        "apm-forwarding-server-tcp": {},
        "wom-tcp-lan-optimized": {},
        "wom-tcp-wan-optimized": {},
    },
    "tcp-analytics": {"tcp-analytics": {}},
    "tftp": {"tftp": {}},
    "udp": {
        "udp": {"idleTimeout": "60", "datagramLoadBalancing": "disabled"},
        "udp_decrement_ttl": {},
        "udp_gtm_dns": {},
        "udp_preserve_ttl": {},
    },
    "web-acceleration": {"webacceleration": {}, "optimized-caching": {}},
    "web-security": {"websecurity": {}},
    "websocket": {"websocket": {"masking": "unmask"}},
    "xml": {"xml": {}},
}

# Monitor type → built-in monitors (the first is the type's root). [D] K-article list of
# pre-configured monitors; settings shared by all are in `factory.monitors`.
MONITORS: dict[str, tuple[str, ...]] = {
    "diameter": ("diameter",),
    "dns": ("dns",),
    "external": (),
    "ftp": ("ftp",),
    "gateway-icmp": ("gateway_icmp",),
    "http": ("http", "http_head_f5"),
    "http2": ("http2", "http2_head_f5"),
    "https": ("https", "https_443", "https_head_f5"),
    "icmp": ("icmp",),
    "imap": ("imap",),
    "inband": ("inband",),
    "ldap": ("ldap",),
    "mysql": ("mysql",),
    "pop3": ("pop3",),
    "postgresql": ("postgresql",),
    "radius": ("radius",),
    "radius-accounting": ("radius_accounting",),
    "sip": ("sip",),
    "smtp": ("smtp",),
    "snmp-dca": ("snmp_dca",),
    "tcp": ("tcp",),
    "tcp-echo": ("tcp_echo",),
    "tcp-half-open": ("tcp_half_open",),
    "udp": ("udp",),
}

# Persistence type (`ltm/persistence/<type>`) → built-in profile names.
PERSISTENCE: dict[str, tuple[str, ...]] = {
    "cookie": ("cookie",),
    "dest-addr": ("dest_addr",),
    "hash": ("hash",),
    "msrdp": ("msrdp",),
    "sip": ("sip_info",),
    "source-addr": ("source_addr",),
    "ssl": ("ssl",),
    "universal": ("universal",),
}

# Message-routing profiles (`ltm/message-routing/<protocol>/profile/<type>`) → built-in names.
# F5's bigip_virtual_server reads the SIP session profiles on every update against 14.0 and
# later and does `response['items']` without a guard, so a real device's collection is never
# empty [C]; `sipsession` is the built-in name [I].
MESSAGE_ROUTING: dict[str, tuple[str, ...]] = {
    "ltm/message-routing/sip/profile/session": ("sipsession",),
}

# Read-only collections a fresh device answers: kind → (foldered, {name or fullPath: props}).
# Those a fresh device leaves empty answer without `items`, as every empty /tm collection.
READ_ONLY: dict[str, tuple[bool, dict[str, Props]]] = {
    "auth/user": (
        False,
        {
            "admin": {
                "description": "Admin User",
                "encryptedPassword": "$6$simulated$",
                "partitionAccess": [{"name": "all-partitions", "role": "admin"}],
                "shell": "bash",
            }
        },
    ),
    "ltm/data-group/internal": (
        True,
        {
            "/Common/aol": {"type": "ip"},
            "/Common/images": {"type": "string"},
            "/Common/private_net": {"type": "ip"},
            "/Common/sys_APM_MS_Office_OFBA_DG": {"type": "string"},
        },
    ),
    "ltm/policy": (True, {}),
    "ltm/rule": (
        True,
        {
            f"/Common/{name}": {"apiAnonymous": "nodelete nowrite \n"}
            for name in (
                "_sys_auth_krbdelegate",
                "_sys_auth_ldap",
                "_sys_auth_radius",
                "_sys_auth_ssl_cc_ldap",
                "_sys_auth_ssl_crldp",
                "_sys_auth_ssl_ocsp",
                "_sys_auth_tacacs",
                "_sys_https_redirect",
            )
        },
    ),
    "ltm/snatpool": (True, {}),
    "net/trunk": (True, {}),
    "sys/file/ssl-cert": (
        True,
        {
            "/Common/ca-bundle.crt": {"isBundle": "true"},
            "/Common/default.crt": {"isBundle": "false", "keyType": "rsa-public", "keySize": 2048},
            "/Common/f5-ca-bundle.crt": {"isBundle": "true"},
            "/Common/f5-irule.crt": {"isBundle": "false", "keyType": "rsa-public"},
        },
    ),
    "sys/file/ssl-key": (
        True,
        {
            "/Common/default.key": {
                "keySize": 2048,
                "keyType": "rsa-private",
                "securityType": "normal",
            }
        },
    ),
    "sys/folder": (
        True,
        {
            "/Common": {
                "deviceGroup": "none",
                "hidden": "false",
                "inheritedDevicegroup": "false",
                "inheritedTrafficGroup": "false",
                "noRefCheck": "false",
                "trafficGroup": "/Common/traffic-group-1",
            },
            "/Common/Drafts": {
                "deviceGroup": "none",
                "hidden": "false",
                "inheritedDevicegroup": "true",
                "inheritedTrafficGroup": "true",
                "noRefCheck": "false",
                "trafficGroup": "/Common/traffic-group-1",
            },
        },
    ),
    "sys/ha-group": (True, {}),
    "sys/management-route": (True, {"/Common/default": {"mtu": 0, "network": "default"}}),
    "sys/software/hotfix": (False, {}),
    "sys/software/image": (False, {}),
    "sys/software/volume": (False, {}),
    "sys/ucs": (False, {}),
}


def software(version: str, build: str) -> dict[str, dict[str, Props]]:
    """The boot volume and its installation image of a device running `version`."""
    iso = f"BIGIP-{version}-{build}.iso"
    common = {"build": build, "product": "BIG-IP", "version": version}
    return {
        "sys/software/volume": {
            "HD1.1": {
                **common,
                "active": True,
                "basebuild": build,
                "media": [
                    {
                        "defaultBootLocation": True,
                        "media": "HD1.1",
                        "name": "HD1.1",
                        "size": "default",
                    }
                ],
                "status": "complete",
            }
        },
        "sys/software/image": {
            iso: {
                **common,
                "checksum": "simulated",
                "fileSize": "2291 MB",
                "lastModified": "Fri Jun 17 23:38:53 2022",
                "verified": "yes",
            }
        },
    }


def monitor_defaults(monitor_type: str) -> dict[str, Any]:
    """A health monitor's settings before any are given: what every type shares, and the
    HTTP/HTTPS/TCP ones' send string and flags (built-in monitors and new ones alike)."""
    props: dict[str, Any] = {
        "destination": "*:*",
        "interval": 5,
        "manualResume": "disabled",
        "timeUntilUp": 0,
        "timeout": 16,
        "upInterval": 0,
    }
    if monitor_type in ("http", "https", "tcp"):
        props.update({"reverse": "disabled", "transparent": "disabled"})
    if monitor_type in ("http", "https"):
        props["send"] = "GET /\\r\\n"
    return props
