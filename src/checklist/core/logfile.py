"""A unit's log as a file read in pieces: its lines from any place on, one record by where
its line starts, the records naming a subject, and the bytes of its last line.

Nothing here holds the whole log: a ten-year log is a gigabyte, and a command that folds the
lines appended since its saved index reads only those. The file is opened as every file of
the store is (files.py: a regular file only, within its limit).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from itertools import accumulate
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import files
from .errors import StoreDamaged
from .logindex import LogIndex
from .models import Record
from .store import CHUNK as STREAM_CHUNK
from .store import LogStream, parse_line

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

CHUNK = STREAM_CHUNK  # bytes read at a time
SETTLE_EVERY = 1 << 16  # records folded between two calls of a fold's `settle`
ASIDE_FROM = 16 << 20  # bytes: a fold of this many has its lines checked by another process meanwhile


class LogFile:
    """The records.jsonl of one unit (a missing file is an empty log)."""

    def __init__(self, path: Path, unit_id: str) -> None:
        self.path = path
        self.unit = unit_id
        self.where = str(path)
        self._handle: IO[bytes] | None = None

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def _file(self) -> IO[bytes] | None:
        if self._handle is None:
            try:
                self._handle = self._open()
            except FileNotFoundError:
                return None
        return self._handle

    def read(self, at: int, size: int) -> bytes:
        handle = self._file()
        if handle is None:
            return b""
        try:
            return os.pread(handle.fileno(), size, at)
        except OSError as exc:
            raise StoreDamaged("store.cannot_read", where=self.where, reason=exc.strerror or str(exc)) from exc

    def stream(self, start: int, end: int) -> LogStream:
        """The log's lines from `start` (where a line starts) to the last line end before `end`,
        read as every whole log is read (store.LogStream)."""
        return LogStream(self.unit, self.where, b"", None, start, end, self._open)

    def _open(self) -> IO[bytes]:
        handle = files.open_regular(self.path)
        if os.fstat(handle.fileno()).st_size > files.LOG:
            handle.close()
            raise StoreDamaged("file.too_large", where=self.where, mib=files.LOG // files.MIB)
        return handle

    def batches(self, start: int, end: int) -> Iterator[tuple[list[int], list[bytes]]]:
        """The whole lines from `start` to `end` (where lines end), a chunk at a time: where each
        starts, and its bytes."""
        for first, lines in self.stream(start, end).part(start, end).batches(CHUNK):
            yield _starts(first, lines), lines

    def last_line_end(self, start: int, end: int) -> int:
        """Just past the last line end between `start` and `end` (`start` if there is none)."""
        return self.stream(start, end).whole

    def parse(self, at: int, line: bytes, torn: bool = False) -> Record:
        try:
            return parse_line(self.where, line, 0, self.unit, torn=torn)
        except StoreDamaged:  # count the lines only now, to name the one that is damaged
            return parse_line(self.where, line, self.line_number(at), self.unit, torn=torn)

    def line_number(self, at: int) -> int:
        count = 0
        for offset in range(0, at, CHUNK):
            count += self.read(offset, min(CHUNK, at - offset)).count(b"\n")
        return count + 1

    def fetch(self, at: int) -> Record:
        """The record whose line starts at `at`; StaleIndex if no line starts there."""
        if at < 0 or (at > 0 and self.read(at - 1, 1) != b"\n"):
            raise StaleIndex(at)
        line, piece = b"", self.read(at, 4096)
        while piece:
            end = piece.find(b"\n")
            if end >= 0:
                line += piece[:end]
                break
            line += piece
            piece = self.read(at + len(line), CHUNK)
        if not line.strip():
            raise StaleIndex(at)
        record = self.parse(at, line)
        if record.unit != self.unit:  # pragma: no cover - parse_line refuses another unit's record
            raise StaleIndex(at)
        return record

    def naming(self, text: str, end: int | None = None) -> Iterator[tuple[int, Record]]:
        """The records (up to `end`, else the last whole line) whose line holds `text` (a
        subject, say): a byte search of each chunk first, so that only those lines are parsed."""
        needle, stop = text.encode(), self.size() if end is None else end
        for first, lines, chunk in self.stream(0, stop).blocks(CHUNK):
            if needle in chunk or needle in lines[0]:
                for at, line in zip(
                    accumulate((len(line) + 1 for line in lines[:-1]), initial=first), lines, strict=True
                ):
                    if needle in line and line.strip():
                        yield at, self.parse(at, line)


def _starts(first: int, lines: list[bytes]) -> list[int]:
    """Where each of a batch's lines starts, the first at `first`."""
    return list(accumulate((len(line) + 1 for line in lines[:-1]), initial=first))


class StaleIndex(Exception):
    """A saved index named a place in the log where no record starts: it is not for this log."""

    def __init__(self, at: int) -> None:
        super().__init__(f"no record starts at byte {at} of the log")
        self.at = at


def fold(  # noqa: PLR0917
    index: LogIndex,
    log: LogFile,
    start: int,
    end: int,
    settle: Callable[[LogIndex], object] | None = None,
    aside: bool = False,
) -> None:
    """Fold the log's lines from `start` (where a line starts) to `end` into `index`. A last
    line cut short is folded if it is a whole record, but then the index is not one to save.

    The lines are decoded a chunk at a time (Record.decode_many: one call for thousands of
    lines); a chunk with a line that needs reading on its own is read line by line, which
    names a damaged line. `settle`, if given, is called every SETTLE_EVERY records or so, the
    index then covering the lines folded so far: archiving what is settled for good as the
    fold goes keeps a cold fold of a million records within its memory (see archive.py).

    `aside`: a long stretch (ASIDE_FROM) has its lines checked in another process (Checker)
    while this one reads them for their types and bounds only; a damaged line it finds is
    read again here, which names it. Half the time of a cold fold, on a second core."""
    whole = end if end == 0 or log.read(end - 1, 1) == b"\n" else log.last_line_end(start, end)
    checker = Checker.start(log, start, whole) if aside and whole - start >= ASIDE_FROM else None
    try:
        previous = _fold_lines(index, log, start, whole, settle, checked=checker is None)
    except Exception:
        if checker is not None:  # a line read unchecked may be the cause: the damaged line is named first
            checker.finish(log, whole)
        raise
    if checker is not None:
        checker.finish(log, whole)
    if whole < end:  # no line end after the last line: a write was cut short
        line = log.read(whole, end - whole)
        if line.strip():
            index.add(log.parse(whole, line, torn=True), whole)
        index.end = None
    if previous is not None and index.end is not None:
        index.covered(previous[0], previous[1], None)  # the last whole line: where the index now ends
    index.dirty = True


def _fold_lines(  # noqa: PLR0917
    index: LogIndex, log: LogFile, start: int, whole: int, settle: Callable[[LogIndex], object] | None, checked: bool
) -> tuple[int, bytes] | None:
    """Fold the whole lines from `start` to `whole`; the last one folded (where it starts, its bytes)."""
    previous: tuple[int, bytes] | None = None
    add, unsettled = index.add, 0
    for starts, lines in log.batches(start, whole):
        records = Record.decode_many(lines, checked=checked)
        if records is None or any(record.unit != log.unit for record in records):
            for at, line in zip(starts, lines, strict=True):
                if line.strip():
                    add(log.parse(at, line), at)
        else:
            for at, record in zip(starts, records, strict=True):
                add(record, at)
        previous = (starts[-1], lines[-1])
        unsettled += len(lines)
        if settle is not None and unsettled >= SETTLE_EVERY and index.end is not None:
            index.end, unsettled = starts[-1] + len(lines[-1]) + 1, 0  # what a subject brought back is read up to
            settle(index)
    return previous


def _damaged_batch(log: LogFile, start: int, whole: int) -> int | None:
    """Where the first batch holding a line that is not a record of this log starts (None: none)."""
    for starts, lines in log.batches(start, whole):
        records = Record.decode_many(lines)
        if records is None or any(record.unit != log.unit for record in records):
            try:
                for at, line in zip(starts, lines, strict=True):
                    if line.strip():
                        log.parse(at, line)
            except StoreDamaged:
                return starts[0]
    return None


class Checker:
    """A process that checks a stretch of the log's lines as a fold reads them (see `fold`)."""

    def __init__(self, process: BaseProcess, answer: Connection, start: int) -> None:
        self.process, self.answer, self.start_at = process, answer, start

    @classmethod
    def start(cls, log: LogFile, start: int, whole: int) -> Checker | None:
        """The checker, started (None where no process can be: a single core, a daemon)."""
        import multiprocessing

        if len(os.sched_getaffinity(0)) < 2 or multiprocessing.current_process().daemon:
            return None
        context = multiprocessing.get_context("fork")
        answer, reply = context.Pipe(duplex=False)
        process = context.Process(target=_check, args=(log.path, log.unit, start, whole, reply), daemon=True)
        try:
            process.start()
        except OSError:
            return None
        reply.close()
        return cls(process, answer, start)

    def finish(self, log: LogFile, whole: int) -> None:
        """Wait for the answer; a damaged line is read again here (StoreDamaged naming it). If
        the process gave no answer, the stretch is checked here."""
        try:
            found = self.answer.recv()
        except (EOFError, OSError):
            found = -1
        self.process.join()
        self.answer.close()
        if found is None:
            return
        first = _damaged_batch(log, self.start_at, whole) if found < 0 else found
        if first is not None:  # read again from there, each line checked: StoreDamaged names the damaged one
            for starts, lines in log.batches(first, whole):
                for at, line in zip(starts, lines, strict=True):
                    if line.strip():
                        log.parse(at, line)


def _check(path: Path, unit: str, start: int, whole: int, reply: Connection) -> None:
    try:
        reply.send(_damaged_batch(LogFile(path, unit), start, whole))
    except BaseException:
        reply.send(-1)
