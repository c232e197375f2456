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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
    fast = _check_fast(lines, torn, genesis, head)
    if fast is not None:
        return fast
    report = ChainReport()
    expected: str | None = genesis  # None: link to the hash of everything before the line
    previous: tuple[int, int] | None = None  # (line, seq) of the last chained record
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        link = link_of(line)
        if link is None:
            problem = _unlinked(line, number, previous, why_not_legacy)
            if problem:
                report.problems.append((number, problem))
                return report
            report.records += 1
            report.legacy += 1
            expected = None
            continue
        seq = seq_of(line)
        want = expected if expected is not None else _prefix_digest(lines, number - 1)
        if seq is None or link != want:
            report.problems.append((number, _break(number, seq, previous, report.legacy, lines)))
            return report
        report.records += 1
        expected, previous = digest(line), (number, seq)
        report.last_seq = seq
        if head is not None and seq == head.seq and expected != head.hash:
            report.problems.append((number, message("chain.changed", seq=seq, line=number)))
            return report
    if torn:
        report.torn_at = len(lines) + 1
    _check_head(report, head, previous)
    return report


def _check_fast(lines: Sequence[bytes], torn: bytes, genesis: str, head: Head | None) -> ChainReport | None:
    """The common case at C speed: every line chained and every link right. Hash every line,
    decode every link, and compare the two sequences at once. Anything else (older records,
    blank lines, any mismatch) returns None, for the line-by-line check to name the first break.
    """
    count = len(lines)
    if not count or torn:
        return None
    # No need to check each line's label: a line passes only if the bytes at its link's place
    # are exactly the hash of the line before, and the last line's number must match the count.
    try:
        links = binascii.unhexlify(b"".join([line[-66:-2] for line in lines]))
    except binascii.Error:
        return None
    digests = b"".join([hashlib.sha256(line).digest() for line in lines])
    last_seq = seq_of(lines[-1])
    if links != bytes.fromhex(genesis.removeprefix(PREFIX)) + digests[:-32] or last_seq != count:
        return None
    report = ChainReport(records=count, last_seq=count)
    if head is None:
        report.problems.append((0, message("chain.no_head")))
    elif head.seq > count:
        report.problems.append((0, _cut_off(count, head.seq)))
    elif PREFIX + digests[32 * (head.seq - 1) : 32 * head.seq].hex() != head.hash:
        report.problems.append((head.seq, message("chain.changed", seq=head.seq, line=head.seq)))
    return report


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
    number: int, seq: int | None, previous: tuple[int, int] | None, legacy: int, lines: Sequence[bytes]
) -> Message:
    if seq is None:
        return message("chain.no_seq", line=number)
    if previous is None:
        if legacy:
            return message("chain.start_changed_after_legacy", seq=seq, line=number, legacy=legacy)
        return message("chain.start_changed", seq=seq, line=number)
    line, last = previous
    if seq > last + 1:
        return _missing(number, seq, last + 1, lines)
    if seq <= last:
        return message("chain.out_of_order", seq=seq, line=number, after=last)
    return message("chain.broken", line=number, seq=seq, last=last, last_line=line)


def _missing(number: int, seq: int, expected: int, lines: Sequence[bytes]) -> Message:
    """Record `expected` should stand at line `number`, where record `seq` does: moved there
    (two records swapped, or one moved) if `expected` stands further on, else removed."""
    found = next(
        (at for at, line in enumerate(lines[number:], start=number + 1) if seq_of(line) == expected),
        None,
    )
    if found is None:
        return message("chain.removed", first=expected, last=seq - 1, line=number)
    if seq_of(lines[found - 1]) == expected and seq == expected + (found - number):
        return message("chain.swapped", first=expected, second=seq, line=number, other_line=found)
    return message("chain.moved", seq=seq, line=number, expected=expected, found=found)


def _check_head(report: ChainReport, head: Head | None, previous: tuple[int, int] | None) -> None:
    if head is None:
        if previous is not None:
            report.problems.append((0, message("chain.no_head")))
        elif report.legacy:
            report.warnings.append(message("chain.unanchored", count=report.legacy))
        return
    if head.seq > report.last_seq:
        report.problems.append((0, _cut_off(report.last_seq, head.seq)))
