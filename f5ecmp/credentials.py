"""Where passwords come from: the environment, or a hidden prompt — never the playbook.

Each device uses the playbook's ``credentials`` variable names unless it names its own. A
variable that is not set is asked for on the terminal (without echo); with no terminal, that
is an error naming the variable, never a silent empty password. Prompts go to stderr (the
password's to the terminal), so that a redirected stdout never holds one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from f5ecmp import prompt as prompts
from f5ecmp.errors import F5EcmpError
from f5ecmp.playbook import Playbook


class CredentialsError(F5EcmpError):
    """A credential is missing and cannot be asked for."""


Prompt = Callable[[str], str]


def resolve(
    pb: Playbook,
    environ: Mapping[str, str] | None = None,
    prompt: Prompt | None = None,
    interactive: bool | None = None,
) -> dict[str, tuple[str, str]]:
    """Device name → (username, password). Each variable is read or asked for once."""
    env = os.environ if environ is None else environ
    ask_secret = prompt or prompts.ask_secret
    tty = prompts.interactive() if interactive is None else interactive
    asked: dict[str, str] = {}

    def value(variable: str, secret: bool, device: str) -> str:
        if env.get(variable):
            return env[variable]
        if variable in asked:
            return asked[variable]
        if not tty:
            raise CredentialsError(
                f"{variable} is not set (needed for {device}) and there is no terminal to ask on: "
                f"export {variable}"
            )
        text = f"{'Password' if secret else 'User name'} for {device} ({variable}): "
        answer = ask_secret(text) if secret else prompts.ask(text)
        if not answer:
            raise CredentialsError(f"no value given for {variable}")
        asked[variable] = answer
        return answer

    out = {}
    for device in pb.devices:
        names = device.credentials or pb.credentials
        out[device.name] = (
            value(names.username_env, False, device.name),
            value(names.password_env, True, device.name),
        )
    return out
