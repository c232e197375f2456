"""Time, end to end with a fixed clock: recurring measures, events and subjects, deadlines,
partial work, waivers that lapse, approvals, figures, the headline and the agenda."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from checklist.core import catalog as catalogs

from .conftest import OLD_CATALOG, records, three_zeros

PRISON = catalogs.load().for_kind("prison")
N = {m.id: str(n) for n, m in enumerate(PRISON, start=1)}
ZEROS, DUTY, EXAM, ISOLATE = (
    N["system.three-zeros"],
    N["system.three-level-duty"],
    N["prison.new-admission-exam"],
    N["prison.new-admission-isolation"],
)
LOG = Path(".checklist/units/prison/records.jsonl")
NIL = three_zeros()


@pytest.fixture
def first_edition(cli):  # type: ignore[no-untyped-def]
    """As `run`, for a prison started on the 2020.01.27 edition of the catalog (tests/fixtures/catalogs)."""
    assert cli("start", "--unit", "prison", "--catalog", str(OLD_CATALOG), "--now", "2020-01-26T09:00").exit_code == 0

    def at(now: str, *args: str) -> object:
        return cli(*args, "--now", now)

    return at


def item(run, now: str, item_id: str, subject: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    items = run(now, "list", "--json").json()["items"]
    return next(i for i in items if i["id"] == item_id and i["subject"] == subject)


class TestRecurring:
    def test_done_covers_the_current_period_and_the_record_keeps_the_real_time(self, run) -> None:
        before = datetime.now(UTC).replace(microsecond=0)
        assert run("2020-01-27T20:00", "done", ZEROS, "--note", "日报", *NIL).exit_code == 0
        after = datetime.now(UTC)
        (record,) = records()
        assert record["period"] == "2020-01-27"
        assert before <= datetime.fromisoformat(record["at"]) <= after  # written now, for then
        state = item(run, "2020-01-27T21:00", "system.three-zeros")
        assert (state["state"], state["period"], state["missed"], state["streak"]) == (
            "done",
            "2020-01-27",
            ["2020-01-26"],
            1,
        )

    def test_missed_periods_streaks_and_late_reports(self, run) -> None:
        for day in ("27", "28", "30"):
            run(f"2020-01-{day}T20:00", "done", ZEROS, "--note", "日报", *NIL)
        state = item(run, "2020-01-31T08:00", "system.three-zeros")
        assert state["state"] == "open" and state["missed"] == ["2020-01-26", "2020-01-29"] and state["streak"] == 1
        late = run("2020-01-31T08:00", "done", ZEROS, "--for", "2020-01-29", "--note", "补报", *NIL)
        assert late.exit_code == 0 and "2020-01-29 → done" in late.stderr
        state = item(run, "2020-01-31T08:00", "system.three-zeros")
        assert state["missed"] == ["2020-01-26"] and state["streak"] == 4

    def test_periods_outside_the_units_life_are_refused(self, run) -> None:
        future = run("2020-01-27T20:00", "done", ZEROS, "--for", "2020-02-01", "--note", "x", *NIL)
        assert future.exit_code == 1 and "not a period of system.three-zeros" in future.stderr
        before = run("2020-01-27T20:00", "done", ZEROS, "--for", "2020-01-20", "--note", "x", *NIL)
        assert before.exit_code == 1
        assert run("2020-01-27T20:00", "done", N["prison.closed-management"], "--for", "2020-01-27").exit_code == 1

    def test_status_shows_each_recurring_items_period_misses_and_streak(self, run) -> None:
        for day in ("27", "28"):
            late = run("2020-01-29T20:00", "done", ZEROS, "--for", f"2020-01-{day}", "--note", "补报", *NIL)
            assert late.exit_code == 0, late
        assert run("2020-01-29T20:00", "done", ZEROS, "--note", "日报", *NIL).exit_code == 0
        now = "2020-01-30T09:00"

        recurring = {r["id"]: r for r in run(now, "status", "--json").json()["recurring"]}
        assert set(recurring) == {m.id for m in PRISON if m.recurrence and not m.trigger}
        zeros = recurring["system.three-zeros"]
        assert (zeros["period"], zeros["state"], zeros["missed"], zeros["streak"]) == (
            "2020-01-30",
            "open",
            ["2020-01-26"],
            3,
        )
        assert zeros["number"] == int(ZEROS) and zeros["subject"] is None
        duty = recurring["system.three-level-duty"]
        assert duty["missed"] == ["2020-01-26", "2020-01-27", "2020-01-28", "2020-01-29"] and duty["streak"] == 0

        lines = run(now, "status").stdout.splitlines()
        table = lines[next(n for n, line in enumerate(lines) if line.strip() == "Recurring") :]
        zeros_at = next(n for n, line in enumerate(table) if "three zeros" in line)
        assert "☐ open" in table[zeros_at]
        assert "period 2020-01-30 · 1 missed: 2020-01-26 · 3 in a row" in table[zeros_at + 1]
        duty_at = next(n for n, line in enumerate(table) if "three-level duty" in line)
        assert "☐ open" in table[duty_at]
        details = table[duty_at + 1]
        assert "period 2020-01-30 · 4 missed: 2020-01-29, 2020-01-28, 2020-01-27, …" in details  # latest first
        assert "in a row" not in details
        chinese = run(now, "status", "--lang", "zh").stdout
        assert "漏报 1 期：2020年1月26日" in chinese and "连续 3 期" in chinese

    def test_a_waiver_covers_a_recurring_measure_as_a_whole(self, run) -> None:
        assert run("2020-01-27T09:00", "na", DUTY, "--reason", "由上级统一值班", "--by", "甲").exit_code == 0
        assert item(run, "2020-01-29T09:00", "system.three-level-duty")["state"] == "awaiting"  # critical
        assert run("2020-01-29T09:00", "approve", DUTY, "--by", "乙").exit_code == 0
        state = item(run, "2020-01-30T09:00", "system.three-level-duty")
        assert state["state"] == "na" and state["missed"] == []

    def test_figures_totals_today_and_alerts(self, run) -> None:
        run("2020-01-27T20:00", "done", ZEROS, "--note", "日报", *NIL)
        high = three_zeros(reported=2)
        result = run("2020-01-28T20:00", "done", ZEROS, "--note", "日报", *high)
        assert "alert: Cases reported upward = 2 crosses its threshold" in result.stderr
        state = item(run, "2020-01-28T21:00", "system.three-zeros")
        assert state["alerts"] == ["reported_cases"] and state["latest"]["reported_cases"] == 2
        assert state["totals"] == {"infections": 0, "reported_cases": 2, "hype_incidents": 0}
        assert state["today"] == {"infections": 0, "reported_cases": 2, "hype_incidents": 0}

    def test_the_headline_counts_days_at_zero_and_todays_report(self, run) -> None:
        for day in ("26", "27", "28"):
            run(f"2020-01-{day}T20:00", "done", ZEROS, "--note", "日报", *NIL)
        run(
            "2020-01-29T20:00",
            "done",
            ZEROS,
            "--note",
            "日报",
            *three_zeros(hype=1),
        )
        (headline,) = run("2020-01-30T08:00", "status", "--json").json()["headlines"]
        assert headline["reported_today"] is False
        assert headline["days_at_zero"] == {"infections": 4, "reported_cases": 4, "hype_incidents": 0}
        text = run("2020-01-30T08:00", "status").stdout
        assert "Today's report ✖ missing" in text and "day 5" in text


class TestEvents:
    def test_an_admission_creates_items_for_its_subject(self, run) -> None:
        assert run("2020-01-27T10:00", "event", "admission", "--subject", "P001").exit_code == 0
        items = [i for i in run("2020-01-27T11:00", "list", "--json").json()["items"] if i["subject"] == "P001"]
        assert {i["id"] for i in items} == {
            "prison.new-admission-isolation",
            "prison.new-admission-exam",
        }
        exam = item(run, "2020-01-27T11:00", "prison.new-admission-exam", "P001")
        assert exam["due"].startswith("2020-01-28T00:00") and not exam["overdue"]
        assert item(run, "2020-01-28T01:00", "prison.new-admission-exam", "P001")["overdue"] is True
        isolation = item(run, "2020-01-27T11:00", "prison.new-admission-isolation", "P001")
        assert isolation["due"].startswith("2020-02-10T00:00")

    def test_an_item_that_opens_days_after_its_event_is_upcoming_until_then(self, first_edition) -> None:
        """The 2020.01.27 edition: the end of observation opens 14 days after the admission
        (the bundled catalog has no item that opens later since 2020.01.27.2)."""
        run = first_edition
        assert run("2020-01-27T10:00", "event", "admission", "--subject", "P001").exit_code == 0
        items = [i for i in run("2020-01-27T11:00", "list", "--json").json()["items"] if i["subject"] == "P001"]
        assert {i["id"] for i in items} == {
            "prison.new-admission-isolation",
            "prison.new-admission-observation-end",
            "prison.new-admission-exam",
            "prison.defer-symptomatic-admissions",
        }
        release = item(run, "2020-01-27T11:00", "prison.new-admission-observation-end", "P001")
        assert release["state"] == "upcoming" and release["opens"].startswith("2020-02-10T00:00")
        assert item(run, "2020-02-10T08:00", "prison.new-admission-observation-end", "P001")["state"] == "open"

    def test_subjects_are_named_when_there_are_several(self, run) -> None:
        run("2020-01-27T10:00", "event", "admission", "--subject", "P001")
        run("2020-01-27T11:00", "event", "admission", "--subject", "P002")
        which = run("2020-01-27T12:00", "done", EXAM, "--note", "x")
        assert which.exit_code == 1 and "name one with --subject (P001, P002)" in which.stderr
        typo = run("2020-01-27T12:00", "done", EXAM, "--subject", "P003", "--note", "x")
        assert typo.exit_code == 1 and "no subject 'P003'" in typo.stderr
        done = run(
            "2020-01-27T12:00",
            "done",
            EXAM,
            "--subject",
            "P002",
            "--note",
            "体检正常",
            "--set",
            "temperature=36.6",
            "--set",
            "symptoms=no",
        )
        assert done.exit_code == 0, done
        assert records()[-1]["subject"] == "P002"
        listed = run("2020-01-27T12:00", "subjects", "--json").json()["subjects"]
        assert [s["subject"] for s in listed] == ["P001", "P002"]
        assert [s["subject"] for s in run("2020-01-27T12:00", "subjects", "--open", "--json").json()["subjects"]] == [
            "P001",
            "P002",
        ]

    def test_events_are_checked(self, run) -> None:
        unknown = run("2020-01-27T10:00", "event", "admision", "--subject", "P1")
        assert unknown.exit_code == 1 and "did you mean: admission" in unknown.stderr
        future = run("2020-01-27T10:00", "event", "admission", "--subject", "P1", "--at", "2020-01-28T10:00")
        assert future.exit_code == 1 and "is in the future" in future.stderr
        early = run("2020-01-27T10:00", "event", "admission", "--subject", "P1", "--at", "2020-01-20T10:00")
        assert early.exit_code == 1 and "before the unit started" in early.stderr
        bad = run("2020-01-27T10:00", "event", "admission", "--subject", "a/b")
        assert bad.exit_code == 1 and "invalid subject" in bad.stderr
        assert run("2020-01-27T10:00", "event", "admission", "--subject", "P1").exit_code == 0
        again = run("2020-01-27T10:30", "event", "admission", "--subject", "P1", "--at", "2020-01-27T10:00")
        assert again.exit_code == 0 and "recorded already" in again.stderr  # the same admission

    def test_a_withdrawn_event_takes_its_items_away_and_keeps_its_records(self, run) -> None:
        run("2020-01-27T10:00", "event", "admission", "--subject", "P9")
        assert run("2020-01-27T10:10", "event", "admission", "--subject", "P9", "--withdraw").exit_code == 1
        assert (
            run(
                "2020-01-27T10:10", "event", "admission", "--subject", "P9", "--withdraw", "--note", "录入错误"
            ).exit_code
            == 0
        )
        assert not [i for i in run("2020-01-27T11:00", "list", "--json").json()["items"] if i["subject"] == "P9"]
        assert [r["action"] for r in records()] == ["event", "withdrawn"]


class TestStates:
    def test_partial_work_needs_a_note_and_counts_apart(self, run) -> None:
        assert run("2020-01-27T09:00", "partial", N["prison.emergency-reserves"]).exit_code == 2
        assert (
            run("2020-01-27T09:00", "partial", N["prison.emergency-reserves"], "--note", "口罩已到，药品未到").exit_code
            == 0
        )
        totals = run("2020-01-27T09:00", "status", "--json").json()["totals"]
        assert totals["partial"] == 1

    def test_a_waiver_with_an_end_lapses_by_itself(self, run) -> None:
        outreach = N["prison.outreach-activities-suspended"]
        assert run("2020-01-27T09:00", "na", outreach, "--reason", "暂无活动", "--until", "2020-02-05").exit_code == 0
        assert item(run, "2020-02-05T23:00", "prison.outreach-activities-suspended")["state"] == "na"
        assert item(run, "2020-02-06T00:30", "prison.outreach-activities-suspended")["state"] == "lapsed"
        assert run("2020-01-27T09:00", "done", outreach, "--until", "2020-02-05", "--note", "x").exit_code == 2

    def test_critical_waivers_need_another_persons_approval(self, run) -> None:
        visits = N["prison.visits-suspended"]
        run("2020-01-27T09:00", "na", visits, "--reason", "本监狱无接见", "--by", "张三")
        assert item(run, "2020-01-27T09:00", "prison.visits-suspended")["state"] == "awaiting"
        own = run("2020-01-27T09:30", "approve", visits, "--by", "张三")
        assert own.exit_code == 1 and "cannot approve their own attestation" in own.stderr
        assert run("2020-01-27T09:30", "approve", visits, "--by", "李四").exit_code == 0
        assert item(run, "2020-01-27T09:30", "prison.visits-suspended")["state"] == "na"
        assert "nothing recorded" in run("2020-01-27T09:40", "approve", visits, "--by", "李四").stderr
        assert records()[-1]["action"] == "approved" and records()[-1]["approves"] == records()[0]["id"]
        nothing = run("2020-01-27T09:40", "approve", N["prison.closed-management"], "--by", "李四")
        assert nothing.exit_code == 1 and "nothing to approve" in nothing.stderr


class TestAgenda:
    def test_today_lists_overdue_then_due_then_coming_with_commands(self, run) -> None:
        run("2020-01-27T10:00", "event", "admission", "--subject", "P001")
        agenda = run("2020-01-28T09:00", "today", "--json").json()
        assert [(e["id"], e["subject"]) for e in agenda["overdue"]][:1] == [("prison.new-admission-exam", "P001")]
        today_ids = [e["id"] for e in agenda["today"]]
        assert "system.three-zeros" in today_ids and "system.three-level-duty" in today_ids
        zeros = next(e for e in agenda["today"] if e["id"] == "system.three-zeros")
        assert zeros["command"] == (
            f"checklist done {ZEROS} --note '…' --set 'infections=…' --set 'reported_cases=…' --set 'hype_incidents=…'"
        )
        text = run("2020-01-28T09:00", "today").stdout
        assert text.index("Overdue") < text.index("Due today")
        assert run("2020-01-28T09:00", "today", "--lang", "zh").stdout.count("今日到期") == 1

    def test_an_admission_exam_is_due_today_on_the_admission_day(self, run) -> None:
        run("2020-01-27T10:00", "event", "admission", "--subject", "P001")
        agenda = run("2020-01-27T11:00", "today", "--json").json()
        today = {(e["id"], e["subject"]) for e in agenda["today"]}
        assert ("prison.new-admission-exam", "P001") in today  # due by the end of today
        assert not [e for e in agenda["coming"] if e["subject"] == "P001"]  # the isolation ends in 14 days
        text = run("2020-01-27T11:00", "today").stdout
        assert "Coming up" not in text  # nothing else is due in the next three days
        assert text.index("Due today") < text.index("Examine every new admission") < text.index("Still open")

    def test_the_agenda_is_the_whole_to_do_list(self, run) -> None:
        reserves, closed = N["prison.emergency-reserves"], N["prison.closed-management"]
        visits, outreach = N["prison.visits-suspended"], N["prison.outreach-activities-suspended"]
        assert run("2020-01-27T09:00", "partial", reserves, "--note", "口罩已到，药品未到").exit_code == 0
        assert run("2020-01-27T09:00", "block", closed, "--reason", "围墙施工未完").exit_code == 0
        assert run("2020-01-27T09:00", "na", visits, "--reason", "本监狱无接见", "--by", "张三").exit_code == 0
        assert run("2020-01-27T09:00", "na", outreach, "--reason", "暂无活动", "--until", "2020-01-27").exit_code == 0
        now = "2020-01-28T09:00"
        agenda = run(now, "today", "--json").json()
        attention = {e["id"]: e for e in agenda["attention"]}
        assert {i: e["state"] for i, e in attention.items()} == {
            "prison.emergency-reserves": "partial",
            "prison.closed-management": "blocked",
            "prison.visits-suspended": "awaiting",
            "prison.outreach-activities-suspended": "lapsed",
        }
        assert attention["prison.visits-suspended"]["command"] == f"checklist approve {visits} --by '…'"
        assert attention["prison.closed-management"]["command"].startswith(f"checklist done {closed} ")
        still_open = {e["id"] for e in agenda["open"]}
        assert {"system.joint-prevention", "shared.local-authority-liaison"} <= still_open
        assert all(e["state"] == "open" and e["due"] is None for e in agenda["open"])
        listed = run(now, "list", "--json").json()["items"]
        pending = sorted((i["id"], i["subject"]) for i in listed if i["state"] not in ("done", "na", "upcoming"))
        parts = ("overdue", "today", "attention", "coming", "open")
        shown = [(e["id"], e["subject"]) for key in parts for e in agenda[key]]
        assert sorted(shown) == pending  # every item still to do, each once

        text = run(now, "today").stdout
        assert text.index("Due today") < text.index("Needs attention") < text.index("Still open")
        assert "✖ blocked" in text and "围墙施工未完" in text
        assert "⧗ awaiting approval" in text and f"$ checklist approve {visits} --by '…'" in text
        assert "↺ lapsed" in text and "◐ partial" in text
        chinese = run(now, "today", "--lang", "zh").stdout
        assert "需要处理" in chinese and "其余未完成" in chinese and "⧗ 待审批" in chinese

    def test_coming_up_within_the_next_days(self, run) -> None:
        run("2020-01-27T10:00", "event", "admission", "--subject", "P001")
        coming = run("2020-02-08T09:00", "today", "--json").json()["coming"]
        assert {(e["id"], e["subject"]) for e in coming} >= {
            ("prison.new-admission-isolation", "P001"),
        }

    def test_items_due_or_opening_in_the_next_days_are_coming_up(self, first_edition) -> None:
        """The 2020.01.27 edition: an item that opens after the admission (the end of
        observation) and one due the same day as the admission (deferral), as of old."""
        run = first_edition
        run("2020-01-27T10:00", "event", "admission", "--subject", "P001")
        today = {(e["id"], e["subject"]) for e in run("2020-01-27T11:00", "today", "--json").json()["today"]}
        assert ("prison.defer-symptomatic-admissions", "P001") in today
        coming = run("2020-02-08T09:00", "today", "--json").json()["coming"]
        assert {(e["id"], e["subject"]) for e in coming} >= {
            ("prison.new-admission-isolation", "P001"),
            ("prison.new-admission-observation-end", "P001"),
        }

    def test_many_subjects_due_alike_share_one_row_and_each_stays_in_the_json(self, run) -> None:
        for n in range(1, 6):
            run("2020-01-27T10:00", "event", "admission", "--subject", f"P00{n}")
        agenda = run("2020-01-27T11:00", "today", "--json").json()
        exams = [e["subject"] for e in agenda["today"] if e["id"] == "prison.new-admission-exam"]
        assert sorted(exams) == ["P001", "P002", "P003", "P004", "P005"]
        text = " ".join(run("2020-01-27T11:00", "today").stdout.split())
        assert text.count("Examine every new admission") == 1
        assert "5 subjects: P001, P002, P003, P004, P005" in text
        assert "--subject … " in text and "--subject P001" not in text
        zh = " ".join(run("2020-01-27T11:00", "today", "--lang", "zh").stdout.split())
        assert "5 个对象：P001, P002, P003, P004, P005" in zh

    def test_a_few_subjects_due_alike_are_each_listed_with_their_command(self, run) -> None:
        for n in range(1, 4):
            run("2020-01-27T10:00", "event", "admission", "--subject", f"P00{n}")
        text = " ".join(run("2020-01-27T11:00", "today").stdout.split())
        assert text.count("Examine every new admission") == 3
        assert all(f"--subject P00{n}" in text for n in range(1, 4))


class TestClock:
    def test_the_clock_comes_from_the_environment_too(self, cli, monkeypatch) -> None:
        monkeypatch.setenv("CHECKLIST_NOW", "2020-01-26T09:00")
        cli("start", "--unit", "prison")
        monkeypatch.setenv("CHECKLIST_NOW", "2020-01-28T09:00+08:00")
        assert cli("status", "--json").json()["day"] == 3
        assert cli("status", "--now", "yesterday").exit_code == 1


class TestViews:
    def test_missed_periods_on_request_and_the_figures_table(self, run) -> None:
        run("2020-01-27T20:00", "done", ZEROS, "--note", "日报", *NIL)
        listed = run("2020-01-28T09:00", "list", "--missed").stdout
        assert "missed: 2020-01-26" in listed
        assert "missed: 2020-01-26" not in run("2020-01-28T09:00", "list").stdout
        status = run("2020-01-27T21:00", "status").stdout
        assert "Figures" in status and "Confirmed infections" in status

    def test_all_units_show_todays_report(self, run, cli) -> None:
        cli("start", "--unit", "rehab", "--now", "2020-01-26T09:00")
        run("2020-01-27T20:00", "done", ZEROS, "--note", "日报", *NIL, "--unit", "prison")
        table = run("2020-01-27T21:00", "status", "--all").stdout
        assert "✔ 0/0/0" in table and "✖ —/—/—" in table  # the rehab centre has not reported


def test_a_measure_may_require_approval_of_done(cli, tmp_path: Path) -> None:
    from .test_catalog import HEAD, MEASURE

    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "catalog.yaml").write_text(HEAD + "measures:\n" + MEASURE + "    approval: required\n", encoding="utf-8")
    cli("start", "--unit", "prison", "--catalog", str(folder))
    cli("done", "1", "--by", "甲")
    assert cli("list", "--json").json()["items"][0]["state"] == "awaiting"
    assert cli("approve", "1", "--by", "甲").exit_code == 1
    assert cli("approve", "1", "--by", "乙", "--note", "已核实").exit_code == 0
    assert cli("list", "--json").json()["items"][0]["state"] == "done"
    cli("reopen", "1", "--reason", "复查", "--by", "乙")
    cli("done", "1", "--by", "甲")
    assert cli("list", "--json").json()["items"][0]["state"] == "awaiting"  # a new done needs a new approval


def test_a_lapsed_waiver_of_a_recurring_measure_still_covers_its_days(run) -> None:
    run("2020-01-26T10:00", "na", DUTY, "--reason", "上级统一值班", "--until", "2020-01-28", "--by", "甲")
    run("2020-01-26T10:05", "approve", DUTY, "--by", "乙")
    duty = item(run, "2020-01-30T09:00", "system.three-level-duty")
    assert duty["state"] == "open" and duty["missed"] == ["2020-01-29"]  # 26-28 waived; the 29th missed


def test_the_latest_figures_survive_a_later_record_without_figures(run) -> None:
    run(
        "2020-01-27T20:00",
        "done",
        ZEROS,
        "--note",
        "日报",
        *three_zeros(reported=3),
    )
    run("2020-01-28T20:00", "block", ZEROS, "--reason", "系统故障")
    state = item(run, "2020-01-28T21:00", "system.three-zeros")
    assert state["state"] == "blocked" and state["latest"]["reported_cases"] == 3


class TestAlertsReadWithoutColour:
    """NO_COLOR is set (conftest): an alert must show as a symbol and a word, not only red."""

    def test_every_screen_marks_an_alert(self, run, cli) -> None:
        assert cli("start", "--unit", "prison", "--id", "clean", "--now", "2020-01-26T09:00").exit_code == 0
        flagged = run("2020-01-27T20:00", "done", ZEROS, "--note", "日报", *three_zeros(infections=3), "-u", "prison")
        assert "⚠ alert: Confirmed infections = 3 crosses its threshold" in flagged.stderr
        assert "⚠" not in run("2020-01-27T20:00", "done", ZEROS, "--note", "日报", *NIL, "-u", "clean").stderr

        every = run("2020-01-27T21:00", "status", "--all").stdout.splitlines()
        assert sum("⚠" in line for line in every) == 2  # the unit's row, and its alert to acknowledge
        assert "⚠ prison: 1 alert to acknowledge (see `checklist status --unit prison`)" in every
        (reported,) = (line for line in every if "✔ 3/0/0" in line)  # each unit's row is one line
        assert reported.startswith("prison · Prison") and "⚠ 1" in reported
        (clean,) = (line for line in every if "✔ 0/0/0" in line)
        assert clean.startswith("clean · Prison") and "⚠" not in clean
        assert run("2020-01-27T21:00", "status", "--all", "--lang", "zh").stdout.count("⚠") == 2

        status = run("2020-01-27T21:00", "status", "-u", "prison").stdout
        headline = next(line for line in status.splitlines() if "Today's report" in line)
        assert "Confirmed infections 3 ⚠ alert" in headline
        figure = next(line for line in status.splitlines() if "Confirmed infections" in line and "Today's" not in line)
        assert "3 ⚠ alert" in figure
        assert "⚠" not in run("2020-01-27T21:00", "status", "-u", "clean").stdout

        listed = run("2020-01-27T21:00", "list", "-u", "prison", "--lang", "zh").stdout
        assert "⚠ 警示：确诊感染人数" in listed

        agenda = run("2020-01-28T09:00", "today", "-u", "prison").stdout  # today's report is still to come
        assert "⚠ alert: Confirmed infections" in agenda

        walked = run("2020-01-28T10:00", "walk", "-u", "prison", input="s\nd\n日报\n0\n2\n0\n\nq\n")
        assert walked.exit_code == 0, walked
        assert "⚠ alert: Cases reported upward = 2 crosses its threshold" in walked.stderr
        nil = run("2020-01-28T10:00", "walk", "-u", "clean", input="s\nd\n日报\n0\n0\n0\n\nq\n")
        assert "Recorded: 2 " in nil.stderr and "→ done" in nil.stderr and "⚠" not in nil.stderr
