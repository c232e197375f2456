"""The report in Markdown (`checklist report --format md`): readable as plain text and rendered;
every cell escaped, so a `|` or a newline in a note keeps the table whole."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .output import safe as safe_text
from .report_tables import Cell, Sheet, headline_lines, period_words, title, trend_sheet, unit_lines, unit_sheets
from .words import moment_text, t

if TYPE_CHECKING:
    from ..usecases.reports import Report

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def escape(text: str) -> str:
    """Markdown's special characters escaped; line breaks made spaces (a cell is one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(safe_text(text).split()))


def _cell(cell: Cell) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, float):
        return f"{cell:g}"
    return escape(str(cell))


def table(sheet: Sheet, lang: str) -> list[str]:
    lines = [f"### {escape(sheet.title)}", ""]
    if not sheet.rows:
        return [*lines, t("report.none", lang), ""]
    lines.append("| " + " | ".join(escape(c) for c in sheet.columns) + " |")
    lines.append("|" + "|".join("---:" if _numeric(sheet, n) else "---" for n in range(len(sheet.columns))) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in sheet.rows]
    return [*lines, ""]


def _numeric(sheet: Sheet, column: int) -> bool:
    values = [row[column] for row in sheet.rows if column < len(row) and row[column] is not None]
    return bool(values) and all(isinstance(v, int | float) for v in values)


def render(report: Report, lang: str) -> str:
    lines = [f"# {escape(title(report, lang))}", ""]
    lines.append(
        escape(period_words(report, lang) + " · " + t("report.as_of", lang, moment=moment_text(report.now, lang)))
    )
    lines += ["", f"## {escape(t('report.headline', lang))}", ""]
    several = report.scope == "all"
    said = headline_lines(report, lang) + ([] if several else unit_lines(report.units[0], lang))
    lines += [f"- {escape(line)}" for line in said]
    lines.append("")
    lines += table(trend_sheet(report, lang), lang)
    for u in report.units:
        if several:
            name = u.status.catalog.unit_name(u.status.unit, lang)
            lines += [f"## {escape(name)} ({escape(u.status.unit.id)})", ""]
            lines += [f"- {escape(line)}" for line in unit_lines(u, lang)]
            lines.append("")
            lines += table(trend_sheet(report, lang, u.trend), lang)
        for sheet in unit_sheets(report, u, lang):
            lines += table(sheet, lang)
    return "\n".join(lines).rstrip() + "\n"
