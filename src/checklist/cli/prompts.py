"""Asking for a passphrase on a terminal: never echoed (getpass), never kept."""

from __future__ import annotations

import sys

from ..core.errors import UserError

MIN_LENGTH = 8
TRIES = 3


def on_terminal() -> bool:
    return sys.stdin.isatty()


def passphrase(key: str, name: str, attempt: int) -> str | None:
    """A key's passphrase, typed on the terminal; None without a terminal."""
    if not on_terminal():
        return None
    if attempt > 1:
        print("口令不对，请重试 / Wrong passphrase, try again.", file=sys.stderr)
    return _ask(f"{name} 的签名密钥口令 / Passphrase of {name}'s key {key}: ")


def new_passphrase() -> str:
    """A new passphrase, typed twice; refused without a terminal."""
    if not on_terminal():
        raise UserError("key.passphrase_needs_terminal")
    for _ in range(TRIES):
        first = _ask(f"新口令（至少 {MIN_LENGTH} 个字符）/ New passphrase (at least {MIN_LENGTH} characters): ")
        if len(first) < MIN_LENGTH:
            print(f"太短 / Too short: at least {MIN_LENGTH} characters.", file=sys.stderr)
            continue
        if _ask("再输入一次 / Again: ") == first:
            return first
        print("两次输入不一致 / The two do not match.", file=sys.stderr)
    raise UserError("key.no_new_passphrase", tries=TRIES)


def _ask(prompt: str) -> str:
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UserError("key.no_passphrase") from None
