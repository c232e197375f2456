"""How a use case asks the person at the keyboard for a secret: a signing key's passphrase.

The command line installs a way to ask on a terminal (never echoed); without one (a script,
a test, no terminal) nothing is asked, and the use case says how to sign instead.
"""

from __future__ import annotations

from collections.abc import Callable

# (key id, whose key, which attempt from 1) -> the passphrase typed, or None: no terminal to ask on
Ask = Callable[[str, str, int], str | None]

_ask: Ask | None = None


def install(ask: Ask | None) -> None:
    global _ask  # noqa: PLW0603 - one way to ask per process, installed by the command line
    _ask = ask


def passphrase(key: str, name: str, attempt: int) -> str | None:
    return _ask(key, name, attempt) if _ask is not None else None
