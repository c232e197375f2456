"""Occurrences of recurring measures: periods tile time, keys are stable, clocks changes are right."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklist.core.models import Recurrence
from checklist.core.schedule import period_at, periods

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")  # clocks change: 2020-03-29 02:00 -> 03:00, 2020-10-25 03:00 -> 02:00

RECURRENCES = [
    Recurrence(every="day"),
    Recurrence(every="day", times=2),
    Recurrence(every="day", times=3),
    Recurrence(every="8h"),
    Recurrence(every="6h"),
    Recurrence(every="36h"),
    Recurrence(every="week"),
    Recurrence(on=["mon", "thu"]),
    Recurrence(every="month"),
    Recurrence(every="3d"),
]
moments = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(RECURRENCES),
    st.sampled_from([SHANGHAI, BERLIN]),
    moments,
    st.integers(0, 60 * 24 * 40),
    st.integers(0, 60 * 24 * 400),
)
def test_periods_tile_time_without_gaps_or_overlaps(
    rec: Recurrence, zone: ZoneInfo, since: datetime, minutes: int, earlier: int
) -> None:
    until = since + timedelta(minutes=minutes)
    anchor = since - timedelta(minutes=earlier)
    found = list(periods(rec, zone, since, until, anchor))
    keys = [p.key for p in found]
    assert len(set(keys)) == len(keys) and keys == sorted(keys)
    assert all(p.start < p.end and p.end > since and p.start <= until for p in found)
    if rec.on is None:  # contiguous, and covering the whole span; weekday periods leave days out
        assert found[0].start <= since and found[-1].end > until
        for first, second in itertools.pairwise(found):
            assert first.end == second.start
    same_grid = list(periods(rec, zone, anchor, until, anchor))  # the grid does not depend on `since`
    assert [p for p in same_grid if p.end > since] == found


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(RECURRENCES), st.sampled_from([SHANGHAI, BERLIN]), moments, moments)
def test_period_at_is_the_period_that_contains_the_moment(
    rec: Recurrence, zone: ZoneInfo, a: datetime, b: datetime
) -> None:
    anchor, moment = min(a, b), max(a, b)
    if (moment - anchor).days > 400:
        anchor = moment - timedelta(days=400)
    period = period_at(rec, zone, moment, anchor)
    if period is None:
        assert rec.on is not None and moment.astimezone(zone).strftime("%a").lower() not in rec.on
        return
    assert period.contains(moment)
    assert period.key == period_at(rec, zone, period.start, anchor).key  # type: ignore[union-attr]


def keys(rec: Recurrence, zone: ZoneInfo, since: str, until: str) -> list[str]:
    start = datetime.fromisoformat(since).replace(tzinfo=zone)
    end = datetime.fromisoformat(until).replace(tzinfo=zone)
    return [p.key for p in periods(rec, zone, start, end, start)]


def test_daily_keys_are_local_days_across_midnight_month_end_and_leap_day() -> None:
    assert keys(Recurrence(every="day"), SHANGHAI, "2020-02-27T23:00", "2020-03-01T00:30") == [
        "2020-02-27",
        "2020-02-28",
        "2020-02-29",
        "2020-03-01",
    ]
    start = datetime(2020, 1, 26, 16, 30, tzinfo=UTC)  # 00:30 on the 27th in Shanghai
    assert period_at(Recurrence(every="day"), SHANGHAI, start, start).key == "2020-01-27"  # type: ignore[union-attr]


def test_shifts_follow_the_wall_clock_when_clocks_change() -> None:
    day = datetime(2020, 3, 29, 0, 0, tzinfo=BERLIN)
    spring = list(periods(Recurrence(every="8h"), BERLIN, day, day.replace(hour=23), day))
    assert [p.key for p in spring] == ["2020-03-29T00:00", "2020-03-29T08:00", "2020-03-29T16:00"]
    assert [(p.end - p.start) for p in spring] == [timedelta(hours=7), timedelta(hours=8), timedelta(hours=8)]
    day = datetime(2020, 10, 25, 0, 0, tzinfo=BERLIN)
    autumn = list(periods(Recurrence(every="8h"), BERLIN, day, day.replace(hour=23), day))
    assert [(p.end - p.start) for p in autumn] == [timedelta(hours=9), timedelta(hours=8), timedelta(hours=8)]


def test_a_day_is_23_or_25_hours_when_clocks_change() -> None:
    noon = datetime(2020, 3, 29, 12, tzinfo=BERLIN)
    days = list(periods(Recurrence(every="day"), BERLIN, noon, noon, noon))
    assert days[0].end - days[0].start == timedelta(hours=23)
    hourly = keys(Recurrence(every="1h"), BERLIN, "2020-03-29T01:30", "2020-03-29T03:30")
    assert hourly == ["2020-03-29T01:00", "2020-03-29T03:00"]  # 02:00 did not exist that night


def test_months_and_runs_of_days() -> None:
    from checklist.core.schedule import Schedule

    anchor = datetime(2020, 1, 26, 8, tzinfo=SHANGHAI)
    months = [p.key for p in periods(Recurrence(every="month"), SHANGHAI, anchor, anchor + timedelta(days=40), anchor)]
    assert months == ["2020-01-01", "2020-02-01", "2020-03-01"]
    runs = list(periods(Recurrence(every="3d"), SHANGHAI, anchor, anchor + timedelta(days=7), anchor))
    assert [p.key for p in runs] == ["2020-01-26", "2020-01-29", "2020-02-01"]
    assert runs[0].end - runs[0].start == timedelta(days=3)
    schedule = Schedule(Recurrence(every="3d"), SHANGHAI, anchor)
    assert schedule.number_of("2020-01-29") == 1 and schedule.number_of("2020-01-28") is None


def test_weeks_and_weekdays() -> None:
    assert keys(Recurrence(every="week"), SHANGHAI, "2020-12-30T00:00", "2021-01-05T00:00") == ["2020-W53", "2021-W01"]
    assert keys(Recurrence(on=["mon", "thu"]), SHANGHAI, "2020-01-26T00:00", "2020-02-03T00:00") == [
        "2020-01-27",
        "2020-01-30",
        "2020-02-03",
    ]
    tuesday = datetime(2020, 1, 28, 9, tzinfo=SHANGHAI)
    assert period_at(Recurrence(on=["mon", "thu"]), SHANGHAI, tuesday, tuesday) is None


def test_times_a_day() -> None:
    assert keys(Recurrence(every="day", times=3), SHANGHAI, "2020-01-27T00:00", "2020-01-27T23:00") == [
        "2020-01-27T00:00",
        "2020-01-27T08:00",
        "2020-01-27T16:00",
    ]


@pytest.mark.parametrize("every", ["36h", "7h"])
def test_hours_that_do_not_divide_a_day_run_in_real_time_from_the_first_midnight(every: str) -> None:
    anchor = datetime(2020, 1, 26, 9, tzinfo=SHANGHAI)
    hours = int(every[:-1])
    midnight = anchor.replace(hour=0)
    first = next(periods(Recurrence(every=every), SHANGHAI, midnight, midnight, anchor))
    assert first.key == "2020-01-26T00:00" and first.end - first.start == timedelta(hours=hours)
    later = period_at(Recurrence(every=every), SHANGHAI, anchor + timedelta(days=10), anchor)
    assert later is not None and (later.start - first.start) % timedelta(hours=hours) == timedelta(0)


ZONES = [SHANGHAI, BERLIN, ZoneInfo("America/New_York"), ZoneInfo("Australia/Lord_Howe")]  # the last: 30-minute changes
NUMBERED = [
    *RECURRENCES,
    Recurrence(every="1h"),
    Recurrence(every="24h"),
    Recurrence(every="7h"),
    Recurrence(on=["sun"]),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NUMBERED), st.sampled_from(ZONES), moments, st.integers(0, 60 * 24 * 60))
def test_numbered_periods_are_the_periods(rec: Recurrence, zone: ZoneInfo, anchor: datetime, minutes: int) -> None:
    """Schedule finds each period by its number, a moment's and a key's number, without
    walking: exactly the periods `periods` walks to, and `period_at` finds."""
    from checklist.core.schedule import Schedule

    now = anchor + timedelta(minutes=minutes)
    walked = list(periods(rec, zone, anchor, now, anchor))
    schedule = Schedule(rec, zone, anchor)
    first, last = schedule.first(anchor), schedule.last(now)
    numbered = [schedule.period(n) for n in range(first, last + 1) if schedule.valid(n)]
    assert numbered == walked
    assert all(schedule.period(n) is None for n in range(first, last + 1) if not schedule.valid(n))
    for n in range(first, last + 1):
        found = schedule.period(n)
        if found is not None:
            assert schedule.number_of(found.key) == n
            assert schedule.number_at(found.start) == n
            assert schedule.day(n) == found.start.astimezone(zone).date()
    current = period_at(rec, zone, now, anchor)
    number = schedule.number_at(now)
    assert (schedule.period(number) if number is not None else None) == current


@pytest.mark.parametrize(
    ("rec", "key"),
    [
        (Recurrence(every="day"), "2020-02-30"),
        (Recurrence(every="day"), "2020-01-27T08:00"),
        (Recurrence(on=["mon"]), "2020-01-28"),  # a Tuesday
        (Recurrence(every="week"), "2020-W54"),
        (Recurrence(every="week"), "2020-01-27"),
        (Recurrence(every="8h"), "2020-01-27T09:00"),
        (Recurrence(every="8h"), "2020-01-27"),
        (Recurrence(every="36h"), "2020-01-27T13:00"),
        (Recurrence(every="day", times=3), "garbage"),
        (Recurrence(every="month"), "2020-02-02"),  # a month's key is its first day
        (Recurrence(every="month"), "2020-W05"),
        (Recurrence(every="3d"), "2020-01-27"),  # runs of 3 days from 26 January: 26, 29 January…
    ],
)
def test_a_key_no_period_has_has_no_number(rec: Recurrence, key: str) -> None:
    from checklist.core.schedule import Schedule

    anchor = datetime(2020, 1, 26, 8, tzinfo=SHANGHAI)
    assert Schedule(rec, SHANGHAI, anchor).number_of(key) is None
