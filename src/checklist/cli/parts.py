"""Unit parts: `checklist part` (list), `part add`, `part retire`."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options
from .command import Command, Group

parts_app = typer.Typer(
    name="part",
    cls=Group,
    help="A unit's parts (blocks, wards, dormitories): list them, add one, retire one.\n\n"
    "Measures kept per part become one item per part, rolled up into the unit.\n\n"
    "Examples:\n\n"
    '  checklist part add block A区 --name "一监区"\n\n'
    '  checklist part retire block A区 --reason "监区合并"\n\n'
    "  checklist part",
    invoke_without_command=True,
    add_completion=False,
)

At = Annotated[
    str | None, typer.Option("--at", metavar="TIME", help="When it happened (default: now).", show_default=False)
]


@parts_app.callback()
def parts(
    ctx: typer.Context,
    json: options.Json = False,
    unit: options.Unit = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """List the unit's parts (retired ones too) and how each stands; `part add` and `part retire` change them."""
    if ctx.invoked_subcommand is not None:
        return
    _list(json=json, unit=unit, lang=lang, store=store, catalog=catalog, now=now)


@parts_app.command("list", cls=Command)
def parts_list(
    json: options.Json = False,
    unit: options.Unit = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """List the unit's parts (retired ones too) and how each stands."""
    _list(json=json, unit=unit, lang=lang, store=store, catalog=catalog, now=now)


def _list(
    *, json: bool, unit: str | None, lang: str | None, store: str | None, catalog: str | None, now: str | None
) -> None:
    from ..present.output import print_json, stdout
    from ..usecases.parts import parts as list_parts
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=options.language_of_run(lang), now=now)
    view = list_parts(Session.open(settings))
    if json:
        from ..present.documents import parts_document

        print_json(parts_document(view))
        return
    from ..present.terminal import parts_table

    stdout().print(parts_table(view, settings.lang))


@parts_app.command("add", cls=Command)
def part_add(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="The kind of part (block), as the catalog names it.")],
    part: Annotated[str, typer.Argument(metavar="ID", help="The part's id in this unit (A区), used by --part.")],
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Its name as shown (一监区).", show_default=False)
    ] = None,
    at: At = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Add a part to the unit: its measures kept per part become items from now (or --at).

    Example: checklist part add block A区 --name "一监区"
    """
    from ..present.notices import part_recorded
    from ..usecases.parts import PartRequest, add_part
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(
        store=store, catalog=catalog, unit=unit, by=by, lang=options.language_of_run(lang), now=now
    )
    result = add_part(Session.open(settings), PartRequest(part, kind=kind, name=name, at=at))
    part_recorded(result, settings.lang)


@parts_app.command("retire", cls=Command)
def part_retire(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="The kind of part (block).")],
    part: Annotated[str, typer.Argument(metavar="ID", help="The part's id in this unit (A区).")],
    reason: Annotated[str, typer.Option("--reason", "-r", metavar="TEXT", help="Why (required).", show_default=False)],
    at: At = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Retire a part: it has no open items from now (or --at); its records stay.

    Example: checklist part retire block A区 --reason "监区合并"
    """
    from ..present.notices import part_recorded
    from ..usecases.parts import PartRequest, retire_part
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(
        store=store, catalog=catalog, unit=unit, by=by, lang=options.language_of_run(lang), now=now
    )
    result = retire_part(Session.open(settings), PartRequest(part, kind=kind, reason=reason, at=at))
    part_recorded(result, settings.lang)
