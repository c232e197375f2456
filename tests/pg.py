"""A real PostgreSQL server for the tests: the throwaway cluster `scripts/pg-cluster start`
makes (as `.ci/run` does), named by CHECKLIST_TEST_PG, a superuser's URL.

Each test gets a database of its own, copied from a template migrated once per run (the copy
is given a store id of its own). Without CHECKLIST_TEST_PG the PostgreSQL tests are skipped,
saying how to run them; in CI (CI set) they fail instead: a missing server must not pass.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

ENV = "CHECKLIST_TEST_PG"
SERVER = os.environ.get(ENV, "").strip()  # read when the run starts: each test's environment is emptied of CHECKLIST_*
TEMPLATE = f"checklist_template_{os.getpid()}"
_made: list[str] = []


def server() -> str:
    """The superuser URL of the test server; skips (fails in CI) without one."""
    if SERVER:
        return SERVER
    reason = f'no PostgreSQL server for the tests: run `eval "$(scripts/pg-cluster start)"` to set {ENV}'
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(reason + " (CI must run the PostgreSQL tests)")
    pytest.skip(reason)


def with_database(url: str, database: str, **params: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, urlencode(query), ""))


def with_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, ""))


def admin(url: str | None = None) -> object:
    import psycopg

    return psycopg.connect(url or server(), autocommit=True)


def _template() -> str:
    if TEMPLATE not in _made:
        from checklist.core import pgschema

        with admin() as conn:  # type: ignore[attr-defined]
            conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
            conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
        import psycopg

        with psycopg.connect(with_database(server(), TEMPLATE), autocommit=True) as conn:
            pgschema.migrate(conn, TEMPLATE)
        _made.append(TEMPLATE)
    return TEMPLATE


def new_database(migrated: bool = True) -> str:
    """A fresh database (migrated, with its own store id, unless not `migrated`): its URL."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    template = _template() if migrated else "template0"
    with admin() as conn:  # type: ignore[attr-defined]
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = with_database(server(), name)
    if migrated:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE checklist.store SET id = gen_random_uuid()::text")
    return url


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with admin() as conn:  # type: ignore[attr-defined]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A migrated database of the test's own, as a superuser's URL."""
    url = new_database()
    yield url
    drop_database(url)
