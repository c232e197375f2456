"""When a recurring measure is due: its periods (occurrences), computed in the unit's time zone.

Each period has a stable key: `2020-01-27` for a day (or a chosen weekday, or the first day of
a run of N days, or of a month: `2020-02-01`), `2020-W05` for an ISO week, `2020-01-27T08:00`
for a part of a day (`times: 3`, or every 8 hours). Runs of N days count from the unit's
first day. Parts of a day
follow the wall clock: a shift that starts at 08:00 starts at 08:00 on the day clocks change
too (that day's shifts are an hour shorter or longer). Periods of a number of hours that does
not divide a day run in real time from the first day's midnight.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .models import Recurrence

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(\d+)h$")
_DAYS = re.compile(r"^(\d+)d$")
MAX_PERIODS = 200_000  # a guard: 20 years of hourly periods
_DAY = timedelta(days=1)


class Period(NamedTuple):
    """A period from `start` (included) to `end` (excluded), both in UTC, and its key.

    A tuple, not a dataclass: a year of an 8-hourly measure is a thousand of them, and
    datetimes that share the UTC tzinfo object compare without asking either for its offset."""

    start: datetime
    end: datetime
    key: str

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def _period(begin: datetime, end: datetime, key: str) -> Period:
    # UTC throughout: aware datetimes that share a zone compare by wall time, which is wrong
    # around a change of the clocks.
    return Period(begin.astimezone(UTC), end.astimezone(UTC), key)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _slot_minutes(rec: Recurrence) -> int | None:
    """Minutes per part of a day, when the recurrence divides days by the wall clock."""
    if rec.every == "day" and rec.times and rec.times > 1:
        return 24 * 60 // rec.times
    match = _HOURS.match(rec.every or "")
    if match and 24 % int(match.group(1)) == 0 and int(match.group(1)) < 24:
        return int(match.group(1)) * 60
    return None


def periods(rec: Recurrence, zone: ZoneInfo, since: datetime, until: datetime, anchor: datetime) -> Iterator[Period]:
    """The periods that overlap [since, until], in order. `anchor` is the unit's start: periods
    of hours that do not divide a day count from its first midnight, whatever `since` is."""
    if until < since:
        return
    count = 0
    start = min(since, anchor) if _real_hours(rec) is not None else since
    since, until = since.astimezone(UTC), until.astimezone(UTC)  # compared with UTC starts: the fast path
    for period in _all_from(rec, zone, start, anchor):
        if period.start > until:
            return
        if period.end > since:
            count += 1
            if count > MAX_PERIODS:
                return
            yield period


def period_at(rec: Recurrence, zone: ZoneInfo, moment: datetime, anchor: datetime) -> Period | None:
    """The period that contains `moment`, or None (a day a weekday measure is not due).
    `anchor` is the unit's start: real-time periods count from its first midnight."""
    since = min(moment, anchor) if _real_hours(rec) is not None else moment
    moment = moment.astimezone(UTC)
    for period in _all_from(rec, zone, since, anchor):
        if period.contains(moment):
            return period
        if period.start > moment:
            return None
    return None  # pragma: no cover - the generators never end


def _real_hours(rec: Recurrence) -> int | None:
    match = _HOURS.match(rec.every or "")
    if match and _slot_minutes(rec) is None:
        return int(match.group(1))
    return None


def _step_days(rec: Recurrence) -> int | None:
    match = _DAYS.match(rec.every or "")
    return int(match.group(1)) if match else None


def _all_from(rec: Recurrence, zone: ZoneInfo, since: datetime, anchor: datetime) -> Iterator[Period]:
    first_day = since.astimezone(zone).date()
    if rec.at is not None:  # the night before the day's first time is the day before's last round
        yield from _fixed_times(rec.minutes, zone, first_day - _DAY)
    elif rec.on is not None:
        yield from _weekdays(rec.on, zone, first_day)
    elif rec.every == "week":
        yield from _weeks(zone, first_day)
    elif rec.every == "month":
        yield from _months(zone, first_day)
    elif (step := _step_days(rec)) is not None:
        origin = anchor.astimezone(zone).date().toordinal()
        first = origin + (first_day.toordinal() - origin) // step * step  # the run that holds first_day
        yield from _runs(step, zone, date.fromordinal(first))
    elif (minutes := _slot_minutes(rec)) is not None:
        yield from _day_parts(minutes, zone, first_day)
    elif (hours := _real_hours(rec)) is not None:
        yield from _real_time(hours, zone, _midnight(first_day, zone))
    else:
        yield from _days(zone, first_day)


def _days(zone: ZoneInfo, day: date) -> Iterator[Period]:
    start = _midnight(day, zone).astimezone(UTC)
    while True:
        following = day + _DAY
        end = _midnight(following, zone).astimezone(UTC)
        yield Period(start, end, day.isoformat())
        day, start = following, end


def _weekdays(on: Sequence[str], zone: ZoneInfo, day: date) -> Iterator[Period]:
    wanted = {WEEKDAYS.index(d) for d in on}
    while True:
        if day.weekday() in wanted:
            yield _period(_midnight(day, zone), _midnight(day + timedelta(days=1), zone), day.isoformat())
        day += timedelta(days=1)


def _weeks(zone: ZoneInfo, day: date) -> Iterator[Period]:
    monday = day - timedelta(days=day.weekday())
    while True:
        year, week, _ = monday.isocalendar()
        following = monday + timedelta(days=7)
        yield _period(_midnight(monday, zone), _midnight(following, zone), f"{year}-W{week:02d}")
        monday = following


def _months(zone: ZoneInfo, day: date) -> Iterator[Period]:
    first = day.replace(day=1)
    while True:
        following = _next_month(first)
        yield _period(_midnight(first, zone), _midnight(following, zone), first.isoformat())
        first = following


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _runs(step: int, zone: ZoneInfo, day: date) -> Iterator[Period]:
    length = timedelta(days=step)
    while True:
        following = day + length
        yield _period(_midnight(day, zone), _midnight(following, zone), day.isoformat())
        day = following


def _day_parts(minutes: int, zone: ZoneInfo, day: date) -> Iterator[Period]:
    walls = [(time(m // 60, m % 60), f"T{m // 60:02d}:{m % 60:02d}") for m in range(0, 24 * 60, minutes)]
    midnight = _midnight(day, zone).astimezone(UTC)
    while True:
        starts = [midnight] + [datetime.combine(day, wall, tzinfo=zone).astimezone(UTC) for wall, _ in walls[1:]]
        name, day = day.isoformat(), day + _DAY
        midnight = _midnight(day, zone).astimezone(UTC)
        for (begin, end), (_, suffix) in zip(itertools.pairwise([*starts, midnight]), walls, strict=True):
            if begin < end:  # 02:00 does not exist on the day clocks go forward
                yield Period(begin, end, name + suffix)


def _fixed_times(minutes: Sequence[int], zone: ZoneInfo, day: date) -> Iterator[Period]:
    while True:
        starts = _round_starts(minutes, zone, day)
        for slot, (begin, end) in enumerate(itertools.pairwise(starts)):
            if begin < end:
                yield Period(begin, end, _round_key(day, minutes[slot]))
        day += _DAY


def _round_starts(minutes: Sequence[int], zone: ZoneInfo, day: date) -> list[datetime]:
    """When each of a day's fixed times falls (UTC), and then the next day's first. A time
    the clocks skip that night (02:30 when they go from 02:00 to 03:00) falls as the clock
    reads it moved on (03:30); a round whose time then falls at or after a later one is left
    out, as each starts no later than the ones after it (so no moment is in two rounds)."""
    walls = [datetime.combine(d, time(m // 60, m % 60), tzinfo=zone) for d in (day, day + _DAY) for m in minutes]
    starts = [wall.astimezone(UTC) for wall in walls]  # the next day's all, as it reckons its first
    for slot in range(len(starts) - 2, -1, -1):
        starts[slot] = min(starts[slot], starts[slot + 1])
    return starts[: len(minutes) + 1]


def _round_key(day: date, minute: int) -> str:
    return f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}"


def _real_time(hours: int, zone: ZoneInfo, anchor: datetime) -> Iterator[Period]:
    step = timedelta(hours=hours)
    start = anchor.astimezone(UTC)
    while True:
        end = start + step
        yield _period(start, end, _minute_key(start.astimezone(zone)))
        start = end


def _minute_key(moment: datetime) -> str:
    """'2020-01-27T08:00', by the wall clock of `moment` (isoformat is much faster than strftime)."""
    return moment.replace(tzinfo=None).isoformat(timespec="minutes")


class Schedule:
    """A recurrence's periods in a zone, numbered, so that any one of them — the period of a
    moment, of a key, the n-th — is found without walking those in between: a unit ten years
    old has 3,650 days and 11,000 shifts of 8 hours behind it, and status must not pay for
    them one by one. Numbers grow with time: a day's is its proleptic ordinal, a week's its
    Monday's divided by 7, a part of a day's its day's times the parts per day plus its
    place, a real-time period's its count from the first midnight of `anchor` (the unit's
    start). Not every number is a period: a day a weekday measure is not due, or a part of
    a day whose wall time the clocks skip (`period` is None). The periods are exactly those
    of `periods` and `period_at`, which tests hold them to."""

    def __init__(self, rec: Recurrence, zone: ZoneInfo, anchor: datetime) -> None:
        self.zone = zone
        self._at = rec.minutes if rec.at is not None else None  # fixed times of day, in minutes
        self._wanted = frozenset(WEEKDAYS.index(d) for d in rec.on) if rec.on is not None else None
        self._minutes = _slot_minutes(rec) if rec.on is None else None
        self._hours = _real_hours(rec) if rec.on is None else None
        self._weeks = rec.on is None and rec.every == "week"
        self._months = rec.on is None and rec.every == "month"
        self._run = _step_days(rec) if rec.on is None else None  # days in a run, counted from the anchor's day
        self._first_day = anchor.astimezone(zone).date().toordinal()
        if self._minutes is not None:
            self._walls = [time(m // 60, m % 60) for m in range(0, 24 * 60, self._minutes)]
            self._suffixes = [f"T{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, self._minutes)]
        self._step = timedelta(hours=self._hours or 1)
        self._origin = _midnight(anchor.astimezone(zone).date(), zone).astimezone(UTC)
        self._fixed: bool | None = None  # whether the zone keeps one offset (parts of days then all exist)

    def period(self, number: int) -> Period | None:  # noqa: PLR0911 - one return per kind of schedule
        """Period `number`, or None if that number is not a period."""
        if self._at is not None:
            return self._round(number)
        if self._hours is not None:
            start = self._origin + number * self._step
            return Period(start, start + self._step, _minute_key(start.astimezone(self.zone)))
        if self._minutes is not None:
            return self._part(number)
        if self._weeks:
            monday = date.fromordinal(7 * number + 1)
            year, week, _ = monday.isocalendar()
            return _period(_midnight(monday, self.zone), _midnight(monday + 7 * _DAY, self.zone), f"{year}-W{week:02d}")
        if self._months or self._run is not None:
            first = self.day(number)
            following = _next_month(first) if self._months else first + timedelta(days=self._run or 1)
            return _period(_midnight(first, self.zone), _midnight(following, self.zone), first.isoformat())
        if self._wanted is not None and (number - 1) % 7 not in self._wanted:
            return None
        day = date.fromordinal(number)
        return Period(
            _midnight(day, self.zone).astimezone(UTC), _midnight(day + _DAY, self.zone).astimezone(UTC), day.isoformat()
        )

    def _part(self, number: int) -> Period | None:
        slots = len(self._walls)
        day, slot = date.fromordinal(number // slots), number % slots
        begin = datetime.combine(day, self._walls[slot], tzinfo=self.zone).astimezone(UTC)
        if slot + 1 < slots:
            end = datetime.combine(day, self._walls[slot + 1], tzinfo=self.zone).astimezone(UTC)
        else:
            end = _midnight(day + _DAY, self.zone).astimezone(UTC)
        return Period(begin, end, day.isoformat() + self._suffixes[slot]) if begin < end else None

    def _round(self, number: int) -> Period | None:
        at = self._at or [0]
        day, slot = date.fromordinal(number // len(at)), number % len(at)
        starts = _round_starts(at, self.zone, day)
        begin, end = starts[slot], starts[slot + 1]
        return Period(begin, end, _round_key(day, at[slot])) if begin < end else None

    def dense(self, number: int) -> bool:
        """Whether every number (near `number`) is a period: none is left out."""
        if self._wanted is not None:
            return False
        if self._at is not None:
            return self._fixed_zone(number // len(self._at))
        return self._minutes is None or self._fixed_zone(number // len(self._walls))

    def valid(self, number: int) -> bool:
        """Whether `number` is a period (cheaply, for the common cases)."""
        if self._wanted is not None:
            return (number - 1) % 7 in self._wanted
        if self._at is not None:
            return self.dense(number) or self._round(number) is not None
        if self._minutes is not None and not self._fixed_zone(number // len(self._walls)):
            return self._part(number) is not None
        return True

    def _fixed_zone(self, day: int) -> bool:  # day: the ordinal of a day near the periods asked about
        if self._fixed is None:
            year = date.fromordinal(max(1, day)).year
            offsets = {
                self.zone.utcoffset(datetime(y, m, 1)) for y in range(year - 20, year + 21) for m in (1, 4, 7, 10)
            }
            self._fixed = len(offsets) == 1
        return self._fixed

    def number_at(self, moment: datetime) -> int | None:
        """The number of the period that holds `moment` (None: a day a weekday measure is not due)."""
        if self._hours is not None:
            return (moment - self._origin) // self._step
        local = moment.astimezone(self.zone)
        day = local.date()
        if self._at is not None:
            return self._round_at(moment, local)
        if self._minutes is not None:
            guess = day.toordinal() * len(self._walls) + (local.hour * 60 + local.minute) // self._minutes
            for number in (guess, guess - 1, guess + 1, guess - 2, guess + 2):  # clocks that change move it by one
                found = self._part(number)
                if found is not None and found.contains(moment):
                    return number
            return None  # pragma: no cover - every moment is in a part of its day
        if self._weeks:
            return (day.toordinal() - day.weekday() - 1) // 7
        return self._day_number(day)

    def _round_at(self, moment: datetime, local: datetime) -> int | None:
        at = self._at or [0]
        slot = sum(1 for m in at if m <= local.hour * 60 + local.minute) - 1  # -1: the night before the first
        guess = local.date().toordinal() * len(at) + slot
        # Clocks that change move it: by one round, or by all of a day's when they fall in the hour skipped
        for number in sorted(range(guess - len(at) - 1, guess + len(at) + 2), key=lambda n: abs(n - guess)):
            found = self._round(number)
            if found is not None and found.contains(moment):
                return number
        return None  # pragma: no cover - every moment is in a round

    def _day_number(self, day: date) -> int | None:
        """The number of the period of days (a month, a run of days, a day) that `day` is in;
        None on a day a weekday measure is not due."""
        if self._months:
            return day.year * 12 + day.month - 1
        if self._run is not None:
            return (day.toordinal() - self._first_day) // self._run
        number = day.toordinal()
        return number if self._wanted is None or day.weekday() in self._wanted else None

    def number_of(self, key: str) -> int | None:
        """The number of the period whose key is `key`; None if no period of this schedule has it."""
        try:
            number = self._parse(key)
        except ValueError:
            return None
        if number is None:
            return None
        found = self.period(number)
        return number if found is not None and found.key == key else None

    def _parse(self, key: str) -> int | None:  # noqa: PLR0911 - one return per kind of schedule
        if self._weeks:
            year, _, week = key.partition("-W")
            return (date.fromisocalendar(int(year), int(week), 1).toordinal() - 1) // 7
        day = date.fromisoformat(key[:10])
        if self._at is not None:
            minute = int(key[11:13]) * 60 + int(key[14:16]) if len(key) == 16 and key[10] == "T" else -1
            return day.toordinal() * len(self._at) + self._at.index(minute) if minute in self._at else None
        if self._minutes is None and self._hours is None:  # a day that is not a period's first: number_of checks
            return self._day_number(day) if len(key) == 10 else None
        if len(key) != 16 or key[10] != "T":
            return None
        minutes = int(key[11:13]) * 60 + int(key[14:16])
        if self._minutes is not None:
            return day.toordinal() * len(self._walls) + minutes // self._minutes
        wall = datetime.combine(day, time(minutes // 60, minutes % 60))
        for fold in (0, 1):  # a wall time the clocks pass twice: either may be the period's
            instant = wall.replace(tzinfo=self.zone, fold=fold).astimezone(UTC)
            if (instant - self._origin) % self._step == timedelta(0):
                return (instant - self._origin) // self._step
        return None

    def first(self, since: datetime) -> int:
        """The number of the first period that ends after `since` (the unit's start)."""
        number = self.number_at(since)
        if number is not None:
            return number
        number = since.astimezone(self.zone).date().toordinal() + 1  # a weekday measure: its next day
        while not self.valid(number):
            number += 1
        return number

    def last(self, until: datetime) -> int:
        """The number of the last period that starts at or before `until`."""
        number = self.number_at(until)
        if number is not None:
            return number
        number = until.astimezone(self.zone).date().toordinal() - 1  # a weekday measure: its last day
        while not self.valid(number):
            number -= 1
        return number

    def day(self, number: int) -> date:
        """The day (in the zone) period `number` starts on (a round: the day its time is of)."""
        if self._at is not None:
            return date.fromordinal(number // len(self._at))
        if self._hours is not None:
            return (self._origin + number * self._step).astimezone(self.zone).date()
        if self._minutes is not None:
            return date.fromordinal(number // len(self._walls))
        if self._months:
            year, month = divmod(number, 12)
            return date(year, month + 1, 1)
        if self._run is not None:
            return date.fromordinal(self._first_day + number * self._run)
        return date.fromordinal(7 * number + 1 if self._weeks else number)
