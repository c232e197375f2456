"""Starting a unit and walking it through its open items."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..core.errors import ExitCode
from . import options
from .prompts import line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..core.models import Catalog, FieldSpec, FigureValue, Measure, Unit
    from ..core.status import ItemStatus, UnitStatus
    from ..usecases.recording import AttestRequest
    from ..usecases.session import Session
    from ..usecases.settings import Settings

ANSWERS = {
    "done": ("d", "done", "y", "完成", "已完成", "是"),
    "na": ("n", "na", "n/a", "不适用"),
    "blocked": ("b", "block", "blocked", "受阻"),
    "skip": ("s", "skip", "", "跳过"),
    "quit": ("q", "quit", "exit", "退出"),
}


def interactive(settings: Settings) -> bool:
    """Ask questions only of a person: on a terminal, and never in CI."""
    return sys.stdin.isatty() and sys.stdout.isatty() and not settings.ci


def confirm(question: str, lang: str, default: bool) -> bool:
    """A yes-or-no question: y, yes, 是, 好 or n, no, 否, 不 (full-width too); Enter takes the
    default, which the question shows; anything else is asked again."""
    from ..core.typed import yes_or_no
    from ..present.output import message
    from ..present.words import t

    choices = t("prompt.yes_no_default_yes" if default else "prompt.yes_no_default_no", lang)
    while True:
        typed = line(question + choices)
        said = yes_or_no(typed) if typed.strip() else default
        if said is not None:
            return said
        message(t("prompt.yes_no_again", lang), style="yellow")


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
    under: Annotated[
        str | None,
        typer.Option(
            "--under",
            metavar="PATH",
            help="The bodies the unit reports to, from the top down, separated by /: 湖南省司法厅/省监狱管理局.",
        ),
    ] = None,
    reports_to: Annotated[str | None, typer.Option("--reports-to", metavar="PATH", hidden=True)] = None,  # --under
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Start a unit on its checklist (or resume it), print the checklist and offer to walk it.

    Example: checklist start --unit prison --name 长沙监狱
    """
    from ..core import names
    from ..core.errors import UserError
    from ..present.notices import started as show_started
    from ..present.words import t
    from ..usecases.session import Session
    from ..usecases.settings import Settings
    from ..usecases.units import start as start_unit

    if name is not None:
        names.check(name, "--name")  # before a store is made for it
    place = None
    if under is not None and reports_to is not None:
        raise UserError("option.exclusive", first="--under", second="--reports-to")
    if under is not None or reports_to is not None:
        from ..core.places import parse

        place = parse(under or reports_to or "", "--under" if under is not None else "--reports-to")
    settings = Settings.load(store=store, catalog=catalog, by=by, lang=lang, now=now)
    session = Session.for_start(settings)
    result = start_unit(session, kind, name=name, unit_id=unit_id)
    show_started(result, settings.lang)
    if place is not None:
        from ..present.hierarchy import placed
        from ..usecases.hierarchy import place_unit

        placed(place_unit(session, place, unit=result.unit), settings.lang)
    if walk_now is None:
        walk_now = interactive(settings) and confirm(t("msg.walk_offer", settings.lang), settings.lang, default=True)
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
    file paths ending with an empty line (done only), each checked as it is typed.
    Quitting keeps what was recorded.
    """
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
    session = Session.open(settings)
    run_walk(session, session.select_unit(), settings.lang)


def run_walk(session: Session, unit: Unit, lang: str) -> None:
    """Walk the open items. The end of the input stops it quietly (exit 0); Ctrl-C stops it
    with exit 130. Either way what was recorded stays and the summary is printed."""
    from ..present.output import message
    from ..present.words import t

    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:  # bytes that are not UTF-8 are read, and refused (not_utf8), never fatal
        reconfigure(errors="surrogateescape")
    status = session.status(unit)
    # of a measure kept per part, each part's item (a roll-up has no record of its own)
    pending = [s for s in status.actionable() if s.state in ("open", "lapsed") and s.parts is None]
    for waiting in (s for s in status.items if s.parts == []):  # kept per part, and no part of its kind yet
        from ..present.terminal import kind_name

        per = waiting.item.measure.per or ""
        said = t("label.no_parts", lang, kind=kind_name(status, per, lang), id=per)
        message(f"{waiting.item.number} {waiting.item.measure.title(lang)}: {said}", style="yellow")
    if not pending:
        message(t("msg.nothing_open", lang), style="green")
        return
    recorded = 0
    interrupted = False
    try:
        for position, item in enumerate(pending, start=1):
            position_text = t("walk.progress", lang, n=position, total=len(pending))
            outcome = _walk_item(session, status, lang, item, position_text)
            if outcome == "quit":
                break
            recorded += outcome == "recorded"
    except (typer.Abort, KeyboardInterrupt) as exc:  # what was answered is already recorded
        interrupted = _interrupted(exc)
    remaining = session.status(unit).tally.counts["open"]
    message(t("msg.walk_done", lang, count=recorded, open=remaining), style="bold")
    if interrupted:
        raise typer.Exit(ExitCode.INTERRUPTED)


def _interrupted(exc: BaseException) -> bool:
    """Ctrl-C, rather than the end of the input: click's prompt turns both into Abort, raised
    from None, with the original kept in __context__."""
    return isinstance(exc, KeyboardInterrupt) or isinstance(exc.__context__, KeyboardInterrupt)


@dataclass
class Answers:
    """What was answered for one item, filled in as it is typed and kept until it is recorded."""

    action: str
    note: str = ""
    figures: dict[str, FigureValue] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    answer: list[str] | None = None  # a question's answer (its ids)
    kinded: dict[str, Path] = field(default_factory=dict)  # a file for each named kind of evidence asked for
    measure: Measure | None = None  # whose figures these are: a choice shown by its name

    def request(self, item: ItemStatus) -> AttestRequest:
        from ..usecases.recording import AttestRequest

        assignments = [f"{spec_id}={_shown(value)}" for spec_id, value in self.figures.items()]
        subjects = [item.item.subject] if item.item.subject else []
        return AttestRequest(
            self.action,  # type: ignore[arg-type]
            [item.item.id],
            self.note,
            assignments,
            list(self.files),
            subjects=subjects,
            answer=self.answer,
            parts=[item.item.part] if item.item.part else [],
            occurrence=item.item.named_occurrence,
            kinded=[f"{kind}={path}" for kind, path in self.kinded.items()],
        )

    def over(self, kept: Answers | None) -> Answers:
        """These answers, with what `kept` holds where none was given yet."""
        if kept is None or (self.action not in ("skip", kept.action)):  # none kept, or another action chosen
            return self
        return Answers(
            kept.action,
            self.note or kept.note,
            {**kept.figures, **self.figures},
            self.files or kept.files,
            self.answer or kept.answer,
            {**kept.kinded, **self.kinded},
            self.measure or kept.measure,
        )

    def describe(self, lang: str) -> str:
        """'note: …; infections=0; evidence: a.pdf', for what could not be recorded."""
        from ..present.words import t

        parts = [t("walk.answer_prompt", lang) + ": " + ", ".join(self.answer)] if self.answer else []
        parts += [t("walk.answered_note", lang, note=self.note)] if self.note else []
        parts += [_figure_words(self.measure, spec_id, value, lang) for spec_id, value in self.figures.items()]
        if self.files:
            parts.append(t("walk.answered_files", lang, files=", ".join(str(f) for f in self.files)))
        parts += [f"{kind}={path}" for kind, path in self.kinded.items()]
        return ("；" if lang == "zh" else "; ").join(parts)


def _walk_item(session: Session, status: UnitStatus, lang: str, item: ItemStatus, position: str) -> str:
    from ..core.errors import UserError
    from ..present.notices import attested
    from ..present.output import message, print_error, stdout
    from ..present.terminal import measure_panel
    from ..present.words import t
    from ..usecases.recording import attest

    stdout().print(measure_panel(item, status.catalog, lang, position))
    kept: Answers | None = None  # answers a refusal left unrecorded: offered again, never dropped silently
    while True:
        answers = Answers("skip")
        try:
            answer = _ask_action(lang, kept.action if kept else "skip")
            if answer == "skip":
                message(t("msg.skipped", lang, item=item.item.number), style="yellow")
            if answer in ("skip", "quit"):
                return answer
            answers = Answers(answer, measure=item.item.measure)
            again = kept if kept and kept.action == answer else None
            _ask_details(session, answers, item.item.measure, lang, again, status.catalog)
        except (typer.Abort, KeyboardInterrupt):  # the walk stops: show what this item was given
            message("")  # end the prompt's line
            given = answers.over(kept).describe(lang)
            if given:
                message(t("walk.unrecorded", lang, item=item.item.number, answers=given), "yellow")
            raise
        try:
            result = attest(session, answers.request(item))
        except UserError as exc:
            print_error(exc, lang)
            message(t("walk.kept", lang), style="yellow")
            kept = answers
            continue
        attested(result, lang)  # recorded, with any alert it crossed; or already so (someone else was quicker)
        return "recorded" if any(o.draft is not None for o in result.outcomes) else "unchanged"


def _ask_action(lang: str, default: str) -> str:
    """The action for an item; Enter takes `default` (skip, unless answers are kept), shown as [s]."""
    from ..core.typed import plain
    from ..present.output import message
    from ..present.words import t

    while True:
        raw = plain(_ask_text(t("walk.ask", lang), True, lang, ANSWERS[default][0])).casefold()  # ｄ, 完成 too
        for action, words in ANSWERS.items():
            if raw in words:
                return action
        message(t("walk.bad_answer", lang), style="yellow")


def _ask_details(
    session: Session, answers: Answers, measure: Measure, lang: str, kept: Answers | None, catalog: Catalog
) -> None:
    """The note or reason, figures and evidence, each checked as it is typed and put in
    `answers` at once; what `kept` holds is offered again (Enter keeps it)."""
    from ..present.output import message
    from ..present.words import t

    if answers.action != "done":
        answers.note = _ask_text(t("walk.reason", lang), True, lang, kept.note if kept else "")
        return
    needs: list[str] = []
    if measure.question is not None:  # the question first, then what its answer needs
        answers.answer = _ask_answer(measure, lang, kept.answer if kept else None)
        needs = measure.question.follow_ups(answers.answer)
        if needs:
            message(t("walk.follow_up", lang, needs=_needs_words(measure, needs, lang)), style="yellow")
    note_required = "note" in measure.evidence or "note" in needs
    answers.note = _ask_text(
        t("walk.note_required", lang) if note_required else t("walk.note", lang),
        note_required,
        lang,
        kept.note if kept else "",
    )
    _ask_figures(measure, lang, answers.figures, kept.figures if kept else {}, needs)
    for kind in measure.evidence_kinds:  # each named kind by its name, one file each, before any other file
        answers.kinded[kind] = _ask_kind(session, catalog, kind, lang, kept.kinded.get(kind) if kept else None)
    file_required = "file" in measure.evidence or "file" in needs
    _ask_files(session, file_required, lang, answers.files, kept.files if kept else [])


def _ask_answer(measure: Measure, lang: str, kept: list[str] | None) -> list[str]:
    """The question with its answers numbered, in the user's language; asked until one is taken
    ("not relevant" is the action n, not an answer)."""
    from ..core.answers import parse_answer
    from ..core.errors import UserError
    from ..present.output import message, print_error, safe
    from ..present.words import answer_text, t

    question = measure.question
    if question is None:  # asked only of a measure that asks a question
        return []
    message(t("walk.question", lang, title=safe(measure.title(lang))), style="bold")
    several = t("walk.several", lang) if question.answers == "multi" else ""
    message(t("walk.answers", lang, several=several))
    for number, answer in enumerate(question.ids, start=1):
        message(f"  {number}  {safe(answer_text(question, [answer], lang))}")
    while True:
        raw = _ask_text(t("walk.answer_prompt", lang), True, lang, ",".join(kept or []))
        try:
            return parse_answer(question, [raw], measure.id)
        except UserError as exc:
            if exc.code == "answer.not_relevant":
                message(t("walk.answer_na", lang), style="yellow")
            else:
                print_error(exc, lang)


def _needs_words(measure: Measure, needs: list[str], lang: str) -> str:
    """What a follow-up needs, in words: the note, a file, each field by its label."""
    from ..present.words import t

    said = []
    for need in needs:
        spec = measure.field(need)
        said.append(t("col.note", lang) if need == "note" else t("col.evidence", lang) if need == "file" else "")
        if spec is not None:
            said[-1] = spec.label(lang)
    return ("、" if lang == "zh" else ", ").join(said)


def _ask_kind(session: Session, catalog: Catalog, kind: str, lang: str, kept: Path | None) -> Path:
    """A file for a named kind of evidence (a register, a signed pledge), asked by the kind's
    name until a usable one is given; the one kept from before is offered (Enter keeps it)."""
    from ..core.errors import UserError
    from ..core.evidence import inspect
    from ..present.output import message, print_error
    from ..present.terminal import evidence_kind_name
    from ..present.words import t

    limit = session.evidence_max_bytes()
    while True:
        raw = _ask_text(
            t("walk.kind_file", lang, kind=evidence_kind_name(catalog, kind, lang)), False, lang, str(kept or "")
        )
        if not raw:
            message(t("walk.file_needed", lang), style="yellow")
            continue
        try:
            return inspect(Path(raw).expanduser(), limit)
        except UserError as exc:
            print_error(exc, lang)
            kept = None


def _ask_files(session: Session, required: bool, lang: str, files: list[Path], kept: list[Path]) -> None:
    """Evidence paths until an empty line, each checked at once (exists, a regular file, within
    the store's size limit): a bad one is refused and asked again, the others stay."""
    from ..core.errors import UserError
    from ..core.evidence import inspect
    from ..present.output import message, print_error
    from ..present.words import t

    limit = session.evidence_max_bytes()
    for path in kept:  # checked again: a file may have changed since
        try:
            files.append(inspect(path, limit))
        except UserError as exc:
            print_error(exc, lang)
    if files:
        message(t("walk.files_kept", lang, files=", ".join(str(f) for f in files)))
    while True:
        label = t("walk.evidence_required", lang) if required and not files else t("walk.evidence", lang)
        raw = _ask_text(label, False, lang)
        if not raw:
            if required and not files:
                message(t("walk.file_needed", lang), style="yellow")
                continue
            return
        try:
            files.append(inspect(Path(raw).expanduser(), limit))
        except UserError as exc:
            print_error(exc, lang)


def _ask_text(label: str, required: bool, lang: str, default: str = "") -> str:
    """An answer (Enter takes `default`, shown in brackets); one that is not UTF-8 (a terminal
    in another encoding) is refused and asked again."""
    from ..present.output import message, safe
    from ..present.words import t
    from ..usecases.settings import not_utf8

    # the question and the answer kept from before, shown safe (Enter still keeps the answer as typed)
    question = safe(label) + (f" [{safe(default)}]" if default else "")
    while True:
        suffix = "：" if lang == "zh" else ": "  # full-width after Chinese words
        value = line(question + suffix, default).strip()
        if not_utf8(value):
            message(t("walk.not_utf8", lang), style="yellow")
            continue
        if value or not required:
            return value


def _ask_figures(
    measure: Measure,
    lang: str,
    values: dict[str, FigureValue],
    kept: dict[str, FigureValue],
    needs: Sequence[str] = (),
) -> None:
    """Each figure; a field a question's follow-up names is asked only when the answer needs it."""
    from ..core.errors import UserError
    from ..core.figures import parse_value
    from ..present.output import print_error
    from ..present.words import t

    for spec in measure.fields:
        if spec.compute is not None:  # worked out from the others, never asked
            continue
        if spec.id in measure.follow_up_fields and spec.id not in needs:
            continue
        required = (spec.required and "figures" in measure.evidence) or spec.id in needs
        before = _shown(kept[spec.id], spec, lang) if spec.id in kept else ""
        while True:
            label = t("walk.field", lang, label=spec.label(lang), spec=_describe(spec, lang, required))
            raw = _ask_text(label, required, lang, before)
            if not raw:
                break
            try:
                values[spec.id] = parse_value(spec, raw)
                break
            except UserError as exc:
                print_error(exc, lang)


def _shown(value: FigureValue, spec: FieldSpec | None = None, lang: str | None = None) -> str:
    """A figure as it is typed: yes/no for a yes-or-no answer (是/否 to a reader of Chinese), a
    choice by its name (its id for a command's `--set`, where no language is given)."""
    if lang is not None:
        from ..present.words import figure_text

        return figure_text(value, lang, spec)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # a multi-select's answers, as they are typed
        return "、".join(value)
    return str(value)


def _figure_words(measure: Measure | None, spec_id: str, value: FigureValue, lang: str) -> str:
    """'symptoms=否', 'contact=Wuhan': a figure given, as `--set` names it, its value in the reader's words."""
    spec = measure.field(spec_id) if measure is not None else None
    return f"{spec_id}={_shown(value, spec, lang)}"


def _describe(spec: FieldSpec, lang: str, required: bool) -> str:
    """What a field takes, in the reader's words: '整数，0–…，人', 'whole number, 0–…, people'."""
    from ..present.words import choice_text, t

    sep = "、" if lang == "zh" else "/"
    choices = sep.join(choice_text(spec, choice, lang) for choice in spec.choice_ids)
    parts: list[str] = [t(f"type.{spec.type}", lang, choices=choices)]
    if spec.min is not None or spec.max is not None:
        low = f"{spec.min:g}" if spec.min is not None else "…"
        high = f"{spec.max:g}" if spec.max is not None else "…"
        parts.append(f"{low}–{high}")
    if spec.unit:
        parts.append(spec.unit_text(lang))
    if not required:
        parts.append(t("walk.optional", lang))
    return ("，" if lang == "zh" else ", ").join(parts)
