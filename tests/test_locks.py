"""The store's locks are flock(2) on its .lock files: a writer waits for another process that
holds one, whether that process runs this release or an earlier one (which took the same
lock through filelock), and is told the store is busy when it waits too long."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from checklist.core import filestore
from checklist.core.errors import UserError
from checklist.core.filestore import FileStore

from .test_store import make_draft, make_unit

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses fork and signals")


def holding(take: Callable[[], object]) -> Iterator[int]:
    """A child process that takes a lock with `take`, says so, and holds it until killed."""
    told_r, told_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            kept = take()  # noqa: F841 - the lock lives as long as what holds it
            os.write(told_w, b"held\n")
            signal.pause()
        finally:
            os._exit(1)
    os.close(told_w)
    assert os.read(told_r, 10) == b"held\n"
    os.close(told_r)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FileStore:
    store = FileStore.create(tmp_path / ".checklist")
    make_unit(store)
    monkeypatch.setattr(filestore, "LOCK_TIMEOUT", 0.2)  # how long a writer waits, not how long a test does
    return store


def test_a_writer_waits_for_an_earlier_release_holding_the_lock(store: FileStore) -> None:
    from filelock import FileLock

    lock = store.root / "units" / "prison" / ".lock"
    before = (store.root / "units" / "prison" / "records.jsonl").exists()

    def take() -> FileLock:
        held = FileLock(lock)
        held.acquire()
        return held

    for _ in holding(take):
        with pytest.raises(UserError) as busy:
            store.append(make_draft(n=0))
        assert busy.value.code == "store.busy"
        assert (store.root / "units" / "prison" / "records.jsonl").exists() == before
    assert store.append(make_draft(n=0)).seq == 1


def test_a_writer_waits_for_another_process_of_this_release(store: FileStore) -> None:
    lock = store.root / ".lock"

    def take() -> object:
        held = FileStore(store.root)._lock(lock)
        held.__enter__()
        return held

    for _ in holding(take):
        with pytest.raises(UserError) as busy:
            store.set_config("user", "王警官")
        assert busy.value.code == "store.busy"
    store.set_config("user", "王警官")
    assert store.config()["user"] == "王警官"
