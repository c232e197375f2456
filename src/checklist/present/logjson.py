"""`log --json` of a long log, written by several processes at once, in order.

Reading, checking and writing a record takes some microseconds of Python and C; a log of a
million records is written by one process per core. The log is cut into chunks (1 MiB, at
line ends); worker i takes chunks i, i + n, i + 2n…, reads and checks each (core: a damaged
record is found as it is read), writes its records into the document's bytes, then waits
for its turn and writes them straight to the output (a pipe, a file or the pager) itself:
no chunk travels between processes. The turn is a token passed along a ring of pipes, with
whether any record was written before (the separator of the next). A worker that finds a
damaged record stops the others; that chunk is then read again here, to name the record's
line as a reading in order names it. Output already written stays written, as when one
process writes the log as it reads it.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING

from ..core.store import CHUNK, LogStream, parse_line
from .documents import log_json, log_json_end, log_json_head, log_records
from .output import unsafe_escaped

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from ..core.models import Record

PARALLEL_BYTES = 32 << 20  # a shorter log is written by this process alone


def write_log_json(
    stream: LogStream, item: str | None, out: IO[bytes], workers: int | None = None, chunk: int = CHUNK
) -> None:
    """The `log` document of `stream` (of one item's records, if `item`) written to `out`:
    by `workers` processes (None: one per core, for a log of 32 MB or more), a `chunk` each
    at a time."""
    count = _workers() if workers is None else workers
    if count < 2 or stream.whole - stream.start < (PARALLEL_BYTES if workers is None else 1) or not _has_fd(out):
        _alone(stream, item, out)
        return
    cuts = [stream.start]
    while cuts[-1] < stream.whole:
        cuts.append(stream.next_line(cuts[-1] + chunk) if cuts[-1] + chunk < stream.whole else stream.whole)
    if len(cuts) < 3:
        _alone(stream, item, out)
        return
    out.write(log_json_head(stream.unit))
    out.flush()
    sys.stdout.flush()  # nothing buffered here may be written again by a worker leaving
    sys.stderr.flush()
    wrote = _in_parallel(stream, item, out.fileno(), cuts, min(count, len(cuts) - 1))
    if wrote is None:  # the reader has gone
        return
    separator = b",\n" if wrote else b"\n"
    torn = stream.torn
    if torn.strip():  # read if it happens to be whole, as every reader does
        record = parse_line(stream.where, torn, _lines_before(stream, stream.whole) + 1, stream.unit, torn=True)
        if item is None or record.item == item:
            out.write(separator + unsafe_escaped(log_records([record])))
            wrote = True
    out.write(log_json_end(wrote))


def _alone(stream: LogStream, item: str | None, out: IO[bytes]) -> None:
    batches = stream.record_batches()
    if item is not None:
        batches = ([record for record in batch if record.item == item] for batch in batches)
    for piece in log_json(stream.unit, batches):
        out.write(unsafe_escaped(piece))


def _has_fd(out: IO[bytes]) -> bool:
    """Whether other processes can write to `out` (a file or a pipe, not memory)."""
    try:
        out.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return False
    return True


def _workers() -> int:
    if not sys.platform.startswith("linux"):
        return 1
    return min(len(os.sched_getaffinity(0)), 8)


def _in_parallel(stream: LogStream, item: str | None, fd: int, cuts: list[int], count: int) -> bool | None:
    """Whether any record was written (None: the reader has gone)."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    turns = [context.Pipe(duplex=False) for _ in range(count)]  # (worker i's end, its senders' end)
    done_in, done_out = context.Pipe(duplex=False)
    senders = [send for _, send in turns]
    processes = [
        context.Process(target=_work, args=(i, count, stream, item, fd, cuts, turns[i][0], senders, done_out))
        for i in range(count)
    ]
    for process in processes:
        process.start()
    try:
        senders[0].send(False)  # chunk 0's turn: nothing written before it
        running = {p.sentinel: p for p in processes}
        while True:
            ready = wait([done_in, *running])
            if done_in in ready:
                what, value = done_in.recv()
                break
            for sentinel in ready:
                process = running.pop(sentinel)  # type: ignore[arg-type]
                process.join()
                if process.exitcode != 0:
                    raise RuntimeError("a process writing the log ended unexpectedly")
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
    if what == "gone":
        return None
    if what == "damaged":  # read that chunk again here, its lines numbered as a read in order numbers them
        number = _lines_before(stream, cuts[value]) + 1
        for _ in stream.part(cuts[value], cuts[value + 1]).record_batches(first_line=number):
            pass
        raise RuntimeError("a damaged record was not found again")  # pragma: no cover - the read above raises
    return bool(value)


def _work(  # noqa: PLR0917 - what a forked worker is handed
    index: int,
    count: int,
    stream: LogStream,
    item: str | None,
    fd: int,
    cuts: list[int],
    turn: Connection,
    senders: list[Connection],
    done: Connection,
) -> None:
    from ..core.errors import StoreDamaged

    last = len(cuts) - 2
    for chunk in range(index, last + 1, count):
        try:
            records: list[Record] = []
            for batch in stream.part(cuts[chunk], cuts[chunk + 1]).record_batches():
                records += batch if item is None else [r for r in batch if r.item == item]
            body = unsafe_escaped(log_records(records)) if records else b""
        except StoreDamaged:
            turn.recv()  # what comes before it is written first
            done.send(("damaged", chunk))
            return
        wrote = turn.recv()
        if body:
            try:
                _write_all(fd, (b",\n" if wrote else b"\n") + body)
            except (BrokenPipeError, OSError):
                done.send(("gone", None))
                return
            wrote = True
        if chunk == last:
            done.send(("end", wrote))
        else:
            senders[(chunk + 1) % count].send(wrote)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _lines_before(stream: LogStream, offset: int) -> int:
    return sum(len(lines) for _, lines in stream.part(stream.start, offset).batches())
