"""Rich renderings of the core's results. Every user-supplied string goes through `safe`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from ..models import Catalog, Measure, Record
from ..status import ItemStatus, Tally, UnitStatus
from .i18n import t
from .output import safe

MARKS = {"done": ("✔", "green"), "na": ("–", "dim"), "blocked": ("✖", "red"), "open": ("☐", "yellow")}
ACTION_STYLE = {"done": "green", "na": "dim", "blocked": "red", "reopened": "yellow"}
PRIORITY_STYLE = {"critical": "bold red", "high": "yellow", "normal": ""}


def mark(state: str, lang: str) -> Text:
    symbol, style = MARKS[state]
    return Text(f"{symbol} {t('state.' + state, lang)}", style=style)


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def checklist_table(statuses: Sequence[ItemStatus], catalog: Catalog, lang: str, title: str) -> Table:
    table = Table(title=Text(safe(title), style="bold"), box=box.SIMPLE_HEAD, title_justify="left", expand=True)
    table.add_column(t("col.no", lang), justify="right", no_wrap=True)
    table.add_column(t("col.state", lang), no_wrap=True)
    table.add_column(t("col.item", lang), ratio=1, overflow="fold")
    table.add_column(t("col.priority", lang), no_wrap=True)
    for status in statuses:
        measure = status.item.measure
        section = catalog.section(measure.section)
        item = Text(safe(measure.title(lang)))
        item.append(f"\n{measure.id} · {safe(section.name(lang)) if section else measure.section}", style="dim")
        table.add_row(
            str(status.item.number),
            mark(status.state, lang),
            item,
            Text(t("priority." + measure.priority, lang), style=PRIORITY_STYLE[measure.priority]),
        )
    return table


def _bar(tally: Tally, width: int = 12) -> ProgressBar:
    return ProgressBar(total=max(tally.applicable, 1), completed=tally.done, width=width, complete_style="green")


def _counts(tally: Tally) -> Text:
    """Only the states that occur, e.g. '✔ 3  ✖ 1  ☐ 2'."""
    text = Text()
    for state in ("done", "na", "blocked", "open"):
        if tally.counts[state]:
            symbol, style = MARKS[state]
            text.append(("  " if text else "") + f"{symbol} {tally.counts[state]}", style=style)
    return text


def status_view(status: UnitStatus, lang: str) -> RenderableType:
    unit, catalog = status.unit, status.catalog
    kind = catalog.kind(unit.kind)
    name = catalog.unit_name(unit, lang)
    head = Text()
    head.append(safe(name), style="bold")
    head.append(f"  ({safe(unit.id)})\n", style="dim")
    head.append(f"{t('label.kind', lang)}: {kind.name(lang) if kind else unit.kind}   ")
    head.append(f"{t('label.catalog', lang)}: {safe(unit.catalog.name)} {safe(unit.catalog.version)}   ")
    head.append(f"{t('label.started', lang)}: {when(unit.started_at)} {t('label.by', lang)} {safe(unit.started_by)}")
    if status.last_record is not None:
        last = status.last_record
        head.append(f"\n{t('col.last', lang)}: {when(last.at)} · {safe(last.actor)} · {last.item} → ")
        head.append(t("action." + last.action, lang))

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

    parts: list[RenderableType] = [
        Panel(head, title=t("head.status", lang, name=safe(name)), title_align="left", box=box.ROUNDED),
        sections,
    ]
    summary = Text(
        f"{t('label.done_pct', lang)}: {status.tally.percent:.0f}%  "
        f"({status.tally.done}/{status.tally.applicable}; {t('state.na', lang)} {status.tally.counts['na']})",
        style="bold",
    )
    parts.append(summary)
    if status.critical_open:
        critical = Table(
            title=Text(t("head.critical_open", lang), style="bold red"),
            box=box.SIMPLE,
            title_justify="left",
            show_header=False,
        )
        critical.add_column(justify="right")
        critical.add_column()
        critical.add_column()
        for item in status.critical_open:
            critical.add_row(str(item.item.number), mark(item.state, lang), Text(safe(item.item.measure.title(lang))))
        parts.append(critical)
    if status.orphans:
        ids = ", ".join(sorted(status.orphans))
        parts.append(Text(t("msg.orphans", lang, count=sum(status.orphans.values()), ids=safe(ids)), style="yellow"))
    return Group(*parts)


def all_units_view(statuses: Sequence[UnitStatus], lang: str) -> Table:
    table = Table(title=Text(t("head.all_units", lang), style="bold"), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(t("col.unit", lang))
    table.add_column(t("col.kind", lang), no_wrap=True)
    table.add_column(t("col.progress", lang), no_wrap=True)
    table.add_column("%", justify="right")
    table.add_column(t("col.state", lang), no_wrap=True)
    table.add_column(t("col.critical_open", lang), justify="right")
    table.add_column(t("col.last", lang), no_wrap=True)
    for status in statuses:
        kind = status.catalog.kind(status.unit.kind)
        name = Text(safe(status.catalog.unit_name(status.unit, lang)))
        name.append(f"\n{safe(status.unit.id)}", style="dim")
        critical = len(status.critical_open)
        table.add_row(
            name,
            Text(safe(kind.name(lang) if kind else status.unit.kind)),
            _bar(status.tally, 10),
            f"{status.tally.percent:.0f}%",
            _counts(status.tally),
            Text(str(critical), style="bold red" if critical else "green"),
            when(status.last_record.at) if status.last_record else "—",
        )
    return table


def log_table(records: Sequence[Record], lang: str, title: str) -> Table:
    table = Table(title=Text(safe(title), style="bold"), box=box.SIMPLE_HEAD, title_justify="left", expand=True)
    table.add_column(t("col.when", lang), no_wrap=True)
    table.add_column(t("col.who", lang), overflow="fold", max_width=16)
    table.add_column(t("col.item", lang), overflow="fold", max_width=30)
    table.add_column(t("col.note", lang), ratio=1, overflow="fold")
    for record in records:
        item = Text(record.item)
        item.append(f"\n→ {t('action.' + record.action, lang)}", style=ACTION_STYLE[record.action])
        note = Text(safe(record.note or ""))
        if record.figures:
            figures = ", ".join(f"{k}={v}" for k, v in record.figures.items())
            note.append(("\n" if record.note else "") + safe(figures), style="cyan")
        for file in record.evidence:
            note.append(f"\n{safe(file.name)} ({file.size} B, sha256 {file.sha256[:12]}…)", style="dim")
        table.add_row(record.at.strftime("%Y-%m-%d\n%H:%M:%S %z"), Text(safe(record.actor)), item, note)
    return table


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
    dated = f" {source.date.isoformat()}" if source.date else ""
    body.append(f"\n\n{t('label.source', lang)}: {safe(source.issuer(lang))}{dated}\n", style="dim")
    body.append(f"「{safe(source.quote)}」", style="italic")
    if measure.examples:
        body.append(
            f"\n{t('label.examples', lang)}: " + "；".join(safe(e(lang)) for e in measure.examples), style="dim"
        )
    if measure.evidence:
        body.append(
            f"\n{t('label.needs', lang)}: " + ", ".join(t("needs." + e, lang) for e in measure.evidence), style="cyan"
        )
    return Panel(body, title=f"{status.item.number} · {position}", title_align="left", box=box.ROUNDED)
