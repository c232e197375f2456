"""Events are occurrences: a second admission (visit, transfer) of one person is an event of
its own, with its own items, windows and deadlines; the same event typed twice is recorded
once; a withdrawn event takes its items with it, and one recorded after it inherits nothing."""

from __future__ import annotations

import json
import shlex
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core import catalog as catalogs
from checklist.core.alerts import Judge
from checklist.core.archive import rules_for, settle
from checklist.core.logindex import LogIndex
from checklist.core.models import Catalog, CatalogRef, Record, Unit
from checklist.core.status import unit_status

from .conftest import records
from .test_catalog import MEASURE
from .test_upgrade import write_catalog

EXAM = """\
  - id: prison.exam
    title: {zh: 入监体检, en: Admission exam}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 入监体检}
    trigger: {event: admission}
    deadline: {days: 0, after: event}
    evidence: [note]
"""

REPORT = """\
  - id: prison.daily-check
    title: {zh: 每日健康检查, en: Daily health check}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 每日健康检查}
    trigger: {event: admission, lasts_days: 3}
    recurrence: {every: day}
"""

FIRST, SECOND = "2020-01-27T10:00", "2020-02-03T10:00"


def start(cli, tmp_path: Path, *measures: str) -> None:
    source = write_catalog(tmp_path / "catalog", MEASURE, *measures)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T09:00").exit_code == 0


def items_of(cli, item_id: str, now: str) -> list[dict]:
    found = cli("list", "--json", "--now", now).json()["items"]
    return [i for i in found if i["id"] == item_id]


def admit(cli, at: str, now: str | None = None, subject: str = "P1"):
    return cli("event", "admission", "--subject", subject, "--at", at, "--now", now or at)


class TestASecondEventIsAnOccurrence:
    def test_a_second_admission_of_one_person_has_its_own_items(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM, REPORT)  # a recurring item per subject: nothing is archived
        assert admit(cli, FIRST).exit_code == 0
        assert cli("done", "prison.exam", "--subject", "P1", "--note", "正常", "--now", FIRST).exit_code == 0
        again = admit(cli, SECOND)
        assert again.exit_code == 0, again
        assert "2nd" in again.stderr and "recorded already" not in again.stderr  # before: dropped, exit 0
        exams = items_of(cli, "prison.exam", SECOND)
        assert [(i["subject"], i["occurrence"], i["state"]) for i in exams] == [("P1", 1, "done"), ("P1", 2, "open")]
        # its own deadline: the day of the second admission, not the first's (long past)
        assert exams[1]["due"].startswith("2020-02-04T00:00") and exams[1]["overdue"] is False
        assert records()[-1]["occurrence"] == 2 and records()[-1]["v"] == 5
        subjects = cli("subjects", "--json", "--now", SECOND).json()["subjects"]
        states = [(s["occurrence"], [(i["id"], i["state"]) for i in s["items"]]) for s in subjects]
        assert states == [
            (1, [("prison.exam", "done"), ("prison.daily-check", "open")]),
            (2, [("prison.exam", "open"), ("prison.daily-check", "open")]),
        ]

    def test_the_same_event_again_is_recorded_once_and_says_so(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM)
        assert admit(cli, FIRST).exit_code == 0
        before = len(records())
        again = cli("event", "admission", "--subject", "P1", "--at", FIRST, "--now", "2020-01-27T12:00")
        assert again.exit_code == 0 and "recorded already" in again.stderr
        assert len(records()) == before
        assert admit(cli, SECOND).exit_code == 0
        twice = admit(cli, SECOND, "2020-02-03T11:00")
        assert twice.exit_code == 0 and "recorded already (2nd)" in twice.stderr
        assert len(records()) == before + 1
        assert len(items_of(cli, "prison.exam", SECOND)) == 2

    def test_a_per_subject_recurring_item_counts_its_periods_from_its_own_event(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, REPORT)
        assert admit(cli, FIRST).exit_code == 0
        assert admit(cli, SECOND).exit_code == 0
        checks = items_of(cli, "prison.daily-check", "2020-02-04T09:00")
        first, second = (next(i for i in checks if i["occurrence"] == n) for n in (1, 2))
        assert first["missed"] == ["2020-01-27", "2020-01-28", "2020-01-29"] and first["period"] is None
        assert second["missed"] == ["2020-02-03"] and second["period"] == "2020-02-04"
        late = ("done", "prison.daily-check", "--subject", "P1", "--for", "2020-02-03", "--now", "2020-02-04T09:00")
        assert cli(*late).exit_code == 1  # both have work left: which one?
        assert cli(*late, "--occurrence", "2").exit_code == 0
        again = items_of(cli, "prison.daily-check", "2020-02-04T09:00")
        assert [i["missed"] for i in again] == [["2020-01-27", "2020-01-28", "2020-01-29"], []]


class TestWithdrawal:
    def test_an_event_recorded_after_a_withdrawal_inherits_nothing(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM, REPORT)
        assert admit(cli, FIRST).exit_code == 0
        assert cli("done", "prison.exam", "--subject", "P1", "--note", "正常", "--now", FIRST).exit_code == 0
        withdrawn = cli(
            "event", "admission", "--subject", "P1", "--withdraw", "--note", "错", "--now", "2020-01-27T11:00"
        )
        assert withdrawn.exit_code == 0, withdrawn
        assert items_of(cli, "prison.exam", "2020-01-27T11:00") == []
        assert admit(cli, FIRST, "2020-01-27T12:00").exit_code == 0  # the same time again: a new occurrence
        (exam,) = items_of(cli, "prison.exam", "2020-01-27T12:00")
        assert exam["state"] == "open"  # before: done, inherited from the withdrawn one
        assert exam["occurrence"] == 2

    def test_withdraw_takes_back_the_latest_or_the_one_named(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM)
        for at in (FIRST, "2020-01-29T10:00", SECOND):
            assert admit(cli, at).exit_code == 0
        named = cli("event", "admission", "P1", "--withdraw", "--occurrence", "2", "--note", "重复", "--now", SECOND)
        assert named.exit_code == 0 and "2nd" in named.stderr
        assert records()[-1]["occurrence"] == 2
        latest = cli("event", "admission", "P1", "--withdraw", "--note", "错误", "--now", SECOND)
        assert latest.exit_code == 0 and "3rd" in latest.stderr
        assert [i["occurrence"] for i in items_of(cli, "prison.exam", SECOND)] == [1]
        gone = cli("event", "admission", "P1", "--withdraw", "--occurrence", "3", "--note", "x", "--now", SECOND)
        assert gone.exit_code == 1 and "no admission occurrence 3 to withdraw" in gone.stderr
        assert "occurrence 1 of 2020-01-27 10:00" in gone.stderr


class TestNamingAnOccurrence:
    def test_subject_alone_picks_the_open_occurrence(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM, REPORT)
        assert admit(cli, FIRST).exit_code == 0
        assert cli("done", "prison.exam", "--subject", "P1", "--note", "一", "--now", FIRST).exit_code == 0
        assert admit(cli, SECOND).exit_code == 0
        done = cli("done", "prison.exam", "--subject", "P1", "--note", "二", "--now", SECOND)
        assert done.exit_code == 0 and "P1, 2nd admission, 2020-02-03 10:00" in done.stderr
        assert [i["state"] for i in items_of(cli, "prison.exam", SECOND)] == ["done", "done"]

    def test_several_open_occurrences_ask_for_one_with_the_command_for_each(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM, REPORT)
        assert admit(cli, FIRST).exit_code == 0
        assert admit(cli, SECOND).exit_code == 0
        before = len(records())
        which = cli("done", "prison.exam", "--subject", "P1", "--note", "x", "--now", SECOND)
        assert which.exit_code == 1 and "Traceback" not in which.stderr
        assert "name one with --occurrence" in which.stderr
        assert "`checklist done 2 --subject P1 --occurrence 1`" in which.stderr
        assert "`checklist done 2 --subject P1 --occurrence 2`" in which.stderr
        assert len(records()) == before
        unknown = cli("done", "2", "--subject", "P1", "--occurrence", "5", "--note", "x", "--now", SECOND)
        assert unknown.exit_code == 1 and "no admission occurrence 5" in unknown.stderr
        alone = cli("done", "2", "--occurrence", "1", "--note", "x", "--now", SECOND)
        assert alone.exit_code == 1 and "add --subject" in alone.stderr
        assert cli("done", "2", "--subject", "P1", "--occurrence", "1", "--note", "x", "--now", SECOND).exit_code == 0
        assert records()[-1]["occurrence"] == 1  # named: 0.4.0 would have taken it for the latest
        assert [i["state"] for i in items_of(cli, "prison.exam", SECOND)] == ["done", "open"]

    def test_the_commands_printed_run_as_printed(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM, REPORT)
        assert admit(cli, FIRST).exit_code == 0
        assert admit(cli, SECOND).exit_code == 0
        agenda = cli("today", "--json", "--now", SECOND).json()
        commands = [e["command"] for part in ("overdue", "today") for e in agenda[part] if e["id"] == "prison.exam"]
        assert sorted(commands) == [
            "checklist done 2 --subject P1 --occurrence 1 --note '…'",
            "checklist done 2 --subject P1 --occurrence 2 --note '…'",
        ]
        for command in commands:
            words = shlex.split(command.replace("…", "查"))[1:]
            assert cli(*words, "--now", SECOND).exit_code == 0
        assert [i["state"] for i in items_of(cli, "prison.exam", SECOND)] == ["done", "done"]

    def test_subjects_and_status_show_which_occurrence_in_both_languages(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM)
        assert admit(cli, FIRST).exit_code == 0
        assert admit(cli, SECOND).exit_code == 0
        assert admit(cli, SECOND, subject="P10").exit_code == 0
        listed = cli("subjects", "--json", "--now", SECOND).json()["subjects"]
        assert [(s["subject"], s["occurrence"], s["occurred"][:16]) for s in listed] == [
            ("P1", 1, FIRST),
            ("P1", 2, SECOND),
            ("P10", 1, SECOND),  # a person's occurrences together, first to latest
        ]
        en = cli("list", "--open", "--now", SECOND, "--lang", "en").stdout
        assert "P1, 1st admission, 2020-01-27 10:00" in en and "P1, 2nd admission, 2020-02-03 10:00" in en
        zh = cli("list", "--open", "--now", SECOND, "--lang", "zh").stdout
        assert "P1（第 2 次 admission，2020年2月3日 10:00）" in zh and "2nd" not in zh
        table = cli("subjects", "--now", SECOND, "--lang", "en").stdout
        assert "P1|2" not in table and "2nd" in table


class TestTheIndex:
    def test_occurrences_settled_for_good_are_archived_each_on_its_own(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM)
        assert admit(cli, FIRST).exit_code == 0
        assert cli("done", "prison.exam", "--subject", "P1", "--note", "一", "--now", FIRST).exit_code == 0
        assert admit(cli, SECOND).exit_code == 0
        warm = cli("status", "--json", "--now", SECOND).json()
        assert warm["archived_subjects"] == 1 and (warm["totals"]["done"], warm["totals"]["open"]) == (1, 2)
        assert [i["occurrence"] for i in items_of(cli, "prison.exam", SECOND)] == [2]  # the first is counted
        assert cli("done", "prison.exam", "--subject", "P1", "--note", "二", "--now", SECOND).exit_code == 0
        assert (
            cli("reopen", "2", "--subject", "P1", "--occurrence", "1", "--reason", "复查", "--now", SECOND).exit_code
            == 0
        )
        assert [(i["occurrence"], i["state"]) for i in items_of(cli, "prison.exam", SECOND)] == [(1, "open")]
        verified = cli("verify", "--json")
        assert verified.exit_code == 0, verified
        saved = cli("status", "--json", "--now", SECOND).json()
        Path(".checklist/units/prison/index.json").unlink()
        assert cli("status", "--json", "--now", SECOND).json() == saved  # the same as a fold from nothing
        index = json.loads(Path(".checklist/units/prison/index.json").read_text(encoding="utf-8"))
        assert index["format"] == 9 and index["repeats"] == {"P1": {"admission": 2}}

    def test_verify_finds_an_index_whose_occurrences_the_log_does_not_say(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path, EXAM, REPORT)
        assert admit(cli, FIRST).exit_code == 0
        assert admit(cli, SECOND).exit_code == 0
        assert cli("status", "--now", SECOND).exit_code == 0
        assert cli("verify").exit_code == 0
        path = Path(".checklist/units/prison/index.json")
        saved = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**saved, "repeats": {"P1": {"admission": 3}}}), encoding="utf-8")
        found = cli("verify")
        assert found.exit_code == 3 and "index" in found.output, found


def test_through_a_real_process(proc, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", MEASURE, EXAM)
    assert proc("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T09:00").exit_code == 0
    assert proc("event", "admission", "P1", "--at", FIRST, "--now", FIRST).exit_code == 0
    second = proc("event", "admission", "P1", "--at", SECOND, "--now", SECOND, "--lang", "zh")
    assert second.exit_code == 0 and "第 2 次" in second.stderr
    which = proc("done", "2", "--subject", "P1", "--note", "x", "--now", SECOND)
    assert which.exit_code == 1 and "--occurrence 2" in which.stderr and "Traceback" not in which.stderr
    assert proc("done", "2", "--subject", "P1", "--occurrence", "2", "--note", "x", "--now", SECOND).exit_code == 0
    assert proc("verify", "--all").exit_code == 0


# -- a property: over any sequence of events, withdrawals and attestations of one subject, the
# items of each occurrence are those recorded for it, and nothing leaks between occurrences

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2020, 1, 26, 8, 0, tzinfo=ZONE)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return catalogs.load(write_catalog(tmp_path_factory.mktemp("occurrences") / "catalog", MEASURE, EXAM))


Step = tuple[str, int]  # ("event", minutes) | ("withdraw", occurrence or 0: the latest) | ("done"/"reopen", occurrence)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("event"), st.integers(0, 3)),
            st.tuples(st.sampled_from(["withdraw", "done", "reopen"]), st.integers(0, 4)),
        ),
        max_size=14,
    ),
    archive=st.booleans(),
)
def test_items_of_one_occurrence_never_leak_into_another(catalog: Catalog, steps: list[Step], archive: bool) -> None:
    unit = Unit(
        id="prison",
        kind="prison",
        catalog=CatalogRef(name=catalog.meta.name, version=catalog.meta.version, digest=catalog.digest),
        started_at=START,
        started_by="t",
    )
    made: list[Record] = []
    live: dict[int, bool] = {}  # occurrence -> live
    done: dict[int, bool] = {}  # occurrence -> its exam done (the model)
    moments: dict[int, datetime] = {}
    clock = START
    for action, value in steps:
        clock += timedelta(minutes=30)
        count = len(live)
        if action == "event":
            moment = START + timedelta(hours=value)
            if any(on and moments[n] == moment for n, on in live.items()):
                continue  # the same event again: recorded already
            number = count + 1
            live[number], done[number], moments[number] = True, False, moment
            made.append(_record(catalog, clock, "event", number if number > 1 else None, occurred=moment))
            continue
        open_ones = [n for n, on in live.items() if on]
        number = value or (open_ones[-1] if open_ones else 0)
        if not live.get(number):
            continue  # the use cases refuse it
        occurrence = number if count > 1 else None
        if action == "withdraw":
            live[number] = False
            made.append(_record(catalog, clock, "withdrawn", occurrence))
        else:
            done[number] = action == "done"
            made.append(_record(catalog, clock, action, occurrence, item="prison.exam"))
    index = LogIndex.of(made, Judge.of(catalog))
    if archive:
        settle(index, rules_for(catalog, unit))
    status = unit_status(unit, catalog, index, clock + timedelta(days=1))
    exams = {s.item.occurrence: s.state for s in status.items if s.item.id == "prison.exam"}
    kept = sum(a.done for a in status.archived)
    expected = {n: "done" if done[n] else "open" for n, on in live.items() if on}
    assert exams == {n: s for n, s in expected.items() if n in exams}
    assert len(exams) + kept == len(expected)  # each live occurrence listed, or archived as done
    assert all(expected[n] == "done" for n in expected if n not in exams)
    assert all(s.item.occurrences == len(live) for s in status.items if s.item.subject)


def _record(catalog: Catalog, at: datetime, action: str, occurrence: int | None, **fields: object) -> Record:
    base: dict[str, object] = {"v": 3, "id": uuid.uuid4().hex, "unit": "prison", "action": action, "actor": "t"}
    base |= {"at": at, "subject": "P1", "catalog": catalog.digest}
    if occurrence is not None:
        base |= {"v": 5, "occurrence": occurrence}
    if "item" in fields:
        base |= {"note": "n"}
        if action == "reopen":
            base |= {"action": "reopened"}
    else:
        base |= {"event": "admission"}
    base |= fields
    return Record.of({**base, "seq": 1, "prev": "sha256:" + "0" * 64})
