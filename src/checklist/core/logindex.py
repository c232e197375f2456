"""What status needs of a unit's log, folded: the latest attestation of each item (of each
subject, of each period), the events, the approvals and the catalog upgrades.

The index is derived data, built so that its cost follows the unit's items, not its records:

- an item attested once (or waived as a whole) keeps its latest attestation as an `Entry`;
- a recurring item keeps its periods in a `Table`, one row per period in columns (a busy
  prison's ten years are 40,000 rows, read as a few lists rather than 40,000 objects);
- a subject whose every item is settled for good (done, or waived for good, approved where
  it must be: see archive.py) is *archived*: the index keeps only how many items of each
  measure it settled and how, and the subject's name, until a record names it again.

A file store keeps the index beside the log (index.json) and trusts it for the log it was
saved with, as git trusts its index (see filestore.py); a database backend would answer the
same questions with a query. An entry keeps where its record's line starts in the log (`at`);
the record itself is parsed when asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from .chain import digest
from .clock import in_range
from .errors import Message, message
from .figures import LIMIT, brief, usable
from .models import PART_ACTIONS, ROLE_ACTIONS, FigureValue, Record, Unit

Fetch = Callable[[int], Record]  # the record whose line starts at this byte offset of the log
# The fields of a record's figures past an alert (alerts.Judge), none if it raises no alert
Judge = Callable[[Record], tuple[str, ...]]
# An alert not acknowledged yet: where the line of the record that raised it starts, and its fields past an alert
Alerted = tuple[int, tuple[str, ...]]
# The records whose line names a text (a subject), with their offsets, in order, up to a byte of the log
Scan = Callable[[str, int | None], Iterator[tuple[int, Record]]]
# A change of the unit's attributes: where its record's line starts, when it took effect (the
# replayed clock, else the real time), and the values it gave (attribute id -> value id)
AttributeChange = tuple[int, datetime, dict[str, str]]

# 9: the unit's parts; occurrences (a subject's events of a kind, each its own); attribute changes,
# subject types; roles granted and revoked (roles_at); a table's done records per period (counted
# occurrences); a figure may be a list (a multi-select's answers), an alert a rule (`rule:N`); the
# unit's place in the hierarchy (`placed`, `place`: with defaults, so that a snapshot saved before
# them reads, holding no place; one saved by another release is rebuilt anyway);
# 8: alerts not acknowledged; 7: memos, tables read when asked for; 6: tables of periods, archived subjects
SNAPSHOT_FORMAT = 9
_HAPPENINGS = frozenset({"event", "withdrawn"})
_DATED = _HAPPENINGS | PART_ACTIONS  # records whose moment the fold uses (`occurred`, else `at`)
STATES_OF_ARCHIVE = {"D": ("done", False), "d": ("done", True), "N": ("na", False), "n": ("na", True)}  # True: changed
NOT_FOR_TYPE = "-"  # an archived subject's letter for a measure its type gets no item of (a trigger's subject_types)


def item_key(item: str, subject: str | None = None, part: str | None = None) -> str:
    """'item|subject', and '/part' for an item of a unit's part: subjects and parts cannot
    contain '|' or '/'."""
    return f"{item}|{subject or ''}/{part}" if part is not None else f"{item}|{subject or ''}"


def split_key(key: str) -> tuple[str, str, str | None]:
    """An item key's measure, subject ('' for none) and part (None for none)."""
    item, _, rest = key.partition("|")
    subject, slash, part = rest.partition("/")
    return item, subject, part if slash else None


def _adds(judge: Judge, record: Record) -> bool:
    """Whether the judge says a record adds to its period rather than correcting it (alerts.Judge.adds)."""
    adds = getattr(judge, "adds", None)  # a plain function judges figures only
    return bool(adds(record)) if adds is not None else False


def event_key(kind: str, subject: str) -> str:
    """'kind|slot': the key of one occurrence of an event (see `slot`)."""
    return f"{kind}|{subject}"


def slot(subject: str, number: int) -> str:
    """Where the index keeps one occurrence of a subject's event of a kind (its items, its
    event): the subject itself for the first, 'subject|N' for the N-th. No subject holds '|'
    (models.SUBJECT), so the N-th occurrence of one subject is never another subject."""
    return subject if number == 1 else f"{subject}|{number}"


def occurrence_of(key: str) -> tuple[str, int]:
    """The subject and the occurrence's number a slot names (ValueError if it names none)."""
    subject, _, number = key.partition("|")
    found = int(number) if number else 1
    if found < 1 or (number and str(found) != number):
        raise ValueError(f"no occurrence is {key!r}")
    return subject, found


def unusable(record: Record) -> Message | None:
    """Why the fold cannot use a record, or None: a figure no count can be (NaN, infinity, past
    ±10^15), or an event at a moment outside the clock's range. No release writes such a record
    any more; one already written is left out of the fold and reported, never fatal."""
    problem = None
    for name, value in record.figures.items():
        if not usable(value):
            problem = message("record.figure_unusable", field=name, value=brief(value))
            break
    if problem is None and record.action in _DATED and not in_range(moment := record.occurred or record.at):
        problem = message("record.moment_unusable", moment=moment.isoformat())
    if problem is None:
        return None
    what = record.item or (f"{record.event} {record.subject}" if record.event else record.action)
    what += f" @{record.part}" if record.part else ""
    return message("record.unusable", seq=record.seq, id=record.id, what=what, problem=problem)


class Entry:
    """The latest attestation of one item (of one subject, of one period), and its approval."""

    __slots__ = ("_index", "action", "approval_at", "at", "count", "figures", "until", "wording")

    def __init__(  # noqa: PLR0917 - positional: made often
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

    def place(self) -> tuple[object, ...]:
        """What it says, for comparing folds of the same log (its records by where they start)."""
        return (self.at, self.count, self.action, self.until, self.figures, self.wording, self.approval_at)

    def key(self) -> tuple[object, ...]:
        """What it says, for comparing folds (where a line starts differs between backends)."""
        approval = self.approval
        return (self.count, self.action, self.until, self.figures, self.wording, self.last, approval)

    def __eq__(self, other: object) -> bool:
        return self.key() == other.key() if isinstance(other, Entry) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Entry(at={self.at}, count={self.count}, action={self.action!r}, approval_at={self.approval_at})"


class Table:
    """The periods of one recurring item (of one subject): one row per period attested, the
    columns of its latest attestation. `numbers` are the rows' period numbers in the schedule
    named by `schedule` (see schedule.Schedule), worked out once and kept with the table."""

    __slots__ = (
        "_by_number",
        "_rows",
        "actions",
        "approvals",
        "ats",
        "counts",
        "dones",
        "figures",
        "keys",
        "numbers",
        "renumbered",
        "schedule",
        "untils",
        "wordings",
    )

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.ats: list[int] = []
        self.counts: list[int] = []
        self.dones: list[int] = []  # done records of the period since its last other record (counted occurrences)
        self.actions: list[str] = []
        self.untils: list[date | None] = []
        self.wordings: list[int | None] = []  # the number of the wording in the index's list
        self.approvals: list[int | None] = []
        self.figures: dict[str, list[FigureValue | None]] = {}  # by field, a value (or None) per row
        self._rows: dict[str, int] | None = {}  # row by key; None: not worked out yet (a table just read)
        self._by_number: dict[int, int] | None = None  # row by number, for the numbers as they are
        self.schedule: str | None = None
        self.numbers: list[int | None] = []
        self.renumbered = False  # numbers were worked out since the table was read: worth saving

    def put(self, key: str, record: Record, at: int, wording: int | None) -> None:
        """The record becomes its period's latest attestation."""
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = len(self.keys)
            self._by_number = None
            self.keys.append(key)
            for column in (self.ats, self.counts, self.untils, self.wordings, self.approvals):
                column.append(None)  # type: ignore[arg-type]
            self.actions.append("")
            self.dones.append(0)
            for values in self.figures.values():
                values.append(None)
            self.counts[row] = 0
        self.ats[row] = at
        self.counts[row] += 1
        self.dones[row] = self.dones[row] + 1 if record.action == "done" else 0
        self.actions[row] = record.action
        self.untils[row] = record.until
        self.wordings[row] = wording
        self.approvals[row] = None
        for name, values in self.figures.items():
            values[row] = record.figures.get(name)
        for name, value in record.figures.items():
            if name not in self.figures:
                values = self.figures[name] = [None] * len(self.keys)
                values[row] = value

    @property
    def rows(self) -> dict[str, int]:
        """Row by period key."""
        if self._rows is None:
            self._rows = {key: row for row, key in enumerate(self.keys)}
            if len(self._rows) != len(self.keys):
                raise ValueError("a table with a period twice")
        return self._rows

    def figures_of(self, row: int) -> dict[str, FigureValue]:
        return {name: values[row] for name, values in self.figures.items() if values[row] is not None}  # type: ignore[misc]

    def number_rows(self, name: str, number: Callable[[str], int | None]) -> dict[int, int]:
        """Row by period number in the schedule called `name` (whose numbering `number` is),
        for the rows whose key is one of its periods. The numbers are kept for the next time
        (rows are only ever added: those added since are numbered now)."""
        if self.schedule != name:
            self.numbers, self.schedule, self._by_number = [], name, None
        if len(self.numbers) < len(self.keys):
            self.numbers += [number(key) for key in self.keys[len(self.numbers) :]]
            self.renumbered, self._by_number = True, None
        if self._by_number is None:
            self._by_number = {n: row for row, n in enumerate(self.numbers) if n is not None}
        return self._by_number


class Archived:
    """Subjects settled for good (see archive.py), kept as counts. For each kind of event: the
    measures it triggers, in order, and per archived subject one letter per measure saying how
    it was settled (STATES_OF_ARCHIVE). `rules` names the catalog rules that archived them."""

    def __init__(self, rules: str = "") -> None:
        self.rules = rules
        self.measures: dict[str, list[str]] = {}  # kind -> the measures of its subjects' letters
        self.sizes: dict[str, int] = {}  # kind -> subjects archived
        self.tally: dict[str, dict[str, int]] = {}  # measure -> items archived done, waived, and changed
        self._text: dict[str, str] = {}  # kind -> "subject\tletters\n" lines, as saved
        self._subjects: dict[str, dict[str, str]] | None = None  # kind -> subject -> letters, when read

    @property
    def empty(self) -> bool:
        return not any(self.sizes.values()) if self.sizes else True

    def subjects(self) -> dict[str, dict[str, str]]:
        if self._subjects is None:
            self._subjects = {
                kind: dict(line.split("\t", 1) for line in text.split("\n") if line)
                for kind, text in self._text.items()
            }
        return self._subjects

    def find(self, subject: str, most: int = 1) -> list[tuple[str, str]]:
        """The kinds of event and the occurrences (slots) under which a subject is archived (a
        subject may have several), of its `most` occurrences of any kind."""
        texts = self._text.values()
        if self._subjects is None and not any(f"{subject}\t" in t or f"{subject}|" in t for t in texts):
            return []  # most subjects a record names are live: no need to read the archive
        slots = [slot(subject, number) for number in range(1, most + 1)]
        return [(kind, key) for kind, found in self.subjects().items() for key in slots if key in found]

    def add(self, kind: str, measures: list[str], subject: str, letters: str) -> None:
        self.measures[kind] = measures
        self.subjects().setdefault(kind, {})[subject] = letters
        self._count(kind, letters, 1)

    def remove(self, kind: str, subject: str) -> None:
        self._count(kind, self.subjects()[kind].pop(subject), -1)

    def _count(self, kind: str, letters: str, step: int) -> None:
        self.sizes[kind] = self.sizes.get(kind, 0) + step
        for measure, letter in zip(self.measures[kind], letters, strict=True):
            if letter == NOT_FOR_TYPE:
                continue
            state, changed = STATES_OF_ARCHIVE[letter]
            tally = self.tally.setdefault(measure, {"done": 0, "na": 0, "changed": 0})
            tally[state] += step
            tally["changed"] += step if changed else 0

    def saved(self) -> dict[str, Any]:
        text = self._text
        if self._subjects is not None:
            text = {k: "".join(f"{s}\t{letters}\n" for s, letters in v.items()) for k, v in self._subjects.items()}
        subjects = {k: v for k, v in text.items() if v}
        return {
            "rules": self.rules,
            "measures": self.measures,
            "subjects": subjects,
            "sizes": self.sizes,
            "tally": self.tally,
        }

    @classmethod
    def read(cls, saved: SavedArchive) -> Archived:
        archived = cls(saved.rules)
        archived.measures, archived._text, archived.sizes, archived.tally = (
            saved.measures,
            saved.subjects,
            saved.sizes,
            saved.tally,
        )
        return archived


class Happening:
    """One occurrence of an event of a kind for a subject (the N-th admission of a person), as
    its latest record says: the event, or its withdrawal. What the fold reads, and its record."""

    __slots__ = ("_index", "action", "at", "kind", "moment", "number", "subject", "subject_type")

    def __init__(  # noqa: PLR0917 - positional, as Entry
        self,
        index: LogIndex,
        at: int,
        action: str,
        kind: str,
        subject: str,
        moment: datetime,
        number: int = 1,
        subject_type: str | None = None,
    ) -> None:
        self._index = index
        self.at = at
        self.action = action  # event or withdrawn
        self.kind = kind
        self.subject = subject  # whom it is about, as recorded
        self.moment = moment  # when it happened, or when it was withdrawn
        self.number = number  # which occurrence of the kind for the subject: 1 the first recorded
        self.subject_type = subject_type  # the subject's type, as the event recorded it (None: not given)

    @property
    def slot(self) -> str:
        return slot(self.subject, self.number)

    @property
    def record(self) -> Record:
        return self._index.record_at(self.at)

    def place(self) -> tuple[object, ...]:
        return (self.at, self.action, self.kind, self.subject, self.moment, self.number, self.subject_type)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Happening):
            return NotImplemented
        mine = (self.action, self.kind, self.subject, self.moment, self.number, self.subject_type, self.record)
        return mine == (
            other.action,
            other.kind,
            other.subject,
            other.moment,
            other.number,
            other.subject_type,
            other.record,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Happening({self.action} {self.kind} {self.slot} at {self.moment.isoformat()})"


class Part:
    """A part of the unit (a block, a ward): when it was added and, once retired, when (see
    models.PART_ACTIONS). `added_at` and `retired_at` are where their records' lines start."""

    __slots__ = ("added", "added_at", "id", "kind", "name", "retired", "retired_at")

    def __init__(  # noqa: PLR0917 - positional, as Entry
        self,
        id: str,
        kind: str,
        name: str | None,
        added_at: int,
        added: datetime,
        retired_at: int | None = None,
        retired: datetime | None = None,
    ) -> None:
        self.id, self.kind, self.name = id, kind, name
        self.added_at, self.added = added_at, added
        self.retired_at, self.retired = retired_at, retired

    def active(self, now: datetime) -> bool:
        """Added by `now`, and not retired by then: it has items."""
        return self.added <= now and (self.retired is None or now < self.retired)

    def place(self) -> tuple[object, ...]:
        return (self.id, self.kind, self.name, self.added_at, self.added, self.retired_at, self.retired)

    def __eq__(self, other: object) -> bool:
        return self.place() == other.place() if isinstance(other, Part) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Part({self.kind} {self.id}, added {self.added.isoformat()}, retired {self.retired})"


class Tables:
    """The tables of an index by item key. A saved index's are decoded one by one when first
    asked for (`decode`), so that a command that finds what it needs in the index's memos reads
    none of them: ten years of eleven recurring measures are 40,000 rows, 4 ms to decode."""

    def __init__(self, raw: dict[str, msgspec.Raw] | None = None, decode: Callable[[msgspec.Raw], Table] | None = None):
        self._tables: dict[str, Table] = {}
        self._raw = raw or {}
        self._decode = decode
        self.on_damage: Callable[[], None] | None = None  # called when a table does not hold (then DamagedIndex)

    def get(self, key: str) -> Table | None:
        table = self._tables.get(key)
        if table is None and key in self._raw and self._decode is not None:
            try:
                table = self._tables[key] = self._decode(self._raw.pop(key))
            except DamagedIndex:
                if self.on_damage is not None:
                    self.on_damage()
                raise
        return table

    def __getitem__(self, key: str) -> Table:
        table = self.get(key)
        if table is None:
            raise KeyError(key)
        return table

    def __setitem__(self, key: str, table: Table) -> None:
        self._raw.pop(key, None)
        self._tables[key] = table

    def __contains__(self, key: object) -> bool:
        return key in self._tables or key in self._raw

    def keys(self) -> list[str]:
        return [*self._tables, *self._raw]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def items(self) -> Iterable[tuple[str, Table]]:
        for key in list(self._raw):
            self.get(key)
        return self._tables.items()

    def decoded(self) -> Iterable[Table]:
        """The tables decoded so far (those not asked for are as they were saved)."""
        return self._tables.values()

    def saved(self) -> dict[str, msgspec.Raw]:
        """Each table as index.json holds it: those never decoded as they were read."""
        encode = msgspec.json.encode
        return {**self._raw, **{key: msgspec.Raw(encode(_packed(table))) for key, table in self._tables.items()}}


class Memo(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    """What status worked out of one recurring item's table (status.py), for the moment and
    the rules named by `asked`; kept with the index, and dropped when a record is added to the
    table, so that a command whose question is the same reads nothing of the table again.
    Entries are as index.json keeps plain ones."""

    asked: str
    missed: list[int]  # the numbers of the periods missed
    streak: Annotated[int, msgspec.Meta(ge=0)]
    totals: dict[str, int | float]
    today: dict[str, int | float]
    current: SavedEntry | None
    latest: SavedEntry | None  # the latest with figures
    zeros: dict[str, Annotated[int, msgspec.Meta(ge=0)]]


class LogIndex:
    """The fold of a log. Records are known by where their line starts (`at`); those not
    parsed yet are fetched from the log when first asked for (with a `fetch`; without one,
    every record folded is kept). A record naming an archived subject brings the subject back
    from the log (`scan`) before it is folded."""

    def __init__(self, fetch: Fetch | None = None, scan: Scan | None = None, judge: Judge | None = None) -> None:
        self.count = 0
        self.plain: dict[str, Entry] = {}  # by item_key: an item's attestation that covers no period
        self.tables = Tables()  # by item_key: a recurring item's periods
        self.memos: dict[str, Memo] = {}  # by item_key: what status worked out of a table
        self.events: dict[str, Happening] = {}  # by event_key of each occurrence, but for archived ones
        # How many occurrences of each kind of event a subject has had, where more than one
        # (subject -> kind -> count): few subjects come back, so few are kept.
        self.repeats: dict[str, dict[str, int]] = {}
        # The kind of event that triggers a record's item, under the catalog it names (None:
        # not known): where a record of an older release names a subject of several occurrences.
        self.trigger: Callable[[Record], str | None] | None = getattr(judge, "kind", None)
        self._only: set[str] | None = None  # bringing back: the occurrences (slots) to fold
        self._counting: dict[str, int] | None = None  # bringing back: the subject's occurrences by kind, so far
        self.archived = Archived()
        self.records_of: dict[str, int] = {}  # attestations per measure id (whatever came of them)
        # Alerts not acknowledged yet, by item_key and period ("" for none): what `judge` finds
        # in a record's figures stays until an acknowledgement of the item (of that period), or
        # a later record of the period with figures past no alert (a corrected value).
        self.alerts: dict[str, dict[str, Alerted]] = {}
        self.judge = judge
        # Ids the catalog the unit runs gave its measures in earlier versions (`replaces`):
        # their records are folded under today's id, so what a unit recorded carries over.
        self.renamed: dict[str, str] = {}
        self.upgrades_at: list[int] = []  # where each catalog upgrade's line starts
        self.parts: dict[str, Part] = {}  # the unit's parts by id, retired ones too (kept for their history)
        self.attribute_changes: list[AttributeChange] = []  # a few: a risk level raised, lowered
        self.roles_at: list[int] = []  # where each record of a role granted or revoked starts (roles.py)
        self.placed_at: list[int] = []  # where each record of the unit's place starts (places.py)
        self.place: tuple[str, ...] = ()  # the bodies the unit reports to now, from the top down
        self.replayed = 0  # records made with a replayed clock (--now)
        self.last_at: int | None = None
        self.unusable: list[int] = []  # where each record the fold cannot use starts (see `unusable`)
        self.wordings: list[str] = []
        self._wording: dict[str, int] = {}
        self._known: dict[int, Record] = {}
        self._fetch = fetch
        self._scan = scan
        # What of the log a backend that saves the index has folded: the bytes up to `end`
        # (whole lines), the last of them starting at `tail_at` and hashing to `tail` (None:
        # not to be saved, e.g. after a torn last record was folded); `dirty`: not saved since.
        self.end: int | None = 0
        self.tail_at = 0
        self.tail = ""
        self._dirty = False

    @property
    def dirty(self) -> bool:
        """Changed since it was read or saved: worth saving for the next command."""
        return self._dirty or any(table.renumbered for table in self.tables.decoded())

    @dirty.setter
    def dirty(self, value: bool) -> None:
        self._dirty = value
        if not value:
            for table in self.tables.decoded():
                table.renumbered = False

    def record_at(self, at: int) -> Record:
        record = self._known.get(at)
        if record is None:
            if self._fetch is None:
                raise LookupError(f"no record at {at}")
            record = self._known[at] = self._fetch(at)
        return record

    def catalog_digest(self, unit: Unit) -> str:
        """The digest of the catalog the unit runs: the one of its last upgrade, else the one
        it was started with."""
        return self.record_at(self.upgrades_at[-1]).catalog if self.upgrades_at else unit.catalog.digest

    @property
    def last(self) -> Record | None:
        return None if self.last_at is None else self.record_at(self.last_at)

    def add(self, record: Record, at: int | None = None) -> None:
        """Fold in the next record; `at` is where its line starts (its number, if not from a log)."""
        at = self.count if at is None else at
        if self._fetch is None:
            self._known[at] = record
        if record.subject is not None and self.archived.sizes and not self.archived.empty:
            self.bring_back(record.subject)
        self.count += 1
        self.last_at = at
        if record.clock is not None:
            self.replayed += 1
        if (record.figures or record.action in _DATED) and unusable(record) is not None:
            self.unusable.append(at)
            return
        if record.action in _HAPPENINGS:
            self._happened(record, at)
        elif record.action == "upgraded":
            self.upgrades_at.append(at)
        elif record.action in PART_ACTIONS:
            self._part(record, at)
        elif record.action == "set":
            self.attribute_changes.append((at, record.clock or record.at, dict(record.attributes or {})))
        elif record.action in ROLE_ACTIONS:
            self.roles_at.append(at)
        elif record.action == "placed":
            self.placed_at.append(at)
            self.place = tuple(record.place or ())
        elif record.item is not None:
            self._attested(record, at)

    def _part(self, record: Record, at: int) -> None:
        """A part added (again, if it was: its history goes on) or retired."""
        part, moment = record.part or "", record.occurred or record.at
        if record.action == "part-added":
            self.parts[part] = Part(part, record.part_kind or "", record.part_name, at, moment)
        elif (found := self.parts.get(part)) is not None:
            found.retired_at, found.retired = at, moment

    def occurrences(self, kind: str, subject: str) -> int:
        """How many occurrences of a kind of event the subject has had (withdrawn ones too)."""
        found = self.repeats.get(subject)
        if found is not None and kind in found:
            return found[kind]
        return 1 if event_key(kind, subject) in self.events else 0

    def _happened(self, record: Record, at: int) -> None:
        """An event is a new occurrence (its number is in the record from the second on; a
        record of an older release, which had one at a time, is the next); a withdrawal takes
        back the one it names, else the latest."""
        kind, subject = record.event or "", record.subject or ""
        counting = self._counting
        known = self.occurrences(kind, subject) if counting is None else counting.get(kind, 0)
        number = record.occurrence or (known + 1 if record.action == "event" else max(known, 1))
        if counting is not None:  # bringing back: numbered again as first folded (repeats hold already)
            counting[kind] = max(known, number)
        elif number > known and number > 1:
            self.repeats.setdefault(subject, {})[kind] = number
        where = slot(subject, number)
        if self._only is not None and where not in self._only:
            return  # bringing back archived occurrences: a live one is as it was
        moment = record.occurred or record.at
        self.events[event_key(kind, where)] = Happening(
            self, at, record.action, kind, subject, moment, number, record.subject_type
        )

    def _slot_of(self, record: Record, subject: str) -> str:
        """The occurrence an attestation concerns: the one it names, else (a record of a
        release before occurrences, or of a subject with one) the latest of its item's kind."""
        if record.occurrence is not None:
            return slot(subject, record.occurrence)
        kinds = self.repeats.get(subject) if self._counting is None else self._counting
        if not kinds:
            return subject
        kind = self.trigger(record) if self.trigger is not None else None
        if kind is None and len(kinds) == 1:
            kind = next(iter(kinds))  # the catalog is not kept: the one kind that came back
        return slot(subject, kinds[kind]) if kind in kinds else subject

    def _attested(self, record: Record, at: int) -> None:
        item = record.item or ""
        if self.renamed:
            item = self.renamed.get(item, item)
        subject = record.subject
        if subject is not None:
            subject = self._slot_of(record, subject)
            if self._only is not None and subject not in self._only:
                return  # bringing back archived occurrences: a live one is as it was
        key, period = item_key(item, subject, record.part), record.period or ""
        if record.action == "approved":
            self._approve(key, period, record, at)
            return
        if record.action == "acknowledged":
            self._acknowledge(key, period)
            return
        if (record.figures or record.answer is not None) and self.judge is not None:
            self._judged(key, period, self.judge(record), at, _adds(self.judge, record))
        self.records_of[item] = self.records_of.get(item, 0) + 1
        if period:
            if self.memos:
                self.memos.pop(key, None)
            table = self.tables.get(key)
            if table is None:
                table = self.tables[key] = Table()
            table.put(period, record, at, self._wording_number(record.measure))
            return
        previous = self.plain.get(key)
        count = previous.count + 1 if previous else 1
        self.plain[key] = Entry(self, at, count, record.action, record.until, record.figures, record.measure)

    def _approve(self, key: str, period: str, record: Record, at: int) -> None:
        if not period:
            previous = self.plain.get(key)
            if previous is not None and previous.last.id == record.approves:
                previous.approval_at = at
            return
        table = self.tables.get(key)
        row = table.rows.get(period) if table else None
        if table is not None and row is not None and self.record_at(table.ats[row]).id == record.approves:
            table.approvals[row] = at
            self.memos.pop(key, None)

    def _judged(self, key: str, period: str, fields: tuple[str, ...], at: int, adds: bool = False) -> None:
        """A record with figures: an alert of its period if some are past an alert, else its
        period's alert, if any, is cleared (a value corrected), unless the record `adds` to
        its period (one more attestation of a counted one) rather than correcting it."""
        if fields:
            self.alerts.setdefault(key, {})[period] = (at, fields)
        elif adds:
            return
        elif (found := self.alerts.get(key)) is not None and found.pop(period, None) is not None and not found:
            del self.alerts[key]

    def _acknowledge(self, key: str, period: str) -> None:
        """An acknowledgement covers the alerts recorded before it: of its period, or (none
        named) of every period of the item."""
        found = self.alerts.get(key)
        if found is not None and period:
            found.pop(period, None)
        if found is not None and (not period or not found):
            del self.alerts[key]

    def _wording_number(self, wording: str | None) -> int | None:
        if wording is None:
            return None
        number = self._wording.get(wording)
        if number is None:
            number = self._wording[wording] = len(self.wordings)
            self.wordings.append(wording)
        return number

    def bring_back(self, subject: str) -> bool:
        """Take an archived subject out of the archive: its records are read again from the log
        (so its entries and event are as a full fold has them). False if it was not archived."""
        repeats = self.repeats.get(subject, {})
        found = self.archived.find(subject, max(repeats.values(), default=1))
        if not found:
            return False
        if self._scan is None:
            raise LookupError(f"subject {subject} is archived and this index cannot read the log")
        kinds = {kind for kind, _ in found}
        measures = {measure for kind in kinds for measure in self.archived.measures.get(kind, ())}
        for kind, where in found:
            self.archived.remove(kind, where)
        archive, self.archived = self.archived, Archived()  # fold its records as they came
        count, last_at, replayed = self.count, self.last_at, self.replayed
        unusable, records_of, upgrades = list(self.unusable), dict(self.records_of), list(self.upgrades_at)
        roles = list(self.roles_at)
        self._only = {where for _, where in found}  # the subject's other occurrences are live: as they are
        self._counting = {}  # its events numbered again as they come, whatever is live
        try:
            for at, record in self._scan(subject, self.end):
                item = self.renamed.get(record.item, record.item) if record.item is not None else None
                ours = item in measures if item is not None else record.event in kinds
                if record.subject == subject and ours:  # what the archive held, not the subject's other events
                    self.add(record, at)
        finally:
            self._only = self._counting = None
        self.archived = archive
        self.count, self.last_at, self.replayed = count, last_at, replayed  # counted when first folded
        self.unusable, self.records_of, self.upgrades_at = unusable, records_of, upgrades
        self.roles_at = roles
        return True

    def covered(self, at: int, line: bytes, record: Record | None, last: bool = True) -> None:
        """Fold a whole line of the log (a blank one holds no record), now the last one
        covered; of a run of lines, only the `last` is hashed (what the saved index names)."""
        if record is not None:
            self.add(record, at)
        if self.end is not None:
            self.end = at + len(line) + 1
            if last:
                self.tail_at, self.tail = at, digest(line)
        self.dirty = True

    @classmethod
    def of(cls, records: Iterable[Record], judge: Judge | None = None) -> LogIndex:
        index = cls(judge=judge)
        for record in records:
            index.add(record)
        return index

    def entry(
        self, item: str, subject: str | None = None, period: str | None = None, *, part: str | None = None
    ) -> Entry | None:
        key = item_key(item, subject, part)
        if not period:
            return self.plain.get(key)
        table = self.tables.get(key)
        row = table.rows.get(period) if table else None
        return self.row_entry(table, row) if table is not None and row is not None else None

    def row_entry(self, table: Table, row: int) -> Entry:
        number = table.wordings[row]
        wording = self.wordings[number] if number is not None else None
        at, count, action, until = table.ats[row], table.counts[row], table.actions[row], table.untils[row]
        return Entry(self, at, count, action, until, table.figures_of(row), wording, table.approvals[row])

    def table(self, item: str, subject: str | None = None, part: str | None = None) -> Table | None:
        return self.tables.get(item_key(item, subject, part))

    def memo(self, key: str, asked: str) -> Memo | None:
        """What was worked out of the table at `key` for the same question, if nothing was added since."""
        memo = self.memos.get(key)
        return memo if memo is not None and memo.asked == asked else None

    def remember(self, key: str, memo: Memo) -> None:
        self.memos[key] = memo
        self._dirty = True

    def saved_entry(self, table: Table | None, row: int | None) -> SavedEntry | None:
        """A table's row as a memo keeps it."""
        if table is None or row is None:
            return None
        number = table.wordings[row]
        at, count, action, until = table.ats[row], table.counts[row], table.actions[row], table.untils[row]
        return (at, count, action, until, table.figures_of(row), number, table.approvals[row])  # type: ignore[return-value]

    def memo_entry(self, saved: SavedEntry | None) -> Entry | None:
        if saved is None:
            return None
        at, count, action, until, figures, number, approval_at = saved
        wording = self.wordings[number] if number is not None else None
        return Entry(self, at, count, action, until, figures, wording, approval_at)

    def periods(self, item: str, subject: str | None = None, part: str | None = None) -> Mapping[str, Entry]:
        """The entries of an item (of a subject, of a part) by period."""
        table = self.tables.get(item_key(item, subject, part))
        return {key: self.row_entry(table, row) for key, row in table.rows.items()} if table else {}

    def whole(self) -> dict[str, dict[str, Entry]]:
        """Every entry, by item key and period ("" for none): for comparing folds and checks."""
        found: dict[str, dict[str, Entry]] = {}
        for key, entry in self.plain.items():
            found.setdefault(key, {})[""] = entry
        for key, table in self.tables.items():
            found.setdefault(key, {}).update({period: self.row_entry(table, row) for period, row in table.rows.items()})
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogIndex):
            return NotImplemented
        return self._compared() == other._compared()

    def agrees(self, fresh: LogIndex) -> bool:
        """Whether this index (saved, perhaps with archived subjects) says what `fresh`, a fold
        of the same log, says. If `fresh` archived too (both settled under the same rules), the
        same subjects archived with the same letters; else each archived subject live there,
        its items as its letters say; and everything else the same."""
        if not fresh.archived.empty:
            same = _archive_said(self.archived) == _archive_said(fresh.archived)
            return same and self._same_rest(fresh, {k: e.place() for k, e in fresh.plain.items()}, dict(fresh.events))
        whole = {key: entry.place() for key, entry in fresh.plain.items()}
        events = dict(fresh.events)
        tally: dict[str, dict[str, int]] = {}
        for kind, subjects in self.archived.subjects().items():
            measures = self.archived.measures.get(kind, [])
            for subject, letters in subjects.items():
                found = events.pop(event_key(kind, subject), None)
                if found is None or found.action != "event" or len(letters) != len(measures):
                    return False
                for measure, letter in zip(measures, letters, strict=True):
                    entry = whole.pop(item_key(measure, subject), None)
                    if letter == NOT_FOR_TYPE and entry is None:
                        continue
                    state, changed = STATES_OF_ARCHIVE.get(letter, ("?", False))
                    if entry is None or entry[2] != state:  # its action
                        return False
                    counts = tally.setdefault(measure, {"done": 0, "na": 0, "changed": 0})
                    counts[state] += 1
                    counts["changed"] += changed
        if {m: t for m, t in self.archived.tally.items() if any(t.values())} != tally:
            return False
        return self._same_rest(fresh, whole, events)

    def _same_rest(self, fresh: LogIndex, theirs: dict[str, tuple[object, ...]], events: dict[str, Happening]) -> bool:
        """Everything but the archive the same as `fresh` (whose plain entries, as places, and events are given)."""
        # Both are folds of the same log: a record is known by where its line starts, and none
        # is read again (a million entries' records would be a gigabyte).
        # A table at a time, so that two folds of a million records are compared in little memory.
        same_tables = set(self.tables.keys()) == set(fresh.tables.keys()) and all(
            self._rows_said(self.tables[key]) == fresh._rows_said(fresh.tables[key]) for key in self.tables
        )
        mine = {key: entry.place() for key, entry in self.plain.items()}
        my_events = {key: e.place() for key, e in self.events.items()}
        same_places = (self.upgrades_at, self.unusable, self.last_at, self.attribute_changes, self.roles_at) == (
            fresh.upgrades_at,
            fresh.unusable,
            fresh.last_at,
            fresh.attribute_changes,
            fresh.roles_at,
        ) and (self.placed_at, self.place) == (fresh.placed_at, fresh.place)
        same_counts = (
            self.count,
            self.replayed,
            self.records_of,
            self.renamed,
            self.alerts,
            self.parts,
            self.repeats,
        ) == (
            fresh.count,
            fresh.replayed,
            fresh.records_of,
            fresh.renamed,
            fresh.alerts,
            fresh.parts,
            fresh.repeats,
        )
        return (
            same_places
            and same_counts
            and same_tables
            and mine == theirs
            and my_events == {k: e.place() for k, e in events.items()}
        )

    def _rows_said(self, table: Table) -> dict[str, tuple[object, ...]]:
        """A table's rows by period, each as Entry.place() has an entry (read from the columns)."""
        wordings, said = self.wordings, dict[str, tuple[object, ...]]()
        for row, period in enumerate(table.keys):
            number, at, count, action = table.wordings[row], table.ats[row], table.counts[row], table.actions[row]
            wording = None if number is None else wordings[number]
            figures, approval_at = table.figures_of(row), table.approvals[row]
            said[period] = (at, count, action, table.untils[row], figures, wording, approval_at, table.dones[row])
        return said

    def _compared(self) -> tuple[object, ...]:
        upgrades = [self.record_at(at) for at in self.upgrades_at]
        roles = [self.record_at(at) for at in self.roles_at]
        left_out = [self.record_at(at) for at in self.unusable]
        whole = {key: {p: e.key() for p, e in periods.items()} for key, periods in self.whole().items()}
        archived = {m: t for m, t in self.archived.tally.items() if any(t.values())}
        alerts = {
            key: {period: (self.record_at(at), fields) for period, (at, fields) in found.items()}
            for key, found in self.alerts.items()
        }
        changes = [(self.record_at(at), moment, values) for at, moment, values in self.attribute_changes]
        parts = {key: (p.id, p.kind, p.name, p.added, p.retired) for key, p in self.parts.items()}
        said = (self.count, whole, self.events, upgrades, self.replayed, left_out, self.last, archived, alerts)
        placed = [self.record_at(at) for at in self.placed_at]
        return (*said, parts, self.repeats, changes, roles, placed, self.place)

    __hash__ = None  # type: ignore[assignment]


# -- the snapshot -------------------------------------------------------------------
# Decoded and checked by msgspec in C: a snapshot that does not have this shape, or holds a
# number no fold makes (a figure past ±10^15, a negative offset), is not used.

Natural = Annotated[int, msgspec.Meta(ge=0)]
Figure = (
    bool
    | Annotated[int, msgspec.Meta(ge=-LIMIT, le=LIMIT)]
    | Annotated[float, msgspec.Meta(ge=-LIMIT, le=LIMIT)]
    | str
    | list[str]
)
Doing = Literal["done", "partial", "na", "blocked", "reopened"]
# at, count, action, until, figures, wording (its number), approval's at
SavedEntry = tuple[Natural, Natural, Doing, date | None, dict[str, Figure], Natural | None, Natural | None]


class SavedTable(msgspec.Struct, forbid_unknown_fields=True):
    """A Table, its columns packed: what most rows share is left out (a count of 1, no waiver
    end, no approval), actions are letters, a missing wording is -1 (decoding 40,000 rows is
    a few milliseconds this way)."""

    keys: list[str]
    ats: list[Natural]
    actions: str  # a letter per row: see LETTERS
    wordings: list[Annotated[int, msgspec.Meta(ge=-1)]]
    counts: dict[int, Natural]  # rows attested more than once
    dones: dict[int, Natural]  # rows whose done records since their last other one are not 1 for a done, 0 else
    untils: dict[int, date]
    approvals: dict[int, Natural]
    figures: dict[str, list[Figure | None]]
    schedule: str | None
    numbers: list[int | None]


LETTERS = {"done": "d", "partial": "p", "na": "n", "blocked": "b", "reopened": "r"}
ACTIONS = {letter: action for action, letter in LETTERS.items()}


class SavedArchive(msgspec.Struct, forbid_unknown_fields=True):
    rules: str
    measures: dict[str, list[str]]
    subjects: dict[str, str]
    sizes: dict[str, Natural]
    tally: dict[str, dict[str, Natural]]


class Mark(msgspec.Struct, forbid_unknown_fields=True):
    """The log the index was saved for: its size, and its identity as git's index keeps a
    file's (inode, modification time), and the SHA-256 of its last line (which, through the
    chain, stands for every line before it)."""

    size: Natural
    inode: int
    mtime_ns: int
    tail_at: Natural
    tail: str


class Saved(msgspec.Struct, forbid_unknown_fields=True):
    """index.json: the fold of the log up to `mark.size`, as written by `program` in this `format`."""

    format: int
    program: str
    mark: Mark
    count: Natural
    last: Natural | None
    wordings: list[str]
    plain: dict[str, SavedEntry]  # by item|subject
    tables: dict[str, msgspec.Raw]  # SavedTable, decoded when asked for
    memos: dict[str, Memo]
    events: dict[str, tuple[Natural, Literal["event", "withdrawn"], datetime]]  # at, action, moment
    records_of: dict[str, Natural]
    upgrades: list[Natural]
    replayed: Natural
    unusable: list[Natural]
    archived: SavedArchive
    renamed: dict[str, str] = {}
    alerts: dict[str, dict[str, tuple[Natural, tuple[str, ...]]]] = {}  # by item|subject, period: LogIndex.alerts
    # the unit's parts by id: kind, name, where its adding starts, when, where its retiring starts, when
    parts: dict[str, tuple[str, str | None, Natural, datetime, Natural | None, datetime | None]] = {}
    repeats: dict[str, dict[str, Annotated[int, msgspec.Meta(ge=2)]]] = {}  # LogIndex.repeats
    attributes: list[tuple[Natural, datetime, dict[str, str]]] = []  # LogIndex.attribute_changes
    subject_types: dict[str, str] = {}  # by kind|subject: the type of an event's subject, where it says one
    roles: list[Natural] = []  # LogIndex.roles_at
    placed: list[Natural] = []  # LogIndex.placed_at
    place: list[Annotated[str, msgspec.Meta(min_length=1, max_length=200)]] = []  # LogIndex.place


def save(index: LogIndex, mark: Mark, program: str) -> bytes:
    """The index as index.json holds it."""
    plain = {
        key: (e.at, e.count, e.action, e.until, e.figures, index._wording_number(e.wording), e.approval_at)
        for key, e in index.plain.items()
    }
    archived = SavedArchive(**index.archived.saved())
    saved = Saved(
        format=SNAPSHOT_FORMAT,
        program=program,
        mark=mark,
        count=index.count,
        last=index.last_at,
        wordings=index.wordings,
        plain=plain,  # type: ignore[arg-type]
        tables=index.tables.saved(),
        memos=index.memos,
        events={key: (e.at, e.action, e.moment) for key, e in index.events.items()},  # type: ignore[misc]
        records_of=index.records_of,
        upgrades=index.upgrades_at,
        replayed=index.replayed,
        unusable=index.unusable,
        archived=archived,
        renamed=index.renamed,
        alerts=index.alerts,
        parts={key: (p.kind, p.name, p.added_at, p.added, p.retired_at, p.retired) for key, p in index.parts.items()},
        repeats=index.repeats,
        attributes=index.attribute_changes,
        subject_types={key: e.subject_type for key, e in index.events.items() if e.subject_type is not None},
        roles=index.roles_at,
        placed=index.placed_at,
        place=list(index.place),
    )
    return msgspec.json.encode(saved)


def load(data: bytes, fetch: Fetch, scan: Scan | None = None, judge: Judge | None = None) -> tuple[Saved, LogIndex]:
    """The index saved in `data`; ValueError if it is not one this release wrote, or names a
    place past the end of the log it was saved for (the log itself is not read here)."""
    try:
        saved = msgspec.json.decode(data, type=Saved)
    except msgspec.DecodeError as exc:
        raise ValueError(str(exc)) from None
    size = saved.mark.size
    index = LogIndex(fetch, scan, judge)
    index.wordings = saved.wordings
    index._wording = {text: number for number, text in enumerate(saved.wordings)}
    ends = [saved.last or 0, *saved.upgrades, *saved.unusable, *saved.roles, *saved.placed, 0]
    for key, (at, count, action, until, figures, wording, approval_at) in saved.plain.items():
        text = saved.wordings[wording] if wording is not None else None
        index.plain[key] = Entry(index, at, count, action, until, figures, text, approval_at)
        ends += (at, approval_at or 0)
    for memo in saved.memos.values():
        for entry in (memo.current, memo.latest):
            if entry is not None:
                ends += (entry[0], entry[6] or 0)
                if entry[5] is not None and entry[5] >= len(saved.wordings):
                    raise ValueError("a wording the index does not have")
    index.memos = saved.memos
    index.tables = Tables(dict(saved.tables), functools.partial(_decoded, size=size, wordings=len(saved.wordings)))
    ends += _load_happenings(saved, index)
    index.alerts = saved.alerts
    ends += (at for found in saved.alerts.values() for at, _ in found.values())
    if max(ends) >= max(size, 1) or max(_wordings(saved), default=-1) >= len(saved.wordings):
        raise ValueError("a place past the end of the log, or a wording it does not have")
    index.count, index.last_at, index.replayed = saved.count, saved.last, saved.replayed
    index.records_of, index.upgrades_at, index.unusable = saved.records_of, saved.upgrades, saved.unusable
    index.archived = Archived.read(saved.archived)
    index.renamed = saved.renamed
    index.repeats = saved.repeats
    index.roles_at = saved.roles
    if bool(saved.placed) != bool(saved.place):
        raise ValueError("a place without its record, or a record without its place")
    index.placed_at, index.place = saved.placed, tuple(saved.place)
    return saved, index


def _load_happenings(saved: Saved, index: LogIndex) -> list[int]:
    """The events, attribute changes and parts a saved index holds, put in `index`; the places
    in the log they name (ValueError for a moment outside the clock's range)."""
    ends: list[int] = []
    for key, (where, happened, moment) in saved.events.items():
        if not in_range(moment):
            raise ValueError(f"{moment} is outside the clock's range")
        kind, _, where_kept = key.partition("|")
        subject, number = occurrence_of(where_kept)
        typed = saved.subject_types.get(key)
        index.events[key] = Happening(index, where, happened, kind, subject, moment, number, typed)
        ends.append(where)
    if not set(saved.subject_types) <= set(saved.events):
        raise ValueError("a subject type of no event")
    for where, moment, _ in saved.attributes:
        if not in_range(moment):
            raise ValueError(f"{moment} is outside the clock's range")
        ends.append(where)
    index.attribute_changes = [(where, moment, values) for where, moment, values in saved.attributes]
    for key, (kind, name, added_at, added, retired_at, retired) in saved.parts.items():
        if not in_range(added) or (retired is not None and not in_range(retired)):
            raise ValueError(f"part {key} at a moment outside the clock's range")
        index.parts[key] = Part(key, kind, name, added_at, added, retired_at, retired)
        ends += (added_at, retired_at or 0)
    return ends


def _archive_said(archived: Archived) -> tuple[object, ...]:
    """What an archive says (kinds, measures and counts that came to nothing left out)."""
    subjects = {kind: found for kind, found in archived.subjects().items() if found}
    measures = {kind: archived.measures.get(kind) for kind in subjects}
    return subjects, measures, {m: t for m, t in archived.tally.items() if any(t.values())}


def _wordings(saved: Saved) -> Iterator[int]:  # of the plain entries (a table's are checked when it is read)
    yield from (row[5] for row in saved.plain.values() if row[5] is not None)


def _decoded(raw: msgspec.Raw, size: int, wordings: int) -> Table:
    """A saved table, checked as the rest of the index was when it was read: a table that
    does not hold is a sign the index is not this log's (DamagedIndex)."""
    try:
        saved = msgspec.json.decode(raw, type=SavedTable)
        table = _table(saved)
    except (msgspec.DecodeError, ValueError) as exc:
        raise DamagedIndex(str(exc)) from None
    last = max(max(table.ats, default=0), max(saved.approvals.values(), default=0))
    if last >= max(size, 1) or max(saved.wordings, default=-1) >= wordings:
        raise DamagedIndex("a place past the end of the log, or a wording it does not have")
    return table


class DamagedIndex(ValueError):
    """A part of a saved index read late (a table) does not hold: the index is not to be used."""


def _packed(table: Table) -> SavedTable:
    return SavedTable(
        keys=table.keys,
        ats=table.ats,
        actions="".join(map(LETTERS.__getitem__, table.actions)),
        wordings=list(map(_NO_WORDING.get, table.wordings, table.wordings)),  # type: ignore[arg-type]
        counts={row: count for row, count in enumerate(table.counts) if count != 1},
        dones={row: n for row, n in enumerate(table.dones) if n != (table.actions[row] == "done")},
        untils={row: until for row, until in enumerate(table.untils) if until is not None},
        approvals={row: at for row, at in enumerate(table.approvals) if at is not None},
        figures=table.figures,
        schedule=table.schedule,
        numbers=table.numbers,
    )


_NO_WORDING: dict[int | None, int | None] = {None: -1, -1: None}  # a missing wording, saved and read


def _table(saved: SavedTable) -> Table:
    rows = len(saved.keys)
    columns: list[Any] = [saved.ats, saved.actions, saved.wordings, *saved.figures.values()]
    sparse = (*saved.counts, *saved.untils, *saved.approvals, *saved.dones)
    if any(len(column) != rows for column in columns) or len(saved.numbers) > rows or max(sparse, default=0) >= rows:
        raise ValueError("a table whose columns differ in length")
    table = Table()
    table.keys, table.ats = saved.keys, saved.ats
    try:
        table.actions = list(map(ACTIONS.__getitem__, saved.actions))
    except KeyError as exc:
        raise ValueError(f"no action is {exc}") from None
    table.wordings = list(map(_NO_WORDING.get, saved.wordings, saved.wordings))
    table.counts, table.untils, table.approvals = [1] * rows, [None] * rows, [None] * rows
    for row, count in saved.counts.items():
        table.counts[row] = count
    table.dones = [int(action == "done") for action in table.actions]
    for row, made in saved.dones.items():
        table.dones[row] = made
    for row, until in saved.untils.items():
        table.untils[row] = until
    for row, at in saved.approvals.items():
        table.approvals[row] = at
    table.figures = saved.figures
    table._rows = None  # worked out when asked for: status reads rows by number
    table.schedule, table.numbers = saved.schedule, saved.numbers
    return table
