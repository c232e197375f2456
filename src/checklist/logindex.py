"""The latest record of each item of a unit's log, and how many each has: what status needs.

The index is derived data. A file store keeps a snapshot of it beside the log, valid for
a byte prefix of the log (checked by its SHA-256 every time), so reading a long log parses
only the lines added since. A database backend would answer the same question with a query.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from .models import Record


class ItemLatest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    last: Record
    count: int


class LogIndex(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = 0
    items: dict[str, ItemLatest] = {}
    last: Record | None = None

    def add(self, record: Record) -> None:
        previous = self.items.get(record.item)
        # Records are validated when read; construct() skips validating them a second time.
        self.items[record.item] = ItemLatest.model_construct(last=record, count=previous.count + 1 if previous else 1)
        self.count += 1
        self.last = record

    @classmethod
    def of(cls, records: Iterable[Record]) -> LogIndex:
        index = cls()
        for record in records:
            index.add(record)
        return index


class Snapshot(BaseModel):
    """A saved index, valid while the first `size` bytes of the log hash to `sha256`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int
    program: str
    size: int
    sha256: str
    lines: int
    index: LogIndex
