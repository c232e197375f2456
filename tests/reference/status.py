"""Folding a unit's records into where it stands at a moment: per item, per section, in total.

An item is a measure on the unit's checklist; a recurring measure is one item whose state is
that of its current period (with the periods missed since the unit started); a measure with
a trigger is one item per subject of a live event (each newly admitted prisoner). Time comes
from the caller (`now`), never from the system clock, so that any moment can be replayed.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from checklist.core.errors import Message
from checklist.core.figures import alerts
from checklist.core.models import Catalog, FigureValue, Measure, Record, Recurrence, Section, Unit

from .logindex import Entry, Happening, LogIndex, unusable
from .schedule import Period, period_at, periods

State = Literal["open", "partial", "done", "na", "blocked", "awaiting", "lapsed", "upcoming"]
# awaiting: done or a waiver that needs a second person's approval; lapsed: a waiver past its day;
# upcoming: an item of a subject that does not open yet (release after 14 days, say)
STATES: tuple[State, ...] = ("done", "na", "partial", "blocked", "awaiting", "lapsed", "open", "upcoming")
PENDING: frozenset[State] = frozenset({"open", "partial", "blocked", "lapsed", "awaiting"})
_DAY = timedelta(days=1)
STATE_OF_ACTION: dict[str, State] = {
    "done": "done",
    "partial": "partial",
    "na": "na",
    "blocked": "blocked",
    "reopened": "open",
}


# Item and ItemStatus are read-only by convention, not frozen: a year-old prison has two
# thousand of each per status, and a frozen dataclass takes four times as long to make.


@dataclass(slots=True)
class Item:
    """A measure as it appears on one unit's checklist, with its stable number (and subject)."""

    number: int
    measure: Measure
    subject: str | None = None
    event: Happening | None = None  # the event that created the item
    day: date | None = None  # the day of that event, in the unit's time zone
    occurrence: int = 1  # which occurrence of the event for the subject

    @property
    def slot(self) -> str | None:
        if self.subject is None:
            return None
        return self.subject if self.occurrence == 1 else f"{self.subject}|{self.occurrence}"

    @property
    def id(self) -> str:
        return self.measure.id


@dataclass(slots=True)
class ItemStatus:
    item: Item
    state: State
    entry: Entry | None  # the latest attestation, which put the item in its state
    period: Period | None = None  # the current period of a recurring measure
    missed: tuple[str, ...] = ()  # earlier periods neither done nor waived
    streak: int = 0  # periods done in a row, up to the current one
    due: datetime | None = None
    opens: datetime | None = None
    overdue: bool = False
    changed: bool = False  # attested against an earlier wording of the measure
    alerts: tuple[str, ...] = ()  # fields whose latest value crosses its alert threshold
    latest: dict[str, FigureValue] = field(default_factory=dict)  # latest value of each field
    totals: dict[str, float] = field(default_factory=dict)  # recurring: sums since the start
    today: dict[str, float] = field(default_factory=dict)  # recurring: sums of today's periods

    @property
    def last(self) -> Record | None:
        """The record that put the item in its state (read from the log when first asked for)."""
        return self.entry.last if self.entry else None

    @property
    def records(self) -> int:
        """How many records the item (of this period) has."""
        return self.entry.count if self.entry else 0


@dataclass(frozen=True)
class Tally:
    counts: Counter[State]
    total: int

    @property
    def done(self) -> int:
        return self.counts["done"]

    @property
    def applicable(self) -> int:
        return self.total - self.counts["na"] - self.counts["upcoming"]

    @property
    def percent(self) -> float:
        """Done as a share of the items that apply now (waived and upcoming ones are left out)."""
        return 100.0 * self.done / self.applicable if self.applicable else 100.0


@dataclass(frozen=True)
class SectionStatus:
    section: Section
    items: list[ItemStatus]
    tally: Tally


@dataclass(frozen=True)
class Headline:
    """The figures of a headline measure (the "three zeros"): today's report and each target."""

    item: ItemStatus
    reported_today: bool
    values: dict[str, FigureValue | None]
    days_at_zero: dict[str, int]


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    catalog: Catalog
    now: datetime
    items: list[ItemStatus]
    sections: list[SectionStatus]
    tally: Tally
    critical_open: list[ItemStatus]
    overdue: list[ItemStatus]
    headlines: list[Headline]
    last_record: Record | None
    orphans: dict[str, int] = field(default_factory=dict)  # records of measures no longer in the catalog
    replayed: int = 0  # records made with a replayed clock (--now)
    unusable: list[Message] = field(default_factory=list)  # records the fold left out, and why

    def by_subject(self, pending_only: bool = False) -> dict[str, list[ItemStatus]]:
        """The items kept per subject, grouped by subject (only subjects with work left, if asked)."""
        grouped: dict[str, list[ItemStatus]] = {}
        for status in self.items:
            if status.item.subject is not None:
                grouped.setdefault(status.item.subject, []).append(status)
        if pending_only:
            grouped = {s: items for s, items in grouped.items() if any(i.state in PENDING for i in items)}
        return grouped

    @property
    def recurring(self) -> list[ItemStatus]:
        """The items of recurring measures, each with its current period, misses and streak."""
        return [s for s in self.items if s.item.measure.recurrence is not None]

    @property
    def days(self) -> int:
        """Days since the unit started, counting the first as day 1."""
        zone = ZoneInfo(self.catalog.meta.timezone)
        return (self.now.astimezone(zone).date() - self.unit.started_at.astimezone(zone).date()).days + 1


def items_for(catalog: Catalog, kind: str) -> list[Item]:
    """The unit's checklist: the catalog's measures for its kind, numbered from 1 in catalog order."""
    return [Item(number, m) for number, m in enumerate(catalog.for_kind(kind), start=1)]


def expand(items: Sequence[Item], index: LogIndex, clock: Clock) -> list[Item]:
    """Items as they stand: a triggered measure becomes one item per subject of a live event."""
    live: dict[str, list[tuple[Happening, date]]] = {}
    for event in sorted((e for e in index.events.values() if e.action == "event"), key=_event_order):
        live.setdefault(event.kind, []).append((event, clock.day(event.moment)))
    expanded: list[Item] = []
    for item in items:
        trigger = item.measure.trigger
        if trigger is None:
            expanded.append(item)
            continue
        for event, day in live.get(trigger.event, ()):
            expanded.append(Item(item.number, item.measure, event.subject, event, day, event.number))
    return expanded


def _event_order(event: Happening) -> tuple[float, str, int]:
    return (
        event.moment.timestamp(),
        event.subject,
        event.number,
    )  # floats: moments parsed with their own offsets compare slowly


class History(NamedTuple):
    """A schedule's periods from the unit's start to now, their keys, and the one that holds
    now (None on a day a weekday measure is not due)."""

    periods: list[Period]
    keys: frozenset[str]
    current: Period | None


class Clock:
    """Moments of the unit's days, in its time zone."""

    def __init__(self, zone: ZoneInfo, now: datetime) -> None:
        self.zone = zone
        self.now = now
        self.today = self.day(now)
        self._histories: dict[tuple[object, ...], History] = {}
        self._midnights: dict[date, datetime] = {}

    def history(self, rec: Recurrence, anchor: datetime) -> History:
        """The periods from `anchor` to now; measures on the same schedule share one."""
        key = (rec.every, rec.times, tuple(rec.on or ()), anchor)
        found = self._histories.get(key)
        if found is None:
            listed = list(periods(rec, self.zone, anchor, self.now, anchor))
            current = period_at(rec, self.zone, self.now, anchor)
            found = self._histories[key] = History(listed, frozenset(p.key for p in listed), current)
        return found

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def end_of(self, day: date) -> datetime:
        return self.start_of(day + _DAY)

    def start_of(self, day: date) -> datetime:
        """Midnight of `day`; kept, as the deadlines of a thousand subjects fall on a few hundred days."""
        found = self._midnights.get(day)
        if found is None:
            found = self._midnights[day] = datetime.combine(day, time(0), tzinfo=self.zone)
        return found


def state_of(entry: Entry | None, measure: Measure, clock: Clock) -> State:
    if entry is None:
        return "open"
    action = entry.action
    if action == "na":
        if entry.until is not None and clock.today > entry.until:
            return "lapsed"
        if measure.priority == "critical" and entry.approval_at is None:
            return "awaiting"
        return "na"
    if action == "done" and measure.approval == "required" and entry.approval_at is None:
        return "awaiting"
    return STATE_OF_ACTION.get(action, "open")


def assess(item: Item, unit: Unit, index: LogIndex, clock: Clock) -> ItemStatus:
    measure = item.measure
    if measure.recurrence is not None:
        return _recurring(item, measure.recurrence, unit, index, clock)
    entry = index.entry(measure.id, item.slot)
    state = state_of(entry, measure, clock)
    opens = _opens(item)  # a day: the item opens at its start
    if opens is not None and clock.today < opens and state in ("open", "lapsed"):
        state = "upcoming"
    due = _due(item, unit, clock)  # a day: the item is due by its end
    return ItemStatus(
        item,
        state,
        entry,
        due=clock.end_of(due) if due else None,
        opens=clock.start_of(opens) if opens else None,
        overdue=due is not None and state in PENDING and clock.today > due,
        changed=_changed(entry, measure),
        alerts=_alerts(measure, entry),
        latest=dict(entry.figures) if entry else {},
    )


def _recurring(item: Item, rec: Recurrence, unit: Unit, index: LogIndex, clock: Clock) -> ItemStatus:
    measure = item.measure
    history, keys, current = clock.history(rec, unit.started_at)
    waiver = index.entry(measure.id, item.slot)  # a waiver of the measure as a whole
    if waiver is not None and (waived := state_of(waiver, measure, clock)) in ("na", "awaiting"):
        return ItemStatus(item, waived, waiver, period=current)
    entries = {key: e for key, e in index.periods(measure.id, item.slot).items() if key in keys}
    settled = {key for key, e in entries.items() if state_of(e, measure, clock) in ("done", "na")}
    if waiver is not None and waiver.action == "na" and waiver.until is not None:
        waived_to = waiver.until  # a lapsed waiver still covers the days it was given for
        settled |= {p.key for p in history if clock.day(p.start) <= waived_to}
    past = [p for p in history if current is None or p.start < current.start]
    missed = tuple(p.key for p in past if p.key not in settled)
    streak = 0
    for period in reversed(history):
        if period.key in settled:
            streak += 1
        elif current is None or period.key != current.key:
            break
    entry = entries.get(current.key) if current else None
    recent = (entries.get(p.key) for p in reversed(history))
    latest = next((e for e in recent if e is not None and e.figures), None)  # the latest figures given
    state = state_of(entry, measure, clock) if current else "upcoming"
    return ItemStatus(
        item,
        state,
        entry,
        period=current,
        missed=missed,
        streak=streak,
        changed=_changed(entry, measure),
        alerts=_alerts(measure, latest),
        latest=dict(latest.figures) if latest else {},
        totals=_sums(entries.values()),
        today=_sums(entries.get(p.key) for p in _today(history, clock)),
    )


def _today(history: list[Period], clock: Clock) -> list[Period]:
    """The periods of today: the last few of the history."""
    today = clock.day(clock.now)
    found = []
    for period in reversed(history):
        if clock.day(period.start) != today:
            break
        found.append(period)
    return found


def _sums(entries: Iterable[Entry | None]) -> dict[str, float]:
    sums: dict[str, float] = {}
    for entry in entries:
        if entry is None or entry.action != "done":
            continue
        for name, value in entry.figures.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):  # a tuple: faster than int | float
                sums[name] = sums.get(name, 0) + value
    return sums


def _changed(entry: Entry | None, measure: Measure) -> bool:
    return entry is not None and entry.wording is not None and entry.wording != measure.wording()


def _alerts(measure: Measure, entry: Entry | None) -> tuple[str, ...]:
    if entry is None or not entry.figures or not measure.alerting:
        return ()
    return tuple(spec.id for spec in alerts(measure.alerting, entry.figures))


def _opens(item: Item) -> date | None:
    trigger, day = item.measure.trigger, item.day
    if trigger is None or day is None or not trigger.opens_after_days:
        return None
    return day + _days(trigger.opens_after_days)


def _due(item: Item, unit: Unit, clock: Clock) -> date | None:
    deadline, trigger = item.measure.deadline, item.measure.trigger
    event_day = item.day
    if deadline is not None:
        if deadline.date is not None:
            return deadline.date
        days = deadline.days or 0
        if deadline.after == "start":
            return clock.day(unit.started_at) + _days(days)
        if event_day is not None:
            return event_day + _days(days)
    if trigger is not None and trigger.lasts_days and event_day is not None:
        return event_day + _days(trigger.lasts_days - 1)
    return None


@functools.cache
def _days(count: int) -> timedelta:
    return timedelta(days=count)


def tally(statuses: Iterable[ItemStatus]) -> Tally:
    counts: Counter[State] = Counter(dict.fromkeys(STATES, 0))
    total = 0
    for status in statuses:
        counts[status.state] += 1
        total += 1
    return Tally(counts, total)


def headlines(statuses: Sequence[ItemStatus], unit: Unit, index: LogIndex, clock: Clock) -> list[Headline]:
    found = []
    for status in statuses:
        measure = status.item.measure
        if not measure.headline or status.item.subject is not None:
            continue
        values: dict[str, FigureValue | None] = {f.id: status.latest.get(f.id) for f in measure.fields}
        zeros = {f.id: _days_at_zero(measure, f.id, unit, index, clock) for f in measure.fields}
        found.append(Headline(status, status.state == "done", values, zeros))
    return found


def _days_at_zero(measure: Measure, field_id: str, unit: Unit, index: LogIndex, clock: Clock) -> int:
    """Reported periods in a row, back from the latest report, whose value was 0 (a nil report counts)."""
    if measure.recurrence is None:
        return 0
    run, started = 0, False
    history = clock.history(measure.recurrence, unit.started_at).periods
    entries = index.periods(measure.id)
    for period in reversed(history):
        entry = entries.get(period.key)
        value = entry.figures.get(field_id) if entry and entry.action == "done" else None
        if value is None:
            if started:
                break
            continue  # today's report may not be in yet
        started = True
        if value != 0:
            break
        run += 1
    return run


def unit_status(unit: Unit, catalog: Catalog, index: LogIndex, now: datetime) -> UnitStatus:
    clock = Clock(ZoneInfo(catalog.meta.timezone), now)
    statuses = [assess(item, unit, index, clock) for item in expand(items_for(catalog, unit.kind), index, clock)]
    by_section: dict[str, list[ItemStatus]] = {}
    for status in statuses:
        by_section.setdefault(status.item.measure.section, []).append(status)
    sections = [
        SectionStatus(section, members, tally(members))
        for section in catalog.meta.sections
        if (members := by_section.get(section.id))
    ]
    critical = [s for s in statuses if s.state in PENDING and s.item.measure.priority == "critical"]
    known = {m.id for m in catalog.measures}
    orphans: Counter[str] = Counter()
    for key, by_period in index.items.items():
        item_id = key.split("|", 1)[0]
        if item_id not in known:
            orphans[item_id] += sum(entry.count for entry in by_period.values())
    return UnitStatus(
        unit=unit,
        catalog=catalog,
        now=now,
        items=statuses,
        sections=sections,
        tally=tally(statuses),
        critical_open=critical,
        overdue=[s for s in statuses if s.overdue],
        headlines=headlines(statuses, unit, index, clock),
        last_record=index.last,
        orphans=dict(orphans),
        replayed=len(index.replayed),
        unusable=[why for at in index.unusable if (why := unusable(index.record_at(at))) is not None],
    )
