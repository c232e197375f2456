"""Verifying a store: what `checklist verify` proves, unit by unit, over any backend.

For each unit: the hash chain from the unit file to the head (edits, insertions, removals,
reorderings, a cut-off end, a torn last line), checked over the records' bytes as written;
every signature against the registered keys; every seal; and, where the backend keeps one,
the saved index. For the store: every evidence file re-hashed against its name, every stored
file a record names present, and every kept catalog re-hashed. See README, "Trust", for what
this does not prove.

Each log is read once, a chunk at a time (`LogPass`): its memory is that of a chunk, and of
what the checks keep (32 bytes a record when seals name its records), whatever its length.
Only the lines that need it are parsed: a line ending as this program writes a record
without figures, evidence or signature is told by bytes at fixed places, the others are
peeked at (three fields, by msgspec), and only signed ones, those naming evidence and those
the status fold may not be able to use are read whole. Large stores are verified by several
processes at once (`audits`): the units shared among them, and a long log cut into parts,
each checked from the hash of the line before it, while another worker checks its saved
index; a log that is not a whole chain is checked again in order, so that its first break
is named as a check in order names it. A signature is looked for where this program writes
it (before the record's number): a line holding one elsewhere was not written by it, and
its record counts as unsigned.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from . import blobs, mirrors, names, unitlist
from . import checkpoint as checkpoints
from . import seal as seals
from .blobs import LineHashes
from .chain import ChainCheck, ChainReport, check_head, digest, link_of, seq_of
from .checkpoint import origin
from .clock import EARLIEST, LATEST
from .errors import DataError, Message, NotFound, StoreDamaged, message
from .figures import LIMIT
from .keys import PublicKey, signature_holds
from .logindex import unusable
from .models import Record, Unit
from .names import same_person
from .store import Blob, LogStream, Snapshots, Store, legacy_problem, parse_line

if TYPE_CHECKING:
    from .keystatements import KeyStatement
    from .registry import Registry

_SIGNED, _WITH_EVIDENCE = b'"sig":{', b'"evidence":[{'
# How a record's line ends when it has no figures, no evidence and no signature: its catalog
# ("sha256:" and 64 hex digits), then its number and link (`,"seq":N,"prev":…}`), or the
# line's end for a record of format 1. A line that ends so, with its item where a line of its
# unit holds it (`item_at`), needs no parsing: a record the fold cannot use has figures, or
# no item (an event, with its moment). Found at fixed places from the end: no line is scanned.
_PLAIN_END, _SEQ, _ITEM, _QUOTE = b'"figures":{},"evidence":[],"catalog":"sha256:', b',"seq":', b'"item":"', 0x22
_ID = re.compile(rb'"id":"([0-9a-f]{32})"')
_ACTOR_AT = re.compile(rb'"actor":"((?:[^"\\]|\\.)*)","at":"([^"]+)"')

PARALLEL_BYTES = 32 << 20  # logs of less than this in all are verified in this process: a pool costs ~10 ms a worker
SPLIT_BYTES = 64 << 20  # a log of more than this is cut into parts, one a worker
# Checking a signature takes ~85 us: a signed log is verified by the pool, each log cut in
# parts, from this length on (a log is taken as signed if its first 64 KiB hold a signature).
SIGNED_BYTES = 1 << 20


@dataclass(frozen=True)
class Approval:
    """A signed approval: whose record it approves, and the key that signed it."""

    seq: int | None
    item: str | None
    actor: str
    approves: str
    key: str


@dataclass
class Signatures:
    """What the signatures of a log say."""

    holding: int = 0  # records whose signature holds, by a key that speaks for their actor
    signers: dict[str, int] = field(default_factory=dict)  # those records, by key id
    first_signed: dict[str, datetime] = field(default_factory=dict)  # when each key first signed here
    unknown_key: list[Message] = field(default_factory=list)
    bad_signature: list[Message] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)  # signed approvals, in the log's order

    def add(self, other: Signatures) -> None:
        """Those of the next part of the log."""
        self.holding += other.holding
        for key, count in other.signers.items():
            self.signers[key] = self.signers.get(key, 0) + count
        for key, at in other.first_signed.items():
            self.first_signed[key] = min(at, self.first_signed.get(key, at))
        self.unknown_key += other.unknown_key
        self.bad_signature += other.bad_signature
        self.approvals += other.approvals


@dataclass
class Audit:
    """What `verify` found in one read of a unit's log: its chain, the line hashes asked for,
    its signatures, and what the records it had to parse say."""

    chain: ChainReport
    hashes: LineHashes
    signatures: Signatures = field(default_factory=Signatures)
    evidence: set[str] = field(default_factory=set)  # the stored evidence files its records name
    damaged: Message | None = None  # a signed or evidence line that cannot be read
    index_problem: Message | None = None  # the saved index says something the log does not
    unusable: list[Message] = field(default_factory=list)  # records status leaves out (logindex.unusable)
    unsigned: list[Unsigned] = field(default_factory=list)  # unsigned records in a key holder's name
    own_key: list[Message] = field(default_factory=list)  # approvals signed with the approved record's key
    latest: datetime | None = None  # the latest time written on a chained record
    whole: bool = True  # a part of a log: every line chained and linked (else check the log in order)
    index_checked: bool = False  # the saved index checked already (by a worker)


def chain(store: Store, unit_id: str) -> ChainReport:
    """Re-compute a unit's hash chain from its records' bytes as written (see chain.ChainCheck)."""
    return check_stream(store.stream(unit_id))[0]


def check_stream(stream: LogStream, wanted: Collection[int] | None = ()) -> tuple[ChainReport, LineHashes]:
    """The chain of a log, and its line hashes asked for (see LineHashes), in one read."""
    found = LogPass(stream, {}, set(), wanted, records=False).run()
    return found.chain, found.hashes


class LogPass:
    """One read of a log, or of a part of one (`part`), a chunk at a time: each batch of lines
    is hashed once, for the chain check and the line hashes asked for; the lines holding a
    signature, naming evidence or maybe unusable by the fold are parsed and looked into
    (unless `records` is False); and, if `holders` (the name keys of key holders) is not
    empty, the unsigned records in their names are listed.

    A part after the first starts from the record before it (`after`: its number and hash),
    and follows only a whole chain: anything else ends it with `whole` False."""

    def __init__(
        self,
        stream: LogStream,
        keys: Mapping[str, PublicKey],
        holders: set[str],
        wanted: Collection[int] | None,
        *,
        records: bool = True,
        part: bool = False,
        after: tuple[int, str] | None = None,
    ) -> None:
        self.stream = stream
        self.keys = keys
        self.holders = holders
        self.records = records
        self.part = part
        why = lambda line: legacy_problem(line, stream.unit)  # noqa: E731 - short, and named by its use
        self.check = ChainCheck(digest(stream.genesis), stream.head, why, self._later, after=after, part=part)
        self.found = Audit(self.check.report, LineHashes(wanted))
        self.number = after[0] if after is not None else 0  # the number of the last line read
        self._batch: tuple[int, int, list[bytes]] = (stream.start, 1, [])
        self._actors: dict[bytes, str | None] = {}  # a name as written, and its key if it is a holder's
        self.item_at = item_at(stream.unit)

    def run(self) -> Audit:
        found, check = self.found, self.check
        for first, lines in self.stream.batches():
            self._batch = (first, self.number + 1, lines)
            digests = [hashlib.sha256(line).digest() for line in lines]
            start = check.report.last_seq + 1
            check.feed(lines, digests)
            if self.part and not check.whole:
                found.whole = False
                return found
            found.hashes.add(lines, digests, start if check.whole else None)
            if self.records and found.damaged is None:
                self._look(lines)
            if self.holders:
                self._unsigned(lines, start if check.whole else None)
            self.number += len(lines)
        if not self.part:
            check.finish(self.stream.torn)
        return found

    def _later(self, number: int) -> Iterable[bytes]:
        """The lines after line `number` of the batch being read, to the end of the log."""
        first, first_number, lines = self._batch
        offset = first + sum(len(line) + 1 for line in lines[: number - first_number + 1])
        return (line for _, line in self.stream.lines_from(offset))

    def _look(self, lines: list[bytes]) -> None:
        """Parse the lines to look into, and look: what a record's signature, evidence and
        figures say. A signed or evidence line that cannot be read ends the looking.

        A line ending as this program writes a record without figures, evidence or signature,
        and with its item where a line of this unit holds it, says nothing to look into: it is
        not parsed. The others are peeked at (`peek`), and read whole only if they are signed,
        name evidence, or may hold a record the fold cannot use."""
        item_at, plain = self.item_at, _PLAIN_END
        picks = [
            index
            for index, line in enumerate(lines)
            if not (
                line.startswith(_ITEM, item_at)
                and line.startswith(plain, (end := line.rfind(_SEQ, len(line) - 100)) - 110)
                and line[end - 65 : end - 1].isalnum()
                and line[end - 1] == _QUOTE
            )
        ]
        stream, found = self.stream, self.found
        for index in picks:
            line = lines[index]
            if peek(line) or not line.strip():
                continue
            is_signed, has_evidence = _SIGNED in line, _WITH_EVIDENCE in line
            try:
                record = parse_line(stream.where, line, self.number + 1 + index, stream.unit, torn=False)
            except StoreDamaged as exc:
                if is_signed or has_evidence:
                    found.damaged = exc.message
                    return
                continue  # the chain check names a line that cannot be read
            if is_signed:
                self._signature(record, line)
            if has_evidence:
                found.evidence |= {f.sha256 for f in record.evidence if f.stored}
            problem = unusable(record)
            if problem is not None:
                found.unusable.append(problem)

    def _signature(self, record: Record, line: bytes) -> None:
        if record.sig is None:  # "sig":{ in a note, not a signature
            return
        tally = self.found.signatures
        about = {"seq": record.seq, "item": record.item or record.action, "actor": record.actor}
        key = self.keys.get(record.sig.key)
        if key is None:
            tally.unknown_key.append(message("verify.unknown_key", key=record.sig.key, **about))
        elif not signature_holds(key, Record.signed_part(line), record.sig):
            tally.bad_signature.append(message("verify.bad_signature", **about))
        elif not same_person(key.name, record.actor):
            tally.bad_signature.append(message("verify.borrowed_key", owner=key.name, **about))
        else:
            tally.holding += 1
            tally.signers[key.key] = tally.signers.get(key.key, 0) + 1
            tally.first_signed[key.key] = min(record.at, tally.first_signed.get(key.key, record.at))
        if record.approves is not None:
            tally.approvals.append(Approval(record.seq, record.item, record.actor, record.approves, record.sig.key))

    def _unsigned(self, lines: list[bytes], first: int | None) -> None:
        """The unsigned chained records made in the name of a key holder, read by byte searches:
        no record is parsed. Each is kept with the latest time written on it or on any record
        before it in the chain (a record cannot be older than those before it). `first`: the
        number of the first line's record, when the batch is known to be a whole chain."""
        found, actors, holders = self.found, self._actors, self.holders
        for index, line in enumerate(lines):
            written_at = _actor_at(line)
            if written_at is None:
                continue
            seq = first + index if first is not None else seq_of(line)
            if seq is None:
                continue  # not a chained record: the chain check names it
            written, text = written_at
            try:
                at = datetime.fromisoformat(text.decode().replace("Z", "+00:00"))
                holder = actors[written] if written in actors else self._holder(written, holders)
            except (ValueError, TypeError):
                continue
            if found.latest is None or at > found.latest:
                found.latest = at
            if holder is not None and _SIGNED not in line:
                found.unsigned.append(Unsigned(seq, holder, found.latest))

    def _holder(self, written: bytes, holders: set[str]) -> str | None:
        """The name as written, if it is a key holder's (else None), remembered."""
        actor = json.loads(b'"' + written + b'"')
        self._actors[written] = holder = actor if names.key(actor) in holders else None
        return holder


def _actor_at(line: bytes) -> tuple[bytes, bytes] | None:
    """A line's actor and time as written (`"actor":"…","at":"…"`), found as `_ACTOR_AT` finds
    them: by finding the labels where a record's line holds them, the regular expression read
    only for a name holding a quote (escaped) or a line without them there."""
    start = line.find(b'"actor":"')
    if start < 0:
        return None
    middle = line.find(b'","at":"', start + 9)
    end = line.find(b'"', middle + 8) if middle >= 0 else -1
    if end <= middle + 8 or b'"' in line[start + 9 : middle]:  # none, an empty time, or a quote in the name
        match = _ACTOR_AT.search(line)
        return None if match is None else (match.group(1), match.group(2))
    return line[start + 9 : middle], line[middle + 8 : end]


def item_at(unit_id: str) -> int:
    """Where `"item":` stands in a line of this unit's records as this program writes them."""
    return len(f'{{"v":2,"id":"{"0" * 32}","unit":"{unit_id}",'.encode())


class _Peek(msgspec.Struct, gc=False):
    """What looking into a record depends on, read without the rest: whether it is signed or
    names evidence, and what the fold's use of it depends on (logindex.unusable)."""

    action: str
    at: str
    occurred: str | None = None
    figures: dict[str, Any] = {}
    evidence: list[Any] = []
    sig: Any = None


_PEEK = msgspec.json.Decoder(_Peek)
_HAPPENINGS = frozenset({"event", "withdrawn", "part-added", "part-retired"})  # dated by `occurred` (logindex._DATED)
_EARLIEST, _LATEST = f"{EARLIEST.year:04d}", f"{LATEST.year:04d}"


def peek(line: bytes) -> bool:
    """Whether a line's record says nothing to look into, read cheaply: no signature, no
    evidence, every figure usable and, for an event or its withdrawal, its moment within the
    clock's years. False if that is not plain from the peek: the line is then read whole."""
    try:
        seen = _PEEK.decode(line)
    except (msgspec.MsgspecError, TypeError):
        return False
    if seen.sig is not None or seen.evidence:
        return False
    for value in seen.figures.values():
        kind = type(value)
        if not (kind is str or kind is bool or ((kind is int or kind is float) and -LIMIT <= value <= LIMIT)):
            return False
    if seen.action not in _HAPPENINGS:
        return True
    year = (seen.occurred or seen.at)[:5]
    return year.isascii() and year[:4].isdigit() and year[4:] == "-" and _EARLIEST <= year[:4] <= _LATEST


def own_key_approvals(stream: LogStream, approvals: list[Approval]) -> list[Message]:
    """Approvals signed with the key that signed the record they approve: a second read of
    the log, for the signed records approved (there are only approvals to look for)."""
    if not approvals:
        return []
    wanted = {approval.approves for approval in approvals}
    signed_by: dict[str, str] = {}
    for _, lines, chunk in stream.blocks():
        if _SIGNED not in chunk and _SIGNED not in lines[0]:
            continue
        for line in lines:
            found = _ID.search(line) if _SIGNED in line else None
            if found is None or found.group(1).decode() not in wanted:
                continue
            try:
                record = Record.decode(line)
            except ValueError:
                continue
            if record.sig is not None:
                signed_by[record.id] = record.sig.key
    return [
        message(
            "verify.own_key_approval",
            seq=approval.seq,
            item=approval.item,
            actor=approval.actor,
            approved=_seq_of_id(stream, approval.approves),
            key=approval.key,
        )
        for approval in approvals
        if signed_by.get(approval.approves) == approval.key
    ]


def _seq_of_id(stream: LogStream, record_id: str) -> int | None:
    needle = f'"id":"{record_id}"'.encode()
    for _, lines, chunk in stream.blocks():
        if needle in chunk or needle in lines[0]:
            for line in lines:
                if needle in line:
                    return seq_of(line)
    return None


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


def verdict_of(store: Store, unit: Unit, stream: LogStream, found: Audit, keys: dict[str, PublicKey]) -> Verdict:
    """A unit's verdict from what its read found, with its kept seals and checkpoints checked
    against its line hashes (read one at a time)."""
    tally = found.signatures
    verdict = Verdict(unit, found.chain, signed=tally.holding, index_problem=found.index_problem)
    verdict.unknown_key, verdict.bad_signature = tally.unknown_key, list(tally.bad_signature)
    if found.damaged:
        verdict.bad_signature.append(found.damaged)
    verdict.signers, verdict.first_signed = tally.signers, tally.first_signed
    verdict.unusable = found.unusable
    verdict.identity_problems += found.own_key
    seal_names = store.blob_names(Blob.SEAL, prefix=f"{unit.id}/")
    kept_points = blobs.kept_with(store, Blob.CHECKPOINT, unit.id)
    if seal_names:
        kept_seals = _kept(store, Blob.SEAL, seal_names)
        _check_seals(
            kept_seals,
            store_id=store.store_id(),
            pushed_from=_pushed_from(store, unit.id),
            unit_id=unit.id,
            keys=keys,
            hashes=found.hashes,
            verdict=verdict,
            stream=stream,
        )
    if kept_points:
        _check_checkpoints(kept_points, origin(unit.id, digest(stream.genesis)), keys, found.hashes, verdict)
    return verdict


def _kept(store: Store, kind: Blob, names_: list[str]) -> Iterator[tuple[str, bytes]]:
    """Each kept blob's name in its unit and bytes, read when its turn comes."""
    for name in names_:
        data = store.blob(kind, name)
        if data is not None:
            yield name.partition("/")[2], data


def wanted_hashes(store: Store, unit: Unit, keys: dict[str, PublicKey], more: Collection[int] = ()) -> set[int] | None:
    """The records whose line hashes a unit's verdict needs: every one if it keeps seals (a
    seal names every record of its day), else those its checkpoints name, and `more`."""
    if store.blob_names(Blob.SEAL, prefix=f"{unit.id}/"):
        return None
    wanted = set(more)
    for _, data in blobs.kept_with(store, Blob.CHECKPOINT, unit.id):
        try:
            wanted.add(checkpoints.parse(data, keys).checkpoint.size)
        except DataError:
            continue
    return wanted


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


def _pushed_from(store: Store, unit_id: str) -> str | None:
    """The folder store a unit was pushed from (`checklist push`), whose id its seals made
    there name, beside this store's."""
    from .store import KeepsMirrors

    return store.pushed_from(unit_id) if isinstance(store, KeepsMirrors) else None


def _check_seals(
    kept: Iterable[tuple[str, bytes]],
    *,
    store_id: str | None,
    unit_id: str,
    keys: dict[str, PublicKey],
    hashes: Mapping[int, str],
    verdict: Verdict,
    stream: LogStream | None = None,
    pushed_from: str | None = None,
) -> None:
    readable: list[tuple[str, seals.Seal]] = []  # seals of format 6 that hold so far, to hold against their records
    for name, data in kept:
        verdict.seals += 1
        try:
            sealed = seals.parse(data, name)
        except DataError as exc:
            verdict.seal_problems.append(message("verify.seal_unreadable", name=name, why=exc.message))
            continue
        # a seal kept under a unit names that unit and (from format 3) this store: one copied
        # from another unit's folder, or from another store, is not this unit's
        own = pushed_from if pushed_from is not None and sealed.store == pushed_from else store_id
        found = seals.names_problems(sealed, unit_id, own) + seals.check(sealed, keys, hashes)
        verdict.seal_problems += [message("verify.seal", name=name, problem=p) for p in found]
        if not found and sealed.day is not None and sealed.day.seqs():
            readable.append((name, sealed))
    if stream is not None and readable:  # their readable parts against the records they name: one read of the log
        from .readable import problems

        named = seals.records_at(stream, set().union(*(sealed.day.seqs() for _, sealed in readable if sealed.day)))
        for name, sealed in readable:
            if sealed.day is not None:
                verdict.seal_problems += [
                    message("verify.seal", name=name, problem=p) for p in problems(sealed.day, named)
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
    keys: dict[str, PublicKey] = field(default_factory=dict)  # registered in the store
    mirror_keys: dict[str, PublicKey] = field(default_factory=dict)  # those and the keys kept with mirrors
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
        withheld = getattr(store, "list_withheld", False)  # a PostgreSQL role that reads only its own units
        listing = Listing(None, warnings=[message("units.list_withheld" if withheld else "units.no_list")])
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


class Anchors(Protocol):
    """What witnesses outside the store saw of a unit's log (usecases/anchors.py)."""

    def wanted(self, unit: Unit, genesis: bytes) -> Collection[int]: ...  # the records they name
    def check(self, unit: Unit, genesis: bytes, hashes: LineHashes) -> list[Message]: ...  # what the log lost


@dataclass
class Plan:
    """A unit to verify: its log as read now, and the line hashes its verdict needs."""

    unit: Unit
    stream: LogStream
    wanted: set[int] | None


def verify_store(
    store: Store,
    only: str | None = None,
    anchors: Anchors | None = None,
    workers: int | None = None,
    split: int | None = None,
) -> StoreVerdict:
    """Every unit's verdict (or `only` that one's), the store's list of units held against its
    folders, the stored evidence files re-hashed, and the kept catalogs. `workers`: how many
    processes read the logs (None: one per processor, for a store large enough to gain);
    `split`: the length from which a log is cut into parts (see `audits`)."""
    keys, statements = blobs.key_files(store)
    listing = check_units(store, keys, only)
    # a mirror's records are checked against the keys that came with its bundles, kept apart
    # from this store's own (two stores' officers may share a name)
    mirrored = mirrors.mirror_keys(store, [unit.id for unit in listing.readable])
    every = {**keys, **{key_id: key for found in mirrored.values() for key_id, key in found.items()}}
    holders = {names.key(k.name) for k in every.values()}
    plans = []
    for unit in listing.readable:
        stream = store.stream(unit.id)
        more = set(anchors.wanted(unit, stream.genesis)) if anchors is not None else set()
        received = mirrors.latest_seal(store, unit.id) if unit.id in mirrored else None
        more |= {received[0]} if received is not None else set()  # the head its unit last sealed
        plans.append(Plan(unit, stream, wanted_hashes(store, unit, keys, more)))
    verdicts, wanted = [], set()
    unsigned: dict[str, list[Unsigned]] = {}
    for plan, found in zip(plans, audits(store, plans, every, holders, workers, split), strict=True):
        verdict = verdict_of(store, plan.unit, plan.stream, found, mirrored.get(plan.unit.id, keys))
        if anchors is not None:
            verdict.anchors = anchors.check(plan.unit, plan.stream.genesis, found.hashes)
        if plan.unit.id in mirrored:
            verdict.seal_problems += mirrors.check_latest_seal(store, plan.unit.id, found.hashes)
        verdicts.append(verdict)
        if plan.unit.id not in mirrored:  # a mirror's evidence comes only with --evidence: re-hashed if here
            wanted |= found.evidence
        unsigned[plan.unit.id] = found.unsigned
    kept = blobs.kept_catalog_digests(store)
    evidence = blobs.check_evidence(store, wanted)
    whole = StoreVerdict(verdicts, len(wanted), evidence, len(kept), _check_catalogs(store, kept), listing)
    whole.mirror_keys = every
    checked = _check_registrations(whole, keys, statements, mirrored)
    _check_unsigned_after_registration(whole, keys, unsigned, statements, mirrored)
    if checked.statements:  # what was signed with a key after its revocation or rotation
        from . import revocation

        for plan, verdict in zip(plans, whole.units, strict=True):
            verdict.identity_problems += revocation.records_after_end(plan.stream, checked, set(verdict.signers))
            verdict.seal_problems += revocation.kept_after_end(store, plan.unit.id, checked, keys)
    return whole


_Task = tuple[int, LogStream, bool]  # the plan's index, the log or a part of it, and whether a part


def audits(  # noqa: PLR0917 - what a verification reads, then how
    store: Store,
    plans: list[Plan],
    keys: dict[str, PublicKey],
    holders: set[str],
    workers: int | None = None,
    split: int | None = None,
) -> list[Audit]:
    """Each plan's log read and looked into: here, or by several processes at once when the
    logs are large enough (each long log cut into parts, checked each from the line before
    it; short logs read a group at a time). A log whose parts are not each a whole chain is
    read again here, in order. The saved index of a log cut into parts is checked by a worker
    of its own meanwhile (its verdict counts only if the chain holds)."""
    count = _workers() if workers is None else workers
    size = sum(plan.stream.end for plan in plans)
    signed = count > 1 and size >= SIGNED_BYTES and any(_signed(plan.stream) for plan in plans)
    enough = PARALLEL_BYTES if not signed else SIGNED_BYTES
    if split is None:
        split = SPLIT_BYTES if not signed else SIGNED_BYTES
    tasks = _tasks(plans, count, split) if count > 1 and (workers is not None or size >= enough) else None
    if tasks is None:
        return [_finish(store, plan, LogPass(plan.stream, keys, holders, plan.wanted).run()) for plan in plans]
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    snapshots = store if isinstance(store, Snapshots) and _picklable(store) else None
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(count, mp_context=context) as pool:
        split_logs = sorted({index for index, _, part in tasks if part})
        checks: dict[int, Future[Message | None]] = {}
        if snapshots is not None:  # first: the longest tasks
            checks = {index: pool.submit(_snapshot, snapshots, plans[index].unit.id) for index in split_logs}
        groups = _groups(tasks, count)
        jobs = [[(stream, keys, holders, plans[i].wanted, part) for i, stream, part in group] for group in groups]
        results = [pool.submit(_run_group, job, snapshots) for job in jobs]
        done = [audit for future in results for audit in future.result()]
        order = [task for group in groups for task in group]
        found: list[Audit] = []
        for index, plan in enumerate(plans):
            parts = [result for (task, _, _), result in zip(order, done, strict=True) if task == index]
            merged = _merge(plan, parts) if len(parts) > 1 else parts[0]
            if merged is None or not merged.whole or merged.damaged is not None:
                merged = LogPass(plan.stream, keys, holders, plan.wanted).run()  # in order, to name what is wrong
            elif index in checks and merged.chain.ok:
                merged.index_problem, merged.index_checked = checks[index].result(), True
            found.append(_finish(store, plan, merged))
    return found


def _signed(stream: LogStream) -> bool:
    """Whether the start of a log holds a signature (its records are then checked slowly)."""
    for _, lines in stream.part(stream.start, stream.whole).batches(1 << 16):
        return any(_SIGNED in line for line in lines)
    return False


def _picklable(thing: object) -> bool:
    import pickle

    try:
        pickle.dumps(thing)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _snapshot(store: Snapshots, unit_id: str) -> Message | None:
    return store.check_snapshot(unit_id)


def _groups(tasks: list[_Task], count: int) -> list[list[_Task]]:
    """The tasks in groups a worker takes at once: a part of a long log alone, short whole
    logs together up to a share of the bytes (one round trip to a worker each, not one a log)."""
    share = max(sum(stream.end - stream.start for _, stream, _ in tasks) // (4 * count), 1)
    groups: list[list[_Task]] = []
    pending: list[_Task] = []
    held = 0
    for task in tasks:
        length = task[1].end - task[1].start
        if task[2] or length >= share:
            groups.append([task])
            continue
        pending.append(task)
        held += length
        if held >= share:
            groups.append(pending)
            pending, held = [], 0
    return groups + ([pending] if pending else [])


def _run_group(
    group: list[tuple[LogStream, dict[str, PublicKey], set[str], set[int] | None, bool]], store: Snapshots | None
) -> list[Audit]:
    """A worker's group of tasks; a whole log's saved index is checked here too, if its chain holds."""
    found = []
    for task in group:
        audit = _run(task)
        stream, part = task[0], task[4]
        if not part and store is not None and audit.chain.ok and audit.damaged is None:
            audit.index_problem, audit.index_checked = store.check_snapshot(stream.unit), True
        found.append(audit)
    return found


def _workers() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return min(available, 8) if sys.platform.startswith("linux") else 1


def _tasks(plans: list[Plan], count: int, split: int) -> list[_Task] | None:
    """What the workers read: a whole log, or a part of a long one (None: a log no other
    process can read, as a store held in memory)."""
    tasks: list[_Task] = []
    for index, plan in enumerate(plans):
        stream = plan.stream
        if not _picklable(stream.open):
            return None
        if stream.end < split:
            tasks.append((index, stream, False))
            continue
        pieces = 2 * count  # more than workers: one may be checking the saved index meanwhile
        cuts = sorted({stream.next_line(stream.end * k // pieces) for k in range(pieces)} | {stream.whole})
        parts = [(index, stream.part(low, high), True) for low, high in itertools.pairwise(cuts) if high > low]
        tasks += parts if len(parts) > 1 else [(index, stream, False)]
    return tasks


def _run(task: tuple[LogStream, dict[str, PublicKey], set[str], set[int] | None, bool]) -> Audit:
    """A worker's task: a whole log, or a part of one checked from the record before it."""
    stream, keys, holders, wanted, part = task
    if not part:
        return LogPass(stream, keys, holders, wanted).run()
    before = stream.line_before(stream.start)
    seq = seq_of(before) if before and link_of(before) is not None else None
    if stream.start and seq is None:
        return Audit(ChainReport(), LineHashes(wanted), whole=False)
    after = (seq, digest(before)) if seq is not None else None
    return LogPass(stream, keys, holders, wanted, part=True, after=after).run()


def _merge(plan: Plan, parts: list[Audit]) -> Audit | None:
    """The audit of a whole log from those of its parts, in order (None: a part is not whole)."""
    if not all(part.whole and not part.chain.problems and part.damaged is None for part in parts):
        return None
    stream = plan.stream
    report = ChainReport(records=sum(part.chain.records for part in parts), last_seq=parts[-1].chain.last_seq)
    torn = stream.torn
    if torn:
        report.torn_at = report.last_seq + 1
    check_head(report, stream.head, (report.last_seq, report.last_seq) if report.last_seq else None)
    merged = Audit(report, parts[0].hashes)
    latest: datetime | None = None
    for part in parts:
        if part is not parts[0]:
            merged.hashes.extend(part.hashes)
        merged.signatures.add(part.signatures)
        merged.evidence |= part.evidence
        merged.unusable += part.unusable
        for record in part.unsigned:  # the latest time before the part counts for its records too
            merged.unsigned.append(
                record if latest is None or record.not_before >= latest else Unsigned(record.seq, record.actor, latest)
            )
        if part.latest is not None:
            latest = part.latest if latest is None else max(latest, part.latest)
    merged.latest = latest
    return merged


def _finish(store: Store, plan: Plan, found: Audit) -> Audit:
    """What a read leaves to do once the whole log is known to be read: the saved index (if
    the chain holds), and the approvals signed with the key of the record they approve."""
    if found.chain.ok and found.damaged is None and isinstance(store, Snapshots) and not found.index_checked:
        found.index_problem = store.check_snapshot(plan.unit.id)
    found.own_key = own_key_approvals(plan.stream, found.signatures.approvals)
    return found


def _check_registrations(
    found: StoreVerdict,
    keys: dict[str, PublicKey],
    statements: Sequence[KeyStatement] = (),
    mirrored: Mapping[str, dict[str, PublicKey]] | None = None,
) -> Registry:
    """Every key registration: a key registered for a name that has one already speaks for
    it only if endorsed (see registry.py); records signed with one that does not are named.
    And every statement about a key (a rotation, a revocation): one its signer may not make
    is a problem. A mirror's records are held to the registrations that came with it (`mirrored`)."""
    from . import registry

    checked = registry.read(keys, statements)
    found.keys, found.key_problems = keys, checked.problems
    mirrored = mirrored or {}
    named = {**keys, **found.mirror_keys}
    for verdict in found.units:
        accepted = checked.accepted
        if verdict.unit.id in mirrored:
            own = registry.read(mirrored[verdict.unit.id])
            accepted = own.accepted
            verdict.identity_problems += own.problems
        for key_id in [k for k in verdict.signers if k not in accepted]:
            name = named[key_id].name if key_id in named else "?"
            verdict.identity_problems.append(
                message("verify.unendorsed_signer", key=key_id, name=name, count=verdict.signers[key_id])
            )
    return checked


def _check_catalogs(store: Store, digests: list[str]) -> list[Message]:
    """Each kept catalog against the hash of its own bytes (see catalog.kept)."""
    problems = []
    for kept_digest in digests:
        try:
            blobs.kept_catalog(store, kept_digest)
        except DataError as exc:
            problems.append(exc.message)
    return problems


@dataclass(frozen=True)
class Unsigned:
    """An unsigned record: its number, its actor, and the latest time written on it or on
    any record before it in the chain (a record cannot be older than those before it)."""

    seq: int
    actor: str
    not_before: datetime


def _check_unsigned_after_registration(
    whole: StoreVerdict,
    keys: dict[str, PublicKey],
    unsigned: dict[str, list[Unsigned]],
    statements: Sequence[KeyStatement] = (),
    mirrored: Mapping[str, dict[str, PublicKey]] | None = None,
) -> None:
    """An unsigned record in the name of someone whose key was registered in the store before
    it was made is a problem (one made before is not). A key registered before registrations
    said when (format 1) counts from its first signature in the store, else from when it was made."""
    from . import registry

    first_signed: dict[str, datetime] = {}
    for verdict in whole.units:
        for key_id, at in verdict.first_signed.items():
            first_signed[key_id] = min(at, first_signed.get(key_id, at))

    def since_of(accepted: dict[str, PublicKey]) -> dict[str, tuple[datetime, PublicKey]]:
        since: dict[str, tuple[datetime, PublicKey]] = {}
        for key in accepted.values():
            when = key.registered_at or first_signed.get(key.key, key.created_at)
            name = names.key(key.name)
            if name not in since or when < since[name][0]:
                since[name] = (when, key)
        return since

    mirrored = mirrored or {}
    own = since_of(registry.read(keys, statements).accepted)
    for verdict in whole.units:
        unit_keys = mirrored.get(verdict.unit.id)
        since = own if unit_keys is None else since_of(registry.read(unit_keys).accepted)
        if not since:
            continue
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
