"""Applicability beyond the unit kind: the unit's attributes (recorded with `checklist set`),
measures' conditions on them (`when`), and subject types (`event --type`, a trigger's
`subject_types`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core.filestore import FileStore

from .conftest import Result, records
from .test_catalog import MEASURE

INDEX = Path(".checklist/units/prison/index.json")
Run = Callable[..., Result]

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
  attributes:
    - id: risk
      name: {zh: 风险等级, en: risk level}
      values:
        - {id: low, name: {zh: 低, en: low}}
        - {id: medium, name: {zh: 中, en: medium}}
        - {id: high, name: {zh: 高, en: high}}
      default: low
    - {id: medical_ward, name: {zh: 设有医疗监区, en: medical ward}, type: yesno, default: no}
  subject_types:
    - {id: custody, name: {zh: 在押人员, en: person in custody}}
    - {id: staff, name: {zh: 工作人员, en: staff member}}
"""

LOCKDOWN = """\
  - id: prison.lockdown
    title: {zh: 全面封闭, en: Full lockdown}
    applies_to: [prison]
    when: {risk: [medium, high]}
    section: containment
    deadline: {days: 1, after: start}
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 全面封闭}
"""

WARD = """\
  - id: prison.ward-check
    title: {zh: 医疗监区每日巡查, en: Daily check of the medical ward}
    applies_to: [prison]
    when: {risk: high, medical_ward: yes}
    section: containment
    recurrence: {every: day}
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 每日巡查}
"""

TYPED = """\
  - id: prison.exam
    title: {zh: 体检, en: Examination}
    applies_to: [prison]
    section: containment
    trigger: {event: admission, subject_types: [custody]}
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 体检}
  - id: prison.temperature
    title: {zh: 测体温, en: Temperature}
    applies_to: [prison]
    section: containment
    trigger: {event: admission}
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 体温}
"""

DAILY = """\
  - id: prison.daily
    title: {zh: 高风险每日报告, en: Daily report while risk is high}
    applies_to: [prison]
    when: {risk: high}
    section: containment
    recurrence: {every: day}
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 每日报告}
"""


def write_catalog(folder: Path, *measures: str, head: str = HEAD) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "00-head.yaml").write_text(head, encoding="utf-8")
    (folder / "10-measures.yaml").write_text("measures:\n" + "".join(measures), encoding="utf-8")
    return folder


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result
    return result


@pytest.fixture
def unit(cli: Run, tmp_path: Path) -> Run:
    """A prison on the small catalog, started on Monday 27 January 2020; unit(now, *args)."""
    source = write_catalog(tmp_path / "catalog", MEASURE, LOCKDOWN, WARD, TYPED)
    ok(cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T08:00"))

    def at(now: str, *args: str) -> Result:
        return cli(*args, "--now", now)

    return at


def item(unit: Run, now: str, item_id: str, subject: str | None = None) -> dict:
    found = ok(unit(now, "list", "--json")).json()["items"]
    return next(i for i in found if i["id"] == item_id and i["subject"] == subject)


class TestValidation:
    def test_conditions_name_declared_attributes_and_values_located_with_the_closest(
        self, cli: Run, tmp_path: Path
    ) -> None:
        wrong = LOCKDOWN.replace("risk: [medium, high]", "risks: [medium]") + WARD.replace(
            "risk: high, medical_ward: yes", "risk: hihg, medical_ward: maybe"
        )
        source = write_catalog(tmp_path / "catalog", MEASURE, wrong)
        result = cli("validate", str(source))
        assert result.exit_code == 3
        assert (
            "10-measures.yaml:14:19: measure prison.lockdown, field 'when.risks': 'when' names attribute 'risks', "
            "which the catalog's head does not declare (attributes: medical_ward, risk); did you mean risk?"
        ) in result.output
        assert (
            "field 'when.risk': attribute 'risk' has no value 'hihg' (values: low, medium, high); did you mean high?"
        ) in result.output
        assert "field 'when.medical_ward': attribute 'medical_ward' has no value 'maybe' (values: yes, no)" in (
            result.output
        )

    def test_a_condition_that_can_never_hold_is_an_error(self, cli: Run, tmp_path: Path) -> None:
        source = write_catalog(tmp_path / "catalog", LOCKDOWN.replace("[medium, high]", "[]"))
        result = cli("validate", str(source), "--json")
        assert result.exit_code == 3
        (problem,) = result.json()["problems"]
        assert problem["code"] == "condition.never" and problem["field"] == "when.risk"
        assert "the measure could never apply" in problem["message"]

    def test_a_trigger_names_declared_subject_types(self, cli: Run, tmp_path: Path) -> None:
        source = write_catalog(tmp_path / "catalog", TYPED.replace("[custody]", "[custdy]"))
        result = cli("validate", str(source))
        assert result.exit_code == 3
        assert (
            "field 'trigger.subject_types[0]': subject type 'custdy' is not declared in the catalog's head "
            "(subject types: custody, staff); did you mean custody?"
        ) in result.output

    def test_the_head_attributes_are_checked(self, cli: Run, tmp_path: Path) -> None:
        head = HEAD.replace("default: low", "default: lowest").replace(
            "  subject_types:",
            "    - {id: risk, name: {zh: 又一个, en: again}, type: yesno, default: no}\n  subject_types:",
        )
        source = write_catalog(tmp_path / "catalog", MEASURE, head=head)
        result = cli("validate", str(source))
        assert result.exit_code == 3
        assert "the default must be one of low, medium, high" in result.output
        assert "duplicate attribute id 'risk'" in result.output

    def test_adding_attributes_changes_no_digest_or_wording(self, cli: Run, tmp_path: Path) -> None:
        from checklist.core.catalog import load

        before = load(write_catalog(tmp_path / "a", MEASURE, head=HEAD.split("  attributes:", maxsplit=1)[0]))
        after = load(write_catalog(tmp_path / "b", MEASURE, head=HEAD.split("  attributes:", maxsplit=1)[0]))
        assert before.digest == after.digest
        assert before.measures[0].wording() == after.measures[0].wording()
        conditioned = load(write_catalog(tmp_path / "c", LOCKDOWN))
        plain = load(write_catalog(tmp_path / "d", LOCKDOWN.replace("    when: {risk: [medium, high]}\n", "")))
        assert conditioned.measures[0].wording() == plain.measures[0].wording()


class TestSet:
    def test_set_records_a_change_of_format_5_shown_in_log_status_and_json(self, unit: Run, cli: Run) -> None:
        listed = ok(unit("2020-01-27T09:00", "set", "--lang", "zh"))
        assert "风险等级（risk）" in listed.stdout and "低" in listed.stdout and "默认" in listed.stdout
        assert "尚无变更" in listed.stdout

        result = ok(
            unit("2020-01-28T10:00", "set", "风险等级=高", "--reason", "县疾控通报", "--by", "王警官", "--lang", "zh")
        )
        assert "已记录：风险等级：低 → 高" in result.stderr
        (change,) = [r for r in records() if r["action"] == "set"]
        assert change["v"] == 5 and change["attributes"] == {"risk": "high"} and change["note"] == "县疾控通报"
        assert "item" not in change and change["clock"].startswith("2020-01-28T10:00")
        store = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
        assert store["format"] == 5 and store["requires"] == "0.5.0"

        status = ok(unit("2020-01-28T11:00", "status", "--lang", "en")).stdout
        assert "risk level: high (since 2020-01-28 10:00, set by 王警官)" in status
        assert "medical ward: no (default)" in status
        zh = ok(unit("2020-01-28T11:00", "status", "--lang", "zh")).stdout
        assert "风险等级：高（自 2020年1月28日 10:00 起，王警官 设定）" in zh and "risk level" not in zh
        document = ok(unit("2020-01-28T11:00", "status", "--json")).json()
        risk, ward = document["attributes"]
        assert risk == {
            "id": "risk",
            "value": "high",
            "default": False,
            "since": "2020-01-28T10:00:00+08:00",
            "set_by": "王警官",
            "reason": "县疾控通报",
            "record": change["id"],
        }
        assert ward["value"] == "no" and ward["default"] is True and ward["since"] is None

        log = ok(cli("log", "--no-pager", "--lang", "en")).stdout
        assert "attributes set" in log and "risk=high" in log
        history = ok(unit("2020-01-28T11:00", "set", "--lang", "en")).stdout
        assert "Changes" in history and "risk level: high" in history and "县疾控通报" in history

    def test_names_values_and_mistakes(self, unit: Run) -> None:
        wrong = unit("2020-01-28T10:00", "set", "risc=high")
        assert (
            wrong.exit_code == 1
            and "unknown attribute 'risc'" in wrong.stderr
            and "did you mean: risk?" in wrong.stderr
        )
        value = unit("2020-01-28T10:00", "set", "risk=hihg")
        assert value.exit_code == 1 and "did you mean: high?" in value.stderr
        form = unit("2020-01-28T10:00", "set", "risk")
        assert form.exit_code == 1 and "is not NAME=VALUE" in form.stderr
        ok(unit("2020-01-28T10:00", "set", "medical ward=是", "risk=Medium"))
        assert [r["attributes"] for r in records() if r["action"] == "set"] == [
            {"medical_ward": "yes", "risk": "medium"}
        ]
        early = unit("2020-01-26T10:00", "set", "risk=high")
        assert early.exit_code == 1 and "before the unit started" in early.stderr and "--at" not in early.stderr
        twice = unit("2020-01-28T10:00", "set", "risk=high", "风险等级=低")
        assert twice.exit_code == 1 and "risk is given twice" in twice.stderr
        same = ok(unit("2020-01-28T11:00", "set", "risk=medium"))
        assert "already had that value; nothing recorded" in same.stderr
        assert len([r for r in records() if r["action"] == "set"]) == 1

    def test_a_catalog_without_attributes_says_so(self, cli: Run, tmp_path: Path) -> None:
        source = write_catalog(tmp_path / "catalog", MEASURE, head=HEAD.split("  attributes:", maxsplit=1)[0])
        ok(cli("start", "--unit", "prison", "--catalog", str(source)))
        result = cli("set", "risk=high")
        assert result.exit_code == 1 and "declares no attributes" in result.stderr


class TestConditions:
    def test_an_item_does_not_apply_while_its_conditions_do_not_hold(self, unit: Run) -> None:
        lockdown = item(unit, "2020-01-28T09:00", "prison.lockdown")
        assert lockdown["state"] == "inapplicable" and lockdown["inapplicable_while"] == {"risk": "low"}
        assert lockdown["when"] == {"risk": ["high", "medium"]} and lockdown["due"] is None
        assert lockdown["overdue"] is False  # its deadline (a day after the start) passed while it did not apply
        totals = ok(unit("2020-01-28T09:00", "status", "--json")).json()["totals"]
        assert totals["inapplicable"] == 2 and totals["open"] == 1 and totals["total"] == 3
        listed = ok(unit("2020-01-28T09:00", "list", "--lang", "en")).stdout
        assert "does not apply while risk level is low" in listed
        zh = ok(unit("2020-01-28T09:00", "list", "--lang", "zh")).stdout
        assert "风险等级为低时不适用" in zh and "暂不适用" in zh
        detail = ok(unit("2020-01-28T09:00", "list", "--detail", "--lang", "en")).stdout
        assert "applies while risk level is medium or high" in detail
        assert "适用条件：风险等级为中或高" in ok(unit("2020-01-28T09:00", "list", "--detail", "--lang", "zh")).stdout
        agenda = ok(unit("2020-01-28T09:00", "today", "--json")).json()
        assert "prison.lockdown" not in json.dumps(agenda)

        refused = unit("2020-01-28T09:00", "done", "prison.lockdown")
        assert refused.exit_code == 1
        assert (
            "does not apply now: it applies while risk level is medium or high, and now risk level is low"
            in refused.stderr
        )

    def test_it_is_due_from_when_it_became_applicable(self, unit: Run) -> None:
        ok(unit("2020-01-30T15:00", "set", "risk=medium"))
        lockdown = item(unit, "2020-01-30T16:00", "prison.lockdown")
        assert lockdown["state"] == "open" and lockdown["due"] == "2020-02-01T00:00:00+08:00"  # a day after it applied
        assert item(unit, "2020-02-01T09:00", "prison.lockdown")["overdue"] is True
        today = ok(unit("2020-01-31T09:00", "today", "--json")).json()
        assert [e["id"] for e in today["today"]] == ["prison.lockdown"]
        ok(unit("2020-02-01T09:00", "done", "prison.lockdown"))

        ok(unit("2020-02-02T09:00", "set", "risk=low"))  # records made while it applied keep counting
        after = item(unit, "2020-02-02T10:00", "prison.lockdown")
        assert after["state"] == "done" and after["inapplicable_while"] is None
        assert ok(unit("2020-02-02T10:00", "status", "--json")).json()["totals"]["done"] == 1

    def test_a_recurring_item_counts_the_periods_its_conditions_held_in(self, unit: Run) -> None:
        ok(unit("2020-01-28T10:00", "set", "medical_ward=yes", "risk=high"))  # from 28 January
        ok(unit("2020-01-28T11:00", "done", "prison.ward-check"))
        ok(unit("2020-01-30T16:00", "set", "risk=medium"))  # the 30th counts: it held that morning
        ok(unit("2020-02-02T08:00", "set", "risk=high"))
        ward = item(unit, "2020-02-03T09:00", "prison.ward-check")
        assert ward["state"] == "open" and ward["missed"] == ["2020-01-29", "2020-01-30", "2020-02-02"]
        off = item(unit, "2020-01-31T09:00", "prison.ward-check")
        assert off["state"] == "inapplicable" and off["inapplicable_while"] == {"risk": "medium"}

        late = unit("2020-02-03T09:00", "done", "prison.ward-check", "--for", "2020-01-31")
        assert late.exit_code == 1 and "does not apply in period 2020-01-31" in late.stderr
        ok(unit("2020-02-03T09:00", "done", "prison.ward-check", "--for", "2020-01-30"))
        assert item(unit, "2020-02-03T09:00", "prison.ward-check")["missed"] == ["2020-01-29", "2020-02-02"]
        recurring = ok(unit("2020-02-03T09:00", "status", "--json")).json()["recurring"]
        assert recurring[0]["missed"] == ["2020-01-29", "2020-02-02"]

    def test_the_saved_index_and_a_fold_from_nothing_agree_and_verify_checks_it(self, unit: Run, cli: Run) -> None:
        ok(unit("2020-01-28T10:00", "set", "risk=high", "medical_ward=yes"))
        ok(unit("2020-01-29T10:00", "event", "admission", "--subject", "P1", "--type", "custody"))
        ok(unit("2020-01-30T10:00", "set", "risk=low"))
        warm = ok(unit("2020-02-01T09:00", "status", "--json")).json()
        saved = json.loads(INDEX.read_text(encoding="utf-8"))
        assert saved["format"] == 9 and len(saved["attributes"]) == 2
        assert saved["subject_types"] == {"admission|P1": "custody"}
        store = FileStore.open(Path(".checklist"))
        kept, fresh = store.index("prison"), store.index("prison", fresh=True)
        assert kept.attribute_changes == fresh.attribute_changes and kept == fresh
        INDEX.unlink()
        cold = ok(unit("2020-02-01T09:00", "status", "--json")).json()
        assert cold == warm
        ok(cli("verify"))

        saved = json.loads(INDEX.read_text(encoding="utf-8"))
        saved["attributes"].pop()  # an index that hides a change of the risk level is not the log's
        INDEX.write_text(json.dumps(saved), encoding="utf-8")
        verdict = cli("verify")
        assert verdict.exit_code == 3 and "index" in verdict.stdout
        ok(cli("verify", "--repair"))
        assert ok(unit("2020-02-01T09:00", "status", "--json")).json() == warm


class TestSubjectTypes:
    def test_a_trigger_for_some_types_makes_items_only_for_them(self, unit: Run, cli: Run) -> None:
        ok(unit("2020-01-28T10:00", "event", "admission", "--subject", "P1", "--type", "在押人员"))
        said = ok(unit("2020-01-28T10:00", "event", "admission", "--subject", "S1", "--type", "staff", "--lang", "zh"))
        assert "对象类型：工作人员" in said.stderr
        subjects = ok(unit("2020-01-28T11:00", "subjects", "--json")).json()["subjects"]
        assert {s["subject"]: [i["id"] for i in s["items"]] for s in subjects} == {
            "P1": ["prison.exam", "prison.temperature"],
            "S1": ["prison.temperature"],
        }
        assert {s["subject"]: s["subject_type"] for s in subjects} == {"P1": "custody", "S1": "staff"}
        events = [r for r in records() if r["action"] == "event"]
        assert [(r["v"], r["subject_type"]) for r in events] == [(5, "custody"), (5, "staff")]
        refused = unit("2020-01-28T11:00", "done", "prison.exam", "--subject", "S1")
        assert refused.exit_code == 1 and "no subject 'S1'" in refused.stderr
        log = ok(cli("log", "--no-pager")).stdout
        assert "admission · S1 · staff" in log
        table = ok(unit("2020-01-28T11:00", "subjects", "--lang", "zh")).stdout
        assert "工作人员" in table and "在押人员" in table and "staff member" not in table

    def test_an_event_without_a_type_is_refused_listing_the_types(self, unit: Run) -> None:
        refused = unit("2020-01-28T10:00", "event", "admission", "--subject", "P1")
        assert refused.exit_code == 1
        assert (
            "give the subject's type with --type (custody, staff)" in refused.stderr
            and "--type custody" in refused.stderr
        )
        wrong = unit("2020-01-28T10:00", "event", "admission", "--subject", "P1", "--type", "staf")
        assert wrong.exit_code == 1 and "unknown subject type 'staf'" in wrong.stderr and "staff" in wrong.stderr
        assert not [r for r in records() if r["action"] == "event"]

    def test_an_event_with_no_type_where_no_trigger_needs_one_stays_format_3(self, cli: Run, tmp_path: Path) -> None:
        untyped = TYPED.replace("trigger: {event: admission, subject_types: [custody]}", "trigger: {event: admission}")
        source = write_catalog(tmp_path / "catalog", untyped)
        ok(cli("start", "--unit", "prison", "--catalog", str(source)))
        ok(cli("event", "admission", "--subject", "P1"))
        (event,) = [r for r in records() if r["action"] == "event"]
        assert event["v"] == 3 and "subject_type" not in event
        store = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
        assert store["format"] == 3


# -- a property: attribute changes mid-period, against a slow reference ----------------------

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2020, 1, 27, 8, 0, tzinfo=ZONE)


def _reference_missed(changes: list[tuple[datetime, str]], done: set[date], now: datetime) -> list[str]:
    """Every day from the start to yesterday whose risk was high at some minute of it (a minute
    at a time), and that is not done."""
    missed = []
    day = START.date()
    while day < now.date():
        begin = max(datetime.combine(day, datetime.min.time(), tzinfo=ZONE), START)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=ZONE)
        moment, held = begin, False
        while moment < end and not held:
            value = "low"
            for at, set_to in sorted(changes, key=lambda c: c[0]):
                if at <= moment:
                    value = set_to
            held = value == "high"
            moment += timedelta(minutes=30)
        if held and day not in done:
            missed.append(day.isoformat())
        day += timedelta(days=1)
    return missed


CHANGES = st.lists(
    st.tuples(st.integers(1, 10 * 48 - 1), st.sampled_from(["low", "medium", "high"])),
    max_size=6,
    unique_by=lambda c: c[0],
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=CHANGES, done=st.sets(st.integers(0, 9), max_size=4))
def test_counted_periods_match_a_slow_reference(changes: list[tuple[int, str]], done: set[int], tmp_path: Path) -> None:
    """Changes at half hours across ten days: the periods missed are those in which the risk
    was high at some moment and that were not done, whatever the order of the changes."""
    from checklist.core.catalog import load
    from checklist.core.logindex import LogIndex
    from checklist.core.models import CatalogRef, Record, Unit
    from checklist.core.status import unit_status

    folder = tmp_path / f"c{abs(hash((tuple(changes), tuple(done))))}"
    catalog = load(write_catalog(folder, DAILY))
    unit = Unit(
        id="prison",
        kind="prison",
        catalog=CatalogRef(name="mini", version="1", digest=catalog.digest),
        started_at=START,
        started_by="x",
    )
    now = datetime(2020, 2, 6, 12, 0, tzinfo=ZONE)
    moments = [(START.replace(hour=0) + timedelta(minutes=30 * step), value) for step, value in changes]
    moments = [(max(moment, START), value) for moment, value in moments]
    made: list[Record] = []
    for number, (moment, value) in enumerate(moments):
        made.append(_record(number, "set", moment, attributes={"risk": value}))
    done_days = {START.date() + timedelta(days=n) for n in done}
    for number, day in enumerate(sorted(done_days)):
        made.append(_record(100 + number, "done", START, item="prison.daily", period=day.isoformat()))
    status = unit_status(unit, catalog, LogIndex.of(made), now)
    (daily,) = status.items
    assert list(daily.missed) == _reference_missed(moments, done_days, now)


def _record(number: int, action: str, moment: datetime, **fields: object) -> object:
    from checklist.core.models import Record

    return Record.of(
        {
            "v": 5,
            "id": f"{number:032x}",
            "unit": "prison",
            "action": action,
            "actor": "x",
            "at": moment,
            "clock": moment,
            "figures": {},
            "evidence": [],
            "catalog": "sha256:" + "0" * 64,
            "seq": number + 1,
            "prev": "sha256:" + "0" * 64,
            **fields,
        }
    )


def test_through_a_real_process(proc: Run, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", MEASURE, LOCKDOWN)
    env = {"CHECKLIST_CATALOG": str(source), "CHECKLIST_USER": "王警官"}
    started = proc("start", "--unit", "prison", "--now", "2020-01-27T08:00", env=env)
    assert started.exit_code == 0, started
    changed = proc("set", "risk=high", "--reason", "通报", "--now", "2020-01-28T08:00", "--lang", "en", env=env)
    assert changed.exit_code == 0 and "risk level: low → high" in changed.stderr
    listed = proc("list", "--json", "--now", "2020-01-28T09:00", env=env)
    lockdown = next(i for i in json.loads(listed.stdout)["items"] if i["id"] == "prison.lockdown")
    assert lockdown["state"] == "open" and lockdown["due"] == "2020-01-30T00:00:00+08:00"


def test_the_readme_example_validates(tmp_path: Path) -> None:
    from checklist.core import catalog as catalogs

    from .test_readme import blocks

    (example,) = [b for b in blocks("yaml") if "subject_types:" in b and "when:" in b]
    (tmp_path / "catalog.yaml").write_text(example, encoding="utf-8")
    checked = catalogs.check(tmp_path / "catalog.yaml")
    assert [m.id for m in checked.catalog.measures] == ["prison.lockdown", "prison.ward-check", "prison.admission-exam"]
    assert checked.warnings == []


def test_a_subject_settled_for_good_is_archived_whatever_items_its_type_lacks(unit: Run, cli: Run) -> None:
    """A staff member gets no examination (custody only): once their temperature is done they
    are settled for good and archived, as a subject whose every item is done is."""
    ok(unit("2020-01-28T10:00", "event", "admission", "--subject", "P1", "--type", "custody"))
    ok(unit("2020-01-28T10:00", "event", "admission", "--subject", "S1", "--type", "staff"))
    ok(unit("2020-01-28T11:00", "done", "prison.temperature", "--subject", "S1"))
    status = ok(unit("2020-01-28T12:00", "status", "--json")).json()
    assert status["archived_subjects"] == 1
    assert {a["id"]: a["done"] for a in status["archived"]} == {"prison.temperature": 1}
    subjects = ok(unit("2020-01-28T12:00", "subjects", "--json")).json()
    assert [s["subject"] for s in subjects["subjects"]] == ["P1"] and subjects["archived_subjects"] == 1
    ok(cli("verify"))
    INDEX.unlink()
    assert ok(unit("2020-01-28T12:00", "status", "--json")).json() == status  # a cold fold archives the same
    ok(unit("2020-01-28T13:00", "reopen", "prison.temperature", "--subject", "S1", "--reason", "复测"))
    again = ok(unit("2020-01-28T13:00", "subjects", "--json")).json()["subjects"]
    assert {s["subject"]: s["subject_type"] for s in again} == {"P1": "custody", "S1": "staff"}
    assert [i["id"] for i in next(s for s in again if s["subject"] == "S1")["items"]] == ["prison.temperature"]
    ok(cli("verify"))


def test_the_documents_with_attributes_and_subject_types_validate_against_their_schemas(unit: Run, cli: Run) -> None:
    from jsonschema import Draft202012Validator

    ok(unit("2020-01-28T10:00", "set", "risk=high", "--reason", "通报"))
    ok(unit("2020-01-28T10:00", "event", "admission", "--subject", "S1", "--type", "staff"))
    documents = {
        "status": unit("2020-01-29T09:00", "status", "--json"),
        "items": unit("2020-01-29T09:00", "list", "--json"),
        "subjects": unit("2020-01-29T09:00", "subjects", "--json"),
        "agenda": unit("2020-01-29T09:00", "today", "--json"),
        "log": cli("log", "--json"),
    }
    for name, result in documents.items():
        schema = json.loads(ok(cli("schema", "--output", name)).stdout)
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(result.json())
        ]
        assert not errors, (name, errors)
    assert {r["action"]: r["v"] for r in documents["log"].json()["records"]} == {"set": 5, "event": 5}
