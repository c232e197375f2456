"""Writing a file so that readers see all of it or nothing, and a crash leaves no half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, replace: bool = True, sync: bool = True, mode: int = 0o644) -> None:
    """Write `data` to a temporary file beside `path`, flush it, then give it the name.

    `replace=False` is for files written once: it fails with FileExistsError instead of
    replacing one (a hard link, which refuses an existing name). `sync=False` skips the
    fsyncs, for derived files (caches, indexes) that can always be made again. `mode` is
    the file's permission bits, set before it takes its name (a temporary file is made
    readable by its owner only; what it becomes must not depend on that).
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
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


def fsync_dir(folder: Path) -> None:
    """Make a new name in `folder` durable (not every platform can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
