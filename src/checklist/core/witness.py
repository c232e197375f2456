"""A witness: what a person saw of a unit's log, kept outside the store, in their own folder.

Someone who can write the store can cut the end off a log and write on, and rewrite
head.json to match: the chain then holds, and nothing in the store remembers what was
there. What each person last wrote or verified is therefore also kept where the store's
other users cannot reach it (as SSH's known_hosts keeps a host's key, or a transparency
log's witness its last checkpoint): the origin, the size and the head of the log, and the
signed checkpoint when the person has a key. Every later append and verify by that person
checks that the log still holds that record at that place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import formats
from .atomic import settle_folder, write_atomic
from .checkpoint import Checkpoint
from .errors import Message, message

MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Seen:
    checkpoint: Checkpoint
    at: str  # when it was seen (ISO time, UTC)
    note: str | None = None  # the signed checkpoint, if the person signed it


def _path(folder: Path, origin: str) -> Path:
    return folder / f"{hashlib.sha256(origin.encode()).hexdigest()[:32]}.json"


def seen(folder: Path, origin: str) -> Seen | None:
    """What was last seen of this log, or None (never seen here, or unreadable: a witness
    that cannot be read witnesses nothing, and is made anew by the next append)."""
    path = _path(folder, origin)
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        data = json.loads(path.read_bytes())
        if formats.check(str(path), data.get("format"), formats.WITNESS) and data["origin"] == origin:
            point = Checkpoint(origin, int(data["size"]), str(data["head"]))
            return Seen(point, str(data["at"]), data.get("note"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return None


def remember(folder: Path, checkpoint: Checkpoint, note: bytes | None = None) -> None:
    """Keep what was seen, if it is further on than what was seen before (best effort: a
    folder that cannot be written only costs the witness)."""
    remember_all(folder, [(checkpoint, note)])


def remember_all(folder: Path, seen_now: Sequence[tuple[Checkpoint, bytes | None]]) -> None:
    """`remember` each of these (what `verify --all` saw of every log): each file written and
    flushed before it takes its name, the folder flushed and swept once at the end rather than
    once per file (3,000 files into a folder of 3,000 were 3,000 sweeps of it)."""
    written = False
    for checkpoint, note in seen_now:
        written = _remember(folder, checkpoint, note) or written
    if written:
        with contextlib.suppress(OSError):
            settle_folder(folder)


def _remember(folder: Path, checkpoint: Checkpoint, note: bytes | None) -> bool:
    before = seen(folder, checkpoint.origin)
    if before is not None and before.checkpoint.size > checkpoint.size:
        return False
    content = {
        "format": formats.WITNESS,
        "origin": checkpoint.origin,
        "size": checkpoint.size,
        "head": checkpoint.head,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": note.decode() if note else None,
    }
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = json.dumps(content, ensure_ascii=False).encode()
        write_atomic(_path(folder, checkpoint.origin), data, mode=0o600, settle=False)
    except OSError:
        return False
    return True


def against_head(before: Seen, size: int, head: str | None) -> Message | None:
    """The cheap check before an append, against the log's head: a log shorter than what was
    seen, or ending elsewhere at the same length, was cut back or rewritten."""
    point = before.checkpoint
    if size < point.size:
        return message("witness.rolled_back", size=size, first=size + 1, seen=point.size, at=before.at)
    if size == point.size and head != point.head:
        return message("witness.forked", seq=point.size, at=before.at)
    return None


def against_log(before: Seen, hashes: Mapping[int, str]) -> Message | None:
    """The full check, in verify: the log still holds the record seen, at its place."""
    point = before.checkpoint
    if point.size == 0 or hashes.get(point.size) == point.head:
        return None
    last = max(hashes, default=0)
    if last < point.size:
        return message("witness.rolled_back", size=last, first=last + 1, seen=point.size, at=before.at)
    return message("witness.forked", seq=point.size, at=before.at)
