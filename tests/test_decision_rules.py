"""Decision rules: `rules: [{when: {any|all: [conditions]}, then: instruction}]` over a measure's
fields. A rule that holds raises an alert carrying its instruction, printed at once by `done`,
kept in status/today/list/JSON until acknowledged with `checklist ack`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core.decide import meets
from checklist.core.models import Condition, FieldSpec
from checklist.present.messages import problem_text

from .test_catalog import HEAD, problems_of, write
from .test_upgrade import write_catalog

GATE = """\
  - id: prison.gate-check
    title: {zh: 门岗健康询问, en: Health questions at the gate}
    applies_to: [prison]
    section: containment
    source:
      issuer: {zh: 监狱管理局, en: Prison administration}
      quote: 进入监区人员一律询问健康状况。
    evidence: [figures]
    trigger: {event: entry, subject: {zh: 进入人员, en: person entering}}
    fields:
      - {id: fever, label: {zh: 发热, en: Fever}, type: yesno}
      - {id: cough, label: {zh: 咳嗽, en: Cough}, type: yesno}
      - {id: temperature, label: {zh: 体温, en: Temperature}, type: number, required: false}
      - {id: contacts, label: {zh: 接触史, en: Contacts}, type: multi, choices: [武汉, 确诊病例, 无], required: false}
      - {id: returned, label: {zh: 返回日期, en: Returned on}, type: date, required: false}
      - {id: visitors, label: {zh: 同行人数, en: People with them}, type: integer, required: false}
      - {id: sick, label: {zh: 同行有症状, en: Of them with symptoms}, type: integer, required: false}
      - {id: sick_share, label: {zh: 有症状比例, en: Share with symptoms}, type: number, compute: "sick / visitors"}
    rules:
      - when: {any: [{field: fever, is: yes}, {field: cough, is: yes}]}
        then: {zh: 拒绝进入，通知卫生所, en: "refuse entry, notify the health post"}
      - when: {all: [{field: temperature, above: 37.2}, {field: contacts, in: [武汉, 确诊病例]}]}
        then: {zh: 立即隔离并上报, en: isolate at once and report upward}
      - when: {any: [{field: returned, above: 2020-01-20}, {field: sick_share, above: 0.5}]}
        then: {zh: 登记备查, en: register for follow-up}
"""


@pytest.fixture
def gate(cli, tmp_path: Path):
    source = write_catalog(tmp_path / "catalog", GATE)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T08:00").exit_code == 0

    def check(subject: str, *sets: str, lang: str = "en") -> Any:
        assert cli("event", "entry", "--subject", subject, "--now", "2020-01-27T09:00").exit_code == 0
        args = [arg for value in sets for arg in ("--set", value)]
        return cli("done", "1", "--subject", subject, *args, "--now", "2020-01-27T09:05", "--lang", lang)

    return cli, check


def status(cli) -> dict[str, Any]:
    found: dict[str, Any] = cli("status", "--json", "--now", "2020-01-27T10:00").json()
    return found


def test_a_rule_that_holds_prints_its_instruction_at_once(gate) -> None:
    _, check = gate
    result = check("V001", "fever=no", "cough=yes", lang="zh")
    assert result.exit_code == 0
    assert "⚠ 警示：拒绝进入，通知卫生所" in result.stderr and "checklist ack 1 --subject V001" in result.stderr
    assert "alert" not in check("V002", "fever=no", "cough=no").stderr  # no rule holds: nothing to say
    english = check("V003", "fever=yes", "cough=no").stderr
    assert "⚠ alert: refuse entry, notify the health post" in english and "拒绝" not in english


def test_its_alert_stays_until_acknowledged(gate) -> None:
    cli, check = gate
    check("V001", "fever=yes", "cough=yes")
    (alert,) = status(cli)["unacknowledged_alerts"]
    assert alert["subject"] == "V001" and alert["values"] == {}
    assert alert["instructions"] == [{"zh": "拒绝进入，通知卫生所", "en": "refuse entry, notify the health post"}]
    item = next(i for i in cli("list", "--json", "--now", "2020-01-27T10:00").json()["items"] if i["subject"])
    assert item["alerts"] == ["rule:1"] and item["unacknowledged_alerts"] == 1
    assert item["instructions"] == alert["instructions"]
    shown = cli("status", "--now", "2020-01-27T10:00", "--lang", "zh").stdout
    assert "规则：拒绝进入，通知卫生所 ⚠ 警示" in shown and "refuse entry" not in shown
    today = cli("today", "--json", "--now", "2020-01-27T10:00").json()
    assert [a["instructions"][0]["en"] for a in today["acknowledge"]] == ["refuse entry, notify the health post"]
    listed = cli("list", "--now", "2020-01-27T10:00").stdout
    assert "rule: refuse entry, notify the health post" in listed

    ack = cli("ack", "1", "--subject", "V001", "--reason", "已拒绝进入并通知卫生所", "--now", "2020-01-27T10:05")
    assert ack.exit_code == 0 and "refuse entry, notify the health post" in ack.stderr
    assert status(cli)["unacknowledged_alerts"] == []


def test_all_above_in_and_dates(gate) -> None:
    cli, check = gate
    check("V001", "fever=no", "cough=no", "temperature=37.5", "contacts=无")  # hot, but no contact: `all` fails
    check("V002", "fever=no", "cough=no", "temperature=37.5", "contacts=无、确诊病例")
    check("V003", "fever=no", "cough=no", "returned=2020年1月21日")
    check("V004", "fever=no", "cough=no", "returned=2020-01-20")  # not after the day named
    check("V005", "fever=no", "cough=no", "visitors=3", "sick=2")  # a computed share of 0.67
    check("V006", "fever=no", "cough=no", "visitors=0", "sick=0")  # no share: the condition does not hold
    found = {a["subject"]: [i["en"] for i in a["instructions"]] for a in status(cli)["unacknowledged_alerts"]}
    assert found == {
        "V002": ["isolate at once and report upward"],
        "V003": ["register for follow-up"],
        "V005": ["register for follow-up"],
    }


def test_a_correction_that_no_longer_holds_clears_it(gate) -> None:
    cli, check = gate
    check("V001", "fever=yes", "cough=no")
    corrected = cli("done", "1", "--subject", "V001", "--set", "fever=no", "--now", "2020-01-27T09:30")
    assert corrected.exit_code == 0 and "alert" not in corrected.stderr
    assert status(cli)["unacknowledged_alerts"] == []


def test_a_rule_over_a_field_past_its_alert_shows_both(cli, tmp_path: Path) -> None:
    measure = GATE.replace(
        "{id: fever, label: {zh: 发热, en: Fever}, type: yesno}",
        "{id: fever, label: {zh: 发热, en: Fever}, type: yesno, alert: {values: [yes]}}",
    )
    source = write_catalog(tmp_path / "catalog", measure)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T08:00").exit_code == 0
    assert cli("event", "entry", "--subject", "V001", "--now", "2020-01-27T09:00").exit_code == 0
    done = cli("done", "1", "--subject", "V001", "--set", "fever=yes", "--set", "cough=no", "--now", "2020-01-27T09:05")
    assert "⚠ alert: Fever is yes" in done.stderr and "⚠ alert: refuse entry" in done.stderr
    (alert,) = status(cli)["unacknowledged_alerts"]
    assert alert["values"] == {"fever": True} and len(alert["instructions"]) == 1


# -- validation ----------------------------------------------------------------------------

RULES_AT = 29  # the line of `rules:` in catalog_with's text


def catalog_with(rules: str) -> str:
    body = GATE.split("    rules:\n", maxsplit=1)[0].replace(
        "    trigger: {event: entry, subject: {zh: 进入人员, en: person entering}}\n", ""
    )
    return HEAD + "measures:\n" + body + "    rules:\n" + rules


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (
            "{field: fevr, is: yes}",
            "field 'rules[0].when.any[0].field': the rule names 'fevr', which is not a field of this measure (did you"
            " mean fever?)",
        ),
        (
            "{field: fever, is: maybe}",
            "field 'rules[0].when.any[0].is': 'maybe' is not an answer fever can take (yes, no)",
        ),
        (
            "{field: contacts, in: [武汉, 北京]}",
            "field 'rules[0].when.any[0].in[1]': '北京' is not an answer contacts can take (武汉, 确诊病例, 无)",
        ),
        (
            "{field: fever, above: 1}",
            "field 'rules[0].when.any[0]': 'above' and 'below' compare numbers, dates and date-times; fever is a yesno"
            " field: use 'is' or 'in'",
        ),
        ("{field: temperature, above: hot}", "field 'rules[0].when.any[0].above': 'hot' is not a value of temperature"),
        ("{field: returned, below: 2020-02-30}", "'2020-02-30' is not a value of returned (date) to compare with"),
        ("{field: temperature, is: 37, above: 36}", "a condition gives one of 'is', 'in', or 'above' and/or 'below'"),
        ("{field: temperature, iss: 37}", "unknown key 'iss' (did you mean 'is'?); allowed here: field, is, in, above"),
        ("{field: temperature, is_: 37}", "unknown key 'is_' (did you mean 'is'?); allowed here: field, is, in, above"),
    ],
)
def test_a_mistake_is_located(tmp_path: Path, rule: str, said: str) -> None:
    text = catalog_with(f"      - when: {{any: [{rule}]}}\n        then: {{zh: 拒绝进入, en: refuse entry}}\n")
    shown = [problem_text(p) for p in problems_of(write(tmp_path, text))]
    assert any(said in line and f"catalog.yaml:{RULES_AT + 1}:" in line for line in shown), shown


def test_an_empty_rule_is_refused(tmp_path: Path) -> None:
    text = catalog_with("      - when: {all: []}\n        then: {zh: 拒绝进入, en: refuse entry}\n")
    (problem,) = problems_of(write(tmp_path, text))
    assert "give 'any' or 'all', with at least one condition" in problem_text(problem)


# -- the rule, over any value --------------------------------------------------------------

NUMBER = FieldSpec.model_validate({"id": "t", "label": {"en": "T"}, "type": "number"})
UTC = ZoneInfo("UTC")
FINITE = st.floats(-1e12, 1e12, allow_nan=False)


@given(FINITE, st.one_of(st.none(), FINITE), st.one_of(st.none(), FINITE))
def test_above_and_below_agree_with_comparison(value: float, above: float | None, below: float | None) -> None:
    if above is None and below is None:
        return
    condition = Condition.model_validate({"field": "t", "above": above, "below": below})
    expected = (above is None or value > above) and (below is None or value < below)
    assert meets(condition, NUMBER, value, UTC) is expected


@given(st.one_of(st.booleans(), st.text(max_size=5), FINITE, st.lists(st.text(max_size=3), max_size=3), st.none()))
def test_a_value_of_any_type_never_breaks_a_rule(value: Any) -> None:
    for spec_type in ("number", "yesno", "date", "datetime", "text"):
        spec = FieldSpec.model_validate({"id": "t", "label": {"en": "T"}, "type": spec_type})
        for condition in (
            {"field": "t", "is": "yes"},
            {"field": "t", "above": "2020-01-01"},
            {"field": "t", "below": 3},
        ):
            assert meets(Condition.model_validate(condition), spec, value, UTC) in (True, False)


DAILY = """\
  - id: prison.symptoms
    title: {zh: 每日症状报告, en: Daily symptom report}
    applies_to: [prison]
    section: containment
    source:
      issuer: {zh: 监狱管理局, en: Prison administration}
      quote: 每日报告。
    evidence: [figures]
    recurrence: {every: day}
    fields:
      - {id: fever, label: {zh: 发热人数, en: People with fever}, type: integer}
    rules:
      - when: {any: [{field: fever, above: 0}]}
        then: {zh: 通知卫生所, en: notify the health post}
"""


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=1, max_size=4))
def test_over_days_an_alert_stays_until_its_day_is_acknowledged(cli, tmp_path: Path, days: list) -> None:
    """Each day a report (fever 0 to 2), sometimes acknowledged the same day: the alerts left are
    exactly the days with fever not acknowledged, however the reports fall."""
    store = tmp_path / f"store-{uuid.uuid4().hex}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHECKLIST_CONFIG_HOME", f"{store}-config")  # each example's own witness of its own log
        over_days(cli, tmp_path, store, days)


def over_days(cli, tmp_path: Path, store: Path, days: list) -> None:
    source = write_catalog(tmp_path / "catalog", DAILY)
    assert (
        cli(
            "start", "--unit", "prison", "--catalog", str(source), "--store", str(store), "--now", "2020-01-01T08:00"
        ).exit_code
        == 0
    )
    expected = []
    for number, (fever, acknowledged) in enumerate(days, start=1):
        day = f"2020-01-{number:02d}"
        assert (
            cli("done", "1", "--set", f"fever={fever}", "--store", str(store), "--now", f"{day}T09:00").exit_code == 0
        )
        if fever and acknowledged:
            ack = cli("ack", "1", "--for", day, "--reason", "已处理", "--store", str(store), "--now", f"{day}T10:00")
            assert ack.exit_code == 0, ack
        elif fever:
            expected.append(day)
    last = f"2020-01-{len(days):02d}T12:00"
    found = cli("status", "--json", "--store", str(store), "--now", last).json()["unacknowledged_alerts"]
    assert [a["period"] for a in found] == expected
    assert all(a["instructions"] == [{"zh": "通知卫生所", "en": "notify the health post"}] for a in found)
    (Path(store) / "units" / "prison" / "index.json").unlink()  # a fold from nothing says the same
    again = cli("status", "--json", "--store", str(store), "--now", last).json()["unacknowledged_alerts"]
    assert again == found
    assert cli("verify", "--store", str(store)).exit_code == 0  # the saved index holds against the log


def test_through_a_real_process(proc, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", GATE)
    assert proc("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T08:00").exit_code == 0
    assert proc("event", "entry", "--subject", "V001", "--now", "2020-01-27T09:00").exit_code == 0
    done = proc(
        "done", "1", "--subject", "V001", "--set", "fever=否", "--set", "cough=否", "--set", "temperature=３７．６",
        "--set", "contacts=武汉，确诊病例", "--now", "2020-01-27T09:05", "--lang", "zh",
    )  # fmt: skip
    assert done.exit_code == 0 and "⚠ 警示：立即隔离并上报" in done.stderr
    record = json.loads(Path(".checklist/units/prison/records.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["v"] == 5 and record["figures"]["contacts"] == ["武汉", "确诊病例"]
    wrong = proc("done", "1", "--subject", "V001", "--set", "sick_share=1", "--now", "2020-01-27T09:10")
    assert wrong.exit_code == 1 and "never typed" in wrong.stderr and "Traceback" not in wrong.stderr
    shown = json.loads(proc("status", "--json", "--now", "2020-01-27T10:00").stdout)["unacknowledged_alerts"]
    assert [i["en"] for i in shown[0]["instructions"]] == ["isolate at once and report upward"]


def test_the_walk_and_list_detail_say_what_each_rule_asks(gate) -> None:
    cli, _ = gate
    detail = cli("list", "--detail", "--lang", "zh", "--now", "2020-01-27T10:00").stdout
    assert "决策规则" in detail and "发热 = 是 或 咳嗽 = 是 → 拒绝进入，通知卫生所" in detail
    assert "有症状比例 = sick / visitors" in detail
    assert cli("event", "entry", "--subject", "V009", "--now", "2020-01-27T09:00").exit_code == 0
    walk = cli("walk", "--now", "2020-01-27T10:00", input="d\n\nyes\nno\n\n\n\n\n\n\n")
    assert "Decision rules" in walk.stdout and "Temperature > 37.2 and Contacts ∈ {武汉, 确诊病例}" in walk.stdout
    assert walk.exit_code == 0 and "⚠ alert: refuse entry, notify the health post" in walk.stderr  # at once
    assert "Share with symptoms (" not in walk.stderr  # a computed field is never asked
