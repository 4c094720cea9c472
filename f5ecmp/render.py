"""Everything f5ecmp prints for people: summaries, error lists, tables.

The engine returns data and never prints; the CLI hands that data to these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from f5ecmp.errors import Issue
from f5ecmp.playbook import Playbook
from f5ecmp.playbook.types import IPInterface
from f5ecmp.printable import has_unsafe, printable


class SafeConsole(Console):
    """A console for text f5ecmp does not control: rich markup is off, so ``[red]`` in a
    device's answer prints as written, and control characters are shown as escapes rather
    than sent to the terminal. Styles come only from :class:`Text` styles."""

    def __init__(
        self, *, stderr: bool = False, soft_wrap: bool = False, width: int | None = None
    ) -> None:
        super().__init__(
            markup=False, highlight=False, stderr=stderr, soft_wrap=soft_wrap, width=width
        )

    def render_str(self, text: str, **options: Any) -> Text:
        # Strings are escaped before they are measured, so tables size them as shown.
        return super().render_str(printable(text), **options)

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterator[Segment]:
        # The safety net for Text built elsewhere: no control character reaches the terminal.
        for segment in super().render(renderable, options):
            if segment.control is None and has_unsafe(segment.text):
                yield Segment(printable(segment.text), segment.style)
            else:
                yield segment


def error_console() -> Console:
    return SafeConsole(stderr=True, soft_wrap=True)


def warning(text: str) -> Text:
    """A yellow ``warning: …`` line, its text shown as written."""
    return Text(f"warning: {text}", style="yellow")


def print_error(console: Console, message: str) -> None:
    """One red line: ``error: <message>``."""
    console.print(Text.assemble(("error: ", "bold red"), printable(message)))


def print_issues(console: Console, issues: Iterable[Issue], *, label: str = "error") -> int:
    """One line per issue: ``file:line: error: path: message``; returns how many."""
    style = "bold red" if label == "error" else "bold yellow"
    count = 0
    for issue in issues:
        where = f"{issue.file}:{issue.line}" if issue.line else issue.file
        what = f"{issue.path}: {issue.message}" if issue.path else issue.message
        console.print(
            Text.assemble(printable(f"{where}: "), (f"{label}: ", style), printable(what))
        )
        count += 1
    return count


# Tables printed to a file or a pipe are laid out this wide: the history table needs ~170.
REDIRECTED_WIDTH = 200


def output_console() -> Console:
    """Standard output. On a terminal, rich fits it to the window; redirected or piped, a
    line is never broken (soft wrap): a long plan or event line stays one line, whatever its
    length, and tables are laid out :data:`REDIRECTED_WIDTH` columns wide."""
    console = SafeConsole()
    if not console.is_terminal:
        console = SafeConsole(width=REDIRECTED_WIDTH, soft_wrap=True)
    return console


def playbook_summary(pb: Playbook, source: str) -> RenderableType:
    """The short summary ``f5ecmp validate`` prints for a valid playbook."""
    head = Text.assemble(
        (source, "bold"),
        " is valid: cluster ",
        (pb.cluster, "bold cyan"),
        f", {len(pb.devices)} devices, authority {pb.authority.name}",
    )
    devices = Table(box=None, pad_edge=False, header_style="dim")
    for column in ("device", "management", "traffic group", "MAC masquerade", "HA order"):
        devices.add_column(column, no_wrap=True)
    for d in pb.devices:
        tg = d.traffic_group
        order = ", ".join(name.split(".")[0] for name in pb.ha_order(d))
        devices.add_row(
            d.name,
            _endpoint(str(d.mgmt), d.port),
            tg.name,
            tg.mac_masquerade,
            order + ("" if tg.auto_failback else " (no auto failback)"),
        )
    facts = Table(box=None, show_header=False, pad_edge=False)
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    vlans = []
    for vlan in pb.vlans.by_role().values():
        tag = f"tag {vlan.tag}" if vlan.tag is not None else "tag auto"
        members = ", ".join(f"{m.name}{' tagged' if m.tagged else ''}" for m in vlan.interfaces)
        vlans.append(f"{vlan.name} ({tag}: {members})")
    facts.add_row("VLANs", ", ".join(vlans))
    vs, pool, va = pb.virtual_server, pb.pool, pb.virtual_address
    mask = (
        "" if vs.destination.network.num_addresses == 1 else f"/{vs.destination.network.prefixlen}"
    )
    features = [f"SNAT {vs.snat}"] + (["connection mirroring"] if vs.mirroring else [])
    facts.add_row(
        "virtual server",
        f"{vs.name} {_endpoint(str(_dest_address(vs.destination)), vs.port)}{mask} "
        f"({vs.type}), {', '.join(features)}",
    )
    facts.add_row(
        "pool",
        f"{pool.name}: {len(pool.members)} member(s), {pool.lb_method}, "
        f"monitors {', '.join(pool.monitors) or 'none'}",
    )
    facts.add_row(
        "virtual address",
        f"{_dest_address(vs.destination)} on {va.traffic_group}, "
        f"spanning {'on' if va.spanning else 'off'}, "
        f"ARP {'on' if va.arp else 'off'}",
    )
    dg = pb.device_group
    sync = "automatic sync" if dg.auto_sync else "manual sync"
    facts.add_row("device group", f"{dg.name} ({dg.type}, {sync})")
    return Group(head, devices, facts)


def _endpoint(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _dest_address(destination: IPInterface) -> str:
    """The address BIG-IP keeps: the network for a destination with a prefix."""
    network = destination.network
    return str(destination.ip if network.num_addresses == 1 else network.network_address)
