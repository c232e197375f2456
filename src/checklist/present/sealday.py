"""The readable part of a seal (core/readable.py), as `verify --seal` shows it after checking
it: the unit's figures, alerts, notes and what was missed, in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text as RichText

from .output import safe, stdout
from .words import figure_text, moment_text, t, tn

if TYPE_CHECKING:
    from ..core.models import Text
    from ..core.readable import Day, Missed, NoteOf, Shown, Where
    from .schemas import SealDayDocument


def show(day: Day, lang: str) -> None:
    """Each part of the day that holds something, under its heading: each entry's record and
    item on a line, what it says below (or a line saying the day holds nothing)."""
    from rich.padding import Padding

    console = stdout()
    sep = t("label.list_sep", lang)
    blocks: list[tuple[str, str, str]] = []  # heading, or (what it is about, what it says, style)
    if day.figures:
        blocks.append((t("sealday.figures", lang), "", "head"))
        for figures in day.figures:
            star = t("sealday.headline", lang) if figures.headline else ""
            blocks.append((_where(figures, lang) + star, sep.join(_shown(s, lang) for s in figures.values), ""))
    if day.alerts:
        blocks.append((t("sealday.alerts", lang), "", "head"))
        for alert in day.alerts:
            values = sep.join(_shown(shown, lang) for shown in alert.values)
            state = t(f"sealday.alert_{alert.state}", lang)
            what = t("sealday.alert", lang, values=values, state=state, at=moment_text(alert.at, lang, short=True))
            blocks.append((_where(alert, lang), what, "yellow" if alert.state == "open" else ""))
    if day.notes:
        blocks.append((t("sealday.notes", lang), "", "head"))
        for note in day.notes:
            who = t("sealday.note_by", lang, actor=safe(note.actor), at=moment_text(note.at, lang, short=True))
            where = _where(note, lang) if note.item else _of_unit(note, lang)
            blocks.append((where, who + t("label.colon", lang) + safe(note.note), ""))
    if day.missed:
        blocks.append((t("sealday.missed", lang), "", "head"))
        blocks += [(*_missed(missed, lang), "yellow") for missed in day.missed]
    if not blocks:
        blocks.append((t("sealday.nothing", lang), "", "head"))
    for about, said, style in blocks:
        if style == "head":
            console.print(Padding(RichText(about, style="bold"), (0, 0, 0, 2)))
            continue
        console.print(Padding(RichText(about), (0, 0, 0, 4)))
        console.print(Padding(RichText(said, style=style), (0, 0, 0, 6)))


def _text(text: Text | None, lang: str) -> str:
    return safe(text(lang)) if text is not None else ""


def _where(entry: Where, lang: str) -> str:
    """`#5 system.three-zeros Meet the “three zeros”… (2020-01-27)`: the record and its item."""
    said = f"#{entry.seq} " + (_text(entry.title, lang) or safe(entry.item or ""))
    details = [safe(d) for d in (entry.subject, entry.part, entry.period) if d]
    return said + (t("sealday.details", lang, details=" ".join(details)) if details else "")


def _of_unit(note: NoteOf, lang: str) -> str:
    """`#4 event (P2020-017)`: a note of what concerns the unit, by its action."""
    from .words import has

    action = t(f"action.{note.action}", lang) if has(f"action.{note.action}", lang) else note.action
    details = [safe(d) for d in (note.subject, note.part, note.period) if d]
    return f"#{note.seq} {action}" + (t("sealday.details", lang, details=" ".join(details)) if details else "")


def _shown(shown: Shown, lang: str) -> str:
    unit = shown.unit
    unit_text = unit(lang) if unit is not None and not isinstance(unit, str) else unit or ""
    value = safe(figure_text(shown.value, lang)) + (f" {safe(unit_text)}" if unit_text else "")
    said = t("sealday.figure", lang, label=_text(shown.label, lang), value=value)
    return said + (" ⚠" if shown.alert else "")


def _missed(missed: Missed, lang: str) -> tuple[str, str]:
    name = _text(missed.title, lang) or safe(missed.item)
    details = [safe(d) for d in (missed.subject, missed.part) if d]
    name += t("sealday.details", lang, details=" ".join(details)) if details else ""
    said = []
    if missed.missed:
        periods = t("label.list_sep", lang).join(safe(p) for p in missed.periods)
        more = t("sealday.more", lang) if missed.missed > len(missed.periods) else ""
        said.append(tn("sealday.missed_periods", missed.missed, lang, periods=periods + more))
    if missed.overdue:
        due = moment_text(missed.due, lang, short=True) if missed.due else ""
        said.append(t("sealday.overdue_since", lang, due=due) if due else t("label.overdue", lang))
    return name, t("label.list_sep", lang).join(said)


def document(day: Day) -> SealDayDocument:
    return cast("SealDayDocument", day.model_dump(mode="json"))
