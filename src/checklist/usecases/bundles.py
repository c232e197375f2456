"""Bundles: a unit's records sent upward in one signed file (`export`), imported by a
receiving store as mirrors (`import`), and the keys that say who speaks for a unit
(`keys export`, `keys trust`). See core/bundle.py for the format, core/mirrors.py for what a
receiving store keeps."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from ..core import bundle, clock, files, formats, keys, mirrors, unittrust
from ..core import seal as seals
from ..core.chain import digest, link_of, seq_of
from ..core.errors import ChecklistError, DataError, UserError
from ..core.keys import PublicKey
from ..core.models import Record, Signature, Unit
from ..core.store import Blob, LogStream, Store, check_unit_id
from .session import Session
from .settings import Settings

# -- export -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitExported:
    unit: str
    name: str | None
    after: int  # the record before the first one carried
    head: int  # the last one carried
    records: int  # records carried
    mirror: bool  # relayed: a mirror of this store's


@dataclass(frozen=True)
class Exported:
    out: Path
    size: int  # bytes of the bundle file
    units: list[UnitExported]
    evidence: int  # evidence files carried
    by: str
    key: str


def export(  # noqa: PLR0915 - the command's options; one unit after another
    session: Session,
    out: Path,
    *,
    all_units: bool = False,
    evidence: bool = False,
    since: int | None = None,
    full: bool = False,
) -> Exported:
    """Write one bundle of the units asked for (one, or every unit with `all_units`, mirrors
    too): each unit's records since its last bundle (`since`: after that record; `full`: all
    of them), signed by who acts; then remember, per unit, what it held."""
    store = session.store
    mirrors.keeps_mirrors(store)
    by = session.actor()
    signer = session.signer(by)
    if signer is None:
        raise UserError("bundle.needs_key", by=by)
    unit_ids = store.unit_ids() if all_units else [session.select_unit().id]
    if not unit_ids:
        raise UserError("unit.none_yet")
    store_id = store.store_id(create=True) or ""
    own_keys = [store.blob(Blob.KEY, name) or b"" for name in store.blob_names(Blob.KEY)]
    parts, done, catalogs, marks = [], [], {}, []
    kept_evidence: dict[str, str] = {}
    total = 0
    for unit_id in unit_ids:
        unit = store.unit(unit_id)
        mirror = mirrors.info(store, unit_id)
        stream = store.stream(unit_id)
        start = _start(store, stream, since, full)
        after, after_hash = _before(stream, start)
        lines, total = _lines(stream, start, total)
        head, head_hash = _head(lines, after, after_hash)
        if mirror is None:
            seal_bytes, running = _own_seal(session, unit, stream, by=by, signer=signer, store_id=store_id)
            key_files, origin = own_keys, store_id
        else:
            found = mirrors.kept_seal(store, unit_id, head)
            if found is None:
                raise DataError("bundle.no_seal", unit=unit_id, seq=head)
            seal_bytes, running = found, store.index(unit_id).catalog_digest(unit)
            key_files, origin = mirrors.key_files(store, unit_id), mirror.origin
        for name in {unit.catalog.digest, running} | bundle.catalog_refs(lines):
            if name not in catalogs:
                data = store.blob(Blob.CATALOG, name.removeprefix("sha256:"))
                if data is not None:
                    catalogs[name] = data.decode()
                    total += len(data)
        if evidence:
            total = _evidence(store, lines, kept_evidence, total)
        _within(total)
        parts.append(
            bundle.UnitPart(
                unit=unit_id,
                origin=origin,
                genesis=stream.genesis.decode(),
                after=after,
                after_hash=after_hash,
                records=[line.decode() for line in lines],
                head=head,
                head_hash=head_hash,
                catalog=running,
                keys=[data.decode() for data in key_files],
                seal=seal_bytes.decode(),
                mirror=mirror is not None,
            )
        )
        carried = sum(1 for line in lines if line.strip())
        done.append(UnitExported(unit_id, unit.name, after, head, carried, mirror is not None))
        end = start + sum(len(line) + 1 for line in lines)
        marks.append((unit_id, mirrors.ExportMark(seq=head, hash=head_hash, size=end, at=clock.real_now())))
    payload = bundle.Payload(
        format=formats.BUNDLE,
        kind=bundle.KIND,
        store=store_id,
        made_at=clock.real_now().isoformat(timespec="seconds"),
        by=by,
        units=parts,
        catalogs=catalogs,
        evidence=kept_evidence,
    )
    encoded = bundle.encode(payload)
    _within(len(encoded))
    from ..core import envelope

    content = bundle.wrap(encoded, signer(envelope.pae(bundle.PAYLOAD_TYPE, encoded)))
    from ..core.atomic import write_atomic

    try:
        write_atomic(out, content)
    except OSError as exc:
        raise UserError("bundle.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from exc
    for unit_id, found_mark in marks:  # only once the bundle is whole on disk
        mirrors.set_mark(store, unit_id, found_mark)
    return Exported(out, len(content), done, len(kept_evidence), by, signer.key)


def _within(total: int) -> None:
    if total > bundle.MAX_PAYLOAD:
        raise UserError("bundle.too_large", mib=bundle.MAX_PAYLOAD // bundle.MIB)


def _start(store: Store, stream: LogStream, since: int | None, full: bool) -> int:
    """Where the bundle's first line starts in the log."""
    if full or since == 0:
        return 0
    if since is not None:
        for at, line in stream:
            if line.strip() and link_of(line) is not None and (seq_of(line) or 0) > since:
                return at
        if since > _last_seq(stream):
            raise UserError("bundle.since_ahead", unit=stream.unit, seq=since, last=_last_seq(stream))
        return stream.whole
    found = mirrors.mark(store, stream.unit)
    if found is None:
        return 0
    held = found.size <= stream.whole and (
        (found.size == 0 and found.seq == 0) or digest(stream.line_before(found.size)) == found.hash
    )
    if not held:
        raise DataError("bundle.mark_lost", unit=stream.unit, seq=found.seq)
    return found.size


def _last_seq(stream: LogStream) -> int:
    before = stream.line_before(stream.whole)
    return (seq_of(before) or 0) if before and link_of(before) is not None else 0


def _before(stream: LogStream, start: int) -> tuple[int, str]:
    """The record before the line at `start`: its number and its line's hash (0 and the unit
    file's hash at the start)."""
    if start == 0:
        return 0, digest(stream.genesis)
    before = stream.line_before(start)
    while not before.strip():  # blank lines: the record before them
        start -= len(before) + 1
        if start <= 0:
            return 0, digest(stream.genesis)
        before = stream.line_before(start)
    seq = seq_of(before) if link_of(before) is not None else None
    if seq is None:
        raise UserError("bundle.since_unchained", unit=stream.unit)
    return seq, digest(before)


def _lines(stream: LogStream, start: int, total: int) -> tuple[list[bytes], int]:
    """The whole lines from `start`, read a chunk at a time, within the bundle's limit (a line
    that is not UTF-8 is no record: damage, named by its line in the log)."""
    lines: list[bytes] = []
    for _, batch in stream.lines_from(start).batches():
        for line in batch:
            total += len(line) + 4
            _within(total)
            try:
                line.decode()
            except UnicodeDecodeError:
                at = sum(1 for _ in stream.part(0, start)) + len(lines) + 1
                raise DataError("store.damaged_record", where=stream.where, line=at, why="not UTF-8") from None
            lines.append(line)
    return lines, total


def _head(lines: list[bytes], after: int, after_hash: str) -> tuple[int, str]:
    for line in reversed(lines):
        if line.strip() and link_of(line) is not None and (seq := seq_of(line)) is not None:
            return seq, digest(line)
    return after, after_hash


def _own_seal(
    session: Session, unit: Unit, stream: LogStream, *, by: str, signer: Callable[[bytes], Signature], store_id: str
) -> tuple[bytes, str]:
    """A seal of today (in the unit's time zone) over the unit's head, made by the seal
    builder as `checklist seal` makes it, and the catalog the unit runs."""
    status = session.status(unit)
    zone = ZoneInfo(status.catalog.meta.timezone)
    today = status.now.astimezone(zone).date()
    records, hashes = seals.of_day(stream, zone, today)
    draft = seals.make(status, records, hashes, period=today, now=clock.real_now(), by=by, store=store_id)
    _, content = seals.signed(draft, signer)
    return content, status.catalog.digest


def _evidence(store: Store, lines: list[bytes], kept: dict[str, str], total: int) -> int:
    for line in lines:
        if b'"evidence"' not in line:
            continue
        record = Record.decode(line)
        for file in record.evidence:
            if file.stored and file.sha256 not in kept:
                data = store.blob(Blob.EVIDENCE, file.sha256)
                if data is not None:
                    total += len(data) * 4 // 3
                    _within(total)
                    kept[file.sha256] = base64.b64encode(data).decode("ascii")
    return total


# -- import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitImported:
    unit: str
    name: str | None
    origin: str
    carried: int
    new: int
    created: bool  # a mirror made now


@dataclass
class FileImported:
    path: Path
    units: list[UnitImported] = field(default_factory=list)
    error: ChecklistError | None = None

    @property
    def new(self) -> int:
        return sum(unit.new for unit in self.units)


@dataclass
class Imported:
    files: list[FileImported]

    @property
    def refused(self) -> list[FileImported]:
        return [found for found in self.files if found.error is not None]

    @property
    def new(self) -> int:
        return sum(found.new for found in self.files)


def import_bundles(session: Session, paths: list[Path], progress: Callable[[Path], None] | None = None) -> Imported:
    """Import each bundle on its own: one refused (a fork, a gap, a bad or untrusted
    signature, a malformed file) leaves the store as it was for that bundle, and the others
    still import."""
    mirrors.keeps_mirrors(session.store)
    results = []
    for path in paths:
        found = FileImported(path)
        try:
            found.units = _import_one(session, path)
        except ChecklistError as exc:
            found.error = exc
        results.append(found)
        if progress is not None:
            progress(path)
    return Imported(results)


def _import_one(session: Session, path: Path) -> list[UnitImported]:
    try:
        data = files.read_bounded(path, bundle.MAX_FILE)
    except OSError as exc:
        raise UserError("bundle.cannot_read", path=str(path), reason=exc.strerror or str(exc)) from exc
    except DataError as exc:
        raise UserError("bundle.cannot_read", path=str(path), reason=exc.message) from exc
    store = session.store
    by = session.actor()
    with mirrors.import_lock(store):
        _, incoming, catalogs, evidence = bundle.check_bundle(store, data, str(path))
        mirrors.raise_format(store)  # first: a blob kept would raise it otherwise, taking the lock held here
        for name, content in catalogs.items():
            store.put_blob(Blob.CATALOG, name.removeprefix("sha256:"), content)
        for name, content in evidence.items():
            store.put_blob(Blob.EVIDENCE, name, content)
        done = []
        for unit in incoming:
            seal = (unit.part.head, unit.part.seal.encode())
            if not unit.exists:
                origin, genesis = unit.part.origin, digest(unit.genesis)
                entry = mirrors.MirrorInfo(
                    unit=unit.unit.id, origin=origin, genesis=genesis, since=clock.real_now(), by=by
                )
                mirrors.new_mirror(store, entry, unit.genesis, unit.new_lines, unit.key_data, seal)
            else:
                mirrors.add_records(store, unit.unit.id, unit.new_lines, unit.size, unit.key_data, seal)
            done.append(
                UnitImported(unit.unit.id, unit.unit.name, unit.part.origin, unit.carried, unit.new, not unit.exists)
            )
    return done


# -- keys -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyExported:
    public: PublicKey
    content: bytes
    out: Path | None


def export_key(settings: Settings, out: Path | None) -> KeyExported:
    """Your public key as a file to give the receiving side (`keys trust`)."""
    try:
        config = Session.open(settings).store.config()
    except ChecklistError:
        config = {}
    name = settings.actor(config)
    public = keys.key_for(settings.config_home(), name)
    if public is None:
        raise UserError("key.none_to_export", by=name)
    content = keys.public_json(public.bare())
    if out is not None:
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise UserError("bundle.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from exc
    return KeyExported(public, content, out)


@dataclass(frozen=True)
class KeyTrusted:
    entry: unittrust.TrustedKey
    new: bool  # False: it was trusted for that unit already


def trust_key(session: Session, path: Path, unit_id: str) -> KeyTrusted:
    """Record that the public key in `path` speaks for unit `unit_id`'s bundles and seals."""
    check_unit_id(unit_id)
    mirrors.keeps_mirrors(session.store)
    try:
        data = files.read_bounded(path, files.SMALL)
    except OSError as exc:
        raise UserError("key.file_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    except DataError as exc:
        raise UserError("key.file_unreadable", path=str(path), reason=exc.message) from exc
    public = keys.read_public(data, str(path)).bare()
    entry, new = unittrust.trust(session.store, public, unit_id, at=clock.real_now(), by=session.actor())
    return KeyTrusted(entry, new)


def trusted_keys(session: Session) -> list[unittrust.TrustedKey]:
    return unittrust.trusted(session.store)
