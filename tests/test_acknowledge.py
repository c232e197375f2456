"""An alert stays in view until someone acknowledges it (`checklist ack`): a fever reported on
Monday does not vanish when Tuesday's report is normal. Through the command line, on a small
catalog: a daily report with a count that alerts, an admission exam kept per subject."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core import blobs
from checklist.core import catalog as catalogs
from checklist.core.archive import rules_for, settle
from checklist.core.filestore import FileStore
from checklist.core.logindex import item_key
from checklist.core.models import Catalog, CatalogRef, Draft, Unit

from .conftest import Result
from .test_catalog import HEAD
from .test_upgrade import write_catalog

REPORT = """\
  - id: prison.report
    title: {zh: 每日报告, en: Daily report}
    applies_to: [prison]
    section: containment
    priority: critical
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 每日报告。}
    evidence: [figures]
    recurrence: {every: day}
    fields:
      - {id: fever, label: {zh: 发热人数, en: People with fever}, type: integer, min: 0, alert: {above: 0}}
      - {id: checked, label: {zh: 检测人数, en: People checked}, type: integer, min: 0, required: false}
"""
EXAM = """\
  - id: prison.exam
    title: {zh: 入监体检, en: Admission exam}
    applies_to: [prison]
    section: containment
    priority: critical
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 收押当天体检。}
    evidence: [figures]
    trigger: {event: admission}
    fields:
      - {id: temperature, label: {zh: 体温, en: Temperature}, type: number, unit: °C, alert: {at_least: 37.3}}
      - {id: symptoms, label: {zh: 症状, en: Symptoms}, type: yesno, alert: {values: [yes]}}
"""
VISITS = """\
  - id: prison.visits
    title: {zh: 停止接见, en: Stop visits}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 全面停止罪犯接见。}
"""
LOG = Path(".checklist/units/prison/records.jsonl")
INDEX = Path(".checklist/units/prison/index.json")
Run = Callable[..., Result]


@pytest.fixture
def unit(cli: Run, tmp_path: Path) -> Run:
    """A prison on the small catalog, started on Monday 27 January 2020; run(now, *args)."""
    source = write_catalog(tmp_path / "catalog", REPORT, EXAM, VISITS)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T08:00").exit_code == 0

    def at(now: str, *args: str) -> Result:
        return cli(*args, "--now", now)

    return at


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result
    return result


def report(run: Run, day: str, fever: int) -> None:
    ok(run(f"{day}T09:00", "done", "prison.report", "--for", day, "--set", f"fever={fever}", "--set", "checked=80"))


def alerts(run: Run, now: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(run(now, "status", "--json")).json()["unacknowledged_alerts"]  # type: ignore[index]
    return found


def test_a_fever_on_monday_stays_when_tuesday_is_normal(unit: Run) -> None:
    report(unit, "2020-01-27", fever=2)
    report(unit, "2020-01-28", fever=0)
    (alert,) = alerts(unit, "2020-01-28T10:00")
    assert alert == {
        "number": 1,
        "id": "prison.report",
        "subject": None,
        "occurrence": None,
        "period": "2020-01-27",
        "values": {"fever": 2},
        "instructions": [],
        "recorded_at": alert["recorded_at"],
        "recorded_by": "tester",
        "record": json.loads(LOG.read_text(encoding="utf-8").splitlines()[0])["id"],
        "seq": 1,
        "command": "checklist ack 1 --for 2020-01-27 --reason '…'",
        "part": None,  # unit parts: an alert of a measure kept per part names its part
    }
    shown = unit("2020-01-28T10:00", "status").stdout
    assert "Alerts to acknowledge" in shown and "Daily report · 2020-01-27" in shown
    assert "People with fever = 2 ⚠ alert" in shown and "by tester (⏱ --now 2020-01-27 09:00)" in shown
    assert "$ checklist ack 1 --for 2020-01-27 --reason '…'" in shown
    assert "待确认的警示" in unit("2020-01-28T10:00", "status", "--lang", "zh").stdout
    assert "prison: 1 alert to acknowledge" in unit("2020-01-28T10:00", "status", "--all").stdout
    assert "1 alert to acknowledge" in unit("2020-01-28T10:00", "list").stdout  # the item's marker stays
    (item,) = [i for i in unit("2020-01-28T10:00", "list", "--json").json()["items"] if i["id"] == "prison.report"]
    assert item["alerts"] == [] and item["unacknowledged_alerts"] == 1  # the latest report is normal
    today = unit("2020-01-28T10:00", "today")
    assert "Needs attention: alerts to acknowledge" in today.stdout and "People with fever = 2" in today.stdout
    (entry,) = unit("2020-01-28T10:00", "today", "--json").json()["acknowledge"]
    assert entry["period"] == "2020-01-27" and entry["command"] == alert["command"]


def test_an_acknowledgement_clears_the_alert_and_a_later_one_needs_another(unit: Run, cli: Run) -> None:
    report(unit, "2020-01-27", fever=2)
    report(unit, "2020-01-28", fever=0)
    acked = ok(unit("2020-01-28T10:00", "ack", "1", "--reason", "复测正常，已报医务室", "--by", "王医生"))
    assert "Acknowledged: 1 Daily report (1 alert)" in acked.stderr
    assert "2020-01-27: People with fever = 2" in acked.stderr
    assert alerts(unit, "2020-01-28T10:00") == []
    assert "alert to acknowledge" not in unit("2020-01-28T10:00", "list").stdout
    assert unit("2020-01-28T10:00", "today", "--json").json()["acknowledge"] == []
    written = json.loads(LOG.read_text(encoding="utf-8").splitlines()[-1])
    assert {k: written[k] for k in ("v", "action", "item", "actor", "note", "clock")} == {
        "v": 4,
        "action": "acknowledged",
        "item": "prison.report",
        "actor": "王医生",
        "note": "复测正常，已报医务室",
        "clock": "2020-01-28T10:00:00+08:00",
    }
    assert "period" not in written  # every period's alert
    marker = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
    assert (marker["format"], marker["requires"]) == (4, "0.4.0")
    log = cli("log", "--no-pager").stdout
    assert "alerts acknowledged" in log and "复测正常，已报医务室" in log
    assert cli("log", "--json").json()["format"] == 3

    report(unit, "2020-01-29", fever=1)  # a later alert: the acknowledgement does not cover it
    assert [a["period"] for a in alerts(unit, "2020-01-29T10:00")] == ["2020-01-29"]
    assert ok(cli("verify")).exit_code == 0


def test_an_acknowledgement_of_one_period_leaves_the_others(unit: Run, cli: Run) -> None:
    report(unit, "2020-01-27", fever=2)
    report(unit, "2020-01-28", fever=1)
    refused = unit("2020-01-28T10:00", "ack", "1", "--for", "2020-01-26", "--reason", "x")
    assert refused.exit_code == 1 and "item 1 (prison.report) in period 2020-01-26 has no alert" in refused.stderr
    assert "its alerts are of 2020-01-27, 2020-01-28" in refused.stderr
    ok(unit("2020-01-28T10:00", "ack", "prison.report", "--for", "2020-01-27", "--reason", "已核实"))
    assert [a["period"] for a in alerts(unit, "2020-01-28T10:00")] == ["2020-01-28"]
    written = json.loads(LOG.read_text(encoding="utf-8").splitlines()[-1])
    assert written["period"] == "2020-01-27"
    assert "prison.report · 2020-01-27" in cli("log", "--no-pager").stdout  # what it covers


def test_a_corrected_value_clears_its_alert_without_an_acknowledgement(unit: Run) -> None:
    report(unit, "2020-01-27", fever=2)
    ok(unit("2020-01-27T09:30", "reopen", "1", "--for", "2020-01-27", "--reason", "录入错误"))
    assert len(alerts(unit, "2020-01-27T09:40")) == 1  # reopened, not corrected: the fever stays in view
    report(unit, "2020-01-27", fever=0)
    assert alerts(unit, "2020-01-27T10:00") == []


def test_a_subjects_alerts_are_acknowledged_one_subject_at_a_time(unit: Run) -> None:
    for subject in ("P1", "P2", "P3"):
        ok(unit("2020-01-27T10:00", "event", "admission", "--subject", subject))
    exam = ["done", "prison.exam", "--set"]
    ok(unit("2020-01-27T11:00", *exam, "temperature=38.2", "--set", "symptoms=no", "--subject", "P1"))
    ok(unit("2020-01-27T11:00", *exam, "temperature=36.5", "--set", "symptoms=yes", "--subject", "P2"))
    ok(unit("2020-01-27T11:00", *exam, "temperature=36.5", "--set", "symptoms=no", "--subject", "P3"))
    found = alerts(unit, "2020-01-27T12:00")
    assert [(a["subject"], a["values"]) for a in found] == [("P1", {"temperature": 38.2}), ("P2", {"symptoms": True})]
    assert found[1]["command"] == "checklist ack 2 --subject P2 --reason '…'"
    assert "Symptoms = yes ⚠ alert" in unit("2020-01-27T12:00", "status").stdout
    status = unit("2020-01-27T12:00", "status", "--json").json()
    assert status["archived_subjects"] == 1  # P3 is settled for good; P1 and P2 not while their alerts stand

    which = unit("2020-01-27T12:00", "ack", "2", "--reason", "x")
    assert which.exit_code == 1 and "alerts of several subjects: name one with --subject (P1, P2)" in which.stderr
    ok(unit("2020-01-27T12:00", "ack", "2", "--subject", "P1", "--reason", "复测 36.8，已报医务室"))
    assert [a["subject"] for a in alerts(unit, "2020-01-27T12:00")] == ["P2"]
    status = unit("2020-01-27T12:00", "status", "--json").json()
    assert status["archived_subjects"] == 2  # P1, acknowledged, is settled for good now
    subjects = unit("2020-01-27T12:00", "subjects", "--json").json()["subjects"]
    assert [s["subject"] for s in subjects] == ["P2"]
    again = unit("2020-01-27T12:00", "ack", "2", "--subject", "P1", "--reason", "x")
    assert again.exit_code == 1 and "item 2 (prison.exam of P1) has no alert to acknowledge" in again.stderr


def test_an_item_without_alerts_is_refused_and_nothing_is_written(unit: Run) -> None:
    report(unit, "2020-01-27", fever=0)
    before = LOG.read_bytes()
    for args, said in (
        (("ack", "3", "--reason", "看过"), "item 3 (prison.visits) has no alert to acknowledge"),
        (("ack", "1", "--reason", "看过"), "item 1 (prison.report) has no alert to acknowledge"),
        (("ack", "1", "--reason", "  "), "acknowledging alerts needs a reason"),
        (("ack", "3", "--subject", "P1", "--reason", "x"), "is not kept per subject"),
        (("ack", "3", "--for", "2020-01-27", "--reason", "x"), "does not recur"),
    ):
        refused = unit("2020-01-27T10:00", *args)
        assert refused.exit_code == 1 and said in refused.stderr, (args, refused)
        assert "Traceback" not in refused.output and refused.stderr.count("\n") <= 2
    assert unit("2020-01-27T10:00", "ack", "1").exit_code == 2  # --reason is required
    assert LOG.read_bytes() == before


def test_the_saved_index_and_a_fold_from_nothing_agree(unit: Run, cli: Run) -> None:
    report(unit, "2020-01-27", fever=2)
    report(unit, "2020-01-28", fever=3)
    ok(unit("2020-01-28T10:00", "event", "admission", "--subject", "P1"))
    ok(unit("2020-01-28T11:00", "done", "2", "--subject", "P1", "--set", "temperature=39", "--set", "symptoms=no"))
    ok(unit("2020-01-28T12:00", "ack", "1", "--for", "2020-01-28", "--reason", "已处置"))
    ok(unit("2020-01-28T12:00", "status"))
    saved = json.loads(INDEX.read_text(encoding="utf-8"))
    assert saved["alerts"] == {
        "prison.report|": {"2020-01-27": [0, ["fever"]]},
        "prison.exam|P1": {"": [saved["alerts"]["prison.exam|P1"][""][0], ["temperature"]]},
    }
    store = FileStore.open(Path(".checklist"))
    kept, fresh = store.index("prison"), store.index("prison", fresh=True)
    assert kept.alerts == fresh.alerts and kept.end == fresh.end
    assert ok(cli("verify")).exit_code == 0

    saved["alerts"].pop("prison.exam|P1")  # an index that hides an alert is not the log's
    INDEX.write_text(json.dumps(saved), encoding="utf-8")
    verdict = cli("verify")
    assert verdict.exit_code == 3 and "index" in verdict.stdout
    assert ok(cli("verify", "--repair")).exit_code == 0
    assert [a["subject"] for a in alerts(unit, "2020-01-28T13:00")] == [None, "P1"]


def test_a_seal_of_a_day_with_an_acknowledgement_is_of_a_format_0_3_0_refuses(keyed: Run, tmp_path: Path) -> None:
    from .conftest import seal_payload

    assert keyed("done", "system.three-zeros", "--note", "日报", *_zeros(infections=1)).exit_code == 0
    assert keyed("ack", "system.three-zeros", "--reason", "已核实").exit_code == 0
    sealed = keyed("seal", "--out", str(tmp_path / "seal.json"))
    assert sealed.exit_code == 0, sealed
    payload = seal_payload(tmp_path / "seal.json")
    assert payload["format"] == 6 and [e["action"] for e in payload["entries"]] == ["done", "acknowledged"]
    assert keyed("verify", "--seal", str(tmp_path / "seal.json")).exit_code == 0
    assert keyed("verify").exit_code == 0


def _zeros(infections: int = 0) -> list[str]:
    from .conftest import three_zeros

    return three_zeros(infections)


# --- the fold: a property of any records, in any rounds ---------------------------------

ZONE_START = datetime.fromisoformat("2020-01-27T08:00:00+08:00")
DAYS = ["2020-01-27", "2020-01-28", "2020-01-29"]
SUBJECTS = ["P1", "P2"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("small")
    (folder / "00-head.yaml").write_text(HEAD, encoding="utf-8")
    (folder / "10-measures.yaml").write_text("measures:\n" + REPORT + EXAM, encoding="utf-8")
    return catalogs.load(folder)


@st.composite
def happenings(draw: st.DrawFn, catalog: Catalog) -> list[Draft]:
    """Reports and exams, alerting or not, reopened, acknowledged (of a period, of all; of a
    subject with an alert and one without), and admissions: in any order."""
    made: list[Draft] = []
    at = ZONE_START
    for _ in range(draw(st.integers(0, 30))):
        at += timedelta(minutes=draw(st.integers(1, 600)))
        fields: dict[str, Any] = {"id": uuid.uuid4().hex, "unit": "prison", "actor": "王警官", "at": at}
        fields["catalog"] = catalog.digest
        kind = draw(st.sampled_from(["report", "report", "exam", "exam", "ack", "ack", "reopen", "admission"]))
        if kind == "admission":
            subject = draw(st.sampled_from(SUBJECTS))
            event = {"action": "event", "event": "admission", "subject": subject, "occurred": at}
            made.append(Draft.model_validate({**fields, **event}))
            continue
        exam = draw(st.booleans())
        fields["item"] = "prison.exam" if exam else "prison.report"
        if exam:
            fields["subject"] = draw(st.sampled_from(SUBJECTS))
        elif kind != "ack" or draw(st.booleans()):
            fields["period"] = draw(st.sampled_from(DAYS))
        if kind == "ack":
            fields |= {"action": "acknowledged", "note": "seen"}
        elif kind == "reopen":
            fields |= {"action": "reopened", "note": "again"}
        elif exam:
            fields |= {"action": "done", "figures": {"temperature": draw(st.sampled_from([36.5, 37.3, 39.0]))}}
        else:
            fields |= {"action": "done", "figures": {"fever": draw(st.integers(0, 2))}}
        made.append(Draft.model_validate(fields))
    return made


def expected(records: list[Draft]) -> dict[str, dict[str, str]]:
    """The rule, plainly: an alert per item and period until acknowledged (of its period, or of
    all) or corrected (figures of the period past no alert), by the id of its record."""
    found: dict[str, dict[str, str]] = {}
    admissions: dict[str, int] = {}  # each event is an occurrence: records concern the subject's latest
    for record in records:
        if record.action == "event" and record.subject is not None:
            admissions[record.subject] = admissions.get(record.subject, 0) + 1
        if record.item is None:
            continue
        subject = record.subject
        if subject is not None and admissions.get(subject, 1) > 1:
            subject = f"{subject}|{admissions[subject]}"
        key, period = item_key(record.item, subject), record.period or ""
        if record.action == "acknowledged":
            if period:
                found.get(key, {}).pop(period, None)
            else:
                found.pop(key, None)
        elif record.figures:
            fever, temperature = record.figures.get("fever", 0), record.figures.get("temperature", 0)
            if fever > 0 or temperature >= 37.3:  # type: ignore[operator]
                found.setdefault(key, {})[period] = record.id
            else:
                found.get(key, {}).pop(period, None)
    return {key: periods for key, periods in found.items() if periods}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_fold_keeps_what_is_not_acknowledged_saved_in_rounds_or_folded_cold(
    small: Catalog, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    drafts = data.draw(happenings(small))
    unit = Unit(
        id="prison",
        kind="prison",
        catalog=CatalogRef(name="mini", version="1", digest=small.digest),
        started_at=ZONE_START,
        started_by="王警官",
    )
    store = FileStore.create(tmp_path_factory.mktemp("acks") / ".checklist")
    store.create_unit(unit)
    blobs.keep_catalog(store, small)
    rules = rules_for(small, unit)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(drafts)), max_size=4)))
    for start, end in zip([0, *cuts], [*cuts, len(drafts)], strict=True):
        for draft in drafts[start:end]:
            store.append(draft)
        index = store.index("prison")
        settle(index, rules)  # a subject settled for good leaves the live items, and comes back when named
        store.save_index("prison", index)
    index = store.index("prison")
    said = {key: {p: index.record_at(at).id for p, (at, _) in found.items()} for key, found in index.alerts.items()}
    assert said == expected(drafts)
    archived = {s for subjects in index.archived.subjects().values() for s in subjects}
    assert not archived & {key.partition("|")[2] for key in said}  # none archived with an alert standing
    cold = store.index("prison", fresh=True, settle=lambda folded: settle(folded, rules))
    assert cold.alerts == index.alerts
    assert store.check_snapshot("prison") is None


# --- release 0.3.0 meets an acknowledgement --------------------------------------------

RELEASE_0_3_0 = "4ea552b"  # the commit of release 0.3.0 ("Release 0.3.0: version bumped, …")


@pytest.fixture(scope="module")
def release_0_3_0(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source of release 0.3.0, from the repository's history (skipped where there is none:
    a shallow clone)."""
    import shutil
    import subprocess
    import tarfile

    from .conftest import REPO

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path_factory.mktemp("release-0.3.0")
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", RELEASE_0_3_0, "src", "measures"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        pytest.skip(f"release 0.3.0 is not in this repository's history: {archive.stderr.decode().strip()}")
    (folder / "source.tar").write_bytes(archive.stdout)
    with tarfile.open(folder / "source.tar") as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def test_release_0_3_0_refuses_a_store_with_an_acknowledgement_and_opens_one_without(
    cli: Run, release_0_3_0: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import subprocess
    import sys

    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))  # a key, to seal with

    source = write_catalog(tmp_path / "catalog", REPORT, VISITS)  # a catalog release 0.3.0 reads (no alert values)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T08:00").exit_code == 0

    def unit(now: str, *args: str) -> Result:
        return cli(*args, "--now", now)

    def old(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(release_0_3_0), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-m", "checklist", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    report(unit, "2020-01-27", fever=2)
    assert old("--version").stdout.strip() == "checklist 0.3.0"
    opened = old("status", "--now", "2020-01-28T12:00")  # a store of format 3: no acknowledgement yet
    assert opened.returncode == 0, opened.stderr
    ok(unit("2020-01-28T10:00", "ack", "1", "--reason", "已核实"))
    refused = old("status", "--now", "2020-01-28T12:00")
    assert refused.returncode == 3 and "Traceback" not in refused.stderr
    assert "is in format 4, written by checklist 0.4.0 or newer; this is checklist 0.3.0" in refused.stderr
    marker = Path(".checklist/store.json")  # even without the store's word for it, the line is refused
    kept = marker.read_text(encoding="utf-8")
    marker.write_text(kept.replace('"format": 4', '"format": 3').replace('"0.4.0"', '"0.3.0"'), encoding="utf-8")
    refused = old("status", "--now", "2020-01-28T12:00")
    assert refused.returncode == 3 and "records.jsonl:2: the record is in format 4" in refused.stderr
    marker.write_text(kept, encoding="utf-8")
    assert ok(unit("2020-01-28T12:00", "status")).exit_code == 0  # and this release reads it still

    assert ok(cli("keys", "new")).exit_code == 0
    ok(cli("seal", "--out", str(tmp_path / "seal.json")))  # a readable seal: format 6, and the store raised to it
    refused = old("verify", "--seal", str(tmp_path / "seal.json"))
    assert refused.returncode == 3 and "is in format 6" in refused.stderr and "Traceback" not in refused.stderr
