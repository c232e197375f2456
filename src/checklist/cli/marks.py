"""Commands that record attestations: done, partial, na, block, reopen, approve; and ack (of alerts)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import options

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..core.models import Action
    from ..usecases.recording import AttestRequest

Items = Annotated[list[str], typer.Argument(metavar="ITEM...", help="Item numbers, ids or unique id prefixes.")]
Reason = Annotated[str, typer.Option("--reason", "-r", metavar="TEXT", help="Why (required).", show_default=False)]
Note = Annotated[str | None, typer.Option("--note", "-n", metavar="TEXT", help="What was done.")]


def record(
    request: AttestRequest,
    *,
    unit: str | None,
    by: str | None,
    store: str | None,
    catalog: str | None,
    lang: str | None,
    now: str | None,
) -> None:
    """Record one attestation on items, then say what changed and what was already so."""
    from ..present.notices import attested
    from ..usecases.recording import attest
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
    attested(attest(Session.open(settings), request), settings.lang)


# What an attestation carries, as `done` and `answer` take it
Evidence = Annotated[
    list[Path] | None, typer.Option("--evidence", "-e", metavar="FILE", help="A file that shows it (repeatable).")
]
Sets = Annotated[list[str] | None, typer.Option("--set", metavar="FIELD=VALUE", help="A recorded figure (repeatable).")]
NoCopy = Annotated[bool, typer.Option("--no-copy", help="Record the evidence's hash only; keep no copy in the store.")]
Kinded = Annotated[
    list[str] | None,
    typer.Option(
        "--file",
        "-f",
        metavar="KIND=FILE",
        help="A file attached as a kind of evidence the catalog names, e.g. register=roster.pdf (repeatable).",
    ),
]


def done(
    items: Items,
    note: Note = None,
    evidence: Evidence = None,
    sets: Sets = None,
    no_copy: NoCopy = False,
    kinded: Kinded = None,
    subject: options.Subjects = None,
    occurrence: options.Occurrence = None,
    period: options.Period = None,
    part: options.Parts = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Mark items done, with a note, evidence files and recorded figures.

    Example: checklist done 3 --note "visits stopped at all gates" --evidence notice.pdf
    Example: checklist done 7 --note "all staff signed" --file pledge=pledges.pdf
    """
    from ..usecases.recording import AttestRequest

    request = AttestRequest(
        "done",
        items,
        note,
        sets or (),
        evidence or (),
        copy_evidence=not no_copy,
        subjects=subject or (),
        period=period,
        parts=part or (),
        occurrence=occurrence,
        kinded=kinded or (),
    )
    record(request, unit=unit, by=by, store=store, catalog=catalog, lang=lang, now=now)


def answer(
    item: Annotated[str, typer.Argument(metavar="ITEM", help="The item's number, id or unique id prefix.")],
    answers: Annotated[
        list[str],
        typer.Argument(
            metavar="ANSWER...",
            help="yes / no / unknown (是 / 否 / 不清楚), or a choice by its number, id or words"
            " (several for a multi question).",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", "-n", metavar="TEXT", help="A comment on the answer.")] = None,
    evidence: Evidence = None,
    sets: Sets = None,
    no_copy: NoCopy = False,
    kinded: Kinded = None,
    subject: options.Subjects = None,
    occurrence: options.Occurrence = None,
    part: options.Parts = None,
    period: options.Period = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Answer an item's question (a later answer corrects it); "not relevant" is `na`, not "no".

    Example: checklist answer 7 否 --note "尚未设立" --set plan="2月1日前设立"
    """
    from ..usecases.recording import AttestRequest

    request = AttestRequest(
        "done",
        [item],
        note,
        sets or (),
        evidence or (),
        copy_evidence=not no_copy,
        subjects=subject or (),
        period=period,
        answer=answers,
        parts=part or (),
        occurrence=occurrence,
        kinded=kinded or (),
    )
    record(request, unit=unit, by=by, store=store, catalog=catalog, lang=lang, now=now)


def partial(
    items: Items,
    note: Annotated[
        str, typer.Option("--note", "-n", metavar="TEXT", help="What is done and what remains (required).")
    ],
    subject: options.Subjects = None,
    occurrence: options.Occurrence = None,
    period: options.Period = None,
    part: options.Parts = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Record work in progress: what is done, what remains."""
    from ..usecases.recording import AttestRequest

    request = AttestRequest(
        "partial", items, note, subjects=subject or (), period=period, parts=part or (), occurrence=occurrence
    )
    record(request, unit=unit, by=by, store=store, catalog=catalog, lang=lang, now=now)


def na(
    items: Items,
    reason: Reason,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DAY", help="The waiver lapses after this day (YYYY-MM-DD).")
    ] = None,
    subject: options.Subjects = None,
    occurrence: options.Occurrence = None,
    period: options.Period = None,
    part: options.Parts = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Mark items not applicable to this unit (a reason is required; critical ones need an approver)."""
    from ..usecases.recording import AttestRequest

    request = AttestRequest(
        "na",
        items,
        reason,
        until=options.day(until, "--until"),
        subjects=subject or (),
        period=period,
        parts=part or (),
        occurrence=occurrence,
    )
    record(request, unit=unit, by=by, store=store, catalog=catalog, lang=lang, now=now)


def _reasoned(action: Action, help_text: str) -> Callable[..., None]:
    """A command that records `action` with a required reason (block, reopen)."""

    def command(
        items: Items,
        reason: Reason,
        subject: options.Subjects = None,
        occurrence: options.Occurrence = None,
        period: options.Period = None,
        part: options.Parts = None,
        unit: options.Unit = None,
        by: options.By = None,
        lang: options.Lang = None,
        store: options.Store = None,
        catalog: options.Catalog = None,
        now: options.Now = None,
    ) -> None:
        from ..usecases.recording import AttestRequest

        request = AttestRequest(
            action, items, reason, subjects=subject or (), period=period, parts=part or (), occurrence=occurrence
        )
        record(request, unit=unit, by=by, store=store, catalog=catalog, lang=lang, now=now)

    command.__doc__ = help_text
    return command


block = _reasoned("blocked", "Mark items blocked: they cannot be done now (say why, so someone can help).")
reopen = _reasoned("reopened", "Reopen items that were done, n/a or blocked (the earlier records stay in the log).")


def approve(
    items: Items,
    note: Note = None,
    subject: options.Subjects = None,
    occurrence: options.Occurrence = None,
    period: options.Period = None,
    part: options.Parts = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Sign off someone else's done or not-applicable answer, as a second person (--by NAME)."""
    from ..usecases.recording import AttestRequest

    request = AttestRequest(
        "approved", items, note, subjects=subject or (), period=period, parts=part or (), occurrence=occurrence
    )
    record(request, unit=unit, by=by, store=store, catalog=catalog, lang=lang, now=now)


def ack(
    item: Annotated[str, typer.Argument(metavar="ITEM", help="The item's number, id or unique id prefix.")],
    reason: Reason,
    subject: Annotated[
        str | None,
        typer.Option("--subject", metavar="ID", help="For an item kept per subject: whose alerts.", show_default=False),
    ] = None,
    occurrence: options.Occurrence = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="KEY",
            help="For a recurring item: the period whose alert (default: the alerts of every period).",
            show_default=False,
        ),
    ] = None,
    part: options.Part = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Acknowledge an item's alerts (figures past a threshold): who saw them, and why (required).

    An alert stays in `status` and `today` until acknowledged; a later alert needs a new one.

    Example: checklist ack 11 --subject P2020-017 --reason "retested at 36.8, seen by the doctor"
    """
    from ..present.notices import acknowledged
    from ..usecases.recording import AckRequest, acknowledge
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
    request = AckRequest(item, reason, subject=subject, period=period, part=part, occurrence=occurrence)
    result = acknowledge(Session.open(settings), request)
    acknowledged(result, settings.lang)
