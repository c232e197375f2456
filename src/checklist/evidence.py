"""Evidence files: what an attestation records of a file that was shown (name, size, SHA-256)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import UserError
from .models import EvidenceFile

CHUNK = 1 << 20


def describe(path: Path) -> EvidenceFile:
    """Hash an evidence file; directories, missing and unreadable files are refused."""
    if not path.exists():
        raise UserError(f"evidence file not found: {path}")
    if path.is_dir():
        raise UserError(f"evidence must be a file, not a folder: {path}")
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
