"""Asking on the terminal: a line typed in answer to a question, and a passphrase (never
echoed, never kept), in the language of the run."""

from __future__ import annotations

import sys

from ..core.errors import UserError

MIN_LENGTH = 8
TRIES = 3


def on_terminal() -> bool:
    return sys.stdin.isatty()


def line(prompt: str, default: str = "") -> str:
    """A line typed in answer to a prompt written on stderr; Enter gives the default. Click's
    prompt writes the prompt's last character on stdout (a readline work-around), which a walk's
    piped output would carry as stray blanks. Ctrl-C and the end of the input abort, as click's."""
    import typer

    sys.stderr.write(prompt)
    sys.stderr.flush()
    try:
        typed = input()
    except (KeyboardInterrupt, EOFError):
        raise typer.Abort() from None  # the KeyboardInterrupt stays its context: exit 130
    return typed or default


def passphrase(key: str, name: str, attempt: int, lang: str = "en") -> str | None:
    """A key's passphrase, typed on the terminal; None without a terminal."""
    from ..present.words import t  # only when a passphrase is asked: every command installs this

    if not on_terminal():
        return None
    if attempt > 1:
        print(t("passphrase.wrong", lang), file=sys.stderr)
    return _ask(t("passphrase.ask", lang, name=name, key_id=key))


def new_passphrase(lang: str) -> str:
    """A new passphrase, typed twice; refused without a terminal."""
    from ..present.words import t

    if not on_terminal():
        raise UserError("key.passphrase_needs_terminal")
    for _ in range(TRIES):
        first = _ask(t("passphrase.new", lang, least=MIN_LENGTH))
        if len(first) < MIN_LENGTH:
            print(t("passphrase.too_short", lang, least=MIN_LENGTH), file=sys.stderr)
            continue
        if _ask(t("passphrase.again", lang)) == first:
            return first
        print(t("passphrase.differ", lang), file=sys.stderr)
    raise UserError("key.no_new_passphrase", tries=TRIES)


def _ask(prompt: str) -> str:
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UserError("key.no_passphrase") from None
