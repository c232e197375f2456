"""How a recurring measure's figures add up over its periods: a field's `aggregate` (sum, latest,
min, max, mean, none), with a default by type (an integer is a count, summed; a number is a
reading, its latest value), for "today" and "since start" in status and `list --json`."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core import blobs
from checklist.core import catalog as catalogs
from checklist.core.filestore import FileStore
from checklist.core.logindex import LogIndex
from checklist.core.models import Catalog, CatalogRef, FieldSpec, Record, Unit
from checklist.core.status import unit_status
from checklist.present.messages import problem_text

from .conftest import OLD_CATALOG
from .test_catalog import HEAD, MEASURE, problems_of, write
from .test_fixture_stores import FIXTURES, VERSIONS
from .test_upgrade import write_catalog

# Twice a day (periods T00:00 and T12:00), one field of each aggregate.
READINGS = """\
  - id: prison.readings
    title: {zh: 体温巡检, en: Temperature rounds}
    applies_to: [prison]
    section: containment
    source:
      issuer: {zh: 监狱管理局, en: Prison administration}
      quote: 每日测温。
    evidence: [figures]
    recurrence: {every: day, times: 2}
    fields:
      - {id: checked, label: {zh: 检测人数, en: People checked}, type: integer}
      - {id: temp, label: {zh: 体温, en: Temperature}, type: number}
      - {id: low, label: {zh: 最低体温, en: Lowest reading}, type: number, aggregate: min}
      - {id: high, label: {zh: 最高体温, en: Highest reading}, type: number, aggregate: max}
      - {id: avg, label: {zh: 发热人数, en: People with fever}, type: integer, aggregate: mean}
      - {id: ward, label: {zh: 监区号, en: Ward number}, type: integer, aggregate: none}
      - {id: remark, label: {zh: 备注, en: Remark}, type: text, required: false}
"""
NOW = "2020-01-28T13:00"  # the current period is 28T12:00, not reported yet


def _set(**values: object) -> list[str]:
    return [arg for name, value in values.items() for arg in ("--set", f"{name}={value}")]


@pytest.fixture
def readings(cli, tmp_path: Path):
    """A prison on the READINGS catalog, started on 26 January 2020 at 01:00."""
    source = write_catalog(tmp_path / "catalog", READINGS)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-26T01:00").exit_code == 0

    def report(period: str, **values: object) -> None:
        args = ("done", "prison.readings", "--for", period, *_set(**values), "--now", NOW)
        result = cli(*args)
        assert result.exit_code == 0, result

    def reopen(period: str) -> None:
        result = cli("reopen", "prison.readings", "--for", period, "--reason", "数字有误", "--now", NOW)
        assert result.exit_code == 0, result

    # 26T00:00 reported; 26T12:00 reported, then reopened: not reported; 27T00:00 reported,
    # then corrected after later periods were; 28T00:00 is the latest period reported
    # (27T12:00 was reported after it); 28T12:00, the current period, not yet.
    report("2020-01-26T00:00", checked=10, temp=36.5, low=36.1, high=37.0, avg=4, ward=1)
    report("2020-01-26T12:00", checked=90, temp=39.0, low=30.0, high=39.0, avg=50, ward=9)
    reopen("2020-01-26T12:00")
    report("2020-01-27T00:00", checked=20, temp=36.8, low=35.9, high=37.6, avg=6, ward=2)
    report("2020-01-28T00:00", checked=7, temp=36.9, low=36.3, high=37.5, avg=3, ward=5)
    report("2020-01-27T12:00", checked=5, temp=37.2, low=36.4, high=36.9, avg=2, ward=4)
    reopen("2020-01-27T00:00")
    report("2020-01-27T00:00", checked=25, temp=36.7, low=36.0, high=37.4, avg=8, ward=3)  # the correction
    return cli


SINCE_START = {"checked": 47, "temp": 36.9, "low": 36.0, "high": 37.5, "avg": 17 / 4}
TODAY = {"checked": 7, "temp": 36.9, "low": 36.3, "high": 37.5, "avg": 3.0}


def _item(cli, now: str = NOW) -> dict[str, Any]:
    result = cli("list", "--json", "--now", now)
    assert result.exit_code == 0, result
    return next(i for i in result.json()["items"] if i["id"] == "prison.readings")


class TestTheCatalogSaysHowAFigureAddsUp:
    def test_defaults_a_count_is_summed_a_reading_is_its_latest_value(self) -> None:
        def spec(kind: str, **more: object) -> FieldSpec:
            return FieldSpec.model_validate({"id": "f", "label": {"zh": "甲", "en": "A"}, "type": kind, **more})

        assert spec("integer").aggregation == "sum"
        assert spec("number").aggregation == "latest"
        assert spec("integer", aggregate="max").aggregation == "max"
        assert spec("number", aggregate="none").aggregation == "none"
        assert [spec(kind).aggregation for kind in ("text", "yesno")] == [None, None]

    @pytest.mark.parametrize(
        "spec",
        [
            {"type": "text", "aggregate": "sum"},
            {"type": "yesno", "aggregate": "latest"},
            {"type": "choice", "choices": ["a"], "aggregate": "none"},
        ],
    )
    def test_only_a_number_field_takes_an_aggregate(self, tmp_path: Path, spec: dict[str, object]) -> None:
        fields = json.dumps([{"id": "f", "label": {"zh": "甲", "en": "A"}, **spec}], ensure_ascii=False)
        text = MEASURE + f"    evidence: [figures]\n    fields: {fields}\n"
        found = problems_of(write(tmp_path, HEAD + "measures:\n" + text))
        assert [p.message.code for p in found] == ["field.aggregate_not_numeric"]
        said = problem_text(found[0])
        assert f"aggregate applies only to integer and number fields, not {spec['type']}" in said
        assert found[0].field == "fields[0]" and found[0].line is not None

    def test_an_unknown_aggregate_is_refused_naming_those_there_are(self, cli, tmp_path: Path) -> None:
        path = write_catalog(tmp_path / "catalog", READINGS.replace("aggregate: min", "aggregate: median"))
        result = cli("validate", str(path))
        assert result.exit_code == 3
        assert "'sum', 'latest', 'min', 'max', 'mean' or 'none'" in result.output

    def test_the_key_changes_no_wording_and_a_catalog_without_it_keeps_its_digest(self, tmp_path: Path) -> None:
        plain = catalogs.load(write_catalog(tmp_path / "plain", READINGS.replace(", aggregate: min", "")))
        said = catalogs.load(write_catalog(tmp_path / "said", READINGS))
        assert plain.measures[0].wording() == said.measures[0].wording()
        # The first edition of the bundled catalog, written before fields had an aggregate,
        # has the digest under which release 0.3.0 kept it (and its units name it).
        kept = Path(__file__).parent / "fixtures/stores/0.3.0/store/catalogs"
        assert f"{catalogs.load(OLD_CATALOG).digest.removeprefix('sha256:')}.json" in {p.name for p in kept.iterdir()}

    def test_the_readme_example_validates_and_says_what_the_readme_says(self, tmp_path: Path) -> None:
        readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
        (example,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL) if "aggregate:" in b]
        catalog = catalogs.load(write(tmp_path, HEAD + "measures:\n" + MEASURE + example))
        assert catalog.measures[0].aggregations == {"people_checked": "mean", "max_temperature": "max"}
        for aggregate in ("sum", "latest", "min", "max", "mean", "none"):
            assert f"`{aggregate}`" in readme.split("**How a figure adds up.**")[1].split("## Time")[0]

    def test_the_bundled_catalog_says_it_where_the_default_is_wrong(self) -> None:
        measures = {m.id: m for m in catalogs.load().measures}
        checks = measures["rehab.daily-temperature-checks"]
        assert checks.aggregations == {"people_checked": "mean", "fever_count": "max", "max_temperature": "max"}
        assert set(measures["system.three-zeros"].aggregations.values()) == {"sum"}  # new cases each day
        said = [f.id for m in measures.values() for f in m.fields if f.aggregate is not None]
        assert sorted(said) == ["fever_count", "max_temperature", "people_checked"]  # elsewhere, the defaults


class TestStatusFollowsTheAggregate:
    def test_list_json_since_start_and_today(self, readings) -> None:
        item = _item(readings)
        assert item["totals"] == pytest.approx(SINCE_START) and item["totals"].keys() == SINCE_START.keys()
        assert item["today"] == pytest.approx(TODAY) and item["today"].keys() == TODAY.keys()
        assert item["totals"]["high"] == 37.5  # not the 37.6 that the correction replaced
        assert item["totals"]["checked"] == 47 and isinstance(item["totals"]["checked"], int)
        assert item["latest"]["ward"] == 5  # none: the value shows, no aggregate of it
        assert item["missed"] == ["2020-01-26T12:00"]

    def test_the_agenda_gives_the_same(self, readings) -> None:
        agenda = readings("today", "--json", "--now", NOW).json()
        (entry,) = [e for e in agenda["today"] if e["id"] == "prison.readings"]
        assert entry["totals"] == pytest.approx(SINCE_START) and entry["today"] == pytest.approx(TODAY)

    def test_a_day_with_nothing_reported_yet(self, readings) -> None:
        tomorrow = _item(readings, "2020-01-29T09:00")
        assert tomorrow["today"] == {}
        assert tomorrow["totals"] == pytest.approx(SINCE_START)  # the same periods: the same aggregates

    def test_the_figures_table_says_how_each_figure_adds_up(self, readings) -> None:
        figures = readings("status", "--now", NOW).stdout.split("\nFigures")[1]
        lines = [re.split(r"\s{2,}", line.strip()) for line in figures.splitlines() if "Temperature rounds" in line]
        # the figure, its latest value, how it adds up, today, since start
        assert {cells[1]: cells[2:] for cells in lines} == {
            "People checked": ["7", "sum", "7", "47"],
            "Temperature": ["36.9", "latest", "36.9", "36.9"],
            "Lowest reading": ["36.3", "lowest", "36.3", "36"],
            "Highest reading": ["37.5", "highest", "37.5", "37.5"],
            "People with fever": ["3", "mean", "3", "4.25"],
            "Ward number": ["5", "none"],  # no aggregate
        }

    def test_the_figures_table_in_chinese(self, readings) -> None:
        shown = readings("status", "--now", NOW, "--lang", "zh").stdout
        figures = shown.split("数据")[-1]
        assert "汇总方式" in figures and "开始以来" in figures and "今日合计" not in figures
        line = next(line for line in shown.splitlines() if "最高体温" in line)
        assert line.split()[-3:] == ["最高", "37.5", "37.5"]
        assert next(line for line in shown.splitlines() if "监区号" in line).split()[-1] == "不汇总"

    def test_a_catalog_upgrade_that_changes_an_aggregate_changes_what_status_says(self, readings, tmp_path) -> None:
        """An upgrade adds no row to the item's table, so what status worked out of it before
        stays in index.json: it is asked with each field's aggregate, and not taken for the new one."""
        assert _item(readings)["totals"]["temp"] == 36.9  # the latest: worked out and saved
        temp = "{id: temp, label: {zh: 体温, en: Temperature}, type: number"
        write_catalog(tmp_path / "catalog", READINGS.replace(temp, temp + ", aggregate: max"), version="2")
        assert readings("upgrade", "--now", NOW).exit_code == 0
        item = _item(readings)
        assert item["totals"]["temp"] == 37.2 and item["today"]["temp"] == 36.9
        assert {k: v for k, v in item["totals"].items() if k != "temp"} == pytest.approx(
            {k: v for k, v in SINCE_START.items() if k != "temp"}
        )
        assert readings("verify").exit_code == 0

    def test_a_memo_saved_under_the_old_meaning_is_not_trusted(self, readings) -> None:
        """An index.json saved by the code before aggregates kept, for each recurring item, the
        sums it worked out under a question of one element fewer: status asks again, verify
        drops it rather than calling the index damaged."""
        assert readings("status", "--now", NOW).exit_code == 0  # saves what it worked out
        path = Path(".checklist/units/prison/index.json")
        saved = json.loads(path.read_bytes())
        key = "prison.readings|"
        memo = saved["memos"][key]
        asked = json.loads(memo[0])
        memo[0] = json.dumps(asked[:8], separators=(",", ":"))  # as the code before asked: no aggregates
        memo[3] = {"checked": 47, "temp": 147.6, "low": 145.3, "high": 148.8, "avg": 17, "ward": 13}  # sums
        path.write_text(json.dumps(saved), encoding="utf-8")
        assert readings("verify").exit_code == 0
        assert _item(readings)["totals"] == pytest.approx(SINCE_START)
        again = json.loads(path.read_bytes())["memos"][key]
        assert json.loads(again[0]) == asked and again[3] == pytest.approx(SINCE_START)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_defaults_keep_what_every_release_said_but_the_sums_of_readings(cli, tmp_path: Path, version: str) -> None:
    """Every fixture store's items at its fixed moment: what its release said of today and since
    the start still holds for every count (an integer: summed, as ever) and for today's reading;
    only since the start of a reading (a number, the rehab unit's highest temperature, 5,710.1
    summed over 157 days) is now its latest value. A store made by a release with aggregates
    (0.4.0 on) reads exactly as that release said."""
    shutil.copytree(FIXTURES / version / "store", tmp_path / "store")  # the checked-in files are never written to
    expected = json.loads((FIXTURES / version / "expected.json").read_text(encoding="utf-8"))
    changed = []
    for unit in expected["units"]:
        listed = cli("list", "--json", "--unit", unit, "--now", expected["now"], "--store", str(tmp_path / "store"))
        got = {(i["id"], i["subject"]): i for i in listed.json()["items"]}
        for said in expected["list"][unit]["items"]:
            now = got.get((said["id"], said["subject"]))
            if now is not None and (now["totals"], now["today"]) != (said["totals"], said["today"]):
                changed.append((unit, said["id"], said["totals"], now["totals"], now["today"] == said["today"]))
    if tuple(map(int, version.split("."))) >= (0, 4, 0):
        assert changed == []
        return
    latest = expected["list"]["rehab"]["items"]
    (checks,) = [i for i in latest if i["id"] == "rehab.daily-temperature-checks"]
    was = {"fever_count": 1, "max_temperature": 5710.1, "people_checked": 61992}
    now = {"fever_count": 1, "max_temperature": checks["latest"]["max_temperature"], "people_checked": 61992}
    assert changed == [("rehab", "rehab.daily-temperature-checks", was, now, True)]


# -- a property: the aggregates are those of the records -------------------------------

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2020, 1, 26, 8, 0, tzinfo=ZONE)
AGGREGATES = ("sum", "latest", "min", "max", "mean", "none")


def _text(words: str) -> dict[str, str]:
    return {"zh": words, "en": words}


@pytest.fixture(scope="module")
def daily(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A daily measure with an integer and a number field of every aggregate (and defaults)."""
    fields: list[dict[str, Any]] = []
    for kind in ("integer", "number"):
        fields.append({"id": f"{kind}-default", "label": _text(kind), "type": kind})
        fields += [{"id": f"{kind}-{how}", "label": _text(how), "type": kind, "aggregate": how} for how in AGGREGATES]
    head = {
        "name": "ward",
        "version": "1",
        "title": _text("ward"),
        "issuer": _text("issuer"),
        "unit_kinds": [{"id": "ward", "name": _text("ward")}],
        "sections": [{"id": "main", "name": _text("main")}],
    }
    measure = {
        "id": "ward.report",
        "title": _text("report"),
        "applies_to": ["ward"],
        "section": "main",
        "source": {"issuer": _text("issuer"), "quote": "q"},
        "evidence": ["figures"],
        "recurrence": {"every": "day"},
        "fields": [{**f, "required": False} for f in fields],
    }
    folder = tmp_path_factory.mktemp("daily")
    (folder / "catalog.yaml").write_text(yaml.safe_dump({"catalog": head, "measures": [measure]}), encoding="utf-8")
    return catalogs.load(folder)


@st.composite
def reports(draw: st.DrawFn, catalog: Catalog) -> list[Record]:
    """Reports of days from the start on, in any order, some days twice (corrected), some not
    done (partial, reopened), some fields left out, integers and fractions."""
    fields = catalog.measures[0].fields
    made: list[Record] = []
    at = START + timedelta(minutes=5)
    for _ in range(draw(st.integers(0, 30))):
        at += timedelta(minutes=draw(st.integers(1, 600)))
        day = START.date() + timedelta(days=draw(st.integers(0, 9)))
        values: dict[str, int | float] = {}
        for spec in fields:
            if draw(st.integers(0, 5)):
                whole = draw(st.integers(-50, 50))
                fraction = draw(st.sampled_from([0, 0.1, 0.25, 0.7])) if spec.type == "number" else 0
                values[spec.id] = whole + fraction if fraction else whole
        action = draw(st.sampled_from(["done", "done", "done", "partial", "reopened"]))
        record = {
            "v": 1,
            "id": uuid.uuid4().hex,
            "unit": "ward",
            "item": "ward.report",
            "action": action,
            "actor": "王警官",
            "at": at,
            "period": day.isoformat(),
            "figures": values if action == "done" else {},
            "catalog": catalog.digest,
        }
        made.append(Record.of(record))
    return made


DIRECTLY = {
    "sum": sum,
    "latest": lambda numbers: numbers[-1],  # the latest day's
    "min": min,
    "max": max,
    "mean": lambda numbers: sum(numbers) / len(numbers),
}


def _directly(records: list[Record], catalog: Catalog, days: set[date]) -> dict[str, float]:
    """Each field's aggregate over `days`, worked out from the records themselves: the last
    record of each day counts, if it is a done."""
    last: dict[date, Record] = {}
    for record in records:
        last[date.fromisoformat(record.period or "")] = record
    reported = sorted((day, r) for day, r in last.items() if day in days and r.action == "done")
    found: dict[str, float] = {}
    for spec in catalog.measures[0].fields:
        values = [r.figures[spec.id] for _, r in reported if spec.id in r.figures]
        how = spec.aggregation
        if not values or how == "none":
            continue
        numbers = [float(v) for v in values]  # type: ignore[arg-type]
        found[spec.id] = DIRECTLY[how or ""](numbers)
    return found


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_aggregates_are_those_of_the_records_whether_folded_or_saved(
    daily: Catalog, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    records = data.draw(reports(daily))
    now = START + timedelta(days=data.draw(st.integers(0, 11)), hours=data.draw(st.integers(0, 15)))
    unit = Unit(
        id="ward",
        kind="ward",
        catalog=CatalogRef(name="ward", version="1", digest=daily.digest),
        started_at=START,
        started_by="王警官",
    )
    today = now.astimezone(ZONE).date()
    since_start = {START.date() + timedelta(days=n) for n in range((today - START.date()).days + 1)}

    def aggregates(index: LogIndex) -> tuple[dict[str, float], dict[str, float]]:
        (item,) = unit_status(unit, daily, index, now).recurring
        return item.totals, item.today

    totals, today_ = aggregates(LogIndex.of(records))
    assert totals == pytest.approx(_directly(records, daily, since_start))
    assert today_ == pytest.approx(_directly(records, daily, {today}))
    # The same through index.json: folded from nothing, saved with what status worked out
    # (memos), read back and asked again; verify works each memo out again and finds it holds.
    store = FileStore.create(tmp_path_factory.mktemp("saved") / ".checklist")
    store.create_unit(unit)
    blobs.keep_catalog(store, daily)
    (store.root / "units/ward/records.jsonl").write_bytes(b"".join(r.line() + b"\n" for r in records))
    cold = store.index("ward")
    assert aggregates(cold) == (totals, today_)
    store.save_index("ward", cold)
    warm = store.index("ward")
    assert warm.memos.keys() == cold.memos.keys()
    assert aggregates(warm) == (totals, today_)
    assert store.check_snapshot("ward") is None
