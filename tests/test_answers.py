"""Answers, not only done: a measure that asks a question (yes/no, yes/no/unknown, a choice,
several choices) records its answer with `checklist answer`; a "no" is recorded, not met, and
status counts met, not met, unknown and n/a apart; follow-ups ("if no: why, and the plan")
are enforced; corrections, per-subject answers and their alerts, JSON, walk, formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from checklist.core import formats
from checklist.core.logindex import LogIndex
from checklist.core.models import Catalog, CatalogRef, Question, Record, Unit
from checklist.core.status import unit_status

from .conftest import Result
from .test_upgrade import write_catalog

Run = Callable[..., Result]

SOURCE = "    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 原文。}\n"
# Section containment: a yes/no with follow-ups, a yes/no/unknown with an alert on "no".
# Section health (below): a multi question and a per-subject question.
WARD = (
    """\
  - id: prison.ward
    title: {zh: 是否设立隔离病区, en: Is an isolation ward set up}
    applies_to: [prison]
    section: containment
"""
    + SOURCE
    + """\
    question:
      answers: yesno
      follow_up:
        - {when: [yes], need: [since]}
        - {when: [no], need: [note, plan]}
    fields:
      - {id: since, label: {zh: 设立日期, en: Since when}, type: text}
      - {id: plan, label: {zh: 整改计划, en: Plan}, type: text}
"""
)
MASKS = (
    """\
  - id: prison.masks
    title: {zh: 口罩是否充足, en: Are masks sufficient}
    applies_to: [prison]
    section: containment
"""
    + SOURCE
    + """\
    question: {answers: yesno_unknown, alert: [no]}
"""
)
MEASURES = (
    """\
  - id: prison.measures
    title: {zh: 已落实的措施, en: Measures in place}
    applies_to: [prison]
    section: health
"""
    + SOURCE
    + """\
    question:
      answers: multi
      choices:
        - {id: temperature, label: {zh: 测温, en: Temperature checks}}
        - {id: disinfection, label: {zh: 消毒, en: Disinfection}}
        - {id: none, label: {zh: 均未落实, en: None of these}}
      met: [temperature, disinfection]
"""
)
EXAM = (
    """\
  - id: prison.exam
    title: {zh: 新收押人员是否有症状, en: Does the new admission show symptoms}
    applies_to: [prison]
    section: health
"""
    + SOURCE
    + """\
    trigger: {event: admission}
    question: {answers: yesno, met: [no], alert: [yes], follow_up: [{when: [yes], need: [note]}]}
"""
)
HEALTH = "    - {id: health, name: {zh: 医疗, en: Health}}\n"


@pytest.fixture
def unit(cli: Run, tmp_path: Path) -> Run:
    """A prison on the answers catalog, started on 27 January 2020 at 09:00: run(now, *args)."""
    source = write_catalog(tmp_path / "catalog", WARD, MASKS, MEASURES, EXAM)
    head = source / "00-head.yaml"
    head.write_text(head.read_text(encoding="utf-8") + HEALTH, encoding="utf-8")
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T09:00").exit_code == 0

    def at(now: str, *args: str, input: str | None = None) -> Result:
        return cli(*args, "--now", now, input=input)

    return at


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result
    return result


def refused(result: Result, *said: str) -> Result:
    assert result.exit_code == 1, result
    assert "Traceback" not in result.stderr
    for words in said:
        assert words in result.stderr, (words, result.stderr)
    return result


def records(run: Run) -> list[dict[str, Any]]:
    """The unit's records of attestations, as its log holds them (`log --json` gives them alike)."""
    del run  # the unit's log, in the working folder's store
    log = Path(".checklist/units/prison/records.jsonl")
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [record for line in lines if line and "item" in (record := json.loads(line))]


def sections(run: Run, now: str) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in ok(run(now, "status", "--json")).json()["sections"]}


# --- counting ------------------------------------------------------------------------------


def test_a_section_answered_no_throughout_is_not_100_percent(unit: Run) -> None:
    ok(unit("2020-01-27T10:00", "answer", "prison.ward", "no", "--note", "尚无病区", "--set", "plan=2月1日前"))
    ok(unit("2020-01-27T10:00", "answer", "prison.masks", "no"))
    found = sections(unit, "2020-01-27T11:00")["containment"]
    assert (found["done"], found["met"], found["not_met"], found["unknown"]) == (2, 0, 2, 0)
    assert found["percent_met"] == 0.0 and found["percent_done"] == 100.0  # recorded, yet not met

    ok(unit("2020-01-27T12:00", "answer", "prison.masks", "unknown"))
    ok(unit("2020-01-27T12:00", "answer", "prison.measures", "temperature", "disinfection"))
    ok(unit("2020-01-27T12:00", "na", "prison.ward", "--reason", "本监狱无病区条件"))  # not relevant is not "no"
    document = ok(unit("2020-01-27T13:00", "status", "--json")).json()
    totals = document["totals"]
    assert (totals["met"], totals["not_met"], totals["unknown"], totals["na"], totals["open"]) == (1, 0, 1, 1, 0)
    assert totals["percent_met"] == 50.0  # met 1 of the 2 that apply (n/a left out)
    assert {s["id"]: s["percent_met"] for s in document["sections"]} == {"containment": 0.0, "health": 100.0}

    shown = ok(unit("2020-01-27T13:00", "status")).stdout
    assert "met: 50%  (1/2; not met 0 · unknown 1; n/a 1)" in shown
    assert "?1" in shown
    zh = ok(unit("2020-01-27T13:00", "status", "--lang", "zh")).stdout
    assert "达标率：50%（1/2；未达标 0 · 情况不明 1；不适用 1）" in zh
    assert "met" not in zh and "unknown" not in zh


def test_a_multi_answer_is_met_only_when_every_answer_chosen_is_met(unit: Run) -> None:
    ok(unit("2020-01-27T10:00", "answer", "prison.measures", "测温、均未落实"))
    item = ok(unit("2020-01-27T10:00", "list", "--json")).json()["items"][2]
    assert (item["answer"], item["verdict"]) == (["temperature", "none"], "not_met")
    ok(unit("2020-01-27T10:00", "answer", "prison.measures", "1,2"))  # by number, a correction
    item = ok(unit("2020-01-27T10:00", "list", "--json")).json()["items"][2]
    assert (item["answer"], item["verdict"]) == (["temperature", "disinfection"], "met")


# --- follow-ups --------------------------------------------------------------------------


def test_a_follow_up_is_required_with_the_answer_that_needs_it_and_only_then(unit: Run) -> None:
    refused(
        unit("2020-01-27T10:00", "answer", "1", "否"),
        "error: item 1 (prison.ward): the answer 'no' also needs a note, plan",
        '--note "…" --set plan=…',
    )
    refused(unit("2020-01-27T10:00", "answer", "1", "no", "--note", "尚无"), "the answer 'no' also needs plan")
    refused(unit("2020-01-27T10:00", "answer", "1", "yes"), "the answer 'yes' also needs since", "--set since=…")
    assert [r["action"] for r in records(unit)] == []  # nothing recorded
    ok(unit("2020-01-27T10:00", "answer", "1", "yes", "--set", "since=2020-01-25"))  # no plan asked of a "yes"
    ok(unit("2020-01-27T10:00", "answer", "2", "yes"))  # a question without follow-ups: nothing more
    assert [r["answer"] for r in records(unit)] == [["yes"], ["yes"]]


def test_done_on_a_question_asks_for_its_answer(unit: Run) -> None:
    refused(
        unit("2020-01-27T10:00", "done", "2", "--note", "x"),
        "item 2 (prison.masks) asks a question: record its answer (yes, no, unknown)",
        "`checklist answer 2 ANSWER`",
    )
    ok(unit("2020-01-27T10:00", "answer", "2", "yes"))
    ok(unit("2020-01-27T10:05", "done", "2", "--note", "已核点"))  # a comment on the answer, kept
    last = records(unit)[-1]
    assert (last["answer"], last["note"]) == (["yes"], "已核点")


# --- the words of an answer --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("是", "yes"), ("否", "no"), ("不清楚", "unknown"), ("YES", "yes"), ("n", "no"), ("３", "unknown"), ("1", "yes")],
)
def test_answers_are_taken_in_chinese_and_english_and_by_number(unit: Run, typed: str, answer: str) -> None:
    ok(unit("2020-01-27T10:00", "answer", "prison.masks", typed))
    assert records(unit)[-1]["answer"] == [answer]


def test_a_wrong_answer_is_refused_with_the_answers_it_takes(unit: Run) -> None:
    refused(
        unit("2020-01-27T10:00", "answer", "prison.masks", "yse"),
        "'yse' is not an answer of item prison.masks (answers: yes, no, unknown)",
        "did you mean",
    )
    refused(unit("2020-01-27T10:00", "answer", "prison.ward", "unknown"), "(answers: yes, no)")  # yes/no only
    refused(unit("2020-01-27T10:00", "answer", "prison.masks", "yes", "no"), "takes one answer, not several")
    refused(unit("2020-01-27T10:00", "answer", "prison.measures", "4"), "'4' is not an answer")
    refused(
        unit("2020-01-27T10:00", "answer", "prison.masks", "不适用"),
        '"not relevant" is a waiver, kept apart from "no"',
        'checklist na prison.masks --reason "…"',
    )
    assert records(unit) == []


def test_answer_on_an_item_that_asks_nothing_is_refused(cli: Run, tmp_path: Path) -> None:
    from .test_catalog import MEASURE

    ok(cli("start", "--unit", "prison", "--catalog", str(write_catalog(tmp_path / "c", MEASURE))))
    refused(cli("answer", "1", "yes"), "item 1 (prison.visits) asks no question", "`checklist done 1`")


# --- corrections -------------------------------------------------------------------------


def test_a_later_answer_corrects_the_earlier_one_which_stays_in_the_log(unit: Run) -> None:
    ok(unit("2020-01-27T10:00", "answer", "2", "no", "--note", "库存不足"))
    result = ok(unit("2020-01-27T11:00", "answer", "2", "yes"))
    assert "Corrected: 2 Are masks sufficient (no → answer: yes (met))" in result.stderr
    again = ok(unit("2020-01-27T11:00", "answer", "2", "是"))
    assert "already done; nothing recorded" in again.stderr and "checklist answer 2 ANSWER" in again.stderr
    assert [(r["answer"], r["note"]) for r in records(unit)] == [(["no"], "库存不足"), (["yes"], "库存不足")]
    found = ok(unit("2020-01-27T12:00", "list", "--json")).json()["items"][1]
    assert (found["answer"], found["verdict"], found["records"]) == (["yes"], "met", 2)
    assert sections(unit, "2020-01-27T12:00")["containment"]["not_met"] == 0


# --- per subject, and alerts ---------------------------------------------------------------


def test_answers_per_subject_with_alerts_to_acknowledge(unit: Run) -> None:
    ok(unit("2020-01-27T10:00", "event", "admission", "--subject", "P1"))
    ok(unit("2020-01-27T10:00", "event", "admission", "--subject", "P2"))
    refused(unit("2020-01-27T10:30", "answer", "4", "yes"), "P1", "P2")  # which subject?
    alerted = ok(unit("2020-01-27T10:30", "answer", "4", "是", "--subject", "P1", "--note", "体温38度"))
    assert "⚠ alert: the answer is yes" in alerted.stderr and "checklist ack 4 --subject P1" in alerted.stderr
    ok(unit("2020-01-27T10:30", "answer", "4", "no", "--subject", "P2"))

    document = ok(unit("2020-01-27T11:00", "status", "--json")).json()
    [alert] = document["unacknowledged_alerts"]
    assert (alert["subject"], alert["answer"], alert["values"]) == ("P1", ["yes"], {})
    health = {s["id"]: s for s in document["sections"]}["health"]
    assert (health["met"], health["not_met"]) == (1, 1)
    zh = ok(unit("2020-01-27T11:00", "status", "--lang", "zh")).stdout
    assert "回答 = 是 ⚠ 警示" in zh
    agenda = ok(unit("2020-01-27T11:00", "today", "--json")).json()
    assert [(e["number"], e["subject"], e["verdict"]) for e in agenda["attention"]] == [(4, "P1", "not_met")]
    assert agenda["attention"][0]["command"] == "checklist answer 4 ANSWER --subject P1"

    ok(unit("2020-01-27T12:00", "ack", "4", "--subject", "P1", "--reason", "已送医务室"))
    assert ok(unit("2020-01-27T12:00", "status", "--json")).json()["unacknowledged_alerts"] == []
    ok(unit("2020-01-27T12:30", "answer", "4", "no", "--subject", "P1"))  # a corrected answer: no alert
    document = ok(unit("2020-01-27T13:00", "status", "--json")).json()
    assert document["unacknowledged_alerts"] == []
    assert {s["id"]: s["met"] for s in document["sections"]}["health"] == 2


def test_an_answer_the_alert_names_stays_until_acknowledged(unit: Run) -> None:
    ok(unit("2020-01-27T10:00", "answer", "prison.masks", "no"))
    ok(unit("2020-01-27T10:00", "answer", "prison.masks", "yes"))  # corrected: the alert of the item is cleared
    assert ok(unit("2020-01-27T11:00", "status", "--json")).json()["unacknowledged_alerts"] == []
    ok(unit("2020-01-27T12:00", "answer", "prison.masks", "no"))
    shown = ok(unit("2020-01-27T12:00", "list")).stdout
    assert "⚠ alert: the answer" in shown and "answer: no (not met)" in shown
    assert "✘ not met" in shown


# --- JSON ------------------------------------------------------------------------------------


def _schema(cli: Run, name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(ok(cli("schema", "--output", name)).stdout))


def test_the_json_documents_carry_the_answers_and_their_schemas_hold(unit: Run, cli: Run) -> None:
    ok(unit("2020-01-27T10:00", "answer", "2", "no"))
    ok(unit("2020-01-27T10:00", "event", "admission", "--subject", "P1"))
    ok(unit("2020-01-27T10:00", "answer", "4", "yes", "--subject", "P1", "--note", "咳嗽"))
    for name, args in (
        ("status", ("status", "--json")),
        ("items", ("list", "--json")),
        ("agenda", ("today", "--json")),
        ("subjects", ("subjects", "--json")),
    ):
        document = ok(unit("2020-01-27T11:00", *args)).json()
        errors = [e.message for e in _schema(cli, name).iter_errors(document)]
        assert not errors, (name, errors)
    for name, args in (("log", ("log", "--json", "--no-pager")),):
        document = ok(cli(*args)).json()
        errors = [e.message for e in _schema(cli, name).iter_errors(document)]
        assert not errors, (name, errors)
    log = records(unit)
    assert [r["v"] for r in log] == [5, 5] and log[0]["answer"] == ["no"]  # the event (format 3) has no item
    items = ok(unit("2020-01-27T11:00", "list", "--json")).json()["items"]
    assert [(i["id"], i["answer"], i["verdict"]) for i in items] == [
        ("prison.ward", None, None),
        ("prison.masks", ["no"], "not_met"),
        ("prison.measures", None, None),
        ("prison.exam", ["yes"], "not_met"),
    ]


# --- walk ------------------------------------------------------------------------------------


def test_walk_asks_the_question_with_its_answers_then_the_follow_ups(unit: Run) -> None:
    answers = "d\n不适用\n2\n尚未设立\n2月1日前\n\nd\n不清楚\n\n\nd\n1, 消毒\n\n\n"
    result = ok(unit("2020-01-27T10:00", "walk", "--lang", "zh", input=answers))
    assert "问题：是否设立隔离病区" in result.stderr
    assert "  1  是\n  2  否\n" in result.stderr and "  3  不清楚" in result.stderr
    assert "可选回答（编号或文字，可多选，用逗号分隔）" in result.stderr
    assert "“不适用”不是回答" in result.stderr
    assert "此回答还需要：说明、整改计划" in result.stderr
    assert "已记录：1 是否设立隔离病区 → 回答：否（未达标）" in result.stderr
    assert [(r["item"], r["answer"], r.get("note"), r["figures"]) for r in records(unit)] == [
        ("prison.ward", ["no"], "尚未设立", {"plan": "2月1日前"}),
        ("prison.masks", ["unknown"], None, {}),
        ("prison.measures", ["temperature", "disinfection"], None, {}),
    ]


def test_walk_in_english_numbers_the_answers(unit: Run) -> None:
    result = ok(unit("2020-01-27T10:00", "walk", "--lang", "en", input="d\n1\n\n2020-01-20\n\nq\n"))
    assert "Question: Is an isolation ward set up" in result.stderr
    assert "  1  yes\n  2  no\n" in result.stderr and "This answer also needs: Since when" in result.stderr
    assert "是" not in result.stderr
    assert records(unit)[0]["figures"] == {"since": "2020-01-20"}


# --- the catalog ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("{answers: yesno, choices: [{id: x, label: {zh: 叉, en: X}}]}", "needs 'choices', and only such"),
        ("{answers: multi, choices: [{id: x, label: {zh: 叉, en: X}}]}", "names the answers that are met in 'met'"),
        ("{answers: yesno, met: [maybe]}", "met names 'maybe', which is not an answer of this question: yes, no"),
        ("{answers: yesno_unknown, met: [unknown]}", "'unknown' is never met"),
        ("{answers: yesno, alert: [yes, no]}", "an alert names some of the answers, not none or all"),
        ("{answers: yesno, follow_up: [{when: [maybe], need: [note]}]}", "follow_up.when names 'maybe'"),
        ("{answers: yesno, follow_up: [{when: [no], need: [plann]}]}", "follow_up needs 'plann'"),
        ("{answers: yesno, anwsers: 1}", "unknown key 'anwsers' (did you mean 'answers'?)"),
        ("{answers: maybe}", "question.answers"),
    ],
)
def test_a_question_is_validated_with_located_errors(cli: Run, tmp_path: Path, question: str, said: str) -> None:
    measure = MASKS.replace("{answers: yesno_unknown, alert: [no]}", question)
    source = write_catalog(tmp_path / "catalog", measure)
    result = cli("validate", str(source))
    assert result.exit_code == 3, result
    assert "10-measures.yaml:" in result.stdout + result.stderr and said in result.stdout + result.stderr
    assert "value error" not in result.stdout + result.stderr


def test_adding_a_question_changes_no_existing_digest_or_wording(tmp_path: Path) -> None:
    from checklist.core import catalog as catalogs

    plain = catalogs.load(
        write_catalog(tmp_path / "a", MASKS.replace("    question: {answers: yesno_unknown, alert: [no]}\n", ""))
    )
    asked = catalogs.load(write_catalog(tmp_path / "b", MASKS))
    assert plain.measures[0].wording() == asked.measures[0].wording()  # the words, not the question
    assert plain.measures[0].question is None


# --- formats -------------------------------------------------------------------------------


def test_a_store_with_an_answer_is_of_format_5_and_one_without_stays_as_it_was(unit: Run, cli: Run) -> None:
    ok(unit("2020-01-27T10:00", "na", "prison.ward", "--reason", "无"))
    assert json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))["format"] == 3
    ok(unit("2020-01-27T10:00", "answer", "prison.masks", "yes"))
    store = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
    assert (store["format"], store["requires"]) == (5, "0.5.0")
    assert formats.REQUIRES_OF[5] == "0.5.0"
    assert "Traceback" not in ok(cli("verify")).stderr


RELEASE_0_4_0 = "7eec877"  # the commit of release 0.4.0 ("Release 0.4.0: version bumped, …")


def test_release_0_4_0_refuses_a_store_with_an_answer_cleanly(unit: Run, tmp_path: Path) -> None:
    import shutil
    import tarfile

    from .conftest import REPO

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", RELEASE_0_4_0, "src"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        pytest.skip("release 0.4.0 is not in this repository's history")
    (tmp_path / "old.tar").write_bytes(archive.stdout)
    with tarfile.open(tmp_path / "old.tar") as tar:
        tar.extractall(tmp_path / "old", filter="data")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "old" / "src"), "PYTHONDONTWRITEBYTECODE": "1"}

    def old(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "checklist", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    # (a catalog with a question is itself beyond 0.4.0, which cannot read its kept copy; the
    # store's format says so first, naming the release it needs)
    ok(unit("2020-01-27T10:00", "answer", "prison.masks", "no"))
    refused_ = old("status", "--now", "2020-01-27T11:00")
    assert refused_.returncode == 3 and "Traceback" not in refused_.stderr
    assert "is in format 5, written by checklist 0.5.0 or newer; this is checklist 0.4.0" in refused_.stderr


# --- a real process ------------------------------------------------------------------------


def test_answer_through_a_real_process(proc: Run, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", WARD, MASKS)
    assert proc("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T09:00").exit_code == 0
    result = proc("answer", "2", "否", "--now", "2020-01-27T10:00", "--lang", "zh")
    assert result.exit_code == 0, result
    assert "已记录：2 口罩是否充足 → 回答：否（未达标）" in result.stderr
    assert "⚠ 警示" in result.stderr
    wrong = proc("answer", "1", "否", "--now", "2020-01-27T10:00")
    assert wrong.exit_code == 1 and "the answer 'no' also needs a note, plan" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    status = json.loads(proc("status", "--json", "--now", "2020-01-27T11:00").stdout)
    assert (status["totals"]["not_met"], status["totals"]["percent_met"]) == (1, 0.0)


# --- the fold, as a property ---------------------------------------------------------------

QUESTION = Question(answers="yesno_unknown")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["yes", "no", "unknown", "na"])), max_size=30))
def test_status_counts_the_latest_answer_of_each_item(steps: list[tuple[int, str]]) -> None:
    """Whatever the order of answers and waivers, each item counts by its latest record: met
    (yes), not met (no), unknown, or n/a; the share met is met over those not waived."""
    catalog = _catalog()
    unit = Unit(
        id="prison",
        kind="prison",
        catalog=CatalogRef(name="mini", version="1", digest=catalog.digest),
        started_at="2020-01-27T09:00:00+08:00",
        started_by="x",
    )
    records, latest = [], {}
    for number, (item, answer) in enumerate(steps, start=1):
        fields: dict[str, Any] = {
            "v": 5 if answer != "na" else 3,
            "id": f"{number:032x}",
            "unit": "prison",
            "item": f"prison.q{item}",
            "action": "na" if answer == "na" else "done",
            "actor": "x",
            "at": "2020-01-27T10:00:00+08:00",
            "catalog": catalog.digest,
            "seq": number,
            "prev": "sha256:" + "0" * 64,
        }
        if answer == "na":
            fields["note"] = "无"
        else:
            fields["answer"] = [answer]
        records.append(Record.of(fields))
        latest[item] = answer
    status = unit_status(unit, catalog, LogIndex.of(records), _now())
    counted = [latest.get(i) for i in range(3)]
    tally = status.tally
    assert tally.met == counted.count("yes") and tally.not_met == counted.count("no")
    assert tally.unknown == counted.count("unknown") and tally.counts["na"] == counted.count("na")
    assert tally.counts["open"] == counted.count(None)
    applicable = 3 - counted.count("na")
    assert tally.percent == (100.0 * counted.count("yes") / applicable if applicable else 100.0)


def _now() -> Any:
    from datetime import datetime

    return datetime.fromisoformat("2020-01-28T09:00:00+08:00")


_CATALOG: list[Catalog] = []


def _catalog() -> Catalog:
    if not _CATALOG:
        import tempfile

        from checklist.core import catalog as catalogs

        questions = "".join(MASKS.replace("prison.masks", f"prison.q{i}") for i in range(3))
        with tempfile.TemporaryDirectory() as folder:
            _CATALOG.append(catalogs.load(write_catalog(Path(folder) / "c", questions)))
    return _CATALOG[0]


# --- README ----------------------------------------------------------------------------------


def test_the_readme_example_validates_and_its_commands_run(cli: Run, tmp_path: Path) -> None:
    import shlex

    from checklist.core import catalog as catalogs

    from .test_readme import blocks

    head = next(b for b in blocks("yaml") if b.startswith("catalog:"))
    example = next(b for b in blocks("yaml") if "question:" in b and "isolation-ward" in b)
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "00-head.yaml").write_text(head, encoding="utf-8")
    (folder / "10-measures.yaml").write_text("measures:\n" + example, encoding="utf-8")
    checked = catalogs.check(folder)
    assert [m.id for m in checked.catalog.measures] == ["prison.isolation-ward", "prison.gate-findings"]
    assert checked.warnings == []
    ok(cli("start", "--unit", "prison", "--catalog", str(folder)))
    commands = next(b for b in blocks("sh") if "checklist answer prison.isolation-ward" in b)
    for line in commands.splitlines():
        words = shlex.split(line.split("  #")[0])
        assert words[0] == "checklist"
        ok(cli(*words[1:]))
    items = ok(cli("list", "--json")).json()["items"]
    assert [(i["answer"], i["verdict"]) for i in items] == [
        (["yes"], "met"),
        (["fever", "cough"], "not_met"),
    ]
    assert len(ok(cli("status", "--json")).json()["unacknowledged_alerts"]) == 1  # fever and cough: an alert


def test_the_log_shows_each_answer(unit: Run, cli: Run) -> None:
    ok(unit("2020-01-27T10:00", "answer", "prison.masks", "否"))
    ok(unit("2020-01-27T10:00", "answer", "prison.masks", "不清楚"))
    assert "回答：否" in ok(cli("log", "--no-pager", "--lang", "zh")).stdout
    shown = ok(cli("log", "--no-pager", "--lang", "en")).stdout
    assert "answer: no" in shown and "answer: unknown" in shown and "否" not in shown


DAILY = (
    """\
  - id: prison.daily-check
    title: {zh: 今日是否完成全员测温, en: Were everyone's temperatures taken today}
    applies_to: [prison]
    section: containment
"""
    + SOURCE
    + """\
    recurrence: {every: day}
    question: {answers: yesno, follow_up: [{when: [no], need: [note]}]}
"""
)


def test_a_recurring_question_is_answered_per_period(cli: Run, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", DAILY)
    ok(cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T08:00"))
    ok(cli("answer", "1", "是", "--now", "2020-01-27T09:00"))
    refused(cli("answer", "1", "否", "--now", "2020-01-28T09:00"), "the answer 'no' also needs a note")
    ok(cli("answer", "1", "否", "--note", "体温计不足", "--now", "2020-01-28T09:00"))
    item = ok(cli("list", "--json", "--now", "2020-01-28T10:00")).json()["items"][0]
    assert (item["period"], item["answer"], item["verdict"]) == ("2020-01-28", ["no"], "not_met")
    ok(cli("answer", "1", "no", "--for", "2020-01-27", "--note", "复核：漏测一人", "--now", "2020-01-28T10:00"))
    periods = [(r["period"], r["answer"]) for r in records(cli)]
    assert periods == [("2020-01-27", ["yes"]), ("2020-01-28", ["no"]), ("2020-01-27", ["no"])]
    ok(cli("answer", "1", "yes", "--note", "已补测", "--now", "2020-01-28T18:00"))  # today's, corrected
    totals = ok(cli("status", "--json", "--now", "2020-01-28T19:00")).json()["totals"]
    assert (totals["met"], totals["not_met"], totals["percent_met"]) == (1, 0, 100.0)
