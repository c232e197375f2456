"""The status fold: an item's state is its latest record's; tallies add up."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from checklist import catalog as catalogs
from checklist.logindex import LogIndex
from checklist.models import CatalogRef, Record, Unit
from checklist.status import fold, items_for, tally, unit_status

CATALOG = catalogs.load()
ITEMS = items_for(CATALOG, "prison")
IDS = [item.id for item in ITEMS]
T0 = datetime(2020, 1, 26, 9, 0, tzinfo=timezone(timedelta(hours=8)))
UNIT = Unit(
    id="prison",
    kind="prison",
    catalog=CatalogRef(name=CATALOG.meta.name, version=CATALOG.meta.version, digest=CATALOG.digest),
    started_at=T0,
    started_by="tester",
)
EXPECTED = {"done": "done", "na": "na", "blocked": "blocked", "reopened": "open"}


def record(item: str, action: str, n: int) -> Record:
    return Record(  # format 1: the fold does not care about the chain
        v=1,
        id=uuid.uuid4().hex,
        unit="prison",
        item=item,
        action=action,
        actor="a",  # type: ignore[arg-type]
        at=T0 + timedelta(minutes=n),
        catalog=CATALOG.digest,
    )


histories = st.lists(
    st.tuples(st.sampled_from([*IDS, "retired.measure"]), st.sampled_from(list(EXPECTED))), max_size=60
)


@given(histories)
def test_state_is_set_by_the_latest_record(history: list[tuple[str, str]]) -> None:
    records = [record(item, action, n) for n, (item, action) in enumerate(history)]
    statuses, orphans = fold(ITEMS, LogIndex.of(records))
    latest = dict(history)
    for status in statuses:
        assert status.state == (EXPECTED[latest[status.item.id]] if status.item.id in latest else "open")
        assert status.records == sum(1 for item, _ in history if item == status.item.id)
    assert orphans == (
        {"retired.measure": sum(1 for i, _ in history if i == "retired.measure")}
        if any(i == "retired.measure" for i, _ in history)
        else {}
    )


@given(histories)
def test_tallies_add_up_per_section_and_in_total(history: list[tuple[str, str]]) -> None:
    records = [record(item, action, n) for n, (item, action) in enumerate(history)]
    status = unit_status(UNIT, CATALOG, LogIndex.of(records))
    assert status.tally.total == len(ITEMS) == sum(status.tally.counts.values())
    assert sum(s.tally.total for s in status.sections) == len(ITEMS)
    for state in ("done", "na", "blocked", "open"):
        assert sum(s.tally.counts[state] for s in status.sections) == status.tally.counts[state]
    assert 0.0 <= status.tally.percent <= 100.0
    assert all(s.item.measure.priority == "critical" and s.state in ("open", "blocked") for s in status.critical_open)


@given(histories, histories)
def test_a_later_record_changes_only_its_own_item(first: list[tuple[str, str]], second: list[tuple[str, str]]) -> None:
    records = [record(item, action, n) for n, (item, action) in enumerate(first)]
    before, _ = fold(ITEMS, LogIndex.of(records))
    if not second:
        return
    item, action = second[0]
    after, _ = fold(ITEMS, LogIndex.of([*records, record(item, action, len(records))]))
    for old, new in zip(before, after, strict=True):
        if old.item.id != item:
            assert old.state == new.state


def test_percent_leaves_out_not_applicable_items() -> None:
    records = [record(IDS[0], "done", 0), record(IDS[1], "na", 1)]
    statuses, _ = fold(ITEMS, LogIndex.of(records))
    result = tally(statuses)
    assert result.applicable == len(ITEMS) - 1
    assert round(result.percent, 6) == round(100 / (len(ITEMS) - 1), 6)


def test_numbers_follow_catalog_order_from_one() -> None:
    assert [item.number for item in ITEMS] == list(range(1, len(ITEMS) + 1))
    assert IDS[:3] == ["system.joint-prevention", "system.three-zeros", "system.three-level-duty"]
