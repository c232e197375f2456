"""Where units stand: status, the list of items, the agenda, subjects, and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core import blobs
from ..core.errors import NotFound, UserError
from ..core.fuzzy import closest
from ..core.items import resolve
from ..core.models import Catalog, Record, Unit
from ..core.status import PENDING, Archived, ItemStatus, UnitStatus, items_for, owned_by
from ..core.store import LogStream
from .session import Session

if TYPE_CHECKING:
    from ..core.agenda import Agenda


@dataclass(frozen=True)
class StatusView:
    status: UnitStatus
    newer: Catalog | None  # the unit's source catalog, when it differs from the version it runs
    kept_to: Owners | None = None  # the items of a role, or of a person's roles, only


@dataclass(frozen=True)
class Owners:
    """Whose items a view is kept to: a role's (`--role`), or those of the roles a person
    holds now (`--by`); `roles` empty: every item."""

    roles: list[str]
    role: str | None = None  # the role asked for, as its id
    person: str | None = None  # the person asked for


def owners(session: Session, role: str | None, person: str | None) -> Owners:
    """The roles whose items a view keeps to (see Owners); a person who holds no role is refused."""
    if role is None and person is None:
        return Owners([])  # before the imports: a plain `status` or `today` imports nothing of roles
    from ..core import names
    from ..core.roles import holdings, known_role, roles_of
    from .recording import role_records

    current, index = session.view(session.select_unit())
    if role is not None:
        found = known_role(current.catalog, role, prefix=True)
        return Owners([found], role=found)
    who = names.check(person or "", "--by")
    held = holdings(role_records(index), current.now)
    mine = roles_of(held, who)
    if not mine:
        raise UserError("role.holds_none", person=who, known=sorted({h.holder for h in held}))
    return Owners(mine, person=who)


def unit_status(session: Session, part: str | None = None, kept_to: Owners | None = None) -> StatusView:
    status = _status(session, part)
    if kept_to is not None and kept_to.roles:
        status = owned_by(status, kept_to.roles)
    return StatusView(status, session.newer_catalog(status.unit, status.catalog), kept_to)


def _status(session: Session, part: str | None) -> UnitStatus:
    """Where the unit stands, or only one of its parts (`--part`): unit parts."""
    status, index = session.view(session.select_unit())
    if part is None:
        return status
    from ..core.parts import find_part, of_part

    return of_part(status, find_part(index.parts, part))


def all_units(session: Session) -> list[StatusView]:
    """Every unit of the store, in the order of their ids."""
    views = []
    for unit in session.store.units():
        status = session.status(unit)
        views.append(StatusView(status, session.newer_catalog(unit, status.catalog)))
    return views


@dataclass(frozen=True)
class ItemsView:
    status: UnitStatus
    items: list[ItemStatus]
    whole: bool  # every item of the unit, not a selection
    archived: list[Archived]  # of the chosen items' measures: those of subjects settled for good, counted


def items(
    session: Session,
    section: str | None = None,
    open_only: bool = False,
    part: str | None = None,
    state: str | None = None,
) -> ItemsView:
    """The unit's items: of one section, open ones only, or those in one state (whose items
    settled for good are then not counted beside them)."""
    status = _status(session, part)
    chosen, kept = status.items, [] if open_only or state else status.archived
    if section:
        wanted = _section(status.catalog, section)
        chosen = [s for s in chosen if s.item.measure.section == wanted]
        kept = [a for a in kept if a.item.measure.section == wanted]
    if open_only:
        chosen = [s for s in chosen if s.state in PENDING]
    if state:
        chosen = [s for s in chosen if s.state == state]
    return ItemsView(status, chosen, len(chosen) == len(status.items), kept)


def _section(catalog: Catalog, token: str) -> str:
    wanted = token.strip().casefold()
    for section in catalog.meta.sections:
        if wanted in (section.id, (section.name.zh or "").casefold(), (section.name.en or "").casefold()):
            return section.id
    ids = [s.id for s in catalog.meta.sections]
    raise NotFound("section.unknown", closest(wanted, ids), token=token, known=ids)


@dataclass(frozen=True)
class AgendaView:
    status: UnitStatus
    agenda: Agenda
    kept_to: Owners | None = None  # the items of a role, or of a person's roles, only


def today(session: Session, ahead: int, part: str | None = None, kept_to: Owners | None = None) -> AgendaView:
    from ..core.agenda import agenda

    status = _status(session, part)
    if kept_to is not None and kept_to.roles:
        status = owned_by(status, kept_to.roles)
    return AgendaView(status, agenda(status, ahead), kept_to)


@dataclass(frozen=True)
class SubjectsView:
    status: UnitStatus
    subjects: dict[str, list[ItemStatus]]


def subjects(session: Session, open_only: bool = False) -> SubjectsView:
    status = session.status(session.select_unit())
    return SubjectsView(status, status.by_subject(pending_only=open_only))


@dataclass(frozen=True)
class LogView:
    unit: Unit
    catalog: Catalog | None  # the catalog the unit runs, when it was needed (an item named, a title)
    batches: Iterator[list[Record]]  # the records, oldest first, a batch at a time as they are read
    stream: LogStream  # the log they are read from
    item: str | None  # the id of the item asked for


def log(session: Session, item: str | None = None, titled: bool = True) -> LogView:
    """A unit's records, oldest first (of one item, if asked), read as they are shown: a
    chunk of the log at a time, whatever its length. To resolve an item, the catalog the unit
    runs is read (from the index of its log); to title a unit without a name, the kind's name
    is read from the catalog it was started with (no read of the log before the first line)."""
    unit = session.select_unit()
    runs = None
    if item:
        runs = session.catalog_for(unit, session.store.index(unit.id))
    elif titled and not unit.name:
        runs = blobs.kept_catalog(session.store, unit.catalog.digest) or session.source_catalog(unit)
    wanted = resolve(item, items_for(runs, unit.kind)).id if item and runs is not None else None
    stream = session.store.stream(unit.id)
    batches = stream.record_batches()
    if wanted is not None:
        batches = ([record for record in batch if record.item == wanted] for batch in batches)
    return LogView(unit, runs, batches, stream, wanted)
