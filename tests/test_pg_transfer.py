"""Issue 15, moving data into a PostgreSQL store: `checklist push --to postgresql://…` (a folder
store's units copied with their chains and signatures intact), and bundles imported into, and
exported from, a store in a database as into a folder (mirrors, trusted keys, export marks).

Every test runs against a real server (tests/pg.py: skipped without one, failing in CI)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from checklist.core.pgstore import PgStore

from .conftest import Result
from .languages import chinese_in_english, english_lines
from .test_bundles import Place, export, record

Run = Callable[..., Result]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stores"
VERSIONS = sorted(p.name for p in FIXTURES.iterdir() if (p / "store").is_dir())


@pytest.fixture
def places(cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[str, str], Place]:
    def make(name: str, user: str) -> Place:
        root = tmp_path / name
        root.mkdir()
        return Place(cli, monkeypatch, root, user)

    return make


@pytest.fixture
def prison(places: Callable[[str, str], Place]) -> Place:
    """A prison on its own folder store: a key, records (one with evidence), a seal."""
    place = places("prison", "王警官")
    place.ok("start", "--unit", "prison", "--name", "长沙监狱")
    place.ok("keys", "new")
    for number in ("1", "3", "5"):
        record(place, number, f"第{number}项已落实")
    place.ok("seal")
    return place


def status_all(place: Place, store: str) -> dict[str, Any]:
    result = place("status", "--all", "--json", "--store", store, "--now", "2020-01-28T10:00")
    assert result.exit_code == 0, result
    document = result.json()
    assert isinstance(document, dict)
    return document


def without_store(document: Any) -> Any:
    """A document with where the store is left out (the one thing a push changes)."""
    if isinstance(document, dict):
        return {k: without_store(v) for k, v in document.items() if k not in ("store", "location")}
    if isinstance(document, list):
        return [without_store(v) for v in document]
    return document


def rows(url: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


# -- push -------------------------------------------------------------------------------------


def test_push_copies_every_byte_and_verifies_there(prison: Place, pg_url: str, proc: Run) -> None:
    result = prison("push", "--to", pg_url, "--all")
    assert result.exit_code == 0, result
    assert "prison (长沙监狱): 3 records copied (0 records already there), new in the database" in result.stderr
    assert "1 unit pushed to postgresql://" in result.stderr
    # the log, byte for byte, and the unit file
    log = b"".join(bytes(r[0]) + b"\n" for r in rows(pg_url, "SELECT line FROM checklist.records ORDER BY n"))
    assert log == prison.log("prison")
    genesis = rows(pg_url, "SELECT genesis FROM checklist.units WHERE unit = 'prison'")[0][0]
    assert bytes(genesis) == (prison.store / "units" / "prison" / "unit.json").read_bytes()
    kinds = dict(rows(pg_url, "SELECT kind, count(*) FROM checklist.blobs GROUP BY kind"))
    assert kinds["catalog"] >= 1 and kinds["evidence"] == 1 and kinds["key"] == 1 and kinds["seal"] == 1
    # verify there: chain, signatures, the seal made in the folder (it names the folder store)
    verified = prison("verify", "--all", "--store", pg_url)
    assert verified.exit_code == 0, verified
    assert "1 seal holds" in verified.stderr + verified.stdout
    # status --all reads the same in the database as in the folder
    assert without_store(status_all(prison, pg_url)) == without_store(status_all(prison, str(prison.store)))
    # again: nothing written, and said so; through a real process
    before = rows(pg_url, "SELECT count(*) FROM checklist.blobs")
    again = proc("push", "--to", pg_url, "--all", "--json", env=prison.env())
    assert again.exit_code == 0, again
    document = again.json()
    assert document["records_copied"] == 0 and document["blobs_copied"] == 0
    assert document["records_held"] == 3 and document["units"][0]["created"] is False
    from checklist.present.schemas import schema

    Draft202012Validator(schema("push")).validate(document)
    assert rows(pg_url, "SELECT count(*) FROM checklist.blobs") == before
    words = prison("push", "--to", pg_url, "--lang", "zh")
    assert words.exit_code == 0 and "没有新内容" in words.stderr, words
    assert not english_lines(words.stderr, allowed=["prison"])
    # new records in the folder go across on the next push, only those
    record(prison, "4", "第4项已落实")
    later = prison("push", "--to", pg_url)
    assert "1 record copied (3 records already there)" in later.stderr, later
    assert prison("verify", "--all", "--store", pg_url).exit_code == 0


def test_push_refuses_a_fork_and_a_clash_writing_nothing_of_that_unit(
    prison: Place, places: Callable[[str, str], Place], pg_url: str
) -> None:
    prison.ok("push", "--to", pg_url)
    # the database's copy goes on its own way (another officer, on another machine); the
    # folder too: a fork at the first new line
    colleague = places("colleague", "李警官")
    assert in_db(colleague, pg_url, "done", "8", "--note", "在数据库中记录", "--unit", "prison").exit_code == 0
    record(prison, "4", "在文件夹中记录")
    held = rows(pg_url, "SELECT count(*) FROM checklist.records")
    for lang, words in (("en", "line 4 in postgresql://"), ("zh", "第 4 行与文件夹中的第 4 行不同")):
        result = prison("push", "--to", pg_url, "--lang", lang)
        assert result.exit_code == 3, result
        assert words in result.stderr, result
        assert "verify --all" in result.stderr
    assert rows(pg_url, "SELECT count(*) FROM checklist.records") == held
    assert chinese_in_english(prison("push", "--to", pg_url, "--lang", "en").stderr, allowed=["长沙监狱"]) == []
    # another store's unit with the same id: a clash, one line, exit 3, nothing of it written
    other = places("other", "李警官")
    other.ok("start", "--unit", "prison", "--name", "另一个监狱")
    result = other("push", "--to", pg_url, "--json")
    assert result.exit_code == 3, result
    assert result.json()["refused"][0]["code"] == "push.clash"
    assert rows(pg_url, "SELECT count(*) FROM checklist.records") == held


def test_a_push_cut_off_resumes(prison: Place, pg_url: str) -> None:
    """A push cut off after some of a unit's lines (each batch is a transaction of its own)
    leaves the database holding the first lines: the next push appends the rest."""
    for number in ("4", "8"):
        record(prison, number, f"第{number}项")
    lines = prison.log("prison").splitlines()
    store = PgStore.open(pg_url)
    genesis = (prison.store / "units" / "prison" / "unit.json").read_bytes()
    assert store.add_unit_bytes("prison", genesis, by="王警官")
    store.append_lines("prison", lines[:2], 0)
    store.close()
    result = prison("push", "--to", pg_url)
    assert result.exit_code == 0, result
    assert f"{len(lines) - 2} records copied (2 records already there)" in result.stderr
    assert prison("verify", "--all", "--store", pg_url).exit_code == 0


def test_push_wants_a_database_and_a_folder(prison: Place, pg_url: str, tmp_path: Path) -> None:
    result = prison("push", "--to", str(tmp_path / "elsewhere"))
    assert result.exit_code == 1 and "is not a database store" in result.stderr, result
    zh = prison("push", "--to", "memory:x", "--lang", "zh")
    assert zh.exit_code == 1 and "不是数据库中的记录库" in zh.stderr, zh
    prison.ok("push", "--to", pg_url)
    from_db = prison("push", "--to", pg_url, "--store", pg_url)
    assert from_db.exit_code == 1 and "copies a store in a folder" in from_db.stderr, from_db
    both = prison("push", "--to", pg_url, "--unit", "prison", "--all")
    assert both.exit_code == 1, both


@pytest.mark.parametrize("version", VERSIONS)
def test_push_every_fixture_store(version: str, cli: Run, pg_url: str, tmp_path: Path, monkeypatch: Any) -> None:
    """Each release's store pushes and verifies in the database, older formats too (records
    without links, blank lines, no list of units), except 0.1.0's: its catalogs are named by
    a hash of that release's models, which a database cannot keep (refused, nothing written)."""
    copy = tmp_path / version
    shutil.copytree(FIXTURES / version / "store", copy)
    shutil.copytree(FIXTURES / version / "config-home", tmp_path / "config-home")
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config-home"))
    result = cli("push", "--all", "--to", pg_url, "--store", str(copy))
    if version == "0.1.0":
        assert result.exit_code == 1, result
        assert "kept by release 0.1.0" in result.stderr and "cannot be pushed" in result.stderr
        assert rows(pg_url, "SELECT count(*) FROM checklist.units") == [(0,)]
        return
    assert result.exit_code == 0, result
    verified = cli("verify", "--all", "--json", "--store", pg_url)
    assert verified.exit_code == 0, verified
    in_db = {u["unit"]: (u["records"], u["head"], u["signed"], u["seals"]) for u in verified.json()["units"]}
    folder = cli("verify", "--all", "--json", "--store", str(copy)).json()
    assert in_db == {u["unit"]: (u["records"], u["head"], u["signed"], u["seals"]) for u in folder["units"]}
    now = json.loads((FIXTURES / version / "expected.json").read_text(encoding="utf-8"))["now"]
    statuses = [
        without_store(cli("status", "--all", "--json", "--now", now, "--store", where).json())
        for where in (pg_url, str(copy))
    ]
    assert statuses[0] == statuses[1]
    assert cli("push", "--all", "--to", pg_url, "--store", str(copy), "--json").json()["records_copied"] == 0


# -- bundles into and out of a database -------------------------------------------------------


@pytest.fixture
def department(places: Callable[[str, str], Place], prison: Place, pg_url: str) -> Place:
    """The department's store in PostgreSQL: a unit of its own, the prison's key trusted."""
    place = places("department", "省厅值班员")
    place.monkeypatch.setenv("CHECKLIST_STORE", pg_url)
    place.store = Path(pg_url)  # not a folder: env() names the database
    prison.ok("keys", "export", "--out", str(prison.root / "prison-key.json"))
    return place


def in_db(place: Place, url: str, *args: str) -> Result:
    for name, value in {**place.env(), "CHECKLIST_STORE": url}.items():
        place.monkeypatch.setenv(name, value)
    return place.cli(*args)


def test_bundles_import_into_a_database_as_into_a_folder(
    prison: Place, department: Place, places: Callable[[str, str], Place], pg_url: str
) -> None:
    def dept(*args: str) -> Result:
        return in_db(department, pg_url, *args)

    assert dept("start", "--unit", "department", "--name", "省厅").exit_code == 0
    trusted = dept("keys", "trust", str(prison.root / "prison-key.json"), "--unit", "prison")
    assert trusted.exit_code == 0, trusted
    first = export(prison, "day1.bundle")
    result = dept("import", str(first))
    assert result.exit_code == 0, result
    assert "a new mirror" in result.stderr
    # a mirror in the database: the exact bytes, read and verified, never recorded on
    log = b"".join(
        bytes(r[0]) + b"\n" for r in rows(pg_url, "SELECT line FROM checklist.records WHERE unit = 'prison' ORDER BY n")
    )
    assert log == prison.log("prison")
    assert dept("verify", "--all").exit_code == 0
    summary = dept("status", "--all", "--json", "--now", "2020-01-28T10:00")
    assert {u["unit"]["id"] for u in summary.json()["units"]} == {"department", "prison"}
    refused = dept("done", "1", "--unit", "prison", "--note", "x")
    assert refused.exit_code == 1 and "is a mirror" in refused.stderr, refused
    with pytest.raises(Exception, match="mirror"):  # the database refuses it too
        rows(pg_url, "INSERT INTO checklist.records (unit, n, pos, line) VALUES ('prison', 99, 0, 'x')")
    # twice: no change
    before = (
        rows(pg_url, "SELECT count(*) FROM checklist.records"),
        rows(pg_url, "SELECT count(*) FROM checklist.blobs"),
    )
    again = dept("import", str(first), "--json")
    assert again.exit_code == 0 and again.json()["new_records"] == 0, again
    assert (
        rows(pg_url, "SELECT count(*) FROM checklist.records"),
        rows(pg_url, "SELECT count(*) FROM checklist.blobs"),
    ) == before
    # the next day's bundle: only the new records
    record(prison, "4", "第二天")
    second = export(prison, "day2.bundle")
    assert dept("import", str(second), "--json").json()["new_records"] == 1
    # a gap (a lost bundle) and a fork, each refused with exit 3, nothing written
    record(prison, "8", "第三天")
    export(prison, "day3.bundle")
    record(prison, "9", "第四天")
    day4 = export(prison, "day4.bundle")
    held = rows(pg_url, "SELECT count(*) FROM checklist.records")
    gap = dept("import", str(day4))
    assert gap.exit_code == 3 and "--since" in gap.stderr, gap
    forked = places("forked", "王警官")
    shutil.copytree(prison.store, forked.store)
    shutil.copytree(prison.config, forked.config)
    shutil.rmtree(forked.config / "witness", ignore_errors=True)  # another machine: it saw nothing yet
    lines = forked.log("prison").splitlines(keepends=True)
    (forked.store / "units" / "prison" / "records.jsonl").write_bytes(b"".join(lines[:-3]))
    (forked.store / "units" / "prison" / "head.json").unlink()
    (forked.store / "units" / "prison" / "index.json").unlink(missing_ok=True)
    record(forked, "6", "改写")
    fork = dept("import", str(export(forked, "fork.bundle", "--full")), "--lang", "zh")
    assert fork.exit_code == 3 and "分叉" in fork.stderr, fork
    assert rows(pg_url, "SELECT count(*) FROM checklist.records") == held
    assert dept("verify", "--all").exit_code == 0
    # the prison's own store pushed into the database that mirrors it: refused, the mirror kept
    clash = prison("push", "--to", pg_url, "--json")
    assert clash.exit_code == 3 and clash.json()["refused"][0]["code"] == "push.clash_mirror", clash
    assert rows(pg_url, "SELECT count(*) FROM checklist.records") == held
    # keys list shows the key trusted for the unit, kept in the database
    keys = dept("keys", "list")
    assert "prison" in keys.stdout + keys.stderr


def test_export_from_a_database_and_push_of_mirrors(
    prison: Place, department: Place, places: Callable[[str, str], Place], pg_url: str
) -> None:
    """A unit of the database exports bundles a folder store imports; a bureau's folder store
    holding a mirror pushes it into a database as a mirror."""
    prison.ok("push", "--to", pg_url)
    out = prison.root / "from-db.bundle"
    exported = in_db(prison, pg_url, "export", "--out", str(out))
    assert exported.exit_code == 0, exported
    again = in_db(prison, pg_url, "export", "--out", str(prison.root / "next.bundle"))
    assert "no record since the last bundle" in again.stderr, again  # the mark is kept in the database
    bureau = places("bureau", "赵局长")
    bureau.ok("start", "--unit", "bureau", "--name", "长沙市司法局")
    bureau.ok("keys", "trust", str(prison.root / "prison-key.json"), "--unit", "prison")
    imported = bureau("import", str(out))
    assert imported.exit_code == 0, imported
    assert bureau("verify", "--all").exit_code == 0
    # the bureau's folder (its own unit and the prison's mirror) pushed into another database
    from .pg import drop_database, new_database

    other = new_database()
    try:
        pushed = bureau("push", "--to", other, "--all")
        assert pushed.exit_code == 0, pushed
        assert "prison (长沙监狱) (a mirror)" in pushed.stderr
        assert rows(other, "SELECT unit FROM checklist.units WHERE mirror IS NOT NULL") == [("prison",)]
        verified = bureau("verify", "--all", "--store", other)
        assert verified.exit_code == 0, verified
        refused = bureau("done", "1", "--unit", "prison", "--note", "x", "--store", other)
        assert refused.exit_code == 1 and "is a mirror" in refused.stderr
        trusted = rows(other, "SELECT name FROM checklist.blobs WHERE kind = 'trusted'")
        assert len(trusted) == 1 and trusted[0][0].startswith("prison/")
    finally:
        drop_database(other)


def _long_log(place: Place, count: int) -> None:
    """`count` more records at the end of the prison's log, chained as FileStore.append chains
    them (written in bulk: thousands of flushed appends would take minutes)."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from checklist.core.chain import digest
    from checklist.core.models import Draft, Record

    folder = place.store / "units" / "prison"
    last = place.log("prison").splitlines()[-1]
    head = Record.decode(last)
    prev, seq = digest(last), head.seq or 0
    lines = []
    for n in range(count):
        draft = Draft(
            id=uuid.uuid4().hex,
            unit="prison",
            item=head.item,
            action="done",
            actor="张三",  # no key: 王警官's records are signed
            at=datetime(2020, 1, 28, tzinfo=UTC) + timedelta(seconds=n),
            note=f"第 {n} 条",
            catalog=head.catalog,
        )
        line = Record.of({**draft.model_dump(), "v": 3, "seq": seq + n + 1, "prev": prev}).line()
        lines.append(line)
        prev = digest(line)
    with (folder / "records.jsonl").open("ab") as log:
        log.write(b"".join(line + b"\n" for line in lines))
    (folder / "head.json").unlink(missing_ok=True)
    (folder / "index.json").unlink(missing_ok=True)


def test_a_push_killed_midway_resumes(prison: Place, pg_url: str) -> None:
    """A real `checklist push` process killed (SIGKILL) once the database holds part of a long
    log: what it committed stays, whole batches only, and the next push brings the rest."""
    import os
    import signal
    import subprocess

    from checklist.core.transfer import BATCH

    from .conftest import installed_command

    _long_log(prison, 3 * BATCH)
    total = len(prison.log("prison").splitlines())
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CHECKLIST_")}, **prison.env()}
    process = subprocess.Popen(
        [*installed_command(), "push", "--to", pg_url],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        held = 0
        while held < BATCH and process.poll() is None:  # watch the database until a batch is in
            held = rows(pg_url, "SELECT count(*) FROM checklist.records")[0][0]
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    held = rows(pg_url, "SELECT count(*) FROM checklist.records")[0][0]
    assert held % BATCH == 0 or held == total, held  # whole batches, never a part of one
    result = prison("push", "--to", pg_url)
    assert result.exit_code == 0, result
    assert f"({held} records already there)" in result.stderr or "nothing new" in result.stderr, result
    assert rows(pg_url, "SELECT count(*) FROM checklist.records")[0][0] == total
    assert prison("verify", "--all", "--store", pg_url).exit_code == 0


def test_a_log_ending_in_a_torn_line_is_not_pushed(prison: Place, pg_url: str) -> None:
    """A write cut off in the folder (a torn last line) is repaired there first: the unit is
    refused, exit 3, nothing of it written; after `verify --repair` it pushes."""
    with (prison.store / "units" / "prison" / "records.jsonl").open("ab") as log:
        log.write(b'{"v":3,"id":"torn')
    result = prison("push", "--to", pg_url, "--lang", "zh")
    assert result.exit_code == 3, result
    assert "prison" in result.stderr and "verify --repair" in result.stderr, result
    assert rows(pg_url, "SELECT count(*) FROM checklist.records") == [(0,)]
    prison("verify", "--all", "--repair")
    assert prison("push", "--to", pg_url).exit_code == 0
    assert prison("verify", "--all", "--store", pg_url).exit_code == 0
