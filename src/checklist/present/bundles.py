"""What `export`, `import`, `keys export` and `keys trust` say, on the terminal and as JSON."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .messages import error_text
from .output import message, safe
from .words import t, tn

if TYPE_CHECKING:
    from ..usecases.bundles import Exported, FileImported, Imported, KeyExported, KeyTrusted
    from .schemas import ImportsDocument


def _unit(unit: str, name: str | None, lang: str) -> str:
    return t("bundle.unit_named", lang, unit=unit, name=name) if name else unit


def exported(result: Exported, lang: str) -> None:
    message(t("bundle.written", lang, out=result.out, size=result.size, by=result.by, keyid=result.key), "green")
    for unit in result.units:
        named = _unit(unit.unit, unit.name, lang) + (t("bundle.relayed", lang) if unit.mirror else "")
        if unit.records:
            records = tn("count.records", unit.records, lang)
            message(t("bundle.unit_line", lang, unit=named, first=unit.after + 1, last=unit.head, count=records))
        else:
            message(t("bundle.unit_none", lang, unit=named, last=unit.head))
    if result.evidence:
        message(tn("bundle.evidence", result.evidence, lang))
    message(t("bundle.send", lang, out=result.out))


def imported_file(found: FileImported, lang: str) -> None:
    """One bundle's outcome, as soon as it is known (an error is printed by the caller)."""
    for unit in found.units:
        named = _unit(unit.unit, unit.name, lang)
        if unit.new:
            what = tn("import.new_records", unit.new, lang, held=unit.carried - unit.new)
        elif not unit.carried:
            what = t("import.empty", lang)
        else:
            what = tn("import.nothing_new", unit.carried, lang)
        if unit.created:
            what += t("import.new_mirror", lang, origin=unit.origin)
        message(t("import.unit", lang, file=found.path, unit=named, what=what), "green" if unit.new else "")


def summary(result: Imported, lang: str) -> None:
    total, refused = len(result.files), len(result.refused)
    new = tn("import.records", result.new, lang)
    line = tn("import.summary", total, lang, imported=total - refused, refused=refused, records=new)
    message(line, "bold red" if refused else "bold")
    if refused:
        message(t("import.refused_untouched", lang))


def imports_document(result: Imported, lang: str) -> ImportsDocument:
    files = []
    for found in result.files:
        units = [
            {
                "unit": unit.unit,
                "name": unit.name,
                "origin": unit.origin,
                "carried": unit.carried,
                "new": unit.new,
                "created": unit.created,
            }
            for unit in found.units
        ]
        error = None
        if found.error is not None:
            error = {"code": found.error.code, "message": error_text(found.error, lang)}
        files.append({"file": str(found.path), "imported": found.error is None, "error": error, "units": units})
    return {
        "document": "imports",
        "format": 1,
        "files": files,  # type: ignore[typeddict-item]
        "imported": len(result.files) - len(result.refused),
        "refused": len(result.refused),
        "new_records": result.new,
    }


def key_exported(result: KeyExported, lang: str) -> None:
    if result.out is None:
        sys.stdout.write(result.content.decode())
        return
    public = result.public
    message(t("key.exported", lang, out=result.out, keyid=public.key, name=safe(public.name)), "green")


def key_trusted(result: KeyTrusted, lang: str) -> None:
    entry = result.entry
    words = "key.trusted" if result.new else "key.trusted_already"
    message(t(words, lang, keyid=entry.key, name=safe(entry.name), unit=entry.unit), "green" if result.new else "")
