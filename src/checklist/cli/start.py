"""Starting a unit and walking it through its open items."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from . import options

if TYPE_CHECKING:
    from ..core.models import FieldSpec, FigureValue, Measure, Unit
    from ..core.status import ItemStatus, UnitStatus
    from ..usecases.recording import AttestRequest
    from ..usecases.session import Session
    from ..usecases.settings import Settings

ANSWERS = {
    "done": ("d", "done", "y", "完成", "是"),
    "na": ("n", "na", "n/a", "不适用"),
    "blocked": ("b", "block", "blocked", "受阻"),
    "skip": ("s", "skip", "", "跳过"),
    "quit": ("q", "quit", "exit", "退出"),
}


def interactive(settings: Settings) -> bool:
    """Ask questions only of a person: on a terminal, and never in CI."""
    return sys.stdin.isatty() and sys.stdout.isatty() and not settings.ci


def start(
    kind: Annotated[
        str,
        typer.Option(
            "--unit", "-u", metavar="KIND", help="Kind of unit: an id such as prison, or its Chinese or English name."
        ),
    ],
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Display name, e.g. 长沙监狱.")] = None,
    unit_id: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="Unit id (default: the kind, numbered if taken).")
    ] = None,
    walk_now: Annotated[
        bool | None, typer.Option("--walk/--no-walk", help="Walk the open items now (default: ask, on a terminal).")
    ] = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Start a unit on its checklist (or resume it), print the checklist and offer to walk it.

    Example: checklist start --unit prison --name 长沙监狱
    """
    from ..present.notices import started as show_started
    from ..present.words import t
    from ..usecases.session import Session
    from ..usecases.settings import Settings
    from ..usecases.units import start as start_unit

    settings = Settings.load(store=store, catalog=catalog, by=by, lang=lang, now=now)
    session = Session.for_start(settings)
    result = start_unit(session, kind, name=name, unit_id=unit_id)
    show_started(result, settings.lang)
    if walk_now is None:
        walk_now = interactive(settings) and typer.confirm(t("msg.walk_offer", settings.lang), default=True, err=True)
    if walk_now:
        run_walk(session, result.unit, settings.lang)
    else:
        from ..present.output import message

        message(t("msg.next", settings.lang))


def walk(
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Go through the open items one at a time, recording each answer at once.

    Answers can be piped on standard input, one per line: d(one), n(ot applicable),
    b(locked), s(kip) or q(uit); then the note or reason, each figure, and evidence
    file paths ending with an empty line (done only). Quitting keeps what was recorded.
    """
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
    session = Session.open(settings)
    run_walk(session, session.select_unit(), settings.lang)


def run_walk(session: Session, unit: Unit, lang: str) -> None:
    from ..present.output import message
    from ..present.words import t

    status = session.status(unit)
    pending = [s for s in status.items if s.state in ("open", "lapsed")]
    if not pending:
        message(t("msg.nothing_open", lang), style="green")
        return
    recorded = 0
    try:
        for position, item in enumerate(pending, start=1):
            position_text = t("walk.progress", lang, n=position, total=len(pending))
            outcome = _walk_item(session, status, lang, item, position_text)
            if outcome == "quit":
                break
            recorded += outcome == "recorded"
    except typer.Abort:  # end of input or Ctrl-C: what was answered is already recorded
        message("")
    remaining = session.status(unit).tally.counts["open"]
    message(t("msg.walk_done", lang, count=recorded, open=remaining), style="bold")


def _walk_item(session: Session, status: UnitStatus, lang: str, item: ItemStatus, position: str) -> str:
    from ..core.errors import UserError
    from ..present.notices import attested
    from ..present.output import print_error, stdout
    from ..present.terminal import measure_panel
    from ..usecases.recording import attest

    stdout().print(measure_panel(item, status.catalog, lang, position))
    while True:
        answer = _ask_action(lang)
        if answer in ("skip", "quit"):
            return answer
        request = _ask_details(answer, item, lang)
        try:
            attested(attest(session, request), lang)
        except UserError as exc:
            print_error(exc)
            continue
        return "recorded"


def _ask_action(lang: str) -> str:
    from ..present.output import message
    from ..present.words import t

    while True:
        raw = typer.prompt(t("walk.ask", lang), default="", show_default=False, err=True).strip().lower()
        for action, words in ANSWERS.items():
            if raw in words:
                return action
        message(t("walk.bad_answer", lang), style="yellow")


def _ask_details(action: str, item: ItemStatus, lang: str) -> AttestRequest:
    from pathlib import Path

    from ..present.words import t
    from ..usecases.recording import AttestRequest

    measure = item.item.measure
    items, subjects = [item.item.id], [item.item.subject] if item.item.subject else []
    if action != "done":
        reason = _ask_text(t("walk.reason", lang), required=True)
        return AttestRequest(action, items, reason, subjects=subjects)  # type: ignore[arg-type]
    note = _ask_text(
        t("walk.note_required" if "note" in measure.evidence else "walk.note", lang), "note" in measure.evidence
    )
    figures = [f"{spec_id}={value}" for spec_id, value in _ask_figures(measure, lang).items()]
    files: list[Path] = []
    while raw := _ask_text(t("walk.evidence", lang), required=False):
        files.append(Path(raw).expanduser())
    return AttestRequest("done", items, note, figures, files, subjects=subjects)


def _ask_text(label: str, required: bool) -> str:
    while True:
        value = str(typer.prompt(label, default="", show_default=False, err=True)).strip()
        if value or not required:
            return value


def _ask_figures(measure: Measure, lang: str) -> dict[str, FigureValue]:
    from ..core.errors import UserError
    from ..core.figures import parse_value
    from ..present.output import print_error
    from ..present.words import t

    values: dict[str, FigureValue] = {}
    for spec in measure.fields:
        required = spec.required and "figures" in measure.evidence
        while True:
            raw = _ask_text(
                t("walk.field", lang, label=spec.label(lang), spec=_describe(spec, lang, required)), required
            )
            if not raw:
                break
            try:
                values[spec.id] = parse_value(spec, raw)
                break
            except UserError as exc:
                print_error(exc)
    return values


def _describe(spec: FieldSpec, lang: str, required: bool) -> str:
    from ..present.words import t

    parts: list[str] = [spec.type]
    if spec.min is not None or spec.max is not None:
        low = f"{spec.min:g}" if spec.min is not None else "…"
        high = f"{spec.max:g}" if spec.max is not None else "…"
        parts.append(f"{low}–{high}")
    if spec.unit:
        parts.append(spec.unit)
    if spec.choices:
        parts.append("/".join(spec.choices))
    if not required:
        parts.append(t("walk.optional", lang))
    return ", ".join(parts)
