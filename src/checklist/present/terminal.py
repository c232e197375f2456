"""Rich renderings of the core's results. Every user-supplied string goes through `safe`."""

from __future__ import annotations

import functools
import shlex
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from ..core.agenda import ATTENTION
from ..core.alerts import ANSWER
from ..core.decide import complete, rule_of
from ..core.models import Catalog, Condition, FieldSpec, FigureValue, Measure, Record, Recurrence
from ..core.status import PENDING, STATES, Archived, Headline, ItemStatus, Tally, Unacknowledged, UnitStatus, items_for
from .applicability import attributes_head, conditions_text, inapplicable_text, subject_type_name
from .output import safe
from .words import (
    after_chinese,
    answer_text,
    by_occurrence,
    date_text,
    deadline_words,
    event_name,
    figure_text,
    item_subject,
    moment_text,
    ordinal,
    period_text,
    t,
    tn,
    trigger_words,
    typed_command,
)

if TYPE_CHECKING:
    from ..core.agenda import Agenda
    from ..core.agenda import Entry as AgendaEntry
    from ..core.errors import Message
    from ..usecases.parts import PartsView
    from ..usecases.recording import RolesView
    from ..usecases.views import Province, SupervisorView

MARKS = {
    "done": ("✔", "green"),
    "na": ("–", "dim"),
    "partial": ("◐", "cyan"),
    "blocked": ("✖", "red"),
    "awaiting": ("⧗", "magenta"),
    "lapsed": ("↺", "red"),
    "open": ("☐", "yellow"),
    "upcoming": ("…", "dim"),
    "inapplicable": ("∅", "dim"),
}
ACTION_STYLE = {
    "done": "green",
    "partial": "cyan",
    "na": "dim",
    "blocked": "red",
    "reopened": "yellow",
    "approved": "magenta",
    "event": "blue",
    "withdrawn": "blue",
    "upgraded": "blue",
    "acknowledged": "magenta",
    "part-added": "blue",
    "part-retired": "blue",
    "set": "blue",
    "granted": "blue",
    "revoked": "blue",
    "placed": "blue",
}
PRIORITY_STYLE = {"critical": "bold red", "high": "yellow", "normal": ""}


def mark(state: str, lang: str) -> Text:
    symbol, style = MARKS[state]
    return Text(f"{symbol} {t('state.' + state, lang)}", style=style)


def item_mark(status: ItemStatus, lang: str) -> Text:
    """An item's state; a question answered but not met (or unknown) says so, not "done"."""
    if status.state == "done" and status.verdict in ("not_met", "unknown"):
        symbol = "✘" if status.verdict == "not_met" else "?"
        return Text(f"{symbol} {t('verdict.' + status.verdict, lang)}", style=VERDICT_STYLE[status.verdict])
    return mark(status.state, lang)


_INSTANT = timedelta(microseconds=1)


def when(moment: datetime, lang: str) -> str:
    return moment_text(moment, lang)


def _periods(keys: Iterable[str], lang: str) -> str:
    return ", ".join(period_text(key, lang) for key in keys)


def due_words(due: datetime, lang: str) -> str:
    """'due by the end of 2020-01-31' for a deadline at the end of a day (never 'due 1 Feb
    00:00'), 'due by 2020-01-27 12:30' for one in hours."""
    if (due.hour, due.minute, due.second) == (0, 0, 0):
        return t("label.due_by", lang, day=date_text(due - _INSTANT, lang))
    return t("label.due_at", lang, moment=when(due, lang))


def checklist_table(  # noqa: PLR0912, PLR0917
    status: UnitStatus,
    chosen: Sequence[ItemStatus],
    lang: str,
    title: str,
    missed: bool = False,
    archived: Sequence[Archived] = (),
    detail: bool = False,
) -> Table:
    """Items in number order; items kept per subject stand under their measure, those of
    subjects settled for good counted in one line. With `detail`, each measure's text: what
    the source says, then the catalog's own guidance, apart."""
    if status.part_view is not None:
        title += " · " + t("label.status_of_part", lang, part=status.part_view)
    table = Table(title=Text(safe(title), style="bold"), box=box.SIMPLE_HEAD, title_justify="left", expand=True)
    table.add_column(t("col.no", lang), justify="right", no_wrap=True)
    table.add_column(t("col.state", lang), no_wrap=True)
    table.add_column(t("col.item", lang), ratio=1, overflow="fold")
    table.add_column(t("col.priority", lang), no_wrap=True)
    waiting = {i.number: i for i in items_for(status.catalog, status.unit.kind) if i.measure.trigger}
    settled = {group.item.number: group for group in archived}
    per_subject: dict[int, list[ItemStatus]] = {}
    for item_status in chosen:
        if item_status.item.subject is not None:
            per_subject.setdefault(item_status.item.number, []).append(item_status)
    rows: dict[int, Callable[[], None]] = {}  # by number: the rows of each measure, added in number order
    for item_status in chosen:
        number = item_status.item.number
        if item_status.item.subject is None and item_status.item.part is not None:  # a --part view: its items alone
            text = _item_text(item_status, status.catalog, lang, detail)
            text.append_text(_part_label(status, item_status))
            cells = (str(number), mark(item_status.state, lang), text, _priority(item_status.item.measure, lang))
            rows[number] = functools.partial(table.add_row, *cells)
        elif item_status.item.subject is None:
            text = _item_text(item_status, status.catalog, lang, detail)
            if missed and item_status.missed:
                text.append(
                    "\n" + t("label.missed_list", lang, periods=_periods(item_status.missed, lang)), style="red"
                )
            text.append_text(rollup_text(status, item_status, lang))
            cells = (str(number), item_mark(item_status, lang), text, _priority(item_status.item.measure, lang))
            rows[number] = functools.partial(_with_part_rows, table, status, item_status, cells, lang, missed)
        elif number not in rows:
            group = settled.pop(number, None)
            rows[number] = functools.partial(
                _subject_rows, table, status.catalog, per_subject[number], group, lang, detail=detail
            )
    for group in settled.values():  # measures none of whose subjects is still live
        text = _measure_text(group.item.measure, status.catalog, lang, detail)
        text.append("\n").append_text(_summary(Counter(), group, lang))
        rows[group.item.number] = functools.partial(
            table.add_row, str(group.item.number), "", text, _priority(group.item.measure, lang)
        )
    if len(chosen) == len(status.items):  # the whole list: show measures waiting for their first subject
        for number, item in waiting.items():
            if number not in rows:
                text = _measure_text(item.measure, status.catalog, lang, detail)
                kind = event_name(status.catalog, item.measure.trigger.event, lang) if item.measure.trigger else ""
                event = after_chinese(kind, lang)
                text.append(f"\n{t('label.per_subject', lang, event=safe(event))}", style="dim italic")
                rows[number] = functools.partial(table.add_row, str(number), "", text, _priority(item.measure, lang))
    for number in sorted(rows):
        rows[number]()
    return table


VERDICT_STYLE = {"met": "green", "not_met": "bold red", "unknown": "yellow"}


def _with_part_rows(  # noqa: PLR0917
    table: Table, status: UnitStatus, item: ItemStatus, cells: tuple[object, ...], lang: str, missed: bool
) -> None:
    """An item's row; for a measure kept per part, its parts' items under it."""
    table.add_row(*cells)  # type: ignore[arg-type]
    for child in item.parts or ():
        text = Text("↳ ", style="dim")
        text.append_text(_part_label(status, child, lead=""))
        text.append_text(_details(child, lang, status.catalog))
        if missed and child.missed:
            text.append("\n" + t("label.missed_list", lang, periods=_periods(child.missed, lang)), style="red")
        table.add_row("", mark(child.state, lang), text, "")


def _part_label(status: UnitStatus, item: ItemStatus, lead: str = " · ") -> Text:
    """Unit parts: the part an item is kept for, by its id (what --part takes) and its name."""
    part = item.item.part or ""
    name = next((p.name for p in status.parts if p.id == part), None)
    text = Text(lead)
    text.append(safe(part), style="bold")
    if name:
        text.append(f" ({safe(name)})", style="dim")
    return text


def kind_name(status: UnitStatus, per: str, lang: str) -> str:
    """A kind of part's name in the reader's language (its id if the catalog no longer has it)."""
    kind = status.catalog.kind(status.unit.kind)
    found = kind.part_kind(per) if kind is not None else None
    return found.name(lang) if found is not None else per


def rollup_text(status: UnitStatus, item: ItemStatus, lang: str) -> Text:
    """Unit parts: how a measure kept per part stands over the parts ("3/5 blocks done",
    those missing), or that the unit has no part of its kind yet."""
    text = Text()
    if item.parts is None:
        return text
    per = item.item.measure.per or ""
    kind = safe(kind_name(status, per, lang))
    if not item.parts:
        text.append("\n" + t("label.no_parts", lang, kind=kind, id=per), style="yellow")
        return text
    missing = [p.item.part or "" for p in item.parts if p.state not in ("done", "na")]
    done = len(item.parts) - len(missing)
    text.append("\n" + tn("label.parts_done", len(item.parts), lang, done=done, kind=kind), style="bold")
    if missing:
        text.append(" · " + t("label.parts_missing", lang, parts=safe(", ".join(missing))), style="red")
    return text


LISTED_UP_TO = 12  # a measure's subject items listed one by one; past that, only those needing attention
QUIET: frozenset[str] = frozenset({"done", "na", "upcoming", "inapplicable"})


def _subject_rows(
    table: Table, catalog: Catalog, items: list[ItemStatus], archived: Archived | None, lang: str, *, detail: bool
) -> None:
    """A measure kept per subject: its heading, then its subjects' items. A busy prison has a
    few hundred live subjects: past LISTED_UP_TO, the items done, waived or not open yet are
    counted in one line, and only those needing attention are listed."""
    measure = items[0].item.measure
    table.add_row(
        str(items[0].item.number), "", _measure_text(measure, catalog, lang, detail), _priority(measure, lang)
    )
    many = len(items) > LISTED_UP_TO
    quiet: Counter[str] = Counter()
    for status in items:
        if many and status.state in QUIET and not status.overdue and not status.unacknowledged:
            quiet[status.state] += 1
        else:
            table.add_row("", item_mark(status, lang), _subject_text(status, lang, catalog), "")
    if quiet or archived:
        table.add_row("", "", _summary(quiet, archived, lang), "")


def _summary(quiet: Counter[str], archived: Archived | None, lang: str) -> Text:
    parts = [t("label.quiet_part", lang, count=f"{n:,}", state=t(f"state.{s}", lang)) for s, n in sorted(quiet.items())]
    if archived is not None:
        parts.append(t("label.archived_part", lang, count=f"{archived.done + archived.na:,}"))
        if archived.na:
            parts[-1] += t("label.archived_na", lang, na=f"{archived.na:,}")
        if archived.changed:
            parts[-1] += t("label.archived_changed", lang, changed=f"{archived.changed:,}")
    return Text(t("label.summary", lang, parts=" · ".join(parts)), style="dim")


def _priority(measure: Measure, lang: str) -> Text:
    return Text(t("priority." + measure.priority, lang), style=PRIORITY_STYLE[measure.priority])


def _measure_text(measure: Measure, catalog: Catalog, lang: str, detail: bool = False) -> Text:
    section = catalog.section(measure.section)
    text = Text(safe(measure.title(lang)))
    text.append(f"\n{measure.id} · {safe(section.name(lang)) if section else measure.section}", style="dim")
    text.append_text(roles_line(measure, catalog, lang))
    if detail:
        if measure.conditions:  # applicability: when it applies
            text.append(f"\n{safe(conditions_text(measure, catalog, lang))}", style="cyan")
        if measure.detail:
            text.append(f"\n{safe(measure.detail(lang))}")
        text.append_text(timing_rule_text(measure, catalog, lang))
        text.append_text(_guidance(measure, lang, gap="\n"))
    return text


def _item_text(status: ItemStatus, catalog: Catalog, lang: str, detail: bool = False) -> Text:
    text = _measure_text(status.item.measure, catalog, lang, detail)
    text.append_text(_details(status, lang, catalog))
    text.append_text(given_line(status, catalog, lang))
    return text


def _subject_text(status: ItemStatus, lang: str, catalog: Catalog | None = None) -> Text:
    text = Text("↳ ", style="dim")
    text.append(safe(item_subject(status.item, lang, catalog)), style="bold")
    text.append_text(_details(status, lang, catalog))
    if status.parts:  # a measure kept per part: the subject's parts, rolled up
        missing = [p.item.part or "" for p in status.parts if p.state not in ("done", "na")]
        text.append(f"\n{len(status.parts) - len(missing)}/{len(status.parts)}", style="bold")
        if missing:
            text.append(" · " + t("label.parts_missing", lang, parts=safe(", ".join(missing))), style="red")
    if catalog is not None:
        text.append_text(given_line(status, catalog, lang))
    return text


def role_name(catalog: Catalog, role_id: str, lang: str) -> str:
    """A role's name in the reader's language (its id, if the catalog no longer has it)."""
    role = catalog.role(role_id)
    return safe(role.name(lang)) if role else safe(role_id)


def evidence_kind_name(catalog: Catalog, kind: str, lang: str) -> str:
    """What an evidence kind is called: note, file and figures in the interface's words, a
    named kind as the catalog's head names it."""
    if kind in ("note", "file", "figures"):
        return t("needs." + kind, lang)
    found = catalog.evidence_kind(kind)
    return safe(found.name(lang)) if found else safe(kind)


def recipient(measure: Measure, catalog: Catalog, lang: str) -> str | None:
    """Who receives a reporting measure's report: a role's name, or the catalog's text."""
    found = measure.reports_to
    if found is None:
        return None
    return role_name(catalog, found, lang) if isinstance(found, str) else safe(found(lang))


def roles_line(measure: Measure, catalog: Catalog, lang: str) -> Text:
    """Who owns a measure, whose approval it needs and whom it reports to, in a line (empty if none)."""
    colon = "：" if lang == "zh" else ": "
    parts = []
    if measure.owner:
        parts.append(f"{t('label.owner', lang)}{colon}{role_name(catalog, measure.owner, lang)}")
    if measure.approver:
        parts.append(f"{t('label.approver', lang)}{colon}{role_name(catalog, measure.approver, lang)}")
    sent_to = recipient(measure, catalog, lang)
    if sent_to is not None:
        parts.append(f"{t('label.reports_to', lang)}{colon}{sent_to}")
    return Text("\n" + " · ".join(parts), style="cyan") if parts else Text()


def given_line(status: ItemStatus, catalog: Catalog, lang: str) -> Text:
    """The named kinds of evidence the item's latest record gives (empty if none asked or given)."""
    if not status.item.measure.evidence_kinds or status.entry is None:
        return Text()  # asks for no named kind, or nothing recorded: no record to read from the log
    last = status.last
    kinds = list(dict.fromkeys(k for f in last.evidence if (k := f.kind_id) is not None)) if last else []
    if not kinds:
        return Text()
    colon = "：" if lang == "zh" else ": "
    return Text(
        f"\n{t('label.kinds_given', lang)}{colon}" + ", ".join(evidence_kind_name(catalog, k, lang) for k in kinds)
    )


def _details(status: ItemStatus, lang: str, catalog: Catalog | None = None) -> Text:
    """What else is worth knowing at a glance: period, misses, deadline, alerts, changed wording;
    why an item does not apply (its conditions on the unit's attributes)."""
    parts: list[tuple[str, str]] = []
    if status.inapplicable and catalog is not None:
        parts.append((inapplicable_text(status, catalog, lang), "dim"))
    parts += _cadence_parts(status, lang) + _timing(status, lang, catalog)
    if status.last is not None and status.last.until is not None and status.state in ("na", "awaiting", "lapsed"):
        parts.append(
            (
                f"{t('label.until', lang)} {date_text(status.last.until, lang)}",
                "red" if status.state == "lapsed" else "dim",
            )
        )
    if status.answer is not None:
        said = answer_text(status.item.measure.question, status.answer, lang)
        verdict = t(f"verdict.{status.verdict}", lang)
        parts.append((t("label.answer", lang, answer=said, verdict=verdict), VERDICT_STYLE[status.verdict or "met"]))
    if status.alerts:
        names = ("、" if lang == "zh" else ", ").join(alert_name(status.item.measure, n, lang) for n in status.alerts)
        parts.append((t("label.alerts", lang, fields=names), "bold red"))
    if status.unacknowledged:
        count = status.unacknowledged
        parts.append((tn("label.unacknowledged", count, lang), "bold red"))
    if status.changed:
        parts.append((t("label.changed", lang), "yellow"))
    text = Text()
    for index, (part, style) in enumerate(parts):
        text.append(("\n" if index == 0 else " · ") + safe(part), style=style)
    return text


def _cadence_parts(status: ItemStatus, lang: str) -> list[tuple[str, str]]:
    """A recurring item's recurrence, period, count, misses and streak; a standing rule's reviews."""
    rec = status.item.measure.cadence
    if rec is None:
        return []
    if status.item.measure.standing is not None:
        return _standing(status, rec, lang)
    colon = "：" if lang == "zh" else ": "
    parts = [(f"{t('label.recurs', lang)}{colon}{recurrence_words(rec, lang)}", "dim")]
    if status.period is not None:
        parts.append((period_words(status, lang), "dim"))
    if status.counted is not None:
        made, needed = status.counted
        parts.append((t("label.counted", lang, made=made, needed=needed), "green" if made >= needed else ""))
    if status.missed:
        parts.append((t("label.missed", lang, count=len(status.missed)), "red"))
    if status.streak:
        parts.append((t("label.streak", lang, count=status.streak), "green"))
    return parts


def timing_rule_text(measure: Measure, catalog: Catalog | None, lang: str) -> Text:
    """What makes a measure's items and when they are due, as the catalog says: 'Trigger: each
    admission (newly admitted prisoner)', 'Deadline: within 14 days of admission' (触发：每次入监)."""
    colon = "：" if lang == "zh" else ": "
    text = Text()
    trigger = trigger_words(measure, catalog, lang)
    if trigger:
        text.append(f"\n{t('label.trigger', lang)}{colon}{safe(trigger)}", style="dim")
    deadline = deadline_words(measure, catalog, lang)
    if deadline:
        text.append(("\n" if not trigger else " · ") + f"{t('label.deadline', lang)}{colon}{safe(deadline)}", "dim")
    return text


def recurrence_words(rec: Recurrence, lang: str) -> str:
    """How often a measure recurs, in the language asked for ('daily', '每日 08:00、14:00')."""
    base = _cadence_words(rec, lang)
    return t("recurs.count", lang, base=base, n=rec.count) if rec.count is not None else base


def _cadence_words(rec: Recurrence, lang: str) -> str:
    every, sep = rec.every or "", "、" if lang == "zh" else ", "
    if rec.at is not None:
        return t("recurs.at", lang, times=sep.join(rec.at))
    if rec.on is not None:
        return t("recurs.on", lang, days=sep.join(t(f"weekday.{day}", lang) for day in rec.on))
    if every == "day":
        return t("recurs.times", lang, n=rec.times) if rec.times and rec.times > 1 else t("recurs.day", lang)
    if every in ("week", "month"):
        return t(f"recurs.{every}", lang)
    return t("recurs.hours", lang, n=every[:-1]) if every.endswith("h") else t("recurs.days", lang, n=every[:-1])


def period_words(status: ItemStatus, lang: str) -> str:
    """The current period: 'period 2020-01-27', or a fixed time's round ('08:00 round of 2020-01-27')."""
    period, rec = status.period, status.item.measure.cadence
    if period is None:
        return f"{t('label.period', lang)} —"
    if rec is not None and rec.at is not None:
        return t("label.round", lang, day=period_text(period.key[:10], lang), time=period.key[11:])
    return f"{t('label.period', lang)} {period_text(period.key, lang)}"


def _standing(status: ItemStatus, rec: Recurrence, lang: str) -> list[tuple[str, str]]:
    """A standing rule: how often it is reviewed, whether it is in place, its latest review."""
    parts = [(t("label.standing", lang, review=recurrence_words(rec, lang)), "dim")]
    reviewed = status.reviewed.last if status.reviewed is not None else None
    if reviewed is None:
        parts.append((t("label.not_in_place", lang), "yellow"))
    else:
        moment = when(reviewed.clock or reviewed.at, lang)
        parts.append((t("label.reviewed", lang, period=status.reviewed_period, when=moment), "dim"))
    if status.missed:
        parts.append((t("label.missed", lang, count=len(status.missed)), "red"))
    if status.overdue and reviewed is not None:
        parts.append((t("label.review_overdue", lang), "bold red"))
    return parts


def _timing(status: ItemStatus, lang: str, catalog: Catalog | None = None) -> list[tuple[str, str]]:
    """When an item opens, can be done, and is due (or was: overdue)."""
    parts: list[tuple[str, str]] = []
    parts += _in_force(status, lang, catalog)
    if status.opens is not None and status.state == "upcoming":
        parts.append((f"{t('label.opens', lang)} {when(status.opens, lang)}", "dim"))
    if status.ready is not None and status.state in PENDING:
        parts.append((t("label.ready", lang, day=date_text(status.ready, lang)), "dim"))
    if status.due is not None and status.overdue:
        parts.append((f"{t('label.overdue', lang)} · {due_words(status.due, lang)}", "bold red"))
    elif status.due is not None:
        parts.append((due_words(status.due, lang), "dim"))
    return parts


def _in_force(status: ItemStatus, lang: str, catalog: Catalog | None = None) -> list[tuple[str, str]]:
    """The last day a measure is in force (once past, an item never done lapsed), and an event
    an item must be ready before."""
    parts: list[tuple[str, str]] = []
    measure, event = status.item.measure, status.item.event
    if status.ends is not None:
        day = date_text(status.ends - _INSTANT, lang)
        if status.state == "lapsed" and status.period is None and status.reviewed is None:
            parts.append((t("label.out_of_force", lang, day=day), "red"))
        else:
            parts.append((t("label.in_force_until", lang, day=day), "dim"))
    if event is not None and measure.deadline is not None and measure.deadline.before is not None:
        kind = safe(event_name(catalog, event.kind, lang))
        parts.append((t("label.event_at", lang, event=kind, moment=when(event.moment, lang)), "dim"))
    return parts


def _bar(tally: Tally, width: int = 12) -> ProgressBar:
    return ProgressBar(total=max(tally.applicable, 1), completed=tally.met, width=width, complete_style="green")


def _counts(tally: Tally) -> Text:
    """Only the states that occur, e.g. '✔3 ✖1 ☐2'; of the done, questions answered not met
    (✘) and unknown (?) apart from those met (✔)."""
    text = Text()
    for state in STATES:
        count = tally.met if state == "done" else tally.counts[state]
        if count:
            symbol, style = MARKS[state]
            text.append((" " if text else "") + f"{symbol}{count}", style=style)
        if state == "done":
            for symbol, style, answered in (("✘", "bold red", tally.not_met), ("?", "yellow", tally.unknown)):
                if answered:
                    text.append((" " if text else "") + f"{symbol}{answered}", style=style)
    return text


def status_view(status: UnitStatus, lang: str, newer: str | None = None) -> RenderableType:  # noqa: PLR0912, PLR0915
    unit, catalog = status.unit, status.catalog
    kind = catalog.kind(unit.kind)
    name = catalog.unit_name(unit, lang)
    head = Text()
    head.append(safe(name), style="bold")
    if status.part_view is not None:
        head.append(" · " + t("label.status_of_part", lang, part=safe(status.part_view)), style="bold")
    head.append(t("label.aside", lang, text=safe(unit.id)) + "  ", style="dim")
    head.append(t("label.day", lang, day=status.days), style="bold")
    colon = t("label.colon", lang)
    head.append(f"\n{t('label.kind', lang)}{colon}{safe(kind.name(lang)) if kind else unit.kind}   ")
    head.append(
        f"{t('label.catalog', lang)}{colon}{safe(status.catalog.meta.name)} {safe(status.catalog.meta.version)}   "
    )
    head.append(
        f"{t('label.started', lang)}{colon}{when(unit.started_at, lang)} {t('label.by', lang)} {safe(unit.started_by)}"
    )
    head.append_text(attributes_head(status, lang))
    if status.place:  # the hierarchy: where the unit reports
        head.append("\n" + t("place.reports_to", lang, place=safe(" › ".join(status.place))))
    if newer is not None:
        head.append(f"\n{t('label.newer', lang, version=safe(newer))}", style="yellow")
    if status.replayed:
        said = tn("label.replayed", status.replayed, lang)
        head.append(f"\n⏱ {said}", style="yellow")
    if status.last_record is not None:
        last = status.last_record
        happened = f"{event_name(catalog, last.event, lang)} {last.subject}" if last.event else None
        what = last.item or happened or last.part or _role_part(last)
        what += f" · {last.part}" if last.part and last.item else ""  # unit parts: the part of an item
        head.append(f"\n{t('col.last', lang)}{colon}{when(last.at, lang)} · {safe(last.actor)} · {safe(what)} → ")
        head.append(t("action." + last.action, lang))
    for headline in status.headlines:
        head.append("\n")
        head.append_text(_headline(headline, lang))

    sections = Table(box=box.SIMPLE_HEAD, expand=False)
    sections.add_column(t("col.section", lang))
    sections.add_column(t("col.progress", lang), no_wrap=True)
    sections.add_column("%", justify="right", no_wrap=True)
    sections.add_column(t("col.state", lang), no_wrap=True)
    for section in status.sections:
        sections.add_row(
            Text(safe(section.section.name(lang))),
            _bar(section.tally),
            f"{section.tally.percent:.0f}%",
            _counts(section.tally),
        )
    sections.add_section()
    sections.add_row(
        Text(t("label.total", lang), style="bold"),
        _bar(status.tally),
        f"{status.tally.percent:.0f}%",
        _counts(status.tally),
    )
    title = t("head.status", lang, name=safe(name))
    parts: list[RenderableType] = [Panel(head, title=Text(title), title_align="left", box=box.ROUNDED)]
    parts += _urgent(status, lang)
    parts.append(sections)
    parts.append(_summary_line(status, lang))
    if status.critical_open:
        parts.append(_short_list(status.critical_open, t("head.critical_open", lang), "bold red", lang, catalog))
    if any(s.parts is not None for s in status.items):
        parts.append(_parts_progress(status, lang))
    if status.recurring:
        parts.append(_recurring_table(status.recurring, lang, catalog))
    parts += _owners(status, lang)
    figures = _figures_table(status, lang)
    if figures.row_count:
        parts.append(figures)
    if status.orphans:
        ids = ", ".join(sorted(status.orphans))
        parts.append(Text(tn("msg.orphans", sum(status.orphans.values()), lang, ids=safe(ids)), style="yellow"))
    if status.unusable:
        parts.append(unusable_text(status.unusable, lang))
    return Group(*parts)


def _summary_line(status: UnitStatus, lang: str) -> Text:
    """The unit's share done ('done: 40% (2/5; n/a 1)'); with questions, met (an answer "no" is
    recorded, not met); and the items that do not apply now, if any (applicability)."""
    tally = status.tally
    off = tally.counts["inapplicable"]
    semicolon = t("label.semicolon", lang)
    tail = f"{semicolon}{t('state.na', lang)} {tally.counts['na']}" + (
        f"{semicolon}{t('state.inapplicable', lang)} {off}" if off else ""
    )
    percent = f"{tally.percent:.0f}"
    if not any(s.item.measure.question for s in status.items):
        counts = f"{tally.done}/{tally.applicable}{tail}"
        return Text(t("label.done_line", lang, percent=percent, counts=counts), style="bold")
    answered = t("label.answer_counts", lang, not_met=tally.not_met, unknown=tally.unknown)
    counts = f"{tally.met}/{tally.applicable}{semicolon}{answered}{tail}"
    return Text(t("label.met_line", lang, percent=percent, counts=counts), style="bold")


def _parts_progress(status: UnitStatus, lang: str) -> Table:
    """Unit parts: each measure kept per part, rolled up ("3/5 blocks done", those missing),
    then each active part's progress over its items."""
    table = Table(title=Text(t("head.part_progress", lang), style="bold"), box=box.SIMPLE, title_justify="left")
    table.add_column(t("col.no", lang), justify="right", no_wrap=True)
    table.add_column(t("col.state", lang), no_wrap=True)
    table.add_column(t("col.item", lang), ratio=1)
    for item in status.items:
        if item.parts is not None:
            text = Text(safe(item.item.measure.title(lang)))
            if item.item.subject:
                text.append(f" · {safe(item.item.subject)}", style="bold")
            text.append_text(rollup_text(status, item, lang))
            table.add_row(str(item.item.number), mark(item.state, lang), text)
    tallies = status.part_tallies()
    if tallies:
        table.add_section()
    for part in status.parts:
        tallied = tallies.get(part.id)
        if tallied is None:
            continue
        label = Text(t("label.part_of", lang, kind=safe(kind_name(status, part.kind, lang)), part=safe(part.id)))
        if part.name:
            label.append(f" ({safe(part.name)})", style="dim")
        label.append(f"  {tallied.done}/{tallied.applicable} {tallied.percent:.0f}%  ")
        label.append_text(_counts(tallied))
        table.add_row("", "", label)
    return table


def _urgent(status: UnitStatus, lang: str) -> list[RenderableType]:
    """What comes first after the head: the items overdue, the alerts to acknowledge."""
    found: list[RenderableType] = []
    if status.overdue:
        found.append(_short_list(status.overdue, t("head.overdue", lang), "bold red", lang, status.catalog))
    if status.unacknowledged:
        found.append(_alerts_table(status.unacknowledged, lang, status.command_unit, catalog=status.catalog))
    return found


def unusable_text(problems: Sequence[Message], lang: str) -> Text:
    """The records the fold left out, each named with why (see logindex.unusable)."""
    from .messages import text

    shown = Text(tn("msg.unusable", len(problems), lang), style="yellow")
    for problem in problems:
        shown.append("\n  " + safe(text(problem)), style="yellow")
    return shown


MISSED_SHOWN = 3  # the most recent missed periods named in status; `list --missed` names them all


def _role_part(record: Record) -> str:
    """What a record that names no item or event is about: a role granted or revoked (whose, which)."""
    if record.place:  # the hierarchy: where the unit reports
        return " › ".join(record.place)
    return f"{record.holder} · {record.role}" if record.role is not None else "—"


def _owners(status: UnitStatus, lang: str) -> list[RenderableType]:
    table = _owners_table(status, lang)
    return [table] if table.row_count else []


def _owners_table(status: UnitStatus, lang: str) -> Table:
    """The items each role owns: progress, and the states that occur."""
    from ..core.status import owner_tallies

    table = Table(title=Text(t("head.owners", lang), style="bold"), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(t("col.role", lang))
    table.add_column(t("col.progress", lang), no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    table.add_column(t("col.state", lang), no_wrap=True)
    for role, tally, _ in owner_tallies(status):
        table.add_row(Text(role_name(status.catalog, role, lang)), _bar(tally), f"{tally.percent:.0f}%", _counts(tally))
    return table


def _recurring_table(statuses: Sequence[ItemStatus], lang: str, catalog: Catalog | None = None) -> Table:
    """Each recurring item: its state, and under its title the current period, the periods
    missed (the most recent first) and the streak."""
    table = Table(
        title=Text(t("head.recurring", lang), style="bold"),
        box=box.SIMPLE,
        title_justify="left",
        show_header=False,
        expand=True,
    )
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    for item in statuses:
        text = Text(safe(item.item.measure.title(lang)))
        if item.item.subject:
            text.append(f" · {safe(item_subject(item.item, lang, catalog))}", style="bold")
        if item.item.part:
            text.append(f" · {safe(item.item.part)}", style="bold")
        text.append(f"\n{period_words(item, lang)}", style="dim")
        if item.counted is not None:
            text.append(" · " + t("label.counted", lang, made=item.counted[0], needed=item.counted[1]))
        if item.reviewed is not None:
            reviewed = item.reviewed.last
            said = t(
                "label.reviewed", lang, period=item.reviewed_period, when=when(reviewed.clock or reviewed.at, lang)
            )
            text.append(f" · {said}", style="bold red" if item.overdue else "dim")
        if item.missed:
            recent = list(reversed(item.missed[-MISSED_SHOWN:])) + (["…"] if len(item.missed) > MISSED_SHOWN else [])
            missed = t("label.missed_recent", lang, count=len(item.missed), periods=_periods(recent, lang))
            text.append(f" · {missed}", style="red")
        else:
            text.append(f" · {t('label.missed_none', lang)}", style="dim")
        if item.streak:
            text.append(f" · {t('label.streak', lang, count=item.streak)}", style="green")
        if catalog is not None:
            text.append_text(roles_line(item.item.measure, catalog, lang))
            text.append_text(given_line(item, catalog, lang))
        table.add_row(str(item.item.number), item_mark(item, lang), text)
    return table


def _figures_table(status: UnitStatus, lang: str) -> Table:
    """Each recorded figure of the unit: its latest value (alerts in red) and, when it recurs,
    how it adds up (its aggregate) today and since the start; of a subject's figures, only
    those past an alert threshold."""
    table = Table(title=Text(t("head.figures", lang), style="bold"), box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("col.item", "col.field", "col.latest", "col.aggregate", "col.today", "col.since_start"):
        table.add_column(t(column, lang), justify="right" if column in _FIGURES_RIGHT else "left")
    for item in status.flat():
        for spec in item.item.measure.fields:
            if spec.id not in item.latest or (item.item.subject is not None and spec.id not in item.alerts):
                continue  # per-subject figures only when they cross a threshold: `subjects` has the rest
            label = Text(f"{item.item.number} ")
            subject = item_subject(item.item, lang, status.catalog) if item.item.subject else None
            label.append(safe(subject or item.item.measure.title(lang)))
            label.append(f" · {safe(item.item.part)}" if item.item.part else "")
            value = Text(
                safe(f"{_figure(spec, item.latest[spec.id], lang)}{' ' + spec.unit_text(lang) if spec.unit else ''}")
            )
            if spec.id in item.alerts:
                value.append(" " + t("label.alert", lang))
                value.stylize("bold red")
            how = spec.aggregation if item.item.measure.cadence is not None else None
            aggregate, today, total = "", "", ""
            if how is not None:
                aggregate = t(f"aggregate.{how}", lang)
            if how is not None and how != "none":
                today, total = _number(item.today.get(spec.id)), _number(item.totals.get(spec.id))
            table.add_row(label, Text(safe(spec.label(lang))), value, aggregate, today, total)
    return table


_FIGURES_RIGHT = frozenset({"col.latest", "col.today", "col.since_start"})


ALERTS_SHOWN = 12  # alerts to acknowledge listed in status; `today` lists them all


def _alerts_table(
    alerts: Sequence[Unacknowledged],
    lang: str,
    unit: str | None = None,
    shown: int = ALERTS_SHOWN,
    catalog: Catalog | None = None,
) -> Table:
    """The alerts not acknowledged yet, oldest first: the item (its subject, its period), the
    values past an alert, when and by whom they were recorded, and the command to acknowledge."""
    from ..core.agenda import ack_command

    rows = [(alert, ack_command(alert, unit)) for alert in alerts[:shown]]
    table = _alert_rows(Text(t("head.unacknowledged", lang), style="bold red"), rows, lang, catalog)
    if len(alerts) > shown:
        table.add_row("", Text(t("label.more_alerts", lang, count=len(alerts) - shown), style="dim"))
    return table


def _alert_rows(
    title: Text, rows: Iterable[tuple[Unacknowledged, str]], lang: str, catalog: Catalog | None = None
) -> Table:
    """Alerts to acknowledge, a row each: the item's number, then what, the values, who, the command."""
    table = Table(title=title, box=box.SIMPLE, title_justify="left", show_header=False, expand=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for alert, command in rows:
        table.add_row(str(alert.item.number), alert_text(alert, command, lang, catalog))
    return table


def alert_text(alert: Unacknowledged, command: str, lang: str, catalog: Catalog | None = None) -> Text:
    """An alert to acknowledge, in a few lines: what, the values, who recorded them, the command."""
    text = Text(safe(alert.item.measure.title(lang)))
    if alert.item.subject:
        text.append(f" · {safe(item_subject(alert.item, lang, catalog))}", style="bold")
    if alert.item.part:
        text.append(f" · {safe(alert.item.part)}", style="bold")
    if alert.period:
        text.append(f" · {period_text(alert.period, lang)}", style="bold")
    text.append("\n").append_text(alert_values(alert, lang))
    text.append(" · " + recorded(alert.record, lang), style="dim")
    text.append(f"\n$ {safe(typed_command(command, lang))}", style="cyan")
    return text


def recorded(record: Record, lang: str) -> str:
    """When and by whom a record was made (and the moment a replayed clock was set to, as `log` marks it)."""
    said = t("label.recorded_by", lang, when=when(record.at, lang), who=safe(record.actor))
    if record.clock is None:
        return said
    # the replayed moment as --now takes it (an option's value stays as it is typed, as in the log)
    return said + t("label.replayed_at", lang, when=f"{record.clock:%Y-%m-%d %H:%M}")


def alert_name(measure: Measure, name: str, lang: str) -> str:
    """How an alert is named: a field by its label, a decision rule by its instruction, an answer as such."""
    if name == ANSWER:
        return t("label.answer_alert", lang)
    rule = rule_of(measure, name)
    if rule is not None:
        return t("label.rule", lang, instruction=rule.then(lang))
    spec = measure.field(name)
    return spec.label(lang) if spec is not None else name


def alert_values(alert: Unacknowledged, lang: str) -> Text:
    """The values past an alert: '体温 = 38.2 °C ⚠ 警示'; a rule that holds, by its instruction."""
    text = Text(style="bold red")
    measure = alert.item.measure
    values = complete(measure, alert.record.figures) if measure.computations else alert.record.figures
    for number, field_id in enumerate(alert.fields):
        if field_id == ANSWER:  # a question's answer its alert names
            said = answer_text(alert.item.measure.question, alert.record.answer or [], lang)
            text.append(("" if number == 0 else ", ") + safe(f"{t('label.answer_alert', lang)} = {said}"))
            continue
        spec = measure.field(field_id)
        if spec is None and (rule := rule_of(measure, field_id)) is not None:
            text.append(("" if number == 0 else ", ") + safe(t("label.rule", lang, instruction=rule.then(lang))))
            continue
        value = values.get(field_id)
        shown = "—" if value is None else _figure(spec, value, lang)
        unit = f" {spec.unit_text(lang)}" if spec is not None and spec.unit else ""
        label = spec.label(lang) if spec is not None else field_id
        text.append(("" if number == 0 else ", ") + safe(f"{label} = {shown}{unit}"))
    text.append(" " + t("label.alert", lang))
    return text


def _figure(spec: FieldSpec | None, value: FigureValue, lang: str) -> str:
    """A figure in words; a computed one to six significant digits (a share: 66.6667, not 66.66666666666667)."""
    if spec is not None and spec.compute is not None and isinstance(value, float):
        return f"{value:g}"
    return figure_text(value, lang, spec)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _headline(headline: Headline, lang: str) -> Text:
    """'Today's report ✔ · infections 0 (12 days at zero) · …'."""
    text = Text(t("label.report_today", lang) + " ", style="bold")
    text.append(
        "✔" if headline.reported_today else "✖ " + t("label.missing", lang),
        style="green" if headline.reported_today else "bold red",
    )
    for spec in headline.item.item.measure.fields:
        value = headline.values.get(spec.id)
        shown = "—" if value is None else safe(figure_text(value, lang, spec))
        text.append(f" · {safe(spec.label(lang))} ")
        text.append(shown, style="bold red" if spec.id in headline.item.alerts else "bold")
        if spec.id in headline.item.alerts:
            text.append(" " + t("label.alert", lang), style="bold red")
        text.append(
            t("label.aside", lang, text=tn("label.days_at_zero", headline.days_at_zero[spec.id], lang)), style="dim"
        )
    return text


def _short_list(
    statuses: Sequence[ItemStatus], title: str, style: str, lang: str, catalog: Catalog | None = None
) -> Table:
    table = Table(title=Text(title, style=style), box=box.SIMPLE, title_justify="left", show_header=False)
    table.add_column(justify="right")
    table.add_column()
    table.add_column()
    for item in statuses:
        label = Text(safe(item.item.measure.title(lang)))
        if item.item.subject:
            label.append(f" · {safe(item_subject(item.item, lang, catalog))}", style="bold")
        if item.item.part:
            label.append(f" · {safe(item.item.part)}", style="bold")
        if item.parts:
            missing = [p.item.part or "" for p in item.parts if p.state not in ("done", "na")]
            label.append(f" · {len(item.parts) - len(missing)}/{len(item.parts)}", style="bold")
        if item.overdue and item.reviewed is not None:  # a standing rule in place, its review missed
            label.append(f" · {t('label.review_overdue', lang)}", style="red")
        elif item.due is not None and item.overdue:
            label.append(f" · {t('label.overdue', lang)} · {due_words(item.due, lang)}", style="red")
        if catalog is not None:  # who must act on it, and whom it reports to
            label.append_text(roles_line(item.item.measure, catalog, lang))
        table.add_row(str(item.item.number), item_mark(item, lang), label)
    return table


MISSING_SHOWN = 5  # the units not reporting today named in the headline; the rest are counted


def padded_line(cells: list[Text], widths: list[int], right: set[int], gap: int = 2, style: str = "") -> Text:
    """One line of a table drawn without a frame: each cell in its column's width (a longer one
    shortened with '…', never wrapped), the columns in `right` right-aligned, `gap` blanks between."""
    out = Text(style=style)
    for i, given in enumerate(cells):
        cell = given.copy()
        if cell.cell_len > widths[i]:
            cell.truncate(widths[i], overflow="ellipsis")
        pad = " " * (widths[i] - cell.cell_len)
        if i:
            out.append(" " * gap)
        if i in right:
            out.append(pad)
        out.append_text(cell)
        if i not in right and i < len(cells) - 1:
            out.append(pad)
    return out


def supervisor_view(view: SupervisorView, lang: str, width: int) -> RenderableType:
    """`status --all`: the province's headline, then one line per unit that fits `width`
    (a long name shortened with '…', never wrapped)."""
    from .hierarchy import units_head, view_head

    lines = _province_lines(view.province, lang, width)
    if view.node:
        lines[0] = Text(t("province.head_node", lang, node=safe(" › ".join(view.node))), style="bold")
    lines += view_head(view, lang, width)
    head = units_head(view, lang)
    if view.filters.on:
        head += tn("province.shown", view.total, lang, shown=len(view.units))
    lines += [Text(""), Text(head, style="bold")]
    if not view.units:
        lines.append(Text(t("province.none_shown", lang), style="dim"))
        return Group(*lines)
    headers = [t(k, lang) for k in ("col.unit", "col.progress", "col.critical_short", "col.overdue_short")]
    headers += [t("col.report_short", lang), t("col.alerts_short", lang), t("col.last_short", lang)]
    rows: list[list[Text]] = []
    right, body = {1, 2, 3}, None
    if view.histories is not None or any(v.status.place for v in view.units):
        from .hierarchy import unit_rows

        headers, rows, right = unit_rows(view, lang)
        body = 1 if any(v.status.place for v in view.units) else None  # the units' bodies: shortened first
    for unit in view.units if not rows else ():
        status = unit.status
        report = _report_cell(status, lang, one_line=True)
        alerts = len(status.unacknowledged)
        critical, overdue = len(status.critical_open), len(status.overdue)
        rows.append(
            [
                Text(safe(_supervised_name(status, lang))),
                Text(f"{status.tally.percent:.0f}%"),
                Text(str(critical), style="bold red" if critical else "green"),
                Text(str(overdue), style="bold red" if overdue else "green"),
                report,
                Text(f"⚠ {alerts}", style="bold red") if alerts else Text("—", style="dim"),
                Text(date_text(status.last_record.at, lang, short=True) if status.last_record else "—"),
            ]
        )
    widths = [max(cell_len(h), *(r[i].cell_len for r in rows)) for i, h in enumerate(headers)]
    if rows and body is not None:  # a narrow screen: the body gives way first
        from .hierarchy import fit_body

        headers, rows, widths, right = fit_body(headers, rows, widths, right, width)
    widths[0] = max(4, min(widths[0], width - sum(widths[1:]) - 2 * (len(widths) - 1)))
    lines.append(padded_line([Text(h) for h in headers], widths, right, style="bold"))
    lines += [padded_line(r, widths, right) for r in rows]
    shown = [v.status for v in view.units]
    lines += [
        Text(tn("msg.unusable_units", len(s.unusable), lang, unit=safe(s.unit.id)), style="yellow")
        for s in shown
        if s.unusable
    ]
    lines += [
        Text(tn("msg.alerts_units", len(s.unacknowledged), lang, unit=safe(s.unit.id)), style="bold red")
        for s in shown
        if s.unacknowledged
    ]
    return Group(*lines)


def _province_lines(province: Province, lang: str, width: int) -> list[Text]:
    """The headline of `status --all`: units reporting today and those missing, today's figures
    summed, units with alerts and with overdue critical items."""
    lines: list[Text] = [Text(t("province.head", lang), style="bold")]
    reporting = tn("province.reporting", province.units, lang, reporting=province.reporting)
    if province.missing:
        names = []
        for missing in province.missing[:MISSING_SHOWN]:
            name = Text(safe(_supervised_name(missing, lang)))
            name.truncate(max(12, width // 3), overflow="ellipsis")  # a long name leaves room for the others
            names.append(name.plain)
        listed = t("province.separator", lang).join(names)
        rest = len(province.missing) - len(names)
        if rest:
            listed = tn("province.more", rest, lang, names=listed)
    lines.append(Text(reporting, style="bold red" if province.missing else "green"))
    if province.missing:
        lines.append(Text(t("province.missing", lang, names=listed), style="bold red"))
    if province.figures:
        figures = t("province.separator", lang).join(
            t("province.figure", lang, label=safe(label(lang)), value=safe(str(province.figures[field_id])))
            for field_id, label in province.labels.items()
        )
        lines.append(Text(tn("province.figures", province.reporting, lang, figures=figures)))
    lines.append(Text(tn("province.alerting", province.alerting, lang), style="bold red" if province.alerting else ""))
    lines.append(Text(tn("province.overdue", province.overdue, lang), style="bold red" if province.overdue else ""))
    return lines


def _supervised_name(status: UnitStatus, lang: str) -> str:
    """A unit's name on its line; one with no name of its own by its id and kind, as units are told apart."""
    if status.unit.name:
        return status.catalog.unit_name(status.unit, lang)
    kind = status.catalog.kind(status.unit.kind)
    return f"{status.unit.id} · {kind.name(lang) if kind else status.unit.kind}"


def _report_cell(status: UnitStatus, lang: str, one_line: bool = False) -> Text:
    """Today's headline report of a unit, and its figures: '✔ 0/0/0', '✔ 3/0/0 ⚠ alert'."""
    if not status.headlines:
        return Text("—", style="dim")
    headline = status.headlines[0]
    values = "/".join("—" if v is None else safe(str(v)) for v in headline.values.values())
    alert = f"\n{t('label.alert', lang)}" if headline.item.alerts and not one_line else ""
    if not headline.reported_today:
        return Text(f"✖ {values}{alert}", style="bold red")
    return Text(f"✔ {values}{alert}", style="bold red" if headline.item.alerts else "green")


FIRST_ROWS, ROWS = 40, 400  # rows of the first table (printed at once), then of each table at most
TABLE_TEXT = 128 << 10  # characters of notes a table holds at most: rich draws a whole table in memory


def log_widths(width: int) -> tuple[int, int, int, int]:
    """The widths of the log's columns (when, who, item, note) on a console `width` wide: fixed
    by the width alone, so that the tables a log is printed in line up as one. The time takes
    14 cells, who at most 16 and the item at most 30, the note the rest (a cell of padding
    each side of each column, and one between columns); on a narrow console who and the item
    give way first."""
    rest = max(width - 11 - 14, 3)
    who = min(16, max(rest // 6, 1))
    item = min(30, max(rest // 3, 1))
    return 14, who, item, max(rest - who - item, 1)


def log_tables(
    batches: Iterable[Sequence[Record]], lang: str, title: str, width: int, catalog: Catalog | None = None
) -> Iterator[Table]:
    """The audit trail as tables made as the records are read: the first (with the title and
    the column heads) as soon as its rows are in, so that a long log starts printing at once;
    each of a few hundred rows, or of 128 Ki characters of notes, so that memory holds one
    table, never the log (a record with a longer note has a table of its own)."""
    widths = log_widths(width)
    rows: list[Record] = []
    text, first = 0, True
    for batch in batches:
        for record in batch:
            rows.append(record)
            text += len(record.note or "")
            if len(rows) >= (FIRST_ROWS if first else ROWS) or text >= TABLE_TEXT:
                yield _log_table(rows, lang, title if first else None, widths, catalog)
                rows, text, first = [], 0, False
    if rows or first:
        yield _log_table(rows, lang, title if first else None, widths, catalog)


def _log_table(
    records: Sequence[Record],
    lang: str,
    title: str | None,
    widths: tuple[int, int, int, int],
    catalog: Catalog | None = None,
) -> Table:
    table = Table(
        title=Text(safe(title), style="bold") if title is not None else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_header=title is not None,
        show_edge=False,
    )
    when, who, item_width, note_width = widths
    measures = {m.id: m for m in catalog.measures} if catalog is not None else {}
    table.add_column(t("col.when", lang), no_wrap=True, width=when)
    table.add_column(t("col.who", lang), overflow="fold", width=who)
    table.add_column(t("col.item", lang), overflow="fold", width=item_width)
    table.add_column(t("col.note", lang), overflow="fold", width=note_width)
    for record in records:
        happened = f"{event_name(catalog, record.event, lang)} · {record.subject or ''}" if record.event else ""
        what = record.item or safe(happened)
        item = Text(what or ("" if record.part is not None else "—"))
        if record.subject_type:  # the subject's type, by its name where the catalog gives one
            item.append(
                f" · {safe(subject_type_name(catalog, record.subject_type, lang) if catalog else record.subject_type)}"
            )
        if record.role is not None:  # a role granted or revoked: whose, and which
            item = Text(f"{safe(record.holder or '')} · {record.role}")
        if record.place:  # the hierarchy: where the unit reports
            item = Text(safe(" › ".join(record.place)))
        if record.action == "acknowledged":  # what it covers: the subject's alerts, the period's (else every one's)
            item.append(f" · {safe(record.subject)}" if record.subject else "")
            item.append(f" · {period_text(record.period, lang)}" if record.period else "")
        if record.part is not None:  # unit parts: the part a record is of, or that was added or retired
            kind = f"{record.part_kind} " if record.part_kind else ""
            item.append(f"{' · ' if record.item else ''}{kind}{safe(record.part)}", style="bold")
            item.append(f" ({safe(record.part_name)})" if record.part_name else "")
        if record.occurrence is not None:  # which of the subject's events (a second admission)
            item.append(" · " + t("label.occurrence_nth", lang, n=record.occurrence, nth=ordinal(record.occurrence)))
        item.append(f"\n→ {t('action.' + record.action, lang)}", style=ACTION_STYLE[record.action])
        note = Text()
        if record.clock is not None:  # made with a replayed clock: say which moment it replayed
            note.append(f"⏱ --now {record.clock.strftime('%Y-%m-%d %H:%M')}\n", style="yellow")
        if record.answer is not None:  # a question's answer (its ids; yes, no, unknown in words)
            note.append(safe(t("label.answered", lang, answer=answer_text(None, record.answer, lang))) + "\n", "bold")
        note.append(safe(record.note or ""))
        if record.attributes:  # set: the values given, by attribute id (the log is read without the catalog)
            values = ", ".join(f"{name}={value}" for name, value in record.attributes.items())
            note.append(("\n" if record.note else "") + safe(values), style="cyan")
        if record.figures:
            measure = measures.get(record.item) if record.item else None  # a choice by its name
            figures = ", ".join(
                f"{k}={figure_text(v, lang, measure.field(k) if measure else None)}" for k, v in record.figures.items()
            )
            note.append(("\n" if record.note else "") + safe(figures), style="cyan")
        for file in record.evidence:
            kind = f"[{file.kind_id}] " if file.kind_id is not None else ""  # the named kind it was attached as
            note.append(f"\n{kind}{safe(file.name)} ({file.size} B, sha256 {file.sha256[:12]}…)", style="dim")
        moment = Text(date_text(record.at, lang) + record.at.strftime("\n%H:%M:%S %z"))
        table.add_row(moment, Text(safe(record.actor)), item, LineByLine(note))
    return table


class LineByLine:
    """A text rendered one line at a time. rich renders a wrapped text as one segment holding
    all its lines, then splits it at each line end copying what is left each time: a note of
    100,000 lines took minutes (quadratic in its lines). Here each line is its own segment."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        overflow = options.overflow or self.text.overflow or "fold"
        lines = self.text.wrap(console, options.max_width, overflow=overflow, no_wrap=options.no_wrap or False)
        end = Segment.line()
        for line in lines:
            yield from line.render(console)
            yield end

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return self.text.__rich_measure__(console, options)


def parts_table(view: PartsView, lang: str) -> RenderableType:
    """Unit parts: the kinds of part of the unit, then each part (retired ones too) with how its items stand."""
    status = view.status
    name = status.catalog.unit_name(status.unit, lang)
    kinds = ", ".join(f"{k.id} ({safe(k.name(lang))})" for k in view.kinds) or "—"
    head = Text(t("label.part_kinds", lang, kinds=kinds), style="dim")
    if not view.parts:
        return Group(head, Text(t("msg.no_parts", lang), style="yellow"))
    table = Table(title=Text(t("head.parts", lang, name=safe(name)), style="bold"), box=box.SIMPLE_HEAD)
    for column in ("col.part", "col.part_kind", "col.part_name", "col.added", "col.state", "col.progress"):
        table.add_column(t(column, lang))
    for part in view.parts:
        tallied = view.tallies.get(part.id)
        retired = part.retired is not None
        state = Text(
            f"{t('col.retired', lang)} {when(part.retired, lang)}" if part.retired else t("label.part_in_use", lang)
        )
        progress = Text()
        if tallied is not None and not retired:
            progress.append(f"{tallied.done}/{tallied.applicable} {tallied.percent:.0f}%  ")
            progress.append_text(_counts(tallied))
        table.add_row(
            Text(safe(part.id), style="dim" if retired else "bold"),
            Text(safe(kind_name(status, part.kind, lang))),
            Text(safe(part.name or "")),
            when(part.added, lang),
            state,
            progress,
        )
    return Group(head, table)


def units_table(catalog: Catalog, lang: str) -> Table:
    table = Table(title=Text(safe(catalog.meta.title(lang)), style="bold"), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(t("col.id", lang), no_wrap=True)
    table.add_column(t("col.kind", lang))
    table.add_column(t("col.measures", lang), justify="right")
    table.add_column(t("priority.critical", lang), justify="right")
    for kind in catalog.meta.unit_kinds:
        measures = catalog.for_kind(kind.id)
        critical = sum(1 for m in measures if m.priority == "critical")
        table.add_row(kind.id, Text(safe(kind.name(lang))), str(len(measures)), str(critical))
    return table


def measure_panel(status: ItemStatus, catalog: Catalog, lang: str, position: str) -> Panel:
    measure: Measure = status.item.measure
    body = Text()
    body.append(safe(measure.title(lang)), style="bold")
    body.append(f"\n{measure.id}  ·  ", style="dim")
    body.append(t("priority." + measure.priority, lang), style=PRIORITY_STYLE[measure.priority] or "dim")
    section = catalog.section(measure.section)
    body.append(f"  ·  {safe(section.name(lang)) if section else measure.section}", style="dim")
    if measure.detail:
        body.append(f"\n\n{safe(measure.detail(lang))}")
    source = measure.source
    dated = f" {date_text(source.date, lang)}" if source.date else ""
    colon, sep = ("：", "、") if lang == "zh" else (": ", ", ")
    body.append(f"\n\n{t('label.source', lang)}{colon}{safe(source.issuer(lang))}{dated}\n", style="dim")
    body.append(t("label.quote", lang, quote=safe(source.quote)), style="italic")  # 「…」, or “…” in English
    if source.status != "verbatim":  # the source's words are not these: say what they are
        said = t("source." + source.status, lang)
        body.append(f" （{said}）" if lang == "zh" else f" ({said})", style="dim")
    if measure.examples:
        body.append(
            f"\n{t('label.examples', lang)}{colon}" + "；".join(safe(e(lang)) for e in measure.examples), style="dim"
        )
    body.append_text(_guidance(measure, lang))
    body.append_text(roles_line(measure, catalog, lang))
    if measure.evidence:
        needs = sep.join(evidence_kind_name(catalog, e, lang) for e in measure.evidence)
        body.append(f"\n{t('label.needs', lang)}{colon}" + needs, style="cyan")
    if measure.conditions:  # applicability: when it applies, as the walk shows it
        body.append(f"\n{safe(conditions_text(measure, catalog, lang))}", style="cyan")
    body.append_text(timing_rule_text(measure, catalog, lang))
    body.append_text(_details(status, lang, catalog))
    body.append_text(given_line(status, catalog, lang))
    subject = f" · {safe(item_subject(status.item, lang, catalog))}" if status.item.subject else ""
    subject += f" · {safe(status.item.part)}" if status.item.part else ""
    title = f"{status.item.number}{subject} · {position}"
    return Panel(body, title=Text(title), title_align="left", box=box.ROUNDED)  # Text: a str title is markup


def _guidance(measure: Measure, lang: str, gap: str = "\n\n") -> Text:
    """The catalog authors' own words, apart from the source's: their advice, and what each
    figure counts."""
    text = Text()
    colon = "：" if lang == "zh" else ": "
    if measure.guidance:
        text.append(f"{gap}{t('label.guidance', lang)}{colon}", style="bold green")
        text.append(safe(measure.guidance(lang)), style="green")
    defined = [spec for spec in measure.fields if spec.definition]
    if defined:
        text.append(f"\n{t('label.definitions', lang)}{colon}", style="bold green")
        for spec in defined:
            definition = spec.definition(lang) if spec.definition else ""
            text.append(f"\n  {safe(spec.label(lang))}{colon}{safe(definition)}", style="green")
    return text.append_text(_worked_out_and_rules(measure, lang, colon))


def _worked_out_and_rules(measure: Measure, lang: str, colon: str) -> Text:
    """What the catalog works out (computed fields) and decides (its rules), so that whoever
    answers knows which answers call for what: 'fever = yes or cough = yes → refuse entry'."""
    text = Text()
    computed = [spec for spec in measure.fields if spec.compute is not None]
    if computed:
        text.append(f"\n{t('label.computed', lang)}{colon}", style="bold green")
        for spec in computed:
            text.append(f"\n  {safe(spec.label(lang))} = {safe(spec.compute or '')}", style="green")
    if measure.rules:
        text.append(f"\n{t('label.rules', lang)}{colon}", style="bold green")
        for rule in measure.rules:
            joint = t("rule.or", lang) if rule.when.any is not None else t("rule.and", lang)
            said = joint.join(_condition_text(measure, c, lang) for c in rule.when.conditions)
            text.append(f"\n  {safe(said)} → {safe(rule.then(lang))}", style="green")
    return text


def _condition_text(measure: Measure, condition: Condition, lang: str) -> str:
    spec = measure.field(condition.field)
    label = spec.label(lang) if spec is not None else condition.field

    def shown(value: object) -> str:
        if isinstance(value, str) and spec is not None and spec.type == "yesno" and value in ("yes", "no"):
            value = value == "yes"
        return figure_text(value, lang, spec) if not isinstance(value, float) else f"{value:g}"

    if condition.is_ is not None:
        return f"{label} = {shown(condition.is_)}"
    if condition.in_ is not None:
        return f"{label} ∈ {{{', '.join(map(shown, condition.in_))}}}"
    bounds = [f"> {shown(condition.above)}"] if condition.above is not None else []
    bounds += [f"< {shown(condition.below)}"] if condition.below is not None else []
    return f"{label} {' '.join(bounds)}"


def subjects_table(status: UnitStatus, by_subject: dict[str, list[ItemStatus]], lang: str) -> Table:
    name = status.catalog.unit_name(status.unit, lang)
    table = Table(
        title=Text(t("head.subjects", lang, name=safe(name)), style="bold"), box=box.SIMPLE_HEAD, title_justify="left"
    )
    table.add_column(t("col.subject", lang), no_wrap=True)
    table.add_column(t("col.event", lang), no_wrap=True)
    table.add_column(t("col.open", lang), justify="right")
    table.add_column(t("col.next_due", lang), no_wrap=True)
    table.add_column(t("col.item", lang), ratio=1, overflow="fold")
    for subject, items in sorted(by_subject.items(), key=by_occurrence):
        event = items[0].item.event
        happened = when(event.moment, lang) if event else ""
        pending = [i for i in items if i.state in PENDING]
        dues = sorted(i.due for i in pending if i.due is not None)
        next_due = Text("—")
        if dues:
            days = (dues[0] - status.now).total_seconds() / 86400
            key, shown = ("label.days_left", days) if days >= 0 else ("label.days_over", -days)
            next_due = Text(
                f"{due_words(dues[0], lang)}\n{t(key, lang, days=f'{shown:.1f}')}",
                style="bold red" if days < 0 else "",
            )
        lines = Text()
        for index, item in enumerate(items):
            lines.append(("\n" if index else "") + f"{item.item.number} ")
            lines.append_text(item_mark(item, lang))
            lines.append(" " + safe(item.item.measure.title(lang)))
        kind = f"{event_name(status.catalog, event.kind, lang)}\n{happened}" if event else ""
        if event is not None and event.subject_type is not None:  # applicability: the subject's type, by name
            kind += "\n" + subject_type_name(status.catalog, event.subject_type, lang)
        first = items[0].item
        who = first.subject or subject  # the person, and which occurrence where they have had several
        if first.occurrences > 1:
            who += "\n" + t("label.occurrence_nth", lang, n=first.occurrence, nth=ordinal(first.occurrence))
        table.add_row(Text(safe(who), style="bold"), Text(safe(kind)), str(len(pending)), next_due, lines)
    if status.archived_subjects:
        table.caption = tn("label.archived_subjects", status.archived_subjects, lang)
        table.caption_justify = "left"
    return table


SAME_FROM = 4  # subjects of one item due or opening alike: from this many, one row for them all
SUBJECTS_NAMED = 8  # of those, named in the row


def _same_items(entries: list[AgendaEntry]) -> list[list[AgendaEntry]]:
    """The entries, those of many subjects for the same item in the same state, due or
    opening at the same moment, as one group (in the place of the first): a busy prison
    admits dozens a day, and each one's 14-day observation ends on the same day."""
    groups: dict[tuple[object, ...], list[AgendaEntry]] = {}
    for number, entry in enumerate(entries):
        item = entry.status
        alike = (
            item.item.measure.id,
            item.item.part,
            item.state,
            item.due,
            item.opens,
            item.overdue,
            item.item.occurrences > 1,
        )
        key = alike if item.item.subject and item.state not in ATTENTION else (number,)
        groups.setdefault(key, []).append(entry)
    found: list[list[AgendaEntry]] = []
    for group in groups.values():
        found += [group] if len(group) >= SAME_FROM else [[entry] for entry in group]
    order = {id(entry): number for number, entry in enumerate(entries)}
    return sorted(found, key=lambda group: order[id(group[0])])


def _subjects(group: list[AgendaEntry], lang: str, catalog: Catalog | None = None) -> str:
    names = sorted(safe(item_subject(entry.status.item, lang, catalog)) for entry in group)
    shown = ", ".join(names[:SUBJECTS_NAMED])
    if len(names) > SUBJECTS_NAMED:
        shown += " " + t("label.and_more", lang, count=len(names) - SUBJECTS_NAMED)
    return tn("label.same_for", len(names), lang, subjects=shown)


def _any_subject(entry: AgendaEntry) -> str:
    """The entry's command, for whichever of the group's subjects."""
    item = entry.status.item
    command = entry.command.replace(f"--subject {shlex.quote(item.subject or '')}", "--subject …", 1)
    return command.replace(f"--occurrence {item.occurrence}", "--occurrence …", 1) if item.occurrences > 1 else command


def agenda_view(status: UnitStatus, plan: Agenda, lang: str) -> RenderableType:
    zone_day = date_text(status.now.astimezone(ZoneInfo(status.catalog.meta.timezone)), lang)
    name = safe(status.catalog.unit_name(status.unit, lang))
    if status.part_view is not None:
        name += " · " + t("label.status_of_part", lang, part=safe(status.part_view))
    parts: list[RenderableType] = [Text(t("head.today", lang, name=name, day=zone_day), style="bold")]
    for title, style, entries in (
        (t("head.overdue", lang), "bold red", plan.overdue),
        (t("head.due_today", lang), "bold yellow", plan.today),
        (t("head.attention", lang), "bold magenta", plan.attention),
        (t("head.coming", lang), "bold", plan.coming),
        (t("head.still_open", lang), "bold", plan.open),
    ):
        if not entries:
            continue
        table = Table(
            title=Text(title, style=style), box=box.SIMPLE, title_justify="left", show_header=False, expand=True
        )
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for group in _same_items(entries):
            item = group[0].status
            label = Text(safe(item.item.measure.title(lang)))
            if len(group) > 1:
                label.append(f" · {_subjects(group, lang, status.catalog)}", style="bold")
            elif item.item.subject:
                label.append(f" · {safe(item_subject(item.item, lang, status.catalog))}", style="bold")
            if item.item.part:
                label.append_text(_part_label(status, item))
            label.append_text(_details(item, lang, status.catalog))
            label.append_text(rollup_text(status, item, lang))
            label.append_text(roles_line(item.item.measure, status.catalog, lang))  # who must act on it
            noted = item.state in ATTENTION or item.verdict in ("not_met", "unknown")
            if noted and item.last is not None and item.last.note:
                said = t("label.said", lang, who=safe(item.last.actor), note=safe(item.last.note))
                label.append("\n" + said, "italic")
            command = group[0].command if len(group) == 1 else _any_subject(group[0])
            label.append(f"\n$ {safe(typed_command(command, lang))}", style="cyan")
            table.add_row(str(item.item.number), item_mark(item, lang), label)
        parts.append(table)
    if plan.alerts:
        parts.insert(_after_attention(parts, plan), _agenda_alerts(plan, lang, status.catalog))
    if len(parts) == 1:
        parts.append(Text(t("msg.agenda_empty", lang), style="green"))
    return Group(*parts)


def _after_attention(parts: list[RenderableType], plan: Agenda) -> int:
    """Where the alerts go among the agenda's tables: right after those needing attention."""
    before = [plan.overdue, plan.today, plan.attention]
    return 1 + sum(1 for entries in before if entries)


def _agenda_alerts(plan: Agenda, lang: str, catalog: Catalog | None = None) -> Table:
    title = Text(t("head.attention_alerts", lang), style="bold magenta")
    return _alert_rows(title, ((entry.alert, entry.command) for entry in plan.alerts), lang, catalog)


def kept_to_line(catalog: Catalog, roles: Sequence[str], person: str | None, lang: str) -> Text:
    """What a view kept to a role's items (`--role`, `--by NAME`) says above it."""
    names = "、".join if lang == "zh" else ", ".join
    said = names(role_name(catalog, role, lang) for role in roles)
    if person is None:
        return Text(t("msg.kept_to_role", lang, roles=said), style="cyan")
    return Text(t("msg.kept_to_person", lang, person=safe(person), roles=said), style="cyan")


def roles_table(view: RolesView, lang: str) -> RenderableType:
    """Every role of the catalog's head, with who holds it now, since when and granted by whom."""
    name = view.catalog.unit_name(view.unit, lang)
    table = Table(title=Text(t("head.roles", lang, name=safe(name)), style="bold"), box=box.SIMPLE_HEAD)
    table.add_column(t("col.role", lang))
    table.add_column(t("col.holder", lang), overflow="fold")
    table.add_column(t("col.held_since", lang), no_wrap=True)
    table.add_column(t("col.granted_by", lang), overflow="fold")
    for role in view.catalog.meta.roles:
        held = [h for h in view.holdings if h.role == role.id]
        label = Text(f"{safe(role.name(lang))}\n{role.id}")
        if not held:
            table.add_row(label, Text(t("label.nobody", lang), style="dim"), "", "")
        for number, holding in enumerate(held):
            since = moment_text(holding.since.astimezone(view.now.tzinfo), lang)
            table.add_row(label if number == 0 else "", Text(safe(holding.holder)), since, Text(safe(holding.by)))
    return table
