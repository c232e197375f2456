"""The hash chain that makes a unit's log tamper-evident.

Each record of format 2 ends with `"seq":N,"prev":"sha256:…"}`: its number, and the
SHA-256 of the exact bytes of the line before it. The first record links to the bytes of
`unit.json`; the first record after records of format 1 (written before chaining) links to
the hash of everything before it, which anchors that older history without rewriting it.
`head.json` holds the number and hash of the last record, so that an edit of the last
record and a cut-off end are caught too.

The link sits at a fixed place at the end of a line, so checking a chain hashes bytes and
compares strings; it never has to parse JSON.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import Message, message

PREFIX = "sha256:"
_LINK_LABEL = b'"prev":"sha256:'
_TAIL = len(_LINK_LABEL) + 64 + 2  # '"prev":"sha256:' + 64 hex digits + '"}'
_SEQ_LABEL = b',"seq":'


def digest(data: bytes | memoryview) -> str:
    return PREFIX + hashlib.sha256(data).hexdigest()


def link_of(line: bytes) -> str | None:
    """The `prev` of a chained line, read at its fixed place; None for any other line."""
    if len(line) > _TAIL and line[-_TAIL : -_TAIL + len(_LINK_LABEL)] == _LINK_LABEL and line.endswith(b'"}'):
        return line[-_TAIL + len(_LINK_LABEL) - len(PREFIX) : -2].decode("ascii")
    return None


def seq_of(line: bytes) -> int | None:
    """The `seq` of a chained line: it stands just before the link, as `,"seq":N,`."""
    end = len(line) - _TAIL
    start = line.rfind(_SEQ_LABEL, 0, end)
    digits = line[start + len(_SEQ_LABEL) : end - 1] if start >= 0 else b""
    return int(digits) if digits.isdigit() and line[end - 1 : end] == b"," else None


@dataclass(frozen=True)
class Head:
    """The last record written: its number, the hash of its line, and the log's size after it."""

    seq: int
    hash: str
    size: int


class TornLog(Exception):
    """The log ends in the middle of a line: a write was interrupted."""


class BadTail(Exception):
    """The last line of the log is neither chained nor a valid record of format 1."""


def next_link(lines: Sequence[bytes], torn: bytes, genesis: str, is_legacy: Callable[[bytes], bool]) -> tuple[int, str]:
    """The `seq` and `prev` of a record appended after `lines`, the whole log so far."""
    if torn:
        raise TornLog
    records = [line for line in lines if line.strip()]
    if not records:
        return 1, genesis
    last = records[-1]
    if link_of(last) is not None:
        seq = seq_of(last)
        if seq is None:
            raise BadTail
        return seq + 1, digest(last)
    if not is_legacy(last):
        raise BadTail
    return len(records) + 1, _prefix_digest(lines, len(lines))  # anchors every record written before chaining


def _prefix_digest(lines: Sequence[bytes], count: int) -> str:
    """The hash of the first `count` lines as a file holds them (each with its line end)."""
    hasher = hashlib.sha256()
    for line in lines[:count]:
        hasher.update(line)
        hasher.update(b"\n")
    return PREFIX + hasher.hexdigest()


@dataclass
class ChainReport:
    """What a check of one log found. `problems` are (line, message); the first break ends the check."""

    records: int = 0
    legacy: int = 0
    last_seq: int = 0
    torn_at: int | None = None  # line number of an incomplete last line
    problems: list[tuple[int, Message]] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.torn_at is None


def check(
    lines: Sequence[bytes],
    torn: bytes,
    genesis: str,
    head: Head | None,
    why_not_legacy: Callable[[bytes], Message | None],
) -> ChainReport:
    """Re-compute the chain of a log (its lines as written, and the bytes of an incomplete
    last one) and name the first place where it breaks.

    `why_not_legacy(line)` says why a line without a link is not a valid record of format 1
    (None when it is one); it is only called for such lines.
    """
    checking = ChainCheck(genesis, head, why_not_legacy, lambda number: lines[number:])
    checking.feed(lines, [hashlib.sha256(line).digest() for line in lines])
    return checking.finish(torn)


Later = Callable[[int], Iterable[bytes]]  # the lines after line N (numbered from 1), to look ahead


class ChainCheck:
    """The chain check of one log (see `check`), fed its lines a batch at a time, in order, with
    the SHA-256 of each: memory stays that of a batch, whatever the log's length.

    The common case goes at C speed, a batch at once: every line chained and every link right
    (hash every line, decode every link, compare the two sequences). Anything else (older
    records, blank lines, any mismatch) is checked line by line, to name the first break;
    naming a record moved or removed looks ahead (`later`). After a break it reads nothing
    more: `feed` returns False.

    A part of a log checked apart (`part`) follows only the common case: anything else stops
    it with `whole` False, for the caller to check the log in order. `after` starts it in the
    middle of a log, after the record whose number and line hash it gives (its lines are then
    numbered as its records).
    """

    def __init__(
        self,
        genesis: str,
        head: Head | None,
        why_not_legacy: Callable[[bytes], Message | None],
        later: Later,
        *,
        after: tuple[int, str] | None = None,
        part: bool = False,
    ) -> None:
        self.report = ChainReport()
        self.head = head
        self.why_not_legacy = why_not_legacy
        self.later = later
        self.whole = True  # every line so far chained, numbered in order, and linked (the common case)
        self.stopped = False
        self.number = 0  # lines read
        self.last_hash = genesis  # of the last chained record's line (the genesis before any)
        self._expected: str | None = genesis  # None: the next record links to the hash of everything before it
        self._previous: tuple[int, int] | None = None  # (line, seq) of the last chained record
        self._prefix: Any = hashlib.sha256()  # of everything read while no record is chained (else None)
        self._part = part
        if after is not None:
            seq, hash_ = after
            self.last_hash = self._expected = hash_
            self.number = self.report.last_seq = seq
            self._previous = (seq, seq)
            self._prefix = None

    def feed(self, lines: Sequence[bytes], digests: Sequence[bytes]) -> bool:
        """Check the next lines of the log (`digests`: the SHA-256 of each); False once broken."""
        if self.stopped or not lines:
            return not self.stopped
        if self.whole and self._expected is not None and self._fast(lines, digests):
            return not self.stopped
        if self._part:  # not the common case: the caller checks the whole log in order
            self.whole, self.stopped = False, True
            return False
        self.whole = False
        return self._slow(lines, digests)

    def finish(self, torn: bytes) -> ChainReport:
        """The report, once every line was fed (`torn`: the bytes after the last line end)."""
        report = self.report
        if report.problems:
            return report
        if torn:
            report.torn_at = self.number + 1
        check_head(report, self.head, self._previous)
        return report

    def _fast(self, lines: Sequence[bytes], digests: Sequence[bytes]) -> bool:
        # No need to check each line's label: a line passes only if the bytes at its link's place
        # are exactly the hash of the line before, and the last line's number must match the count.
        start, count = self.report.last_seq, len(lines)
        if self.number != start or self._expected is None:
            return False
        try:
            links = binascii.unhexlify(b"".join([line[-66:-2] for line in lines]))
        except binascii.Error:
            return False
        joined = b"".join(digests)
        if (
            links != bytes.fromhex(self._expected.removeprefix(PREFIX)) + joined[:-32]
            or seq_of(lines[-1]) != start + count
        ):
            return False
        report, head = self.report, self.head
        if head is not None and start < head.seq <= start + count:
            at = head.seq - start - 1
            if PREFIX + joined[32 * at : 32 * at + 32].hex() != head.hash:
                report.problems.append((head.seq, message("chain.changed", seq=head.seq, line=head.seq)))
                self.stopped = True
        report.records += count
        report.last_seq = self.number = start + count
        self.last_hash = self._expected = PREFIX + joined[-32:].hex()
        self._previous = (self.number, self.number)
        self._prefix = None
        return True

    def _slow(self, lines: Sequence[bytes], digests: Sequence[bytes]) -> bool:
        report = self.report
        for line, raw in zip(lines, digests, strict=True):
            self.number += 1
            number = self.number
            before = None if self._prefix is None else PREFIX + self._prefix.hexdigest()
            if self._prefix is not None:
                self._prefix.update(line)
                self._prefix.update(b"\n")
            if not line.strip():
                continue
            link = link_of(line)
            if link is None:
                problem = _unlinked(line, number, self._previous, self.why_not_legacy)
                if problem:
                    return self._broken(number, problem)
                report.records += 1
                report.legacy += 1
                self._expected = None
                continue
            seq = seq_of(line)
            if seq is None or link != (self._expected if self._expected is not None else before):
                return self._broken(number, _break(number, seq, self._previous, report.legacy, self._later(number)))
            report.records += 1
            self.last_hash = self._expected = PREFIX + raw.hex()
            self._previous = (number, seq)
            self._prefix = None
            report.last_seq = seq
            if self.head is not None and seq == self.head.seq and self._expected != self.head.hash:
                return self._broken(number, message("chain.changed", seq=seq, line=number))
        return True

    def _later(self, number: int) -> Callable[[], Iterable[bytes]]:
        return lambda: self.later(number)

    def _broken(self, number: int, problem: Message) -> bool:
        self.report.problems.append((number, problem))
        self.stopped = True
        return False


def _cut_off(last: int, head_seq: int) -> Message:
    return message("chain.cut_off", last=last, head=head_seq, first_missing=last + 1)


def _unlinked(
    line: bytes, number: int, previous: tuple[int, int] | None, why: Callable[[bytes], Message | None]
) -> Message | None:
    reason = why(line)
    if previous is not None:
        return message("chain.unlinked", line=number, reason=reason)
    return message("chain.invalid_line", line=number, reason=reason) if reason else None


def _break(
    number: int, seq: int | None, previous: tuple[int, int] | None, legacy: int, later: Callable[[], Iterable[bytes]]
) -> Message:
    if seq is None:
        return message("chain.no_seq", line=number)
    if previous is None:
        if legacy:
            return message("chain.start_changed_after_legacy", seq=seq, line=number, legacy=legacy)
        return message("chain.start_changed", seq=seq, line=number)
    line, last = previous
    if seq > last + 1:
        return _missing(number, seq, last + 1, later)
    if seq <= last:
        return message("chain.out_of_order", seq=seq, line=number, after=last)
    return message("chain.broken", line=number, seq=seq, last=last, last_line=line)


def _missing(number: int, seq: int, expected: int, later: Callable[[], Iterable[bytes]]) -> Message:
    """Record `expected` should stand at line `number`, where record `seq` does: moved there
    (two records swapped, or one moved) if `expected` stands further on, else removed."""
    found = None
    for at, line in enumerate(later(), start=number + 1):
        if seq_of(line) == expected:
            found = at
            break
    if found is None:
        return message("chain.removed", first=expected, last=seq - 1, line=number)
    if seq == expected + (found - number):
        return message("chain.swapped", first=expected, second=seq, line=number, other_line=found)
    return message("chain.moved", seq=seq, line=number, expected=expected, found=found)


def check_head(report: ChainReport, head: Head | None, previous: tuple[int, int] | None) -> None:
    if head is None:
        if previous is not None:
            report.problems.append((0, message("chain.no_head")))
        elif report.legacy:
            report.warnings.append(message("chain.unanchored", count=report.legacy))
        return
    if head.seq > report.last_seq:
        report.problems.append((0, _cut_off(report.last_seq, head.seq)))
