"""Trust: verifying a store, repairing a torn write, sealing a day, checking a seal, and keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from ..core import blobs, clock, files, keys
from ..core import seal as seals
from ..core.errors import DataError, Message, NoStore, UserError
from ..core.keys import PublicKey
from ..core.store import Repairable, Snapshots
from ..core.verify import StoreVerdict, verify_store
from .session import Session
from .settings import Settings


@dataclass(frozen=True)
class Repair:
    unit: str
    moved: int  # bytes of an incomplete last line moved to quarantine
    dropped_index: bool  # a saved index that did not say what the log says was removed


@dataclass(frozen=True)
class Verification:
    verdict: StoreVerdict
    require_signatures: bool
    repairs: list[Repair] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.verdict.failed(self.require_signatures)


def verify(
    session: Session, *, all_units: bool = False, repair: bool = False, require_signatures: bool = False
) -> Verification:
    """Check that the records are what was written (see core/verify.py); first repair what a
    crash can leave behind, if asked."""
    units = session.store.units() if all_units else [session.select_unit()]
    repairs = [_repair(session, unit.id) for unit in units] if repair else []
    verdict = verify_store(session.store, units)
    return Verification(verdict, require_signatures, [r for r in repairs if r.moved or r.dropped_index])


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
    try:
        data = files.read_bounded(path, files.SEAL)
    except OSError as exc:
        raise UserError("seal.cannot_read", path=str(path), reason=exc.strerror or str(exc)) from exc
    except DataError as exc:  # not a regular file, or far too large: the user named it
        raise UserError("seal.cannot_read", path=str(path), reason=exc.message) from exc
    sealed = seals.parse(data, str(path))
    store = session.store
    have_log = sealed.unit in store.unit_ids()
    hashes = blobs.line_hashes(store.log(sealed.unit)) if have_log else None
    return SealCheck(sealed, have_log, seals.check(sealed, blobs.registered_keys(store), hashes))


@dataclass(frozen=True)
class Sealed:
    seal: seals.Seal
    where: str  # where the store keeps it
    copy: Path | None  # the file it was also written to


def seal(session: Session, day: date | None = None, out: Path | None = None) -> Sealed:
    """Sign and keep the statement of a day (today, by the clock, in the unit's time zone)."""
    unit = session.select_unit()
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
    hashes = blobs.line_hashes(session.store.log(unit.id))
    draft = seals.make(status, session.store.records(unit.id), hashes, period=day, now=clock.real_now(), by=by)
    sealed = draft.model_copy(update={"sig": signer(draft.canonical())})
    content = sealed.model_dump_json(indent=2).encode() + b"\n"
    where = blobs.save_seal(session.store, unit.id, sealed.file_name().removesuffix(".json"), content)
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
    registered_in: str | None  # the store it was registered in; None outside a store


def new_key(settings: Settings, name: str | None = None) -> NewKey:
    """Make a key pair; register its public half in the store, if there is one here."""
    try:
        session: Session | None = Session.open(settings)
    except NoStore:
        session = None
    owner = name.strip() if name and name.strip() else settings.actor(session.store.config() if session else {})
    public, private = keys.new_key(settings.config_home(), owner)
    if session is not None:
        blobs.register_key(session.store, public)
    return NewKey(public, private, session.location if session else None)


@dataclass(frozen=True)
class KeyList:
    registered: dict[str, PublicKey]  # in this store
    own: dict[str, PublicKey]  # with a private key on this machine


def list_keys(settings: Settings) -> KeyList:
    try:
        registered = blobs.registered_keys(Session.open(settings).store)
    except NoStore:
        registered = {}
    return KeyList(registered, {k.key: k for k in keys.own_keys(settings.config_home())})
