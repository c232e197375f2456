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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .errors import Message, message
from .keys import PublicKey, signature_holds
from .names import same_person


def when(key: PublicKey) -> datetime:
    """When a key was registered (for a key registered before that was kept: when it was made)."""
    return key.registered_at or key.created_at


@dataclass(frozen=True)
class Registry:
    keys: dict[str, PublicKey]  # every registered key, by id
    accepted: dict[str, PublicKey] = field(default_factory=dict)  # those that speak for their name, in order
    admin: PublicKey | None = None
    problems: list[Message] = field(default_factory=list)

    def holder(self, name: str) -> PublicKey | None:
        """The first key that speaks for a name in this store, if any."""
        return next((k for k in self.accepted.values() if same_person(k.name, name)), None)

    def may_endorse(self, endorser: PublicKey, name: str) -> bool:
        """Whether a key may endorse another key for `name`: it speaks for that name, or it
        is the administrator's."""
        if endorser.key not in self.accepted:
            return False
        return same_person(endorser.name, name) or (self.admin is not None and endorser.key == self.admin.key)


def read(keys: dict[str, PublicKey]) -> Registry:
    """Which registered keys speak for their names, and what is wrong with the others."""
    ordered = sorted(keys.values(), key=lambda k: (when(k), k.key))
    found = Registry(keys, admin=ordered[0] if ordered else None)
    for key in ordered:
        if key.endorsed_by is not None:
            endorser = found.accepted.get(key.endorsed_by.key)
            if (
                endorser is None
                or not found.may_endorse(endorser, key.name)
                or not signature_holds(endorser, key.endorsed_part(), key.endorsed_by)
            ):
                found.problems.append(
                    message("registry.bad_endorsement", key=key.key, name=key.name, by=key.endorsed_by.key)
                )
                continue
        elif (holder := found.holder(key.name)) is not None:
            admin = found.admin.name if found.admin else None
            found.problems.append(
                message("registry.not_endorsed", key=key.key, name=key.name, holder=holder.key, admin=admin)
            )
            continue
        found.accepted[key.key] = key
    return found
