"""Who may do what in a PostgreSQL store (`checklist db grant`, `db revoke`, `db roles`): login
roles, the group role each kind of access gives, and the rows of `checklist.access` that the
row-level security of core/migrations/0001_store.sql reads.

A writer of a unit appends to it and reads it; a supervisor of a node reads every unit placed
under it; an administrator starts units and grants. `grant` creates the login role when it
does not exist (LOGIN, no password: the DBA sets one, or pg_hba.conf admits it by peer or
certificate), makes it a member of the group role (`checklist_writer`, `checklist_supervisor`,
`checklist_admin`; an administrator also gets CREATEROLE, to create and grant the others) and
adds the access row. Role names reach SQL only as identifiers (psycopg.sql.Identifier), and
only names a DBA could type unquoted: reserved and system roles are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from .errors import NotFound, UserError
from .fuzzy import closest
from .pgstore import PgStore

Kind = Literal["writer", "supervisor", "admin"]
KINDS: tuple[Kind, ...] = ("writer", "supervisor", "admin")
GROUPS: dict[str, str] = {
    "writer": "checklist_writer",
    "supervisor": "checklist_supervisor",
    "admin": "checklist_admin",
}
MAX_ROLE = 63  # PostgreSQL's NAMEDATALEN - 1
_ROLE = re.compile(r"[a-z_][a-z0-9_]*")
_FORMS = {"writer": "db.grant_form.writer", "supervisor": "db.grant_form.supervisor", "admin": "db.grant_form.admin"}
# Names PostgreSQL keeps for itself, or that stand for someone else where a role is expected.
RESERVED = frozenset(
    {"postgres", "public", "none", "current_user", "current_role", "session_user", "user", "all", "default"}
)


@dataclass(frozen=True)
class Access:
    """One row of `checklist.access`: what a login role may do."""

    role: str
    kind: Kind
    unit: str  # a writer's unit ("" otherwise)
    node: tuple[str, ...]  # a supervisor's node, from the top down (() otherwise)
    granted_at: datetime | None = None
    granted_by: str = ""


@dataclass(frozen=True)
class Granted:
    access: Access
    created: bool  # the login role was made (without a password)
    added: bool  # False: granted already, nothing changed


@dataclass(frozen=True)
class Revoked:
    access: Access
    left_group: bool  # no access of this kind is left: the role left the group role


def check_role(name: str) -> str:
    """A role name a DBA can type as it is: lowercase letters, digits and `_`, not starting with
    a digit, at most 63 characters, and no reserved or system role."""
    if len(name) > MAX_ROLE or not _ROLE.fullmatch(name):
        raise UserError("db.bad_role", role=name, max=MAX_ROLE)
    if name in RESERVED or name.startswith("pg_") or name in GROUPS.values():
        raise UserError("db.reserved_role", role=name)
    return name


def access(kind: str, role: str, unit: str | None = None, node: tuple[str, ...] | None = None) -> Access:
    """What `grant`/`revoke` name, checked for its form: a writer needs --unit, a supervisor
    --node, an administrator neither."""
    if kind not in KINDS:
        raise NotFound("db.unknown_kind", closest(kind, KINDS), kind=kind)
    wanted = {"writer": "--unit", "supervisor": "--node", "admin": ""}[kind]
    given = [option for option, value in (("--unit", unit), ("--node", node)) if value]
    if (wanted and wanted not in given) or any(option != wanted for option in given):
        raise UserError(_FORMS[kind], kind=kind)
    return Access(check_role(role), kind, unit or "", tuple(node or ()))


def _admin(conn: Any) -> None:
    row = conn.execute("SELECT checklist.is_admin(), current_user").fetchone()
    if not row[0]:
        raise UserError("db.not_admin", role=row[1])


def grant(store: PgStore, wanted: Access) -> Granted:
    """Create the login role if need be, make it a member of its kind's group role, and add
    the access row; all in one transaction, by an administrator."""
    from psycopg import sql

    role = sql.Identifier(wanted.role)
    with store._db() as conn, conn.transaction():
        _admin(conn)
        if wanted.kind == "writer":
            found = conn.execute("SELECT 1 FROM checklist.units WHERE unit = %s", (wanted.unit,)).fetchone()
            if found is None:
                known = [r[0] for r in conn.execute("SELECT unit FROM checklist.units")]
                raise NotFound("unit.unknown", closest(wanted.unit, known), id=wanted.unit)
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (wanted.role,)).fetchone()
        if row is not None and row[0]:
            raise UserError("db.reserved_role", role=wanted.role)
        created = row is None
        if created:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUPS[wanted.kind]), role))
        if wanted.kind == "admin":
            conn.execute(sql.SQL("ALTER ROLE {} CREATEROLE").format(role))
        added = conn.execute(
            "INSERT INTO checklist.access (role, grant_kind, unit, node) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING RETURNING 1",
            (wanted.role, wanted.kind, wanted.unit, list(wanted.node)),
        ).fetchone()
    return Granted(wanted, created, added is not None)


def revoke(store: PgStore, wanted: Access) -> Revoked:
    """Remove the access row; with no other access of that kind left, the role leaves the group
    role too (an administrator loses CREATEROLE). The login role itself stays."""
    from psycopg import sql

    role = sql.Identifier(wanted.role)
    with store._db() as conn, conn.transaction():
        _admin(conn)
        removed = conn.execute(
            "DELETE FROM checklist.access WHERE role = %s AND grant_kind = %s AND unit = %s AND node = %s RETURNING 1",
            (wanted.role, wanted.kind, wanted.unit, list(wanted.node)),
        ).fetchone()
        if removed is None:
            raise UserError("db.not_granted", role=wanted.role)
        left = conn.execute(
            "SELECT count(*) FROM checklist.access WHERE role = %s AND grant_kind = %s", (wanted.role, wanted.kind)
        ).fetchone()[0]
        if not left:
            conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(GROUPS[wanted.kind]), role))
            if wanted.kind == "admin":
                conn.execute(sql.SQL("ALTER ROLE {} NOCREATEROLE").format(role))
    return Revoked(wanted, not left)


def roles(store: PgStore) -> list[Access]:
    """The access rows this role may read: all of them for an administrator, else its own."""
    with store._db() as conn:
        rows = conn.execute(
            "SELECT role, grant_kind, unit, node, granted_at, granted_by FROM checklist.access"
            ' ORDER BY role COLLATE "C", grant_kind, unit COLLATE "C", node'
        ).fetchall()
    return [Access(r[0], r[1], r[2], tuple(r[3]), r[4], r[5]) for r in rows]
