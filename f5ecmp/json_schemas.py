"""The JSON Schemas of every command's ``--json`` output (``f5ecmp schema --output COMMAND``).

Written as data, every property described: what ``format_version`` 1 promises a pipeline.
Each command's schema is "its result, or an error document" (``oneOf``); the documents are
built in :mod:`f5ecmp.json_docs`, and a test validates what every command prints — fresh,
converged, failed and refused — against these. Here: the shared pieces, ``plan`` and
``apply``; :mod:`f5ecmp.json_schemas_day2` holds the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from f5ecmp.error_kinds import ALL_KINDS
from f5ecmp.steps import STEPS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]

# -- building blocks ------------------------------------------------------------------------------


def string(description: str, **more: Any) -> Schema:
    return {"type": "string", "description": description, **more}


def integer(description: str, **more: Any) -> Schema:
    return {"type": "integer", "description": description, **more}


def number(description: str) -> Schema:
    return {"type": "number", "description": description}


def boolean(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def array(items: Schema, description: str) -> Schema:
    return {"type": "array", "items": items, "description": description}


def nullable(schema: Schema) -> Schema:
    """``schema`` or null (the description stays on the whole)."""
    description = schema.get("description", "")
    inner = {k: v for k, v in schema.items() if k != "description"}
    return {"description": description, "anyOf": [inner, {"type": "null"}]}


def ref(name: str, description: str) -> Schema:
    return {"$ref": f"#/$defs/{name}", "description": description}


def anything(description: str) -> Schema:
    return {"description": description}


def obj(description: str, properties: dict[str, Schema], optional: Iterable[str] = ()) -> Schema:
    """An object with exactly these properties, all required but the ``optional`` ones."""
    skip = set(optional)
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [name for name in properties if name not in skip],
        "additionalProperties": False,
    }


VERSION = integer("the version of this document's format; 1 for all of these", const=1)
NO_ERROR = {"type": "null", "description": "null: this command printed a result"}
ERROR_OR_NULL = nullable(
    ref("error", "null when the command exits 0 (or 2, changes pending); else why it exits 1")
)

# -- shared definitions ---------------------------------------------------------------------------

COMMON: dict[str, Schema] = {
    "error": obj(
        "why the command failed; the same failure the text form prints on stderr",
        {
            "message": string("what went wrong, as the text form's `error:` line says it"),
            "kind": string(
                "the kind of failure, one word to branch on (README: error kinds)",
                enum=list(ALL_KINDS),
            ),
            "device": string("the one device the failure concerns, when it concerns one"),
            "step": string("the step that failed (its id, e.g. `pool`), when one did"),
            "details": array(
                string("one line"),
                "more lines: one per device that could not "
                "be logged into, per difference from a saved plan, per problem "
                "found",
            ),
            "issues": array(
                ref("issue", "one problem"),
                "the playbook's problems (kind `playbook`), each with file, line and field path",
            ),
            "hint": string("what to try next, for failures usually caused by the setup"),
        },
        optional=("device", "step", "details", "issues", "hint"),
    ),
    "error_document": obj(
        "a failure that stopped the command before it had a result to print",
        {"format_version": VERSION, "error": ref("error", "what went wrong")},
    ),
    "issue": obj(
        "a problem (or warning) found in a playbook",
        {
            "file": string("the playbook file"),
            "line": integer("1-based line; 0 when it concerns the whole file", minimum=0),
            "path": string(
                "the field path, e.g. `devices[1].floating_selfs.external`; "
                "empty for the file as a whole"
            ),
            "message": string("what is wrong, and why it matters"),
        },
    ),
    "next_hop": obj(
        "one of the upstream router's next hops: a device's floating external self IP",
        {
            "address": string("the next hop's address"),
            "device": string("the device whose traffic group holds it"),
            "traffic_group": string("that device's traffic group"),
        },
    ),
}

PLATFORMS = ["frr", "ios", "nxos", "junos", "eos", "linux"]

ROLLOUT: dict[str, Schema] = {
    "change": obj(
        "one request apply sends (or would send), in the order it sends them",
        {
            "step": string("the step that sends it (its id)", enum=[s.id for s in STEPS]),
            "device": string("the device the request goes to"),
            "action": string("what it does", enum=["create", "modify", "delete", "command"]),
            "method": string(
                "the HTTP method; TRANSACTION: the commands of `body` sent as "
                "one iControl REST transaction"
            ),
            "path": string("the iControl REST path"),
            "summary": string("one line for people, as the text plan shows it"),
            "fields": array(
                ref("field_change", "one property"),
                "for a modify: each property that differs; empty otherwise",
            ),
            "body": nullable(
                {
                    "type": "object",
                    "description": "the request's body, "
                    "passwords masked (`********`); null when it has none",
                }
            ),
            "conditional": boolean(
                "sent only if still needed when its turn comes (placing "
                "a traffic group that auto failback may bring home first)"
            ),
            "requests": integer(
                "how many requests sending it takes (a transaction: open, each command, commit)",
                minimum=1,
            ),
        },
    ),
    "field_change": obj(
        "a property that differs: `field: old → new`",
        {
            "field": string("the property's iControl REST name"),
            "old": anything("its value on the device (null: not set)"),
            "new": anything("the value the playbook gives it"),
        },
    ),
    "step_run": obj(
        "one step on one device",
        {
            "step": string("the step's id", enum=[s.id for s in STEPS]),
            "number": integer(
                "the step's number in the guide's order", minimum=1, maximum=len(STEPS)
            ),
            "device": string("the device the step runs on"),
            "outcome": string(
                "plan: planned (changes to send), unchanged, pending (its read needs earlier "
                "steps' changes); apply: changed, unchanged, failed, stopped (by the operator)",
                enum=["planned", "unchanged", "pending", "changed", "failed", "stopped"],
            ),
            "changes": array(ref("change", "one request"), "its changes, in the order sent"),
            "attempts": integer(
                "apply: the runs of the step (1 + its re-runs); plan: 0", minimum=0
            ),
            "error": nullable(string("why it failed, or (pending) what it waits on")),
        },
    ),
    "router_changes": obj(
        "the upstream router's half of a rollout that changes the next hops",
        {
            "platform": string("the router's platform", enum=PLATFORMS),
            "prefix": string("the route's prefix"),
            "added": array(ref("next_hop", "a new next hop"), "next hops to add"),
            "removed": array(ref("next_hop", "a leaving next hop"), "next hops to remove"),
            "add": array(string("one line"), "the lines to add, once apply has verified"),
            "remove": array(string("one line"), "the lines to remove, before apply"),
        },
    ),
}

ROUTER = nullable(ref("router_changes", "the router lines this rollout calls for; null: none"))
STEP_RUNS = array(ref("step_run", "one step run"), "every step run, in the guide's order")

PLAN = obj(
    "`plan` and `apply --dry-run`: every change apply would make; nothing was written",
    {
        "format_version": VERSION,
        "cluster": string("the playbook's cluster"),
        "changes": integer("how many changes", minimum=0),
        "requests": integer(
            "the configuration-changing requests they take; apply sends exactly these", minimum=0
        ),
        "by_action": obj(
            "how many changes of each action",
            {
                a: integer(f"{a} changes", minimum=0)
                for a in ("create", "modify", "delete", "command")
            },
        ),
        "pending": boolean("changes are pending (exit 2 with --detailed-exitcode)"),
        "steps": STEP_RUNS,
        "router": ROUTER,
        "error": NO_ERROR,
    },
)

COUNTERS = obj(
    "one device's requests in this run",
    {
        "reads": integer("GETs", minimum=0),
        "writes": integer("configuration-changing requests", minimum=0),
        "retries": integer("requests sent again after a transient failure", minimum=0),
        "logins": integer("logins", minimum=0),
    },
)

APPLY = obj(
    "`apply`: what the run did and whether the cluster was verified",
    {
        "format_version": VERSION,
        "cluster": string("the playbook's cluster"),
        "run": nullable(
            string(
                "the run's id in the journal; null: nothing to change, and "
                "apply (without --yes) did not run"
            )
        ),
        "journal": nullable(string("the journal file of the run")),
        "ok": boolean("every step converged and the cluster was verified (exit 0)"),
        "interrupted": boolean("stopped on request (Ctrl-C, SIGTERM, SIGHUP)"),
        "changes": integer("changes made", minimum=0),
        "failed": nullable(ref("step_run", "the step run that failed or was stopped")),
        "verification": array(string("one problem"), "what the final check found wrong"),
        "elapsed_s": number("seconds the run took"),
        "steps": STEP_RUNS,
        "requests": {
            "type": "object",
            "description": "each device's requests, by device name",
            "additionalProperties": COUNTERS,
        },
        "retries": obj(
            "the retries the live panel and the summary count",
            {
                "requests": integer(
                    "requests sent again after a transient failure (the "
                    "sum of every device's `retries`)",
                    minimum=0,
                ),
                "step_reruns": integer(
                    "steps run again from their read after a retriable failure", minimum=0
                ),
            },
        ),
        "router": ROUTER,
        "warnings": array(
            string("one warning"), "warnings, e.g. a leaving device that could not be reached"
        ),
        "error": ERROR_OR_NULL,
    },
)


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[1]} if "$ref" in node else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    return set()


def document_schema(
    command: str, description: str, results: list[Schema], definitions: dict[str, Schema]
) -> Schema:
    """A command's published schema: one of its result forms, or an error document; with
    the definitions it refers to (and theirs)."""
    alternatives = [*results, ref("error_document", "a failure before any result")]
    defs, todo = {}, _refs(alternatives)
    while todo:
        name = todo.pop()
        if name not in defs:
            defs[name] = definitions[name]
            todo |= _refs(definitions[name]) - set(defs)
    return {
        "$schema": DRAFT,
        "title": f"f5ecmp {command} --json",
        "description": description,
        "oneOf": alternatives,
        "$defs": dict(sorted(defs.items())),
    }


def output_schemas() -> dict[str, Schema]:
    """Every command's schema, by command."""
    from f5ecmp.json_schemas_day2 import day2_schemas

    definitions = {**COMMON, **ROLLOUT}
    plan = document_schema(
        "plan", "`f5ecmp plan --json` and `f5ecmp apply --dry-run --json`", [PLAN], definitions
    )
    apply = document_schema("apply", "`f5ecmp apply --json`", [APPLY], definitions)
    return {"plan": plan, "apply": apply, **day2_schemas(COMMON)}


OUTPUTS = ("plan", "apply", "status", "history", "validate", "drill", "router-config")
