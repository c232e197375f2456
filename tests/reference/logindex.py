"""What status needs of a unit's log, folded: the latest attestation of each item (of each
subject, of each period), the events, the approvals and the catalog upgrades.

The index is derived data. A file store keeps a snapshot of it beside the log, valid for
a byte prefix of the log (checked by its SHA-256 every time), so reading a long log parses
only the lines added since. A database backend would answer the same question with a query.

A year of a prison's records is thousands of entries, nearly one per record, so an entry
keeps at hand only what the status fold reads (action, waiver day, figures, wording) and
where its record's line starts in the log; the record itself is parsed when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, NonNegativeInt

from checklist.core.clock import in_range
from checklist.core.errors import Message, message
from checklist.core.figures import LIMIT, brief, usable
from checklist.core.models import Action, FigureValue, Record

Fetch = Callable[[int], Record]  # the record whose line starts at this byte offset of the log

SNAPSHOT_FORMAT = 5  # 4: with the records made with a replayed clock; 5: and those the fold cannot use
Natural = NonNegativeInt  # offsets, counts and numbers in the saved index: never negative
# A figure as the fold keeps it (see figures.usable): a saved index holding any other is not used
Figure = (
    bool
    | Annotated[int, Field(ge=-LIMIT, le=LIMIT)]
    | Annotated[float, Field(ge=-LIMIT, le=LIMIT, allow_inf_nan=False)]
    | str
)
_NL = 0x0A
_HAPPENINGS = frozenset({"event", "withdrawn"})


def item_key(item: str, subject: str | None = None) -> str:
    """'item|subject': subjects cannot contain '|'."""
    return f"{item}|{subject or ''}"


def event_key(kind: str, subject: str) -> str:
    return f"{kind}|{subject}"


def slot(subject: str, number: int) -> str:
    """One occurrence of a subject's event of a kind: the subject for the first, 'subject|N' after."""
    return subject if number == 1 else f"{subject}|{number}"


def unusable(record: Record) -> Message | None:
    """Why the fold cannot use a record, or None: a figure no count can be (NaN, infinity, past
    ±10^15), or an event at a moment outside the clock's range. No release writes such a record
    any more; one already written is left out of the fold and reported, never fatal."""
    problem = None
    for name, value in record.figures.items():
        if not usable(value):
            problem = message("record.figure_unusable", field=name, value=brief(value))
            break
    if problem is None and record.action in _HAPPENINGS and not in_range(moment := record.occurred or record.at):
        problem = message("record.moment_unusable", moment=moment.isoformat())
    if problem is None:
        return None
    what = record.item or (f"{record.event} {record.subject}" if record.event else record.action)
    return message("record.unusable", seq=record.seq, id=record.id, what=what, problem=problem)


class Entry:
    """The latest attestation of one item (of one subject, of one period), and its approval."""

    __slots__ = ("_index", "action", "approval_at", "at", "count", "figures", "until", "wording")

    def __init__(  # noqa: PLR0917 - positional: thousands are made per read of a snapshot
        self,
        index: LogIndex,
        at: int,
        count: int,
        action: str,
        until: date | None,
        figures: dict[str, FigureValue],
        wording: str | None,
        approval_at: int | None = None,
    ) -> None:
        self._index = index
        self.at = at  # where the latest record's line starts
        self.count = count  # records of this item (of this subject, of this period)
        self.action = action
        self.until = until
        self.figures = figures
        self.wording = wording  # the hash of the measure's wording it was attested against
        self.approval_at = approval_at

    @property
    def last(self) -> Record:
        return self._index.record_at(self.at)

    @property
    def approval(self) -> Record | None:
        return None if self.approval_at is None else self._index.record_at(self.approval_at)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entry):
            return NotImplemented
        mine = (self.count, self.action, self.until, self.figures, self.wording, self.last, self.approval)
        return mine == (
            other.count,
            other.action,
            other.until,
            other.figures,
            other.wording,
            other.last,
            other.approval,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Entry(at={self.at}, count={self.count}, action={self.action!r}, approval_at={self.approval_at})"


class Happening:
    """The latest event or withdrawal of one (kind, subject): what the fold reads, and its record."""

    __slots__ = ("_index", "action", "at", "kind", "moment", "number", "subject")

    def __init__(  # noqa: PLR0917 - positional, as Entry
        self, index: LogIndex, at: int, action: str, kind: str, subject: str, moment: datetime, number: int = 1
    ) -> None:
        self._index = index
        self.at = at
        self.action = action  # event or withdrawn
        self.kind = kind
        self.subject = subject
        self.moment = moment  # when it happened, or when it was withdrawn
        self.number = number  # the occurrence of the kind for the subject

    @property
    def record(self) -> Record:
        return self._index.record_at(self.at)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Happening):
            return NotImplemented
        mine = (self.action, self.kind, self.subject, self.moment, self.number, self.record)
        return mine == (other.action, other.kind, other.subject, other.moment, other.number, other.record)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Happening({self.action} {self.kind} {self.subject} at {self.moment.isoformat()})"


class LogIndex:
    """The fold of a log. Records are known by where their line starts (`at`); those not
    parsed yet are fetched from the log when first asked for."""

    def __init__(self, fetch: Fetch | None = None, kinds: dict[str, str] | None = None) -> None:
        self.kinds = kinds or {}  # measure id -> the kind of event that triggers it
        self.occurrences: dict[tuple[str, str], int] = {}  # (kind, subject) -> occurrences so far
        self.count = 0
        self.items: dict[str, dict[str, Entry]] = {}  # by item_key, then by period ("" for none)
        self.events: dict[str, Happening] = {}  # by event_key
        self.upgrades_at: list[int] = []  # where each catalog upgrade's line starts
        self.replayed: list[int] = []  # where each record made with a replayed clock (--now) starts
        self.last_at: int | None = None
        self.unusable: list[int] = []  # where each record the fold cannot use starts (see `unusable`)
        self._known: dict[int, Record] = {}
        self._fetch = fetch

    def record_at(self, at: int) -> Record:
        record = self._known.get(at)
        if record is None:
            if self._fetch is None:
                raise LookupError(f"no record at {at}")
            record = self._known[at] = self._fetch(at)
        return record

    @property
    def last(self) -> Record | None:
        return None if self.last_at is None else self.record_at(self.last_at)

    def add(self, record: Record, at: int | None = None) -> None:
        """Fold in the next record; `at` is where its line starts (its number, if not from a log)."""
        at = self.count if at is None else at
        self._known[at] = record
        self.count += 1
        self.last_at = at
        if record.clock is not None:
            self.replayed.append(at)
        if (record.figures or record.action in _HAPPENINGS) and unusable(record) is not None:
            self.unusable.append(at)
            return
        if record.action in _HAPPENINGS:
            kind, subject = record.event or "", record.subject or ""
            moment = record.occurred or record.at
            known = self.occurrences.get((kind, subject), 0)
            # each event is an occurrence of its own; a withdrawal takes back the one it names, else the latest
            number = record.occurrence or (known + 1 if record.action == "event" else max(known, 1))
            self.occurrences[(kind, subject)] = max(known, number)
            where = event_key(kind, slot(subject, number))
            self.events[where] = Happening(self, at, record.action, kind, subject, moment, number)
        elif record.action == "upgraded":
            self.upgrades_at.append(at)
        elif record.item is not None:
            subject = record.subject
            if subject is not None:  # the occurrence named, else the latest of its item's kind
                latest = self.occurrences.get((self.kinds.get(record.item, ""), subject), 1)
                subject = slot(subject, record.occurrence or latest)
            periods = self.items.setdefault(item_key(record.item, subject), {})
            period = record.period or ""
            previous = periods.get(period)
            if record.action == "approved":
                if previous is not None and previous.last.id == record.approves:
                    previous.approval_at = at
            else:
                count = previous.count + 1 if previous else 1
                periods[period] = Entry(self, at, count, record.action, record.until, record.figures, record.measure)

    @classmethod
    def of(cls, records: Iterable[Record], kinds: dict[str, str] | None = None) -> LogIndex:
        index = cls(kinds=kinds)
        for record in records:
            index.add(record)
        return index

    def entry(self, item: str, subject: str | None = None, period: str | None = None) -> Entry | None:
        periods = self.items.get(item_key(item, subject))
        return periods.get(period or "") if periods else None

    def periods(self, item: str, subject: str | None = None) -> dict[str, Entry]:
        """The entries of an item (of a subject) by period ("" for the item as a whole)."""
        return self.items.get(item_key(item, subject), {})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogIndex):
            return NotImplemented
        upgrades = [self.record_at(at) for at in self.upgrades_at]
        left_out = [self.record_at(at) for at in self.unusable]
        return (self.count, self.items, self.events, upgrades, len(self.replayed), left_out, self.last) == (
            other.count,
            other.items,
            other.events,
            [other.record_at(at) for at in other.upgrades_at],
            len(other.replayed),
            [other.record_at(at) for at in other.unusable],
            other.last,
        )

    __hash__ = None  # type: ignore[assignment]

    # -- the snapshot ----------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The index as saved (see `from_snapshot`), for an index folded from a log with each line's offset."""
        wordings: dict[str | None, int] = {}
        items = {
            key: {
                period: [
                    e.at,
                    e.count,
                    e.action,
                    e.until.isoformat() if e.until else None,
                    e.figures,
                    wordings.setdefault(e.wording, len(wordings)) if e.wording is not None else None,
                    e.approval_at,
                ]
                for period, e in periods.items()
            }
            for key, periods in self.items.items()
        }
        return {
            "count": self.count,
            "last": self.last_at,
            "wordings": list(wordings),
            "items": items,
            "events": {key: [e.at, e.action, e.moment.isoformat()] for key, e in self.events.items()},
            "upgrades": self.upgrades_at,
            "replayed": self.replayed,
            "unusable": self.unusable,
        }

    @classmethod
    def from_snapshot(cls, saved: Saved, log: bytes, fetch: Fetch) -> LogIndex:
        """The index `snapshot` saved, of a prefix of `log`; raises ValueError if an offset
        is not the start of one of its lines. Records are read from the log when asked for."""
        index = cls(fetch)
        wordings = saved.wordings
        size = saved.size
        rare: list[int | None] = [saved.last, *saved.upgrades, *saved.replayed, *saved.unusable]  # checked below
        for key, saved_periods in saved.items.items():
            index.items[key] = periods = {}
            for period, (at, count, action, until, figures, wording, approval_at) in saved_periods.items():
                if not (0 <= at < size and (at == 0 or log[at - 1] == _NL)):
                    raise ValueError(f"{at} is not the start of a line of the log")
                if approval_at is not None:
                    rare.append(approval_at)
                text = wordings[wording] if wording is not None else None
                periods[period] = Entry(index, at, count, action, until, figures, text, approval_at)
        for key, (at, action, moment) in saved.events.items():
            if not in_range(moment):
                raise ValueError(f"{moment} is outside the clock's range")
            kind, _, where = key.partition("|")
            subject, _, number = where.partition("|")
            index.events[key] = Happening(index, at, action, kind, subject, moment, int(number or 1))
            rare.append(at)
        if not all(at is None or (0 <= at < size and (at == 0 or log[at - 1] == _NL)) for at in rare):
            raise ValueError("an offset that is not the start of a line of the log")
        index.count, index.last_at = saved.count, saved.last
        index.upgrades_at = list(saved.upgrades)
        index.replayed = list(saved.replayed)
        index.unusable = list(saved.unusable)
        return index


class Saved(BaseModel):
    """index.json: the index of the first `size` bytes (`lines` lines) of the log, valid
    while they hash to `sha256`, as written by `program` in this `format`. Its fields are
    checked in pydantic's Rust core: no Python validator runs per entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int
    program: str
    size: int
    sha256: str
    lines: int
    count: Natural
    last: Natural | None
    wordings: list[str]
    # item|subject -> period ("" for none) -> at, count, action, until, figures, wording (its
    # number in `wordings`), where the approval's line starts
    items: dict[
        str,
        dict[str, tuple[Natural, Natural, Action, date | None, dict[str, Figure], Natural | None, Natural | None]],
    ]
    events: dict[str, tuple[Natural, Literal["event", "withdrawn"], AwareDatetime]]  # at, action, moment
    upgrades: list[Natural]
    replayed: list[Natural] = []  # where each record made with a replayed clock starts
    unusable: list[Natural]  # where each record the fold leaves out starts

    def body(self) -> dict[str, Any]:
        """The index it holds, without the header: what to compare with a fold of the log."""
        return self.model_dump(exclude={"format", "program", "size", "sha256", "lines"})
