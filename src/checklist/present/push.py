"""What `checklist push` says, on the terminal and as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .messages import error_text
from .output import message, print_error
from .words import t, tn

if TYPE_CHECKING:
    from ..usecases.push import Pushed
    from .schemas import PushDocument


def pushed(result: Pushed, lang: str) -> None:
    """Each unit (its refusal, if it was refused), then the summary."""
    for refused in result.refused:
        print_error(refused.error, lang)
    for unit in result.units:
        named = t("bundle.unit_named", lang, unit=unit.unit, name=unit.name) if unit.name else unit.unit
        if unit.mirror:
            named += t("push.mirror", lang)
        held = tn("push.held", unit.held, lang)
        if unit.copied:
            what = tn("push.copied", unit.copied, lang, held=held)
        else:
            what = t("push.nothing_new", lang, held=held)
        if unit.created:
            what += t("push.created", lang)
        message(t("push.unit", lang, unit=named, what=what), "green" if unit.copied else "")
    pushed_units = tn("push.units", len(result.units), lang)
    records = tn("push.records", result.copied, lang)
    blobs = tn("push.blobs", result.blobs.copied, lang, held=result.blobs.held)
    line = t("push.summary", lang, units=pushed_units, to=result.target, records=records, blobs=blobs)
    message(line, "bold red" if result.refused else "bold")
    if result.refused:
        message(tn("push.refused", len(result.refused), lang))
    elif result.nothing_new:
        message(t("push.all_there", lang, to=result.target))


def push_document(result: Pushed, lang: str) -> PushDocument:
    return {
        "document": "push",
        "format": 1,
        "source": result.source,
        "target": result.target,
        "units": [
            {
                "unit": unit.unit,
                "name": unit.name,
                "mirror": unit.mirror,
                "created": unit.created,
                "copied": unit.copied,
                "held": unit.held,
            }
            for unit in result.units
        ],
        "refused": [
            {"unit": found.unit, "code": found.error.code, "message": error_text(found.error, lang)}
            for found in result.refused
        ],
        "records_copied": result.copied,
        "records_held": result.held,
        "blobs_copied": result.blobs.copied,
        "blobs_held": result.blobs.held,
    }
