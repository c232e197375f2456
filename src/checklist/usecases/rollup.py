"""`status --all --json` on a province: every unit's summary, kept between commands and made
again only for the units whose log changed or whose summary no longer holds at the moment
asked (core/rollup.py), those folded in parallel processes when there is much to read.

What a summary holds is what the headline counts and the sorts and filters read (`Summary`),
and the unit's text: what the presenter made of its status (its JSON document, with the
moment asked left out, to be filled in: the only part of it that changes while it holds).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from ..core import rollup as cache
from ..core.errors import ChecklistError, UserError
from ..core.pgsummaries import Summaries
from ..core.store import LocalCache
from .session import Session
from .views import SORT_NAMES, SORTS, Filters, StatusView, natural_key, overdue_critical, reported_today

# A unit's rendering: its text before the moment asked, and after it.
Render = Callable[[StatusView], tuple[bytes, bytes]]

PARALLEL_BYTES = 8 << 20  # less log than this to fold: one process (starting workers costs more)
PARALLEL_UNITS = 16
CHUNK = 8  # units a worker folds before it hands them over
WORKERS = 2  # the machines the province runs on have two cores; more cannot hurt the fold's answer


@dataclass(frozen=True)
class Summary:
    """A unit as the roll-up reads it."""

    unit: str
    name: str  # its name, else its id
    kind: str
    reported: bool  # its headline reported today
    alerts: int  # alerts to acknowledge
    overdue: int  # overdue critical items
    percent: float  # progress (met, else done), as the table shows it
    fields: list[str]  # the headline's fields, in the catalog's order
    values: dict[str, Any]  # today's headline figures, by field
    catalog: str  # the digest of the catalog it runs
    place: tuple[str, ...]  # the bodies it reports to, from the top down (hierarchy.py)
    read: Callable[[], bytes]  # its rendering, read when it is printed: before the moment asked, then after it
    split: int  # where the moment goes in it

    def facts(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "reported": self.reported,
            "alerts": self.alerts,
            "overdue": self.overdue,
            "percent": self.percent,
            "fields": self.fields,
            "values": self.values,
            "catalog": self.catalog,
            "place": list(self.place),
            "split": self.split,
        }

    @classmethod
    def of(cls, unit: str, facts: dict[str, Any], read: Callable[[], bytes]) -> Summary:
        return cls(
            unit,
            facts["name"],
            facts["kind"],
            facts["reported"],
            facts["alerts"],
            facts["overdue"],
            facts["percent"],
            facts["fields"],
            facts["values"],
            facts["catalog"],
            tuple(facts["place"]),
            read,
            facts["split"],
        )


@dataclass(frozen=True)
class Headline:
    """The province's headline (views.Province), of summaries."""

    units: int
    reporting: int
    missing: list[str]  # units not reporting today, by id, in natural order of their names
    figures: dict[str, int | float]
    alerting: int
    overdue: int


@dataclass(frozen=True)
class RollupView:
    """`status --all --json`: the headline, then the units kept by the filters, in the order asked."""

    headline: Headline
    units: list[Summary]
    sort: Literal["attention", "name", "progress"]
    filters: Filters
    total: int
    now: dict[str, str]  # the moment asked, as each catalog's zone writes it, by catalog digest
    node: tuple[str, ...] = ()  # --under: the node whose units these are (the root: the whole store)


@dataclass
class Folded:
    """What a fold of units found: their summaries, and whether any was made again."""

    summaries: dict[str, Summary]
    now: dict[str, str]
    made: int = 0


def rollup(
    session: Session,
    render: Render,
    sort: str = "attention",
    *,
    kind: str | None = None,
    missing: bool = False,
    alerts: bool = False,
    overdue: bool = False,
    under: str | None = None,
) -> RollupView:
    """views.supervisor's answer, of summaries: every unit (under a node, with `under`) under
    the headline, filtered and sorted."""
    wanted_order = SORT_NAMES.get(sort.strip(), sort.strip().casefold())
    order = next((s for s in SORTS if s == wanted_order), None)
    if order is None:
        raise UserError("sort.unknown", token=sort, attention="attention", name="name", progress="progress")
    folded = summaries(session, render)
    found = list(folded.summaries.values())
    node: tuple[str, ...] = ()
    if under is not None:
        from . import hierarchy

        node = hierarchy.find_node(found, under)
        found = hierarchy.under(found, node)
    wanted = None
    if kind is not None:
        from ..core.catalog import resolve_kind

        catalog = session.kept_catalog(found[0].catalog) if found else None
        wanted = resolve_kind(catalog or session.catalog(), kind).id
    shown = [
        s
        for s in found
        if (wanted is None or s.kind == wanted)
        and (not missing or not s.reported)
        and (not alerts or s.alerts)
        and (not overdue or s.overdue)
    ]
    shown.sort(key=lambda s: natural_key(s.name))
    if order == "attention":
        shown.sort(key=lambda s: (not s.alerts, not s.overdue, s.reported, s.percent))
    elif order == "progress":
        shown.sort(key=lambda s: s.percent)
    filters = Filters(wanted, missing, alerts, overdue)
    return RollupView(headline(found), shown, order, filters, len(found), folded.now, node)


def headline(found: list[Summary]) -> Headline:
    """views.province, of summaries."""
    fields: dict[str, None] = {}
    figures: dict[str, int | float] = {}
    reporting = 0
    for s in found:
        fields.update(dict.fromkeys(s.fields))
        if not s.fields or not s.reported:
            continue
        reporting += 1
        for field_id, value in s.values.items():
            figures.setdefault(field_id, 0)
            if isinstance(value, int | float) and not isinstance(value, bool):
                figures[field_id] += value
    missing = sorted((s for s in found if not s.reported), key=lambda s: natural_key(s.name))
    return Headline(
        units=len(found),
        reporting=reporting,
        missing=[s.unit for s in missing],
        figures={f: figures.get(f, 0) for f in fields} if reporting else {},
        alerting=sum(1 for s in found if s.alerts),
        overdue=sum(1 for s in found if s.overdue),
    )


def summarize(view: StatusView, render: Render) -> Summary:
    """A unit's summary, from where it stands."""
    status = view.status
    headline = status.headlines[0] if status.headlines else None
    before, after = render(view)
    return Summary(
        unit=status.unit.id,
        name=status.unit.name or status.unit.id,
        kind=status.unit.kind,
        reported=reported_today(status),
        alerts=len(status.unacknowledged),
        overdue=len(overdue_critical(status)),
        percent=status.tally.percent,
        fields=[spec.id for spec in headline.item.item.measure.fields] if headline else [],
        values=dict(headline.values) if headline and headline.reported_today else {},
        catalog=status.catalog.digest,
        place=tuple(status.place),
        read=functools.partial(_same, before + after),
        split=len(before),
    )


def _same(text: bytes) -> bytes:
    return text


# -- the fold, kept --------------------------------------------------------------------


def summaries(session: Session, render: Render) -> Folded:
    """Every unit's summary, in the order of their ids: kept ones while they hold, the others
    folded (in parallel processes when there is much to read) and kept for the next command."""
    store = session.store
    ids = store.unit_ids()
    if isinstance(store, Summaries):
        from .pgrollup import summaries_kept

        return summaries_kept(session, store, ids, render)
    local = isinstance(store, LocalCache) and hasattr(store, "log_stamp")
    if not local:
        return _fold_all(session, ids, render)
    folder: Path = store.cache_folder()  # type: ignore[attr-defined]
    key = _key(session, ids)
    kept = cache.load(folder, key)
    sources: dict[str | None, str | None] = {}
    now: dict[str, str] = {}
    moments: dict[str, datetime] = {}
    found: dict[str, Summary] = {}
    stamps: dict[str, cache.Stamp] = {}
    todo: list[str] = []
    for unit_id in ids:
        stamps[unit_id] = stamp = store.log_stamp(unit_id)  # type: ignore[attr-defined]
        entry = kept.get(unit_id)
        if entry is None:
            todo.append(unit_id)
            continue
        digest = entry.facts["catalog"]
        if digest not in moments and not _moment(session, digest, moments, now):
            todo.append(unit_id)
            continue
        source = _source(session, entry.facts.get("path"), sources)
        if entry.holds(stamp, moments[digest], source):
            found[unit_id] = Summary.of(unit_id, entry.facts, entry.read)
        else:
            todo.append(unit_id)
    if not todo:
        return Folded(found, now)
    spool = cache.Spool()
    made = 0
    for unit_id, (folded, path, since, until, stamp) in _fold(session, todo, render, sum(stamps[u][0] for u in todo)):
        made += 1
        summary = dataclasses.replace(folded, read=spool.put(folded.read()))  # the text out of memory
        found[unit_id] = summary
        now.setdefault(summary.catalog, since.isoformat())
        if stamp == stamps[unit_id]:  # the log was not appended to while it was folded
            facts = summary.facts() | {"path": path}
            source = _source(session, path, sources)
            kept[unit_id] = cache.Kept(stamp, since, until, source, facts, summary.read)
        else:
            kept.pop(unit_id, None)
    cache.save(folder, key, ((u, kept[u]) for u in ids if u in kept), store.cache_group())  # type: ignore[attr-defined]
    return Folded({u: found[u] for u in ids}, now, made)


def _key(session: Session, ids: list[str]) -> dict[str, Any]:
    """What every kept summary depends on besides its unit's log, the moment and its source
    catalog: the release, the store, and the unit a bare command reaches (the commands the
    text shows leave out its --unit)."""
    from .. import __version__

    return {
        "program": __version__,
        "store": session.store.store_id(),
        "bare": ids[0] if len(ids) == 1 else session.settings.store_default_unit(session.store.config()),
    }


def _moment(session: Session, digest: str, moments: dict[str, datetime], now: dict[str, str]) -> bool:
    """The moment asked, under a catalog kept in the store (False if it is not)."""
    catalog = session.kept_catalog(digest)
    if catalog is None:
        return False
    moments[digest] = session.now(catalog)
    now[digest] = moments[digest].isoformat()
    return True


def _source(session: Session, path: str | None, sources: dict[str | None, str | None]) -> str | None:
    """The digest of the catalog a unit started from `path` would be offered as newer (None:
    unreadable): a summary made under another one shows another `newer`."""
    if path not in sources:
        try:
            chosen = session.settings.catalog or (Path(path) if path else None)
            sources[path] = session.catalog(chosen).digest
        except ChecklistError:
            sources[path] = None
    return sources[path]


Made = tuple[Summary, str | None, datetime, datetime, cache.Stamp]


def _fold_all(session: Session, ids: list[str], render: Render) -> Folded:
    found: dict[str, Summary] = {}
    now: dict[str, str] = {}
    for unit_id in ids:
        summary, _, since, _, _ = _one(session, unit_id, render)
        found[unit_id] = summary
        now.setdefault(summary.catalog, since.isoformat())
    return Folded(found, now, len(ids))


def _one(session: Session, unit_id: str, render: Render) -> Made:
    """Fold one unit: its summary, the path of the catalog it started from, the stretch of
    time it holds for, and the stamp of the log it was folded from (taken before the fold:
    a record appended meanwhile makes it another log's)."""
    store = session.store
    stamp = store.log_stamp(unit_id) if hasattr(store, "log_stamp") else (0, 0, 0)
    unit = session.unit(unit_id)
    status, index = session.view(unit)
    view = StatusView(status, session.newer_catalog(unit, status.catalog))
    until = cache.holds_until(status, index)
    if (index.end or 0) != stamp[0]:
        stamp = (-1, -1, -1)  # folded more than the stamp says: not kept
    return summarize(view, render), unit.catalog.path, status.now, until, stamp


def _fold(session: Session, ids: list[str], render: Render, size: int) -> Iterator[tuple[str, Made]]:
    """Fold these units, each as it is done: in one process when there are few or little to
    read, else over a pool of worker processes (forked: they start with this session's
    catalogs read), a few units at a time each. What a fold leaves (cycles the raised garbage
    collector's threshold would keep for the whole command) is collected after every few
    units, the objects made before the fold set aside so that a collection looks only at new ones."""
    import gc

    workers = min(WORKERS, _cores())
    gc.freeze()
    try:
        if workers < 2 or len(ids) < PARALLEL_UNITS or size < PARALLEL_BYTES or not _can_fork():
            for n, unit_id in enumerate(ids, start=1):
                yield unit_id, _one(session, unit_id, render)
                if n % CHUNK == 0:
                    gc.collect()
            return
        yield from _in_pool(session, ids, render, workers)
    finally:
        gc.unfreeze()


def _in_pool(session: Session, ids: list[str], render: Render, workers: int) -> Iterator[tuple[str, Made]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _WORKER  # noqa: PLW0603 - what the forked workers inherit
    _WORKER = (session, render)
    chunks = [ids[n : n + CHUNK] for n in range(0, len(ids), CHUNK)]
    left = dict.fromkeys(ids)  # not folded yet
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for done in pool.map(_fold_chunk, chunks):
                for unit_id, made in done.items():
                    del left[unit_id]
                    yield unit_id, made
    except BrokenProcessPool:  # a worker killed (out of memory): what is left is folded here
        pass
    finally:
        _WORKER = None
    for unit_id in left:  # and a unit a worker could not fold: here, where its error is said
        yield unit_id, _one(session, unit_id, render)


_WORKER: tuple[Session, Render] | None = None


def _fold_chunk(ids: list[str]) -> dict[str, Made]:
    """In a worker: fold these units (one whose fold fails is left to the parent)."""
    import gc

    if _WORKER is None:  # pragma: no cover - only a forked worker is given chunks
        raise RuntimeError("a roll-up worker without its session")
    session, render = _WORKER
    done: dict[str, Made] = {}
    for unit_id in ids:
        with contextlib.suppress(ChecklistError):
            done[unit_id] = _one(session, unit_id, render)
    gc.collect()
    return done


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
