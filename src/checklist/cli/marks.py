"""Commands that record attestations: done, partial, na, block, reopen, approve."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import options
from .app import app

if TYPE_CHECKING:
    from ..attest import Attestation
    from ..models import FigureValue, Measure

Items = Annotated[list[str], typer.Argument(metavar="ITEM...", help="Item numbers, ids or unique id prefixes.")]
Reason = Annotated[str, typer.Option("--reason", "-r", metavar="TEXT", help="Why (required).", show_default=False)]
Note = Annotated[str | None, typer.Option("--note", "-n", metavar="TEXT", help="What was done.")]


def record(
    request: Attestation,
    tokens: list[str],
    *,
    subject: str | None = None,
    period: str | None = None,
    unit: str | None,
    store: str | None,
    catalog: str | None,
    lang: str | None,
    now: str | None,
) -> None:
    """Record one attestation on items, then say what changed and what was already so."""
    from dataclasses import replace

    from ..workspace import Workspace
    from .i18n import resolve_lang, t
    from .output import message

    ws = Workspace.open(store, catalog, now)
    chosen = ws.select_unit(unit)
    outcomes = ws.attest(chosen, tokens, replace(request, actor=ws.actor(request.actor or None)), subject, period)
    language = resolve_lang(lang)
    for outcome in outcomes:
        item = outcome.status.item
        label = f"{item.number} {item.measure.title(language)}"
        label += f" · {item.subject}" if item.subject else ""
        label += f" · {outcome.target.period}" if outcome.target.period else ""
        if outcome.draft is None:
            state = t("state." + outcome.target.state, language)
            message(t("msg.noop", language, item=label, state=state), style="yellow")
            continue
        message(t("msg.recorded", language, item=label, action=t("action." + request.action, language)), style="green")
        flag_alerts(item.measure, outcome.draft.figures, language)


def flag_alerts(measure: Measure, figures: dict[str, FigureValue], lang: str) -> None:
    """Say which recorded figures cross their alert threshold: '⚠ alert: …', readable without colour."""
    from ..figures import alerts
    from .i18n import t
    from .output import message

    for spec in alerts(measure.fields, figures):
        message(t("msg.alert", lang, field=spec.label(lang), value=figures[spec.id]), style="bold red")


@app.command()
def done(
    items: Items,
    note: Note = None,
    evidence: Annotated[
        list[Path] | None, typer.Option("--evidence", "-e", metavar="FILE", help="A file that shows it (repeatable).")
    ] = None,
    sets: Annotated[
        list[str] | None, typer.Option("--set", metavar="FIELD=VALUE", help="A recorded figure (repeatable).")
    ] = None,
    no_copy: Annotated[
        bool, typer.Option("--no-copy", help="Record the evidence's hash only; keep no copy in the store.")
    ] = False,
    subject: options.Subject = None,
    period: options.Period = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Mark items done, with a note, evidence files and recorded figures.

    Example: checklist done 3 --note "visits stopped at all gates" --evidence notice.pdf
    """
    from ..attest import Attestation

    request = Attestation("done", by or "", note, sets or (), evidence or (), copy_evidence=not no_copy)
    record(request, items, subject=subject, period=period, unit=unit, store=store, catalog=catalog, lang=lang, now=now)


@app.command()
def partial(
    items: Items,
    note: Annotated[
        str, typer.Option("--note", "-n", metavar="TEXT", help="What is done and what remains (required).")
    ],
    subject: options.Subject = None,
    period: options.Period = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Record work in progress: what is done, what remains."""
    from ..attest import Attestation

    request = Attestation("partial", by or "", note)
    record(request, items, subject=subject, period=period, unit=unit, store=store, catalog=catalog, lang=lang, now=now)


@app.command()
def na(
    items: Items,
    reason: Reason,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DAY", help="The waiver lapses after this day (YYYY-MM-DD).")
    ] = None,
    subject: options.Subject = None,
    period: options.Period = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Mark items not applicable to this unit (a reason is required; critical ones need an approver)."""
    from datetime import date

    from ..attest import Attestation
    from ..errors import UserError

    try:
        last_day = date.fromisoformat(until) if until else None
    except ValueError:
        raise UserError(f"--until must be a day such as 2020-02-15, not {until!r}") from None
    request = Attestation("na", by or "", reason, until=last_day)
    record(request, items, subject=subject, period=period, unit=unit, store=store, catalog=catalog, lang=lang, now=now)


def _reasoned(action: str, name: str, help_text: str) -> None:
    """Register a command that records `action` with a required reason (block, reopen)."""

    def command(
        items: Items,
        reason: Reason,
        subject: options.Subject = None,
        period: options.Period = None,
        unit: options.Unit = None,
        by: options.By = None,
        lang: options.Lang = None,
        store: options.Store = None,
        catalog: options.Catalog = None,
        now: options.Now = None,
    ) -> None:
        from ..attest import Attestation

        request = Attestation(action, by or "", reason)  # type: ignore[arg-type]
        record(
            request, items, subject=subject, period=period, unit=unit, store=store, catalog=catalog, lang=lang, now=now
        )

    command.__doc__ = help_text
    app.command(name)(command)


_reasoned("blocked", "block", "Mark items blocked: they cannot be done now (say why, so someone can help).")
_reasoned("reopened", "reopen", "Reopen items that were done, n/a or blocked (the earlier records stay in the log).")


@app.command()
def approve(
    items: Items,
    note: Note = None,
    subject: options.Subject = None,
    period: options.Period = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Sign off someone else's done or not-applicable answer, as a second person (--by NAME)."""
    from ..attest import Attestation

    request = Attestation("approved", by or "", note)
    record(request, items, subject=subject, period=period, unit=unit, store=store, catalog=catalog, lang=lang, now=now)
