"""The other axis of the supervisor's view: how each measure stands across units.

Counted over the statuses the caller already folded (one per unit, as `status --all` holds
them): nothing here reads a log. A unit's standing on a measure is the one of its items
(of each subject, each part, each period's misses) that needs the most attention: overdue,
then missed (a past period neither done nor waived), blocked, open, done, n/a. A unit whose
items of the measure all wait to open, or whose conditions do not hold, is not counted: the
measure does not apply to it now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .errors import Message, NotFound, UserError
from .fuzzy import closest
from .logindex import LogIndex
from .models import Measure, Record
from .status import ItemStatus, UnitStatus
from .typed import plain

Standing = Literal["overdue", "missed", "blocked", "open", "done", "na"]
STANDINGS: tuple[Standing, ...] = ("overdue", "missed", "blocked", "open", "done", "na")  # what needs it first
ATTENTION: frozenset[Standing] = frozenset({"overdue", "missed", "blocked"})
_RANK = {standing: n for n, standing in enumerate(STANDINGS)}
# An item's state as the supervisor counts it: partial, lapsed (a waiver past its day) and
# awaiting (a second person's approval) are open; upcoming and inapplicable do not apply now.
_OF_STATE: dict[str, Standing] = {
    "blocked": "blocked",
    "done": "done",
    "na": "na",
    "open": "open",
    "partial": "open",
    "lapsed": "open",
    "awaiting": "open",
}


def item_standing(item: ItemStatus) -> Standing | None:
    """Where one item stands, as the supervisor counts it (None: it does not apply now)."""
    if item.overdue:
        return "overdue"
    if item.missed:
        return "missed"
    return _OF_STATE.get(item.state)  # None: upcoming, inapplicable


def worst(standings: Iterable[Standing | None]) -> Standing | None:
    """The standing that needs the most attention of several (None for none that applies)."""
    best: Standing | None = None
    for standing in standings:
        if standing is not None and (best is None or _RANK[standing] < _RANK[best]):
            best = standing
    return best


def items_by_measure(status: UnitStatus) -> dict[str, list[ItemStatus]]:
    """A unit's items one records (each part's, each subject's), by measure id, in catalog order."""
    grouped: dict[str, list[ItemStatus]] = {}
    for item in status.actionable():
        grouped.setdefault(item.item.id, []).append(item)
    return grouped


def settled_by_measure(status: UnitStatus) -> dict[str, Standing]:
    """The measures of subjects settled for good (counted, not kept item by item): done, else n/a."""
    found: dict[str, Standing] = {}
    for archived in status.archived:
        if archived.done or archived.na:
            mine: Standing = "done" if archived.done else "na"
            found[archived.item.id] = worst([found.get(archived.item.id), mine]) or mine
    return found


def unit_standings(status: UnitStatus) -> dict[str, Standing]:
    """How each measure stands in one unit, by measure id (only those that apply now)."""
    settled = settled_by_measure(status)
    found: dict[str, Standing] = {}
    for measure_id, items in items_by_measure(status).items():
        standing = worst([*map(item_standing, items), settled.get(measure_id)])
        if standing is not None:
            found[measure_id] = standing
    for measure_id, standing in settled.items():
        found.setdefault(measure_id, standing)
    return found


@dataclass(frozen=True)
class MeasureRow:
    """One measure across units: in how many it stands each way, of how many it applies to."""

    measure: Measure
    counts: dict[Standing, int]
    applies: int  # units it applies to now (the sum of the counts)
    order: int = 0  # where it first came in the catalogs' order

    @property
    def attention(self) -> int:
        """Units where it is overdue, missed or blocked."""
        return sum(self.counts[s] for s in ATTENTION)

    @property
    def critical(self) -> bool:
        return self.measure.priority == "critical"


@dataclass(frozen=True)
class ByMeasure:
    """`status --all --by-measure`: every measure that applies to one of the units looked at,
    the one needing attention in the most units first."""

    rows: list[MeasureRow]
    units: int  # the units looked at
    known: tuple[str, ...] = ()  # the ids of every measure of their kinds (measure_ids)

    @property
    def needing(self) -> list[MeasureRow]:
        """The measures overdue, missed or blocked in at least one unit."""
        return [row for row in self.rows if row.attention]


def by_measure(statuses: Sequence[UnitStatus]) -> ByMeasure:
    """How each measure stands across `statuses` (one per unit, already folded): sorted by the
    units needing attention (overdue, missed, blocked), then those where it is overdue, critical
    measures first, then the units where it is open, then the catalog's order."""
    measures: dict[str, Measure] = {}
    counts: dict[str, dict[Standing, int]] = {}
    for status in statuses:
        by_id = None
        for measure_id, standing in unit_standings(status).items():
            if measure_id not in measures:
                by_id = by_id or {m.id: m for m in status.catalog.measures}
                measures[measure_id] = by_id[measure_id]
                counts[measure_id] = dict.fromkeys(STANDINGS, 0)
            counts[measure_id][standing] += 1
    rows = [
        MeasureRow(measure, counts[measure_id], sum(counts[measure_id].values()), order)
        for order, (measure_id, measure) in enumerate(measures.items())
    ]
    rows.sort(key=lambda r: (-r.attention, -r.counts["overdue"], not r.critical, -r.counts["open"], r.order))
    return ByMeasure(rows, len(statuses), tuple(measure_ids(statuses)))


@dataclass(frozen=True)
class UnitOnMeasure:
    """One unit's state of one measure: its standing, its items, and the latest attestation
    among them (the record that put one of them in its state: who, what, when)."""

    status: UnitStatus
    standing: Standing
    items: list[ItemStatus]
    settled: int = 0  # items of subjects settled for good, counted
    missed: int = 0  # past periods neither done nor waived, over its items
    latest: Record | None = None  # the latest attestation among its items, if any was made

    @property
    def done(self) -> int:
        """Items done or waived (of those it has now, and those settled for good)."""
        return self.settled + sum(1 for i in self.items if i.state in ("done", "na"))

    @property
    def total(self) -> int:
        return self.settled + len(self.items)


@dataclass(frozen=True)
class MeasureAcross:
    """`status --all --item ID`: one measure in each unit it applies to, those needing attention first."""

    measure: Measure
    row: MeasureRow
    units: list[UnitOnMeasure] = field(default_factory=list)
    not_applying: int = 0  # units looked at that the measure does not apply to now


def measure_ids(statuses: Sequence[UnitStatus]) -> dict[str, Measure]:
    """Every measure of the units' kinds in the catalogs they run, by id (the first catalog's
    where they differ): what `--item` names, and what a short id must be told apart from."""
    found: dict[str, Measure] = {}
    for catalog, kind in {(id(s.catalog), s.unit.kind): (s.catalog, s.unit.kind) for s in statuses}.values():
        for measure in catalog.for_kind(kind):
            found.setdefault(measure.id, measure)
    return found


def find_measure(token: str, statuses: Sequence[UnitStatus]) -> Measure:
    """A measure named by its id, its id without the kind (`visits-suspended`), a unique prefix
    of either (ids are lowercase: `Visits-Suspended` and full-width letters name it too), or
    words of its title (`接见`); else NotFound with the closest ids. A number is refused: an
    item's number differs from one unit's checklist to another's."""
    known = measure_ids(statuses)
    token = token.strip()
    typed = plain(token).lower()
    if typed in known:
        return known[typed]
    if typed.isdigit():
        raise UserError("measure.by_number", token=token)
    local = [m for i, m in known.items() if i.split(".", 1)[-1] == typed]
    prefixed = [m for i, m in known.items() if typed and (i.startswith(typed) or i.split(".", 1)[-1].startswith(typed))]
    folded = token.casefold()
    titled = [
        m for m in known.values() if folded and any(folded in (t or "").casefold() for t in (m.title.zh, m.title.en))
    ]
    for found in (local, prefixed, titled):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            ids = [m.id for m in found]
            raise UserError("measure.ambiguous", token=token, ids=ids[:6] + (["…"] if len(ids) > 6 else []))
    names = {**{i.split(".", 1)[-1]: i for i in known}, **{i: i for i in known}}
    suggestions = list(dict.fromkeys(names[name] for name in closest(typed, names, limit=6)))[:3]
    raise NotFound("measure.unknown", suggestions, hint=None if suggestions else Message("measure.list"), token=token)


def attested_last(items: Iterable[ItemStatus], index: LogIndex | None = None) -> Record | None:
    """The latest attestation among a unit's items, read from the log: each item's own (of its
    current period, for a recurring one), and with the unit's `index`, a recurring item's latest
    period's too (one not attested this period was, perhaps, yesterday)."""
    places: list[tuple[int, LogIndex | None]] = []
    for item in items:
        if item.entry is not None:
            places.append((item.entry.at, None))
        if index is not None and item.item.measure.cadence is not None:
            table = index.table(item.item.id, item.item.slot, item.item.part)
            if table is not None and table.ats:
                places.append((max(table.ats), index))
    if not places:
        return None
    at, source = max(places, key=lambda place: place[0])
    if source is not None:
        return source.record_at(at)
    return next(i.entry.last for i in items if i.entry is not None and i.entry.at == at)


def measure_across(
    measure: Measure, statuses: Sequence[UnitStatus], indexes: Callable[[UnitStatus], LogIndex] | None = None
) -> MeasureAcross:
    """One measure in each of `statuses` it applies to: the units needing attention first
    (overdue, missed, blocked, open, done, n/a; the most periods missed first), then in the
    order given (`statuses`' own).
    `indexes` gives a unit's index, asked for only where the measure recurs (see attested_last)."""
    units: list[UnitOnMeasure] = []
    counts: dict[Standing, int] = dict.fromkeys(STANDINGS, 0)
    not_applying = 0
    recurs = measure.cadence is not None
    for status in statuses:
        items = items_by_measure(status).get(measure.id, [])
        settled_as = settled_by_measure(status).get(measure.id)
        settled = sum(a.done + a.na for a in status.archived if a.item.id == measure.id)
        standing = worst([*map(item_standing, items), settled_as])
        if standing is None:
            not_applying += 1
            continue
        counts[standing] += 1
        missed = sum(len(i.missed) for i in items)
        index = indexes(status) if recurs and indexes is not None and items else None
        units.append(UnitOnMeasure(status, standing, items, settled, missed, attested_last(items, index)))
    units.sort(key=lambda u: (_RANK[u.standing], -u.missed))  # stable: then in the order given
    row = MeasureRow(measure, counts, len(units))
    return MeasureAcross(measure, row, units, not_applying)
