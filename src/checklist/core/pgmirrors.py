"""What bundles need of a store in PostgreSQL (store.KeepsMirrors), as rows of its own: a
mirror's `mirror.json` in `units.mirror`, and in `blobs`, written once, under reserved kinds:

    mirror-key   "<unit>/<key id without its algorithm>"   a registration received with a mirror
    mirror-seal  "<unit>/<seq>"                            a seal of a mirror's head, as received
    exported     "<unit>/<size, 16 digits>"                what a bundle held of a unit: the latest wins
    pushed       "<unit>"                                  the folder store a unit was pushed from
    trusted      "<unit>/<key id without its algorithm>"   a key trusted for a unit's bundles

The bytes are those of a folder store's files (mirrors.py, unittrust.py read and check them).
A mirror takes records only from an import or a push: they set `checklist.mirroring` for
their transaction, and a trigger refuses any other insert into a mirror's log
(migrations/0001_store.sql), as PgStore.append refuses it first, in the reader's words.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import unitlist
from .chain import digest
from .errors import DataError
from .store import check_unit_id

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

_IMPORT_LOCK = 0x636C2D696D706F72  # "cl-impor": one import (or push) at a time
_UNIT_LIST_LOCK = 0x636C2D756E697473  # pgstore's: the list of units
_SUFFIX = {"keys": "mirror-key", "seals": "mirror-seal"}


class PgMirrors:
    """Mixed into PgStore: see the module's docstring."""

    if TYPE_CHECKING:
        shown: str
        _genesis_of: dict[str, bytes]

        def _db(self) -> AbstractContextManager[Any]: ...

    _mirrors: dict[str, bytes] | None = None  # every mirror's mirror.json, read once (a unit's never changes)

    def mirror_info(self, unit_id: str) -> bytes | None:
        if self._mirrors is None:
            with self._db() as conn:
                rows = conn.execute("SELECT unit, mirror FROM checklist.units WHERE mirror IS NOT NULL").fetchall()
            self._mirrors = {unit: bytes(data) for unit, data in rows}
        return self._mirrors.get(unit_id)

    def refuse_mirror(self, unit_id: str) -> None:
        """A mirror is never attested on (the database refuses it too)."""
        if self.mirror_info(unit_id) is not None:
            from .mirrors import refuse

            refuse(self, unit_id)  # type: ignore[arg-type]

    def mirror_files(self, unit_id: str, kind: str) -> dict[str, bytes]:
        prefix = check_unit_id(unit_id) + "/"
        with self._db() as conn:
            rows = conn.execute(
                "SELECT name, data FROM checklist.blobs WHERE kind = %s AND starts_with(name, %s)",
                (_SUFFIX[kind], prefix),
            ).fetchall()
        return {name.removeprefix(prefix): bytes(data) for name, data in rows}

    def export_mark(self, unit_id: str) -> bytes | None:
        with self._db() as conn:
            row = conn.execute(
                "SELECT data FROM checklist.blobs WHERE kind = 'exported' AND starts_with(name, %s)"
                ' ORDER BY name COLLATE "C" DESC, written_at DESC LIMIT 1',
                (check_unit_id(unit_id) + "/",),
            ).fetchone()
        return None if row is None else bytes(row[0])

    def set_export_mark(self, unit_id: str, size: int, data: bytes) -> None:
        self._put("exported", f"{check_unit_id(unit_id)}/{size:016d}", unit_id, data)

    def trusted_files(self, unit_id: str | None = None, key: str | None = None) -> list[bytes]:
        unit = check_unit_id(unit_id) if unit_id else ""
        bare = key.removeprefix("ed25519:") if key else ""
        with self._db() as conn:
            rows = conn.execute(
                "SELECT data FROM checklist.blobs WHERE kind = 'trusted'"
                " AND (%s = '' OR split_part(name, '/', 1) = %s) AND (%s = '' OR split_part(name, '/', 2) = %s)"
                ' ORDER BY name COLLATE "C"',
                (unit, unit, bare, bare),
            ).fetchall()
        return [bytes(row[0]) for row in rows]

    def put_trusted(self, unit_id: str, key: str, data: bytes) -> bool:
        return self._put("trusted", f"{check_unit_id(unit_id)}/{key.removeprefix('ed25519:')}", None, data)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """The store's lock for an import or a push (a session lock, let go at the end)."""
        with self._db() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_IMPORT_LOCK,))
        try:
            yield
        finally:
            with self._db() as conn:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_IMPORT_LOCK,))

    def add_unit_bytes(self, unit_id: str, genesis: bytes, *, by: str, mirror: bytes | None = None) -> bool:
        """A unit with its unit file as written elsewhere (a mirror: with its mirror.json), listed
        in the store's list of units; False if a unit of that id is here already."""
        check_unit_id(unit_id)
        import psycopg

        with self._db() as conn:
            try:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_UNIT_LIST_LOCK,))
                    conn.execute(
                        "INSERT INTO checklist.units (unit, genesis, mirror) VALUES (%s, %s, %s)",
                        (unit_id, genesis, mirror),
                    )
                    last = conn.execute("SELECT n, line FROM checklist.unit_list ORDER BY n DESC LIMIT 1").fetchone()
                    after = [bytes(last[1])] if last else []
                    line = unitlist.line(unit_id, digest(genesis), by=by, after=after)
                    conn.execute(
                        "INSERT INTO checklist.unit_list (n, line) VALUES (%s, %s)",
                        ((last[0] if last else 0) + 1, line),
                    )
            except psycopg.errors.UniqueViolation:
                return False
        self._genesis_of[unit_id] = genesis
        if mirror is not None and self._mirrors is not None:
            self._mirrors[unit_id] = mirror
        return True

    def extend_mirror(
        self, unit_id: str, lines: list[bytes], size: int, keys: dict[str, bytes], seal: tuple[int, bytes] | None
    ) -> None:
        """Append a mirror's lines exactly as received after the `size` bytes of log that were
        checked, with the registrations and the seal that came with them: one transaction."""
        with self._db() as conn, conn.transaction():
            conn.execute("SELECT set_config('checklist.mirroring', 'on', true)")
            row = conn.execute("SELECT n, size FROM checklist.lock_head(%s)", (unit_id,)).fetchone()
            if row is None or row[1] != size:
                raise DataError("bundle.changed_meanwhile", unit=unit_id, where=f"{self.shown}#units/{unit_id}")
            n, at = row
            rows = []
            for line in lines:
                n += 1
                rows.append((unit_id, n, at, line))
                at += len(line) + 1
            with conn.cursor() as cur:
                if rows:
                    cur.executemany("INSERT INTO checklist.records (unit, n, pos, line) VALUES (%s, %s, %s, %s)", rows)
                for key_id, data in keys.items():
                    self._insert(cur, "mirror-key", f"{unit_id}/{key_id.removeprefix('ed25519:')}", unit_id, data)
                if seal is not None:
                    self._insert(cur, "mirror-seal", f"{unit_id}/{seal[0]}", unit_id, seal[1])

    def pushed_from(self, unit_id: str) -> str | None:
        """The id of the folder store a unit was pushed from (`checklist push`): its seals name it."""
        import json

        with self._db() as conn:
            row = conn.execute(
                "SELECT data FROM checklist.blobs WHERE kind = 'pushed' AND name = %s", (check_unit_id(unit_id),)
            ).fetchone()
        if row is None:
            return None
        try:
            found = json.loads(bytes(row[0]))
        except ValueError:
            return None
        origin = found.get("origin") if isinstance(found, dict) else None
        return origin if isinstance(origin, str) else None

    def set_pushed_from(self, unit_id: str, data: bytes) -> bool:
        return self._put("pushed", check_unit_id(unit_id), unit_id, data)

    def _put(self, kind: str, name: str, unit: str | None, data: bytes) -> bool:
        with self._db() as conn, conn.cursor() as cur:
            return self._insert(cur, kind, name, unit, data)

    @staticmethod
    def _insert(cur: Any, kind: str, name: str, unit: str | None, data: bytes) -> bool:
        cur.execute(
            "INSERT INTO checklist.blobs (kind, name, unit, data) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (kind, name) DO NOTHING RETURNING 1",
            (kind, name, unit, data),
        )
        return cur.fetchone() is not None
