"""DSSE envelopes: a signed payload kept as the very bytes that were signed.

A statement signed as a re-serialization of the program's model is checked against what
the model makes of the file, not against the file: two files that differ (an escape, a
fraction of a second written out) would verify alike, and a release that changed how the
model is written would stop verifying old ones. In a DSSE envelope
(github.com/secure-systems-lab/dsse, as in-toto attestations use) the payload is kept as
base64 of its exact bytes, and the signature covers PAE(payloadType, payload), so anyone —
with `checklist` or any DSSE implementation — checks it against the bytes themselves:

    {"payloadType": "application/vnd.checklist.seal+json",
     "payload": "<base64 of the statement's JSON>",
     "signatures": [{"keyid": "ed25519:…", "sig": "<base64 Ed25519 signature>"}]}
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from .models import Signature

FIELDS = frozenset({"payloadType", "payload", "signatures"})


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what a signature covers."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def wrap(payload_type: str, payload: bytes, signatures: list[Signature]) -> bytes:
    """The envelope of `payload` with its signatures (each over `pae(payload_type, payload)`)."""
    envelope = {
        "payloadType": payload_type,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": s.key, "sig": s.value} for s in signatures],
    }
    return json.dumps(envelope, indent=2).encode() + b"\n"


@dataclass(frozen=True)
class Opened:
    payload_type: str
    payload: bytes  # the exact bytes that were signed
    signatures: list[Signature]

    def signed_part(self) -> bytes:
        return pae(self.payload_type, self.payload)


def is_envelope(found: object) -> bool:
    return isinstance(found, dict) and set(found) == FIELDS


def unwrap(found: dict[str, object]) -> Opened:
    """The payload and signatures of an envelope, not yet checked; ValueError if it is not one."""
    kind, payload, signatures = found["payloadType"], found["payload"], found["signatures"]
    if not isinstance(kind, str) or not isinstance(payload, str) or not isinstance(signatures, list):
        raise ValueError("an envelope's payloadType and payload are texts, its signatures a list")
    try:
        signed = [Signature(key=entry["keyid"], value=entry["sig"]) for entry in signatures]
        return Opened(kind, base64.b64decode(payload, validate=True), signed)
    except (KeyError, TypeError, binascii.Error) as exc:
        raise ValueError(f"not a DSSE envelope: {exc}") from None
