"""The fold that scales (tables of periods, numbered schedules, subjects archived when settled
for good, the index saved and read back) says what the plain fold of release 0.3.0 said, for
any records at any moment: tests/reference/ keeps that fold, as it was, as the specification.

A subject archived is counted, not listed: its items must be those the plain fold has as done
or waived for good, in the same numbers."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core import blobs, logfile
from checklist.core import catalog as catalogs
from checklist.core.alerts import Judge
from checklist.core.archive import rules_for, settle
from checklist.core.filestore import FileStore
from checklist.core.logindex import LogIndex
from checklist.core.models import Catalog, CatalogRef, Record, Unit
from checklist.core.status import unit_status

from .reference import schedule as old_schedule
from .reference import status as old_status
from .reference.logindex import LogIndex as OldIndex

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2020, 1, 26, 8, 0, tzinfo=ZONE)
SUBJECTS = ["P1", "P2", "P3", "P4"]
ACTORS = ["王警官", "李医生"]


def _text(words: str) -> dict[str, str]:
    return {"zh": words, "en": words}


def _measure(measure_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": measure_id,
        "title": _text(measure_id),
        "applies_to": ["ward"],
        "section": extra.pop("section", "main"),
        "priority": extra.pop("priority", "high"),
        "source": {"issuer": _text("issuer"), "quote": "q"},
        **extra,
    }


def _count(field_id: str, alert: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"id": field_id, "label": _text(field_id), "type": "integer", "min": 0}
    if alert:
        field["alert"] = {"above": 0}
    return field


MEASURES = [
    _measure(
        "ward.report",
        priority="critical",
        headline=True,
        recurrence={"every": "day"},
        evidence=["note", "figures"],
        fields=[_count("cases", alert=True), _count("checked")],
    ),
    _measure("ward.patrol", recurrence={"every": "8h"}, section="other"),
    _measure("ward.weekly", recurrence={"on": ["mon", "thu"]}),
    _measure("ward.plan", priority="critical", deadline={"days": 3, "after": "start"}),
    _measure("ward.signoff", approval="required", section="other"),
    _measure("ward.plain"),
    _measure(
        "ward.exam",
        priority="critical",
        trigger={"event": "admission"},
        deadline={"days": 0, "after": "event"},
        fields=[_count("fever", alert=True)],
        evidence=["note", "figures"],
    ),
    _measure("ward.isolate", trigger={"event": "admission", "lasts_days": 5}, section="other"),
    _measure("ward.release", trigger={"event": "admission", "opens_after_days": 4}),
    _measure("ward.review", approval="required", trigger={"event": "review"}),
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("catalog")
    head = {
        "catalog": {
            "name": "ward",
            "version": "1",
            "title": _text("ward"),
            "issuer": _text("issuer"),
            "timezone": "Asia/Shanghai",
            "unit_kinds": [{"id": "ward", "name": _text("ward")}],
            "sections": [{"id": "main", "name": _text("main")}, {"id": "other", "name": _text("other")}],
        }
    }
    (folder / "00-catalog.yaml").write_text(yaml.safe_dump(head, allow_unicode=True), encoding="utf-8")
    measures = yaml.safe_dump({"measures": MEASURES}, allow_unicode=True, sort_keys=False)
    (folder / "10-measures.yaml").write_text(measures, encoding="utf-8")
    return catalogs.load(folder)


def _unit(catalog: Catalog) -> Unit:
    ref = CatalogRef(name="ward", version="1", digest=catalog.digest)
    return Unit(id="ward", kind="ward", catalog=ref, started_at=START, started_by="王警官")


@st.composite
def logs(draw: st.DrawFn, catalog: Catalog) -> list[Record]:
    """Records of every kind, in any order a unit could make them (and some no release would):
    periods old and current, approvals of what is there and what is not, waivers that lapse,
    events withdrawn and recorded again, figures past their alerts, an earlier wording."""
    measures = {m.id: m for m in catalog.measures}
    records: list[Record] = []
    at = START + timedelta(minutes=5)
    for _ in range(draw(st.integers(0, 40))):
        at += timedelta(minutes=draw(st.integers(1, 60 * 30)))
        kind = draw(st.sampled_from(["item", "item", "item", "event", "approve", "admission"]))
        fields: dict[str, Any] = {"id": uuid.uuid4().hex, "unit": "ward", "actor": draw(st.sampled_from(ACTORS))}
        fields |= {"at": at, "catalog": catalog.digest, "v": 1}
        if kind == "admission":  # an admission and all its items done: settled for good, archived
            records += _admission(draw(st.sampled_from(SUBJECTS)), at, catalog, fields)
            continue
        if kind == "event":
            withdraw = draw(st.booleans()) and records
            fields |= {"action": "withdrawn" if withdraw else "event", "subject": draw(st.sampled_from(SUBJECTS))}
            fields |= {"event": draw(st.sampled_from(["admission", "admission", "review"]))}
            if not withdraw:
                fields["occurred"] = at - timedelta(minutes=draw(st.integers(0, 600)))
            records.append(Record.of(fields))
            continue
        measure = measures[draw(st.sampled_from(sorted(measures)))]
        fields["item"] = measure.id
        if measure.trigger is not None:
            fields["subject"] = draw(st.sampled_from(SUBJECTS))
        if measure.recurrence is not None and draw(st.integers(0, 5)):
            fields["period"] = _period(draw, measure.recurrence, at)
        if kind == "approve" and records:
            fields |= {"action": "approved", "approves": draw(st.sampled_from(records)).id}
        else:
            fields["action"] = draw(st.sampled_from(["done", "done", "done", "na", "partial", "blocked", "reopened"]))
            if fields["action"] == "na" and draw(st.booleans()):
                fields["until"] = (at + timedelta(days=draw(st.integers(-2, 6)))).date()
            fields["measure"] = measure.wording() if draw(st.integers(0, 4)) else "sha256:" + "0" * 64
            if measure.fields and fields["action"] == "done":
                fields["figures"] = {f.id: draw(st.integers(0, 2)) for f in measure.fields if draw(st.integers(0, 4))}
        records.append(Record.of(fields))
    return records


def _admission(subject: str, at: datetime, catalog: Catalog, fields: dict[str, Any]) -> list[Record]:
    event = {**fields, "action": "event", "event": "admission", "subject": subject, "occurred": at}
    made = [Record.of(event)]
    for measure in catalog.measures:
        if measure.trigger is not None and measure.trigger.event == "admission":
            done = {**fields, "id": uuid.uuid4().hex, "item": measure.id, "action": "done", "subject": subject}
            done |= {"measure": measure.wording(), "figures": {f.id: 0 for f in measure.fields}}
            made.append(Record.of(done))
    return made


def _period(draw: st.DrawFn, rec: Any, at: datetime) -> str:
    """A key of one of the measure's periods around `at` (before the start too, now and then)."""
    around = list(old_schedule.periods(rec, ZONE, at - timedelta(days=3), at + timedelta(days=1), START))
    return draw(st.sampled_from(around)).key if around else at.date().isoformat()


def _kinds(catalog: Catalog) -> dict[str, str]:
    """The kind of event that triggers each measure: which occurrence a record names, for the reference."""
    return {m.id: m.trigger.event for m in catalog.measures if m.trigger}


def _items(status: Any) -> list[tuple[Any, ...]]:
    found = []
    for s in status.items:
        due, opens = s.due.isoformat() if s.due else None, s.opens.isoformat() if s.opens else None
        period, last = s.period.key if s.period else None, s.last.id if s.last else None
        trigger = s.item.measure.trigger
        subject = (trigger.event, s.item.subject, s.item.occurrence) if trigger and s.item.subject is not None else None
        where = (s.item.number, subject, s.state, period, s.missed, s.streak, due, opens, s.overdue, s.alerts)
        found.append((*where, s.changed, s.latest, s.totals, s.today, s.records, last))
    return found


def _whole(status: Any) -> tuple[Any, ...]:
    # states with no item left out: the reference fold knows only the states it had
    sections = [(s.section.id, dict(+s.tally.counts), s.tally.total) for s in status.sections]
    headlines = [(h.item.item.id, h.reported_today, h.values, h.days_at_zero) for h in status.headlines]
    critical = [(s.item.id, s.item.subject) for s in status.critical_open]
    overdue = [(s.item.id, s.item.subject) for s in status.overdue]
    last = status.last_record.id if status.last_record else None
    return (dict(+status.tally.counts), status.tally.total, sections, headlines, critical, overdue, last)


def _agree(old: Any, new: Any) -> None:
    assert _whole(new) == _whole(old)
    assert (new.orphans, new.replayed, new.unusable) == (old.orphans, old.replayed, old.unusable)
    listed = _items(new)
    live = {subject for _, subject, *_ in listed if subject is not None}
    settled = [row for row in _items(old) if row[1] is not None and row[1] not in live]
    assert listed == [row for row in _items(old) if row not in settled]
    assert all(state in ("done", "na") and not row[8] and not row[9] for row in settled for state in [row[2]])
    counted = Counter((number, state) for number, _, state, *_ in settled)
    archived = Counter({(a.item.number, s): getattr(a, s) for a in new.archived for s in ("done", "na")})
    assert +archived == counted
    assert sum(a.changed for a in new.archived) == sum(1 for row in settled if row[10])
    assert new.archived_subjects == len({row[1] for row in settled})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_fold_says_what_the_plain_fold_says(catalog: Catalog, data: st.DataObject) -> None:
    records = data.draw(logs(catalog))
    now = START + timedelta(minutes=data.draw(st.integers(0, 60 * 24 * 12)))
    unit = _unit(catalog)
    old = old_status.unit_status(unit, catalog, OldIndex.of(records, _kinds(catalog)), now)
    plain = LogIndex.of(records, Judge.of(catalog))
    _agree(old, unit_status(unit, catalog, plain, now))  # nothing archived
    settle(plain, rules_for(catalog, unit))
    _agree(old, unit_status(unit, catalog, plain, now))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_index_saved_and_read_back_in_rounds_says_the_same(
    catalog: Catalog, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Records appended in rounds, the index settled and saved after each, read back and
    folded on: the same as the plain fold of them all (subjects brought back from the archive
    when a record names them again)."""
    records = data.draw(logs(catalog))
    now = START + timedelta(days=12)
    unit = _unit(catalog)
    store = FileStore.create(tmp_path_factory.mktemp("rounds") / ".checklist")
    store.create_unit(unit)
    blobs.keep_catalog(store, catalog)  # what records' alerts are judged by
    log = store.root / "units/ward/records.jsonl"
    cuts = sorted(data.draw(st.lists(st.integers(0, len(records)), max_size=4)))
    for start, end in zip([0, *cuts], [*cuts, len(records)], strict=True):
        with log.open("ab") as handle:
            handle.write(b"".join(r.line() + b"\n" for r in records[start:end]))
        index = store.index("ward")
        settle(index, rules_for(catalog, unit))
        store.save_index("ward", index)
    old = old_status.unit_status(unit, catalog, OldIndex.of(records, _kinds(catalog)), now)
    index = store.index("ward")
    _agree(old, unit_status(unit, catalog, index, now))
    store.save_index("ward", index)  # with what status worked out (memos): verify works each out again
    assert store.check_snapshot("ward") is None
    assert store.index("ward").memos.keys() == index.memos.keys()  # each held: none dropped


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_cold_fold_that_archives_as_it_goes_says_the_same(
    catalog: Catalog, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold fold settles what it can every few records (so that a million records fit in
    memory): subjects archived part-way and named again later are brought back from the lines
    folded so far, and the end is the plain fold's."""
    monkeypatch.setattr(logfile, "CHUNK", data.draw(st.sampled_from([300, 1000, 5000])))  # a few lines a batch
    monkeypatch.setattr(logfile, "SETTLE_EVERY", 1)
    records = data.draw(logs(catalog))
    now = START + timedelta(minutes=data.draw(st.integers(0, 60 * 24 * 12)))
    unit = _unit(catalog)
    store = FileStore.create(tmp_path_factory.mktemp("cold") / ".checklist")
    store.create_unit(unit)
    blobs.keep_catalog(store, catalog)
    (store.root / "units/ward/records.jsonl").write_bytes(b"".join(r.line() + b"\n" for r in records))
    rules = rules_for(catalog, unit)
    index = store.index("ward", settle=lambda index: settle(index, rules))
    settle(index, rules)
    old = old_status.unit_status(unit, catalog, OldIndex.of(records, _kinds(catalog)), now)
    _agree(old, unit_status(unit, catalog, index, now))
