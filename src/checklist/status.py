"""Folding a unit's records into where it stands: per item, per section, in total."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .logindex import LogIndex
from .models import Catalog, Measure, Record, Section, Unit

State = Literal["open", "done", "na", "blocked"]
STATES: tuple[State, ...] = ("done", "na", "blocked", "open")
STATE_OF_ACTION: dict[str, State] = {"done": "done", "na": "na", "blocked": "blocked", "reopened": "open"}


@dataclass(frozen=True)
class Item:
    """A measure as it appears on one unit's checklist, with its stable number."""

    number: int
    measure: Measure

    @property
    def id(self) -> str:
        return self.measure.id


@dataclass(frozen=True)
class ItemStatus:
    item: Item
    state: State
    last: Record | None  # the record that put the item in its state
    records: int  # how many records the item has


@dataclass(frozen=True)
class Tally:
    counts: Counter[State]
    total: int

    @property
    def done(self) -> int:
        return self.counts["done"]

    @property
    def applicable(self) -> int:
        return self.total - self.counts["na"]

    @property
    def percent(self) -> float:
        """Done as a share of the items that apply (not-applicable ones are left out)."""
        return 100.0 * self.done / self.applicable if self.applicable else 100.0


@dataclass(frozen=True)
class SectionStatus:
    section: Section
    items: list[ItemStatus]
    tally: Tally


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    catalog: Catalog
    items: list[ItemStatus]
    sections: list[SectionStatus]
    tally: Tally
    critical_open: list[ItemStatus]
    last_record: Record | None
    orphans: dict[str, int] = field(default_factory=dict)  # records of items not in the catalog

    def by_number(self) -> dict[int, ItemStatus]:
        return {s.item.number: s for s in self.items}


def items_for(catalog: Catalog, kind: str) -> list[Item]:
    """The unit's checklist: the catalog's measures for its kind, numbered from 1 in catalog order."""
    return [Item(number, m) for number, m in enumerate(catalog.for_kind(kind), start=1)]


def fold(items: Sequence[Item], index: LogIndex) -> tuple[list[ItemStatus], dict[str, int]]:
    """Each item's state is set by its latest record; an item without records is open."""
    statuses = []
    for item in items:
        latest = index.items.get(item.id)
        state = STATE_OF_ACTION[latest.last.action] if latest else "open"
        statuses.append(ItemStatus(item, state, latest.last if latest else None, latest.count if latest else 0))
    known = {item.id for item in items}
    orphans = {item_id: latest.count for item_id, latest in index.items.items() if item_id not in known}
    return statuses, orphans


def tally(statuses: Iterable[ItemStatus]) -> Tally:
    counts: Counter[State] = Counter(dict.fromkeys(STATES, 0))
    total = 0
    for status in statuses:
        counts[status.state] += 1
        total += 1
    return Tally(counts, total)


def unit_status(unit: Unit, catalog: Catalog, index: LogIndex) -> UnitStatus:
    statuses, orphans = fold(items_for(catalog, unit.kind), index)
    sections = []
    for section in catalog.meta.sections:
        members = [s for s in statuses if s.item.measure.section == section.id]
        if members:
            sections.append(SectionStatus(section, members, tally(members)))
    critical = [s for s in statuses if s.state in ("open", "blocked") and s.item.measure.priority == "critical"]
    return UnitStatus(
        unit=unit,
        catalog=catalog,
        items=statuses,
        sections=sections,
        tally=tally(statuses),
        critical_open=critical,
        last_record=index.last,
        orphans=orphans,
    )
