"""Unit parts: adding and retiring a unit's parts (blocks, wards), listing them, and where one stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ..core import clock
from ..core.errors import UserError, message
from ..core.logindex import Part
from ..core.models import Catalog, Draft, PartKind, Unit
from ..core.parts import find_part, part_kind, part_kinds, typed_part
from ..core.status import Tally, UnitStatus
from . import anchors
from .session import Session


@dataclass(frozen=True)
class PartRequest:
    """A part to add (`kind`, `part`, `name`) or to retire (`part`, `reason`), as typed."""

    part: str
    kind: str | None = None
    name: str | None = None
    reason: str | None = None
    at: str | None = None  # when it happened (default: now)


@dataclass(frozen=True)
class PartRecorded:
    unit: Unit
    catalog: Catalog
    kind: PartKind
    part: str
    draft: Draft
    command_unit: str | None = None


@dataclass(frozen=True)
class PartsView:
    """The unit's parts (retired ones too), with their kinds and how each active one stands."""

    status: UnitStatus
    parts: list[Part]
    kinds: list[PartKind]
    tallies: dict[str, Tally]


def _moment(session: Session, current: UnitStatus, unit: Unit, at: str | None, what: str) -> datetime:
    zone = ZoneInfo(current.catalog.meta.timezone)
    moment = clock.parse(at, zone, "--at") if at else current.now
    if moment > current.now:
        raise UserError("event.in_future", at=moment)
    if moment < unit.started_at:
        raise UserError("event.before_start", at=moment, started=unit.started_at)
    session.refuse_future(current.catalog, moment, message("clock.part", part=what, at=moment))
    return moment.astimezone(zone)


def add_part(session: Session, request: PartRequest) -> PartRecorded:
    """Record that the unit has a part from now (or `--at`): its measures kept per part become its items."""
    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    kind = part_kind(current.catalog, unit, request.kind or "")
    part = typed_part(request.part)
    known = index.parts.get(part)
    if known is not None:
        code = "part.exists" if known.retired is None else "part.was_retired"
        raise UserError(code, part=part, kind=known.kind, retired=known.retired)
    name = (request.name or "").strip() or None
    moment = _moment(session, current, unit, request.at, part)
    draft = session.draft(
        unit,
        current.catalog,
        actor,
        "part-added",
        part=part,
        part_kind=kind.id,
        part_name=name,
        occurred=moment,
    )
    anchors.append(session, unit, [draft], session.signer(actor), index)
    return PartRecorded(unit, current.catalog, kind, part, draft, current.command_unit)


def retire_part(session: Session, request: PartRequest) -> PartRecorded:
    """Record that a part is out of use from now (or `--at`): it has no open item any more,
    and its records stay."""
    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    found = find_part(index.parts, request.part)
    if request.kind is not None and part_kind(current.catalog, unit, request.kind).id != found.kind:
        raise UserError("part.other_kind", part=found.id, kind=found.kind, named=request.kind)
    if found.retired is not None:
        raise UserError("part.retired_already", part=found.id, retired=found.retired)
    reason = (request.reason or "").strip()
    if not reason:
        raise UserError("part.retire_needs_reason")
    moment = _moment(session, current, unit, request.at, found.id)
    if moment < found.added:
        raise UserError("part.retired_before_added", part=found.id, at=moment, added=found.added)
    kinds = {kind.id: kind for kind in part_kinds(current.catalog, unit)}
    draft = session.draft(
        unit,
        current.catalog,
        actor,
        "part-retired",
        part=found.id,
        occurred=moment,
        note=reason,
    )
    anchors.append(session, unit, [draft], session.signer(actor), index)
    kind = kinds.get(found.kind) or PartKind.model_validate({"id": found.kind, "name": {"en": found.kind}})
    return PartRecorded(unit, current.catalog, kind, found.id, draft, current.command_unit)


def parts(session: Session) -> PartsView:
    """The unit's parts, in the order they were added."""
    current = session.status(session.select_unit())
    return PartsView(current, current.parts, part_kinds(current.catalog, current.unit), current.part_tallies())
