"""Field types date, datetime and multi: how `done --set` and `walk` read them, how they are
recorded (a multi-select's list raises the record to format 5), and alerts on a multi field."""

from __future__ import annotations

import json
import shlex
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist.core import catalog as catalogs
from checklist.core import formats
from checklist.core.errors import UserError
from checklist.core.figures import parse_date, parse_datetime, parse_multi, parse_value
from checklist.core.models import FieldSpec

from .test_upgrade import write_catalog

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHOICES = ["咳嗽", "乏力", "气促", "dry cough"]
MULTI = FieldSpec.model_validate(
    {"id": "symptoms", "label": {"zh": "症状", "en": "Symptoms"}, "type": "multi", "choices": CHOICES}
)
FULL_WIDTH = str.maketrans("0123456789-:", "０１２３４５６７８９－：")

SCREENING = """\
  - id: prison.entry-screening
    title: {zh: 入监筛查, en: Entry screening}
    applies_to: [prison]
    section: containment
    source:
      issuer: {zh: 监狱管理局, en: Prison administration}
      quote: 严格入监筛查。
    evidence: [figures]
    fields:
      - {id: onset, label: {zh: 发病日期, en: Onset date}, type: date}
      - {id: seen_at, label: {zh: 就诊时间, en: Seen at}, type: datetime, required: false}
      - {id: symptoms, label: {zh: 症状, en: Symptoms}, type: multi, choices: [咳嗽, 乏力, 气促], required: false,
         alert: {values: [气促]}}
      - {id: temperature, label: {zh: 体温, en: Temperature}, type: number, required: false}
"""


@pytest.fixture
def unit(cli, tmp_path: Path):
    source = write_catalog(tmp_path / "catalog", SCREENING)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T08:00").exit_code == 0
    return cli


def done(cli, *sets: str, lang: str = "en"):
    args = [arg for value in sets for arg in ("--set", value)]
    return cli("done", "1", *args, "--now", "2020-01-27T10:00", "--lang", lang)


def records() -> list[dict]:
    log = Path(".checklist/units/prison/records.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in log.splitlines()]


class TestDates:
    @pytest.mark.parametrize(
        "typed", ["2020-01-27", "2020年1月27日", "２０２０年１月２７日", "２０２０－０１－２７", "2020年01月27号"]
    )
    def test_the_ways_a_date_is_typed(self, typed: str) -> None:
        assert parse_date("onset", typed) == date(2020, 1, 27)

    @pytest.mark.parametrize(
        ("typed", "code"),
        [
            ("2020-1-27", "figure.not_date"),
            ("27/01/2020", "figure.not_date"),
            ("yesterday", "figure.not_date"),
            ("2020-02-30", "figure.no_such_date"),
            ("2020年13月1日", "figure.no_such_date"),
            ("0202-01-27", "figure.date_range"),
        ],
    )
    def test_a_wrong_date_says_what_the_field_takes(self, typed: str, code: str) -> None:
        with pytest.raises(UserError) as info:
            parse_date("onset", typed)
        assert info.value.code == code and info.value.params["field"] == "onset"

    @given(st.dates(date(1900, 1, 1), date(2200, 12, 31)), st.sampled_from(["iso", "zh", "full"]))
    def test_every_date_reads_back_whichever_way_it_is_typed(self, day: date, form: str) -> None:
        typed = {
            "iso": day.isoformat(),
            "zh": f"{day.year}年{day.month}月{day.day}日",
            "full": day.isoformat().translate(FULL_WIDTH),
        }[form]
        assert parse_date("onset", typed) == day

    @given(st.text(max_size=40))
    def test_any_text_is_a_date_or_a_user_error(self, typed: str) -> None:
        try:
            value = parse_date("onset", typed)
        except UserError as exc:
            assert exc.code.startswith("figure.")
        else:
            assert 1900 <= value.year <= 2200


class TestDateTimes:
    @pytest.mark.parametrize(
        ("typed", "kept"),
        [
            ("2020-01-27T10:30", "2020-01-27T10:30+08:00"),
            ("2020-01-27 10:30", "2020-01-27T10:30+08:00"),
            ("2020年1月27日10时30分", "2020-01-27T10:30+08:00"),
            ("2020年1月27日 8点", "2020-01-27T08:00+08:00"),
            ("２０２０－０１－２７　１０：３０", "2020-01-27T10:30+08:00"),
            ("2020-01-27T10:30:15Z", "2020-01-27T10:30:15+00:00"),
            ("2020-01-27 10:30+01:00", "2020-01-27T10:30+01:00"),
        ],
    )
    def test_kept_with_the_catalogs_offset_when_none_is_typed(self, typed: str, kept: str) -> None:
        assert parse_datetime("seen_at", typed, SHANGHAI) == kept

    @pytest.mark.parametrize(
        "typed", ["2020-01-27", "2020-01-27 24:00", "2020-01-27 10:61", "10:30", "2020-01-27 10:30 +8"]
    )
    def test_a_wrong_one_is_a_user_error(self, typed: str) -> None:
        with pytest.raises(UserError) as info:
            parse_datetime("seen_at", typed, SHANGHAI)
        assert info.value.code == "figure.not_datetime"

    @given(st.datetimes(datetime(1900, 1, 1), datetime(2200, 12, 31)).map(lambda d: d.replace(second=0, microsecond=0)))
    def test_every_moment_reads_back(self, moment: datetime) -> None:
        kept = parse_datetime("seen_at", moment.strftime("%Y-%m-%d %H:%M"), SHANGHAI)
        assert datetime.fromisoformat(kept) == moment.replace(tzinfo=SHANGHAI)

    @given(st.text(max_size=40))
    def test_any_text_is_a_moment_or_a_user_error(self, typed: str) -> None:
        try:
            kept = parse_datetime("seen_at", typed, SHANGHAI)
        except UserError as exc:
            assert exc.code.startswith("figure.")
        else:
            assert datetime.fromisoformat(kept).utcoffset() is not None


class TestMultiSelect:
    def test_separators_and_order(self) -> None:
        assert parse_multi(MULTI, "气促、咳嗽") == ["咳嗽", "气促"]  # in the catalog's order
        assert parse_multi(MULTI, "乏力，咳嗽,气促, 咳嗽") == ["咳嗽", "乏力", "气促"]  # each once
        assert parse_multi(MULTI, " dry cough ") == ["dry cough"]

    @pytest.mark.parametrize(("typed", "code"), [("发烧、咳嗽", "figure.not_choice"), ("、 ,", "figure.multi_empty")])
    def test_a_wrong_answer_names_the_choices(self, typed: str, code: str) -> None:
        with pytest.raises(UserError) as info:
            parse_multi(MULTI, typed)
        assert info.value.code == code and info.value.params["choices"] == CHOICES

    @given(
        st.lists(st.sampled_from(CHOICES), min_size=1, max_size=6),
        st.lists(st.sampled_from([",", "，", "、", " , ", "、 "]), min_size=6, max_size=6),
    )
    def test_any_choices_read_back_in_the_catalogs_order(self, chosen: list[str], separators: list[str]) -> None:
        typed = "".join(c + s for c, s in zip(chosen, separators, strict=False))
        assert parse_multi(MULTI, typed) == [c for c in CHOICES if c in chosen]

    @given(st.text(max_size=30))
    def test_any_text_is_choices_or_a_user_error(self, typed: str) -> None:
        try:
            value = parse_value(MULTI, typed)
        except UserError as exc:
            assert exc.code in ("figure.not_choice", "figure.multi_empty")
        else:
            assert isinstance(value, list) and value and set(value) <= set(CHOICES)

    def test_full_width_numbers_still_read(self) -> None:
        number = FieldSpec.model_validate({"id": "t", "label": {"en": "T"}, "type": "number"})
        assert parse_value(number, "３７．５") == 37.5
        assert unicodedata.normalize("NFKC", "３７．５") == "37.5"


class TestRecorded:
    def test_dates_and_choices_as_typed_in_chinese(self, unit) -> None:
        result = done(unit, "onset=2020年1月26日", "seen_at=2020-01-27 09:30", "symptoms=咳嗽、乏力", lang="zh")
        assert result.exit_code == 0, result
        (record,) = records()
        assert record["figures"] == {
            "onset": "2020-01-26",
            "seen_at": "2020-01-27T09:30+08:00",
            "symptoms": ["咳嗽", "乏力"],
        }
        assert record["v"] == 5  # a list: release 0.4.0 refuses it rather than misread it
        store = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
        assert (store["format"], store["requires"]) == (5, "0.5.0")
        latest = unit("list", "--json", "--now", "2020-01-27T11:00").json()["items"][0]["latest"]
        assert latest["symptoms"] == ["咳嗽", "乏力"] and latest["onset"] == "2020-01-26"
        shown = unit("status", "--lang", "zh", "--now", "2020-01-27T11:00").stdout
        assert "咳嗽、乏力" in shown and "2020-01-26" in shown

    def test_a_record_without_a_list_stays_in_the_format_older_releases_read(self, unit) -> None:
        assert done(unit, "onset=2020-01-26", "seen_at=2020年1月27日9时").exit_code == 0
        (record,) = records()
        assert record["v"] == 3 and record["figures"]["seen_at"] == "2020-01-27T09:00+08:00"
        assert json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))["format"] == 3
        assert formats.record_format(type("R", (), {"action": "done", "figures": {"s": ["a"]}})()) == 5

    @pytest.mark.parametrize(
        ("value", "said"),
        [
            ("onset=2020-02-30", "onset = '2020-02-30' is no date of the calendar"),
            ("onset=27.1.2020", "onset must be a date such as 2020-01-27 or `2020年1月27日`, got '27.1.2020'"),
            ("symptoms=咳嗽、发烧", "symptoms must be one of: 咳嗽, 乏力, 气促; got '发烧'"),
            ("seen_at=9:30", "seen_at must be a date and time such as 2020-01-27T10:30"),
            ("symptoms=、", "symptoms needs one or more of: 咳嗽, 乏力, 气促, separated by commas"),
            ("symptoms=,", "for example `--set symptoms=咳嗽、乏力`"),
        ],
    )
    def test_a_mistake_is_one_line_naming_the_field(self, unit, value: str, said: str) -> None:
        result = done(unit, value)
        assert result.exit_code == 1 and said in result.stderr and "Traceback" not in result.output
        log = Path(".checklist/units/prison/records.jsonl")
        assert not log.exists() or not log.read_text(encoding="utf-8")  # nothing recorded

    def test_a_multi_field_alerts_when_any_of_its_values_is_chosen(self, unit) -> None:
        result = done(unit, "onset=2020-01-26", "symptoms=乏力、气促")
        assert "⚠ alert: Symptoms is 乏力, 气促" in result.stderr
        (alert,) = unit("status", "--json", "--now", "2020-01-27T11:00").json()["unacknowledged_alerts"]
        assert alert["values"] == {"symptoms": ["乏力", "气促"]}
        assert unit("ack", "1", "--reason", "已隔离观察", "--now", "2020-01-27T11:00").exit_code == 0
        assert unit("status", "--json", "--now", "2020-01-27T12:00").json()["unacknowledged_alerts"] == []

    def test_no_alert_when_none_of_its_values_is_chosen(self, unit) -> None:
        result = done(unit, "onset=2020-01-26", "symptoms=咳嗽、乏力")
        assert result.exit_code == 0 and "alert" not in result.stderr

    def test_the_walk_asks_for_each_type_again_until_it_reads(self, unit) -> None:
        answers = "d\n\n2020年2月30日\n２０２０年１月２６日\n2020-01-27 25:00\n2020-01-27 9:30\n发烧\n咳嗽、气促\n\n\n"
        result = unit("walk", "--now", "2020-01-27T10:00", input=answers)
        assert result.exit_code == 0, result
        assert "no date of the calendar" in result.stderr and "must be a date and time" in result.stderr
        assert "a date, e.g. 2020-01-27" in result.stderr
        (record,) = records()
        assert record["figures"] == {
            "onset": "2020-01-26",
            "seen_at": "2020-01-27T09:30+08:00",
            "symptoms": ["咳嗽", "气促"],
        }


def test_a_date_on_the_edge_of_the_clocks_years() -> None:
    assert parse_date("d", "2200-12-31") == date(2200, 12, 31)
    assert parse_date("d", "1900-01-01") + timedelta(days=1) == date(1900, 1, 2)


def test_the_readme_example_validates_and_its_commands_run(cli, tmp_path: Path) -> None:
    """README's section on field types, computed values and decision rules: its measure loads
    with the README's head, and its commands run against it as written."""
    from .test_readme import README, blocks

    (measure,) = [b for b in blocks("yaml") if b.startswith("  - id: prison.gate-check")]
    head = next(b for b in blocks("yaml") if b.startswith("catalog:"))
    folder = tmp_path / "readme"
    folder.mkdir()
    (folder / "00-head.yaml").write_text(head, encoding="utf-8")
    (folder / "10-measures.yaml").write_text("measures:\n" + measure, encoding="utf-8")
    checked = catalogs.check(folder)
    assert [m.id for m in checked.catalog.measures] == ["prison.gate-check"] and checked.warnings == []
    (commands,) = [b for b in blocks("sh") if "--set contacts=" in b]
    assert cli("start", "--unit", "prison", "--catalog", str(folder), "--now", "2020-01-27T08:00").exit_code == 0
    for line in commands.splitlines():
        args = shlex.split(line)[1:]
        result = cli(*args, "--now", "2020-01-27T10:00", "--lang", "zh")
        assert result.exit_code == 0, result
    assert "⚠ 警示：立即隔离并上报" in result.stderr and "⚠ 警示：登记备查" in result.stderr
    assert "rule: refuse entry" in README
