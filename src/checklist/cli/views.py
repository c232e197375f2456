"""Read-only commands: list, status, log, units."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from . import options
from .app import app

if TYPE_CHECKING:
    from ..core.models import Catalog


@app.command("list")
def list_items(
    unit: options.Unit = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only items not yet done, n/a or blocked.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Every item (the default).")] = False,
    section: Annotated[
        str | None, typer.Option("--section", "-s", metavar="S", help="Only one section (id or name).")
    ] = None,
    missed: Annotated[bool, typer.Option("--missed", help="Also list the missed periods of recurring items.")] = False,
    json: options.Json = False,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """List a unit's items, numbered, with their state. `checklist done N` takes those numbers."""
    from ..core.errors import UserError
    from ..core.status import PENDING
    from ..workspace import Workspace

    if open_only and show_all:
        raise UserError("--open and --all exclude each other")
    ws = Workspace.open(store, catalog, now)
    status = ws.status(ws.select_unit(unit))
    chosen = status.items
    if section:
        wanted = _section(status.catalog, section)
        chosen = [s for s in chosen if s.item.measure.section == wanted]
    if open_only:
        chosen = [s for s in chosen if s.state in PENDING]
    if json:
        from ..report import items_document
        from .output import print_json

        print_json(items_document(status, chosen))
        return
    from .i18n import resolve_lang, t
    from .output import stdout
    from .render import checklist_table

    language = resolve_lang(lang)
    stdout().print(
        checklist_table(
            status,
            chosen,
            language,
            t("head.checklist", language, name=status.catalog.unit_name(status.unit, language)),
            missed,
        )
    )


def _section(catalog: Catalog, token: str) -> str:
    from ..core.errors import NotFound
    from ..core.fuzzy import closest

    wanted = token.strip().casefold()
    for section in catalog.meta.sections:
        if wanted in (section.id, section.name.zh.casefold(), section.name.en.casefold()):
            return section.id
    ids = [s.id for s in catalog.meta.sections]
    raise NotFound(
        f"no section {token!r}",
        closest(wanted, ids) or None,
        hint=None if closest(wanted, ids) else "sections: " + ", ".join(ids),
    )


@app.command()
def status(
    unit: options.Unit = None,
    all_units: Annotated[bool, typer.Option("--all", "-a", help="Every unit in the store, one line each.")] = False,
    json: options.Json = False,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Where a unit stands: progress per section, totals, critical items still open."""
    from ..core.errors import UserError
    from ..workspace import Workspace

    if unit and all_units:
        raise UserError("--unit and --all exclude each other")
    ws = Workspace.open(store, catalog, now)
    statuses = [ws.status(u) for u in ws.store.units()] if all_units else [ws.status(ws.select_unit(unit))]
    if json:
        from ..report import status_document
        from .output import print_json

        documents = [status_document(s, ws.newer_catalog(s.unit, s.catalog)) for s in statuses]
        print_json({"format": 1, "units": documents} if all_units else documents[0])
        return
    from .i18n import resolve_lang
    from .output import stdout
    from .render import all_units_view, status_view

    language = resolve_lang(lang)
    if all_units:
        stdout().print(all_units_view(statuses, language))
        return
    newer = ws.newer_catalog(statuses[0].unit, statuses[0].catalog)
    stdout().print(status_view(statuses[0], language, newer.meta.version if newer else None))


@app.command()
def log(
    unit: options.Unit = None,
    item: Annotated[
        str | None, typer.Option("--item", "-i", metavar="ITEM", help="Only one item (number, id or prefix).")
    ] = None,
    json: options.Json = False,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
) -> None:
    """The audit trail: every record of a unit, oldest first."""
    from ..core.items import resolve
    from ..core.logindex import LogIndex
    from ..core.status import items_for
    from ..report import log_document
    from ..workspace import Workspace
    from .i18n import resolve_lang, t
    from .output import message, print_json, stdout
    from .render import log_table

    ws = Workspace.open(store, catalog)
    chosen = ws.select_unit(unit)
    records = ws.store.records(chosen.id)
    runs = ws.catalog_for(chosen, LogIndex.of(records))  # from the records in hand: no second read of the log
    if item:
        wanted = resolve(item, items_for(runs, chosen.kind)).id
        records = [r for r in records if r.item == wanted]
    if json:
        print_json(log_document(chosen.id, records))
        return
    language = resolve_lang(lang)
    if not records:
        message(t("msg.no_records", language))
        return
    stdout().print(log_table(records, language, t("head.log", language, name=runs.unit_name(chosen, language))))


@app.command()
def units(
    lang: options.Lang = None,
    catalog: options.Catalog = None,
) -> None:
    """The kinds of unit in the catalog, and how many measures each has."""
    from ..core import catalog as catalogs
    from .i18n import resolve_lang
    from .output import stdout
    from .render import units_table

    loaded = catalogs.load(catalogs.resolve_path(catalog))
    stdout().print(units_table(loaded, resolve_lang(lang)))
