"""Time to compliance: after a catalog upgrade, how long a unit took to attest the measures
new in the version it moved to.

A measure is new to a unit when its id was not in the catalog the unit ran before its last
upgrade (for its kind), nor any id it `replaces` (their records carry over). It counts only
where it applies now: a measure whose items all wait to open, or whose conditions do not
hold, is not asked of the unit yet. It is attested once each of its items has a done or a
waiver recorded since the upgrade (a recurring one: any period since); the moment is the
latest of those. Read from the unit's index, folded already for its status: the log is read
only for the few records whose moment is asked (the upgrade, each new measure's attestation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .logindex import LogIndex
from .models import Catalog, Record
from .standings import items_by_measure
from .status import ItemStatus, UnitStatus

_ATTESTED = ("done", "na")
_NOT_ASKED = ("upcoming", "inapplicable")


def moment(record: Record) -> datetime:
    """When a record says it was made: the replayed clock's moment (`--now`), else the real time."""
    return record.clock or record.at


@dataclass(frozen=True)
class UnitCompliance:
    """One upgraded unit: its last upgrade, the measures new in it that apply, and when each was attested."""

    status: UnitStatus
    upgraded: datetime  # the moment of its last upgrade
    before: str | None  # the version it ran before (None: that catalog is not kept in the store)
    after: str  # the version it moved to
    new: list[str]  # ids of the measures new in that version that apply to it now, in catalog order
    attested: dict[str, datetime]  # of those, the ones attested, and when (the last of their items)

    @property
    def missing(self) -> list[str]:
        return [m for m in self.new if m not in self.attested]

    @property
    def compliant(self) -> bool:
        return not self.missing

    @property
    def took(self) -> timedelta | None:
        """From the upgrade to the last new measure attested (None: not yet; zero: none was new)."""
        if self.missing:
            return None
        return max(self.attested.values(), default=self.upgraded) - self.upgraded

    @property
    def waiting(self) -> timedelta:
        """From the upgrade to the moment of the view."""
        return max(self.status.now - self.upgraded, timedelta(0))


def unit_compliance(status: UnitStatus, index: LogIndex, before: Catalog | None) -> UnitCompliance | None:
    """How a unit complied with its last upgrade (None: it was never upgraded). `before` is the
    catalog it ran before (None: not kept, so nothing can be told new)."""
    if not index.upgrades_at:
        return None
    place = index.upgrades_at[-1]
    upgrade = index.record_at(place)
    upgraded = moment(upgrade)
    if before is None:
        return UnitCompliance(status, upgraded, None, status.catalog.meta.version, [], {})
    kind = status.unit.kind
    known = {m.id for m in before.for_kind(kind)}
    items = items_by_measure(status)
    new: list[str] = []
    attested: dict[str, datetime] = {}
    for measure in status.catalog.for_kind(kind):
        if measure.id in known or any(old in known for old in measure.replaces):
            continue
        asked = [i for i in items.get(measure.id, []) if i.state not in _NOT_ASKED]
        if not asked:
            continue
        new.append(measure.id)
        moments = [_attested_at(item, index, place) for item in asked]
        if all(m is not None for m in moments):
            attested[measure.id] = max(upgraded, *(m for m in moments if m is not None))
    return UnitCompliance(status, upgraded, before.meta.version, status.catalog.meta.version, new, attested)


def _attested_at(item: ItemStatus, index: LogIndex, since: int) -> datetime | None:
    """When an item was first attested (done or waived) after the record at `since`, if it was."""
    measure = item.item.measure
    waiver = index.entry(measure.id, item.item.slot, part=item.item.part)
    found: list[int] = []
    if waiver is not None and waiver.action in _ATTESTED:
        found.append(waiver.at)
    if measure.cadence is not None:
        table = index.table(measure.id, item.item.slot, item.item.part)
        if table is not None:
            found += [at for at, action in zip(table.ats, table.actions, strict=True) if action in _ATTESTED]
    after = [at for at in found if at > since]
    if after:
        return moment(index.record_at(min(after)))
    return moment(index.record_at(max(found))) if found else None  # attested before the upgrade: at once


@dataclass(frozen=True)
class Compliance:
    """Time to compliance over the units looked at: each upgraded unit, and the province's line."""

    units: list[UnitCompliance]  # the upgraded units: not compliant first (most missing), then the slowest
    looked: int  # the units looked at
    not_upgraded: list[UnitStatus]  # those never upgraded

    @property
    def compliant(self) -> list[UnitCompliance]:
        return [u for u in self.units if u.compliant]

    @property
    def behind(self) -> list[UnitCompliance]:
        """The upgraded units not compliant yet."""
        return [u for u in self.units if not u.compliant]

    @property
    def median(self) -> timedelta | None:
        """The median time to compliance of the compliant units that had new measures to attest."""
        took = sorted(u.took for u in self.compliant if u.new and u.took is not None)
        if not took:
            return None
        half = len(took) // 2
        return took[half] if len(took) % 2 else (took[half - 1] + took[half]) / 2

    @property
    def slowest(self) -> UnitCompliance | None:
        """The compliant unit that took longest (of those that had new measures)."""
        done = [u for u in self.compliant if u.new and u.took is not None]
        return max(done, key=lambda u: u.took or timedelta(0)) if done else None


def compliance(found: Sequence[UnitCompliance | None], statuses: Sequence[UnitStatus]) -> Compliance:
    """The province's view of `found` (one per status, None for a unit never upgraded), its
    units in order: not compliant first (the most measures missing, the longest waiting), then
    the slowest compliant ones; ties in the order given."""
    upgraded = [u for u in found if u is not None]
    upgraded.sort(
        key=lambda u: (u.compliant, -len(u.missing), -u.waiting if not u.compliant else -(u.took or timedelta(0)))
    )
    never = [s for s, u in zip(statuses, found, strict=True) if u is None]
    return Compliance(upgraded, len(statuses), never)
