"""What was signed with a key after it was revoked or replaced (keystatements.py): the records
of a unit's log, its kept seals and checkpoints. `verify` asks this only for the keys that
have a statement holding about them and signed something in the unit, so a store without one
reads nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import checkpoint as checkpoints
from . import seal as seals
from .errors import DataError, Message, message
from .keys import PublicKey
from .keystatements import KeyStatement, moment
from .models import Record
from .registry import Registry
from .store import Blob, LogStream, Store, parse_line

SHOWN = 10  # the record numbers a message names


@dataclass
class _Late:
    statement: KeyStatement
    seqs: list[int] = field(default_factory=list)


def records_after_end(stream: LogStream, found: Registry, signers: set[str]) -> list[Message]:
    """The records of a log signed with a key after its revocation or rotation (`signers`:
    the keys that signed records of it), one message per key."""
    ended = {key: found.ends(key) for key in signers if found.ends(key)}
    if not ended:
        return []
    needles = {key: f'"key":"{key}"'.encode() for key in ended}
    late: dict[str, _Late] = {}
    number = 0
    for _, lines in stream.batches():
        for index, line in enumerate(lines):
            key = next((k for k, needle in needles.items() if needle in line), None)
            if key is None:
                continue
            try:
                record = parse_line(stream.where, line, number + index + 1, stream.unit, torn=False)
            except DataError:
                continue  # the chain check names it
            statement = _covering(ended.get(record.sig.key, []) if record.sig else [], record)
            if statement is not None and record.seq is not None:
                late.setdefault(statement.key, _Late(statement)).seqs.append(record.seq)
        number += len(lines)
    return [_said(found, entry) for entry in late.values()]


def _covering(statements: list[KeyStatement], record: Record) -> KeyStatement | None:
    return next((s for s in statements if s.covers(record.at, record.seq, record.unit)), None)


def _said(found: Registry, late: _Late) -> Message:
    statement, seqs = late.statement, late.seqs
    values = {
        "count": len(seqs),
        "seqs": seqs[:SHOWN],
        "more": len(seqs) > SHOWN,
        "key": statement.key,
        "name": statement.name,
        "since": moment(statement.since),
    }
    if statement.revoked:
        return message("verify.signed_after_revocation", reason=statement.reason, **values)
    return message("verify.signed_after_rotation", new=statement.replaced_by, **values)


def kept_after_end(store: Store, unit_id: str, found: Registry, keys: dict[str, PublicKey]) -> list[Message]:
    """The unit's kept seals and checkpoints signed with a key after its revocation or rotation."""
    if not found.statements:
        return []
    problems = []
    for name in store.blob_names(Blob.SEAL, prefix=f"{unit_id}/"):
        data = store.blob(Blob.SEAL, name)
        try:
            sealed = seals.parse(data or b"", name)
        except DataError:
            continue  # verify names a seal it cannot read
        said = seal_after_end(sealed, found)
        if said is not None:
            problems.append(message("verify.seal", name=name.partition("/")[2], problem=said))
    for name in store.blob_names(Blob.CHECKPOINT, prefix=f"{unit_id}/"):
        try:
            signed = checkpoints.parse(store.blob(Blob.CHECKPOINT, name) or b"", keys)
        except DataError:
            continue
        for signer in signed.signers:
            statement = next(
                (s for s in found.ends(signer.key) if s.covers(None, signed.checkpoint.size, unit_id)), None
            )
            if statement is not None:
                problems.append(
                    message("verify.checkpoint", name=name.partition("/")[2], problem=ended_message(statement))
                )
    return problems


def seal_after_end(sealed: seals.Seal, found: Registry) -> Message | None:
    """Why a seal does not hold if it was signed with a key after its revocation or rotation."""
    if sealed.sig is None:
        return None
    statement = next(
        (s for s in found.ends(sealed.sig.key) if s.covers(sealed.made_at, sealed.head.seq, sealed.unit)), None
    )
    return None if statement is None else ended_message(statement)


def ended_message(statement: KeyStatement) -> Message:
    """Why what a key signed after its revocation or rotation does not hold."""
    if statement.revoked:
        return message("key.signed_revoked", key=statement.key, since=moment(statement.since), reason=statement.reason)
    return message("key.signed_replaced", key=statement.key, since=moment(statement.since), new=statement.replaced_by)
