"""`POST /mgmt/tm/util/bash`: a small bash and tmsh interpreter over the model.

Clients quote their commands in several ways, all accepted here [C]:

* `-c "tmsh save sys config"` (bigip_config), `-c 'tmsh …'`;
* `-c "tmsh -c \\"show cm sync-status\\""` (bigip_command wraps every command so);
* bare bash: `-c "runlevel"` → `N 3` (bigip_wait), `-c "cat /proc/uptime"` and
  `-c "cat /VERSION"` (bigip_device_info's system-info).

tmsh answers `show cm sync-status`, `show cm failover-status`, `show sys failover`,
`run cm config-sync to-group|from-group <dg>`, `run sys failover standby|offline|online
[traffic-group <tg>]`, `save sys config`, and `list`/`show` of the modelled objects (a
minimal rendering: name and scalar properties). Anything else answers as tmsh or bash would,
with the error text in `commandResult` (texts in `errors`, inferred).
"""

from __future__ import annotations

import datetime
import re
import shlex
from typing import TYPE_CHECKING, Any

from .. import errors
from ..cm import commands
from ..device import REGISTRY, Device
from ..errors import ErrorId
from ..sys.models import save_config

if TYPE_CHECKING:
    from ..cluster import Cluster

SAVE_OUTPUT = (
    "Saving running configuration...\n  /config/bigip.conf\n  /config/bigip_base.conf\n"
    "  /config/bigip_user.conf\n"
)
RULE = "-" * 60


def failover_line(cluster: Cluster, dev: Device, started: float) -> str:
    """`show sys failover`: `Failover active for 0d 01:20:32` [F]."""
    state = cluster.failover.device_state(dev).replace("-", "_")
    uptime = datetime.timedelta(seconds=int(max(0.0, cluster.clock.now() - started)))
    hours, rem = divmod(uptime.seconds, 3600)
    return f"Failover {state} for {uptime.days}d {hours:02d}:{rem // 60:02d}:{rem % 60:02d}\n"


def run_bash(cluster: Cluster, dev: Device, body: dict[str, Any], started: float) -> dict[str, Any]:
    args = body.get("utilCmdArgs")
    if body.get("command") != "run" or not isinstance(args, str):
        raise errors.make(ErrorId.INVALID_VALUE, key="utilCmdArgs", value=args)
    try:
        words = shlex.split(args)
    except ValueError:
        return {
            "kind": "tm:util:bash:runstate",
            **body,
            "commandResult": errors.text(ErrorId.BASH_EOF),
        }
    script = words[1] if len(words) == 2 and words[0] == "-c" else args
    result = Shell(cluster, dev, started).run(script)
    # A command that prints nothing comes back without `commandResult`: F5's bigip_wait takes
    # the key's presence after `ps aux | grep '[m]prov'` as "provisioning still running", and
    # returns at once from a running device [C].
    out = {"kind": "tm:util:bash:runstate", **body}
    if result:
        out["commandResult"] = result
    return out


class Shell:
    def __init__(self, cluster: Cluster, dev: Device, started: float) -> None:
        self.cluster = cluster
        self.dev = dev
        self.started = started

    # --- bash --------------------------------------------------------------------------------
    def run(self, script: str) -> str:
        try:
            lexer = shlex.shlex(script, posix=True, punctuation_chars="|")
            lexer.whitespace_split = True
            words = list(lexer)
        except ValueError:
            return errors.text(ErrorId.BASH_EOF)
        if "|" in words:
            return self.pipeline(words)
        return self.program(words)

    def pipeline(self, words: list[str]) -> str:
        """`a | grep [-v] [-i] PATTERN | …`: the first program's output, filtered by each grep."""
        stages: list[list[str]] = [[]]
        for word in words:
            if word == "|":
                stages.append([])
            else:
                stages[-1].append(word)
        output = self.program(stages[0])
        for stage in stages[1:]:
            if not stage or stage[0] != "grep":
                return errors.text(
                    ErrorId.BASH_COMMAND_NOT_FOUND, command=stage[0] if stage else "|"
                )
            output = grep(stage[1:], output)
        return output

    def program(self, words: list[str]) -> str:
        if not words:
            return ""
        if words[0] == "tmsh":
            if len(words) == 3 and words[1] == "-c":
                return "".join(self.tmsh(c) for c in words[2].split(";") if c.strip())
            return self.tmsh(" ".join(shlex.quote(w) for w in words[1:]))
        if words == ["runlevel"]:
            return "N 3\n"
        if words == ["cat", "/proc/uptime"]:
            up = max(0.0, self.cluster.clock.now() - self.started)
            return f"{up:.2f} {up * 1.9:.2f}\n"
        if words == ["cat", "/VERSION"]:
            return self.version_file()
        if words[0] == "ps":
            return PS_OUTPUT
        return errors.text(ErrorId.BASH_COMMAND_NOT_FOUND, command=words[0])

    def version_file(self) -> str:
        ident = self.dev.identity
        return (
            f"Product: BIG-IP\nVersion: {ident.version}\nBuild: {ident.build}\n"
            f"Sequence: {ident.version}.{ident.build}-0.0.1\nBaseBuild: {ident.build}\n"
            "Edition: Final\nDate: Fri Jun 17 23:38:53 PDT 2022\nBuilt: 220617233853\n"
            "Changelist: 3542456\nJobID: 1278563\n"
        )

    # --- tmsh --------------------------------------------------------------------------------
    def tmsh(self, command: str) -> str:
        words = shlex.split(command)
        if not words:
            return ""
        try:
            return self.dispatch(words)
        except errors.SimError as exc:
            return f"{exc.message}\n"

    def strict(self, command: str) -> str:
        """One tmsh command whose refusal raises (iApp implementations) instead of printing."""
        words = shlex.split(command)
        output = self.dispatch(words) if words else ""
        if output.startswith("Syntax Error"):
            raise errors.make(ErrorId.TMSH_FAILED, output=output.strip())
        return output

    def dispatch(self, words: list[str]) -> str:
        verb, rest = words[0], words[1:]
        if verb == "modify" and rest[:3] == ["cm", "trust-domain", "Root"]:
            return self.modify_trust_domain(rest[3:])
        if verb == "save" and rest == ["sys", "config"]:
            save_config(self.dev, {"command": "save"})
            return SAVE_OUTPUT
        if verb == "show" and rest == ["cm", "sync-status"]:
            return self.show_sync_status()
        if verb == "show" and rest == ["cm", "failover-status"]:
            return self.show_failover_status()
        if verb == "show" and rest == ["sys", "failover"]:
            return failover_line(self.cluster, self.dev, self.started)
        if verb == "run" and rest[:2] == ["cm", "config-sync"] and len(rest) >= 4:
            args = "config-sync " + " ".join(rest[2:])
            commands.config_sync(self.cluster, self.dev, {"command": "run", "utilCmdArgs": args})
            return ""
        if verb == "run" and rest[:2] == ["sys", "failover"] and len(rest) > 2:
            body = {"command": "run", "utilCmdArgs": " ".join(rest[2:])}
            commands.failover(self.cluster, self.dev, body)
            return ""
        if verb in ("list", "show") and len(rest) >= 2:
            return self.list_objects(rest)
        return errors.text(
            ErrorId.TMSH_SYNTAX_ERROR, word=words[1] if verb in VERBS and rest else verb
        )

    def modify_trust_domain(self, words: list[str]) -> str:
        """`modify cm trust-domain Root ca-devices add { <mgmt address> } name <device>
        username <user> password <password>` (add-to-trust) and `ca-devices delete { <device>
        … }` (remove-from-trust, this side only); `non-ca-devices` adds a subordinate [C:
        f5-sdk's TrustDomain; D: tmsh reference for cm trust-domain]."""
        if len(words) < 5 or words[0] not in ("ca-devices", "non-ca-devices"):
            return errors.text(ErrorId.TMSH_SYNTAX_ERROR, word=words[0] if words else "Root")
        if words[1] not in ("add", "delete") or words[2] != "{" or "}" not in words:
            return errors.text(ErrorId.TMSH_SYNTAX_ERROR, word=words[1])
        close = words.index("}")
        items, options = words[3:close], words[close + 1 :]
        if words[1] == "delete":
            for name in items:
                self.cluster.trust.remove_from_trust(self.dev, {"name": "Root", "deviceName": name})
            return ""
        pairs = dict(zip(options[::2], options[1::2], strict=False))
        if len(items) != 1 or len(options) % 2 or set(pairs) - {"name", "username", "password"}:
            return errors.text(ErrorId.TMSH_SYNTAX_ERROR, word=options[0] if options else "}")
        body: dict[str, object] = {
            "command": "run",
            "name": "Root",
            "device": items[0],
            "username": pairs.get("username"),
            "password": pairs.get("password"),
            "caDevice": words[0] == "ca-devices",
            "nonCaDevice": words[0] == "non-ca-devices",
        }
        if "name" in pairs:
            body["deviceName"] = pairs["name"]
        self.cluster.trust.add_to_trust(self.dev, body)
        return ""

    def show_sync_status(self) -> str:
        report = self.cluster.sync.report(self.dev)
        return table(
            "CM::Sync Status",
            [("Color", report.color), ("Status", report.status), ("Summary", report.summary)],
            report.details,
        )

    def show_failover_status(self) -> str:
        report = self.cluster.failover.status(self.dev)
        return table(
            "CM::Failover Status",
            [("Color", report.color), ("Status", report.status), ("Summary", report.summary)],
            report.details,
        )

    def list_objects(self, rest: list[str]) -> str:
        """`list net vlan [name]`, `list ltm pool`… over the modelled kinds."""
        for size in (4, 3, 2):
            kind = "/".join(rest[:size])
            if kind in REGISTRY and len(rest) in (size, size + 1):
                break
        else:
            known_module = any(k.startswith(f"{rest[0]}/") for k in REGISTRY)
            return errors.text(ErrorId.TMSH_SYNTAX_ERROR, word=rest[1] if known_module else rest[0])
        objs = self.dev.store.items(kind)
        if len(rest) == size + 1:
            wanted = rest[size]
            objs = [o for o in objs if wanted in (o.name, o.full_path)]
            if not objs:
                type_name = REGISTRY[kind].kind.type_name
                return (
                    errors.make(ErrorId.NOT_FOUND, type=type_name, path=full(wanted)).message + "\n"
                )
        return "".join(stanza(" ".join(rest[:size]), o.name, o.props) for o in objs)


# [I] `ps aux` on a running device, cut to the daemons clients look for: mprov only runs while
# modules are being provisioned and vcmpd only on a vCMP host, so neither is listed.
PS_OUTPUT = "".join(
    f"{line}\n"
    for line in (
        "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
        "root         1  0.0  0.0  19320  1512 ?        Ss   Jun17   0:05 /sbin/init",
        "root      4412  0.3  1.2 381220 98544 ?        S    Jun17  12:41 /usr/bin/mcpd -debug",
        "root      5120  1.0  2.1 912340 17356 ?        S    Jun17  43:02 /usr/bin/tmm",
        "root      6003  0.1  0.4 201884 33216 ?        S    Jun17   4:17 /usr/bin/sod",
        "root      7210  0.8  5.6 2894420 45904 ?       Sl   Jun17  30:15 restjavad",
        "root      7301  0.1  0.9 412900 74232 ?        Sl   Jun17   3:02 /usr/bin/bigd",
    )
)


def grep(args: list[str], text: str) -> str:
    """grep's `-v` and `-i` over lines; the pattern as a regular expression."""
    flags = [a for a in args if a.startswith("-")]
    patterns = [a for a in args if not a.startswith("-")]
    if len(patterns) != 1:
        return ""
    matcher = re.compile(patterns[0], re.IGNORECASE if "-i" in flags else 0)
    keep = "-v" not in flags
    return "".join(
        line for line in text.splitlines(keepends=True) if bool(matcher.search(line)) == keep
    )


VERBS = frozenset({"create", "delete", "list", "modify", "run", "save", "show", "load"})


def full(name: str) -> str:
    return name if name.startswith("/") else f"/Common/{name}"


def table(title: str, rows: list[tuple[str, str]], details: list[str]) -> str:
    lines = [RULE, title, RULE]
    lines += [f"{key:<10}{value}" for key, value in rows]
    for i, detail in enumerate(details):
        lines.append(f"{'Details' if i == 0 else '':<10}{detail}")
    return "\n".join(lines) + "\n"


def kebab(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", key).lower()


def stanza(component: str, name: str, props: dict[str, Any]) -> str:
    """`net vlan external { tag 10 … }` with the object's scalar properties."""
    header = f"{component} {name} {{" if name else f"{component} {{"
    lines = [header]
    for key in sorted(props):
        value = props[key]
        if isinstance(value, bool):
            value = "enabled" if value else "disabled"
        if isinstance(value, (str, int)) and value != "":
            lines.append(f"    {kebab(key)} {value}")
    return "\n".join([*lines, "}"]) + "\n"
