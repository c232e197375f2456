"""`status --all` as a provincial supervisor reads it (issue 14, "The supervisor's view"):
the province's headline, then one line per unit, sorted by what needs attention, filtered."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.cells import cell_len

from .conftest import Result, three_zeros

KINDS = ("prison", "rehab", "community-corrections")
LONG = "长" + "名字很长的单位" * 8  # wider than 80 columns
NOW = "2020-01-27T21:00"
_BUILT: dict[str, Path] = {}


def _build(cli: Callable[..., Result]) -> None:
    """12 units 单位1…单位12 of mixed kinds and one with a long name, started on the 25th:
    单位5 reports 2 infections today (an alert, open), 单位9 one reported case (acknowledged),
    单位3 reported 5 incidents yesterday (acknowledged) and nothing today, 单位7 admitted a
    prisoner yesterday (its health check is overdue, a critical item); 单位3, 单位7, 单位10 and
    the long-named unit have not reported today."""
    for n in range(1, 13):
        kind = KINDS[(n - 1) % 3]
        started = cli("start", "--unit", kind, "--id", f"u{n}", "--name", f"单位{n}", "--now", "2020-01-25T09:00")
        assert started.exit_code == 0, started
    assert cli("start", "--unit", "prison", "--id", "long", "--name", LONG, "--now", "2020-01-25T09:00").exit_code == 0
    zeros = "system.three-zeros"

    def report(unit: str, day: str, *figures: str) -> None:
        result = cli("done", zeros, "--unit", unit, "--note", "日报", *figures, "--now", f"{day}T20:00")
        assert result.exit_code == 0, result

    report("u3", "2020-01-26", *three_zeros(hype=5))
    ack = ("--reason", "已核实", "--now", "2020-01-26T21:00")
    assert cli("ack", zeros, "--for", "2020-01-26", "--unit", "u3", *ack).exit_code == 0
    for n in (1, 2, 4, 6, 8, 11, 12):
        report(f"u{n}", "2020-01-27", *three_zeros())
    report("u5", "2020-01-27", *three_zeros(infections=2))
    report("u9", "2020-01-27", *three_zeros(reported=1))
    ack = ("--reason", "已核实", "--now", "2020-01-27T20:30")
    assert cli("ack", zeros, "--for", "2020-01-27", "--unit", "u9", *ack).exit_code == 0
    admitted = cli("event", "admission", "--subject", "P001", "--unit", "u7", "--now", "2020-01-26T10:00")
    assert admitted.exit_code == 0, admitted
    assert cli("done", "1", "--unit", "u12", "--note", "已落实", "--now", "2020-01-27T09:00").exit_code == 0


@pytest.fixture
def province(cli: Callable[..., Result], tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """The store above (built once, copied for each test); runs `status --all` at NOW."""
    if "store" not in _BUILT:
        _build(cli)
        kept = tmp_path_factory.mktemp("province") / ".checklist"
        shutil.copytree(".checklist", kept)
        _BUILT["store"] = kept
    else:
        shutil.copytree(_BUILT["store"], ".checklist")

    def status(*args: str) -> Result:
        result = cli("status", "--all", *args, "--now", NOW)
        assert result.exit_code == 0, result
        return result

    return status


def _rows(text: str) -> list[str]:
    """The units' lines: those after the table's header (the first line starting with its
    'unit' column), up to the notes."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(("unit ", "单位 ")))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("⚠"):  # the notes under the table
            break
        rows.append(line)
    return rows


def _percent(unit: dict) -> float:
    """A unit's progress as the table shows it: met, else done (the same when no answer is 'no')."""
    return unit["totals"].get("percent_met", unit["totals"]["percent_done"])


def _names(text: str) -> list[str]:
    return [row.split()[0] for row in _rows(text)]


def test_the_headline_in_chinese_and_english(province) -> None:
    chinese = province("--lang", "zh").stdout
    assert chinese.startswith("全省概况（今日）\n今日已报告：9/13 个单位\n")
    assert "\n未报告：单位3、单位7、单位10、长名字很长的单位名字很长的单位名字很长 …\n" in chinese  # natural order
    assert "今日数字合计（9 个已报告单位）：确诊感染人数 2、上报病例数 1、炒作事件数 0" in chinese  # not 单位3's 5
    assert "有待确认警示的单位：1 个\n有逾期关键事项的单位：1 个" in chinese
    english = province().stdout
    assert english.startswith("The province today\nReported today: 9 of 13 units\n")
    assert "\nNot reported: 单位3, 单位7, 单位10, 长名字很长的单位名字很长的单位名字很长 …\n" in english
    assert (
        "Today's figures, summed over the 9 units that reported: Confirmed infections 2, "
        "Cases reported upward 1, Sensationalised incidents 0"
    ) in english.replace("\n", " ")
    assert "Units with alerts to acknowledge: 1\nUnits with overdue critical items: 1" in english


def test_the_headline_in_json(province) -> None:
    document = province("--json").json()
    assert document["headline"] == {
        "units": 13,
        "reporting": 9,
        "missing": ["u3", "u7", "u10", "long"],
        "figures": {"infections": 2, "reported_cases": 1, "hype_incidents": 0},
        "alerting": 1,
        "overdue": 1,
    }
    assert (document["sort"], document["shown"], document["total"]) == ("attention", 13, 13)
    assert document["filters"] == {"kind": None, "missing": False, "alerts": False, "overdue": False}


def test_more_than_five_missing_are_counted(province, cli) -> None:
    for n in range(13, 16):
        cli("start", "--unit", "rehab", "--id", f"u{n}", "--name", f"单位{n}", "--now", "2020-01-25T09:00")
    chinese = province("--lang", "zh").stdout
    assert "未报告：单位3、单位7、单位10、单位13、单位14 等，另有 2 个\n" in chinese
    assert "Not reported: 单位3, 单位7, 单位10, 单位13, 单位14 and 2 more\n" in province().stdout


def test_attention_first_then_natural_names(province) -> None:
    names = _names(province("--lang", "zh").stdout)
    assert names[:2] == ["单位5", "单位7"]  # the open alert, then the overdue critical item
    assert names[2:4] == ["单位3", "单位10"]  # no report today; same progress: natural order
    document = province("--json").json()
    ids = [u["unit"]["id"] for u in document["units"]]
    assert ids[:5] == ["u5", "u7", "u3", "u10", "long"]
    reporting = document["units"][5:]
    percents = [_percent(u) for u in reporting]
    assert percents == sorted(percents)  # then the lowest progress first


def test_sort_by_name_and_by_progress(province) -> None:
    by_name = [u["unit"]["id"] for u in province("--sort", "name", "--json").json()["units"]]
    assert by_name == [f"u{n}" for n in range(1, 13)] + ["long"]  # 单位2 before 单位10
    assert _names(province("--sort", "name").stdout)[:3] == ["单位1", "单位2", "单位3"]
    units = province("--sort", "progress", "--json").json()["units"]
    percents = [_percent(u) for u in units]
    assert percents == sorted(percents) and units[-1]["unit"]["id"] == "u12"  # it did one more item


def test_natural_order_reads_full_width_digits_as_numbers() -> None:
    from checklist.usecases.views import natural_key

    names = ["单位１０", "单位10", "单位２", "单位1", "单位"]
    assert sorted(names, key=natural_key) == ["单位", "单位1", "单位２", "单位10", "单位１０"]


def test_filters_and_their_combination(province) -> None:
    def shown(*args: str) -> list[str]:
        return [u["unit"]["id"] for u in province(*args, "--sort", "name", "--json").json()["units"]]

    assert shown("--kind", "监狱") == ["u1", "u4", "u7", "u10", "long"]
    assert shown("--kind", "Prison") == shown("--kind", "prison") == shown("--kind", "监狱")
    assert shown("--missing") == ["u3", "u7", "u10", "long"]
    assert shown("--alerts") == ["u5"]
    assert shown("--overdue") == ["u7"]
    assert shown("--kind", "prison", "--missing") == ["u7", "u10", "long"]
    assert shown("--kind", "rehab", "--alerts") == ["u5"]
    assert shown("--missing", "--alerts") == []
    document = province("--missing", "--kind", "prison", "--json").json()
    assert document["headline"]["units"] == 13 and document["headline"]["reporting"] == 9  # all units counted
    assert (document["shown"], document["total"]) == (3, 13)
    assert document["filters"] == {"kind": "prison", "missing": True, "alerts": False, "overdue": False}
    chinese = province("--missing", "--kind", "prison", "--lang", "zh").stdout
    assert "全部单位落实情况（已筛选：显示 3/13 个单位）" in chinese and "今日已报告：9/13 个单位" in chinese
    assert "All units (filtered: 3 of 13 units shown)" in province("--missing", "--kind", "prison").stdout
    nothing = province("--missing", "--alerts", "--lang", "zh").stdout
    assert "没有符合筛选条件的单位。" in nothing
    assert "No unit matches the filters." in province("--missing", "--alerts").stdout


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_each_unit_is_one_line_that_fits(province, monkeypatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    for lang in ("zh", "en"):
        text = province("--lang", lang).stdout
        rows = _rows(text)
        assert len(rows) == 13, rows  # one line each: never a wrapped name
        assert all(cell_len(row) <= columns for row in rows), rows
        (long,) = (row for row in rows if row.startswith(LONG[:2]))
        assert "…" in long and LONG not in text.split("\n\n", 1)[1]
        assert any(row.startswith("单位5 ") and "⚠ 1" in row for row in rows)


def test_an_unknown_kind_suggests_the_closest(province, cli) -> None:
    result = cli("status", "--all", "--kind", "prisn", "--now", NOW)
    assert result.exit_code == 1 and "prisn" in result.stderr and "prison" in result.stderr
    chinese = cli("status", "--all", "--kind", "监犾", "--lang", "zh", "--now", NOW)
    assert chinese.exit_code == 1 and "未知的单位类型“监犾”" in chinese.stderr and "prison" in chinese.stderr


def test_wrong_options_say_what_to_do(province, cli) -> None:
    wrong = cli("status", "--all", "--sort", "alerts", "--lang", "zh", "--now", NOW)
    assert wrong.exit_code == 1 and "没有这种排序" in wrong.stderr and "attention" in wrong.stderr
    assert "use attention" in cli("status", "--all", "--sort", "alerts", "--now", NOW).stderr
    assert province("--sort", "NAME", "--json").json()["sort"] == "name"
    assert province("--sort", "进度", "--json").json()["sort"] == "progress"  # as a duty officer may type it
    alone = cli("status", "--missing", "--unit", "u1", "--lang", "zh", "--now", NOW)
    assert alone.exit_code == 1 and "--missing 只能和 --all 一起用" in alone.stderr


def test_through_a_real_process(province, proc) -> None:
    result = proc("status", "--all", "--alerts", "--now", NOW, env={"LANG": "zh_CN.UTF-8", "CHECKLIST_LANG": ""})
    assert result.exit_code == 0, result
    assert "今日已报告：9/13 个单位" in result.stdout and "（已筛选：显示 1/13 个单位）" in result.stdout
    assert _names(result.stdout) == ["单位5"]


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_on_a_terminal_the_view_goes_through_the_pager_and_never_when_piped(province, proc, tmp_path: Path) -> None:
    from .test_log_stream import on_a_terminal

    paged = tmp_path / "paged.txt"
    pager = f"cat > {paged}"
    args = ["status", "--all", "--now", NOW]
    shown = on_a_terminal(args, Path.cwd(), CHECKLIST_PAGER=pager)
    assert "单位12" not in shown and "单位12" in paged.read_text(encoding="utf-8")
    paged.unlink()
    assert "单位12" in on_a_terminal([*args, "--no-pager"], Path.cwd(), CHECKLIST_PAGER=pager)
    assert "单位12" in on_a_terminal(args, Path.cwd(), CHECKLIST_PAGER=pager, CI="true")
    assert "单位12" in proc(*args, env={"CHECKLIST_PAGER": pager}).stdout and not paged.exists()
