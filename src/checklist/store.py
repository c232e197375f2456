"""The record store: units and their append-only attestation logs.

Status, reports and the CLI talk to the `Store` protocol only, so a shared database
backend can be added later beside `FileStore` without touching them.

On disk (`FileStore`):

    .checklist/
      store.json                 format marker, written once
      config.json                default unit and user (replaced atomically)
      units/<unit-id>/unit.json  the unit, written once when it is started
      units/<unit-id>/records.jsonl   one JSON record per line, append-only
      units/<unit-id>/.lock      taken exclusively around every append
      units/<unit-id>/index.json the log index up to a byte offset (derived; safe to delete)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from .errors import NotFound, StoreDamaged, UserError
from .fuzzy import closest
from .logindex import LogIndex, Snapshot
from .models import UNIT_ID, Record, Unit

STORE_FORMAT = 1
SNAPSHOT_FORMAT = 1
SNAPSHOT_AFTER = 500  # new lines read before the index snapshot is saved again
LOCK_TIMEOUT = 30  # seconds; appends hold the lock for well under a millisecond
_UNIT_ID = re.compile(UNIT_ID)


class Store(Protocol):
    """What the rest of the program needs from a store."""

    def create_unit(self, unit: Unit) -> None: ...
    def unit(self, unit_id: str) -> Unit: ...
    def units(self) -> list[Unit]: ...
    def append(self, record: Record) -> None: ...
    def records(self, unit_id: str) -> list[Record]: ...
    def index(self, unit_id: str) -> LogIndex: ...
    def unit_ids(self) -> list[str]: ...
    def cache_dir(self) -> Path | None: ...
    def config(self) -> dict[str, Any]: ...
    def set_config(self, key: str, value: str | None) -> None: ...


def check_unit_id(unit_id: str) -> str:
    if not _UNIT_ID.match(unit_id):
        raise UserError(
            f"invalid unit id {unit_id!r}",
            hint="use 1-64 lowercase letters, digits, '-' or '_' (Chinese characters allowed), "
            "starting and ending with a letter or digit",
        )
    return unit_id


class FileStore:
    """A store in a folder of plain files, safe for concurrent writers on one machine."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.units_dir = root / "units"

    # -- creation ---------------------------------------------------------------

    @classmethod
    def create(cls, root: Path) -> FileStore:
        """Make the store folder if needed; an existing store is opened as it is."""
        store = cls(root)
        try:
            store.units_dir.mkdir(parents=True, exist_ok=True)
            marker = root / "store.json"
            if not marker.exists():
                created = datetime.now(UTC).isoformat(timespec="seconds")
                _write_once(marker, {"format": STORE_FORMAT, "created_at": created})
        except OSError as exc:
            raise UserError(f"cannot create the store at {root}: {exc.strerror or exc}") from exc
        return store

    def create_unit(self, unit: Unit) -> None:
        folder = self._unit_dir(unit.id)
        with self._lock(self.root / ".lock"):
            if (folder / "unit.json").exists():
                raise UserError(f"unit {unit.id!r} already exists")
            folder.mkdir(parents=True, exist_ok=True)
            _write_once(folder / "unit.json", unit.model_dump(mode="json"))

    # -- reading ----------------------------------------------------------------

    def unit(self, unit_id: str) -> Unit:
        path = self._unit_dir(check_unit_id(unit_id)) / "unit.json"
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no unit {unit_id!r} in this store", closest(unit_id, self.unit_ids())) from None
        except OSError as exc:
            raise StoreDamaged(f"{path}: cannot read: {exc.strerror or exc}") from exc
        try:
            return Unit.model_validate_json(raw)
        except ValidationError as exc:
            raise StoreDamaged(f"{path}: damaged unit file: {_first_error(exc)}") from exc

    def unit_ids(self) -> list[str]:
        if not self.units_dir.is_dir():
            return []
        return sorted(p.name for p in self.units_dir.iterdir() if (p / "unit.json").is_file())

    def units(self) -> list[Unit]:
        return [self.unit(unit_id) for unit_id in self.unit_ids()]

    def cache_dir(self) -> Path | None:
        """Where derived data (the parsed catalog) may be kept; deleting it loses nothing."""
        return self.root / "cache"

    def records(self, unit_id: str) -> list[Record]:
        """Every record of a unit in the order written; a damaged line is an error naming it."""
        path = self._unit_dir(check_unit_id(unit_id)) / "records.jsonl"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreDamaged(f"{path}: cannot read: {exc.strerror or exc}") from exc
        return list(_parse_lines(path, data, unit_id))

    def index(self, unit_id: str) -> LogIndex:
        """The latest record per item; reads only the lines after the saved snapshot, if it still holds."""
        folder = self._unit_dir(check_unit_id(unit_id))
        path = folder / "records.jsonl"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return LogIndex()
        except OSError as exc:
            raise StoreDamaged(f"{path}: cannot read: {exc.strerror or exc}") from exc
        snapshot = _load_snapshot(folder / "index.json", data)
        index = snapshot.index if snapshot else LogIndex()
        start, lines = (snapshot.size, snapshot.lines) if snapshot else (0, 0)
        tail = data[start:]
        for record in _parse_lines(path, tail, unit_id, first_line=lines + 1):
            index.add(record)
        new_lines = tail.count(b"\n")
        if new_lines >= SNAPSHOT_AFTER:
            end = start + tail.rfind(b"\n") + 1  # whole lines only
            _save_snapshot(folder / "index.json", data, end, lines + new_lines, index)
        return index

    # -- writing ----------------------------------------------------------------

    def append(self, record: Record) -> None:
        """Append one record as one whole line: locked, one write, flushed to disk."""
        folder = self._unit_dir(check_unit_id(record.unit))
        if not (folder / "unit.json").is_file():
            raise NotFound(f"no unit {record.unit!r} in this store", closest(record.unit, self.unit_ids()))
        line = (record.model_dump_json() + "\n").encode()
        path = folder / "records.jsonl"
        with self._lock(folder / ".lock"):
            try:
                fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            except OSError as exc:
                raise UserError(f"cannot write to {path}: {exc.strerror or exc}") from exc
            try:
                if _ends_torn(fd):
                    # A writer died mid-line: start on a fresh line so the torn bytes stay
                    # alone (and reported) instead of corrupting this record.
                    line = b"\n" + line
                _write_all(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def config(self) -> dict[str, Any]:
        path = self.root / "config.json"
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise StoreDamaged(f"{path}: damaged config file: {exc}") from exc
        if not isinstance(data, dict):
            raise StoreDamaged(f"{path}: damaged config file: not a JSON object")
        return data

    def set_config(self, key: str, value: str | None) -> None:
        with self._lock(self.root / ".lock"):
            data = self.config()
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
            _replace(self.root / "config.json", data)

    # -- helpers ----------------------------------------------------------------

    def _unit_dir(self, unit_id: str) -> Path:
        folder = self.units_dir / unit_id
        # The id pattern already forbids separators and dots; this is the second lock on the door.
        if folder.resolve().parent != self.units_dir.resolve():
            raise UserError(f"invalid unit id {unit_id!r}")
        return folder

    @contextlib.contextmanager
    def _lock(self, path: Path) -> Iterator[None]:
        from filelock import FileLock, Timeout

        lock = FileLock(path, timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except Timeout as exc:
            raise UserError(f"the store is busy: could not lock {path} within {LOCK_TIMEOUT} s") from exc
        except OSError as exc:
            raise UserError(f"cannot lock {path}: {exc.strerror or exc}") from exc
        try:
            yield
        finally:
            lock.release()


def _parse_lines(path: Path, data: bytes, unit_id: str, first_line: int = 1) -> Iterator[Record]:
    last_line = first_line + data.count(b"\n")
    for number, line in enumerate(data.split(b"\n"), start=first_line):
        if not line.strip():
            continue
        try:
            record = Record.model_validate_json(line)
        except ValidationError as exc:
            torn = number == last_line and not data.endswith(b"\n")
            why = "an incomplete last line (a write was interrupted)" if torn else _first_error(exc)
            raise StoreDamaged(f"{path}:{number}: damaged record: {why}") from exc
        if record.unit != unit_id:
            raise StoreDamaged(f"{path}:{number}: record of unit {record.unit!r} in the log of {unit_id!r}")
        yield record


def _load_snapshot(path: Path, data: bytes) -> Snapshot | None:
    """The saved index if it still describes a prefix of `data`; any doubt means None."""
    from . import __version__

    try:
        snapshot = Snapshot.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        return None
    if (
        snapshot.format != SNAPSHOT_FORMAT
        or snapshot.program != __version__
        or snapshot.size > len(data)
        or hashlib.sha256(memoryview(data)[: snapshot.size]).hexdigest() != snapshot.sha256
    ):
        return None
    return snapshot


def _save_snapshot(path: Path, data: bytes, size: int, lines: int, index: LogIndex) -> None:
    """Best effort: a read-only store, or a race with another reader, just skips the saving."""
    from . import __version__

    digest = hashlib.sha256(memoryview(data)[:size]).hexdigest()
    snapshot = Snapshot(format=SNAPSHOT_FORMAT, program=__version__, size=size, sha256=digest, lines=lines, index=index)
    with contextlib.suppress(OSError):
        _atomic_bytes(path, snapshot.model_dump_json().encode(), replace=True)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(step) for step in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def _ends_torn(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_once(path: Path, content: dict[str, Any]) -> None:
    """Write a file that must not exist yet, atomically: readers see all of it or nothing."""
    _atomic(path, content, replace=False)


def _replace(path: Path, content: dict[str, Any]) -> None:
    _atomic(path, content, replace=True)


def _atomic(path: Path, content: dict[str, Any], replace: bool) -> None:
    _atomic_bytes(path, json.dumps(content, ensure_ascii=False, indent=2).encode() + b"\n", replace)


def _atomic_bytes(path: Path, data: bytes, replace: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            Path(tmp).replace(path)
        else:
            os.link(tmp, path)  # fails if the file exists: never overwrite a written-once file
            Path(tmp).unlink()
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
