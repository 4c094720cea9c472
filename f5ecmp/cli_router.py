"""``router-config``: the upstream router's ECMP route for the cluster; reads only playbooks."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from f5ecmp.cli_common import echo_json, reported
from f5ecmp.json_docs import router_document
from f5ecmp.playbook import load_playbook
from f5ecmp.printable import printable
from f5ecmp.render import error_console
from f5ecmp.render_router import router_changes_text, router_config_text
from f5ecmp.router import ecmp_route, resolve_options, router_changes, router_config


class Platform(StrEnum):
    frr = "frr"
    ios = "ios"
    nxos = "nxos"
    junos = "junos"
    eos = "eos"
    linux = "linux"


def router_config_command(
    playbook: Annotated[Path, typer.Argument(help="the cluster's playbook (YAML)", show_default=False)],
    platform: Annotated[Platform | None, typer.Option("--platform", help="the router's platform (default: the playbook's router.platform, else frr)", show_default=False)] = None,
    interface: Annotated[str | None, typer.Option("--interface", help="the router's interface toward the BIG-IPs' external VLAN: required for BFD on ios, nxos and eos and for --resilient; ios, nxos and linux also name it in each route", show_default=False)] = None,
    bfd: Annotated[bool | None, typer.Option("--bfd/--no-bfd", help="per-next-hop BFD (300 ms x 3) where the platform has it (default: the playbook's router.bfd)", show_default=False)] = None,
    resilient: Annotated[bool, typer.Option("--resilient", help="linux: a resilient next-hop group instead of a multipath route")] = False,
    prefix: Annotated[str | None, typer.Option("--prefix", metavar="CIDR", help="route this prefix, holding the virtual address, instead of its host route", show_default=False)] = None,
    old: Annotated[Path | None, typer.Option("--from", metavar="OLD_PLAYBOOK", help="print only the lines to add and to remove since this earlier playbook", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON document instead of text")] = False,
) -> None:  # fmt: skip
    """Print the upstream router's ECMP route to the virtual address, one next hop per device's
    floating external self IP, in the platform's own syntax. Reads only the playbook."""
    errors = error_console()
    with reported(as_json):
        pb = load_playbook(playbook)
        previous = load_playbook(old) if old is not None else None
        chosen = platform.value if platform is not None else None
        options = resolve_options(pb, chosen, interface, bfd, resilient)
        route = ecmp_route(pb, prefix)
        if previous is None:
            config = router_config(route, options)
            notes, document, text = config.notes, config.as_dict(), router_config_text(config)
        else:
            changes = router_changes(ecmp_route(previous, prefix), route, options)
            notes, document = changes.notes, changes.as_dict()
            text = router_changes_text(changes, str(old))
    for note in notes:
        errors.print(Text(f"note: {note}"))
    if as_json:
        echo_json(router_document(document))
    else:
        typer.echo(printable("\n".join(text)))


def register(app: typer.Typer) -> None:
    app.command("router-config")(router_config_command)
