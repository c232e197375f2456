"""Who speaks for a name in a store: the registrations of public keys (keys/).

A name has one key in a store at first: the first one registered for it (names compared as
they read, see names.py). Another key for the same name is that name's only if it is
endorsed: signed, over its registration, by a key that already speaks for the name (its
holder moving to a new key) or by the store's administrator (someone whose key was lost).

The administrator is the key registered first in the store: whoever set the store up. It is
not a setting, since anyone who runs `checklist config` could change a setting, and it needs
no key of its own to exist before it. Each registration says when it was made and by whom;
keys registered by releases before registrations were kept (format 1) count from when they
were made.

`read` decides, in the order the keys were registered, which keys speak for their names;
a key registered for a taken name without a valid endorsement does not, and is a problem.

A key's registration is never rewritten: what happens to it later is a statement beside it
(keystatements.py): rotated (another key of the same name takes over from a date) or revoked
(from a date, for a reason). A statement holds when it is signed by the key itself, by a key
that speaks for the same name, or by the administrator, none of them revoked or replaced by
then; a key ended so endorses nothing after that. `ended`, `revoked_at` and `ends` say what
holds of a key: the function any check of a signature (a store's own keys, or keys trusted
for a unit's bundles) asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .errors import Message, message
from .keys import PublicKey, signature_holds
from .names import same_person

if TYPE_CHECKING:
    from .keystatements import KeyStatement


def when(key: PublicKey) -> datetime:
    """When a key was registered (for a key registered before that was kept: when it was made)."""
    return key.registered_at or key.created_at


@dataclass(frozen=True)
class Registry:
    keys: dict[str, PublicKey]  # every registered key, by id
    accepted: dict[str, PublicKey] = field(default_factory=dict)  # those that speak for their name, in order
    admin: PublicKey | None = None
    problems: list[Message] = field(default_factory=list)
    # the statements that hold about each key (a rotation, a revocation), in the order made
    statements: dict[str, list[KeyStatement]] = field(default_factory=dict)

    def holder(self, name: str) -> PublicKey | None:
        """The first key that speaks for a name in this store, if any."""
        return next((k for k in self.accepted.values() if same_person(k.name, name)), None)

    def may_endorse(self, endorser: PublicKey, name: str, at: datetime | None = None) -> bool:
        """Whether a key may endorse another key for `name` (or make a statement about one of
        that name's keys) at `at` (None: now): it speaks for that name, or it is the
        administrator's, and it was neither revoked nor replaced by then."""
        if endorser.key not in self.accepted or self.ended(endorser.key, at) is not None:
            return False
        return same_person(endorser.name, name) or self.is_admin(endorser.key)

    def is_admin(self, key_id: str) -> bool:
        """Whether a key is the administrator's: the first key registered in the store, or the
        key that replaced it (and so on, rotation after rotation). A revoked one stays revoked."""
        current, seen = self.admin.key if self.admin is not None else None, set()
        while current is not None and current not in seen:
            if current == key_id:
                return True
            seen.add(current)
            rotation = self.replaced(current)
            current = rotation.replaced_by if rotation is not None else None
        return False

    def ends(self, key_id: str) -> list[KeyStatement]:
        """The statements that hold about a key: its rotation, its revocation (earliest first)."""
        return sorted(self.statements.get(key_id, ()), key=lambda s: s.since)

    def ended(self, key_id: str, at: datetime | None = None) -> KeyStatement | None:
        """The statement by which a key no longer speaks for its name at `at` (None: now), if any."""
        from .clock import real_now

        moment = real_now() if at is None else at
        return next((s for s in self.ends(key_id) if s.since <= moment), None)

    def revoked_at(self, key_id: str) -> datetime | None:
        """From when a key is revoked (None: it is not)."""
        return next((s.since for s in self.ends(key_id) if s.revoked), None)

    def replaced(self, key_id: str) -> KeyStatement | None:
        """The rotation that replaced a key, if any."""
        return next((s for s in self.ends(key_id) if not s.revoked), None)


def read(keys: dict[str, PublicKey], statements: Sequence[KeyStatement] = ()) -> Registry:
    """Which registered keys speak for their names, and what is wrong with the others; and
    which statements about them (rotations, revocations) hold, read with the registrations in
    the order they were made."""
    ordered = sorted(keys.values(), key=lambda k: (when(k), k.key))
    found = Registry(keys, admin=ordered[0] if ordered else None)
    events: list[tuple[datetime, int, PublicKey | KeyStatement]] = [(when(k), 0, k) for k in ordered]
    events += [(s.made_at, 1, s) for s in statements]
    events.sort(key=lambda event: (event[0], event[1]))
    for _, _, event in events:
        if isinstance(event, PublicKey):
            _registration(found, event)
        else:
            _statement(found, event)
    return found


def _statement(found: Registry, statement: KeyStatement) -> None:
    """A rotation or revocation holds if its signer may speak for the key's name then (the
    key itself, another of its name's keys, or the administrator's), and a rotation's new key
    speaks for the same name."""
    signer = found.accepted.get(statement.signed_by.key) if statement.signed_by else None
    key = found.keys.get(statement.key)
    new = found.accepted.get(statement.replaced_by) if statement.replaced_by else None
    allowed = signer is not None and (
        signer.key == statement.key or found.may_endorse(signer, statement.name, statement.made_at)
    )
    if (
        key is None
        or not same_person(key.name, statement.name)
        or signer is None
        or not allowed
        or not statement.holds(signer)
        or (statement.replaced_by is not None and (new is None or not same_person(new.name, statement.name)))
    ):
        code = "registry.bad_revocation" if statement.revoked else "registry.bad_rotation"
        signer_key = statement.signed_by.key if statement.signed_by else None
        found.problems.append(message(code, key=statement.key, name=statement.name, by=signer_key))
        return
    found.statements.setdefault(statement.key, []).append(statement)


def _registration(found: Registry, key: PublicKey) -> None:
    if key.endorsed_by is not None:
        endorser = found.accepted.get(key.endorsed_by.key)
        if (
            endorser is None
            or not found.may_endorse(endorser, key.name, when(key))
            or not signature_holds(endorser, key.endorsed_part(), key.endorsed_by)
        ):
            found.problems.append(
                message("registry.bad_endorsement", key=key.key, name=key.name, by=key.endorsed_by.key)
            )
            return
    elif (holder := found.holder(key.name)) is not None:
        admin = found.admin.name if found.admin else None
        found.problems.append(
            message("registry.not_endorsed", key=key.key, name=key.name, holder=holder.key, admin=admin)
        )
        return
    found.accepted[key.key] = key
