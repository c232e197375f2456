"""The roll-up cache: each unit's summary for `status --all`, kept in one file of the store's
cache folder and reused while it still holds.

A summary holds for the log it was made from — the log's size, inode and modification time
(its stamp: an append-only log that gained a record has another size) — and for a stretch of
time: from the moment it was asked for up to the first moment at which anything the status
reads of the clock can change (`holds_until`: the next midnight in the catalog's time zone,
a deadline, the end of a period, an item opening, a measure going out of force, an event, a
part or an attribute change dated later). Outside that stretch, or for another log, the unit
is folded again.

The file is derived data, as index.json is: a file that is not whole (its body's SHA-256 is
in its header), of another format, program or store, is ignored and written again; it is
written atomically and never read by `verify`. Layout: a first line naming the file, a header
line of JSON (the key it was made under, the body's hash, and per unit its stamp, its
stretch, the digest of the catalog it was compared with, its facts and where its text is in
the body), then the body: every unit's text, one after the other.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import msgspec

from . import files
from .atomic import write_atomic
from .errors import StoreDamaged

if TYPE_CHECKING:
    from .logindex import LogIndex
    from .status import UnitStatus

FILE = "rollup.bin"
MAGIC = b"checklist roll-up cache\n"
FORMAT = 1
LIMIT = files.LOG  # a summary is a few KB: 3,000 units some 25 MB

Stamp = tuple[int, int, int]  # a log's size, inode and modification time (ns)


@dataclass(frozen=True)
class Kept:
    """A unit's summary as kept: for the log of `stamp`, from `since` (included) to `until`
    (excluded), both in UTC, made while the unit's source catalog had the digest `source`."""

    stamp: Stamp
    since: datetime
    until: datetime
    source: str | None
    facts: dict[str, Any]  # what the roll-up counts and sorts by (JSON values)
    text: bytes  # what the presenter made of the unit (opaque here)

    def holds(self, stamp: Stamp, now: datetime, source: str | None) -> bool:
        return self.stamp == stamp and self.source == source and self.since <= now < self.until


def holds_until(status: UnitStatus, index: LogIndex) -> datetime:
    """The first moment after `status.now` at which the unit's status, folded from the same
    log, may read otherwise: the next midnight in the catalog's zone (today's report, the day
    count, waivers by the day), else the earliest deadline, period end, opening, readiness,
    end of force, event, part added or retired, or attribute change after now."""
    now = status.now
    zone = ZoneInfo(status.catalog.meta.timezone)
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    found: list[datetime | None] = [midnight.astimezone(UTC), status.unit.started_at]
    for item in status.flat():
        found += (item.due, item.opens, item.ready, item.ends, item.period.end if item.period else None)
        found += (item.item.since, item.item.event.moment if item.item.event else None)
    for part in index.parts.values():
        found += (part.added, part.retired)
    found += (event.moment for event in index.events.values())
    found += (moment for _, moment, _ in index.attribute_changes)
    return min(m for m in found if m is not None and m > now).astimezone(UTC)


class _Entry(msgspec.Struct, array_like=True):
    stamp: tuple[int, int, int]
    since: datetime
    until: datetime
    source: str | None
    facts: dict[str, Any]
    at: int
    length: int


class _Header(msgspec.Struct):
    format: int
    key: dict[str, Any]
    body: str
    units: dict[str, _Entry]


def load(folder: Path, key: dict[str, Any]) -> dict[str, Kept]:
    """The summaries kept under `key` (the program, the store, what else they depend on);
    none if the file is missing, damaged, or made under another key."""
    try:
        data = files.read_bounded(folder / FILE, LIMIT)
    except (OSError, ValueError, StoreDamaged):
        return {}
    if not data.startswith(MAGIC):
        return {}
    end = data.find(b"\n", len(MAGIC))
    try:
        header = msgspec.json.decode(data[len(MAGIC) : end], type=_Header)
    except (msgspec.DecodeError, ValueError):
        return {}
    body = memoryview(data)[end + 1 :]
    if header.format != FORMAT or header.key != key or hashlib.sha256(body).hexdigest() != header.body:
        return {}
    kept = {}
    for unit, e in header.units.items():
        if e.at < 0 or e.length < 0 or e.at + e.length > len(body):
            return {}
        kept[unit] = Kept(e.stamp, e.since, e.until, e.source, e.facts, bytes(body[e.at : e.at + e.length]))
    return kept


def save(folder: Path, key: dict[str, Any], kept: Iterable[tuple[str, Kept]], group: int = 0) -> None:
    """Keep the summaries (best effort: a read-only store, a full disk, just skip it)."""
    units: dict[str, _Entry] = {}
    texts: list[bytes] = []
    at = 0
    for unit, k in kept:
        units[unit] = _Entry(k.stamp, k.since, k.until, k.source, k.facts, at, len(k.text))
        texts.append(k.text)
        at += len(k.text)
    body = b"".join(texts)
    header = _Header(FORMAT, key, hashlib.sha256(body).hexdigest(), units)
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        write_atomic(folder / FILE, MAGIC + msgspec.json.encode(header) + b"\n" + body, sync=False, group=group)
