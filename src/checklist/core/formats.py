"""The version of every file format in a store, and the refusal of a newer one.

A newer `checklist` always opens a store an older one wrote; an older one that meets a
format it does not know stops (exit 3) and names the release the store needs, instead of
misreading it. `store.json` names the oldest release that reads everything in the store
(`requires`); each file also carries its own format, a second line of defence for files
that arrive without their store (a seal sent upward, a catalog copied by hand).
"""

from __future__ import annotations

from .errors import DataError

# The format each file is written in by this release; every release reads all earlier ones.
STORE = 3  # store.json; 3: with the store's `id`; 2: release 0.2.0; 1: release 0.1.0 (no `requires`)
RECORD = 3  # each line of records.jsonl (`v`); 3: may say `clock`; 2: chained; 1: before chaining
UNIT = 1  # unit.json
HEAD = 1  # head.json
CONFIG = 1  # config.json
KEY = 2  # keys/<id>.json; 2: a registration (store, when, by whom, endorsement); 1: the key alone
SEAL = 3  # units/<id>/seals/*.json; 3: names its store; 2: no store; 1: before events and upgrades were sealed
QUARANTINE = 1  # each line of records.jsonl.quarantine
WITNESS = 1  # what a person saw of a log, kept in their own folder (witness.py)
UNITS = 1  # units.jsonl: the store's list of its units
# The release that first wrote this store format: what an older release must be upgraded to.
REQUIRES = "0.3.0"


class NewerFormat(DataError):
    """A file written by a newer release than this one."""


def refuse_newer(what: str, found: int, known: int, requires: str | None = None) -> None:
    from .. import __version__

    code = "format.newer_requires" if requires else "format.newer"
    raise NewerFormat(code, what=what, found=found, known=known, requires=requires, version=__version__)


def check(what: str, found: object, known: int, requires: str | None = None) -> int:
    """The format a file says it has (1 when it says none), refused if newer than `known`."""
    version = 1 if found is None else found
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DataError("format.unreadable", what=what, found=found)
    if version > known:
        refuse_newer(what, version, known, requires)
    return version
