"""Constructs the catalog accepts behave as they say at run time: a deadline ends a recurrence,
an item of a subject is not done before it can be, and a done item takes a correction."""

from __future__ import annotations

import json
from pathlib import Path

from .test_catalog import MEASURE
from .test_upgrade import write_catalog

DAILY_UNTIL = """\
  - id: prison.daily-report
    title: {zh: 每日报告, en: Daily report}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 每日报告}
    recurrence: {every: day}
    deadline: {date: 2020-01-29}
"""

STAY = """\
  - id: prison.isolation
    title: {zh: 隔离观察14天, en: Isolate for 14 days}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 隔离观察14天}
    trigger: {event: admission, lasts_days: 14}
  - id: prison.release
    title: {zh: 解除隔离, en: Release from isolation}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 解除隔离}
    trigger: {event: admission, opens_after_days: 14}
"""

EXAM = """\
  - id: prison.exam
    title: {zh: 体检, en: Examination}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 体检}
    evidence: [note, figures]
    fields:
      - {id: temperature, label: {zh: 体温, en: Temperature}, type: number, min: 34, max: 43, alert: {at_least: 37.3}}
      - {id: fever, label: {zh: 发热, en: Fever}, type: yesno}
"""


def start(cli, tmp_path: Path, *measures: str) -> None:
    source = write_catalog(tmp_path / "catalog", *measures)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T09:00").exit_code == 0


def item(cli, item_id: str, now: str, subject: str | None = None) -> dict:
    found = cli("list", "--json", "--now", now).json()["items"]
    return next(i for i in found if i["id"] == item_id and i["subject"] == subject)


class TestDeadlineEndsARecurrence:
    def test_a_daily_measure_with_a_deadline_stops_recurring_after_it(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, DAILY_UNTIL, MEASURE)
        for day in ("27", "28"):
            assert cli("done", "prison.daily-report", "--now", f"2020-01-{day}T10:00").exit_code == 0
        late = item(cli, "prison.daily-report", "2020-02-10T10:00")
        assert late["missed"] == ["2020-01-29"] and late["period"] is None  # not 30 January to 10 February
        assert late["state"] == "open" and late["overdue"] is True
        assert late["due"].startswith("2020-01-30T00:00")  # by the end of 29 January

        refused = cli("done", "prison.daily-report", "--now", "2020-02-10T10:00")
        assert refused.exit_code == 1
        assert "recurred until 2020-01-29: name a period before then with --for" in refused.stderr
        after = cli("done", "prison.daily-report", "--for", "2020-01-30", "--now", "2020-02-10T10:00")
        assert after.exit_code == 1 and "2020-01-30" in after.stderr
        assert cli("done", "prison.daily-report", "--for", "2020-01-29", "--now", "2020-02-10T10:00").exit_code == 0
        settled = item(cli, "prison.daily-report", "2020-02-10T10:00")
        assert (settled["state"], settled["missed"], settled["overdue"]) == ("done", [], False)
        agenda = cli("today", "--json", "--now", "2020-02-10T10:00").json()
        assert "prison.daily-report" not in json.dumps(agenda["today"])

    def test_before_its_deadline_it_recurs_as_ever(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, DAILY_UNTIL)
        current = item(cli, "prison.daily-report", "2020-01-29T23:00")
        assert current["period"] == "2020-01-29" and current["missed"] == ["2020-01-27", "2020-01-28"]
        assert cli("done", "prison.daily-report", "--now", "2020-01-29T23:00").exit_code == 0


class TestNotDoneBeforeItCanBe:
    def test_a_stay_is_not_done_before_its_last_day(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, STAY)
        assert cli("event", "admission", "--subject", "P1", "--now", "2020-01-27T10:00").exit_code == 0
        early = cli("done", "prison.isolation", "--subject", "P1", "--now", "2020-01-28T10:00")
        assert early.exit_code == 1
        assert "lasts 14 days, 2020-01-27 to 2020-02-09: it can be done from 2020-02-09 on" in early.stderr
        stay = item(cli, "prison.isolation", "2020-01-28T10:00", "P1")
        assert stay["state"] == "open" and stay["ready"].startswith("2020-02-09T00:00")  # nothing recorded
        assert "can be done from 2020-02-09" in cli("today", "--now", "2020-01-28T10:00").stdout
        assert "due by the end of 2020-02-09" in cli("subjects", "--now", "2020-01-28T10:00").stdout
        # progress and a waiver stay open at any time
        assert cli("partial", "prison.isolation", "--subject", "P1", "--note", "第2天", "--now", "2020-01-28T10:00")
        assert cli("done", "prison.isolation", "--subject", "P1", "--now", "2020-02-09T08:00").exit_code == 0

    def test_an_item_that_opens_later_is_not_done_before_it_opens(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, STAY)
        cli("event", "admission", "--subject", "P1", "--now", "2020-01-27T10:00")
        early = cli("done", "prison.release", "--subject", "P1", "--now", "2020-02-09T10:00")
        assert early.exit_code == 1 and "opens on 2020-02-10: it cannot be done before then" in early.stderr
        assert item(cli, "prison.release", "2020-02-09T10:00", "P1")["state"] == "upcoming"
        assert cli("done", "prison.release", "--subject", "P1", "--now", "2020-02-10T00:00").exit_code == 0


class TestCorrections:
    def test_a_corrected_value_on_a_done_item_is_recorded_and_counts(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM)
        now = ("--now", "2020-01-27T10:00")
        first = cli("done", "prison.exam", "--note", "体检", "--set", "temperature=37.8", "--set", "fever=yes", *now)
        assert first.exit_code == 0 and "⚠ alert" in first.stderr
        fixed = cli("done", "prison.exam", "--set", "temperature=36.9", *now)
        assert fixed.exit_code == 0, fixed.stderr
        assert "Corrected: 1 Examination (temperature 37.8 → 36.9)" in fixed.stderr
        exam = item(cli, "prison.exam", "2020-01-27T10:00")
        # the correction keeps what it does not change: the note, the other figure
        assert exam["latest"] == {"temperature": 36.9, "fever": True} and exam["alerts"] == []
        assert exam["last"]["note"] == "体检" and exam["records"] == 2

        comment = cli("done", "prison.exam", "--note", "复查正常", *now)
        assert "Corrected: 1 Examination (note updated)" in comment.stderr
        assert item(cli, "prison.exam", "2020-01-27T10:00")["last"]["note"] == "复查正常"
        assert len(cli("log", "--json").json()["records"]) == 3  # every version stays in the log

    def test_nothing_new_records_nothing_and_says_how_to_correct(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM)
        now = ("--now", "2020-01-27T10:00")
        cli("done", "prison.exam", "--note", "体检", "--set", "temperature=36.5", "--set", "fever=no", *now)
        again = cli("done", "prison.exam", "--set", "temperature=36.5", *now)
        assert again.exit_code == 0
        assert "is already done; nothing recorded." in again.stderr
        assert "to correct it, give the corrected figures (--set), a note or a file" in again.stderr
        assert len(cli("log", "--json").json()["records"]) == 1

    def test_a_file_added_to_a_done_item(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM)
        now = ("--now", "2020-01-27T10:00")
        cli("done", "prison.exam", "--note", "体检", "--set", "temperature=36.5", "--set", "fever=no", *now)
        sheet = tmp_path / "sheet.txt"
        sheet.write_text("体检表", encoding="utf-8")
        added = cli("done", "prison.exam", "--evidence", str(sheet), *now)
        assert "Corrected: 1 Examination (1 file added)" in added.stderr
        last = item(cli, "prison.exam", "2020-01-27T10:00")["last"]
        assert [f["name"] for f in last["evidence"]] == ["sheet.txt"] and last["evidence"][0]["stored"] is True
        assert cli("verify").exit_code == 0


QUARANTINE = """\
  - id: prison.quarantine-report
    title: {zh: 隔离期间每日报告, en: Daily report during quarantine}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 隔离观察14天}
    evidence: [figures]
    fields: [{id: temperature, label: {zh: 体温, en: Temperature}, type: number, min: 34, max: 43}]
    trigger: {event: admission, lasts_days: 3}
    recurrence: {every: day}
"""


class TestRecurringPerSubject:
    def test_periods_run_from_the_event_through_its_window(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, QUARANTINE)
        assert cli("event", "admission", "--subject", "P1", "--now", "2020-01-28T10:00").exit_code == 0
        first = item(cli, "prison.quarantine-report", "2020-01-28T12:00", "P1")
        assert (first["period"], first["missed"], first["state"]) == ("2020-01-28", [], "open")  # not from 27 Jan

        report = ("--subject", "P1", "--set", "temperature=36.5")
        assert cli("done", "prison.quarantine-report", *report, "--now", "2020-01-28T12:00").exit_code == 0
        logged = cli("log", "--json").json()["records"][-1]
        assert (logged["subject"], logged["period"]) == ("P1", "2020-01-28")
        assert item(cli, "prison.quarantine-report", "2020-01-28T12:00", "P1")["state"] == "done"

        third = item(cli, "prison.quarantine-report", "2020-01-30T12:00", "P1")
        assert (third["period"], third["missed"], third["state"]) == ("2020-01-30", ["2020-01-29"], "open")
        before = cli("done", "prison.quarantine-report", *report, "--for", "2020-01-27", "--now", "2020-01-30T12:00")
        assert before.exit_code == 1  # a day before the event is none of its periods
        late = cli("done", "prison.quarantine-report", *report, "--for", "2020-01-29", "--now", "2020-01-30T12:00")
        assert late.exit_code == 0
        assert item(cli, "prison.quarantine-report", "2020-01-30T12:00", "P1")["missed"] == []

        over = item(cli, "prison.quarantine-report", "2020-02-05T12:00", "P1")  # the 3 days are over
        assert (over["period"], over["missed"], over["state"], over["overdue"]) == (None, ["2020-01-30"], "open", True)
        ended = cli("done", "prison.quarantine-report", *report, "--now", "2020-02-05T12:00")
        assert ended.exit_code == 1 and "recurred until 2020-01-30" in ended.stderr
        assert cli("done", "prison.quarantine-report", *report, "--for", "2020-01-30", "--now", "2020-02-05T12:00")
        done = item(cli, "prison.quarantine-report", "2020-02-05T12:00", "P1")
        assert (done["state"], done["missed"]) == ("done", [])
        assert cli("verify").exit_code == 0

    def test_each_subject_has_its_own_periods(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, QUARANTINE)
        cli("event", "admission", "--subject", "P1", "--now", "2020-01-27T10:00")
        cli("event", "admission", "--subject", "P2", "--now", "2020-01-29T10:00")
        found = cli("list", "--json", "--now", "2020-01-29T12:00").json()["items"]
        missed = {i["subject"]: i["missed"] for i in found if i["id"] == "prison.quarantine-report"}
        assert missed == {"P1": ["2020-01-27", "2020-01-28"], "P2": []}


def test_figures_typed_full_width_are_read_and_a_decimal_comma_is_refused(cli, tmp_path: Path) -> None:
    start(cli, tmp_path, EXAM)
    now = ("--now", "2020-01-27T10:00")
    comma = cli("done", "prison.exam", "--note", "x", "--set", "temperature=３７，５", "--set", "fever=否", *now)
    assert comma.exit_code == 1
    assert "temperature = '37,5' has a comma: write the decimal point as a point (37.5)" in comma.stderr
    done = cli("done", "prison.exam", "--note", "x", "--set", "temperature=３７．５", "--set", "fever=否", *now)
    assert done.exit_code == 0, done.stderr
    assert item(cli, "prison.exam", "2020-01-27T10:00")["latest"] == {"temperature": 37.5, "fever": False}


REPORT = """\
  - id: prison.report-anomaly
    title: {zh: 发现异常及时报告, en: Report an anomaly promptly}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 及时报告}
    trigger: {event: anomaly}
    deadline: {within: PT2H, after: event}
  - id: prison.at-once
    title: {zh: 立即报告, en: Report at once}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 立即报告}
    trigger: {event: anomaly}
    deadline: {within: immediately, after: event}
  - id: prison.monthly-plan
    title: {zh: 一个月内制定预案, en: Plan within a month}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 制定预案}
    deadline: {within: P1M, after: start}
"""


class TestDeadlinesInHoursAndMonths:
    def test_a_deadline_in_hours_falls_at_its_moment(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, REPORT)
        cli("event", "anomaly", "--subject", "A1", "--at", "2020-01-27T10:30", "--now", "2020-01-27T10:40")
        report = item(cli, "prison.report-anomaly", "2020-01-27T12:29", "A1")
        assert report["due"].startswith("2020-01-27T12:30") and report["overdue"] is False
        assert item(cli, "prison.report-anomaly", "2020-01-27T12:30", "A1")["overdue"] is True
        assert item(cli, "prison.at-once", "2020-01-27T11:00", "A1")["due"].startswith("2020-01-27T11:30")
        shown = cli("list", "--now", "2020-01-27T11:00").stdout
        assert "due by 2020-01-27 12:30" in shown and "due by 2020-01-27 11:30" in shown
        late = cli("list", "--now", "2020-01-27T13:00").stdout
        assert "OVERDUE · due by 2020-01-27 12:30" in late

    def test_a_deadline_in_months_is_the_end_of_the_day_a_calendar_month_on(self, cli, tmp_path: Path) -> None:
        source = write_catalog(tmp_path / "catalog", REPORT)
        cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-31T09:00")
        plan = item(cli, "prison.monthly-plan", "2020-02-10T09:00")
        assert plan["due"].startswith("2020-03-01T00:00")  # 31 January + P1M: the end of 29 February
        assert "due by the end of 2020-02-29" in cli("list", "--now", "2020-02-10T09:00").stdout

    def test_a_duration_that_is_not_one_is_refused_with_its_fix(self, cli, tmp_path: Path) -> None:
        bad = REPORT.replace("within: PT2H", "within: 2 hours")
        result = cli("validate", str(write_catalog(tmp_path / "catalog", bad)))
        assert result.exit_code == 3
        assert "must be an ISO 8601 duration such as PT2H, P3D or P1M, or 'immediately'" in result.stdout
        both = REPORT.replace("within: PT2H, after: event", "within: PT2H, days: 1, after: event")
        result = cli("validate", str(write_catalog(tmp_path / "other", both)))
        assert "a relative deadline needs 'after' and one of 'days' or 'within'" in result.stdout


MONTHLY = """\
  - id: prison.monthly-drill
    title: {zh: 每月应急演练, en: Monthly drill}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 应急演练}
    recurrence: {every: month}
  - id: prison.disinfection
    title: {zh: 每三天消毒, en: Disinfect every three days}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 消毒}
    recurrence: {every: 3d}
"""


def test_monthly_and_every_n_days(cli, tmp_path: Path) -> None:
    start(cli, tmp_path, MONTHLY)  # 27 January 2020
    drill = item(cli, "prison.monthly-drill", "2020-03-10T10:00")
    assert (drill["period"], drill["missed"]) == ("2020-03-01", ["2020-01-01", "2020-02-01"])
    assert cli("done", "prison.monthly-drill", "--for", "2020-02-01", "--now", "2020-03-10T10:00").exit_code == 0
    wrong = cli("done", "prison.monthly-drill", "--for", "2020-02-15", "--now", "2020-03-10T10:00")
    assert wrong.exit_code == 1  # a month is named by its first day
    runs = item(cli, "prison.disinfection", "2020-02-03T10:00")
    assert (runs["period"], runs["missed"]) == ("2020-02-02", ["2020-01-27", "2020-01-30"])
    assert "recurs: every 3 days" in cli("list", "--now", "2020-02-03T10:00").stdout
    assert "recurs: monthly" in cli("list", "--now", "2020-02-03T10:00").stdout


def test_commands_printed_for_another_unit_name_it(cli, tmp_path: Path) -> None:
    """In a store of several units, a command printed for a unit a bare command does not reach
    carries --unit, so that it runs as printed."""
    source = write_catalog(tmp_path / "catalog", EXAM)
    for unit in ("prison", "prison-2"):
        assert cli("start", "--unit", "prison", "--id", unit, "--catalog", str(source)).exit_code == 0
    assert cli("use", "prison").exit_code == 0
    now = ("--now", "2020-01-27T10:00")
    other = cli("today", "--unit", "prison-2", "--json", *now).json()
    assert [e["command"] for e in other["open"]] == [
        "checklist done 1 --note '…' --set 'temperature=…' --set 'fever=…' --unit prison-2"
    ]
    own = cli("today", "--unit", "prison", "--json", *now).json()
    assert [e["command"] for e in own["open"]] == ["checklist done 1 --note '…' --set 'temperature=…' --set 'fever=…'"]
    flagged = cli(
        "done", "1", "--unit", "prison-2", "--note", "x", "--set", "temperature=38", "--set", "fever=no", *now
    )
    assert "`checklist ack 1 --unit prison-2 --reason" in flagged.stderr
    status = cli("status", "--unit", "prison-2", "--json", *now).json()
    assert status["unacknowledged_alerts"][0]["command"].endswith("--unit prison-2")


def test_a_deadline_in_hours_before_the_item_opens_is_refused(cli, tmp_path: Path) -> None:
    early = REPORT.replace(
        "trigger: {event: anomaly}\n    deadline: {within: PT2H",
        "trigger: {event: anomaly, opens_after_days: 2}\n    deadline: {within: PT2H",
        1,
    )
    result = cli("validate", str(write_catalog(tmp_path / "early", early)))
    assert result.exit_code == 3
    assert "the deadline is PT2H after the event, but the item opens 2 days after it" in result.stdout
    later = early.replace("within: PT2H", "within: P3D", 1)
    assert cli("validate", str(write_catalog(tmp_path / "later", later))).exit_code == 0
