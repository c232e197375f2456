"""Anchors outside the store: what the person at the keyboard last wrote or verified of a
unit's log (their witness, core/witness.py), and signed checkpoints (core/checkpoint.py).

Before anyone appends, their witness is held against the log's head: a log that was cut
back, or rewritten, since they last wrote to it is refused (exit 3) instead of written on.
After they append or verify, the witness moves forward, with a signed checkpoint when they
have a key. `verify` holds the witness against every record (see trust.py).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path

from ..core import blobs, witness
from ..core.blobs import LineHashes
from ..core.chain import digest
from ..core.checkpoint import Checkpoint, note, origin
from ..core.errors import DataError, Message
from ..core.logindex import LogIndex
from ..core.models import Draft, Record, Unit
from ..core.store import Signer
from .session import Session


def origin_of(session: Session, unit: Unit) -> str:
    return origin(unit.id, digest(session.store.genesis(unit.id)))


def folder(session: Session) -> Path:
    return session.settings.config_home() / "witness"


def check_before_append(session: Session, unit: Unit) -> None:
    """Refuse to write on a log cut back or rewritten since this person last saw it."""
    before = witness.seen(folder(session), origin_of(session, unit))
    if before is None:
        return
    head = session.store.head(unit.id)
    problem = witness.against_head(before, head.seq if head else 0, head.hash if head else None)
    if problem is not None:  # head.json is advisory (lagging after a crash, or unreadable): ask the log
        problem = witness.against_log(
            before, blobs.line_hashes(session.store.stream(unit.id), {before.checkpoint.size})
        )
    if problem is not None:
        raise refusal(problem)


def append(
    session: Session, unit: Unit, drafts: list[Draft], signer: Signer | None, index: LogIndex | None = None
) -> list[Record]:
    """Append drafts to a unit's log, between the two witness checks: refused if the log was
    cut back or rewritten since this person last saw it, and their witness moved on after.
    The records are folded into `index`, if given, which is then saved for the next command."""
    if not drafts:
        return []
    check_before_append(session, unit)
    written = [session.store.append(draft, signer, index) for draft in drafts]
    if index is not None:
        session.keep(unit, index)
    last = written[-1]
    remember(session, unit, last.seq or 0, digest(last.line()), signer)
    return written


def remember(session: Session, unit: Unit, seq: int, head: str, signer: Signer | None) -> Checkpoint:
    """Move this person's witness forward to record `seq`, signing it if they have a key."""
    point = Checkpoint(origin_of(session, unit), seq, head)
    witness.remember(folder(session), point, sign(session, point, signer))
    return point


def remember_all(session: Session, seen_now: list[tuple[Unit, int, str]]) -> None:
    """Move this person's witness of each of these units forward (`verify --all`: what it saw
    of every log), unsigned, the witness folder settled once."""
    points = [(Checkpoint(origin_of(session, unit), seq, head), None) for unit, seq, head in seen_now]
    witness.remember_all(folder(session), points)


def sign(session: Session, point: Checkpoint, signer: Signer | None) -> bytes | None:
    """The checkpoint as a signed note, or None without a key."""
    if signer is None:
        return None
    signature = signer(point.text())
    public = blobs.registered_keys(session.store).get(signature.key)
    return None if public is None else note(point, public, base64.b64decode(signature.value))


def seen(session: Session, unit: Unit, genesis: bytes) -> set[int]:
    """The record this person's witness names (none if they never wrote or verified the unit)."""
    before = witness.seen(folder(session), origin(unit.id, digest(genesis)))
    return set() if before is None else {before.checkpoint.size}


def held_against(session: Session, unit: Unit, genesis: bytes, hashes: Mapping[int, str]) -> list[Message]:
    """What this person's witness says the log lost (nothing, if it still holds what they saw);
    `hashes` are the log's line hashes by record number (the one `seen` names among them)."""
    before = witness.seen(folder(session), origin(unit.id, digest(genesis)))
    if before is None:
        return []
    problem = witness.against_log(before, hashes)
    return [problem] if problem else []


class Witnessed:
    """This person's witnesses, held against each log `verify` reads (verify.Anchors); the
    line hashes read are kept, for the witness to move on to what was verified."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.hashes: dict[str, LineHashes] = {}

    def wanted(self, unit: Unit, genesis: bytes) -> set[int]:
        return seen(self.session, unit, genesis)

    def check(self, unit: Unit, genesis: bytes, hashes: LineHashes) -> list[Message]:
        self.hashes[unit.id] = hashes
        return held_against(self.session, unit, genesis, hashes)


def refusal(problem: Message) -> DataError:
    """A witness's problem, raised: the command stops (exit 3) and writes nothing."""
    refusal = DataError(problem.code)
    refusal.message = problem
    return refusal
