"""Passwords for a PostgreSQL store come from libpq's usual places (PGPASSWORD, ~/.pgpass, a
service file) and are never shown: not in a message, not with --debug's traceback, not in a
real process's stderr, whether the password is right or wrong, in the environment or in the
URL. Other libpq parameters in the URL pass through, and the URL's own `application_name`
wins over checklist's.

The test cluster (scripts/pg-cluster) asks the role `checklist_pw` for a scram password over
its socket and trusts every other role; the role is made here, cluster-wide, idempotently.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from . import pg
from .conftest import Result

ROLE = "checklist_pw"
SECRET = "pw-S3cret-for-15r"  # noqa: S105 - the test role's password, to be found nowhere in output
WRONG = "Wr0ng-pw-for-15r"


@pytest.fixture
def db(cli: Callable[..., Result], pg_url: str) -> str:
    """The test database with a unit, `checklist_pw` its writer (and its password set)."""
    from psycopg import sql

    with pg.admin(pg_url) as conn:  # type: ignore[attr-defined]
        conn.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'checklist_pw') THEN"
            " CREATE ROLE checklist_pw LOGIN; END IF; END $$"
        )
        conn.execute(sql.SQL("ALTER ROLE checklist_pw PASSWORD {}").format(sql.Literal(SECRET)))
    assert cli("start", "--unit", "prison", "--store", pg_url, input="").exit_code == 0
    assert cli("db", "grant", "writer", ROLE, "--unit", "prison", "--store", pg_url).exit_code == 0
    return pg_url


def as_pw(url: str, password: str | None = None) -> str:
    user = f"{ROLE}:{password}" if password else ROLE
    return pg.with_user(url, user)


def socket(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    return query["host"], query.get("port", "5432"), parts.path.lstrip("/")


def never_shown(*results: Result) -> None:
    for result in results:
        assert SECRET not in result.output and WRONG not in result.output, result


def test_a_password_from_pgpassword(cli: Callable[..., Result], db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    without = cli("status", "--store", as_pw(db))
    assert without.exit_code == 1
    assert "cannot connect" in without.stderr and "the password is wrong or was not given" in without.stderr
    monkeypatch.setenv("PGPASSWORD", SECRET)
    done = cli("done", "1", "--note", "值班", "--store", as_pw(db))
    assert done.exit_code == 0, done
    with pg.admin(db) as conn:  # type: ignore[attr-defined]
        assert conn.execute("SELECT written_by FROM checklist.records").fetchall() == [(ROLE,)]
    never_shown(without, done)


def test_a_password_from_pgpass_in_home(cli: Callable[..., Result], db: str) -> None:
    home = Path(os.environ["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    pgpass = home / ".pgpass"
    pgpass.write_text(f"*:*:*:{ROLE}:{SECRET}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    status = cli("status", "--json", "--store", as_pw(db))
    assert status.exit_code == 0, status
    never_shown(status)


def test_a_password_from_a_service_file(
    cli: Callable[..., Result], proc: Callable[..., Result], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port, name = socket(db)
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[checklist]\nhost={host}\nport={port}\ndbname={name}\nuser={ROLE}\npassword={SECRET}\n", encoding="utf-8"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    by_url = cli("status", "--json", "--store", "postgresql://?service=checklist")
    assert by_url.exit_code == 0, by_url
    monkeypatch.setenv("PGSERVICE", "checklist")
    by_env = proc("done", "1", "--note", "值班", env={"CHECKLIST_STORE": "postgresql://"})
    assert by_env.exit_code == 0, by_env
    never_shown(by_url, by_env)


@pytest.mark.parametrize("debug", [(), ("--debug",)])
def test_a_wrong_password_is_one_line_without_it(
    cli: Callable[..., Result],
    proc: Callable[..., Result],
    db: str,
    monkeypatch: pytest.MonkeyPatch,
    debug: tuple[str, ...],
) -> None:
    in_url = as_pw(db, WRONG)
    runs: list[Callable[..., Result]] = (
        [proc] if debug else [cli, proc]
    )  # --debug raises in-process: a process shows it
    results = [run(*debug, "status", "--store", in_url) for run in runs]
    monkeypatch.setenv("PGPASSWORD", WRONG)
    results += [run(*debug, "status", "--store", as_pw(db)) for run in runs]
    results.append(proc(*debug, "status", env={"CHECKLIST_STORE": as_pw(db)}))
    in_query = as_pw(db) + f"&password={WRONG}"
    results += [
        proc(*debug, "status", "--store", in_query),
        proc(*debug, "--lang", "zh", "status", "--store", in_query),
    ]
    for result in results:
        assert result.exit_code != 0, result
        assert "password" in result.stderr or "密码" in result.stderr, result
        if not debug:
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    never_shown(*results)


@pytest.mark.parametrize("debug", [(), ("--debug",)])
def test_a_right_password_in_the_url_works_and_is_never_shown(
    cli: Callable[..., Result], proc: Callable[..., Result], db: str, debug: tuple[str, ...]
) -> None:
    in_url = as_pw(db, SECRET)
    done = proc(*debug, "done", "1", "--note", "x", "--store", in_url)
    assert done.exit_code == 0, done
    refused = proc(*debug, "done", "99", "--store", in_url)  # an error after connecting
    assert refused.exit_code == 1
    migrated = proc(*debug, "db", "migrate", "--store", in_url)  # not the owner: refused
    roles = proc(*debug, "db", "roles", "--json", "--store", in_url)
    assert roles.exit_code == 0 and f"{ROLE}@" in roles.stdout, roles
    never_shown(done, refused, migrated, roles)


def test_libpq_parameters_in_the_url_reach_the_server(cli: Callable[..., Result], db: str) -> None:
    from checklist.core.pgstore import PgStore

    url = db + "&sslmode=disable&application_name=duty-desk&options=-c%20search_path%3Dpublic"
    store = PgStore.open(url)
    try:
        with store._db() as conn:
            row = conn.execute(
                "SELECT current_setting('application_name'), current_setting('search_path'),"
                " (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())"
            ).fetchone()
        assert row == ("duty-desk", "public", False)
    finally:
        store.close()
    plain = PgStore.open(db)
    try:
        with plain._db() as conn:
            assert conn.execute("SELECT current_setting('application_name')").fetchone() == ("checklist",)
    finally:
        plain.close()
    assert cli("status", "--store", url).exit_code == 0  # the whole command works with them
