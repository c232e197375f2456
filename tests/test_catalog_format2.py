"""Catalog 2's format: the catalog's own guidance apart from the source, a figure's
definition, alerts on yes/no and choice fields, and measures that replace earlier ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checklist.core import catalog as catalogs
from checklist.core.figures import alerts
from checklist.core.models import FieldSpec

from .test_catalog import HEAD, MEASURE, problems_of, write
from .test_upgrade import write_catalog

TRIGGERED = """\
  - id: prison.exam
    title: {zh: 收押当天体检, en: Examine on admission}
    guidance: {zh: 体检表存档。, en: File the exam sheet.}
    applies_to: [prison]
    section: containment
    source:
      issuer: {zh: 监狱管理局, en: Prison administration}
      quote: 收押当天即行严格体检
    evidence: [figures]
    trigger: {event: admission}
    fields:
      - id: symptoms
        label: {zh: 有症状, en: Symptoms}
        type: yesno
        alert: {values: [yes]}
        definition: {zh: 发热、咳嗽、乏力或气促。, en: "Fever, cough, fatigue or shortness of breath."}
      - id: ward
        label: {zh: 去向, en: Sent to}
        type: choice
        choices: [general, isolation]
        required: false
        alert: {values: [isolation]}
"""


def field(**spec: object) -> FieldSpec:
    return FieldSpec.model_validate({"id": "f", "label": {"zh": "甲", "en": "A"}, **spec})


class TestAlertsOnYesNoAndChoices:
    def test_a_yes_or_a_choice_named_by_the_alert_is_flagged(self) -> None:
        yesno = field(type="yesno", alert={"values": [True]})
        choice = field(type="choice", choices=["a", "b"], alert={"values": ["b"]})
        assert alerts([yesno], {"f": True}) == [yesno]
        assert alerts([yesno], {"f": False}) == []
        assert alerts([choice], {"f": "b"}) == [choice]
        assert alerts([choice], {"f": "a"}) == []

    def test_a_number_is_not_a_yes(self) -> None:
        yesno = field(type="yesno", alert={"values": [True]})
        assert alerts([yesno], {"f": 1}) == []  # bool is an int in Python: 1 == True must not flag

    def test_thresholds_still_flag_numbers_only(self) -> None:
        number = field(type="number", alert={"at_least": 37.3})
        assert alerts([number], {"f": 37.3}) == [number]
        assert alerts([number], {"f": True}) == []

    @pytest.mark.parametrize(
        ("spec", "code"),
        [
            ({"type": "yesno", "alert": {"values": ["maybe"]}}, "field.alert_value"),
            ({"type": "choice", "choices": ["a"], "alert": {"values": ["z"]}}, "field.alert_value"),
            ({"type": "choice", "choices": ["a"], "alert": {"values": []}}, "field.alert_value"),
            ({"type": "integer", "alert": {"values": [1]}}, "field.alert_values"),
            ({"type": "yesno", "alert": {"above": 0}}, "field.bounds_not_numeric"),
            ({"type": "yesno", "alert": {"above": 0, "values": [True]}}, "field.bounds_not_numeric"),
            (
                {"type": "choice", "choices": ["a"], "alert": {"at_most": 1, "values": ["a"]}},
                "field.bounds_not_numeric",
            ),
        ],
    )
    def test_alerts_that_cannot_work_are_refused(self, tmp_path: Path, spec: dict[str, object], code: str) -> None:
        fields = json.dumps([{"id": "f", "label": {"zh": "甲", "en": "A"}, **spec}], ensure_ascii=False)
        text = MEASURE + f"    evidence: [figures]\n    fields: {fields}\n"
        found = problems_of(write(tmp_path, HEAD + "measures:\n" + text))
        assert [p.message.code for p in found] == [code]
        assert found[0].line is not None and found[0].field == "fields[0]"

    def test_a_symptomatic_admission_raises_an_alert_end_to_end(self, cli, tmp_path: Path) -> None:
        source = write_catalog(tmp_path / "catalog", TRIGGERED)
        assert cli("start", "--unit", "prison", "--catalog", str(source)).exit_code == 0
        assert cli("event", "admission", "--subject", "张三").exit_code == 0
        done = cli("done", "prison.exam", "--subject", "张三", "--set", "symptoms=yes", "--set", "ward=isolation")
        assert done.exit_code == 0
        assert "⚠ alert: Symptoms is yes" in done.stderr and "⚠ alert: Sent to is isolation" in done.stderr
        item = next(i for i in cli("list", "--json").json()["items"] if i["id"] == "prison.exam")
        assert sorted(item["alerts"]) == ["symptoms", "ward"]
        figures = cli("status", "--lang", "zh").stdout
        assert "是 ⚠ 警示" in figures and "True" not in figures  # a yes/no in words, in the user's language
        assert cli("event", "admission", "--subject", "李四").exit_code == 0
        calm = cli("done", "prison.exam", "--subject", "李四", "--set", "symptoms=no", "--set", "ward=general")
        assert calm.exit_code == 0 and "alert" not in calm.stderr
        listed = cli("list", "--json").json()
        items = [i for i in listed["items"] if i["id"] == "prison.exam"]
        # 李四 is settled for good and archived; 张三's alert keeps the subject in view
        assert {i["subject"]: i["alerts"] for i in items} == {"张三": ["symptoms", "ward"]}
        assert [(a["id"], a["done"]) for a in listed["archived"]] == [("prison.exam", 1)]


class TestGuidanceAndDefinitions:
    def test_guidance_and_definitions_load_and_show_apart_from_the_source(self, cli, tmp_path: Path) -> None:
        source = write_catalog(tmp_path / "catalog", TRIGGERED)
        catalog = catalogs.load(source)
        measure = catalog.measures[0]
        assert measure.guidance is not None and measure.guidance.en == "File the exam sheet."
        assert measure.fields[0].definition is not None
        cli("start", "--unit", "prison", "--catalog", str(source))
        cli("event", "admission", "--subject", "张三")
        shown = cli("walk", "--lang", "en", input="q\n")
        text = shown.stdout + shown.stderr
        assert "File the exam sheet." in text and "Fever, cough, fatigue or shortness of breath." in text
        assert (
            text.index("收押当天即行严格体检") < text.index("Catalog's guidance") < text.index("File the exam sheet.")
        )
        assert text.index("Catalog's guidance") < text.index("What each figure counts")
        zh = cli("walk", "--lang", "zh", input="q\n")
        assert "目录编者的说明：体检表存档。" in zh.stdout + zh.stderr

    def test_list_shows_the_source_and_the_guidance_apart_on_request(self, cli, tmp_path: Path) -> None:
        detailed = MEASURE + "    detail: {zh: 全面停止罪犯接见。, en: All visits to prisoners stop.}\n"
        guided = detailed + "    guidance: {zh: 在门口张贴公告。, en: Post a notice at the gate.}\n"
        cli("start", "--unit", "prison", "--catalog", str(write_catalog(tmp_path / "catalog", guided)))
        plain = cli("list").stdout
        assert "All visits to prisoners stop." not in plain and "Post a notice" not in plain
        shown = cli("list", "--detail").stdout
        assert shown.index("All visits to prisoners stop.") < shown.index(
            "Catalog's guidance: Post a notice at the gate."
        )
        assert "目录编者的说明：在门口张贴公告。" in cli("list", "-d", "--lang", "zh").stdout
        item = cli("list", "--json").json()["items"][0]
        assert item["detail"] == {"zh": "全面停止罪犯接见。", "en": "All visits to prisoners stop."}
        assert item["guidance"] == {"zh": "在门口张贴公告。", "en": "Post a notice at the gate."}

    def test_guidance_does_not_count_as_rewording(self, tmp_path: Path) -> None:
        plain = catalogs.load(write_catalog(tmp_path / "a", MEASURE))
        guided = catalogs.load(write_catalog(tmp_path / "b", MEASURE + "    guidance: {zh: 说明。, en: A note.}\n"))
        assert plain.measures[0].wording() == guided.measures[0].wording()

    def test_full_width_punctuation_is_not_a_rewording_but_other_words_are(self, cli, tmp_path: Path) -> None:
        half = MEASURE + "    detail: {zh: '停止接见,视频会见(试行);', en: Stop visits.}\n"
        source = write_catalog(tmp_path / "catalog", half)
        cli("start", "--unit", "prison", "--catalog", str(source))
        assert cli("done", "prison.visits", "--note", "已停止").exit_code == 0
        write_catalog(source, half.replace("停止接见,视频会见(试行);", "停止接见，视频会见（试行）；"), version="2")
        upgraded = cli("upgrade")
        assert "0 reworded" in upgraded.stderr, upgraded.stderr
        assert cli("list", "--json").json()["items"][0]["changed_wording"] is False
        write_catalog(source, half.replace("停止接见,视频会见(试行);", "停止接见，视频会见；"), version="3")
        assert "1 reworded" in cli("upgrade").stderr
        assert cli("list", "--json").json()["items"][0]["changed_wording"] is True


class TestReplaces:
    def test_a_replaced_id_still_in_the_catalog_or_replaced_twice_is_refused(self, tmp_path: Path) -> None:
        masks = MEASURE.replace("prison.visits", "prison.masks")
        replaces_live = masks + "    replaces: [prison.visits]\n"
        found = problems_of(write(tmp_path, HEAD + "measures:\n" + MEASURE + replaces_live))
        assert [p.message.code for p in found] == ["catalog.replaces_live"]
        assert found[0].measure == "prison.masks" and found[0].field == "replaces"
        twice = (
            masks + "    replaces: [prison.old]\n",
            MEASURE.replace("prison.visits", "prison.gloves") + "    replaces: [prison.old]\n",
        )
        found = problems_of(write(tmp_path, HEAD + "measures:\n" + "".join(twice)))
        assert [p.message.code for p in found] == ["catalog.replaced_twice"]
        itself = problems_of(write(tmp_path, HEAD + "measures:\n" + MEASURE + "    replaces: [prison.visits]\n"))
        assert [p.message.code for p in itself] == ["measure.replaces"]

    def test_upgrade_carries_records_of_replaced_ids_over_and_says_so(self, cli, tmp_path: Path) -> None:
        source = write_catalog(tmp_path / "catalog", MEASURE, TRIGGERED)
        assert cli("start", "--unit", "prison", "--catalog", str(source)).exit_code == 0
        assert cli("done", "prison.visits", "--note", "已停止接见", "--by", "甲").exit_code == 0
        assert cli("event", "admission", "--subject", "张三").exit_code == 0
        assert cli("done", "prison.exam", "--subject", "张三", "--set", "symptoms=no").exit_code == 0
        renamed = MEASURE.replace("prison.visits", "shared.visits") + "    replaces: [prison.visits]\n"
        exam = TRIGGERED.replace("prison.exam", "prison.admission-exam") + "    replaces: [prison.exam]\n"
        write_catalog(source, renamed, exam, version="2")

        result = cli("upgrade")
        assert result.exit_code == 0, result.stderr
        assert "(0 new, 0 retired, 0 reworded, 2 carried over)" in result.stderr
        assert "records of prison.visits carry over to shared.visits" in result.stderr
        last = json.loads(Path(".checklist/units/prison/records.jsonl").read_text().splitlines()[-1])
        assert "prison.visits → shared.visits" in last["note"] and "prison.exam → prison.admission-exam" in last["note"]
        assert "prison.visits → shared.visits" in cli("log").stdout  # the log shows what was carried over

        listed = cli("list", "--json").json()
        items = {(i["id"], i["subject"]): i for i in listed["items"]}
        assert items["shared.visits", None]["state"] == "done"
        assert items["shared.visits", None]["last"]["actor"] == "甲"
        assert [(a["id"], a["done"]) for a in listed["archived"]] == [("prison.admission-exam", 1)]  # 张三, settled
        status = cli("status", "--json").json()
        assert status["retired"] == {} and status["totals"]["done"] == 2
        # what is recorded from now on goes under the new id, and folds with what came before
        assert cli("reopen", "shared.visits", "--reason", "恢复接见").exit_code == 0
        assert {i["id"]: i["state"] for i in cli("list", "--json").json()["items"]}["shared.visits"] == "open"
        assert cli("verify").exit_code == 0
        # a fold from nothing (no saved index) says the same
        Path(".checklist/units/prison/index.json").unlink()
        assert {i["id"]: i["state"] for i in cli("list", "--json").json()["items"]}["shared.visits"] == "open"
        assert cli("verify").exit_code == 0


def test_list_shows_items_in_number_order_and_a_chinese_heading_without_a_stray_space(cli, tmp_path: Path) -> None:
    masks = MEASURE.replace("prison.visits", "prison.masks").replace("停止接见", "配发口罩")
    source = write_catalog(tmp_path / "catalog", MEASURE, TRIGGERED, masks)  # 1, 2 (per subject), 3
    cli("start", "--unit", "prison", "--name", "长沙监狱", "--catalog", str(source))
    for subjects in ((), ("张三",)):
        for subject in subjects:
            cli("event", "admission", "--subject", subject)
        shown = cli("list", "--lang", "zh").stdout
        numbers = [int(line.split()[0]) for line in shown.splitlines() if line.strip()[:1].isdigit()]
        assert numbers == [1, 2, 3], shown
        assert "长沙监狱的检查清单" in shown


class TestOneLanguageAndSourceStatus:
    ONE_LANGUAGE = """\
  - id: prison.visits
    title: {zh: 停止接见}
    applies_to: [prison]
    section: containment
    source:
      issuer: {en: Prison administration}
      quote: All visits to prisoners stop.
      status: translation
"""

    def test_a_text_in_one_language_is_shown_as_missing_in_the_other(self, cli, tmp_path: Path) -> None:
        source = write_catalog(tmp_path / "catalog", self.ONE_LANGUAGE)
        assert cli("validate", str(source)).exit_code == 0
        cli("start", "--unit", "prison", "--catalog", str(source))
        assert "[no English] 停止接见" in cli("list", "--lang", "en").stdout
        assert "停止接见" in cli("list", "--lang", "zh").stdout
        assert cli("list", "--json").json()["items"][0]["title"] == {"zh": "停止接见", "en": None}
        walk = cli("walk", "--lang", "zh", input="q\n")
        shown = walk.stdout + walk.stderr
        assert "［无中文］Prison administration" in shown  # the issuer, not invented in Chinese
        assert "「All visits to prisoners stop.」 （译文，非原文）" in shown

    def test_a_text_in_no_language_and_an_unknown_status_are_refused(self, tmp_path: Path) -> None:
        none = self.ONE_LANGUAGE.replace("title: {zh: 停止接见}", "title: {}")
        found = problems_of(write(tmp_path, HEAD + "measures:\n" + none))
        assert [(p.field, p.message.code) for p in found] == [("title", "text.no_language")]
        said = self.ONE_LANGUAGE.replace("status: translation", "status: hearsay")
        (problem,) = problems_of(write(tmp_path, HEAD + "measures:\n" + said))
        assert problem.field == "source.status"
