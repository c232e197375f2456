"""A store in a PostgreSQL database: making and upgrading its schema (`checklist db migrate`)."""

from __future__ import annotations

from ..core import pgschema
from ..core.errors import UserError
from .settings import Settings


def database_location(settings: Settings) -> str:
    """The PostgreSQL location the settings name (--store, CHECKLIST_STORE), else a UserError."""
    from ..core.pgstore import is_location, redact

    location = settings.store or ""
    if not is_location(location):
        raise UserError("db.not_postgresql", where=redact(location) if location else "")
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
