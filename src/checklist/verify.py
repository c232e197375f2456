"""Verifying a store: what `checklist verify` proves, unit by unit.

For each unit: the hash chain from the unit file to the head (edits, insertions, removals,
reorderings, a cut-off end, a torn last line); every signature against the registered keys;
every seal. For the store: every evidence file re-hashed against its name, and every stored
file a record names present. See README, "Trust", for what this does not prove.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import seal as seals
from .chain import ChainReport
from .errors import DataError
from .keys import PublicKey, signature_holds
from .models import Record, Unit
from .store import Audit, Store


@dataclass
class Verdict:
    unit: Unit
    chain: ChainReport
    signed: int = 0
    unknown_key: list[str] = field(default_factory=list)
    bad_signature: list[str] = field(default_factory=list)
    seals: int = 0
    seal_problems: list[str] = field(default_factory=list)
    index_problem: str | None = None

    @property
    def unsigned(self) -> int:
        return max(self.chain.records - self.signed, 0)

    def problems(self, require_signatures: bool = False) -> list[str]:
        found = [f"line {line}: {message}" if line else message for line, message in self.chain.problems]
        if self.chain.torn_at is not None:
            found.append(
                f"line {self.chain.torn_at}: an incomplete last line (a write was interrupted); "
                "`checklist verify --repair` moves it to quarantine"
            )
        found += [f"unknown key: {p}" for p in self.unknown_key]
        found += [f"bad signature: {p}" for p in self.bad_signature]
        found += [f"seal: {p}" for p in self.seal_problems]
        found += [self.index_problem] if self.index_problem else []
        if require_signatures and self.unsigned:
            found.append(f"{self.unsigned} records are not signed")
        return found


def verify_unit(store: Store, audit: Audit, unit: Unit, keys: dict[str, PublicKey]) -> Verdict:
    verdict = Verdict(unit, audit.chain)
    if audit.damaged:
        verdict.bad_signature.append(audit.damaged)
    verdict.index_problem = audit.index_problem
    for record, line in audit.signed:
        if record.sig is None:  # "sig":{ in a note, not a signature
            continue
        where = f"record {record.seq} ({record.item}, {record.actor})"
        key = keys.get(record.sig.key)
        if key is None:
            verdict.unknown_key.append(f"{where} is signed with {record.sig.key}, not registered in this store")
        elif not signature_holds(key, Record.signed_part(line), record.sig):
            verdict.bad_signature.append(f"{where}: the signature does not hold")
        elif key.name != record.actor:
            verdict.bad_signature.append(f"{where} is signed with the key of {key.name!r}")
        else:
            verdict.signed += 1
    _check_seals(store, unit, keys, verdict)
    return verdict


def _check_seals(store: Store, unit: Unit, keys: dict[str, PublicKey], verdict: Verdict) -> None:
    paths = store.seals(unit.id)
    if not paths:
        return
    hashes = store.line_hashes(unit.id)
    for path in paths:
        verdict.seals += 1
        try:
            sealed = seals.Seal.model_validate_json(path.read_bytes())
        except (OSError, ValueError) as exc:
            verdict.seal_problems.append(f"{path.name}: cannot be read: {exc}")
            continue
        verdict.seal_problems += [f"{path.name}: {p}" for p in seals.check(sealed, keys, hashes)]


@dataclass
class StoreVerdict:
    """What `verify` found: each unit's verdict, and the store's shared files."""

    units: list[Verdict]
    evidence_referenced: int
    evidence_problems: list[str]
    catalogs: int  # catalog versions kept in the store, each re-hashed
    catalog_problems: list[str]

    def failed(self, require_signatures: bool = False) -> bool:
        return bool(
            self.evidence_problems or self.catalog_problems or any(v.problems(require_signatures) for v in self.units)
        )


def verify_store(store: Store, units: list[Unit]) -> StoreVerdict:
    """Every unit's verdict, the stored evidence files re-hashed, and the kept catalogs."""
    keys = store.registered_keys()
    audits = [(unit, store.audit(unit.id)) for unit in units]
    verdicts = [verify_unit(store, audit, unit, keys) for unit, audit in audits]
    wanted = {f.sha256 for _, audit in audits for r in audit.with_evidence for f in r.evidence if f.stored}
    kept = store.catalog_digests()
    return StoreVerdict(verdicts, len(wanted), store.check_evidence(wanted), len(kept), _check_catalogs(store, kept))


def _check_catalogs(store: Store, digests: list[str]) -> list[str]:
    """Each kept catalog against the hash of its own bytes (see catalog.kept)."""
    problems = []
    for digest in digests:
        try:
            store.load_catalog(digest)
        except DataError as exc:
            problems.append(exc.message)
    return problems
