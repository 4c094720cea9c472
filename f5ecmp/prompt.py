"""Questions asked on the terminal: on stderr, never on stdout.

``f5ecmp plan > ticket.txt`` or ``apply | tee log`` must capture the plan, not a prompt or
what the operator typed: prompts are written to stderr (a password prompt to the terminal
itself, by :mod:`getpass`), and the answer is read from stdin.
"""

from __future__ import annotations

import getpass
import sys

APPLY_QUESTION = """
Do you want to apply these changes?
  f5ecmp will make exactly the changes shown above.
  Only 'yes' will be accepted to approve.

  Enter a value: """


def interactive() -> bool:
    """Whether there is someone to ask: stdin is a terminal."""
    return sys.stdin.isatty()


def ask(text: str) -> str:
    """Show ``text`` on stderr and read one line from stdin ("" at end of input)."""
    sys.stderr.write(text)
    sys.stderr.flush()
    return sys.stdin.readline().rstrip("\r\n")


def ask_secret(text: str) -> str:
    """A hidden answer: the prompt goes to the terminal (or stderr), never to stdout."""
    return getpass.getpass(text)


def confirm_apply() -> bool:
    """True only when the operator types ``yes``."""
    return ask(APPLY_QUESTION).strip() == "yes"
