"""A unit's last days of reporting, for the supervisor's grid (`status --all --days N`).

"Reported" on a day is what `reported_today` means for that day: the period of the headline
measure (the "three zeros") that holds the day's last moment is done, as the log says now (a
report recorded late for its day counts for that day). It is read from the index's table of
that measure, the rows the status fold already keeps (one per period): no log is read and
nothing is folded again, whatever the number of days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from .decide import alerted, complete
from .logindex import LogIndex
from .status import Clock, UnitStatus, window

Mark = Literal["reported", "alert", "missed", "before", "none"]
# before: the unit had not started (or its report was not in force); none: no period that day
_INSTANT = timedelta(microseconds=1)
MAX_DAYS = 366


@dataclass(frozen=True)
class History:
    days: list[date]  # oldest first, the last one today
    marks: list[Mark]  # one per day

    @property
    def missing_run(self) -> int:
        """Days in a row without a report, back from today (today's counts while it is not in)."""
        run = 0
        for mark in reversed(self.marks):
            if mark == "missed":
                run += 1
            elif mark != "none":
                break
        return run

    @property
    def missed(self) -> int:
        return self.marks.count("missed")


def last_days(today: date, count: int) -> list[date]:
    return [today - timedelta(days=count - 1 - n) for n in range(count)]


def history(status: UnitStatus, index: LogIndex, count: int) -> History:
    """The unit's marks for the `count` days up to today (in the catalog's time zone)."""
    zone = ZoneInfo(status.catalog.meta.timezone)
    clock = Clock(zone, status.now)
    days = last_days(clock.today, count)
    if not status.headlines:
        return History(days, ["none"] * count)
    headline = status.headlines[0]
    measure = headline.item.item.measure
    rec = measure.recurrence
    anchor, until = window(measure, None, status.unit, clock)
    first_day = clock.day(anchor)
    marks: list[Mark] = []
    table = index.table(measure.id)
    schedule = clock.span(rec, anchor, until).schedule if rec is not None else None
    rows = table.rows if table is not None else {}
    needs = measure.needs_approval
    wanted = (measure.cadence.count if measure.cadence else None) or 1
    judged: dict[tuple[tuple[str, object], ...], bool] = {}  # figures past an alert, by figures (days repeat them)
    for day in days:
        if day < first_day or (until is not None and clock.start_of(day) >= until):
            marks.append("before")
        elif day == clock.today:
            marks.append(("alert" if headline.item.alerts else "reported") if headline.reported_today else "missed")
        elif schedule is None or table is None:
            marks.append("missed")
        else:
            number = schedule.number_at(clock.end_of(day) - _INSTANT)
            period = schedule.period(number) if number is not None else None
            if period is None:
                marks.append("none")
                continue
            row = rows.get(period.key)
            done = row is not None and table.actions[row] == "done" and table.dones[row] >= wanted
            if row is None or not done or (needs and table.approvals[row] is None):
                marks.append("missed")
            else:
                figures = table.figures_of(row)
                if figures and measure.watched:
                    said = tuple(sorted((k, str(v)) for k, v in figures.items()))
                    if said not in judged:
                        figures = complete(measure, figures) if measure.computations else figures
                        judged[said] = bool(alerted(measure, figures, zone))
                    marks.append("alert" if judged[said] else "reported")
                else:
                    marks.append("reported")
    return History(days, marks)
