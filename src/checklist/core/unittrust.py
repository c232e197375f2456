"""Keys trusted for units' bundles: on a receiving store (a bureau's, the province's), the
public keys that speak for a unit's bundles and seals (`checklist keys trust FILE --unit ID`).

    trusted/<unit id>/<key id without its algorithm>.json   written once, format 1

    {"format":1,"unit":"prison","key":"ed25519:…","name":"王警官","public":"…",
     "created_at":"…","trusted_at":"…","trusted_by":"省厅值班员"}

A key registered in a store (keys/) speaks for a name in that store; a trusted key speaks
for a unit that lives in another store. `speaks_for` is the one question every check asks
(the envelope of a bundle, a unit's signed head, `verify --seal`): key rotation and
revocation extend it, with the moment the signature was made.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import StringConstraints

from . import formats
from .atomic import write_atomic
from .errors import DataError, StoreDamaged, UserError
from .files import SMALL, read_bounded
from .keys import KEY_ID, PublicKey
from .models import CleanStr, Stored
from .store import KeepsMirrors, Store, check_unit_id, is_unit_id

FOLDER = "trusted"


class TrustedKey(Stored):
    format: Literal[1] = 1  # formats.TRUSTED
    unit: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    key: Annotated[str, StringConstraints(pattern=KEY_ID)]
    name: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]
    public: Annotated[str, StringConstraints(min_length=44, max_length=44)]
    created_at: datetime
    trusted_at: datetime
    trusted_by: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]

    def public_key(self) -> PublicKey:
        return PublicKey(key=self.key, name=self.name, public=self.public, created_at=self.created_at)


def _root(store: Store) -> Path:
    root = getattr(store, "root", None)
    if not isinstance(root, Path):
        raise UserError("bundle.store_unsupported", store=store.location)
    return root


def _rows(store: Store) -> KeepsMirrors | None:
    """The store, if it keeps trusted keys as rows of its own (a database), not in a folder."""
    return store if not isinstance(getattr(store, "root", None), Path) and isinstance(store, KeepsMirrors) else None


def _parse(data: bytes, where: str, unit_id: str | None = None, key_id: str | None = None) -> TrustedKey:
    """A trusted key's file (or row), checked: its format, and that it is the unit's and key's
    it is kept under (where they are known)."""
    try:
        raw = json.loads(data)
        formats.check(where, raw.get("format") if isinstance(raw, dict) else None, formats.TRUSTED)
        found = TrustedKey.model_validate(raw)
    except formats.NewerFormat:
        raise
    except (ValueError, DataError) as exc:
        raise StoreDamaged("store.damaged_key", where=where, why=str(exc).splitlines()[0]) from exc
    if (unit_id is not None and found.unit != unit_id) or (key_id is not None and found.key != key_id):
        raise StoreDamaged("store.damaged_key", where=where, why=f"{found.unit}/{found.key}")
    return found


def trust(store: Store, public: PublicKey, unit_id: str, *, at: datetime, by: str) -> tuple[TrustedKey, bool]:
    """Record that `public` speaks for unit `unit_id`'s bundles; False if it did already."""
    check_unit_id(unit_id)
    entry = TrustedKey(
        unit=unit_id,
        key=public.key,
        name=public.name,
        public=public.public,
        created_at=public.created_at,
        trusted_at=at,
        trusted_by=by,
    )
    content = json.dumps(entry.model_dump(mode="json"), ensure_ascii=False, indent=2).encode() + b"\n"
    rows = _rows(store)
    if rows is not None:
        if rows.put_trusted(unit_id, public.key, content):
            return entry, True
        return _in_rows(store, rows.trusted_files(unit_id, public.key)[0], unit_id, public.key), False
    folder = _root(store) / FOLDER / unit_id
    path = folder / f"{public.key.removeprefix('ed25519:')}.json"
    if path.is_file():
        return _read(path), False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content, replace=False)
    except FileExistsError:
        return _read(path), False
    except OSError as exc:
        raise UserError("store.cannot_write", where=str(folder), reason=exc.strerror or str(exc)) from exc
    return entry, True


def _read(path: Path) -> TrustedKey:
    try:
        raw = json.loads(read_bounded(path, SMALL))
        formats.check(str(path), raw.get("format") if isinstance(raw, dict) else None, formats.TRUSTED)
        found = TrustedKey.model_validate(raw)
    except formats.NewerFormat:
        raise
    except (ValueError, DataError) as exc:
        raise StoreDamaged("store.damaged_key", where=str(path), why=str(exc).splitlines()[0]) from exc
    if found.unit != path.parent.name or found.key.removeprefix("ed25519:") != path.stem:
        raise StoreDamaged("store.damaged_key", where=str(path), why=f"{found.unit}/{found.key}")
    return found


def _in_rows(store: Store, data: bytes, unit_id: str | None = None, key_id: str | None = None) -> TrustedKey:
    return _parse(data, f"{store.location}#{FOLDER}/{unit_id or ''}", unit_id, key_id)


def trusted(store: Store, unit_id: str | None = None) -> list[TrustedKey]:
    """The keys trusted for a unit (None: for every unit), by unit then key."""
    rows = _rows(store)
    if rows is not None:
        return [_in_rows(store, data, unit_id) for data in rows.trusted_files(unit_id)]
    root = getattr(store, "root", None)
    if not isinstance(root, Path):
        return []
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    units = [folder / unit_id] if unit_id is not None else sorted(p for p in folder.iterdir() if p.is_dir())
    found = []
    for unit_folder in units:
        if unit_folder.is_dir():
            found += [_read(path) for path in sorted(unit_folder.glob("*.json"))]
    return found


def _entry(store: Store, unit_id: str, key_id: str) -> TrustedKey | None:
    """The file trusting `key_id` for `unit_id`, read by its name (no other is read)."""
    rows = _rows(store)
    if rows is not None:
        if not is_unit_id(unit_id) or not re.fullmatch(KEY_ID, key_id):
            return None
        found = rows.trusted_files(unit_id, key_id)
        return _in_rows(store, found[0], unit_id, key_id) if found else None
    root = getattr(store, "root", None)
    if not isinstance(root, Path) or not is_unit_id(unit_id) or not re.fullmatch(KEY_ID, key_id):
        return None
    path = root / FOLDER / unit_id / f"{key_id.removeprefix('ed25519:')}.json"
    return _read(path) if path.is_file() else None


def speaks_for(store: Store, unit_id: str, key_id: str, at: datetime | None = None) -> PublicKey | None:
    """The key `key_id` if it speaks for unit `unit_id`'s bundles and seals here (at `at`, the
    moment it signed: rotation and revocation will answer by it), else None."""
    del at  # every trusted key speaks for its unit from when it was trusted, until rotation says otherwise
    found = _entry(store, unit_id, key_id)
    return found.public_key() if found is not None else None


def keys_for_unit(store: Store, unit_id: str) -> dict[str, PublicKey]:
    """Every key that speaks for a unit here, by id (what `verify --seal` checks a seal with)."""
    return {entry.key: entry.public_key() for entry in trusted(store, unit_id)}


def sender(store: Store, key_id: str) -> PublicKey | None:
    """A key trusted here for some unit: whoever sends bundles must hold one."""
    rows = _rows(store)
    if rows is not None:
        found = rows.trusted_files(None, key_id) if re.fullmatch(KEY_ID, key_id) else []
        return _in_rows(store, found[0], None, key_id).public_key() if found else None
    root = getattr(store, "root", None)
    if not isinstance(root, Path) or not re.fullmatch(KEY_ID, key_id) or not (root / FOLDER).is_dir():
        return None
    known = _SENDERS.get((root, key_id))
    if known is not None and known.is_file():  # still trusted there: read again, by its name
        return _read(known).public_key()
    for path in sorted((root / FOLDER).glob(f"*/{key_id.removeprefix('ed25519:')}.json")):
        _SENDERS[root, key_id] = path
        return _read(path).public_key()
    return None


# Where a sender's key was found trusted, by store and key id: an import of 3,000 bundles
# signed by one key looked for it among 3,000 units' folders 3,000 times. Only where to look
# is remembered (for the process): the file is read again each time, and looked for anew once gone.
_SENDERS: dict[tuple[Path, str], Path] = {}
