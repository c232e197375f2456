"""Partial files that killed commands leave behind (temporary copies of evidence, of head.json,
of a unit being made) are removed by the next write to their folder and by `verify --repair`,
but never while the process writing one is alive."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import time
from pathlib import Path

import pytest

from checklist.core.filestore import FileStore
from checklist.core.store import Blob

from .test_store import make_draft, make_unit

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses fork and signals")

OLD = time.time() - 3600  # an hour ago: long past the time any write takes
STORE = Path(".checklist")


def aged(path: Path, when: float = OLD) -> Path:
    os.utime(path, (when, when))
    return path


def leave(path: Path, size: int = 1000) -> Path:
    """A partial file as a killed writer leaves it, last written an hour ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    return aged(path)


class Stalled(io.RawIOBase):
    """An evidence file that gives some bytes, says so on a pipe, then never gives more:
    the writer is caught in the middle of its copy, alive."""

    def __init__(self, told: int, wait: int) -> None:
        self.told, self.wait, self.given = told, wait, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if not self.given:
            self.given = True
            buffer[: 1 << 16] = b"x" * (1 << 16)
            return 1 << 16
        os.write(self.told, b"copying\n")
        os.read(self.wait, 1)  # blocks until the test kills this process
        return 0


def copier(root: Path) -> tuple[int, Path]:
    """A real process copying a large evidence file into the store, stopped mid-copy and
    alive; returns its pid and its partial file. It waits on a pipe whose other end is open
    until `kill`."""
    name = hashlib.sha256(b"never finished").hexdigest()
    folder = root / "evidence" / name[:2]
    told_r, told_w = os.pipe()
    wait_r, wait_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            FileStore(root).put_blob(Blob.EVIDENCE, name, Stalled(told_w, wait_r))
        finally:
            os._exit(1)
    os.close(told_w)
    os.close(wait_r)
    WAITING[pid] = wait_w
    assert os.read(told_r, 100) == b"copying\n"
    os.close(told_r)
    (partial,) = [p for p in folder.iterdir() if p.name.startswith(".")]
    return pid, partial


def content_in(folder: Path, n: int) -> tuple[str, bytes]:
    """Bytes kept in the same evidence folder (their SHA-256 begins with its name), the n-th such."""
    found = (
        data for i in range(100_000) if hashlib.sha256(data := f"file {i}".encode()).hexdigest()[:2] == folder.name
    )
    for _ in range(n):
        next(found)
    data = next(found)
    return hashlib.sha256(data).hexdigest(), data


WAITING: dict[int, int] = {}


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(WAITING.pop(pid))


def test_a_copy_cut_short_by_sigkill_goes_once_its_writer_is_dead(tmp_path: Path) -> None:
    store = FileStore.create(tmp_path / ".checklist")
    pid, partial = copier(store.root)
    try:
        assert partial.stat().st_size > 0
        aged(partial)  # even an hour-old partial file stays while its writer lives (it holds a lock on it)
        first = content_in(partial.parent, 0)
        assert store.put_blob(Blob.EVIDENCE, *first)  # another file in the same folder
        assert partial.exists()
    finally:
        kill(pid)
    second = content_in(partial.parent, 1)
    assert store.put_blob(Blob.EVIDENCE, *second)  # the next write to that folder
    assert not partial.exists()
    assert sorted(p.name for p in partial.parent.iterdir()) == sorted([first[0], second[0]])


def test_a_fresh_partial_file_is_left_alone(tmp_path: Path) -> None:
    """Its writer may have just begun, on another machine sharing the folder: only time tells."""
    store = FileStore.create(tmp_path / ".checklist")
    make_unit(store)
    folder = store.root / "units" / "prison"
    fresh = leave(folder / ".head.json.q8w7e6r5.tmp")
    aged(fresh, time.time() - 60)
    store.append(make_draft(n=0))
    assert fresh.exists()


def test_the_next_write_to_a_folder_removes_what_killed_writers_left_there(tmp_path: Path) -> None:
    store = FileStore.create(tmp_path / ".checklist")
    make_unit(store)
    unit = store.root / "units" / "prison"
    left = [
        leave(unit / ".head.json.k2j4x9_q.tmp"),  # as release 0.2.0 named them
        leave(unit / ".head.json.0a1b2c3d4e5f.tmp"),  # as this release names them
        leave(unit / ".index.json.zz9y8x7w.tmp"),
    ]
    kept = [
        leave(unit / "records.jsonl.quarantine"),
        leave(unit / "notes.tmp"),
        leave(unit / ".tmp"),
        leave(unit / ".lock", 0),
    ]
    store.append(make_draft(n=0))
    assert not [p for p in left if p.exists()]
    assert all(p.exists() for p in kept)


def test_verify_repair_removes_partial_files_everywhere(prison) -> None:
    sha = "ab" + "0" * 62
    left = [
        leave(STORE / "evidence" / "ab" / ".incoming.k2j4x9_q", 3_000_000),  # an evidence copy of release 0.2.0
        leave(STORE / "evidence" / "ab" / f".{sha}.0a1b2c3d4e5f.tmp", 2_000_000),
        leave(STORE / "units" / "prison" / ".head.json.k2j4x9_q.tmp"),
        leave(STORE / "units" / "prison" / "seals" / ".2020-01-27.1.json.k2j4x9_q.tmp"),
        leave(STORE / ".config.json.k2j4x9_q.tmp"),
        leave(STORE / "keys" / ".0123456789abcdef.json.k2j4x9_q.tmp"),
        leave(STORE / "catalogs" / f".{sha}.json.k2j4x9_q.tmp"),
        leave(STORE / "cache" / ".catalog-0123.json.k2j4x9_q.tmp"),
    ]
    unit_made = STORE / ".rehab.0a1b2c3d4e5f.tmp"  # a unit being made when its `start` was killed
    leave(unit_made / "unit.json")
    aged(unit_made)
    fresh = leave(STORE / "evidence" / "ab" / ".incoming.fresh123")
    aged(fresh, time.time())
    result = prison("verify", "--repair")
    assert result.exit_code == 0, result
    assert "removed 9 partial files left by interrupted commands (5.0 MB)" in result.stderr, result
    assert not [p for p in left if p.exists()] and not unit_made.exists()
    assert fresh.exists()
    document = prison("verify", "--repair", "--json")
    assert json.loads(document.stdout)["partial_files_removed"] == {"files": 0, "bytes": 0}
    assert prison("status", "--all").exit_code == 0


def test_start_removes_a_unit_folder_a_killed_start_left(prison) -> None:
    unit_made = STORE / ".rehab.0a1b2c3d4e5f.tmp"
    leave(unit_made / "unit.json")
    aged(unit_made)
    assert prison("start", "--unit", "rehab").exit_code == 0
    assert not unit_made.exists()
    assert sorted(p.name for p in (STORE / "units").iterdir()) == ["prison", "rehab"]
