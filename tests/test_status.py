"""The status fold: an item's state is its latest record's; tallies add up; periods are accounted."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklist.core import catalog as catalogs
from checklist.core.logindex import LogIndex
from checklist.core.models import CatalogRef, Record, Unit
from checklist.core.status import items_for, unit_status

CATALOG = catalogs.load()
ITEMS = [i for i in items_for(CATALOG, "prison") if i.measure.trigger is None]
PLAIN = [i.id for i in ITEMS if i.measure.recurrence is None]
CATALOG_BY_ID = {m.id: m for m in CATALOG.measures}
T0 = datetime(2020, 1, 26, 9, 0, tzinfo=timezone(timedelta(hours=8)))
NOW = T0 + timedelta(days=10)
UNIT = Unit(
    id="prison",
    kind="prison",
    catalog=CatalogRef(name=CATALOG.meta.name, version=CATALOG.meta.version, digest=CATALOG.digest),
    started_at=T0,
    started_by="tester",
)
EXPECTED = {"done": "done", "na": "na", "blocked": "blocked", "reopened": "open", "partial": "partial"}


def record(item: str, action: str, n: int, **extra: object) -> Record:
    return Record.of(
        {
            "v": 1,  # format 1: the fold does not care about the chain
            "id": uuid.uuid4().hex,
            "unit": "prison",
            "item": item,
            "action": action,
            "actor": "a",
            "at": T0 + timedelta(minutes=n),
            "catalog": CATALOG.digest,
            **extra,
        }
    )


histories = st.lists(
    st.tuples(st.sampled_from([*PLAIN, "retired.measure"]), st.sampled_from(sorted(EXPECTED))), max_size=60
)


def by_id(records: list[Record]):  # type: ignore[no-untyped-def]
    return {s.item.id: s for s in unit_status(UNIT, CATALOG, LogIndex.of(records), NOW).items}


@given(histories)
def test_state_is_set_by_the_latest_record(history: list[tuple[str, str]]) -> None:
    records = [record(item, action, n) for n, (item, action) in enumerate(history)]
    statuses = by_id(records)
    latest = dict(history)
    for item_id in PLAIN:
        status = statuses[item_id]
        critical_waiver = latest.get(item_id) == "na" and status.item.measure.priority == "critical"
        expected = "awaiting" if critical_waiver else EXPECTED[latest[item_id]] if item_id in latest else "open"
        assert status.state == expected
        assert status.records == sum(1 for item, _ in history if item == item_id)


@given(histories)
def test_tallies_add_up_per_section_and_in_total(history: list[tuple[str, str]]) -> None:
    records = [record(item, action, n) for n, (item, action) in enumerate(history)]
    status = unit_status(UNIT, CATALOG, LogIndex.of(records), NOW)
    assert status.tally.total == len(ITEMS) == sum(status.tally.counts.values())
    assert sum(s.tally.total for s in status.sections) == len(ITEMS)
    for state in status.tally.counts:
        assert sum(s.tally.counts[state] for s in status.sections) == status.tally.counts[state]
    assert 0.0 <= status.tally.percent <= 100.0
    retired = sum(1 for item, _ in history if item == "retired.measure")
    assert status.orphans == ({"retired.measure": retired} if retired else {})


@given(histories, st.sampled_from([*PLAIN, "retired.measure"]), st.sampled_from(sorted(EXPECTED)))
def test_a_later_record_changes_only_its_own_item(history: list[tuple[str, str]], item: str, action: str) -> None:
    records = [record(i, a, n) for n, (i, a) in enumerate(history)]
    before = by_id(records)
    after = by_id([*records, record(item, action, len(records))])
    for item_id, old in before.items():
        if item_id != item:
            assert old.state == after[item_id].state
    if item in after:  # and its own item takes the state the record says
        critical_waiver = action == "na" and after[item].item.measure.priority == "critical"
        assert after[item].state == ("awaiting" if critical_waiver else EXPECTED[action])


DAILY = "system.three-zeros"
DAYS = [(T0 + timedelta(days=d)).date().isoformat() for d in range(11)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DAYS), st.sampled_from(["done", "na", "partial", "blocked", "reopened"]))))
def test_every_period_between_start_and_now_is_once_done_missed_or_current(history: list[tuple[str, str]]) -> None:
    figures = {"infections": 0, "reported_cases": 0, "hype_incidents": 0}
    records = [
        record(DAILY, action, n, period=day, figures=figures if action == "done" else {})
        for n, (day, action) in enumerate(history)
    ]
    status = by_id(records)[DAILY]
    assert status.period is not None and status.period.key == DAYS[-1]
    latest = dict(history)
    settled = {day for day, action in latest.items() if action == "done"}
    assert status.missed == tuple(day for day in DAYS[:-1] if day not in settled)  # each once, oldest first
    today = latest.get(DAYS[-1], "reopened")
    expected = "awaiting" if today == "na" else EXPECTED[today]  # a critical measure: waivers need approval
    assert status.state == expected
    streak = 0
    for day in reversed(DAYS):
        if day in settled:
            streak += 1
        elif day != DAYS[-1]:
            break
    assert status.streak == streak


def test_a_record_for_a_past_period_changes_that_period_only() -> None:
    figures = {"infections": 0, "reported_cases": 0, "hype_incidents": 0}
    before = by_id([record(DAILY, "done", 0, period=DAYS[3], figures=figures)])[DAILY]
    after = by_id(
        [
            record(DAILY, "done", 0, period=DAYS[3], figures=figures),
            record(DAILY, "done", 1, period=DAYS[5], figures=figures),
        ]
    )[DAILY]
    assert set(before.missed) - set(after.missed) == {DAYS[5]}
    assert before.state == after.state == "open"


ACTIONS = ["done", "na", "partial", "blocked", "reopened"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(DAYS), st.sampled_from(ACTIONS))),
    st.sampled_from(DAYS[:-1]),
    st.sampled_from(ACTIONS),
)
def test_adding_a_record_for_a_past_period_changes_no_other_period(
    history: list[tuple[str, str]], day: str, action: str
) -> None:
    """Whatever came before, one more record settles or unsettles its own period, no other."""
    figures = {"infections": 0, "reported_cases": 0, "hype_incidents": 0}
    records = [
        record(DAILY, a, n, period=d, figures=figures if a == "done" else {}) for n, (d, a) in enumerate(history)
    ]
    extra = record(DAILY, action, len(records), period=day, figures=figures if action == "done" else {})
    before, after = by_id(records)[DAILY], by_id([*records, extra])[DAILY]
    changed = set(before.missed) ^ set(after.missed)
    assert changed <= {day}
    assert (day in after.missed) == (action != "done")  # and its own as the record says (a waiver awaits approval)
    assert (before.state, before.period) == (after.state, after.period)  # today's period is not the one covered


def test_percent_leaves_out_not_applicable_items() -> None:
    waived = next(i for i in PLAIN[1:] if CATALOG_BY_ID[i].priority != "critical")  # a waiver that needs no approval
    done_only = unit_status(UNIT, CATALOG, LogIndex.of([record(PLAIN[0], "done", 0)]), NOW)
    assert done_only.tally.applicable == len(ITEMS)
    assert done_only.tally.percent == pytest.approx(100 / len(ITEMS))
    status = unit_status(UNIT, CATALOG, LogIndex.of([record(PLAIN[0], "done", 0), record(waived, "na", 1)]), NOW)
    assert status.tally.counts["na"] == 1 and status.tally.total == len(ITEMS)
    assert status.tally.applicable == len(ITEMS) - 1
    assert status.tally.percent == pytest.approx(100 / (len(ITEMS) - 1))


def test_numbers_follow_catalog_order_from_one() -> None:
    numbers = [item.number for item in items_for(CATALOG, "prison")]
    assert numbers == list(range(1, len(numbers) + 1))
    assert [i.id for i in items_for(CATALOG, "prison")][:3] == [
        "system.joint-prevention",
        "system.three-zeros",
        "system.three-level-duty",
    ]
    assert [i.measure for i in items_for(CATALOG, "prison")] == CATALOG.for_kind("prison")  # the catalog's order
    rehab = items_for(CATALOG, "rehab")  # each kind numbers its own measures from one
    assert [i.number for i in rehab] == list(range(1, len(rehab) + 1))
    assert [i.measure for i in rehab] == CATALOG.for_kind("rehab")
