"""Trust: verifying a store, repairing a torn write, sealing a day, checking a seal, and keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from ..core import blobs, clock, files, keys, mirrors, names, revocation, unittrust, witness
from ..core import checkpoint as checkpoints
from ..core import seal as seals
from ..core.chain import digest
from ..core.checkpoint import Checkpoint, origin
from ..core.errors import ChecklistError, DataError, Message, NoStore, UserError, message
from ..core.keys import PublicKey
from ..core.keystatements import KeyStatement
from ..core.registry import Registry
from ..core.store import Repairable, Snapshots, Sweeps
from ..core.verify import StoreVerdict, check_stream, verify_store
from . import anchors
from .session import Session
from .settings import Settings


@dataclass(frozen=True)
class Repair:
    unit: str
    moved: int  # bytes of an incomplete last line moved to quarantine
    dropped_index: bool  # a saved index that did not say what the log says was removed
    listed: bool = False  # the store's list of units was begun


@dataclass(frozen=True)
class Swept:
    files: int  # partial files that killed writers left, removed
    bytes: int


@dataclass(frozen=True)
class Verification:
    verdict: StoreVerdict
    require_signatures: bool
    repairs: list[Repair] = field(default_factory=list)
    swept: Swept | None = None  # what --repair removed besides

    @property
    def failed(self) -> bool:
        return self.verdict.failed(self.require_signatures)


def verify(
    session: Session, *, all_units: bool = False, repair: bool = False, require_signatures: bool = False
) -> Verification:
    """Check that the records are what was written (see core/verify.py); first repair what a
    crash can leave behind, if asked: the partial files of killed writers go first (on a
    full disk they are often what filled it), then each unit's torn last line."""
    only = None if all_units else session.select_unit().id
    unit_ids = session.store.unit_ids() if only is None else [only]
    swept = None
    if repair and isinstance(session.store, Sweeps):
        swept = Swept(*session.store.sweep())
    repairs = [_repair(session, unit_id) for unit_id in unit_ids] if repair else []
    if repair and session.store.adopt_units(session.actor()):
        repairs.append(Repair("", 0, False, listed=True))
    witnessed = anchors.Witnessed(session)
    verdict = verify_store(session.store, only, witnessed)
    seen_now = []  # what this person has now seen verified, they witness
    for unit_verdict in verdict.units:
        last = unit_verdict.chain.last_seq
        if last and not unit_verdict.problems():
            seen_now.append((unit_verdict.unit, last, witnessed.hashes[unit_verdict.unit.id][last]))
    anchors.remember_all(session, seen_now)
    kept = [r for r in repairs if r.moved or r.dropped_index or r.listed]
    return Verification(verdict, require_signatures, kept, swept)


def _repair(session: Session, unit_id: str) -> Repair:
    store = session.store
    dropped = isinstance(store, Snapshots) and store.check_snapshot(unit_id) is not None
    if dropped and isinstance(store, Snapshots):
        store.drop_snapshot(unit_id)  # derived data: the next read rebuilds it from the log
    moved = store.repair(unit_id) if isinstance(store, Repairable) else 0
    return Repair(unit_id, moved, dropped)


@dataclass(frozen=True)
class SealCheck:
    seal: seals.Seal
    against_log: bool  # this store holds the unit's log, and the seal was checked against it
    problems: list[Message]


def verify_seal(session: Session, path: Path) -> SealCheck:
    """Check a seal received from a unit: its signature, and its lines if the log is here."""
    sealed = seals.parse(read_named(path, files.SEAL), str(path))
    store = session.store
    have_log = sealed.unit in store.unit_ids()
    named = {entry.seq for entry in sealed.entries} | {sealed.head.seq}
    hashes = blobs.line_hashes(store.stream(sealed.unit), named) if have_log else None
    found = session.registry()
    speaking = found.accepted  # a key registered for a taken name without endorsement seals nothing
    speaking = {**speaking, **unittrust.keys_for_unit(store, sealed.unit)}  # and the keys trusted for its unit
    problems = seals.check(sealed, speaking, hashes)
    if not problems and (ended := revocation.seal_after_end(sealed, found)) is not None:
        problems.append(ended)  # signed with a key after its revocation or rotation
    if have_log and not problems:  # the readable part (format 6) says what the records it names say
        problems = seals.readable_problems(sealed, store.stream(sealed.unit))
    return SealCheck(sealed, have_log, problems)


@dataclass(frozen=True)
class Sealed:
    seal: seals.Seal
    where: str  # where the store keeps it
    copy: Path | None  # the file it was also written to


def seal(session: Session, day: date | None = None, out: Path | None = None) -> Sealed:
    """Sign and keep the statement of a day (today, by the clock, in the unit's time zone)."""
    unit = session.select_unit()
    mirrors.refuse(session.store, unit.id)  # a mirror is another store's unit: its own officers seal it
    by = session.actor()
    signer = session.signer(by)
    if signer is None:
        raise seals.needs_key(by)
    status = session.status(unit)
    zone = ZoneInfo(status.catalog.meta.timezone)
    today, started = status.now.astimezone(zone).date(), unit.started_at.astimezone(zone).date()
    day = day or today
    if day > today:
        raise UserError("seal.future", day=day, today=today, zone=zone.key)
    if day < started:
        raise UserError("seal.before_start", unit=unit.id, started=started, day=day)
    records, hashes = seals.of_day(session.store.stream(unit.id), zone, day)
    store_id = session.store.store_id(create=True) or ""
    draft = seals.make(status, records, hashes, period=day, now=clock.real_now(), by=by, store=store_id)
    sealed, content = seals.signed(draft, signer)
    where = blobs.save_seal(session.store, unit.id, sealed.file_name().removesuffix(".json"), content, sealed.format)
    if out is not None:
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise UserError("seal.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from exc
    return Sealed(sealed, where, out)


@dataclass(frozen=True)
class NewKey:
    public: PublicKey
    private: Path  # where the private key is (readable by its owner only)
    registered_in: str | None  # the store it was registered in; None if it was not
    endorsed_by: PublicKey | None = None  # the holder's earlier key that endorsed it
    holder: PublicKey | None = None  # not registered: the key that speaks for the name in the store
    admin: PublicKey | None = None  # ... and the administrator's, who may endorse it too

    @property
    def public_file(self) -> Path:
        """The public half beside the private key: what an endorser is given."""
        return self.private.with_suffix(".json")


def new_key(settings: Settings, name: str | None = None, passphrase: str | None = None) -> NewKey:
    """Make a key pair; register its public half in the store, if there is one here and the
    name has no key there yet, or one of the holder's keys on this machine endorses it."""
    try:
        session: Session | None = Session.open(settings)
    except NoStore:
        session = None
    config = session.store.config() if session else {}
    owner = names.check(name, "--name") if name is not None else settings.actor(config)
    public, private = keys.new_key(settings.config_home(), owner, passphrase)
    if session is None:
        return NewKey(public, private, None)
    found = session.registry()
    holder = found.holder(owner)
    endorser = None
    if holder is not None:
        mine = [k for k in keys.keys_for(settings.config_home(), owner) if k.key != public.key]
        endorser = next((k for k in mine if found.may_endorse(k, owner)), None)
        if endorser is None:
            return NewKey(public, private, None, holder=holder, admin=found.admin)
    session.register(public, by=_registrar(settings, config, owner), endorser=endorser)
    return NewKey(public, private, session.location, endorsed_by=endorser)


def _registrar(settings: Settings, config: dict[str, object], owner: str) -> str:
    """Who registers a key: who acts, else (no name can be told) its owner."""
    try:
        return settings.actor(config)
    except UserError:
        return owner


@dataclass(frozen=True)
class Endorsed:
    public: PublicKey  # as registered now (None of this if it spoke for its name already)
    endorser: PublicKey | None  # None: it was registered and endorsed already; nothing changed


def endorse(session: Session, target: str) -> Endorsed:
    """Endorse another key for a name that has a key in this store: who acts signs its
    registration with a key of theirs that speaks for that name, or the administrator's."""
    public = _key_to_endorse(session, target)
    found = session.registry()
    if public.key in found.accepted:
        return Endorsed(found.accepted[public.key], None)
    if public.key in found.keys:
        raise UserError("key.registered_unendorsed", key=public.key, where=blobs.key_location(session.store, public))
    by = session.actor()
    mine = [k for k in keys.keys_for(session.settings.config_home(), by) if k.key in found.accepted]
    if not mine:
        raise UserError("key.endorser_has_none", by=by)
    endorser = next((k for k in mine if found.may_endorse(k, public.name)), None)
    if endorser is None:
        holder = found.holder(public.name)
        admin = found.admin.name if found.admin else None
        raise UserError(
            "key.cannot_endorse", by=by, name=public.name, holder=holder.key if holder else None, admin=admin
        )
    return Endorsed(session.register(public.bare(), by=by, endorser=endorser), endorser)


def _key_to_endorse(session: Session, target: str) -> PublicKey:
    """A public key file, or the id of a key on this machine."""
    path = Path(target).expanduser()
    if path.is_file():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UserError("key.cannot_read", path=str(path), reason=exc.strerror or str(exc)) from exc
        return keys.read_public(data, str(path))
    found = next((k for k in keys.own_keys(session.settings.config_home()) if k.key == target), None)
    if found is None:
        raise UserError("key.not_found", target=target)
    return found


@dataclass(frozen=True)
class KeyList:
    registered: dict[str, PublicKey]  # in this store
    own: dict[str, PublicKey]  # with a private key on this machine
    ends: dict[str, list[KeyStatement]] = field(default_factory=dict)  # rotations, revocations that hold, by key
    trusted: list[unittrust.TrustedKey] = field(default_factory=list)  # speaking for units' bundles (keys trust)


def list_keys(settings: Settings) -> KeyList:
    try:
        session = Session.open(settings)
        found, trusted = session.registry(), unittrust.trusted(session.store)
    except NoStore:
        return KeyList({}, {k.key: k for k in keys.own_keys(settings.config_home())})
    ends = {key: found.ends(key) for key in found.statements}
    return KeyList(found.keys, {k.key: k for k in keys.own_keys(settings.config_home())}, ends, trusted)


@dataclass(frozen=True)
class Checkpointed:
    checkpoint: Checkpoint
    note: bytes  # the signed checkpoint
    where: str  # where the store keeps it
    copy: Path | None  # the file it was also written to


def checkpoint(session: Session, out: Path | None = None) -> Checkpointed:
    """Sign and keep a checkpoint of a unit's log as it is now: for the province, or for a
    witness of one's own choosing. The log must verify first: nobody signs a broken chain."""
    unit = session.select_unit()
    mirrors.refuse(session.store, unit.id)
    by = session.actor()
    signer = session.signer(by)
    if signer is None:
        raise seals.needs_key(by)
    stream = session.store.stream(unit.id)
    report, hashes = check_stream(stream, anchors.seen(session, unit, stream.genesis))
    if not report.ok:
        raise DataError("checkpoint.broken_log", unit=unit.id)
    for problem in anchors.held_against(session, unit, stream.genesis, hashes):  # never sign what one saw otherwise
        raise anchors.refusal(problem)
    size = report.last_seq
    point = Checkpoint(anchors.origin_of(session, unit), size, hashes[size] if size else digest(stream.genesis))
    note = anchors.sign(session, point, signer)
    if note is None:  # pragma: no cover - the signer registered its key in this store
        raise seals.needs_key(by)
    key = next(line for line in note.decode().splitlines() if line.startswith("\u2014 ")).split()[1]
    where = blobs.save_checkpoint(session.store, unit.id, size, key, note)
    witness.remember(anchors.folder(session), point, note)
    if out is not None:
        try:
            out.write_bytes(note)
        except OSError as exc:
            raise UserError("seal.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from exc
    return Checkpointed(point, note, where, out)


@dataclass(frozen=True)
class CheckpointCheck:
    path: Path
    checkpoint: Checkpoint | None  # None: it could not be read
    signers: list[str]  # the names of the registered keys whose signatures hold
    against_log: bool  # this store holds that log, and the checkpoint was checked against it
    problems: list[Message]


def verify_checkpoints(session: Session, paths: list[Path]) -> list[CheckpointCheck]:
    """Check checkpoints received from units: each one's signature, each against the log if
    this store holds it, and all of them together: two of one log that disagree on a record
    are a fork (the log was rewritten between them)."""
    keys = blobs.registered_keys(session.store)
    read: list[tuple[Path, checkpoints.Signed | Message]] = []
    for path in paths:
        try:
            read.append((path, checkpoints.parse(read_named(path, files.SMALL), keys)))
        except ChecklistError as exc:
            read.append((path, exc.message))
    sizes: dict[str, set[int]] = {}
    for _, signed in read:
        if isinstance(signed, checkpoints.Signed):
            sizes.setdefault(signed.checkpoint.origin, set()).add(signed.checkpoint.size)
    logs = _logs_by_origin(session, sizes)
    found = session.registry()
    units = (
        {origin(u, digest(session.store.genesis(u))): u for u in session.store.unit_ids()} if found.statements else {}
    )
    checks = []
    for path, signed in read:
        if not isinstance(signed, checkpoints.Signed):
            checks.append(CheckpointCheck(path, None, [], False, [signed]))
            continue
        point, problems = signed.checkpoint, []
        hashes = logs.get(point.origin)
        if hashes is not None and not checkpoints.consistent(point, hashes):
            problems.append(message("checkpoint.not_held", size=point.size))
        problems += _ended_signers(found, signed, units.get(point.origin))
        names = [key.name for key in signed.signers]
        checks.append(CheckpointCheck(path, point, names, hashes is not None, problems))
    _forks(checks)
    return checks


def _ended_signers(found: Registry, signed: checkpoints.Signed, unit_id: str | None) -> list[Message]:
    """A checkpoint of a log this store holds, signed with a key after its revocation or
    rotation (by the chain: past the head the statement names)."""
    problems = []
    for signer in signed.signers:
        for statement in found.ends(signer.key):
            if statement.covers(None, signed.checkpoint.size, unit_id):
                problems.append(revocation.ended_message(statement))
                break
    return problems


def _logs_by_origin(session: Session, sizes: dict[str, set[int]]) -> dict[str, Mapping[int, str]]:
    """The line hashes the checkpoints name (`sizes`, by origin) of every unit of this store
    they name, by the origin its checkpoints name."""
    found: dict[str, Mapping[int, str]] = {}
    for unit_id in session.store.unit_ids():
        genesis = session.store.genesis(unit_id)
        named = origin(unit_id, digest(genesis))
        if named in sizes:
            found[named] = blobs.line_hashes(session.store.stream(unit_id), sizes[named])
    return found


def _forks(checks: list[CheckpointCheck]) -> None:
    heads: dict[tuple[str, int], CheckpointCheck] = {}
    for check in checks:
        point = check.checkpoint
        if point is None:
            continue
        other = heads.setdefault((point.origin, point.size), check)
        if other.checkpoint is not None and other.checkpoint.head != point.head:
            for side in (check, other):
                side.problems.append(
                    message("checkpoint.fork", size=point.size, files=[str(other.path), str(check.path)])
                )


def read_named(path: Path, limit: int) -> bytes:
    """A file the user names (a seal, a checkpoint): a regular file, read no further than `limit`."""
    try:
        return files.read_bounded(path, limit)
    except OSError as exc:
        raise UserError("seal.cannot_read", path=str(path), reason=exc.strerror or str(exc)) from exc
    except DataError as exc:  # not a regular file, or far too large: the user named it
        raise UserError("seal.cannot_read", path=str(path), reason=exc.message) from exc
