"""The supervisor's other axis in words and in JSON: measures across units (`status --all
--by-measure`), one measure in each unit (`--item ID`), and time to compliance after a
catalog upgrade (`--compliance`); each view's hint names the command for the next level down."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text

from .output import safe
from .terminal import padded_line
from .words import moment_text, span_words, t, tn

if TYPE_CHECKING:
    from ..core.compliance import UnitCompliance
    from ..core.models import Measure
    from ..core.standings import MeasureRow, Standing, UnitOnMeasure
    from ..core.status import UnitStatus
    from ..usecases.measures_view import ByMeasureView, ComplianceView, MeasureView
    from ..usecases.views import SupervisorView
    from .schemas import (
        ByMeasureDocument,
        ComplianceDocument,
        MeasureAcrossDocument,
        StatusAllFilters,
        TextDocument,
    )

STANDING_STYLE = {"overdue": "bold red", "missed": "red", "blocked": "yellow", "open": "", "done": "green", "na": "dim"}
CRITICAL = "!"  # marks a critical measure on its line
NAMED = 5  # units named in a line that counts them; the rest are counted
NAME_LEAST = 10  # cells a unit's name keeps on a narrow screen (五个汉字), before the last column gives way


# -- lines that fit the width -------------------------------------------------------------


def fitted(  # noqa: PLR0917
    headers: list[str],
    rows: list[list[Text]],
    width: int,
    right: set[int],
    flex: int = 0,
    gap: int = 2,
    least: int = 4,
) -> list[Text]:
    """A header and rows as lines of `width` cells at most: column `flex` takes what the others
    leave (shortened with '…', never wrapped; at least `least` cells, the last column giving
    way on a narrow screen), the columns in `right` are right-aligned, `gap` blanks between."""
    widths = [max(cell_len(h), *(r[i].cell_len for r in rows)) if rows else cell_len(h) for i, h in enumerate(headers)]
    rest = width - sum(w for i, w in enumerate(widths) if i != flex) - gap * (len(widths) - 1)
    widths[flex] = max(min(least, widths[flex]), min(widths[flex], rest))

    def line(cells: list[Text], style: str = "") -> Text:
        out = padded_line(cells, widths, right, gap, style)
        if out.cell_len > width:  # a narrow screen: the last column gives way too
            out.truncate(width, overflow="ellipsis")
        return out

    return [line([Text(h) for h in headers], style="bold"), *(line(r) for r in rows)]


def _unit_name(status: UnitStatus, lang: str) -> str:
    """A unit's name on its line; one with no name of its own by its id and kind."""
    if status.unit.name:
        return status.catalog.unit_name(status.unit, lang)
    kind = status.catalog.kind(status.unit.kind)
    return f"{status.unit.id} · {kind.name(lang) if kind else status.unit.kind}"


def _filtered(view: SupervisorView, lang: str) -> str:
    """'（已筛选：显示 3/8 个单位）' after a head, when filters narrow the units looked at."""
    return tn("province.shown", view.total, lang, shown=len(view.units)) if view.filters.on else ""


def duration_text(span: timedelta, lang: str) -> str:
    """A duration in words, to the minute below a day and to the hour from a day on: '2 天 3 小时'."""
    minutes = max(int(span.total_seconds()) // 60, 0)
    if not minutes:
        return t("compliance.under_a_minute", lang)
    days, minutes = divmod(minutes, 24 * 60)
    if days:
        minutes -= minutes % 60
    return span_words(0, days, minutes, lang)


# -- by measure ---------------------------------------------------------------------------


def by_measure_view(found: ByMeasureView, lang: str, width: int) -> RenderableType:
    """One line per measure: the units where it is overdue, missed, blocked, open, done, n/a,
    of those it applies to; critical measures marked '!'."""
    rows = found.measures.rows
    head = (
        t("measures.head", lang) + tn("measures.units", found.measures.units, lang) + _filtered(found.supervised, lang)
    )
    lines: list[Text] = [Text(head, style="bold")]
    if not rows:
        lines.append(Text(t("measures.none", lang), style="dim"))
        return Group(*lines)
    needing = found.measures.needing
    critical = sum(1 for r in needing if r.critical)
    lines.append(
        Text(
            tn("measures.needing", len(rows), lang, needing=len(needing), critical=critical),
            style="bold red" if needing else "green",
        )
    )
    headers = [t(f"measures.col.{c}", lang) for c in ("measure", *STANDING_COLUMNS, "of")]
    short = short_ids([row.measure.id for row in rows], found.measures.known)
    table: list[list[Text]] = []
    for row in rows:
        cells = [_measure_cell(row.measure, short[row.measure.id], lang)]
        for standing in STANDING_COLUMNS:
            n = row.counts[standing]
            cells.append(Text(str(n), style=STANDING_STYLE[standing] if n else "dim"))
        cells.append(Text(str(row.applies)))
        table.append(cells)
    lines += fitted(headers, table, width, right=set(range(1, len(headers))), gap=1)
    if any(r.critical for r in rows):
        lines.append(Text(t("measures.critical_mark", lang, mark=CRITICAL), style="dim"))
    return Group(*lines)


STANDING_COLUMNS: tuple[Standing, ...] = ("overdue", "missed", "blocked", "open", "done", "na")


def short_ids(ids: Sequence[str], known: Iterable[str] = ()) -> dict[str, str]:
    """Each measure's id as short as `--item` still takes it: without its kind where no other
    measure (of `ids` and `known`) has the same rest (`visits-suspended`), else whole."""
    rests: dict[str, int] = {}
    for measure_id in {*ids, *known}:
        rest = measure_id.split(".", 1)[-1]
        rests[rest] = rests.get(rest, 0) + 1
    return {i: i.split(".", 1)[-1] if rests[i.split(".", 1)[-1]] == 1 else i for i in ids}


def _measure_cell(measure: Measure, shown: str, lang: str) -> Text:
    cell = Text()
    cell.append(CRITICAL + " " if measure.priority == "critical" else "  ", style="bold red")
    cell.append(f"{shown} ", style="bold")
    cell.append(safe(measure.title(lang)))
    return cell


def by_measure_hint(found: ByMeasureView, lang: str) -> str | None:
    """The next level down: the first measure in each unit."""
    if not found.measures.rows:
        return None
    first = found.measures.rows[0].measure.id
    return t("measures.hint", lang, command=f"checklist status --all --item {first}{_filter_options(found.supervised)}")


def _filter_options(view: SupervisorView) -> str:
    """The filters of a view, as options to repeat in the next command."""
    filters = view.filters
    options = [f" --under {shlex.quote('/'.join(view.node))}"] if view.node else []
    options += [f" --kind {shlex.quote(filters.kind)}"] if filters.kind else []
    options += [f" --{name}" for name in ("missing", "alerts", "overdue") if getattr(filters, name)]
    return "".join(options)


# -- one measure in each unit ---------------------------------------------------------------


def measure_view(found: MeasureView, lang: str, width: int) -> RenderableType:
    """One measure: its counts, then one line per unit it applies to (those needing attention
    first) with its standing, items done, and the latest record: what, who, when."""
    across = found.across
    measure, row = across.measure, across.row
    critical = t("measure.critical", lang) if measure.priority == "critical" else ""
    title = Text(t("measure.head", lang, id=measure.id, title=safe(measure.title(lang))), style="bold")
    title.truncate(max(width - cell_len(critical), 8), overflow="ellipsis")
    title.append(critical, style="bold red")
    lines: list[Text] = [title]
    counts = t("province.separator", lang).join(
        t("measure.count", lang, standing=t(f"standing.{s}", lang), n=row.counts[s])
        for s in STANDING_COLUMNS
        if row.counts[s]  # the standings it has: a line that fits
    )
    said = t("measure.counts", lang, counts=counts) if counts else ""
    lines.append(Text(tn("measure.applies", row.applies, lang, counts=said)))
    if found.supervised.filters.on:
        lines.append(Text(_filtered(found.supervised, lang).strip(), style="dim"))
    if across.not_applying:
        lines.append(Text(tn("measure.not_applying", across.not_applying, lang), style="dim"))
    if not across.units:
        return Group(*lines)
    headers = [t(f"measure.col.{c}", lang) for c in ("unit", "standing", "items", "last", "who", "when")]
    table = [_unit_row(unit, lang) for unit in across.units]
    lines += fitted(headers, table, width, right={2}, least=NAME_LEAST)
    return Group(*lines)


def _unit_row(unit: UnitOnMeasure, lang: str) -> list[Text]:
    standing = t(f"standing.{unit.standing}", lang)
    if unit.standing == "missed":
        standing = t("label.missed", lang, count=unit.missed)
    last = unit.latest
    what = Text(t("action." + last.action, lang)) if last is not None else Text("—", style="dim")
    for whom in (last.subject, last.part) if last is not None else ():  # a prisoner's number, a block
        if whom:
            what.append(f" · {safe(whom)}")
    who = Text(safe(last.actor)) if last is not None else Text("—", style="dim")
    when = moment_text((last.clock or last.at), lang, short=True) if last is not None else "—"
    return [
        Text(safe(_unit_name(unit.status, lang))),
        Text(standing, style=STANDING_STYLE[unit.standing]),
        Text(f"{unit.done}/{unit.total}"),
        what,
        who,
        Text(when, style="" if last is not None else "dim"),
    ]


def measure_hint(found: MeasureView, lang: str) -> str | None:
    """The next level down: the first unit's records of the measure, and where the unit stands."""
    if not found.across.units:
        return None
    unit = found.across.units[0].status.unit.id
    log = f"checklist log --unit {shlex.quote(unit)} --item {found.across.measure.id}"
    return t("measure.hint", lang, log=log, status=f"checklist status --unit {shlex.quote(unit)}")


# -- time to compliance -----------------------------------------------------------------------


def compliance_view(found: ComplianceView, lang: str, width: int) -> RenderableType:
    """The province's line (upgraded units, compliant, median, slowest, not yet), then one line
    per upgraded unit: its upgrade, the new measures attested N of K, the time it took (or
    what is still missing, and for how long)."""
    done = found.compliance
    head = t("compliance.head", lang) + _filtered(found.supervised, lang)
    lines: list[Text] = [Text(head, style="bold")]
    if not done.units:
        lines.append(Text(tn("compliance.none", done.looked, lang)))
        return Group(*lines)
    versions = sorted({u.after for u in done.units})
    one = versions[0] if len(versions) == 1 else None  # all moved to one version: said once, not per line
    to = t("compliance.to_version", lang, version=safe(one)) if one else ""
    compliant = len(done.compliant)
    lines.append(
        Text(tn("compliance.upgraded", done.looked, lang, upgraded=len(done.units), compliant=compliant, to=to))
    )
    if done.median is not None and done.slowest is not None and done.slowest.took is not None:
        slowest = Text(safe(_unit_name(done.slowest.status, lang)))
        slowest.truncate(max(12, width // 3), overflow="ellipsis")
        median = duration_text(done.median, lang)
        took = duration_text(done.slowest.took, lang)
        lines.append(Text(t("compliance.median", lang, median=median, unit=slowest.plain, took=took)))
    behind = done.behind
    lines.append(Text(tn("compliance.behind", len(behind), lang), style="bold red" if behind else "green"))
    columns = ["unit", "upgraded", "new", "took"] if one else ["unit", "upgraded", "version", "new", "took"]
    headers = [t(f"compliance.col.{c}", lang) for c in columns]
    table = [_compliance_row(unit, lang, version=one is None) for unit in done.units]
    lines += fitted(headers, table, width, right={columns.index("new")}, least=NAME_LEAST)
    if done.not_upgraded:
        names = [safe(_unit_name(s, lang)) for s in done.not_upgraded[:NAMED]]
        listed = t("province.separator", lang).join(names)
        if len(done.not_upgraded) > NAMED:
            listed = tn("province.more", len(done.not_upgraded) - NAMED, lang, names=listed)
        never = Text(tn("compliance.not_upgraded", len(done.not_upgraded), lang, names=listed), style="dim")
        never.truncate(width, overflow="ellipsis")  # names are never split over lines
        lines.append(never)
    return Group(*lines)


def _compliance_row(unit: UnitCompliance, lang: str, version: bool = True) -> list[Text]:
    if not unit.new:
        took = Text(t("compliance.nothing_new", lang) if unit.before else t("compliance.unknown", lang), style="dim")
    elif unit.took is not None:
        took = Text(duration_text(unit.took, lang), style="green")
    else:
        missing = len(unit.missing)
        took = Text(
            tn("compliance.missing", missing, lang, waiting=duration_text(unit.waiting, lang)), style="bold red"
        )
    cells = [Text(safe(_unit_name(unit.status, lang))), Text(moment_text(unit.upgraded, lang, short=True))]
    cells += [Text(safe(unit.after))] if version else []
    return [*cells, Text(f"{len(unit.attested)}/{len(unit.new)}"), took]


def compliance_hint(found: ComplianceView, lang: str) -> str | None:
    """The next level down: the open items of the first unit still behind."""
    behind = found.compliance.behind
    if not behind:
        return None
    unit = shlex.quote(behind[0].status.unit.id)
    return t("compliance.hint", lang, command=f"checklist list --unit {unit} --open")


def province_hint(view: SupervisorView, lang: str) -> str:
    """Under `status --all`: the other axis, and time to compliance (over the same units)."""
    options = _filter_options(view)
    return t(
        "province.hint",
        lang,
        by_measure=f"checklist status --all --by-measure{options}",
        compliance=f"checklist status --all --compliance{options}",
    )


# -- JSON ---------------------------------------------------------------------------------------


def _filters(view: SupervisorView) -> StatusAllFilters:
    filters = view.filters
    return {"kind": filters.kind, "missing": filters.missing, "alerts": filters.alerts, "overdue": filters.overdue}


def _text(measure: Measure) -> TextDocument:
    return {"zh": measure.title.zh, "en": measure.title.en}


def _counts(row: MeasureRow) -> dict[str, int]:
    return {standing: row.counts[standing] for standing in STANDING_COLUMNS}


def by_measure_document(found: ByMeasureView) -> ByMeasureDocument:
    view = found.supervised
    return {
        "document": "status-by-measure",
        "format": 1,
        "filters": _filters(view),
        "units": found.measures.units,
        "total": view.total,
        "measures": [
            {
                "id": row.measure.id,
                "title": _text(row.measure),
                "priority": row.measure.priority,
                "counts": _counts(row),  # type: ignore[typeddict-item]
                "attention": row.attention,
                "applies": row.applies,
            }
            for row in found.measures.rows
        ],
    }


def measure_document(found: MeasureView) -> MeasureAcrossDocument:
    across = found.across
    units = []
    for unit in across.units:
        last = unit.latest
        units.append(
            {
                "unit": unit.status.unit.id,
                "name": unit.status.unit.name,
                "kind": unit.status.unit.kind,
                "standing": unit.standing,
                "items": unit.total,
                "done": unit.done,
                "missed": unit.missed,
                "last": None
                if last is None
                else {
                    "action": last.action,
                    "actor": last.actor,
                    "at": last.at.isoformat(),
                    "clock": last.clock.isoformat() if last.clock else None,
                    "subject": last.subject,
                    "part": last.part,
                    "period": last.period,
                    "note": last.note,
                },
            }
        )
    return {
        "document": "status-measure",
        "format": 1,
        "filters": _filters(found.supervised),
        "measure": {"id": across.measure.id, "title": _text(across.measure), "priority": across.measure.priority},
        "counts": _counts(across.row),  # type: ignore[typeddict-item]
        "applies": across.row.applies,
        "not_applying": across.not_applying,
        "units": units,  # type: ignore[typeddict-item]
    }


def _seconds(span: timedelta | None) -> int | None:
    return None if span is None else int(span.total_seconds())


def compliance_document(found: ComplianceView) -> ComplianceDocument:
    done = found.compliance
    slowest = done.slowest
    return {
        "document": "status-compliance",
        "format": 1,
        "filters": _filters(found.supervised),
        "looked": done.looked,
        "upgraded": len(done.units),
        "compliant": len(done.compliant),
        "median_seconds": _seconds(done.median),
        "slowest": None
        if slowest is None
        else {"unit": slowest.status.unit.id, "seconds": _seconds(slowest.took) or 0},
        "behind": [u.status.unit.id for u in done.behind],
        "not_upgraded": [s.unit.id for s in done.not_upgraded],
        "units": [
            {
                "unit": u.status.unit.id,
                "name": u.status.unit.name,
                "upgraded_at": u.upgraded.isoformat(),
                "from_version": u.before,
                "to_version": u.after,
                "new": list(u.new),
                "attested": {m: at.isoformat() for m, at in u.attested.items()},
                "missing": u.missing,
                "compliant": u.compliant,
                "took_seconds": _seconds(u.took),
                "waiting_seconds": None if u.compliant else _seconds(u.waiting),
            }
            for u in done.units
        ],
    }
