"""`log` prints a log as it reads it: the same document and the same table whatever the
batches the log comes in, a long note in time linear in its size, and on a terminal through
a pager (as git does), never when piped."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import pty
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment

from checklist.core.errors import StoreDamaged
from checklist.core.filestore import FileStore
from checklist.core.models import Record
from checklist.present.documents import log_document, log_json
from checklist.present.logjson import write_log_json
from checklist.present.output import print_json, unsafe_escaped
from checklist.present.terminal import LineByLine, log_tables
from checklist.usecases.settings import pager_from

from .conftest import installed_command
from .test_store import make_draft, make_unit

ZONE = timezone(timedelta(hours=8))
HOSTILE = '\x00\x1b[2J\x7f\x85\x9b\u061c\u200e\u202e\u2028\u2029\u2066 "\\ é 检查 😀 [bold]x[/]'


def record(n: int, note: str | None = None, figures: dict[str, object] | None = None, **extra: object) -> Record:
    return Record.of(
        {
            "v": 3,
            "id": f"{n:032x}",
            "unit": "prison",
            "item": "prison.visits",
            "action": "done",
            "actor": "王警官",
            "at": datetime(2020, 1, 26, 9, tzinfo=ZONE) + timedelta(minutes=n),
            "note": note,
            "figures": figures or {},
            "evidence": [],
            "catalog": "sha256:" + "0" * 64,
            "seq": n + 1,
            "prev": "sha256:" + "0" * 64,
            **extra,
        }
    )


FIGURES = [1, 0, -3, 36.6, 1e-05, 2.5e-7, 0.0, 10**15, 10**16, float("inf"), float("nan"), True, "text", 1e15]
NOTES = [None, "", "日报", HOSTILE, "line\n" * 3, "\ud800 lone"]


@st.composite
def records(draw: st.DrawFn) -> list[Record]:
    made = []
    for n in range(draw(st.integers(0, 12))):
        figures = draw(st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(FIGURES), max_size=2))
        clock = {"clock": datetime(2020, 1, 27, 10, tzinfo=UTC)} if draw(st.booleans()) else {}
        made.append(record(n, draw(st.sampled_from(NOTES)), figures, **clock))
    return made


def printed(document: object) -> bytes:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print_json(document)
    return out.getvalue().encode("utf-8", "surrogatepass")


@settings(max_examples=80, deadline=None)
@given(made=records(), cuts=st.lists(st.integers(0, 12), max_size=4))
def test_the_document_streamed_in_batches_is_the_one_printed_whole(made: list[Record], cuts: list[int]) -> None:
    bounds = sorted({0, len(made), *(min(c, len(made)) for c in cuts)})
    batches = [made[a:b] for a, b in itertools.pairwise(bounds)]
    streamed = b"".join(unsafe_escaped(piece) for piece in log_json("prison", batches))
    assert streamed == printed(log_document("prison", made))


def render(batches: list[list[Record]], width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, highlight=False, emoji=False, soft_wrap=False)
    for table in log_tables(batches, "en", "Audit trail", width):
        console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [60, 100, 160])
def test_the_table_is_the_same_whatever_the_batches_and_its_columns_line_up(width: int) -> None:
    made = [record(n, f"note {n} " * (n % 7), {"a": n} if n % 3 else None) for n in range(900)]
    whole = render([made], width)
    assert whole == render([made[:1], made[1:450], [], made[450:]], width)
    rows = [line for line in whole.splitlines() if line.startswith(" 2020-01-26")]
    assert len(rows) == 900 and len({line.index("王") for line in rows}) == 1  # one column, however many tables
    assert all(cell_len(line) <= width for line in whole.splitlines())
    assert "note 899" in whole.replace("\n", "")


def test_a_record_made_with_a_replayed_clock_is_marked_in_its_note() -> None:
    shown = render([[record(0, "日报", clock=datetime(2020, 1, 27, 10, tzinfo=ZONE))]])
    assert "⏱ --now 2020-01-27 10:00" in shown and "日报" in shown


def test_a_long_note_is_rendered_a_line_at_a_time() -> None:
    """rich splits a segment holding many lines copying what is left each time (quadratic):
    the note's lines come as segments of one line each."""
    from rich.text import Text

    console = Console(file=io.StringIO(), width=80)
    note = LineByLine(Text("a line of the note, long enough to wrap once or twice on a narrow column\n" * 2000))
    segments = list(console.render(note, console.options.update_width(30)))
    assert all(s.text == "\n" or "\n" not in s.text for s in segments)
    assert sum(1 for s in segments if s == Segment.line()) >= 4000


def test_printing_a_long_note_takes_time_linear_in_its_size() -> None:
    """A note of 2 MB in 160,000 lines took 11 s before (86 s for 10 MB): generously bounded,
    and four times the note is held to well under sixteen times the time."""

    def took(lines: int) -> float:
        best = float("inf")
        for _ in range(2):
            began = time.perf_counter()
            render([[record(0, "line of text\n" * lines)]])
            best = min(best, time.perf_counter() - began)
        return best

    small, large = took(10_000), took(40_000)
    assert large < 10 and large / small < 8, (small, large)


# -- the pager ----------------------------------------------------------------------


def test_the_pager_is_decided_as_git_decides_it() -> None:
    assert pager_from(environ={}).command == "less"  # type: ignore[union-attr]
    found = pager_from(environ={"PAGER": "more", "LESS": "R"})
    assert found is not None and found.command == "more" and found.environ["LESS"] == "R"
    assert pager_from(environ={"PAGER": "more", "CHECKLIST_PAGER": "most"}).command == "most"  # type: ignore[union-attr]
    assert pager_from(environ={}) is not None and pager_from(environ={}).environ["LESS"] == "FRX"  # type: ignore[union-attr]
    for off in ({"PAGER": ""}, {"CHECKLIST_PAGER": "cat"}, {"CI": "true"}, {"TERM": "dumb"}):
        assert pager_from(environ=off) is None, off
    assert pager_from(environ={"CI": "0"}) is not None
    assert pager_from(no_pager=True, environ={}) is None


def on_a_terminal(args: list[str], cwd: Path, **env: str) -> str:
    """What `checklist ARGS` prints to a pseudo-terminal standing for the user's."""
    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "PAGER", "CHECKLIST_PAGER")}
    process = subprocess.Popen(
        [*installed_command(), *args], stdout=follower, stderr=subprocess.PIPE, cwd=cwd, env={**environ, **env}
    )
    os.close(follower)
    shown = b""
    with contextlib.suppress(OSError):  # the terminal closes when the command ends
        while chunk := os.read(leader, 65536):
            shown += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return shown.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_on_a_terminal_the_log_goes_through_the_pager_and_never_when_piped(proc, tmp_path: Path) -> None:
    proc("start", "--unit", "prison")
    assert proc("na", "1", "--reason", "本监狱无此类活动").exit_code == 0
    paged = tmp_path / "paged.txt"
    pager = f"cat > {paged}"
    for args in (["log"], ["log", "--json"]):
        shown = on_a_terminal(args, Path.cwd(), CHECKLIST_PAGER=pager)
        assert "本监狱无此类活动" not in shown and "本监狱无此类活动" in paged.read_text(encoding="utf-8")
        paged.unlink()
        for plain in ({"CI": "true"}, {"CHECKLIST_PAGER": "cat"}, {"CHECKLIST_PAGER": ""}):
            assert "本监狱无此类活动" in on_a_terminal(args, Path.cwd(), **{"CHECKLIST_PAGER": pager, **plain})
        assert "本监狱无此类活动" in on_a_terminal([*args, "--no-pager"], Path.cwd(), CHECKLIST_PAGER=pager)
        assert "本监狱无此类活动" in on_a_terminal(args, Path.cwd(), CHECKLIST_PAGER="no-such-pager -R")
        assert not paged.exists()
    piped = subprocess.run(
        [*installed_command(), "log"], capture_output=True, env={**os.environ, "CHECKLIST_PAGER": pager}, check=True
    )
    assert "本监狱无此类活动" in piped.stdout.decode() and not paged.exists()


# -- log --json written by several processes ------------------------------------------


def long_log(root: Path, count: int = 60) -> FileStore:
    store = FileStore.create(root / ".checklist")
    make_unit(store)
    for n in range(count):
        item = "prison.visits" if n % 3 else "prison.outreach"
        store.append(make_draft(item=item, n=n, note=f"第 {n} 条 " * (n % 11) + HOSTILE[: n % 30]))
    return store


def written(store: FileStore, item: str | None = None, workers: int = 1) -> bytes:
    """What `log --json` writes to a file (the workers write to it themselves)."""
    with tempfile.TemporaryFile() as out:
        write_log_json(store.stream("prison"), item, out, workers=workers, chunk=700)
        out.seek(0)
        return out.read()


def test_several_processes_write_the_document_one_process_writes(tmp_path: Path) -> None:
    store = long_log(tmp_path)
    alone = written(store)
    assert json.loads(alone)["records"][-1]["seq"] == 60
    assert alone == b"".join(
        unsafe_escaped(piece) for piece in log_json("prison", store.stream("prison").record_batches())
    )
    in_memory = io.BytesIO()  # no other process can write there: written by this one
    write_log_json(store.stream("prison"), None, in_memory, workers=2, chunk=700)
    assert in_memory.getvalue() == alone
    for workers in (2, 3):
        assert written(store, workers=workers) == alone
        assert written(store, "prison.outreach", workers) == written(store, "prison.outreach")
        assert written(store, "prison.nothing", workers) == written(store, "prison.nothing")


@pytest.mark.parametrize("damage", ["damaged", "torn"])
def test_a_damaged_record_is_named_as_one_process_names_it(tmp_path: Path, damage: str) -> None:
    store = long_log(tmp_path)
    log = tmp_path / ".checklist/units/prison/records.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    if damage == "damaged":
        lines[41] = lines[41].replace(b'"action":"done"', b'"action":"undone"')
    else:
        lines[-1] = lines[-1][:-20]
    log.write_bytes(b"".join(lines))
    found = []
    for workers in (1, 2):
        with tempfile.TemporaryFile() as out, pytest.raises(StoreDamaged) as raised:
            write_log_json(store.stream("prison"), None, out, workers=workers, chunk=700)
        found.append(raised.value.message)
    assert found[0] == found[1]
    assert found[0].params["line"] == (42 if damage == "damaged" else 60)


def test_a_reader_that_leaves_ends_the_writing_quietly(tmp_path: Path) -> None:
    """As `checklist log --json | head -c 100`: the workers stop, and what the command itself
    would write next fails as a broken pipe, which `paged` ends quietly."""
    import threading

    store = long_log(tmp_path)
    reading, writing = os.pipe()

    def head() -> None:
        os.read(reading, 100)
        os.close(reading)

    reader = threading.Thread(target=head)
    reader.start()
    with contextlib.suppress(BrokenPipeError), os.fdopen(writing, "wb") as out:
        write_log_json(store.stream("prison"), None, out, workers=2, chunk=700)
    reader.join()


# -- memory ------------------------------------------------------------------------------

PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"  # KiB on Linux
)


def peak_kib(args: list[str], cwd: Path) -> int:
    """The peak memory of `checklist ARGS` (and of any process it starts), in KiB."""
    command = [sys.executable, "-c", PEAK, *installed_command(), *args]
    done = subprocess.run(command, capture_output=True, cwd=cwd, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return int(done.stdout)


def written_log(root: Path, count: int) -> None:
    """A unit with `count` records of about 1 KB, chained as appends chain them (written at once)."""
    from checklist.core.chain import digest

    store = FileStore.create(root / ".checklist")
    make_unit(store)
    genesis = store.genesis("prison")
    prev, lines = digest(genesis), []
    for n in range(count):
        fields = make_draft(n=n, note=f"记录 {n} " + "巡查正常，详细情况已登记。" * 60).model_dump()
        line = Record.of({**fields, "v": 3, "seq": n + 1, "prev": prev}).line()
        lines.append(line)
        prev = digest(line)
    data = b"\n".join(lines) + b"\n"
    (root / ".checklist/units/prison/records.jsonl").write_bytes(data)
    head = {"format": 1, "seq": count, "hash": prev, "size": len(data)}
    (root / ".checklist/units/prison/head.json").write_text(json.dumps(head))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB")
def test_printing_a_log_takes_the_memory_of_a_chunk_not_of_the_log(tmp_path: Path) -> None:
    """Ten times the log and more costs the printing commands no more memory than a few MB
    (read whole, a log took several times its size: 6.4 GB for `log --json` of 1 GB). The
    table is held to fewer records: rich takes 20 us a line it draws."""
    for args, few, many in ((["log", "--json"], 1_000, 20_000), (["log"], 200, 2_000)):
        small, large = tmp_path / f"{args[-1]}-{few}", tmp_path / f"{args[-1]}-{many}"
        written_log(small, few)
        written_log(large, many)
        grown = peak_kib(args, large) - peak_kib(args, small)
        assert grown < 8_000, (args, grown)
