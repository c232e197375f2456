"""Commands about time: event, subjects, today."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options
from .app import app


@app.command()
def event(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="The kind of event, e.g. admission.")],
    subject: Annotated[str, typer.Option("--subject", metavar="ID", help="Whom it concerns (a prisoner's number).")],
    at: Annotated[str | None, typer.Option("--at", metavar="TIME", help="When it happened (default: now).")] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-n", metavar="TEXT", help="A note (the reason, to withdraw).")
    ] = None,
    withdraw: Annotated[
        bool, typer.Option("--withdraw", help="Withdraw an event recorded in error (needs --note).")
    ] = False,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Record an event, such as a new admission: its measures become items for that subject.

    Example: checklist event admission --subject P2020-017 --at 2020-01-27T10:30
    """
    from ..workspace import Workspace
    from .i18n import resolve_lang, t
    from .output import message

    ws = Workspace.open(store, catalog, now)
    chosen = ws.select_unit(unit)
    draft = ws.event(chosen, kind, subject, actor=ws.actor(by), at=at, note=note, withdraw=withdraw)
    language = resolve_lang(lang)
    if draft is None:
        message(t("msg.event_noop", language, kind=kind, subject=subject), style="yellow")
        return
    key = "msg.event_withdrawn" if withdraw else "msg.event_recorded"
    message(t(key, language, kind=kind, subject=subject), style="green")
    if not withdraw:
        message(t("msg.event_next", language, subject=subject))


@app.command()
def subjects(
    open_only: Annotated[bool, typer.Option("--open", help="Only subjects with items still to do.")] = False,
    json: options.Json = False,
    unit: options.Unit = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Subjects (people admitted, say) with their items, open ones and days remaining."""
    from ..report import subjects_document
    from ..workspace import Workspace
    from .i18n import resolve_lang
    from .output import print_json, stdout
    from .render import subjects_table

    ws = Workspace.open(store, catalog, now)
    status = ws.status(ws.select_unit(unit))
    by_subject = status.by_subject(pending_only=open_only)
    if json:
        print_json(subjects_document(status, by_subject))
        return
    stdout().print(subjects_table(status, by_subject, resolve_lang(lang)))


@app.command()
def today(
    ahead: Annotated[int, typer.Option("--days", min=0, max=60, help="How many days ahead to look.")] = 3,
    json: options.Json = False,
    unit: options.Unit = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """The agenda: the whole to-do list, each item with the command that records it.

    Overdue, due today, needing attention (blocked, partial, lapsed, awaiting approval),
    coming in the next days, and the rest still open.
    """
    from ..agenda import agenda
    from ..report import agenda_document
    from ..workspace import Workspace
    from .i18n import resolve_lang
    from .output import print_json, stdout
    from .render import agenda_view

    ws = Workspace.open(store, catalog, now)
    chosen = ws.select_unit(unit)
    status = ws.status(chosen)
    plan = agenda(status, ahead)
    if json:
        print_json(agenda_document(status, plan))
        return
    stdout().print(agenda_view(status, plan, resolve_lang(lang)))
