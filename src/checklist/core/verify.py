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
from dataclasses import dataclass, field
from datetime import datetime

from . import blobs, names
from . import seal as seals
from .chain import ChainReport, digest, seq_of
from .chain import check as check_chain
from .errors import DataError, Message, StoreDamaged, message
from .keys import PublicKey, signature_holds
from .models import Record, Unit
from .names import same_person
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
    log = store.log(unit_id)
    return check_chain(log.lines, log.torn, digest(log.genesis), log.head, lambda line: legacy_problem(line, log.unit))


def audit(store: Store, log: LogBytes) -> Audit:
    """The chain check, and the signed records and those naming evidence; only those lines
    are parsed (found by a byte search)."""
    chain = check_chain(log.lines, log.torn, digest(log.genesis), log.head, lambda line: legacy_problem(line, log.unit))
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
    seal_problems: list[Message] = field(default_factory=list)
    index_problem: Message | None = None
    signers: dict[str, int] = field(default_factory=dict)  # records whose signature holds, by key id
    first_signed: dict[str, datetime] = field(default_factory=dict)  # when each key first signed here
    identity_problems: list[Message] = field(default_factory=list)  # approvals with the signer's key

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
        elif not same_person(key.name, record.actor):
            verdict.bad_signature.append(message("verify.borrowed_key", owner=key.name, **about))
        else:
            verdict.signed += 1
            verdict.signers[key.key] = verdict.signers.get(key.key, 0) + 1
            verdict.first_signed[key.key] = min(record.at, verdict.first_signed.get(key.key, record.at))
    verdict.identity_problems += _own_key_approvals(found.signed)
    _check_seals(store, log, keys, verdict)
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


def _check_seals(store: Store, log: LogBytes, keys: dict[str, PublicKey], verdict: Verdict) -> None:
    kept = blobs.seals(store, log.unit)
    if not kept:
        return
    hashes = blobs.line_hashes(log)
    store_id = store.store_id()
    for name, data in kept:
        verdict.seals += 1
        try:
            sealed = seals.parse(data, name)
        except DataError as exc:
            verdict.seal_problems.append(message("verify.seal_unreadable", name=name, why=exc.message))
            continue
        found = _seal_names(sealed, log.unit, store_id) + seals.check(sealed, keys, hashes)
        verdict.seal_problems += [message("verify.seal", name=name, problem=p) for p in found]


def _seal_names(sealed: seals.Seal, unit_id: str, store_id: str | None) -> list[Message]:
    """A seal kept under a unit names that unit and (from format 3) this store: one copied
    from another unit's folder, or from another store, is not this unit's."""
    return seals.names_problems(sealed, unit_id, store_id)


@dataclass
class StoreVerdict:
    """What `verify` found: each unit's verdict, and the store's shared files."""

    units: list[Verdict]
    evidence_referenced: int
    evidence_problems: list[Message]
    catalogs: int  # catalog versions kept in the store, each re-hashed
    catalog_problems: list[Message]
    keys: dict[str, PublicKey] = field(default_factory=dict)  # registered in the store
    key_problems: list[Message] = field(default_factory=list)  # registrations that do not hold

    def failed(self, require_signatures: bool = False) -> bool:
        return bool(
            self.evidence_problems
            or self.catalog_problems
            or self.key_problems
            or any(v.problems(require_signatures) for v in self.units)
        )


def verify_store(store: Store, units: list[Unit]) -> StoreVerdict:
    """Every unit's verdict, the stored evidence files re-hashed, and the kept catalogs."""
    keys = blobs.registered_keys(store)
    holders = {names.key(k.name) for k in keys.values()}
    verdicts, wanted, unsigned = [], set(), {}
    for unit in units:
        log = store.log(unit.id)
        verdict, found = verify_unit(store, log, unit, keys)
        verdicts.append(verdict)
        wanted |= {f.sha256 for r in found.with_evidence for f in r.evidence if f.stored}
        unsigned[unit.id] = _unsigned_records(log, holders) if holders else []
    kept = blobs.kept_catalog_digests(store)
    evidence = blobs.check_evidence(store, wanted)
    whole = StoreVerdict(verdicts, len(wanted), evidence, len(kept), _check_catalogs(store, kept))
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
