"""The report's words and tables, in the reader's language: what the Markdown, HTML, CSV and
xlsx reports show, built once here so that each format shows the same rows.

CSV is one row per unit and day of the period (the headline figures as columns); xlsx has a
sheet per view: the headline, the units, the figures by day, progress by section, missed and
overdue items, alerts and approvals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from .words import date_text, figure_text, moment_text, period_text, t

if TYPE_CHECKING:
    from pathlib import Path

    from ..core.models import FigureValue
    from ..core.status import Item
    from ..usecases.reports import DayFigures, Report, UnitReport

Cell = str | int | float | None
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is a formula to a spreadsheet


@dataclass(frozen=True)
class Sheet:
    key: str  # a stable name (`units`, `figures`…), for tests and the HTML's ids
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    widths: list[int]  # characters, for xlsx


def title(report: Report, lang: str) -> str:
    if report.scope == "unit" and report.units:
        return t(
            "report.title.unit", lang, name=report.units[0].status.catalog.unit_name(report.units[0].status.unit, lang)
        )
    return t("report.title.all", lang)


def period_words(report: Report, lang: str) -> str:
    first, last = report.period.first, report.period.last
    if first == last:
        return t("report.period.day", lang, day=date_text(last, lang))
    return t("report.period.range", lang, first=date_text(first, lang), last=date_text(last, lang))


def unit_name(u: UnitReport, lang: str) -> str:
    return u.status.catalog.unit_name(u.status.unit, lang)


def figures_words(report: Report, values: dict[str, FigureValue] | dict[str, int | float], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(
        t("report.figure", lang, label=label(lang), value=figure_text(values[key], lang))
        for key, label in report.labels.items()
        if key in values
    )


def headline_lines(report: Report, lang: str) -> list[str]:
    """The headline, one sentence a line."""
    p = report.province
    lines = []
    if report.scope == "all":
        lines.append(t("report.reporting", lang, reporting=p.reporting, units=p.units))
        if p.missing:
            names = [u.catalog.unit_name(u.unit, lang) for u in p.missing]
            lines.append(t("report.missing", lang, names=("、" if lang == "zh" else ", ").join(names)))
        if p.reporting:
            lines.append(t("report.figures_summed", lang, figures=figures_words(report, p.figures, lang)))
        lines.append(t("report.alerting", lang, n=p.alerting))
        lines.append(t("report.overdue_units", lang, n=p.overdue))
    else:
        u = report.units[0]
        if u.reported:
            lines.append(t("report.reported", lang, figures=figures_words(report, u.figures, lang)))
        else:
            lines.append(t("report.not_reported_day", lang))
        lines.append(t("report.alerts_count", lang, n=len(u.alerts)))
        lines.append(t("report.overdue_count", lang, n=len(u.overdue)))
    if not report.verified:
        lines.append(t("report.not_verified", lang))
    else:
        lines.append(t("report.intact", lang, intact=report.intact, units=len(report.units)))
        if report.broken:
            names = [unit_name(u, lang) for u in report.units if u.status.unit.id in report.broken]
            lines.append(t("report.broken", lang, names=("、" if lang == "zh" else ", ").join(names)))
    return lines


def _alert_words(report: Report, fields: tuple[str, ...], lang: str) -> str | None:
    """The fields past their alert threshold, by their labels."""
    if not fields:
        return None
    return ("、" if lang == "zh" else ", ").join(report.labels[f](lang) if f in report.labels else f for f in fields)


def unit_lines(u: UnitReport, lang: str) -> list[str]:
    """A unit's progress, signature status and its day's note, one a line."""
    tally = u.status.tally
    lines = [t("report.progress", lang, percent=f"{tally.percent:.0f}", done=tally.done, applicable=tally.applicable)]
    lines.append(signature_words(u, lang))
    if u.note:
        lines.append(t("report.note", lang, note=u.note))
    return lines


def _yes(value: bool, lang: str) -> str:
    return t("value.yes", lang) if value else t("value.no", lang)


def _fig(values: dict[str, FigureValue] | None, key: str, lang: str) -> Cell:
    """A figure as a cell: a number as it is, yes or no and choices in words; None: none."""
    if values is None or key not in values:
        return None
    value = values[key]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return figure_text(value, lang)


def safe(cell: Cell) -> Cell:
    """A text a spreadsheet would read as a formula (`=HYPERLINK(…)`), prefixed with ' (OWASP)."""
    if isinstance(cell, str) and cell.startswith(FORMULA):
        return "'" + cell
    return cell


def trend_sheet(report: Report, lang: str, days: list[DayFigures] | None = None) -> Sheet:
    """The headline figures day by day: the report's (summed over units, for several), or a unit's."""
    several = report.scope == "all" and days is None
    rows: list[list[Cell]] = []
    for d in days if days is not None else report.trend:
        row: list[Cell] = [d.day.isoformat()]
        if several:
            row.append(d.reporting)
        else:
            row.append(_yes(d.values is not None, lang))
        row += [_fig(d.values, key, lang) for key in report.labels]
        row.append(_alert_words(report, d.alerts, lang))
        rows.append(row)
    first = t("report.col.reporting", lang) if several else t("report.col.reported", lang)
    columns = [t("report.col.day", lang), first, *(label(lang) for label in report.labels.values())]
    columns.append(t("report.col.alerts", lang))
    return Sheet("trend", t("report.trend", lang), columns, rows, [12, 10, *[14] * len(report.labels), 16])


def sections_sheet(u: UnitReport, lang: str) -> Sheet:
    rows: list[list[Cell]] = [
        [s.section.name(lang), s.tally.done, s.tally.applicable, round(s.tally.percent, 1)] for s in u.status.sections
    ]
    columns = [t("report.col.section", lang), t("report.col.done", lang), t("report.col.applicable", lang)]
    return Sheet("sections", t("report.sections", lang), [*columns, t("report.col.percent", lang)], rows, [30, 8, 8, 8])


def _item(item: Item, lang: str) -> str:
    words = f"{item.number}. {item.measure.title(lang)}"
    if item.subject:
        words += f"（{item.subject}）" if lang == "zh" else f" ({item.subject})"
    if item.part:
        words += f"（{item.part}）" if lang == "zh" else f" ({item.part})"
    return words


def missed_sheet(u: UnitReport, lang: str) -> Sheet:
    sep = "、" if lang == "zh" else ", "
    rows: list[list[Cell]] = [
        [_item(m.item.item, lang), len(m.periods), sep.join(period_text(p, lang) for p in m.periods)] for m in u.missed
    ]
    columns = [t("report.col.item", lang), t("report.col.count", lang), t("report.col.periods", lang)]
    return Sheet("missed", t("report.missed", lang), columns, rows, [50, 8, 40])


def overdue_sheet(u: UnitReport, lang: str) -> Sheet:
    rows: list[list[Cell]] = [
        [_item(s.item, lang), moment_text(s.due, lang) if s.due else None, t(f"state.{s.state}", lang)]
        for s in u.overdue
    ]
    columns = [t("report.col.item", lang), t("report.col.due", lang), t("report.col.state", lang)]
    return Sheet("overdue", t("report.overdue", lang), columns, rows, [50, 20, 12])


def alerts_sheet(report: Report, u: UnitReport, lang: str) -> Sheet:
    rows: list[list[Cell]] = []
    for a in u.alerts:
        labels = [report.labels[f](lang) if f in report.labels else f for f in a.fields]
        values = ("、" if lang == "zh" else ", ").join(
            f"{name} {figure_text(a.record.figures.get(f), lang)}" for name, f in zip(labels, a.fields, strict=True)
        )
        at = a.record.clock or a.record.at
        rows.append([_item(a.item, lang), period_text(a.period, lang) if a.period else None, values, a.record.note])
        rows[-1] += [a.record.actor, moment_text(at.astimezone(u.status.now.tzinfo), lang)]
    columns = [t("report.col.item", lang), t("report.col.period", lang), t("report.col.figures", lang)]
    columns += [t("report.col.note", lang), t("report.col.by", lang), t("report.col.at", lang)]
    return Sheet("alerts", t("report.alerts", lang), columns, rows, [40, 14, 30, 40, 12, 18])


def approvals_sheet(u: UnitReport, lang: str) -> Sheet:
    rows: list[list[Cell]] = [
        [
            _item(a.item.item, lang),
            t("report.given", lang) if a.given else t("report.pending", lang),
            a.by,
            moment_text(a.at.astimezone(u.status.now.tzinfo), lang) if a.at else None,
        ]
        for a in u.approvals
    ]
    columns = [t("report.col.item", lang), t("report.col.state", lang), t("report.col.by", lang)]
    return Sheet("approvals", t("report.approvals", lang), [*columns, t("report.col.at", lang)], rows, [50, 12, 12, 18])


def signature_words(u: UnitReport, lang: str) -> str:
    s = u.signatures
    if s is None:
        return t("report.not_verified", lang)
    state = t("report.state_intact", lang) if s.intact else t("report.state_broken", lang, n=s.problems)
    return t("report.signatures", lang, state=state, records=s.records, signed=s.signed, unsigned=s.unsigned)


def unit_sheets(report: Report, u: UnitReport, lang: str) -> list[Sheet]:
    """A unit's tables, as Markdown and HTML show them under its heading."""
    return [
        sections_sheet(u, lang),
        missed_sheet(u, lang),
        overdue_sheet(u, lang),
        alerts_sheet(report, u, lang),
        approvals_sheet(u, lang),
    ]


def _units_sheet(report: Report, lang: str) -> Sheet:
    rows: list[list[Cell]] = []
    for u in report.units:
        s = u.signatures
        row: list[Cell] = [u.status.unit.id, unit_name(u, lang), _yes(u.reported, lang)]
        row += [_fig(u.figures if u.reported else None, key, lang) for key in report.labels]
        row += [round(u.status.tally.percent, 1), len(u.alerts), len(u.overdue), sum(len(m.periods) for m in u.missed)]
        row += [None, None, None] if s is None else [_yes(s.intact, lang), s.signed, s.unsigned]
        row.append(u.note)
        rows.append(row)
    columns = [t("report.col.unit_id", lang), t("report.col.unit", lang), t("report.col.reported", lang)]
    columns += [label(lang) for label in report.labels.values()]
    columns += [t("report.col.percent", lang), t("report.col.alerts", lang), t("report.col.overdue", lang)]
    columns += [t("report.col.missed", lang), t("report.col.intact", lang), t("report.col.signed", lang)]
    columns += [t("report.col.unsigned", lang), t("report.col.note", lang)]
    widths = [14, 28, 8, *[12] * len(report.labels), 8, 8, 8, 8, 8, 8, 8, 40]
    return Sheet("units", t("report.units", lang), columns, rows, widths)


def _per_unit(report: Report, lang: str, key: str) -> Sheet:
    """One of the unit tables for every unit, the unit first in each row."""
    found: Sheet | None = None
    rows: list[list[Cell]] = []
    for u in report.units:
        sheet = next(s for s in unit_sheets(report, u, lang) if s.key == key)
        found = sheet
        rows += [[u.status.unit.id, unit_name(u, lang), *row] for row in sheet.rows]
    if found is None:
        found = next(s for s in unit_sheets(report, report.units[0], lang) if s.key == key) if report.units else None
    columns = [t("report.col.unit_id", lang), t("report.col.unit", lang), *(found.columns if found else [])]
    widths = [14, 28, *(found.widths if found else [])]
    return Sheet(key, found.title if found else key, columns, rows, widths)


def day_rows(report: Report, lang: str) -> Sheet:
    """One row per unit and day of the period: the CSV, and the xlsx's figures sheet."""
    rows: list[list[Cell]] = []
    for u in report.units:
        for d in u.trend:
            row: list[Cell] = [
                u.status.unit.id,
                unit_name(u, lang),
                d.day.isoformat(),
                _yes(d.values is not None, lang),
            ]
            row += [_fig(d.values, key, lang) for key in report.labels]
            row.append(_alert_words(report, d.alerts, lang))
            row.append(u.note if d.day == report.period.last and u.reported else None)
            rows.append(row)
    columns = [t("report.col.unit_id", lang), t("report.col.unit", lang), t("report.col.day", lang)]
    columns += [t("report.col.reported", lang), *(label(lang) for label in report.labels.values())]
    columns += [t("report.col.alerts", lang), t("report.col.note", lang)]
    widths = [14, 28, 12, 8, *[12] * len(report.labels), 16, 40]
    return Sheet("figures", t("report.trend", lang), columns, rows, widths)


def headline_sheet(report: Report, lang: str) -> Sheet:
    rows: list[list[Cell]] = [[title(report, lang)], [period_words(report, lang)]]
    rows.append([t("report.as_of", lang, moment=moment_text(report.now, lang))])
    rows += [[line] for line in headline_lines(report, lang)]
    return Sheet("headline", t("report.headline", lang), [t("report.headline", lang)], rows, [90])


def sheets(report: Report, lang: str) -> list[Sheet]:
    """The xlsx's sheets, one per view."""
    found = [headline_sheet(report, lang), _units_sheet(report, lang), day_rows(report, lang)]
    if report.scope == "all":
        found.append(trend_sheet(report, lang))
    found += [_per_unit(report, lang, key) for key in ("sections", "missed", "overdue", "alerts", "approvals")]
    return found


def write_csv(report: Report, lang: str, out: IO[str]) -> None:
    """UTF-8 with a byte-order mark (Excel then reads Chinese right): one row per unit and day."""
    import csv

    sheet = day_rows(report, lang)
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.columns)
    for row in sheet.rows:
        writer.writerow(["" if cell is None else safe(cell) for cell in row])


def write_xlsx(report: Report, lang: str, path: Path) -> None:
    """One sheet per view, header frozen, columns sized (XlsxWriter, imported here only)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        bold = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
        used: set[str] = set()
        for sheet in sheets(report, lang):
            name = _sheet_name(sheet.title, used)
            page = book.add_worksheet(name)
            for col, width in enumerate(sheet.widths[: len(sheet.columns)]):
                page.set_column(col, col, width)
            page.write_row(0, 0, sheet.columns, bold)
            page.freeze_panes(1, 0)
            for n, row in enumerate(sheet.rows, start=1):
                for col, cell in enumerate(row):
                    if cell is None:
                        continue
                    if isinstance(cell, str):
                        page.write_string(n, col, cell)
                    else:
                        page.write_number(n, col, cell)
    finally:
        book.close()


def _sheet_name(title: str, used: set[str]) -> str:
    """A worksheet's name: at most 31 characters, none of []:*?/\\, unique."""
    name = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31]
    base, n = name, 2
    while name.casefold() in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name.casefold())
    return name
