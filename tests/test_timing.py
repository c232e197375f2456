"""Time as real checklists say it (issue 12): rounds at fixed times of day, attestations counted
in a period, standing rules reviewed on a cadence, measures in force from and until a day, and
deadlines before an event recorded ahead of time."""

from __future__ import annotations

import json
import re
import shlex
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core import blobs
from checklist.core import catalog as catalogs
from checklist.core.filestore import FileStore
from checklist.core.logindex import LogIndex
from checklist.core.models import Catalog, CatalogRef, Record, Unit
from checklist.core.status import unit_status

from .test_runtime_rules import item, start
from .test_upgrade import write_catalog

SOURCE = "    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 见通知}\n"


def measure(measure_id: str, zh: str, en: str, *lines: str) -> str:
    head = (
        f"  - id: {measure_id}\n    title: {{zh: {zh}, en: {en}}}\n    applies_to: [prison]\n    section: containment\n"
    )
    return head + SOURCE + "".join(f"    {line}\n" for line in lines)


ROUNDS = measure("prison.rounds", "定时巡查", "Rounds", 'recurrence: {at: ["08:00", "14:00", "20:00"]}')
CHECKS = measure("prison.checks", "每日三次测温", "Temperature checks", "recurrence: {every: day, count: 3}")
GATE = measure("prison.gate", "大门封闭管理", "Keep the gate closed", "standing: {review: {every: week}}")
FESTIVAL = measure(
    "prison.festival",
    "春节期间停止探视",
    "No visits over the festival",
    "in_force: {from: 2020-01-29, until: 2020-02-02}",
    "deadline: {date: 2020-02-01}",
)
DAILY_IN_FORCE = measure(
    "prison.daily",
    "每日消毒",
    "Daily disinfection",
    "recurrence: {every: day}",
    "in_force: {from: 2020-01-29, until: 2020-01-31}",
)
TRANSFER = measure(
    "prison.vehicle",
    "转运前一天消毒车辆",
    "Disinfect the vehicle the day before a transfer",
    "trigger: {event: transfer, subject: {zh: 转运人员, en: person transferred}}",
    "deadline: {within: P1D, before: event}",
)
ESCORT = measure(
    "prison.escort",
    "转运前两小时确认押解人员",
    "Confirm the escort two hours before a transfer",
    "trigger: {event: transfer}",
    "deadline: {within: PT2H, before: event}",
)


def records(cli) -> list[dict]:
    return cli("log", "--json").json()["records"]


class TestFixedTimes:
    def test_each_time_of_day_is_a_round_until_the_next(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, ROUNDS)
        morning = item(cli, "prison.rounds", "2020-01-27T09:00")
        assert morning["period"] == "2020-01-27T08:00" and morning["timing"]["round"] == "08:00"
        assert cli("done", "prison.rounds", "--now", "2020-01-27T09:00").exit_code == 0
        # 07:00 the next day is still the 20:00 round of the day before; the 14:00 one was missed
        night = item(cli, "prison.rounds", "2020-01-28T07:00")
        assert night["period"] == "2020-01-27T20:00" and night["missed"] == ["2020-01-27T14:00"]
        shown = cli("list", "--now", "2020-01-28T07:00").stdout
        assert "20:00 round of 2020-01-27" in shown and "at 08:00, 14:00, 20:00" in shown
        chinese = cli("status", "--lang", "zh", "--now", "2020-01-28T07:00").stdout
        assert "2020年1月27日 20:00 轮次" in chinese and " round of" not in chinese

    def test_for_names_a_round(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, ROUNDS)
        late = cli("done", "prison.rounds", "--for", "2020-01-27T14:00", "--now", "2020-01-27T21:00")
        assert late.exit_code == 0 and "2020-01-27T14:00" in late.stderr
        assert records(cli)[-1]["period"] == "2020-01-27T14:00"
        wrong = cli("done", "prison.rounds", "--for", "2020-01-27T15:00", "--now", "2020-01-27T21:00")
        assert wrong.exit_code == 1
        assert "'2020-01-27T15:00' is not a period of prison.rounds" in wrong.stderr
        assert "Traceback" not in wrong.output
        # the unit started at 09:00, inside the 08:00 round: its first, missed once the 14:00 round began
        assert item(cli, "prison.rounds", "2020-01-27T21:00")["missed"] == ["2020-01-27T08:00"]

    def test_times_out_of_order_are_refused(self, cli, tmp_path: Path) -> None:
        path = write_catalog(
            tmp_path / "c", measure("prison.rounds", "巡查", "Rounds", 'recurrence: {at: ["14:00", "08:00"]}')
        )
        result = cli("validate", str(path))
        assert result.exit_code == 3 and "'at' needs distinct times of day, in order" in result.output
        both = measure("prison.rounds", "巡查", "Rounds", 'recurrence: {at: ["08:00"], every: day}')
        result = cli("validate", str(write_catalog(tmp_path / "d", both)))
        assert result.exit_code == 3 and "give exactly one of 'every', 'on' or 'at'" in result.output
        typo = measure("prison.rounds", "巡查", "Rounds", 'recurrence: {at: ["8:00", "14:00"]}')
        result = cli("validate", str(write_catalog(tmp_path / "e", typo)))
        assert result.exit_code == 3 and "'8:00' is not a time of day: write it as HH:MM" in result.output


class TestCounted:
    def test_the_day_is_met_at_its_count_each_attestation_a_record(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, CHECKS)
        first = cli("done", "prison.checks", "--now", "2020-01-27T09:00")
        assert first.exit_code == 0 and "1/3 this period" in first.stderr
        second = cli("done", "prison.checks", "--now", "2020-01-27T13:00")
        assert "2/3 this period" in second.stderr and "Corrected" not in second.stderr
        checks = item(cli, "prison.checks", "2020-01-27T14:00")
        assert checks["state"] == "open" and checks["timing"]["made"] == 2 and checks["timing"]["needed"] == 3
        assert "2/3 this period" in cli("status", "--now", "2020-01-27T14:00").stdout
        assert "本期已记录 2/3 次" in cli("list", "--lang", "zh", "--now", "2020-01-27T14:00").stdout
        cli("done", "prison.checks", "--now", "2020-01-27T20:00")
        met = item(cli, "prison.checks", "2020-01-27T21:00")
        assert met["state"] == "done" and met["timing"]["made"] == 3
        assert [r["period"] for r in records(cli)] == ["2020-01-27"] * 3  # three records, none a correction
        status = cli("status", "--json", "--now", "2020-01-27T21:00").json()
        assert status["totals"]["done"] == 1

    def test_a_day_short_of_its_count_is_missed(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, CHECKS)
        for hour in ("09", "13"):
            cli("done", "prison.checks", "--now", f"2020-01-27T{hour}:00")
        nextday = item(cli, "prison.checks", "2020-01-28T09:00")
        assert nextday["missed"] == ["2020-01-27"] and nextday["timing"]["made"] == 0
        late = cli("done", "prison.checks", "--for", "2020-01-27", "--now", "2020-01-28T09:00")
        assert late.exit_code == 0
        assert item(cli, "prison.checks", "2020-01-28T09:00")["missed"] == []

    def test_a_reopened_day_counts_again(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, CHECKS)
        for hour in ("09", "13", "18"):
            cli("done", "prison.checks", "--now", f"2020-01-27T{hour}:00")
        assert cli("reopen", "prison.checks", "--reason", "测温枪故障", "--now", "2020-01-27T19:00").exit_code == 0
        again = item(cli, "prison.checks", "2020-01-27T19:30")
        assert again["state"] == "open" and again["timing"]["made"] == 0

    def test_count_goes_with_every(self, cli, tmp_path: Path) -> None:
        wrong = measure("prison.checks", "测温", "Checks", 'recurrence: {at: ["08:00"], count: 2}')
        result = cli("validate", str(write_catalog(tmp_path / "c", wrong)))
        assert result.exit_code == 3 and "'count' goes with 'every' or 'on'" in result.output


class TestStanding:
    def test_done_once_it_stays_in_force_and_is_reviewed_each_week(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, GATE)  # 2020-01-27 is a Monday: week 2020-W05
        assert item(cli, "prison.gate", "2020-01-27T10:00")["state"] == "open"
        assert "not yet in place" in cli("list", "--now", "2020-01-27T10:00").stdout
        assert cli("done", "prison.gate", "--now", "2020-01-27T10:00").exit_code == 0
        gate = item(cli, "prison.gate", "2020-02-04T10:00")  # week 6, not reviewed yet: still in force
        assert (gate["state"], gate["overdue"], gate["missed"]) == ("done", False, [])
        assert gate["timing"]["standing"] is True and gate["timing"]["reviewed"] == "2020-W05"
        agenda = cli("today", "--json", "--now", "2020-02-04T10:00").json()
        assert [e["id"] for e in agenda["coming"]] == ["prison.gate"]  # its review is to record this week

        late = item(cli, "prison.gate", "2020-02-11T10:00")  # week 7: week 6 had no review
        assert (late["state"], late["overdue"], late["missed"]) == ("done", True, ["2020-W06"])
        status = cli("status", "--now", "2020-02-11T10:00").stdout
        assert "review OVERDUE" in status and "last reviewed 2020-W05 (2020-01-27 10:00)" in status
        assert "复核已逾期" in cli("status", "--lang", "zh", "--now", "2020-02-11T10:00").stdout

        assert cli("done", "prison.gate", "--note", "已复核", "--now", "2020-02-11T10:00").exit_code == 0
        reviewed = item(cli, "prison.gate", "2020-02-11T11:00")
        assert (reviewed["overdue"], reviewed["timing"]["reviewed"], reviewed["missed"]) == (
            False,
            "2020-W07",
            ["2020-W06"],
        )
        assert records(cli)[-1]["period"] == "2020-W07"

    def test_standing_and_recurrence_together_are_refused(self, cli, tmp_path: Path) -> None:
        both = measure("prison.gate", "大门", "Gate", "standing: {review: {every: week}}", "recurrence: {every: day}")
        result = cli("validate", str(write_catalog(tmp_path / "c", both)))
        assert result.exit_code == 3 and "drop 'recurrence'" in result.output


class TestInForce:
    def test_a_one_time_item_before_during_and_after(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, FESTIVAL)
        before = item(cli, "prison.festival", "2020-01-28T10:00")
        assert before["state"] == "upcoming" and before["overdue"] is False
        assert before["timing"]["in_force_from"] == "2020-01-29"
        totals = cli("status", "--json", "--now", "2020-01-28T10:00").json()["totals"]
        assert totals["open"] == 0 and totals["upcoming"] == 1
        early = cli("done", "prison.festival", "--now", "2020-01-28T10:00")
        assert early.exit_code == 1 and "is in force from 2020-01-29: it cannot be done before then" in early.stderr

        assert item(cli, "prison.festival", "2020-01-30T10:00")["state"] == "open"
        after = item(cli, "prison.festival", "2020-02-05T10:00")  # past its deadline, and out of force
        assert (after["state"], after["overdue"]) == ("lapsed", False)
        shown = cli("today", "--now", "2020-02-05T10:00").stdout
        assert "no longer in force after 2020-02-02, never done" in shown and "Overdue" not in shown
        assert "2020年2月2日后已不再生效，未完成" in cli("today", "--lang", "zh", "--now", "2020-02-05T10:00").stdout

    def test_a_recurring_measure_runs_only_while_in_force(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, DAILY_IN_FORCE)
        assert item(cli, "prison.daily", "2020-01-28T10:00")["state"] == "upcoming"
        refused = cli("done", "prison.daily", "--now", "2020-01-28T10:00")
        assert refused.exit_code == 1 and "in force from 2020-01-29" in refused.stderr
        cli("done", "prison.daily", "--now", "2020-01-29T10:00")
        later = item(cli, "prison.daily", "2020-02-10T10:00")
        assert later["period"] is None and later["missed"] == ["2020-01-30", "2020-01-31"]  # none before or after

    def test_contradictions_are_found(self, cli, tmp_path: Path) -> None:
        never = measure("prison.x", "某事", "Something", "in_force: {from: 2020-02-01, until: 2020-01-01}")
        result = cli("validate", str(write_catalog(tmp_path / "a", never)))
        assert (
            result.exit_code == 3
            and "would never be in force: until (2020-01-01) is before from (2020-02-01)" in result.output
        )
        outside = measure(
            "prison.x", "某事", "Something", "in_force: {until: 2020-01-31}", "deadline: {date: 2020-02-10}"
        )
        warned = cli("validate", str(write_catalog(tmp_path / "b", outside)))
        assert (
            warned.exit_code == 0
            and "warning" in warned.output
            and "the deadline 2020-02-10 falls after" in warned.output
        )
        assert cli("validate", "--strict", str(write_catalog(tmp_path / "b", outside))).exit_code == 3
        empty = measure("prison.x", "某事", "Something", "in_force: {}")
        assert "give 'from', 'until' or both" in cli("validate", str(write_catalog(tmp_path / "c", empty))).output


class TestBeforeAnEvent:
    def test_an_event_recorded_ahead_makes_its_item_due_before_it(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, TRANSFER, ESCORT)
        planned = cli("event", "transfer", "--subject", "P1", "--at", "2020-02-10T09:00", "--now", "2020-02-03T10:00")
        assert planned.exit_code == 0, planned.stderr
        vehicle = item(cli, "prison.vehicle", "2020-02-03T10:00", "P1")
        assert vehicle["state"] == "open" and vehicle["due"].startswith("2020-02-10T00:00")  # by the end of the 9th
        assert vehicle["timing"]["event_at"].startswith("2020-02-10T09:00")
        escort = item(cli, "prison.escort", "2020-02-03T10:00", "P1")
        assert escort["due"].startswith("2020-02-10T07:00")
        assert "due by the end of 2020-02-09" in cli("subjects", "--now", "2020-02-03T10:00").stdout
        shown = cli("list", "--now", "2020-02-03T10:00").stdout
        assert "transfer at 2020-02-10 09:00" in shown and "due by 2020-02-10 07:00" in shown
        assert cli("done", "prison.vehicle", "--subject", "P1", "--now", "2020-02-09T15:00").exit_code == 0
        late = item(cli, "prison.escort", "2020-02-10T08:00", "P1")
        assert late["overdue"] is True
        assert "Overdue" in cli("today", "--now", "2020-02-10T08:00").stdout

    def test_only_a_kind_something_must_precede_is_recorded_ahead(self, cli, tmp_path: Path) -> None:
        admission = measure("prison.exam", "体检", "Exam", "trigger: {event: admission}")
        start(cli, tmp_path, TRANSFER, admission)
        ahead = cli("event", "admission", "--subject", "P1", "--at", "2020-02-10T09:00", "--now", "2020-02-03T10:00")
        assert ahead.exit_code == 1 and "is in the future" in ahead.stderr

    def test_a_deadline_before_an_event_needs_a_trigger(self, cli, tmp_path: Path) -> None:
        loose = measure("prison.x", "某事", "Something", "deadline: {within: P1D, before: event}")
        result = cli("validate", str(write_catalog(tmp_path / "a", loose)))
        assert result.exit_code == 3 and "a deadline before an event needs a 'trigger'" in result.output
        both = measure(
            "prison.x", "某事", "Something", "trigger: {event: t}", "deadline: {days: 1, after: event, before: event}"
        )
        assert "give one of 'after' or 'before'" in cli("validate", str(write_catalog(tmp_path / "b", both))).output
        later = measure(
            "prison.x",
            "某事",
            "Something",
            "trigger: {event: t, opens_after_days: 2}",
            "deadline: {within: P1D, before: event}",
        )
        assert "due before it opens" in cli("validate", str(write_catalog(tmp_path / "c", later))).output


def test_the_installed_command_lists_rounds_and_counts(proc, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", ROUNDS, CHECKS, GATE)
    env = {"CHECKLIST_NOW": "2020-01-27T15:00"}
    started = proc("start", "--unit", "prison", "--catalog", str(source), env=env)
    assert started.exit_code == 0, started.stderr
    assert proc("done", "prison.checks", env=env).exit_code == 0
    listed = proc("list", "--json", env=env)
    items = {i["id"]: i for i in json.loads(listed.stdout)["items"]}
    assert items["prison.rounds"]["timing"]["round"] == "14:00"
    assert (items["prison.checks"]["timing"]["made"], items["prison.checks"]["timing"]["needed"]) == (1, 3)
    assert items["prison.gate"]["timing"]["standing"] is True


COUNTED_START = datetime(2020, 1, 27, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A ward's check three times a day."""
    text = {"zh": "测温", "en": "checks"}
    head = {
        "name": "ward",
        "version": "1",
        "title": text,
        "issuer": text,
        "unit_kinds": [{"id": "ward", "name": text}],
        "sections": [{"id": "main", "name": text}],
    }
    checks = {
        "id": "ward.checks",
        "title": text,
        "applies_to": ["ward"],
        "section": "main",
        "source": {"issuer": text, "quote": "q"},
        "recurrence": {"every": "day", "count": 3},
    }
    folder = tmp_path_factory.mktemp("counted")
    (folder / "catalog.yaml").write_text(yaml.safe_dump({"catalog": head, "measures": [checks]}), encoding="utf-8")
    return catalogs.load(folder)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_counted_day_is_met_by_its_dones_since_it_was_last_reopened_folded_or_saved(
    counted: Catalog, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    actions = data.draw(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["done", "done", "reopened"]))))
    made: list[Record] = []
    for n, (day, action) in enumerate(actions):
        record = {
            "v": 1,
            "id": uuid.uuid4().hex,
            "unit": "ward",
            "item": "ward.checks",
            "action": action,
            "actor": "王警官",
            "at": COUNTED_START + timedelta(minutes=n + 1),
            "period": (COUNTED_START.date() + timedelta(days=day)).isoformat(),
            "catalog": counted.digest,
            **({"note": "复测"} if action == "reopened" else {}),
        }
        made.append(Record.of(record))
    now = COUNTED_START + timedelta(days=4, hours=12)
    unit = Unit(
        id="ward",
        kind="ward",
        catalog=CatalogRef(name="ward", version="1", digest=counted.digest),
        started_at=COUNTED_START,
        started_by="王警官",
    )
    expected: dict[str, int] = {}  # dones of each day since it was last reopened
    for record in made:
        day = record.period or ""
        expected[day] = expected.get(day, 0) + 1 if record.action == "done" else 0
    days = [(COUNTED_START.date() + timedelta(days=d)).isoformat() for d in range(5)]

    def said(index: LogIndex) -> tuple[list[str], tuple[int, int] | None, str]:
        (item,) = unit_status(unit, counted, index, now).recurring
        return list(item.missed), item.counted, item.state

    folded = said(LogIndex.of(made))
    assert folded[0] == [day for day in days[:4] if expected.get(day, 0) < 3]
    assert folded[1] == (expected.get(days[4], 0), 3)
    assert folded[2] == ("done" if expected.get(days[4], 0) >= 3 else "open")
    store = FileStore.create(tmp_path_factory.mktemp("saved") / ".checklist")
    store.create_unit(unit)
    blobs.keep_catalog(store, counted)
    (store.root / "units/ward/records.jsonl").write_bytes(b"".join(r.line() + b"\n" for r in made))
    cold = store.index("ward")
    assert said(cold) == folded
    store.save_index("ward", cold)
    assert said(store.index("ward")) == folded
    assert store.check_snapshot("ward") is None  # verify's check of the saved index holds the counts too


def test_the_readme_examples_of_timing_validate_and_run(cli, tmp_path: Path) -> None:
    from .test_readme import README, blocks

    section = README.split("### Timing: fixed times", 1)[1].split("\n## ", 1)[0]
    head = next(b for b in blocks("yaml") if b.startswith("catalog:"))
    found = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    assert len(found) == 5
    plain = "  - id: prison.m{n}\n    title: {{zh: 措施, en: A measure}}\n    applies_to: [prison]\n"
    plain += "    section: health-checks\n    source: {{issuer: {{zh: 厅, en: Dept}}, quote: 见通知}}\n"
    measures = [b if b.startswith("  - id:") else plain.format(n=n) + b for n, b in enumerate(found)]
    rounds = plain.format(n="").replace("prison.m", "prison.rounds") + found[0]
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "00-head.yaml").write_text(head, encoding="utf-8")
    (folder / "10-measures.yaml").write_text("measures:\n" + "".join(measures) + rounds, encoding="utf-8")
    checked = cli("validate", str(folder))
    assert checked.exit_code == 0 and "warning" not in checked.output, checked.output
    assert cli("start", "--unit", "prison", "--catalog", str(folder), "--now", "2020-01-27T09:00").exit_code == 0
    commands = README.split("#### Timing: rounds", 1)[1].split("\n### ", 1)[0]
    (script,) = re.findall(r"```sh\n(.*?)```", commands, flags=re.DOTALL)
    for line in script.splitlines():
        words = shlex.split(line.split("  #")[0])
        assert words[0] == "checklist"
        result = cli(*words[1:])
        assert result.exit_code == 0, (line, result)


def test_the_walk_shows_the_round_and_the_count(cli, tmp_path: Path) -> None:
    start(cli, tmp_path, ROUNDS, CHECKS)
    walked = cli("walk", "--now", "2020-01-27T15:00", input="d\n\n\nd\n\n\nq\n")
    assert walked.exit_code == 0, walked
    assert "14:00 round of 2020-01-27" in walked.output and "0/3 this period" in walked.output
    assert "1/3 this period" in walked.output  # said once recorded
    assert [(r["item"], r["period"]) for r in records(cli)] == [
        ("prison.rounds", "2020-01-27T14:00"),
        ("prison.checks", "2020-01-27"),
    ]
    chinese = cli("walk", "--lang", "zh", "--now", "2020-01-27T15:00", input="q\n").output
    assert "每日，每期 3 次" in chinese and "本期已记录 1/3 次" in chinese


@pytest.fixture(scope="module")
def standing(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A ward's standing rule, reviewed every week."""
    text = {"zh": "门禁", "en": "gate"}
    head = {
        "name": "ward",
        "version": "1",
        "title": text,
        "issuer": text,
        "unit_kinds": [{"id": "ward", "name": text}],
        "sections": [{"id": "main", "name": text}],
    }
    gate = {
        "id": "ward.gate",
        "title": text,
        "applies_to": ["ward"],
        "section": "main",
        "source": {"issuer": text, "quote": "q"},
        "standing": {"review": {"every": "week"}},
    }
    folder = tmp_path_factory.mktemp("standing")
    (folder / "catalog.yaml").write_text(yaml.safe_dump({"catalog": head, "measures": [gate]}), encoding="utf-8")
    return catalogs.load(folder)


@settings(max_examples=80, deadline=None)
@given(reviews=st.sets(st.integers(0, 11), max_size=8), week=st.integers(0, 11))
def test_a_standing_rule_is_in_force_once_done_and_overdue_only_while_a_review_is_lapsing(
    standing: Catalog, reviews: set[int], week: int
) -> None:
    monday = COUNTED_START  # 2020-01-27, a Monday: week 0 is 2020-W05
    done = sorted(n for n in reviews if n <= week)  # reviews recorded up to now
    made = [
        Record.of(
            {
                "v": 1,
                "id": uuid.uuid4().hex,
                "unit": "ward",
                "item": "ward.gate",
                "action": "done",
                "actor": "王警官",
                "at": monday + timedelta(weeks=n, hours=2),
                "period": f"2020-W{5 + n:02d}",
                "catalog": standing.digest,
            }
        )
        for n in done
    ]
    unit = Unit(
        id="ward",
        kind="ward",
        catalog=CatalogRef(name="ward", version="1", digest=standing.digest),
        started_at=monday,
        started_by="王警官",
    )
    now = monday + timedelta(weeks=week, days=3)
    (gate,) = unit_status(unit, standing, LogIndex.of(made), now).items
    if not done:
        assert (gate.state, gate.missed, gate.overdue, gate.reviewed) == ("open", (), False, None)
        return
    missed = [f"2020-W{5 + n:02d}" for n in range(done[0], week) if n not in done]
    assert gate.state == "done"  # in force once done, whatever reviews were missed since
    assert list(gate.missed) == missed
    assert gate.reviewed_period == f"2020-W{5 + done[-1]:02d}"
    assert gate.overdue == (week not in done and week - 1 >= done[0] and week - 1 not in done)


def test_status_says_an_overdue_deadline_in_words(cli, tmp_path: Path) -> None:
    due = measure("prison.notice", "张贴通知", "Post the notice", "deadline: {date: 2020-01-28}")
    start(cli, tmp_path, due)
    shown = cli("status", "--now", "2020-01-30T10:00").stdout
    assert "OVERDUE · due by the end of 2020-01-28" in shown and "2020-01-29 00:00" not in shown


def test_a_subjects_daily_report_that_opens_later_is_upcoming_until_then(cli, tmp_path: Path) -> None:
    later = measure(
        "prison.follow-up",
        "解除隔离后每日随访",
        "Daily follow-up after isolation",
        "trigger: {event: admission, opens_after_days: 3, lasts_days: 6}",
        "recurrence: {every: day}",
    )
    start(cli, tmp_path, later)
    cli("event", "admission", "--subject", "P1", "--now", "2020-01-27T10:00")
    before = item(cli, "prison.follow-up", "2020-01-28T10:00", "P1")
    assert (before["state"], before["period"], before["missed"]) == ("upcoming", None, [])
    assert before["opens"].startswith("2020-01-30T00:00")
    refused = cli("done", "prison.follow-up", "--subject", "P1", "--now", "2020-01-28T10:00")
    assert refused.exit_code == 1 and "opens on 2020-01-30" in refused.stderr
    assert item(cli, "prison.follow-up", "2020-01-30T10:00", "P1")["period"] == "2020-01-30"


def test_a_counted_periods_alert_is_not_undone_by_a_later_normal_reading(cli, tmp_path: Path) -> None:
    readings = measure(
        "prison.temperatures",
        "每日三次测温",
        "Temperatures three times a day",
        "recurrence: {every: day, count: 3}",
        "evidence: [figures]",
        "fields: [{id: temperature, label: {zh: 体温, en: Temperature}, type: number, min: 34, max: 43, "
        "alert: {at_least: 37.3}}]",
    )
    start(cli, tmp_path, readings)
    fever = cli("done", "prison.temperatures", "--set", "temperature=38.1", "--now", "2020-01-27T09:00")
    assert fever.exit_code == 0 and "⚠ alert" in fever.stderr
    assert cli("done", "prison.temperatures", "--set", "temperature=36.6", "--now", "2020-01-27T14:00").exit_code == 0
    status = cli("status", "--json", "--now", "2020-01-27T15:00").json()
    assert [a["period"] for a in status["unacknowledged_alerts"]] == ["2020-01-27"]
    assert cli("ack", "prison.temperatures", "--reason", "复测正常", "--now", "2020-01-27T15:00").exit_code == 0
    assert cli("status", "--json", "--now", "2020-01-27T15:30").json()["unacknowledged_alerts"] == []
    assert cli("verify").exit_code == 0
