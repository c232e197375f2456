"""Roles: who holds which role of the catalog's head, granted and revoked as records."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from . import options
from .command import Command, Group

role_app = typer.Typer(
    name="role",
    cls=Group,
    help="Who holds which role (warden, health officer): `role` lists them; `role grant`, `role revoke` record.",
    invoke_without_command=True,
    add_completion=False,
)

Person = Annotated[str, typer.Argument(metavar="PERSON", help="The person's name, as they attest with --by.")]
RoleId = Annotated[str, typer.Argument(metavar="ROLE", help="The role's id (or its name), from the catalog's head.")]
Reason = Annotated[str | None, typer.Option("--reason", "-r", metavar="TEXT", help="Why (kept in the log).")]


@role_app.callback()
def role_list(
    ctx: typer.Context,
    unit: options.Unit = None,
    json: options.Json = False,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Who holds which role of the unit now, since when and granted by whom.

    Example: checklist role grant 张三 warden --by 李四 --reason "任命文件 2020-3号"
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..usecases.recording import roles
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang, now=now)
    view = roles(Session.open(settings))
    if json:
        from ..present.documents import roles_document
        from ..present.output import print_json

        print_json(roles_document(view))
        return
    from ..present.output import stdout
    from ..present.terminal import roles_table

    stdout().print(roles_table(view, settings.lang))


def _record(person: str, role: str, revoke: bool, reason: str | None, **where: Any) -> None:
    from ..present.notices import role_recorded
    from ..usecases.recording import RoleRequest, record_role
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(**{**where, "lang": options.language_of_run(where.get("lang"))})
    role_recorded(record_role(Session.open(settings), RoleRequest(person, role, revoke, reason)), settings.lang)


@role_app.command("grant", cls=Command)
def role_grant(
    person: Person,
    role: RoleId,
    reason: Reason = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Give a person a role: from now on they hold it (a record of the log, signed as any).

    Example: checklist role grant 张三 warden --by 李四 --reason "appointed by order 2020-3"
    """
    _record(person, role, False, reason, store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)


@role_app.command("revoke", cls=Command)
def role_revoke(
    person: Person,
    role: RoleId,
    reason: Reason = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """A person no longer holds a role from now on (the grant stays in the log).

    Example: checklist role revoke 张三 warden --reason "调任"
    """
    _record(person, role, True, reason, store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
