"""The one error hierarchy of f5ecmp.

Every error f5ecmp expects to happen (a bad playbook, a device that refuses a request, an
unreachable address) derives from :class:`F5EcmpError`; the CLI turns those into one clear line
and an exit code. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class F5EcmpError(Exception):
    """Root of every error f5ecmp raises on purpose."""


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in a playbook, located as precisely as the source allows.

    ``line`` is 1-based, or 0 when the problem concerns the file as a whole. ``path`` is the
    field path in the playbook (``devices[1].floating_selfs.external``), empty for file-level
    problems.
    """

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PlaybookError(F5EcmpError):
    """A playbook could not be read or is not valid; carries every problem found."""

    def __init__(self, issues: list[Issue], *, structural: bool = False) -> None:
        self.issues = sorted(issues)
        #: True when the structure itself is wrong, so the cross-field checks have not run yet.
        self.structural = structural
        super().__init__("\n".join(str(i) for i in self.issues))
