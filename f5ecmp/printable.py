"""Text that is safe to show on a terminal, whoever wrote it.

Values f5ecmp prints come from the playbook, from devices' answers and from the operator's
options. A control character among them (an ANSI escape such as ``\\x1b[2J``, a carriage
return, a bidirectional override) would act on the terminal instead of being seen. Every
console and log line passes through :func:`printable`, which shows such characters as
escapes (``\\x1b``) and leaves everything else, newlines and tabs included, as it is.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional
# embedding, override and isolate marks (which reorder what follows them on screen).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape instead of acting."""
    return _UNSAFE.sub(_escape, text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None
