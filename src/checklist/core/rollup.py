"""The roll-up cache: each unit's summary for `status --all`, kept in one file of the store's
cache folder and reused while it still holds.

A summary holds for the log it was made from — the log's size, inode and modification time
(its stamp: an append-only log that gained a record has another size) — and for a stretch of
time: from the moment it was asked for up to the first moment at which anything the status
reads of the clock can change (`holds_until`: the next midnight in the catalog's time zone,
a deadline, the end of a period, an item opening, a measure going out of force, an event, a
part or an attribute change dated later). Outside that stretch, or for another log, the unit
is folded again.

The file is derived data, as index.json is: a file that is not whole (each text's CRC-32 is
in its header: it finds damage, as a derived file needs; whoever can write the store can write
its logs too), of another format, program or store, is ignored and written again; it is
written atomically and never read by `verify`. Layout: a first line naming the file, every
unit's text one after the other, the header (JSON: the key it was made under, and per unit
its stamp, its stretch, the digest of the source catalog it was compared with, its facts,
and where its text is and its CRC-32), and where the header starts, in 16 digits. It is
written as it is made, a text at a time, and read a text at a time: a province's summaries
are never all in memory.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast
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
FORMAT = 4  # 2: the texts as printed (indented and escaped); 3: their CRC-32; 4: each unit's place
TRAILER = 16  # the file ends with where its header starts, in 16 decimal digits
LIMIT = files.LOG  # a summary is a few KB: 3,000 units some 25 MB

Stamp = tuple[int, int, int]  # a log's size, inode and modification time (ns)


@dataclass(frozen=True)
class Kept:
    """A unit's summary as kept: for the log of `stamp`, from `since` (included) to `until`
    (excluded), both in UTC, made while the unit's source catalog had the digest `source`;
    its text is read when asked for (`read`), from the file it is kept in."""

    stamp: Stamp
    since: datetime
    until: datetime
    source: str | None
    facts: dict[str, Any]  # what the roll-up counts and sorts by (JSON values)
    read: Callable[[], bytes]  # what the presenter made of the unit (opaque here)

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
    crc: int  # the CRC-32 of the text


class _Header(msgspec.Struct):
    format: int
    key: dict[str, Any]
    units: dict[str, _Entry]


def _pread(fd: int, at: int, length: int) -> bytes:
    data = os.pread(fd, length, at)
    if len(data) != length:
        raise OSError("cut off")
    return data


def load(folder: Path, key: dict[str, Any]) -> dict[str, Kept]:
    """The summaries kept under `key` (the program, the store, what else they depend on);
    none if the file is missing, damaged, or made under another key. The file stays open:
    a unit's text is read when it is printed (the file replaced meanwhile, this one is read)."""
    try:
        return _load(folder / FILE, key)
    except (OSError, ValueError, StoreDamaged, msgspec.DecodeError):  # derived: anything amiss, made again
        return {}


def _load(path: Path, key: dict[str, Any]) -> dict[str, Kept]:
    handle = files.open_regular(path)
    _OPEN.append(handle)
    fd = handle.fileno()
    size = os.fstat(fd).st_size  # of the file open (one written meanwhile is another)
    if size > LIMIT:
        raise ValueError("not a roll-up cache of this store")
    if size < len(MAGIC) + TRAILER or _pread(fd, 0, len(MAGIC)) != MAGIC:
        raise ValueError("not a roll-up cache of this store")
    at = int(_pread(fd, size - TRAILER, TRAILER))
    if not len(MAGIC) <= at < size - TRAILER:
        raise ValueError("not a roll-up cache of this store")
    header = msgspec.json.decode(_pread(fd, at, size - TRAILER - at), type=_Header)
    if header.format != FORMAT or header.key != key:
        raise ValueError("not a roll-up cache of this store")
    kept = {}
    for unit, e in header.units.items():
        if e.at < len(MAGIC) or e.length < 0 or e.at + e.length > at:
            raise ValueError("not a roll-up cache of this store")
        if zlib.crc32(_pread(fd, e.at, e.length)) != e.crc:
            raise ValueError(
                "a text is not what was kept"
            )  # read once here whole (the page cache keeps it), then again when printed
        read = functools.partial(_pread, fd, e.at, e.length)
        kept[unit] = Kept(e.stamp, e.since, e.until, e.source, e.facts, read)
    return kept


_OPEN: list[IO[bytes]] = []  # the files read from, open for the command's life


class Spool:
    """Texts made by this command, kept in an unnamed temporary file rather than in memory
    (a province's are tens of MB), each read back when asked for."""

    def __init__(self) -> None:
        self.handle = tempfile.TemporaryFile()  # noqa: SIM115 - open for the command's life
        _OPEN.append(self.handle)
        self.size = 0

    def put(self, text: bytes) -> Callable[[], bytes]:
        at = self.size
        self.handle.write(text)
        self.handle.flush()
        self.size += len(text)
        return functools.partial(_pread, self.handle.fileno(), at, len(text))


class _Chunks(io.RawIOBase):
    """A stream of the chunks a generator yields (what write_atomic copies from)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:  # a chunk whole: the reader takes any size
        return next(self.chunks, b"")


def save(folder: Path, key: dict[str, Any], kept: Iterable[tuple[str, Kept]], group: int = 0) -> None:
    """Keep the summaries (best effort: a read-only store, a full disk, just skip it), their
    texts copied into the file one at a time."""

    def chunks() -> Iterator[bytes]:
        units: dict[str, _Entry] = {}
        at = len(MAGIC)
        yield MAGIC
        for unit, k in kept:
            text = k.read()
            units[unit] = _Entry(k.stamp, k.since, k.until, k.source, k.facts, at, len(text), zlib.crc32(text))
            yield text
            at += len(text)
        yield msgspec.json.encode(_Header(FORMAT, key, units))
        yield b"%0*d" % (TRAILER, at)

    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        write_atomic(folder / FILE, cast("IO[bytes]", _Chunks(chunks())), sync=False, group=group)
