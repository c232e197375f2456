"""Personal signing keys (Ed25519): who really made a record.

A person's private key lives in their own config folder, readable by them only; its public
half is registered in each store they write to. A record made by someone with a key is
signed over its canonical form (see `Record.canonical`), and `verify` checks the signature
against the store's registered keys. The cryptography is `cryptography`'s, never our own;
it is imported only when a key is made or used, to keep start-up lean.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import StringConstraints, model_validator

from .atomic import write_atomic
from .errors import DataError, UserError
from .files import SMALL, read_bounded
from .models import CleanStr, RecordSignature, Signature, Stored, from_user
from .names import same_person

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_ID = r"^ed25519:[0-9a-f]{16}$"


class PublicKey(Stored):
    """A public key: whose it is, and the 32 raw bytes in base64 (format 1, as a user's own
    config folder keeps it). Registered in a store (keys/, format 2) it also says which store,
    when and by whom it was registered, and, for a name that had a key there already, the
    endorsement: the signature of that name's key or the administrator's (see registry.py)."""

    format: Literal[1, 2] = 1  # see formats.KEY
    key: Annotated[str, StringConstraints(pattern=KEY_ID)]
    name: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]
    public: Annotated[str, StringConstraints(min_length=44, max_length=44)]
    created_at: datetime
    store: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    registered_at: datetime | None = None
    registered_by: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)] | None = None
    endorsed_by: Signature | None = None

    @model_validator(mode="after")
    def _registered(self) -> PublicKey:
        registration = (self.store, self.registered_at, self.registered_by)
        if (self.format == 2) != all(part is not None for part in registration) or (
            self.format == 1 and (any(part is not None for part in registration) or self.endorsed_by is not None)
        ):
            raise ValueError("a registered key (format 2) says its store, when and by whom; a bare key does not")
        return self

    def bare(self) -> PublicKey:
        """The key alone, as its holder's config folder keeps it."""
        return PublicKey(key=self.key, name=self.name, public=self.public, created_at=self.created_at)  # format 1

    def registration(self, store: str, at: datetime, by: str) -> PublicKey:
        """This key as registered in a store, now, by someone (not endorsed yet)."""
        bare = {"key": self.key, "name": self.name, "public": self.public, "created_at": self.created_at}
        return PublicKey(**bare, format=2, store=store, registered_at=at, registered_by=by)

    def endorsed_part(self) -> bytes:
        """What an endorsement signs: the registration without the endorsement."""
        content = self.model_dump(mode="json", exclude={"endorsed_by"}, exclude_none=True)
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def key_id(raw_public: bytes) -> str:
    return "ed25519:" + hashlib.sha256(raw_public).hexdigest()[:16]


def new_key(config_home: Path, name: str, passphrase: str | None = None) -> tuple[PublicKey, Path]:
    """Make a key pair for `name` in a user's config folder; the private key is written
    readable by its owner only, and encrypted with `passphrase` if one is given (PKCS#8 with
    cryptography's best available encryption; the passphrase itself is kept nowhere)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    encoded = base64.b64encode(raw).decode("ascii")
    # from_user: a name with control characters is the user's error, not a bug
    public = from_user(PublicKey, key=key_id(raw), name=name, public=encoded, created_at=datetime.now(UTC))
    folder = config_home / "keys"
    stem = public.key.removeprefix("ed25519:")
    protection: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        guard_private(folder)
        # Owner-only from the start (a temporary file is made 0600): never readable by others, not even briefly.
        write_atomic(folder / f"{stem}.pem", pem, replace=False, mode=0o600)
        write_atomic(folder / f"{stem}.json", public_json(public), replace=False)
    except OSError as exc:
        raise UserError("key.cannot_write", where=str(folder), reason=exc.strerror or str(exc)) from exc
    return public, folder / f"{stem}.pem"


def own_keys(config_home: Path) -> list[PublicKey]:
    """The public halves of the keys in a user's config folder, newest first."""
    folder = config_home / "keys"
    guard_private(folder)
    keys = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            keys.append(PublicKey.model_validate_json(read_bounded(path, SMALL)))
        except (OSError, ValueError, DataError):
            continue  # not ours to judge here; `checklist keys list` shows what it can read
    return sorted(keys, key=lambda k: k.created_at, reverse=True)


def guard_private(folder: Path) -> None:
    """A folder of private keys that others may write to could be given someone else's key
    under your name: closed (0700) when it is yours, refused when it is not."""
    try:
        found = folder.stat()
    except OSError:
        return  # not there yet; or unreadable, which the reading says
    if os.name != "posix" or not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return
    if found.st_uid == os.geteuid():
        folder.chmod(0o700)
        return
    raise UserError("key.folder_open", where=str(folder), mode=f"{stat.S_IMODE(found.st_mode):04o}")


def key_for(config_home: Path, name: str) -> PublicKey | None:
    """The newest key of this person, if they have one in this config folder."""
    return next(iter(keys_for(config_home, name)), None)


def keys_for(config_home: Path, name: str) -> list[PublicKey]:
    """This person's keys with their private half in this config folder, newest first."""
    return [k for k in own_keys(config_home) if same_person(k.name, name) and _private(config_home, k).is_file()]


def _private(config_home: Path, public: PublicKey) -> Path:
    return config_home / "keys" / f"{public.key.removeprefix('ed25519:')}.pem"


_ENCRYPTED = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


def is_protected(config_home: Path, public: PublicKey) -> bool:
    """Whether a private key is encrypted with a passphrase."""
    try:
        with _private(config_home, public).open("rb") as handle:
            return handle.read(len(_ENCRYPTED)) == _ENCRYPTED
    except OSError:
        return False


def load_private(config_home: Path, public: PublicKey, passphrase: str | None = None) -> Ed25519PrivateKey:
    """A private key; one protected by a passphrase needs it (a wrong one: WrongPassphrase)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = _private(config_home, public)
    try:
        data = read_bounded(path, SMALL)
    except (OSError, DataError) as exc:
        raise UserError("key.cannot_read", path=str(path), reason=getattr(exc, "strerror", None) or str(exc)) from exc
    protected = data.lstrip().startswith(_ENCRYPTED)
    if protected and not passphrase:
        raise UserError("key.needs_terminal", key=public.key, name=public.name)
    try:
        key = serialization.load_pem_private_key(
            data, password=passphrase.encode() if protected and passphrase else None
        )
    except ValueError as exc:
        if protected:
            raise WrongPassphrase("key.wrong_passphrase", key=public.key) from None
        raise UserError("key.cannot_read", path=str(path), reason=str(exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError("key.not_ed25519", path=str(path))
    return key


class WrongPassphrase(UserError):
    """The passphrase typed does not open the key."""


def sign(private: Ed25519PrivateKey, public: PublicKey, data: bytes) -> Signature:
    return Signature(key=public.key, value=base64.b64encode(private.sign(data)).decode("ascii"))


def signature_holds(public: PublicKey, data: bytes, signature: Signature | RecordSignature) -> bool:
    try:
        raw = base64.b64decode(signature.value, validate=True)
    except ValueError:
        return False
    return signature_holds_raw(public, data, raw)


def signature_holds_raw(public: PublicKey, data: bytes, raw: bytes) -> bool:
    """Whether `raw`, an Ed25519 signature, is `public`'s over `data`."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public.public)).verify(raw, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_json(public: PublicKey) -> bytes:
    return json.dumps(public.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=2).encode() + b"\n"


def read_public(data: bytes, where: str) -> PublicKey:
    """A public key file (a user's own, or one sent to be endorsed)."""
    try:
        return PublicKey.model_validate_json(data)
    except ValueError as exc:
        raise UserError("key.not_a_key", path=where, why=str(exc).splitlines()[0]) from exc
