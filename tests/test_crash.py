"""Crash safety: writers killed at random moments lose nothing they reported, and a read-only
store gives a clear error and writes nothing."""

from __future__ import annotations

import os
import random
import signal
import tempfile
from pathlib import Path

import pytest

from checklist.core.errors import UserError
from checklist.core.filestore import FileStore
from checklist.core.verify import chain as chain_of

from .test_store import make_draft, make_unit

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses fork and signals")

ROUNDS = int(os.environ.get("CHECKLIST_KILL_ROUNDS", "40"))


def _writer(root: Path, out: int, seed: int) -> None:
    """Append forever, reporting each record id once append has returned (as the CLI reports it)."""
    store = FileStore(root)
    rng = random.Random(seed)
    n = 0
    while True:
        record = store.append(make_draft(n=n, note="x" * rng.randint(0, 4000)))
        os.write(out, record.id.encode() + b"\n")
        n += 1


def _read_lines(fd: int, count: int) -> list[str]:
    buffer = b""
    while buffer.count(b"\n") < count:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buffer += chunk
    return buffer.decode().split("\n")[:count]


def _drain(fd: int) -> list[str]:
    rest = b""
    while chunk := os.read(fd, 4096):
        rest += chunk
    return [line for line in rest.decode().split("\n") if line]


def test_sigkill_at_random_moments_loses_no_reported_record(tmp_path: Path) -> None:
    store = FileStore.create(tmp_path / ".checklist")
    make_unit(store)
    rng = random.Random(20200125)
    reported: list[str] = []
    for round_ in range(ROUNDS):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer
            os.close(read_end)
            try:
                _writer(store.root, write_end, round_)
            finally:
                os._exit(1)
        os.close(write_end)
        reported += _read_lines(read_end, rng.randint(1, 12))
        os.kill(pid, signal.SIGKILL)  # wherever it is: locking, writing, syncing, updating the head
        os.waitpid(pid, 0)
        reported += _drain(read_end)
        os.close(read_end)
        report = chain_of(store, "prison")
        if report.torn_at is not None:
            store.repair("prison")
            report = chain_of(store, "prison")
        assert report.ok, (round_, report.problems)
    written = [r.id for r in store.records("prison")]
    assert set(reported) <= set(written)
    assert len(written) == len(set(written)) and len(written) >= ROUNDS
    assert [r.seq for r in store.records("prison")] == list(range(1, len(written) + 1))


def _as_nobody(action) -> str:  # type: ignore[no-untyped-def]
    """Run `action` in a child process without root's powers; return what it reported."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            outcome = action()
        except BaseException as exc:  # everything the child meets goes back to the test
            outcome = f"{type(exc).__name__}: {exc}"
        os.write(write_end, str(outcome).encode())
        os._exit(0)
    os.close(write_end)
    result = b"".join(iter(lambda: os.read(read_end, 4096), b""))
    os.close(read_end)
    os.waitpid(pid, 0)
    return result.decode()


def test_a_read_only_store_gives_a_clear_error_and_writes_nothing() -> None:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        store = FileStore.create(Path(folder) / ".checklist")
        make_unit(store)
        store.append(make_draft(n=0))
        for path in [store.root, *store.root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
            if os.geteuid() != 0:
                path.chmod(0o555 if path.is_dir() else 0o444)
        log = store.root / "units/prison/records.jsonl"
        before = log.read_bytes()

        def write() -> str:
            try:
                store.append(make_draft(n=1))
            except UserError as exc:
                return f"UserError: {exc.message!s}"
            return "written"

        outcome = _as_nobody(write)
        assert outcome.startswith("UserError: cannot ") and "Permission denied" in outcome, outcome
        assert log.read_bytes() == before
        assert chain_of(store, "prison").ok
