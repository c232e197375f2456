"""The supervisor's other axis (issue 14, "The supervisor's view", part 2): which measures are
missed or overdue in the most units (`status --all --by-measure`), one measure in each unit
(`status --all --item ID`), each level naming the command for the next one down, and time to
compliance after a catalog upgrade (`status --all --compliance`)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from rich.cells import cell_len

from checklist.core.catalog import load
from checklist.core.standings import STANDINGS, find_measure, measure_ids, worst
from checklist.present.measures import short_ids

from .conftest import REPO, Result, three_zeros

KINDS = ("prison", "rehab", "community-corrections")
NOW = "2020-01-27T21:00"
LATER = "2020-01-29T21:00"  # after the upgrade
_BUILT: dict[str, Path] = {}
NEW_MEASURES = """measures:
  - id: system.mask-stock
    title: {zh: 清点口罩库存并上报, en: Count the stock of masks and report it}
    applies_to: all
    section: supplies
    priority: high
    source: {issuer: {zh: 湖南省司法厅, en: Hunan Provincial Department of Justice}, quote: 清点口罩库存}
    evidence: [note]
  - id: prison.ward-disinfection
    title: {zh: 监区每日消毒, en: Disinfect the wards}
    applies_to: [prison]
    section: supplies
    priority: critical
    source: {issuer: {zh: 湖南省司法厅, en: Hunan Provincial Department of Justice}, quote: 每日消毒}
    evidence: [note]
"""


def _build(cli: Callable[..., Result], catalog: Path) -> None:
    """8 units 单位1…单位8 of three kinds (prison, rehab, community corrections in turn), started
    on the 25th from a copy of the bundled catalog, their records in the order of their days:
    单位1 reports the three zeros every day and keeps its three-level duty, 单位2 reports from
    the 26th, 单位4 only on the 27th, the others never; 单位4 is blocked on suspending visits;
    单位7 admits a prisoner on the 25th (its exam and isolation fall overdue); joint prevention is
    done by 单位1 and 单位2 and waived by 单位3."""
    shutil.copytree(REPO / "measures", catalog)
    for n in range(1, 9):
        kind = KINDS[(n - 1) % 3]
        args = ("--unit", kind, "--id", f"u{n}", "--name", f"单位{n}", "--catalog", str(catalog))
        assert cli("start", *args, "--now", "2020-01-25T09:00").exit_code == 0

    def run(now: str, *args: str) -> None:
        result = cli(*args, "--now", now, "--by", "王警官")
        assert result.exit_code == 0, (args, result)

    run("2020-01-25T10:00", "event", "admission", "--subject", "P001", "--unit", "u7")
    run("2020-01-25T11:00", "done", "joint-prevention", "--unit", "u1", "--note", "已建立联防联控机制")
    run("2020-01-25T20:00", "done", "three-zeros", "--unit", "u1", "--note", "日报", *three_zeros())
    run("2020-01-25T20:10", "done", "three-level-duty", "--unit", "u1", "--note", "值班")
    run("2020-01-26T09:00", "na", "joint-prevention", "--unit", "u3", "--reason", "由司法局统一落实")
    run("2020-01-26T10:00", "block", "visits-suspended", "--unit", "u4", "--reason", "待省局批复")
    run("2020-01-26T11:00", "done", "joint-prevention", "--unit", "u2", "--note", "已建立联防联控机制")
    for unit in ("u1", "u2"):
        run("2020-01-26T20:00", "done", "three-zeros", "--unit", unit, "--note", "日报", *three_zeros())
    run("2020-01-26T20:10", "done", "three-level-duty", "--unit", "u1", "--note", "值班")
    for unit in ("u1", "u2", "u4"):
        run("2020-01-27T20:00", "done", "three-zeros", "--unit", unit, "--note", "日报", *three_zeros())
    run("2020-01-27T20:10", "done", "three-level-duty", "--unit", "u1", "--note", "值班")


@pytest.fixture
def units(cli: Callable[..., Result], tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The store above (built once, copied for each test), and its catalog's folder."""
    if "store" not in _BUILT:
        kept = tmp_path_factory.mktemp("units")
        _build(cli, kept / "catalog")
        shutil.copytree(".checklist", kept / ".checklist")
        _BUILT["store"] = kept
    else:
        shutil.copytree(_BUILT["store"] / ".checklist", ".checklist")
    return _BUILT["store"] / "catalog"


@pytest.fixture
def view(cli: Callable[..., Result], units: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`status --all ARGS` at NOW, 80 columns wide."""
    monkeypatch.setenv("COLUMNS", "80")

    def status(*args: str, code: int = 0) -> Result:
        result = cli("status", "--all", *args, "--now", NOW)
        assert result.exit_code == code, result
        return result

    return status


def _fits(text: str, width: int = 80) -> None:
    assert all(cell_len(line) <= width for line in text.splitlines()), text


def test_by_measure_in_chinese_at_80_columns(view) -> None:
    result = view("--by-measure", "--lang", "zh")
    lines = result.stdout.splitlines()
    assert lines[:11] == [
        "各项措施的落实情况（8 个单位）",
        "需关注：7/27 项措施（逾期、漏报或受阻），其中关键措施 6 项",
        "措施                                逾期 漏报 受阻 未完成 已完成 不适用 适用单位",
        "! three-zeros 落实“三个零”：零感染…    0    7    0      0      1      0        8",
        "! three-level-duty 严格落实三级值 …    0    7    0      0      1      0        8",
        "! defer-symptomatic-transfers 协调…    0    3    0      0      0      0        3",
        "! daily-temperature-checks 每日对 …    0    3    0      0      0      0        3",
        "  family-call-monitoring 严格落实 …    0    3    0      0      0      0        3",
        "! new-admission-exam 收押当天进行 …    1    0    0      0      0      0        1",
        "! visits-suspended 全面停止罪犯接见    0    0    1      2      0      0        3",
        "! closed-management 监管区实行严格…    0    0    0      3      0      0        3",
    ]
    assert "  joint-prevention 落实一级响应， …    0    0    0      5      2      1        8" in lines
    assert len(lines) == 3 + 27 + 1  # the head, every measure that applies to one of the units, the mark
    assert lines[-1] == "! 关键措施"
    assert result.stderr == "一项措施在各单位的情况：`checklist status --all --item system.three-zeros`\n"
    _fits(result.stdout)


def test_by_measure_in_english_at_80_columns(view) -> None:
    result = view("--by-measure")
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "Measures across units (8 units)",
        "Needing attention: 7 of 27 measures (overdue, missed or blocked); 6 critical",
        "measure                               overdue missed blocked open done n/a units",
        "! three-zeros Meet the “three zeros”…       0      7       0    0    1   0     8",
        "! three-level-duty Run the three-lev…       0      7       0    0    1   0     8",
    ]
    visits = next(line for line in lines if "visits-suspended" in line)
    assert visits.split()[-7:] == ["0", "0", "1", "2", "0", "0", "3"]  # blocked in 单位4, open in 单位1 and 单位7
    assert result.stderr == "One measure in each unit: `checklist status --all --item system.three-zeros`\n"
    _fits(result.stdout)


def test_the_filters_of_status_all_narrow_the_units_counted(view) -> None:
    result = view("--by-measure", "--kind", "监狱")
    assert result.stdout.startswith("Measures across units (3 units) (filtered: 3 of 8 units shown)\n")
    zeros = next(line for line in result.stdout.splitlines() if "three-zeros" in line)
    assert zeros.split()[-7:] == ["0", "2", "0", "0", "1", "0", "3"]  # 单位1 done; 单位4 and 单位7 missed
    assert result.stderr == (  # the next command keeps the filter
        "One measure in each unit: `checklist status --all --item prison.defer-symptomatic-transfers --kind prison`\n"
    )
    document = view("--by-measure", "--alerts", "--json").json()
    assert (document["units"], document["total"], document["measures"]) == (0, 8, [])
    assert view("--by-measure", "--alerts").stdout.splitlines()[1] == "No measure applies to these units."
    none = view("--item", "three-zeros", "--alerts", "--lang", "zh")  # no unit kept: the measure is still known
    assert none.stdout.splitlines()[1:] == ["适用 0 个单位", "（已筛选：显示 0/8 个单位）"] and not none.stderr


def test_one_measure_in_each_unit_the_ones_needing_attention_first(view) -> None:
    result = view("--item", "visits-suspended", "--lang", "zh")
    assert result.stdout.splitlines() == [
        "措施 prison.visits-suspended：全面停止罪犯接见（关键）",
        "适用 3 个单位：受阻 1、未完成 2",
        "另有 5 个单位目前不涉及此措施",
        "单位   情况    完成  最近记录  记录人  时间",
        "单位4  受阻     0/1  受阻      王警官  1月26日 10:00",
        "单位1  未完成   0/1  —         —       —",
        "单位7  未完成   0/1  —         —       —",
    ]
    assert result.stderr == (
        "该单位的这项措施：`checklist log --unit u4 --item prison.visits-suspended`\n"
        "该单位全貌：`checklist status --unit u4`\n"
    )
    english = view("--by-measure", "--item", "prison.visits-suspended")  # --by-measure --item: the same view
    assert english.stdout.splitlines()[:5] == [
        "Measure prison.visits-suspended: Suspend all visits to prisoners (critical)",
        "Applies to 3 units: blocked 1, open 2",
        "5 other units it does not apply to now",
        "unit   standing  done  last record  by      when",
        "单位4  blocked    0/1  blocked      王警官  01-26 10:00",
    ]


def test_a_recurring_measure_shows_each_unit_s_latest_report(view) -> None:
    result = view("--item", "system.three-zeros")
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Measure system.three-zeros: Meet the “three zeros”: zero infections,… (critical)",
        "Applies to 8 units: missed 7, done 1",
        "unit   standing  done  last record  by      when",
    ]
    rows = lines[3:]
    assert rows[0] == "单位3  2 missed   0/1  —            —       —"
    assert rows[1] == "单位4  2 missed   1/1  done         王警官  01-27 20:00"  # today's, two days missed
    assert rows[-2:] == [
        "单位2  1 missed   1/1  done         王警官  01-27 20:00",
        "单位1  done       1/1  done         王警官  01-27 20:00",
    ]
    assert [r.split()[0] for r in rows] == ["单位3", "单位4", "单位5", "单位6", "单位7", "单位8", "单位2", "单位1"]
    assert "checklist log --unit u3 --item system.three-zeros" in result.stderr
    _fits(result.stdout)


def test_the_last_level_is_the_unit_s_own_log(view, cli) -> None:
    """The command the drill-down prints works, and shows who attested what."""
    hint = view("--item", "visits-suspended").stderr
    command = hint.split("`")[1].split()[1:]
    log = cli(*command, "--no-pager")
    assert log.exit_code == 0 and "待省局批复" in log.stdout and "王警官" in log.stdout


def test_the_province_view_names_the_next_levels(view) -> None:
    assert view("--lang", "zh").stderr == (
        "按措施查看：`checklist status --all --by-measure`\n"
        "目录升级后新措施的落实用时：`checklist status --all --compliance`\n"
    )
    assert view("--kind", "rehab", "--missing").stderr == (
        "By measure: `checklist status --all --by-measure --kind rehab --missing`\nTime to compliance after "
        "a catalog upgrade: `checklist status --all --compliance --kind rehab --missing`\n"
    )


def test_an_unknown_measure_suggests_the_closest(view) -> None:
    result = view("--item", "visits-supended", code=1)
    assert not result.stdout and "Traceback" not in result.stderr
    assert "no measure 'visits-supended' in the catalogs these units run" in result.stderr
    assert "did you mean: prison.visits-suspended" in result.stderr
    chinese = view("--item", "三零", "--lang", "zh", code=1)
    assert "这些单位所用的措施目录中没有措施“三零”" in chinese.stderr
    ambiguous = view("--item", "system.three", code=1)
    assert ambiguous.stderr == (
        "error: 'system.three' names more than one measure: system.three-zeros, system.three-level-duty\n"
        "type more of the id, or the whole id\n"
    )
    number = view("--item", "９", "--lang", "zh", code=1)  # an item's number, typed in full width
    assert number.stderr.startswith("错误：“９”是事项序号：各单位的序号不同，请用措施 ID")
    assert "`checklist status --all --by-measure` 列出各项措施及其 ID" in number.stderr
    nothing_close = view("--item", "xyzzy", code=1)
    assert "`checklist status --all --by-measure` lists the measures and their ids" in nothing_close.stderr


def test_a_measure_is_named_by_words_of_its_title_too(view) -> None:
    assert view("--item", "接见", "--lang", "zh").stdout.startswith("措施 prison.visits-suspended：")
    assert view("--item", "visits to prisoners").stdout.startswith("Measure prison.visits-suspended:")
    assert view("--item", " Visits-Suspended ").stdout.startswith("Measure prison.visits-suspended:")
    both = view("--item", "停止", "--lang", "zh", code=1)
    assert "prison.outreach-activities-suspended、prison.visits-suspended" in both.stderr


def test_wrong_options_say_what_to_do(view, cli, units) -> None:
    result = cli("status", "--by-measure")
    assert result.exit_code == 1 and "--by-measure only goes with --all" in result.stderr
    assert cli("status", "--item", "x").exit_code == 1
    mixed = view("--by-measure", "--sort", "name", code=1)
    assert "--sort" in mixed.stderr and "--by-measure" in mixed.stderr
    assert "--compliance" in view("--compliance", "--item", "x", code=1).stderr


def test_by_measure_json_against_its_schema(view, cli) -> None:
    document = view("--by-measure", "--json").json()
    schema = json.loads(cli("schema", "--output", "status-by-measure").stdout)
    Draft202012Validator(schema).validate(document)
    assert (document["document"], document["format"], document["units"], document["total"]) == (
        "status-by-measure",
        1,
        8,
        8,
    )
    first = document["measures"][0]
    assert first["id"] == "system.three-zeros" and first["priority"] == "critical"
    assert first["counts"] == {"overdue": 0, "missed": 7, "blocked": 0, "open": 0, "done": 1, "na": 0}
    assert (first["attention"], first["applies"]) == (7, 8)
    across = view("--item", "visits-suspended", "--json").json()
    Draft202012Validator(json.loads(cli("schema", "--output", "status-measure").stdout)).validate(across)
    assert [(u["unit"], u["standing"]) for u in across["units"]] == [("u4", "blocked"), ("u1", "open"), ("u7", "open")]
    assert across["units"][0]["last"]["note"] == "待省局批复" and across["units"][0]["last"]["actor"] == "王警官"
    assert across["units"][0]["last"]["clock"] == "2020-01-26T10:00:00+08:00"
    assert across["not_applying"] == 5


# -- time to compliance ---------------------------------------------------------------------------


def _upgrade(cli: Callable[..., Result], catalog: Path) -> None:
    """A newer catalog (two new measures: one for every unit, one for prisons), taken by 单位1,
    单位2, 单位4 and 单位5 on the 28th at 09:00; 单位1 attests both by 15:30, 单位2 its one the
    next morning, 单位4 one of its two, 单位5 none."""
    head = catalog / "00-catalog.yaml"
    head.write_text(head.read_text(encoding="utf-8").replace('"2020.01.27.4"', '"2020.02.01"'), encoding="utf-8")
    (catalog / "90-new.yaml").write_text(NEW_MEASURES, encoding="utf-8")

    def run(now: str, *args: str) -> None:
        result = cli(*args, "--now", now, "--by", "王警官")
        assert result.exit_code == 0, (args, result)

    for unit in ("u1", "u2", "u4", "u5"):
        run("2020-01-28T09:00", "upgrade", "--unit", unit)
    run("2020-01-28T10:00", "done", "mask-stock", "--unit", "u1", "--note", "已清点")
    run("2020-01-28T10:00", "done", "mask-stock", "--unit", "u4", "--note", "已清点")
    run("2020-01-28T15:30", "done", "ward-disinfection", "--unit", "u1", "--note", "已消毒")
    run("2020-01-29T09:00", "done", "mask-stock", "--unit", "u2", "--note", "已清点")


def test_no_unit_upgraded_is_a_plain_sentence(view) -> None:
    assert view("--compliance").stdout == (
        "Time to compliance after a catalog upgrade\nNo unit has upgraded its catalog (8 units looked at).\n"
    )
    assert view("--compliance", "--lang", "zh").stdout.splitlines()[1] == "没有单位升级过措施目录（共 8 个单位）。"
    document = view("--compliance", "--json").json()
    assert (document["upgraded"], document["units"], document["median_seconds"]) == (0, [], None)


def test_time_to_compliance_after_an_upgrade(cli, units, monkeypatch: pytest.MonkeyPatch) -> None:
    _upgrade(cli, units)
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("status", "--all", "--compliance", "--now", LATER, "--lang", "zh")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == [
        "目录升级后新措施的落实用时",
        "已升级目录（至 2020.02.01）：4/8 个单位；新措施已全部落实：2 个",
        "用时中位数：15 小时 15 分钟；最慢：单位2（1 天）",
        "尚未全部落实的单位：2 个",
        "单位   升级时间       新措施  用时",
        "单位4  1月28日 09:00     1/2  仍缺 1 项，已过 1 天 12 小时",
        "单位5  1月28日 09:00     0/1  仍缺 1 项，已过 1 天 12 小时",
        "单位2  1月28日 09:00     1/1  1 天",
        "单位1  1月28日 09:00     2/2  6 小时 30 分钟",
        "未升级目录的单位：4 个（单位3、单位6、单位7、单位8）",
    ]
    assert result.stderr == "尚未落实的事项：`checklist list --unit u4 --open`\n"
    english = cli("status", "--all", "--compliance", "--now", LATER)
    assert english.stdout.splitlines()[1:4] == [
        "Upgraded (to 2020.02.01): 4 of 8 units; every new measure attested: 2",
        "Median time: 15 hours and 15 minutes; slowest: 单位2 (1 day)",
        "Units not compliant yet: 2",
    ]
    assert "单位4  01-28 09:00  1/2  still missing 1 after 1 day and 12 hours" in english.stdout
    _fits(english.stdout)
    document = cli("status", "--all", "--compliance", "--now", LATER, "--json").json()
    Draft202012Validator(json.loads(cli("schema", "--output", "status-compliance").stdout)).validate(document)
    assert (document["looked"], document["upgraded"], document["compliant"]) == (8, 4, 2)
    assert document["median_seconds"] == 15 * 3600 + 15 * 60
    assert document["slowest"] == {"unit": "u2", "seconds": 86400}
    assert (document["behind"], document["not_upgraded"]) == (["u4", "u5"], ["u3", "u6", "u7", "u8"])
    first = document["units"][0]
    assert first["new"] == ["system.mask-stock", "prison.ward-disinfection"]
    assert first["attested"] == {"system.mask-stock": "2020-01-28T10:00:00+08:00"}
    assert (first["missing"], first["took_seconds"], first["waiting_seconds"]) == (
        ["prison.ward-disinfection"],
        None,
        36 * 3600,
    )
    assert (first["from_version"], first["to_version"]) == ("2020.01.27.4", "2020.02.01")
    only = cli("status", "--all", "--compliance", "--kind", "rehab", "--now", LATER, "--json").json()
    assert [u["unit"] for u in only["units"]] == ["u5", "u2"] and only["not_upgraded"] == ["u8"]


def test_through_a_real_process(units, proc) -> None:
    env = {"LANG": "zh_CN.UTF-8", "CHECKLIST_LANG": "", "COLUMNS": "80"}
    result = proc("status", "--all", "--by-measure", "--now", NOW, env=env)
    assert result.exit_code == 0, result
    assert result.stdout.startswith("各项措施的落实情况（8 个单位）\n需关注：7/27 项措施")
    assert "`checklist status --all --item system.three-zeros`" in result.stderr
    unknown = proc("status", "--all", "--item", "nosuch", "--now", NOW, env=env)
    assert unknown.exit_code == 1 and "Traceback" not in unknown.stderr
    assert unknown.stderr.startswith("错误：这些单位所用的措施目录中没有措施“nosuch”")


def _transcript(command: str) -> list[str]:
    """The lines README shows under `$ checklist COMMAND` (up to the next command or the block's end)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    after = readme.split(f"$ checklist {command}\n", 1)[1]
    return after.split("```", 1)[0].split("\n$ ", 1)[0].splitlines()


def test_the_readme_transcripts_are_what_the_commands_print(view, cli, units, monkeypatch) -> None:
    shown = view("--item", "visits-suspended", "--lang", "zh")
    assert _transcript("status --all --item visits-suspended --lang zh") == [
        *shown.stdout.splitlines(),
        *shown.stderr.splitlines(),
    ]
    by_measure = view("--by-measure", "--lang", "zh").stdout.splitlines()
    for line in _transcript("status --all --by-measure --lang zh")[:-1]:
        assert line == "…" or line in by_measure, line
    _upgrade(cli, units)
    later = cli("status", "--all", "--compliance", "--lang", "zh", "--now", LATER)
    printed = [*later.stdout.splitlines(), *later.stderr.splitlines()]
    assert _transcript("status --all --compliance --lang zh") == printed


# -- properties of the fold and of the names it shows ------------------------------------------------


@given(st.lists(st.sampled_from([*STANDINGS, None]), max_size=12))
def test_a_unit_stands_as_its_item_needing_the_most_attention(standings: list) -> None:
    found = worst(standings)
    present = [s for s in standings if s is not None]
    assert found == (min(present, key=STANDINGS.index) if present else None)
    assert worst(list(reversed(standings))) == found  # whatever the order of the items


_CATALOG = load(None)
_KINDS = [kind.id for kind in _CATALOG.meta.unit_kinds]


@given(st.sets(st.sampled_from(_KINDS), min_size=1), st.data())
def test_every_id_shown_names_its_measure_for_item(kinds: set[str], data: st.DataObject) -> None:
    """The short ids a view shows (the kind left out where that is unique) are what `--item` takes."""
    statuses = [SimpleNamespace(catalog=_CATALOG, unit=SimpleNamespace(kind=kind)) for kind in sorted(kinds)]
    known = measure_ids(statuses)  # type: ignore[arg-type]
    shown = data.draw(st.lists(st.sampled_from(sorted(known)), unique=True, min_size=1))
    for full, short in short_ids(shown, known).items():
        assert find_measure(short, statuses).id == full  # type: ignore[arg-type]
        assert find_measure(full, statuses).id == full  # type: ignore[arg-type]


def test_a_measure_kept_per_part_counts_each_part_s_periods(cli) -> None:
    """A unit stands on a measure kept per part as its part needing the most attention does;
    its missed periods are every part's, and the last record names the part."""
    facility = REPO / "tests" / "data" / "facility"
    for unit in ("f1", "f2"):
        args = ("--unit", "prison", "--id", unit, "--name", f"设施{unit}", "--catalog", str(facility))
        assert cli("start", *args, "--now", "2020-01-25T09:00").exit_code == 0
    for part in ("A区", "B区"):
        assert cli("part", "add", "block", part, "--unit", "f1", "--now", "2020-01-25T10:00").exit_code == 0
    done = cli("done", "block.disinfection", "--part", "A区", "--unit", "f1", "--now", "2020-01-26T21:00")
    assert done.exit_code == 0, done
    document = cli("status", "--all", "--item", "disinfection", "--now", NOW, "--json").json()
    first, second = document["units"]
    assert (first["unit"], first["standing"], first["missed"], first["items"]) == ("f1", "missed", 3, 2)
    assert (first["last"]["part"], first["last"]["period"]) == ("A区", "2020-01-26")
    assert (second["unit"], second["standing"], second["last"]) == ("f2", "open", None)  # no part yet
    shown = cli("status", "--all", "--item", "disinfection", "--now", NOW, "--lang", "zh").stdout
    assert "设施f1  漏报 3 期   0/2  完成 · A区  tester  1月26日 21:00" in shown
