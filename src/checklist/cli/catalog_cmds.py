"""Commands about the catalog itself: validate, schema, upgrade."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options


def validate(
    path: Annotated[
        str | None, typer.Argument(metavar="[PATH]", help="Catalog folder or file (default: the one in use).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings as problems (exit 3).")] = False,
    json: options.Json = False,
    lang: options.Lang = None,
) -> None:
    """Check a catalog and report every problem at once, with file, line and column.

    Problems stop a catalog (exit 3); warnings, printed after them, say what works but likely
    not as meant (exit 0, unless --strict).
    """
    from ..core.errors import CatalogError
    from ..present.messages import problem_text
    from ..present.output import message, print_json, safe
    from ..present.words import t, tn
    from ..usecases import catalogs
    from ..usecases.settings import Settings

    settings = Settings.load(lang=lang)
    language = settings.lang
    try:
        checked = catalogs.validate(settings, path, strict)
    except CatalogError as exc:
        if json:
            from ..present.documents import invalid_catalog_document

            print_json(invalid_catalog_document(exc.problems, exc.warnings))
        else:
            for problem in exc.problems:
                typer.echo(safe(problem_text(problem, language)))
            for warning in exc.warnings:
                typer.echo(safe(problem_text(warning, language, warning=True)))
            count, warnings = len(exc.problems), len(exc.warnings)
            problems = tn("count.problems", count, language)
            said = t(
                "msg.catalog_bad_warned", language, problems=problems, warnings=tn("count.warnings", warnings, language)
            )
            message(said if warnings else tn("msg.catalog_bad", count, language), style="bold red")
        raise typer.Exit(exc.exit_code) from None
    if json:
        from ..present.documents import valid_catalog_document

        print_json(valid_catalog_document(checked.catalog, checked.warnings))
        return
    for warning in checked.warnings:
        typer.echo(safe(problem_text(warning, language, warning=True)))
    meta = checked.catalog.meta
    count, kinds = len(checked.catalog.measures), len(meta.unit_kinds)
    message(
        t(
            "msg.catalog_ok",
            language,
            name=meta.name,
            version=meta.version,
            measures=tn("count.measures", count, language),
            kinds=tn("count.unit_kinds", kinds, language),
        ),
        style="green",
    )
    if checked.warnings:
        message(tn("msg.catalog_warned", len(checked.warnings), language), style="yellow")


def schema(
    output: Annotated[
        str,
        typer.Option(
            "--output",
            metavar="NAME",
            help="Whose schema: 'catalog' (measure files), or a --json document by name (see --list).",
        ),
    ] = "catalog",
    list_names: Annotated[bool, typer.Option("--list", help="List the names --output takes, and stop.")] = False,
    lang: options.Lang = None,
) -> None:
    """Print the JSON Schema of measure files, or of a --json document.

    By default the schema of measure files, for editors that check YAML; with `--output NAME`,
    that of a --json document (`--output status`), for scripts that read it.
    """
    from ..present import schemas
    from ..present.output import print_json

    if list_names:
        typer.echo("\n".join(schemas.names()))
        return
    print_json(schemas.schema(output))


def upgrade(
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Move a unit to the newest version of its catalog (or --catalog PATH), recorded as an action.

    New measures appear open, removed ones keep their records and show as retired, and items
    attested against an earlier wording say so.
    """
    from ..present.notices import upgraded
    from ..usecases import catalogs
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
    session = Session.open(settings)
    result = catalogs.upgrade(session)
    upgraded(result, session.select_unit().id, settings.lang)
