"""The version of every file format in a store, and the refusal of a newer one.

A newer `checklist` always opens a store an older one wrote; an older one that meets a
format it does not know stops (exit 3) and names the release the store needs, instead of
misreading it. `store.json` names the oldest release that reads everything in the store
(`requires`); each file also carries its own format, a second line of defence for files
that arrive without their store (a seal sent upward, a catalog copied by hand).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from .errors import DataError, Message

# The format each file is written in by this release; every release reads all earlier ones.
# store.json; 6: release 0.7.0 (a unit's place, readable seals, key statements, a mirror)
STORE = 6  # 5: release 0.5.0; 4: acknowledgements; 3: with its `id`; 2: 0.2.0; 1: 0.1.0
# records.jsonl's `v`; 6: a unit's place (`placed`);
RECORD = 6  # 5: NEWER_ACTIONS, NEWER_CONTENT; 4: an acknowledgement; 3: `clock`; 2: chained
UNIT = 1  # unit.json
HEAD = 1  # head.json
CONFIG = 1  # config.json
# keys/<id>.json; 3: a statement about a registered key (its rotation, its revocation: keystatements.py)
KEY = 3  # 2: a registration (store, when, by whom, endorsement); 1: the key alone
# seals/*.json; 6: the readable part of the day (figures, alerts, notes, missed: readable.py), names format 6 records
SEAL = 6  # 5: names format 5 records; 4: acknowledgements; 3: names its store; 2: no store
QUARANTINE = 1  # each line of records.jsonl.quarantine
WITNESS = 1  # what a person saw of a log, kept in their own folder (witness.py)
UNITS = 1  # units.jsonl: the store's list of its units
# bundles (bundle.py, mirrors.py, unittrust.py): a store holding a mirror is of format 6
BUNDLE = 1  # a bundle's payload (checklist export)
MIRROR = 1  # units/<id>/mirror.json: a unit imported from another store
EXPORTED = 1  # units/<id>/exported.json: what the last bundle held of the unit
TRUSTED = 1  # trusted/<unit id>/<key>.json: a key that speaks for a unit's bundles
MIRROR_STORE = 6  # the store format that holds a mirror: release 0.6.0 would attest on it as its own
# The release that first wrote store format 3: what an older release must be upgraded to.
REQUIRES = "0.3.0"

# What release 0.3.0 cannot read is written in a newer format only where it occurs, so that a
# store without it stays open to that release: an action a release added is written as a record
# of the format that release reads (an acknowledgement of alerts, `acknowledged`: format 4), a
# seal naming one is of that format, and a store that holds one is raised to it when it is
# written. Every other record is of format 3.
NEWER_ACTIONS: dict[str, int] = {"acknowledged": 4}  # action -> the record, seal and store format it needs
NEWER_ACTIONS.update({"part-added": 5, "part-retired": 5})  # unit parts (blocks, wards): release 0.5.0
NEWER_ACTIONS.update({"set": 5})  # applicability: a change of the unit's attributes
NEWER_ACTIONS.update({"granted": 5, "revoked": 5})  # roles: a person given a role, or no longer holding it
NEWER_ACTIONS.update({"placed": 6})  # the hierarchy: the bodies a unit reports to (release 0.7.0)
# Likewise a record of any action that holds what an older release cannot read (a field it does
# not know, a value of a newer type): (whether a record holds it, the format that reads it).
NEWER_CONTENT: list[tuple[Callable[[Any], bool], int]] = [
    (lambda record: getattr(record, "answer", None) is not None, 5),  # a question's answer (`checklist answer`)
    (lambda record: getattr(record, "part", None) is not None, 5),  # an item of a unit's part
    # occurrences: a record naming which occurrence of an event it concerns (a second admission
    # of one person), which release 0.4.0 would fold into the first
    (lambda record: getattr(record, "occurrence", None) is not None, 5),
    (lambda record: getattr(record, "subject_type", None) is not None, 5),  # an event's subject type
]


def _holds_multi(record: Any) -> bool:
    """A multi-select's answers, a list: a figure's value of a type release 0.4.0 cannot read."""
    return any(isinstance(value, list) for value in record.figures.values())


def _kinded_evidence(record: Any) -> bool:
    """An evidence file attached as a named kind (`register`): its `kind` is a field 0.4.0 does not know."""
    return any(getattr(file, "kind", None) not in (None, msgspec.UNSET) for file in record.evidence)


NEWER_CONTENT += [(_holds_multi, 5), (_kinded_evidence, 5)]
PLAIN_STORE = 3  # the format a store is made in, and raised to by every write but of a format 4 record
REQUIRES_OF = {3: REQUIRES, 4: "0.4.0", 5: "0.5.0"}  # store format -> the release that first read it
REQUIRES_OF[6] = "0.7.0"  # a unit's place, readable seals, key rotation and revocation, mirrors
READABLE_SEAL = 6  # the seal format from which a seal carries the readable part of its day
KEY_STATEMENT = 3  # the format of a statement about a key in keys/ (its rotation, its revocation)
KEY_STATEMENT_STORE = 6  # the store format that reads one


def record_format(record: Any) -> int:
    """The format a record (a draft, or a record read) is written in: 3, or the newer one its
    action or its content needs (see NEWER_ACTIONS and NEWER_CONTENT)."""
    found = NEWER_ACTIONS.get(record.action, 3)
    for holds, needed in NEWER_CONTENT:
        if needed > found and holds(record):
            found = needed
    return found


def store_format(record: Any) -> int:
    """The format a store must have before this record is appended to it."""
    return max(record_format(record), PLAIN_STORE)


def seal_format(actions: Iterable[str], plain: int) -> int:
    """The format of a seal naming records of these actions (`plain` when none is newer)."""
    return max((NEWER_ACTIONS.get(action, plain) for action in actions), default=plain)


class NewerFormat(DataError):
    """A file written by a newer release than this one."""


def refuse_newer(what: str | Message, found: int, known: int, requires: str | None = None) -> None:
    from .. import __version__

    code = "format.newer_requires" if requires else "format.newer"
    raise NewerFormat(code, what=what, found=found, known=known, requires=requires, version=__version__)


def check(what: str | Message, found: object, known: int, requires: str | None = None) -> int:
    """The format a file says it has (1 when it says none), refused if newer than `known`."""
    version = 1 if found is None else found
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DataError("format.unreadable", what=what, found=found)
    if version > known:
        refuse_newer(what, version, known, requires)
    return version
