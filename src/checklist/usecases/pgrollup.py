"""`status --all --json` over a store that keeps the units' summaries itself (a PostgreSQL
database: core/pgsummaries.py), as usecases/rollup.py does over a folder's cache file.

One query reads every readable unit's head with its summary where it still holds (the same
head, the moment asked within its stretch, the same key and source catalog); the other units
are folded (each read from the database; in worker processes, each with a connection of its
own, when there is much to read) and their summaries written back in one batch. The texts
wait in a temporary file, not in memory, and the answer is the folder store's, byte for byte.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from datetime import datetime

import msgspec

from ..core import pgsummaries
from ..core import rollup as cache
from ..core.errors import ChecklistError
from .rollup import Folded, Render, Summary, _fold, _key, _moment, _source
from .session import Session


def summaries_kept(session: Session, store: pgsummaries.Summaries, ids: list[str], render: Render) -> Folded:
    """Every unit's summary, in the order of `ids`: the kept ones that hold, the others folded
    and kept for the next command (a role that may not write them is answered all the same)."""
    key = msgspec.json.encode({**_key(session, ids), "summaries": pgsummaries.FORMAT}).decode()
    moments: dict[str, datetime] = {}
    now: dict[str, str] = {}
    source_of: dict[str | None, str | None] = {}
    sources: dict[str, str | None] = {}
    for digest, kept_path in store.summary_kinds(key):
        if digest not in moments:
            _moment(session, digest, moments, now)  # a catalog not kept: its units are folded
        if kept_path not in sources:
            sources[kept_path] = _source(session, kept_path or None, source_of)
    spool = cache.Spool()
    found: dict[str, Summary] = {}
    marks: dict[str, pgsummaries.Mark] = {}
    for held in store.held_summaries(pgsummaries.Wanted(key, moments, sources)):
        marks[held.unit] = held.mark  # the head before any fold below: what a summary made now is of
        if held.facts is not None and held.text is not None:
            found[held.unit] = Summary.of(held.unit, msgspec.json.decode(held.facts), spool.put(held.text))
    todo = [unit_id for unit_id in ids if unit_id not in found]
    if not todo:
        return Folded({u: found[u] for u in ids}, now)
    kept: list[tuple[str, str | None, str | None, datetime, datetime]] = []
    size = sum(marks[u].size for u in todo if u in marks)  # much to read: folded in worker processes
    for unit_id, (folded, path, since, until, _) in _fold(session, todo, render, size):
        summary = dataclasses.replace(folded, read=spool.put(folded.read()))
        found[unit_id] = summary
        now.setdefault(summary.catalog, since.isoformat())
        if unit_id in marks:  # a unit started since the query: its head was not read
            kept.append((unit_id, path, _source(session, path or None, source_of), since, until))

    def made() -> Iterator[pgsummaries.Made]:  # a text read back at a time (from the spool: no query)
        for unit_id, path, source, since, until in kept:
            summary = found[unit_id]
            yield pgsummaries.Made(
                unit=unit_id,
                mark=marks[unit_id],
                catalog=summary.catalog,
                path=path or "",
                source=source,
                since=since,
                until=until,
                facts=msgspec.json.encode(summary.facts() | {"path": path}),
                text=summary.read(),
            )

    with contextlib.suppress(ChecklistError):  # derived: a role that may not write them, a full disk
        store.keep_summaries(key, made())
    return Folded({u: found[u] for u in ids}, now, len(todo))
