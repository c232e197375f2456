"""The store in a folder of plain files, safe for concurrent writers on one machine.

    .checklist/
      store.json                 the store's format, and the oldest release that reads it
      config.json                default unit and user (replaced atomically)
      units.jsonl                the list of units started, one chained (signed) line each, append-only
      units/<unit-id>/unit.json  the unit, written once when it is started
      units/<unit-id>/records.jsonl   one JSON record per line, append-only, hash-chained
      units/<unit-id>/head.json  the number and hash of the last record (see chain.py)
      units/<unit-id>/.lock      taken exclusively around every append
      units/<unit-id>/records.jsonl.quarantine   torn bytes moved aside by a repair
      units/<unit-id>/seals/<day>.<seq>.json   signed statements of a period, written once
      units/<unit-id>/checkpoints/<size>.<key>.note   signed checkpoints of the log, written once
      units/<unit-id>/index.json the log index up to a byte offset (derived; safe to delete)
      evidence/<ab>/<sha256>     evidence files, named by the SHA-256 of their content, read-only
      keys/<key-id>.json         registered public keys, written once
      catalogs/<sha256>.json     each catalog version a unit runs, written once
      cache/                     derived: the parsed catalog

Besides the `Store` protocol it has every capability (store.py): `repair`, the index
snapshot (`check_snapshot`, `drop_snapshot`), `sweep` and a local `cache_folder`.

A store whose folder is setgid (made in a setgid folder: a group's) is shared by that group:
what it makes gets the group's permission bits whatever the maker's umask (see `shared`).
"""

from __future__ import annotations

import base64
import contextlib
import errno
import functools
import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, NoReturn, TypeGuard

from . import archive, files, formats, unitlist
from .alerts import Judge
from .atomic import Mismatch, add_mode, fsync_dir, remove_tree, sweep, temporary_name, write_atomic
from .chain import BadTail, Head, TornLog, digest, next_link
from .errors import DataError, Message, NotFound, StoreDamaged, UserError, message
from .fuzzy import closest
from .logfile import LogFile, StaleIndex, fold
from .logindex import SNAPSHOT_FORMAT, LogIndex, Mark, load, save
from .models import Catalog, Draft, Record, Unit
from .store import (
    BLOB_LIMITS,
    HASHED,
    PER_UNIT,
    Blob,
    BlobMismatch,
    LogBytes,
    LogStream,
    Signer,
    check_unit_id,
    is_legacy,
    link,
    log_bytes,
    new_store_id,
    parse_unit,
    split_lines,
    unit_bytes,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows takes its locks through filelock
    fcntl = None  # type: ignore[assignment]

LOCK_TIMEOUT = 30  # seconds; appends hold the lock for well under a millisecond
_HEX = frozenset("0123456789abcdef")

# What a store shared by a group gives the group, whatever each member's umask: to read what
# is written once, to read and write what others append to or replace (the logs, head.json,
# the locks, config.json, the index); its folders the group's to write in, setgid so that what
# is made in them belongs to the group.
READ, WRITE, FOLDER = stat.S_IRGRP, stat.S_IRGRP | stat.S_IWGRP, stat.S_ISGID | stat.S_IRWXG


class FileStore:
    """A store in a folder of plain files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.units_dir = root / "units"
        self._shared: bool | None = None

    # -- opening and creating -------------------------------------------------------

    @classmethod
    def open(cls, root: Path) -> FileStore:
        """An existing store; refused if a newer release wrote it (see formats)."""
        store = cls(root)
        store.format()
        return store

    @classmethod
    def create(cls, root: Path) -> FileStore:
        """Make the store folder if needed; an existing store is opened as it is.

        A new store is made whole in a temporary folder beside it and then given its name, so
        that a failure (a full disk) leaves no half store for a later command to find."""
        store = cls(root)
        try:
            if root.is_dir():
                store._folder(store.units_dir)
                marker = root / "store.json"
                if not marker.exists():
                    created = _marker(datetime.now(UTC).isoformat(timespec="seconds"), new_store_id())
                    _write_once(marker, created, store._group(READ))
            else:
                store._build()
        except FileExistsError:
            pass  # another `start` made it first
        except OSError as exc:
            raise UserError("store.cannot_create", where=str(root), reason=exc.strerror or str(exc)) from exc
        store.format()
        return store

    def _build(self) -> None:
        parent = self.root.parent
        parent.mkdir(parents=True, exist_ok=True)
        self._shared = bool(parent.stat().st_mode & stat.S_ISGID)  # made in a group's folder: the group's
        build = temporary_name(self.root)
        try:
            build.mkdir()
            if self._shared:  # the group's, and closed to everyone else
                build.chmod((stat.S_IMODE(build.stat().st_mode) | FOLDER) & ~stat.S_IRWXO)
            (build / "units").mkdir()
            self._share_folder(build / "units")
            created = _marker(datetime.now(UTC).isoformat(timespec="seconds"), new_store_id())
            _write_once(build / "store.json", created, self._group(READ))
            build.rename(self.root)
        except OSError:
            remove_tree(build)
            if self.root.is_dir() and (self.root / "store.json").is_file():
                return  # another `start` made it first
            raise
        fsync_dir(parent)

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

    def _raise_format(self, needed: int = formats.PLAIN_STORE) -> None:
        """Mark the store as needing the release that reads format `needed`, before writing a
        file an older one cannot read (format 3: every file this release writes but format 4
        records, see formats.NEWER_ACTIONS); a store from before stores had an id is given one
        now (under the store's lock, so that two writers raising it at once agree on it)."""
        if self.format() >= needed:
            return
        path = self.root / "store.json"
        with self._lock(self.root / ".lock"):
            if self.format() >= needed:
                return
            marker = self._marker()
            found = marker.get("id")
            store_id = found if isinstance(found, str) else new_store_id()
            _replace(path, _marker(marker.get("created_at"), store_id, needed), self._group(READ))

    def require(self, needed: int) -> None:
        """Raise the store's format to `needed` (see store.Versioned), if it is lower."""
        self._raise_format(needed)

    def store_id(self, create: bool = False) -> str | None:
        """The store's id (store.json); a store from before ids has none until its format is
        raised, which `create` does now."""
        found = self._marker().get("id")
        if found is None and create:
            self._raise_format()
            found = self._marker().get("id")
        return found if isinstance(found, str) else None

    def _marker(self) -> dict[str, Any]:
        try:
            data = json.loads(files.read_bounded(self.root / "store.json", files.SMALL))
        except (OSError, ValueError, DataError):
            return {}
        return data if isinstance(data, dict) else {}

    # -- units ----------------------------------------------------------------------

    def create_unit(self, unit: Unit, signer: Signer | None = None, by: str = "") -> None:
        """Make the unit's folder with its unit.json in a temporary folder and give it its name
        (the two appear together or not at all), then list the unit, signed by whoever started
        it if they have a key: a crash in between leaves a unit the list does not name, which
        verify reports."""
        folder = self._unit_dir(unit.id)
        self._raise_format()  # the list of units is a file release 0.2.0 did not know (taking the lock itself)
        with self._lock(self.root / ".lock"):
            if (folder / "unit.json").exists():
                raise UserError("unit.exists", id=unit.id)
            lines = self.unit_list()
            if lines is None:
                lines = self._adopt(by)
            genesis = unit_bytes(unit)
            build = temporary_name(self.root / unit.id)
            try:
                self._folder(self.units_dir)
                build.mkdir()
                self._share_folder(build)
                write_atomic(build / "unit.json", genesis, replace=False, group=self._group(READ))
                build.rename(folder)  # also takes the place of an empty folder an older release left
            except OSError as exc:
                remove_tree(build)
                reason = exc.strerror or str(exc)
                raise UserError("unit.cannot_create", id=unit.id, where=str(self.units_dir), reason=reason) from exc
            fsync_dir(self.units_dir)
            self._append_list(unitlist.line(unit.id, digest(genesis), by=by, after=lines, signer=signer))
            sweep(self.root)  # what a `start` killed in the middle left

    def unit_list(self) -> list[bytes] | None:
        path = self.root / unitlist.FILE
        try:
            data = files.read_bounded(path, files.UNITS)
        except FileNotFoundError:
            return None
        return [line for line in data.split(b"\n") if line.strip()]

    def adopt_units(self, by: str) -> bool:
        self._raise_format()
        with self._lock(self.root / ".lock"):
            if self.unit_list() is not None:
                return False
            self._adopt(by)
            return True

    def _adopt(self, by: str) -> list[bytes]:
        """Begin the list with the units there are (under the store's lock, the format raised)."""
        lines: list[bytes] = []
        for unit_id in self.unit_ids():
            genesis = digest(self.genesis(unit_id))
            lines.append(unitlist.line(unit_id, genesis, by=by, after=lines, adopted=True))
        content = b"".join(line + b"\n" for line in lines)
        write_atomic(self.root / unitlist.FILE, content, replace=False, group=self._group(WRITE))
        return lines

    def _append_list(self, entry: bytes) -> None:
        path = self.root / unitlist.FILE
        try:
            fd = _open(path, os.O_WRONLY | os.O_APPEND, 0o644, self._group(WRITE))
        except OSError as exc:
            raise UserError("store.cannot_write", where=str(path), reason=exc.strerror or str(exc)) from exc
        try:
            _append_whole(fd, entry + b"\n", os.fstat(fd).st_size)
        except NotWhole as exc:
            raise UserError("store.not_written", where=str(path), reason=exc.reason, restored=exc.restored) from None
        finally:
            os.close(fd)

    def unit(self, unit_id: str) -> Unit:
        path = self._unit_dir(check_unit_id(unit_id)) / "unit.json"
        try:
            raw = files.read_bounded(path, files.SMALL)
        except FileNotFoundError:
            raise NotFound("unit.unknown", closest(unit_id, self.unit_ids()), id=unit_id) from None
        unit = parse_unit(raw, str(path))
        if unit.id != unit_id:
            raise StoreDamaged("store.unit_misplaced", where=str(path), folder=unit_id, inside=unit.id)
        return unit

    def unit_ids(self) -> list[str]:
        if not self.units_dir.is_dir():
            return []
        # a unit.json that is not a regular file still names a unit: reading it says what is wrong
        return sorted(p.name for p in self.units_dir.iterdir() if (p / "unit.json").exists())

    def units(self) -> list[Unit]:
        return [self.unit(unit_id) for unit_id in self.unit_ids()]

    # -- the log --------------------------------------------------------------------

    def genesis(self, unit_id: str) -> bytes:
        folder = self._unit_dir(check_unit_id(unit_id))
        try:
            return files.read_bounded(folder / "unit.json", files.SMALL)
        except FileNotFoundError:
            raise NotFound("unit.unknown", closest(unit_id, self.unit_ids()), id=unit_id) from None

    def stream(self, unit_id: str, start: int = 0) -> LogStream:
        """The log from the line at byte `start` on, read a chunk at a time (see LogStream)."""
        genesis = self.genesis(unit_id)
        folder = self._unit_dir(unit_id)
        path = folder / "records.jsonl"
        # A consistent snapshot while others append: the head and the log's length are read
        # together under the unit's lock (held by an append for well under a millisecond), then
        # that prefix of the log outside it. A check that read the two apart saw a head beyond
        # the log, or a log without its head, and cried "cut off" (21 times in 5,804 checks).
        with self._lock(folder / ".lock", shared_read=True):
            head = self.head(unit_id)
            size = files.regular_size(path, files.LOG)
        return LogStream(unit_id, str(path), genesis, head, start, size, functools.partial(files.open_regular, path))

    def log(self, unit_id: str) -> LogBytes:
        return log_bytes(self.stream(unit_id))

    def records(self, unit_id: str) -> list[Record]:
        """Every record of a unit in the order written; a damaged line is an error naming it."""
        return [record for _, record in self.stream(unit_id).records()]

    def index(
        self,
        unit_id: str,
        fresh: bool = False,
        settle: Callable[[LogIndex], None] | None = None,
        renamed: dict[str, str] | None = None,
        judge: Judge | None = None,
        *,
        assume: Callable[[], dict[str, str] | None] | None = None,
    ) -> LogIndex:
        """The fold of the unit's log: the saved index (index.json) if it is for this log, and
        the lines appended since; the whole log when there is none, or it is not (or `fresh`).

        The saved index is trusted as git trusts its index: if the log has the size, inode and
        modification time it was saved for, nothing of the log is read; if the log has grown,
        the last line the index covers must still hash as it did (through the chain, it stands
        for every line before it), and only the lines after it are read. A log changed in the
        middle is `verify`'s to find, not every command's (see README, "Trust"). `settle`
        archives what is settled for good as a long fold goes (see logfile.fold). Records of
        an id in `renamed` are folded under the id it maps to (None: as the saved index does).
        Records' alerts are judged by `judge` (default: by the catalogs kept in the store).
        `assume`: the renames to fold a whole log under when `renamed` is None and no saved
        index serves, asked for only then (the caller's guess, which it checks: those of the
        catalog the unit started with),
        so that a cold fold of a unit on a catalog that renames is not done twice."""
        folder = self._unit_dir(check_unit_id(unit_id))
        log = self._log_file(folder, unit_id)
        judge = judge or self._judge()
        with self._lock(folder / ".lock", shared_read=True):  # no append half written
            found = _identity(log.path)
        index = None if fresh else self._saved_index(folder, log, found, judge)
        if index is not None and renamed is not None and index.renamed != renamed:
            index = None
        if index is None:
            index = LogIndex(log.fetch, log.naming, judge)
            index.renamed = renamed if renamed is not None else (assume() if assume else None) or {}
        if index.end is not None and index.end < found[0]:
            fold(index, log, index.end, found[0], settle, aside=True)
        return index

    def _log_file(self, folder: Path, unit_id: str) -> LogFile:
        """The unit's log, read by offsets; a saved index that names a place where no record
        starts is removed (the next command folds the log again) and the command stops."""
        path, snapshot = folder / "records.jsonl", folder / "index.json"

        class Checked(LogFile):
            def fetch(self, at: int) -> Record:
                try:
                    return super().fetch(at)
                except StaleIndex:
                    _stale(snapshot)

        return Checked(path, unit_id)

    def _judge(self) -> Judge:
        """Judges records' alerts by the catalogs kept in this store."""
        from .blobs import kept_catalog

        return Judge(functools.partial(kept_catalog, self))

    def _saved_index(self, folder: Path, log: LogFile, found: tuple[int, int, int], judge: Judge) -> LogIndex | None:
        from .. import __version__

        try:
            saved, index = load(files.read_bounded(folder / "index.json", files.LOG), log.fetch, log.naming, judge)
        except (OSError, ValueError, DataError):  # derived: anything amiss, and it is folded again
            return None
        mark = saved.mark
        if saved.format != SNAPSHOT_FORMAT or saved.program != __version__ or found[0] < mark.size:
            return None
        if (found[0], found[1], found[2]) != (mark.size, mark.inode, mark.mtime_ns) and not _tail_holds(log, mark):
            return None
        index.end, index.tail_at, index.tail = mark.size, mark.tail_at, mark.tail
        index.tables.on_damage = functools.partial(_stale, folder / "index.json")
        return index

    def save_index(self, unit_id: str, index: LogIndex) -> None:
        """Keep the index beside the log, for the log as it is up to `index.end` (best effort:
        a read-only store, or a race with another writer, just skips it)."""
        from .. import __version__

        if index.end is None:
            return
        folder = self._unit_dir(check_unit_id(unit_id))
        size, inode, mtime_ns = _identity(folder / "records.jsonl")
        if size != index.end:
            mtime_ns = -1  # the log has grown since: the next read checks the tail and folds the rest
        mark = Mark(size=index.end, inode=inode, mtime_ns=mtime_ns, tail_at=index.tail_at, tail=index.tail)
        with contextlib.suppress(OSError):
            write_atomic(folder / "index.json", save(index, mark, __version__), sync=False, group=self._group(WRITE))
            index.dirty = False

    def append(self, draft: Draft, signer: Signer | None = None, index: LogIndex | None = None) -> Record:
        """Link a draft to the unit's chain, sign it if asked, and append it as one whole line:
        under an exclusive lock, in one write, flushed to disk. Returns the record written.
        With an `index` of the log, the record is folded into it where its line starts (and
        first what others appended since the index was read)."""
        folder = self._unit_dir(check_unit_id(draft.unit))
        if not (folder / "unit.json").is_file():
            raise NotFound("unit.unknown", closest(draft.unit, self.unit_ids()), id=draft.unit)
        if (folder / "mirror.json").exists():  # a unit imported from another store's bundles: never attested on
            from .mirrors import refuse

            refuse(self, draft.unit)
        path = folder / "records.jsonl"
        self._raise_format(formats.store_format(draft))  # a store that reads the line's record format
        with self._lock(folder / ".lock"):
            try:
                fd = _open(path, os.O_RDWR | os.O_APPEND, 0o644, self._group(WRITE))
            except OSError as exc:
                raise UserError("store.cannot_write", where=str(path), reason=exc.strerror or str(exc)) from exc
            try:
                size = os.fstat(fd).st_size
                seq, prev = self._next_link(folder, path, fd, size)
                record, line = link(draft, seq, prev, signer)
                if index is not None:
                    self._catch_up(index, folder, size)
                _append_whole(fd, line + b"\n", size)
            except NotWhole as exc:
                where, restored = str(path), exc.restored
                raise UserError("store.not_written", where=where, reason=exc.reason, restored=restored) from None
            except OSError as exc:
                raise UserError("store.cannot_write", where=str(path), reason=exc.strerror or str(exc)) from exc
            finally:
                os.close(fd)
            if index is not None:
                index.covered(size, line, record)
            head = {"format": formats.HEAD, "seq": seq, "hash": digest(line), "size": size + len(line) + 1}
            with contextlib.suppress(OSError):  # a lagging head only costs the next append a scan
                write_atomic(folder / "head.json", json.dumps(head).encode(), sync=False, group=self._group(WRITE))
        return record

    def _catch_up(self, index: LogIndex, folder: Path, size: int) -> None:
        """Fold into `index` the lines appended since it was read (under the unit's lock)."""
        if index.end is not None and index.end < size:
            fold(index, self._log_file(folder, folder.name), index.end, size)
        elif index.end != size:
            index.end = None  # the log was cut back since (a repair): not an index of this log to save

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

    def _read_log(self, path: Path, size: int | None = None) -> bytes:
        """The log's bytes (its first `size` only, if given: the rest was appended since)."""
        try:
            return files.read_bounded(path, files.LOG, size)
        except FileNotFoundError:
            return b""

    # -- capabilities: the index snapshot, repair, a local cache ------------------------

    def check_snapshot(self, unit_id: str) -> Message | None:
        """Status trusts a saved index while the log it was saved for is unchanged; check that
        what it says is what the log says (an edit of index.json is not in the chain)."""
        folder = self._unit_dir(check_unit_id(unit_id))
        log = self._log_file(folder, unit_id)
        unit, kept = self.unit(unit_id), functools.cache(self._kept_catalog)  # each catalog read once
        index = self._saved_index(folder, log, _identity(log.path), Judge(kept))
        if index is None or index.end is None:
            return None
        rules = _rules_of(unit, index, kept)
        fresh = LogIndex(log.fetch, log.naming, Judge(kept))
        fresh.renamed = index.renamed  # a map the catalog does not give is never used: status folds again
        try:
            if rules is None:
                fold(fresh, log, 0, index.end)
            else:  # archived as it goes, as a cold status does: the memory of a fold of a million records
                fold(fresh, log, 0, index.end, lambda folded: archive.settle(folded, rules))
                archive.settle(fresh, rules)
                archive.settle(index, rules)
        except StoreDamaged as exc:
            return exc.message
        if not index.agrees(fresh) or self._memos_wrong(unit, index, fresh, kept):
            return message("store.index_mismatch")
        return None

    def _kept_catalog(self, digest: str) -> Catalog | None:
        """The catalog kept under a digest (None if it is not there, or not one to read)."""
        from .blobs import kept_catalog

        try:
            return kept_catalog(self, digest)
        except (DataError, formats.NewerFormat):
            return None

    def _memos_wrong(self, unit: Unit, index: LogIndex, fresh: LogIndex, kept: Callable[[str], Catalog | None]) -> bool:
        """Whether a memo of the saved index says what the log does not: each is worked out
        again from `fresh` for the question it answers, under the catalog the unit runs. One
        that cannot be asked again (that catalog not kept, a waiver given since) is dropped,
        to be worked out again."""
        from .status import memo_holds

        if not index.memos:
            return False
        catalog = kept(fresh.catalog_digest(unit))
        held = {key: memo_holds(index, fresh, key, unit, catalog) if catalog else None for key in index.memos}
        if False in held.values():
            return True
        if None in held.values():
            index.memos = {key: memo for key, memo in index.memos.items() if held[key]}
            self.save_index(unit.id, index)
        return False

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
            quarantine = folder / "records.jsonl.quarantine"
            try:
                fd = _open(quarantine, os.O_WRONLY | os.O_APPEND, 0o644, self._group(WRITE))
                try:
                    _append_whole(fd, json.dumps(entry, ensure_ascii=False).encode() + b"\n", os.fstat(fd).st_size)
                finally:
                    os.close(fd)
            except NotWhole as exc:
                where, restored = str(path), exc.restored
                raise UserError("store.cannot_repair", where=where, reason=exc.reason, restored=restored) from None
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise UserError("store.cannot_repair", where=str(path), reason=reason, restored=True) from exc
            try:  # cutting a file back needs no room on the disk
                with path.open("r+b") as log:
                    log.truncate(cut)
                    log.flush()
                    os.fsync(log.fileno())
            except OSError as exc:
                raise UserError("store.cannot_write", where=str(path), reason=exc.strerror or str(exc)) from exc
        return len(torn)

    def sweep(self) -> tuple[int, int]:
        """Remove the partial files that killed writers left anywhere in the store (only those
        whose writer is gone: see atomic.sweep); how many, and their bytes."""
        folders = [self.root, self.units_dir, self.root / "cache", self.root / "evidence"]
        folders += [self.root / _FOLDERS[Blob.KEY], self.root / _FOLDERS[Blob.CATALOG]]
        folders += [p for p in (self.root / "evidence").glob("??") if p.is_dir()]
        for unit_id in self.unit_ids():
            folders += [self.units_dir / unit_id, *(self.units_dir / unit_id / sub for sub, _ in PER_UNIT.values())]
        removed = size = 0
        for folder in folders:
            count, taken = sweep(folder)
            removed, size = removed + count, size + taken
        return removed, size

    def cache_folder(self) -> Path:
        """Where derived data (the parsed catalog) may be kept; deleting it loses nothing."""
        folder = self.root / "cache"
        if self.shared and not folder.is_dir():
            with contextlib.suppress(OSError):  # best effort, as the cache itself
                self._folder(folder)
        return folder

    def log_stamp(self, unit_id: str) -> tuple[int, int, int]:
        """The unit's log's size, inode and modification time (ns), by one `stat`: what the
        roll-up cache keys a unit's summary by (core/rollup.py)."""
        # Of a unit unit_ids() named: one stat, and no resolve of its folder (a
        # province has thousands of units, and nothing is read through it).
        return _identity(self.units_dir / check_unit_id(unit_id) / "records.jsonl")

    def cache_group(self) -> int:
        """The group's permission bits for a derived file of the cache folder (shared store)."""
        return self._group(WRITE)

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
        # evidence: the owner's and the group's to read, never everyone's (it can be anything a unit holds)
        mode, sha256 = (0o440 if kind == Blob.EVIDENCE else 0o644), (name if kind in HASHED else None)
        try:
            if kind != Blob.EVIDENCE:  # kept catalogs, key registrations and seals: in this release's formats
                self._raise_format()
            self._folder(target.parent)
            if kind == Blob.KEY:
                self._guard_keys()  # also a keys folder made just now, with a umask that lets everyone write
            write_atomic(target, data, replace=False, mode=mode, group=self._group(READ), sha256=sha256)
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
            return files.read_bounded(path, BLOB_LIMITS[kind])
        except FileNotFoundError:
            return None

    def open_blob(self, kind: Blob, name: str) -> IO[bytes] | None:
        path = self._blob_path(kind, name)
        try:
            return files.open_regular(path)
        except FileNotFoundError:
            return None

    def blob_names(self, kind: Blob, prefix: str = "") -> list[str]:
        if kind in PER_UNIT:
            subfolder, suffix = PER_UNIT[kind]
            unit_id = prefix.partition("/")[0]
            units = [unit_id] if unit_id else self.unit_ids()
            found = []
            for unit in units:
                folder = self._unit_dir(check_unit_id(unit)) / subfolder
                found += [f"{unit}/{p.stem}" for p in folder.glob(f"*{suffix}")] if folder.is_dir() else []
            return sorted(name for name in found if name.startswith(prefix))
        folder = self.root / _FOLDERS[kind]
        if kind == Blob.KEY:
            self._guard_keys()
        pattern = "??/*" if kind == Blob.EVIDENCE else "*.json"
        paths = folder.glob(pattern) if folder.is_dir() else []
        names = (p.name if kind == Blob.EVIDENCE else p.stem for p in paths if not p.name.startswith("."))
        return sorted(name for name in names if name.startswith(prefix))

    def blob_location(self, kind: Blob, name: str) -> str:
        return str(self._blob_path(kind, name))

    def _blob_path(self, kind: Blob, name: str) -> Path:
        """Where a blob lives; a name that could leave its folder is refused."""
        if kind in PER_UNIT:
            unit_id, _, rest = name.partition("/")
            if not rest or not all(c.isalnum() or c in "-." for c in rest) or rest.startswith("."):
                raise UserError("store.invalid_blob_name", kind=str(kind), name=name)
            subfolder, suffix = PER_UNIT[kind]
            return self._unit_dir(check_unit_id(unit_id)) / subfolder / f"{rest}{suffix}"
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
            _replace(self.root / "config.json", {"format": formats.CONFIG, **data}, self._group(WRITE))

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

    def _guard_keys(self) -> None:
        """Whoever can write keys/ can register a key under any name: a keys folder everyone
        may write to is closed to them when it is ours, and refused when it is not."""
        folder = self.root / _FOLDERS[Blob.KEY]
        try:
            found = folder.stat()
        except OSError:
            return
        if os.name != "posix" or not found.st_mode & stat.S_IWOTH:
            return
        if found.st_uid == os.geteuid():
            try:
                folder.chmod(stat.S_IMODE(found.st_mode) & ~stat.S_IWOTH)
                return
            except OSError:
                pass
        raise UserError("store.keys_open", where=str(folder), mode=f"{stat.S_IMODE(found.st_mode):04o}")

    @property
    def shared(self) -> bool:
        """A store shared by a group: its folder is setgid (made so when the store was made in
        a setgid folder, or by `chmod g+s`)."""
        if self._shared is None:
            try:
                self._shared = bool(self.root.stat().st_mode & stat.S_ISGID)
            except OSError:
                self._shared = False
        return self._shared

    def _group(self, bits: int) -> int:
        """The permission bits the group gets on a new file: `bits` in a shared store, else none."""
        return bits if self.shared else 0

    def _folder(self, folder: Path) -> None:
        """Make a folder of the store, and those above it within the store, if missing."""
        if folder.is_dir():
            return
        if folder != self.root and not folder.parent.is_dir():
            self._folder(folder.parent)
        try:
            folder.mkdir()
        except FileExistsError:
            return
        self._share_folder(folder)

    def _share_folder(self, folder: Path) -> None:
        """A folder just made: in a shared store, the group's to write in, and setgid."""
        if self.shared:
            folder.chmod(stat.S_IMODE(folder.stat().st_mode) | FOLDER)

    @contextlib.contextmanager
    def _lock(self, path: Path, shared_read: bool = False) -> Iterator[None]:
        """An exclusive lock on `path`, held by an open file (the system frees it if the
        process dies); waits up to LOCK_TIMEOUT seconds for another writer. A read
        (`shared_read`) takes it shared, and a store it cannot lock at all (a read-only copy)
        is read without it: nobody can be appending through this user, and a copy must
        still verify."""
        if fcntl is None:  # pragma: no cover
            with self._filelock(path, shared_read):
                yield
            return
        fd = self._lock_file(path, shared_read)
        if fd is None:
            yield
            return
        try:
            mode = fcntl.LOCK_SH if shared_read else fcntl.LOCK_EX
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise UserError("store.busy", where=str(path), seconds=LOCK_TIMEOUT) from None
                    time.sleep(0.002)
                except OSError as exc:
                    raise UserError("store.cannot_lock", where=str(path), reason=exc.strerror or str(exc)) from exc
            yield
        finally:
            os.close(fd)  # and with it the lock

    def _lock_file(self, path: Path, shared_read: bool) -> int | None:
        """The lock file, open; None for a read that cannot open it (a read-only copy)."""
        try:
            return _open(path, os.O_RDWR, 0o644, self._group(WRITE))
        except PermissionError as exc:  # a lock file made without write for us: reading it is enough to lock
            try:
                return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                if shared_read:
                    return None
                raise UserError("store.cannot_lock", where=str(path), reason=exc.strerror or str(exc)) from exc
        except OSError as exc:
            if shared_read:
                return None
            raise UserError("store.cannot_lock", where=str(path), reason=exc.strerror or str(exc)) from exc

    @contextlib.contextmanager
    def _filelock(self, path: Path, shared_read: bool) -> Iterator[None]:  # pragma: no cover - where there is no fcntl
        from filelock import FileLock, Timeout

        lock, held = FileLock(path, timeout=LOCK_TIMEOUT), True
        try:
            lock.acquire()
        except Timeout as exc:
            raise UserError("store.busy", where=str(path), seconds=LOCK_TIMEOUT) from exc
        except OSError as exc:
            if not shared_read:
                raise UserError("store.cannot_lock", where=str(path), reason=exc.strerror or str(exc)) from exc
            held = False
        try:
            yield
        finally:
            if held:
                lock.release()


_FOLDERS = {Blob.CATALOG: "catalogs", Blob.EVIDENCE: "evidence", Blob.KEY: "keys"}


def _natural(value: object) -> TypeGuard[int]:
    """A whole number from 0 to what a file offset can be (not a bool, not a float)."""
    return type(value) is int and 0 <= value < 2**63


def _is_hash(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) == 71 and value.startswith("sha256:") and set(value[7:]) <= _HEX


def _log_bytes(unit_id: str, genesis: bytes, data: bytes, head: Head | None, where: str) -> LogBytes:
    lines, torn = split_lines(data)
    return LogBytes(unit_id, genesis, lines, torn, head, where)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _rules_of(unit: Unit, index: LogIndex, kept: Callable[[str], Catalog | None]) -> archive.Rules | None:
    """The rules a saved index archived under, from the catalog kept under the digest they
    name (None if nothing is archived, or the catalog is not there to say)."""
    digest = index.archived.rules.partition("@")[0]
    catalog = kept(digest) if digest and not index.archived.empty else None
    rules = archive.rules_for(catalog, unit) if catalog is not None else None
    return rules if rules is not None and rules.digest == index.archived.rules else None


def _stale(snapshot: Path) -> NoReturn:
    """A saved index found not to be this log's, late: it is removed (the next command folds
    the log again) and this command stops."""
    with contextlib.suppress(OSError):
        snapshot.unlink()
    raise StoreDamaged("store.index_stale", where=str(snapshot)) from None


def _identity(path: Path) -> tuple[int, int, int]:
    """A log's size, inode and modification time (in ns): what git's index keeps of a file.
    Anything but a regular file (a FIFO, a link to a device) is damage (see files.py)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return 0, 0, 0
    except OSError as exc:
        raise StoreDamaged("store.cannot_read", where=str(path), reason=exc.strerror or str(exc)) from exc
    if not stat.S_ISREG(found.st_mode):
        raise StoreDamaged("file.not_regular", where=str(path))
    if found.st_size > files.LOG:
        raise StoreDamaged("file.too_large", where=str(path), mib=files.LOG // files.MIB)
    return found.st_size, found.st_ino, found.st_mtime_ns


def _tail_holds(log: LogFile, mark: Mark) -> bool:
    """Whether the last line a saved index covers is still there, as it was."""
    if mark.size == 0:
        return mark.tail == ""
    line = log.read(mark.tail_at, mark.size - mark.tail_at)
    return line.endswith(b"\n") and digest(line[:-1]) == mark.tail


class NotWhole(Exception):
    """An append that failed; `restored`: the file was cut back to what it was before."""

    def __init__(self, reason: str, restored: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.restored = restored


def _append_whole(fd: int, data: bytes, size: int) -> None:
    """Append `data` to a file of `size` bytes (opened O_APPEND, under its lock), flush it to
    disk and check that the file grew by exactly that much. On any error (a full disk cuts a
    write short) the file is cut back to `size`, as it was, and NotWhole says whether it is."""
    try:
        _write_all(fd, data)
        os.fsync(fd)
        grown = os.fstat(fd).st_size - size
        if grown != len(data):
            raise OSError(errno.EIO, f"the file grew by {grown} bytes, not the {len(data)} written")
    except BaseException as exc:
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
            restored = True
        except OSError:
            restored = False
        if isinstance(exc, OSError):
            raise NotWhole(exc.strerror or str(exc), restored) from exc
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _marker(created: object, store_id: str, format_: int = formats.PLAIN_STORE) -> dict[str, Any]:
    """store.json: the store's format, the oldest release that reads all of it, and its id."""
    return {"format": format_, "requires": formats.REQUIRES_OF[format_], "created_at": created, "id": store_id}


def _write_once(path: Path, content: dict[str, Any], group: int = 0) -> None:
    """Write a file that must not exist yet, atomically: readers see all of it or nothing."""
    write_atomic(path, _json(content), replace=False, group=group)


def _replace(path: Path, content: dict[str, Any], group: int = 0) -> None:
    write_atomic(path, _json(content), group=group)


def _open(path: Path, flags: int, mode: int, group: int) -> int:
    """Open a file, making it if it is missing: with `mode` less the umask, and `group`'s bits
    added (only to a file made now: a file another user made is theirs to keep as it is)."""
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return os.open(path, flags)
    if group:
        try:
            add_mode(fd, group)
        except OSError:
            os.close(fd)
            raise
    return fd


def _json(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, indent=2).encode() + b"\n"
