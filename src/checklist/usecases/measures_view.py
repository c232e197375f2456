"""The supervisor's view, part 2: measures across units (`status --all --by-measure`), one
measure in each unit (`status --all --item ID`), and time to compliance after a catalog
upgrade (`status --all --compliance`).

Each takes the units `status --all` keeps (its filters, and whatever narrows it: a node of
the hierarchy) as the SupervisorView it made, so each counts over statuses folded once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core import standings
from ..core.compliance import Compliance, UnitCompliance, compliance, unit_compliance
from ..core.logindex import LogIndex
from ..core.status import UnitStatus
from .session import Session
from .views import SupervisorView, natural_key, unit_name


@dataclass(frozen=True)
class ByMeasureView:
    supervised: SupervisorView  # the units looked at (those the filters keep) and the province
    measures: standings.ByMeasure


@dataclass(frozen=True)
class MeasureView:
    supervised: SupervisorView
    across: standings.MeasureAcross


@dataclass(frozen=True)
class ComplianceView:
    supervised: SupervisorView
    compliance: Compliance


def looked_at(view: SupervisorView) -> list[UnitStatus]:
    """The statuses of the units a supervisor's view keeps, in natural order of their names."""
    return sorted((v.status for v in view.units), key=lambda s: natural_key(unit_name(s)))


def by_measure(view: SupervisorView) -> ByMeasureView:
    """Which measures are missed or overdue in the most of the units `view` keeps."""
    return ByMeasureView(view, standings.by_measure(looked_at(view)))


def measure(session: Session, view: SupervisorView, token: str) -> MeasureView:
    """One measure (its id, its id without the kind, a unique prefix) in each unit `view` keeps;
    an unknown one is refused with the closest ids."""
    statuses = looked_at(view)
    named_by = statuses or [session.status(unit) for unit in session.store.units()]  # filters kept none
    found = standings.find_measure(token, named_by)
    return MeasureView(view, standings.measure_across(found, statuses, indexes(session, view)))


def indexes(session: Session, view: SupervisorView) -> Callable[[UnitStatus], LogIndex]:
    """A unit's index: the one its status was folded from, as the view kept it (else read again)."""
    kept = {v.status.unit.id: v.index for v in view.units if v.index is not None}

    def index(status: UnitStatus) -> LogIndex:
        found = kept.get(status.unit.id)
        return found if found is not None else session.view(status.unit)[1]

    return index


def time_to_compliance(session: Session, view: SupervisorView) -> ComplianceView:
    """How long each unit `view` keeps took to attest the measures new in its last upgrade."""
    statuses = looked_at(view)
    index_of = indexes(session, view)
    found: list[UnitCompliance | None] = []
    for status in statuses:
        index = index_of(status)
        before = None
        if index.upgrades_at:
            earlier = index.upgrades_at[:-1]
            digest = index.record_at(earlier[-1]).catalog if earlier else status.unit.catalog.digest
            before = session.kept_catalog(digest)
        found.append(unit_compliance(status, index, before))
    return ComplianceView(view, compliance(found, statuses))
