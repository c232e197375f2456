"""The report people read (`checklist report`): one unit's day, or every unit's, over a period.

A Report holds what the presenters (present/report_*.py) render in Markdown, HTML, CSV, xlsx
and JSON, the JSON being the reference the others are checked against: the headline (for
several units, the province's, from views.province), each unit's headline figures day by day
over the period (the trend its chart draws), progress per section, missed and overdue items,
alerts to acknowledge, approvals pending and given, and what `verify` says of its records.

It reads what `status` reads (each unit's index, folded as status folds it) and nothing more:
the day-by-day figures come from the headline measure's table in that index, one lookup per
day, so a report of 3,000 units costs what `status --all` does, plus `verify` when asked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from ..core.decide import alerted
from ..core.errors import UserError
from ..core.models import FigureValue, Record, Unit
from ..core.models import Text as FieldLabel
from ..core.status import ItemStatus, Unacknowledged, UnitStatus
from .session import Session
from .views import Province, natural_key, province, unit_name

if TYPE_CHECKING:
    from ..core.logindex import LogIndex
    from ..core.verify import Verdict

LONGEST = 366  # days in one report: a year's trend still reads as a chart


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def holds(self, key: str) -> bool:
        """Whether a period key (`2020-01-27`, `2020-01-27T08:00`, `2020-W05`, `2020-01`) falls in it."""
        return _key_days(key, self) is not None


def _key_days(key: str, period: Period) -> tuple[date, date] | None:
    try:
        if len(key) >= 10 and key[4] == "-" and key[7] == "-":
            day = date.fromisoformat(key[:10])
            first, last = day, day
        elif "-W" in key:
            year, week = key.split("-W")
            first = date.fromisocalendar(int(year), int(week[:2]), 1)
            last = first + timedelta(days=6)
        elif len(key) == 7 and key[4] == "-":
            first = date(int(key[:4]), int(key[5:]), 1)
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        else:
            return None
    except ValueError:
        return None
    return (first, last) if first <= period.last and last >= period.first else None


@dataclass(frozen=True)
class DayFigures:
    """One day of the headline report: its figures (None: not reported that day)."""

    day: date
    values: dict[str, FigureValue] | None
    alerts: tuple[str, ...] = ()  # fields past their alert threshold that day
    reporting: int = 0  # of several units: how many reported that day


@dataclass(frozen=True)
class Missed:
    item: ItemStatus
    periods: tuple[str, ...]  # the periods of the report's period neither done nor waived


@dataclass(frozen=True)
class Approval:
    item: ItemStatus
    given: bool  # False: done or waived, waiting for a second person
    by: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Signatures:
    """What `verify` says of a unit's records."""

    intact: bool  # the chain, signatures, seals and index hold
    records: int
    signed: int
    unsigned: int
    problems: int


@dataclass(frozen=True)
class UnitReport:
    status: UnitStatus
    reported: bool  # the headline report of the period's last day is in
    figures: dict[str, FigureValue]  # its figures
    note: str | None  # its note
    trend: list[DayFigures]
    missed: list[Missed]
    overdue: list[ItemStatus]
    alerts: list[Unacknowledged]
    approvals: list[Approval]
    signatures: Signatures | None  # None: not verified (`--no-verify`)

    @property
    def name(self) -> str:
        return unit_name(self.status)


@dataclass(frozen=True)
class Report:
    scope: Literal["unit", "all"]
    period: Period
    now: datetime  # the moment the report is of: the end of the period's last day, or now
    labels: dict[str, FieldLabel]  # the headline figures' labels, by field id, in the catalog's order
    units: list[UnitReport]  # in natural order of their names
    province: Province  # the headline over the units (of one unit: that unit's)
    trend: list[DayFigures]  # of several units: the figures of the units that reported, summed by day
    verified: bool
    intact: int = 0  # units whose records verify
    broken: list[str] = field(default_factory=list)  # ids of those that do not


def period_of(today: date, day: date | None, first: date | None, last: date | None) -> Period:
    """The period a report covers: one day (default today), or from `first` to `last`
    (`last` default today, `first` default `last`); a period ending after today is refused."""
    if day is not None and (first is not None or last is not None):
        raise UserError("option.exclusive", first="--day", second="--from" if first is not None else "--to")
    if day is not None:
        first = last = day
    last = last or (first if first is not None and first > today else today)
    first = first or last
    if first > last:
        raise UserError("report.period_order", first=first.isoformat(), last=last.isoformat())
    if last > today:
        raise UserError("report.period_future", day=last.isoformat(), today=today.isoformat())
    if (last - first).days + 1 > LONGEST:
        raise UserError("report.period_long", days=(last - first).days + 1, most=LONGEST)
    return Period(first, last)


def report(
    session: Session,
    *,
    all_units: bool = False,
    day: date | None = None,
    first: date | None = None,
    last: date | None = None,
    verify: bool = True,
    units: list[Unit] | None = None,
) -> Report:
    """The report of one unit (the command's), of every unit of the store (`all_units`), or of
    the `units` given (`report --under NODE`: those under a node of the hierarchy, as
    `status --all --under NODE` selects them), under the headline of the units reported on."""
    catalog = session.catalog()
    today = session.now(catalog).astimezone(ZoneInfo(catalog.meta.timezone)).date()
    period = period_of(today, day, first, last)
    if period.last < today:  # the report is of the end of its last day
        settings = dataclasses.replace(session.settings, now=f"{period.last.isoformat()}T23:59:59")
        session = Session(settings, session.store)
    several = all_units or units is not None
    units = units if units is not None else _units(session, all_units)
    verdicts = _verdicts(session, several) if verify else {}
    reports: list[UnitReport] = []
    labels: dict[str, FieldLabel] = {}
    for unit in units:
        status, index = session.view(unit)
        reports.append(_unit_report(status, index, period, verdicts.get(unit.id), verify))
        if status.headlines:
            for spec in status.headlines[0].item.item.measure.fields:
                labels.setdefault(spec.id, spec.label)
    reports.sort(key=lambda r: natural_key(r.name))
    zone = ZoneInfo(catalog.meta.timezone)  # the moment as the day is counted: in the catalog's zone
    now = (reports[0].status.now if reports else session.now(catalog)).astimezone(zone)
    broken = [r.status.unit.id for r in reports if r.signatures is not None and not r.signatures.intact]
    return Report(
        scope="all" if several else "unit",
        period=period,
        now=now,
        labels=labels,
        units=reports,
        province=_headline(reports),
        trend=_summed(reports, period) if several else reports[0].trend,
        verified=verify,
        intact=sum(1 for r in reports if r.signatures is not None and r.signatures.intact),
        broken=broken,
    )


def _headline(reports: list[UnitReport]) -> Province:
    """The province's headline (views.province) of the units reported on; alerts recorded
    after the period (a report of a past day) are not counted."""
    found = province([r.status for r in reports])
    return dataclasses.replace(found, alerting=sum(1 for r in reports if r.alerts))


def _units(session: Session, all_units: bool) -> list[Unit]:
    """The units a report covers: the command's unit, or every unit of the store."""
    if not all_units:
        return [session.select_unit()]
    return list(session.store.units())


def _verdicts(session: Session, all_units: bool) -> dict[str, Verdict]:
    from .trust import verify

    found = verify(session, all_units=all_units)
    return {v.unit.id: v for v in found.verdict.units}


def _unit_report(
    status: UnitStatus, index: LogIndex, period: Period, verdict: Verdict | None, verified: bool
) -> UnitReport:
    trend = _trend(status, index, period)
    last = trend[-1] if trend else None
    note = None
    if last is not None and last.values is not None and status.headlines:
        entry = status.headlines[0].item.entry
        note = entry.last.note if entry is not None else None
    missed = [
        Missed(s, found)
        for s in status.items
        if s.missed and (found := tuple(key for key in s.missed if period.holds(key)))
    ]
    approvals = [Approval(s, given=False) for s in status.items if s.state == "awaiting"]
    for s in status.items:
        approval = s.entry.approval if s.entry is not None and s.entry.approval_at is not None else None
        if approval is not None and _within(approval, period, status):
            approvals.append(Approval(s, given=True, by=approval.actor, at=_moment(approval)))
    signatures = None
    if verified and verdict is not None:
        problems = len(verdict.problems())
        signatures = Signatures(
            intact=not problems,
            records=verdict.chain.records,
            signed=verdict.signed,
            unsigned=verdict.unsigned,
            problems=problems,
        )
    return UnitReport(
        status=status,
        reported=bool(last is not None and last.values is not None),
        figures=dict(last.values) if last is not None and last.values is not None else {},
        note=note,
        trend=trend,
        missed=missed,
        overdue=list(status.overdue),
        alerts=[
            a for a in status.unacknowledged if _moment(a.record).astimezone(status.now.tzinfo).date() <= period.last
        ],
        approvals=approvals,
        signatures=signatures,
    )


def _moment(record: Record) -> datetime:
    return record.clock or record.at


def _within(record: Record, period: Period, status: UnitStatus) -> bool:
    day = _moment(record).astimezone(status.now.tzinfo).date()
    return period.first <= day <= period.last


def _trend(status: UnitStatus, index: LogIndex, period: Period) -> list[DayFigures]:
    """The headline report of each day of the period, from its table in the index."""
    if not status.headlines:
        return [DayFigures(day, None) for day in period.days]
    item = status.headlines[0].item.item
    measure = item.measure
    table = index.table(measure.id, item.slot, item.part)
    rows = table.rows if table is not None else {}
    zone = ZoneInfo(status.catalog.meta.timezone)
    found = []
    for day in period.days:
        row = rows.get(day.isoformat())
        if table is None or row is None or table.actions[row] != "done":
            found.append(DayFigures(day, None))
            continue
        values = table.figures_of(row)
        found.append(DayFigures(day, values, alerted(measure, values, zone), reporting=1))
    return found


def _summed(reports: list[UnitReport], period: Period) -> list[DayFigures]:
    """Each day's figures summed over the units that reported that day, and the fields past
    their alert threshold in any of them."""
    found = []
    for n, day in enumerate(period.days):
        values: dict[str, FigureValue] = {}
        alerts: dict[str, None] = {}
        reporting = 0
        for r in reports:
            got = r.trend[n].values if n < len(r.trend) else None
            if got is None:
                continue
            reporting += 1
            alerts.update(dict.fromkeys(r.trend[n].alerts))
            for field_id, value in got.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    values[field_id] = values.get(field_id, 0) + value  # type: ignore[operator]
        found.append(DayFigures(day, values if reporting else None, tuple(alerts), reporting=reporting))
    return found
