"""Each unit's summary for `status --all --json`, kept in the database (`checklist.summaries`,
migration 0002): what the roll-up cache file is for a folder store (core/rollup.py), for a
store with no local folder.

A summary is kept for the head of the log it was made from (`Mark`: lines, size, last hash),
for the stretch of time it holds (from `since` to `holds_until`), under a key (the program,
the store, what else every summary depends on) and for the source catalog it was compared
with. `held` reads, in one query, every readable unit's head and, where it still holds at
the moment asked under its catalog, its summary; `keep` writes the units folded again in one
batch, one row per unit (INSERT … ON CONFLICT DO UPDATE: derived data, not a record).

Trust: derived data, as the cache file is. A role that may read a unit may write its summary
(row-level security: `checklist.readable_units()`); a summary only answers `status --all
--json` until the unit's next record or the end of its stretch; `verify` never reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

FORMAT = 1  # what a summary's facts and text are: part of the key


@runtime_checkable
class Summaries(Protocol):
    """A backend that keeps each unit's summary for `status --all --json` itself, with no
    local folder (PgStore: the database's table; a folder store has its cache file instead)."""

    def summary_kinds(self, key: str) -> list[tuple[str, str]]: ...  # (catalog digest, source path) kept
    def held_summaries(self, wanted: Wanted) -> Iterator[Held]: ...  # every unit's head, and its summary if it holds
    def keep_summaries(self, key: str, made: Iterable[Made]) -> int: ...  # one batch


@dataclass(frozen=True)
class Mark:
    """The head of a unit's log a summary was made from."""

    n: int
    size: int
    hash: str | None


@dataclass(frozen=True)
class Wanted:
    """What a kept summary must match to be used: the key, the moment asked under each
    catalog (by digest), and the digest each source catalog has now (by path, '' for the
    bundled one; None: unreadable)."""

    key: str
    moments: dict[str, datetime]
    sources: dict[str, str | None]


@dataclass(frozen=True)
class Held:
    """A unit's head, and its summary if one holds: its facts (JSON) and text."""

    unit: str
    mark: Mark
    facts: bytes | None
    text: bytes | None


@dataclass(frozen=True)
class Made:
    """A summary to keep."""

    unit: str
    mark: Mark
    catalog: str
    path: str
    source: str | None
    since: datetime
    until: datetime
    facts: bytes
    text: bytes


def kinds(conn: Any, key: str) -> list[tuple[str, str]]:
    """The catalogs (digests) and source paths of the summaries kept under `key`: the moments
    and sources to work out before `held` asks for them."""
    rows = conn.execute(
        "SELECT DISTINCT catalog, path FROM checklist.summaries WHERE key = %s ORDER BY 1, 2", (key,)
    ).fetchall()
    return [(catalog, path) for catalog, path in rows]


_HELD = """
WITH held AS (
    SELECT s.unit, s.n, s.size, s.hash, s.facts, s.text
    FROM checklist.summaries AS s
    JOIN unnest(%(catalogs)s::text[], %(moments)s::timestamptz[]) AS m (catalog, at)
        ON m.catalog = s.catalog AND s.since <= m.at AND m.at < s.holds_until
    JOIN unnest(%(paths)s::text[], %(sources)s::text[]) AS p (path, source)
        ON p.path = s.path AND p.source IS NOT DISTINCT FROM s.source
    WHERE s.key = %(key)s
)
SELECT h.unit, h.n, h.size, h.hash, held.facts::text, held.text
FROM checklist.heads AS h
LEFT JOIN held ON held.unit = h.unit AND held.n = h.n AND held.size = h.size AND held.hash IS NOT DISTINCT FROM h.hash
"""


def held(conn: Any, wanted: Wanted) -> Iterator[Held]:
    """Every unit the role may read, with its head and the summary that holds (one query,
    streamed a row at a time: the texts of a province are tens of MB). Read it whole before
    the connection is used again."""
    params = {
        "key": wanted.key,
        "catalogs": list(wanted.moments),
        "moments": list(wanted.moments.values()),
        "paths": list(wanted.sources),
        "sources": list(wanted.sources.values()),
    }
    import psycopg

    chunk = 64 if psycopg.pq.version() >= 170000 else 1  # rows a round trip (libpq 17 on); bytea as it is
    with conn.cursor() as cur:
        for unit, n, size, hash_, facts, text in cur.stream(_HELD, params, binary=True, size=chunk):
            yield Held(
                unit,
                Mark(n, size, hash_),
                None if facts is None else facts.encode(),
                None if text is None else bytes(text),
            )


_KEEP = """
INSERT INTO checklist.summaries AS s (unit, n, size, hash, key, catalog, path, source, since, holds_until, facts, text)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::json, %s)
ON CONFLICT (unit) DO UPDATE SET n = excluded.n, size = excluded.size, hash = excluded.hash, key = excluded.key,
    catalog = excluded.catalog, path = excluded.path, source = excluded.source, since = excluded.since,
    holds_until = excluded.holds_until, facts = excluded.facts, text = excluded.text,
    written_at = now(), written_by = current_user
"""


def keep(conn: Any, key: str, made: Iterable[Made]) -> int:
    """Keep these summaries, one transaction; how many. `made` is read while the rows are
    sent: it must not use the connection."""
    count = 0

    def rows() -> Iterator[tuple[Any, ...]]:  # a text at a time, not all of them in memory
        nonlocal count
        for m in made:
            count += 1
            first = (m.unit, m.mark.n, m.mark.size, m.mark.hash, key, m.catalog, m.path, m.source, m.since, m.until)
            yield (*first, m.facts.decode(), m.text)

    with conn.transaction(), conn.cursor() as cur:
        cur.executemany(_KEEP, rows())
    return count
