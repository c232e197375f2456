"""Statements about a registered key: its rotation (a new key takes over from a date) and its
revocation (it speaks for nobody from a date), kept in keys/ beside the registrations.

A registration is written once and never rewritten; what happens to a key later is another
file: a statement (format 3 of keys/ files, `kind` "key-rotation" or "key-revocation"), named
by the first 16 hex digits of the SHA-256 of its signed part, and signed — as an endorsement
is — by the key itself, by a key that speaks for the same name, or by the store's
administrator (see registry.py, which decides which statements hold).

A stolen key can write any time on a record, so a statement also names each unit's log head
in its store when it was made (`heads`): a record written after that head, by the chain's
order, was written after the statement whatever time it claims (when the statement took
effect at once: `since` not after `made_at`). Records further back are judged by the time
they claim: a record the thief dated before `since` and wrote before the statement is not
caught (README, "The threat model").
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .keys import KEY_ID, PublicKey, signature_holds
from .models import HASH, CleanStr, Signature, Stored

ROTATION, REVOCATION = "key-rotation", "key-revocation"
KeyId = Annotated[str, StringConstraints(pattern=KEY_ID)]


class LogHead(Stored):
    """A unit's log head: the number and line hash of its last record."""

    seq: Annotated[int, Field(ge=0)]
    hash: HASH | None = None


class KeyStatement(Stored):
    """A key rotated (replaced by another from `since`) or revoked (from `since`, for `reason`)."""

    format: Literal[3] = 3  # formats.KEY_STATEMENT
    kind: Literal["key-rotation", "key-revocation"]
    key: KeyId  # the key replaced, or revoked
    name: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]  # whose key it is
    replaced_by: KeyId | None = None  # a rotation: the key that takes over
    since: datetime  # from when the key no longer speaks for its name
    reason: Annotated[CleanStr, StringConstraints(max_length=2000)] | None = None
    store: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    made_at: datetime
    by: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]  # who made the statement
    heads: dict[str, LogHead] = Field(default_factory=dict)  # each unit's log head in the store when it was made
    signed_by: Signature | None = None  # the key's, an endorser's or the administrator's

    @property
    def revoked(self) -> bool:
        return self.kind == REVOCATION

    def signed_part(self) -> bytes:
        """What the signature covers: the statement without it, in one canonical form."""
        content = self.model_dump(mode="json", exclude={"signed_by"}, exclude_none=True)
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def name_in_store(self) -> str:
        """Its name in keys/: 16 hex digits, as a key's (an older release reads it as a newer format)."""
        return hashlib.sha256(self.signed_part()).hexdigest()[:16]

    def holds(self, signer: PublicKey) -> bool:
        """Whether its signature is `signer`'s."""
        return self.signed_by is not None and signature_holds(signer, self.signed_part(), self.signed_by)

    def covers(self, at: datetime | None, seq: int | None, unit: str | None) -> bool:
        """Whether a record (or a seal, a checkpoint) made at `at` (None: a checkpoint, which
        says no time), as number `seq` of `unit`'s log, comes after this statement took
        effect: by the time it claims, or, for a statement in effect when it was made, by the
        chain's order (after the head it names)."""
        if at is not None and at >= self.since:
            return True
        head = self.heads.get(unit or "") if seq is not None else None
        return head is not None and self.since <= self.made_at and seq is not None and seq > head.seq


def is_statement(found: object) -> bool:
    """Whether a file of keys/ (its JSON) is a statement rather than a registration."""
    return isinstance(found, dict) and found.get("kind") in (ROTATION, REVOCATION)


def file_json(statement: KeyStatement) -> bytes:
    content = statement.model_dump(mode="json", exclude_none=True)
    return json.dumps(content, ensure_ascii=False, indent=2).encode() + b"\n"


def moment(at: datetime) -> str:
    """A statement's moment as its messages show it: the day alone at midnight, else to the minute."""
    if (at.hour, at.minute, at.second) == (0, 0, 0):
        return at.date().isoformat()
    return at.isoformat(timespec="minutes")
