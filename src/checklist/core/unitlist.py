"""The store's list of its units: one line per unit started, chained and signed like records.

A unit's folder can be deleted, and a unit file copied over another: read from the folders
alone, a unit would then vanish from `verify --all`, or be checked twice while another is
skipped. The list says which units the store holds and which unit file each was started
with; `verify` holds the folders against it. Stores from before the list (release 0.2.0 and
earlier) begin one the first time a unit is started, or at `verify --repair`: the units found
then are listed as adopted.

    {"format":1,"unit":"prison","genesis":"sha256:…","at":"…","by":"王警官","sig":{…},"prev":"sha256:…"}

`prev` is the SHA-256 of the line before (of FIRST for the first line), so a line removed or
changed is seen; `sig` is the signature of whoever started the unit, if they have a key,
over the line without it (as for records).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, StringConstraints, ValidationError

from .chain import digest
from .errors import Message, message
from .models import HASH, Record, Signature, Stored

FILE = "units.jsonl"
FIRST = digest(b"checklist: the units of a store")
Signer = Callable[[bytes], Signature]


class Listed(Stored):
    format: Literal[1] = 1  # formats.UNITS
    unit: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    genesis: HASH  # the SHA-256 of the unit file it was started with
    at: AwareDatetime
    by: str
    adopted: bool | None = None  # listed when the list began, not when the unit was started
    sig: Signature | None = None
    prev: HASH


def line(
    unit_id: str, genesis: str, *, by: str, after: Sequence[bytes], signer: Signer | None = None, adopted: bool = False
) -> bytes:
    """The line listing a unit after the lines `after` (signed, if a signer is given)."""
    now = datetime.now(UTC)
    entry = Listed(unit=unit_id, genesis=genesis, at=now, by=by, adopted=adopted or None, prev=next_prev(after))
    if signer is not None:
        unsigned = entry.model_dump_json(exclude_none=True).encode()
        entry = entry.model_copy(update={"sig": signer(unsigned)})
    return entry.model_dump_json(exclude_none=True).encode()


def next_prev(lines: Sequence[bytes]) -> str:
    return digest(lines[-1]) if lines else FIRST


@dataclass
class Reading:
    """The list as read: its entries by unit, and what is wrong with it."""

    entries: dict[str, Listed] = field(default_factory=dict)
    problems: list[Message] = field(default_factory=list)
    signed: list[tuple[Listed, bytes]] = field(default_factory=list)  # with the bytes the signature covers


def read(lines: Sequence[bytes], where: str) -> Reading:
    """The entries of the list; a line changed, removed or out of place is a problem (the
    first break ends the reading, as for a log)."""
    found = Reading()
    expected = FIRST
    for number, raw in enumerate(lines, start=1):
        try:
            entry = Listed.model_validate_json(raw)
        except ValidationError:
            found.problems.append(message("units.damaged_line", where=where, line=number))
            return found
        if entry.prev != expected:
            found.problems.append(message("units.broken", where=where, line=number))
            return found
        if entry.unit in found.entries:
            found.problems.append(message("units.twice", where=where, line=number, unit=entry.unit))
        found.entries[entry.unit] = entry
        if entry.sig is not None:
            found.signed.append((entry, Record.signed_part(raw)))
        expected = digest(raw)
    return found
