"""Folding a unit's records into where it stands at a moment: per item, per section, in total.

An item is a measure on the unit's checklist; a recurring measure is one item whose state is
that of its current period (with the periods missed since the unit started); a measure with
a trigger is one item per subject of a live event (each newly admitted prisoner). Time comes
from the caller (`now`), never from the system clock, so that any moment can be replayed.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import json
import operator
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from .alerts import answer_alert
from .conditions import Timeline
from .decide import alerted, complete
from .errors import Message
from .logindex import Entry, Happening, LogIndex, Memo, Part, Table, event_key, item_key, slot, split_key, unusable
from .models import Aggregate, Catalog, Deadline, Duration, FigureValue, Measure, Record, Recurrence, Section, Unit
from .schedule import Period, Schedule

_INSTANT = timedelta(microseconds=1)

Verdict = Literal["met", "not_met", "unknown"]  # of a question's answer (models.Question.verdict)
State = Literal["open", "partial", "done", "na", "blocked", "awaiting", "lapsed", "upcoming", "inapplicable"]
# awaiting: done or a waiver that needs a second person's approval; lapsed: a waiver past its day;
# upcoming: an item of a subject that does not open yet (release after 14 days, say);
# inapplicable: its conditions on the unit's attributes do not hold (conditions.py)
STATES: tuple[State, ...] = (
    "done",
    "na",
    "partial",
    "blocked",
    "awaiting",
    "lapsed",
    "open",
    "upcoming",
    "inapplicable",
)
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
    part: str | None = None  # the unit's part it is kept for (a measure kept `per` a kind of part)
    since: datetime | None = None  # when that part was added: its periods and deadlines after start run from then
    # which occurrence of the event for the subject (1: the first), of how many it has had
    occurrence: int = 1
    occurrences: int = 1

    @property
    def id(self) -> str:
        return self.measure.id

    @property
    def slot(self) -> str | None:
        """Where the index keeps this item's records: its occurrence of the subject's event."""
        return None if self.subject is None else slot(self.subject, self.occurrence)

    @property
    def named_occurrence(self) -> int | None:
        """The occurrence a record (or a command) names: none while the subject has had one of
        its kind (a record as before occurrences, of format 4), else this item's."""
        return self.occurrence if self.subject is not None and self.occurrences > 1 else None


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
    ready: datetime | None = None  # an item that lasts a window: not done before its last day begins
    overdue: bool = False
    changed: bool = False  # attested against an earlier wording of the measure
    alerts: tuple[str, ...] = ()  # fields whose latest value crosses its alert threshold
    latest: dict[str, FigureValue] = field(default_factory=dict)  # latest value of each field
    totals: dict[str, float] = field(default_factory=dict)  # recurring: sums since the start
    today: dict[str, float] = field(default_factory=dict)  # recurring: sums of today's periods
    zeros: dict[str, int] = field(default_factory=dict)  # a headline's: periods in a row at 0, by field
    unacknowledged: int = 0  # alerts recorded on it (in any period) not acknowledged yet
    answer: tuple[str, ...] | None = None  # a question's answer, as recorded (of the current period)
    verdict: Verdict | None = None  # whether that answer is met (None: no question, or no answer)
    parts: list[ItemStatus] | None = None  # a measure kept per part: the items of its active parts, rolled up here
    inapplicable: tuple[tuple[str, str], ...] = ()  # the attributes (and values) its conditions do not hold on
    # timing: counted occurrences, standing rules, in force from/until
    counted: tuple[int, int] | None = None  # a counted period: attestations made in it, and needed
    reviewed: Entry | None = None  # a standing rule put in place: its latest review
    reviewed_period: str | None = None  # the review period of that review
    ends: datetime | None = None  # when the measure goes out of force (`in_force.until`)

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
    not_met: int = 0  # of the done items, questions answered with an answer that is not met ("no")
    unknown: int = 0  # of the done items, questions answered "unknown"

    @property
    def done(self) -> int:
        return self.counts["done"]

    @property
    def met(self) -> int:
        """Done items that count as compliance: all but the questions answered not met or unknown."""
        return self.done - self.not_met - self.unknown

    @property
    def applicable(self) -> int:
        return self.total - self.counts["na"] - self.counts["upcoming"] - self.counts["inapplicable"]

    @property
    def percent_done(self) -> float:
        """Done as a share of the items that apply now (waived, upcoming and inapplicable ones left out),
        whatever their answers (`percent_done` in JSON)."""
        return 100.0 * self.done / self.applicable if self.applicable else 100.0

    @property
    def percent(self) -> float:
        """Met as a share of the items that apply now (waived and upcoming ones are left out): a
        question answered "no" is recorded, not met, so a section of "no" is not 100 %."""
        return 100.0 * self.met / self.applicable if self.applicable else 100.0


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
class Archived:
    """The items of one measure kept for subjects settled for good (archive.py): counted, not listed."""

    item: Item
    done: int
    na: int
    changed: int  # of those, attested against an earlier wording of the measure


@dataclass(frozen=True)
class Unacknowledged:
    """An alert not acknowledged yet: the record of an item (of a period) whose figures crossed
    an alert (`fields`) and that no acknowledgement has covered since (logindex.LogIndex.alerts)."""

    item: Item
    period: str | None
    fields: tuple[str, ...]
    record: Record  # the record that raised it: its figures, when and by whom


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
    archived: list[Archived] = field(default_factory=list)  # items of subjects settled for good, by measure
    # the --unit a command printed for the user must name to reach this unit (None: a bare one does)
    command_unit: str | None = None
    archived_subjects: int = 0  # subjects whose every item is settled for good
    unacknowledged: list[Unacknowledged] = field(default_factory=list)  # alerts to acknowledge, oldest first
    parts: list[Part] = field(default_factory=list)  # the unit's parts (retired ones too), in the order added
    part_view: str | None = None  # the part whose items alone this status holds (`--part`), if any
    timeline: Timeline | None = None  # the unit's attributes over time (None: the catalog declares none)
    place: tuple[str, ...] = ()  # the bodies the unit reports to, from the top down (places.py; none: not placed)

    def by_subject(self, pending_only: bool = False) -> dict[str, list[ItemStatus]]:
        """The items kept per subject, grouped by occurrence of a subject's event (logindex.slot;
        only those with work left, if asked)."""
        grouped: dict[str, list[ItemStatus]] = {}
        for status in self.items:
            if status.item.slot is not None:  # each occurrence of a subject's event on its own
                grouped.setdefault(status.item.slot, []).append(status)
        if pending_only:
            grouped = {s: items for s, items in grouped.items() if any(i.state in PENDING for i in items)}
        return grouped

    @property
    def recurring(self) -> list[ItemStatus]:
        """The items of recurring measures, each with its current period, misses and streak
        (of a measure kept per part, each part's)."""
        return [s for s in self.actionable() if s.item.measure.cadence is not None and s.parts is None]

    def actionable(self) -> Iterator[ItemStatus]:
        """The items one records: of a measure kept per part, each part's instead of the
        roll-up (which has no record of its own), unless there is no part yet."""
        for status in self.items:
            if status.parts:
                yield from status.parts
            else:
                yield status

    def flat(self) -> Iterator[ItemStatus]:
        """Every item: the unit's, each followed by its parts' items."""
        for status in self.items:
            yield status
            if status.parts:
                yield from status.parts

    def part_tallies(self) -> dict[str, Tally]:
        """Unit parts: how each active part stands, over the items kept for it."""
        found: dict[str, list[ItemStatus]] = {}
        for status in self.items:
            for child in status.parts or ():
                found.setdefault(child.item.part or "", []).append(child)
        return {part: tally(children) for part, children in found.items()}

    @property
    def days(self) -> int:
        """Days since the unit started, counting the first as day 1."""
        zone = ZoneInfo(self.catalog.meta.timezone)
        return (self.now.astimezone(zone).date() - self.unit.started_at.astimezone(zone).date()).days + 1


def items_for(catalog: Catalog, kind: str) -> list[Item]:
    """The unit's checklist: the catalog's measures for its kind, numbered from 1 in catalog order."""
    return [Item(number, m) for number, m in enumerate(catalog.for_kind(kind), start=1)]


def expand(items: Sequence[Item], index: LogIndex, clock: Clock) -> list[Item]:
    """Items as they stand: a triggered measure becomes one item per subject of a live event
    (of a subject of the types it names, if it names some)."""
    live: dict[str, list[tuple[Happening, date]]] = {}
    for event in sorted((e for e in index.events.values() if e.action == "event"), key=_event_order):  # not archived
        live.setdefault(event.kind, []).append((event, clock.day(event.moment)))
    expanded: list[Item] = []
    for item in items:
        trigger = item.measure.trigger
        if trigger is None:
            expanded.append(item)
            continue
        for event, day in live.get(trigger.event, ()):
            if trigger.subject_types is None or trigger.serves(event.subject_type):
                count = index.occurrences(event.kind, event.subject)
                subject, occurrence = event.subject, event.number
                found = Item(item.number, item.measure, subject, event, day, occurrence=occurrence, occurrences=count)
                expanded.append(found)
    return expanded


def _event_order(event: Happening) -> tuple[float, str, int]:
    return (
        event.moment.timestamp(),
        event.subject,
        event.number,
    )  # floats: moments parsed with their own offsets compare slowly


class Span(NamedTuple):
    """A schedule's periods from the unit's start (`first`) to now (`last`), by number, and
    the one that holds now (None on a day a weekday measure is not due)."""

    schedule: Schedule
    name: str  # names the schedule and its numbering, for the tables that keep their rows' numbers
    first: int
    last: int
    current: int | None

    def numbers(self, first: int, last: int, backwards: bool = False) -> Iterator[int]:
        """The periods numbered from `first` to `last` (none if `last` is before `first`), in
        order or `backwards`."""
        numbers = range(last, first - 1, -1) if backwards else range(first, last + 1)
        if self.schedule.dense(first):
            return iter(numbers)
        valid = self.schedule.valid
        return (n for n in numbers if valid(n))

    def unsettled(self, first: int, last: int, settled: set[int]) -> list[int]:
        """The periods from `first` to `last` that are not in `settled`, in order."""
        if self.schedule.dense(first):
            return sorted(set(range(first, last + 1)).difference(settled))
        return [n for n in self.numbers(first, last) if n not in settled]

    def key(self, number: int) -> str:
        return self.schedule.period(number).key  # type: ignore[union-attr]

    def period(self, number: int | None) -> Period | None:
        return None if number is None else self.schedule.period(number)


class Clock:
    """Moments of the unit's days, in its time zone."""

    def __init__(self, zone: ZoneInfo, now: datetime) -> None:
        self.zone = zone
        self.now = now
        self.today = self.day(now)
        self._spans: dict[tuple[object, ...], Span] = {}
        self._midnights: dict[date, datetime] = {}

    def span(self, rec: Recurrence, anchor: datetime, until: datetime | None = None) -> Span:
        """The periods from `anchor` to now (to `until`, when a recurrence ends before now: no
        period holds then); measures on the same schedule share one."""
        key = (rec.every, rec.times, tuple(rec.on or ()), tuple(rec.at or ()), anchor, until)
        found = self._spans.get(key)
        if found is None:
            schedule = Schedule(rec, self.zone, anchor)
            name = f"{rec.every}/{rec.times}/{','.join(rec.on or ())}/{self.zone.key}/{anchor.isoformat()}"
            name += f"/at {','.join(rec.at)}" if rec.at else ""  # as before for the schedules that have no `at`
            end = self.now if until is None or self.now < until else until - _INSTANT
            first, last = schedule.first(anchor), schedule.last(end)
            current = schedule.number_at(self.now) if end is self.now else None
            found = self._spans[key] = Span(schedule, name, first, last, current)
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
    if action == "done" and measure.needs_approval and entry.approval_at is None:
        return "awaiting"
    return STATE_OF_ACTION.get(action, "open")


SETTLED: frozenset[State] = frozenset({"done", "na", "awaiting"})  # kept whatever the conditions now


def assess(item: Item, unit: Unit, index: LogIndex, clock: Clock, timeline: Timeline | None = None) -> ItemStatus:
    status = _assess(item, unit, index, clock, timeline)
    if item.measure.question is not None:
        _answered(status)
    return status


def _answered(status: ItemStatus) -> None:
    """A question's answer, read from the record that put the item in its state (one record
    per question item, read by its place in the log: nothing else of the log)."""
    question, entry = status.item.measure.question, status.entry
    if question is None or entry is None or entry.action != "done" or status.state not in ("done", "awaiting"):
        return
    answer = entry.last.answer
    if answer:
        status.answer = tuple(answer)
        status.verdict = question.verdict(answer)
        status.alerts += answer_alert(status.item.measure, answer)


def _assess(item: Item, unit: Unit, index: LogIndex, clock: Clock, timeline: Timeline | None) -> ItemStatus:
    measure = item.measure
    conditions = measure.conditions if timeline is not None else {}
    if measure.per is not None and item.part is None:
        parts = part_items(item, index, clock)
        return rolled_up(item, [assess(part, unit, index, clock, timeline) for part in parts])
    if measure.cadence is not None:
        return _recurring(item, measure.cadence, unit, index, clock, timeline)
    entry = index.entry(measure.id, item.slot, part=item.part)
    state = state_of(entry, measure, clock)
    since = None
    if conditions and timeline is not None:
        since = timeline.last_began(conditions)  # a deadline after the start counts from then
        if not timeline.holds(conditions) and state not in SETTLED:  # records made while it applied keep counting
            return ItemStatus(
                item,
                "inapplicable",
                entry,
                changed=_changed(entry, measure),
                alerts=_alerts(measure, entry, clock),
                latest=_values(measure, entry),
                inapplicable=tuple(timeline.failing(conditions)),
            )
    opens = _opens(item)  # a day: the item opens at its start
    if opens is not None and clock.today < opens and state in ("open", "lapsed"):
        state = "upcoming"
    due = _due(item, unit, clock, since)
    ready = _ready(item, clock)
    ends = in_force_end(measure, clock)
    out = ends is not None and clock.now >= ends and state in PENDING  # out of force, never done: lapsed
    return ItemStatus(
        item,
        "lapsed" if out else state,
        entry,
        due=due,
        opens=clock.start_of(opens) if opens else None,
        ready=clock.start_of(ready) if ready else None,
        overdue=due is not None and state in PENDING and clock.now >= due and not out,
        changed=_changed(entry, measure),
        alerts=_alerts(measure, entry, clock),
        latest=_values(measure, entry),
        ends=ends,
    )


def part_items(item: Item, index: LogIndex, clock: Clock) -> list[Item]:
    """Unit parts: the items of a measure kept per part (of a subject's, for a triggered one),
    one per part of its kind active now, in the order the parts were added."""
    per = item.measure.per
    parts = sorted((p for p in index.parts.values() if p.kind == per and p.active(clock.now)), key=_added_order)
    return [replace(item, part=p.id, since=p.added) for p in parts]


def _added_order(part: Part) -> tuple[float, str]:
    return (part.added.timestamp(), part.id)


# A roll-up's state while parts are pending, the first that any part is in (settled parts
# besides pending ones make it partial: work in progress).
_ROLLED: tuple[State, ...] = ("blocked", "lapsed")


def rolled_up(item: Item, parts: list[ItemStatus]) -> ItemStatus:
    """A measure kept per part, for the unit: met (done, or n/a if every part's is waived)
    when every active part's item is; open while the unit has no part of its kind yet."""
    states = {p.state for p in parts}
    pending = states & PENDING
    state: State
    if not parts:
        state = "open"
    elif not pending:
        settled = states - {"upcoming"}
        state = "upcoming" if "upcoming" in states and not settled else "done" if "done" in states else "na"
    else:
        state = next((s for s in _ROLLED if s in pending), "open")
        if state == "open" and (states & {"done", "na", "partial"}):
            state = "partial"
        elif state == "open" and pending == {"awaiting"}:
            state = "awaiting"
    dues = [p.due for p in parts if p.due is not None]
    opens = [p.opens for p in parts if p.opens is not None]
    return ItemStatus(
        item,
        state,
        None,
        period=next((p.period for p in parts if p.period is not None), None),
        due=min(dues) if dues else None,
        opens=min(opens) if opens else None,
        overdue=any(p.overdue for p in parts),
        changed=any(p.changed for p in parts),
        parts=parts,
    )


def in_force_end(measure: Measure, clock: Clock) -> datetime | None:
    """When a measure goes out of force: the end of `in_force.until` (None: it stays)."""
    until = measure.in_force.until if measure.in_force is not None else None
    return clock.end_of(until) if until is not None else None


def recurs_until(measure: Measure, unit: Unit, clock: Clock) -> datetime | None:
    """When a recurring measure stops recurring: a deadline on a recurring measure says until
    when it recurs ("daily until 29 February"), to the end of that day. None: it goes on."""
    if measure.cadence is None:
        return None
    ends = in_force_end(measure, clock)
    if measure.deadline is None or measure.standing is not None:  # a standing rule's deadline: put in place by
        return ends
    until = deadline_at(measure.deadline, unit, clock)
    return min(until, ends) if until is not None and ends is not None else until or ends


def deadline_at(
    deadline: Deadline, unit: Unit, clock: Clock, event: datetime | None = None, since: datetime | None = None
) -> datetime | None:
    """When a deadline falls: the end of its date, or a time after the unit's start (after
    `since`, when the item began to apply later: conditions.py) or after `event` (None: no
    event to count from)."""
    if deadline.date is not None:
        return clock.end_of(deadline.date)
    duration = deadline.duration
    if duration is None:
        return None
    start = (since or unit.started_at) if deadline.after == "start" else event
    if deadline.before is not None:
        return before(duration, event, clock) if event is not None else None
    return after(duration, start, clock) if start is not None else None


def before(duration: Duration, event: datetime, clock: Clock) -> datetime:
    """When a deadline `duration` before an event falls: exactly then for one with a time part
    (`PT2H` before 09:00: 07:00), at the end of the day reached for one in days, weeks or months
    (`P1D` before a transfer on the 10th: by the end of the 9th), never after the event."""
    local = event.astimezone(clock.zone)
    day = _add_months(local.date(), -duration.months) - _days(duration.days)
    if not duration.exact:
        return min(clock.end_of(day), event)
    wall = datetime.combine(day, local.time(), tzinfo=clock.zone)
    return (wall.astimezone(UTC) - timedelta(minutes=duration.minutes)).astimezone(clock.zone)


def after(duration: Duration, start: datetime, clock: Clock) -> datetime:
    """When a deadline `duration` after `start` falls: exactly then for one with a time part
    (`PT2H`), at the end of the day reached for one in days, weeks or months (`P3D`: by the end
    of the third day after). Months are calendar months (31 January + P1M: 29 February)."""
    local = start.astimezone(clock.zone)
    day = _add_months(local.date(), duration.months) + _days(duration.days)
    if not duration.exact:
        return clock.end_of(day)
    wall = datetime.combine(day, local.time(), tzinfo=clock.zone)
    return (wall.astimezone(UTC) + timedelta(minutes=duration.minutes)).astimezone(clock.zone)


def _add_months(day: date, months: int) -> date:
    if not months:
        return day
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window(
    measure: Measure, event: Happening | None, unit: Unit, clock: Clock, since: datetime | None = None
) -> tuple[datetime, datetime | None]:
    """When a recurring measure's periods run: from the unit's start (from its addition for
    a part added `since`), or for an item of a subject from its event (a daily report per
    person in quarantine starts on the day they came), until its deadline or the end of the
    window the trigger gives (None: on and on)."""
    unit = started(unit, since)
    until = recurs_until(measure, unit, clock)
    trigger = measure.trigger
    begins = measure.in_force.from_ if measure.in_force is not None else None
    if begins is not None and (trigger is None or event is None):  # in force from a day: its periods from then
        return max(unit.started_at, clock.start_of(begins)), until
    if trigger is None or event is None:
        return unit.started_at, until
    day = clock.day(event.moment)
    start = clock.start_of(day + _days(trigger.opens_after_days)) if trigger.opens_after_days else event.moment
    ends: list[datetime | None] = [until]
    if trigger.lasts_days:
        ends.append(clock.end_of(day + _days(trigger.lasts_days - 1)))
    if measure.deadline is not None and measure.deadline.after == "event":
        ends.append(deadline_at(measure.deadline, unit, clock, event.moment))
    return start, min((end for end in ends if end is not None), default=None)


def started(unit: Unit, since: datetime | None) -> Unit:
    """Unit parts: the unit as a part added `since` (after the unit's start) counts from, so
    that its periods and its deadlines after start run from its addition."""
    if since is None or since <= unit.started_at:
        return unit
    return unit.model_copy(update={"started_at": since})


def _recurring(  # noqa: PLR0917
    item: Item, rec: Recurrence, unit: Unit, index: LogIndex, clock: Clock, timeline: Timeline | None = None
) -> ItemStatus:
    measure = item.measure
    anchor, until = window(measure, item.event, unit, clock, item.since)
    waiver = index.entry(measure.id, item.slot, part=item.part)  # a waiver of the measure as a whole
    if clock.now < anchor:  # not in force yet (or a subject's item that does not open yet): no period is due
        ends = in_force_end(measure, clock)
        return ItemStatus(item, "upcoming", waiver, due=until, opens=anchor, ends=ends)
    span = clock.span(rec, anchor, until)
    current = span.period(span.current)
    if waiver is not None and (waived := state_of(waiver, measure, clock)) in ("na", "awaiting"):
        return ItemStatus(item, waived, waiver, period=current)
    key = item_key(measure.id, item.slot, item.part)
    zeros = [f.id for f in measure.fields] if measure.headline and item.subject is None and item.part is None else []
    asked = _asked(span, measure, clock, waiver, zeros, timeline)
    memo = index.memo(key, asked)
    if memo is None:  # something was added to the table since, or the question is another
        memo = _worked_out(index, key, span, measure, clock, waiver, zeros, timeline)
        index.remember(key, memo)
    entry, latest = index.memo_entry(memo.current), index.memo_entry(memo.latest)
    ended = until is not None and clock.now >= until
    off: tuple[tuple[str, str], ...] = ()
    if ended:  # every period is past: done if none was missed
        state: State = "open" if memo.missed else "done"
    else:
        state = state_of(entry, measure, clock) if current else "upcoming"
        off = _off(measure, timeline, current) if state not in SETTLED and state != "upcoming" else ()
        state = "inapplicable" if off else state
    counted = None
    if rec.count is not None and current is not None:  # met at the count: done until then is still open
        made = _made(index.table(measure.id, item.slot, item.part), current.key)
        counted = (made, rec.count)
        state = "open" if state == "done" and made < rec.count else state
    if measure.standing is not None:
        return _standing(
            item, span, ItemStatus(item, state, entry, period=current), unit=unit, index=index, clock=clock
        )
    return ItemStatus(
        item,
        state,
        entry,
        due=until,
        overdue=ended and bool(memo.missed),
        period=current,
        missed=tuple(map(span.key, memo.missed)),
        streak=memo.streak,
        counted=counted,
        ends=in_force_end(measure, clock),
        changed=_changed(entry, measure),
        alerts=_alerts(measure, latest, clock),
        latest=_values(measure, latest),
        totals=dict(memo.totals),
        today=dict(memo.today),
        zeros=dict(memo.zeros),
        inapplicable=off,
    )


def _off(measure: Measure, timeline: Timeline | None, current: Period | None) -> tuple[tuple[str, str], ...]:
    """The attributes that keep a recurring item's current period from counting (its
    conditions held at no moment of it), with their values now; none if it counts."""
    conditions = measure.conditions
    if timeline is None or not conditions or current is None or timeline.held(conditions, current.start, current.end):
        return ()
    return tuple(timeline.failing(conditions))


def _made(table: Table | None, period: str) -> int:
    """Attestations of a counted period (done since it was last reopened)."""
    row = table.rows.get(period) if table is not None else None
    return table.dones[row] if table is not None and row is not None else 0


def _standing(item: Item, span: Span, now: ItemStatus, *, unit: Unit, index: LogIndex, clock: Clock) -> ItemStatus:
    """A standing rule: open until first done, then in force (done) for good, its reviews due
    each period from the one it was put in place in. A review missed is counted; the rule is
    overdue while the last period that ended had none and the current one has none yet."""
    measure = item.measure
    table = index.table(measure.id, item.slot, item.part)
    rows = _rows(table, span)
    settled = sorted(_settled(table, rows, measure, clock)) if table is not None else []
    due = deadline_at(measure.deadline, unit, clock) if measure.deadline is not None else None
    ends = in_force_end(measure, clock)
    out = ends is not None and clock.now >= ends
    if not settled:  # never put in place
        state = "lapsed" if out and now.state in PENDING else now.state
        overdue = due is not None and state in PENDING and clock.now >= due and not out
        return ItemStatus(item, state, now.entry, period=now.period, due=due, overdue=overdue, ends=ends)
    last_ended = span.current - 1 if span.current is not None else span.last  # the last period that ended
    missed = span.unsettled(settled[0], last_ended, set(settled))
    state = now.state if now.entry is not None and now.state in PENDING else "done"
    lapsing = span.current is not None and span.current not in settled and last_ended in missed
    return ItemStatus(
        item,
        state,
        now.entry,
        period=now.period,
        due=due,
        overdue=lapsing and not out,
        missed=tuple(map(span.key, missed)),
        changed=_changed(now.entry, measure),
        reviewed=index.row_entry(table, rows[settled[-1]]) if table is not None else None,
        reviewed_period=span.key(settled[-1]),
        ends=ends,
    )


def _asked(  # noqa: PLR0917
    span: Span, measure: Measure, clock: Clock, waiver: Entry | None, zeros: list[str], timeline: Timeline | None = None
) -> str:
    """Everything besides the table that what `_worked_out` finds depends on, as one text."""
    until = waiver.until.isoformat() if waiver is not None and waiver.until is not None else None
    waived = [waiver.at, waiver.action, until, waiver.approval_at] if waiver is not None else None
    rules: list[object] = [measure.needs_approval, measure.priority == "critical"]
    if measure.cadence is not None and measure.cadence.count is not None:  # as before for the measures without
        rules.append(measure.cadence.count)
    # How each figure adds up: a memo saved before fields said so (one element fewer) is never
    # taken for one that follows them, nor one worked out under another catalog's aggregates.
    aggregates = list(measure.aggregations.items())
    asked = [span.name, span.first, span.last, span.current, clock.today.isoformat(), rules, waived, zeros, aggregates]
    computed = [[f.id, f.compute] for f in measure.fields if f.compute is not None]
    if computed:  # only then: a memo saved before computed fields existed still answers for a measure without
        asked.append(computed)
    if measure.conditions and timeline is not None:  # when it applied, as far as now: which periods count
        asked.append(timeline.said(measure.conditions))
    return json.dumps(asked, separators=(",", ":"))


def memo_holds(saved: LogIndex, fresh: LogIndex, key: str, unit: Unit, catalog: Catalog) -> bool | None:
    """Whether the memo `saved` keeps at `key` says what `fresh` (a fold of the same log)
    works out for the question it answers, asked again at a moment of the same period; None if
    it cannot be asked again (a measure that no longer recurs, a waiver given since)."""
    memo = saved.memos[key]
    item, subject, part = split_key(key)
    found = fresh.parts.get(part) if part is not None else None
    since = found.added if found is not None else None
    measure = next((m for m in catalog.measures if m.id == item), None)
    try:
        asked = json.loads(memo.asked)
        current, today = asked[3], date.fromisoformat(asked[4])
    except (ValueError, TypeError, IndexError):
        return False  # no release writes such a memo
    if measure is None or measure.cadence is None:
        return None
    zone = ZoneInfo(catalog.meta.timezone)
    midnight = datetime.combine(today, time(0), tzinfo=zone)
    event = fresh.events.get(event_key(measure.trigger.event, subject)) if measure.trigger and subject else None
    anchor = window(measure, event, unit, Clock(zone, midnight), since)[0]  # the anchor does not depend on the moment
    period = Schedule(measure.cadence, zone, anchor).period(current) if current is not None else None
    clock = Clock(zone, max(period.start, midnight) if period is not None else midnight)
    span = clock.span(measure.cadence, *window(measure, event, unit, clock, since))
    waiver = fresh.entry(item, subject or None, part=part)
    zeros = [f.id for f in measure.fields] if measure.headline and not subject and part is None else []
    timeline = Timeline(catalog, unit.started_at, fresh.attribute_changes, clock.now) if measure.conditions else None
    if _asked(span, measure, clock, waiver, zeros, timeline) != memo.asked:
        return None
    again = _worked_out(fresh, key, span, measure, clock, waiver, zeros, timeline)
    same = (memo.missed, memo.streak, memo.totals, memo.today, memo.zeros) == (
        again.missed,
        again.streak,
        again.totals,
        again.today,
        again.zeros,
    )
    return same and all(
        (None if mine is None else mine.place()) == (None if theirs is None else theirs.place())
        for mine, theirs in (
            (saved.memo_entry(memo.current), fresh.memo_entry(again.current)),
            (saved.memo_entry(memo.latest), fresh.memo_entry(again.latest)),
        )
    )


def _worked_out(  # noqa: PLR0917
    index: LogIndex,
    key: str,
    span: Span,
    measure: Measure,
    clock: Clock,
    waiver: Entry | None,
    zeros: list[str],
    timeline: Timeline | None = None,
) -> Memo:
    """What status says of a recurring item, from every row of its table: the periods missed,
    the run of those settled, its figures today and since the start (as each field's aggregate
    says), and its current and latest entries. With conditions, a period counts (can be
    missed, or break a run) only if they held at some moment of it."""
    table = index.tables.get(key)
    rows = _rows(table, span)
    settled = _settled(table, rows, measure, clock) if table is not None else set()
    if waiver is not None and waiver.action == "na" and waiver.until is not None:
        waived_to = waiver.until  # a lapsed waiver still covers the days it was given for
        settled |= {n for n in span.numbers(span.first, span.last) if span.schedule.day(n) <= waived_to}
    before = span.current - 1 if span.current is not None else span.last
    counts = _counting(span, measure, timeline)
    streak = 0
    for number in span.numbers(span.first, span.last, backwards=True):
        if number in settled:
            streak += 1
        elif (span.current is None or number != span.current) and counts(number):
            break
    row = rows.get(span.current) if span.current is not None else None
    columns = _columns(table, measure) if table is not None else {}
    missed = span.unsettled(span.first, before, settled)
    return Memo(
        asked=_asked(span, measure, clock, waiver, zeros, timeline),
        missed=missed if timeline is None or not measure.conditions else [n for n in missed if counts(n)],
        streak=streak,
        totals=_aggregated(table, columns, rows, measure.aggregations) if table else {},
        today=_aggregated(table, columns, {n: rows[n] for n in _today(span, clock) if n in rows}, measure.aggregations)
        if table
        else {},
        current=index.saved_entry(table, row),
        latest=index.saved_entry(table, _latest_with_figures(table, rows) if table is not None else None),
        zeros={field: _days_at_zero(table, rows, span, field) for field in zeros} if table else dict.fromkeys(zeros, 0),
    )


def _counting(span: Span, measure: Measure, timeline: Timeline | None) -> Callable[[int], bool]:
    """Whether a period (by number) counts: always, or while the measure's conditions held in it."""
    conditions = measure.conditions
    if timeline is None or not conditions:
        return lambda number: True

    def counts(number: int) -> bool:
        period = span.schedule.period(number)
        return period is not None and timeline.held(conditions, period.start, period.end)

    return counts


def _rows(table: Table | None, span: Span) -> dict[int, int]:
    """The table's rows of the span's periods, by period number."""
    if table is None:
        return {}
    first, last = span.first, span.last
    rows = table.number_rows(span.name, span.schedule.number_of)
    if not rows or (first <= min(rows) and max(rows) <= last):
        return rows  # the common case: every period attested is one of the span's (not to be changed)
    return {n: row for n, row in rows.items() if first <= n <= last}


def _settled(table: Table, rows: dict[int, int], measure: Measure, clock: Clock) -> set[int]:
    """The periods (of `rows`) done or waived, not awaiting approval: state_of each row, read
    from the columns at once (a ten-year daily measure has 3,650 rows)."""
    actions, untils, approvals, today = table.actions, table.untils, table.approvals, clock.today
    done_needs, na_needs = measure.needs_approval, measure.priority == "critical"
    count, dones = (measure.cadence.count if measure.cadence else None) or 1, table.dones  # counted: met at the count
    found = set()
    for number, row in rows.items():
        action = actions[row]
        if action == "done":
            if (not done_needs or approvals[row] is not None) and dones[row] >= count:
                found.add(number)
        elif action == "na":
            until = untils[row]
            if (until is None or today <= until) and (not na_needs or approvals[row] is not None):
                found.add(number)
    return found


def _latest_with_figures(table: Table, rows: dict[int, int]) -> int | None:
    """The row of the latest period whose attestation gave figures."""
    if not table.figures:
        return None
    columns = list(table.figures.values())
    for number in sorted(rows, reverse=True):
        row = rows[number]
        if any(values[row] is not None for values in columns):
            return row
    return None


def _today(span: Span, clock: Clock) -> list[int]:
    """The periods of today: the last few of the span, latest first."""
    today = clock.day(clock.now)
    found = []
    for number in span.numbers(span.first, span.last, backwards=True):
        if span.schedule.day(number) != today:
            break
        found.append(number)
    return found


def _columns(table: Table, measure: Measure) -> dict[str, list[FigureValue | None]]:
    """The table's figures by field, a computed field's worked out row by row (only for a
    measure that has one: the others' columns are the table's own)."""
    if not measure.computations or not table.figures:
        return table.figures
    columns = dict(table.figures)
    worked = [complete(measure, table.figures_of(row)) for row in range(len(table.keys))]
    for field_id, _ in measure.computations:
        columns[field_id] = [values.get(field_id) for values in worked]
    return columns


def _aggregated(
    table: Table, columns: dict[str, list[FigureValue | None]], rows: dict[int, int], how: dict[str, Aggregate]
) -> dict[str, float]:
    """Each number field's figures done in these rows (by period number: the latest attestation
    of each period, so a corrected report counts once, as corrected) as its aggregate says:
    their sum, least, greatest or mean over the periods that reported it, or the latest such
    period's value. A field whose aggregate is none, or that the measure no longer has, is left
    out. `columns` are the table's figures, computed fields' worked out too (see _columns)."""
    found: dict[str, float] = {}
    if not columns or not how:
        return found
    actions = table.actions
    done = sorted(row for row in rows.values() if actions[row] == "done")  # in the order first attested
    newest: list[int] | None = None  # the rows done, the latest period first
    for name, values in columns.items():
        aggregate = how.get(name)
        if aggregate is None or aggregate == "none":
            continue
        if aggregate == "latest":
            if newest is None:
                newest = [row for number in sorted(rows, reverse=True) if actions[row := rows[number]] == "done"]
            value = next((v for v in map(values.__getitem__, newest) if type(v) is int or type(v) is float), None)
            if value is not None:
                found[name] = value
            continue
        numbers: list[float] = [v for v in map(values.__getitem__, done) if type(v) is int or type(v) is float]
        if not numbers:
            continue
        if aggregate == "min":
            found[name] = min(numbers)
        elif aggregate == "max":
            found[name] = max(numbers)
        else:  # one by one, in the order first attested: sums as ever, to the bit
            total = functools.reduce(operator.add, numbers, 0)
            found[name] = total if aggregate == "sum" else total / len(numbers)
    return found


def _changed(entry: Entry | None, measure: Measure) -> bool:
    return entry is not None and entry.wording is not None and not measure.worded_as(entry.wording)


def _alerts(measure: Measure, entry: Entry | None, clock: Clock) -> tuple[str, ...]:
    if entry is None or not entry.figures or not measure.watched:
        return ()
    return alerted(measure, entry.figures, clock.zone)


def _values(measure: Measure, entry: Entry | None) -> dict[str, FigureValue]:
    """The latest figures, with the measure's computed values worked out from them."""
    if entry is None:
        return {}
    return complete(measure, entry.figures) if measure.computations else dict(entry.figures)


def _opens(item: Item) -> date | None:
    trigger, day = item.measure.trigger, item.day
    begins = item.measure.in_force.from_ if item.measure.in_force is not None else None  # in force from that day
    if trigger is None or day is None or not trigger.opens_after_days:
        return begins
    opens = day + _days(trigger.opens_after_days)
    return max(opens, begins) if begins is not None else opens


def _ready(item: Item, clock: Clock) -> date | None:
    """The last day of the window an item lasts, while it is still to come (a 14-day stay is
    done on its 14th day, not before); None once it has come, or for an item with no window."""
    trigger, day = item.measure.trigger, item.day
    if trigger is None or day is None or not trigger.lasts_days:
        return None
    last = day + _days(trigger.lasts_days - 1)
    return last if clock.today < last else None


def _due(item: Item, unit: Unit, clock: Clock, since: datetime | None = None) -> datetime | None:
    """When an item is due: the end of a deadline's day, or the moment a deadline in hours
    falls (after the start: after `since`, when its conditions began to hold, if later), or
    the end of the last day of the window it lasts."""
    deadline, trigger = item.measure.deadline, item.measure.trigger
    if deadline is not None:
        event = item.event.moment if item.event else clock.start_of(item.day) if item.day else None
        later = since if since is not None and since > unit.started_at else None
        return deadline_at(deadline, started(unit, item.since), clock, event, later)
    if trigger is not None and trigger.lasts_days and item.day is not None:
        return clock.end_of(item.day + _days(trigger.lasts_days - 1))
    return None


@functools.cache
def _days(count: int) -> timedelta:
    return timedelta(days=count)


def tally(statuses: Iterable[ItemStatus]) -> Tally:
    counts: Counter[State] = Counter(dict.fromkeys(STATES, 0))
    total = not_met = unknown = 0
    for status in statuses:
        counts[status.state] += 1
        total += 1
        if status.verdict is not None and status.state == "done":
            not_met += status.verdict == "not_met"
            unknown += status.verdict == "unknown"
    return Tally(counts, total, not_met, unknown)


def headlines(statuses: Sequence[ItemStatus], unit: Unit, index: LogIndex, clock: Clock) -> list[Headline]:
    found = []
    for status in statuses:
        measure = status.item.measure
        if not measure.headline or status.item.subject is not None or measure.per is not None:
            continue
        values: dict[str, FigureValue | None] = {f.id: status.latest.get(f.id) for f in measure.fields}
        zeros = {f.id: status.zeros.get(f.id, 0) for f in measure.fields}
        if measure.recurrence is not None and not status.zeros and (table := index.table(measure.id)) is not None:
            until = recurs_until(measure, unit, clock)
            span = clock.span(measure.recurrence, unit.started_at, until)  # waived as a whole: not worked out
            rows = table.number_rows(span.name, span.schedule.number_of)
            zeros = {f.id: _days_at_zero(table, rows, span, f.id) for f in measure.fields}
        found.append(Headline(status, status.state == "done", values, zeros))
    return found


def _days_at_zero(table: Table, rows: dict[int, int], span: Span, field_id: str) -> int:
    """Reported periods in a row, back from the latest report, whose value was 0 (a nil report counts)."""
    run, started = 0, False
    values, actions = table.figures.get(field_id), table.actions
    for number in span.numbers(span.first, span.last, backwards=True):
        row = rows.get(number)
        value = values[row] if values is not None and row is not None and actions[row] == "done" else None
        if value is None:
            if started:
                break
            continue  # today's report may not be in yet
        started = True
        if value != 0:
            break
        run += 1
    return run


def archived(items: Sequence[Item], index: LogIndex) -> list[Archived]:
    """The items of subjects settled for good, by measure (in the checklist's order)."""
    tally = index.archived.tally
    found = []
    for item in items:
        counts = tally.get(item.id)
        if item.measure.trigger is not None and counts and (counts["done"] or counts["na"]):
            found.append(Archived(item, counts["done"], counts["na"], counts["changed"]))
    return found


def tally_with(statuses: Iterable[ItemStatus], kept: Iterable[Archived]) -> Tally:
    counted = tally(statuses)
    for group in kept:
        counted.counts["done"] += group.done
        counted.counts["na"] += group.na
    total = counted.total + sum(group.done + group.na for group in kept)
    return Tally(counted.counts, total, counted.not_met, counted.unknown)  # no question is archived


def _sections(catalog: Catalog, statuses: list[ItemStatus], kept: list[Archived]) -> list[SectionStatus]:
    by_section: dict[str, list[ItemStatus]] = {}
    for status in statuses:
        by_section.setdefault(status.item.measure.section, []).append(status)
    found = []
    for section in catalog.meta.sections:
        members, archived_here = (
            by_section.get(section.id, []),
            [k for k in kept if k.item.measure.section == section.id],
        )
        if members or archived_here:
            found.append(SectionStatus(section, members, tally_with(members, archived_here)))
    return found


def unit_status(unit: Unit, catalog: Catalog, index: LogIndex, now: datetime) -> UnitStatus:
    clock = Clock(ZoneInfo(catalog.meta.timezone), now)
    checklist = items_for(catalog, unit.kind)
    changes = index.attribute_changes
    timeline = Timeline(catalog, unit.started_at, changes, now, index.record_at) if catalog.meta.attributes else None
    statuses = [assess(item, unit, index, clock, timeline) for item in expand(checklist, index, clock)]
    kept = archived(checklist, index)
    critical = [s for s in statuses if s.state in PENDING and s.item.measure.priority == "critical"]
    known = {m.id for m in catalog.measures}
    return UnitStatus(
        unit=unit,
        catalog=catalog,
        now=now,
        items=statuses,
        sections=_sections(catalog, statuses, kept),
        tally=tally_with(statuses, kept),
        critical_open=critical,
        overdue=[s for s in statuses if s.overdue],
        headlines=headlines(statuses, unit, index, clock),
        last_record=index.last,
        orphans={item: count for item, count in index.records_of.items() if item not in known},
        replayed=index.replayed,
        unusable=[why for at in index.unusable if (why := unusable(index.record_at(at))) is not None],
        archived=kept,
        archived_subjects=sum(index.archived.sizes.values()),
        unacknowledged=unacknowledged(index, statuses),
        parts=sorted(index.parts.values(), key=_added_order),
        timeline=timeline,
        place=index.place,
    )


def _flat(statuses: Sequence[ItemStatus]) -> Iterator[ItemStatus]:
    for status in statuses:
        yield status
        yield from status.parts or ()


def unacknowledged(index: LogIndex, statuses: Sequence[ItemStatus]) -> list[Unacknowledged]:
    """The alerts not acknowledged yet of the items on the checklist, oldest first, each item
    counting its own (ItemStatus.unacknowledged). The index keeps them (a few, however long the
    log), so nothing but their records is read; those of a measure no longer in the catalog, or
    of a subject whose event was withdrawn, have no item left to acknowledge and are not shown."""
    if not index.alerts:
        return []
    by_key = {item_key(s.item.id, s.item.slot, s.item.part): s for s in _flat(statuses)}
    found: list[tuple[int, Unacknowledged]] = []
    for key, periods in index.alerts.items():
        status = by_key.get(key)
        if status is None:
            continue
        status.unacknowledged = len(periods)
        for period, (at, fields) in periods.items():
            found.append((at, Unacknowledged(status.item, period or None, fields, index.record_at(at))))
    found.sort(key=operator.itemgetter(0))
    return [alert for _, alert in found]


def owned_by(status: UnitStatus, roles: Collection[str]) -> UnitStatus:
    """The unit's status kept to the items whose measure one of `roles` owns (`owner`): its
    sections, totals, critical and overdue items, headlines and alerts counted over those only."""
    mine = [s for s in status.items if s.item.measure.owner in roles]
    kept = [a for a in status.archived if a.item.measure.owner in roles]
    return dataclasses.replace(
        status,
        items=mine,
        sections=_sections(status.catalog, mine, kept),
        tally=tally_with(mine, kept),
        critical_open=[s for s in status.critical_open if s.item.measure.owner in roles],
        overdue=[s for s in status.overdue if s.item.measure.owner in roles],
        headlines=[h for h in status.headlines if h.item.item.measure.owner in roles],
        archived=kept,
        unacknowledged=[a for a in status.unacknowledged if a.item.measure.owner in roles],
    )


def owner_tallies(status: UnitStatus) -> list[tuple[str, Tally, int]]:
    """The items each role of the catalog owns, counted (with how many are overdue), in the head's order."""
    found = []
    for role in status.catalog.meta.roles:
        mine = [s for s in status.items if s.item.measure.owner == role.id]
        kept = [a for a in status.archived if a.item.measure.owner == role.id]
        if mine or kept:
            found.append((role.id, tally_with(mine, kept), sum(1 for s in mine if s.overdue)))
    return found
