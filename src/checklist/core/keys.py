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
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import StringConstraints

from .atomic import write_atomic
from .errors import DataError, UserError
from .files import SMALL, read_bounded
from .models import CleanStr, Signature, Stored, from_user

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_ID = r"^ed25519:[0-9a-f]{16}$"


class PublicKey(Stored):
    """A registered public key: whose it is, and the 32 raw bytes in base64."""

    format: Literal[1] = 1  # see formats.KEY
    key: Annotated[str, StringConstraints(pattern=KEY_ID)]
    name: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]
    public: Annotated[str, StringConstraints(min_length=44, max_length=44)]
    created_at: datetime


def key_id(raw_public: bytes) -> str:
    return "ed25519:" + hashlib.sha256(raw_public).hexdigest()[:16]


def new_key(config_home: Path, name: str) -> tuple[PublicKey, Path]:
    """Make a key pair for `name` in a user's config folder; the private key is written
    readable by its owner only."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    encoded = base64.b64encode(raw).decode("ascii")
    # from_user: a name with control characters is the user's error, not a bug
    public = from_user(PublicKey, key=key_id(raw), name=name, public=encoded, created_at=datetime.now(UTC))
    folder = config_home / "keys"
    stem = public.key.removeprefix("ed25519:")
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Owner-only from the start (a temporary file is made 0600): never readable by others, not even briefly.
        write_atomic(folder / f"{stem}.pem", pem, replace=False, mode=0o600)
        write_atomic(folder / f"{stem}.json", public_json(public), replace=False)
    except OSError as exc:
        raise UserError("key.cannot_write", where=str(folder), reason=exc.strerror or str(exc)) from exc
    return public, folder / f"{stem}.pem"


def own_keys(config_home: Path) -> list[PublicKey]:
    """The public halves of the keys in a user's config folder, newest first."""
    folder = config_home / "keys"
    keys = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            keys.append(PublicKey.model_validate_json(read_bounded(path, SMALL)))
        except (OSError, ValueError, DataError):
            continue  # not ours to judge here; `checklist keys list` shows what it can read
    return sorted(keys, key=lambda k: k.created_at, reverse=True)


def key_for(config_home: Path, name: str) -> PublicKey | None:
    """The newest key of this person, if they have one in this config folder."""
    return next((k for k in own_keys(config_home) if k.name == name and _private(config_home, k).is_file()), None)


def _private(config_home: Path, public: PublicKey) -> Path:
    return config_home / "keys" / f"{public.key.removeprefix('ed25519:')}.pem"


def load_private(config_home: Path, public: PublicKey) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = _private(config_home, public)
    try:
        key = serialization.load_pem_private_key(read_bounded(path, SMALL), password=None)
    except (OSError, ValueError, DataError) as exc:
        raise UserError("key.cannot_read", path=str(path), reason=str(exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError("key.not_ed25519", path=str(path))
    return key


def sign(private: Ed25519PrivateKey, public: PublicKey, data: bytes) -> Signature:
    return Signature(key=public.key, value=base64.b64encode(private.sign(data)).decode("ascii"))


def signature_holds(public: PublicKey, data: bytes, signature: Signature) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public.public)).verify(
            base64.b64decode(signature.value, validate=True), data
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def public_json(public: PublicKey) -> bytes:
    return json.dumps(public.model_dump(mode="json"), ensure_ascii=False, indent=2).encode() + b"\n"
