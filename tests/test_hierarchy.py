"""The hierarchy (issue 14, "The province", part h): where each unit reports (a `placed`
record of its own log), `status --all --under NODE`, `--by-node`, and `--days N`, the grid
of each unit's last days."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklist.core import formats
from checklist.core.errors import UserError
from checklist.core.places import joined, parse
from checklist.usecases.hierarchy import find_node, is_under, nodes, under

from .conftest import Result, three_zeros

TOP = "湖南省司法厅"
PRISONS = f"{TOP}/省监狱管理局"
REHAB = f"{TOP}/省戒毒管理局"
CITY = f"{TOP}/长沙市司法局"
NOW = "2020-01-27T21:00"
# id, kind, name, where it reports (None: nowhere said)
UNITS = [
    ("jail1", "prison", "长沙监狱", PRISONS),
    ("jail2", "prison", "赤山监狱", PRISONS),
    ("jail3", "prison", "星城监狱", PRISONS),
    ("rehab1", "rehab", "新开铺戒毒所", REHAB),
    ("rehab2", "rehab", "白泥湖戒毒所", REHAB),
    ("cc1", "community-corrections", "芙蓉区社区矫正", CITY),
    ("cc2", "community-corrections", "岳麓区社区矫正", CITY),
    ("cc3", "community-corrections", "天心区社区矫正", CITY),
    ("city", "city-bureau", "长沙市司法局", TOP),
    ("bar", "bar-association", "湖南省律师协会", None),
]
_BUILT: dict[str, Path] = {}


def _build(cli: Callable[..., Result]) -> None:
    """Ten units started on the 23rd under three bodies of the department (and the city
    bureau under the department itself, the lawyers' association nowhere); each reports its
    three zeros every evening up to the 27th, but 赤山监狱 (jail2) missed the last three days,
    白泥湖戒毒所 (rehab2) today, the lawyers every day, and 岳麓区社区矫正 (cc2) reported an
    infection on the 24th (an alert, open)."""
    for unit, kind, name, place in UNITS:
        where = ("--under", place) if place else ()
        started = cli("start", "--unit", kind, "--id", unit, "--name", name, *where, "--now", "2020-01-23T09:00")
        assert started.exit_code == 0, started
    for day in range(23, 28):
        for unit, *_ in UNITS:
            if unit == "bar" or (unit == "jail2" and day >= 25) or (unit == "rehab2" and day == 27):
                continue
            figures = three_zeros(infections=1) if (unit, day) == ("cc2", 24) else three_zeros()
            at = f"2020-01-{day}T20:00"
            done = cli("done", "system.three-zeros", "--unit", unit, "--note", "日报", *figures, "--now", at)
            assert done.exit_code == 0, done


@pytest.fixture
def province(cli: Callable[..., Result], tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """The store above (built once, copied for each test); runs `status --all` at NOW, 80 columns."""
    if "store" not in _BUILT:
        _build(cli)
        kept = tmp_path_factory.mktemp("hierarchy") / ".checklist"
        shutil.copytree(".checklist", kept)
        _BUILT["store"] = kept
    else:
        shutil.copytree(_BUILT["store"], ".checklist")

    def status(*args: str, code: int = 0) -> Result:
        result = cli("status", "--all", *args, "--now", NOW)
        assert result.exit_code == code, result
        return result

    return status


@pytest.fixture(autouse=True)
def _eighty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


GRID_ZH = """\
全省概况（今日）
今日已报告：7/10 个单位
未报告：湖南省律师协会、白泥湖戒毒所、赤山监狱
今日数字合计（7 个已报告单位）：确诊感染人数 0、上报病例数 0、炒作事件数 0
有待确认警示的单位：1 个
有逾期关键事项的单位：0 个

近 7 天：1月21日至1月27日，每格一天，表头为日期的个位数
✔ 已报告　! 数字达警示　✖ 未报告　- 无需报告　空白：尚未开始

全部单位落实情况
单位            上级          1234567  连续未报  警示
湖南省律师协会  —               ✖✖✖✖✖         5  —
赤山监狱        省监狱管理局    ✔✔✖✖✖         3  —
白泥湖戒毒所    省戒毒管理局    ✔✔✔✔✖         1  —
天心区社区矫正  长沙市司法局    ✔✔✔✔✔         0  —
岳麓区社区矫正  长沙市司法局    ✔!✔✔✔         0  ⚠ 1
新开铺戒毒所    省戒毒管理局    ✔✔✔✔✔         0  —
星城监狱        省监狱管理局    ✔✔✔✔✔         0  —
芙蓉区社区矫正  长沙市司法局    ✔✔✔✔✔         0  —
长沙市司法局    湖南省司法厅    ✔✔✔✔✔         0  —
长沙监狱        省监狱管理局    ✔✔✔✔✔         0  —
⚠ cc2：1 条警示待确认（见 `checklist status --unit cc2`）
"""

GRID_EN = """\
The province today
Reported today: 7 of 10 units
Not reported: 湖南省律师协会, 白泥湖戒毒所, 赤山监狱
Today's figures, summed over the 7 units that reported: Confirmed infections 0,
Cases reported upward 0, Sensationalised incidents 0
Units with alerts to acknowledge: 1
Units with overdue critical items: 0

Last 7 days: 01-21 to 01-27, a mark a day, headed by the day's last digit
✔ reported  ! past an alert  ✖ not reported  - none due  blank: not started

All units
unit            body          1234567  missing  alerts
湖南省律师协会  —               ✖✖✖✖✖        5  —
赤山监狱        省监狱管理局    ✔✔✖✖✖        3  —
白泥湖戒毒所    省戒毒管理局    ✔✔✔✔✖        1  —
天心区社区矫正  长沙市司法局    ✔✔✔✔✔        0  —
岳麓区社区矫正  长沙市司法局    ✔!✔✔✔        0  ⚠ 1
新开铺戒毒所    省戒毒管理局    ✔✔✔✔✔        0  —
星城监狱        省监狱管理局    ✔✔✔✔✔        0  —
芙蓉区社区矫正  长沙市司法局    ✔✔✔✔✔        0  —
长沙市司法局    湖南省司法厅    ✔✔✔✔✔        0  —
长沙监狱        省监狱管理局    ✔✔✔✔✔        0  —
⚠ cc2: 1 alert to acknowledge (see `checklist status --unit cc2`)
"""


def test_the_grid_of_the_last_days_in_chinese_and_english_at_80_columns(province) -> None:
    assert province("--days", "7", "--lang", "zh").stdout == GRID_ZH
    assert province("--days", "7").stdout == GRID_EN


def _row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(name + " "))


def test_a_unit_missing_three_days_reads_so_and_comes_first(province) -> None:
    shown = province("--days", "5", "--under", "省监狱管理局", "--lang", "zh").stdout
    assert "\n单位      上级          34567  连续未报  警示\n赤山监狱  省监狱管理局  ✔✔✖✖✖         3  —\n" in shown
    assert _row(shown, "长沙监狱") == "长沙监狱  省监狱管理局  ✔✔✔✔✔         0  —"
    document = province("--days", "5", "--json").json()
    jail2 = next(h for h in document["history"] if h["unit"] == "jail2")
    assert jail2 == {"unit": "jail2", "marks": ["reported", "reported", "missed", "missed", "missed"], "missing_run": 3}
    assert document["days"] == ["2020-01-23", "2020-01-24", "2020-01-25", "2020-01-26", "2020-01-27"]
    assert document["sort"] == "missing" and [h["unit"] for h in document["history"]][:3] == ["bar", "jail2", "rehab2"]
    cc2 = next(h for h in document["history"] if h["unit"] == "cc2")
    assert cc2["marks"] == ["reported", "alert", "reported", "reported", "reported"]
    # --sort still applies; the filters combine
    by_name = province("--days", "5", "--sort", "name", "--missing", "--json").json()
    assert [h["unit"] for h in by_name["history"]] == ["bar", "rehab2", "jail2"]  # 湖, 白, 赤: natural order
    assert [h["missing_run"] for h in by_name["history"]] == [5, 1, 3]


def test_under_a_node_by_path_and_by_name(province) -> None:
    by_path = province("--under", PRISONS, "--lang", "zh").stdout
    assert by_path.startswith(
        "湖南省司法厅 › 省监狱管理局 概况（今日）\n今日已报告：2/3 个单位\n未报告：赤山监狱\n"
        "今日数字合计（2 个已报告单位）：确诊感染人数 0、上报病例数 0、炒作事件数 0\n"
    )
    assert {line.split()[0] for line in by_path.splitlines()[9:]} == {"长沙监狱", "赤山监狱", "星城监狱"}
    assert province("--under", "省监狱管理局", "--lang", "zh").stdout == by_path  # its name alone
    assert province("--under", "湖南省司法厅／省监狱管理局", "--lang", "zh").stdout == by_path  # a full-width /
    english = province("--under", "省监狱管理局").stdout
    assert english.startswith("湖南省司法厅 › 省监狱管理局 today\nReported today: 2 of 3 units\n")
    document = province("--under", "长沙市司法局", "--json").json()
    assert document["node"] == [TOP, "长沙市司法局"]
    assert document["headline"]["units"] == 3 and document["total"] == 3
    assert sorted(u["unit"]["id"] for u in document["units"]) == ["cc1", "cc2", "cc3"]
    assert all(u["place"] == [TOP, "长沙市司法局"] for u in document["units"])
    whole = province("--under", TOP, "--json").json()
    assert whole["headline"]["units"] == 9 and "bar" not in {u["unit"]["id"] for u in whole["units"]}


def test_the_roll_up_per_child_body(province) -> None:
    shown = province("--under", TOP, "--by-node", "--lang", "zh").stdout
    assert (
        "湖南省司法厅 下各机关（今日）\n"
        "下级机关      单位数  已报告  未报告  有警示  有逾期\n"
        "省戒毒管理局       2       1       1       0       0\n"
        "省监狱管理局       3       2       1       0       0\n"
        "长沙市司法局       3       3       0       1       0\n"
        "（直属）           1       1       0       0       0\n"
    ) in shown
    document = province("--by-node", "--json").json()
    assert [(r["name"], r["node"], r["headline"]["units"], r["headline"]["missing"]) for r in document["by_node"]] == [
        (TOP, [TOP], 9, ["rehab2", "jail2"]),  # 白泥湖戒毒所, 赤山监狱: in natural order of their names
        (None, [], 1, ["bar"]),
    ]
    english = province("--by-node").stdout
    assert "Bodies today\nbody            units  reported  missing  alerts  overdue\n" in english
    assert "(no place set)" in english


def test_an_unknown_node_suggests_the_closest_and_lists_the_children(province, cli) -> None:
    wrong = province("--under", "省监狱局", "--lang", "zh", code=1)
    assert wrong.stderr.splitlines() == [
        "错误：--under “省监狱局”：没有这个机关",
        "您是否要输入：省监狱管理局？",
        "  最上一级：湖南省司法厅",
    ]
    deeper = province("--under", f"{TOP}/长沙", code=1)
    assert deeper.stderr.splitlines()[-1] == "  under '湖南省司法厅': 省戒毒管理局, 省监狱管理局, 长沙市司法局"
    assert "--days 0: the days are from 1 to 366" in province("--days", "0", code=1).stderr
    alone = cli("status", "--under", TOP, "--lang", "zh", "--now", NOW)
    assert alone.exit_code == 1 and "--under 只能和 --all 一起用" in alone.stderr


def test_moving_a_unit_to_another_body(province, cli) -> None:
    moved = cli("place", REHAB, "--unit", "cc3", "--reason", "划归省戒毒管理局", "--now", "2020-01-27T10:00")
    assert moved.exit_code == 0, moved
    assert moved.stderr.strip() == (
        "Recorded: cc3 reports to 湖南省司法厅 › 省戒毒管理局 (before: 湖南省司法厅 › 长沙市司法局)"
    )
    again = cli("place", REHAB, "--unit", "cc3", "--lang", "zh", "--now", "2020-01-27T10:05")
    assert again.exit_code == 1
    assert again.stderr.splitlines() == [
        "错误：cc3 的上级已经是 湖南省司法厅 › 省戒毒管理局：没有记录任何内容",
        "`checklist place` 显示本单位的上级及其变更记录",
    ]
    assert sorted(u["unit"]["id"] for u in province("--under", "长沙市司法局", "--json").json()["units"]) == [
        "cc1",
        "cc2",
    ]
    assert "cc3" in {u["unit"]["id"] for u in province("--under", "省戒毒管理局", "--json").json()["units"]}
    shown = cli("place", "--unit", "cc3", "--lang", "zh", "--now", NOW).stdout
    assert shown.startswith("天心区社区矫正 的上级：湖南省司法厅 › 省戒毒管理局\n上级变更记录\n")
    assert "1月23日 09:00" in shown and "1月27日 10:00" in shown and "划归省戒毒管理局" in shown
    status = cli("status", "--unit", "cc3", "--lang", "zh", "--now", NOW).stdout
    assert "上级：湖南省司法厅 › 省戒毒管理局" in status
    records = Path(".checklist/units/cc3/records.jsonl").read_text(encoding="utf-8").splitlines()
    placed = [json.loads(line) for line in records if '"placed"' in line]
    assert [(r["v"], r["place"], r.get("note")) for r in placed] == [
        (6, [TOP, "长沙市司法局"], None),
        (6, [TOP, "省戒毒管理局"], "划归省戒毒管理局"),
    ]
    index = json.loads(Path(".checklist/units/cc3/index.json").read_text(encoding="utf-8"))
    assert index["place"] == [TOP, "省戒毒管理局"] and len(index["placed"]) == 2
    assert cli("verify", "--unit", "cc3").exit_code == 0
    logged = cli("log", "--unit", "cc3", "--lang", "zh", "--no-pager").stdout
    assert "省戒毒管理局" in logged and "→ 设置上级" in logged and "划归省戒毒管理局" in logged


def test_the_saved_index_keeps_the_place_and_verify_holds_it_to_the_log(province, cli) -> None:
    path = Path(".checklist/units/jail1/index.json")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["place"] == [TOP, "省监狱管理局"]
    path.write_text(json.dumps({**saved, "place": [TOP, "别处"]}, ensure_ascii=False), encoding="utf-8")
    checked = cli("verify", "--unit", "jail1")
    assert checked.exit_code == 3 and "index.json does not say what the log says" in checked.stdout + checked.stderr
    path.unlink()  # derived: folded again from the log
    again = province("--under", "省监狱管理局", "--json").json()
    assert "jail1" in {u["unit"]["id"] for u in again["units"]}


def test_a_place_is_checked_as_typed(cli) -> None:
    assert cli("start", "--unit", "prison", "--now", "2020-01-23T09:00").exit_code == 0
    for typed, words in [
        (f"{TOP}//省监狱管理局", "has an empty level"),
        (f"{TOP}/", "has an empty level"),
        ("  ", "cannot be empty"),
        (f"{TOP}/省监狱\x1b管理局", "holds U+001B"),
        ("长" * 601, "at most 600 characters"),
        ("/".join(["局"] * 9), "at most 8 levels"),
    ]:
        refused = cli("place", typed)
        assert refused.exit_code == 1 and words in refused.stderr, (typed, refused)
    chinese = cli("place", f"{TOP}//省监狱管理局", "--lang", "zh")
    assert chinese.stderr.splitlines()[0] == (
        "错误：上级路径：“湖南省司法厅//省监狱管理局”中有空的一级：各级机关名称之间用一个 / 分隔，首尾不加 /"
    )
    ahead = cli("place", PRISONS, "--now", "2199-01-01T09:00")  # --now replays a moment, it does not run ahead
    assert ahead.exit_code == 1 and "the place of prison has not come yet by the real clock" in ahead.stderr
    resumed = cli("start", "--unit", "prison", "--id", "prison", "--under", PRISONS, "--now", "2020-01-23T09:00")
    assert resumed.exit_code == 0 and "Recorded: prison reports to" in resumed.stderr  # a place for a unit resumed
    again = cli("start", "--unit", "prison", "--id", "prison", "--under", PRISONS, "--now", "2020-01-23T09:05")
    assert again.exit_code == 0 and "reports to" not in again.stderr  # the place it has: nothing recorded
    start = cli("start", "--unit", "prison", "--id", "p2", "--under", "a//b", "--now", "2020-01-23T09:00")
    assert start.exit_code == 1 and not Path(".checklist/units/p2").exists()  # refused before it starts
    placed = Path(".checklist/units/prison/records.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["action"] for line in placed] == ["placed"]  # the refusals recorded nothing


def test_a_store_with_a_place_needs_release_0_7_0(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert formats.NEWER_ACTIONS["placed"] == 6 and formats.REQUIRES_OF[6] == "0.7.0"
    assert cli("start", "--unit", "prison", "--now", "2020-01-23T09:00").exit_code == 0
    store = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
    assert store["format"] == 3  # a store without a place stays open to older releases
    assert cli("place", PRISONS, "--now", "2020-01-23T10:00").exit_code == 0
    store = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
    assert (store["format"], store["requires"]) == (6, "0.7.0")
    assert formats.seal_format(["done", "placed"], 3) == 6  # a seal naming one: 0.6.0 refuses it
    # an older release (one that reads formats up to 5) refuses the store, naming what it needs
    monkeypatch.setattr(formats, "STORE", 5)
    monkeypatch.setattr(formats, "RECORD", 5)
    refused = cli("status")
    assert refused.exit_code == 3, refused
    assert "format 6" in refused.stderr and "0.7.0" in refused.stderr


def test_the_fixture_store_of_0_6_0_opens_and_takes_a_place(cli, tmp_path: Path, monkeypatch) -> None:
    source = Path(__file__).parent / "fixtures" / "stores" / "0.6.0"
    shutil.copytree(source / "store", tmp_path / "store")
    shutil.copytree(source / "config-home", tmp_path / "config-home")
    for path in tmp_path.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config-home"))
    store = ("--store", str(tmp_path / "store"))
    expected = json.loads((source / "expected.json").read_text(encoding="utf-8"))
    now = ("--now", expected["now"])
    before = cli("status", "--all", "--days", "3", "--by-node", "--json", *store, *now)
    assert before.exit_code == 0, before
    document = before.json()
    assert document["by_node"][0]["name"] is None and document["by_node"][0]["headline"]["units"] == document["total"]
    assert all(u["place"] == [] for u in document["units"])
    unit = expected["units"][0]
    placed = cli("place", PRISONS, "--unit", unit, *store, *now)
    assert placed.exit_code == 0, placed
    under_it = cli("status", "--all", "--under", "省监狱管理局", "--json", *store, *now).json()
    assert [u["unit"]["id"] for u in under_it["units"]] == [unit]
    assert cli("verify", "--all", *store).exit_code == 0


def test_json_document_follows_its_schema(province, cli) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(cli("schema", "--output", "status-all").stdout)
    for args in (("--days", "3", "--by-node"), ("--under", "长沙市司法局"), ()):
        jsonschema.validate(province(*args, "--json").json(), schema)
    plain = province("--json").json()
    assert (plain["node"], plain["by_node"], plain["days"], plain["history"]) == ([], None, None, None)


def test_through_a_real_process(province, proc) -> None:
    env = {"LANG": "zh_CN.UTF-8", "CHECKLIST_LANG": "", "COLUMNS": "80"}
    result = proc("status", "--all", "--under", "省监狱管理局", "--days", "3", "--now", NOW, env=env)
    assert result.exit_code == 0, result
    assert result.stdout.startswith("湖南省司法厅 › 省监狱管理局 概况（今日）\n今日已报告：2/3 个单位\n")
    assert "\n赤山监狱  省监狱管理局  ✖✖✖         3  —\n" in result.stdout
    wrong = proc("status", "--all", "--under", "省监狱局", "--now", NOW, env=env)
    assert wrong.exit_code == 1 and "没有这个机关" in wrong.stderr and "Traceback" not in wrong.stderr


# --- the pieces, property-tested ------------------------------------------------------

NAMES = st.text(st.sampled_from("湖南省司法厅监狱管理局长沙市"), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=8))
def test_a_place_reads_back_as_typed(bodies: list[str]) -> None:
    assert parse(joined(bodies)) == tuple(bodies)
    assert parse(" ／ ".join(bodies)) == tuple(bodies)  # blanks around the separator, a full-width one


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(NAMES, max_size=3).map(tuple), min_size=1, max_size=8), st.lists(NAMES, max_size=2))
def test_the_units_under_a_node_are_those_whose_place_starts_with_it(places: list[Any], path: list[str]) -> None:
    units = [SimpleNamespace(place=place) for place in places]
    node = tuple(path)
    kept = under(units, node)
    assert kept == [u for u in units if u.place[: len(node)] == node]
    counted = nodes(units)  # type: ignore[arg-type]
    assert counted[()] == len(units)
    for found, count in counted.items():
        assert count == sum(1 for u in units if is_under(u.place, found))


def test_a_name_two_bodies_share_needs_the_path() -> None:
    units = [SimpleNamespace(place=("甲市", "司法局")), SimpleNamespace(place=("乙市", "司法局"))]
    with pytest.raises(UserError) as caught:
        find_node(units, "司法局")  # type: ignore[arg-type]
    assert caught.value.message.code == "node.ambiguous"
    assert find_node(units, "乙市/司法局") == ("乙市", "司法局")  # type: ignore[arg-type]
    assert find_node(units, "甲市") == ("甲市",)  # type: ignore[arg-type]
