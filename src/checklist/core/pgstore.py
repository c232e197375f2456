"""A store in a PostgreSQL database (`--store postgresql://…`): one shared store that the units
of a network write to at once, with the same guarantees as a folder and the database itself
enforcing who may write what (core/migrations/0001_store.sql).

Each record is a row holding the exact bytes of its line, numbered and placed (`n`, `pos`: as
the line would stand in a unit's records.jsonl) so that streams, offsets, the chain and the
signatures are the file store's own. An append is one short transaction: the row lock on the
unit's head (`checklist.lock_head`, which also refuses a unit the role may not write), the
link computed from that head, one INSERT whose trigger checks the number, the place and the
link again; it is acknowledged only once committed. Appends to one unit are serialised by the
lock; different units append in parallel.

Connection parameters are libpq's (the URL's query, PGHOST, PGSERVICE, sslmode…), and so is
the password (PGPASSWORD, ~/.pgpass, a service file): the location this store shows never
holds one, and neither does any message it raises.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import threading
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from . import pgschema, unitlist
from .alerts import Judge
from .chain import BadTail, Head, TornLog, digest, next_link
from .errors import Message, NotFound, StoreDamaged, UserError, message
from .fuzzy import closest
from .logindex import LogIndex
from .models import Draft, Record, Unit
from .pgmirrors import PgMirrors
from .store import (
    BLOB_LIMITS,
    CHUNK,
    HASHED,
    PER_UNIT,
    Blob,
    BlobMismatch,
    LogStream,
    ReadsByStream,
    Signer,
    check_unit_id,
    is_legacy,
    link,
    parse_line,
    parse_unit,
    unit_bytes,
)

if typing.TYPE_CHECKING:
    from collections.abc import Iterable

    from .pgsummaries import Held, Made, Wanted

SCHEMES = ("postgresql://", "postgres://")
MAX_BYTEA = (1 << 30) - 1  # PostgreSQL's largest value: evidence over 1 GiB stays in a folder store
_UNIT_LIST_LOCK = 0x636C2D756E697473  # "cl-units": the advisory lock of the list of units


def is_location(text: str) -> bool:
    return text.startswith(SCHEMES)


def redact(location: str) -> str:
    """The location without its password (in the URL's user part or its query)."""
    try:
        parts = urlsplit(location)
    except ValueError:
        return location.split("://", 1)[0] + "://…"
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = user.split(":", 1)[0] + "@" + host
    query = "&".join(p for p in parts.query.split("&") if p.partition("=")[0] != "password")  # else kept as typed
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _secrets(location: str) -> list[str]:
    """The password a location holds, if any, to blank out of a server's or libpq's words."""
    found = []
    with contextlib.suppress(ValueError):
        parts = urlsplit(location)
        if parts.password:
            found.append(parts.password)
        found += [v for k, v in parse_qsl(parts.query) if k == "password" and v]
    return found


class PgStore(PgMirrors, ReadsByStream):
    """Units, logs, blobs and settings in a PostgreSQL database's `checklist` schema."""

    def __init__(self, location: str, conn: Any) -> None:
        self._location = location
        self.shown = redact(location)
        self._conn = conn
        self._lock = threading.RLock()  # one connection, used by one thread at a time
        self._genesis_of: dict[str, bytes] = {}  # a unit file never changes
        self.list_withheld = False  # the list of units holds lines this role may not read
        self._id: str | None = None

    @classmethod
    def open(cls, location: str) -> PgStore:
        """The store at `location`, its schema checked (made by `checklist db migrate`)."""
        store = cls(location, connect(location))
        with store._db():
            pgschema.check(store._conn, store.shown)
        return store

    @property
    def location(self) -> str:
        return self.shown

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    _process: int | None = None  # the process whose connection it is (set on first use)
    _inherited: typing.ClassVar[list[Any]] = []  # a parent process's connections, kept alive in a forked child

    @contextlib.contextmanager
    def _db(self) -> Iterator[Any]:
        """The connection, for one thread at a time; the server's refusals as our errors."""
        import psycopg

        with self._lock:
            if self._process is None:
                self._process = os.getpid()
            elif self._process != os.getpid():  # a forked child (the roll-up's workers): a connection of its own
                # never closed (nor freed) here: its socket is the parent's session
                PgStore._inherited.append(self._conn)
                self._conn = connect(self._location)
                self._process = os.getpid()
            try:
                yield self._conn
            except psycopg.Error as exc:
                raise translate(exc, self.shown, _secrets(self._location)) from None

    # -- units ----------------------------------------------------------------------

    def create_unit(self, unit: Unit, signer: Signer | None = None, by: str = "") -> None:
        check_unit_id(unit.id)
        genesis = unit_bytes(unit)
        import psycopg

        with self._db() as conn:
            try:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_UNIT_LIST_LOCK,))
                    conn.execute("INSERT INTO checklist.units (unit, genesis) VALUES (%s, %s)", (unit.id, genesis))
                    listed = [bytes(row[0]) for row in conn.execute("SELECT line FROM checklist.unit_list ORDER BY n")]
                    line = unitlist.line(unit.id, digest(genesis), by=by, after=listed, signer=signer)
                    conn.execute("INSERT INTO checklist.unit_list (n, line) VALUES (%s, %s)", (len(listed) + 1, line))
            except psycopg.errors.UniqueViolation:
                raise UserError("unit.exists", id=unit.id) from None

    def unit_list(self) -> list[bytes] | None:
        """The list's lines; None where this role sees only some of them (a writer or a
        supervisor sees the lines of its own units: the whole list is an administrator's to
        check, `list_withheld` then says so)."""
        with self._db() as conn:
            lines = [bytes(row[0]) for row in conn.execute("SELECT line FROM checklist.unit_list ORDER BY n")]
            total = conn.execute("SELECT checklist.unit_list_size()").fetchone()[0]
        self.list_withheld = len(lines) < total
        return None if self.list_withheld else lines or None

    def adopt_units(self, by: str) -> bool:
        return False  # the list begins with the first unit started

    def unit(self, unit_id: str) -> Unit:
        return parse_unit(self.genesis(unit_id), self._where(unit_id, "unit.json"))

    def unit_ids(self) -> list[str]:
        with self._db() as conn:
            return [row[0] for row in conn.execute('SELECT unit FROM checklist.units ORDER BY unit COLLATE "C"')]

    def units(self) -> list[Unit]:
        with self._db() as conn:
            rows = conn.execute('SELECT unit, genesis FROM checklist.units ORDER BY unit COLLATE "C"').fetchall()
        for unit_id, genesis in rows:
            self._genesis_of[unit_id] = bytes(genesis)
        return [parse_unit(bytes(genesis), self._where(unit_id, "unit.json")) for unit_id, genesis in rows]

    def genesis(self, unit_id: str) -> bytes:
        check_unit_id(unit_id)
        found = self._genesis_of.get(unit_id)
        if found is None:
            with self._db() as conn:
                row = conn.execute("SELECT genesis FROM checklist.units WHERE unit = %s", (unit_id,)).fetchone()
                withheld = row is None and conn.execute("SELECT checklist.unit_withheld(%s)", (unit_id,)).fetchone()[0]
            if withheld:  # there, but not this role's to read
                raise UserError("pg.denied", where=self.shown, reason=message("pg.why.not_yours", unit=unit_id))
            if row is None:
                raise NotFound("unit.unknown", closest(unit_id, self.unit_ids()), id=unit_id)
            found = self._genesis_of[unit_id] = bytes(row[0])
        return found

    # -- the log --------------------------------------------------------------------

    def append(self, draft: Draft, signer: Signer | None = None, index: LogIndex | None = None) -> Record:
        """Link the draft after the unit's head and insert it, in one transaction under the row
        lock on the head; returned once committed."""
        genesis = self.genesis(draft.unit)
        self.refuse_mirror(draft.unit)  # a unit imported from another store's bundles: never attested on
        with self._db() as conn, conn.transaction():
            row = conn.execute("SELECT n, size, seq, hash FROM checklist.lock_head(%s)", (draft.unit,)).fetchone()
            if row is None:
                raise NotFound("unit.unknown", closest(draft.unit, self.unit_ids()), id=draft.unit)
            n, size, seq, hash_ = row
            if n == 0:
                link_seq, prev = 1, digest(genesis)
            elif seq is not None:
                link_seq, prev = seq + 1, hash_
            else:  # the log ends in a line without a link: records from before chaining, pushed here
                lines = self._lines(conn, draft.unit)
                try:
                    link_seq, prev = next_link(lines, b"", digest(genesis), is_legacy)
                except (TornLog, BadTail):
                    raise StoreDamaged("store.bad_tail", where=self._where(draft.unit)) from None
            record, line = link(draft, link_seq, prev, signer)
            conn.execute(
                "INSERT INTO checklist.records (unit, n, pos, line) VALUES (%s, %s, %s, %s)",
                (draft.unit, n + 1, size, line),
            )
        if index is not None:
            index.add(record, size)  # a record is known by where its line starts, as in a file
        return record

    def append_lines(self, unit_id: str, lines: list[bytes], after: int) -> None:
        """Append lines as they were written elsewhere (push, import), exactly, after the
        `after` lines the unit's log holds now: one transaction, all or none."""
        with self._db() as conn, conn.transaction():
            row = conn.execute("SELECT n, size FROM checklist.lock_head(%s)", (unit_id,)).fetchone()
            if row is None:
                raise NotFound("unit.unknown", closest(unit_id, self.unit_ids()), id=unit_id)
            n, size = row
            if n != after:
                raise UserError("pg.moved_on", unit=unit_id, where=self.shown)
            with conn.cursor() as cur:
                rows = []
                for line in lines:
                    n += 1
                    rows.append((unit_id, n, size, line))
                    size += len(line) + 1
                cur.executemany("INSERT INTO checklist.records (unit, n, pos, line) VALUES (%s, %s, %s, %s)", rows)

    def head(self, unit_id: str) -> Head | None:
        self.genesis(unit_id)
        with self._db() as conn:
            row = conn.execute("SELECT n, size, seq, hash FROM checklist.heads WHERE unit = %s", (unit_id,)).fetchone()
        return _head(row)

    def line_count(self, unit_id: str) -> int:
        with self._db() as conn:
            row = conn.execute("SELECT n FROM checklist.heads WHERE unit = %s", (unit_id,)).fetchone()
        return int(row[0]) if row else 0

    def stream(self, unit_id: str, start: int = 0) -> LogStream:
        genesis = self.genesis(unit_id)
        with self._db() as conn:
            row = conn.execute("SELECT n, size, seq, hash FROM checklist.heads WHERE unit = %s", (unit_id,)).fetchone()
        head = _head(row)
        end = row[1] if row else 0

        def opener() -> IO[bytes]:
            return io.BufferedReader(_RowsReader(self, unit_id, end), CHUNK)

        return LogStream(unit_id, self._where(unit_id), genesis, head, start, end, opener)

    def index(
        self,
        unit_id: str,
        fresh: bool = False,
        settle: Any = None,
        renamed: dict[str, str] | None = None,
        judge: Judge | None = None,
        *,
        assume: Callable[[], dict[str, str] | None] | None = None,
    ) -> LogIndex:
        """The fold of the whole log, read from the database a chunk at a time; a record is
        known by where its line starts."""
        stream = self.stream(unit_id)
        where = stream.where

        def fetch(at: int) -> Record:
            with self._db() as conn:
                row = conn.execute(
                    "SELECT n, line FROM checklist.records WHERE unit = %s AND pos = %s", (unit_id, at)
                ).fetchone()
            if row is None:
                raise StoreDamaged("store.damaged_record", where=where, line=0, why=f"no line at {at}")
            return parse_line(where, bytes(row[1]), row[0], unit_id, torn=False)

        def naming(text: str, end: int | None) -> Iterator[tuple[int, Record]]:
            with self._db() as conn:
                rows = conn.execute(
                    "SELECT n, pos, line FROM checklist.records WHERE unit = %s AND position(%s IN line) > 0"
                    " AND pos < %s ORDER BY n",
                    (unit_id, text.encode(), end if end is not None else 1 << 62),
                ).fetchall()
            return ((pos, parse_line(where, bytes(line), n, unit_id, torn=False)) for n, pos, line in rows)

        from .blobs import kept_catalog

        index = LogIndex(fetch, naming, judge or Judge(functools.partial(kept_catalog, self)))
        index.renamed = renamed if renamed is not None else (assume() if assume else None) or {}
        index.end = None  # nothing is saved
        for at, record in stream.records():
            index.add(record, at)
        return index

    def save_index(self, unit_id: str, index: LogIndex) -> None:
        """Nothing is kept: every command folds the log again."""

    def _lines(self, conn: Any, unit_id: str) -> list[bytes]:
        return [
            bytes(r[0])
            for r in conn.execute("SELECT line FROM checklist.records WHERE unit = %s ORDER BY n", (unit_id,))
        ]

    def _window(self, unit_id: str, start: int, stop: int) -> tuple[int, bytes]:
        """The lines that hold the bytes from `start` to `stop` of the log, each with its line
        end, and where the first begins."""
        with self._db() as conn:
            first = conn.execute(
                "SELECT pos FROM checklist.records WHERE unit = %s AND pos <= %s ORDER BY pos DESC LIMIT 1",
                (unit_id, start),
            ).fetchone()
            begin = first[0] if first else 0
            rows = conn.execute(
                "SELECT line FROM checklist.records WHERE unit = %s AND pos >= %s AND pos < %s ORDER BY pos",
                (unit_id, begin, stop),
            ).fetchall()
        return begin, b"".join(bytes(row[0]) + b"\n" for row in rows)

    def _where(self, unit_id: str, what: str = "records") -> str:
        return f"{self.shown}#units/{unit_id}/{what}"

    # -- blobs ----------------------------------------------------------------------

    def put_blob(self, kind: Blob, name: str, data: bytes | IO[bytes]) -> bool:
        limit = min(BLOB_LIMITS[kind], MAX_BYTEA)
        content = data if isinstance(data, bytes) else data.read(limit + 1)
        if len(content) > limit:
            raise UserError("pg.blob_too_large", kind=str(kind), name=name, where=self.shown, limit=limit)
        if kind in HASHED and hashlib.sha256(content).hexdigest() != name:
            raise BlobMismatch("store.blob_changed", kind=str(kind), name=name)
        unit = check_unit_id(name.partition("/")[0]) if kind in PER_UNIT else None
        with self._db() as conn:
            row = conn.execute(
                "INSERT INTO checklist.blobs (kind, name, unit, data) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (kind, name) DO NOTHING RETURNING 1",
                (str(kind), name, unit, content),
            ).fetchone()
        return row is not None

    def blob(self, kind: Blob, name: str) -> bytes | None:
        with self._db() as conn:
            row = conn.execute(
                "SELECT data FROM checklist.blobs WHERE kind = %s AND name = %s", (str(kind), name)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def open_blob(self, kind: Blob, name: str) -> IO[bytes] | None:
        found = self.blob(kind, name)
        return None if found is None else io.BytesIO(found)

    def blob_names(self, kind: Blob, prefix: str = "") -> list[str]:
        with self._db() as conn:
            rows = conn.execute(
                'SELECT name FROM checklist.blobs WHERE kind = %s AND starts_with(name, %s) ORDER BY name COLLATE "C"',
                (str(kind), prefix),
            )
            return [row[0] for row in rows]

    def blob_location(self, kind: Blob, name: str) -> str:
        return f"{self.shown}#{kind}/{name}"

    # -- settings kept in the store ----------------------------------------------------

    def config(self) -> dict[str, Any]:
        with self._db() as conn:
            return dict(conn.execute("SELECT key, value FROM checklist.config").fetchall())

    def set_config(self, key: str, value: str | None) -> None:
        with self._db() as conn, conn.transaction():
            conn.execute("DELETE FROM checklist.config WHERE key = %s", (key,))
            if value is not None:
                conn.execute("INSERT INTO checklist.config (key, value) VALUES (%s, %s)", (key, value))

    def cache_folder(self) -> Path:
        """A folder of this user's for files derived from the store (the parsed catalog): in
        the user's cache folder, one per database (by its store id), never shared."""
        from platformdirs import user_cache_path

        folder = user_cache_path("checklist", appauthor=False) / "postgresql" / (self.store_id() or "unnamed")
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder

    def store_id(self, create: bool = False) -> str | None:
        """The database's store id, read once: it is made with the schema and never changes
        (the catalog cache, seals and bundles each ask for it)."""
        if self._id is None:
            with self._db() as conn:
                row = conn.execute("SELECT id FROM checklist.store").fetchone()
            self._id = None if row is None else str(row[0])
        return self._id

    # -- the roll-up's summaries (derived: core/pgsummaries.py) ---------------------------

    def summary_kinds(self, key: str) -> list[tuple[str, str]]:
        from . import pgsummaries

        with self._db() as conn:
            return pgsummaries.kinds(conn, key)

    def held_summaries(self, wanted: Wanted) -> Iterator[Held]:
        from . import pgsummaries

        with self._db() as conn:
            yield from pgsummaries.held(conn, wanted)

    def keep_summaries(self, key: str, made: Iterable[Made]) -> int:
        from . import pgsummaries

        with self._db() as conn:
            return pgsummaries.keep(conn, key, made)


def _head(row: tuple[Any, ...] | None) -> Head | None:
    if row is None or not row[0]:
        return None
    n, size, seq, hash_ = row
    return Head(seq=seq if seq is not None else n, hash=hash_, size=size)


class _RowsReader(io.RawIOBase):
    """A unit's log in the database read as the bytes of its file, a window of lines at a
    time (LogStream reads it by chunks, forward and, looking for a line end, back)."""

    def __init__(self, store: PgStore, unit_id: str, end: int) -> None:
        self._store, self._unit, self._end = store, unit_id, end
        self._at = 0
        self._begin, self._data = 0, b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._end}[whence]
        self._at = max(0, base + offset)
        return self._at

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._end - self._at)
        if want <= 0:
            return 0
        if not (self._begin <= self._at < self._begin + len(self._data)):
            self._begin, self._data = self._store._window(
                self._unit, self._at, min(self._end, self._at + max(want, CHUNK))
            )
        piece = self._data[self._at - self._begin : self._at - self._begin + want]
        buffer[: len(piece)] = piece
        self._at += len(piece)
        return len(piece)


def connect(location: str) -> Any:
    """A connection to the server a location names (libpq finds the password), in autocommit:
    each change is a transaction of its own, or an explicit one."""
    import psycopg

    try:
        # checklist's name only where neither the URL nor PGAPPNAME gives one; a URL's own
        # connect_timeout, sslmode, options… win too (libpq reads the URL, then these)
        params: dict[str, Any] = {} if "connect_timeout=" in location else {"connect_timeout": 15}
        return psycopg.connect(location, autocommit=True, fallback_application_name="checklist", **params)
    except psycopg.Error as exc:
        raise translate(exc, redact(location), _secrets(location)) from None
    except ValueError as exc:  # not a URL libpq can read (psycopg raises ProgrammingError for most)
        raise UserError(
            "pg.bad_location", where=redact(location), reason=_clean(str(exc), _secrets(location))
        ) from None


def _clean(text: str, secrets: list[str]) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    for secret in secrets:
        line = line.replace(secret, "***")
    return line


# What libpq says when it cannot connect (its words are English whatever the language of the
# run), and ours for it; anything else is shown as libpq says it.
_NOT_CONNECTED = (
    (
        ("No such file or directory", "Connection refused", "could not translate host name", "Network is unreachable"),
        "pg.why.no_server",
    ),
    (("password authentication failed", "no password supplied", "fe_sendauth"), "pg.why.password"),
    (("timeout expired",), "pg.why.timeout"),
    (("no pg_hba.conf entry",), "pg.why.not_allowed"),
)


def _why_not_connected(reason: str) -> str | Message:
    import re

    for needles, code in _NOT_CONNECTED:
        if any(needle in reason for needle in needles):
            return message(code)
    found = re.search(r'(database|role) "([^"]*)" does not exist', reason)
    if found:
        return message(f"pg.why.no_{found[1]}", name=found[2])
    return reason


# What the server says when it refuses a role (grants, row-level security, the triggers of
# core/migrations/0001_store.sql), and ours for it; anything else is shown as the server says it.
_DENIED = (
    (r"no right to write unit (?P<unit>\S+)", "pg.why.not_yours"),
    (r"permission denied for schema", "pg.why.no_schema_access"),
    (r"row-level security", "pg.why.row_security"),
    (r"written once", "pg.why.written_once"),
    (r"permission denied for (?:function lock_head|table records)", "pg.why.read_only"),  # a supervisor's
    (r"permission denied for (?:table|relation|view|function|sequence) (?P<what>\S+)", "pg.why.no_grant"),
)


def _why_denied(reason: str) -> str | Message:
    import re

    for pattern, code in _DENIED:
        found = re.search(pattern, reason)
        if found:
            return message(code, **found.groupdict())
    return reason


def translate(exc: Exception, where: str, secrets: list[str]) -> Exception:
    """A server's or libpq's refusal as one of our errors, without a password in it."""
    import psycopg

    reason = _clean(str(exc), secrets)
    state = getattr(exc, "sqlstate", None) or ""
    if isinstance(exc, psycopg.errors.InsufficientPrivilege) or state == "42501":
        return UserError("pg.denied", where=where, reason=_why_denied(reason))
    if isinstance(exc, psycopg.errors.UndefinedTable | psycopg.errors.InvalidSchemaName):
        return UserError("pg.no_schema", where=where)
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) and not state.startswith(("23", "40")):
        return UserError("pg.cannot_connect", where=where, reason=_why_not_connected(reason))
    if isinstance(exc, psycopg.ProgrammingError) and not state:
        return UserError("pg.bad_location", where=where, reason=reason)
    return StoreDamaged("pg.refused", where=where, reason=reason, state=state)
