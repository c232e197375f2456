"""The report as one self-contained HTML file (`checklist report --format html`), from the Jinja2
template `templates/report.html.j2` (autoescaped: a note holding `<script>` shows as text).

Nothing is fetched: the styles are inline, and the chart is an SVG drawn here (no script, no
font, no image), so the page reads offline and prints crisply; print CSS sets A4 pages, margins
and a page break before each unit. Bilingual: every heading and column name is in the run's
language with the other's beside it, and the headline in both; names, item titles and the
rows are in the run's language. The numbers carry data- attributes (the test reads them back
in a browser and compares them to the JSON report's).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .report_json import report_document
from .report_tables import Sheet, headline_lines, period_words, signature_words, title, trend_sheet, unit_sheets
from .words import moment_text, t

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jinja2 import Template

    from ..usecases.reports import DayFigures, Report

NUMBER, NONE, TEXT, DAY = Markup(' class="n"'), Markup(' class="none"'), Markup(""), Markup(' class="day"')


@dataclass(frozen=True)
class Shown:
    """A table as the template shows it: each cell's text and its class, worked out here (a
    Jinja2 macro per cell cost 20 µs, a second for a province's 50,000 cells)."""

    key: str
    title: str
    other_title: str  # in the other language
    columns: list[tuple[str, str]]  # in the run's language and the other
    cells: list[list[tuple[str, Markup]]]


def shown(sheet: Sheet, other: Sheet) -> Shown:
    cells = [
        [
            ("—", NONE)
            if value is None
            else (f"{value:g}", NUMBER)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else (value if isinstance(value, str) else str(value), TEXT)
            for value in row
        ]
        for row in sheet.rows
    ]
    return Shown(sheet.key, sheet.title, other.title, list(zip(sheet.columns, other.columns, strict=True)), cells)


@dataclass(frozen=True)
class TrendRow:
    day: str
    reported: str  # true or false, as a data- attribute says it
    reporting: int
    cells: list[tuple[str, Markup]]


@dataclass(frozen=True)
class Trend:
    """The figures by day as the template shows them: each cell's text and attributes (the
    field it shows, in data-field; past its alert threshold, in red), worked out here."""

    columns: list[tuple[str, str]]  # in the run's language and the other
    cells: list[TrendRow]


def trend(sheet: Sheet, other: Sheet, days: list[DayFigures], fields: list[str]) -> Trend:
    rows = []
    attributes = {f: Markup(' class="n" data-field="%s"') % f for f in fields}
    alerted = {f: Markup(' class="n alert" data-field="%s"') % f for f in fields}
    for day, row in zip(days, shown(sheet, other).cells, strict=True):
        reported = "true" if day.values is not None else "false"
        cells = [(row[0][0], DAY), row[1]]
        cells += [(row[2 + n][0], (alerted if f in day.alerts else attributes)[f]) for n, f in enumerate(fields)]
        cells.append(row[-1])
        rows.append(TrendRow(day.day.isoformat(), reported, day.reporting, cells))
    return Trend(list(zip(sheet.columns, other.columns, strict=True)), rows)


COLOURS = ("#c0392b", "#2471a3", "#7d3c98", "#1e8449", "#b9770e", "#5d6d7e")
DASHES = ("", "6 3", "2 3", "10 4 2 4")  # lines that coincide (two figures at 0) stay told apart, in grey too


@cache
def _template() -> Template:
    """Compiled once per process."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2")


def render(report: Report, lang: str) -> str:
    return "".join(_chunks(report, lang))


def write(report: Report, lang: str, path: Path) -> None:
    """The page written to a file as the template makes it, a chunk at a time (a province's
    page is some 6 KB a unit: never held whole)."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(_chunks(report, lang))


def _chunks(report: Report, lang: str) -> Iterator[str]:
    other = "en" if lang == "zh" else "zh"
    document = report_document(report)

    def both(key: str, **values: Any) -> dict[str, str]:
        return {"main": t(key, lang, **values), "other": t(key, other, **values)}

    first = report.units[0] if report.units else None
    fields = list(report.labels)
    unit_other = trend_sheet(report, other, first.trend) if first is not None and report.scope == "all" else None
    other_sheets = {s.key: s for s in unit_sheets(report, first, other)} if first else {}
    units = []
    for u, doc in zip(report.units, document["units"], strict=True):
        sheets = unit_sheets(report, u, lang)
        units.append(
            {
                "report": u,
                "doc": doc,
                "name": u.status.catalog.unit_name(u.status.unit, lang),
                "signatures": signature_words(u, lang),
                "trend": trend(trend_sheet(report, lang, u.trend), unit_other, u.trend, fields) if unit_other else None,
                "sheets": [shown(s, other_sheets[s.key]) for s in sheets],
            }
        )
    summed = trend(trend_sheet(report, lang), trend_sheet(report, other), report.trend, fields)
    return _template().generate(
        lang=lang,
        other=other,
        title=title(report, lang),
        other_title=title(report, other),
        period=period_words(report, lang),
        as_of=t("report.as_of", lang, moment=moment_text(report.now, lang)),
        headline=headline_lines(report, lang),
        other_headline=headline_lines(report, other),
        doc=document,
        fields=fields,
        trend=summed,
        chart=chart(report, report.trend, lang),
        units=units,
        several=report.scope == "all",
        words={
            key: both(key) for key in ("report.headline", "report.trend", "report.chart", "report.units", "report.none")
        },
        t=lambda key, **values: t(key, lang, **values),
        t_other=lambda key, **values: t(key, other, **values),
    )


def chart(report: Report, days: list[DayFigures], lang: str) -> str:
    """The headline figures by day as an inline SVG line chart (a dot a day; a gap where no report)."""
    width, height, left, right, top, bottom = 680, 220, 44, 12, 14, 40
    fields = list(report.labels)
    numbers = [
        float(value)
        for d in days
        if d.values is not None
        for f in fields
        if isinstance(value := d.values.get(f), int | float) and not isinstance(value, bool)
    ]
    top_value = max([1.0, *numbers])
    span = max(len(days) - 1, 1)

    def x(n: int) -> float:
        return left + (width - left - right) * (n / span if len(days) > 1 else 0.5)

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - value / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(t("report.chart", lang))}">'
    ]
    for tick in sorted({0.0, top_value / 2, top_value}):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" class="axis" text-anchor="end">{tick:g}</text>'
        )
    step = max(1, len(days) // 8)
    for n, d in enumerate(days):
        if n % step == 0 or n == len(days) - 1:
            label = f"{d.day.month}/{d.day.day}"
            parts.append(
                f'<text x="{x(n):.1f}" y="{height - bottom + 16}" class="axis" text-anchor="middle">{label}</text>'
            )
        if d.values is None:
            parts.append(f'<text x="{x(n):.1f}" y="{height - bottom - 4}" class="gap" text-anchor="middle">×</text>')
    for k, f in enumerate(fields):
        colour = COLOURS[k % len(COLOURS)]
        dash = DASHES[k % len(DASHES)]
        style = f' stroke-dasharray="{dash}"' if dash else ""
        run: list[str] = []
        for n, d in enumerate(days):
            value = d.values.get(f) if d.values is not None else None
            if not isinstance(value, int | float) or isinstance(value, bool):
                if len(run) > 1:
                    parts.append(f'<polyline points="{" ".join(run)}" stroke="{colour}"{style} class="line"/>')
                run = []
                continue
            run.append(f"{x(n):.1f},{y(float(value)):.1f}")
            parts.append(
                f'<circle cx="{x(n):.1f}" cy="{y(float(value)):.1f}" r="3" fill="{colour}" '
                f'data-day="{d.day.isoformat()}" data-field="{escape(f)}" data-value="{value:g}">'
                f"<title>{escape(report.labels[f](lang))} {d.day.isoformat()}: {value:g}</title></circle>"
            )
        if len(run) > 1:
            parts.append(f'<polyline points="{" ".join(run)}" stroke="{colour}"{style} class="line"/>')
        lx = left + k * 200
        parts.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="{height - 9}" y2="{height - 9}" '
            f'stroke="{colour}"{style} class="line"/>'
            f'<text x="{lx + 27}" y="{height - 5}" class="legend">{escape(report.labels[f](lang))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
