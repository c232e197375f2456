"""A session: what one command works with — its settings, the store they name (a folder, or
any other backend its location names), the clock, who is acting, and the catalogs.

Use cases take a session; the command line never reaches into the store around it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..core import blobs, clock
from ..core import catalog as catalogs
from ..core.alerts import Judge
from ..core.archive import OtherRules, rules_for, settle
from ..core.errors import ChecklistError, Message, NotFound, StoreDamaged, UserError
from ..core.logindex import LogIndex
from ..core.models import Action, Catalog, Draft, Signature, Unit, from_user
from ..core.status import UnitStatus, unit_status
from ..core.store import LocalCache, Store
from .settings import Settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ..core.keys import PublicKey
    from ..core.registry import Registry

# memstore.SCHEME and pgstore.SCHEMES, spelled here so that opening a folder imports neither
MEMORY = "memory:"
POSTGRESQL = ("postgresql://", "postgres://")
PASSPHRASE_TRIES = 3


def open_store(location: str, *, create: bool = False) -> Store:
    """The backend a location names: `memory:NAME` an in-memory store, `postgresql://…` a
    database (whose schema `checklist db migrate` makes), anything else a folder."""
    if location.startswith(MEMORY):
        from ..core.memstore import MemoryStore

        return MemoryStore.named(location)
    if location.startswith(POSTGRESQL):
        from ..core.pgstore import PgStore

        return PgStore.open(location)
    if "://" in location:
        scheme = location.split("://", 1)[0]
        raise UserError("store.unknown_scheme", scheme=scheme)
    from ..core.filestore import FileStore

    return FileStore.create(Path(location)) if create else FileStore.open(Path(location))


@dataclass(frozen=True)
class KeySigner:
    """Signs as one key (a store's Signer), and says which."""

    key: str  # the key's id
    sign: Callable[[bytes], Signature]

    def __call__(self, data: bytes) -> Signature:
        return self.sign(data)


class Session:
    def __init__(self, settings: Settings, store: Store, *, created: bool = False) -> None:
        self.settings = settings
        self.store = store
        self.created = created  # the store was made by this session (`start`)
        self._catalogs: dict[Path | None, Catalog] = {}
        self._kept: dict[str, Catalog] = {}  # by digest: a thousand units share a few versions
        self._private: dict[str, Ed25519PrivateKey] = {}  # by key id: a walk signs many records
        self._bare: tuple[str | None] | None = None  # the unit a bare command reaches, once looked up

    @classmethod
    def open(cls, settings: Settings) -> Session:
        """A session on an existing store (NoStore if there is none)."""
        return cls(settings, open_store(settings.store_location()))

    @classmethod
    def for_start(cls, settings: Settings) -> Session:
        """A session on the store `start` uses, made here if there is none."""
        location = settings.store_location_for_start()
        existed = location.startswith(MEMORY) or "://" in location or Path(location, "store.json").exists()
        return cls(settings, open_store(location, create=True), created=not existed)

    @property
    def location(self) -> str:
        return self.store.location

    # -- the clock and who acts -----------------------------------------------------

    def now(self, catalog: Catalog) -> datetime:
        """What the clock says (--now, CHECKLIST_NOW, else the real time), in the catalog's zone."""
        zone = ZoneInfo(catalog.meta.timezone)
        return clock.parse(self.settings.now, zone, self.settings.now_from) if self.settings.now else clock.real_now()

    def replayed(self, catalog: Catalog) -> datetime | None:
        """The moment --now (or CHECKLIST_NOW) sets the clock to, if it does: records made
        then are marked with it."""
        return self.now(catalog) if self.settings.now else None

    def draft(self, unit: Unit, catalog: Catalog, actor: str, action: Action, **fields: Any) -> Draft:
        """A record of `unit` made now by `actor` under `catalog` (marked with the replayed
        clock, if any), before the store gives it its place; a bad value is a UserError."""
        return from_user(
            Draft,
            id=uuid.uuid4().hex,
            unit=unit.id,
            action=action,
            actor=actor,
            at=clock.real_now().astimezone(ZoneInfo(catalog.meta.timezone)),
            clock=self.replayed(catalog),
            catalog=catalog.digest,
            **fields,
        )

    def refuse_future(self, catalog: Catalog, moment: datetime | None, what: Message) -> None:
        """A replayed clock records nothing the real clock has not reached, unless the store
        allows it (`checklist config clock_override on`)."""
        real = clock.real_now()
        if moment is None or moment <= real or self.settings.clock_override(self.store.config()):
            return
        today = real.astimezone(ZoneInfo(catalog.meta.timezone)).date()
        raise UserError("clock.future", what=what, today=today)

    def actor(self) -> str:
        return self.settings.actor(self.store.config())

    def evidence_max_bytes(self) -> int:
        where = self.location if self.location.startswith(MEMORY) else str(Path(self.location, "config.json"))
        return self.settings.evidence_max_bytes(self.store.config(), where)

    def signer(self, actor: str) -> KeySigner | None:
        """Sign as `actor` if they have a key on this machine: the newest of their keys that
        speaks for their name in this store, else (the name has no key here yet) their newest
        key, registered now. A key for a name that has another one here needs an endorsement
        first (see core/registry.py): signing with it is refused."""
        from ..core import keys

        folder = self.settings.config_home()
        mine = keys.keys_for(folder, actor)
        if not mine:
            return None
        found = self.registry()
        public = next((k for k in mine if k.key in found.accepted and found.ended(k.key) is None), None)
        ended = mine[0] if public is None and mine[0].key in found.accepted else None
        if ended is not None:  # revoked, or replaced by another key: it signs nothing more
            raise _ended(ended, found)
        if public is None:
            holder = found.holder(actor)
            if holder is not None:
                admin = found.admin.name if found.admin else None
                raise UserError("key.not_registered", name=actor, key=mine[0].key, holder=holder.key, admin=admin)
            public = mine[0]
            self.register(public, by=actor)
        private = self.private_key(public)
        return KeySigner(public.key, lambda data: keys.sign(private, public, data))

    def registry(self) -> Registry:
        """Which keys speak for which names in this store."""
        from ..core import registry

        return registry.read(blobs.registered_keys(self.store), blobs.key_statements(self.store))

    def register(self, public: PublicKey, *, by: str, endorser: PublicKey | None = None) -> PublicKey:
        """Register a key in this store, now, by someone; endorsed with `endorser` if given."""
        from ..core import keys

        store_id = self.store.store_id(create=True) or ""
        entry = public.registration(store_id, clock.real_now(), by)
        if endorser is not None:
            signature = keys.sign(self.private_key(endorser), endorser, entry.endorsed_part())
            entry = entry.model_copy(update={"endorsed_by": signature})
        blobs.register_key(self.store, entry)
        return entry

    def private_key(self, public: PublicKey) -> Ed25519PrivateKey:
        """The private half of one of this person's keys on this machine (read once a session)."""

        if public.key not in self._private:
            self._private[public.key] = self._open_key(public)
        return self._private[public.key]

    def _open_key(self, public: PublicKey) -> Ed25519PrivateKey:
        """Read a private key; one protected by a passphrase asks for it on the terminal, a few times."""
        from ..core import keys
        from . import secrets

        folder = self.settings.config_home()
        if not keys.is_protected(folder, public):
            return keys.load_private(folder, public)
        for attempt in range(1, PASSPHRASE_TRIES + 1):
            typed = secrets.passphrase(public.key, public.name, attempt)
            if typed is None:
                raise UserError("key.needs_terminal", key=public.key, name=public.name)
            try:
                return keys.load_private(folder, public, typed)
            except keys.WrongPassphrase:
                if attempt == PASSPHRASE_TRIES:
                    raise
        raise AssertionError("unreachable")

    # -- catalogs ---------------------------------------------------------------------

    def catalog(self, path: Path | None = None) -> Catalog:
        """A catalog from its files (the bundled one for None), through the store's cache."""
        if path not in self._catalogs:
            cache = self.store.cache_folder() if isinstance(self.store, LocalCache) else None
            self._catalogs[path] = catalogs.load(path, cache=cache)
        return self._catalogs[path]

    def catalog_for(self, unit: Unit, index: LogIndex) -> Catalog:
        """The catalog a unit runs: the version it was started with or last upgraded to (by
        its log's `index`), as kept in the store, so that a changed catalog file never changes
        a unit silently."""
        digest = index.catalog_digest(unit)
        kept = self.kept_catalog(digest)
        if kept is not None:
            return kept
        source = self.source_catalog(unit)  # a store from before catalogs were kept
        if source.digest == digest:
            blobs.keep_catalog(self.store, source)
            return source
        raise StoreDamaged("store.catalog_gone", unit=unit.id, digest=digest)

    def kept_catalog(self, digest: str) -> Catalog | None:
        """The catalog kept in the store under a digest (None if it is not), read once a session."""
        if digest not in self._kept:
            kept = blobs.kept_catalog(self.store, digest)
            if kept is None:
                return None
            self._kept[digest] = kept
        return self._kept[digest]

    def judge(self) -> Judge:
        """Judges records' alerts by the catalogs the store keeps, as this session reads them."""
        return Judge(self.kept_catalog)

    def source_catalog(self, unit: Unit) -> Catalog:
        """The catalog as it is now where the unit's came from (or --catalog / CHECKLIST_CATALOG)."""
        if self.settings.catalog is not None:
            return self.catalog(self.settings.catalog)
        return self.catalog(Path(unit.catalog.path) if unit.catalog.path else None)

    def newer_catalog(self, unit: Unit, running: Catalog) -> Catalog | None:
        """The source catalog, if it differs from the version the unit runs (None if the same or unreadable)."""
        try:
            source = self.source_catalog(unit)
        except ChecklistError:
            return None
        return None if source.same_content(running) else source

    # -- units ------------------------------------------------------------------------

    def select_unit(self) -> Unit:
        """--unit, else the only unit in the store, else the store's default unit, else the only
        unit of the store's own among mirrors."""
        chosen = self.settings.unit
        if chosen:
            return self.store.unit(chosen)
        ids = self.store.unit_ids()
        if len(ids) == 1:
            return self.store.unit(ids[0])
        if not ids:
            raise UserError("unit.none_yet")
        default = self.settings.default_unit(self.store.config())
        if default:
            try:
                return self.store.unit(default)
            except NotFound:
                pass  # a default unit that is gone: ask, as if there were none
        own = self._own_units(ids)
        if len(own) == 1:  # a bureau's store: its own unit among the mirrors of the units it receives
            return self.store.unit(own[0])
        names = {unit.id: unit.name for unit in self.store.units()}
        raise UserError("unit.which", store=self.location, count=len(ids), units=ids, names=names, first=ids[0])

    def unit(self, unit_id: str) -> Unit:
        return self.store.unit(unit_id)

    def _own_units(self, ids: list[str]) -> list[str]:
        """The units of this store that are not mirrors of another store's (mirrors.py)."""
        from ..core import mirrors

        return [unit_id for unit_id in ids if mirrors.info(self.store, unit_id) is None]

    def view(self, unit: Unit) -> tuple[UnitStatus, LogIndex]:
        """Where a unit stands now, and the index of its log it was folded from (kept up to
        date beside the log: the next command reads only what is appended after)."""
        try:
            return self._view(unit, fresh=False)
        except StoreDamaged as exc:  # the saved index, read as asked for, was found not to hold
            if exc.message.code != "store.index_stale":
                raise
            return self._view(unit, fresh=True)

    def _view(self, unit: Unit, fresh: bool) -> tuple[UnitStatus, LogIndex]:
        judge = self.judge()

        def assume() -> dict[str, str] | None:
            """A log folded whole: under the renames of the catalog the unit started with,
            likely the ones (checked below); none if that version cannot be read."""
            try:
                started = self.kept_catalog(unit.catalog.digest)
            except ChecklistError:
                return None
            return started.renames if started is not None else None

        index = self.store.index(unit.id, fresh=fresh, settle=self._settling(unit), judge=judge, assume=assume)
        catalog = self.catalog_for(unit, index)
        # Upgraded to a catalog that renames, or records judged before their catalog was kept
        # (a store from before catalogs were kept: catalog_for keeps it): fold it all again.
        if index.renamed != catalog.renames or catalog.digest in judge.missing:
            index = self.store.index(unit.id, fresh=True, renamed=catalog.renames, judge=self.judge())
        try:
            settle(index, rules_for(catalog, unit))
        except OtherRules:  # archived under another catalog (an upgrade since): fold it all again
            index = self.store.index(unit.id, fresh=True, renamed=catalog.renames, judge=self.judge())
            settle(index, rules_for(catalog, unit))
        status = unit_status(unit, catalog, index, self.now(catalog))
        status = dataclasses.replace(status, command_unit=None if unit.id == self._bare_unit() else unit.id)
        self.keep(unit, index, catalog)
        return status, index

    def _bare_unit(self) -> str | None:
        """The unit a command given no --unit reaches (the only one, else the store's default),
        whatever this command was given: what commands printed for the user may leave out."""
        if self._bare is None:
            ids = self.store.unit_ids()
            found = ids[0] if len(ids) == 1 else self.settings.store_default_unit(self.store.config())
            self._bare = (found,)
        return self._bare[0]

    def _settling(self, unit: Unit) -> Callable[[LogIndex], None]:
        """Archives what is settled for good while a long fold goes, under the catalog the unit
        runs at that point of its log; once an upgrade is met it stops (the view folds again)."""
        stopped = False

        def settling(index: LogIndex) -> None:
            nonlocal stopped
            if not stopped:
                try:
                    settle(index, rules_for(self.catalog_for(unit, index), unit))
                except OtherRules:
                    stopped = True

        return settling

    def keep(self, unit: Unit, index: LogIndex, catalog: Catalog | None = None) -> None:
        """Archive what is settled for good, and save the index if it changed."""
        catalog = catalog or self.catalog_for(unit, index)
        with contextlib.suppress(OtherRules):  # an upgrade was just folded in: the next view folds it all again
            if settle(index, rules_for(catalog, unit)):
                index.dirty = True
        if index.dirty:
            self.store.save_index(unit.id, index)

    def status(self, unit: Unit) -> UnitStatus:
        return self.view(unit)[0]


def _ended(public: PublicKey, found: Registry) -> UserError:
    """The refusal to sign with a key revoked or replaced (keystatements.py)."""
    from ..core.keystatements import moment

    statement = found.ended(public.key)
    if statement is None:  # pragma: no cover - asked only of an ended key
        return UserError("key.not_in_store", key=public.key)
    if statement.revoked:
        return UserError(
            "key.revoked", key=public.key, name=public.name, since=moment(statement.since), reason=statement.reason
        )
    return UserError(
        "key.replaced", key=public.key, name=public.name, since=moment(statement.since), new=statement.replaced_by
    )
