"""Key rotation and revocation: `checklist keys rotate` and `checklist keys revoke`.

Each writes a statement about a registered key beside its registration in keys/ (core/
keystatements.py), signed by who acts with a key of theirs that may make it: the key itself,
another key that speaks for the same name, or the administrator's (the rules of an
endorsement, core/registry.py). A registration is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core import blobs, clock, keys
from ..core.errors import UserError
from ..core.keys import PublicKey
from ..core.keystatements import REVOCATION, ROTATION, KeyStatement, LogHead, moment
from ..core.names import same_person
from ..core.registry import Registry
from ..core.store import Store
from .session import Session

REASON_LIMIT = 2000  # characters of a revocation's reason


@dataclass(frozen=True)
class Stated:
    statement: KeyStatement
    signer: PublicKey  # the key that signed it
    where: str  # where the store keeps it


def rotate(session: Session, key_id: str, new_id: str | None, since: datetime | None) -> Stated:
    """Record that `new_id` (default: the newest other key that speaks for the same name)
    takes over from `key_id` from `since` (default: now)."""
    found = session.registry()
    key = _registered(found, key_id)
    if new_id is None:
        others = [
            k
            for k in found.accepted.values()
            if k.key != key.key and same_person(k.name, key.name) and found.ended(k.key) is None
        ]
        if not others:
            raise UserError("key.rotate_no_new", key=key.key, name=key.name)
        new = max(others, key=lambda k: (k.registered_at or k.created_at, k.key))
    else:
        new = _registered(found, new_id)
        if new.key == key.key or not same_person(new.name, key.name):
            raise UserError("key.rotate_other_name", key=key.key, name=key.name, new=new.key, other=new.name)
    return _state(session, found, key, ROTATION, since, replaced_by=new.key)


def revoke(session: Session, key_id: str, since: datetime | None, reason: str) -> Stated:
    """Record that `key_id` speaks for nobody from `since` (default: now), for `reason`."""
    reason = reason.strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise UserError("key.revoke_reason", limit=REASON_LIMIT)
    found = session.registry()
    key = _registered(found, key_id)
    return _state(session, found, key, REVOCATION, since, reason=reason)


def _registered(found: Registry, key_id: str) -> PublicKey:
    key = found.keys.get(key_id.strip())
    if key is None:
        raise UserError("key.not_in_store", key=key_id)
    return key


def _state(  # noqa: PLR0917 - a statement's parts
    session: Session,
    found: Registry,
    key: PublicKey,
    kind: str,
    since: datetime | None,
    replaced_by: str | None = None,
    reason: str | None = None,
) -> Stated:
    now = clock.real_now()
    for earlier in found.ends(key.key):
        if earlier.revoked or kind == ROTATION:
            raise UserError(
                "key.ended_already",
                key=key.key,
                revoked=earlier.revoked,
                since=moment(earlier.since),
                new=earlier.replaced_by,
            )
    by = session.actor()
    signer = _signer(session, found, key, by, now)
    store_id = session.store.store_id(create=True) or ""
    draft = KeyStatement(
        kind=kind,
        key=key.key,
        name=key.name,
        replaced_by=replaced_by,
        since=since or now.astimezone(),  # in this computer's time zone, as --from reads a day
        reason=reason,
        store=store_id,
        made_at=now,
        by=by,
        heads=heads(session.store),
    )
    signature = keys.sign(session.private_key(signer), signer, draft.signed_part())
    statement = draft.model_copy(update={"signed_by": signature})
    where = blobs.save_key_statement(session.store, statement)
    return Stated(statement, signer, where)


def _signer(session: Session, found: Registry, key: PublicKey, by: str, now: datetime) -> PublicKey:
    """The key of who acts that may make a statement about `key`: the key itself, one that
    speaks for its name, or the administrator's (none of them revoked or replaced by now)."""
    mine = [k for k in keys.keys_for(session.settings.config_home(), by) if k.key in found.accepted]
    if not mine:
        raise UserError("key.endorser_has_none", by=by)
    own = next((k for k in mine if k.key == key.key), None)
    signer = own or next((k for k in mine if found.may_endorse(k, key.name, now)), None)
    if signer is None:
        admin = found.admin
        raise UserError(
            "key.statement_not_allowed",
            by=by,
            key=key.key,
            name=key.name,
            admin=admin.name if admin else None,
            admin_key=admin.key if admin else None,
        )
    return signer


def heads(store: Store) -> dict[str, LogHead]:
    """Each unit's log head in the store now (as head.json notes it, else as the log says)."""
    found = {}
    for unit_id in store.unit_ids():
        head = store.head(unit_id)
        if head is None:
            hashes = blobs.line_hashes(store.stream(unit_id), ())
            last = hashes.last
            found[unit_id] = LogHead(seq=last or 0, hash=hashes[last] if last else None)
        else:
            found[unit_id] = LogHead(seq=head.seq, hash=head.hash)
    return found
