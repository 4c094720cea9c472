"""The JSON Schemas of ``status``, ``history``, ``validate``, ``drill`` and ``router-config``
(see :mod:`f5ecmp.json_schemas` for the building blocks and the shared definitions)."""

from __future__ import annotations

from f5ecmp.json_schemas import (
    ERROR_OR_NULL,
    NO_ERROR,
    PLATFORMS,
    VERSION,
    Schema,
    anything,
    array,
    boolean,
    document_schema,
    integer,
    nullable,
    number,
    obj,
    ref,
    string,
)

STATUS = obj(
    "`status`: what every device reports about the cluster",
    {
        "format_version": VERSION,
        "cluster": string("the playbook's cluster"),
        "healthy": boolean(
            "every device answers, In Sync and ACTIVE, holds every floating "
            "self IP, the virtual address spans with ARP off, each traffic "
            "group on its own device (exit 0)"
        ),
        "problems": array(string("one problem"), "why the cluster is not healthy"),
        "devices": array(ref("device_state", "one device"), "every device, playbook order"),
        "traffic_groups": array(ref("group_state", "one traffic group"), "every traffic group"),
        "warnings": array(string("one warning"), "e.g. a device on another TMOS version"),
        "error": ERROR_OR_NULL,
    },
)

STATUS_DEFS: dict[str, Schema] = {
    "device_state": obj(
        "one device, as it reports itself",
        {
            "name": string("the device's name"),
            "reachable": boolean("it answered"),
            "version": string("its TMOS version; empty when unreachable"),
            "sync": string("the device group's config-sync status it reports (In Sync, …)"),
            "failover": string("its failover status (ACTIVE, STANDBY, OFFLINE, …)"),
            "spanning": string("the virtual address's spanning there (enabled, disabled)"),
            "arp": string("the virtual address's ARP there (enabled, disabled)"),
            "error": string("why it could not be read; empty when it was"),
        },
    ),
    "group_state": obj(
        "one traffic group",
        {
            "name": string("the traffic group"),
            "owner": string("the device it belongs on: the first of its HA order"),
            "active": array(string("a device"), "where it is active (one device when healthy)"),
            "next_active": array(string("a device"), "which device would take it over"),
            "next_hop": string("its floating external self IP: the router's next hop for it"),
        },
    ),
}

HISTORY = obj(
    "`history`: the runs journaled for the playbook's cluster",
    {
        "format_version": VERSION,
        "cluster": string("the playbook's cluster"),
        "state_dir": string("where the journals are (--state-dir)"),
        "runs": array(ref("run", "one run"), "every run, oldest first"),
        "error": NO_ERROR,
    },
)

RUN = obj(
    "one run (an apply or a drill) read back from its journal",
    {
        "run": string("the run's id"),
        "kind": string("what ran", enum=["apply", "drill"]),
        "started": nullable(string("when it started, UTC (ISO 8601)")),
        "fingerprint": nullable(string("the playbook's fingerprint (SHA-256) at the time")),
        "resumes": nullable(string("the run it resumed (apply --resume)")),
        "outcome": string(
            "how it ended; unfinished: no end record (running, or died)",
            enum=["ok", "stopped", "refused", "failed", "verification failed", "unfinished"],
        ),
        "stopped_at": nullable(string("where a run that did not end ok stopped: `step on device`")),
        "problem": nullable(string("why the journal could be read only in part")),
        "records": array(
            {
                "type": "object",
                "description": "one journal record",
                "required": ["type"],
                "properties": {
                    "type": string(
                        "the record's type: run-start, step-start, "
                        "step-done, step-failed, run-end, …"
                    )
                },
            },
            "the journal's records, as written",
        ),
    },
)

VALIDATE = obj(
    "`validate`: a valid playbook, summarised (an invalid one is an error document, kind "
    "`playbook`, with its `issues`)",
    {
        "format_version": VERSION,
        "playbook": string("the playbook file, as given"),
        "valid": {"const": True, "description": "always true here"},
        "cluster": string("the cluster's name"),
        "authority": string("the first device: the device group's authority"),
        "devices": array(
            obj(
                "one device",
                {
                    "name": string("its cm device name"),
                    "label": string("its short name, used in default object names"),
                    "management": string("its management address"),
                    "port": integer("its REST port", minimum=1, maximum=65535),
                    "traffic_group": string("its traffic group"),
                    "mac_masquerade": string("its traffic group's MAC masquerade"),
                    "ha_order": array(string("a device"), "its traffic group's HA order"),
                    "auto_failback": boolean("its traffic group fails back on its own"),
                },
            ),
            "every device, playbook order",
        ),
        "warnings": array(
            ref("issue", "one warning"), "things BIG-IP accepts but that are probably not meant"
        ),
        "error": NO_ERROR,
    },
)

SECONDS = nullable(number("seconds; null when not measured"))

DRILL = obj(
    "`drill`: each traffic group moved to its next device and back, timed and checked",
    {
        "format_version": VERSION,
        "cluster": string("the playbook's cluster"),
        "run": nullable(string("the run's id in the journal; null for a dry run")),
        "mode": string("what was drilled", enum=["traffic-group", "device"]),
        "device": nullable(string("the device drilled (--device)")),
        "dry_run": boolean("only checked and listed (--dry-run): nothing was sent"),
        "wait_failback": boolean("groups came back by auto failback (not --no-wait-failback)"),
        "ok": boolean("every move and return held (exit 0)"),
        "healthy_before": boolean("the cluster was healthy when the drill started"),
        "refused": array(string("one problem"), "why the drill refused to start"),
        "interrupted": boolean("stopped on request"),
        "elapsed_s": SECONDS,
        "traffic_groups": array(ref("group_drill", "one group"), "each group drilled"),
        "restores": array(ref("restore", "one restore"), "what was put back after a failure"),
        "restored": boolean("every restore succeeded (true when none was needed)"),
        "error": ERROR_OR_NULL,
    },
)

DRILL_DEFS: dict[str, Schema] = {
    "group_drill": obj(
        "one traffic group's drill",
        {
            "traffic_group": string("the traffic group"),
            "from": string("its home device, where it was active"),
            "expected": string("its next active device: where it must go"),
            "to": nullable(string("where it went active")),
            "moved_s": SECONDS,
            "back_s": SECONDS,
            "returned_by": nullable(
                string("how it came home", enum=["auto failback", "forced standby"])
            ),
            "auto_failback_s": nullable(integer("its autoFailbackTime; null: no auto failback")),
            "result": string(
                "how it went", enum=["planned", "running", "ok", "failed", "stopped", "not run"]
            ),
            "error": nullable(string("why it failed")),
            "commands": array(ref("drill_command", "one command"), "what the drill sends"),
        },
    ),
    "drill_command": obj(
        "a failover command the drill sends",
        {
            "action": string("always a command", enum=["command"]),
            "method": string("the HTTP method"),
            "path": string("the iControl REST path"),
            "summary": string("one line for people"),
            "device": string("the device it goes to"),
            "conditional": boolean("sent only if still needed"),
            "body": anything("the request's body"),
            "fields": anything("unused for commands"),
        },
        optional=("device", "conditional", "body", "fields"),
    ),
    "restore": obj(
        "one thing done to put the cluster back",
        {
            "what": string("a traffic group, or the device brought back online"),
            "from": nullable(string("the device it was forced off")),
            "to": string("its home device (or the device itself)"),
            "ok": boolean("it worked"),
            "detail": string("what was done or what failed"),
        },
    ),
}

ROUTE_FIELDS: dict[str, Schema] = {
    "format_version": VERSION,
    "cluster": string("the playbook's cluster"),
    "platform": string("the router's platform", enum=PLATFORMS),
    "prefix": string("the route's prefix"),
    "virtual_address": string("the virtual address"),
    "next_hops": array(
        ref("next_hop", "one next hop"), "every device's floating external self IP, playbook order"
    ),
    "interface": nullable(string("the router's interface toward the devices")),
    "bfd": boolean("per-next-hop BFD"),
    "resilient": boolean("linux: a resilient next-hop group"),
    "comments": array(
        string("one line"), "where the syntax comes from, in the platform's comment form"
    ),
    "notes": array(string("one note"), "notes also printed on stderr"),
    "error": NO_ERROR,
}

ROUTER_CONFIG = obj(
    "`router-config`: the whole route",
    {**ROUTE_FIELDS, "lines": array(string("one line"), "the configuration, ready to paste")},
)

ROUTER_CHANGES = obj(
    "`router-config --from OLD`: only the lines that change",
    {
        **ROUTE_FIELDS,
        "from": obj(
            "the old playbook's route",
            {
                "prefix": string("its prefix"),
                "virtual_address": string("its virtual address"),
                "next_hops": array(ref("next_hop", "one next hop"), "its next hops"),
            },
        ),
        "added": array(ref("next_hop", "one next hop"), "next hops added"),
        "removed": array(ref("next_hop", "one next hop"), "next hops removed"),
        "add": array(string("one line"), "the lines to add (first)"),
        "remove": array(string("one line"), "the lines to remove (after)"),
    },
)


def day2_schemas(common: dict[str, Schema]) -> dict[str, Schema]:
    definitions = {**common, **STATUS_DEFS, **DRILL_DEFS, "run": RUN}
    return {
        "status": document_schema("status", "`f5ecmp status --json`", [STATUS], definitions),
        "history": document_schema("history", "`f5ecmp history --json`", [HISTORY], definitions),
        "validate": document_schema(
            "validate", "`f5ecmp validate --json`", [VALIDATE], definitions
        ),
        "drill": document_schema("drill", "`f5ecmp drill --json`", [DRILL], definitions),
        "router-config": document_schema(
            "router-config",
            "`f5ecmp router-config --json`",
            [ROUTER_CONFIG, ROUTER_CHANGES],
            definitions,
        ),
    }
