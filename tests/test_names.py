"""Names instead of raw ids on screen: kinds of event, subject types, a field's choices, field
types, yes/no, and recurrence, trigger and deadline phrases, in the reader's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from checklist.core import catalog as catalogs

from .conftest import Result, records

Cli = Callable[..., Result]

HEAD = """\
catalog:
  name: names-example
  version: "1"
  title: {zh: 示例, en: Example}
  issuer: {zh: 某厅, en: A department}
  unit_kinds:
    - {id: prison, name: {zh: 监狱, en: Prison}}
  sections:
    - {id: health, name: {zh: 健康检查, en: Health checks}}
  subject_types:
    - {id: custody, name: {zh: 在押人员, en: person in custody}}
    - {id: staff, name: {zh: 工作人员, en: staff member}}
"""
EVENTS = """\
  events:
    - {id: admission, name: {zh: 入监, en: admission}}
    - {id: transfer, name: {zh: 转运, en: transfer}}
"""
SOURCE = "    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 照办}\n"
MEASURES = (
    """\
measures:
  - id: prison.rounds
    title: {zh: 巡查, en: Rounds}
    applies_to: [prison]
    section: health
    recurrence: {every: 8h}
"""
    + SOURCE
    + """\
  - id: prison.exam
    title: {zh: 入监体检, en: Examine each admission}
    applies_to: [prison]
    section: health
    trigger: {event: admission, subject: {zh: 新收押罪犯, en: newly admitted prisoner}, subject_types: [custody]}
    deadline: {days: 14, after: event}
    evidence: [figures]
    fields:
      - {id: cellmates, label: {zh: 同监人数, en: Cellmates}, type: integer, min: 0}
      - {id: symptoms, label: {zh: 有症状, en: Symptoms}, type: yesno, alert: {values: [yes]}}
      - id: contact
        label: {zh: 接触史, en: Contact}
        type: choice
        choices:
          - {id: wuhan, label: {zh: 武汉, en: Wuhan}}
          - {id: none, label: {zh: 无, en: none}}
        alert: {values: [wuhan]}
"""
    + SOURCE
    + """\
  - id: prison.vehicle
    title: {zh: 转运前消毒车辆, en: Disinfect the vehicle}
    applies_to: [prison]
    section: health
    trigger: {event: transfer}
    deadline: {within: P1D, before: event}
"""
    + SOURCE
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def named(cli: Cli, tmp_path: Path) -> Cli:
    """A prison started on the small catalog with named kinds of event, on 2020-01-27."""
    path = write(tmp_path, HEAD + EVENTS + MEASURES)

    def run(*args: str, input: str | None = None) -> Result:
        return cli(*args, "--catalog", str(path), input=input)

    assert run("start", "--unit", "prison", "--now", "2020-01-27T08:00").exit_code == 0
    return run


def test_a_recurrence_in_words(named: Cli) -> None:
    assert "重复：每 8 小时" in named("list", "--now", "2020-01-27T09:00", "--lang", "zh").stdout
    assert "recurs: every 8 hours" in named("list", "--now", "2020-01-27T09:00", "--lang", "en").stdout


def test_a_trigger_and_a_deadline_after_and_before_an_event_in_words(named: Cli) -> None:
    zh = named("list", "--detail", "--now", "2020-01-27T09:00", "--lang", "zh").stdout
    assert "按对象记录（每次入监）：暂无" in zh
    assert "触发：每次入监（新收押罪犯） · 时限：入监后 14 天内" in zh
    assert "触发：每次转运 · 时限：转运前 1 天" in zh
    assert "admission" not in zh and "transfer" not in zh
    en = named("list", "--detail", "--now", "2020-01-27T09:00", "--lang", "en").stdout
    assert "kept per subject (each admission): none yet" in en
    assert "trigger: each admission (newly admitted prisoner) · deadline: within 14 days of admission" in en
    assert "trigger: each transfer · deadline: 1 day before transfer" in en


def test_an_event_recorded_and_withdrawn_by_its_name(named: Cli) -> None:
    # typed by its Chinese name: recorded as its id, shown by its name
    recorded = named("event", "入监", "P1", "--type", "在押人员", "--now", "2020-01-27T10:00", "--lang", "zh")
    assert recorded.exit_code == 0, recorded
    assert "已记录事件：入监 · P1" in recorded.stderr and "admission" not in recorded.stderr
    assert "对象类型：在押人员" in recorded.stderr
    assert records()[-1]["event"] == "admission" and records()[-1]["subject_type"] == "custody"
    again = named(
        "event", "admission", "P1", "--type", "custody", "--at", "2020-01-27T10:00", "--now", "2020-01-27T11:00"
    )
    assert "admission of P1 is recorded already; nothing recorded." in again.stderr
    subjects = named("subjects", "--now", "2020-01-27T11:00", "--lang", "zh").stdout
    assert "入监" in subjects and "在押人员" in subjects and "admission" not in subjects
    log = named("log", "--lang", "zh").stdout
    assert "入监 · P1 · 在押人员" in log
    withdrawn = named(
        "event", "admission", "P1", "--withdraw", "--note", "录入错误", "--now", "2020-01-27T12:00", "--lang", "en"
    )
    assert withdrawn.exit_code == 0, withdrawn
    assert "Withdrew admission of P1." in withdrawn.stderr
    status = named("status", "--now", "2020-01-27T12:00", "--lang", "zh").stdout
    assert "入监 P1 → 撤回事件" in status


def test_a_second_occurrence_is_named_by_its_kind(named: Cli) -> None:
    for at in ("2020-01-27T10:00", "2020-01-28T10:00"):
        assert named("event", "admission", "P1", "--type", "custody", "--at", at, "--now", at).exit_code == 0
    zh = named("list", "--now", "2020-01-28T11:00", "--lang", "zh").stdout
    assert "P1（第 2 次入监，2020年1月28日 10:00）" in zh
    en = named("list", "--now", "2020-01-28T11:00", "--lang", "en").stdout
    assert "P1, 2nd admission, 2020-01-28 10:00" in en


def test_choice_and_yes_no_figures_by_their_names(named: Cli) -> None:
    assert named("event", "admission", "P1", "--type", "custody", "--now", "2020-01-27T10:00").exit_code == 0
    done = named(
        "done", "prison.exam", "--subject", "P1", "--set", "cellmates=3", "--set", "symptoms=是",
        "--set", "contact=武汉", "--now", "2020-01-27T11:00", "--lang", "zh",
    )  # fmt: skip
    assert done.exit_code == 0, done
    assert records()[-1]["figures"] == {"cellmates": 3, "symptoms": True, "contact": "wuhan"}  # ids, as kept
    assert "⚠ 警示：有症状为“是”" in done.stderr and "⚠ 警示：接触史为“武汉”" in done.stderr
    zh = named("status", "--now", "2020-01-27T12:00", "--lang", "zh").stdout
    assert "有症状 = 是, 接触史 = 武汉" in zh and "True" not in zh and "wuhan" not in zh
    en = named("status", "--now", "2020-01-27T12:00", "--lang", "en").stdout
    assert "Symptoms = yes, Contact = Wuhan" in en and "True" not in en
    assert "symptoms=否" not in named("log", "--lang", "zh").stdout
    assert "symptoms=是, contact=武汉" in named("log", "--lang", "zh").stdout
    assert "symptoms=yes, contact=Wuhan" in named("log", "--lang", "en").stdout
    listed = json.loads(named("list", "--json", "--now", "2020-01-27T12:00").stdout)
    exam = next(i for i in listed["items"] if i["id"] == "prison.exam")
    assert exam["latest"]["contact"] == "wuhan" and exam["latest"]["symptoms"] is True  # JSON keeps the ids
    # by its English name, or its id, too; anything else is refused with the choices
    assert (
        named("done", "prison.exam", "--subject", "P1", "--set", "contact=wuhan", "--now", "2020-01-27T13:00").exit_code
        == 0
    )
    refused = named("done", "prison.exam", "--subject", "P1", "--set", "contact=Hubei", "--now", "2020-01-27T13:00")
    assert refused.exit_code == 1 and "Wuhan, none" in refused.stderr and "wuhan" not in refused.stderr  # by name
    zh = named(
        "done", "prison.exam", "--subject", "P1", "--set", "contact=湖北", "--now", "2020-01-27T13:00", "--lang", "zh"
    )
    assert zh.exit_code == 1 and "武汉、无" in zh.stderr and "wuhan" not in zh.stderr


def test_the_walk_asks_each_field_by_its_label_type_and_choices(named: Cli) -> None:
    assert named("event", "admission", "P1", "--type", "custody", "--now", "2020-01-27T10:00").exit_code == 0
    answers = "s\nd\n\n3\n是\n武汉\n\nq\n"  # skip the rounds; the exam: no note, 3 figures, no file
    zh = named("walk", "--now", "2020-01-27T11:00", "--lang", "zh", input=answers)
    assert zh.exit_code == 0, zh
    assert "同监人数（整数，0–…）" in zh.stderr
    assert "有症状（是/否）" in zh.stderr
    assert "接触史（选一项：武汉、无）" in zh.stderr
    assert "integer" not in zh.stderr and "yesno" not in zh.stderr
    assert "触发：每次入监（新收押罪犯） · 时限：入监后 14 天内" in zh.stdout
    assert records()[-1]["figures"] == {"cellmates": 3, "symptoms": True, "contact": "wuhan"}
    en = named("walk", "--now", "2020-01-27T11:00", "--lang", "en", input="d\n\nq\n")
    assert "Rounds" in en.stdout
    named("event", "admission", "P2", "--type", "custody", "--now", "2020-01-27T12:00")
    en = named("walk", "--now", "2020-01-27T12:00", "--lang", "en", input="s\nd\n\n0\nno\nnone\n\nq\n")
    assert "Cellmates (whole number, 0–…)" in en.stderr
    assert "Symptoms (yes/no)" in en.stderr
    assert "Contact (one of: Wuhan/none)" in en.stderr


def test_an_undeclared_kind_of_event_is_a_located_error_with_the_closest_names(cli: Cli, tmp_path: Path) -> None:
    text = HEAD + EVENTS + MEASURES.replace("trigger: {event: transfer}", "trigger: {event: transfr}")
    path = write(tmp_path, text)
    line = next(n for n, said in enumerate(text.splitlines(), start=1) if "transfr" in said)
    result = cli("validate", str(path))
    assert result.exit_code == 3
    assert f"catalog.yaml:{line}:" in result.stdout
    assert "the event kind 'transfr' is not declared in the head's events" in result.stdout
    assert "did you mean transfer?" in result.stdout
    zh = cli("validate", str(path), "--lang", "zh").stdout
    assert "事件类型“transfr”未在措施目录开头的 events 中声明" in zh and "；是否应为 transfer？" in zh


def test_an_unnamed_kind_of_event_or_choice_is_a_warning_and_shows_its_id(cli: Cli, tmp_path: Path) -> None:
    plain = MEASURES.replace(
        "        choices:\n          - {id: wuhan, label: {zh: 武汉, en: Wuhan}}\n"
        "          - {id: none, label: {zh: 无, en: none}}\n",
        "        choices: [wuhan, none]\n",
    )
    path = write(tmp_path, HEAD + plain)  # no events in the head
    result = cli("validate", str(path))
    assert result.exit_code == 0, result
    assert (
        "warning: measure prison.exam, field 'trigger.event': the event kind 'admission' has no name" in result.stdout
    )
    assert "the choices wuhan, none have no names" in result.stdout
    assert cli("validate", "--strict", str(path)).exit_code == 3
    # it loads, and shows the id
    assert cli("start", "--unit", "prison", "--catalog", str(path), "--now", "2020-01-27T08:00").exit_code == 0
    shown = cli("list", "--catalog", str(path), "--now", "2020-01-27T09:00", "--lang", "zh").stdout
    assert "按对象记录（每次 admission）：暂无" in shown


def test_a_catalog_without_names_keeps_its_digest_and_wording(tmp_path: Path) -> None:
    before = catalogs.load(write(tmp_path, HEAD + MEASURES.replace("- id: contact", "- id: contact")))
    assert before.meta.events == []
    named = catalogs.load(write(tmp_path, HEAD + EVENTS + MEASURES))
    assert [m.wording() for m in named.measures] == [m.wording() for m in before.measures]


def test_the_bundled_catalog_names_every_kind_of_event_subject_type_and_choice() -> None:
    bundled = catalogs.load()
    kinds = {m.trigger.event for m in bundled.measures if m.trigger}
    assert kinds == {k.id for k in bundled.meta.events}
    for named in [*bundled.meta.events, *bundled.meta.subject_types]:
        assert named.name.zh and named.name.en, named.id
    for measure in bundled.measures:
        for spec in measure.fields:
            for choice in spec.choice_ids:
                label = spec.choice_label(choice)
                assert label is not None and label.zh and label.en, (measure.id, spec.id, choice)
    assert catalogs.check(catalogs.bundled_path(), strict=True).warnings == []


def test_a_real_process_under_a_chinese_locale_names_the_event(proc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, HEAD + EVENTS + MEASURES)
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "CHECKLIST_LANG": ""}
    started = proc("start", "--unit", "prison", "--catalog", str(path), "--now", "2020-01-27T08:00", env=env)
    assert started.exit_code == 0, started
    said = proc(
        "event", "admission", "P1", "--type", "custody", "--catalog", str(path), "--now", "2020-01-27T10:00", env=env
    )
    assert "已记录事件：入监 · P1" in said.stderr


@pytest.mark.parametrize(
    ("deadline", "zh", "en"),
    [
        ({"date": "2020-01-31"}, "2020年1月31日前", "by 2020-01-31"),
        ({"days": 3, "after": "start"}, "开始后 3 天内", "within 3 days of the start"),
        ({"days": 0, "after": "start"}, "开始当天", "on the day it begins"),
        ({"days": 0, "after": "event"}, "入监当天", "on the day of admission"),
        ({"within": "PT2H", "after": "event"}, "入监后 2 小时内", "within 2 hours of admission"),
        ({"within": "P1M3D", "after": "event"}, "入监后 1 个月 3 天内", "within 1 month and 3 days of admission"),
        ({"within": "PT1H30M", "before": "event"}, "入监前 1 小时 30 分钟", "1 hour and 30 minutes before admission"),
        ({"days": 1, "before": "event"}, "入监前 1 天", "1 day before admission"),
    ],
)
def test_every_form_of_deadline_in_words(tmp_path: Path, deadline: dict[str, object], zh: str, en: str) -> None:
    from checklist.core.models import Deadline
    from checklist.present.words import deadline_words

    catalog = catalogs.load(write(tmp_path, HEAD + EVENTS + MEASURES))
    exam = next(m for m in catalog.measures if m.id == "prison.exam")
    measure = exam.model_copy(update={"deadline": Deadline.model_validate(deadline)})
    assert (deadline_words(measure, catalog, "zh"), deadline_words(measure, catalog, "en")) == (zh, en)


def test_a_figures_unit_in_words_of_both_languages(cli: Cli, tmp_path: Path) -> None:
    """A unit may be a symbol (°C) or words in the two languages ({zh: 人, en: people})."""
    counted = MEASURES.replace(
        "type: integer, min: 0}", "type: integer, min: 0, max: 20, unit: {zh: 人, en: people}, alert: {above: 3}}"
    )
    path = write(tmp_path, HEAD + EVENTS + counted)

    def run(*args: str, input: str | None = None) -> Result:
        return cli(*args, "--catalog", str(path), input=input)

    assert cli("validate", str(path), "--strict").exit_code == 0
    assert run("start", "--unit", "prison", "--now", "2020-01-27T08:00").exit_code == 0
    assert run("event", "admission", "P1", "--type", "custody", "--now", "2020-01-27T10:00").exit_code == 0
    walked = run("walk", "--now", "2020-01-27T11:00", "--lang", "zh", input="s\nd\n\n30\n3\n否\n无\n\nq\n")
    assert "同监人数（整数，0–20，人）" in walked.stderr and "people" not in walked.output
    assert "cellmates = 30 超出范围：允许 0 至 20 人" in walked.stderr, walked.stderr  # refused, asked again
    assert records()[-1]["figures"] == {"cellmates": 3, "symptoms": False, "contact": "none"}
    refused = run("done", "prison.exam", "--subject", "P1", "--set", "cellmates=30", "--now", "2020-01-27T12:00")
    assert refused.exit_code == 1 and "allowed 0 to 20 people" in refused.stderr
    alert = run("done", "prison.exam", "--subject", "P1", "--set", "cellmates=4", "--set", "symptoms=no",
                "--set", "contact=none", "--now", "2020-01-27T12:00", "--lang", "zh")  # fmt: skip
    assert alert.exit_code == 0 and "⚠ 警示：同监人数 = 4" in alert.stderr, alert  # above 3: an alert
    assert "4 people" in run("status", "--now", "2020-01-27T12:00", "--lang", "en").stdout
    assert "4 人" in run("status", "--now", "2020-01-27T12:00", "--lang", "zh").stdout
