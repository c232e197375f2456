"""`checklist report`: a prison's week (a daily "three zeros" report with an infection, an
alert left to acknowledge, a missed day, an approval and a hostile note) and three units,
reported in JSON, Markdown, CSV, xlsx and HTML; the formats are held to the JSON report."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from checklist.core.errors import UserError
from checklist.present import schemas
from checklist.usecases.reports import LONGEST, Period, period_of

from . import report_stores
from .conftest import Result
from .languages import english_in_chinese
from .report_stores import HOSTILE, NOW, WEEK


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from report_stores.week(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def province(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from report_stores.province(built, tmp_path_factory.mktemp("province"))


@pytest.fixture
def store(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    return copy


@pytest.fixture
def report(cli: Callable[..., Result], store: Path) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        return cli("report", "--store", str(store), *args)

    return run


def _json(report: Callable[..., Result], *args: str) -> dict[str, Any]:
    result = report(*WEEK, "--format", "json", *args)
    assert result.exit_code == 0, result
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_the_json_report_of_a_week_holds_the_headline_the_figures_and_every_view(report: Callable[..., Result]) -> None:
    found = _json(report)
    assert (found["document"], found["format"], found["scope"]) == ("report", 1, "unit")
    assert (found["first"], found["last"], found["now"]) == ("2020-01-20", "2020-01-26", "2020-01-26T20:00:00+08:00")
    assert [f["id"] for f in found["fields"]] == ["infections", "reported_cases", "hype_incidents"]
    headline = found["headline"]
    assert headline == {
        "units": 1,
        "reporting": 1,
        "missing": [],
        "figures": {"infections": 0, "reported_cases": 0, "hype_incidents": 0},
        "alerting": 1,
        "overdue": 0,
        "verified": True,
        "intact": 1,
        "broken": [],
    }
    infections = [d["figures"].get("infections") for d in found["trend"]]
    assert infections == [0, 0, 0, 1, 0, None, 0]
    assert [d["reported"] for d in found["trend"]] == [True] * 5 + [False, True]
    assert found["trend"][3]["alerts"] == ["infections", "reported_cases"]
    (unit,) = found["units"]
    assert (unit["id"], unit["name"], unit["reported"], unit["note"]) == ("prison", "长沙监狱", True, HOSTILE)
    missed = {m["id"]: m["periods"] for m in unit["missed"]}
    assert missed["system.three-zeros"] == ["2020-01-25"]
    assert [(a["id"], a["period"], a["fields"], a["figures"]["infections"]) for a in unit["alerts"]] == [
        ("system.three-zeros", "2020-01-23", ["infections", "reported_cases"], 1)
    ]
    assert [(a["number"], a["given"], a["by"], a["at"]) for a in unit["approvals"]] == [
        (4, True, "李科长", "2020-01-22T10:00:00+08:00")
    ]
    reporting = next(s for s in unit["sections"] if s["id"] == "reporting")
    assert (reporting["done"], reporting["applicable"], reporting["percent"]) == (1, 1, 100.0)
    assert unit["progress"]["done"] == 2
    assert unit["signatures"] == {
        "intact": True,
        "records": 8,
        "signed": 7,
        "unsigned": 1,
        "problems": 0,
    }  # the approver has no key
    Draft202012Validator(schemas.schema("report")).validate(found)


def test_one_day_is_the_report_of_that_day(report: Callable[..., Result]) -> None:
    found = json.loads(report("--day", "2020-01-23", "--now", NOW, "--format", "json").stdout)
    assert (found["first"], found["last"]) == ("2020-01-23", "2020-01-23")
    assert found["headline"]["figures"] == {"infections": 1, "reported_cases": 1, "hype_incidents": 0}
    assert found["units"][0]["note"] == "确诊1例 | 已隔离"
    before = json.loads(report("--day", "2020-01-22", "--now", NOW, "--format", "json").stdout)
    assert (before["headline"]["alerting"], before["units"][0]["alerts"]) == (0, [])  # the alert came on the 23rd
    missed = json.loads(report("--day", "2020-01-25", "--now", NOW, "--format", "json").stdout)
    assert missed["headline"]["reporting"] == 0
    assert missed["units"][0]["reported"] is False


def test_no_verify_leaves_the_signature_status_out(report: Callable[..., Result]) -> None:
    found = _json(report, "--no-verify")
    assert found["headline"]["verified"] is False
    assert found["units"][0]["signatures"] is None
    assert "Records not verified" in report(*WEEK, "--no-verify").stdout


MD_EN = """\
# 长沙监狱: epidemic-response report

2020-01-20 to 2020-01-26 · as of 2020-01-26 20:00

## Headline

- Reported that day: Confirmed infections 0, Cases reported upward 0, Sensationalised incidents 0
- Alerts to acknowledge: 1
- Overdue items: 0
- Units whose records verify intact: 1 of 1
- Progress 18%: 2 of 11 applicable items done
- Records: intact; 8 records, 7 signed, 1 unsigned
- Note: =HYPERLINK("http://evil.example") \\<script\\>alert("x")\\</script\\> \\| \\*bold\\*

### Figures by day

| Day | Reported | Confirmed infections | Cases reported upward | Sensationalised incidents | Alerts |
|---|---|---:|---:|---:|---|
| 2020-01-20 | yes | 0 | 0 | 0 | — |
| 2020-01-21 | yes | 0 | 0 | 0 | — |
| 2020-01-22 | yes | 0 | 0 | 0 | — |
| 2020-01-23 | yes | 1 | 1 | 0 | Confirmed infections, Cases reported upward |
| 2020-01-24 | yes | 0 | 0 | 0 | — |
| 2020-01-25 | no | — | — | — | — |
| 2020-01-26 | yes | 0 | 0 | 0 | — |
"""

MD_ZH = """\
# 长沙监狱疫情防控日报

2020年1月20日至2020年1月26日 · 截至2020年1月26日 20:00

## 概况

- 当日已报告：确诊感染人数 0、上报病例数 0、炒作事件数 0
- 待确认警示：1 条
- 逾期事项：0 项
- 记录核验完好：1/1 个单位
- 进度 18%：已完成 2/11 项适用事项
- 记录核验：完好；共 8 条记录，7 条已签名，1 条未签名
"""


def test_markdown_in_english_and_in_chinese(report: Callable[..., Result]) -> None:
    english = report(*WEEK)
    assert english.exit_code == 0, english
    assert english.stdout.startswith(MD_EN)
    zeros_item = "2. Meet the “three zeros”: zero infections, zero reported cases, zero sensationalised incidents"
    assert f"| {zeros_item} | 1 | 2020-01-25 |" in english.stdout
    liaison = "4. Coordinate with local health, emergency, police and transport authorities"
    assert f"| {liaison} | given | 李科长 | 2020-01-22 10:00 |" in english.stdout
    chinese = report(*WEEK, "--lang", "zh")
    assert chinese.stdout.startswith(MD_ZH)
    assert "| 日期 | 已报告 | 确诊感染人数 | 上报病例数 | 炒作事件数 | 警示 |" in chinese.stdout
    assert "| 2020-01-23 | 是 | 1 | 1 | 0 | 确诊感染人数、上报病例数 |" in chinese.stdout
    assert "### 审批" in chinese.stdout and "| 已审批 | 李科长 |" in chinese.stdout
    typed = ["HYPERLINK", "http", "evil", "example", "script", "alert", "x", "bold"]  # the note, as typed
    assert english_in_chinese(chinese.stdout, typed) == []


def test_a_pipe_in_a_note_keeps_the_markdown_table_whole(report: Callable[..., Result]) -> None:
    text = report(*WEEK).stdout
    columns = 0
    for line in text.splitlines():
        if not line.startswith("|"):
            columns = 0
            continue
        found = len(re.findall(r"(?<!\\)\|", line))
        columns = columns or found  # the header's
        assert found == columns, line
    assert "| 确诊1例 \\| 已隔离 |" in text  # the alert's note: its pipe escaped, not a column


def test_csv_has_a_bom_one_row_per_unit_and_day_and_guards_formulas(
    report: Callable[..., Result], tmp_path: Path
) -> None:
    found = _json(report)
    out = tmp_path / "week.csv"
    result = report(*WEEK, "--out", str(out))
    assert result.exit_code == 0, result
    assert f"Report written to {out}" in result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Unit ID",
        "Unit",
        "Day",
        "Reported",
        "Confirmed infections",
        "Cases reported upward",
        "Sensationalised incidents",
        "Alerts",
        "Note",
    ]
    body = rows[1:]
    trend = found["units"][0]["trend"]
    assert len(body) == len(trend) == 7
    for row, day in zip(body, trend, strict=True):
        assert row[:3] == ["prison", "长沙监狱", day["day"]]
        assert row[3] == ("yes" if day["reported"] else "no")
        assert row[4:7] == [
            str(day["figures"][f]) if day["reported"] else ""
            for f in ("infections", "reported_cases", "hype_incidents")
        ]
    assert body[-1][-1] == "'" + HOSTILE  # a formula is not run when the sheet opens
    stdout = report(*WEEK, "--format", "csv", "--lang", "zh").stdout
    assert stdout.startswith("\ufeff单位 ID,单位,日期,已报告,确诊感染人数")


def test_xlsx_has_a_sheet_per_view_with_frozen_headers_and_the_json_numbers(
    report: Callable[..., Result], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    found = _json(report)
    out = tmp_path / "week.xlsx"
    assert report(*WEEK, "--out", str(out), "--lang", "zh").exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["概况", "各单位", "每日数字", "各部分进度", "漏报事项", "逾期事项", "待确认警示", "审批"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width > 10
    figures = book["每日数字"]
    header = [c.value for c in figures[1]]
    assert header[:5] == ["单位 ID", "单位", "日期", "已报告", "确诊感染人数"]
    rows = [[c.value for c in row] for row in figures.iter_rows(min_row=2)]
    for row, day in zip(rows, found["units"][0]["trend"], strict=True):
        assert row[2] == day["day"]
        assert row[4:7] == [day["figures"].get(f) for f in ("infections", "reported_cases", "hype_incidents")]
    units = [[c.value for c in row] for row in book["各单位"].iter_rows(min_row=2)]
    assert units[0][:6] == ["prison", "长沙监狱", "是", 0, 0, 0]
    assert units[0][-1] == HOSTILE  # a string cell, never a formula
    alerts = [[c.value for c in row] for row in book["待确认警示"].iter_rows(min_row=2)]
    assert alerts[0][0] == "prison" and alerts[0][3] == "2020年1月23日"
    assert alerts[0][5] == "确诊1例 | 已隔离"
    headline = [row[0].value for row in book["概况"].iter_rows()]
    assert "待确认警示：1 条" in headline


def test_html_is_self_contained_and_shows_a_hostile_note_as_text(report: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "week.html"
    assert report(*WEEK, "--out", str(out), "--lang", "zh").exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.replace("&lt;script", "")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<svg" in html and "<polyline" in html
    for outside in ("src=", "href=", "@import", "url(", "<link"):
        assert outside not in html, outside
    assert '<html lang="zh-CN">' in html
    assert "长沙监狱疫情防控日报" in html and "epidemic-response report" in html  # both languages' headings
    assert 'data-reporting="1"' in html and 'data-field="infections"' in html


def test_every_unit_under_the_provinces_headline(cli: Callable[..., Result], province: Path) -> None:
    result = cli("report", "--all", "--store", str(province), *WEEK, "--format", "json")
    assert result.exit_code == 0, result
    found = json.loads(result.stdout)
    assert found["scope"] == "all"
    assert [u["id"] for u in found["units"]] == ["rehab", "cc", "prison"]  # in order of their names
    headline = found["headline"]
    assert (headline["units"], headline["reporting"], headline["missing"]) == (3, 2, ["cc"])
    assert headline["figures"] == {"infections": 0, "reported_cases": 0, "hype_incidents": 2}
    assert (headline["alerting"], headline["intact"], headline["broken"]) == (2, 3, [])  # an infection, hype
    assert [d["reporting"] for d in found["trend"]] == [2, 2, 2, 2, 2, 1, 2]
    assert [d["figures"].get("infections") for d in found["trend"]] == [0, 0, 0, 1, 0, 0, 0]
    assert [d["alerts"] for d in found["trend"]][2:4] == [[], ["infections", "reported_cases"]]
    assert found["trend"][-1]["alerts"] == ["hype_incidents"]
    Draft202012Validator(schemas.schema("report")).validate(found)
    text = cli("report", "--all", "--store", str(province), *WEEK, "--lang", "zh").stdout
    assert "- 已报告：2/3 个单位" in text
    assert "- 未报告：芙蓉区社区矫正管理局" in text
    assert "- 当日数字合计（已报告单位）：确诊感染人数 0、上报病例数 0、炒作事件数 2" in text
    assert "- 有待确认警示的单位：2 个" in text
    assert "## 芙蓉区社区矫正管理局 (cc)" in text


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("--day", "2020-01-23", "--from", "2020-01-20"), 1, "--day and --from exclude each other"),
        (("--day", "2020-01-23", "--to", "2020-01-24"), 1, "--day and --to exclude each other"),
        (("--from", "2020-01-24", "--to", "2020-01-20"), 1, "the period starts (--from 2020-01-24) after it ends"),
        (("--day", "2020-01-27"), 1, "the period ends on 2020-01-27, after today (2020-01-26)"),
        (("--to", "2020-02-01"), 1, "after today"),
        (("--day", "2020-1-23x"), 1, "--day"),
        (("--from", "2019-01-01", "--to", "2020-01-26"), 1, "a report covers 366 at most"),
        (("--format", "pdf"), 1, "--format 'pdf': no such report format"),
        (("--format", "html"), 1, "a report in HTML is written to a file"),
        (("--format", "xlsx"), 1, "a report in XLSX is written to a file"),
        (("--out", "report.txt"), 1, "cannot be told from the file name"),
        (("--all", "--unit", "prison"), 1, "--unit and --all exclude each other"),
        (("--out", "no/such/folder/r.md"), 1, "does not exist"),
        (("--out", "."), 1, "--out . is a folder, not a file"),
    ],
)
def test_mistakes_are_refused_with_one_clear_line(
    report: Callable[..., Result], args: tuple[str, ...], code: int, said: str
) -> None:
    result = report("--now", NOW, *args)
    assert result.exit_code == code, result
    assert said in result.stderr
    assert "Traceback" not in result.output


def test_mistakes_in_chinese(report: Callable[..., Result]) -> None:
    result = report("--now", NOW, "--format", "html", "--lang", "zh")
    assert result.exit_code == 1
    assert "HTML 格式的报告只能写入文件，不能打印到终端" in result.stderr
    assert "`--out 文件名`" in result.stderr
    result = report("--now", NOW, "--from", "2020-01-24", "--to", "2020-01-20", "--lang", "zh")
    assert "报告期的开始日（--from 2020-01-24）晚于结束日（--to 2020-01-20）" in result.stderr


def test_the_format_follows_the_out_suffix_and_an_existing_file_is_replaced_whole(
    report: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    out.write_text("old", encoding="utf-8")
    assert report(*WEEK, "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["document"] == "report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.json")] == []  # no temporary file left


def test_a_real_process_writes_the_html_and_prints_json(
    proc: Callable[..., Result], store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    result = proc("report", "--store", str(store), *WEEK, "--out", str(out))
    assert result.exit_code == 0, result
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    printed = proc("report", "--store", str(store), *WEEK, "--format", "json", "--lang", "zh")
    assert json.loads(printed.stdout)["headline"]["alerting"] == 1
    refused = proc("report", "--store", str(store), "--format", "xlsx", "--lang", "zh")
    assert refused.exit_code == 1 and "XLSX 格式的报告只能写入文件" in refused.stderr
    assert "Traceback" not in refused.stderr


TODAY = date(2020, 1, 26)
days = st.dates(min_value=date(2019, 1, 1), max_value=date(2021, 12, 31))


@given(day=st.none() | days, first=st.none() | days, last=st.none() | days)
def test_a_period_is_within_today_and_in_order_or_refused(
    day: date | None, first: date | None, last: date | None
) -> None:
    try:
        period = period_of(TODAY, day, first, last)
    except UserError as error:
        assert error.message.code in (
            "option.exclusive",
            "report.period_order",
            "report.period_future",
            "report.period_long",
        )
        return
    assert period.first <= period.last <= TODAY
    assert len(period.days) == (period.last - period.first).days + 1 <= LONGEST
    if day is not None:
        assert period.first == period.last == day
    if last is not None:
        assert period.last == last


@given(first=days, length=st.integers(0, 40), key=days)
def test_a_days_key_is_in_a_period_when_its_day_is(first: date, length: int, key: date) -> None:
    period = Period(first, first + timedelta(days=length))
    assert period.holds(key.isoformat()) == (period.first <= key <= period.last)
    assert period.holds(f"{key.isoformat()}T08:00") == (period.first <= key <= period.last)
    year, week, _ = key.isocalendar()
    monday = key - timedelta(days=key.weekday())
    overlaps = monday <= period.last and monday + timedelta(days=6) >= period.first
    assert period.holds(f"{year}-W{week:02d}") == overlaps


def test_readmes_report_commands_run_as_written(proc: Callable[..., Result], store: Path, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    reports = readme[readme.index("### Reports") :]  # the first block of that section
    block = next(b for b in re.findall(r"```sh\n(.*?)```", reports, flags=re.DOTALL) if "checklist report" in b)
    for line in block.splitlines():
        command = line.split("  #")[0].split()
        assert command[:2] == ["checklist", "report"], line
        args = command[1:]
        target = None
        if ">" in args:  # a redirection: the output goes to that file
            target = tmp_path / args[-1]
            args = args[: args.index(">")]
        result = proc(*args, "--store", str(store), "--now", "2020-01-27T20:00")
        assert result.exit_code == 0, (line, result)
        if target is not None:
            assert result.stdout.startswith("\ufeff")
        for name in ("week.html", "province.xlsx"):
            if name in args:
                assert (Path.cwd() / name).stat().st_size > 1000


def test_a_report_of_the_units_given_counts_only_those(province: Path) -> None:
    """Where `report --under NODE` comes in: the units under a node, under their own headline."""
    from checklist.usecases.reports import report
    from checklist.usecases.session import Session
    from checklist.usecases.settings import Settings

    session = Session.open(Settings.load(store=str(province), now=NOW))
    chosen = [session.unit("prison"), session.unit("cc")]
    found = report(session, units=chosen, day=date(2020, 1, 26), verify=False)
    assert (found.scope, [u.status.unit.id for u in found.units]) == ("all", ["cc", "prison"])
    assert (found.province.units, found.province.reporting, found.province.alerting) == (2, 1, 1)
    assert [s.unit.id for s in found.province.missing] == ["cc"]


def test_the_moment_of_a_report_is_told_in_the_catalogs_zone(cli: Callable[..., Result], store: Path) -> None:
    """A clock in UTC (a machine's) still dates the report as the day is counted: in Beijing."""
    asked = ("--store", str(store), "--no-verify", "--now", "2020-01-26T21:00:00+00:00")
    document = cli("report", *asked, "--json").json()
    assert isinstance(document, dict)
    assert (document["now"], document["last"]) == ("2020-01-27T05:00:00+08:00", "2020-01-27")
    assert "截至2020年1月27日 05:00" in cli("report", *asked, "--lang", "zh").stdout
