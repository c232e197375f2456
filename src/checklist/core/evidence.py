"""Evidence files: what an attestation records of a file that was shown (name, size, SHA-256).

Files are checked before anything is recorded: they must exist, be regular files no larger
than the store allows, and a path that goes through a symbolic link (the file itself, or any
folder on the way to it) must end inside the current folder (so a link cannot smuggle, say,
a private key or /etc/shadow into a store that others read).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import NotFound, UserError
from .fuzzy import closest
from .models import Catalog, EvidenceFile

CHUNK = 1 << 20
DEFAULT_MAX_MB = 100


def inspect(path: Path, max_bytes: int, cwd: Path | None = None) -> Path:
    """Refuse what cannot be evidence; return the file to read."""
    try:
        return _inspect(path, max_bytes, cwd)
    except OSError as exc:  # a name too long, a folder that cannot be searched…
        raise UserError("evidence.unusable", path=str(path), reason=exc.strerror or str(exc)) from None


def _inspect(path: Path, max_bytes: int, cwd: Path | None) -> Path:
    here = cwd or Path.cwd()
    link = _first_link(here / path)
    if link is not None:
        target = (here / path).resolve()
        if not target.is_relative_to(here.resolve()):
            shown = None if link == here / path else link.relative_to(here) if link.is_relative_to(here) else link
            raise UserError("evidence.link_outside", path=str(path), target=str(target), link=shown and str(shown))
    if not path.exists():
        raise UserError("evidence.not_found", path=str(path))
    if path.is_dir():
        raise UserError("evidence.folder", path=str(path))
    if not path.is_file():
        raise UserError("evidence.not_regular", path=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise UserError("evidence.too_large", path=str(path), mb=size / 1_000_000, max_mb=max_bytes / 1_000_000)
    return path


def _first_link(path: Path) -> Path | None:
    """The first part of `path`, as it is written (not normalised: `a/../b` goes through `a`),
    that is a symbolic link; None if no part is."""
    parts = path.parts
    for end in range(2, len(parts) + 1):
        if Path(*parts[:end]).is_symlink():
            return Path(*parts[:end])
    return None


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
        raise UserError("evidence.cannot_read", path=str(path), reason=exc.strerror or str(exc)) from exc
    return EvidenceFile(name=_storable(path.name), size=size, sha256=digest.hexdigest())


def _storable(name: str) -> str:
    """A file's name as a record can hold it: bytes that are not UTF-8 (a name written on a
    GBK system) are kept as escapes such as \\xbc, so the record still says what the name was."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def named_kind(catalog: Catalog, token: str) -> str:
    """A kind of evidence the catalog's head declares, by its id or its name in either
    language (`register`, `登记簿`); an unknown one suggests the closest ids."""
    wanted = token.strip()
    for kind in catalog.meta.evidence_kinds:
        if wanted.casefold() in (kind.id, (kind.name.zh or "").casefold(), (kind.name.en or "").casefold()):
            return kind.id
    ids = [k.id for k in catalog.meta.evidence_kinds]
    raise NotFound("evidence.unknown_kind", closest(wanted, ids), kind=token, known=ids)
