"""What status needs of a unit's log, folded: the latest attestation of each item (of each
subject, of each period), the events, the approvals and the catalog upgrades.

The index is derived data. A file store keeps a snapshot of it beside the log, valid for
a byte prefix of the log (checked by its SHA-256 every time), so reading a long log parses
only the lines added since. A database backend would answer the same question with a query.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from .models import Record


def entry_key(item: str, subject: str | None = None, period: str | None = None) -> str:
    """'item|subject|period': subjects and periods cannot contain '|'."""
    return f"{item}|{subject or ''}|{period or ''}"


def event_key(kind: str, subject: str) -> str:
    return f"{kind}|{subject}"


class Entry(BaseModel):
    """The latest attestation of one item (of one subject, of one period), and its approval."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    last: Record
    count: int
    approval: Record | None = None


class LogIndex(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = 0
    entries: dict[str, Entry] = {}
    events: dict[str, Record] = {}  # the latest event or withdrawal of each (kind, subject)
    upgrades: list[Record] = []
    last: Record | None = None

    def add(self, record: Record) -> None:
        self.count += 1
        self.last = record
        if record.action in ("event", "withdrawn"):
            self.events[event_key(record.event or "", record.subject or "")] = record
        elif record.action == "upgraded":
            self.upgrades.append(record)
        elif record.item is not None:
            key = entry_key(record.item, record.subject, record.period)
            previous = self.entries.get(key)
            # Records are validated when read; construct() skips validating them a second time.
            if record.action == "approved":
                if previous is not None and previous.last.id == record.approves:
                    self.entries[key] = Entry.model_construct(last=previous.last, count=previous.count, approval=record)
            else:
                count = previous.count + 1 if previous else 1
                self.entries[key] = Entry.model_construct(last=record, count=count, approval=None)

    @classmethod
    def of(cls, records: Iterable[Record]) -> LogIndex:
        index = cls()
        for record in records:
            index.add(record)
        return index

    def entry(self, item: str, subject: str | None = None, period: str | None = None) -> Entry | None:
        return self.entries.get(entry_key(item, subject, period))


class Snapshot(BaseModel):
    """A saved index, valid while the first `size` bytes of the log hash to `sha256`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int
    program: str
    size: int
    sha256: str
    lines: int
    index: LogIndex
