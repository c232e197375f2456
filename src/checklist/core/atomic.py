"""Writing a file so that readers see all of it or nothing, and a crash leaves no half; and
clearing away the partial files that writers killed in the middle left behind."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import time
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: partial files are judged by their age alone
    fcntl = None  # type: ignore[assignment]

# A partial file is removed once nobody has written to it for this long and no live process
# holds it (see `sweep`): a write takes well under a second, a large copy keeps its file's
# time moving, and a writer stalled for longer loses only its own write, which then fails.
STALE_AFTER = 10 * 60  # seconds

# What writers leave when they are killed: `.<name>.<random>.tmp` (this release and 0.2.0,
# files, and folders being made), and `.incoming.<random>` (evidence copies of 0.1.0 and 0.2.0).
PARTIAL = re.compile(r"^\..+\.[0-9a-z_]{8,12}\.tmp$|^\.incoming\.[0-9a-z_]{6,12}$")


class Mismatch(ValueError):
    """What was written does not have the SHA-256 it was to have; nothing was given a name."""


def write_atomic(
    path: Path,
    data: bytes | IO[bytes],
    *,
    replace: bool = True,
    sync: bool = True,
    mode: int = 0o644,
    group: int = 0,
    sha256: str | None = None,
    settle: bool = True,
) -> None:
    """Write `data` (bytes, or a stream read to its end) to a temporary file beside `path`,
    flush it, then give it the name.

    `replace=False` is for files written once: it fails with FileExistsError instead of
    replacing one (a hard link, which refuses an existing name). `sync=False` skips the
    fsyncs, for derived files (caches, indexes) that can always be made again. `mode` is
    the file's permission bits, as `open` takes them: less the user's umask; `group` adds
    bits whatever the umask (the group's, in a store shared by a group). With `sha256`,
    the bytes are hashed as they are written and must have that hash (else Mismatch), so a
    file named by its content is always the content its name says.
    `settle=False` leaves the folder's fsync and sweep to the caller, who writes many files into
    one folder and then settles it once (`settle`).

    The temporary file is locked while it is written, so that `sweep` never takes it from a
    live writer; what earlier writers killed in the middle left in the folder is swept after.
    """
    tmp, fd = _create(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # a new file: nobody else holds it
            if group:
                add_mode(handle.fileno(), group)
            written = _copy(data, handle)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        if sha256 is not None and written != sha256:
            raise Mismatch(f"{path.name}: the bytes written have the SHA-256 {written}")
        if replace:
            tmp.replace(path)
        else:
            os.link(tmp, path)  # fails if the file exists: never overwrite a written-once file
            tmp.unlink()
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if settle:
        settle_folder(path.parent, sync=sync)


def settle_folder(folder: Path, *, sync: bool = True) -> None:
    """After files were given their names in `folder`: the names made durable, and what killed
    writers left there swept."""
    if sync:
        fsync_dir(folder)
    sweep(folder)


def _create(path: Path, mode: int) -> tuple[Path, int]:
    """A new temporary file beside `path`, open for writing (never an existing name)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = temporary_name(path)
        try:
            return tmp, os.open(tmp, flags, mode)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def _copy(data: bytes | IO[bytes], handle: IO[bytes]) -> str:
    """Write all of `data`; the SHA-256 (hex) of what was written."""
    digest = hashlib.sha256()
    if isinstance(data, bytes):
        digest.update(data)
        handle.write(data)
        return digest.hexdigest()
    while chunk := data.read(1 << 20):
        digest.update(chunk)
        handle.write(chunk)
    return digest.hexdigest()


def add_mode(fd: int, bits: int) -> None:
    """Add permission bits to an open file, whatever the umask took away."""
    os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) | bits)


def temporary_name(path: Path) -> Path:
    """A free name beside `path` for a file or folder being made: `.<name>.<random>.tmp`."""
    return path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp"


def remove_tree(folder: Path) -> None:
    """Remove a folder that was being made, and what it holds; best effort."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def sweep(folder: Path, older_than: float = STALE_AFTER) -> tuple[int, int]:
    """Remove the partial files (and folders being made) that killed writers left in `folder`:
    only those nobody has written to for `older_than` seconds and whose writer is gone (a
    live writer holds a lock on its file). Best effort; returns how many and their bytes."""
    try:
        entries = [entry for entry in os.scandir(folder) if PARTIAL.match(entry.name)]
    except OSError:
        return 0, 0
    removed = size = 0
    now = time.time()
    for entry in entries:
        with contextlib.suppress(OSError):
            found = entry.stat(follow_symlinks=False)
            if now - found.st_mtime < older_than:
                continue
            if stat.S_ISDIR(found.st_mode):
                taken = _tree_size(Path(entry.path))
                remove_tree(Path(entry.path))
            elif stat.S_ISREG(found.st_mode):
                if not _remove_unheld(Path(entry.path)):
                    continue
                taken = found.st_size
            else:
                continue
            removed, size = removed + 1, size + taken
    return removed, size


def _remove_unheld(path: Path) -> bool:
    """Remove a file unless a live process holds a lock on it (a file this process cannot
    open to ask is judged by its age alone)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        path.unlink()
        return True
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # its writer is alive
        path.unlink()
        return True
    finally:
        os.close(fd)


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def fsync_dir(folder: Path) -> None:
    """Make a new name in `folder` durable (not every platform can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
