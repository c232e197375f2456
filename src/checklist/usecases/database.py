"""A store in a PostgreSQL database: making and upgrading its schema (`checklist db migrate`),
and who may do what in it (`db grant`, `db revoke`, `db roles`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..core import pgschema
from ..core.errors import UserError
from .settings import Settings

if TYPE_CHECKING:
    from ..core import pgaccess
    from ..core.pgstore import PgStore


def database_location(settings: Settings) -> str:
    """The PostgreSQL location the settings name (--store, CHECKLIST_STORE), else a UserError."""
    from ..core.pgstore import is_location, redact

    location = settings.store or ""
    if not location:
        raise UserError("db.no_location")
    if not is_location(location):
        raise UserError("db.not_postgresql", where=redact(location))
    return location


def migrate(settings: Settings) -> pgschema.Migrated:
    """Create or upgrade the schema of the database the settings name, a migration at a time."""
    from ..core.pgstore import PgStore, connect, redact

    location = database_location(settings)
    conn = connect(location)
    store = PgStore(location, conn)  # not opened: its schema may not exist yet
    try:
        with store._db():
            return pgschema.migrate(conn, redact(location))
    finally:
        conn.close()


@contextlib.contextmanager
def _opened(settings: Settings) -> Iterator[PgStore]:
    """The database the settings name, closed when done."""
    from ..core.pgstore import PgStore

    store = PgStore.open(database_location(settings))
    try:
        yield store
    finally:
        store.close()


def grant(settings: Settings, kind: str, role: str, unit: str | None, node: str | None) -> pgaccess.Granted:
    """Let a login role write a unit, read the units under a node, or administer the store."""
    from ..core import pgaccess

    with _opened(settings) as store:
        return pgaccess.grant(store, _wanted(kind, role, unit, node))


def revoke(settings: Settings, kind: str, role: str, unit: str | None, node: str | None) -> pgaccess.Revoked:
    """Take back what `grant` gave (the login role itself stays)."""
    from ..core import pgaccess

    with _opened(settings) as store:
        return pgaccess.revoke(store, _wanted(kind, role, unit, node))


def _wanted(kind: str, role: str, unit: str | None, node: str | None) -> pgaccess.Access:
    from ..core import pgaccess, places

    return pgaccess.access(kind, role, unit, places.parse(node, "--node") if node else None)


def roles(settings: Settings) -> tuple[str, list[pgaccess.Access]]:
    """Who may do what (all of it for an administrator, else the role's own): the store as
    shown, and the access rows."""
    from ..core import pgaccess

    with _opened(settings) as store:
        return store.shown, pgaccess.roles(store)
