"""Hostile text through every input that reaches SQL in a PostgreSQL store: what is data (notes,
names, evidence file names, node paths, config values) is stored and read back byte for byte;
what is not (unit ids, item ids, role names) is refused cleanly, in one line, before any SQL;
and the schema is intact after. Every statement of the store is parameterised (and role names
go only through psycopg.sql.Identifier): `test_no_sql_is_built_from_text` holds the source to it."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from . import pg
from .conftest import REPO, Result

HOSTILE = [
    "'); DROP TABLE checklist.records; --",
    "%s",
    "%(unit)s %% %",
    "$$; DROP SCHEMA checklist CASCADE; $$",
    "$tag$ TRUNCATE checklist.units $tag$",
    "\\'; DELETE FROM checklist.records WHERE ''='",
    'Robert"); DROP TABLE "records"; --',
    "back\\slash \\x00 \\\\",
    "_%' OR 1=1; --",
    "E'\\047' || chr(39)",
    "\\u0000 \\\\u0000 typed as text",
]
LONG = "监区'); DROP TABLE checklist.records; --" * 1500  # some 50 KB: under a note's 64 KiB
TABLES = ("schema_version", "store", "config", "access", "units", "heads", "records", "unit_list", "blobs")
NOW = "2020-01-27T09:00"


def rows(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with pg.admin(url) as conn:  # type: ignore[attr-defined]
        return [tuple(row) for row in conn.execute(statement, params).fetchall()]


def intact(url: str, records: int, units: int) -> None:
    """Every table still there, and the rows the test wrote, no more, no fewer."""
    for table in TABLES:
        assert rows(url, "SELECT to_regclass(%s) IS NOT NULL", (f"checklist.{table}",)) == [(True,)], table
    assert rows(url, "SELECT count(*) FROM checklist.records") == [(records,)]
    assert rows(url, "SELECT count(*) FROM checklist.units") == [(units,)]
    assert rows(url, "SELECT count(*) FROM pg_trigger WHERE tgname IN ('written_once', 'no_truncate')")[0][0] >= 9


def one_line(result: Result) -> None:
    assert result.exit_code == 1, result
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")


@pytest.fixture
def store(cli: Callable[..., Result], pg_url: str) -> str:
    started = cli("start", "--unit", "prison", "--store", pg_url, "--now", NOW, input="")
    assert started.exit_code == 0, started
    return pg_url


def logged(cli: Callable[..., Result], url: str) -> list[dict[str, Any]]:
    result = cli("log", "--json", "--unit", "prison", "--store", url)
    assert result.exit_code == 0, result
    document = result.json()
    assert isinstance(document, dict)
    return list(document["records"])


def test_notes_and_names_are_stored_and_read_back_byte_for_byte(cli: Callable[..., Result], store: str) -> None:
    texts = [*HOSTILE, "nul\x00inside", LONG]
    for text in texts:
        done = cli("done", "1", "--note", text, "--store", store, "--now", NOW)
        assert done.exit_code == 0, done
    read = logged(cli, store)
    assert [record["note"] for record in read][-len(texts) :] == texts
    lines = [bytes(r[0]) for r in rows(store, "SELECT line FROM checklist.records ORDER BY n")]
    assert [json.loads(line)["note"] for line in lines][-len(texts) :] == texts
    names = ["O'Brien", "王'); DROP TABLE checklist.records; --"]
    for name in names:
        done = cli("done", "4", "--note", name, "--by", name, "--store", store, "--now", NOW)
        assert done.exit_code == 0, done
    assert [record["actor"] for record in logged(cli, store)][-2:] == names
    intact(store, records=len(texts) + 2, units=1)
    verified = cli("verify", "--all", "--store", store)
    assert verified.exit_code == 0, verified


def test_an_evidence_file_name_is_data(cli: Callable[..., Result], store: str, tmp_path: Path) -> None:
    name = "notice'); DROP TABLE checklist.blobs; -- %s $$.pdf"
    evidence = tmp_path / name
    evidence.write_bytes(b"%PDF-1.4 hostile")
    done = cli("done", "5", "--note", "全封闭", "--evidence", str(evidence), "--store", store, "--now", NOW)
    assert done.exit_code == 0, done
    (record,) = [r for r in logged(cli, store) if r.get("evidence")]
    assert record["evidence"][0]["name"] == name
    assert rows(store, "SELECT count(*) FROM checklist.blobs WHERE kind = 'evidence'") == [(1,)]
    intact(store, records=1, units=1)


@pytest.mark.parametrize("text", HOSTILE)
def test_ids_that_are_no_ids_are_refused_before_any_sql(cli: Callable[..., Result], store: str, text: str) -> None:
    one_line(cli("start", "--unit", "prison", "--id", text, "--store", store, input=""))
    one_line(cli("status", "--unit", text, "--store", store))
    one_line(cli("done", text, "--note", "x", "--store", store))  # an item id that is none
    one_line(cli("db", "grant", "writer", text, "--unit", "prison", "--store", store))  # a role name
    one_line(cli("db", "revoke", "admin", text, "--store", store))
    intact(store, records=0, units=1)
    assert rows(store, "SELECT count(*) FROM checklist.access") == [(0,)]


def test_a_node_path_and_a_place_are_data(cli: Callable[..., Result], store: str) -> None:
    node = "湖南省司法厅/长沙'); DROP TABLE checklist.access; --"
    granted = cli("db", "grant", "supervisor", "inj_supervisor", "--node", node, "--store", store)
    assert granted.exit_code == 0, granted
    listed = cli("db", "roles", "--json", "--store", store)
    assert listed.json()["roles"][0]["node"] == node.split("/")  # type: ignore[index]
    placed = cli("place", node, "--unit", "prison", "--store", store)
    assert placed.exit_code == 0, placed
    assert rows(store, "SELECT place FROM checklist.units") == [(node.split("/"),)]
    seen = cli("status", "--all", "--json", "--store", pg.with_user(store, "inj_supervisor"))
    assert [u["unit"]["id"] for u in seen.json()["units"]] == ["prison"]  # type: ignore[index]
    intact(store, records=1, units=1)


def test_config_values_are_data(cli: Callable[..., Result], store: str) -> None:
    name = "O'Brien %s $$ --"
    assert cli("config", "user", name, "--store", store).exit_code == 0
    shown = cli("config", "user", "--store", store)
    assert shown.stdout.strip() == name
    assert rows(store, "SELECT value FROM checklist.config WHERE key = 'user'") == [(name,)]
    from checklist.core.errors import ChecklistError
    from checklist.core.pgstore import PgStore

    opened = PgStore.open(store)
    try:
        opened.set_config("x'); DROP TABLE checklist.config; --", "y")
        assert opened.config()["x'); DROP TABLE checklist.config; --"] == "y"
        with pytest.raises(ChecklistError):  # a NUL is no text PostgreSQL keeps: refused, as one of ours
            opened.set_config("user", "nul\x00")
        assert opened.config()["user"] == name
    finally:
        opened.close()
    intact(store, records=0, units=1)


def test_blob_names_and_prefixes_are_data(store: str) -> None:
    from checklist.core.pgstore import PgStore
    from checklist.core.store import Blob

    opened = PgStore.open(store)
    try:
        assert opened.blob_names(Blob.CATALOG)  # the prison's catalog
        for prefix in ["%", "_", *HOSTILE]:
            assert opened.blob_names(Blob.CATALOG, prefix) == []  # no wildcard, no statement
            assert opened.blob(Blob.KEY, prefix) is None
        name = "0123456789abcdef"
        assert opened.put_blob(Blob.KEY, name, b'{"x": "\'); DROP TABLE checklist.blobs; --"}') is True
        assert opened.blob(Blob.KEY, name) == b'{"x": "\'); DROP TABLE checklist.blobs; --"}'
    finally:
        opened.close()
    intact(store, records=0, units=1)


def test_no_sql_is_built_from_text() -> None:
    """Every execute() of the PostgreSQL modules takes a literal statement (or psycopg.sql's
    composition of identifiers): no f-string, no %, no + , no .format on a str."""
    for module in ("pgstore.py", "pgschema.py", "pgaccess.py"):
        tree = ast.parse((REPO / "src/checklist/core" / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("execute", "executemany"):
                statement = node.args[0]
                literal = isinstance(statement, ast.Constant) and isinstance(statement.value, str)
                composed = (
                    isinstance(statement, ast.Call)
                    and getattr(statement.func, "attr", "") == "format"
                    and isinstance(statement.func.value, ast.Call)  # type: ignore[attr-defined]
                    and getattr(statement.func.value.func, "attr", "") == "SQL"  # type: ignore[attr-defined]
                )
                migration = isinstance(statement, ast.Attribute) and statement.attr == "sql"  # a shipped file
                assert literal or composed or migration, f"{module}:{node.lineno}"
