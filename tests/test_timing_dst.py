"""Periods and deadlines in a time zone whose clocks change (Europe/Berlin, America/New_York):
around the spring and autumn changes no period is lost or doubled, each moment is in exactly
one period, a period's key (what `--for` names) finds it again, and hours are real hours."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from checklist.core.models import Duration, Recurrence
from checklist.core.schedule import Schedule, period_at, periods
from checklist.core.status import Clock, after, before

BERLIN = ZoneInfo("Europe/Berlin")  # 2020-03-29 02:00 -> 03:00; 2020-10-25 03:00 -> 02:00
NEW_YORK = ZoneInfo("America/New_York")  # 2020-03-08 02:00 -> 03:00; 2020-11-01 02:00 -> 01:00
CHANGES = [  # the moments clocks change, in UTC
    datetime(2020, 3, 29, 1, tzinfo=UTC),
    datetime(2020, 10, 25, 1, tzinfo=UTC),
    datetime(2020, 3, 8, 7, tzinfo=UTC),
    datetime(2020, 11, 1, 6, tzinfo=UTC),
]

times_of_day = st.lists(st.integers(0, 24 * 60 - 1), min_size=1, max_size=6, unique=True).map(
    lambda minutes: Recurrence(at=[f"{m // 60:02d}:{m % 60:02d}" for m in sorted(minutes)])
)
# the night of the change, where a fixed time may fall in the hour skipped or passed twice
night_times = st.lists(st.integers(60, 4 * 60), min_size=1, max_size=5, unique=True).map(
    lambda minutes: Recurrence(at=[f"{m // 60:02d}:{m % 60:02d}" for m in sorted(minutes)])
)
recurrences = st.one_of(
    times_of_day,
    night_times,
    st.sampled_from(
        [
            Recurrence(every="1h"),
            Recurrence(every="2h"),
            Recurrence(every="5h"),
            Recurrence(every="day"),
            Recurrence(every="day", times=3),
            Recurrence(every="day", times=24),
            Recurrence(every="day", count=3),
        ]
    ),
)
zones = st.sampled_from([BERLIN, NEW_YORK])
near_a_change = st.tuples(st.sampled_from(CHANGES), st.integers(-3 * 24 * 60, 3 * 24 * 60)).map(
    lambda pair: pair[0] + timedelta(minutes=pair[1])
)


@settings(max_examples=150, deadline=None)
@given(recurrences, zones, near_a_change, st.integers(0, 4 * 24 * 60), st.integers(0, 10 * 24 * 60))
def test_periods_around_a_change_tile_time(
    rec: Recurrence, zone: ZoneInfo, since: datetime, minutes: int, earlier: int
) -> None:
    until = since + timedelta(minutes=minutes)
    anchor = since - timedelta(minutes=earlier)
    found = list(periods(rec, zone, since, until, anchor))
    keys = [p.key for p in found]
    assert len(set(keys)) == len(keys) and keys == sorted(keys)  # none doubled
    assert all(p.start < p.end for p in found)
    assert found[0].start <= since and found[-1].end > until
    for first, second in itertools.pairwise(found):
        assert first.end == second.start  # none lost: no gap, no overlap


@settings(max_examples=150, deadline=None)
@given(recurrences, zones, near_a_change, st.integers(0, 2 * 24 * 60))
def test_each_moment_is_in_exactly_one_period_and_its_key_finds_it(
    rec: Recurrence, zone: ZoneInfo, moment: datetime, earlier: int
) -> None:
    anchor = moment - timedelta(minutes=earlier)
    since = max(anchor, moment - timedelta(hours=30))  # periods are asked for from the start on
    window = list(periods(rec, zone, since, moment + timedelta(hours=30), anchor))
    holding = [p for p in window if p.contains(moment)]
    assert len(holding) == 1
    period = holding[0]
    assert period_at(rec, zone, moment, anchor) == period
    schedule = Schedule(rec, zone, anchor)
    number = schedule.number_at(moment)
    assert number is not None and schedule.period(number) == period
    assert schedule.number_of(period.key) == number  # `--for KEY` names this period, and only it
    assert schedule.day(number) == datetime.fromisoformat(period.key[:10]).date()


@settings(max_examples=150, deadline=None)
@given(recurrences, zones, near_a_change, st.integers(0, 3 * 24 * 60))
def test_numbered_periods_are_the_periods_walked(
    rec: Recurrence, zone: ZoneInfo, anchor: datetime, minutes: int
) -> None:
    now = anchor + timedelta(minutes=minutes)
    walked = list(periods(rec, zone, anchor, now, anchor))
    schedule = Schedule(rec, zone, anchor)
    first, last = schedule.first(anchor), schedule.last(now)
    assert [schedule.period(n) for n in range(first, last + 1) if schedule.valid(n)] == walked


def test_a_round_whose_time_the_clocks_skip_starts_when_the_clock_reads_it() -> None:
    rec = Recurrence(at=["02:30", "08:00"])
    start = datetime(2020, 3, 28, 12, tzinfo=BERLIN)
    rounds = {p.key: p for p in periods(rec, BERLIN, start, start + timedelta(days=2), start)}
    skipped = rounds["2020-03-29T02:30"]  # 02:30 does not exist that night: 03:30 CEST
    assert skipped.start.astimezone(BERLIN).strftime("%H:%M") == "03:30"
    assert rounds["2020-03-28T08:00"].end == skipped.start
    assert skipped.end - skipped.start == timedelta(hours=4, minutes=30)
    autumn = datetime(2020, 10, 24, 12, tzinfo=BERLIN)
    rounds = {p.key: p for p in periods(rec, BERLIN, autumn, autumn + timedelta(days=2), autumn)}
    night = rounds["2020-10-24T08:00"]  # 08:00 to the first 02:30 of the night: 18.5 hours
    assert night.end - night.start == timedelta(hours=18, minutes=30)
    early = rounds["2020-10-25T02:30"]  # 02:30 summer time to 08:00 winter time: the hour passed twice is in it
    assert early.end - early.start == timedelta(hours=6, minutes=30)


@settings(max_examples=150, deadline=None)
@given(zones, near_a_change, st.integers(1, 48))
def test_deadlines_in_hours_are_real_hours_across_a_change(zone: ZoneInfo, event: datetime, hours: int) -> None:
    clock = Clock(zone, event)
    within = Duration(0, 0, hours * 60)
    assert after(within, event, clock) - event == timedelta(hours=hours)
    assert event - before(within, event, clock) == timedelta(hours=hours)


@settings(max_examples=150, deadline=None)
@given(zones, near_a_change, st.integers(0, 5))
def test_deadlines_in_days_fall_at_a_local_midnight_across_a_change(zone: ZoneInfo, event: datetime, days: int) -> None:
    clock = Clock(zone, event)
    local = event.astimezone(zone)
    due = after(Duration(0, days, 0), event, clock).astimezone(zone)
    assert (due.hour, due.minute) == (0, 0) and due.date() == local.date() + timedelta(days=days + 1)
    ahead = before(Duration(0, days + 1, 0), event, clock).astimezone(zone)
    assert (ahead.hour, ahead.minute) == (0, 0) and ahead.date() == local.date() - timedelta(days=days)
    assert ahead <= event


@settings(max_examples=100, deadline=None)
@given(zones, near_a_change, st.integers(1, 4), st.sampled_from(["1h", "3h", "5h"]))
def test_a_subjects_window_in_hours_ends_at_a_local_midnight_and_loses_no_hour(
    zone: ZoneInfo, event: datetime, days: int, every: str
) -> None:
    from checklist.core.logindex import Happening, LogIndex
    from checklist.core.models import CatalogRef, Measure, Unit
    from checklist.core.status import window

    text = {"zh": "报告", "en": "report"}
    measure = Measure.model_validate(
        {
            "id": "ward.report",
            "title": text,
            "applies_to": ["ward"],
            "section": "main",
            "source": {"issuer": text, "quote": "q"},
            "recurrence": {"every": every},
            "trigger": {"event": "admission", "lasts_days": days},
        }
    )
    started = event - timedelta(days=5)
    unit = Unit(
        id="ward",
        kind="ward",
        catalog=CatalogRef(name="ward", version="1", digest="0" * 64),
        started_at=started,
        started_by="王警官",
    )
    happening = Happening(LogIndex(), 0, "event", "admission", "P1", event)
    start, end = window(measure, happening, unit, Clock(zone, event))
    assert start == event and end is not None
    local_end = end.astimezone(zone)
    assert (local_end.hour, local_end.minute) == (0, 0)
    assert local_end.date() == event.astimezone(zone).date() + timedelta(days=days)
    rec = measure.recurrence
    assert rec is not None
    found = list(periods(rec, zone, start, end - timedelta(microseconds=1), start))
    assert found[0].contains(start) and found[-1].contains(end - timedelta(microseconds=1))
    for first, second in itertools.pairwise(found):
        assert first.end == second.start  # every hour of the window is in one period, across the change
