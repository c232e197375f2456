"""Where units stand: status, the list of items, the agenda, subjects, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..core import blobs
from ..core.errors import NotFound, UserError
from ..core.fuzzy import closest
from ..core.items import resolve
from ..core.logindex import LogIndex
from ..core.models import Catalog, Record, Unit
from ..core.models import Text as FieldLabel
from ..core.status import PENDING, Archived, ItemStatus, UnitStatus, items_for, owned_by
from ..core.store import LogStream
from .session import Session

if TYPE_CHECKING:
    from ..core.agenda import Agenda
    from ..core.history import History
    from ..core.logindex import LogIndex
    from .hierarchy import Node, NodeRollup


@dataclass(frozen=True)
class StatusView:
    status: UnitStatus
    newer: Catalog | None  # the unit's source catalog, when it differs from the version it runs
    kept_to: Owners | None = None  # the items of a role, or of a person's roles, only
    # The index the status was folded from (all_units keeps it: its entries hold it anyway), for
    # the views that read a little more of it (measures_view.py) without folding again.
    index: LogIndex | None = field(default=None, compare=False, repr=False)


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


def all_units(session: Session, each: Callable[[UnitStatus, LogIndex], None] | None = None) -> list[StatusView]:
    """Every unit of the store, in the order of their ids (each status and its index given to
    `each` as it is read: the index is not kept)."""
    views = []
    for unit in session.store.units():
        status, index = session.view(unit)
        if each is not None:
            each(status, index)
        views.append(StatusView(status, session.newer_catalog(unit, status.catalog), index=index))
    return views


SORTS: tuple[Literal["attention", "name", "progress"], ...] = ("attention", "name", "progress")
SORT_NAMES = {"关注": "attention", "名称": "name", "进度": "progress"}  # as a duty officer may type them


@dataclass(frozen=True)
class Province:
    """The headline of a store's units, as a supervisor reads it first: how many reported
    today (and which did not), today's headline figures summed over the units that reported
    (one that did not is not counted as zero), and how many units have open alerts and
    overdue critical items. Counts every unit of the store, whatever the filters."""

    units: int
    reporting: int
    missing: list[UnitStatus]  # not reporting today, in natural order of their names
    figures: dict[str, int | float]  # by field id of the headline measure, summed over the units that reported
    labels: dict[str, FieldLabel]  # the fields' labels, by id, in the catalog's order
    alerting: int  # units with an alert not acknowledged
    overdue: int  # units with an overdue critical item


@dataclass(frozen=True)
class SupervisorView:
    """`status --all`: the headline, then the units kept by the filters, in the order asked."""

    province: Province
    units: list[StatusView]
    sort: Literal["attention", "name", "progress", "missing"]  # missing: the default with --days
    filters: Filters
    total: int  # units in the store (under the node, with --under)
    node: Node = ()  # --under: the node whose units these are (the root: the whole store)
    rollups: list[NodeRollup] | None = None  # --by-node: the headline of each child body of the node
    histories: dict[str, History] | None = None  # --days N: each unit's last days, by unit id


@dataclass(frozen=True)
class Filters:
    kind: str | None = None  # a unit kind's id
    missing: bool = False
    alerts: bool = False
    overdue: bool = False

    @property
    def on(self) -> bool:
        return self.kind is not None or self.missing or self.alerts or self.overdue


def reported_today(status: UnitStatus) -> bool:
    return bool(status.headlines) and status.headlines[0].reported_today


def overdue_critical(status: UnitStatus) -> list[ItemStatus]:
    return [s for s in status.overdue if s.item.measure.priority == "critical"]


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Names in natural order: 单位2 before 单位10, digits (full-width too) compared as numbers."""
    import re

    return tuple(
        (1, int(part), part) if part.isdecimal() else (0, 0, part.casefold())
        for part in re.split(r"(\d+)", name)
        if part
    )


def unit_name(status: UnitStatus) -> str:
    return status.unit.name or status.unit.id


def supervisor(
    session: Session,
    sort: str | None = "attention",
    *,
    kind: str | None = None,
    missing: bool = False,
    alerts: bool = False,
    overdue: bool = False,
    under: str | None = None,
    by_node: bool = False,
    days: int | None = None,
) -> SupervisorView:
    """Every unit of the store (under a node: --under) under the headline, filtered and sorted
    (SORTS; with --days and no order asked, the longest missing first); --by-node: the
    headline of each child body too; --days: each unit's last days (core/history.py)."""
    from .hierarchy import grown, last_days

    sort = sort or ("missing" if days is not None else "attention")
    wanted_order = SORT_NAMES.get(sort.strip(), sort.strip().casefold())
    order: Literal["attention", "name", "progress", "missing"] | None = next(
        (s for s in SORTS if s == wanted_order), "missing" if sort == "missing" and days is not None else None
    )
    if order is None:
        raise UserError("sort.unknown", token=sort, attention="attention", name="name", progress="progress")
    histories, each = last_days(days)
    found, node, rollups, histories = grown(all_units(session, each), histories, under, by_node)
    wanted = None
    if kind is not None:
        from ..core.catalog import resolve_kind

        catalog = found[0].status.catalog if found else session.catalog()
        wanted = resolve_kind(catalog, kind).id
    filters = Filters(wanted, missing, alerts, overdue)
    shown = [
        v
        for v in found
        if (wanted is None or v.status.unit.kind == wanted)
        and (not missing or not reported_today(v.status))
        and (not alerts or v.status.unacknowledged)
        and (not overdue or overdue_critical(v.status))
    ]
    shown.sort(key=lambda v: natural_key(unit_name(v.status)))
    if order == "attention":
        shown.sort(
            key=lambda v: (
                not v.status.unacknowledged,
                not overdue_critical(v.status),
                reported_today(v.status),
                v.status.tally.percent,
            )
        )
    elif order == "progress":
        shown.sort(key=lambda v: v.status.tally.percent)
    elif order == "missing" and histories is not None:  # the longest run of days without a report first
        shown.sort(key=lambda v: -histories[v.status.unit.id].missing_run)
    total = province([v.status for v in found])
    return SupervisorView(total, shown, order, filters, len(found), node, rollups, histories)


def province(statuses: list[UnitStatus]) -> Province:
    figures: dict[str, int | float] = {}
    labels: dict[str, FieldLabel] = {}
    reporting = 0
    for status in statuses:
        if not status.headlines:
            continue
        headline = status.headlines[0]
        for spec in headline.item.item.measure.fields:
            labels.setdefault(spec.id, spec.label)
        if not headline.reported_today:
            continue
        reporting += 1
        for field_id, value in headline.values.items():
            figures.setdefault(field_id, 0)
            if isinstance(value, int | float) and not isinstance(value, bool):
                figures[field_id] += value
    missing = sorted((s for s in statuses if not reported_today(s)), key=lambda s: natural_key(unit_name(s)))
    return Province(
        units=len(statuses),
        reporting=reporting,
        missing=missing,
        figures={f: figures.get(f, 0) for f in labels} if reporting else {},
        labels=labels,
        alerting=sum(1 for s in statuses if s.unacknowledged),
        overdue=sum(1 for s in statuses if overdue_critical(s)),
    )


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
