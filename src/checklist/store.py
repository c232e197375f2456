"""The record store: units and their append-only attestation logs.

Status, reports and the CLI talk to the `Store` protocol only, so a shared database
backend can be added later beside `FileStore` without touching them.

On disk (`FileStore`):

    .checklist/
      store.json                 format marker, written once
      config.json                default unit and user (replaced atomically)
      units/<unit-id>/unit.json  the unit, written once when it is started
      units/<unit-id>/records.jsonl   one JSON record per line, append-only, hash-chained
      units/<unit-id>/head.json  the number and hash of the last record (see chain.py)
      units/<unit-id>/.lock      taken exclusively around every append
      units/<unit-id>/records.jsonl.quarantine   torn bytes moved aside by a repair
      evidence/<ab>/<sha256>     evidence files, named by the SHA-256 of their content, read-only
      keys/<key-id>.json         registered public keys, written once
      catalogs/<sha256>.json     each catalog version a unit runs, written once
      units/<unit-id>/seals/<day>.<seq>.json   signed statements of a period, written once
      units/<unit-id>/index.json the log index up to a byte offset (derived; safe to delete)
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from . import formats
from .atomic import fsync_dir, write_atomic
from .catalog import kept as kept_catalog
from .chain import BadTail, ChainReport, Head, TornLog, digest, link_of, next_link, seq_of
from .chain import check as check_chain
from .errors import DataError, NotFound, StoreDamaged, UserError
from .fuzzy import closest
from .keys import PublicKey, public_json
from .logindex import SNAPSHOT_FORMAT, LogIndex, Saved
from .models import Catalog, Draft, Record, Signature, Unit

Signer = Callable[[bytes], Signature]
_SIGNED, _WITH_EVIDENCE = b'"sig":{', b'"evidence":[{'


@dataclass
class Audit:
    """What `verify` needs of a unit's log, read once: its chain, and the records it must look into."""

    chain: ChainReport
    signed: list[tuple[Record, bytes]]  # with the line as written, which the signature covers
    with_evidence: list[Record]
    damaged: str | None = None  # a signed or evidence line that cannot be read
    index_problem: str | None = None  # the saved index says something the log does not


REPAIR_HINT = "run `checklist verify --repair` to move the incomplete bytes to quarantine"

SNAPSHOT_AFTER = 500  # new lines read before the index snapshot is saved again
LOCK_TIMEOUT = 30  # seconds; appends hold the lock for well under a millisecond
_ID_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def is_unit_id(text: str) -> bool:
    """Whether `text` matches models.UNIT_ID. By hand: Python's re takes 4 ms to compile its
    class of Chinese characters, on every command (a test checks the two agree)."""

    def plain(char: str) -> bool:
        return char in _ID_ASCII or "\u4e00" <= char <= "\u9fff"

    return 0 < len(text) <= 64 and plain(text[0]) and plain(text[-1]) and all(plain(c) or c in "-_" for c in text)


class Store(Protocol):
    """What the rest of the program needs from a store."""

    def create_unit(self, unit: Unit) -> None: ...
    def unit(self, unit_id: str) -> Unit: ...
    def units(self) -> list[Unit]: ...
    def append(self, draft: Draft, signer: Signer | None = None) -> Record: ...
    def records(self, unit_id: str) -> list[Record]: ...
    def check(self, unit_id: str) -> ChainReport: ...
    def audit(self, unit_id: str) -> Audit: ...
    def repair(self, unit_id: str) -> int: ...
    def keep_evidence(self, source: Path, sha256: str) -> None: ...
    def check_evidence(self, wanted: set[str]) -> list[str]: ...
    def register_key(self, public: PublicKey) -> None: ...
    def registered_keys(self) -> dict[str, PublicKey]: ...
    def line_hashes(self, unit_id: str) -> dict[int, str]: ...
    def save_seal(self, unit_id: str, name: str, content: bytes) -> Path: ...
    def keep_catalog(self, catalog: Catalog) -> None: ...
    def load_catalog(self, digest: str) -> Catalog | None: ...
    def catalog_digests(self) -> list[str]: ...
    def seals(self, unit_id: str) -> list[Path]: ...
    def index(self, unit_id: str) -> LogIndex: ...
    def unit_ids(self) -> list[str]: ...
    def cache_dir(self) -> Path | None: ...
    def location(self) -> str: ...
    def config(self) -> dict[str, Any]: ...
    def set_config(self, key: str, value: str | None) -> None: ...


def check_unit_id(unit_id: str) -> str:
    if not is_unit_id(unit_id):
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
            raise UserError(f"cannot create the store at {root}: {exc.strerror or exc}") from exc
        store.format()
        return store

    def format(self) -> int:
        """The store's format, from store.json (1 if it has none); a newer one is refused."""
        path = self.root / "store.json"
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return 1
        except (OSError, ValueError) as exc:
            raise StoreDamaged(f"{path}: damaged store marker: {exc}") from exc
        if not isinstance(data, dict):
            raise StoreDamaged(f"{path}: damaged store marker: not a JSON object")
        requires = data.get("requires")
        return formats.check(f"the store at {self.root}", data.get("format"), formats.STORE, str(requires or ""))

    def _raise_format(self) -> None:
        """Mark the store as needing this release, before writing a file an older one cannot read."""
        if self.format() >= formats.STORE:
            return
        path = self.root / "store.json"
        try:
            created = json.loads(path.read_bytes()).get("created_at")
        except (OSError, ValueError, AttributeError):
            created = None
        _replace(path, _marker(created))

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
            data = json.loads(raw)
            formats.check(str(path), data.get("format") if isinstance(data, dict) else None, formats.UNIT)
            return Unit.model_validate(data)
        except ValidationError as exc:
            raise StoreDamaged(f"{path}: damaged unit file: {_first_error(exc)}") from exc
        except ValueError as exc:
            raise StoreDamaged(f"{path}: damaged unit file: {exc}") from exc

    def unit_ids(self) -> list[str]:
        if not self.units_dir.is_dir():
            return []
        return sorted(p.name for p in self.units_dir.iterdir() if (p / "unit.json").is_file())

    def units(self) -> list[Unit]:
        return [self.unit(unit_id) for unit_id in self.unit_ids()]

    def location(self) -> str:
        return str(self.root)

    def cache_dir(self) -> Path | None:
        """Where derived data (the parsed catalog) may be kept; deleting it loses nothing."""
        return self.root / "cache"

    def records(self, unit_id: str) -> list[Record]:
        """Every record of a unit in the order written; a damaged line is an error naming it."""
        path = self._unit_dir(check_unit_id(unit_id)) / "records.jsonl"
        return [record for _, record in _parse_lines(path, self._read_log(path), unit_id)]

    def _read_log(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise StoreDamaged(f"{path}: cannot read: {exc.strerror or exc}") from exc

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
        index, start, lines = self._from_snapshot(folder, path, data, unit_id)
        tail = data[start:]
        for at, record in _parse_lines(path, tail, unit_id, first_line=lines + 1):
            index.add(record, start + at)
        new_lines = tail.count(b"\n")
        if new_lines >= SNAPSHOT_AFTER:
            end = start + tail.rfind(b"\n") + 1  # whole lines only
            _save_snapshot(folder / "index.json", data, end, lines + new_lines, index)
        return index

    def _from_snapshot(self, folder: Path, path: Path, data: bytes, unit_id: str) -> tuple[LogIndex, int, int]:
        """The saved index, the size of the log prefix it covers and its lines (an empty index
        of nothing if there is none, or it no longer holds); its records are read from `data`."""
        saved = _load_snapshot(folder / "index.json", data)
        if saved is not None:
            try:
                index = LogIndex.from_snapshot(saved, data, _fetcher(path, data, unit_id))
                return index, saved.size, saved.lines
            except (ValueError, LookupError):  # an offset or a wording number out of place
                pass
        return LogIndex(), 0, 0

    # -- writing ----------------------------------------------------------------

    def append(self, draft: Draft, signer: Signer | None = None) -> Record:
        """Link a draft to the unit's chain, sign it if asked, and append it as one whole line:
        under an exclusive lock, in one write, flushed to disk. Returns the record written."""
        folder = self._unit_dir(check_unit_id(draft.unit))
        if not (folder / "unit.json").is_file():
            raise NotFound(f"no unit {draft.unit!r} in this store", closest(draft.unit, self.unit_ids()))
        path = folder / "records.jsonl"
        with self._lock(folder / ".lock"):
            try:
                fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            except OSError as exc:
                raise UserError(f"cannot write to {path}: {exc.strerror or exc}") from exc
            try:
                size = os.fstat(fd).st_size
                seq, prev = self._next_link(folder, path, fd, size)
                record = Record.model_validate({**draft.model_dump(), "v": 2, "seq": seq, "prev": prev})
                if signer is not None:
                    record = record.model_copy(update={"sig": signer(record.canonical())})
                line = record.line()
                _write_all(fd, line + b"\n")
                os.fsync(fd)
            except OSError as exc:
                raise UserError(f"cannot write to {path}: {exc.strerror or exc}") from exc
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
        data = os.pread(fd, size, 0) if size else b""
        try:
            return next_link(data, self._genesis(folder), _is_legacy)
        except TornLog:
            raise StoreDamaged(f"{path}: the log ends with an incomplete record", hint=REPAIR_HINT) from None
        except BadTail:
            raise StoreDamaged(f"{path}: the last line is damaged; nothing can be appended after it") from None

    def _genesis(self, folder: Path) -> str:
        return digest((folder / "unit.json").read_bytes())

    def head(self, unit_id: str) -> Head | None:
        path = self._unit_dir(check_unit_id(unit_id)) / "head.json"
        try:
            data = json.loads(path.read_bytes())
            found = data.get("format")
        except (OSError, ValueError, AttributeError):
            return None
        formats.check(str(path), found, formats.HEAD)
        try:
            return Head(seq=int(data["seq"]), hash=str(data["hash"]), size=int(data["size"]))
        except (ValueError, KeyError, TypeError):
            return None

    def check(self, unit_id: str) -> ChainReport:
        """Re-compute the unit's hash chain from the bytes on disk (see chain.check)."""
        folder = self._unit_dir(check_unit_id(unit_id))
        return self._check(folder, self._read_log(folder / "records.jsonl"), unit_id)

    def _check(self, folder: Path, data: bytes, unit_id: str) -> ChainReport:
        head = self.head(unit_id)
        return check_chain(data, self._genesis(folder), head, lambda line: _legacy_problem(line, unit_id))

    def audit(self, unit_id: str) -> Audit:
        """The chain check, and the signed records and those naming evidence, from one read of
        the log; only those lines are parsed (found by a byte search, not by splitting)."""
        folder = self._unit_dir(check_unit_id(unit_id))
        path = folder / "records.jsonl"
        data = self._read_log(path)
        audit = Audit(self._check(folder, data, unit_id), [], [])
        try:
            audit.signed = [
                (_parse_line(path, line, n, unit_id, torn=False), line) for n, line in _lines_with(data, _SIGNED)
            ]
            audit.with_evidence = [
                _parse_line(path, line, n, unit_id, torn=False) for n, line in _lines_with(data, _WITH_EVIDENCE)
            ]
        except StoreDamaged as exc:
            audit.damaged = exc.message
        if audit.chain.ok and audit.damaged is None:
            audit.index_problem = self._check_snapshot(folder, path, data, unit_id)
        return audit

    def _check_snapshot(self, folder: Path, path: Path, data: bytes, unit_id: str) -> str | None:
        """Status trusts a saved index while the log prefix it covers is unchanged; check that
        what it says is what the log says (an edit of index.json is not in the chain)."""
        saved = _load_snapshot(folder / "index.json", data)
        if saved is None:
            return None
        folded = LogIndex()
        try:
            for at, record in _parse_lines(path, data[: saved.size], unit_id):
                folded.add(record, at)
        except StoreDamaged as exc:
            return exc.message
        if Saved.model_validate({**saved.model_dump(), **folded.snapshot()}).body() != saved.body():
            return "index.json does not say what the log says (edited?); `checklist verify --repair` removes it"
        return None

    def repair(self, unit_id: str) -> int:
        """Move an incomplete last line to the quarantine file beside the log; returns its size.

        The bytes are written (and flushed) to the quarantine before the log is cut back to
        its last complete line, so nothing is ever deleted.
        """
        folder = self._unit_dir(check_unit_id(unit_id))
        path = folder / "records.jsonl"
        with self._lock(folder / ".lock"):
            data = self._read_log(path)
            if self._check_snapshot(folder, path, data, unit_id) is not None:
                (folder / "index.json").unlink()  # derived data: the next read rebuilds it from the log
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

    def keep_evidence(self, source: Path, sha256: str) -> None:
        """Copy an evidence file into the store under its hash, unless it is there already.

        The copy is hashed as it is written and fsynced before it takes its name, so a stored
        file is always whole and always the content its name says.
        """
        target = self._evidence_path(sha256)
        if target.is_file():
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming.")
        except OSError as exc:
            raise UserError(
                f"cannot store evidence in {self.root / 'evidence'}: {exc.strerror or exc}",
                hint="nothing was recorded; fix the folder's permissions, or record the hash only with --no-copy",
            ) from exc
        try:
            try:
                copied = _copy_hashing(source, fd)
            except OSError as exc:
                raise UserError(f"cannot store evidence {source}: {exc.strerror or exc}; nothing was recorded") from exc
            if copied != sha256:
                raise UserError(f"evidence file {source} changed while it was being recorded; try again")
            Path(tmp).chmod(0o444)
            with contextlib.suppress(FileExistsError):  # another writer stored the same content first
                os.link(tmp, target)
        finally:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
        fsync_dir(target.parent)

    def check_evidence(self, wanted: set[str]) -> list[str]:
        """Re-hash every stored evidence file; name the ones damaged, and the wanted ones missing."""
        problems = []
        folder = self.root / "evidence"
        found = set()
        for path in sorted(folder.glob("??/*")) if folder.is_dir() else []:
            if path.name.startswith("."):
                continue
            found.add(path.name)
            try:
                with path.open("rb") as handle:
                    actual = hashlib.file_digest(handle, "sha256").hexdigest()
            except OSError as exc:
                problems.append(f"evidence {path.name[:12]}…: cannot read: {exc.strerror or exc}")
                continue
            if actual != path.name:
                problems.append(
                    f"evidence {path.relative_to(self.root)} was changed: its content no longer has that hash"
                )
        problems += [f"evidence {sha[:12]}… is recorded as stored but missing" for sha in sorted(wanted - found)]
        return problems

    def register_key(self, public: PublicKey) -> None:
        """Register a public key (written once; registering the same key again changes nothing)."""
        path = self.root / "keys" / f"{public.key.removeprefix('ed25519:')}.json"
        if path.is_file():
            return
        try:
            path.parent.mkdir(exist_ok=True)
            write_atomic(path, public_json(public), replace=False)
        except FileExistsError:
            return
        except OSError as exc:
            raise UserError(f"cannot register the key in {path.parent}: {exc.strerror or exc}") from exc

    def registered_keys(self) -> dict[str, PublicKey]:
        keys: dict[str, PublicKey] = {}
        folder = self.root / "keys"
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                data = json.loads(path.read_bytes())
                formats.check(str(path), data.get("format") if isinstance(data, dict) else None, formats.KEY)
                public = PublicKey.model_validate(data)
            except (OSError, ValueError) as exc:
                raise StoreDamaged(f"{path}: damaged key file: {exc}") from exc
            keys[public.key] = public
        return keys

    def line_hashes(self, unit_id: str) -> dict[int, str]:
        """The hash of each chained record's line, by record number (what seals refer to)."""
        data = self._read_log(self._unit_dir(check_unit_id(unit_id)) / "records.jsonl")
        hashes = {}
        for line in data.split(b"\n"):
            seq = seq_of(line) if link_of(line) is not None else None
            if seq is not None:
                hashes[seq] = digest(line)
        return hashes

    def keep_catalog(self, catalog: Catalog) -> None:
        """Keep a catalog version under its hash (written once), for the units that run it:
        its kept form, whose SHA-256 is its name (see catalog.canonical)."""
        path = self._catalog_path(catalog.digest)
        if path.is_file():
            return
        try:
            self._raise_format()
            path.parent.mkdir(exist_ok=True)
            write_atomic(path, catalog.content, replace=False)
        except FileExistsError:
            return
        except OSError as exc:
            raise UserError(f"cannot keep the catalog in {path.parent}: {exc.strerror or exc}") from exc

    def load_catalog(self, digest: str) -> Catalog | None:
        """The catalog kept under `digest`, checked against the hash of its own bytes."""
        path = self._catalog_path(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreDamaged(f"{path}: cannot read: {exc.strerror or exc}") from exc
        try:
            return kept_catalog(data, digest)
        except ValidationError as exc:
            raise StoreDamaged(f"{path}: damaged catalog copy: {_first_error(exc)}") from exc
        except formats.NewerFormat:
            raise
        except DataError as exc:
            raise StoreDamaged(f"{path}: {exc.message}") from exc
        except ValueError as exc:
            raise StoreDamaged(f"{path}: damaged catalog copy: {exc}") from exc

    def catalog_digests(self) -> list[str]:
        """The digests of every catalog version kept in the store."""
        folder = self.root / "catalogs"
        names = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
        return ["sha256:" + name for name in names]

    def _catalog_path(self, digest: str) -> Path:
        return self.root / "catalogs" / f"{digest.removeprefix('sha256:')}.json"

    def save_seal(self, unit_id: str, name: str, content: bytes) -> Path:
        folder = self._unit_dir(check_unit_id(unit_id)) / "seals"
        path = folder / name
        try:
            folder.mkdir(exist_ok=True)
            write_atomic(path, content, replace=False)
        except FileExistsError:
            raise UserError(f"a seal {name} exists already") from None
        except OSError as exc:
            raise UserError(f"cannot write the seal to {folder}: {exc.strerror or exc}") from exc
        return path

    def seals(self, unit_id: str) -> list[Path]:
        folder = self._unit_dir(check_unit_id(unit_id)) / "seals"
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    def _evidence_path(self, sha256: str) -> Path:
        return self.root / "evidence" / sha256[:2] / sha256

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

    # -- helpers ----------------------------------------------------------------

    def _unit_dir(self, unit_id: str) -> Path:
        folder = self.units_dir / unit_id
        # The id pattern already forbids separators and dots; this is the second lock on the door.
        if folder.resolve().parent != self._units_real():
            raise UserError(f"invalid unit id {unit_id!r}")
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
            raise UserError(f"the store is busy: could not lock {path} within {LOCK_TIMEOUT} s") from exc
        except OSError as exc:
            raise UserError(f"cannot lock {path}: {exc.strerror or exc}") from exc
        try:
            yield
        finally:
            lock.release()


def _parse_lines(path: Path, data: bytes, unit_id: str, first_line: int = 1) -> Iterator[tuple[int, Record]]:
    """Each record of `data`, with the offset its line starts at."""
    last_line = first_line + data.count(b"\n")
    torn_tail = not data.endswith(b"\n")
    at = 0
    for number, line in enumerate(data.split(b"\n"), start=first_line):
        if line.strip():
            yield at, _parse_line(path, line, number, unit_id, torn=torn_tail and number == last_line)
        at += len(line) + 1


def _fetcher(path: Path, data: bytes, unit_id: str) -> Callable[[int], Record]:
    """Parses the record whose line starts at an offset of `data`, when a snapshot's entry is asked for it."""

    def fetch(at: int) -> Record:
        end = data.find(b"\n", at)
        line = data[at : end if end >= 0 else len(data)]
        try:
            return _parse_line(path, line, 0, unit_id, torn=False)
        except StoreDamaged:  # count the lines only now, to name the one that is damaged
            return _parse_line(path, line, data.count(b"\n", 0, at) + 1, unit_id, torn=False)

    return fetch


def _parse_line(path: Path, line: bytes, number: int, unit_id: str, torn: bool) -> Record:
    try:
        record = Record.model_validate_json(line)
    except ValidationError as exc:
        _refuse_newer_record(line, path, number)
        why = "an incomplete last line (a write was interrupted)" if torn else _first_error(exc)
        raise StoreDamaged(f"{path}:{number}: damaged record: {why}", hint=REPAIR_HINT if torn else None) from exc
    if record.unit != unit_id:
        raise StoreDamaged(f"{path}:{number}: record of unit {record.unit!r} in the log of {unit_id!r}")
    return record


def _refuse_newer_record(line: bytes, path: Path, number: int) -> None:
    """A line that fails validation because a newer release wrote it is not damage."""
    try:
        version = json.loads(line).get("v")
    except (ValueError, AttributeError):
        return
    if isinstance(version, int) and version > formats.RECORD:
        formats.check(f"{path}:{number}: the record", version, formats.RECORD)


def _lines_with(data: bytes, needle: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of each line containing `needle`, found without splitting the log."""
    position, number, counted_to = 0, 1, 0
    while (found := data.find(needle, position)) >= 0:
        start = data.rfind(b"\n", 0, found) + 1
        end = data.find(b"\n", found)
        end = len(data) if end < 0 else end
        number += data.count(b"\n", counted_to, start)
        counted_to = start
        yield number, data[start:end]
        position = end + 1


def _legacy_problem(line: bytes, unit_id: str) -> str | None:
    """Why a line without a link is not a valid record of format 1 of this unit (None if it is)."""
    try:
        record = Record.model_validate_json(line)
    except ValidationError as exc:
        return _first_error(exc)
    if record.unit != unit_id:
        return f"a record of unit {record.unit!r}"
    return None if record.v == 1 else "a record of format 2 without its link"


def _is_legacy(line: bytes) -> bool:
    try:
        return Record.model_validate_json(line).v == 1
    except ValidationError:
        return False


def _load_snapshot(path: Path, data: bytes) -> Saved | None:
    """The saved index if it still describes a prefix of `data`; any doubt means None."""
    from . import __version__

    try:
        saved = Saved.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
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
    from . import __version__

    digest = hashlib.sha256(memoryview(data)[:size]).hexdigest()
    head = {"format": SNAPSHOT_FORMAT, "program": __version__, "size": size, "sha256": digest, "lines": lines}
    with contextlib.suppress(OSError):
        write_atomic(path, json.dumps({**head, **index.snapshot()}, ensure_ascii=False).encode(), sync=False)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(step) for step in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def _copy_hashing(source: Path, fd: int) -> str:
    digest = hashlib.sha256()
    with os.fdopen(fd, "wb") as writer, source.open("rb") as reader:
        while chunk := reader.read(1 << 20):
            digest.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()


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
