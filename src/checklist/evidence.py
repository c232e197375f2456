"""Evidence files: what an attestation records of a file that was shown (name, size, SHA-256).

Files are checked before anything is recorded: they must exist, be regular files no larger
than the store allows, and a symbolic link must not lead outside the current folder (so a
link cannot smuggle, say, a private key into a store that others read).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import UserError
from .models import EvidenceFile

CHUNK = 1 << 20
DEFAULT_MAX_MB = 100


def inspect(path: Path, max_bytes: int, cwd: Path | None = None) -> Path:
    """Refuse what cannot be evidence; return the file to read."""
    try:
        return _inspect(path, max_bytes, cwd)
    except OSError as exc:  # a name too long, a folder that cannot be searched…
        raise UserError(f"cannot use evidence {_short(path)}: {exc.strerror or exc}") from None


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 80 else text[:77] + "…"


def _inspect(path: Path, max_bytes: int, cwd: Path | None) -> Path:
    if path.is_symlink():
        target = path.resolve()
        here = (cwd or Path.cwd()).resolve()
        if not target.is_relative_to(here):
            raise UserError(
                f"evidence {path} is a link to {target}, outside the current folder",
                hint="give the file itself, not a link to it",
            )
    if not path.exists():
        raise UserError(f"evidence file not found: {path}")
    if path.is_dir():
        raise UserError(f"evidence must be a file, not a folder: {path}")
    if not path.is_file():
        raise UserError(f"evidence must be a regular file: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise UserError(
            f"evidence file {path} is {_mb(size)} MB, above this store's limit of {_mb(max_bytes)} MB",
            hint="raise it with `checklist config evidence_max_mb N`, or record the hash only with --no-copy",
        )
    return path


def describe(path: Path) -> EvidenceFile:
    """Hash an evidence file (a file that `inspect` accepted)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise UserError(f"cannot read evidence file {path}: {exc.strerror or exc}") from exc
    return EvidenceFile(name=path.name, size=size, sha256=digest.hexdigest())


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}".removesuffix(".0")
