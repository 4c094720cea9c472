"""iApps: application templates and the services deployed from them (`sys/application`).

A service named `x` lives in its own folder, `/Common/x.app/x` (URL `~Common~x.app~x`) [C:
f5-sdk builds that URL to load a service]. Creating a service runs its template's
`implementation` (a Tcl script) once: the simulator runs each `tmsh::<command>` line of it
through the tmsh interpreter, with Tcl's escaped braces (`\\{ … \\}`) read as braces; other Tcl
is not interpreted and is skipped [I]. f5-sdk's cluster manager adds and removes trusted
devices this way (`tmsh::modify cm trust-domain Root ca-devices add|delete { … }`) [C]. A
failing command fails the create and nothing is kept [I: the error is tmsh's own text].
Deleting a service deletes its folder; a template still used by a service cannot be deleted.
Neither travels with config sync here (not modelled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors, names
from ..errors import ErrorId
from ..objects import Kind, Rules, ref_path

if TYPE_CHECKING:
    from ..device import Device
    from ..store import Obj

TEMPLATE = "sys/application/template"
SERVICE = "sys/application/service"


class TemplateRules(Rules):
    kind = Kind(TEMPLATE, "application template")
    optional = frozenset(
        {"description", "actions", "requiresModules", "ignoreVerification", "lists"}
    )

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        # [I] the template properties a 16.1 device lists for an unsigned template.
        return {
            "ignoreVerification": "false",
            "requiresBigipVersionMax": "",
            "requiresBigipVersionMin": "",
            "signingKey": "none",
            "tmplChecksum": "none",
            "tmplSignature": "none",
            "totalSigningStatus": "not-all-signed",
            "verificationStatus": "none",
        }

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        actions = obj.props.get("actions", {})
        if not isinstance(actions, dict) or not all(isinstance(a, dict) for a in actions.values()):
            raise errors.make(ErrorId.INVALID_VALUE, key="actions", value=actions)

    def check_delete(self, dev: Device, obj: Obj) -> None:
        for service in dev.store.items(SERVICE):
            if service.props.get("template") == obj.full_path:
                raise errors.make(
                    ErrorId.IN_USE,
                    type="application template",
                    path=obj.full_path,
                    user_type="application service",
                    user_path=service.full_path,
                )


def implementation(template: Obj) -> str:
    """The `definition` action's implementation script (empty when there is none)."""
    definition = template.props.get("actions", {}).get("definition", {})
    script = definition.get("implementation") if isinstance(definition, dict) else None
    return script if isinstance(script, str) else ""


def tmsh_commands(script: str) -> list[str]:
    """The tmsh commands of a Tcl implementation: `tmsh::modify cm …` → `modify cm …`."""
    out = []
    for line in script.replace("\\{", "{").replace("\\}", "}").splitlines():
        for part in line.split(";"):
            command = part.strip()
            if command.startswith("tmsh::"):
                out.append(command.removeprefix("tmsh::"))
    return out


class ServiceRules(Rules):
    kind = Kind(SERVICE, "application service", refs={"template": TEMPLATE})
    optional = frozenset({"description", "template", "trafficGroup", "variables", "tables"})
    input_only = frozenset({"variables", "tables"})
    derived = frozenset({"subPath"})
    immutable = frozenset({"template"})

    def place(self, full_path: str) -> str:
        """`/Common/x` → `/Common/x.app/x`: a service is created in its own folder."""
        if full_path.count("/") > 2:
            return full_path
        partition, name = names.partition_of(full_path), names.base_name(full_path)
        return f"/{partition}/{name}.app/{name}"

    def defaults(self, dev: Device, full_path: str) -> dict[str, Any]:
        # [I] what a 16.1 device lists for a service deployed in /Common.
        return {
            "deviceGroup": "none",
            "inheritedDevicegroup": "true",
            "inheritedTrafficGroup": "true",
            "strictUpdates": "enabled",
            "templateModified": "no",
            "trafficGroup": "/Common/traffic-group-1",
        }

    def apply(self, dev: Device, obj: Obj, body: dict[str, Any], creating: bool) -> None:
        super().apply(dev, obj, body, creating)
        if "template" in body:
            obj.props["template"] = ref_path(body["template"], "template")
        obj.props["subPath"] = obj.full_path.split("/")[2]

    def validate(self, dev: Device, obj: Obj, old: Obj | None) -> None:
        path = obj.props.get("template")
        if not isinstance(path, str):
            raise errors.make(ErrorId.MISSING_PROPERTY, type=self.kind.type_name, key="template")
        template = dev.store.get(TEMPLATE, path)
        if template is None:
            raise errors.make(
                ErrorId.REFERENCE_MISSING, type=TemplateRules.kind.type_name, path=path
            )
        if old is None:
            for command in tmsh_commands(implementation(template)):
                dev.run_tmsh(command)


RULES: tuple[Rules, ...] = (TemplateRules(), ServiceRules())
