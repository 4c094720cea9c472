"""The text ``f5ecmp router-config`` prints: the platform's own lines, ready to paste.

Plain text, never rich markup: router configuration holds brackets (Junos's ``[ ... ]``) that
rich would take for styles. Comments use the platform's own comment mark.
"""

from __future__ import annotations

from f5ecmp.router import NextHop, RouterChanges, RouterConfig


def router_config_text(config: RouterConfig) -> list[str]:
    """The comments saying where the syntax comes from, then the configuration lines."""
    return [*config.comments, *config.lines]


def router_changes_text(changes: RouterChanges, source: str) -> list[str]:
    """The lines to add, then (after them, so the route never loses every next hop) the lines
    to remove, each section under a comment saying which next hops it concerns."""
    mark, old, new = changes.mark, changes.old, changes.new
    out = [*changes.comments]
    moved = (
        f"; the route moves from {old.prefix} to {new.prefix}" if old.prefix != new.prefix else ""
    )
    out.append(
        f"{mark} changes since {source}: next hops added: {_hops(changes.added)}; "
        f"removed: {_hops(changes.removed)}{moved}"
    )
    if changes.empty:
        out.append(f"{mark} no change: both playbooks give the router the same route")
        return out
    if changes.add:
        out.append(f"{mark} lines to add")
        out.extend(changes.add)
    elif changes.added:
        out.append(
            f"{mark} lines to add: none (the route replaced below also adds {_hops(changes.added)})"
        )
    else:
        out.append(f"{mark} lines to add: none")
    if changes.remove:
        out.append(f"{mark} lines to remove (after the lines above)")
        out.extend(changes.remove)
    elif changes.removed:
        out.append(
            f"{mark} lines to remove: none (the route replaced above leaves out "
            f"{_hops(changes.removed)})"
        )
    else:
        out.append(f"{mark} lines to remove: none")
    return out


def _hops(hops: tuple[NextHop, ...]) -> str:
    return ", ".join(f"{hop.address} ({hop.device})" for hop in hops) or "none"
