"""The first half of the core's messages (catalogs, YAML, records, the store, units, settings,
items, figures, evidence) read as Chinese in Chinese, in its own word order, and as plain
English in English: through the real commands, and each composed sentence on its own."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checklist import __version__
from checklist.core import formats
from checklist.core.errors import Problem, message
from checklist.present.messages import problem_text, text

from .conftest import Result
from .test_catalog import HEAD, MEASURE, write

Cli = Callable[..., Result]
STORE = Path(".checklist")

# What may stay in Latin letters on a Chinese screen: ids, options, formats and units the user
# types or reads as they are (the test names each message's own ids and values as it checks it).
LATIN = {"YAML", "UTF", "MB", "KiB", "MiB", "ISO", "checklist", "id", "min", "max"}


def english_left(line: str, *allowed: str) -> list[str]:
    """The English words of a Chinese line, apart from commands in backticks, values in “…”,
    paths, options and the ids and values the caller names."""
    line = re.sub(r"`[^`]*`|“[^”]*”|\S*[/\\]\S*|--[a-z-]+", " ", line)
    for value in sorted(allowed, key=len, reverse=True):
        line = line.replace(value, " ")
    return [word for word in re.findall(r"[A-Za-z]{2,}", line) if word not in LATIN]


def chinese_in(line: str, *allowed: str) -> list[str]:
    """Chinese characters in an English line, apart from the user's and the catalog's data."""
    for value in allowed:
        line = line.replace(value, " ")
    return re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", line)


def error_line(result: Result, lang: str) -> str:
    """The error's own line (its hint, below it, is another part's)."""
    assert result.exit_code != 0, result
    prefix = "错误：" if lang == "zh" else "error: "
    lines = [line for line in result.stderr.splitlines() if line.startswith(prefix)]
    assert lines, result
    return lines[0].removeprefix(prefix)


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    return folder


class TestCatalogErrorsThroughValidate:
    def test_an_unknown_key_names_its_place_its_field_and_the_key_meant(self, cli: Cli, catalog_dir: Path) -> None:
        path = write(catalog_dir, HEAD + "measures:\n" + MEASURE.replace("    section:", "    sectoin:"))
        zh = cli("validate", str(path), "--lang", "zh")
        assert zh.exit_code == 3
        line = next(line for line in zh.output.splitlines() if "sectoin" in line)
        assert line.startswith(f"{path}:")
        assert re.search(r"\.yaml:\d+:\d+: ", line)
        said = line.split(": ", 1)[1]
        assert said.startswith(
            "措施 prison.visits，字段“sectoin”：未知的键“sectoin”（是否应为“section”？）；此处可用：id、"
        )
        named, allowed = said.split("；此处可用：")
        assert english_left(named, "prison.visits") == [], said
        assert all(re.fullmatch(r"[a-z_]+", key) for key in allowed.split("、")), allowed  # the keys, as written
        en = cli("validate", str(path), "--lang", "en")
        line = next(line for line in en.output.splitlines() if "sectoin" in line)
        said = line.split(": ", 1)[1]
        assert said.startswith(
            "measure prison.visits, field 'sectoin': unknown key 'sectoin' (did you mean 'section'?); "
            "allowed here: id, title, "
        )
        assert chinese_in(said) == []

    def test_a_yaml_syntax_error_is_said_in_chinese(self, cli: Cli, catalog_dir: Path) -> None:
        path = write(catalog_dir, HEAD + "measures: [1, 2\n")
        zh = cli("validate", str(path), "--lang", "zh")
        line = next(line for line in zh.output.splitlines() if "YAML" in line)
        assert line == f"{path}:12:1: YAML 格式错误：读取 […] 列表时，找不到应有的“,”或“]”（列表没有闭合？）"
        en = cli("validate", str(path), "--lang", "en")
        line = next(line for line in en.output.splitlines() if "YAML" in line)
        assert line == f"{path}:12:1: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"

    def test_a_badly_indented_key(self, cli: Cli, catalog_dir: Path) -> None:
        path = write(catalog_dir, "catalog:\n  name: x\n   version: 1\n")
        zh = cli("validate", str(path), "--lang", "zh")
        assert f"{path}:3:11: YAML 格式错误：此处不能出现“键: 值”（缩进不对，或文字中的“: ”没有加引号）" in zh.output

    def test_an_unknown_unit_kind_in_applies_to(self, cli: Cli, catalog_dir: Path) -> None:
        path = write(catalog_dir, HEAD + "measures:\n" + MEASURE.replace("[prison]", "[prisn]"))
        zh = cli("validate", str(path), "--lang", "zh")
        line = next(line for line in zh.output.splitlines() if "prisn" in line)
        said = line.split(": ", 1)[1]
        assert said == "措施 prison.visits，字段“applies_to”：未知的单位类型“prisn”（已有：prison）"
        en = cli("validate", str(path), "--lang", "en")
        line = next(line for line in en.output.splitlines() if "prisn" in line)
        assert line.split(": ", 1)[1] == (
            "measure prison.visits, field 'applies_to': unknown unit kind 'prisn' (known: prison)"
        )


class TestErrorsOfTheCommands:
    def test_an_unknown_unit_kind(self, cli: Cli) -> None:
        assert error_line(cli("start", "--unit", "监区", "--lang", "zh"), "zh") == "未知的单位类型“监区”"
        assert error_line(cli("start", "--unit", "jail", "--lang", "en"), "en") == "unknown unit kind 'jail'"

    def test_a_figure_out_of_range_of_the_wrong_type_or_with_a_comma(self, prison: Cli) -> None:
        def said(value: str, lang: str) -> str:
            sets = ["--set", f"infections={value}", "--set", "reported_cases=0", "--set", "hype_incidents=0"]
            return error_line(prison("done", "2", *sets, "--lang", lang), lang)

        assert said("-1", "zh") == "infections = -1 超出范围：允许 0 至 …"
        assert said("-1", "en") == "infections = -1 is out of range: allowed 0 to …"
        assert said("1.5", "zh") == "infections 须是整数，收到的是“1.5”"
        assert said("1.5", "en") == "infections must be a whole number, got '1.5'"
        assert said("1,000", "zh") == "infections = “1,000” 含逗号：整数不要加分隔符（1000）"
        assert said("1,000", "en") == "infections = '1,000' has a comma: write a count without separators (1000)"
        for value in ("-1", "1.5", "1,000"):
            assert english_left(said(value, "zh"), "infections") == []

    def test_an_evidence_file_too_big_or_missing(self, prison: Cli) -> None:
        assert prison("config", "evidence_max_mb", "1").exit_code == 0
        Path("minutes.pdf").write_bytes(b"\0" * 2_000_000)
        args = ("done", "1", "--note", "已部署", "--evidence")
        big = error_line(prison(*args, "minutes.pdf", "--lang", "zh"), "zh")
        assert big == "证据文件 minutes.pdf 大小为 2 MB，超过本记录库的上限 1 MB"
        big = error_line(prison(*args, "minutes.pdf", "--lang", "en"), "en")
        assert big == "evidence file minutes.pdf is 2 MB, above this store's limit of 1 MB"
        missing = error_line(prison(*args, "名单.pdf", "--lang", "zh"), "zh")
        assert missing == "找不到证据文件：名单.pdf"
        assert error_line(prison(*args, "roster.pdf", "--lang", "en"), "en") == "evidence file not found: roster.pdf"

    def test_an_unknown_item_with_the_item_meant(self, prison: Cli) -> None:
        zh = prison("done", "system.tree-zeros", "--lang", "zh")
        assert error_line(zh, "zh") == "本检查清单中没有事项“system.tree-zeros”"
        assert "system.three-zeros" in zh.stderr  # the suggestion, on the line under it
        en = prison("done", "system.tree-zeros", "--lang", "en")
        assert error_line(en, "en") == "no item 'system.tree-zeros' on this checklist"

    def test_an_item_named_ambiguously(self, prison: Cli) -> None:
        zh = error_line(prison("done", "sys", "--lang", "zh"), "zh")
        assert zh == "“sys”可指多个事项：system.joint-prevention、system.three-zeros、system.three-level-duty"
        en = error_line(prison("done", "sys", "--lang", "en"), "en")
        assert (
            en == "'sys' names more than one item: system.joint-prevention, system.three-zeros, system.three-level-duty"
        )

    def test_a_store_of_a_newer_format(self, prison: Cli) -> None:
        (STORE / "store.json").write_text(json.dumps({"format": 99, "requires": "7.1.0"}), encoding="utf-8")
        zh = error_line(prison("status", "--lang", "zh"), "zh")
        assert zh.endswith(
            f"：格式为 99，须用 checklist 7.1.0 或更新的版本读取；当前是 checklist {__version__}，"
            f"只能读取格式 {formats.STORE} 及以下"
        )
        assert english_left(zh, __version__) == []
        en = error_line(prison("status", "--lang", "en"), "en")
        assert en.endswith(
            f"is in format 99, written by checklist 7.1.0 or newer; this is checklist {__version__}, "
            f"which reads formats up to {formats.STORE}"
        )

    def test_a_store_of_two_units_asks_which(self, prison: Cli) -> None:
        assert prison("start", "--unit", "rehab", "--name", "戒毒所", "--no-walk").exit_code == 0
        zh = error_line(prison("status", "--lang", "zh"), "zh")
        assert re.fullmatch(r"本记录库（\S+）有 2 个单位：prison（长沙监狱）、rehab（戒毒所）", zh), zh
        en = error_line(prison("status", "--lang", "en"), "en")
        assert re.fullmatch(r"this store \(\S+\) has 2 units: prison \(长沙监狱\), rehab \(戒毒所\)", en), en

    def test_a_name_of_two_scripts_says_where_it_came_from(self, prison: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("CHECKLIST_USER")
        monkeypatch.setenv("USER", "Аlex")  # a Cyrillic A
        monkeypatch.setenv("LOGNAME", "Аlex")
        zh = error_line(prison("done", "1", "--note", "好", "--lang", "zh"), "zh")
        assert (
            zh == "登录名：“Аlex”混用了字形相似的西里尔字母、拉丁字母；请只用一种文字输入（中文与拉丁字母混用没有问题）"
        )
        en = error_line(prison("done", "1", "--note", "好", "--lang", "en"), "en")
        assert en.startswith("the login name: 'Аlex' mixes the scripts Cyrillic, Latin, whose letters look alike")

    def test_no_store_here(self, cli: Cli) -> None:
        assert error_line(cli("status", "--lang", "zh"), "zh") == "当前文件夹及其上级文件夹中都没有 checklist 记录库"
        assert error_line(cli("status", "--lang", "en"), "en") == "no checklist store here or in any parent folder"

    def test_a_time_that_is_none(self, prison: Cli) -> None:
        zh = error_line(prison("done", "1", "--note", "好", "--now", "2020-13-01", "--lang", "zh"), "zh")
        assert zh == "--now 须是 ISO 8601 时间，如 2020-01-27T09:00 或 2020-01-27T09:00+08:00，不能是“2020-13-01”"

    def test_a_note_too_long(self, prison: Cli) -> None:
        zh = error_line(prison("done", "1", "--note", "好" * 30000, "--lang", "zh"), "zh")
        assert zh == "说明长 87.9 KiB；说明或原因最多 64 KiB"
        en = error_line(prison("done", "1", "--note", "好" * 30000, "--lang", "en"), "en")
        assert en == "the note is 87.9 KiB long; a note or reason holds at most 64 KiB"


def test_an_error_in_chinese_through_a_real_process(proc: Callable[..., Result], tmp_path: Path) -> None:
    """The installed command, its language from the locale alone."""
    env = {"CHECKLIST_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}
    assert proc("start", "--unit", "prison", "--no-walk", env=env).exit_code == 0
    refused = proc("done", "1", "--note", "已部署", "--evidence", "没有这个文件.pdf", env=env)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == "错误：找不到证据文件：没有这个文件.pdf"


# every sentence this half composes, in both languages: (code, values, English, Chinese)
COMPOSED: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "catalog.invalid",
        {"problems": [Problem("a.yaml", message("catalog.missing"), 3, 5, field="title")], "count": 3},
        "invalid catalog: a.yaml:3:5: field 'title': required but missing (and 2 more)",
        "措施目录无效：a.yaml:3:5: 字段“title”：缺少此项（必填）（另有 2 个问题）",
    ),
    ("catalog.invalid", {"problems": [], "count": 0}, "invalid catalog: empty catalog", "措施目录无效：措施目录是空的"),
    (
        "catalog.alternatives",
        {"options": [message("value.integer"), message("value.list")]},
        "must be a whole number; or must be a list ([…])",
        "须是整数；或者须是列表（[…]）",
    ),
    (
        "catalog.unknown_key",
        {"key": "titel", "close": ["title"], "allowed": ["id", "title"]},
        "unknown key 'titel' (did you mean 'title'?); allowed here: id, title",
        "未知的键“titel”（是否应为“title”？）；此处可用：id、title",
    ),
    ("catalog.unknown_key", {"key": "x"}, "unknown key 'x'", "未知的键“x”"),
    (
        "catalog.unquoted_comma",
        {"key": "en", "text": "Masks, gloves", "words": ["gloves"]},
        'quote this text: en: "Masks, gloves" (inside {…} a comma ends a text that is not quoted, '
        "and 'gloves' was read as a key)",
        '请给这段文字加引号：en: "Masks, gloves"（在 {…} 中，逗号会结束没有引号的文字，“gloves”被当成了键）',
    ),
    (
        "catalog.unquoted_comma",
        {"key": "zh", "text": "口罩,手套,药品", "words": ["手套", "药品"]},
        'quote this text: zh: "口罩,手套,药品" (inside {…} a comma ends a text that is not quoted, '
        "and '手套' and '药品' were read as keys); in Chinese, the full-width comma ， needs no quotes",
        '请给这段文字加引号：zh: "口罩,手套,药品"（在 {…} 中，逗号会结束没有引号的文字，“手套”和“药品”被当成了键）'
        "；中文用全角逗号“，”则无需引号",
    ),
    (
        "catalog.too_many_problems",
        {"max": 50, "rest": 1},
        "stopped after 50 problems; 1 more measure not checked",
        "发现 50 个问题后停止检查；还有 1 项措施未检查",
    ),
    (
        "catalog.too_many_problems",
        {"max": 50, "rest": 7},
        "stopped after 50 problems; 7 more measures not checked",
        "发现 50 个问题后停止检查；还有 7 项措施未检查",
    ),
    (
        "field.min_above_max",
        {"min": 10, "max": 1.5},
        "min (10) is greater than max (1.5)",
        "min（10）大于 max（1.5）",
    ),
    (
        "field.alert_never",
        {"alert": "above", "value": 100, "side": "max", "limit": 50},
        "this alert can never fire: above 100, but the field's values go up to 50 (its max)",
        "此警示永远不会触发：above 100，而该指标的取值最高只到 50（其 max）",
    ),
    (
        "field.alert_never",
        {"alert": "below", "value": 0, "side": "min", "limit": 0},
        "this alert can never fire: below 0, but the field's values start at 0 (its min)",
        "此警示永远不会触发：below 0，而该指标的取值最低从 0 起（其 min）",
    ),
    (
        "field.alert_always",
        {"alert": "below", "value": 60, "side": "max", "limit": 50},
        "this alert fires on every value: below 60, and the field's values go up to 50 (its max); "
        "a flag on every attestation tells nothing",
        "此警示对每个取值都会触发：below 60，而该指标的取值最高只到 50（其 max）；每次记录都被标记，等于没有标记",
    ),
    (
        "field.alert_always",
        {"alert": "above", "value": -1, "side": "min", "limit": 0},
        "this alert fires on every value: above -1, and the field's values start at 0 (its min); "
        "a flag on every attestation tells nothing",
        "此警示对每个取值都会触发：above -1，而该指标的取值最低从 0 起（其 min）；每次记录都被标记，等于没有标记",
    ),
    (
        "measure.figures_not_asked",
        {"fields": ["visitors"]},
        "the figure visitors is required (the default), yet nobody is asked for it: a measure asks for its figures "
        "only when its evidence includes figures; add figures to evidence, or mark the field `required: false`",
        "指标 visitors 为必填（默认如此），却不会有人被要求填写：措施只在其 evidence 含 figures 时才要求填写数据；"
        "请在 evidence 中加上 figures，或把这些指标标为 `required: false`",
    ),
    (
        "measure.figures_not_asked",
        {"fields": ["visitors", "staff"]},
        "the figures visitors, staff are required (the default), yet nobody is asked for them: a measure asks for "
        "its figures only when its evidence includes figures; add figures to evidence, or mark the fields "
        "`required: false`",
        "指标 visitors、staff 为必填（默认如此），却不会有人被要求填写："
        "措施只在其 evidence 含 figures 时才要求填写数据；"
        "请在 evidence 中加上 figures，或把这些指标标为 `required: false`",
    ),
    (
        "trigger.closes_before_opening",
        {"opens": 1, "lasts": 1},
        "the item would be due before it opens: it opens 1 day after the event (opens_after_days), but its 1-day "
        "window ends on day 0 (lasts_days); opens_after_days must be less than lasts_days",
        "事项尚未开放就已到期：它在事件后 1 天才开放（opens_after_days），"
        "但它的 1 天期限到第 0 天就结束了（lasts_days）；"
        "opens_after_days 须小于 lasts_days",
    ),
    (
        "deadline.before_opening",
        {"after": 3, "opens": 14},
        "the item would be due before it opens: the deadline is 3 days after the event, but the item opens 14 days "
        "after it (opens_after_days)",
        "事项尚未开放就已到期：期限是事件后 3 天，但事项在事件后 14 天才开放（opens_after_days）",
    ),
    (
        "deadline.before_event_opens_later",
        {"before": "PT2H", "opens": 1},
        "the item would be due before it opens: it is due PT2H before the event, but opens 1 day after it "
        "(opens_after_days)",
        "事项尚未开放就已到期：期限是事件前 PT2H，但事项在事件后 1 天才开放（opens_after_days）",
    ),
    (
        "in_force.deadline_outside",
        {"date": "2020-01-20", "side": "before", "start": "2020-02-01", "until": "…"},
        "the deadline 2020-01-20 falls before the days the measure is in force (2020-02-01 to …): no unit can meet "
        "it while the measure applies",
        "期限 2020-01-20 早于措施生效的日期（2020-02-01 至 …）：措施适用期间，没有单位能按期完成",
    ),
    (
        "in_force.deadline_outside",
        {"date": "2020-05-01", "side": "after", "start": "…", "until": "2020-03-01"},
        "the deadline 2020-05-01 falls after the days the measure is in force (… to 2020-03-01): no unit can meet "
        "it while the measure applies",
        "期限 2020-05-01 晚于措施生效的日期（… 至 2020-03-01）：措施适用期间，没有单位能按期完成",
    ),
    (
        "attest.not_in_force_yet",
        {"number": 4, "item": "prison.visits", "subject": "P1", "part": "1", "opens": "2020-02-01"},
        "item 4 (prison.visits of P1, part 1) is in force from 2020-02-01: it cannot be done before then",
        "事项 4（prison.visits，对象 P1，分区 1）自 2020-02-01 起生效，此前不能记录完成",
    ),
    (
        "value.text",
        {"value": True},
        "must be a text: put true or false in quotes to make it one",
        "须是文字：给 true 或 false 加上引号即可",
    ),
    (
        "value.text",
        {"value": 12},
        "must be a text: put a number in quotes to make it one",
        "须是文字：给数字加上引号即可",
    ),
    ("value.text", {"value": None}, "must be a text", "须是文字"),
    ("value.too_short", {"min_length": 1}, "must not be empty", "不能为空"),
    ("value.too_short", {"min_length": 3}, "must hold at least 3 characters", "至少须有 3 个字符"),
    ("value.too_long", {"max_length": 1}, "holds more than 1 character", "超过了 1 个字符"),
    ("value.too_long", {"max_length": 200}, "holds more than 200 characters", "超过了 200 个字符"),
    ("value.too_few", {"min_length": 1}, "must hold at least 1 entry", "至少须有 1 项"),
    ("value.too_many", {"max_length": 8}, "must hold at most 8 entries", "至多只能有 8 项"),
    (
        "value.date",
        {"value": "2020-1-x"},
        "'2020-1-x' is not a date: write it as YYYY-MM-DD, e.g. 2020-01-27",
        "“2020-1-x”不是日期：请写成 YYYY-MM-DD，如 2020-01-27",
    ),
    (
        "value.date",
        {"value": None},
        "must be a date: write it as YYYY-MM-DD, e.g. 2020-01-27",
        "须是日期：请写成 YYYY-MM-DD，如 2020-01-27",
    ),
    (
        "value.mapping",
        {"keys": ["zh", "en"]},
        "must be a mapping of keys to values (keys: zh, en)",
        "须是键值映射（键：zh、en）",
    ),
    ("value.mapping", {"keys": []}, "must be a mapping of keys to values", "须是键值映射"),
    (
        "value.slug",
        {"value": "Health Checks"},
        "'Health Checks' is not an id: lowercase letters and digits, in words joined by '-' or '_' (health-checks)",
        "“Health Checks”不是有效的编号：只能用小写字母和数字，词与词之间用 - 或 _ 连接（如 health-checks）",
    ),
    (
        "value.slug",
        {"value": None},
        "must be an id: lowercase letters and digits, in words joined by '-' or '_' (health-checks)",
        "须是编号：小写字母和数字，词与词之间用 - 或 _ 连接（如 health-checks）",
    ),
    (
        "value.measure_id",
        {"value": "Prison Visits"},
        "'Prison Visits' is not a measure id: lowercase letters and digits, in words joined by '.', '-' or '_' "
        "(prison.visits-suspended)",
        "“Prison Visits”不是有效的措施编号：只能用小写字母和数字，"
        "词与词之间用 .、- 或 _ 连接（如 prison.visits-suspended）",
    ),
    (
        "value.measure_id",
        {"value": 3},
        "must be a measure id: lowercase letters and digits, in words joined by '.', '-' or '_' "
        "(prison.visits-suspended)",
        "须是措施编号：小写字母和数字，词与词之间用 .、- 或 _ 连接（如 prison.visits-suspended）",
    ),
    (
        "value.pattern",
        {"value": "8am", "pattern": "HH:MM"},
        "'8am' does not have the form HH:MM",
        "“8am”不符合格式 HH:MM",
    ),
    ("value.pattern", {"value": None, "pattern": "HH:MM"}, "must have the form HH:MM", "须符合格式 HH:MM"),
    (
        "record.unusable",
        {"seq": 7, "id": "abc", "what": "prison.visits", "problem": message("record.moment_unusable", moment="1999")},
        "record 7 (prison.visits) could not be used: its time 1999 is outside the years 2000 to 2200",
        "记录 7（prison.visits）无法使用：其时间 1999 不在 2000 至 2200 年之间",
    ),
    (
        "record.unusable",
        {"seq": None, "id": "abc", "what": "done", "problem": message("record.moment_unusable", moment="1999")},
        "record abc (done) could not be used: its time 1999 is outside the years 2000 to 2200",
        "记录 abc（done）无法使用：其时间 1999 不在 2000 至 2200 年之间",
    ),
    (
        "input.too_long",
        {"field": "reason", "size": 70000, "limit": 65536},
        "the reason is 68.4 KiB long; a note or reason holds at most 64 KiB",
        "原因长 68.4 KiB；说明或原因最多 64 KiB",
    ),
    (
        "yaml.invalid",
        {"detail": "while scanning a simple key could not find expected ':'"},
        "invalid YAML: while scanning a simple key could not find expected ':'",
        "YAML 格式错误：读取键时，找不到应有的冒号“:”",
    ),
    (
        "yaml.invalid",
        {"detail": "while parsing a block mapping expected <block end>, but found '-'"},
        "invalid YAML: while parsing a block mapping expected <block end>, but found '-'",
        "YAML 格式错误：读取映射时，缩进不对：此处出现了“-”",
    ),
    (
        "yaml.invalid",
        {"detail": "while parsing a flow mapping expected ',' or '}', but got '<stream end>'"},
        "invalid YAML: while parsing a flow mapping expected ',' or '}', but got '<stream end>'",
        "YAML 格式错误：读取 {…} 映射时，此处应为“,”或“}”，却是“<stream end>”",
    ),
    (
        "yaml.invalid",
        {"detail": "found character '\\t' that cannot start any token"},
        "invalid YAML: found character '\\t' that cannot start any token",
        "YAML 格式错误：此处不能出现字符“\\t”（若是 Tab：缩进只能用空格）",
    ),
    (
        "yaml.invalid",
        {"detail": "found undefined alias 'base'"},
        "invalid YAML: found undefined alias 'base'",
        "YAML 格式错误：别名“base”未定义",
    ),
    (
        "yaml.invalid",
        {"detail": "found a tab character that violates indentation"},
        "invalid YAML: found a tab character that violates indentation",
        "YAML 格式错误：缩进中有 Tab：缩进只能用空格",
    ),
    (
        "format.newer",
        {"what": "units/prison/unit.json", "found": 9, "known": 4, "requires": None, "version": "0.5.0"},
        "units/prison/unit.json is in format 9, written by a newer checklist; this is checklist 0.5.0, "
        "which reads formats up to 4",
        "units/prison/unit.json：格式为 9，须用更新版本的 checklist 读取；"
        "当前是 checklist 0.5.0，只能读取格式 4 及以下",
    ),
    (
        "format.newer_requires",
        {"what": ".checklist", "found": 9, "known": 5, "requires": "0.9.0", "version": "0.5.0"},
        ".checklist is in format 9, written by checklist 0.9.0 or newer; this is checklist 0.5.0, "
        "which reads formats up to 5",
        ".checklist：格式为 9，须用 checklist 0.9.0 或更新的版本读取；当前是 checklist 0.5.0，只能读取格式 5 及以下",
    ),
    (
        "format.newer",
        {
            "what": message("format.record_at", where="records.jsonl", line=7),
            "found": 4,
            "known": 3,
            "version": "0.5.0",
        },
        "records.jsonl:7: the record is in format 4, written by a newer checklist; this is checklist 0.5.0, "
        "which reads formats up to 3",
        "records.jsonl 第 7 行的记录：格式为 4，须用更新版本的 checklist 读取；"
        "当前是 checklist 0.5.0，只能读取格式 3 及以下",
    ),
    (
        "format.newer",
        {"what": message("format.kept_catalog"), "found": 4, "known": 3, "version": "0.5.0"},
        "the catalog kept in the store is in format 4, written by a newer checklist; this is checklist 0.5.0, "
        "which reads formats up to 3",
        "记录库中保存的措施目录：格式为 4，须用更新版本的 checklist 读取；"
        "当前是 checklist 0.5.0，只能读取格式 3 及以下",
    ),
    (
        "name.mixed_scripts",
        {"what": message("name.login"), "name": "Аlex", "scripts": ["Cyrillic", "Latin"]},
        "the login name: 'Аlex' mixes the scripts Cyrillic, Latin, whose letters look alike; type it in one script "
        "(Chinese with Latin is fine)",
        "登录名：“Аlex”混用了字形相似的西里尔字母、拉丁字母；请只用一种文字输入（中文与拉丁字母混用没有问题）",
    ),
    (
        "name.control",
        {"what": message("name.config_user"), "name": "ali\tce", "char": "U+0009"},
        "config user: 'ali\\tce' holds U+0009: names hold no control characters or invisible ones (a newline, a tab, "
        "a zero-width space, a direction mark)",
        "`checklist config user` 设置的姓名：“ali\tce”中有 U+0009："
        "名称不能含控制字符或不可见字符（换行、制表符、零宽空格、方向标记）",
    ),
    (
        "config.switch",
        {"key": "clock_override", "value": "maybe"},
        "clock_override is on or off, not 'maybe'",
        "clock_override 只能是 `on` 或 `off`，不能是“maybe”",
    ),
    (
        "schema.unknown",
        {"name": "stauts", "known": ["status"]},
        "no schema named 'stauts'; `checklist schema --output` takes status",
        "没有名为“stauts”的结构定义；`checklist schema --output` 可用：status",
    ),
    (
        "store.catalog_gone",
        {"unit": "prison", "digest": "sha256:0123456789abcdef0123"},
        "the catalog version unit prison runs (sha256:0123456789ab…) is not in the store any more",
        "单位 prison 所用的措施目录版本（sha256:0123456789ab…）已不在记录库中",
    ),
    (
        "store.not_written",
        {"where": "records.jsonl", "reason": "No space left on device", "restored": True},
        "the record was not written: cannot write to records.jsonl: No space left on device; the log is as it was",
        "记录未写入：无法写入 records.jsonl：磁盘空间已满；日志保持原样",
    ),
    (
        "store.not_written",
        {"where": "records.jsonl", "reason": "No space left on device", "restored": False},
        "the record was not written: cannot write to records.jsonl: No space left on device; the log now ends with "
        "an incomplete line",
        "记录未写入：无法写入 records.jsonl：磁盘空间已满；日志现在以一行不完整的内容结尾",
    ),
    (
        "store.cannot_repair",
        {"where": "records.jsonl", "reason": "Read-only file system", "restored": True},
        "cannot move the incomplete last line of records.jsonl to quarantine: Read-only file system; "
        "nothing was changed",
        "无法把 records.jsonl 末尾不完整的一行移入隔离文件：文件系统是只读的；未作任何改动",
    ),
    (
        "store.cannot_repair",
        {"where": "records.jsonl", "reason": "Read-only file system", "restored": False},
        "cannot move the incomplete last line of records.jsonl to quarantine: Read-only file system; "
        "the quarantine file now ends with an incomplete line",
        "无法把 records.jsonl 末尾不完整的一行移入隔离文件：文件系统是只读的；隔离文件现在以一行不完整的内容结尾",
    ),
    (
        "store.blob_changed",
        {"kind": "evidence", "name": "0123456789abcdef"},
        "evidence 0123456789ab… changed while it was being kept; nothing was kept",
        "证据 0123456789ab… 在保存过程中被改动；未保存任何内容",
    ),
    (
        "store.blob_changed",
        {"kind": "catalog", "name": "0123456789abcdef"},
        "catalog 0123456789ab… changed while it was being kept; nothing was kept",
        "措施目录 0123456789ab… 在保存过程中被改动；未保存任何内容",
    ),
    (
        "unit.which",
        {"store": ".checklist", "count": 1, "units": ["prison"], "names": {"prison": None}},
        "this store (.checklist) has 1 unit: prison",
        "本记录库（.checklist）有 1 个单位：prison",
    ),
    (
        "unit.which",
        {"store": ".checklist", "count": 14, "units": [f"u{i}" for i in range(14)], "names": {"u0": "一监区"}},
        "this store (.checklist) has 14 units: u0 (一监区), u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11 and 2 more",
        "本记录库（.checklist）有 14 个单位：u0（一监区）、u1、u2、u3、u4、u5、u6、u7、u8、u9、u10、u11等，另有 2 个",
    ),
    (
        "item.ambiguous",
        {"token": "sys", "ids": ["system.a", "system.b"], "more": True},
        "'sys' names more than one item: system.a, system.b …",
        "“sys”可指多个事项：system.a、system.b …",
    ),
    (
        "figure.comma",
        {"field": "temperature", "value": "37,5", "fixed": "37.5", "integer": False},
        "temperature = '37,5' has a comma: write the decimal point as a point (37.5)",
        "temperature = “37,5” 含逗号：小数点请用“.”（37.5）",
    ),
    (
        "figure.comma",
        {"field": "visitors", "value": "1,000", "fixed": "1000", "integer": True},
        "visitors = '1,000' has a comma: write a count without separators (1000)",
        "visitors = “1,000” 含逗号：整数不要加分隔符（1000）",
    ),
    (
        "figure.out_of_range",
        {"field": "temperature", "value": 45.5, "min": 35, "max": 42, "unit": "°C"},
        "temperature = 45.5 is out of range: allowed 35 to 42 °C",
        "temperature = 45.5 超出范围：允许 35 至 42 °C",
    ),
    (
        "figure.out_of_range",
        {"field": "visitors", "value": "-1", "min": 0, "max": None, "unit": None},
        "visitors = -1 is out of range: allowed 0 to …",
        "visitors = -1 超出范围：允许 0 至 …",
    ),
    (
        "evidence.link_outside",
        {"path": "minutes.pdf", "target": "/etc/passwd", "link": None},
        "evidence minutes.pdf is a link to /etc/passwd, outside the current folder",
        "证据 minutes.pdf 是指向 /etc/passwd 的链接，在当前文件夹之外",
    ),
    (
        "evidence.link_outside",
        {"path": "docs/minutes.pdf", "target": "/etc/passwd", "link": "docs"},
        "evidence docs/minutes.pdf goes through the link docs to /etc/passwd, outside the current folder",
        "证据 docs/minutes.pdf 经由链接 docs 指向 /etc/passwd，在当前文件夹之外",
    ),
    (
        "evidence.unusable",
        {"path": "a" * 90, "reason": "Permission denied"},
        f"cannot use evidence {'a' * 77}…: Permission denied",
        f"无法使用证据 {'a' * 77}…：没有权限",
    ),
    (
        "evidence.too_large",
        {"path": "roster.xlsx", "mb": 12.46, "max_mb": 10},
        "evidence file roster.xlsx is 12.5 MB, above this store's limit of 10 MB",
        "证据文件 roster.xlsx 大小为 12.5 MB，超过本记录库的上限 10 MB",
    ),
    (
        "evidence.too_large",
        {"path": "roster.xlsx", "mb": 0.0048, "max_mb": 0.001},
        "evidence file roster.xlsx is 0.0048 MB, above this store's limit of 0.001 MB",
        "证据文件 roster.xlsx 大小为 0.0048 MB，超过本记录库的上限 0.001 MB",
    ),
    (
        "evidence.cannot_read",
        {"path": "名单.pdf", "reason": "Permission denied"},
        "cannot read evidence file 名单.pdf: Permission denied",
        "无法读取证据文件 名单.pdf：没有权限",
    ),
    (
        "store.cannot_write",
        {"where": ".checklist/units/prison", "reason": "Read-only file system"},
        "cannot write to .checklist/units/prison: Read-only file system",
        "无法写入 .checklist/units/prison：文件系统是只读的",
    ),
    (
        "store.cannot_lock",
        {"where": ".checklist/lock", "reason": "Resource temporarily unavailable"},
        "cannot lock .checklist/lock: Resource temporarily unavailable",
        "无法锁定 .checklist/lock：Resource temporarily unavailable",  # a reason it has no words for, as said
    ),
    (
        "unit.cannot_create",
        {"id": "prison", "where": ".checklist/units", "reason": "No space left on device"},
        "cannot start unit 'prison' in .checklist/units: No space left on device; nothing was made",
        "无法在 .checklist/units 开始单位“prison”：磁盘空间已满；未建立任何内容",
    ),
    (
        "yaml.cannot_read",
        {"reason": "No such file or directory"},
        "cannot read file: No such file or directory",
        "无法读取文件：文件或文件夹不存在",
    ),
    (
        "evidence.unreadable",
        {"name": "0123456789abcdef", "reason": "Input/output error"},
        "evidence 0123456789ab…: cannot read: Input/output error",
        "证据 0123456789ab…：无法读取：Input/output error",
    ),
    (
        "evidence.missing",
        {"name": "0123456789abcdef"},
        "evidence 0123456789ab… is recorded as stored but missing",
        "证据 0123456789ab… 记录为已保存，但文件不见了",
    ),
]


@pytest.mark.parametrize(("code", "values", "english", "chinese"), COMPOSED, ids=[c[0] for c in COMPOSED])
def test_each_composed_sentence_in_both_languages(
    code: str, values: dict[str, Any], english: str, chinese: str
) -> None:
    assert text(message(code, **values), "en") == english
    assert text(message(code, **values), "zh") == chinese


def test_a_problems_place_in_both_languages() -> None:
    problem = Problem("a.yaml", message("catalog.missing"), 3, 5, measure="prison.visits", field="title")
    assert problem_text(problem, "en") == "a.yaml:3:5: measure prison.visits, field 'title': required but missing"
    assert problem_text(problem, "zh") == "a.yaml:3:5: 措施 prison.visits，字段“title”：缺少此项（必填）"
    assert (
        problem_text(problem, "zh", warning=True)
        == "a.yaml:3:5: 警告：措施 prison.visits，字段“title”：缺少此项（必填）"
    )
    assert problem_text(problem, "en", warning=True) == (
        "a.yaml:3:5: warning: measure prison.visits, field 'title': required but missing"
    )
    alone = Problem("a.yaml", message("yaml.empty"), 1, 1)
    assert problem_text(alone, "zh") == "a.yaml:1:1: 文件是空的"


def test_every_message_of_this_half_has_chinese_words() -> None:
    """From the top of messages.po down to evidence.changed_in_store, no entry reads English in Chinese."""
    from checklist.present.translations import LOCALE

    po = (LOCALE / "zh" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    half = po[: po.index('msgid "attest.partial_needs_reason"')]
    said = re.findall(r'^msgstr(?:\[0\])? "(.*)"$', half, re.MULTILINE)[1:]  # after the header
    assert len(said) > 150
    assert [s for s in said if not re.search(r"[\u4e00-\u9fff]", s)] == []
