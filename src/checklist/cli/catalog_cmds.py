"""Commands about the catalog itself: validate, schema."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options
from .app import app


@app.command()
def validate(
    path: Annotated[
        str | None, typer.Argument(metavar="[PATH]", help="Catalog folder or file (default: the one in use).")
    ] = None,
    json: options.Json = False,
    lang: options.Lang = None,
) -> None:
    """Check a catalog and report every problem at once, with file, line and column."""
    from ..core import catalog as catalogs
    from ..core.errors import CatalogError
    from .i18n import resolve_lang, t
    from ..present.messages import problem_document, problem_text
    from .output import message, print_json, safe

    language = resolve_lang(lang)
    try:
        loaded = catalogs.load(catalogs.resolve_path(path))
    except CatalogError as exc:
        if json:
            print_json({"valid": False, "problems": [problem_document(p) for p in exc.problems]})
        else:
            for problem in exc.problems:
                typer.echo(safe(problem_text(problem)))
            message(t("msg.catalog_bad", language, count=len(exc.problems)), style="bold red")
        raise typer.Exit(exc.exit_code) from None
    if json:
        print_json(
            {
                "valid": True,
                "name": loaded.meta.name,
                "version": loaded.meta.version,
                "digest": loaded.digest,
                "measures": len(loaded.measures),
            }
        )
        return
    message(
        t(
            "msg.catalog_ok",
            language,
            name=loaded.meta.name,
            version=loaded.meta.version,
            count=len(loaded.measures),
            kinds=len(loaded.meta.unit_kinds),
        ),
        style="green",
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of the measure file format, for editors that check YAML."""
    from ..core.models import catalog_json_schema
    from .output import print_json

    print_json(catalog_json_schema())


@app.command()
def upgrade(
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
) -> None:
    """Move a unit to the newest version of its catalog (or --catalog PATH), recorded as an action.

    New measures appear open, removed ones keep their records and show as retired, and items
    attested against an earlier wording say so.
    """
    from ..workspace import Workspace
    from .i18n import resolve_lang, t
    from .output import message

    ws = Workspace.open(store, catalog)
    chosen = ws.select_unit(unit)
    moved = ws.upgrade(chosen, ws.actor(by))
    language = resolve_lang(lang)
    if moved is None:
        message(t("msg.upgrade_noop", language, id=chosen.id), style="yellow")
        return
    old, new = moved
    before = {m.id: m for m in old.for_kind(chosen.kind)}
    after = {m.id: m for m in new.for_kind(chosen.kind)}
    added = [i for i in after if i not in before]
    retired = [i for i in before if i not in after]
    reworded = [i for i in after if i in before and after[i].wording() != before[i].wording()]
    message(
        t(
            "msg.upgraded",
            language,
            id=chosen.id,
            old=old.meta.version,
            new=new.meta.version,
            added=len(added),
            retired=len(retired),
            reworded=len(reworded),
        ),
        style="green",
    )
    for label, ids in (("+", added), ("-", retired), ("~", reworded)):
        for item_id in ids:
            message(f"  {label} {item_id}")
