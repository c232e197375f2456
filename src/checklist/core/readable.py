"""The readable part of a seal (format 6): what a bureau reading a unit's seal sees of its day.

A seal names every record of its day by the hash of its line, which proves what the unit's
log held but says nothing a person can read without the log. From format 6 a seal carries the
day as the unit's officers recorded it, in the catalog's own words (both languages, so that
the reader sees it in theirs without holding the catalog):

- `figures`: every figure recorded that day, record by record: the item it belongs to, the
  field's label, its value and unit, whether it is a headline figure (the "three zeros") and
  whether it crossed an alert;
- `alerts`: the unit's alerts as of the seal's moment: those raised by a record of the day
  (open, or acknowledged since) and those still open from earlier days;
- `notes`: the notes written that day, with the item and who wrote them;
- `missed`: what was missed or overdue as of the seal's moment (periods neither done nor
  waived, items past their deadline).

Figures, alerts and notes name the record they come from (`seq`): a receiver holding the
unit's log checks that each says what that record says (`problems`). What was missed is the
sealer's reading of the log at the seal's moment, signed with the rest but not re-derived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from .errors import Message, message
from .models import FigureValue, Measure, Record, Stored, Text

if TYPE_CHECKING:
    from .status import ItemStatus, UnitStatus

MISSED_PERIODS = 10  # the latest periods missed an entry names (it counts them all)


class Shown(Stored):
    """One figure as recorded: its field, label, value and unit."""

    field: str
    label: Text
    value: FigureValue
    unit: str | Text | None = None
    alert: bool = False  # the value crossed the field's alert


class Where(Stored):
    """What a readable entry concerns: the record it comes from and its item."""

    seq: Annotated[int, Field(ge=1)]
    item: str | None = None
    title: Text | None = None  # the measure's title, as the catalog words it
    subject: str | None = None
    part: str | None = None
    period: str | None = None


class FiguresOf(Where):
    """The figures one record of the day gives."""

    headline: bool = False  # a headline measure's (the "three zeros")
    values: list[Shown]


class AlertOf(Where):
    """An alert: the record that raised it, its figures past an alert, and whether it is acknowledged."""

    at: datetime
    state: Literal["open", "acknowledged"]
    values: list[Shown]


class NoteOf(Where):
    """A note written that day."""

    action: str
    actor: str
    at: datetime
    note: str


class Missed(Stored):
    """An item missed or overdue as of the seal's moment."""

    item: str
    title: Text
    subject: str | None = None
    part: str | None = None
    missed: int = 0  # earlier periods neither done nor waived
    periods: list[str] = Field(default_factory=list)  # the latest of them (up to MISSED_PERIODS)
    overdue: bool = False
    due: datetime | None = None


class Day(Stored):
    """The readable part of a sealed day."""

    figures: list[FiguresOf] = Field(default_factory=list)
    alerts: list[AlertOf] = Field(default_factory=list)
    notes: list[NoteOf] = Field(default_factory=list)
    missed: list[Missed] = Field(default_factory=list)

    def seqs(self) -> set[int]:
        """The records it names."""
        return {entry.seq for entry in [*self.figures, *self.alerts, *self.notes]}


def _where(record: Record, measure: Measure | None) -> dict[str, object]:
    return {
        "seq": record.seq or 0,
        "item": record.item,
        "title": measure.title if measure is not None else None,
        "subject": record.subject,
        "part": record.part,
        "period": record.period,
    }


def _shown(measure: Measure | None, figures: Mapping[str, FigureValue], alerted: Iterable[str]) -> list[Shown]:
    past = set(alerted)
    specs = {spec.id: spec for spec in measure.fields} if measure is not None else {}
    order = [f for f in specs if f in figures] + sorted(f for f in figures if f not in specs)
    found = []
    for field_id in order:
        spec = specs.get(field_id)
        label = spec.label if spec is not None else Text(en=field_id, zh=field_id)
        unit = spec.unit if spec is not None else None
        found.append(Shown(field=field_id, label=label, value=figures[field_id], unit=unit, alert=field_id in past))
    return found


def day_of(status: UnitStatus, records: Sequence[Record], day: date) -> Day:
    """The readable part of `day` from its records (those of the day, in the log's order) and
    the unit's status at the seal's moment."""
    from .alerts import Judge

    measures = {measure.id: measure for measure in status.catalog.measures}
    judge = Judge.of(status.catalog)
    zone = ZoneInfo(status.catalog.meta.timezone)
    open_seqs = {alert.record.seq for alert in status.unacknowledged}
    figures, alerts, notes = [], [], []
    for record in records:
        if record.seq is None:
            continue
        measure = measures.get(record.item or "")
        alerted = judge(record) if record.item else ()
        if record.figures:
            values = _shown(measure, record.figures, alerted)
            headline = measure is not None and measure.headline
            figures.append(FiguresOf(**_where(record, measure), headline=headline, values=values))
        if alerted:
            state: Literal["open", "acknowledged"] = "open" if record.seq in open_seqs else "acknowledged"
            past = {f: v for f, v in record.figures.items() if f in alerted}
            alerts.append(
                AlertOf(**_where(record, measure), at=record.at, state=state, values=_shown(measure, past, alerted))
            )
        if record.note and record.action != "upgraded":
            notes.append(
                NoteOf(
                    **_where(record, measure), action=record.action, actor=record.actor, at=record.at, note=record.note
                )
            )
    for alert in status.unacknowledged:  # still open from an earlier day
        record = alert.record
        if record.seq is None or record.at.astimezone(zone).date() == day:
            continue
        measure = measures.get(record.item or "")
        past = {f: v for f, v in record.figures.items() if f in alert.fields}
        alerts.append(
            AlertOf(**_where(record, measure), at=record.at, state="open", values=_shown(measure, past, alert.fields))
        )
    alerts.sort(key=lambda entry: entry.seq)
    return Day(figures=figures, alerts=alerts, notes=notes, missed=missed_of(status))


def missed_of(status: UnitStatus) -> list[Missed]:
    """The items missed (earlier periods neither done nor waived) or overdue, in the checklist's order."""
    found = []
    for item_status in status.actionable():
        if not item_status.missed and not item_status.overdue:
            continue
        found.append(_missed(item_status))
    return found


def _missed(item_status: ItemStatus) -> Missed:
    item = item_status.item
    periods = list(item_status.missed)
    return Missed(
        item=item.id,
        title=item.measure.title,
        subject=item.subject,
        part=item.part,
        missed=len(periods),
        periods=periods[-MISSED_PERIODS:],
        overdue=item_status.overdue,
        due=item_status.due if item_status.overdue else None,
    )


def problems(day: Day, named: Mapping[int, Record]) -> list[Message]:
    """Where the readable part does not say what the records it names say (`named`: the
    records of the unit's log, by number, that it names)."""
    found: list[Message] = []
    for entry in day.figures:
        found += _differs(entry, named, {shown.field: shown.value for shown in entry.values}, "seal.figures_differ")
    for alert in day.alerts:
        found += _differs(alert, named, {shown.field: shown.value for shown in alert.values}, "seal.alert_differs")
    for note in day.notes:
        record = named.get(note.seq)
        if record is None or record.note != note.note or record.actor != note.actor or record.item != note.item:
            found.append(message("seal.note_differs", seq=note.seq))
    return found


def _differs(entry: Where, named: Mapping[int, Record], values: Mapping[str, FigureValue], code: str) -> list[Message]:
    record = named.get(entry.seq)
    if record is None or record.item != entry.item or record.subject != entry.subject or record.period != entry.period:
        return [message(code, seq=entry.seq)]
    if any(field not in record.figures or not _same(record.figures[field], value) for field, value in values.items()):
        return [message(code, seq=entry.seq)]
    return []


def _same(kept: FigureValue, said: FigureValue) -> bool:
    """The same value, of the same kind (True is not 1)."""
    return type(kept) is type(said) and kept == said
