"""The injectable clock: what "now" is for status, agendas and default periods.

`--now TIME` or CHECKLIST_NOW replays any moment (for demos, tests and going over a past
day); without them it is the real time (settings decide which; the session asks here). A
record's own timestamp is always the real time it was written, whatever the clock says.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from .errors import UserError

# The moments the program reckons with. Everything it computes from a moment is a few
# years' arithmetic away from it (a deadline 3,650 days after an event, a week's ISO key, the
# periods since a unit started), and Python's dates end at the years 1 and 9999: a clock kept
# to 2000-2200 can never overflow them, while any emergency this tool serves lies well inside.
# A time outside it is a typing slip (0202 for 2020) or a damaged record.
EARLIEST = date(2000, 1, 1)
LATEST = date(2200, 12, 31)


def in_range(moment: datetime | date) -> bool:
    """Whether a day, or the day of a moment where it was written (its own offset), is within
    the clock's range, EARLIEST to LATEST."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return EARLIEST <= day <= LATEST


def real_now() -> datetime:
    return datetime.now(UTC)


def parse(text: str, zone: ZoneInfo, what: str = "time") -> datetime:
    """An ISO 8601 time or day; without an offset it is read in the unit's time zone."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UserError("time.invalid", option=what, text=text) from None
    if len(value) == 10:  # a day alone: its start
        moment = datetime.combine(moment.date(), time(0))
    moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
    if not in_range(moment):
        raise UserError("time.out_of_range", option=what, text=text, earliest=EARLIEST, latest=LATEST)
    return moment


def check_day(day: date, what: str) -> date:
    """A day the clock can reckon with (see EARLIEST), else a user error naming where it came from."""
    if not in_range(day):
        raise UserError("time.out_of_range", option=what, text=day.isoformat(), earliest=EARLIEST, latest=LATEST)
    return day
