"""Words for `checklist db …`."""

from __future__ import annotations

from ..core.pgschema import Migrated
from .words import t


def migrated(result: Migrated, lang: str) -> str:
    if not result.applied:
        return t("db.up_to_date", lang, version=result.after)
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in result.applied)
    return t("db.migrated", lang, before=result.before, after=result.after, names=names)
