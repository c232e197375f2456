"""Commands that record attestations: done, na, block, reopen."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import options
from .app import app

if TYPE_CHECKING:
    from ..models import Action

Items = Annotated[list[str], typer.Argument(metavar="ITEM...", help="Item numbers, ids or unique id prefixes.")]
Item = Annotated[list[str], typer.Argument(metavar="ITEM...", help="Item number, id or unique id prefix.")]
Reason = Annotated[str, typer.Option("--reason", "-r", metavar="TEXT", help="Why (required).", show_default=False)]


def record(
    action: Action,
    tokens: list[str],
    *,
    note: str | None,
    evidence: list[Path] | None = None,
    sets: list[str] | None = None,
    copy: bool = True,
    unit: str | None,
    by: str | None,
    store: str | None,
    catalog: str | None,
    lang: str | None,
) -> None:
    """Record one action on items, then say what changed and what was already so."""
    from datetime import datetime

    from ..attest import Attestation
    from ..figures import alerts
    from ..workspace import Workspace
    from .i18n import resolve_lang, t
    from .output import message

    ws = Workspace.open(store, catalog)
    chosen = ws.select_unit(unit)
    request = Attestation(action, ws.actor(by), note, sets or (), evidence or (), copy_evidence=copy)
    outcomes = ws.attest(chosen, tokens, request, datetime.now(UTC))
    language = resolve_lang(lang)
    for outcome in outcomes:
        item = outcome.status.item
        label = f"{item.number} {item.measure.title(language)}"
        if outcome.draft is None:
            message(
                t("msg.noop", language, item=label, state=t("state." + outcome.status.state, language)), style="yellow"
            )
            continue
        message(t("msg.recorded", language, item=label, action=t("action." + action, language)), style="green")
        for spec in alerts(item.measure.fields, outcome.draft.figures):
            message(
                t("msg.alert", language, field=spec.label(language), value=outcome.draft.figures[spec.id]),
                style="bold red",
            )


@app.command()
def done(
    items: Items,
    note: Annotated[str | None, typer.Option("--note", "-n", metavar="TEXT", help="What was done.")] = None,
    evidence: Annotated[
        list[Path] | None, typer.Option("--evidence", "-e", metavar="FILE", help="A file that shows it (repeatable).")
    ] = None,
    sets: Annotated[
        list[str] | None, typer.Option("--set", metavar="FIELD=VALUE", help="A recorded figure (repeatable).")
    ] = None,
    no_copy: Annotated[
        bool, typer.Option("--no-copy", help="Record the evidence's hash only; keep no copy in the store.")
    ] = False,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
) -> None:
    """Mark items done, with a note, evidence files and recorded figures.

    Example: checklist done 3 --note "visits stopped at all gates" --evidence notice.pdf
    """
    record(
        "done",
        items,
        note=note,
        evidence=evidence,
        sets=sets,
        copy=not no_copy,
        unit=unit,
        by=by,
        store=store,
        catalog=catalog,
        lang=lang,
    )


def _reasoned(action: Action, name: str, help_text: str) -> None:
    """Register a command that records `action` with a required reason (na, block, reopen)."""

    def command(
        items: Item,
        reason: Reason,
        unit: options.Unit = None,
        by: options.By = None,
        lang: options.Lang = None,
        store: options.Store = None,
        catalog: options.Catalog = None,
    ) -> None:
        record(action, items, note=reason, unit=unit, by=by, store=store, catalog=catalog, lang=lang)

    command.__doc__ = help_text
    app.command(name)(command)


_reasoned("na", "na", "Mark items not applicable to this unit (a reason is required).")
_reasoned("blocked", "block", "Mark items blocked: they cannot be done now (say why, so someone can help).")
_reasoned("reopened", "reopen", "Reopen items that were done, n/a or blocked (the earlier records stay in the log).")
