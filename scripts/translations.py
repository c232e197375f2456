"""Compile and check the message catalogs (`src/checklist/locale/<lang>/LC_MESSAGES/*.po`).

    python scripts/translations.py compile   # every .po into its .mo, as shipped in the wheel
    python scripts/translations.py check     # exit 1 if a .mo is stale or a message lacks words
    python scripts/translations.py extract   # add keys the code uses, and no .po has, to every .po

Babel reads, extracts and compiles (`pip install -e '.[test]'` brings it); the program itself
reads the compiled catalogs with the standard library's gettext only.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "checklist" / "locale"
LANGUAGES = ("zh", "en")
DOMAINS = ("interface", "messages", "help")
# The calls whose first argument is a key of a domain: t(key, lang), tn(key, n, lang), w(key, lang).
# Help has no keys: its msgids are the commands' own help texts, which a test reads off the app.
KEYWORDS = {"interface": {"t": (1,), "tn": (1,)}, "messages": {"w": (1,), "wn": (1,)}}


def po_path(lang: str, domain: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def read(lang: str, domain: str) -> Catalog:
    with po_path(lang, domain).open("rb") as file:
        return read_po(file, locale=lang, domain=domain)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def key_of(message: object) -> tuple[str | None, str]:
    msgid = message.id  # type: ignore[attr-defined]
    return (message.context, msgid[0] if isinstance(msgid, tuple) else msgid)  # type: ignore[attr-defined]


def problems() -> list[str]:
    """What is wrong with the catalogs: a stale .mo, an empty msgstr, a key one language lacks."""
    found = []
    keys = {}
    for domain in DOMAINS:
        for lang in LANGUAGES:
            catalog = read(lang, domain)
            keys[lang] = {key_of(m) for m in catalog if m.id}
            for message in catalog:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and (not all(strings) or message.fuzzy):
                    found.append(f"{lang}/{domain}.po: {key_of(message)[1]!r} has no words")
            mo = po_path(lang, domain).with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != compiled(catalog):
                found.append(f"{lang}/{domain}.mo is not compiled from its .po: run scripts/translations.py compile")
        for lang, other in (("zh", "en"), ("en", "zh")):
            for context, key in sorted(keys[lang] - keys[other], key=str):
                found.append(f"{other}/{domain}.po lacks {key!r}" + (f" ({context})" if context else ""))
    return found


def used_keys(domain: str) -> set[str]:
    """The literal keys the code passes to the domain's functions (Babel's extractor)."""
    found = set()
    for _file, _line, msgid, _comments, _context in extract_from_dir(
        ROOT / "src" / "checklist", [("**.py", "python")], keywords=KEYWORDS[domain]
    ):
        found.add(msgid[0] if isinstance(msgid, tuple) else msgid)
    return found


def compile_all() -> None:
    for domain in DOMAINS:
        for lang in LANGUAGES:
            po_path(lang, domain).with_suffix(".mo").write_bytes(compiled(read(lang, domain)))


def extract() -> None:
    for domain in KEYWORDS:
        for lang in LANGUAGES:
            catalog = read(lang, domain)
            known = {key_of(m)[1] for m in catalog if m.id}
            missing = sorted(used_keys(domain) - known)
            for key in missing:
                catalog.add(key, "")
            if missing:
                with po_path(lang, domain).open("wb") as file:
                    write_po(file, catalog, width=0, omit_header=False, sort_output=False)
                print(f"{lang}/{domain}.po: {len(missing)} new keys to put into words")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "compile":
        compile_all()
    elif command == "extract":
        extract()
    elif command == "check":
        found = problems()
        print("\n".join(found) or "catalogs complete and compiled")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
