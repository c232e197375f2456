"""The PostgreSQL store through the command line: its schema made and upgraded by `db migrate`,
a newer one refused, a duty officer's day on it giving what a folder gives, and its errors one
clear line without a password. Run against a real server (tests/pg.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from checklist.core import pgschema

from . import pg
from .conftest import Result

ZEROS = ("--set", "infections=0", "--set", "reported_cases=0", "--set", "hype_incidents=0")
DAY = [
    ("2020-01-27T09:05", "done", "1", "--note", "已启动一级响应"),
    ("2020-01-27T09:10", "done", "system.three-zeros", "--note", "零报告", *ZEROS),
    ("2020-01-27T09:20", "na", "3", "--reason", "本监狱不适用"),
    ("2020-01-27T10:00", "block", "4", "--reason", "等待上级批复"),
]


@pytest.fixture
def fresh() -> Iterator[str]:
    """A database with no checklist schema yet."""
    url = pg.new_database(migrated=False)
    yield url
    pg.drop_database(url)


def schema_versions(url: str) -> list[tuple[int, str]]:
    with pg.admin(url) as conn:  # type: ignore[attr-defined]
        return [tuple(row) for row in conn.execute("SELECT version, name FROM checklist.schema_version ORDER BY 1")]


def test_db_migrate_makes_the_schema_once_and_records_each_version(cli: Callable[..., Result], fresh: str) -> None:
    made = cli("db", "migrate", "--store", fresh)
    assert made.exit_code == 0, made
    assert "from version 0 to version" in made.stdout and "0001_store" in made.stdout
    shipped = pgschema.migrations()
    assert schema_versions(fresh) == [(m.version, m.name) for m in shipped]
    again = cli("--lang", "zh", "db", "migrate", "--store", fresh)
    assert again.exit_code == 0, again
    assert f"数据库结构已是第 {len(shipped)} 版，无需升级。" in again.stdout
    assert schema_versions(fresh) == [(m.version, m.name) for m in shipped]


def test_a_database_without_the_schema_says_who_makes_it(cli: Callable[..., Result], fresh: str) -> None:
    result = cli("status", "--store", fresh)
    assert result.exit_code == 1
    assert "has no checklist schema yet" in result.stderr
    assert "checklist db migrate --store LOCATION" in result.stderr
    assert "Traceback" not in result.output


def test_a_database_newer_than_this_release_is_refused_and_left_as_it_is(
    cli: Callable[..., Result], pg_url: str
) -> None:
    newer = pgschema.latest() + 1
    with pg.admin(pg_url) as conn:  # type: ignore[attr-defined]
        conn.execute("INSERT INTO checklist.schema_version (version, name) VALUES (%s, 'from_the_future')", (newer,))
    for args in (("status",), ("db", "migrate"), ("start", "--unit", "prison")):
        result = cli(*args, "--store", pg_url)
        assert result.exit_code == 3, (args, result)
        assert f"schema version {newer}, newer than this checklist" in result.stderr
    assert schema_versions(pg_url)[-1] == (newer, "from_the_future")
    with pg.admin(pg_url) as conn:  # type: ignore[attr-defined]
        assert conn.execute("SELECT count(*) FROM checklist.units").fetchone()[0] == 0


def test_an_older_schema_is_refused_until_it_is_migrated(cli: Callable[..., Result], fresh: str) -> None:
    with pg.admin(fresh) as conn:  # type: ignore[attr-defined]
        first = pgschema.migrations()[0]
        conn.execute(first.sql)
        conn.execute("INSERT INTO checklist.schema_version (version, name) VALUES (1, %s)", (first.name,))
    if pgschema.latest() == 1:
        assert cli("status", "--all", "--store", fresh).exit_code == 0
        return
    result = cli("status", "--all", "--store", fresh)
    assert result.exit_code == 1 and "db migrate" in result.stderr
    assert cli("db", "migrate", "--store", fresh).exit_code == 0
    assert cli("status", "--all", "--store", fresh).exit_code == 0


def test_a_migration_that_fails_changes_nothing(
    cli: Callable[..., Result], fresh: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = pgschema.Migration(1, "broken", "CREATE SCHEMA checklist; CREATE TABLE checklist.t (x int); SELECT 1/0;")
    monkeypatch.setattr(pgschema, "migrations", lambda: [broken])
    result = cli("db", "migrate", "--store", fresh)
    assert result.exit_code == 3, result
    assert "division by zero" in result.stderr
    with pg.admin(fresh) as conn:  # type: ignore[attr-defined]
        assert conn.execute("SELECT to_regnamespace('checklist')").fetchone()[0] is None


def test_a_schema_named_checklist_that_is_not_ours_is_not_touched(cli: Callable[..., Result], fresh: str) -> None:
    with pg.admin(fresh) as conn:  # type: ignore[attr-defined]
        conn.execute("CREATE SCHEMA checklist")
        conn.execute("CREATE TABLE checklist.mine (x int)")
    result = cli("db", "migrate", "--store", fresh)
    assert result.exit_code == 1
    assert "did not make" in result.stderr
    with pg.admin(fresh) as conn:  # type: ignore[attr-defined]
        assert conn.execute("SELECT to_regclass('checklist.units')").fetchone()[0] is None


def day(cli: Callable[..., Result], store: str) -> dict[str, object]:
    """A prison's first day on `store`; its status document, the store's location left out."""
    started = cli("start", "--unit", "prison", "--name", "长沙监狱", "--store", store, "--now", "2020-01-27T09:00")
    assert started.exit_code == 0, started
    for now, *args in DAY:
        result = cli(*args, "--store", store, "--now", now)
        assert result.exit_code == 0, result
    status = cli("status", "--json", "--store", store, "--now", "2020-01-27T18:00")
    assert status.exit_code == 0, status
    document = status.json()
    assert isinstance(document, dict)
    return {key: value for key, value in document.items() if key not in ("store", "last_record_at")}  # the real clock


def test_a_duty_officers_day_on_postgresql_is_what_a_folder_gives(
    cli: Callable[..., Result], pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Two officers: the same unit file on both stores is the same log to one person's witness.
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "officer-1"))
    on_pg = day(cli, pg_url)
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "officer-2"))
    on_folder = day(cli, ".checklist")
    assert on_pg == on_folder
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "officer-1"))
    verified = cli("verify", "--all", "--store", pg_url)
    assert verified.exit_code == 0, verified
    assert "prison: intact: 4 records, chain unbroken to record 4" in verified.stdout
    with pg.admin(pg_url) as conn:  # type: ignore[attr-defined]
        lines = [bytes(r[0]) for r in conn.execute("SELECT line FROM checklist.records ORDER BY n")]
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3, 4]
    assert json.loads(lines[0])["note"] == "已启动一级响应"  # the exact bytes, as a folder's log holds them


def test_the_store_is_chosen_by_checklist_store_in_a_real_process(
    cli: Callable[..., Result], proc: Callable[..., Result], pg_url: str
) -> None:
    assert cli("start", "--unit", "prison", "--store", pg_url).exit_code == 0
    done = proc("done", "1", "--note", "值班", env={"CHECKLIST_STORE": pg_url})
    assert done.exit_code == 0, done
    status = proc("status", "--json", env={"CHECKLIST_STORE": pg_url.replace("postgresql://", "postgres://", 1)})
    assert status.exit_code == 0, status
    assert status.json()["totals"]["done"] == 1  # type: ignore[index]


def test_an_unreachable_server_is_one_line(cli: Callable[..., Result], proc: Callable[..., Result]) -> None:
    url = "postgresql://nobody@/checklist?host=/nonexistent-folder&connect_timeout=2"
    for run in (cli, proc):
        result = run("status", "--store", url)
        assert result.exit_code == 1, result
        assert result.stderr.startswith("error: cannot connect to the database postgresql://nobody@/checklist")
        assert "Traceback" not in result.output


def test_a_password_in_the_location_is_never_shown(
    cli: Callable[..., Result], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cr3t-Passw0rd"  # noqa: S105 - a password that must never be shown
    with_password = pg_url.replace("postgresql://postgres@", f"postgresql://postgres:{secret}@", 1)
    monkeypatch.setenv("CHECKLIST_STORE", with_password)
    started = cli("start", "--unit", "prison")
    assert started.exit_code == 0, started
    assert "Using the store at postgresql://postgres@/" in " ".join(started.output.split())
    in_query = pg_url + f"&password={secret}"
    for result in (cli("status", "--store", with_password), cli("done", "99", "--store", in_query)):
        assert secret not in result.output
    wrong = cli("status", "--store", pg_url.replace("host=", "host=/nonexistent&x=", 1) + f"&password={secret}")
    assert wrong.exit_code == 1 and secret not in wrong.output


def test_another_scheme_is_still_refused(cli: Callable[..., Result]) -> None:
    result = cli("status", "--store", "mysql://db.example/checklist")
    assert result.exit_code == 1
    assert re.search(r"cannot open a store at mysql:// locations", result.stderr)
    assert "postgresql://" in result.stderr  # the hint names what it can open


def test_blobs_are_held_to_the_folder_stores_limits_by_the_client_and_the_database(pg_url: str) -> None:
    import psycopg

    from checklist.core.errors import UserError
    from checklist.core.pgstore import PgStore
    from checklist.core.store import BLOB_LIMITS, Blob

    store = PgStore.open(pg_url)
    too_big = b"x" * (BLOB_LIMITS[Blob.KEY] + 1)
    with pytest.raises(UserError) as refused:
        store.put_blob(Blob.KEY, "0123456789abcdef", too_big)
    assert refused.value.code == "pg.blob_too_large"
    assert store.put_blob(Blob.KEY, "0123456789abcdef", b"{}") is True
    assert store.put_blob(Blob.KEY, "0123456789abcdef", b"{}") is False  # written once
    with pg.admin(pg_url) as conn, pytest.raises(psycopg.errors.CheckViolation):  # type: ignore[attr-defined]
        conn.execute("INSERT INTO checklist.blobs (kind, name, data) VALUES ('key', 'big', %s)", (too_big,))
    store.close()
