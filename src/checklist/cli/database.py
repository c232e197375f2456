"""`checklist db …`: a store in a PostgreSQL database — its schema, and who may do what."""

from __future__ import annotations

import typer

from . import options
from .command import Command, Group

db_app = typer.Typer(
    name="db",
    cls=Group,
    help="A store in a PostgreSQL database: make or upgrade its schema, grant roles.",
    no_args_is_help=True,
    add_completion=False,
)


@db_app.callback()
def db(lang: options.Lang = None) -> None:
    """A store in a PostgreSQL database: make or upgrade its schema, grant roles."""


@db_app.command("migrate", cls=Command)
def db_migrate(lang: options.Lang = None, store: options.Store = None) -> None:
    """Create or upgrade the checklist schema in the database --store (or CHECKLIST_STORE) names.

    Example: `checklist db migrate --store postgresql://admin@db.example/checklist`
    """
    from ..present.database import migrated
    from ..present.output import stdout
    from ..usecases import database
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, lang=options.language_of_run(lang))
    stdout().print(migrated(database.migrate(settings), settings.lang))
