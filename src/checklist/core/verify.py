"""Verifying a store: what `checklist verify` proves, unit by unit, over any backend.

For each unit: the hash chain from the unit file to the head (edits, insertions, removals,
reorderings, a cut-off end, a torn last line), checked over the records' bytes as written;
every signature against the registered keys; every seal; and, where the backend keeps one,
the saved index. For the store: every evidence file re-hashed against its name, every stored
file a record names present, and every kept catalog re-hashed. See README, "Trust", for what
this does not prove.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import blobs, unitlist
from . import checkpoint as checkpoints
from . import seal as seals
from .chain import ChainReport, digest
from .chain import check as check_chain
from .checkpoint import origin
from .errors import DataError, Message, NotFound, StoreDamaged, message
from .keys import PublicKey, signature_holds
from .models import Record, Unit
from .store import LogBytes, Snapshots, Store, legacy_problem, parse_line

_SIGNED, _WITH_EVIDENCE = b'"sig":{', b'"evidence":[{'


@dataclass
class Audit:
    """What `verify` needs of a unit's log, read once: its chain, and the records it must look into."""

    chain: ChainReport
    signed: list[tuple[Record, bytes]]  # with the line as written, which the signature covers
    with_evidence: list[Record]
    damaged: Message | None = None  # a signed or evidence line that cannot be read
    index_problem: Message | None = None  # the saved index says something the log does not


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
    try:
        for number, line in enumerate(log.lines, start=1):
            if _SIGNED in line:
                found.signed.append((parse_line(log.where, line, number, log.unit, torn=False), line))
            if _WITH_EVIDENCE in line:
                found.with_evidence.append(parse_line(log.where, line, number, log.unit, torn=False))
    except StoreDamaged as exc:
        found.damaged = exc.message
    if chain.ok and found.damaged is None and isinstance(store, Snapshots):
        found.index_problem = store.check_snapshot(log.unit)
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

    @property
    def unsigned(self) -> int:
        return max(self.chain.records - self.signed, 0)

    def problems(self, require_signatures: bool = False) -> list[Message]:
        found = [
            message("verify.at_line", line=line, problem=said) if line else said for line, said in self.chain.problems
        ]
        if self.chain.torn_at is not None:
            found.append(message("verify.torn", line=self.chain.torn_at))
        found += self.unknown_key + self.bad_signature + self.seal_problems
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
    for record, line in found.signed:
        if record.sig is None:  # "sig":{ in a note, not a signature
            continue
        about = {"seq": record.seq, "item": record.item or record.action, "actor": record.actor}
        key = keys.get(record.sig.key)
        if key is None:
            verdict.unknown_key.append(message("verify.unknown_key", key=record.sig.key, **about))
        elif not signature_holds(key, Record.signed_part(line), record.sig):
            verdict.bad_signature.append(message("verify.bad_signature", **about))
        elif key.name != record.actor:
            verdict.bad_signature.append(message("verify.borrowed_key", owner=key.name, **about))
        else:
            verdict.signed += 1
    kept_seals, kept_points = blobs.seals(store, log.unit), blobs.checkpoints(store, log.unit)
    if kept_seals or kept_points:
        hashes = blobs.line_hashes(log)
        _check_seals(kept_seals, keys, hashes, verdict)
        _check_checkpoints(kept_points, origin(log.unit, digest(log.genesis)), keys, hashes, verdict)
    return verdict, found


def _check_checkpoints(
    kept: list[tuple[str, bytes]],
    unit_origin: str,
    keys: dict[str, PublicKey],
    hashes: dict[int, str],
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
            names = [key.name for key in signed.signers]
            verdict.seal_problems.append(message("verify.checkpoint_lost", name=name, size=point.size, by=names))


def _check_seals(
    kept: list[tuple[str, bytes]], keys: dict[str, PublicKey], hashes: dict[int, str], verdict: Verdict
) -> None:
    for name, data in kept:
        verdict.seals += 1
        try:
            sealed = seals.parse(data, name)
        except DataError as exc:
            verdict.seal_problems.append(message("verify.seal_unreadable", name=name, why=exc.message))
            continue
        verdict.seal_problems += [
            message("verify.seal", name=name, problem=p) for p in seals.check(sealed, keys, hashes)
        ]


@dataclass
class StoreVerdict:
    """What `verify` found: each unit's verdict, and the store's shared files."""

    units: list[Verdict]
    evidence_referenced: int
    evidence_problems: list[Message]
    catalogs: int  # catalog versions kept in the store, each re-hashed
    catalog_problems: list[Message]
    listing: Listing

    def failed(self, require_signatures: bool = False) -> bool:
        return bool(
            self.evidence_problems
            or self.catalog_problems
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
    listing = check_units(store, keys, only)
    verdicts, wanted = [], set()
    for unit in listing.readable:
        log = store.log(unit.id)
        verdict, found = verify_unit(store, log, unit, keys)
        if anchors is not None:
            verdict.anchors = anchors(unit, log)
        verdicts.append(verdict)
        wanted |= {f.sha256 for r in found.with_evidence for f in r.evidence if f.stored}
    kept = blobs.kept_catalog_digests(store)
    evidence = blobs.check_evidence(store, wanted)
    return StoreVerdict(verdicts, len(wanted), evidence, len(kept), _check_catalogs(store, kept), listing)


def _check_catalogs(store: Store, digests: list[str]) -> list[Message]:
    """Each kept catalog against the hash of its own bytes (see catalog.kept)."""
    problems = []
    for kept_digest in digests:
        try:
            blobs.kept_catalog(store, kept_digest)
        except DataError as exc:
            problems.append(exc.message)
    return problems
