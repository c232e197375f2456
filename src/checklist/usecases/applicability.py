"""The unit's attributes (a risk level, a medical ward): changing them, and their history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..core.conditions import resolve_assignments
from ..core.errors import UserError, message
from ..core.models import Attribute, Catalog, Draft, Record, Unit
from . import anchors
from .session import Session


@dataclass(frozen=True)
class SetRequest:
    assignments: Sequence[str]  # NAME=VALUE, as typed
    reason: str | None = None


@dataclass(frozen=True)
class AttributesSet:
    unit: Unit
    catalog: Catalog
    changed: dict[str, tuple[str, str]]  # attribute id -> (value before, value now)
    unchanged: list[str]  # attributes given the value they had: nothing recorded for them
    draft: Draft | None  # None: nothing changed


@dataclass(frozen=True)
class Change:
    """A recorded change of attributes: when it took effect, its record (who, why, when written)."""

    moment: datetime
    values: dict[str, str]
    record: Record


@dataclass(frozen=True)
class AttributeState:
    """An attribute now: its value, and the change that gave it (None: the catalog's default)."""

    attribute: Attribute
    value: str
    since: Change | None


@dataclass(frozen=True)
class AttributesView:
    unit: Unit
    catalog: Catalog
    now: datetime
    attributes: list[AttributeState]
    history: list[Change]  # oldest first


def set_attributes(session: Session, request: SetRequest) -> AttributesSet:
    """Record new values of the unit's attributes (one record for all of them); those given
    the value they have now are left out, and nothing is recorded if none changes."""
    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    catalog = current.catalog
    wanted = resolve_assignments(catalog, request.assignments)
    now = current.now
    if now < unit.started_at:
        raise UserError("set.before_start", at=now, started=unit.started_at)
    values = current.timeline.values if current.timeline is not None else {}
    changed = {name: (values.get(name, ""), value) for name, value in wanted.items() if values.get(name) != value}
    unchanged = [name for name in wanted if name not in changed]
    if not changed:
        return AttributesSet(unit, catalog, {}, unchanged, None)
    what = message("clock.attributes", values=[f"{name}={value}" for name, (_, value) in changed.items()])
    session.refuse_future(catalog, now, what)
    draft = session.draft(
        unit,
        catalog,
        actor,
        "set",
        attributes={name: value for name, (_, value) in changed.items()},
        note=(request.reason or "").strip() or None,
    )
    anchors.append(session, unit, [draft], session.signer(actor), index)
    return AttributesSet(unit, catalog, changed, unchanged, draft)


def attributes_view(session: Session) -> AttributesView:
    """The unit's attributes now, each with the change that gave it its value, and every change."""
    unit = session.select_unit()
    current, index = session.view(unit)
    catalog = current.catalog
    timeline = current.timeline
    if timeline is None:
        raise UserError("set.no_attributes", catalog=catalog.meta.name)
    history = [Change(moment, values, index.record_at(at)) for at, moment, values in timeline.changes]
    by_at = {change.record.seq: change for change in history}
    states = []
    for attribute in catalog.meta.attributes:
        stretch = timeline.since(attribute.id)
        record = index.record_at(stretch.at) if stretch.at is not None else None
        since = by_at.get(record.seq) if record is not None else None
        states.append(AttributeState(attribute, timeline.values.get(attribute.id, attribute.initial), since))
    return AttributesView(unit, catalog, current.now, states, history)
