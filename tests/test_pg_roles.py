"""Who may do what in a PostgreSQL store, enforced by the database (roles, grants, row-level
security, written-once triggers), tried through real connections as real login roles: the
command line as each role (CliRunner, and a real process), and raw SQL as each role.

A province: `prison` and `college` placed under 湖南省司法厅/长沙市司法局, `rehab` under
湖南省司法厅/株洲市司法局; a writer of the prison, a supervisor of the city bureau, an
administrator. Roles are the cluster's, so each test names its own.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from . import pg
from .conftest import Result

CITY = "湖南省司法厅/长沙市司法局"
OTHER_CITY = "湖南省司法厅/株洲市司法局"
NOW = "2020-01-27T09:00"


@dataclass
class Province:
    url: str  # the superuser's
    writer: str  # the login role names
    supervisor: str
    admin: str

    def as_role(self, role: str) -> str:
        return pg.with_user(self.url, role)


def sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of one statement run as the URL's role (psycopg's errors raised as they are)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


def roles_named(prefix: str) -> tuple[str, str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"{prefix}_w_{tag}", f"{prefix}_s_{tag}", f"{prefix}_a_{tag}"


@pytest.fixture
def province(cli: Callable[..., Result], pg_url: str) -> Iterator[Province]:
    for unit, place in (("prison", CITY), ("college", CITY), ("rehab", OTHER_CITY)):
        started = cli("start", "--unit", unit, "--under", place, "--store", pg_url, "--now", NOW, input="")
        assert started.exit_code == 0, started
    writer, supervisor, admin = roles_named("t")
    for args in (("writer", writer, "--unit", "prison"), ("supervisor", supervisor, "--node", CITY), ("admin", admin)):
        granted = cli("db", "grant", *args, "--store", pg_url)
        assert granted.exit_code == 0, granted
    yield Province(pg_url, writer, supervisor, admin)


def denied(statement: str, url: str, params: tuple[Any, ...] = ()) -> str:
    """The server's words refusing a statement (InsufficientPrivilege: no grant, RLS, a trigger)."""
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        sql(url, statement, params)
    return str(refused.value)


def shown(result: Result) -> list[str]:
    """The ids of the units a `status --all --json` shows, sorted."""
    assert result.exit_code == 0, result
    document = result.json()
    assert isinstance(document, dict)
    return sorted(unit["unit"]["id"] for unit in document["units"])


def head(url: str, unit: str) -> tuple[int, int]:
    ((n, size),) = sql(url, "SELECT n, size FROM checklist.heads WHERE unit = %s", (unit,))
    return n, size


# -- db grant, db revoke, db roles --------------------------------------------------------


def test_grant_creates_the_login_role_and_db_roles_lists_who_may_do_what(
    cli: Callable[..., Result], province: Province
) -> None:
    from jsonschema import Draft202012Validator

    from checklist.present.schemas import schema

    members = sql(
        province.url,
        "SELECT m.rolname, g.rolname FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member"
        " JOIN pg_roles g ON g.oid = a.roleid WHERE m.rolname IN (%s, %s, %s) ORDER BY 1",
        (province.writer, province.supervisor, province.admin),
    )
    assert sorted(members) == sorted(
        [
            (province.writer, "checklist_writer"),
            (province.supervisor, "checklist_supervisor"),
            (province.admin, "checklist_admin"),
        ]
    )
    ((login, createrole),) = sql(
        province.url, "SELECT rolcanlogin, rolcreaterole FROM pg_roles WHERE rolname = %s", (province.admin,)
    )
    assert login and createrole  # an administrator creates the others' login roles
    listed = cli("db", "roles", "--json", "--store", province.url)
    assert listed.exit_code == 0, listed
    document = listed.json()
    assert isinstance(document, dict)
    assert not list(Draft202012Validator(schema("db-roles")).iter_errors(document))
    rows = {(r["role"], r["kind"], r["unit"], tuple(r["node"] or ())) for r in document["roles"]}
    assert rows == {
        (province.writer, "writer", "prison", ()),
        (province.supervisor, "supervisor", None, ("湖南省司法厅", "长沙市司法局")),
        (province.admin, "admin", None, ()),
    }
    assert "password" not in json.dumps(document)
    zh = cli("--lang", "zh", "db", "roles", "--store", province.url)
    assert f"{province.writer}：可写入单位 prison（postgres 于" in zh.stdout
    assert f"{province.supervisor}：可查看 湖南省司法厅/长沙市司法局 之下的单位" in zh.stdout
    own = cli("db", "roles", "--store", province.as_role(province.writer))  # a writer sees its own row only
    assert own.exit_code == 0, own
    assert province.writer in own.stdout and province.admin not in own.stdout


def test_grant_says_it_created_a_role_without_a_password_and_granting_twice_changes_nothing(
    cli: Callable[..., Result], province: Province
) -> None:
    role = roles_named("g")[0]
    first = cli("--lang", "zh", "db", "grant", "writer", role, "--unit", "rehab", "--store", province.url)
    assert first.exit_code == 0, first
    assert f"已授权：{role} 可写入单位 rehab。" in first.stdout
    assert f"已新建登录角色 {role}（无密码）" in first.stdout
    again = cli("db", "grant", "writer", role, "--unit", "rehab", "--store", province.url)
    assert again.exit_code == 0, again
    assert f"Granted already: {role} writes unit rehab; nothing changed." in again.stdout
    assert "created" not in again.stdout
    second = cli("db", "grant", "writer", role, "--unit", "prison", "--store", province.url)
    assert second.stdout.startswith(f"Granted: {role} writes unit prison.")


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (("writer", "ok_role", "--unit", "prisn"), "no unit 'prisn' in this store", "prison"),
        (
            ("writer", "Robert'); DROP TABLE x; --", "--unit", "prison"),
            "is no role name checklist grants",
            "不能用作角色名",
        ),
        (("writer", "9lives", "--unit", "prison"), "is no role name checklist grants", "小写字母"),
        (("writer", "x" * 64, "--unit", "prison"), "at most 63 characters", "最多 63 个字符"),
        (("admin", "postgres"), "postgres is a reserved or system role", "保留角色或系统角色"),
        (("admin", "pg_read_server_files"), "reserved or system role", "保留角色或系统角色"),
        (("admin", "checklist_admin"), "reserved or system role", "保留角色或系统角色"),
        (("admin", "public"), "reserved or system role", "保留角色或系统角色"),
        (("writer", "ok_role"), "a writer is granted one unit: `--unit ID`", "`--unit 单位编号`"),
        (("supervisor", "ok_role", "--unit", "prison"), "a supervisor is granted a node", "`--node 路径`"),
        (("admin", "ok_role", "--node", CITY), "an administrator is granted the whole store", "管理员权限"),
        (("boss", "ok_role"), "boss is no kind of access", "不是权限类别"),
        (("supervisor", "ok_role", "--node", "湖南省司法厅//长沙"), "--node", "--node"),
    ],
)
def test_a_grant_typed_wrong_is_one_line_in_either_language(
    cli: Callable[..., Result], province: Province, args: tuple[str, ...], english: str, chinese: str
) -> None:
    before = sql(province.url, "SELECT count(*) FROM checklist.access")
    for lang, words in (("en", english), ("zh", chinese)):
        result = cli("--lang", lang, "db", "grant", *args, "--store", province.url)
        assert result.exit_code == 1, result
        assert words in result.stderr
        assert result.stderr.startswith("error:" if lang == "en" else "错误："), result
        assert "Traceback" not in result.output and result.stdout == ""
    assert sql(province.url, "SELECT count(*) FROM checklist.access") == before
    assert sql(province.url, "SELECT 1 FROM pg_roles WHERE rolname = 'ok_role'") == []


def test_only_an_administrator_grants(cli: Callable[..., Result], province: Province) -> None:
    for role in (province.writer, province.supervisor):
        result = cli("db", "grant", "writer", "intruder", "--unit", "prison", "--store", province.as_role(role))
        assert result.exit_code == 1, result
        assert f"role {role} is not an administrator of this store" in result.stderr
    by_admin = cli(
        "db", "grant", "writer", roles_named("b")[0], "--unit", "rehab", "--store", province.as_role(province.admin)
    )
    assert by_admin.exit_code == 0, by_admin  # an administrator who is no superuser: CREATEROLE makes the role
    assert sql(province.url, "SELECT 1 FROM pg_roles WHERE rolname = 'intruder'") == []


def test_revoke_takes_back_the_access_and_the_group_role_with_the_last_of_its_kind(
    cli: Callable[..., Result], province: Province
) -> None:
    role = province.writer
    assert cli("db", "grant", "writer", role, "--unit", "rehab", "--store", province.url).exit_code == 0
    first = cli("db", "revoke", "writer", role, "--unit", "prison", "--store", province.url)
    assert first.exit_code == 0, first
    assert first.stdout.strip() == f"Revoked: {role} no longer writes unit prison."  # still writes rehab
    member = "SELECT pg_has_role(%s, 'checklist_writer', 'MEMBER')"
    assert sql(province.url, member, (role,)) == [(True,)]
    last = cli("--lang", "zh", "db", "revoke", "writer", role, "--unit", "rehab", "--store", province.url)
    assert last.exit_code == 0, last
    assert f"{role} 已不再是 checklist_writer 的成员。" in last.stdout
    assert sql(province.url, member, (role,)) == [(False,)]
    again = cli("db", "revoke", "writer", role, "--unit", "rehab", "--store", province.url)
    assert again.exit_code == 1
    assert f"role {role} does not hold that: nothing revoked" in again.stderr
    done = cli("done", "1", "--note", "x", "--unit", "prison", "--store", province.as_role(role))
    assert done.exit_code == 1 and "refused" in done.stderr
    admin = cli("db", "revoke", "admin", province.admin, "--store", province.url)
    assert admin.exit_code == 0, admin
    assert sql(province.url, "SELECT rolcreaterole FROM pg_roles WHERE rolname = %s", (province.admin,)) == [(False,)]


# -- a writer -----------------------------------------------------------------------------


def test_a_writer_appends_to_and_reads_its_own_unit_through_the_command_line(
    cli: Callable[..., Result], proc: Callable[..., Result], province: Province
) -> None:
    mine = province.as_role(province.writer)
    done = cli("done", "1", "--note", "各监区已启动一级响应", "--unit", "prison", "--store", mine, "--now", NOW)
    assert done.exit_code == 0, done
    by_process = proc("done", "4", "--note", "全封闭", "--unit", "prison", "--now", NOW, env={"CHECKLIST_STORE": mine})
    assert by_process.exit_code == 0, by_process
    written = sql(province.url, "SELECT written_by, line FROM checklist.records WHERE unit = 'prison' ORDER BY n")
    assert [row[0] for row in written][-2:] == [province.writer, province.writer]
    assert json.loads(bytes(written[-1][1]))["note"] == "全封闭"
    status = cli("status", "--json", "--unit", "prison", "--store", mine)
    assert status.exit_code == 0, status
    assert status.json()["totals"]["done"] == 2  # type: ignore[index]
    for args in (("verify",), ("verify", "--all")):
        verified = (
            cli(*args, "--unit", "prison", "--store", mine) if args == ("verify",) else cli(*args, "--store", mine)
        )
        assert verified.exit_code == 0, verified
        assert "prison: intact" in verified.stdout
        assert "rehab" not in verified.output and "college" not in verified.output
    assert "this role reads only its own units' lines" in cli("verify", "--all", "--store", mine).stdout


def test_a_writer_cannot_append_to_another_unit_nor_see_it(
    cli: Callable[..., Result], proc: Callable[..., Result], province: Province
) -> None:
    mine = province.as_role(province.writer)
    before = head(province.url, "rehab")
    for run in (cli, proc):
        refused = run("done", "1", "--note", "x", "--unit", "rehab", "--store", mine)
        assert refused.exit_code == 1, refused
        assert refused.stderr.startswith("error: the database postgresql://")
        assert "refused this: this role may not read or write unit rehab" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 2 and "Traceback" not in refused.output  # and its hint
    zh = cli("--lang", "zh", "done", "1", "--note", "x", "--unit", "rehab", "--store", mine)
    assert "本角色无权查看或写入单位 rehab" in zh.stderr
    assert head(province.url, "rehab") == before
    listed = cli("status", "--all", "--json", "--store", mine)
    assert listed.exit_code == 0, listed
    assert shown(listed) == ["prison"]
    table = cli("status", "--all", "--store", mine)
    assert "rehab" not in table.stdout and "college" not in table.stdout
    assert sql(mine, "SELECT unit FROM checklist.units") == [("prison",)]
    for table_name in ("records", "heads", "unit_list"):
        assert sql(mine, f"SELECT DISTINCT unit FROM checklist.{table_name}") == [("prison",)]  # noqa: S608
    assert sql(mine, "SELECT count(*) FROM checklist.blobs WHERE unit IS NOT NULL AND unit <> 'prison'") == [(0,)]


def test_the_database_refuses_a_writers_raw_sql_outside_its_unit(province: Province) -> None:
    mine = province.as_role(province.writer)
    n, size = head(province.url, "rehab")
    line = json.dumps({"v": 3, "id": "0" * 32, "unit": "rehab", "action": "done", "item": "x"}).encode()
    words = denied(
        "INSERT INTO checklist.records (unit, n, pos, line) VALUES ('rehab', %s, %s, %s)", mine, (n + 1, size, line)
    )
    assert "row-level security" in words
    assert head(province.url, "rehab") == (n, size)  # the trigger's head moved back with the refusal
    for statement in (
        "INSERT INTO checklist.units (unit, genesis) VALUES ('mine', '{}')",
        "INSERT INTO checklist.unit_list (n, line) VALUES (99, '{}')",
        f"INSERT INTO checklist.access (role, grant_kind) VALUES ('{province.writer}', 'admin')",  # noqa: S608
        "INSERT INTO checklist.config (key, value) VALUES ('user', 'x')",
        "UPDATE checklist.records SET line = line",
        "DELETE FROM checklist.records",
        "TRUNCATE checklist.records",
        "UPDATE checklist.heads SET n = 0",
        "SELECT * FROM checklist.lock_head('rehab')",
    ):
        assert "permission denied" in denied(statement, mine) or "no right" in denied(statement, mine), statement
    assert sql(province.url, "SELECT count(*) FROM checklist.access WHERE grant_kind = 'admin'") == [(1,)]


# -- a supervisor, an administrator ----------------------------------------------------------


def test_a_supervisor_reads_the_units_under_its_node_only_and_writes_nothing(
    cli: Callable[..., Result], province: Province
) -> None:
    theirs = province.as_role(province.supervisor)
    listed = cli("status", "--all", "--json", "--store", theirs)
    assert listed.exit_code == 0, listed
    assert shown(listed) == ["college", "prison"]
    assert cli("status", "--unit", "rehab", "--store", theirs).exit_code == 1
    verified = cli("verify", "--all", "--store", theirs)
    assert verified.exit_code == 0, verified
    assert "college: intact" in verified.stdout and "prison: intact" in verified.stdout
    refused = cli("done", "1", "--note", "x", "--unit", "prison", "--store", theirs)
    assert refused.exit_code == 1 and "refused this: this role may read but not record" in refused.stderr, refused
    for statement in (
        "INSERT INTO checklist.blobs (kind, name, data) VALUES ('key', 'k', '{}')",
        "INSERT INTO checklist.records (unit, n, pos, line) VALUES ('prison', 99, 0, '{}')",
    ):
        assert "permission denied" in denied(statement, theirs)
    # the college moves to the other city by a later `placed` record: it leaves the view
    moved = cli("place", OTHER_CITY, "--unit", "college", "--store", province.url)
    assert moved.exit_code == 0, moved
    after = cli("status", "--all", "--json", "--store", theirs)
    assert shown(after) == ["prison"]
    assert sql(theirs, "SELECT unit FROM checklist.units") == [("prison",)]


def test_a_writer_places_its_own_unit_and_the_supervisor_sees_it(
    cli: Callable[..., Result], province: Province
) -> None:
    writer = roles_named("p")[0]
    assert cli("db", "grant", "writer", writer, "--unit", "rehab", "--store", province.url).exit_code == 0
    assert "rehab" not in cli("status", "--all", "--store", province.as_role(province.supervisor)).stdout
    placed = cli("place", CITY, "--unit", "rehab", "--store", province.as_role(writer))
    assert placed.exit_code == 0, placed
    seen = cli("status", "--all", "--json", "--store", province.as_role(province.supervisor))
    assert shown(seen) == ["college", "prison", "rehab"]


def test_an_administrator_starts_units_grants_and_reads_all(cli: Callable[..., Result], province: Province) -> None:
    theirs = province.as_role(province.admin)
    started = cli(
        "start",
        "--unit",
        "city-bureau",
        "--id",
        "cs-bureau",
        "--under",
        CITY,
        "--store",
        theirs,
        "--now",
        NOW,
        input="",
    )
    assert started.exit_code == 0, started
    listed = cli("status", "--all", "--json", "--store", theirs)
    assert shown(listed) == ["college", "cs-bureau", "prison", "rehab"]
    verified = cli("verify", "--all", "--store", theirs)
    assert verified.exit_code == 0, verified
    assert "units: 4 listed units present and as started" in verified.stdout  # the whole list, by an administrator
    writer = roles_named("n")[0]
    assert cli("db", "grant", "writer", writer, "--unit", "cs-bureau", "--store", theirs).exit_code == 0
    assert cli("done", "1", "--note", "x", "--unit", "cs-bureau", "--store", province.as_role(writer)).exit_code == 0
    refused = cli("start", "--unit", "prison", "--id", "mine", "--store", province.as_role(province.writer), input="")
    assert refused.exit_code == 1 and "refused this" in refused.stderr, refused


# -- written once, even for the owner -------------------------------------------------------


def test_even_the_superuser_cannot_update_delete_or_truncate_a_record(
    cli: Callable[..., Result], province: Province
) -> None:
    assert cli("done", "1", "--note", "x", "--unit", "prison", "--store", province.url).exit_code == 0
    for statement in (
        "UPDATE checklist.records SET line = line WHERE unit = 'prison'",
        "DELETE FROM checklist.records WHERE unit = 'prison'",
        "TRUNCATE checklist.records CASCADE",
        "DELETE FROM checklist.units WHERE unit = 'rehab'",
        "DELETE FROM checklist.unit_list",
    ):
        assert "its rows are written once" in denied(statement, province.url), statement


def tamper(url: str, statement: str) -> None:
    """What an administrator who disables the trigger can do."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("ALTER TABLE checklist.records DISABLE TRIGGER written_once")
        conn.execute(statement)
        conn.execute("ALTER TABLE checklist.records ENABLE TRIGGER written_once")


@pytest.mark.parametrize("verify", [("verify", "--unit", "prison"), ("verify", "--all")])
def test_verify_catches_a_record_edited_with_the_trigger_disabled(
    cli: Callable[..., Result], province: Province, verify: tuple[str, ...]
) -> None:
    for note in ("一", "二", "三"):
        assert cli("done", "1", "--note", note, "--unit", "prison", "--store", province.url).exit_code == 0
    tamper(
        province.url,
        "UPDATE checklist.records SET line = convert_to(replace(convert_from(line, 'UTF8'), '二', '贰'), 'UTF8')"
        " WHERE unit = 'prison' AND position(convert_to('二', 'UTF8') IN line) > 0",
    )
    (edited,) = sql(
        province.url, "SELECT n FROM checklist.records WHERE position(convert_to('贰', 'UTF8') IN line) > 0"
    )[0]
    result = cli(*verify, "--store", province.url)
    assert result.exit_code == 3, result
    assert "prison" in result.output and f"record {edited}" in result.output


@pytest.mark.parametrize("verify", [("verify", "--unit", "prison"), ("verify", "--all")])
def test_verify_catches_the_last_record_deleted_with_the_trigger_disabled(
    cli: Callable[..., Result], province: Province, verify: tuple[str, ...]
) -> None:
    for note in ("一", "二"):
        assert cli("done", "1", "--note", note, "--unit", "prison", "--store", province.url).exit_code == 0
    (n,) = sql(province.url, "SELECT max(n) FROM checklist.records WHERE unit = 'prison'")[0]
    tamper(province.url, f"DELETE FROM checklist.records WHERE unit = 'prison' AND n = {int(n)}")  # noqa: S608
    result = cli(*verify, "--store", province.url)
    assert result.exit_code == 3, result
    assert "prison" in result.output and f"{n}" in result.output


# -- README -----------------------------------------------------------------------------------


def test_readmes_postgresql_section_runs_as_written(
    cli: Callable[..., Result], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DBA's, the administrator's and the duty officer's commands of "A shared store in
    PostgreSQL", against the test server: `postgresql://USER@db.example/checklist` is the test
    database as USER (on its socket, where sslmode does not apply)."""
    import re
    import shlex

    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A shared store in PostgreSQL\n", 1)[1].split("\n### ", 1)[0]
    officer, dba, administrator = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)

    def server(text: str) -> str:
        return re.sub(
            r"postgresql://(\w+)@db\.example/checklist(\?\S*)?",
            lambda m: pg.with_user(pg_url, m[1]) + (m[2] or "").replace("?", "&"),
            text,
        )

    def run(block: str) -> None:
        for line in block.splitlines():
            command = server(line.split("  #")[0].strip())
            if command.startswith("export "):
                name, _, value = command.removeprefix("export ").partition("=")
                monkeypatch.setenv(name, shlex.split(value)[0])
            elif command:
                args = shlex.split(command)
                assert args[0] == "checklist"
                result = cli(*args[1:], input="")
                assert result.exit_code == 0, (command, result)
                assert "Traceback" not in result.output

    run(dba.replace("postgresql://admin@db.example/checklist", pg_url))
    run(administrator)
    assert cli("db", "grant", "writer", "cs_prison", "--unit", "cs-prison").exit_code == 0
    run(officer)
    status = cli("status", "--json", "--store", pg.with_user(pg_url, "cs_prison"))
    assert status.json()["totals"]["done"] == 1  # type: ignore[index]


def test_db_commands_without_a_database_say_how_to_name_one(cli: Callable[..., Result]) -> None:
    for lang, words in (("en", "no database named"), ("zh", "没有指明数据库")):
        for args in (("db", "roles"), ("db", "grant", "admin", "x"), ("db", "revoke", "admin", "x")):
            result = cli("--lang", lang, *args)
            assert result.exit_code == 1, result
            assert words in result.stderr and "--store postgresql://" in result.stderr
    folder = cli("db", "roles", "--store", ".checklist")
    assert folder.exit_code == 1 and ".checklist is not a PostgreSQL location" in folder.stderr, folder


def test_only_an_administrator_trusts_a_key_or_writes_a_mirrors_rows(
    cli: Callable[..., Result], province: Province, tmp_path: Any
) -> None:
    """What speaks for other stores' units (trusted keys, mirrors' keys and seals, push marks)
    is the administrator's to write: a writer that could trust a key could forge a unit's bundles."""
    mine = province.as_role(province.writer)
    for kind in ("trusted", "mirror-key", "mirror-seal", "pushed"):
        name = f"prison/{kind}"
        words = denied(
            "INSERT INTO checklist.blobs (kind, name, unit, data) VALUES (%s, %s, NULL, '{}')", mine, (kind, name)
        )
        assert "row-level security" in words, kind
    assert sql(province.url, "SELECT count(*) FROM checklist.blobs WHERE kind IN ('trusted', 'mirror-key')") == [(0,)]
