"""The store in a folder of plain files, safe for concurrent writers on one machine.

    .checklist/
      store.json                 the store's format, and the oldest release that reads it
      config.json                default unit and user (replaced atomically)
      units/<unit-id>/unit.json  the unit, written once when it is started
      units/<unit-id>/records.jsonl   one JSON record per line, append-only, hash-chained
      units/<unit-id>/head.json  the number and hash of the last record (see chain.py)
      units/<unit-id>/.lock      taken exclusively around every append
      units/<unit-id>/records.jsonl.quarantine   torn bytes moved aside by a repair
      units/<unit-id>/seals/<day>.<seq>.json   signed statements of a period, written once
      units/<unit-id>/index.json the log index up to a byte offset (derived; safe to delete)
      evidence/<ab>/<sha256>     evidence files, named by the SHA-256 of their content, read-only
      keys/<key-id>.json         registered public keys, written once
      catalogs/<sha256>.json     each catalog version a unit runs, written once
      cache/                     derived: the parsed catalog

Besides the `Store` protocol it has every capability (store.py): `repair`, the index
snapshot (`check_snapshot`, `drop_snapshot`) and a local `cache_folder`.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeGuard

from . import files, formats
from .atomic import Mismatch, write_atomic
from .chain import BadTail, Head, TornLog, digest, next_link
from .errors import DataError, Message, NotFound, StoreDamaged, UserError, message
from .fuzzy import closest
from .logindex import SNAPSHOT_FORMAT, LogIndex, Saved
from .models import Draft, Record, Unit
from .store import (
    HASHED,
    Blob,
    BlobMismatch,
    LogBytes,
    Signer,
    check_unit_id,
    is_legacy,
    link,
    parse_line,
    parse_records,
    parse_unit,
    split_lines,
    unit_bytes,
)

SNAPSHOT_AFTER = 500  # new lines read before the index snapshot is saved again
LOCK_TIMEOUT = 30  # seconds; appends hold the lock for well under a millisecond
_HEX = frozenset("0123456789abcdef")


class FileStore:
    """A store in a folder of plain files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.units_dir = root / "units"

    # -- opening and creating -------------------------------------------------------

    @classmethod
    def open(cls, root: Path) -> FileStore:
        """An existing store; refused if a newer release wrote it (see formats)."""
        store = cls(root)
        store.format()
        return store

    @classmethod
    def create(cls, root: Path) -> FileStore:
        """Make the store folder if needed; an existing store is opened as it is."""
        store = cls(root)
        try:
            store.units_dir.mkdir(parents=True, exist_ok=True)
            marker = root / "store.json"
            if not marker.exists():
                _write_once(marker, _marker(datetime.now(UTC).isoformat(timespec="seconds")))
        except FileExistsError:
            pass  # another `start` made it first
        except OSError as exc:
            raise UserError("store.cannot_create", where=str(root), reason=exc.strerror or str(exc)) from exc
        store.format()
        return store

    @property
    def location(self) -> str:
        return str(self.root)

    def format(self) -> int:
        """The store's format, from store.json (1 if it has none); a newer one is refused."""
        path = self.root / "store.json"
        try:
            data = json.loads(files.read_bounded(path, files.SMALL))
        except FileNotFoundError:
            return 1
        except ValueError as exc:
            raise StoreDamaged("store.damaged_marker", where=str(path), why=str(exc)) from exc
        if not isinstance(data, dict):
            raise StoreDamaged("store.damaged_marker", where=str(path), why="not a JSON object")
        requires = data.get("requires")
        return formats.check(str(self.root), data.get("format"), formats.STORE, str(requires or ""))

    def _raise_format(self) -> None:
        """Mark the store as needing this release, before writing a file an older one cannot read."""
        if self.format() >= formats.STORE:
            return
        path = self.root / "store.json"
        try:
            created = json.loads(files.read_bounded(path, files.SMALL)).get("created_at")
        except (OSError, ValueError, AttributeError, DataError):
            created = None
        _replace(path, _marker(created))

    # -- units ----------------------------------------------------------------------

    def create_unit(self, unit: Unit) -> None:
        folder = self._unit_dir(unit.id)
        with self._lock(self.root / ".lock"):
            if (folder / "unit.json").exists():
                raise UserError("unit.exists", id=unit.id)
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / "unit.json", unit_bytes(unit), replace=False)

    def unit(self, unit_id: str) -> Unit:
        path = self._unit_dir(check_unit_id(unit_id)) / "unit.json"
        try:
            raw = files.read_bounded(path, files.SMALL)
        except FileNotFoundError:
            raise NotFound("unit.unknown", closest(unit_id, self.unit_ids()), id=unit_id) from None
        return parse_unit(raw, str(path))

    def unit_ids(self) -> list[str]:
        if not self.units_dir.is_dir():
            return []
        # a unit.json that is not a regular file still names a unit: reading it says what is wrong
        return sorted(p.name for p in self.units_dir.iterdir() if (p / "unit.json").exists())

    def units(self) -> list[Unit]:
        return [self.unit(unit_id) for unit_id in self.unit_ids()]

    # -- the log --------------------------------------------------------------------

    def log(self, unit_id: str) -> LogBytes:
        folder = self._unit_dir(check_unit_id(unit_id))
        try:
            genesis = files.read_bounded(folder / "unit.json", files.SMALL)
        except FileNotFoundError:
            raise NotFound("unit.unknown", closest(unit_id, self.unit_ids()), id=unit_id) from None
        path = folder / "records.jsonl"
        return _log_bytes(unit_id, genesis, self._read_log(path), self.head(unit_id), str(path))

    def records(self, unit_id: str) -> list[Record]:
        """Every record of a unit in the order written; a damaged line is an error naming it."""
        path = self._unit_dir(check_unit_id(unit_id)) / "records.jsonl"
        lines, torn = split_lines(self._read_log(path))
        log = LogBytes(unit_id, b"", lines, torn, None, str(path))
        return [record for _, record in parse_records(log)]

    def index(self, unit_id: str) -> LogIndex:
        """The latest record per item; reads only the lines after the saved snapshot, if it still holds."""
        folder = self._unit_dir(check_unit_id(unit_id))
        path = folder / "records.jsonl"
        try:
            data = files.read_bounded(path, files.LOG)
        except FileNotFoundError:
            return LogIndex()
        index, start, count = self._from_snapshot(folder, path, data, unit_id)
        tail = data[start:]
        lines, torn = split_lines(tail)
        for at, record in parse_records(LogBytes(unit_id, b"", lines, torn, None, str(path)), first_line=count + 1):
            index.add(record, start + at)
        if len(lines) >= SNAPSHOT_AFTER:
            end = start + tail.rfind(b"\n") + 1  # whole lines only
            _save_snapshot(folder / "index.json", data, end, count + len(lines), index)
        return index

    def _from_snapshot(self, folder: Path, path: Path, data: bytes, unit_id: str) -> tuple[LogIndex, int, int]:
        """The saved index, the size of the log prefix it covers and its lines (an empty index
        of nothing if there is none, or it no longer holds); its records are read from `data`."""
        saved = _load_snapshot(folder / "index.json", data)
        if saved is not None:
            try:
                index = LogIndex.from_snapshot(saved, data, _fetcher(str(path), data, unit_id))
                return index, saved.size, saved.lines
            except (ValueError, LookupError):  # an offset or a wording number out of place
                pass
        return LogIndex(), 0, 0

    def append(self, draft: Draft, signer: Signer | None = None) -> Record:
        """Link a draft to the unit's chain, sign it if asked, and append it as one whole line:
        under an exclusive lock, in one write, flushed to disk. Returns the record written."""
        folder = self._unit_dir(check_unit_id(draft.unit))
        if not (folder / "unit.json").is_file():
            raise NotFound("unit.unknown", closest(draft.unit, self.unit_ids()), id=draft.unit)
        path = folder / "records.jsonl"
        with self._lock(folder / ".lock"):
            try:
                fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            except OSError as exc:
                raise UserError("store.cannot_write", where=str(path), reason=exc.strerror or str(exc)) from exc
            try:
                size = os.fstat(fd).st_size
                seq, prev = self._next_link(folder, path, fd, size)
                record, line = link(draft, seq, prev, signer)
                _write_all(fd, line + b"\n")
                os.fsync(fd)
            except OSError as exc:
                raise UserError("store.cannot_write", where=str(path), reason=exc.strerror or str(exc)) from exc
            finally:
                os.close(fd)
            head = {"format": formats.HEAD, "seq": seq, "hash": digest(line), "size": size + len(line) + 1}
            with contextlib.suppress(OSError):  # a lagging head only costs the next append a scan
                write_atomic(folder / "head.json", json.dumps(head).encode(), sync=False)
        return record

    def _next_link(self, folder: Path, path: Path, fd: int, size: int) -> tuple[int, str]:
        head = self.head(folder.name)
        if head is not None and head.size == size:
            return head.seq + 1, head.hash
        lines, torn = split_lines(os.pread(fd, size, 0) if size else b"")
        try:
            return next_link(lines, torn, digest(files.read_bounded(folder / "unit.json", files.SMALL)), is_legacy)
        except TornLog:
            raise StoreDamaged("store.torn_tail", where=str(path)) from None
        except BadTail:
            raise StoreDamaged("store.bad_tail", where=str(path)) from None

    def head(self, unit_id: str) -> Head | None:
        """The last record's number and hash as head.json says, if it can: it is advisory, so a
        file that cannot be read, or holds what no head can (a number too large, a negative
        size, a format that is no number), is as if there were none: the chain says the same.
        Only a newer format is refused (a newer release wrote it)."""
        path = self._unit_dir(check_unit_id(unit_id)) / "head.json"
        try:
            data = json.loads(files.read_bounded(path, files.SMALL))
        except (OSError, ValueError, DataError):
            return None
        if not isinstance(data, dict):
            return None
        found = data.get("format")
        if _natural(found) and found > formats.HEAD:
            formats.check(str(path), found, formats.HEAD)  # refused: written by a newer release
        seq, hash_, size = data.get("seq"), data.get("hash"), data.get("size")
        known = found is None or (_natural(found) and found == formats.HEAD)
        if not (known and _natural(seq) and seq and _natural(size) and _is_hash(hash_)):
            return None
        return Head(seq=seq, hash=hash_, size=size)

    def _read_log(self, path: Path) -> bytes:
        try:
            return files.read_bounded(path, files.LOG)
        except FileNotFoundError:
            return b""

    # -- capabilities: the index snapshot, repair, a local cache ------------------------

    def check_snapshot(self, unit_id: str) -> Message | None:
        """Status trusts a saved index while the log prefix it covers is unchanged; check that
        what it says is what the log says (an edit of index.json is not in the chain)."""
        folder = self._unit_dir(check_unit_id(unit_id))
        path = folder / "records.jsonl"
        data = self._read_log(path)
        saved = _load_snapshot(folder / "index.json", data)
        if saved is None:
            return None
        folded = LogIndex()
        lines, torn = split_lines(data[: saved.size])
        try:
            for at, record in parse_records(LogBytes(unit_id, b"", lines, torn, None, str(path))):
                folded.add(record, at)
        except StoreDamaged as exc:
            return exc.message
        if Saved.model_validate({**saved.model_dump(), **folded.snapshot()}).body() != saved.body():
            return message("store.index_mismatch")
        return None

    def drop_snapshot(self, unit_id: str) -> None:
        """Remove the saved index (derived data: the next read rebuilds it from the log)."""
        with contextlib.suppress(FileNotFoundError):
            (self._unit_dir(check_unit_id(unit_id)) / "index.json").unlink()

    def repair(self, unit_id: str) -> int:
        """Move an incomplete last line to the quarantine file beside the log; returns its size.

        The bytes are written (and flushed) to the quarantine before the log is cut back to
        its last complete line, so nothing is ever deleted.
        """
        folder = self._unit_dir(check_unit_id(unit_id))
        path = folder / "records.jsonl"
        with self._lock(folder / ".lock"):
            data = self._read_log(path)
            if not data or data.endswith(b"\n"):
                return 0
            cut = data.rfind(b"\n") + 1
            torn = data[cut:]
            entry = {
                "format": formats.QUARANTINE,
                "moved_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "from": path.name,
                "offset": cut,
                "bytes_base64": base64.b64encode(torn).decode("ascii"),
                "text": torn.decode("utf-8", errors="replace"),
            }
            with (folder / "records.jsonl.quarantine").open("ab") as quarantine:
                quarantine.write(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
                quarantine.flush()
                os.fsync(quarantine.fileno())
            with path.open("r+b") as log:
                log.truncate(cut)
                log.flush()
                os.fsync(log.fileno())
        return len(torn)

    def cache_folder(self) -> Path:
        """Where derived data (the parsed catalog) may be kept; deleting it loses nothing."""
        return self.root / "cache"

    # -- blobs ----------------------------------------------------------------------

    def put_blob(self, kind: Blob, name: str, data: bytes | IO[bytes]) -> bool:
        """Keep a blob under its name, written once; False if it was there already.

        The bytes are written to a temporary file, hashed as they are written (for the kinds
        named by their hash), flushed, and only then given their name, so a kept file is
        always whole and always the content its name says.
        """
        target = self._blob_path(kind, name)
        if target.is_file():
            return False
        mode, sha256 = (0o444 if kind == Blob.EVIDENCE else 0o644), (name if kind in HASHED else None)
        try:
            if kind == Blob.CATALOG:
                self._raise_format()
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data, replace=False, mode=mode, sha256=sha256)
        except FileExistsError:  # another writer kept the same blob first
            return False
        except Mismatch:
            raise BlobMismatch("store.blob_changed", kind=str(kind), name=name) from None
        except OSError as exc:
            raise UserError("store.cannot_write", where=str(target.parent), reason=exc.strerror or str(exc)) from exc
        return True

    def blob(self, kind: Blob, name: str) -> bytes | None:
        path = self._blob_path(kind, name)
        try:
            return files.read_bounded(path, _LIMITS[kind])
        except FileNotFoundError:
            return None

    def open_blob(self, kind: Blob, name: str) -> IO[bytes] | None:
        path = self._blob_path(kind, name)
        try:
            return files.open_regular(path)
        except FileNotFoundError:
            return None

    def blob_names(self, kind: Blob, prefix: str = "") -> list[str]:
        if kind == Blob.SEAL:
            unit_id = prefix.partition("/")[0]
            units = [unit_id] if unit_id else self.unit_ids()
            found = []
            for unit in units:
                folder = self._unit_dir(check_unit_id(unit)) / "seals"
                found += [f"{unit}/{p.stem}" for p in folder.glob("*.json")] if folder.is_dir() else []
            return sorted(name for name in found if name.startswith(prefix))
        folder = self.root / _FOLDERS[kind]
        pattern = "??/*" if kind == Blob.EVIDENCE else "*.json"
        paths = folder.glob(pattern) if folder.is_dir() else []
        names = (p.name if kind == Blob.EVIDENCE else p.stem for p in paths if not p.name.startswith("."))
        return sorted(name for name in names if name.startswith(prefix))

    def blob_location(self, kind: Blob, name: str) -> str:
        return str(self._blob_path(kind, name))

    def _blob_path(self, kind: Blob, name: str) -> Path:
        """Where a blob lives; a name that could leave its folder is refused."""
        if kind == Blob.SEAL:
            unit_id, _, rest = name.partition("/")
            if not rest or not all(c.isalnum() or c in "-." for c in rest) or rest.startswith("."):
                raise UserError("store.invalid_blob_name", kind=str(kind), name=name)
            return self._unit_dir(check_unit_id(unit_id)) / "seals" / f"{rest}.json"
        length = 16 if kind == Blob.KEY else 64
        if len(name) != length or not set(name) <= _HEX:
            raise UserError("store.invalid_blob_name", kind=str(kind), name=name)
        folder = self.root / _FOLDERS[kind]
        return folder / name[:2] / name if kind == Blob.EVIDENCE else folder / f"{name}.json"

    # -- settings kept in the store ----------------------------------------------------

    def config(self) -> dict[str, Any]:
        path = self.root / "config.json"
        try:
            data = json.loads(files.read_bounded(path, files.SMALL))
        except FileNotFoundError:
            return {}
        except ValueError as exc:
            raise StoreDamaged("store.damaged_config", where=str(path), why=str(exc)) from exc
        if not isinstance(data, dict):
            raise StoreDamaged("store.damaged_config", where=str(path), why="not a JSON object")
        formats.check(str(path), data.pop("format", None), formats.CONFIG)
        return data

    def set_config(self, key: str, value: str | None) -> None:
        with self._lock(self.root / ".lock"):
            data = self.config()
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
            _replace(self.root / "config.json", {"format": formats.CONFIG, **data})

    # -- helpers ----------------------------------------------------------------------

    def _unit_dir(self, unit_id: str) -> Path:
        folder = self.units_dir / unit_id
        # The id pattern already forbids separators and dots; this is the second lock on the door.
        if folder.resolve().parent != self._units_real():
            raise UserError("unit.invalid_id", id=unit_id)
        return folder

    @functools.cache  # noqa: B019 - one store object per command; the path does not move under it
    def _units_real(self) -> Path:
        return self.units_dir.resolve()

    @contextlib.contextmanager
    def _lock(self, path: Path) -> Iterator[None]:
        from filelock import FileLock, Timeout

        lock = FileLock(path, timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except Timeout as exc:
            raise UserError("store.busy", where=str(path), seconds=LOCK_TIMEOUT) from exc
        except OSError as exc:
            raise UserError("store.cannot_lock", where=str(path), reason=exc.strerror or str(exc)) from exc
        try:
            yield
        finally:
            lock.release()


_FOLDERS = {Blob.CATALOG: "catalogs", Blob.EVIDENCE: "evidence", Blob.KEY: "keys"}
_LIMITS = {Blob.CATALOG: files.CATALOG, Blob.EVIDENCE: files.LOG, Blob.KEY: files.SMALL, Blob.SEAL: files.SEAL}


def _natural(value: object) -> TypeGuard[int]:
    """A whole number from 0 to what a file offset can be (not a bool, not a float)."""
    return type(value) is int and 0 <= value < 2**63


def _is_hash(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) == 71 and value.startswith("sha256:") and set(value[7:]) <= _HEX


def _log_bytes(unit_id: str, genesis: bytes, data: bytes, head: Head | None, where: str) -> LogBytes:
    lines, torn = split_lines(data)
    return LogBytes(unit_id, genesis, lines, torn, head, where)


def _fetcher(where: str, data: bytes, unit_id: str) -> Callable[[int], Record]:
    """Parses the record whose line starts at an offset of `data`, when a snapshot's entry is asked for it."""

    def fetch(at: int) -> Record:
        end = data.find(b"\n", at)
        line = data[at : end if end >= 0 else len(data)]
        try:
            return parse_line(where, line, 0, unit_id, torn=False)
        except StoreDamaged:  # count the lines only now, to name the one that is damaged
            return parse_line(where, line, data.count(b"\n", 0, at) + 1, unit_id, torn=False)

    return fetch


def _load_snapshot(path: Path, data: bytes) -> Saved | None:
    """The saved index if it still describes a prefix of `data`; any doubt means None."""
    from .. import __version__

    try:
        saved = Saved.model_validate_json(files.read_bounded(path, files.LOG))
    except (OSError, ValueError, DataError):  # derived: anything amiss, and it is rebuilt
        return None
    if (
        saved.format != SNAPSHOT_FORMAT
        or saved.program != __version__
        or saved.size > len(data)
        or hashlib.sha256(memoryview(data)[: saved.size]).hexdigest() != saved.sha256
    ):
        return None
    return saved


def _save_snapshot(path: Path, data: bytes, size: int, lines: int, index: LogIndex) -> None:
    """Best effort: a read-only store, or a race with another reader, just skips the saving."""
    from .. import __version__

    digest = hashlib.sha256(memoryview(data)[:size]).hexdigest()
    head = {"format": SNAPSHOT_FORMAT, "program": __version__, "size": size, "sha256": digest, "lines": lines}
    with contextlib.suppress(OSError):
        write_atomic(path, json.dumps({**head, **index.snapshot()}, ensure_ascii=False).encode(), sync=False)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _marker(created: object) -> dict[str, Any]:
    """store.json: the store's format, and the oldest release that reads all of it."""
    return {"format": formats.STORE, "requires": formats.REQUIRES, "created_at": created}


def _write_once(path: Path, content: dict[str, Any]) -> None:
    """Write a file that must not exist yet, atomically: readers see all of it or nothing."""
    write_atomic(path, _json(content), replace=False)


def _replace(path: Path, content: dict[str, Any]) -> None:
    write_atomic(path, _json(content))


def _json(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, indent=2).encode() + b"\n"
