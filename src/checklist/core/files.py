"""Reading the files of a store whole, safely: only a regular file, and only up to a size.

A store is a folder anyone with access can change. A FIFO in place of a file would make a
reader wait forever (opening one blocks until a writer comes), and a link to /dev/zero would
make it read until memory runs out; a file many times larger than its kind can be is damage
too. So every file the store reads goes through here: it is looked at (`stat`) before it is
opened, opened without waiting, looked at again once open (it may have been swapped), and
read no further than its limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from .errors import StoreDamaged

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

# Limits by kind of file, generous: each is far above what its kind holds in use.
SMALL = 1 * MIB  # store.json, config.json, unit.json, head.json, a key: a few hundred bytes each
CATALOG = 64 * MIB  # a kept catalog or the catalog cache: the bundled one is 0.1 MiB
SEAL = 64 * MIB  # a seal: every record of a day, some 200 bytes each
UNITS = 64 * MIB  # the list of units: a signed line of some 400 bytes per unit started
LOG = 4 * GIB  # a unit's records.jsonl (a million records is some 300 MB), and its saved index

# Open without waiting (a FIFO swapped in after the look would block the opening); the flag
# does nothing to a regular file's reads. POSIX only: Windows has no FIFOs to wait on.
_NO_WAIT = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_bounded(path: Path, limit: int, prefix: int | None = None) -> bytes:
    """The bytes of the regular file at `path` (a link is followed), if it holds at most `limit`;
    only its first `prefix` bytes if given (a log read up to where its head was seen).

    A missing file raises FileNotFoundError, for the caller to decide what that means; anything
    but a regular file, a file over its limit, or one that cannot be read raises StoreDamaged
    naming it.
    """
    if prefix is not None and prefix > limit:
        raise _too_large(path, limit)
    with open_regular(path) as handle:
        try:
            return _read(handle, path, limit) if prefix is None else handle.read(prefix)
        except OSError as exc:
            raise StoreDamaged("store.cannot_read", where=str(path), reason=exc.strerror or str(exc)) from exc


def regular_size(path: Path, limit: int) -> int:
    """The size of the regular file at `path` (a link is followed; 0 if it is missing), to be
    read later no further than that (a log read as a stream): refused as `read_bounded`
    refuses a file that is not a regular one, or is over its limit."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise StoreDamaged("store.cannot_read", where=str(path), reason=exc.strerror or str(exc)) from exc
    if not stat.S_ISREG(found.st_mode):
        raise StoreDamaged("file.not_regular", where=str(path))
    if found.st_size > limit:
        raise _too_large(path, limit)
    return found.st_size


def _read(handle: IO[bytes], path: Path, limit: int) -> bytes:
    size = os.fstat(handle.fileno()).st_size
    if size > limit:
        raise _too_large(path, limit)
    data = handle.read(size + 1)  # what stat says, and a byte more to see whether it grew
    if len(data) <= size:
        return data
    parts, total = [data], len(data)  # it grew since (an append): read on, to the limit
    while total <= limit and (chunk := handle.read(min(MIB, limit + 1 - total))):
        parts.append(chunk)
        total += len(chunk)
    if total > limit:
        raise _too_large(path, limit)
    return b"".join(parts)


def open_regular(path: Path) -> IO[bytes]:
    """The regular file at `path`, open for reading (see read_bounded for what is refused)."""
    where = str(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before opening: opening a FIFO blocks
            raise StoreDamaged("file.not_regular", where=where)
        fd = os.open(path, os.O_RDONLY | _NO_WAIT)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise StoreDamaged("store.cannot_read", where=where, reason=exc.strerror or str(exc)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the look and the opening
            raise StoreDamaged("file.not_regular", where=where)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _too_large(path: Path, limit: int) -> StoreDamaged:
    return StoreDamaged("file.too_large", where=str(path), mib=limit // MIB)
