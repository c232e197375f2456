"""When a recurring measure is due: its periods (occurrences), computed in the unit's time zone.

Each period has a stable key: `2020-01-27` for a day (or a chosen weekday), `2020-W05` for an
ISO week, `2020-01-27T08:00` for a part of a day (`times: 3`, or every 8 hours). Parts of a day
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

from checklist.core.models import Recurrence

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(\d+)h$")
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
    for period in _all_from(rec, zone, start):
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
    for period in _all_from(rec, zone, since):
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


def _all_from(rec: Recurrence, zone: ZoneInfo, since: datetime) -> Iterator[Period]:
    first_day = since.astimezone(zone).date()
    if rec.on is not None:
        yield from _weekdays(rec.on, zone, first_day)
    elif rec.every == "week":
        yield from _weeks(zone, first_day)
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


def describe(rec: Recurrence) -> str:
    """A short English description, e.g. 'daily', '3 times a day', 'every 8h', 'on mon, thu'."""
    if rec.on is not None:
        return "on " + ", ".join(rec.on)
    if rec.every == "day":
        return f"{rec.times} times a day" if rec.times and rec.times > 1 else "daily"
    if rec.every == "week":
        return "weekly"
    return f"every {rec.every}"
