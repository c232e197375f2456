"""`checklist db migrate` over the versions of the PostgreSQL schema (issue 15): a database of
version 1 (before the roll-up's summaries) is upgraded to 2 with its data kept, and until then
refused with the command to type; a database newer than this release is refused (exit 3) by
every command, `db migrate` too, and left as it is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest

from . import pg
from .conftest import Result

T0 = datetime(2020, 1, 26, 9, 0, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def version_1() -> Iterator[str]:
    """A database made by a release that shipped migration 0001 only, holding a unit and a record."""
    import psycopg

    from checklist.core import blobs, catalog, pgschema
    from checklist.core.models import CatalogRef, Draft, Unit
    from checklist.core.pgstore import PgStore

    url = pg.new_database(migrated=False)
    first = pgschema.migrations()[0]
    conn = psycopg.connect(url, autocommit=True)
    with conn.transaction():
        conn.execute(first.sql)
        conn.execute("INSERT INTO checklist.schema_version (version, name) VALUES (%s, %s)", (1, first.name))
    store = PgStore(url, conn)  # not opened: this release refuses version 1
    kept = catalog.load()
    blobs.keep_catalog(store, kept)
    ref = CatalogRef(name=kept.meta.name, version=kept.meta.version, digest=kept.digest)
    store.create_unit(
        Unit(id="prison", kind="prison", name="长沙监狱", catalog=ref, started_at=T0, started_by="王警官")
    )
    draft = Draft(
        id="0" * 32,
        unit="prison",
        item="prison.visits-suspended",
        action="done",
        actor="王警官",
        at=T0 + timedelta(hours=1),
        note="各监区已停止接见",
        catalog=kept.digest,
    )
    store.append(draft)
    store.close()
    yield url
    pg.drop_database(url)


def versions(url: str) -> list[int]:
    with pg.admin(url) as conn:  # type: ignore[attr-defined]
        return [row[0] for row in conn.execute("SELECT version FROM checklist.schema_version ORDER BY version")]


def test_version_1_is_refused_with_the_command_to_upgrade_it(version_1: str, cli: Callable[..., Result]) -> None:
    for lang, words in (("en", "has schema version 1; this checklist needs version 2"), ("zh", "db migrate")):
        refused = cli("status", "--store", version_1, "--lang", lang, "--now", "2020-01-26T12:00")
        assert refused.exit_code == 1, refused
        assert words in refused.stderr and "checklist db migrate --store" in refused.stderr
        assert "Traceback" not in refused.output


def test_db_migrate_upgrades_version_1_to_2_keeping_its_data(version_1: str, cli: Callable[..., Result]) -> None:
    with pg.admin(version_1) as conn:  # type: ignore[attr-defined]
        store_id = conn.execute("SELECT id FROM checklist.store").fetchone()[0]
        assert conn.execute("SELECT to_regclass('checklist.summaries')").fetchone()[0] is None
    migrated = cli("db", "migrate", "--store", version_1)
    assert migrated.exit_code == 0, migrated
    assert "from version 1 to version 2" in migrated.stdout and "0002_summaries" in migrated.stdout
    assert versions(version_1) == [1, 2]
    with pg.admin(version_1) as conn:  # type: ignore[attr-defined]
        assert conn.execute("SELECT id FROM checklist.store").fetchone()[0] == store_id
        assert conn.execute("SELECT count(*) FROM checklist.summaries").fetchone()[0] == 0
    log = cli("log", "--json", "--store", version_1, "--unit", "prison").json()
    assert [r["note"] for r in log["records"]] == ["各监区已停止接见"]  # type: ignore[index]
    assert cli("verify", "--all", "--store", version_1).exit_code == 0
    rolled = cli("status", "--all", "--json", "--store", version_1, "--now", "2020-01-26T12:00")
    assert rolled.exit_code == 0 and rolled.json()["headline"]["units"] == 1  # type: ignore[index]
    again = cli("db", "migrate", "--store", version_1)
    assert again.exit_code == 0 and versions(version_1) == [1, 2]
    assert "version 2" in again.stdout


def test_a_newer_database_is_refused_and_left_as_it_is(pg_url: str, cli: Callable[..., Result]) -> None:
    with pg.admin(pg_url) as conn:  # type: ignore[attr-defined]
        conn.execute("INSERT INTO checklist.schema_version (version, name) VALUES (3, 'from_the_future')")
    for command in (("status",), ("status", "--all", "--json"), ("db", "migrate")):
        refused = cli(*command, "--store", pg_url)
        assert refused.exit_code == 3, refused
        assert "schema version 3, newer than this checklist" in refused.stderr
        assert "upgrade checklist" in refused.stderr
    zh = cli("db", "migrate", "--store", pg_url, "--lang", "zh")
    assert zh.exit_code == 3 and "第 3 版" in zh.stderr
    assert versions(pg_url) == [1, 2, 3]
