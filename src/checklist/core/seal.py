"""Seals: a unit's signed statement of a period, the thing it sends upward as its daily report.

A seal lists the attestations made in the period (each with the hash of its line), the
unit's standing, and the chain head at that moment, all signed by the person sealing. A
reader holding the same log can check every line the seal names; anyone holding the
signer's public key can check that the seal is theirs and unaltered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from .errors import UserError
from .keys import PublicKey, signature_holds
from .models import HASH, Action, Record, Signature, Stored, Unit
from .status import UnitStatus

SEAL_FORMAT: Literal[1] = 1


class SealEntry(Stored):
    seq: Annotated[int, Field(ge=1)]
    id: str
    item: str
    action: Action
    actor: str
    at: datetime
    hash: HASH


class SealHead(Stored):
    seq: Annotated[int, Field(ge=0)]
    hash: HASH | None


class Seal(Stored):
    format: Literal[1] = SEAL_FORMAT
    kind: Literal["checklist-seal"] = "checklist-seal"
    unit: str
    unit_name: str
    unit_kind: str
    period: date
    timezone: str
    made_at: datetime
    by: str
    catalog: str
    head: SealHead
    totals: dict[str, int]
    entries: list[SealEntry]
    sig: Signature | None = None

    def canonical(self) -> bytes:
        return self.model_dump_json(exclude={"sig"}).encode()

    def file_name(self) -> str:
        return f"{self.period.isoformat()}.{self.head.seq}.json"


def make(
    status: UnitStatus, records: Sequence[Record], hashes: dict[int, str], *, period: date, now: datetime, by: str
) -> Seal:
    """The unsigned statement of `period` (a day in the unit's time zone) as of now."""
    unit: Unit = status.unit
    zone = ZoneInfo(status.catalog.meta.timezone)
    entries = [
        SealEntry(seq=r.seq, id=r.id, item=r.item, action=r.action, actor=r.actor, at=r.at, hash=hashes[r.seq])
        for r in records
        if r.seq is not None and r.seq in hashes and r.at.astimezone(zone).date() == period
    ]
    last = max(hashes, default=0)
    return Seal(
        unit=unit.id,
        unit_name=status.catalog.unit_name(unit, "zh"),
        unit_kind=unit.kind,
        period=period,
        timezone=status.catalog.meta.timezone,
        made_at=now.astimezone(zone),
        by=by,
        catalog=status.catalog.digest,
        head=SealHead(seq=last, hash=hashes.get(last)),
        totals={state: status.tally.counts[state] for state in ("done", "na", "blocked", "open")},
        entries=entries,
    )


def check(seal: Seal, keys: dict[str, PublicKey], hashes: dict[int, str] | None) -> list[str]:
    """What is wrong with a seal: its signature, and (with the unit's log at hand) its lines."""
    problems = []
    if seal.sig is None:
        problems.append("the seal is not signed")
    elif (key := keys.get(seal.sig.key)) is None:
        problems.append(f"signed with key {seal.sig.key}, which is not registered in this store")
    elif not signature_holds(key, seal.canonical(), seal.sig):
        problems.append(f"the signature does not hold: the seal was altered, or not made with {seal.sig.key}")
    elif key.name != seal.by:
        problems.append(f"signed with the key of {key.name!r} but says it was made by {seal.by!r}")
    if hashes is not None:
        problems += _lines(seal, hashes)
    return problems


def _lines(seal: Seal, hashes: dict[int, str]) -> list[str]:
    problems = []
    if seal.head.seq and hashes.get(seal.head.seq) != seal.head.hash:
        problems.append(f"the log's record {seal.head.seq} is not the one the seal saw as its head")
    for entry in seal.entries:
        if hashes.get(entry.seq) != entry.hash:
            problems.append(f"record {entry.seq} ({entry.item}, {entry.action}) differs from the sealed one or is gone")
    return problems


def needs_key(by: str) -> UserError:
    return UserError("seal.needs_key", by=by)
