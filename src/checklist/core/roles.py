"""Who holds which role of the catalog's head (the warden, the health officer), and since when.

Roles are granted and revoked as records of the unit's log (actions `granted` and `revoked`,
format 5), never set in a file: who could approve what, and when, is part of the audit trail.
A record takes effect at its moment: the replayed clock it was made with (`--now`), else
when it was written, so that a drill replayed on a past day grants the role on that day.
Records of the same moment take effect in the order of the log. People are compared as
core/names.py compares them (`王警官` and `王警官` in another width are one person).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .errors import NotFound, UserError
from .fuzzy import closest
from .models import Catalog, Record
from .names import key


@dataclass(frozen=True)
class Holding:
    """A person holding a role: since the grant that gave it (a second grant changes nothing)."""

    role: str
    holder: str  # as the grant spelled it
    since: datetime  # the moment of the grant
    by: str  # who granted it
    note: str | None  # why


def moment(record: Record) -> datetime:
    """When a role record takes effect: the replayed clock it was made with, else when it was written."""
    return record.clock or record.at


def holdings(records: Iterable[Record], at: datetime | None = None) -> list[Holding]:
    """Who holds which role at a moment (None: after every record), in the order they were granted."""
    ordered = sorted(enumerate(records), key=lambda pair: (moment(pair[1]), pair[0]))
    held: dict[tuple[str, str], Holding] = {}
    for _, record in ordered:
        if at is not None and moment(record) > at:
            break
        role, holder = record.role or "", record.holder or ""
        found = (role, key(holder))
        if record.action == "granted":
            held.setdefault(found, Holding(role, holder, moment(record), record.actor, record.note))
        elif record.action == "revoked":
            held.pop(found, None)
    return sorted(held.values(), key=lambda h: h.since)


def holders(found: Sequence[Holding], role: str) -> list[str]:
    """The people who hold a role, by the names their grants gave them."""
    return [h.holder for h in found if h.role == role]


def roles_of(found: Sequence[Holding], person: str) -> list[str]:
    """The roles a person holds (names compared as people are)."""
    wanted = key(person)
    return [h.role for h in found if key(h.holder) == wanted]


def holds(found: Sequence[Holding], person: str, role: str) -> bool:
    return role in roles_of(found, person)


def known_role(catalog: Catalog, token: str, prefix: bool = False) -> str:
    """A role of the catalog's head, by its id or its name in either language (or, with
    `prefix`, a unique beginning of one: for views, never to grant); an unknown one suggests
    the closest ids."""
    wanted = token.strip().casefold()
    names = {r.id: [r.id, (r.name.zh or "").casefold(), (r.name.en or "").casefold()] for r in catalog.meta.roles}
    for role_id, said in names.items():
        if wanted in said:
            return role_id
    started = [role_id for role_id, said in names.items() if wanted and any(n.startswith(wanted) for n in said)]
    if prefix and len(started) == 1:  # a unique beginning of an id or a name (卫生 for 卫生员)
        return started[0]
    ids = [r.id for r in catalog.meta.roles]
    if not ids:
        raise UserError("role.none_declared", role=token)
    raise NotFound("role.unknown", closest(wanted, ids), role=token, known=ids)
