"""Checkpoints: a signed statement of how long a unit's log was and how it ended.

A checkpoint is written in the shape of a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint),
signed as a C2SP signed note (c2sp.org/signed-note), the format Go's checksum database and
Sigstore's Rekor use for the same purpose:

    checklist.local/prison/4f1c…         the origin: this unit of this store, nothing else
    120                                  the size: records 1 to 120
    3K+Wc9…=                             the hash of record 120's line (base64)

    — ed25519:0c4a…e1 AbCd…=             key name, then base64(key ID || Ed25519 signature)

One adaptation: a tlog's third line is a Merkle tree root; a unit's log is a hash chain, so
it is the head, the SHA-256 of the last record's line, which commits to every record before
it through the chain. Anyone holding a checkpoint can tell whether a log they are shown
still holds that record at that place: a log cut back and written again (a rollback, or a
fork) no longer does, whatever its own head.json says.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import DataError, message

if TYPE_CHECKING:
    from .keys import PublicKey

ORIGIN_PREFIX = "checklist.local/"
_DASH = "\u2014 "
_ED25519 = b"\x01"
MAX_NOTE = 16 * 1024  # a checkpoint is a few hundred bytes; 16 signatures fit easily


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int  # the number of the last record it covers
    head: str  # "sha256:<hex>" of that record's line

    def text(self) -> bytes:
        raw = bytes.fromhex(self.head.removeprefix("sha256:"))
        return f"{self.origin}\n{self.size}\n{base64.b64encode(raw).decode('ascii')}\n".encode()


def origin(unit_id: str, genesis_hash: str) -> str:
    """The log a checkpoint speaks of: the unit, and the hash of its unit file (which tells a
    unit apart from another of the same id in another store)."""
    return f"{ORIGIN_PREFIX}{unit_id}/{genesis_hash.removeprefix('sha256:')[:32]}"


def key_id(public: PublicKey) -> bytes:
    """signed-note's key ID: SHA-256(key name || 0x0A || 0x01 || public key)[:4]."""
    raw = base64.b64decode(public.public)
    return hashlib.sha256(public.key.encode() + b"\n" + _ED25519 + raw).digest()[:4]


def note(checkpoint: Checkpoint, public: PublicKey, sign: bytes) -> bytes:
    """The signed note: the text, a blank line, and one signature line (`sign` is the raw
    Ed25519 signature of the text)."""
    signature = base64.b64encode(key_id(public) + sign).decode("ascii")
    return checkpoint.text() + b"\n" + f"{_DASH}{public.key} {signature}\n".encode()


@dataclass(frozen=True)
class Signed:
    checkpoint: Checkpoint
    signers: list[PublicKey]  # the known keys whose signatures hold


def parse(data: bytes, keys: dict[str, PublicKey]) -> Signed:
    """A checkpoint from a signed note, with the known keys that signed it. Signatures of
    unknown keys are ignored (as signed-note says); one of a known key that fails to verify,
    or no signature of a known key at all, makes the note invalid (DataError)."""
    from .keys import signature_holds_raw

    if len(data) > MAX_NOTE:
        raise DataError("checkpoint.too_large", size=len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError("checkpoint.malformed", why=message("checkpoint.not_utf8")) from None
    if any(ord(char) < 0x20 and char != "\n" for char in text):
        raise DataError("checkpoint.malformed", why=message("checkpoint.control_character"))
    body, separator, signatures = text.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise DataError("checkpoint.malformed", why=message("checkpoint.no_blank_line"))
    checkpoint = _body(body + "\n")
    signers = []
    for line in signatures.removesuffix("\n").split("\n"):
        if not line.startswith(_DASH):
            raise DataError("checkpoint.malformed", why=message("checkpoint.no_dash"))
        name, _, encoded = line.removeprefix(_DASH).rpartition(" ")
        key = keys.get(name)
        if key is None:
            continue
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise DataError("checkpoint.malformed", why=message("checkpoint.signature_not_base64")) from None
        if blob[:4] != key_id(key):
            continue  # the same name, another key: not ours to check
        if not signature_holds_raw(key, checkpoint.text(), blob[4:]):
            raise DataError("checkpoint.bad_signature", key=key.key)
        signers.append(key)
    if not signers:
        raise DataError("checkpoint.unsigned")
    return Signed(checkpoint, signers)


def _body(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or not lines[0] or not lines[1].isdigit():
        raise DataError("checkpoint.malformed", why=message("checkpoint.not_lines"))
    try:
        raw = base64.b64decode(lines[2], validate=True)
    except binascii.Error:
        raise DataError("checkpoint.malformed", why=message("checkpoint.hash_not_base64")) from None
    if len(raw) != 32:
        raise DataError("checkpoint.malformed", why=message("checkpoint.hash_length"))
    return Checkpoint(lines[0], int(lines[1]), "sha256:" + raw.hex())


def consistent(checkpoint: Checkpoint, hashes: Mapping[int, str]) -> bool:
    """Whether a log (its line hashes by record number) still holds what the checkpoint says."""
    return checkpoint.size == 0 or hashes.get(checkpoint.size) == checkpoint.head
