"""Issue 13, in part: dates in the reader's form (2020年1月28日 in Chinese, ISO in English),
counts in gettext's plural forms (1 problem, 2 problems), and input typed in Chinese (states,
yes or no, full-width digits and signs; a comma in a number refused, naming the fix)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist.core import clock
from checklist.core.errors import Message, UserError
from checklist.core.figures import parse_value, split_assignment
from checklist.core.items import resolve
from checklist.core.models import FieldSpec, Text
from checklist.core.typed import parse_state, state_of, yes_or_no
from checklist.present.messages import text
from checklist.present.words import date_text, moment_text, period_text, tn

from .conftest import Result, records

FULL_WIDTH = str.maketrans("0123456789.-+", "０１２３４５６７８９．－＋")


@pytest.fixture
def at(monkeypatch) -> Callable[[str], None]:
    """The real clock, set to a moment of Changsha (UTC+8): records are made at it, as a
    person at that moment would make them (no --now, no replayed clock)."""
    moment = [datetime(2020, 1, 27, 1, 0, tzinfo=UTC)]
    monkeypatch.setattr(clock, "real_now", lambda: moment[0])

    def set_to(local: str) -> None:
        moment[0] = datetime.fromisoformat(local + "+08:00").astimezone(UTC)

    return set_to


@pytest.fixture
def unit(cli, at) -> Callable[..., Result]:
    """A prison started 2020-01-27 09:00, item 3 done at 10:30, P1 admitted at 11:00 and examined
    at 11:30 with a temperature past the alert; the clock then at 2020-01-28 10:30."""
    at("2020-01-27T09:00")
    assert cli("start", "--unit", "prison", "--name", "长沙监狱", "--by", "王警官").exit_code == 0
    at("2020-01-27T10:30")
    assert cli("done", "3", "--note", "值班", "--by", "王警官").exit_code == 0
    at("2020-01-27T11:00")
    assert cli("event", "admission", "P1", "--by", "王警官").exit_code == 0
    at("2020-01-27T11:30")
    done = cli("done", "11", "--subject", "P1", "--note", "x", "--set", "temperature=38.2", "--set", "symptoms=no")
    assert done.exit_code == 0, done
    at("2020-01-28T10:30")
    return cli


# -- dates and times ---------------------------------------------------------------------


def test_date_and_moment_in_each_language() -> None:
    moment = datetime(2020, 1, 28, 10, 30, 5)
    assert date_text(date(2020, 1, 28), "zh") == "2020年1月28日"
    assert date_text(date(2020, 1, 28), "zh", short=True) == "1月28日"
    assert date_text(date(2020, 12, 3), "en") == "2020-12-03"
    assert date_text(date(2020, 12, 3), "en", short=True) == "12-03"
    assert date_text(moment, "zh") == "2020年1月28日"  # a moment's day
    assert moment_text(moment, "zh") == "2020年1月28日 10:30"
    assert moment_text(moment, "zh", short=True) == "1月28日 10:30"
    assert moment_text(moment, "zh", seconds=True) == "2020年1月28日 10:30:05"
    assert moment_text(moment, "en") == "2020-01-28 10:30"
    assert period_text("2020-01-27", "zh") == "2020年1月27日"
    assert period_text("2020-01-27T08:00", "zh") == "2020年1月27日 08:00"
    assert period_text("2020-W05", "zh") == "2020年第5周"  # an ISO week
    assert period_text("2020-W05", "en") == "2020-W05"
    assert period_text("2020-01-27", "en") == "2020-01-27"  # English keeps the key


def test_status_shows_dates_in_the_readers_form(unit) -> None:
    chinese = unit("status", "--lang", "zh").stdout
    assert "开始于：2020年1月27日 09:00 由 王警官" in chinese
    assert "最近记录：2020年1月27日 11:30 · tester" in chinese
    assert "体温 = 38.2 °C ⚠ 警示 · 2020年1月27日 11:30 由 tester 记录" in chinese
    assert "本期 2020年1月28日 · 漏报 1 期：2020年1月27日" in chinese
    assert "2020-01-2" not in chinese
    english = unit("status").stdout
    assert "started: 2020-01-27 09:00 by 王警官" in english
    assert "last record: 2020-01-27 11:30 · tester" in english
    assert "recorded 2020-01-27 11:30 by tester" in english
    assert "period 2020-01-28 · 1 missed: 2020-01-27" in english
    assert "年" not in english


def test_today_and_list_show_dates_in_the_readers_form(unit) -> None:
    today = unit("today", "--lang", "zh").stdout
    assert today.startswith("长沙监狱 · 今日待办（2020年1月28日）")
    assert "重复：每日 · 本期 2020年1月28日 · 漏报 1 期" in today
    assert unit("today").stdout.startswith("长沙监狱 · agenda for 2020-01-28")
    listed = unit("list", "--lang", "zh").stdout
    assert "2020年2月9日起可标记完成 · 2020年2月9日当日截止" in listed
    assert "can be done from 2020-02-09 · due by the end of 2020-02-09" in unit("list").stdout
    missed = unit("list", "--missed", "--lang", "zh").stdout
    assert "漏报：2020年1月27日" in missed or "2020年1月27日" in missed


def test_log_and_subjects_show_dates_in_the_readers_form(unit) -> None:
    log = unit("log", "--no-pager", "--lang", "zh").stdout
    assert re.search(r"^ 2020年1月27日 +王警官 +system.three-level-duty +值班 *$", log, re.M), log
    assert re.search(r"^ 10:30:00 \+0800 +→ 完成 *$", log, re.M), log
    english = unit("log", "--no-pager").stdout
    assert re.search(r"^ 2020-01-27 +王警官 +system.three-level-duty +值班 *$", english, re.M), english
    subjects = unit("subjects", "--lang", "zh").stdout
    assert "2020年1月27日 11:00" in subjects and "2020年2月9日当日截止" in subjects
    assert "2020-01-27 11:00" in unit("subjects").stdout


def test_the_walk_shows_dates_in_the_readers_form(unit) -> None:
    chinese = unit("walk", "--lang", "zh", input="s\nq\n")
    assert chinese.exit_code == 0, chinese
    assert "本期 2020年1月28日 · 漏报 1 期" in chinese.stdout
    english = unit("walk", input="s\nq\n")
    assert "period 2020-01-28 · 1 missed" in english.stdout


def test_an_alert_acknowledged_and_a_record_in_a_period_say_their_dates(unit) -> None:
    acked = unit("ack", "11", "--subject", "P1", "--reason", "复测正常", "--lang", "zh")
    assert acked.exit_code == 0, acked
    assert "2020年1月27日 11:30 由 tester 记录" in acked.stderr
    done = unit("done", "3", "--note", "值班", "--lang", "zh")
    assert "严格落实三级值班制度 · 2020年1月28日 → 完成" in done.stderr


def test_a_date_in_a_message_is_in_the_messages_language(unit) -> None:
    """The date branch of the messages' formatter: Chinese in Chinese, ISO 8601 in English."""
    early = unit("event", "admission", "P2", "--at", "2020-01-26T08:00", "--lang", "zh")
    assert early.exit_code == 1
    assert "2020年1月26日 08:00" in early.stderr and "2020年1月27日 09:00" in early.stderr
    english = unit("event", "admission", "P2", "--at", "2020-01-26T08:00")
    assert "2020-01-26T08:00:00+08:00" in english.stderr and "年" not in english.stderr
    said = Message("seal.future", {"day": date(2020, 2, 1), "today": date(2020, 1, 28), "zone": "Asia/Shanghai"})
    assert "2020年2月1日" in text(said, "zh") and "2020年1月28日" in text(said, "zh")
    assert "2020-02-01" in text(said, "en")


def test_json_and_records_keep_iso_dates(unit) -> None:
    document = unit("status", "--json", "--lang", "zh").stdout
    assert "年" not in document and "2020-01-27T09:00" in document
    assert records()[0]["at"].startswith("2020-01-27T10:30")


def test_dates_fit_the_width_of_narrow_terminals(unit, monkeypatch) -> None:
    from rich.cells import cell_len

    for columns in ("60", "80"):
        monkeypatch.setenv("COLUMNS", columns)
        for command in (("status",), ("today",), ("list",), ("log", "--no-pager"), ("subjects",), ("status", "--all")):
            shown = unit(*command, "--lang", "zh")
            assert shown.exit_code == 0, (command, shown)
            wide = [line for line in shown.stdout.splitlines() if cell_len(line) > int(columns)]
            assert not wide, (command, columns, wide)


def test_several_units_show_a_short_date_in_their_column(unit, at) -> None:
    assert unit("start", "--unit", "rehab", "--by", "王警官").exit_code == 0
    chinese = unit("status", "--all", "--lang", "zh").stdout
    assert re.search(r"^长沙监狱 .* 1月27日 *$", chinese, re.M) and "2020年1月27日" not in chinese
    assert "⚠ prison：1 条警示待确认" in chinese
    english = unit("status", "--all").stdout
    assert re.search(r"^长沙监狱 .* 01-27 *$", english, re.M)
    assert "⚠ prison: 1 alert to acknowledge" in english


# -- plural forms ------------------------------------------------------------------------

PLURALS = {
    "label.days_at_zero": ("1 day at zero", "2 days at zero", "连续 1 天为零"),
    "label.archived_subjects": (
        "1 more subject has every item settled for good: counted, not listed.",
        "2 more subjects have every item settled for good: counted, not listed.",
        "另有 1 个对象的各项均已办结，只计数，不逐一列出。",
    ),
    "label.unacknowledged": ("⚠ 1 alert to acknowledge", "⚠ 2 alerts to acknowledge", "⚠ 待确认的警示 1 条"),
    "label.files_added": ("1 file added", "2 files added", "新增 1 个证据文件"),
    "msg.catalog_bad": ("The catalog has 1 problem.", "The catalog has 2 problems.", "措施目录有 1 个问题。"),
    "label.replayed": (
        "1 record was made with a replayed clock (--now): see `checklist log`",
        "2 records were made with a replayed clock (--now): see `checklist log`",
        "1 条记录是用回放时钟（--now）记录的：见 `checklist log`",
    ),
    "msg.unusable": (
        "⚠ 1 record could not be used and is left out of the above (`checklist verify` names it too):",
        "⚠ 2 records could not be used and are left out of the above (`checklist verify` names them too):",
        "⚠ 1 条记录无法使用，未计入以上情况（可用 `checklist verify` 核查）：",
    ),
    "msg.catalog_warned": (
        "1 warning: the catalog works, but see above (--strict counts it as a problem).",
        "2 warnings: the catalog works, but see above (--strict counts them as problems).",
        "另有 1 个警告：目录可以使用，但宜按上面所说修改（--strict 把警告算作问题）。",
    ),
    "count.measures": ("1 measure", "2 measures", "1 项措施"),
    "count.unit_kinds": ("1 unit kind", "2 unit kinds", "1 类单位"),
    "count.problems": ("1 problem", "2 problems", "1 个问题"),
    "count.warnings": ("1 warning", "2 warnings", "1 个警告"),
}
WITH_VALUES = {
    "label.same_for": ({"subjects": "P1"}, "1 subject: P1", "2 subjects: P1", "1 个对象：P1"),
    "msg.acknowledged": (
        {"item": "11"},
        "Acknowledged: 11 (1 alert)",
        "Acknowledged: 11 (2 alerts)",
        "已确认警示：11（1 条）",
    ),
    "msg.started": (
        {"name": "长沙监狱", "id": "prison", "kind": "Prison"},
        "Started 长沙监狱 (prison, Prison) with 1 measure.",
        "Started 长沙监狱 (prison, Prison) with 2 measures.",
        "已开始单位 长沙监狱（prison，Prison），共 1 项措施。",
    ),
    "msg.orphans": (
        {"ids": "a.b"},
        "1 record belongs to a measure no longer in the catalog: a.b",
        "2 records belong to measures no longer in the catalog: a.b",
        "另有 1 条记录属于目录中已没有的措施：a.b",
    ),
    "msg.unusable_units": (
        {"unit": "prison"},
        "⚠ prison: 1 record could not be used (see `checklist status --unit prison`)",
        "⚠ prison: 2 records could not be used (see `checklist status --unit prison`)",
        "⚠ prison：1 条记录无法使用（见 `checklist status --unit prison`）",
    ),
    "msg.alerts_units": (
        {"unit": "prison"},
        "⚠ prison: 1 alert to acknowledge (see `checklist status --unit prison`)",
        "⚠ prison: 2 alerts to acknowledge (see `checklist status --unit prison`)",
        "⚠ prison：1 条警示待确认（见 `checklist status --unit prison`）",
    ),
    "label.parts_done": ({"done": 0, "kind": "block"}, "0/1 block done", "0/2 blocks done", "1 个block中 0 个已完成"),
}


@pytest.mark.parametrize("key", sorted(PLURALS))
def test_a_count_of_one_and_of_two_in_both_languages(key: str) -> None:
    one, two, chinese = PLURALS[key]
    assert tn(key, 1, "en") == one
    assert tn(key, 2, "en") == two
    assert tn(key, 1, "zh") == chinese
    assert tn(key, 2, "zh") == chinese.replace("1", "2", 1)


@pytest.mark.parametrize("key", sorted(WITH_VALUES))
def test_a_count_with_its_values_of_one_and_of_two(key: str) -> None:
    values, one, two, chinese = WITH_VALUES[key]
    assert tn(key, 1, "en", **values) == one
    assert tn(key, 2, "en", **values) == two
    assert tn(key, 1, "zh", **values) == chinese


def test_validate_counts_a_measure_and_a_unit_kind(cli, tmp_path: Path) -> None:
    from .test_validate import UNASKED, catalog

    path = catalog(tmp_path, UNASKED)
    english = cli("validate", str(path))
    assert "Catalog OK: mini 1, 1 measure, 1 unit kind." in english.stderr
    assert "1 warning: the catalog works" in english.stderr
    chinese = cli("validate", str(path), "--lang", "zh")
    assert "1 项措施，1 类单位。" in chinese.stderr and "另有 1 个警告" in chinese.stderr
    assert "Catalog OK: hunan-justice-covid19" in cli("validate").stderr  # the bundled catalog: measures, kinds


def test_one_alert_acknowledged_and_one_day_at_zero(unit, at) -> None:
    acked = unit("ack", "11", "--subject", "P1", "--reason", "复测正常")
    assert "Acknowledged: 11 Examine every new admission" in acked.stderr and "(1 alert)" in acked.stderr
    zeros = ("--set", "infections=0", "--set", "reported_cases=0", "--set", "hype_incidents=0")
    at("2020-01-28T18:00")
    assert unit("done", "2", "--note", "日报", *zeros).exit_code == 0
    at("2020-01-29T10:00")
    shown = unit("status").stdout
    assert "(1 day at zero)" in shown and "1 days" not in shown
    assert "（连续 1 天为零）" in unit("status", "--lang", "zh").stdout


def test_one_record_made_with_a_replayed_clock(cli) -> None:
    assert cli("start", "--unit", "prison", "--now", "2020-01-27T09:00").exit_code == 0
    assert cli("done", "3", "--note", "值班", "--now", "2020-01-27T10:00").exit_code == 0
    shown = cli("status", "--now", "2020-01-27T11:00").stdout
    assert "1 record was made with a replayed clock" in shown


# -- input typed in Chinese --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "state"),
    [
        ("完成", "done"),
        ("已完成", "done"),
        ("部分完成", "partial"),
        ("不适用", "na"),
        ("受阻", "blocked"),
        ("未完成", "open"),
        ("done", "done"),
        ("ＤＯＮＥ", "done"),
        ("Blocked", "blocked"),
        (" 受阻　", "blocked"),
    ],
)
def test_a_state_in_either_language(typed: str, state: str) -> None:
    assert state_of(typed) == state
    assert parse_state(typed, "--state") == state


def test_list_state_in_chinese_words(unit) -> None:
    assert unit("block", "6", "--reason", "口罩不足").exit_code == 0
    assert unit("partial", "1", "--note", "已部署").exit_code == 0
    assert unit("na", "8", "--reason", "无此活动").exit_code == 0
    for typed, shown, kept in (
        ("受阻", "受阻", "6"),
        ("部分完成", "部分完成", "1"),
        ("不适用", "不适用", "8"),
        ("完成", "已完成", "11"),
        ("blocked", "受阻", "6"),
    ):
        listed = unit("list", "--state", typed, "--lang", "zh", "--json")
        assert listed.exit_code == 0, listed
        numbers = {str(item["number"]) for item in json.loads(listed.stdout)["items"]}
        assert numbers == {kept}, (typed, numbers)
        table = unit("list", "--state", typed, "--lang", "zh").stdout
        assert shown in table
    still_open = unit("list", "--state", "未完成", "--json").json()
    assert {item["state"] for item in still_open["items"]} == {"open"}  # type: ignore[index]


def test_an_unknown_state_names_the_states_in_both_languages(unit) -> None:
    english = unit("list", "--state", "finished")
    assert english.exit_code == 1
    assert "--state 'finished': there is no such state; use done, partial, na, blocked or open" in english.stderr
    chinese = unit("list", "--state", "结束", "--lang", "zh")
    assert chinese.exit_code == 1
    assert "--state “结束”：没有这种状态；请用 完成、部分完成、不适用、受阻 或 未完成" in chinese.stderr
    with pytest.raises(UserError):
        parse_state("finished", "--state")


def test_an_item_number_in_full_width_digits(unit) -> None:
    done = unit("done", "３", "--note", "值班", "--lang", "zh")
    assert done.exit_code == 0, done
    assert records()[-1]["item"] == "system.three-level-duty"
    with pytest.raises(UserError) as refused:
        resolve("９９", [])
    assert refused.value.code == "item.no_number" and refused.value.params["number"] == 99


@pytest.mark.parametrize(
    ("assignment", "kept"),
    [
        ("temperature=３７．５", 37.5),
        ("temperature＝37.6", 37.6),
        ("ｔｅｍｐｅｒａｔｕｒｅ=37.7", None),  # a field's id in full width is not read as the field
        ("temperature=３７。８", 37.8),
        ("temperature = 37.9", 37.9),
    ],
)
def test_a_figure_typed_with_a_chinese_input_method(unit, assignment: str, kept: float | None) -> None:
    done = unit("done", "11", "--subject", "P1", "--note", "复测", "--set", assignment, "--set", "symptoms=否")
    if kept is None:
        assert done.exit_code == 1 and "temperature" in done.stderr
        return
    assert done.exit_code == 0, done
    assert records()[-1]["figures"] == {"temperature": kept, "symptoms": False}


@pytest.mark.parametrize("typed", ["是", "有", "ＹＥＳ", "yes", " 是 "])
def test_yes_typed_in_chinese_or_full_width(unit, typed: str) -> None:
    done = unit(
        "done", "11", "--subject", "P1", "--note", "复测", "--set", "temperature=37", "--set", f"symptoms={typed}"
    )
    assert done.exit_code == 0, done
    assert records()[-1]["figures"]["symptoms"] is True


@pytest.mark.parametrize("typed", ["37,5", "３７，５"])
def test_a_comma_in_a_number_is_refused_naming_the_fix(unit, typed: str) -> None:
    before = len(records())
    english = unit("done", "11", "--subject", "P1", "--note", "复测", "--set", f"temperature={typed}")
    assert english.exit_code == 1
    assert "temperature = '37,5' has a comma: write the decimal point as a point (37.5)" in english.stderr
    chinese = unit("done", "11", "--subject", "P1", "--note", "复测", "--set", f"temperature={typed}", "--lang", "zh")
    assert chinese.exit_code == 1
    assert chinese.stderr.startswith("错误：") and "temperature" in chinese.stderr and "37.5" in chinese.stderr
    assert len(records()) == before  # nothing recorded


@pytest.mark.parametrize(
    ("spec", "typed", "fixed"),
    [
        ("integer", "1,000", "1000"),
        ("integer", "１，０００，０００", "1000000"),
        ("number", "37,5", "37.5"),
        ("number", "1,000.5", "1000.5"),
        ("number", "1,000,000", "1000000"),
    ],
)
def test_the_fix_a_comma_names(spec: str, typed: str, fixed: str) -> None:
    field = FieldSpec(id="x", label=Text(zh="数", en="x"), type=spec)  # type: ignore[arg-type]
    with pytest.raises(UserError) as refused:
        parse_value(field, typed)
    assert refused.value.code == "figure.comma" and refused.value.params["fixed"] == fixed


@pytest.mark.parametrize("minus", ["-", "－", "−", "﹣"])
def test_a_minus_sign_in_any_of_its_forms(minus: str) -> None:
    field = FieldSpec(id="change", label=Text(zh="变化", en="change"), type="number")
    assert parse_value(field, f"{minus}３．５") == -3.5
    count = FieldSpec(id="delta", label=Text(zh="增减", en="delta"), type="integer")
    assert parse_value(count, f"{minus}１２") == -12


def test_a_full_width_equals_sign_splits_an_assignment() -> None:
    assert split_assignment("temperature＝37.5") == ("temperature", "37.5")
    assert split_assignment("note=a＝b") == ("note", "a＝b")  # the first sign splits
    with pytest.raises(UserError):
        split_assignment("＝37.5")


NUMBER = FieldSpec(id="n", label=Text(zh="数", en="n"), type="number")
INTEGER = FieldSpec(id="i", label=Text(zh="数", en="i"), type="integer")


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12, places=4))
def test_any_number_in_full_width_digits_reads_as_its_ascii_form(value) -> None:  # type: ignore[no-untyped-def]
    typed = f"{value:f}"
    assert parse_value(NUMBER, typed.translate(FULL_WIDTH)) == parse_value(NUMBER, typed)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.booleans())
def test_any_integer_in_full_width_digits_reads_as_its_ascii_form(value: int, plus: bool) -> None:
    typed = f"{value:+d}" if plus else str(value)
    assert parse_value(INTEGER, typed.translate(FULL_WIDTH)) == parse_value(INTEGER, typed) == value


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("是", True),
        ("y", True),
        ("ＹＥＳ", True),
        ("好", True),
        ("否", False),
        ("n", False),
        ("不", False),
        ("嗯", None),
    ],
)
def test_yes_or_no_to_a_question(typed: str, said: bool | None) -> None:
    assert yes_or_no(typed) is said


def test_start_asks_to_walk_and_takes_a_chinese_yes_or_no(cli, monkeypatch) -> None:
    """start's offer to walk, asked of a person at a terminal: 否 declines, a word it does not
    take is asked again, 是 walks."""
    from checklist.cli import start

    answers = iter(["也许", "否"])
    monkeypatch.setattr(start, "interactive", lambda settings: True)
    monkeypatch.setattr("builtins.input", lambda *prompt: next(answers))  # the prompt goes to stderr
    declined = cli("start", "--unit", "prison", "--lang", "zh")
    assert declined.exit_code == 0, declined
    assert declined.stderr.count("现在逐项处理未完成事项吗？（是/否，直接回车为“是”）：") == 2
    assert "请回答“是”或“否”（也可输入 y 或 n）。" in declined.stderr
    assert "下一步" in declined.stderr or "checklist walk" in declined.stderr
    walked: list[object] = []
    monkeypatch.setattr(start, "run_walk", lambda *args: walked.append(args))
    answers = iter(["是"])
    assert cli("start", "--unit", "prison", "--lang", "zh").exit_code == 0
    assert walked
    answers = iter(["maybe", "n"])
    english = cli("start", "--unit", "prison")
    assert "Please answer yes or no (y or n)." in english.stderr and len(walked) == 1
    assert english.stderr.count("Walk through the open items now? [Y/n]: ") == 2


def test_the_walk_takes_actions_in_chinese_and_full_width(unit) -> None:
    walked = unit("walk", "--lang", "zh", input="ｓ\n已完成\n值班已落实\n０\n０\n０\n\nq\n")
    assert walked.exit_code == 0, walked
    assert "跳过：1" in walked.stderr
    assert records()[-1]["item"] == "system.three-zeros"
    assert records()[-1]["figures"] == {"infections": 0, "reported_cases": 0, "hype_incidents": 0}


def test_in_a_real_process_under_a_chinese_locale(proc, tmp_path: Path) -> None:
    env = {"LANG": "zh_CN.UTF-8", "CHECKLIST_LANG": ""}
    assert proc("start", "--unit", "prison", "--now", "2020-01-27T09:00", env=env).exit_code == 0
    done = proc("done", "３", "--note", "值班", "--now", "2020-01-27T10:30", env=env)
    assert done.exit_code == 0, done
    assert "严格落实三级值班制度 · 2020年1月27日 → 完成" in done.stderr
    listed = proc("list", "--state", "完成", "--now", "2020-01-27T11:00", env=env)
    assert listed.exit_code == 0 and "已完成" in listed.stdout and "严格落实三级值班制度" in listed.stdout
    comma = proc("done", "2", "--note", "日报", "--set", "infections=１，０", "--now", "2020-01-27T11:00", env=env)
    assert comma.exit_code == 1 and comma.stderr.startswith("错误：") and "10" in comma.stderr


def test_a_replayed_moment_stays_as_dash_dash_now_takes_it(cli) -> None:
    """The moment a replayed clock was set to is shown as --now is typed, in both languages (as the log does)."""
    assert cli("start", "--unit", "prison", "--now", "2020-01-27T09:00").exit_code == 0
    assert cli("event", "admission", "P1", "--now", "2020-01-27T11:00").exit_code == 0
    figures = ("--set", "temperature=38.2", "--set", "symptoms=否")
    assert cli("done", "11", "--subject", "P1", "--note", "x", *figures, "--now", "2020-01-27T11:30").exit_code == 0
    chinese = cli("status", "--lang", "zh", "--now", "2020-01-27T12:00").stdout
    assert "记录（⏱ --now 2020-01-27 11:30）" in chinese
    assert "(⏱ --now 2020-01-27 11:30)" in cli("status", "--now", "2020-01-27T12:00").stdout


def test_a_large_count_keeps_its_thousands_separator() -> None:
    assert tn("label.archived_subjects", 12345, "en").startswith("12,345 more subjects have every item")
    assert tn("label.archived_subjects", 12345, "zh").startswith("另有 12,345 个对象")


def test_a_command_to_type_names_its_placeholders_in_the_readers_words(cli) -> None:  # type: ignore[no-untyped-def]
    """today's commands: `--evidence 文件` in Chinese, `--evidence FILE` in English; the note's '…' in both."""
    assert cli("start", "--unit", "prison", "--now", "2020-01-27T09:00").exit_code == 0
    zh = cli("today", "--now", "2020-01-27T10:00", "--lang", "zh").stdout
    en = cli("today", "--now", "2020-01-27T10:00", "--lang", "en").stdout
    assert "$ checklist done 5 --note '…' --evidence 文件" in zh and "FILE" not in zh
    assert "$ checklist done 5 --note '…' --evidence FILE" in en and "文件" not in en
