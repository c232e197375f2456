"""The bundled catalog, and the loader's validation of bad catalogs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from checklist.core import catalog as catalogs
from checklist.core.errors import CatalogError, Problem
from checklist.core.models import Catalog, Text
from checklist.present.messages import problem_text

from .conftest import SEED, SEED_COPY

KINDS = ["department", "community-corrections", "prison", "rehab", "college", "city-bureau", "bar-association"]

HEAD = """\
catalog:
  name: mini
  version: "1"
  title: {zh: 小目录, en: Mini catalog}
  issuer: {zh: 某厅, en: A department}
  timezone: Asia/Shanghai
  unit_kinds:
    - {id: prison, name: {zh: 监狱, en: Prison}}
  sections:
    - {id: containment, name: {zh: 封闭管理, en: Containment}}
"""

MEASURE = """\
  - id: prison.visits
    title: {zh: 停止接见, en: Stop visits}
    applies_to: [prison]
    section: containment
    priority: critical
    source:
      issuer: {zh: 监狱管理局, en: Prison administration}
      date: 2020-01-25
      quote: 全面停止罪犯接见。
"""


def write(tmp_path: Path, text: str | bytes, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(CatalogError) as info:
        catalogs.load(path)
    return info.value.problems


class TestBundledCatalog:
    def test_loads_with_metadata(self) -> None:
        catalog = catalogs.load()
        assert catalog.meta.name == "hunan-justice-covid19"
        assert catalog.meta.timezone == "Asia/Shanghai"
        assert catalog.meta.issuer.zh == "湖南省司法厅"
        assert catalog.digest.startswith("sha256:") and len(catalog.digest) == 71

    def test_has_exactly_the_seven_unit_kinds_with_both_names(self) -> None:
        catalog = catalogs.load()
        assert [k.id for k in catalog.meta.unit_kinds] == KINDS
        for kind in catalog.meta.unit_kinds:
            assert kind.name.zh and kind.name.en

    @pytest.mark.parametrize("kind", KINDS)
    def test_every_kind_has_its_own_measures_and_the_system_wide_ones(self, kind: str) -> None:
        catalog = catalogs.load()
        measures = catalog.for_kind(kind)
        own = [m for m in measures if m.applies_to != "all"]
        assert own, f"{kind} has no measures of its own"
        system = {m.id for m in measures if m.applies_to == "all"}
        assert {"system.three-zeros", "system.three-level-duty", "system.joint-prevention"} <= system

    def test_every_measure_quotes_the_seed_verbatim(self) -> None:
        if SEED.exists():  # beside a checkout of the project: the copy must be that document, byte for byte
            assert SEED.read_bytes() == SEED_COPY.read_bytes()
        seed = SEED_COPY.read_text(encoding="utf-8")
        for measure in catalogs.load().measures:
            assert measure.source.status == "verbatim", measure.id
            assert measure.source.quote in seed, measure.id

    def test_chinese_the_catalog_writes_uses_full_width_punctuation(self) -> None:
        """Titles, details, guidance, labels, definitions, examples and names: ，；：（） beside
        Chinese, not ,;:() (a quote is the source's own text, and stays as the source has it)."""
        half_width = re.compile(r"[\u4e00-\u9fff“”][,;:()]|[,;:()][\u4e00-\u9fff“”]")
        texts = list(_texts(catalogs.load()))
        assert [where for where, text in texts if text.zh is None or text.en is None] == []  # both languages
        found = [(where, text.zh) for where, text in texts if half_width.search(text.zh or "") is not None]
        assert found == []

    def test_every_measure_has_both_languages_and_a_known_section(self) -> None:
        catalog = catalogs.load()
        sections = {s.id for s in catalog.meta.sections}
        for measure in catalog.measures:
            assert measure.title.zh and measure.title.en
            assert measure.section in sections

    def test_prison_measures_from_the_text(self) -> None:
        ids = {m.id for m in catalogs.load().for_kind("prison")}
        assert "prison.visits-suspended" in ids
        isolation = catalogs.load().measures[
            [m.id for m in catalogs.load().measures].index("prison.new-admission-isolation")
        ]
        assert isolation.trigger is not None and isolation.trigger.event == "admission"
        assert isolation.trigger.lasts_days == 14

    def test_three_zeros_records_its_three_figures(self) -> None:
        three = next(m for m in catalogs.load().measures if m.id == "system.three-zeros")
        assert [f.id for f in three.fields] == ["infections", "reported_cases", "hype_incidents"]
        assert three.recurrence is not None and three.recurrence.every == "day"

    def test_bundled_path_points_at_the_measures_folder(self) -> None:
        path = catalogs.bundled_path()
        assert (path / "00-catalog.yaml").is_file()

    def test_digest_ignores_formatting(self, tmp_path: Path) -> None:
        one = catalogs.load(write(tmp_path, HEAD + "measures:\n" + MEASURE, "a.yaml"))
        reflowed = HEAD.replace("title: {zh: 小目录, en: Mini catalog}", "title:\n    zh: 小目录\n    en: Mini catalog")
        two = catalogs.load(write(tmp_path, "# a comment\n" + reflowed + "measures:\n" + MEASURE, "b.yaml"))
        assert one.digest == two.digest


class TestValidation:
    def test_a_good_small_catalog_loads(self, tmp_path: Path) -> None:
        catalog = catalogs.load(write(tmp_path, HEAD + "measures:\n" + MEASURE))
        assert [m.id for m in catalog.measures] == ["prison.visits"]

    def test_folder_of_files_in_name_order(self, tmp_path: Path) -> None:
        write(tmp_path, HEAD, "00-head.yaml")
        write(tmp_path, "measures:\n" + MEASURE.replace("prison.visits", "prison.b"), "20-b.yaml")
        write(tmp_path, "measures:\n" + MEASURE.replace("prison.visits", "prison.a"), "10-a.yaml")
        assert [m.id for m in catalogs.load(tmp_path).measures] == ["prison.a", "prison.b"]

    def test_duplicate_ids_name_both_places(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE + MEASURE)
        (problem,) = problems_of(path)
        assert problem.measure == "prison.visits" and problem.field == "id"
        assert problem.line == 21  # the second definition's id
        assert "duplicate measure id (first defined at" in str(problem.message) and ":12)" in str(problem.message)

    def test_unknown_unit_kind_lists_the_known_ones(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE.replace("applies_to: [prison]", "applies_to: [prizon]"))
        (problem,) = problems_of(path)
        assert "unknown unit kind 'prizon' (known: prison)" in str(problem.message)
        assert (problem.line, problem.field) == (14, "applies_to")

    def test_missing_translation_is_a_warning(self, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        path = write(
            tmp_path, HEAD + "measures:\n" + MEASURE.replace("{zh: 停止接见, en: Stop visits}", "{zh: 停止接见}")
        )
        assert catalogs.load(path).measures[0].title("en") == "[no English] 停止接见"  # it loads
        checked = cli("validate", str(path))
        assert checked.exit_code == 0
        assert "13:12: warning: measure prison.visits, field 'title': given in zh only" in checked.stdout
        assert cli("validate", "--strict", str(path)).exit_code == 3

    def test_bad_date(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE.replace("2020-01-25", "2020-02-30"))
        (problem,) = problems_of(path)
        assert (problem.field, problem.line, problem.column) == ("source.date", 19, 13)
        assert "date" in str(problem.message)

    def test_unknown_key(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE + "    priorty: high\n")
        (problem,) = problems_of(path)
        assert problem.field == "priorty" and problem.line == 21
        assert "unknown key" in str(problem.message)

    def test_wrong_type(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE.replace("priority: critical", "priority: [critical]"))
        (problem,) = problems_of(path)
        assert problem.field == "priority" and problem.line == 16
        assert "'critical', 'high' or 'normal'" in str(problem.message)

    def test_every_problem_is_reported_at_once(self, tmp_path: Path) -> None:
        bad = MEASURE.replace("priority: critical", "priority: urgent").replace("en: Stop visits", "en: ''")
        write(tmp_path, HEAD, "00-head.yaml")
        write(tmp_path, "measures:\n" + bad, "10-a.yaml")
        write(
            tmp_path,
            "measures:\n" + MEASURE.replace("containment", "nowhere").replace("prison.visits", "prison.b"),
            "20-b.yaml",
        )
        problems = problems_of(tmp_path)
        assert sorted((Path(p.file).name, p.field) for p in problems) == [
            ("10-a.yaml", "priority"),
            ("10-a.yaml", "title.en"),
            ("20-b.yaml", "section"),
        ]

    def test_duplicate_yaml_key_is_an_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE + "    section: containment\n")
        (problem,) = problems_of(path)
        assert "duplicate key 'section' (first at line 15)" in str(problem.message) and problem.line == 21

    def test_python_tags_cannot_construct_objects(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures: !!python/object/apply:os.system ['echo hacked']\n")
        (problem,) = problems_of(path)
        assert "invalid YAML" in str(problem.message) and problem.line == 11

    def test_non_utf8_names_the_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD.encode() + "measures: []\n# 全面停止\n".encode("gbk"))
        (problem,) = problems_of(path)
        assert str(problem.message) == "file is not valid UTF-8" and problem.line == 12

    def test_empty_file(self, tmp_path: Path) -> None:
        (problem,) = problems_of(write(tmp_path, ""))
        assert str(problem.message) == "file is empty"

    def test_byte_order_mark_and_crlf_are_accepted(self, tmp_path: Path) -> None:
        text = ("\ufeff" + HEAD + "measures:\n" + MEASURE).replace("\n", "\r\n")
        assert catalogs.load(write(tmp_path, text)).measures[0].source.quote == "全面停止罪犯接见。"

    def test_syntax_error_has_line_and_column(self, tmp_path: Path) -> None:
        (problem,) = problems_of(write(tmp_path, HEAD + "measures: [\n"))
        assert problem.line is not None and problem.line >= 11 and "invalid YAML" in str(problem.message)

    def test_no_head(self, tmp_path: Path) -> None:
        (problem,) = problems_of(write(tmp_path, "measures:\n" + MEASURE))
        assert "no file has the 'catalog' head" in str(problem.message)

    def test_unknown_time_zone(self, tmp_path: Path) -> None:
        (problem,) = problems_of(write(tmp_path, HEAD.replace("Asia/Shanghai", "Mars/Olympus") + "measures: []\n"))
        assert problem.field == "catalog.timezone" and "unknown time zone" in str(problem.message)

    def test_recurrence_trigger_fields_and_deadline_are_validated(self, tmp_path: Path) -> None:
        extra = (
            "    recurrence: {every: fortnight}\n"
            "    trigger: {event: admission, lasts_days: 0}\n"
            "    deadline: {days: 3}\n"
            "    fields:\n"
            "      - {id: temp, label: {zh: 体温, en: Temperature}, type: number, min: 43, max: 34}\n"
        )
        problems = problems_of(write(tmp_path, HEAD + "measures:\n" + MEASURE + extra))
        assert sorted((p.field or "", p.message.code) for p in problems) == [
            ("deadline", "deadline.relative"),
            ("fields[0]", "field.min_above_max"),
            ("recurrence.every", "recurrence.every"),
            ("trigger.lasts_days", "value.at_least"),
        ]

    def test_yes_and_no_are_words_and_booleans_still_read(self, tmp_path: Path) -> None:
        """YAML 1.2 booleans: `choices: [yes, no]` are two words, not true and false."""
        extra = (
            "    headline: yes\n"
            "    fields:\n"
            "      - {id: answer, label: {zh: 答, en: Answer}, type: choice, choices: [yes, no, on, off, 'true']}\n"
            "      - {id: note, label: {zh: 注, en: Note}, type: text, required: no}\n"
            "      - {id: count, label: {zh: 数, en: Count}, type: integer, required: True}\n"
        )
        (measure,) = catalogs.load(write(tmp_path, HEAD + "measures:\n" + MEASURE + extra)).measures
        answer, note, count = measure.fields
        assert answer.choices == ["yes", "no", "on", "off", "true"]
        assert measure.headline is True and note.required is False and count.required is True

    def test_problem_renders_file_line_column_measure_and_field(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE.replace("priority: critical", "priority: urgent"))
        (problem,) = problems_of(path)
        assert problem_text(problem) == (
            f"{path}:16:15: measure prison.visits, field 'priority': must be 'critical', 'high' or 'normal'"
        )


class TestCommands:
    def test_validate_bundled(self, cli) -> None:
        result = cli("validate")
        assert result.exit_code == 0
        assert "Catalog OK: hunan-justice-covid19 2020.01.27" in result.stderr

    def test_validate_reports_all_problems_and_exits_3(self, cli, tmp_path: Path) -> None:
        bad = MEASURE.replace("priority: critical", "priority: urgent").replace("[prison]", "[prizon]")
        path = write(tmp_path, HEAD + "measures:\n" + bad)
        result = cli("validate", str(path))
        assert result.exit_code == 3
        lines = result.stdout.strip().splitlines()
        assert len(lines) == 3
        assert all(line.startswith(f"{path}:") for line in lines)
        assert lines[2] == (  # after the problems: with `prizon` for prison, no measure applies to prisons
            f"{path}:8:7: warning: field 'catalog.unit_kinds[0]': unit kind 'prison' has no measures: a unit of "
            "this kind would start with an empty checklist; name it in the applies_to of its measures, or remove it"
        )
        assert "2 problems, and 1 warning" in result.stderr

    def test_validate_json(self, cli, tmp_path: Path) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE.replace("2020-01-25", "yesterday"))
        result = cli("validate", str(path), "--json")
        document = result.json()
        assert result.exit_code == 3 and document["valid"] is False
        assert document["problems"][0]["field"] == "source.date" and document["problems"][0]["line"] == 19

    def test_validate_missing_path(self, cli, tmp_path: Path) -> None:
        result = cli("validate", str(tmp_path / "nope"))
        assert result.exit_code == 1 and "catalog not found" in result.stderr

    def test_schema_is_json_schema_of_measure_files(self, cli) -> None:
        schema = cli("schema").json()
        assert schema["title"] == "checklist measure file"
        assert set(schema["properties"]) == {"catalog", "measures"}
        assert schema["$defs"]["Measure"]["additionalProperties"] is False

    def test_units_lists_kinds_with_counts(self, cli) -> None:
        result = cli("units")
        catalog = catalogs.load()
        for kind in catalog.meta.unit_kinds:
            line = next(line for line in result.stdout.splitlines() if line.strip().startswith(kind.id + " "))
            assert str(len(catalog.for_kind(kind.id))) in line.split()

    def test_custom_catalog_by_environment(self, cli, tmp_path: Path, monkeypatch) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE)
        monkeypatch.setenv("CHECKLIST_CATALOG", str(path))
        assert cli("start", "--unit", "prison").exit_code == 0
        monkeypatch.delenv("CHECKLIST_CATALOG")
        listed = cli("list", "--json").json()
        assert [i["id"] for i in listed["items"]] == ["prison.visits"]  # the unit keeps its catalog
        unit = json.loads(Path(".checklist/units/prison/unit.json").read_text())
        assert unit["catalog"]["name"] == "mini" and unit["catalog"]["path"] == str(path)


def test_a_catalog_with_endless_problems_stops_at_a_thousand(tmp_path: Path) -> None:
    import time

    path = write(tmp_path, HEAD + "measures: [" + ",".join(["1"] * 50_000) + "]\n")
    started = time.perf_counter()
    problems = problems_of(path)
    assert time.perf_counter() - started < 5
    assert len(problems) == 1001 and "stopped after 1000 problems; 49000 more measures not checked" in str(
        problems[-1].message
    )


def test_catalog_numbers_must_be_finite(tmp_path: Path) -> None:
    bounds = "    fields:\n      - {id: temp, label: {zh: 体温, en: Temperature}, type: number, max: .inf}\n"
    (problem,) = problems_of(write(tmp_path, HEAD + "measures:\n" + MEASURE + bounds))
    assert problem.field == "fields[0].max" and "finite" in str(problem.message)


def _texts(catalog: Catalog) -> Iterator[tuple[str, Text]]:
    """Every text of a catalog in both languages, but the sources' quotes, with where it is."""

    def walk(value: object, where: str) -> Iterator[tuple[str, Text]]:
        if isinstance(value, Text):
            yield where, value
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(getattr(value, name), f"{where}.{name}")
        elif isinstance(value, list):
            for i, element in enumerate(value):
                yield from walk(element, f"{where}[{i}]")

    yield from walk(catalog.meta, "catalog")
    for measure in catalog.measures:
        yield from walk(measure, measure.id)
