"""The PostgreSQL store's schema: versioned migrations shipped in the package
(core/migrations/NNNN_name.sql), applied by `checklist db migrate`, each in one transaction
with its version recorded in `checklist.schema_version`.

A database whose schema is newer than this release knows is refused (exit 3), as a folder
written by a newer release is: an older `checklist` must not write into tables whose rules it
does not know. Two `db migrate` at once are serialised by an advisory lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .errors import UserError
from .formats import NewerFormat

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
MIGRATE_LOCK = 0x636865636B6C6973  # "checklis": the advisory lock two migrations take in turn


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with this release, in order (versions 1, 2, … without gaps)."""
    found = []
    for entry in resources.files("checklist.core.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):  # a packaging mistake, not the user's
        raise RuntimeError("the migrations shipped are not numbered 1, 2, … without gaps")
    return found


def latest() -> int:
    """The schema version this release writes: its last migration's."""
    return len(migrations())


def version(conn: Any) -> int:
    """The schema version of the database (0: no checklist schema yet)."""
    row = conn.execute(
        "SELECT to_regclass('checklist.schema_version') IS NOT NULL, to_regnamespace('checklist') IS NOT NULL"
    ).fetchone()
    has_table, has_schema = row
    if not has_table:
        if has_schema:
            raise UserError("pg.not_ours")
        return 0
    found = conn.execute("SELECT max(version) FROM checklist.schema_version").fetchone()[0]
    return int(found or 0)


def check(conn: Any, where: str) -> int:
    """The schema version, refused if this release cannot use it: newer (exit 3) or not yet
    made or older (exit 1, with `db migrate` to type)."""
    found, known = version(conn), latest()
    if found > known:
        from .. import __version__

        raise NewerFormat("pg.newer_schema", where=where, found=found, known=known, version=__version__)
    if found == 0:
        raise UserError("pg.no_schema", where=where)
    if found < known:
        raise UserError("pg.old_schema", where=where, found=found, known=known)
    return found


@dataclass(frozen=True)
class Migrated:
    before: int
    after: int
    applied: list[Migration]


def migrate(conn: Any, where: str) -> Migrated:
    """Apply the migrations the database lacks, each in its own transaction with its version;
    a database newer than this release is refused and left as it is."""
    applied: list[Migration] = []
    before: int | None = None
    shipped = migrations()
    for migration in shipped:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
            found = version(conn)
            if before is None:
                before = found
            if found > len(shipped):
                from .. import __version__

                raise NewerFormat("pg.newer_schema", where=where, found=found, known=len(shipped), version=__version__)
            if found >= migration.version:
                continue
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO checklist.schema_version (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied.append(migration)
    return Migrated(before or 0, len(shipped) if applied else (before or 0), applied)
