"""`status --all --json` on a PostgreSQL store (issue 15): each unit's summary kept in the
database (migration 0002, core/pgsummaries.py), used while it holds, and the answer the folder
store gives for the same units, byte for byte — cold, warm, after an append, after the clock
passes a summary's stretch. Also: `db migrate` from version 1 to 2, and the versions refused.

The same units on both backends: built on a folder through the CLI (test_rollup_cache's
province), then their exact lines copied into the database (what `push` will do)."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import pg
from .conftest import Result, installed_command, three_zeros
from .test_rollup_cache import _BUILT, Step, _build, moments, steps


def copy_units(url: str, units: list[str] | None = None) -> None:
    """The folder store's units (or these), their lines, catalogs and settings, into the
    database; units there already get the lines they lack."""
    from checklist.core.filestore import FileStore
    from checklist.core.pgstore import PgStore
    from checklist.core.store import Blob

    folder = FileStore.open(Path(".checklist"))
    base = PgStore.open(url)
    try:
        for name in folder.blob_names(Blob.CATALOG):
            base.put_blob(Blob.CATALOG, name, folder.blob(Blob.CATALOG, name) or b"")
        for key, value in folder.config().items():
            base.set_config(key, value)
        there = set(base.unit_ids())
        for unit_id in units or folder.unit_ids():
            if unit_id not in there:
                base.create_unit(folder.unit(unit_id), by="tester")
            lines = folder.log(unit_id).lines
            had = base.line_count(unit_id)
            if len(lines) > had:
                base.append_lines(unit_id, lines[had:], had)
    finally:
        base.close()


@pytest.fixture
def both(cli: Callable[..., Result], tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> str:
    """test_rollup_cache's six units in a folder (built once, copied) and in a database."""
    if "store" not in _BUILT:
        _build(cli)
        kept = tmp_path_factory.mktemp("rollup") / ".checklist"
        shutil.copytree(".checklist", kept)
        _BUILT["store"] = kept
    else:
        shutil.copytree(_BUILT["store"], ".checklist")
    shutil.rmtree(".checklist/cache", ignore_errors=True)
    copy_units(pg_url)
    return pg_url


def folded_again(url: str, now: str) -> int:
    """How many units a `status --all --json` on the database folds again (and keeps)."""
    from checklist.present.rollup import unit_text
    from checklist.usecases import rollup as rolling
    from checklist.usecases.session import Session
    from checklist.usecases.settings import Settings

    session = Session.open(Settings.load(store=url, now=now))
    try:
        return rolling.summaries(session, unit_text).made
    finally:
        session.store.close()  # type: ignore[attr-defined]


def agree(cli: Callable[..., Result], url: str, now: str, *options: str) -> int:
    """The database's answer is the folder's, byte for byte; how many units it folded again."""
    made = folded_again(url, now)
    on_folder = cli("status", "--all", "--json", "--now", now, *options)
    on_database = cli("status", "--all", "--json", "--now", now, "--store", url, *options)
    assert on_folder.exit_code == 0 and on_database.exit_code == 0, (on_folder, on_database)
    assert on_database.stdout == on_folder.stdout, now
    return made


def summaries_table(url: str) -> list[tuple[str, int, str]]:
    with pg.admin(url) as conn:  # type: ignore[attr-defined]
        rows = conn.execute("SELECT unit, n, written_by FROM checklist.summaries ORDER BY unit").fetchall()
    return [(u, n, w) for u, n, w in rows]


def test_cold_then_warm_the_database_answers_as_the_folder(both: str, cli) -> None:
    now = "2020-01-27T09:00"
    assert agree(cli, both, now) == 6  # nothing kept yet: every unit folded, and kept
    assert [unit for unit, _, _ in summaries_table(both)] == [f"u{n}" for n in range(1, 7)]
    assert agree(cli, both, now) == 0  # all kept: one query, no log read
    document = json.loads(cli("status", "--all", "--json", "--now", now, "--store", both).stdout)
    assert document["total"] == 6 and document["headline"]["units"] == 6
    assert {u["unit"]["id"] for u in document["units"]} == {f"u{n}" for n in range(1, 7)}


def test_over_a_week_of_moments(both: str, cli) -> None:
    """Every seven hours for a week: the same answers; within a stretch nothing is folded,
    across a midnight every unit is (today's report is another question)."""
    folded = [
        (now, agree(cli, both, now))
        for now in moments(datetime(2020, 1, 26, 1), datetime(2020, 2, 2, 1), timedelta(hours=7))
    ]
    assert folded[0][1] == 6
    assert agree(cli, both, "2020-01-28T23:58") == 6 and agree(cli, both, "2020-01-28T23:59") == 0
    assert agree(cli, both, "2020-01-29T00:00") == 6
    assert agree(cli, both, "2020-01-28T12:00") == 6  # an earlier moment: not answered from a later one


def test_a_deadline_passing(both: str, cli) -> None:
    """u1's admission exam falls due on the 26th: a minute before, nothing folded; at it, folded again."""
    items = cli("list", "--unit", "u1", "--json", "--now", "2020-01-26T11:00").json()
    (due,) = {i["due"] for i in items["items"] if i["id"] == "prison.new-admission-exam"}  # type: ignore[index]
    at = datetime.fromisoformat(due).replace(tzinfo=None)
    agree(cli, both, "2020-01-26T11:00")
    assert agree(cli, both, (at - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")) == 0
    assert agree(cli, both, at.strftime("%Y-%m-%dT%H:%M")) >= 1


def test_after_an_append_only_that_unit_is_folded_again(both: str, cli) -> None:
    now = "2020-01-27T21:00"
    assert agree(cli, both, now) == 6
    done = cli(
        "done", "system.three-zeros", "--unit", "u3", "--note", "日报", *three_zeros(2), "--now", "2020-01-27T20:00"
    )
    assert done.exit_code == 0, done
    copy_units(both, ["u3"])
    assert agree(cli, both, now) == 1
    assert summaries_table(both)[2][:2] == ("u3", 3)  # its head now: two reports and the one appended
    figures = json.loads(cli("status", "--all", "--json", "--now", now, "--store", both).stdout)["headline"]["figures"]
    assert figures["infections"] == 2
    assert cli("start", "--unit", "rehab", "--id", "u7", "--name", "单位7", "--now", "2020-01-27T09:00").exit_code == 0
    copy_units(both, ["u7"])
    assert agree(cli, both, now) == 1  # a unit added: folded alone


def test_filters_sorts_and_under_agree(both: str, cli) -> None:
    now = "2020-01-26T21:00"
    agree(cli, both, now)
    for options in (("--sort", "name"), ("--sort", "progress"), ("--kind", "prison"), ("--missing",), ("--alerts",)):
        assert agree(cli, both, now, *options) == 0


def test_another_release_or_default_unit_folds_again(both: str, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import checklist

    now = "2020-01-27T09:00"
    agree(cli, both, now)
    monkeypatch.setattr(checklist, "__version__", checklist.__version__ + ".1")
    assert agree(cli, both, now) == 6
    assert cli("use", "u2").exit_code == 0
    assert cli("use", "u2", "--store", both).exit_code == 0
    assert agree(cli, both, now) == 6


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=1, max_size=5))
def test_random_histories_agree(both: str, cli, monkeypatch: pytest.MonkeyPatch, history: list[Step]) -> None:
    """The clock moves on and units record, on both backends: at each moment the database's
    answer (its summaries kept, used, replaced) is the folder's."""
    import tempfile

    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", tempfile.mkdtemp())  # what verify remembers: this example's
    shutil.rmtree(".checklist")
    shutil.copytree(_BUILT["store"], ".checklist")
    shutil.rmtree(".checklist/cache", ignore_errors=True)
    url = pg.new_database()
    try:
        copy_units(url)
        now = datetime(2020, 1, 26, 20, 30)
        for step in history:
            now += timedelta(minutes=step.minutes)
            at = now.strftime("%Y-%m-%dT%H:%M")
            if step.unit is not None:
                figures = three_zeros(step.infections)
                unit = f"u{step.unit}"
                done = cli("done", "system.three-zeros", "--unit", unit, "--note", "日报", *figures, "--now", at)
                assert done.exit_code == 0, done
                copy_units(url, [unit])
            agree(cli, url, at)
    finally:
        pg.drop_database(url)


def test_folded_in_worker_processes_each_with_a_connection_of_its_own(both: str, cli, monkeypatch) -> None:
    """Much to read: the units are folded in forked workers, each connecting anew (the parent's
    connection is not theirs to use), and the parent writes every summary back after them."""
    from checklist.usecases import rollup as rolling

    if rolling._cores() < 2 or not rolling._can_fork():
        pytest.skip("one core, or no fork: the fold stays in one process")
    monkeypatch.setattr(rolling, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(rolling, "PARALLEL_UNITS", 1)
    pools = []
    from concurrent.futures import ProcessPoolExecutor

    made = ProcessPoolExecutor.__init__

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        pools.append(1)
        made(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", counted)
    now = "2020-01-27T21:00"
    assert agree(cli, both, now) == 6 and pools
    assert len(summaries_table(both)) == 6
    assert agree(cli, both, now) == 0


def test_a_summary_is_never_read_by_verify(both: str, cli) -> None:
    """Derived: a summary overwritten by hand changes no verdict (verify reads the logs)."""
    agree(cli, both, "2020-01-27T09:00")
    with pg.admin(both) as conn:  # type: ignore[attr-defined]
        conn.execute("UPDATE checklist.summaries SET text = 'anything at all', facts = '{}'")
    result = cli("verify", "--all", "--store", both)
    assert result.exit_code == 0, result
    assert "6" in result.stdout


def test_through_a_real_process(both: str, cli) -> None:
    now = "2020-01-27T21:00"
    command = [*installed_command(), "status", "--all", "--json", "--now", now]
    on_folder = subprocess.run(command, capture_output=True, check=False)
    for _ in range(2):  # cold, then warm
        on_database = subprocess.run([*command, "--store", both], capture_output=True, check=False)
        assert on_database.returncode == 0, on_database.stderr.decode()
        assert on_database.stdout == on_folder.stdout
    assert len(summaries_table(both)) == 6


@pytest.fixture
def roles(pg_url: str) -> Iterator[Callable[[str, str, str | list[str]], str]]:
    """Login roles made for the test (dropped after it): a writer of a unit, a supervisor of a node."""
    made: list[str] = []

    def make(kind: str, unit: str, node: str | list[str] = "") -> str:
        name = f"r_{uuid.uuid4().hex[:12]}"
        with pg.admin(pg_url) as conn:  # type: ignore[attr-defined]
            conn.execute(f"CREATE ROLE {name} LOGIN IN ROLE checklist_{kind}")
            conn.execute(
                "INSERT INTO checklist.access (role, grant_kind, unit, node) VALUES (%s, %s, %s, %s)",
                (name, kind, unit, node if isinstance(node, list) else []),
            )
        made.append(name)
        return pg.with_user(pg_url, name)

    yield make
    with pg.admin() as conn:  # type: ignore[attr-defined]
        for name in made:
            conn.execute(f"DROP ROLE IF EXISTS {name}")


def test_no_role_deletes_or_truncates_summaries(both: str, cli, roles) -> None:
    """Rows are replaced, one per unit, never removed by a role (no DELETE or TRUNCATE granted)."""
    import psycopg

    agree(cli, both, "2020-01-27T09:00")
    for kind in ("writer", "supervisor", "admin"):
        with psycopg.connect(roles(kind, "u2", ["湖南省司法厅"]), autocommit=True) as conn:
            for statement in ("DELETE FROM checklist.summaries", "TRUNCATE checklist.summaries"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    assert len(summaries_table(both)) == 6


def test_a_role_that_may_not_keep_summaries_is_answered_all_the_same(both: str, cli, roles) -> None:
    """Derived data, kept at best: where the role's writes are refused, it is answered, nothing kept."""
    with pg.admin(both) as conn:  # type: ignore[attr-defined]
        conn.execute("REVOKE INSERT, UPDATE ON checklist.summaries FROM checklist_writer")
    writer = roles("writer", "u2")
    for _ in range(2):
        answer = cli("status", "--all", "--json", "--now", "2020-01-27T09:00", "--store", writer)
        assert answer.exit_code == 0 and answer.stderr == "", answer
        assert "u2" in [u["unit"]["id"] for u in answer.json()["units"]]  # type: ignore[index]
    assert summaries_table(both) == []


def test_a_role_reads_and_writes_only_the_summaries_of_units_it_may_read(both: str, cli, roles) -> None:
    now = "2020-01-27T09:00"
    writer = roles("writer", "u2")
    answer = cli("status", "--all", "--json", "--now", now, "--store", writer)
    assert answer.exit_code == 0, answer
    assert [u["unit"]["id"] for u in answer.json()["units"]] == ["u2"]  # type: ignore[index]
    assert [(u, w) for u, _, w in summaries_table(both)] == [("u2", urlsplit(writer).username)]
    import psycopg

    with psycopg.connect(writer, autocommit=True) as conn:
        assert [r[0] for r in conn.execute("SELECT unit FROM checklist.summaries")] == ["u2"]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a unit it may not read: refused by the policy
            conn.execute(
                "INSERT INTO checklist.summaries (unit, n, size, key, catalog, path, since, holds_until, facts, text)"
                " VALUES ('u1', 0, 0, 'k', 'c', '', now(), now() + interval '1 day', '{}', '')"
            )
    agree(cli, both, now)  # the superuser's: every unit, u2's summary written by the writer used as it holds
