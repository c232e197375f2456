"""Mirrors: units imported from another store's bundles, kept beside a store's own units.

A mirror is a unit folder like any other — `unit.json` and `records.jsonl` hold the exact
bytes its own store wrote, so the chain and the signatures verify here — with beside them:

    units/<id>/mirror.json            the store it comes from (its id), the unit file's hash,
                                      when and by whom it was first imported; format 1
    units/<id>/mirror/keys/<key>.json the key registrations that came with its bundles: its
                                      records' signatures are checked against these, not
                                      against this store's own keys/
    units/<id>/mirror/seals/<seq>.json each signed statement of the unit's head received
                                      (a seal, as its signer made it): what a relay sends on

A store that holds a mirror is of format 6 (an older release would attest on it as its own).
Every store, own units and mirrors alike, keeps per unit what its last bundle held:

    units/<id>/exported.json          {"format":1,"seq":N,"hash":"sha256:…","size":offset,"at":…}

A store that keeps these as rows of its own (store.KeepsMirrors: PgStore, see pgmirrors.py)
is asked for the same bytes; the functions here read and check them alike.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

from pydantic import Field, StringConstraints

from . import files, formats, unitlist
from .atomic import fsync_dir, remove_tree, temporary_name, write_atomic
from .chain import digest
from .errors import DataError, Message, StoreDamaged, UserError, message
from .keys import PublicKey
from .models import HASH, CleanStr, Stored
from .store import KeepsMirrors, Store, check_unit_id

if TYPE_CHECKING:
    from .filestore import FileStore

MIRROR_FILE = "mirror.json"
READ, WRITE = stat.S_IRGRP, stat.S_IRGRP | stat.S_IWGRP  # what a shared store gives its group (filestore.py)
MARK_FILE = "exported.json"


class MirrorInfo(Stored):
    format: Literal[1] = 1  # formats.MIRROR
    unit: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    origin: Annotated[str, StringConstraints(min_length=1, max_length=64)]  # the id of the store it comes from
    genesis: HASH  # the SHA-256 of its unit file
    since: datetime  # first imported
    by: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]


class ExportMark(Stored):
    format: Literal[1] = 1  # formats.EXPORTED
    seq: Annotated[int, Field(ge=0)]  # the last record the last bundle held (0: none)
    hash: HASH  # its line's hash (the unit file's for 0)
    size: Annotated[int, Field(ge=0)]  # where the next record's line starts in the log
    at: datetime


def file_store(store: Store) -> FileStore:
    """The store, if it is one that keeps bundles' files (a folder); else the error."""
    from .filestore import FileStore

    if not isinstance(store, FileStore):
        raise UserError("bundle.store_unsupported", store=store.location)
    return store


def _folder(store: Store, unit_id: str) -> Path | None:
    root = getattr(store, "root", None)
    if not isinstance(root, Path):
        return None
    return root / "units" / check_unit_id(unit_id)


def _read_json(path: Path) -> object | None:
    try:
        found: object = json.loads(files.read_bounded(path, files.SMALL))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise StoreDamaged("store.damaged_mirror", where=str(path), why=str(exc).splitlines()[0]) from exc
    return found


M = TypeVar("M", bound=Stored)  # the model of a unit's file here


def info(store: Store, unit_id: str) -> MirrorInfo | None:
    """Where a mirror comes from; None for a unit of this store's own."""
    return _read_model(store, unit_id, MIRROR_FILE, MirrorInfo, formats.MIRROR)


def _read_model(store: Store, unit_id: str, name: str, model: type[M], version: int) -> M | None:
    """A unit's file of this module (`mirror.json`, `exported.json`), checked; None if absent."""
    folder = _folder(store, unit_id)
    if folder is None:
        if not isinstance(store, KeepsMirrors):
            return None
        data = store.mirror_info(unit_id) if name == MIRROR_FILE else store.export_mark(unit_id)
        if data is None:
            return None
        path = Path(f"{store.location}#units/{unit_id}/{name}")
        try:
            raw = json.loads(data)
        except ValueError as exc:
            raise StoreDamaged("store.damaged_mirror", where=str(path), why=str(exc).splitlines()[0]) from exc
    else:
        path = folder / name
        raw = _read_json(path)
        if raw is None:
            return None
    formats.check(str(path), raw.get("format") if isinstance(raw, dict) else None, version)
    try:
        return model.model_validate(raw)
    except ValueError as exc:
        raise StoreDamaged("store.damaged_mirror", where=str(path), why=str(exc).splitlines()[0]) from exc


def refuse(store: Store, unit_id: str) -> None:
    """A mirror is read, rolled up, verified and reported on, never attested on."""
    found = info(store, unit_id)
    if found is not None:
        raise UserError("mirror.read_only", unit=unit_id, origin=found.origin)


def key_files(store: Store, unit_id: str) -> list[bytes]:
    """The registrations kept with a mirror, as received."""
    folder = _folder(store, unit_id)
    if folder is None and isinstance(store, KeepsMirrors):
        found = store.mirror_files(unit_id, "keys")
        return [found[name] for name in sorted(found)]
    if folder is None or not (folder / "mirror" / "keys").is_dir():
        return []
    return [files.read_bounded(p, files.SMALL) for p in sorted((folder / "mirror" / "keys").glob("*.json"))]


def keys(store: Store, unit_id: str) -> dict[str, PublicKey]:
    """The keys kept with a mirror, by id: what its records' signatures are checked against."""
    found: dict[str, PublicKey] = {}
    for data in key_files(store, unit_id):
        try:
            public = PublicKey.model_validate_json(data)
        except ValueError as exc:
            where = str(_folder(store, unit_id))
            raise StoreDamaged("store.damaged_key", where=where, why=str(exc).splitlines()[0]) from exc
        found[public.key] = public
    return found


def mirror_keys(store: Store, unit_ids: list[str]) -> dict[str, dict[str, PublicKey]]:
    """The keys of each mirror among `unit_ids`, by unit (own units are not there)."""
    return {unit_id: keys(store, unit_id) for unit_id in unit_ids if info(store, unit_id) is not None}


def kept_seal(store: Store, unit_id: str, seq: int) -> bytes | None:
    folder = _folder(store, unit_id)
    if folder is None:
        return store.mirror_files(unit_id, "seals").get(str(seq)) if isinstance(store, KeepsMirrors) else None
    try:
        return files.read_bounded(folder / "mirror" / "seals" / f"{seq}.json", files.SEAL)
    except FileNotFoundError:
        return None


def latest_seal(store: Store, unit_id: str) -> tuple[int, bytes] | None:
    """The last seal of its head a mirror received (its record's number, the seal's bytes)."""
    folder = _folder(store, unit_id)
    if folder is None and isinstance(store, KeepsMirrors):
        seals = {int(name): data for name, data in store.mirror_files(unit_id, "seals").items() if name.isdigit()}
        return (max(seals), seals[max(seals)]) if seals else None
    if folder is None or not (folder / "mirror" / "seals").is_dir():
        return None
    numbers = [int(p.stem) for p in (folder / "mirror" / "seals").glob("*.json") if p.stem.isdigit()]
    if not numbers:
        return None
    found = kept_seal(store, unit_id, max(numbers))
    return (max(numbers), found) if found is not None else None


def check_latest_seal(store: Store, unit_id: str, hashes: Mapping[int, str | None]) -> list[Message]:
    """What `verify` finds of a mirror's last seal received: it must still hold (signed by a
    key that came with the mirror) and the log must still hold the record it signs, as it was
    (a mirror cut back, or changed with its chain and head.json rewritten, does not)."""
    from . import seal as seals

    latest = latest_seal(store, unit_id)
    if latest is None:
        return []
    seq, data = latest
    try:
        sealed = seals.parse(data, f"{unit_id}/mirror/seals/{seq}.json")
    except DataError as exc:
        return [exc.message]
    problems = seals.check(sealed, keys(store, unit_id), None)
    if sealed.head.seq and hashes.get(sealed.head.seq) != sealed.head.hash:
        problems.append(message("mirror.head_lost", seq=sealed.head.seq))
    return [message("verify.seal", name=f"mirror/seals/{seq}", problem=problem) for problem in problems]


def mark(store: Store, unit_id: str) -> ExportMark | None:
    """What the last bundle held of a unit (None: no bundle yet)."""
    return _read_model(store, unit_id, MARK_FILE, ExportMark, formats.EXPORTED)


def set_mark(store: Store, unit_id: str, found: ExportMark) -> None:
    """Remember what a bundle held of a unit (written atomically, after the bundle is whole)."""
    content = json.dumps(found.model_dump(mode="json"), ensure_ascii=False).encode() + b"\n"
    if _folder(store, unit_id) is None and isinstance(store, KeepsMirrors):
        store.set_export_mark(unit_id, found.size, content)
        return
    fs = file_store(store)
    path = fs.root / "units" / check_unit_id(unit_id) / MARK_FILE
    try:
        write_atomic(path, content, group=fs._group(WRITE))
    except OSError as exc:
        raise UserError("store.cannot_write", where=str(path), reason=exc.strerror or str(exc)) from exc


@contextlib.contextmanager
def import_lock(store: Store) -> Iterator[Store]:
    """The store's lock, held while a bundle is checked against what it holds and imported."""
    if _folder(store, "lock") is None and isinstance(store, KeepsMirrors):
        with store.exclusive():
            yield store
        return
    fs = file_store(store)
    with fs._lock(fs.root / ".lock"):
        yield fs


def keeps_mirrors(store: Store) -> None:
    """Refuse a store that cannot keep mirrors (neither a folder nor KeepsMirrors)."""
    if _folder(store, "lock") is None and not isinstance(store, KeepsMirrors):
        raise UserError("bundle.store_unsupported", store=store.location)


def new_mirror(  # noqa: PLR0917 - what a new mirror is made of
    store: Store,
    entry: MirrorInfo,
    genesis: bytes,
    lines: list[bytes],
    key_data: dict[str, bytes],
    seal: tuple[int, bytes] | None,
) -> None:
    """Make a mirror (under `import_lock`): in a folder, or as the rows of its own store."""
    if _folder(store, entry.unit) is None and isinstance(store, KeepsMirrors):
        info_bytes = json.dumps(entry.model_dump(mode="json"), ensure_ascii=False, indent=2).encode() + b"\n"
        if not store.add_unit_bytes(entry.unit, genesis, by=entry.by, mirror=info_bytes):
            raise UserError("unit.exists", id=entry.unit)
        store.extend_mirror(entry.unit, lines, 0, key_data, seal)
        return
    create(file_store(store), entry, genesis, lines, key_data, seal)


def add_records(  # noqa: PLR0917 - what a mirror's new records come with
    store: Store,
    unit_id: str,
    lines: list[bytes],
    size: int,
    key_data: dict[str, bytes],
    seal: tuple[int, bytes] | None,
) -> None:
    """Append a mirror's new lines (under `import_lock`), in a folder or as rows."""
    if _folder(store, unit_id) is None and isinstance(store, KeepsMirrors):
        store.extend_mirror(unit_id, lines, size, key_data, seal)
        return
    extend(file_store(store), unit_id, lines, size, key_data, seal)


def raise_format(store: Store) -> None:
    """Mark the store as holding a mirror (format 6), under the store's lock: release 0.6.0
    would take a mirror for a unit of its own and record on it, so it must refuse the store.
    (A database store is newer than 0.6.0: nothing to mark.)"""
    from .filestore import FileStore, _marker, _replace
    from .store import new_store_id

    if not isinstance(store, FileStore):
        return
    fs = store
    if fs.format() >= formats.MIRROR_STORE:
        return
    marker = fs._marker()
    found = marker.get("id")
    store_id = found if isinstance(found, str) else new_store_id()
    _replace(fs.root / "store.json", _marker(marker.get("created_at"), store_id, formats.MIRROR_STORE), fs._group(READ))


def _write_extras(
    fs: FileStore, folder: Path, key_data: dict[str, bytes], seal: tuple[int, bytes] | None, *, sync: bool = True
) -> None:
    """A mirror's key registrations and the seal of its head, each written once (`sync`: each
    flushed now; else the caller flushes the folder they were made in, see `_sync_tree`)."""
    group = fs._group(READ)
    if key_data:
        fs._folder(folder / "mirror" / "keys")
    for key_id, data in key_data.items():
        path = folder / "mirror" / "keys" / f"{key_id.removeprefix('ed25519:')}.json"
        if not path.exists():
            write_atomic(path, data, replace=False, group=group, sync=sync)
    if seal is not None:
        fs._folder(folder / "mirror" / "seals")
        path = folder / "mirror" / "seals" / f"{seal[0]}.json"
        if not path.exists():
            write_atomic(path, seal[1], replace=False, group=group, sync=sync)


def _sync_tree(folder: Path) -> None:
    """Flush every file of a folder made whole before it is given its name, then the folders
    (deepest first): one flush a file, not a file and its folder each time (half the time of
    importing a new mirror)."""
    found = sorted(folder.rglob("*"), key=lambda path: len(path.parts), reverse=True)
    for path in found:
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for path in [*(p for p in found if p.is_dir()), folder]:
        fsync_dir(path)


def _head(lines: list[bytes], start: int) -> dict[str, object] | None:
    """head.json after `lines` appended at `start` (None: no chained record among them)."""
    from .chain import link_of, seq_of

    size = start + sum(len(line) + 1 for line in lines)
    for line in reversed(lines):
        if line.strip():
            seq = seq_of(line) if link_of(line) is not None else None
            return {"format": formats.HEAD, "seq": seq, "hash": digest(line), "size": size} if seq else None
    return None


TAIL = 64 * 1024  # bytes read from the end of the list of units for its last line


def _list_tail(fs: FileStore) -> list[bytes] | None:
    """The last line of the store's list of units (all a new entry chains to; [] if empty), or
    None without a list: read from its end, not whole (each of 3,000 new mirrors read the
    list of all before it)."""
    path = fs.root / unitlist.FILE
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - TAIL))
            tail = handle.read(TAIL)
    except FileNotFoundError:
        return None
    except OSError:
        return fs.unit_list()
    lines = [line for line in tail.split(b"\n") if line.strip()]
    if size > TAIL and len(lines) < 2:  # the first line read may be cut: read the list whole
        return fs.unit_list()
    return lines[-1:]


def create(  # noqa: PLR0917 - what a new mirror is made of
    fs: FileStore,
    entry: MirrorInfo,
    genesis: bytes,
    lines: list[bytes],
    key_data: dict[str, bytes],
    seal: tuple[int, bytes] | None,
) -> None:
    """Make a mirror whole in a temporary folder and give it its name (under the store's lock,
    see `import_lock`), then list it in the store's list of units."""
    unit_id = entry.unit
    target = fs.root / "units" / check_unit_id(unit_id)
    if (target / "unit.json").exists():
        raise UserError("unit.exists", id=unit_id)
    raise_format(fs)
    lines_listed = _list_tail(fs)
    if lines_listed is None:
        lines_listed = fs._adopt(entry.by)
    build = temporary_name(fs.root / "units" / unit_id)
    read, write = fs._group(READ), fs._group(WRITE)
    try:
        fs._folder(fs.units_dir)
        build.mkdir()
        fs._share_folder(build)
        log = b"".join(line + b"\n" for line in lines)
        write_atomic(build / "unit.json", genesis, replace=False, group=read, sync=False)
        write_atomic(build / "records.jsonl", log, replace=False, group=write, sync=False)
        head = _head(lines, 0)
        if head is not None:
            write_atomic(build / "head.json", json.dumps(head).encode(), group=write, sync=False)
        info_bytes = json.dumps(entry.model_dump(mode="json"), ensure_ascii=False, indent=2).encode() + b"\n"
        write_atomic(build / MIRROR_FILE, info_bytes, replace=False, group=read, sync=False)
        _write_extras(fs, build, key_data, seal, sync=False)
        _sync_tree(build)  # all of it on disk before it has its name
        build.rename(target)
    except OSError as exc:
        remove_tree(build)
        reason = exc.strerror or str(exc)
        raise UserError("unit.cannot_create", id=unit_id, where=str(fs.units_dir), reason=reason) from exc
    fsync_dir(fs.units_dir)
    fs._append_list(unitlist.line(unit_id, digest(genesis), by=entry.by, after=lines_listed))


def extend(  # noqa: PLR0917 - what a mirror's new records come with
    fs: FileStore,
    unit_id: str,
    lines: list[bytes],
    size: int,
    key_data: dict[str, bytes],
    seal: tuple[int, bytes] | None,
) -> None:
    """Append a mirror's new lines, exactly as received, to its log of `size` bytes (what was
    checked): under the unit's lock, in one write, flushed; cut back on any failure."""
    from .filestore import NotWhole, _append_whole, _open

    folder = fs.root / "units" / check_unit_id(unit_id)
    path = folder / "records.jsonl"
    _write_extras(fs, folder, key_data, seal)
    if not lines:
        return
    with fs._lock(folder / ".lock"):
        try:
            fd = _open(path, os.O_RDWR | os.O_APPEND, 0o644, fs._group(WRITE))
        except OSError as exc:
            raise UserError("store.cannot_write", where=str(path), reason=exc.strerror or str(exc)) from exc
        try:
            found = os.fstat(fd).st_size
            if found != size:
                raise DataError("bundle.changed_meanwhile", unit=unit_id, where=str(path))
            _append_whole(fd, b"".join(line + b"\n" for line in lines), size)
        except NotWhole as exc:
            raise UserError("store.not_written", where=str(path), reason=exc.reason, restored=exc.restored) from None
        finally:
            os.close(fd)
        head = _head(lines, size)
        if head is not None:
            with contextlib.suppress(OSError):
                write_atomic(folder / "head.json", json.dumps(head).encode(), sync=False, group=fs._group(WRITE))
