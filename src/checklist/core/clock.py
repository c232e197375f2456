"""The injectable clock: what "now" is for status, agendas and default periods.

`--now TIME` or CHECKLIST_NOW replays any moment (for demos, tests and going over a past
day); without them it is the real time (settings decide which; the session asks here). A
record's own timestamp is always the real time it was written, whatever the clock says.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from .errors import UserError


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
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
