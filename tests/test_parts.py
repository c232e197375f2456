"""Unit parts: a unit's blocks (wards, dormitories), measures kept per part, rolled up into the unit.

A unit kind names its kinds of part; a measure kept `per: block` is one item per active
block, and the unit's item is met when every block's is. Parts are added and retired by
records (format 5); a part added later has its items from then, a retired one keeps its
history and has no open item.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from checklist.core import catalog as catalogs
from checklist.core.logindex import LogIndex, Mark, load, save
from checklist.core.models import CatalogRef, Record, Unit
from checklist.core.status import unit_status

from .conftest import REPO, records

ZONE = ZoneInfo("Asia/Shanghai")
HEAD = """\
catalog:
  name: parts
  version: "1"
  title: {zh: 分区目录, en: Parts catalog}
  issuer: {zh: 某厅, en: A department}
  timezone: Asia/Shanghai
  unit_kinds:
    - id: prison
      name: {zh: 监狱, en: Prison}
      parts:
        - {id: block, name: {zh: 监区, en: block}}
        - {id: ward, name: {zh: 病区, en: ward}}
    - {id: rehab, name: {zh: 戒毒所, en: Rehab centre}}
  sections:
    - {id: containment, name: {zh: 封闭管理, en: Containment}}
"""
SOURCE = "    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 各监区落实。}\n"
VISITS = (
    """\
  - id: prison.visits
    title: {zh: 停止接见, en: Stop visits}
    applies_to: [prison, rehab]
    section: containment
"""
    + SOURCE
)
SEALED = (
    """\
  - id: prison.sealed
    title: {zh: 监区封闭, en: Seal the block}
    applies_to: [prison]
    section: containment
    per: block
    deadline: {days: 2, after: start}
"""
    + SOURCE
)
DISINFECT = (
    """\
  - id: prison.disinfect
    title: {zh: 监区每日消毒, en: Disinfect the block daily}
    applies_to: [prison]
    section: containment
    per: block
    recurrence: {every: day}
    evidence: [figures]
    fields:
      - {id: temp, label: {zh: 最高体温, en: Highest temperature}, type: number, alert: {at_least: 37.3}}
"""
    + SOURCE
)
START = "2020-01-27T09:00"


def write_catalog(folder: Path, *measures: str, head: str = HEAD) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "00-head.yaml").write_text(head, encoding="utf-8")
    (folder / "10-measures.yaml").write_text("measures:\n" + "".join(measures), encoding="utf-8")
    return folder


@pytest.fixture
def prison(cli, tmp_path: Path):
    """A prison started on 27 January 2020 at 09:00 with VISITS, SEALED and DISINFECT."""
    source = write_catalog(tmp_path / "catalog", VISITS, SEALED, DISINFECT)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", START, "--no-walk").exit_code == 0
    return source


def ok(cli, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result
    return result


def item(document: dict[str, Any], measure: str, part: str | None = None) -> dict[str, Any]:
    (found,) = [i for i in document["items"] if i["id"] == measure and i["part"] == part]
    return found


# --- the catalog -----------------------------------------------------------------------


def test_a_measure_kept_per_a_kind_of_part_its_unit_kinds_lack_is_a_located_error(tmp_path: Path, cli) -> None:
    wrong = SEALED.replace("per: block", "per: dorm").replace("applies_to: [prison]", "applies_to: [prison, rehab]")
    source = write_catalog(tmp_path / "catalog", VISITS, wrong)
    result = cli("validate", str(source))
    assert result.exit_code == 3
    where = f"{source / '10-measures.yaml'}:11:10: measure prison.sealed, field 'per': "
    assert where + "per 'dorm': unit kind prison, rehab has no kind of part 'dorm'" in result.stdout
    assert "(its parts: block, ward)" in result.stdout
    every = SEALED.replace("applies_to: [prison]", "applies_to: all")  # rehab has no blocks
    result = cli("validate", str(write_catalog(tmp_path / "all", VISITS, every)))
    assert result.exit_code == 3 and "unit kind rehab has no kind of part 'block'" in result.stdout


def test_a_kind_of_part_no_measure_is_kept_per_is_a_located_warning(tmp_path: Path, cli) -> None:
    source = write_catalog(tmp_path / "catalog", VISITS, SEALED)  # nothing kept per ward
    result = cli("validate", str(source))
    assert result.exit_code == 0
    head = source / "00-head.yaml"
    where = f"{head}:12:11: warning: field 'catalog.unit_kinds[0].parts[1]': "
    assert where + "unit kind prison has a kind of part 'ward' that no measure is kept `per`" in result.stdout
    assert cli("validate", str(source), "--strict").exit_code == 3


def test_part_kinds_of_a_unit_kind_are_distinct_and_described(tmp_path: Path, cli) -> None:
    twice = HEAD.replace(
        "        - {id: ward, name: {zh: 病区, en: ward}}", "        - {id: block, name: {zh: 病区, en: ward}}"
    )
    result = cli("validate", str(write_catalog(tmp_path / "catalog", VISITS, head=twice)))
    assert result.exit_code == 3 and "the part kinds of a unit kind need distinct ids" in result.stdout
    schema = json.loads(cli("schema").stdout)["$defs"]
    assert "kept per" in schema["Measure"]["properties"]["per"]["description"]
    assert schema["PartKind"]["properties"]["id"]["description"]


def test_the_optional_keys_change_no_existing_digest_or_wording(tmp_path: Path) -> None:
    plain = catalogs.load(write_catalog(tmp_path / "a", VISITS))
    with_parts = catalogs.load(write_catalog(tmp_path / "b", VISITS, head=HEAD))
    assert plain.digest == with_parts.digest  # the same YAML: the same digest, whatever the models know
    bundled = catalogs.load(REPO / "measures")
    assert all(m.per is None for m in bundled.measures)
    per_part = catalogs.load(write_catalog(tmp_path / "c", SEALED)).measures[0]
    no_per = catalogs.load(write_catalog(tmp_path / "d", SEALED.replace("    per: block\n", ""))).measures[0]
    assert per_part.wording() == no_per.wording()


# --- the store: parts added and retired -------------------------------------------------------


def test_parts_are_added_and_retired_by_records_of_format_5(prison, cli) -> None:
    assert json.loads(Path(".checklist/store.json").read_text())["format"] == 3
    ok(cli, "part", "add", "监区", "A区", "--name", "一监区", "--now", "2020-01-27T10:00")  # the kind by its name
    ok(cli, "part", "add", "block", "B区", "--now", "2020-01-27T10:00")
    ok(cli, "part", "retire", "block", "B区", "--reason", "监区合并", "--now", "2020-01-28T10:00")
    added, _, retired = records()[-3:]
    assert (added["v"], added["action"], added["part"], added["part_kind"], added["part_name"]) == (
        5,
        "part-added",
        "A区",
        "block",
        "一监区",
    )
    assert added["occurred"].startswith("2020-01-27T10:00") and "item" not in added
    assert (retired["action"], retired["part"], retired["note"]) == ("part-retired", "B区", "监区合并")
    store = json.loads(Path(".checklist/store.json").read_text())
    assert (store["format"], store["requires"]) == (5, "0.5.0")  # release 0.4.0 refuses it, not misreads it
    listed = json.loads(ok(cli, "part", "--json", "--now", "2020-01-28T11:00").stdout)
    assert [(p["id"], p["name"], p["retired"] is not None) for p in listed["parts"]] == [
        ("A区", "一监区", False),
        ("B区", None, True),
    ]
    assert listed["parts"][1]["totals"] is None and listed["parts"][0]["totals"]["total"] == 2
    shown = ok(cli, "part", "--now", "2020-01-28T11:00", "--lang", "zh").stdout
    assert "一监区" in shown and "撤销 2020年1月28日 10:00" in shown and "使用中" in shown


def test_mistakes_in_part_commands_say_what_to_do(prison, cli) -> None:
    unknown_kind = cli("part", "add", "blok", "A区", "--now", "2020-01-27T10:00")
    assert unknown_kind.exit_code == 1 and "no kind of part 'blok'" in unknown_kind.stderr
    assert "did you mean: block?" in unknown_kind.stderr
    ok(cli, "part", "add", "block", "A区", "--now", "2020-01-27T10:00")
    twice = cli("part", "add", "block", "A区", "--now", "2020-01-27T10:00")
    assert twice.exit_code == 1 and "has a block 'A区' already" in twice.stderr
    no_reason = cli("part", "retire", "block", "A区", "--reason", " ", "--now", "2020-01-27T11:00")
    assert no_reason.exit_code == 1 and "needs a reason" in no_reason.stderr
    typo = cli("part", "retire", "block", "A", "--reason", "x", "--now", "2020-01-27T11:00")
    assert typo.exit_code == 1 and "no part 'A'" in typo.stderr and "did you mean: A区?" in typo.stderr
    other_kind = cli("part", "retire", "ward", "A区", "--reason", "x", "--now", "2020-01-27T11:00")
    assert other_kind.exit_code == 1 and "'A区' is a block of this unit, not a ward" in other_kind.stderr
    blank = cli("part", "add", "block", " C区", "--now", "2020-01-27T10:00")
    assert blank.exit_code == 1 and "begins or ends with a blank" in blank.stderr
    slash = cli("part", "add", "block", "C/D", "--now", "2020-01-27T10:00")
    assert slash.exit_code == 1 and "a part's id holds at most 64 characters, and no '/' or '|'" in slash.stderr
    ok(cli, "part", "retire", "block", "A区", "--reason", "合并", "--now", "2020-01-27T11:00")
    again = cli("part", "add", "block", "A区", "--now", "2020-01-27T12:00")
    assert again.exit_code == 1 and "retired on 2020-01-27" in again.stderr and "A区-2" in again.stderr
    none = cli("part", "add", "block", "X", "--unit", "prison", "--at", "2020-01-26T10:00", "--now", START)
    assert none.exit_code == 1 and "before the unit started" in none.stderr
    assert "Traceback" not in none.stderr + again.stderr + typo.stderr


# --- items per part, rolled up ---------------------------------------------------------------


def test_the_unit_item_is_met_when_every_active_part_is(prison, cli) -> None:
    now = ("--now", "2020-01-27T12:00")
    empty = json.loads(ok(cli, "list", "--json", *now).stdout)
    assert item(empty, "prison.sealed")["state"] == "open"
    assert item(empty, "prison.sealed")["rollup"] == {"kind": "block", "done": 0, "total": 0, "missing": []}
    assert "no block yet: `checklist part add block ID`" in ok(cli, "list", *now, "--lang", "en").stdout
    no_parts = cli("done", "2", *now)
    assert no_parts.exit_code == 1 and "is kept per block, and the unit has none yet" in no_parts.stderr
    for part in ("A区", "B区", "C区"):
        ok(cli, "part", "add", "block", part, "--now", "2020-01-27T10:00")
    ok(cli, "done", "2", "--part", "A区", "--part", "B区", *now)  # the same answer for two parts
    listed = json.loads(ok(cli, "list", "--json", *now).stdout)
    sealed = item(listed, "prison.sealed")
    assert sealed["state"] == "partial"
    assert sealed["rollup"] == {"kind": "block", "done": 2, "total": 3, "missing": ["C区"]}
    assert [item(listed, "prison.sealed", p)["state"] for p in ("A区", "B区", "C区")] == ["done", "done", "open"]
    status = json.loads(ok(cli, "status", "--json", *now).stdout)
    assert (status["totals"]["done"], status["totals"]["partial"], status["totals"]["total"]) == (0, 1, 3)
    parts = {p["id"]: p["totals"] for p in status["parts"]}
    assert (parts["A区"]["done"], parts["A区"]["total"], parts["C区"]["done"]) == (1, 2, 0)
    shown = ok(cli, "status", *now, "--lang", "en").stdout
    assert "2/3 blocks done · missing: C区" in shown
    assert "3 个监区中 2 个已完成 · 未完成：C区" in ok(cli, "status", *now, "--lang", "zh").stdout
    ok(cli, "done", "2", *now)  # the one block still open: no --part needed
    done = json.loads(ok(cli, "status", "--json", *now).stdout)
    assert done["totals"]["done"] == 1 and item(json.loads(ok(cli, "list", "--json", *now).stdout), "prison.sealed")[
        "rollup"
    ] == {"kind": "block", "done": 3, "total": 3, "missing": []}
    ok(cli, "na", "2", "--part", "C区", "--reason", "空置", *now)
    assert item(json.loads(ok(cli, "list", "--json", *now).stdout), "prison.sealed")["state"] == "done"


def test_naming_the_part_is_needed_when_several_are_open(prison, cli) -> None:
    for part in ("A区", "B区"):
        ok(cli, "part", "add", "block", part, "--now", "2020-01-27T10:00")
    now = ("--now", "2020-01-27T12:00")
    which = cli("done", "2", *now)
    assert which.exit_code == 1
    assert "item 2 (prison.sealed) is kept per block, and 2 blocks are open: A区, B区" in which.stderr
    assert "checklist done 2 --part 'A区'" in which.stderr and "checklist done 2 --part 'B区'" in which.stderr
    blocked = cli("block", "2", "--reason", "x", *now)
    assert "checklist block 2 --part 'A区'" in blocked.stderr
    unknown = cli("done", "2", "--part", "A", *now)
    assert unknown.exit_code == 1 and "has no block 'A' (its blocks: A区, B区)" in unknown.stderr
    assert "did you mean: A区?" in unknown.stderr
    not_per_part = cli("done", "1", "--part", "A区", *now)
    assert not_per_part.exit_code == 1 and "not kept per part; leave out --part" in not_per_part.stderr
    ok(cli, "part", "retire", "block", "B区", "--reason", "合并", *now)
    retired = cli("done", "2", "--part", "B区", *now)
    assert retired.exit_code == 1 and "block 'B区' was retired on 2020-01-27" in retired.stderr
    assert records()[-1]["action"] == "part-retired"  # nothing recorded by the refusals


def test_a_part_added_later_has_its_periods_and_deadlines_from_then(prison, cli) -> None:
    ok(cli, "part", "add", "block", "A区", "--now", "2020-01-27T10:00")
    ok(cli, "part", "add", "block", "B区", "--at", "2020-01-29T15:00", "--now", "2020-01-29T16:00")
    now = ("--now", "2020-01-30T10:00")
    listed = json.loads(ok(cli, "list", "--json", *now).stdout)
    early, late = item(listed, "prison.disinfect", "A区"), item(listed, "prison.disinfect", "B区")
    assert early["missed"] == ["2020-01-27", "2020-01-28", "2020-01-29"] and late["missed"] == ["2020-01-29"]
    assert item(listed, "prison.sealed", "A区")["due"].startswith("2020-01-30T00:00")  # 2 days after the start
    assert item(listed, "prison.sealed", "B区")["due"].startswith("2020-02-01T00:00")  # 2 days after its addition
    assert item(listed, "prison.sealed", "A区")["overdue"] and not item(listed, "prison.sealed", "B区")["overdue"]
    before = cli("done", "3", "--part", "B区", "--for", "2020-01-28", "--set", "temp=36.5", *now)
    assert before.exit_code == 1 and "not a period of prison.disinfect" in before.stderr
    ok(cli, "done", "3", "--part", "B区", "--for", "2020-01-29", "--set", "temp=36.5", *now)
    ok(cli, "done", "3", "--part", "B区", "--set", "temp=36.6", *now)
    status = json.loads(ok(cli, "status", "--json", *now).stdout)
    recurring = {(r["id"], r["part"]): r for r in status["recurring"]}
    assert (
        recurring[("prison.disinfect", "B区")]["streak"] == 2 and not recurring[("prison.disinfect", "B区")]["missed"]
    )
    assert recurring[("prison.disinfect", "A区")]["state"] == "open"
    assert [(o["id"], o["part"]) for o in status["overdue"]] == [("prison.sealed", "A区")]
    replayed = json.loads(ok(cli, "list", "--json", "--now", "2020-01-28T10:00").stdout)  # before B区 was added
    assert [i["part"] for i in replayed["items"] if i["id"] == "prison.disinfect"] == [None, "A区"]


def test_a_retired_part_has_no_open_item_and_keeps_its_history(prison, cli) -> None:
    for part in ("A区", "B区"):
        ok(cli, "part", "add", "block", part, "--now", "2020-01-27T10:00")
    ok(cli, "done", "2", "--part", "A区", "--now", "2020-01-27T11:00")
    ok(cli, "done", "2", "--part", "B区", "--now", "2020-01-27T11:00")
    ok(cli, "reopen", "2", "--part", "B区", "--reason", "复查", "--now", "2020-01-27T12:00")
    ok(cli, "part", "retire", "block", "B区", "--reason", "监区合并", "--now", "2020-01-27T13:00")
    listed = json.loads(ok(cli, "list", "--json", "--now", "2020-01-27T14:00").stdout)
    assert [i["part"] for i in listed["items"] if i["id"] == "prison.sealed"] == [None, "A区"]
    assert item(listed, "prison.sealed")["state"] == "done"  # every active block's is
    log = ok(cli, "log", "--item", "2", "--no-pager").stdout
    assert log.count("B区") == 2  # its done and its reopening stay
    whole = ok(cli, "log", "--no-pager", "--lang", "en").stdout
    assert "part retired" in whole and "block B区" in whole
    then = json.loads(ok(cli, "list", "--json", "--now", "2020-01-27T12:30").stdout)  # replayed before retirement
    assert item(then, "prison.sealed", "B区")["state"] == "open"


def test_alerts_of_a_part_are_acknowledged_with_its_part(prison, cli) -> None:
    for part in ("A区", "B区"):
        ok(cli, "part", "add", "block", part, "--now", "2020-01-27T10:00")
    now = ("--now", "2020-01-27T12:00")
    ok(cli, "done", "3", "--part", "A区", "--set", "temp=38.0", *now)
    ok(cli, "done", "3", "--part", "B区", "--set", "temp=37.5", *now)
    status = json.loads(ok(cli, "status", "--json", *now).stdout)
    assert [(a["part"], a["command"]) for a in status["unacknowledged_alerts"]] == [
        ("A区", "checklist ack 3 --part 'A区' --for 2020-01-27 --reason '…'"),
        ("B区", "checklist ack 3 --part 'B区' --for 2020-01-27 --reason '…'"),
    ]
    which = cli("ack", "3", "--reason", "复测正常", *now)
    assert which.exit_code == 1 and "alerts of several parts" in which.stderr
    ok(cli, "ack", "3", "--part", "A区", "--reason", "复测正常", *now)
    assert records()[-1]["part"] == "A区" and records()[-1]["v"] == 5
    left = json.loads(ok(cli, "status", "--json", *now).stdout)["unacknowledged_alerts"]
    assert [a["part"] for a in left] == ["B区"]


# --- views: --part, today, walk, JSON ------------------------------------------------------


def test_status_today_and_list_of_one_part(prison, cli) -> None:
    for part in ("A区", "B区"):
        ok(cli, "part", "add", "block", part, "--now", "2020-01-27T10:00")
    now = ("--now", "2020-01-27T12:00")
    ok(cli, "done", "2", "--part", "A区", *now)
    one = json.loads(ok(cli, "status", "--part", "A区", "--json", *now).stdout)
    assert (one["totals"]["done"], one["totals"]["open"], one["totals"]["total"]) == (1, 1, 2)
    assert "part A区 only" in ok(cli, "status", "--part", "A区", *now, "--lang", "en").stdout
    listed = json.loads(ok(cli, "list", "--part", "B区", "--json", *now).stdout)
    assert {(i["id"], i["part"], i["state"]) for i in listed["items"]} == {
        ("prison.sealed", "B区", "open"),
        ("prison.disinfect", "B区", "open"),
    }
    agenda = json.loads(ok(cli, "today", "--part", "B区", "--json", *now).stdout)
    commands = [e["command"] for e in agenda["today"] + agenda["coming"] + agenda["open"]]
    assert sorted(commands) == ["checklist done 2 --part 'B区'", "checklist done 3 --part 'B区' --set 'temp=…'"]
    whole = json.loads(ok(cli, "today", "--json", *now).stdout)
    everything = [e["command"] for part in ("today", "coming", "open", "overdue") for e in whole[part]]
    assert "checklist done 1" in everything and "checklist done 2 --part 'B区'" in everything
    assert not any("--part 'A区'" in c and c.startswith("checklist done 2") for c in everything)
    shown = ok(cli, "today", *now, "--lang", "zh").stdout
    assert "$ checklist done 2 --part 'B区'" in shown
    typo = cli("status", "--part", "C区", *now)
    assert typo.exit_code == 1 and "this unit has no part 'C区' (parts: A区, B区)" in typo.stderr
    assert "did you mean: B区?" in cli("today", "--part", "B", *now).stderr


def test_the_json_documents_validate_against_their_schemas(prison, cli) -> None:
    for part in ("A区", "B区"):
        ok(cli, "part", "add", "block", part, "--name", f"{part}名", "--now", "2020-01-27T10:00")
    now = ("--now", "2020-01-28T12:00")
    ok(cli, "done", "3", "--part", "A区", "--set", "temp=38", *now)
    ok(cli, "part", "retire", "block", "B区", "--reason", "合并", *now)
    for name, args in (
        ("status", ("status",)),
        ("items", ("list",)),
        ("agenda", ("today",)),
        ("parts", ("part",)),
        ("log", ("log",)),
        ("status", ("status", "--part", "A区")),
    ):
        schema = json.loads(ok(cli, "schema", "--output", name).stdout)
        document = json.loads(ok(cli, *args, "--json", *(now if name != "log" else ())).stdout)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(document)]
        assert not errors, (name, errors)


def test_walk_goes_through_each_parts_item(prison, cli) -> None:
    for part in ("A区", "B区"):
        ok(cli, "part", "add", "block", part, "--now", "2020-01-27T10:00")
    ok(cli, "done", "1", "--now", "2020-01-27T11:00")
    # item 2 of A区: done; of B区: n/a; item 3 (figures) of A区: skip; then quit
    walked = cli("walk", "--now", "2020-01-27T12:00", "--lang", "en", input="d\n\n\nn\n空置\ns\nq\n")
    assert walked.exit_code == 0, walked
    assert "2 · A区" in walked.stdout and "2 · B区" in walked.stdout
    assert "Recorded: 2 Seal the block · A区 → done" in walked.stderr
    assert [(r["part"], r["action"]) for r in records()[-2:]] == [("A区", "done"), ("B区", "na")]


def test_the_saved_index_keeps_the_parts_and_verify_checks_them(prison, cli) -> None:
    ok(cli, "part", "add", "block", "A区", "--now", "2020-01-27T10:00")
    ok(cli, "part", "retire", "block", "A区", "--reason", "合并", "--now", "2020-01-27T11:00")
    ok(cli, "part", "add", "block", "B区", "--now", "2020-01-27T12:00")
    ok(cli, "done", "2", "--now", "2020-01-27T13:00")
    ok(cli, "done", "3", "--set", "temp=36.5", "--now", "2020-01-27T13:00")  # a table of periods, and its memo
    warm = ok(cli, "status", "--json", "--now", "2020-01-27T14:00").stdout
    saved = Path(".checklist/units/prison/index.json")
    index = json.loads(saved.read_text())
    assert set(index["parts"]) == {"A区", "B区"} and index["format"] == 9
    assert "prison.disinfect|/B区" in index["memos"]
    saved.unlink()
    assert ok(cli, "status", "--json", "--now", "2020-01-27T14:00").stdout == warm  # a fold from nothing agrees
    assert ok(cli, "verify").exit_code == 0
    index = json.loads(saved.read_text())
    index["parts"]["A区"][5] = None  # A区 no longer retired: an edit of the derived index
    saved.write_text(json.dumps(index))
    tampered = cli("verify")
    assert tampered.exit_code == 3 and "index.json does not say what the log says" in tampered.stdout + tampered.stderr


def test_a_day_with_records_of_parts_is_sealed_with_each_parts_totals(prison, cli) -> None:
    ok(cli, "keys", "new")
    ok(cli, "part", "add", "block", "A区", "--now", "2020-01-27T10:00")
    ok(cli, "done", "2", "--now", "2020-01-27T11:00")
    day = datetime.now(ZONE).date().isoformat()  # records are of the real day they were written
    ok(cli, "seal", "--period", day, "--out", "seal.json")
    from .conftest import seal_payload

    payload = seal_payload(Path("seal.json"))
    assert payload["format"] == 6  # 5 for parts; 6 since seals carry the readable part of the day
    assert payload["parts"] == {"A区": {"done": 1, "na": 0, "blocked": 0, "open": 1}}  # counted per part too
    assert payload["totals"] == {"done": 1, "na": 0, "blocked": 0, "open": 2}  # and per unit
    assert [e.get("part") for e in payload["entries"] if e["action"] in ("part-added", "done")] == ["A区", "A区"]
    assert ok(cli, "verify", "--seal", "seal.json").exit_code == 0


def test_through_a_real_process(prison, proc) -> None:
    env = {"CHECKLIST_USER": "王警官"}
    added = proc("part", "add", "block", "A区", "--name", "一监区", "--now", "2020-01-27T10:00", env=env)
    assert added.exit_code == 0, added
    assert "Added block A区 (一监区)." in added.stderr or "已新增监区：A区（一监区）" in added.stderr
    done = proc("done", "2", "--part", "A区", "--now", "2020-01-27T11:00", env=env)
    assert done.exit_code == 0, done
    status = json.loads(proc("status", "--json", "--now", "2020-01-27T12:00", env=env).stdout)
    assert status["totals"]["done"] == 1 and [p["id"] for p in status["parts"]] == ["A区"]
    wrong = proc("done", "2", "--part", "Z", "--now", "2020-01-27T12:00", env=env)
    assert wrong.exit_code == 1 and "Traceback" not in wrong.stderr


# --- the roll-up, held to a slow reference ------------------------------------------------

PARTS = ["A", "B", "C"]
STEP = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(PARTS)),
    st.tuples(st.just("retire"), st.sampled_from(PARTS)),
    st.tuples(st.sampled_from(["done", "reopened", "na"]), st.sampled_from(PARTS)),
)


def _record(seq: int, action: str, at: datetime, **fields: Any) -> Record:
    base: dict[str, Any] = {
        "v": 5 if fields.get("part") else 3,
        "id": uuid.uuid4().hex,
        "unit": "prison",
        "action": action,
        "actor": "tester",
        "at": at,
        "catalog": "sha256:" + "0" * 64,
        "figures": {},
        "evidence": [],
        "seq": seq,
        "prev": "sha256:" + "a" * 64,
    }
    return Record.of({**base, **fields})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, max_size=14), cut=st.integers(0, 14))
def test_the_roll_up_equals_a_slow_reference(tmp_path_factory, steps: list[tuple[str, str]], cut: int) -> None:
    """Random adds, retirements and answers, an hour apart: the fold's roll-up (and its saved and
    loaded form) says what replaying the records one by one says, at every moment asked."""
    folder = tmp_path_factory.mktemp("roll")
    catalog = catalogs.load(write_catalog(folder / "c", VISITS, SEALED))
    started = datetime(2020, 1, 27, 9, tzinfo=ZONE)
    unit = Unit(
        id="prison",
        kind="prison",
        catalog=CatalogRef(name="parts", version="1", digest=catalog.digest),
        started_at=started,
        started_by="tester",
    )
    made: list[Record] = []
    active: dict[str, bool] = {}
    for number, (action, part) in enumerate(steps, start=1):  # only what the commands would record
        moment = started + timedelta(hours=number)
        if action == "add" and part not in active:
            made.append(_record(number, "part-added", moment, part=part, part_kind="block", occurred=moment))
            active[part] = True
        elif action == "retire" and active.get(part):
            made.append(_record(number, "part-retired", moment, part=part, occurred=moment, note="x"))
            active[part] = False
        elif action in ("done", "reopened", "na") and active.get(part):
            note = "x" if action != "done" else None
            made.append(_record(number, action, moment, item="prison.sealed", part=part, note=note))
    now = started + timedelta(hours=min(cut, len(steps)) + 0.5)
    shown = [r for r in made if r.at <= now]
    index = LogIndex.of(made)
    status = unit_status(unit, catalog, index, now)
    (rolled,) = [s for s in status.items if s.item.id == "prison.sealed"]
    # the reference: replay the parts' records up to now, one by one (parts are dated by their
    # records; an answer is an item's latest, whenever it was recorded)
    alive: dict[str, bool] = {}
    for record in shown:
        if record.action == "part-added":
            alive[record.part or ""] = True
        elif record.action == "part-retired":
            alive[record.part or ""] = False
    latest = {}
    for record in made:
        if record.item is not None:
            latest[record.part or ""] = {"done": "done", "na": "na", "reopened": "open"}[record.action]
    parts = [p for p, on in alive.items() if on]
    states = [latest.get(p, "open") for p in parts]
    settled = [s for s in states if s in ("done", "na")]
    expected = (
        "open"
        if not parts
        else ("done" if "done" in states else "na")
        if len(settled) == len(states)
        else "partial"
        if settled
        else "open"
    )
    assert rolled.state == expected, (steps, cut)
    assert [c.item.part for c in rolled.parts or []] == parts
    assert {p: t.total for p, t in status.part_tallies().items()} == dict.fromkeys(parts, 1)
    mark = Mark(size=1 << 40, inode=0, mtime_ns=0, tail_at=0, tail="")
    _, loaded = load(save(index, mark, "test"), made.__getitem__)  # as index.json keeps it
    assert loaded.parts == index.parts
    (again,) = [s for s in unit_status(unit, catalog, loaded, now).items if s.item.id == "prison.sealed"]
    assert (again.state, [c.state for c in again.parts or []]) == (rolled.state, [c.state for c in rolled.parts or []])


TRANSFER = (
    """\
  - id: prison.transfer-disinfect
    title: {zh: 转押后各监区消毒, en: Disinfect each block after a transfer}
    applies_to: [prison]
    section: containment
    per: block
    trigger: {event: transfer, subject: {zh: 转押人员, en: person transferred}}
    deadline: {days: 1, after: event}
"""
    + SOURCE
)


def test_a_triggered_measure_kept_per_part_is_one_item_per_part_of_each_subject(cli, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", VISITS, TRANSFER)
    ok(cli, "start", "--unit", "prison", "--catalog", str(source), "--now", START, "--no-walk")
    for part in ("A区", "B区"):
        ok(cli, "part", "add", "block", part, "--now", "2020-01-27T10:00")
    ok(cli, "event", "transfer", "--subject", "P1", "--now", "2020-01-27T11:00")
    now = ("--now", "2020-01-27T12:00")
    which = cli("done", "2", "--subject", "P1", *now)
    assert which.exit_code == 1 and "checklist done 2 --subject P1 --part 'B区'" in which.stderr
    ok(cli, "done", "2", "--subject", "P1", "--part", "A区", *now)
    listed = json.loads(ok(cli, "list", "--json", *now).stdout)
    rolled = [i for i in listed["items"] if i["id"] == "prison.transfer-disinfect"]
    assert [(i["subject"], i["part"], i["state"]) for i in rolled] == [
        ("P1", None, "partial"),
        ("P1", "A区", "done"),
        ("P1", "B区", "open"),
    ]
    assert rolled[0]["rollup"]["missing"] == ["B区"] and rolled[2]["due"].startswith("2020-01-29T00:00")
    ok(cli, "done", "2", "--subject", "P1", *now)  # the one block left
    status = json.loads(ok(cli, "status", "--json", *now).stdout)
    assert status["totals"]["done"] == 1 and status["archived_subjects"] == 0  # kept listed: its parts may change
    assert "1/2 · missing: B区" not in ok(cli, "list", *now).stdout


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    added=st.lists(st.integers(0, 5 * 24), min_size=1, max_size=3),
    reports=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 6)), max_size=10),
    hours=st.integers(0, 7 * 24 - 1),
)
def test_per_part_periods_run_from_each_parts_addition(tmp_path_factory, added, reports, hours) -> None:
    """A daily measure kept per part: each part's periods start on the day it was added, so
    its missed periods are those days, up to yesterday, with no report, whatever the others did."""
    folder = tmp_path_factory.mktemp("periods")
    catalog = catalogs.load(write_catalog(folder / "c", DISINFECT))
    started = datetime(2020, 1, 27, 9, tzinfo=ZONE)
    unit = Unit(
        id="prison",
        kind="prison",
        catalog=CatalogRef(name="parts", version="1", digest=catalog.digest),
        started_at=started,
        started_by="tester",
    )
    now = started + timedelta(hours=hours)
    parts = {f"P{n}": started + timedelta(hours=h) for n, h in enumerate(added)}
    made = [
        _record(seq, "part-added", moment, part=part, part_kind="block", occurred=moment)
        for seq, (part, moment) in enumerate(parts.items(), start=1)
    ]
    reported: dict[str, set[str]] = {part: set() for part in parts}
    for part_number, day in reports:
        part = f"P{part_number}"
        period = (started.date() + timedelta(days=day)).isoformat()
        if part in parts and parts[part].date() <= date.fromisoformat(period) <= now.date():  # what `done --for` allows
            made.append(_record(len(made) + 1, "done", now, item="prison.disinfect", part=part, period=period))
            made[-1] = made[-1].replace(figures={"temp": 36.5})
            reported[part].add(period)
    status = unit_status(unit, catalog, LogIndex.of(made), now)
    (rolled,) = [s for s in status.items if s.item.id == "prison.disinfect"]
    for child in rolled.parts or []:
        part = child.item.part or ""
        first = parts[part].date()
        days = [(first + timedelta(days=n)).isoformat() for n in range((now.date() - first).days)]
        assert list(child.missed) == [d for d in days if d not in reported[part]], (part, added, reports, hours)
        assert (child.state == "done") == (now.date().isoformat() in reported[part])
    assert [c.item.part for c in rolled.parts or []] == [
        p for p, at in sorted(parts.items(), key=lambda x: x[1]) if at <= now
    ]


def date_of(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


def test_walk_says_which_measures_wait_for_a_part(prison, cli) -> None:
    walked = cli("walk", "--now", "2020-01-27T10:00", "--lang", "en", input="q\n")
    assert walked.exit_code == 0
    assert "2 Seal the block: no block yet: `checklist part add block ID`" in walked.stderr
    assert "Disinfect the block daily" not in walked.stdout  # no item to walk until a block is added
