"""What a store keeps besides its logs, read and written through any backend: the catalog
versions units run, evidence files, public keys and seals (see store.Blob)."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from . import formats
from .catalog import kept
from .chain import PREFIX as digest_prefix
from .chain import link_of, seq_of
from .errors import DataError, Message, StoreDamaged, UserError, message
from .models import Catalog
from .store import Blob, BlobMismatch, LogStream, Store, Versioned, first_error

if TYPE_CHECKING:
    from .keys import PublicKey
    from .keystatements import KeyStatement


def keep_catalog(store: Store, catalog: Catalog) -> None:
    """Keep a catalog version under its digest (written once), for the units that run it."""
    store.put_blob(Blob.CATALOG, catalog.digest.removeprefix("sha256:"), catalog.content)


def kept_catalog(store: Store, digest_: str) -> Catalog | None:
    """The catalog kept under a digest, checked against the hash of its own bytes."""
    name = digest_.removeprefix("sha256:")
    data = store.blob(Blob.CATALOG, name)
    if data is None:
        return None
    where = store.blob_location(Blob.CATALOG, name)
    try:
        return kept(data, digest_)
    except ValidationError as exc:
        raise StoreDamaged("store.damaged_catalog", where=where, why=first_error(exc)) from exc
    except formats.NewerFormat:
        raise
    except DataError as exc:
        raise StoreDamaged("store.kept_catalog_changed", where=where) from exc
    except ValueError as exc:
        raise StoreDamaged("store.damaged_catalog", where=where, why=str(exc)) from exc


def kept_catalog_digests(store: Store) -> list[str]:
    return ["sha256:" + name for name in store.blob_names(Blob.CATALOG)]


def keep_evidence(store: Store, source: Path, sha256: str) -> None:
    """Copy an evidence file into the store under its hash, unless it is there already."""
    try:
        with source.open("rb") as reader:
            store.put_blob(Blob.EVIDENCE, sha256, reader)
    except BlobMismatch:
        raise UserError("evidence.changed", path=str(source)) from None
    except OSError as exc:
        raise UserError("evidence.cannot_read", path=str(source), reason=exc.strerror or str(exc)) from exc
    except UserError as exc:
        raise UserError("evidence.cannot_store", problem=exc.message) from exc


def check_evidence(store: Store, wanted: set[str]) -> list[Message]:
    """Re-hash every stored evidence file; name the ones damaged, and the wanted ones missing."""
    problems = []
    found = set()
    for name in store.blob_names(Blob.EVIDENCE):
        found.add(name)
        try:
            handle = store.open_blob(Blob.EVIDENCE, name)
            if handle is None:
                continue
            hasher = hashlib.sha256()
            with handle:
                while chunk := handle.read(1 << 20):
                    hasher.update(chunk)
            actual = hasher.hexdigest()
        except (OSError, StoreDamaged) as exc:
            problems.append(message("evidence.unreadable", name=name, reason=str(exc)))
            continue
        if actual != name:
            where = store.blob_location(Blob.EVIDENCE, name)
            problems.append(message("evidence.changed_in_store", where=where))
    problems += [message("evidence.missing", name=sha) for sha in sorted(wanted - found)]
    return problems


def register_key(store: Store, public: PublicKey) -> None:
    """Register a public key (written once; registering the same key again changes nothing)."""
    from .keys import public_json

    store.put_blob(Blob.KEY, public.key.removeprefix("ed25519:"), public_json(public))


def key_location(store: Store, public: PublicKey) -> str:
    return store.blob_location(Blob.KEY, public.key.removeprefix("ed25519:"))


def registered_keys(store: Store) -> dict[str, PublicKey]:
    """The keys registered in the store, by id (the statements about them: `key_statements`)."""
    return key_files(store)[0]


def key_statements(store: Store) -> list[KeyStatement]:
    """The statements about registered keys (rotations, revocations), in the order they were made."""
    return key_files(store)[1]


def key_files(store: Store) -> tuple[dict[str, PublicKey], list[KeyStatement]]:
    from .keys import PublicKey
    from .keystatements import KeyStatement, is_statement

    keys: dict[str, PublicKey] = {}
    statements: list[KeyStatement] = []
    for name in store.blob_names(Blob.KEY):
        where = store.blob_location(Blob.KEY, name)
        try:
            data = json.loads(store.blob(Blob.KEY, name) or b"")
            formats.check(where, data.get("format") if isinstance(data, dict) else None, formats.KEY)
            if is_statement(data):
                statements.append(KeyStatement.model_validate(data))
                continue
            public = PublicKey.model_validate(data)
        except ValueError as exc:
            raise StoreDamaged("store.damaged_key", where=where, why=str(exc)) from exc
        keys[public.key] = public
    return keys, sorted(statements, key=lambda s: (s.made_at, s.name_in_store()))


def save_key_statement(store: Store, statement: KeyStatement) -> str:
    """Keep a statement about a key in keys/ (written once), the store raised first to the
    format that reads it; where it is kept."""
    from .keystatements import file_json

    if isinstance(store, Versioned):
        store.require(formats.KEY_STATEMENT_STORE)
    name = statement.name_in_store()
    store.put_blob(Blob.KEY, name, file_json(statement))
    return store.blob_location(Blob.KEY, name)


def save_seal(store: Store, unit_id: str, name: str, content: bytes, format_: int = formats.SEAL) -> str:
    """Keep a seal (written once); returns where it is kept. The store is raised first to
    the format a release must read to read it."""
    blob = f"{unit_id}/{name}"
    if format_ >= formats.READABLE_SEAL and isinstance(store, Versioned):
        store.require(formats.READABLE_SEAL)
    if not store.put_blob(Blob.SEAL, blob, content):
        raise UserError("seal.exists", name=name)
    return store.blob_location(Blob.SEAL, blob)


def kept_with(store: Store, kind: Blob, unit_id: str) -> list[tuple[str, bytes]]:
    """What a unit keeps of a kind (its seals, its checkpoints): each one's name and bytes."""
    found = []
    for name in store.blob_names(kind, prefix=f"{unit_id}/"):
        data = store.blob(kind, name)
        if data is not None:
            found.append((name.partition("/")[2], data))
    return found


def save_checkpoint(store: Store, unit_id: str, size: int, key: str, note: bytes) -> str:
    """Keep a signed checkpoint (written once: the same key signs a size once); where it is kept."""
    name = f"{unit_id}/{size}.{key.removeprefix('ed25519:')}"
    store.put_blob(Blob.CHECKPOINT, name, note)
    return store.blob_location(Blob.CHECKPOINT, name)


def line_hashes(stream: LogStream, wanted: Collection[int] | None = ()) -> LineHashes:
    """The hash of each chained record's line asked for (`wanted`, by record number; None:
    every one), and of the last one, in one pass over the log: what seals, checkpoints and
    witnesses refer to."""
    hashes = LineHashes(wanted)
    for _, lines in stream.batches():
        hashes.add(lines)
    return hashes


class NotAsked(LookupError):
    """A line hash looked up that was not asked for when the log was read: a bug."""


class LineHashes(Mapping[int, str]):
    """Line hashes by record number: those asked for (`wanted`; None: every one) and the last
    chained record's, filled as the log is read (`add`, a batch of lines at a time). A seal
    names every record of its day, so every hash is kept then (32 bytes a record, while the
    chain is whole); otherwise only those asked for: a witness or a checkpoint names one.

    Looking up a record not asked for (nor the last) raises NotAsked: the mapping does not
    know whether the log holds it."""

    def __init__(self, wanted: Collection[int] | None = ()) -> None:
        self.wanted = None if wanted is None else sorted(set(wanted))
        self._asked = None if wanted is None else frozenset(self.wanted or ())
        self._found: dict[int, bytes] = {}
        self._run = bytearray()  # every hash, while the chain is whole: record `_base` + i at 32 * i
        self._base = 1
        self.last = 0  # the last chained record's number (0: none yet)
        self._last_hash = b""

    def add(self, lines: Sequence[bytes], digests: Sequence[bytes] | None = None, first: int | None = None) -> None:
        """The next lines of the log, in order (`digests`: the SHA-256 of each, if at hand;
        `first`: the number of the first, if each line is known to be the chained record
        numbered in order from there, as the chain check knows it)."""
        if not lines:
            return
        if first is not None and digests is not None:
            self._add_run(lines, digests, first)
            return
        start = _first_seq(lines[0])
        if start is not None and self.wanted is not None and self._probe(lines, start):
            return
        self._add_each(lines, digests)

    def _add_run(self, lines: Sequence[bytes], digests: Sequence[bytes], first: int) -> None:
        if self.wanted is None and not self._found and not self._run:
            self._base = first  # a part of a log read apart starts its run where it starts
        if self.wanted is None and not self._found and first == self._base + len(self._run) // 32:
            self._run += b"".join(digests)
        elif self.wanted is None:
            self._spill()
            self._found.update(zip(range(first, first + len(lines)), digests, strict=True))
        else:
            for seq in self._between(first, first + len(lines)):
                self._found[seq] = digests[seq - first]
        self.last, self._last_hash = first + len(lines) - 1, digests[-1]

    def _probe(self, lines: Sequence[bytes], start: int) -> bool:
        """The lines asked for, where a whole chain has them (record N at line N - start), each
        checked to be that record; False if one is not (the batch is then read line by line)."""
        found = {}
        for seq in self._between(start, start + len(lines)):
            line = lines[seq - start]
            if seq_of(line) != seq or link_of(line) is None:
                return False
            found[seq] = hashlib.sha256(line).digest()
        last = lines[-1]
        number = seq_of(last) if link_of(last) is not None else None
        if number is None:
            return False
        self._found.update(found)
        self.last, self._last_hash = number, hashlib.sha256(last).digest()
        return True

    def _add_each(self, lines: Sequence[bytes], digests: Sequence[bytes] | None) -> None:
        if self.wanted is None:
            self._spill()
        for index, line in enumerate(lines):
            seq = seq_of(line) if link_of(line) is not None else None
            if seq is None:
                continue
            raw = digests[index] if digests is not None else b""
            if self._asked is None or seq in self._asked:
                raw = raw or hashlib.sha256(line).digest()
                self._found[seq] = raw
            self.last, self._last_hash = seq, raw or hashlib.sha256(line).digest()

    def extend(self, later: LineHashes) -> None:
        """Those of the next part of the same log, read apart (asked for the same records)."""
        if (
            self.wanted is None
            and not self._found
            and not later._found
            and later._base == self._base + len(self._run) // 32
        ):
            self._run += later._run
        else:
            self._spill()
            later._spill()
            self._found.update(later._found)
        if later.last:
            self.last, self._last_hash = later.last, later._last_hash

    def _between(self, low: int, high: int) -> list[int]:
        wanted = self.wanted or []
        return wanted[bisect.bisect_left(wanted, low) : bisect.bisect_left(wanted, high)]

    def _spill(self) -> None:
        """Every hash by number from now on (the chain is not whole, or not known to be)."""
        if self._run:
            run, self._run = self._run, bytearray()
            for index in range(len(run) // 32):
                self._found[self._base + index] = bytes(run[32 * index : 32 * index + 32])

    def _raw(self, seq: int) -> bytes | None:
        index = seq - self._base
        if 0 <= index < len(self._run) // 32:
            return bytes(self._run[32 * index : 32 * index + 32])
        found = self._found.get(seq)
        if found is None and seq == self.last and self._last_hash:
            return self._last_hash
        return found

    def __getitem__(self, seq: int) -> str:
        raw = self._raw(seq)
        if raw is None:
            if self._asked is not None and seq not in self._asked and seq != self.last:
                raise NotAsked(seq)
            raise KeyError(seq)
        return digest_prefix + raw.hex()

    def __iter__(self) -> Iterator[int]:
        seqs = set(self._found)
        if self.last:
            seqs.add(self.last)
        yield from range(self._base, self._base + len(self._run) // 32)
        yield from sorted(seqs - set(range(self._base, self._base + len(self._run) // 32)))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _first_seq(line: bytes) -> int | None:
    return seq_of(line) if link_of(line) is not None else None
