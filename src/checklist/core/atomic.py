"""Writing a file so that readers see all of it or nothing, and a crash leaves no half."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO


class Mismatch(ValueError):
    """What was written does not have the SHA-256 it was to have; nothing was given a name."""


def write_atomic(
    path: Path,
    data: bytes | IO[bytes],
    *,
    replace: bool = True,
    sync: bool = True,
    mode: int = 0o644,
    sha256: str | None = None,
) -> None:
    """Write `data` (bytes, or a stream read to its end) to a temporary file beside `path`,
    flush it, then give it the name.

    `replace=False` is for files written once: it fails with FileExistsError instead of
    replacing one (a hard link, which refuses an existing name). `sync=False` skips the
    fsyncs, for derived files (caches, indexes) that can always be made again. `mode` is
    the file's permission bits, set before it takes its name (a temporary file is made
    readable by its owner only; what it becomes must not depend on that). With `sha256`,
    the bytes are hashed as they are written and must have that hash (else Mismatch), so a
    file named by its content is always the content its name says.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            written = _copy(data, handle)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        if sha256 is not None and written != sha256:
            raise Mismatch(f"{path.name}: the bytes written have the SHA-256 {written}")
        Path(tmp).chmod(mode)
        if replace:
            Path(tmp).replace(path)
        else:
            os.link(tmp, path)  # fails if the file exists: never overwrite a written-once file
            Path(tmp).unlink()
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    if sync:
        fsync_dir(path.parent)


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


def temporary_name(path: Path) -> Path:
    """A free name beside `path` for a file or folder being made: `.<name>.<random>.tmp`."""
    return path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp"


def remove_tree(folder: Path) -> None:
    """Remove a folder that was being made, and what it holds; best effort."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def fsync_dir(folder: Path) -> None:
    """Make a new name in `folder` durable (not every platform can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
