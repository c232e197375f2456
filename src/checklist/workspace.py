"""The session a command works in: a store, the catalog each unit runs, and who is acting."""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from . import paths
from .core import blobs, clock
from .core import catalog as catalogs
from .core.errors import ChecklistError, NotFound, StoreDamaged, UserError
from .core.evidence import DEFAULT_MAX_MB
from .core.filestore import FileStore
from .core.fuzzy import closest
from .core.items import resolve_all
from .core.logindex import LogIndex, event_key
from .core.models import Catalog, CatalogRef, Draft, Measure, Recurrence, Unit, UnitKind, from_user
from .core.schedule import periods
from .core.status import PENDING, Clock, Item, ItemStatus, UnitStatus, items_for, state_of, unit_status
from .core.store import LocalCache, Signer, Store, check_unit_id

if TYPE_CHECKING:
    from .core import seal as seals
    from .core.attest import Attestation, Outcome, Target


def resolve_kind(catalog: Catalog, token: str) -> UnitKind:
    """A unit kind by its id or its Chinese or English name, in any case, or a unique part of one."""
    wanted = token.strip().casefold()
    names = {kind.id: (kind.id, kind.name.zh.casefold(), kind.name.en.casefold()) for kind in catalog.meta.unit_kinds}
    by_id = {kind.id: kind for kind in catalog.meta.unit_kinds}
    exact = [kind_id for kind_id, forms in names.items() if wanted in forms]
    partial = [kind_id for kind_id, forms in names.items() if wanted and any(wanted in form for form in forms)]
    for found in (exact, partial):
        if len(found) == 1:
            return by_id[found[0]]
    if len(partial) > 1:
        raise UserError(f"{token!r} fits more than one unit kind: {', '.join(partial)}", hint="name the kind by its id")
    owner = {form: kind_id for kind_id, forms in names.items() for form in forms}
    suggestions = list(dict.fromkeys(owner[form] for form in closest(wanted, owner, limit=6)))[:3]
    raise NotFound(
        f"unknown unit kind {token!r}",
        suggestions,
        hint=None if suggestions else "known kinds: " + ", ".join(names),
    )


@dataclass(frozen=True)
class Started:
    unit: Unit
    created: bool


class Workspace:
    def __init__(self, store: Store, catalog_path: Path | None = None, now: str | None = None) -> None:
        self.store = store
        self.catalog_path = catalog_path  # an explicit --catalog / CHECKLIST_CATALOG
        self.now_option = now  # --now; CHECKLIST_NOW is read by clock.now
        self._catalogs: dict[Path | None, Catalog] = {}
        self._kept: dict[str, Catalog] = {}  # by digest: a thousand units share a few versions

    @classmethod
    def open(cls, store: str | None, catalog: str | None = None, now: str | None = None) -> Workspace:
        return cls(FileStore.open(paths.existing_store(store)), catalogs.resolve_path(catalog), now)

    @classmethod
    def for_start(cls, store: str | None, catalog: str | None = None, now: str | None = None) -> Workspace:
        return cls(FileStore.create(paths.store_for_start(store)), catalogs.resolve_path(catalog), now)

    def now(self, catalog: Catalog) -> datetime:
        """What the clock says, in the catalog's time zone (see clock.now)."""
        return clock.now(self.now_option, ZoneInfo(catalog.meta.timezone))

    # -- the catalog -------------------------------------------------------------

    def catalog(self, path: Path | None = None) -> Catalog:
        if path not in self._catalogs:
            cache = self.store.cache_folder() if isinstance(self.store, LocalCache) else None
            self._catalogs[path] = catalogs.load(path, cache=cache)
        return self._catalogs[path]

    def catalog_for(self, unit: Unit, index: LogIndex) -> Catalog:
        """The catalog a unit runs: the version it was started with or last upgraded to (by
        its log's `index`), as kept in the store, so that a changed catalog file never changes
        a unit silently."""
        digest = index.record_at(index.upgrades_at[-1]).catalog if index.upgrades_at else unit.catalog.digest
        if digest in self._kept:
            return self._kept[digest]
        kept = blobs.kept_catalog(self.store, digest)
        if kept is not None:
            self._kept[digest] = kept
            return kept
        source = self.source_catalog(unit)  # a store from before catalogs were kept
        if source.digest == digest:
            blobs.keep_catalog(self.store, source)
            return source
        raise StoreDamaged(
            f"the catalog version unit {unit.id} runs ({digest[:19]}…) is not in the store any more",
            hint="`checklist upgrade` moves the unit to the catalog it was started from",
        )

    def source_catalog(self, unit: Unit) -> Catalog:
        """The catalog as it is now where the unit's came from (or --catalog / CHECKLIST_CATALOG)."""
        if self.catalog_path is not None:
            return self.catalog(self.catalog_path)
        return self.catalog(Path(unit.catalog.path) if unit.catalog.path else None)

    def newer_catalog(self, unit: Unit, running: Catalog) -> Catalog | None:
        """The source catalog, if it differs from the version the unit runs (None if the same or unreadable)."""
        try:
            source = self.source_catalog(unit)
        except ChecklistError:
            return None
        return None if source.same_content(running) else source

    def upgrade(self, unit: Unit, actor: str) -> tuple[Catalog, Catalog] | None:
        """Move a unit to its source catalog, recorded as an action; None if it runs it already."""
        current, _ = self.view(unit)
        source = self.source_catalog(unit)
        if source.same_content(current.catalog):
            return None
        blobs.keep_catalog(self.store, source)
        old, new = current.catalog, source
        note = f"{old.meta.version} ({old.digest[:15]}) → {new.meta.version} ({new.digest[:15]})"
        draft = from_user(
            Draft,
            id=uuid.uuid4().hex,
            unit=unit.id,
            action="upgraded",
            actor=actor,
            at=clock.real_now().astimezone(ZoneInfo(source.meta.timezone)),
            note=note,
            catalog=source.digest,
        )
        self.store.append(draft, self.signer(actor))
        return current.catalog, source

    # -- who and which unit ------------------------------------------------------

    def actor(self, option: str | None) -> str:
        for candidate in (option, os.environ.get("CHECKLIST_USER"), self.store.config().get("user")):
            if candidate and str(candidate).strip():
                return str(candidate).strip()
        try:
            return getpass.getuser()
        except (OSError, KeyError):
            raise UserError("cannot tell who you are", hint="pass --by NAME or set CHECKLIST_USER") from None

    def select_unit(self, option: str | None) -> Unit:
        """--unit, else the only unit in the store, else the store's default unit."""
        if option:
            return self.store.unit(option)
        ids = self.store.unit_ids()
        if len(ids) == 1:
            return self.store.unit(ids[0])
        if not ids:
            raise UserError("this store has no units yet", hint="start one with `checklist start --unit prison`")
        default = self.store.config().get("default_unit")
        if default:
            return self.store.unit(str(default))
        raise UserError(
            f"this store has {len(ids)} units: {', '.join(ids)}",
            hint="name one with --unit ID, or make one the default with `checklist use ID`",
        )

    # -- starting ----------------------------------------------------------------

    def start(self, kind_token: str, actor: str, name: str | None = None, unit_id: str | None = None) -> Started:
        """Start a unit of a kind, or resume it when it exists already."""
        catalog = self.catalog(self.catalog_path)
        now = self.now(catalog)
        kind = resolve_kind(catalog, kind_token)
        existing = self._existing(kind, name, unit_id)
        if existing is not None:
            return Started(existing, created=False)
        new_id = check_unit_id(unit_id) if unit_id else self._free_id(kind.id)
        ref = CatalogRef(
            name=catalog.meta.name,
            version=catalog.meta.version,
            digest=catalog.digest,
            path=str(self.catalog_path) if self.catalog_path else None,
        )
        unit = from_user(
            Unit,
            id=new_id,
            kind=kind.id,
            name=name.strip() if name and name.strip() else None,
            catalog=ref,
            started_at=now.astimezone(ZoneInfo(catalog.meta.timezone)),
            started_by=actor,
        )
        blobs.keep_catalog(self.store, catalog)
        self.store.create_unit(unit)
        return Started(unit, created=True)

    def _existing(self, kind: UnitKind, name: str | None, unit_id: str | None) -> Unit | None:
        if unit_id:
            if check_unit_id(unit_id) not in self.store.unit_ids():
                return None
            unit = self.store.unit(unit_id)
            if unit.kind != kind.id:
                raise UserError(f"unit {unit_id!r} exists already, as a {unit.kind}, not a {kind.id}")
            return unit
        units = [u for u in self.store.units() if u.kind == kind.id]
        if name:
            return next((u for u in units if u.name == name.strip()), None)
        return next((u for u in units if u.id == kind.id), None)

    def _free_id(self, base: str) -> str:
        taken = set(self.store.unit_ids())
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    # -- status and attestations -------------------------------------------------

    def status(self, unit: Unit) -> UnitStatus:
        return self.view(unit)[0]

    def view(self, unit: Unit) -> tuple[UnitStatus, LogIndex]:
        index = self.store.index(unit.id)
        catalog = self.catalog_for(unit, index)
        return unit_status(unit, catalog, index, self.now(catalog)), index

    def attest(
        self,
        unit: Unit,
        tokens: Sequence[str],
        request: Attestation,
        subject: str | None = None,
        period: str | None = None,
    ) -> list[Outcome]:
        """Check, then append one record per item that changes; returns what happened to each."""
        from .core.attest import plan

        current, index = self.view(unit)
        targets = [
            self._target(current, index, item, subject=subject, period=period, action=request.action)
            for item in self._items(current, tokens)
        ]
        stamp = clock.real_now().astimezone(ZoneInfo(current.catalog.meta.timezone))
        outcomes = plan(
            targets,
            request,
            unit_id=unit.id,
            digest=current.catalog.digest,
            now=stamp,
            max_evidence_bytes=self.evidence_max_bytes(),
        )
        if request.copy_evidence:
            outcomes = self._keep_evidence(outcomes, request.evidence)
        if any(o.draft is not None for o in outcomes):
            signer = self.signer(request.actor)
            for outcome in outcomes:
                if outcome.draft is not None:
                    self.store.append(outcome.draft, signer)
        return outcomes

    def signer(self, actor: str) -> Signer | None:
        """Sign as `actor` if they have a key on this machine (registering it in the store)."""
        from .core import keys

        public = keys.key_for(actor)
        if public is None:
            return None
        blobs.register_key(self.store, public)
        private = keys.load_private(public)
        return lambda data: keys.sign(private, public, data)

    def seal(self, unit: Unit, period: date | None, by: str) -> tuple[seals.Seal, str]:
        """Sign and save the statement of a day (today, by the clock, in the unit's time zone)."""
        from .core import seal as seals

        signer = self.signer(by)
        if signer is None:
            raise seals.needs_key(by)
        status = self.status(unit)
        zone = ZoneInfo(status.catalog.meta.timezone)
        today, started = status.now.astimezone(zone).date(), unit.started_at.astimezone(zone).date()
        day = period or today
        if day > today:
            raise UserError(f"{day} has not come yet (today is {today} in {zone.key}); seal a day once it has begun")
        if day < started:
            raise UserError(f"{unit.id} was started on {started}; there is nothing to seal for {day}")
        hashes = blobs.line_hashes(self.store.log(unit.id))
        draft = seals.make(status, self.store.records(unit.id), hashes, period=day, now=clock.real_now(), by=by)
        sealed = draft.model_copy(update={"sig": signer(draft.canonical())})
        content = sealed.model_dump_json(indent=2).encode() + b"\n"
        return sealed, blobs.save_seal(self.store, unit.id, sealed.file_name().removesuffix(".json"), content)

    def evidence_max_bytes(self) -> int:
        configured = self.store.config().get("evidence_max_mb", DEFAULT_MAX_MB)
        try:
            return int(float(configured) * 1_000_000)
        except (TypeError, ValueError):
            raise UserError(f"evidence_max_mb must be a number of megabytes, not {configured!r}") from None

    def _keep_evidence(self, outcomes: list[Outcome], paths: Sequence[Path]) -> list[Outcome]:
        """Copy the evidence into the store before any record names it as stored."""
        from .core.attest import Outcome

        drafts = [o.draft for o in outcomes if o.draft is not None]
        if not drafts:
            return outcomes
        for path, file in zip(paths, drafts[0].evidence, strict=True):
            blobs.keep_evidence(self.store, path, file.sha256)
        stored = [file.model_copy(update={"stored": True}) for file in drafts[0].evidence]
        return [
            Outcome(o.target, o.draft.model_copy(update={"evidence": stored}) if o.draft else None) for o in outcomes
        ]

    def event(
        self,
        unit: Unit,
        kind: str,
        subject: str,
        *,
        actor: str,
        at: str | None = None,
        note: str | None = None,
        withdraw: bool = False,
    ) -> Draft | None:
        """Record an event (a new admission, say) or withdraw one; None when nothing changes."""
        current, index = self.view(unit)
        kinds = sorted({m.trigger.event for m in current.catalog.for_kind(unit.kind) if m.trigger})
        if kind not in kinds:
            known = ", ".join(kinds) or "none"
            raise NotFound(
                f"no measure of a {unit.kind} is triggered by {kind!r} (events: {known})", closest(kind, kinds)
            )
        zone = ZoneInfo(current.catalog.meta.timezone)
        occurred = clock.parse(at, zone, "--at") if at else current.now
        if occurred > current.now:
            raise UserError(f"--at {occurred.isoformat()} is in the future")
        if occurred < unit.started_at:
            raise UserError(f"--at {occurred.isoformat()} is before the unit started ({unit.started_at.isoformat()})")
        existing = index.events.get(event_key(kind, subject))
        live = existing is not None and existing.action == "event"
        if withdraw and not live:
            raise UserError(f"there is no {kind} of {subject!r} to withdraw")
        if withdraw and not (note or "").strip():
            raise UserError("withdrawing an event needs a reason", hint='add --note "…"')
        if not withdraw and live:
            return None
        draft = from_user(
            Draft,
            id=uuid.uuid4().hex,
            unit=unit.id,
            action="withdrawn" if withdraw else "event",
            actor=actor,
            at=clock.real_now().astimezone(zone),
            event=kind,
            subject=subject.strip(),
            occurred=None if withdraw else occurred.astimezone(zone),
            note=(note or "").strip() or None,
            catalog=current.catalog.digest,
        )
        self.store.append(draft, self.signer(actor))
        return draft

    def _items(self, current: UnitStatus, tokens: Sequence[str]) -> list[Item]:
        return resolve_all(tokens, items_for(current.catalog, current.unit.kind))

    def _target(
        self, current: UnitStatus, index: LogIndex, item: Item, *, subject: str | None, period: str | None, action: str
    ) -> Target:
        """Which subject and period an attestation of `item` covers, and how that stands."""
        from .core.attest import Target

        measure = item.measure
        clock_ = Clock(ZoneInfo(current.catalog.meta.timezone), current.now)
        if measure.trigger is not None:
            status = self._subject_item(current, item, subject)
            return Target(status, status.state, index.entry(measure.id, status.item.subject), status.item.subject)
        status = next(s for s in current.items if s.item.number == item.number)
        if subject is not None:
            raise UserError(f"item {item.number} ({measure.id}) is not kept per subject; leave out --subject")
        if measure.recurrence is None:
            if period is not None:
                raise UserError(f"item {item.number} ({measure.id}) does not recur; leave out --for")
            return Target(status, status.state, index.entry(measure.id))
        whole = index.entry(measure.id)  # a waiver of a recurring measure covers it as a whole
        if period is None and (
            action == "na" or (action in ("reopened", "approved") and whole and whole.last.action == "na")
        ):
            return Target(status, state_of(whole, measure, clock_), whole)
        key = self._period_key(current, measure, measure.recurrence, period)
        entry = index.entry(measure.id, None, key)
        return Target(status, state_of(entry, measure, clock_), entry, period=key)

    def _subject_item(self, current: UnitStatus, item: Item, subject: str | None) -> ItemStatus:
        mine = [s for s in current.items if s.item.number == item.number and s.item.subject is not None]
        if subject is not None:
            found = next((s for s in mine if s.item.subject == subject), None)
            if found is None:
                known = [s.item.subject or "" for s in mine]
                raise NotFound(f"no subject {subject!r} for item {item.number} ({item.id})", closest(subject, known))
            return found
        pending = [s for s in mine if s.state in PENDING]
        if len(pending) == 1:
            return pending[0]
        if not mine:
            event = item.measure.trigger.event if item.measure.trigger else "?"
            raise UserError(
                f"item {item.number} ({item.id}) is kept per subject, and there is none yet",
                hint=f"record one with `checklist event {event} --subject ID`",
            )
        names = ", ".join(s.item.subject or "" for s in (pending or mine)[:8])
        raise UserError(f"item {item.number} ({item.id}) is kept per subject: name one with --subject ({names})")

    def _period_key(self, current: UnitStatus, measure: Measure, rec: Recurrence, period: str | None) -> str:
        status = next(s for s in current.items if s.item.id == measure.id)
        if period is None:
            if status.period is None:
                raise UserError(f"{measure.id} is not due now; name the period with --for")
            return status.period.key
        zone = ZoneInfo(current.catalog.meta.timezone)
        unit = current.unit
        keys = {p.key for p in periods(rec, zone, unit.started_at, current.now, unit.started_at)}
        if period not in keys:
            example = status.period.key if status.period else "a period key"
            raise UserError(
                f"{period!r} is not a period of {measure.id} between the unit's start and now",
                hint=f"periods look like {example}",
            )
        return period
