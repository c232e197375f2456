"""Verifying a store: what `checklist verify` proves, unit by unit, over any backend.

For each unit: the hash chain from the unit file to the head (edits, insertions, removals,
reorderings, a cut-off end, a torn last line), checked over the records' bytes as written;
every signature against the registered keys; every seal; and, where the backend keeps one,
the saved index. For the store: every evidence file re-hashed against its name, every stored
file a record names present, and every kept catalog re-hashed. See README, "Trust", for what
this does not prove.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import blobs
from . import seal as seals
from .chain import ChainReport, digest
from .chain import check as check_chain
from .errors import DataError, Message, StoreDamaged, message
from .keys import PublicKey, signature_holds
from .logindex import unusable
from .models import Record, Unit
from .store import LogBytes, Snapshots, Store, legacy_problem, parse_line

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
    log = store.log(unit_id)
    return check_chain(log.lines, log.torn, digest(log.genesis), log.head, lambda line: legacy_problem(line, log.unit))


def audit(store: Store, log: LogBytes) -> Audit:
    """The chain check, and the signed records and those naming evidence; only those lines
    are parsed (found by a byte search)."""
    chain = check_chain(log.lines, log.torn, digest(log.genesis), log.head, lambda line: legacy_problem(line, log.unit))
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
    seal_problems: list[Message] = field(default_factory=list)
    index_problem: Message | None = None
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
        found += self.unknown_key + self.bad_signature + self.seal_problems
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
        elif key.name != record.actor:
            verdict.bad_signature.append(message("verify.borrowed_key", owner=key.name, **about))
        else:
            verdict.signed += 1
    _check_seals(store, log, keys, verdict)
    return verdict, found


def _check_seals(store: Store, log: LogBytes, keys: dict[str, PublicKey], verdict: Verdict) -> None:
    kept = blobs.seals(store, log.unit)
    if not kept:
        return
    hashes = blobs.line_hashes(log)
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

    def failed(self, require_signatures: bool = False) -> bool:
        return bool(
            self.evidence_problems or self.catalog_problems or any(v.problems(require_signatures) for v in self.units)
        )


def verify_store(store: Store, units: list[Unit]) -> StoreVerdict:
    """Every unit's verdict, the stored evidence files re-hashed, and the kept catalogs."""
    keys = blobs.registered_keys(store)
    verdicts, wanted = [], set()
    for unit in units:
        verdict, found = verify_unit(store, store.log(unit.id), unit, keys)
        verdicts.append(verdict)
        wanted |= {f.sha256 for r in found.with_evidence for f in r.evidence if f.stored}
    kept = blobs.kept_catalog_digests(store)
    evidence = blobs.check_evidence(store, wanted)
    return StoreVerdict(verdicts, len(wanted), evidence, len(kept), _check_catalogs(store, kept))


def _check_catalogs(store: Store, digests: list[str]) -> list[Message]:
    """Each kept catalog against the hash of its own bytes (see catalog.kept)."""
    problems = []
    for kept_digest in digests:
        try:
            blobs.kept_catalog(store, kept_digest)
        except DataError as exc:
            problems.append(exc.message)
    return problems
