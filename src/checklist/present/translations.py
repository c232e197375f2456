"""The message catalogs: gettext's compiled `.mo` files, one per domain and language.

The sources are the `.po` files beside them (`locale/<lang>/LC_MESSAGES/<domain>.po`),
compiled with `python scripts/translations.py compile`; a test fails when a `.mo` is older
than its `.po` or when a message has no words in one of the languages. Msgids are keys
(`state.done`, an error's code), not English sentences: English is a translation like
Chinese, reviewed in its own `.po`, and a key never shows when a word is missing (the
English words stand in, then the key).

Three domains, each loaded on first use only: `interface` (every screen's words),
`messages` (the core's errors, problems and hints, by code) and `help` (command help,
whose msgids are the English help texts, as click and typer write them).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("zh", "en")
DOMAINS = ("interface", "messages", "help")


def catalog(domain: str, lang: str) -> gettext.NullTranslations:
    """The compiled catalog of a domain; English stands in for a missing Chinese word."""
    return _load(domain, lang if lang in LANGUAGES else "en")


@cache
def _load(domain: str, lang: str) -> gettext.NullTranslations:
    with (LOCALE / lang / "LC_MESSAGES" / f"{domain}.mo").open("rb") as file:
        found = gettext.GNUTranslations(file)
    if lang != "en":
        found.add_fallback(_English(domain))
    return found


class _English(gettext.NullTranslations):
    """The English catalog, read only when a Chinese word is missing: reading a catalog is
    about a millisecond of pure Python (gettext's _parse), which a Chinese run need not pay."""

    def __init__(self, domain: str) -> None:
        super().__init__()
        self.domain = domain

    def gettext(self, message: str) -> str:
        return catalog(self.domain, "en").gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return catalog(self.domain, "en").ngettext(msgid1, msgid2, n)

    def pgettext(self, context: str, message: str) -> str:
        return catalog(self.domain, "en").pgettext(context, message)


def word(domain: str, key: str, lang: str) -> str:
    """The words of a key; KeyError when no language has them (a bug the tests catch)."""
    words = catalog(domain, lang).gettext(key)
    if words == key:
        raise KeyError(f"{domain}: {key}")
    return words


def plural(domain: str, key: str, n: int, lang: str) -> str:
    """The words of a key for a count: '1 problem', '2 problems' (one form in Chinese)."""
    words = catalog(domain, lang).ngettext(key, key + ".plural", n)
    if words in {key, key + ".plural"}:
        raise KeyError(f"{domain}: {key}")
    return words


def context_word(domain: str, context: str, key: str, lang: str) -> str | None:
    """The words of a key in a context (a hint of an error code), or None."""
    words = catalog(domain, lang).pgettext(context, key)
    return None if words == key else words
