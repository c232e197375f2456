"""Read-only commands: list, status, log, units."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from . import options

if TYPE_CHECKING:
    from ..core.models import Record
    from ..usecases.views import SupervisorView


def list_items(
    unit: options.Unit = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only items not yet done, n/a or blocked.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Every item (the default).")] = False,
    section: Annotated[
        str | None, typer.Option("--section", "-s", metavar="S", help="Only one section (id or name).")
    ] = None,
    missed: Annotated[bool, typer.Option("--missed", help="Also list the missed periods of recurring items.")] = False,
    detail: Annotated[
        bool, typer.Option("--detail", "-d", help="Show each measure's text and the catalog's guidance, apart.")
    ] = False,
    part: options.OnlyPart = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            metavar="STATE",
            help="Only items in one state: done, partial, na, blocked, open (or 完成, 部分完成, 不适用, 受阻, 未完成).",
        ),
    ] = None,
    json: options.Json = False,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """List a unit's items, numbered, with their state. `checklist done N` takes those numbers."""
    from ..core.errors import UserError
    from ..core.typed import parse_state
    from ..usecases import views
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if open_only and show_all:
        raise UserError("option.exclusive", first="--open", second="--all")
    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang, now=now)
    wanted = parse_state(state, "--state") if state is not None else None
    view = views.items(Session.open(settings), section, open_only, part, wanted)
    if json:
        from ..present.documents import items_document
        from ..present.output import print_json

        print_json(items_document(view.status, view.items, view.archived))
        return
    from ..present.output import stdout
    from ..present.terminal import checklist_table
    from ..present.words import t

    language = settings.lang
    name = view.status.catalog.unit_name(view.status.unit, language)
    title = t("head.checklist", language, name=name)
    stdout().print(checklist_table(view.status, view.items, language, title, missed, view.archived, detail))


def status(
    unit: options.Unit = None,
    all_units: Annotated[
        bool, typer.Option("--all", "-a", help="Every unit in the store, one line each, under the province's headline.")
    ] = False,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            metavar="ORDER",
            help="With --all: attention (the default: what needs it first), name or progress.",
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", metavar="KIND", help="With --all: only units of one kind (id or name).")
    ] = None,
    missing: Annotated[bool, typer.Option("--missing", help="With --all: only units with no report today.")] = False,
    alerts: Annotated[
        bool, typer.Option("--alerts", help="With --all: only units with alerts to acknowledge.")
    ] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="With --all: only units with overdue critical items.")
    ] = False,
    by_measure: Annotated[
        bool,
        typer.Option(
            "--by-measure", help="With --all: one line per measure, those missed or overdue in the most units first."
        ),
    ] = False,
    measure: Annotated[
        str | None,
        typer.Option(
            "--item",
            "-i",
            metavar="ID",
            help="With --all: one measure (its id) in each unit, those needing attention first.",
        ),
    ] = None,
    compliance: Annotated[
        bool,
        typer.Option(
            "--compliance",
            help="With --all: how long each unit took to attest the measures new in its last catalog upgrade.",
        ),
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Print straight out, not through a pager (only a terminal is paged).")
    ] = False,
    under: options.Under = None,
    by_node: options.ByNode = False,
    days: options.Days = None,
    part: options.OnlyPart = None,
    role: options.Role = None,
    person: options.Holder = None,
    json: options.Json = False,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Where a unit stands: progress per section, totals, critical items still open."""
    from ..core.errors import UserError
    from ..usecases import views
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if unit and all_units:
        raise UserError("option.exclusive", first="--unit", second="--all")
    if part and all_units:
        raise UserError("option.exclusive", first="--part", second="--all")
    if role and person:
        raise UserError("option.exclusive", first="--role", second="--by")
    if all_units and (role or person):
        raise UserError("option.exclusive", first="--all", second="--role" if role else "--by")
    asked = {"--sort": sort is not None, "--kind": kind is not None, "--missing": missing}
    asked |= {"--alerts": alerts, "--overdue": overdue, "--under": under is not None, "--by-node": by_node}
    asked |= {"--days": days is not None}
    axis = {"--by-measure": by_measure, "--item": measure is not None, "--compliance": compliance}
    asked |= axis
    if not all_units and any(asked.values()):
        raise UserError("option.needs_all", option=next(name for name, on in asked.items() if on))
    if any(axis.values()):
        _refuse_with_the_other_axis(sort, compliance, by_measure, measure, by_node, days)
    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang, now=now)
    session = Session.open(settings)
    whole = not by_node and days is None and not any(axis.values())
    if all_units and json and whole:  # the kept summaries answer it
        from ..present.rollup import print_rollup, unit_text
        from ..usecases.rollup import rollup

        rolled = rollup(
            session,
            unit_text,
            sort or "attention",
            kind=kind,
            missing=missing,
            alerts=alerts,
            overdue=overdue,
            under=under,
        )
        print_rollup(rolled)
        return
    if all_units:
        view = views.supervisor(
            session,
            sort,
            kind=kind,
            missing=missing,
            alerts=alerts,
            overdue=overdue,
            under=under,
            by_node=by_node,
            days=days,
        )
        if by_measure or measure is not None or compliance:
            from .measures import measures_view

            measures_view(session, view, measure, compliance, json=json, no_pager=no_pager, lang=settings.lang)
            return
        _supervisor(view, json, no_pager, settings.lang)
        return
    kept_to = views.owners(session, role, person)
    found = [views.unit_status(session, part, kept_to)]
    if json:
        from ..present.documents import status_document
        from ..present.output import print_json

        roles = kept_to.roles or None if kept_to is not None else None
        print_json(status_document(found[0].status, found[0].newer, roles))
        return
    from ..present.output import stdout
    from ..present.terminal import kept_to_line, status_view

    if kept_to is not None and kept_to.roles:
        stdout().print(kept_to_line(found[0].status.catalog, kept_to.roles, kept_to.person, settings.lang))
    newer = found[0].newer
    stdout().print(status_view(found[0].status, settings.lang, newer.meta.version if newer else None))


def _refuse_with_the_other_axis(
    sort: str | None, compliance: bool, by_measure: bool, measure: str | None, by_node: bool, days: int | None
) -> None:
    """`--by-measure`, `--item` and `--compliance` have their own order and no grid or nodes."""
    from ..core.errors import UserError

    if sort is not None:
        raise UserError("option.exclusive", first="--sort", second="--compliance" if compliance else "--by-measure")
    if compliance and (by_measure or measure is not None):
        raise UserError("option.exclusive", first="--compliance", second="--item" if measure else "--by-measure")
    if by_node or days is not None:
        first = "--compliance" if compliance else "--item" if measure is not None else "--by-measure"
        raise UserError("option.exclusive", first=first, second="--by-node" if by_node else "--days")


def _supervisor(view: SupervisorView, json: bool, no_pager: bool, lang: str) -> None:
    """`status --all`: the province's headline, then one line per unit, paged on a terminal."""
    from ..present.output import paged
    from ..usecases.settings import pager_from

    if json:
        from ..present.documents import all_units_document
        from ..present.output import print_json

        print_json(all_units_document(view))
        return
    from ..present.terminal import supervisor_view

    with paged(pager_from(no_pager)) as (_, console):
        console.print(supervisor_view(view, lang, console.width))
    from .measures import province_hint

    province_hint(view, lang)  # the next level down, on stderr


def log(
    unit: options.Unit = None,
    item: Annotated[
        str | None, typer.Option("--item", "-i", metavar="ITEM", help="Only one item (number, id or prefix).")
    ] = None,
    json: options.Json = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Print straight out, not through a pager (only a terminal is paged).")
    ] = False,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
) -> None:
    """The audit trail: every record of a unit, oldest first.

    Printed as the log is read; on a terminal, through a pager ($CHECKLIST_PAGER, else $PAGER,
    else less -FRX), as git does."""
    from ..present.output import message, paged
    from ..present.words import t
    from ..usecases import views
    from ..usecases.session import Session
    from ..usecases.settings import Settings, pager_from

    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang)
    view = views.log(Session.open(settings), item, titled=not json)
    if json:
        from ..present.logjson import write_log_json

        with paged(pager_from(no_pager)) as (out, _):
            write_log_json(view.stream, view.item, out)
        return
    from ..present.terminal import log_tables

    language = settings.lang
    batches = _nonempty(view.batches)
    if batches is None:
        message(t("msg.no_records", language))
        return
    name = view.catalog.unit_name(view.unit, language) if view.catalog is not None else view.unit.name or view.unit.id
    with paged(pager_from(no_pager)) as (_, console):
        title = t("head.log", language, name=name)
        for table in log_tables(batches, language, title, console.width, view.catalog):
            console.print(table)


def _nonempty(batches: Iterator[list[Record]]) -> Iterator[list[Record]] | None:
    """The batches of records, or None if there is no record at all (read up to the first)."""
    for batch in batches:
        if batch:
            return itertools.chain([batch], batches)
    return None


def units(
    lang: options.Lang = None,
    catalog: options.Catalog = None,
) -> None:
    """The kinds of unit in the catalog, and how many measures each has."""
    from ..present.output import stdout
    from ..present.terminal import units_table
    from ..usecases.settings import Settings
    from ..usecases.units import catalog_kinds

    settings = Settings.load(catalog=catalog, lang=lang)
    stdout().print(units_table(catalog_kinds(settings), settings.lang))
