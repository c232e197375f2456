"""Commands about time: event, subjects, today."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options


def event(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="The kind of event, e.g. admission.")],
    subject_given: Annotated[
        str | None,
        typer.Argument(metavar="[SUBJECT]", help="Whom it concerns (a prisoner's number), or give it with --subject."),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option("--subject", metavar="ID", help="Whom it concerns (a prisoner's number).", show_default=False),
    ] = None,
    at: Annotated[str | None, typer.Option("--at", metavar="TIME", help="When it happened (default: now).")] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-n", metavar="TEXT", help="A note (the reason, to withdraw).")
    ] = None,
    withdraw: Annotated[
        bool, typer.Option("--withdraw", help="Withdraw an event recorded in error (needs --note).")
    ] = False,
    occurrence: Annotated[
        int | None,
        typer.Option(
            "--occurrence",
            metavar="N",
            min=1,
            help="With --withdraw: which occurrence of the subject's event (default: the latest still live).",
            show_default=False,
        ),
    ] = None,
    subject_type: Annotated[
        str | None,
        typer.Option("--type", metavar="TYPE", help="The subject's type (custody, staff…), as the catalog declares."),
    ] = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Record an event, such as a new admission: its measures become items for that subject.

    Each event is an occurrence with its own items: a second admission of one person is a new
    one; the same kind, subject and time again is recorded already.

    Example: checklist event admission P2020-017 --at 2020-01-27T10:30
    """
    from ..core.errors import UserError
    from ..present.notices import event_recorded
    from ..usecases.recording import EventRequest, record_event
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if (subject is None) == (subject_given is None):
        raise UserError("event.subject_once" if subject else "event.subject_needed")
    settings = Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
    who = subject if subject is not None else subject_given or ""
    request = EventRequest(
        kind, who, at=at, note=note, withdraw=withdraw, occurrence=occurrence, subject_type=subject_type
    )
    event_recorded(record_event(Session.open(settings), request), settings.lang)


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
    from ..present.documents import subjects_document
    from ..present.output import print_json, stdout
    from ..present.terminal import subjects_table
    from ..usecases import views
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang, now=now)
    view = views.subjects(Session.open(settings), open_only)
    if json:
        print_json(subjects_document(view.status, view.subjects))
        return
    stdout().print(subjects_table(view.status, view.subjects, settings.lang))


def today(
    ahead: Annotated[int, typer.Option("--days", metavar="N", min=0, max=60, help="How many days ahead to look.")] = 3,
    part: options.OnlyPart = None,
    role: options.Role = None,
    person: options.Holder = None,
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
    from ..present.documents import agenda_document
    from ..present.output import print_json, stdout
    from ..present.terminal import agenda_view
    from ..usecases import views
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if role and person:
        from ..core.errors import UserError

        raise UserError("option.exclusive", first="--role", second="--by")
    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang, now=now)
    session = Session.open(settings)
    kept_to = views.owners(session, role, person)
    view = views.today(session, ahead, part, kept_to)
    if json:
        print_json(agenda_document(view.status, view.agenda, kept_to.roles or None))
        return
    if kept_to.roles:
        from ..present.terminal import kept_to_line

        stdout().print(kept_to_line(view.status.catalog, kept_to.roles, kept_to.person, settings.lang))
    stdout().print(agenda_view(view.status, view.agenda, settings.lang))
