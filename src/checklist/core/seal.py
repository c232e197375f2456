"""Seals: a unit's signed statement of a period, the thing it sends upward as its daily report.

A seal lists every record made in the period (each with the hash of its line): the
attestations of items, and what concerns the unit as a whole (events, their withdrawals,
catalog upgrades); the unit's standing; and the chain head at that moment, all signed by
the person sealing. A reader holding the same log can check every line the seal names;
anyone holding the signer's public key can check that the seal is theirs and unaltered.

Format 3 is a DSSE envelope (envelope.py) holding the seal's exact bytes, so a seal is
checked against its own bytes, and names the store it was made in; format 4 is the same, for
a day that holds an acknowledgement of alerts (an action release 0.3.0 does not know, which
it refuses as a newer format rather than misread). Format 2 names what each
record is about (item, event and subject, period, or the catalog an upgrade moved to),
leaving out what a record does not have. Format 1, written before events and upgrades were
sealed, had an item in every entry. Formats 1 and 2 carry their signature inside, over the
seal as this model writes it; their entries serialize exactly as they were signed, so those
seals still verify. Format 6 carries the readable part of the day too (readable.py: its
figures, alerts, notes and what was missed), which release 0.6.0 refuses as newer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo

import msgspec
from pydantic import Field, PrivateAttr, SerializerFunctionWrapHandler, model_serializer, model_validator

from . import envelope, formats
from .clock import in_range
from .errors import DataError, Message, UserError, message
from .keys import PublicKey, signature_holds
from .models import HASH, Action, Record, Signature, Stored, Unit
from .names import same_person
from .readable import Day
from .status import State, UnitStatus

if TYPE_CHECKING:
    from .store import LogStream

SEAL_FORMAT: Literal[3] = 3  # formats.SEAL: in an envelope, names its store; 2: every record of the day
# A seal that names a record of a newer format (formats.NEWER_ACTIONS) is of that format: an older release refuses it.
PAYLOAD_TYPE = "application/vnd.checklist.seal+json"  # the envelope's payloadType


class SealEntry(Stored):
    """One record of the sealed day. Fields without a value are left out (and a format 1
    entry, which has only the first seven, is written exactly as it was signed)."""

    seq: Annotated[int, Field(ge=1)]
    id: str
    item: str | None = None  # None for what concerns the unit: an event, a withdrawal, an upgrade
    action: Action
    actor: str
    at: datetime
    hash: HASH
    event: str | None = None  # the kind of event, for event and withdrawn
    subject: str | None = None  # whom an event or a per-subject attestation concerns
    part: str | None = None  # the unit's part a record concerns (format 5)
    period: str | None = None  # the period a recurring measure's record covers
    catalog: str | None = None  # for upgraded: the catalog the unit moved to
    note: str | None = None  # for upgraded: which version to which

    @model_serializer(mode="wrap")
    def _without_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        dumped: dict[str, object] = handler(self)
        return {name: value for name, value in dumped.items() if value is not None}

    @classmethod
    def of(cls, record: Record, line_hash: str) -> SealEntry:
        upgrade = record.action == "upgraded"
        return cls(
            seq=record.seq or 0,
            id=record.id,
            item=record.item,
            action=record.action,
            actor=record.actor,
            at=record.at,
            hash=line_hash,
            event=record.event,
            subject=record.subject,
            part=record.part,
            period=record.period,
            catalog=record.catalog if upgrade else None,
            note=record.note if upgrade else None,
        )

    def describe(self) -> str:
        """What the record is about: 'prison.visits', 'admission P2020-017', 'catalog upgrade'."""
        if self.item is not None:
            where = f" @{self.part}" if self.part else ""
            return (
                self.item
                + (f" {self.subject}" if self.subject else "")
                + where
                + (f" {self.period}" if self.period else "")
            )
        if self.part is not None:
            return f"{self.action} {self.part}"
        if self.event is not None:
            return f"{self.event} {self.subject or ''}".strip()
        if self.action == "set":
            return "the unit's attributes"
        return "catalog upgrade" if self.action == "upgraded" else "the unit"


class SealHead(Stored):
    seq: Annotated[int, Field(ge=0)]
    hash: HASH | None


class Seal(Stored):
    """A unit's signed statement of a day. From format 3 it names the store it was made in
    (its id): a seal kept under another unit, or in another store, is not that unit's. An
    older seal has no `store`, and is written without one, exactly as it was signed."""

    format: Literal[1, 2, 3, 4, 5, 6] = SEAL_FORMAT  # up to formats.SEAL
    kind: Literal["checklist-seal"] = "checklist-seal"
    unit: str
    store: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    unit_name: str
    unit_kind: str
    period: date
    timezone: str
    made_at: datetime
    by: str
    catalog: str
    head: SealHead
    totals: dict[str, int]
    # unit parts: each active part's totals over its items (format 5); absent for a unit without parts
    parts: dict[str, dict[str, int]] | None = None
    entries: list[SealEntry]
    day: Day | None = None  # the readable part of the day (format 6 on: readable.py)
    sig: Signature | None = None  # in the file from formats 1 and 2; in the envelope's signatures from 3
    _signed: bytes | None = PrivateAttr(default=None)  # what the envelope's signature covers

    @model_serializer(mode="wrap")
    def _without_store(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        dumped: dict[str, object] = handler(self)
        if dumped.get("store", "") is None:
            del dumped["store"]
        if dumped.get("parts", "") is None:  # a seal without parts is written as it always was
            del dumped["parts"]
        if dumped.get("day", "") is None:  # a seal before format 6 is written as it was signed
            del dumped["day"]
        return dumped

    @model_validator(mode="after")
    def _names_its_store(self) -> Seal:
        if (self.format >= SEAL_FORMAT) != (self.store is not None):
            raise ValueError("a seal names its store from format 3 on, and only then")
        if (self.format >= formats.READABLE_SEAL) != (self.day is not None):
            raise ValueError("a seal carries the readable part of its day from format 6 on, and only then")
        return self

    def canonical(self) -> bytes:
        return self.model_dump_json(exclude={"sig"}).encode()

    def signed_part(self) -> bytes:
        """What the signature covers: the envelope's exact bytes (PAE), or, for a seal of
        format 1 or 2, the seal as this model writes it."""
        return self._signed if self._signed is not None else self.canonical()

    def file_name(self) -> str:
        return f"{self.period.isoformat()}.{self.head.seq}.json"


def make(
    status: UnitStatus,
    records: Sequence[Record],
    hashes: Mapping[int, str],
    *,
    period: date,
    now: datetime,
    by: str,
    store: str,
) -> Seal:
    """The unsigned statement of `period` (a day in the unit's time zone) as of now, with
    the readable part of the day (format 6: readable.py)."""
    from .readable import day_of

    unit: Unit = status.unit
    zone = ZoneInfo(status.catalog.meta.timezone)
    sealed = [
        r
        for r in records
        if r.seq is not None and r.seq in hashes and in_range(r.at) and r.at.astimezone(zone).date() == period
    ]  # in_range: a record dated by hand in the year 1 or 9999 is of no day to seal, and cannot overflow
    entries = [SealEntry.of(r, hashes[r.seq]) for r in sealed if r.seq is not None]
    newest = max((formats.record_format(r) for r in sealed), default=SEAL_FORMAT)  # a part's record: format 5
    counted: tuple[State, ...] = ("done", "na", "blocked", "open")
    parts = {part: {state: tally.counts[state] for state in counted} for part, tally in status.part_tallies().items()}
    newest = max(newest, formats.NEWER_ACTIONS["part-added"]) if parts else newest
    last = max(hashes, default=0)
    newest = max(newest, formats.READABLE_SEAL)
    return Seal(
        format=max(formats.seal_format((entry.action for entry in entries), SEAL_FORMAT), newest),
        unit=unit.id,
        store=store,
        unit_name=status.catalog.unit_name(unit, "zh"),
        unit_kind=unit.kind,
        period=period,
        timezone=status.catalog.meta.timezone,
        made_at=now.astimezone(zone),
        by=by,
        catalog=status.catalog.digest,
        head=SealHead(seq=last, hash=hashes.get(last)),
        totals={state: status.tally.counts[state] for state in counted},
        parts=parts or None,
        entries=entries,
        day=day_of(status, sealed, period),
    )


def check(seal: Seal, keys: dict[str, PublicKey], hashes: Mapping[int, str] | None) -> list[Message]:
    """What is wrong with a seal: its signature, and (with the unit's log at hand) its lines."""
    problems = []
    if seal.sig is None:
        problems.append(message("seal.unsigned"))
    elif (key := keys.get(seal.sig.key)) is None:
        problems.append(message("seal.unknown_key", key=seal.sig.key))
    elif not signature_holds(key, seal.signed_part(), seal.sig):
        problems.append(message("seal.bad_signature", key=seal.sig.key))
    elif not same_person(key.name, seal.by):
        problems.append(message("seal.borrowed_key", owner=key.name, by=seal.by))
    if hashes is not None:
        problems += _lines(seal, hashes)
    if seal.day is not None:  # the figures and notes of the day come from records of the day
        sealed = {entry.seq for entry in seal.entries}
        for entry in [*seal.day.figures, *seal.day.notes]:
            if entry.seq not in sealed:
                problems.append(message("seal.readable_unsealed", seq=entry.seq))
    return problems


def readable_problems(seal: Seal, stream: LogStream) -> list[Message]:
    """Where a seal's readable part does not say what the records it names say, in the
    unit's log (`stream`): read once, only the lines of the records it names parsed."""
    from .readable import problems

    if seal.day is None or not (wanted := seal.day.seqs()):
        return []
    return problems(seal.day, records_at(stream, wanted))


def records_at(stream: LogStream, wanted: set[int]) -> dict[int, Record]:
    """The chained records of these numbers in a log, read a chunk at a time (a line that
    cannot be read is left out: the chain check names it)."""
    from .chain import seq_of
    from .store import parse_line

    found: dict[int, Record] = {}
    last = max(wanted)
    number = 0
    for _, lines in stream.batches():
        for index, line in enumerate(lines):
            seq = seq_of(line)
            if seq in wanted:
                try:
                    found[seq] = parse_line(stream.where, line, number + index + 1, stream.unit, torn=False)
                except DataError:
                    continue
        number += len(lines)
        if len(found) == len(wanted) or (lines and (seq_of(lines[-1]) or 0) > last):
            break
    return found


def _lines(seal: Seal, hashes: Mapping[int, str]) -> list[Message]:
    problems = []
    if seal.head.seq and hashes.get(seal.head.seq) != seal.head.hash:
        problems.append(message("seal.head_differs", seq=seal.head.seq))
    for entry in seal.entries:
        if hashes.get(entry.seq) != entry.hash:
            problems.append(message("seal.record_differs", seq=entry.seq, what=entry.describe(), action=entry.action))
    return problems


def names_problems(seal: Seal, unit_id: str, store_id: str | None) -> list[Message]:
    """What is wrong with a seal kept under a unit of a store: it must name that unit and,
    from format 3, that store (an older seal names no store)."""
    problems = []
    if seal.unit != unit_id:
        problems.append(message("seal.other_unit", sealed=seal.unit, unit=unit_id))
    if seal.store is not None and seal.store != store_id:
        problems.append(message("seal.other_store", sealed=seal.store, store=store_id))
    return problems


def signed(draft: Seal, signer: Callable[[bytes], Signature]) -> tuple[Seal, bytes]:
    """The seal signed, and its file: a DSSE envelope holding the seal's exact bytes."""
    payload = draft.canonical()
    content = envelope.wrap(PAYLOAD_TYPE, payload, [signer(envelope.pae(PAYLOAD_TYPE, payload))])
    return parse(content, "the seal just made"), content


def parse(data: bytes, where: str) -> Seal:
    """A seal from its bytes; one in a newer format is refused as such, not as damage."""
    try:
        found = json.loads(data)
        if envelope.is_envelope(found):
            return _opened(envelope.unwrap(found), where)
        seal = _seal(found, where)
    except ValueError as exc:
        raise DataError("seal.not_a_seal", path=where, why=_why(exc)) from exc
    if seal.format >= SEAL_FORMAT:
        raise DataError("seal.not_a_seal", path=where, why=message("seal.needs_envelope", format=seal.format))
    return seal


def _opened(opened: envelope.Opened, where: str) -> Seal:
    if opened.payload_type != PAYLOAD_TYPE:
        raise ValueError(f"an envelope of {opened.payload_type!r}, not of a seal")
    if len(opened.signatures) != 1:
        raise ValueError(f"a seal has one signature, this envelope {len(opened.signatures)}")
    seal = _seal(json.loads(opened.payload), where)
    if seal.format < SEAL_FORMAT or seal.sig is not None:
        raise ValueError("an envelope holds a seal of format 3 on, without a signature inside")
    seal = seal.model_copy(update={"sig": opened.signatures[0]})
    seal._signed = opened.signed_part()
    return seal


def _why(exc: ValueError) -> str:
    """The first thing wrong, located: `entries.0.at: Input should be a valid datetime`."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return str(exc).splitlines()[0]


def _seal(found: object, where: str) -> Seal:
    if isinstance(found, dict):
        formats.check(where, found.get("format"), formats.SEAL)
    return Seal.model_validate(found)


def needs_key(by: str) -> UserError:
    return UserError("seal.needs_key", by=by)


class _Written(msgspec.Struct, gc=False):
    at: str  # as written: the day it begins with is the record's day in its own offset


_WRITTEN = msgspec.json.Decoder(_Written)


def of_day(stream: LogStream, zone: ZoneInfo, day: date) -> tuple[list[Record], dict[int, str]]:
    """The records of a day (in the unit's time zone) and their line hashes, with the last
    record's, in one read of the log, a chunk at a time (a record dated by hand in the year 1
    or 9999 is of no day: see clock.in_range).

    Only lines written within two days of it are parsed: a line's `at` (its time with its own
    offset, peeked at without the rest of the line) is within 26 hours of its time in any
    zone. A line that cannot be peeked at is parsed, and an error if it cannot be read."""
    from .blobs import LineHashes
    from .chain import digest, link_of, seq_of
    from .store import parse_line

    low, high = (day - timedelta(days=2)).isoformat(), (day + timedelta(days=2)).isoformat()
    records, hashes, number = [], LineHashes(()), 1
    found: dict[int, str] = {}
    for _, lines in stream.batches():
        hashes.add(lines)
        for index, line in enumerate(lines):
            try:
                written = _WRITTEN.decode(line).at[:10]
                if not low <= written <= high:
                    continue
            except msgspec.MsgspecError:
                if not line.strip():
                    continue
            record = parse_line(stream.where, line, number + index, stream.unit, torn=False)
            if in_range(record.at) and record.at.astimezone(zone).date() == day:
                records.append(record)
                seq = seq_of(line) if link_of(line) is not None else None
                if seq is not None:
                    found[seq] = digest(line)
        number += len(lines)
    torn = stream.torn
    if torn.strip():  # read if it happens to be whole, as every reader does; it has no line hash
        parse_line(stream.where, torn, number, stream.unit, torn=True)
    if hashes.last:
        found[hashes.last] = hashes[hashes.last]
    return records, found
