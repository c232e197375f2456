"""`checklist db …`: a store in a PostgreSQL database — its schema, and who may do what."""

from __future__ import annotations

from typing import Annotated

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


KindArg = Annotated[
    str, typer.Argument(metavar="KIND", help="`writer` (of a unit), `supervisor` (of a node) or `admin`.")
]
RoleArg = Annotated[
    str, typer.Argument(metavar="ROLE", help="The login role: lowercase letters, digits and _ (at most 63).")
]
UnitOption = Annotated[
    str | None, typer.Option("--unit", metavar="ID", help="A writer's unit: the unit's id (`checklist units`).")
]
NodeOption = Annotated[
    str | None,
    typer.Option("--node", metavar="PATH", help="A supervisor's node: the bodies from the top down, as --under takes."),
]


def _access(action: str, kind: str, role: str, unit: str | None, node: str | None, **where: str | None) -> None:
    from ..present import database as words
    from ..present.output import stdout
    from ..usecases import database
    from ..usecases.settings import Settings

    settings = Settings.load(store=where.get("store"), lang=options.language_of_run(where.get("lang")))
    if action == "grant":
        text = words.granted(database.grant(settings, kind, role, unit, node), settings.lang)
    else:
        text = words.revoked(database.revoke(settings, kind, role, unit, node), settings.lang)
    stdout().print(text, markup=False, highlight=False)


@db_app.command("grant", cls=Command)
def db_grant(
    kind: KindArg,
    role: RoleArg,
    unit: UnitOption = None,
    node: NodeOption = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Let a login role write a unit, read the units under a node, or administer the store.

    `writer ROLE --unit ID`, `supervisor ROLE --node PATH` or `admin ROLE`, run by an
    administrator of the store. A role that does not exist yet is created as a login role
    without a password: the database's administrator sets one (`ALTER ROLE … PASSWORD`), or
    `pg_hba.conf` admits it (`peer`, `cert`). An admin role is also given `CREATEROLE`, to create
    and grant the others.

    Example: `checklist db grant writer cs_prison --unit cs-prison`
    """
    _access("grant", kind, role, unit, node, lang=lang, store=store)


@db_app.command("revoke", cls=Command)
def db_revoke(
    kind: KindArg,
    role: RoleArg,
    unit: UnitOption = None,
    node: NodeOption = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Take back what `db grant` gave, in the same form (the login role itself stays).

    With no other access of that kind left, the role also leaves the group role
    (`checklist_writer`, `checklist_supervisor` or `checklist_admin`).

    Example: `checklist db revoke writer cs_prison --unit cs-prison`
    """
    _access("revoke", kind, role, unit, node, lang=lang, store=store)


@db_app.command("roles", cls=Command)
def db_roles(json: options.Json = False, lang: options.Lang = None, store: options.Store = None) -> None:
    """Who may do what in the database: every role's access for an administrator, else your own.

    Example: `checklist db roles --json`
    """
    from ..present import database as words
    from ..usecases import database
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, lang=options.language_of_run(lang))
    shown, found = database.roles(settings)
    if json:
        from ..present.output import print_json

        print_json(words.roles_document(shown, found))
        return
    from ..present.output import stdout

    stdout().print(words.roles_lines(shown, found, settings.lang), markup=False, highlight=False)
