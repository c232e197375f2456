"""What a store keeps besides its logs, read and written through any backend: the catalog
versions units run, evidence files, public keys and seals (see store.Blob)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from . import formats
from .catalog import kept
from .chain import digest, link_of, seq_of
from .errors import DataError, Message, StoreDamaged, UserError, message
from .models import Catalog
from .store import Blob, BlobMismatch, LogBytes, Store, first_error

if TYPE_CHECKING:
    from .keys import PublicKey


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
    from .keys import PublicKey

    keys: dict[str, PublicKey] = {}
    for name in store.blob_names(Blob.KEY):
        where = store.blob_location(Blob.KEY, name)
        try:
            data = json.loads(store.blob(Blob.KEY, name) or b"")
            formats.check(where, data.get("format") if isinstance(data, dict) else None, formats.KEY)
            public = PublicKey.model_validate(data)
        except ValueError as exc:
            raise StoreDamaged("store.damaged_key", where=where, why=str(exc)) from exc
        keys[public.key] = public
    return keys


def save_seal(store: Store, unit_id: str, name: str, content: bytes) -> str:
    """Keep a seal (written once); returns where it is kept."""
    blob = f"{unit_id}/{name}"
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


def line_hashes(log: LogBytes) -> LineHashes:
    """The hash of each chained record's line, by record number (what seals, checkpoints and
    witnesses refer to)."""
    return LineHashes(log.lines)


class LineHashes(Mapping[int, str]):
    """Line hashes by record number, computed when asked. A witness or a checkpoint names one
    record, and in a whole chain record N is line N: hashing all 100,000 lines to look up
    one was a third of `verify`. Anything else (older unchained lines, a gap) reads them all."""

    def __init__(self, lines: Sequence[bytes]) -> None:
        self._lines = lines
        self._all: dict[int, str] | None = None

    def __getitem__(self, seq: int) -> str:
        if self._all is None and 1 <= seq <= len(self._lines):
            line = self._lines[seq - 1]
            if seq_of(line) == seq and link_of(line) is not None:
                return digest(line)
        return self._every()[seq]

    def __iter__(self) -> Iterator[int]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())

    def _every(self) -> dict[int, str]:
        if self._all is None:
            self._all = {}
            for line in self._lines:
                seq = seq_of(line) if link_of(line) is not None else None
                if seq is not None:
                    self._all[seq] = digest(line)
        return self._all
