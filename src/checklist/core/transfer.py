"""Moving a folder store into a database store (`checklist push`): each unit's unit file and
log exactly as written, so that the chain and every signature verify there, and every blob.

A unit the database holds already must have the same unit file (else a clash) and hold the
first lines of the folder's log byte for byte (else a fork); only the lines it lacks are
appended, after those it holds, a batch at a time, each batch one transaction: a push cut off
resumes where it stopped, and a second push writes nothing. Mirrors stay mirrors, with their
`mirror.json`, the keys and seals received with them, and the keys trusted for units; what
the last bundle held of each unit (`exported.json`) comes along, so the next `export` from
the database follows on. Each unit pushed remembers the folder store's id, which the seals
made there name (verify.py accepts it beside the database's own).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import files, mirrors
from .chain import digest
from .errors import DataError, UserError
from .store import Blob, KeepsMirrors, Store

BATCH = 5000  # lines appended in one transaction
BLOB_KINDS = (Blob.CATALOG, Blob.KEY, Blob.EVIDENCE)  # the store's, before any unit's (its records name them)
UNIT_KINDS = (Blob.SEAL, Blob.CHECKPOINT)  # a unit's, after its records (they sign its head)


@dataclass
class UnitPushed:
    unit: str
    name: str | None
    mirror: bool  # a mirror of the folder store's (imported from another store's bundles)
    created: bool  # made in the database now
    copied: int  # records appended now
    held: int  # records the database held already


@dataclass
class Tally:
    copied: int = 0
    held: int = 0

    def add(self, new: bool) -> None:
        if new:
            self.copied += 1
        else:
            self.held += 1


def check_target(target: Store) -> KeepsMirrors:
    """The store pushed to: one that keeps units as rows (a database), not a folder."""
    if not isinstance(target, KeepsMirrors) or isinstance(getattr(target, "root", None), Path):
        raise UserError("push.target_unsupported", store=target.location)
    return target


def store_blobs(source: Store, target: Store, tally: Tally) -> None:
    """Catalogs, keys (registrations and statements) and evidence, each once; then the keys
    trusted for units."""
    rows = check_target(target)
    for name in source.blob_names(Blob.CATALOG):  # before anything is written
        data = source.blob(Blob.CATALOG, name)
        if data is not None and hashlib.sha256(data).hexdigest() != name:
            raise UserError("push.legacy_catalog", name=name[:12])
    for kind in BLOB_KINDS:
        for name in source.blob_names(kind):
            _copy_blob(source, target, kind, name, tally)
    root = getattr(source, "root", None)
    if isinstance(root, Path):
        for path in sorted((root / "trusted").glob("*/*.json")):
            tally.add(rows.put_trusted(path.parent.name, path.stem, files.read_bounded(path, files.SMALL)))


def settings(source: Store, target: Store) -> list[str]:
    """The folder store's settings (its default unit, its user) that the database has none
    of: what `status` and its hints take for granted there. Those it has are left as they are."""
    held = target.config()
    copied = []
    for key, value in source.config().items():
        if key not in held and isinstance(value, str):
            target.set_config(key, value)
            copied.append(key)
    return copied


def _copy_blob(source: Store, target: Store, kind: Blob, name: str, tally: Tally) -> None:
    handle = source.open_blob(kind, name)
    if handle is None:
        return
    with handle:
        tally.add(target.put_blob(kind, name, handle))


def push_unit(
    source: Store,
    store: Store,
    unit_id: str,
    *,
    by: str,
    at: datetime,
    tally: Tally,
) -> UnitPushed:
    """One unit: its unit file (a clash if the database holds another), the lines the
    database lacks (a fork if those it holds differ), then its seals, checkpoints, and what
    came with it as a mirror."""
    target = check_target(store)
    unit = source.unit(unit_id)
    stream = source.stream(unit_id)
    if stream.torn:
        raise DataError("store.torn_tail", where=stream.where)
    info = _unit_file(source, unit_id, mirrors.MIRROR_FILE)
    created = _ensure_unit(source, store, unit_id, stream.genesis, info, by=by, at=at)
    theirs = iter(stream)
    held = number = size = copied = 0
    for _, line in store.stream(unit_id):
        number += 1
        found = next(theirs, None)
        if found is None or found[1] != line:
            raise DataError("push.fork", unit=unit_id, line=number, where=store.location)
        held += 1 if line.strip() else 0
        size += len(line) + 1
    for batch in _batches(theirs):
        if info is None:
            target.append_lines(unit_id, batch, number)
        else:
            target.extend_mirror(unit_id, batch, size, {}, None)
        number += len(batch)
        size += sum(len(line) + 1 for line in batch)
        copied += sum(1 for line in batch if line.strip())
    for kind in UNIT_KINDS:
        for name in source.blob_names(kind, f"{unit_id}/"):
            _copy_blob(source, store, kind, name, tally)
    if info is not None:
        _mirror_extras(source, target, unit_id, size)
    mark = _unit_file(source, unit_id, mirrors.MARK_FILE)
    found_mark = mirrors.mark(source, unit_id)
    if mark is not None and found_mark is not None:
        target.set_export_mark(unit_id, found_mark.size, mark)
    return UnitPushed(unit_id, unit.name, info is not None, created, copied, held)


def _ensure_unit(
    source: Store, store: Store, unit_id: str, genesis: bytes, info: bytes | None, *, by: str, at: datetime
) -> bool:
    """The unit in the database, with the folder's unit file (and mirror.json): True if made
    now; a clash if the database holds another. An own unit remembers the folder store."""
    target = check_target(store)
    created = False
    if unit_id in store.unit_ids():
        if store.genesis(unit_id) != genesis:
            raise DataError("push.clash", unit=unit_id, where=store.location)
        if (target.mirror_info(unit_id) is None) != (info is None):
            raise DataError("push.clash_mirror", unit=unit_id, where=store.location)
    else:
        created = target.add_unit_bytes(unit_id, genesis, by=by, mirror=info)
    origin = source.store_id()
    if origin and info is None:
        entry = {"format": 1, "unit": unit_id, "origin": origin, "genesis": digest(genesis), "at": at.isoformat()}
        target.set_pushed_from(unit_id, json.dumps({**entry, "by": by}, ensure_ascii=False).encode() + b"\n")
    return created


def _mirror_extras(source: Store, target: KeepsMirrors, unit_id: str, size: int) -> None:
    """A mirror's key registrations and the seals of its head, as received."""
    keys = {f"ed25519:{name}": data for name, data in _mirror_files(source, unit_id, "keys").items()}
    for name, data in _mirror_files(source, unit_id, "seals").items():
        if name.isdigit():
            target.extend_mirror(unit_id, [], size, keys, (int(name), data))
            keys = {}
    if keys:
        target.extend_mirror(unit_id, [], size, keys, None)


def _batches(lines: Iterator[tuple[int, bytes]]) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for _, line in lines:
        batch.append(line)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _unit_file(source: Store, unit_id: str, name: str) -> bytes | None:
    root = getattr(source, "root", None)
    if not isinstance(root, Path):
        return None
    try:
        return files.read_bounded(root / "units" / unit_id / name, files.SMALL)
    except FileNotFoundError:
        return None


def _mirror_files(source: Store, unit_id: str, kind: str) -> dict[str, bytes]:
    root = getattr(source, "root", None)
    if not isinstance(root, Path):
        return {}
    folder = root / "units" / unit_id / "mirror" / kind
    limit = files.SMALL if kind == "keys" else files.SEAL
    return {path.stem: files.read_bounded(path, limit) for path in sorted(folder.glob("*.json"))}
