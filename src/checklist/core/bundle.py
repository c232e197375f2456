"""Bundles: what a unit sends upward, in one signed file (`checklist export`), and what a
receiving store checks before it imports one (`checklist import`).

A bundle is a DSSE envelope (envelope.py; payloadType `application/vnd.checklist.bundle+json`)
signed by whoever exported it. Its payload, format 1 (README, "Bundles"):

    {"format":1,"kind":"checklist-bundle","store":"<the sender's store id>","made_at":"…","by":"王警官",
     "units":[{"unit":"prison","origin":"<the id of the store the unit lives in>",
               "genesis":"<unit.json, its exact text>",
               "after":12,"after_hash":"sha256:…",     the record before the first one carried
               "records":["<line 13>","<line 14>",…],  exact lines, blank ones too
               "head":14,"head_hash":"sha256:…",
               "catalog":"sha256:…",                   the catalog the unit runs
               "keys":["<a key registration, its exact text>",…],
               "seal":"<a seal of the unit's head, a DSSE envelope, its exact text>",
               "mirror":false}],                        relayed: a mirror of the sender's
     "catalogs":{"sha256:…":"<a kept catalog, its exact text>"},   each once per bundle
     "evidence":{"<sha256>":"<base64>"}}               only with --evidence

The seal is the unit's own signed statement of its head (seal.py): through the chain it
stands for every record and for the unit file, so a bureau that relays a unit's records
cannot forge one; a receiver checks it with a key trusted for that unit (unittrust.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from . import envelope, formats, mirrors, unittrust
from .chain import Head, digest, link_of, seq_of
from .errors import ChecklistError, DataError
from .keys import PublicKey, key_id, signature_holds
from .models import Signature
from .store import Store, is_unit_id, legacy_problem, parse_unit

if TYPE_CHECKING:
    from .models import Unit
    from .seal import Seal

PAYLOAD_TYPE = "application/vnd.checklist.bundle+json"
KIND = "checklist-bundle"
MIB = 1 << 20
MAX_PAYLOAD = 256 * MIB  # a bundle's payload: records, catalogs and evidence, before base64
MAX_FILE = MAX_PAYLOAD * 4 // 3 + MIB  # the envelope around it
_CATALOG_REF = re.compile(rb'"catalog":"(sha256:[0-9a-f]{64})"')


class UnitPart(msgspec.Struct, forbid_unknown_fields=True):
    unit: str
    origin: str
    genesis: str
    after: int
    after_hash: str
    records: list[str]
    head: int
    head_hash: str
    catalog: str
    keys: list[str]
    seal: str
    mirror: bool = False


class Payload(msgspec.Struct, forbid_unknown_fields=True):
    format: int
    kind: str
    store: str
    made_at: str
    by: str
    units: list[UnitPart]
    catalogs: dict[str, str]
    evidence: dict[str, str] = msgspec.field(default_factory=dict)


class _Format(msgspec.Struct):
    format: object = None


def catalog_refs(lines: list[bytes]) -> set[str]:
    """The catalogs records name (a record names the catalog it was made under)."""
    return {found.decode() for line in lines for found in _CATALOG_REF.findall(line)}


def encode(payload: Payload) -> bytes:
    return msgspec.json.encode(payload)


def wrap(payload: bytes, signature: Signature) -> bytes:
    return envelope.wrap(PAYLOAD_TYPE, payload, [signature])


# -- reading ----------------------------------------------------------------------------


def malformed(path: str, why: str, unit: str | None = None) -> DataError:
    if unit is None:
        return DataError("bundle.malformed", path=path, why=why)
    return DataError("bundle.malformed_unit", path=path, unit=unit, why=why)


def open_bundle(data: bytes, path: str) -> tuple[envelope.Opened, Payload]:
    """The envelope and payload of a bundle, read but not yet checked; a bundle of a newer
    format is refused as such, anything else that is not a bundle as malformed."""
    try:
        found = json.loads(data)
    except (ValueError, RecursionError):  # the parser's reason is English and says nothing to a duty officer
        raise DataError("bundle.not_json", path=path) from None
    if not envelope.is_envelope(found):
        raise DataError("bundle.not_envelope", path=path)
    try:
        opened = envelope.unwrap(found)
    except (ValueError, TypeError) as exc:
        raise malformed(path, str(exc).splitlines()[0]) from None
    if opened.payload_type == "application/vnd.checklist.seal+json":  # seal.PAYLOAD_TYPE: a seal, sent as one
        raise DataError("bundle.is_seal", path=path)
    if opened.payload_type != PAYLOAD_TYPE:
        raise malformed(path, f"an envelope of {opened.payload_type[:80]!r}, not of a bundle")
    if len(opened.signatures) != 1:
        raise malformed(path, f"a bundle has one signature, this one {len(opened.signatures)}")
    try:
        version = msgspec.json.decode(opened.payload, type=_Format).format
    except (msgspec.MsgspecError, RecursionError) as exc:
        raise malformed(path, str(exc).splitlines()[0] if str(exc) else "unreadable") from None
    formats.check(path, version, formats.BUNDLE)
    try:
        payload = msgspec.json.decode(opened.payload, type=Payload)
    except (msgspec.MsgspecError, RecursionError) as exc:
        raise malformed(path, str(exc).splitlines()[0] if str(exc) else "unreadable") from None
    if payload.kind != KIND:
        raise malformed(path, f"kind {payload.kind[:80]!r}, not {KIND!r}")
    return opened, payload


def check_sender(store: Store, opened: envelope.Opened, path: str) -> PublicKey:
    """The envelope's signer: a key trusted here (for any unit), whose signature holds."""
    signature = opened.signatures[0]
    public = unittrust.sender(store, signature.key)
    if public is None:
        raise DataError("bundle.untrusted_signer", path=path, key=signature.key)
    if not signature_holds(public, opened.signed_part(), signature):
        raise DataError("bundle.bad_signature", path=path, key=signature.key, name=public.name)
    return public


@dataclass
class Incoming:
    """One unit of a bundle, checked against what this store holds: what to append."""

    unit: Unit
    part: UnitPart
    genesis: bytes
    new_lines: list[bytes]
    carried: int  # records the bundle carries
    held: int  # ... that this store held already (byte for byte)
    size: int  # the held log's size, which the new lines follow
    exists: bool  # this store holds the mirror already
    seal: Seal
    key_data: dict[str, bytes] = field(default_factory=dict)

    @property
    def new(self) -> int:
        return self.carried - self.held


def check_unit(store: Store, part: UnitPart, path: str) -> Incoming:  # noqa: PLR0912, PLR0915 - one check after another
    """A unit of a bundle checked against this store: its unit file, the clash of its id with
    a unit of another store, its signed head (a key trusted for it), its chain, and the
    records held already (byte for byte: else a fork; the first new one must follow the last
    held: else a gap)."""
    from . import seal as seals
    from .blobs import line_hashes

    unit_id = part.unit
    if not is_unit_id(unit_id):
        raise malformed(path, "a unit id that is not one", unit=unit_id[:64])
    genesis = part.genesis.encode()
    try:
        unit = parse_unit(genesis, f"{path}: {unit_id}")
    except DataError as exc:
        raise malformed(path, str(exc.message), unit=unit_id) from None
    if unit.id != unit_id:
        raise malformed(path, f"the unit file is {unit.id}'s", unit=unit_id)
    exists = _holds(store, unit_id)
    if exists:
        held_info = mirrors.info(store, unit_id)
        if held_info is None:
            raise DataError("bundle.clash_own", path=path, unit=unit_id)
        if held_info.genesis != digest(genesis):
            raise DataError("bundle.clash", path=path, unit=unit_id, origin=held_info.origin, other=part.origin)
    # the unit's signed head, by a key trusted for it
    try:
        sealed = seals.parse(part.seal.encode(), f"{path}: {unit_id}")
    except DataError as exc:
        raise malformed(path, str(exc.message), unit=unit_id) from None
    if sealed.sig is None or sealed.unit != unit_id or sealed.store != part.origin:
        raise malformed(path, "the unit's seal is not its own", unit=unit_id)
    public = unittrust.speaks_for(store, unit_id, sealed.sig.key, sealed.made_at)
    if public is None:
        raise DataError("bundle.untrusted_unit_key", path=path, unit=unit_id, key=sealed.sig.key, by=sealed.by)
    if seals.check(sealed, {public.key: public}, None):
        raise DataError("bundle.bad_unit_seal", path=path, unit=unit_id, key=public.key)
    if sealed.head.seq != part.head or (part.head and sealed.head.hash != part.head_hash):
        raise DataError("bundle.head_not_sealed", path=path, unit=unit_id, seq=part.head)
    # the chain the bundle carries, from the record before its first
    lines = [text.encode() for text in part.records]
    hashes, index_of = _carried_chain(lines, part, genesis, path)
    # what this store holds
    size, held_last = 0, 0
    held_hash: dict[int, str] = {}
    if exists:
        stream = store.stream(unit_id)
        if stream.torn:
            raise DataError("store.torn_tail", where=stream.where)
        wanted = set(range(max(part.after, 1), part.head + 1)) | {part.after}
        found = line_hashes(stream, wanted)
        held_last, size = found.last, stream.whole
        held_hash = {seq: hashed for seq in wanted if 0 < seq <= held_last and (hashed := found.get(seq))}
    if part.after > held_last:
        raise DataError("bundle.gap", path=path, unit=unit_id, held=held_last, first=part.after + 1)
    expected = digest(genesis) if part.after == 0 else held_hash.get(part.after)
    if part.after_hash != expected:
        raise DataError("bundle.fork", path=path, unit=unit_id, seq=max(part.after, 1))
    for seq in range(part.after + 1, min(held_last, part.head) + 1):
        if hashes.get(seq) != held_hash.get(seq):
            raise DataError("bundle.fork", path=path, unit=unit_id, seq=seq)
    carried = len(hashes)
    if part.head <= held_last:
        new_lines: list[bytes] = []
        held = carried
    else:
        start = index_of[held_last] + 1 if held_last > part.after else 0
        new_lines = lines[start:]
        held = held_last - part.after if held_last > part.after else 0
    key_data: dict[str, bytes] = {}
    for text in part.keys:
        data = text.encode()
        try:
            public_key = PublicKey.model_validate_json(data)
            raw = base64.b64decode(public_key.public, validate=True)
        except (ValueError, binascii.Error) as exc:
            raise malformed(path, f"a key: {str(exc).splitlines()[0]}", unit=unit_id) from None
        if key_id(raw) != public_key.key:
            raise malformed(path, f"key {public_key.key} is not its public key's", unit=unit_id)
        key_data[public_key.key] = data
    return Incoming(unit, part, genesis, new_lines, carried, held, size, exists, sealed, key_data)


def _carried_chain(
    lines: list[bytes], part: UnitPart, genesis: bytes, path: str
) -> tuple[dict[int, str], dict[int, int]]:
    """Each carried record's line hash by number, and where it is among the lines: the chain
    must run unbroken from `after` to `head`."""
    unit_id = part.unit
    hashes: dict[int, str] = {}
    index_of: dict[int, int] = {}
    prev_seq, prev_hash = part.after, part.after_hash
    unchained = [line for line in lines if line.strip() and link_of(line) is None]
    if unchained:  # records written before chaining: only a bundle from the start carries them
        if part.after != 0:
            raise malformed(path, "a record without its link", unit=unit_id)
        from .chain import check

        size = sum(len(line) + 1 for line in lines)
        head = Head(part.head, part.head_hash, size) if part.head else None
        report = check(lines, b"", digest(genesis), head, lambda line: legacy_problem(line, unit_id))
        if not report.ok:
            raise DataError("bundle.broken_chain", path=path, unit=unit_id, seq=report.last_seq + 1)
        for at, line in enumerate(lines):
            if link_of(line) is not None and (seq := seq_of(line)) is not None:
                hashes[seq], index_of[seq] = digest(line), at
        return hashes, index_of
    for at, line in enumerate(lines):
        if not line.strip():
            continue
        seq = seq_of(line)
        if seq != prev_seq + 1 or link_of(line) != prev_hash:
            raise DataError("bundle.broken_chain", path=path, unit=unit_id, seq=prev_seq + 1)
        prev_seq, prev_hash = seq, digest(line)
        hashes[seq], index_of[seq] = prev_hash, at
    if prev_seq != part.head or (prev_seq and prev_hash != part.head_hash):
        raise DataError("bundle.broken_chain", path=path, unit=unit_id, seq=prev_seq + 1)
    return hashes, index_of


def checked_blobs(payload: Payload, path: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The catalogs and evidence files a bundle carries, each checked against its name."""
    catalogs: dict[str, bytes] = {}
    for name, text in payload.catalogs.items():
        data = text.encode()
        if not re.fullmatch(r"sha256:[0-9a-f]{64}", name) or digest(data) != name:
            raise malformed(path, f"catalog {name[:80]} is not what its name says")
        catalogs[name] = data
    evidence: dict[str, bytes] = {}
    for name, text in payload.evidence.items():
        try:
            data = base64.b64decode(text, validate=True)
        except (ValueError, binascii.Error):
            raise malformed(path, f"evidence {name[:80]} is not base64") from None
        if not re.fullmatch(r"[0-9a-f]{64}", name) or hashlib.sha256(data).hexdigest() != name:
            raise malformed(path, f"evidence {name[:80]} is not what its name says")
        evidence[name] = data
    return catalogs, evidence


def check_bundle(
    store: Store, data: bytes, path: str
) -> tuple[Payload, list[Incoming], Mapping[str, bytes], Mapping[str, bytes]]:
    """Everything about a bundle that decides whether it imports, nothing written: its
    envelope (a trusted sender), each unit against what the store holds, the catalogs and
    evidence it carries."""
    opened, payload = open_bundle(data, path)
    check_sender(store, opened, path)
    seen: set[str] = set()
    incoming = []
    catalogs, evidence = checked_blobs(payload, path)
    for part in payload.units:
        if part.unit in seen:
            raise malformed(path, "a unit twice", unit=part.unit[:64])
        seen.add(part.unit)
        found = check_unit(store, part, path)
        if part.catalog not in catalogs and not _kept(store, part.catalog):
            raise malformed(path, f"catalog {part.catalog[:80]} is neither in the bundle nor kept here", unit=part.unit)
        incoming.append(found)
    return payload, incoming, catalogs, evidence


def _holds(store: Store, unit_id: str) -> bool:
    """Whether the store holds a unit of this id (a valid one), as `unit_ids` would say, but
    asked of its folder alone: listing 3,000 units for each of 3,000 bundles was most of an
    import."""
    units_dir = getattr(store, "units_dir", None)
    if isinstance(units_dir, Path):
        return (units_dir / unit_id / "unit.json").exists()
    return unit_id in store.unit_ids()


def _kept(store: Store, name: str) -> bool:
    from .store import Blob

    try:
        return store.blob(Blob.CATALOG, name.removeprefix("sha256:")) is not None
    except ChecklistError:
        return False


def when(payload: Payload) -> datetime | None:
    try:
        return datetime.fromisoformat(payload.made_at)
    except ValueError:
        return None
