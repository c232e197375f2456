"""What a store is, whatever keeps it: the protocol every backend implements, and the rules
they share (unit ids, the unit file, the chain link, reading records from their bytes).

A backend must do two things (`Store`):

- keep units and their logs: create and list units; append a draft, which the backend links
  into the unit's chain under its own lock and returns as the record written; give back a
  unit's records *with the exact bytes as written* (the chain and the signatures cover those
  bytes, never a re-serialization): `stream` reads a log one chunk at a time from any line
  on (`LogStream`), so that memory stays bounded whatever its length, and `log` reads all of
  it at once (`LogBytes`, for short logs and tests); fold a unit's log for status (`index`);
- keep blobs (`Blob`): catalogs, evidence files, public keys and seals, each written once
  under a name that its content decides (a SHA-256, a key id) or, for a seal, its unit,
  day and head.

What only some backends can do is asked for by capability, never assumed: `Repairable`
(cut a torn last line back into quarantine), `Snapshots` (a saved index beside the log,
whose agreement with the log `verify` checks) and `LocalCache` (a folder for derived
files). `FileStore` (filestore.py) has all three; `MemoryStore` (memstore.py) none.
`pgsummaries.Summaries` (the roll-up's summaries kept by the backend itself) is `PgStore`'s.
Every backend passes the contract tests in tests/test_store_contract.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from pydantic import ValidationError

from . import files, formats
from .chain import Head
from .clock import in_range
from .errors import Message, StoreDamaged, UserError, message
from .models import Draft, Record, RecordSignature, Signature, Unit

Signer = Callable[[bytes], Signature]
_ID_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class Blob(StrEnum):
    """The kinds of blob a store keeps, and what names them."""

    CATALOG = "catalog"  # the SHA-256 (hex) of the catalog's kept form
    EVIDENCE = "evidence"  # the SHA-256 (hex) of the file
    KEY = "key"  # the key id without its algorithm (16 hex digits)
    SEAL = "seal"  # "<unit id>/<day>.<head seq>"
    CHECKPOINT = "checkpoint"  # "<unit id>/<size>.<key id without its algorithm>"


class BlobMismatch(UserError):
    """Bytes that do not hash to the name they are kept under (a file changed while copied)."""


PER_UNIT: dict[Blob, tuple[str, str]] = {  # kept in a unit's folder: the folder and the file's suffix
    Blob.SEAL: ("seals", ".json"),
    Blob.CHECKPOINT: ("checkpoints", ".note"),
}
HASHED: frozenset[Blob] = frozenset({Blob.CATALOG, Blob.EVIDENCE})  # named by the SHA-256 of their bytes
BLOB_LIMITS: dict[Blob, int] = {  # the most bytes a blob of each kind may hold, in every backend
    Blob.CATALOG: files.CATALOG,
    Blob.EVIDENCE: files.LOG,
    Blob.KEY: files.SMALL,
    Blob.SEAL: files.SEAL,
    Blob.CHECKPOINT: files.SMALL,
}


@dataclass(frozen=True)
class LogBytes:
    """A unit's log as written: what the chain and the signatures are checked against.

    `lines` are the records' exact bytes, in order, without their line ends (a file store
    keeps blank lines too, so that offsets and the hash of everything before a record are
    the file's own); `torn` holds the bytes of an incomplete last record, if a write was
    interrupted; `where` names the log in messages.
    """

    unit: str
    genesis: bytes  # the unit file as written: the first record links to its hash
    lines: list[bytes]
    torn: bytes
    head: Head | None
    where: str


CHUNK = 1 << 20  # bytes a stream reads at a time
_BACK = 1 << 16  # bytes read at a time looking back for the last line end


class LogStream:
    """A unit's log as written, read one chunk at a time: what every command that reads a
    whole log goes through, so that its memory stays bounded whatever the log's length.

    A backend makes one with `Store.stream(unit_id, start)`, reading the head and the log's
    size together under the unit's lock: a stream is a consistent snapshot while others
    append, and never reads past `end`, the size it saw. From `start` (where a line starts:
    0, or an offset a stream gave) it yields:

    - iterated: `(offset, line)` for each whole line, the offset where it starts in the log
      and its bytes without the line end; blank lines too, so that offsets and the hash of
      everything before a line are the file's own;
    - `batches()`: `(offset of the first line, lines)`, the whole lines of one chunk at a time
      (some thousands), for work that goes faster a batch at a time;
    - `torn`: the bytes after the last line end (an incomplete record, if a write was
      interrupted), at `whole`, the offset just past the last whole line.

    `lines_from(offset)` is the same snapshot from a later line on. `open` gives the log's
    bytes as a file object (FileNotFoundError: an empty log); it is only called when lines
    are read, so a stream may be made and handed on cheaply.
    """

    def __init__(  # noqa: PLR0917 - each is what the backend read under its lock
        self,
        unit: str,
        where: str,
        genesis: bytes,
        head: Head | None,
        start: int,
        end: int,
        open: Callable[[], IO[bytes]],
    ) -> None:
        self.unit = unit
        self.where = where  # names the log in messages
        self.genesis = genesis  # the unit file as written: the first record links to its hash
        self.head = head  # the last record as the store noted it, read with `end`
        self.start = start
        self.end = end
        self.open = open
        self._whole: int | None = None

    def lines_from(self, start: int) -> LogStream:
        """The same snapshot of the log, from the line starting at `start` on."""
        stream = LogStream(self.unit, self.where, self.genesis, self.head, start, self.end, self.open)
        if self._whole is not None and start <= self._whole:
            stream._whole = self._whole
        return stream

    @property
    def whole(self) -> int:
        """The offset just past the last line end before `end` (`start` if there is none)."""
        if self._whole is None:
            self._whole = self._find_whole()
        return self._whole

    @property
    def torn(self) -> bytes:
        """The bytes after the last line end: an incomplete record, if a write was interrupted."""
        if self.whole >= self.end:
            return b""
        with self._reader() as handle:
            handle.seek(self.whole)
            return handle.read(self.end - self.whole)

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        for first, lines in self.batches():
            at = first
            for line in lines:
                yield at, line
                at += len(line) + 1

    def batches(self, size: int = CHUNK) -> Iterator[tuple[int, list[bytes]]]:
        """The whole lines from `start`, a chunk (of about `size` bytes) at a time, each batch
        with the offset its first line starts at; a line longer than a chunk comes whole."""
        for first, lines, _ in self.blocks(size):
            yield first, lines

    def blocks(self, size: int = CHUNK) -> Iterator[tuple[int, list[bytes], bytes]]:
        """`batches()`, each with the chunk read for it: every line of the batch but the first
        lies whole in it (the first may have begun in earlier chunks), so that a byte string
        absent from the chunk and from the first line is in none of the batch's lines."""
        stop = self.whole
        if stop <= self.start:
            return
        with self._reader() as handle:
            handle.seek(self.start)
            first, read, pending = self.start, self.start, []  # pending: the start of a line not yet ended
            while read < stop:
                chunk = handle.read(min(size, stop - read))
                if not chunk:  # cut back since its size was read (a repair): what is gone is not read
                    return
                read += len(chunk)
                lines = chunk.split(b"\n")
                tail = lines.pop()
                if not lines:
                    pending.append(tail)
                    continue
                if pending:
                    pending.append(lines[0])
                    lines[0] = b"".join(pending)
                    pending = [tail] if tail else []
                elif tail:
                    pending = [tail]
                yield first, lines, chunk
                first = read - len(tail)

    def part(self, start: int, stop: int) -> LogStream:
        """The same snapshot, only the lines from the one at `start` to the one ending just
        before `stop` (both where lines start: see `next_line`)."""
        stream = LogStream(self.unit, self.where, self.genesis, self.head, start, stop, self.open)
        stream._whole = stop
        return stream

    def next_line(self, offset: int) -> int:
        """Where the first line at or after `offset` starts (`whole` if none does)."""
        if offset <= self.start:
            return self.start
        with self._reader() as handle:
            handle.seek(offset - 1)
            while offset <= self.whole:
                block = handle.read(_BACK)
                found = block.find(b"\n")
                if found >= 0:
                    return min(offset + found, self.whole)
                if not block:
                    break
                offset += len(block)
        return self.whole

    def line_before(self, offset: int) -> bytes:
        """The line that ends just before `offset`, a line's start (empty at the log's start)."""
        if offset <= 0:
            return b""
        parts: list[bytes] = []
        with self._reader() as handle:
            position = offset - 1  # the line end
            while position > 0:
                size = min(_BACK, position)
                handle.seek(position - size)
                block = handle.read(size)
                found = block.rfind(b"\n")
                parts.append(block[found + 1 :])
                if found >= 0:
                    break
                position -= size
        return b"".join(reversed(parts))

    def _find_whole(self) -> int:
        position = self.end
        try:
            with self._reader() as handle:
                while position > self.start:
                    size = min(_BACK, position - self.start)
                    handle.seek(position - size)
                    found = handle.read(size).rfind(b"\n")
                    if found >= 0:
                        return position - size + found + 1
                    position -= size
        except FileNotFoundError:
            self.end = self.start
        return self.start

    def _reader(self) -> IO[bytes]:
        try:
            return self.open()
        except FileNotFoundError:
            import io

            return io.BytesIO()

    def record_batches(self, first_line: int = 1) -> Iterator[list[Record]]:
        """The records from `start` on, a batch (a chunk's lines) at a time, as `records` reads
        them: a damaged one is an error naming the log and its line."""
        number = first_line
        for _, lines in self.batches():
            decoded = decode_batch(lines, where=self.where, unit=self.unit, first_line=number)
            yield [record for record in decoded if record is not None]
            number += len(lines)
        torn = self.torn
        if torn.strip():
            yield [parse_line(self.where, torn, number, self.unit, torn=True)]

    def records(self, first_line: int = 1) -> Iterator[tuple[int, Record]]:
        """Each record from `start` on with the offset its line starts at; a damaged one is an
        error naming the log and the line (numbered from `first_line`, the number of the line
        at `start`). The incomplete bytes of an interrupted write are read if they happen to
        be a whole record (appends stop at them until they are repaired)."""
        number = first_line
        for first, lines in self.batches():
            decoded, at = decode_batch(lines, where=self.where, unit=self.unit, first_line=number), first
            for line, record in zip(lines, decoded, strict=True):
                if record is not None:
                    yield at, record
                at += len(line) + 1
            number += len(lines)
        torn = self.torn
        if torn.strip():
            yield self.whole, parse_line(self.where, torn, number, self.unit, torn=True)


class ReadsByStream:
    """`log` and `records` read through the backend's `stream`, for backends that keep no
    file to read them from otherwise (memstore.py, pgstore.py)."""

    def stream(self, unit_id: str, start: int = 0) -> LogStream:
        raise NotImplementedError

    def log(self, unit_id: str) -> LogBytes:
        return log_bytes(self.stream(unit_id))

    def records(self, unit_id: str) -> list[Record]:
        return [record for _, record in self.stream(unit_id).records()]


@runtime_checkable
class Store(Protocol):
    """What every backend must do (see the module's docstring)."""

    @property
    def location(self) -> str: ...

    def create_unit(self, unit: Unit, signer: Signer | None = None, by: str = "") -> None: ...
    def unit_list(self) -> list[bytes] | None: ...  # the store's list of its units (unitlist.py); None: none yet
    def adopt_units(self, by: str) -> bool: ...  # begin the list with the units found; False if there is one
    def unit(self, unit_id: str) -> Unit: ...
    def unit_ids(self) -> list[str]: ...
    def units(self) -> list[Unit]: ...

    # With an index of the log (logindex.py), the record is folded into it where its line starts.
    def append(self, draft: Draft, signer: Signer | None = None, index: Any = None) -> Record: ...
    def head(self, unit_id: str) -> Head | None: ...  # the last record written, as the store last noted it
    def genesis(self, unit_id: str) -> bytes: ...  # the unit file as written
    # The log from the line at byte `start` on, read a chunk at a time (see LogStream): the head
    # and the log's size are read together under the unit's lock, and the stream reads no further.
    def stream(self, unit_id: str, start: int = 0) -> LogStream: ...
    def log(self, unit_id: str) -> LogBytes: ...  # the whole log at once: for short logs and tests
    def records(self, unit_id: str) -> list[Record]: ...
    # The fold of a unit's log, a LogIndex (logindex.py, typed loosely to keep imports light):
    # from the index saved beside the log if the backend keeps one (not if `fresh`); alerts
    # judged by `judge` (alerts.Judge; default: by the catalogs kept in the store).
    def index(
        self,
        unit_id: str,
        fresh: bool = False,
        settle: Any = None,
        renamed: Any = None,
        judge: Any = None,
        *,
        assume: Any = None,
    ) -> Any: ...
    def save_index(self, unit_id: str, index: Any) -> None: ...  # keep it for the next command, if it can

    def put_blob(self, kind: Blob, name: str, data: bytes | IO[bytes]) -> bool: ...
    def blob(self, kind: Blob, name: str) -> bytes | None: ...
    def open_blob(self, kind: Blob, name: str) -> IO[bytes] | None: ...
    def blob_names(self, kind: Blob, prefix: str = "") -> list[str]: ...
    def blob_location(self, kind: Blob, name: str) -> str: ...

    def config(self) -> dict[str, Any]: ...
    def set_config(self, key: str, value: str | None) -> None: ...

    # A random id given to the store when it is made (or, for a store made before stores had
    # one, when this release first writes to it: `create`); seals name it.
    def store_id(self, create: bool = False) -> str | None: ...


@runtime_checkable
class Repairable(Protocol):
    """A backend whose log can end in a torn write (a file cut short by a crash)."""

    def repair(self, unit_id: str) -> int: ...  # bytes moved to quarantine


@runtime_checkable
class Versioned(Protocol):
    """A backend that says the format of the whole store (store.json), raised before a file
    an older release cannot read is written (a readable seal, a statement about a key)."""

    def require(self, needed: int) -> None: ...


@runtime_checkable
class Sweeps(Protocol):
    """A backend where killed writers can leave partial files behind (see atomic.sweep)."""

    def sweep(self) -> tuple[int, int]: ...  # partial files removed, and their bytes


@runtime_checkable
class Snapshots(Protocol):
    """A backend that keeps a saved index beside the log, outside the chain."""

    def check_snapshot(self, unit_id: str) -> Message | None: ...  # what is wrong with it, if anything
    def drop_snapshot(self, unit_id: str) -> None: ...


@runtime_checkable
class LocalCache(Protocol):
    """A backend with a local folder for derived files (the parsed catalog)."""

    def cache_folder(self) -> Path: ...


@runtime_checkable
class KeepsMirrors(Protocol):
    """A backend that keeps what bundles need beside its units as rows of its own, not as
    files in a folder (mirrors.py and unittrust.py read a FileStore's folder themselves):
    a mirror's `mirror.json`, the key registrations and seals received with it (`kind`:
    "keys", "seals"), what the last bundle held of a unit (`exported.json`), the keys trusted
    for units; an exclusive lock for an import; and a mirror made, or extended, whole or not
    at all. The bytes are a FileStore's files' own."""

    def mirror_info(self, unit_id: str) -> bytes | None: ...
    def mirror_files(self, unit_id: str, kind: str) -> dict[str, bytes]: ...  # name (no suffix) -> bytes
    def export_mark(self, unit_id: str) -> bytes | None: ...
    def set_export_mark(self, unit_id: str, size: int, data: bytes) -> None: ...
    def trusted_files(self, unit_id: str | None = None, key: str | None = None) -> list[bytes]: ...
    def put_trusted(self, unit_id: str, key: str, data: bytes) -> bool: ...  # False: there already
    def exclusive(self) -> AbstractContextManager[None]: ...
    def add_unit_bytes(self, unit_id: str, genesis: bytes, *, by: str, mirror: bytes | None = None) -> bool: ...
    def extend_mirror(
        self, unit_id: str, lines: list[bytes], size: int, keys: dict[str, bytes], seal: tuple[int, bytes] | None
    ) -> None: ...
    def append_lines(self, unit_id: str, lines: list[bytes], after: int) -> None: ...  # as written elsewhere
    def pushed_from(self, unit_id: str) -> str | None: ...  # the id of the folder store a unit was pushed from
    def set_pushed_from(self, unit_id: str, data: bytes) -> bool: ...


# -- rules every backend shares ---------------------------------------------------


def is_unit_id(text: str) -> bool:
    """Whether `text` matches models.UNIT_ID. By hand: Python's re takes 4 ms to compile its
    class of Chinese characters, on every command (a test checks the two agree)."""

    def plain(char: str) -> bool:
        return char in _ID_ASCII or "\u4e00" <= char <= "\u9fff"

    return 0 < len(text) <= 64 and plain(text[0]) and plain(text[-1]) and all(plain(c) or c in "-_" for c in text)


def new_store_id() -> str:
    import uuid

    return str(uuid.uuid4())


def check_unit_id(unit_id: str) -> str:
    if not is_unit_id(unit_id):
        raise UserError("unit.invalid_id", id=unit_id)
    return unit_id


def unit_bytes(unit: Unit) -> bytes:
    """The unit file as every backend writes it: its bytes are the chain's first link."""
    return json.dumps(unit.model_dump(mode="json"), ensure_ascii=False, indent=2).encode() + b"\n"


def parse_unit(data: bytes, where: str) -> Unit:
    try:
        raw = json.loads(data)
        formats.check(where, raw.get("format") if isinstance(raw, dict) else None, formats.UNIT)
        unit = Unit.model_validate(raw)
    except ValidationError as exc:
        raise StoreDamaged("store.damaged_unit", where=where, why=first_error(exc)) from exc
    except ValueError as exc:
        raise StoreDamaged("store.damaged_unit", where=where, why=str(exc)) from exc
    if not in_range(unit.started_at):  # every period of the unit is counted from it
        started = unit.started_at.isoformat()
        raise StoreDamaged("store.damaged_unit", where=where, why=message("unit.start_out_of_range", started=started))
    return unit


def link(draft: Draft, seq: int, prev: str, signer: Signer | None) -> tuple[Record, bytes]:
    """The record a draft becomes as record `seq` after `prev`, signed if asked, and its line."""
    record = Record.of({**draft.model_dump(), "v": formats.record_format(draft), "seq": seq, "prev": prev})
    if signer is not None:
        signature = signer(record.canonical())
        record = record.replace(sig=RecordSignature(key=signature.key, alg=signature.alg, value=signature.value))
    return record, record.line()


def parse_records(log: LogBytes, first_line: int = 1, start: int = 0) -> Iterator[tuple[int, Record]]:
    """Each record of `log.lines[start:]` with the offset its line starts at (counted from that
    line, as if the lines were a file); a damaged one is an error naming the log and line."""
    at = 0
    for number, line in enumerate(log.lines[start:], start=first_line):
        if line.strip():
            yield at, parse_line(log.where, line, number, log.unit, torn=False)
        at += len(line) + 1
    if log.torn.strip():  # read if it happens to be whole; appends stop at it until it is repaired
        yield at, parse_line(log.where, log.torn, first_line + len(log.lines) - start, log.unit, torn=True)


def decode_batch(lines: Sequence[bytes], *, where: str, unit: str, first_line: int) -> list[Record | None]:
    """The records of a batch of lines (as `LogStream.batches` gives them), one for each line
    and None for a blank one; a damaged line is an error naming `where` and its number (the
    first line's is `first_line`), a record of another unit too."""
    return [
        parse_line(where, line, number, unit, torn=False) if line.strip() else None
        for number, line in enumerate(lines, start=first_line)
    ]


def log_bytes(stream: LogStream) -> LogBytes:
    """A whole log read at once from its stream (see `Store.log`)."""
    lines = [line for _, batch in stream.batches() for line in batch]
    return LogBytes(stream.unit, stream.genesis, lines, stream.torn, stream.head, stream.where)


def parse_line(where: str, line: bytes, number: int, unit_id: str, torn: bool) -> Record:
    try:
        record = Record.decode(line)
    except ValidationError as exc:
        refuse_newer_record(line, where, number)
        if torn:
            raise StoreDamaged("store.torn_record", where=where, line=number) from exc
        raise StoreDamaged("store.damaged_record", where=where, line=number, why=first_error(exc)) from exc
    if record.unit != unit_id:
        raise StoreDamaged("store.foreign_record", where=where, line=number, other=record.unit, unit=unit_id)
    return record


def refuse_newer_record(line: bytes, where: str, number: int) -> None:
    """A line that fails validation because a newer release wrote it is not damage."""
    try:
        version = json.loads(line).get("v")
    except (ValueError, AttributeError):
        return
    if isinstance(version, int) and version > formats.RECORD:
        formats.check(message("format.record_at", where=where, line=number), version, formats.RECORD)


def legacy_problem(line: bytes, unit_id: str) -> Message | None:
    """Why a line without a link is not a valid record of format 1 of this unit (None if it is)."""
    try:
        record = Record.decode(line)
    except ValidationError as exc:
        return message("legacy.invalid", why=first_error(exc))
    if record.unit != unit_id:
        return message("legacy.foreign", other=record.unit)
    return None if record.v == 1 else message("legacy.unlinked")


def is_legacy(line: bytes) -> bool:
    try:
        return Record.decode(line).v == 1
    except ValidationError:
        return False


def first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(step) for step in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def split_lines(data: bytes) -> tuple[list[bytes], bytes]:
    """A log's bytes as its lines and the incomplete bytes after the last line end."""
    pieces = data.split(b"\n")
    return pieces[:-1], pieces[-1]
