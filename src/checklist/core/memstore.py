"""A store held in memory, with the real semantics: the second backend that proves the
protocol (store.py) is one a database can implement.

It chains, signs, refuses and keeps exactly as the file store does — the same unit file
bytes, the same lines, the same errors — and passes the same contract tests; it only
forgets everything when the process ends. `memory:NAME` as a store location (`--store`,
CHECKLIST_STORE) names one, shared by every session of the process: tests run the
command line against it in-process.
"""

from __future__ import annotations

import functools
import hashlib
import io
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any

from . import unitlist
from .alerts import Judge
from .chain import BadTail, Head, TornLog, digest, next_link
from .errors import NotFound, StoreDamaged, UserError
from .fuzzy import closest
from .logindex import LogIndex
from .models import Draft, Record, Unit
from .store import (
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
    new_store_id,
    parse_line,
    parse_unit,
    unit_bytes,
)

SCHEME = "memory:"
_OPEN: dict[str, MemoryStore] = {}
_OPENING = threading.Lock()


class MemoryStore(ReadsByStream):
    """Units, logs, blobs and settings in dictionaries, under one lock."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._lock = threading.RLock()
        self._units: dict[str, bytes] = {}  # the unit file as written
        self._lines: dict[str, list[bytes]] = {}
        self._heads: dict[str, Head] = {}  # written with each append, as a file store's head.json
        self._blobs: dict[tuple[Blob, str], bytes] = {}
        self._config: dict[str, Any] = {}
        self._list: list[bytes] | None = None
        self._id = new_store_id()

    @classmethod
    def named(cls, location: str) -> MemoryStore:
        """The store a `memory:NAME` location names, made empty the first time it is named."""
        name = location.removeprefix(SCHEME)
        with _OPENING:
            return _OPEN.setdefault(name, cls(name))

    @classmethod
    def forget(cls, location: str) -> None:
        with _OPENING:
            _OPEN.pop(location.removeprefix(SCHEME), None)

    @property
    def location(self) -> str:
        return SCHEME + self.name

    # -- units ----------------------------------------------------------------------

    def create_unit(self, unit: Unit, signer: Signer | None = None, by: str = "") -> None:
        check_unit_id(unit.id)
        with self._lock:
            if unit.id in self._units:
                raise UserError("unit.exists", id=unit.id)
            genesis = unit_bytes(unit)
            self._units[unit.id] = genesis
            self._lines[unit.id] = []
            listed = self._list or []
            self._list = [*listed, unitlist.line(unit.id, digest(genesis), by=by, after=listed, signer=signer)]

    def unit_list(self) -> list[bytes] | None:
        with self._lock:
            return None if self._list is None else list(self._list)

    def adopt_units(self, by: str) -> bool:
        return False  # a memory store lists every unit from its first

    def unit(self, unit_id: str) -> Unit:
        return parse_unit(self._genesis(unit_id), self._where(unit_id, "unit.json"))

    def unit_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._units)

    def units(self) -> list[Unit]:
        return [self.unit(unit_id) for unit_id in self.unit_ids()]

    # -- the log --------------------------------------------------------------------

    def append(self, draft: Draft, signer: Signer | None = None, index: LogIndex | None = None) -> Record:
        with self._lock:
            genesis = self._genesis(draft.unit)
            lines = self._lines[draft.unit]
            try:
                seq, prev = next_link(lines, b"", digest(genesis), is_legacy)
            except (TornLog, BadTail):
                raise StoreDamaged("store.bad_tail", where=self._where(draft.unit)) from None
            record, line = link(draft, seq, prev, signer)
            if index is not None:
                index.add(record, len(lines))  # a record is known by its line's number here
            lines.append(line)
            size = self._heads[draft.unit].size if draft.unit in self._heads else 0
            self._heads[draft.unit] = Head(seq=seq, hash=digest(line), size=size + len(line) + 1)
            return record

    def head(self, unit_id: str) -> Head | None:
        self._genesis(unit_id)
        with self._lock:
            return self._heads.get(unit_id)

    def genesis(self, unit_id: str) -> bytes:
        return self._genesis(unit_id)

    def stream(self, unit_id: str, start: int = 0) -> LogStream:
        with self._lock:
            genesis = self._genesis(unit_id)
            data = b"".join(line + b"\n" for line in self._lines[unit_id])
            head = self._heads.get(unit_id)
        return LogStream(unit_id, self._where(unit_id), genesis, head, start, len(data), lambda: io.BytesIO(data))

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
        """The fold of the whole log (nothing is kept between commands); a record is known by
        its line's number, and parsed again from its bytes when asked for. Records of an id in
        `renamed` (else in what `assume` gives) are folded under the id it maps to."""
        log = self.log(unit_id)

        def parse(number: int, line: bytes) -> Record:
            return parse_line(log.where, line, number + 1, unit_id, torn=False)

        def fetch(at: int) -> Record:  # the log as it is now: the index folds what is appended too
            return parse(at, self.log(unit_id).lines[at])

        def naming(text: str, end: int | None) -> Iterator[tuple[int, Record]]:
            needle = text.encode()
            return ((n, parse(n, line)) for n, line in enumerate(self.log(unit_id).lines) if needle in line)

        from .blobs import kept_catalog

        index = LogIndex(fetch, naming, judge or Judge(functools.partial(kept_catalog, self)))
        index.renamed = renamed if renamed is not None else (assume() if assume else None) or {}
        index.end = None  # nothing is saved
        for number, line in enumerate(log.lines):
            index.add(parse(number, line), number)
        return index

    def save_index(self, unit_id: str, index: LogIndex) -> None:
        """Nothing is kept: every command folds the log again."""

    def _genesis(self, unit_id: str) -> bytes:
        check_unit_id(unit_id)
        with self._lock:
            found = self._units.get(unit_id)
        if found is None:
            raise NotFound("unit.unknown", closest(unit_id, self.unit_ids()), id=unit_id)
        return found

    def _where(self, unit_id: str, what: str = "records") -> str:
        return f"{self.location}/units/{unit_id}/{what}"

    # -- blobs ----------------------------------------------------------------------

    def put_blob(self, kind: Blob, name: str, data: bytes | IO[bytes]) -> bool:
        content = data if isinstance(data, bytes) else data.read()
        if kind in HASHED and hashlib.sha256(content).hexdigest() != name:
            raise BlobMismatch("store.blob_changed", kind=str(kind), name=name)
        if kind in PER_UNIT:
            check_unit_id(name.partition("/")[0])
        with self._lock:
            if (kind, name) in self._blobs:
                return False
            self._blobs[kind, name] = content
            return True

    def blob(self, kind: Blob, name: str) -> bytes | None:
        with self._lock:
            return self._blobs.get((kind, name))

    def open_blob(self, kind: Blob, name: str) -> IO[bytes] | None:
        found = self.blob(kind, name)
        return None if found is None else io.BytesIO(found)

    def blob_names(self, kind: Blob, prefix: str = "") -> list[str]:
        with self._lock:
            return sorted(name for blob, name in self._blobs if blob == kind and name.startswith(prefix))

    def blob_location(self, kind: Blob, name: str) -> str:
        return f"{self.location}/{kind}/{name}"

    # -- settings kept in the store ----------------------------------------------------

    def config(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._config)

    def store_id(self, create: bool = False) -> str | None:
        return self._id

    def set_config(self, key: str, value: str | None) -> None:
        with self._lock:
            if value is None:
                self._config.pop(key, None)
            else:
                self._config[key] = value
