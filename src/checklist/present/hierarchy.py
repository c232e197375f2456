"""The hierarchy in words: where a unit reports (`place`), a node's name, the roll-up per
child body (`status --all --by-node`) and the grid of the last days (`status --all --days N`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .output import message, safe
from .words import date_text, moment_text, t

if TYPE_CHECKING:
    from ..core.history import History
    from ..usecases.hierarchy import Node, NodeRollup, Placed, Places
    from ..usecases.views import SupervisorView

ARROW = " › "
GLYPHS: dict[str, tuple[str, str]] = {  # a day's mark: its character and style
    "reported": ("✔", "green"),
    "alert": ("!", "bold red"),
    "missed": ("✖", "bold red"),
    "before": (" ", ""),
    "none": ("-", "dim"),
}


def node_text(node: Node, lang: str) -> str:
    """A node in words: its bodies joined by ' › ', the root as the whole store."""
    return ARROW.join(node) if node else t("node.root", lang)


def short_place(place: Node, lang: str) -> str:
    """A unit's body, short: the one it reports to directly ('—' if none said)."""
    return place[-1] if place else "—"


def placed(result: Placed, lang: str) -> None:
    """What `checklist place` (or `start --under`) recorded; nothing when a unit resumed has that place already."""
    if result.draft is None:
        return
    now = safe(node_text(result.now, lang))
    if not result.before:
        message(t("msg.placed_first", lang, id=safe(result.unit.id), now=now), style="green")
        return
    message(
        t("msg.placed", lang, id=safe(result.unit.id), before=safe(node_text(result.before, lang)), now=now),
        style="green",
    )


def places_view(view: Places, lang: str) -> RenderableType:
    """`checklist place` alone: where the unit reports now, then each place it was given."""
    name = view.catalog.unit_name(view.unit, lang)
    now = node_text(view.now, lang) if view.now else t("place.nowhere", lang)
    lines: list[RenderableType] = [Text(t("place.line", lang, name=safe(name), place=safe(now)), style="bold")]
    if not view.history:
        lines.append(Text(t("place.how", lang), style="dim"))
        return Group(*lines)
    table = Table(title=Text(t("head.place_changes", lang), style="bold"), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(t("col.when", lang), no_wrap=True)
    table.add_column(t("col.who", lang))
    table.add_column(t("col.place", lang))
    table.add_column(t("col.reason", lang))
    zone = ZoneInfo(view.catalog.meta.timezone)
    for move in view.history:
        record = move.record
        when = moment_text((record.clock or record.at).astimezone(zone), lang, short=True)
        table.add_row(when, safe(record.actor), safe(node_text(move.place, lang)), safe(record.note or "—"))
    lines.append(table)
    return Group(*lines)


def reports_to_line(place: Node, lang: str) -> Text:
    """'上级：湖南省司法厅 › 省监狱管理局' on the head of a unit's status."""
    return Text(t("place.reports_to", lang, place=safe(node_text(place, lang))))


def grid_cell(history: History) -> Text:
    out = Text()
    for mark in history.marks:
        glyph, style = GLYPHS[mark]
        out.append(glyph, style=style)
    return out


def grid_header(history: History) -> str:
    """One character a day: the last digit of each day of the month."""
    return "".join(str(day.day % 10) for day in history.days)


def legend(days: Sequence[object], lang: str) -> Text:
    """'近 7 天（1月21日至1月27日，每格一天）：✔ 已报告 ! 有警示 ✖ 未报告 - 无需报告'."""
    first, last = days[0], days[-1]
    said = t(
        "grid.legend",
        lang,
        count=len(days),
        first=date_text(first, lang, short=True),  # type: ignore[arg-type]
        last=date_text(last, lang, short=True),  # type: ignore[arg-type]
    )
    return Text(said + "\n" + t("grid.marks", lang), style="dim")


def rollup_lines(rollups: Sequence[NodeRollup], lang: str, width: int, below_root: bool = True) -> list[Text]:
    """One line per child body of the node: units, reporting today, missing, alerting, overdue."""
    headers = [t(k, lang) for k in ("col.node", "col.units", "col.reporting", "col.missing", "col.alerting")]
    headers.append(t("col.overdue_units", lang))
    rows = [
        [
            Text(
                safe(rollup.name)
                if rollup.name is not None
                else t("node.direct" if below_root else "node.unplaced", lang)
            ),
            Text(str(rollup.province.units)),
            Text(str(rollup.province.reporting), style="green" if not rollup.province.missing else "bold red"),
            Text(str(len(rollup.province.missing)), style="bold red" if rollup.province.missing else "green"),
            Text(str(rollup.province.alerting), style="bold red" if rollup.province.alerting else "green"),
            Text(str(rollup.province.overdue), style="bold red" if rollup.province.overdue else "green"),
        ]
        for rollup in rollups
    ]
    widths = [max(Text(h).cell_len, *(r[i].cell_len for r in rows)) for i, h in enumerate(headers)]
    widths[0] = max(4, min(widths[0], width - sum(widths[1:]) - 2 * (len(widths) - 1)))
    lines = [_line([Text(h) for h in headers], widths, "bold")]
    lines += [_line(r, widths) for r in rows]
    return lines


def _line(cells: list[Text], widths: list[int], style: str = "") -> Text:
    """A row of cells: the first left-aligned (cut with '…' to fit), the others right-aligned."""
    out = Text(style=style)
    for i, given in enumerate(cells):
        cell = given.copy()
        if cell.cell_len > widths[i]:
            cell.truncate(widths[i], overflow="ellipsis")
        pad = " " * (widths[i] - cell.cell_len)
        if i:
            out.append("  " + pad)
            out.append_text(cell)
        else:
            out.append_text(cell)
            if len(cells) > 1:
                out.append(pad)
    return out


def units_head(view: SupervisorView, lang: str) -> str:
    """The title of the units' lines: every unit, or those under the node asked."""
    return t("head.node_units", lang, node=safe(node_text(view.node, lang))) if view.node else t("head.all_units", lang)


def view_head(view: SupervisorView, lang: str, width: int) -> list[Text]:
    """What `status --all` prints under the headline for --by-node (a line per child body)
    and --days (the grid's legend)."""
    lines: list[Text] = []
    if view.rollups is not None:
        head = (
            t("head.by_node", lang, node=safe(node_text(view.node, lang)))
            if view.node
            else t("head.by_node_root", lang)
        )
        lines += [Text(""), Text(head, style="bold")]
        if view.rollups:
            lines += rollup_lines(view.rollups, lang, width, bool(view.node))
        else:
            lines.append(Text(t("node.no_children", lang), style="dim"))
    if view.histories:
        days = next(iter(view.histories.values())).days
        lines += [Text(""), legend(days, lang)]
    return lines


def unit_rows(view: SupervisorView, lang: str) -> tuple[list[str], list[list[Text]], set[int]]:
    """The unit lines of `status --all` when units have places or --days is asked: each unit's
    body (short) after its name; with --days, the grid of its last days and its run of days
    missing instead of the totals."""
    from .terminal import _report_cell, _supervised_name

    placed = any(v.status.place for v in view.units)
    headers = [t("col.unit", lang)] + ([t("col.body", lang)] if placed else [])
    histories = view.histories
    rows: list[list[Text]] = []
    if histories is not None:
        first = next(iter(histories.values()), None)
        headers += [grid_header(first) if first else "", t("col.missing_run", lang), t("col.alerts_short", lang)]
    else:
        headers += [t(k, lang) for k in ("col.progress", "col.critical_short", "col.overdue_short")]
        headers += [t("col.report_short", lang), t("col.alerts_short", lang), t("col.last_short", lang)]
    for unit in view.units:
        status = unit.status
        row = [Text(safe(_supervised_name(status, lang)))]
        if placed:
            row.append(Text(safe(short_place(status.place, lang))))
        alerts = len(status.unacknowledged)
        alerted = Text(f"⚠ {alerts}", style="bold red") if alerts else Text("—", style="dim")
        if histories is not None:
            found = histories[status.unit.id]
            run = found.missing_run
            row += [grid_cell(found), Text(str(run), style="bold red" if run else "green"), alerted]
        else:
            critical, overdue = len(status.critical_open), len(status.overdue)
            row += [
                Text(f"{status.tally.percent:.0f}%"),
                Text(str(critical), style="bold red" if critical else "green"),
                Text(str(overdue), style="bold red" if overdue else "green"),
                _report_cell(status, lang, one_line=True),
                alerted,
                Text(date_text(status.last_record.at, lang, short=True) if status.last_record else "—"),
            ]
        rows.append(row)
    offset = 1 if placed else 0
    right = {2 + offset} if histories is not None else {1 + offset, 2 + offset, 3 + offset}
    return headers, rows, right


def fit_body(
    headers: list[str], rows: list[list[Text]], widths: list[int], right: set[int], width: int
) -> tuple[list[str], list[list[Text]], list[int], set[int]]:
    """The units' lines on a narrow screen: the body (column 1) shortened first, so that a
    name keeps 12 cells, and left out when less than 6 cells are left for it."""
    spare = width - sum(widths[2:]) - 2 * (len(widths) - 1) - min(widths[0], 12)
    widths[1] = min(widths[1], spare)
    if spare >= 6:
        return headers, rows, widths, right
    kept = [r[:1] + r[2:] for r in rows]
    return headers[:1] + headers[2:], kept, widths[:1] + widths[2:], {i - 1 for i in right}
