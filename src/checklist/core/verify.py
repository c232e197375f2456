"""Verifying a store: what `checklist verify` proves, unit by unit, over any backend.

For each unit: the hash chain from the unit file to the head (edits, insertions, removals,
reorderings, a cut-off end, a torn last line), checked over the records' bytes as written;
every signature against the registered keys; every seal; and, where the backend keeps one,
the saved index. For the store: every evidence file re-hashed against its name, every stored
file a record names present, and every kept catalog re-hashed. See README, "Trust", for what
this does not prove.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from . import blobs, names, unitlist
from . import checkpoint as checkpoints
from . import seal as seals
from .chain import ChainReport, digest, seq_of
from .chain import check as check_chain
from .checkpoint import origin
from .errors import DataError, Message, NotFound, StoreDamaged, message
from .keys import PublicKey, signature_holds
from .logindex import unusable
from .models import Record, Unit
from .names import same_person
from .store import Blob, LogBytes, Snapshots, Store, legacy_problem, parse_line

_SIGNED, _WITH_EVIDENCE = b'"sig":{', b'"evidence":[{'
# A record the fold cannot use has figures, or no item (an event, with its moment): other lines
# are not parsed for it. Two searches that mostly succeed early in the line: cheap.
_NO_FIGURES, _ITEM = b'"figures":{}', b'"item":'


@dataclass
class Audit:
    """What `verify` needs of a unit's log, read once: its chain, and the records it must look into."""

    chain: ChainReport
    signed: list[tuple[Record, bytes]]  # with the line as written, which the signature covers
    with_evidence: list[Record]
    damaged: Message | None = None  # a signed or evidence line that cannot be read
    index_problem: Message | None = None  # the saved index says something the log does not
    unusable: list[Message] = field(default_factory=list)  # records status leaves out (logindex.unusable)


def chain(store: Store, unit_id: str) -> ChainReport:
    """Re-compute a unit's hash chain from its records' bytes as written (see chain.check)."""
    return check_log(store.log(unit_id))


def check_log(log: LogBytes) -> ChainReport:
    return check_chain(log.lines, log.torn, digest(log.genesis), log.head, lambda line: legacy_problem(line, log.unit))


def audit(store: Store, log: LogBytes) -> Audit:
    """The chain check, and the signed records and those naming evidence; only those lines
    are parsed (found by a byte search)."""
    chain = check_log(log)
    found = Audit(chain, [], [])
    candidates = []  # lines that may hold a record the fold cannot use
    try:
        for number, line in enumerate(log.lines, start=1):
            if _SIGNED in line:
                found.signed.append((parse_line(log.where, line, number, log.unit, torn=False), line))
            if _WITH_EVIDENCE in line:
                found.with_evidence.append(parse_line(log.where, line, number, log.unit, torn=False))
            if _NO_FIGURES not in line or _ITEM not in line:
                candidates.append(number)
    except StoreDamaged as exc:
        found.damaged = exc.message
    found.unusable = _unusable(log, candidates)
    if chain.ok and found.damaged is None and isinstance(store, Snapshots):
        found.index_problem = store.check_snapshot(log.unit)
    return found


def _unusable(log: LogBytes, numbers: list[int]) -> list[Message]:
    """Of the lines numbered, the records the status fold leaves out and why: a warning, as the
    chain still holds them."""
    found = []
    for number in numbers:
        try:
            problem = unusable(parse_line(log.where, log.lines[number - 1], number, log.unit, torn=False))
        except StoreDamaged:  # the chain check names a line that cannot be read
            continue
        if problem is not None:
            found.append(problem)
    return found


@dataclass
class Verdict:
    unit: Unit
    chain: ChainReport
    signed: int = 0
    unknown_key: list[Message] = field(default_factory=list)
    bad_signature: list[Message] = field(default_factory=list)
    seals: int = 0
    seal_problems: list[Message] = field(default_factory=list)  # seals' and checkpoints'
    checkpoints: int = 0
    index_problem: Message | None = None
    anchors: list[Message] = field(default_factory=list)  # what witnesses outside the store saw, and the log lost
    signers: dict[str, int] = field(default_factory=dict)  # records whose signature holds, by key id
    first_signed: dict[str, datetime] = field(default_factory=dict)  # when each key first signed here
    identity_problems: list[Message] = field(default_factory=list)  # approvals with the signer's key
    unusable: list[Message] = field(default_factory=list)  # warnings: records status cannot use

    @property
    def unsigned(self) -> int:
        return max(self.chain.records - self.signed, 0)

    def problems(self, require_signatures: bool = False) -> list[Message]:
        found = [
            message("verify.at_line", line=line, problem=said) if line else said for line, said in self.chain.problems
        ]
        if self.chain.torn_at is not None:
            found.append(message("verify.torn", line=self.chain.torn_at))
        found += self.unknown_key + self.bad_signature + self.identity_problems + self.seal_problems
        found += [self.index_problem] if self.index_problem else []
        found += self.anchors
        if require_signatures and self.unsigned:
            found.append(message("verify.unsigned", count=self.unsigned))
        return found


def verify_unit(store: Store, log: LogBytes, unit: Unit, keys: dict[str, PublicKey]) -> tuple[Verdict, Audit]:
    found = audit(store, log)
    verdict = Verdict(unit, found.chain)
    if found.damaged:
        verdict.bad_signature.append(found.damaged)
    verdict.index_problem = found.index_problem
    verdict.unusable = found.unusable
    for record, line in found.signed:
        if record.sig is None:  # "sig":{ in a note, not a signature
            continue
        about = {"seq": record.seq, "item": record.item or record.action, "actor": record.actor}
        key = keys.get(record.sig.key)
        if key is None:
            verdict.unknown_key.append(message("verify.unknown_key", key=record.sig.key, **about))
        elif not signature_holds(key, Record.signed_part(line), record.sig):
            verdict.bad_signature.append(message("verify.bad_signature", **about))
        elif not same_person(key.name, record.actor):
            verdict.bad_signature.append(message("verify.borrowed_key", owner=key.name, **about))
        else:
            verdict.signed += 1
            verdict.signers[key.key] = verdict.signers.get(key.key, 0) + 1
            verdict.first_signed[key.key] = min(record.at, verdict.first_signed.get(key.key, record.at))
    verdict.identity_problems += _own_key_approvals(found.signed)
    kept_seals = blobs.kept_with(store, Blob.SEAL, log.unit)
    kept_points = blobs.kept_with(store, Blob.CHECKPOINT, log.unit)
    if kept_seals or kept_points:
        hashes = blobs.line_hashes(log)
        _check_seals(kept_seals, store_id=store.store_id(), unit_id=log.unit, keys=keys, hashes=hashes, verdict=verdict)
        _check_checkpoints(kept_points, origin(log.unit, digest(log.genesis)), keys, hashes, verdict)
    return verdict, found


def _own_key_approvals(signed: list[tuple[Record, bytes]]) -> list[Message]:
    """Approvals signed with the key that signed the record they approve."""
    by_id = {record.id: record for record, _ in signed if record.sig is not None}
    problems = []
    for record, _ in signed:
        approved = by_id.get(record.approves or "")
        if record.sig and approved and approved.sig and approved.sig.key == record.sig.key:
            problems.append(
                message(
                    "verify.own_key_approval",
                    seq=record.seq,
                    item=record.item,
                    actor=record.actor,
                    approved=approved.seq,
                    key=record.sig.key,
                )
            )
    return problems


def _check_checkpoints(
    kept: list[tuple[str, bytes]],
    unit_origin: str,
    keys: dict[str, PublicKey],
    hashes: Mapping[int, str],
    verdict: Verdict,
) -> None:
    """Every checkpoint kept with a unit: signed by a registered key, of this log, and still
    held by it (a log cut back or rewritten after a checkpoint no longer is)."""
    for name, data in kept:
        verdict.checkpoints += 1
        try:
            signed = checkpoints.parse(data, keys)
        except DataError as exc:
            verdict.seal_problems.append(message("verify.checkpoint", name=name, problem=exc.message))
            continue
        point = signed.checkpoint
        if point.origin != unit_origin:
            verdict.seal_problems.append(message("verify.checkpoint_elsewhere", name=name, origin=point.origin))
        elif not checkpoints.consistent(point, hashes):
            signers = [key.name for key in signed.signers]
            verdict.seal_problems.append(message("verify.checkpoint_lost", name=name, size=point.size, by=signers))


def _check_seals(
    kept: list[tuple[str, bytes]],
    *,
    store_id: str | None,
    unit_id: str,
    keys: dict[str, PublicKey],
    hashes: Mapping[int, str],
    verdict: Verdict,
) -> None:
    for name, data in kept:
        verdict.seals += 1
        try:
            sealed = seals.parse(data, name)
        except DataError as exc:
            verdict.seal_problems.append(message("verify.seal_unreadable", name=name, why=exc.message))
            continue
        # a seal kept under a unit names that unit and (from format 3) this store: one copied
        # from another unit's folder, or from another store, is not this unit's
        found = seals.names_problems(sealed, unit_id, store_id) + seals.check(sealed, keys, hashes)
        verdict.seal_problems += [message("verify.seal", name=name, problem=p) for p in found]


@dataclass
class StoreVerdict:
    """What `verify` found: each unit's verdict, and the store's shared files."""

    units: list[Verdict]
    evidence_referenced: int
    evidence_problems: list[Message]
    catalogs: int  # catalog versions kept in the store, each re-hashed
    catalog_problems: list[Message]
    listing: Listing
    keys: dict[str, PublicKey] = field(default_factory=dict)  # registered in the store
    key_problems: list[Message] = field(default_factory=list)  # registrations that do not hold

    def failed(self, require_signatures: bool = False) -> bool:
        return bool(
            self.evidence_problems
            or self.catalog_problems
            or self.key_problems
            or self.listing.problems
            or any(v.problems(require_signatures) for v in self.units)
        )


@dataclass
class Listing:
    """The store's list of its units held against its folders (see unitlist.py)."""

    listed: int | None  # None: the store keeps no list yet
    problems: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    readable: list[Unit] = field(default_factory=list)  # the units to verify


def check_units(store: Store, keys: dict[str, PublicKey], only: str | None = None) -> Listing:
    """Which units the store holds, by its list and by its folders: a listed unit whose file is
    gone, a folder the list does not name, a unit file not the one a unit was started with, a
    folder holding another unit's file (`only`: look at that unit alone)."""
    folders = store.unit_ids() if only is None else [only]
    lines = store.unit_list()
    if lines is None:
        listing = Listing(None, warnings=[message("units.no_list")])
        entries: dict[str, unitlist.Listed] | None = None
    else:
        reading = unitlist.read(lines, store.location)
        listing = Listing(len(reading.entries), problems=list(reading.problems))
        entries = reading.entries
        listing.problems += _list_signatures(reading, keys)
    wanted = sorted(set(folders) | (set(entries) if entries is not None and only is None else set()))
    for unit_id in wanted:
        listing.problems += _listed(store, unit_id, entries, listing)
    return listing


def _listed(store: Store, unit_id: str, entries: dict[str, unitlist.Listed] | None, listing: Listing) -> list[Message]:
    entry = entries.get(unit_id) if entries is not None else None
    try:
        genesis = store.genesis(unit_id)
        listing.readable.append(store.unit(unit_id))
    except NotFound:
        return [message("units.gone", unit=unit_id)] if entry is not None else []
    except DataError as exc:
        return [message("units.unreadable", unit=unit_id, problem=exc.message)]
    if entries is None:
        return []
    if entry is None:
        return [message("units.unlisted", unit=unit_id)]
    return [] if digest(genesis) == entry.genesis else [message("units.changed", unit=unit_id)]


def _list_signatures(reading: unitlist.Reading, keys: dict[str, PublicKey]) -> list[Message]:
    problems = []
    for entry, signed in reading.signed:
        if entry.sig is None:  # pragma: no cover - only signed lines are collected
            continue
        key = keys.get(entry.sig.key)
        if key is None:
            problems.append(message("units.unknown_key", unit=entry.unit, key=entry.sig.key))
        elif not signature_holds(key, signed, entry.sig):
            problems.append(message("units.bad_signature", unit=entry.unit))
    return problems


Anchors = Callable[[Unit, LogBytes], list[Message]]


def verify_store(store: Store, only: str | None = None, anchors: Anchors | None = None) -> StoreVerdict:
    """Every unit's verdict (or `only` that one's), the store's list of units held against its
    folders, the stored evidence files re-hashed, and the kept catalogs."""
    keys = blobs.registered_keys(store)
    holders = {names.key(k.name) for k in keys.values()}
    listing = check_units(store, keys, only)
    verdicts, wanted, unsigned = [], set(), {}
    for unit in listing.readable:
        log = store.log(unit.id)
        verdict, found = verify_unit(store, log, unit, keys)
        if anchors is not None:
            verdict.anchors = anchors(unit, log)
        verdicts.append(verdict)
        wanted |= {f.sha256 for r in found.with_evidence for f in r.evidence if f.stored}
        unsigned[unit.id] = _unsigned_records(log, holders) if holders else []
    kept = blobs.kept_catalog_digests(store)
    evidence = blobs.check_evidence(store, wanted)
    whole = StoreVerdict(verdicts, len(wanted), evidence, len(kept), _check_catalogs(store, kept), listing)
    _check_registrations(whole, keys)
    _check_unsigned_after_registration(whole, keys, unsigned)
    return whole


def _check_registrations(found: StoreVerdict, keys: dict[str, PublicKey]) -> None:
    """Every key registration: a key registered for a name that has one already speaks for
    it only if endorsed (see registry.py); records signed with one that does not are named."""
    from . import registry

    checked = registry.read(keys)
    found.keys, found.key_problems = keys, checked.problems
    for verdict in found.units:
        for key_id in [k for k in verdict.signers if k not in checked.accepted]:
            verdict.identity_problems.append(
                message("verify.unendorsed_signer", key=key_id, name=keys[key_id].name, count=verdict.signers[key_id])
            )


def _check_catalogs(store: Store, digests: list[str]) -> list[Message]:
    """Each kept catalog against the hash of its own bytes (see catalog.kept)."""
    problems = []
    for kept_digest in digests:
        try:
            blobs.kept_catalog(store, kept_digest)
        except DataError as exc:
            problems.append(exc.message)
    return problems


_ACTOR_AT = re.compile(rb'"actor":"((?:[^"\\]|\\.)*)","at":"([^"]+)"')


@dataclass(frozen=True)
class Unsigned:
    """An unsigned record: its number, its actor, and the latest time written on it or on
    any record before it in the chain (a record cannot be older than those before it)."""

    seq: int
    actor: str
    not_before: datetime


def _unsigned_records(log: LogBytes, holders: set[str]) -> list[Unsigned]:
    """The unsigned chained records of a log made in the name of a key holder (`holders`:
    their names' keys), read by a byte search: no record is parsed."""
    found: list[Unsigned] = []
    latest: datetime | None = None
    actors: dict[bytes, str | None] = {}  # a name as written, and its key if it is a holder's
    for line in log.lines:
        match = _ACTOR_AT.search(line)
        seq = seq_of(line) if match else None
        if match is None or seq is None:
            continue  # not a chained record: the chain check names it
        try:
            at = datetime.fromisoformat(match.group(2).decode().replace("Z", "+00:00"))
            written = match.group(1)
            if written not in actors:
                actor = json.loads(b'"' + written + b'"')
                actors[written] = actor if names.key(actor) in holders else None
        except (ValueError, TypeError):
            continue
        latest = at if latest is None or at > latest else latest
        holder = actors[written]
        if holder is not None and _SIGNED not in line:
            found.append(Unsigned(seq, holder, latest))
    return found


def _check_unsigned_after_registration(
    whole: StoreVerdict, keys: dict[str, PublicKey], unsigned: dict[str, list[Unsigned]]
) -> None:
    """An unsigned record in the name of someone whose key was registered in the store before
    it was made is a problem (one made before is not). A key registered before registrations
    said when (format 1) counts from its first signature in the store, else from when it was made."""
    from . import registry

    accepted = registry.read(keys).accepted
    if not accepted:
        return
    first_signed: dict[str, datetime] = {}
    for verdict in whole.units:
        for key_id, at in verdict.first_signed.items():
            first_signed[key_id] = min(at, first_signed.get(key_id, at))
    since: dict[str, tuple[datetime, PublicKey]] = {}
    for key in accepted.values():
        when = key.registered_at or first_signed.get(key.key, key.created_at)
        name = names.key(key.name)
        if name not in since or when < since[name][0]:
            since[name] = (when, key)
    for verdict in whole.units:
        late: dict[str, list[Unsigned]] = {}
        for record in unsigned.get(verdict.unit.id, []):
            held = since.get(names.key(record.actor))
            if held is not None and record.not_before >= held[0]:
                late.setdefault(record.actor, []).append(record)
        for actor, found in late.items():
            when, key = since[names.key(actor)]
            verdict.identity_problems.append(
                message(
                    "verify.unsigned_after_key",
                    count=len(found),
                    name=actor,
                    seqs=[r.seq for r in found[:10]],
                    more=len(found) > 10,
                    key=key.key,
                    since=when,
                )
            )
