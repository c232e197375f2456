"""Read-only commands: list, status, log, units."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options


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
    from ..usecases import views
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if open_only and show_all:
        raise UserError("option.exclusive", first="--open", second="--all")
    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang, now=now)
    view = views.items(Session.open(settings), section, open_only)
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
    stdout().print(checklist_table(view.status, view.items, language, title, missed, view.archived))


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
    from ..usecases import views
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if unit and all_units:
        raise UserError("option.exclusive", first="--unit", second="--all")
    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang, now=now)
    session = Session.open(settings)
    found = views.all_units(session) if all_units else [views.unit_status(session)]
    if json:
        from ..present.documents import all_units_document, status_document
        from ..present.output import print_json

        print_json(all_units_document(found) if all_units else status_document(found[0].status, found[0].newer))
        return
    from ..present.output import stdout
    from ..present.terminal import all_units_view, status_view

    if all_units:
        stdout().print(all_units_view([view.status for view in found], settings.lang))
        return
    newer = found[0].newer
    stdout().print(status_view(found[0].status, settings.lang, newer.meta.version if newer else None))


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
    from ..present.documents import log_document
    from ..present.output import message, print_json, stdout
    from ..present.terminal import log_table
    from ..present.words import t
    from ..usecases import views
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang)
    view = views.log(Session.open(settings), item)
    if json:
        print_json(log_document(view.unit.id, view.records))
        return
    language = settings.lang
    if not view.records:
        message(t("msg.no_records", language))
        return
    title = t("head.log", language, name=view.catalog.unit_name(view.unit, language))
    stdout().print(log_table(view.records, language, title))


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
