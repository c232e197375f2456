"""Which words of a screen are in the wrong language: English in a Chinese screen, Chinese in
an English one, apart from what may stay as it is (ids, file names, commands to type, options,
values a user typed, digests, a short list of abbreviations; user and catalog data).

tests/test_languages.py runs every command through it; tests/conftest.py every error the suite
prints; another test can use it on any output it holds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

# The abbreviations and symbols a Chinese screen may show as they are.
ABBREVIATIONS = frozenset({
    "PostgreSQL", "PGPASSWORD", "PGSERVICE", "pgpass", "pg_hba.conf", "sslmode", "SQL", "Citus",
    "PDF", "JSON", "YAML", "UTF-8", "UTF", "SHA-256", "SHA", "MB", "KiB", "MiB", "GB", "KB", "ID", "DSSE", "C2SP",
    "Ed25519", "ed25519", "PKCS", "GBK", "URL", "CI", "UTC", "ISO", "YYYY-MM-DD", "HH", "MM", "DD", "YYYY", "°C",
    "Ctrl-C", "Ctrl", "Enter", "PATH", "HOME", "LANG", "LC_ALL", "LC_MESSAGES", "CHECKLIST_LANG", "CHECKLIST_USER",
    "CHECKLIST_STORE", "CHECKLIST_CATALOG", "CHECKLIST_CONFIG_HOME", "CHECKLIST_NOW", "CHECKLIST_PAGER",
    "NO_COLOR", "PAGER", "LESS", "README", "checklist", "zh", "en", "B", "sha256",
})  # fmt: skip

CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# What a Chinese screen may show in Latin letters whatever it is: commands to type (in
# backticks), file names and paths, options, digests and key ids, times and period keys.
_KEEP_IN_ZH = [
    re.compile(r"\b[a-z][a-z0-9+.-]*://\S*"),  # a location (postgresql://…), as typed
    re.compile(r"(?:ed25519|sha256|sha-256):[0-9A-Za-z+/=_\-…]*"),  # a key id, a digest
    re.compile(r"(?:[\w.~\-…]*/)+[\w.\-…]*"),  # a path
    re.compile(r"\b[0-9a-f]{8,}…?"),  # a digest, a record's id
    re.compile(r"\[[a-z]\]"),  # a key to press ([d] done)
    re.compile(r"°C"),
    re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?)?"),
    re.compile(r"\d{4}-W\d{2}"),  # a week's period key
    re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(?:=\S*)?"),  # an option (--note, -n, --set x=1)
    re.compile(
        r"\b[\w\-]+\.(?:json|jsonl|pdf|yaml|yml|txt|png|jpg|docx?|xlsx?|csv|md|quarantine|tmp|pem|note|sig|bundle)\b"
    ),
    re.compile(r"\b[A-Z][A-Z_]*[A-Z](?:=[A-Z_]+)?(?:\.\.\.|…)?"),  # a metavar (FILE, ITEM..., KIND=FILE)
]
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")


def english_in_chinese(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words of a Chinese screen that are none of what may stay as it is: `allowed`
    holds the ids (of units, items, measures, sections, fields, subjects, parts) and the values
    a user typed; a line that starts with `checklist ` (or help's `用法：checklist `) is a command to type."""
    return [word for _, words in english_lines(text, allowed) for word in words]


def english_lines(text: str, allowed: Iterable[str] = ()) -> list[tuple[str, list[str]]]:
    """english_in_chinese, line by line: each line that has such words, and its words."""
    keep = set(allowed) | ABBREVIATIONS
    long_kept = [word for word in keep if len(word) >= 3 and word.isascii()]
    mixed = sorted((word for word in keep if not word.isascii()), key=len, reverse=True)  # A区
    # a command in backticks, also where a table's column or a panel wraps it onto the next line
    cleared = re.sub(r"`[^`]*`", lambda found: " " + "\n" * found.group().count("\n"), text)
    found = []
    for shown, read in zip(text.splitlines(), cleared.splitlines(), strict=True):
        if read.strip().removeprefix("$ ").removeprefix("用法：").startswith("checklist "):
            continue  # a command to type, alone or as help's usage line shows it
        line = read
        for word in mixed:
            line = line.replace(word, " ")
        for pattern in _KEEP_IN_ZH:
            line = pattern.sub(" ", line)
        words = []
        for match in _WORD.finditer(line):
            word = match.group()
            bare = word.strip(".-_")
            if not any(c.isalpha() for c in word) or not bare or bare in keep or word in keep or _all_kept(bare, keep):
                continue
            if "_" in bare.strip("_"):  # an identifier (evidence_max_mb, reported_cases), never an English word
                continue
            if any(bare in kept for kept in long_kept) and (len(bare) >= 3 or _alone(line, match)):
                continue  # an id cut where a column wraps or ends
            words.append(word)
        if words:
            found.append((shown, words))
    return found


def _alone(line: str, match: re.Match[str]) -> bool:
    """Whether a word is all there is of its cell: at the line's ends or between wide gaps."""
    before, after = line[: match.start()], line[match.end() :]
    return (not before.strip() or before.endswith("  ")) and (not after.strip() or after.startswith(("  ", " ·")))


def _all_kept(word: str, keep: set[str]) -> bool:
    return any(c in ".-_" for c in word) and all(
        not part or part in keep or part.isdigit() for part in re.split(r"[.\-_]", word)
    )


def chinese_in_english(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Chinese of an English screen that is no user or catalog data: `allowed` holds what a
    user typed and the catalog's texts that have no English (a piece of one, where a column
    wraps it, is allowed too); an example of what to type, in backticks, may be Chinese."""
    kept = sorted({a for a in allowed if CJK.search(a)}, key=len, reverse=True)
    found = []
    for shown in re.sub(r"`[^`\n]*`", " ", text).splitlines():  # what to type, in backticks: 2020年1月27日
        line = shown
        for data in kept:
            line = line.replace(data, " ")
        found += [run for run in CJK.findall(line) if not any(run in data for data in kept)]
    return found


@cache
def catalog_data(*folders: Path) -> frozenset[str]:
    """The ids a catalog names (measures, sections, fields, kinds, parts, attributes, roles,
    evidence kinds, choices) and its texts that have no English (quotes, choices)."""
    found: set[str] = set()
    for folder in folders:
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else [folder]
        for file in files:
            _walk(yaml.safe_load(file.read_text(encoding="utf-8")), found)
    return frozenset(found)


def _walk(node: object, found: set[str], key: object = None) -> None:
    if isinstance(node, dict):
        if "zh" in node and node.get("en"):  # a text in both languages: neither is data
            return
        for name, value in node.items():
            if name in ("id", "name") and isinstance(value, str):  # a catalog's name is an id too
                found.add(value)
            else:
                _walk(value, found, name)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, str) and key == "applies_to":  # unit kinds' ids
                found.add(value)
            else:
                _walk(value, found, key)
    elif isinstance(node, str) and (CJK.search(node) or key == "section"):
        found.add(node)


def too_wide(text: str, width: int) -> list[str]:
    """The lines of `text` wider than `width` terminal cells."""
    from rich.cells import cell_len

    return [line for line in text.splitlines() if cell_len(line) > width]


def error_leaks(error: object) -> list[str]:
    """An error and its hint, rendered in both languages: the English of its Chinese words and
    the Chinese of its English ones, apart from its parameters' values (ids, names, commands)."""
    from checklist.core.errors import ChecklistError, Message, Problem
    from checklist.present.messages import error_text, hint

    assert isinstance(error, ChecklistError)
    values: list[str] = []

    def gather(value: object) -> None:
        if isinstance(value, Message):
            for item in value.params.values():
                gather(item)
        elif isinstance(value, Problem):  # where a catalog's problem is: its file, measure and field
            gather([value.message, value.file, value.measure, value.field])
        elif isinstance(value, dict):
            for item in value.values():
                gather(item)
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                gather(item)
        elif value is not None:
            values.append(str(value))

    gather(error.params)
    if error.hint is not None:
        gather(error.hint)
    allowed = set(values) | {word for value in values for word in _WORD.findall(value)}
    zh = error_text(error, "zh") + "\n" + (hint(error, "zh") or "")
    en = error_text(error, "en") + "\n" + (hint(error, "en") or "")
    found = [f"{error.code} (zh): {words} in {line!r}" for line, words in english_lines(zh, allowed)]
    found += [f"{error.code} (en): {run!r} in {en!r}" for run in chinese_in_english(en, allowed)]
    return found
