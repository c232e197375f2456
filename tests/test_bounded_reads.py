"""Every file the store reads must be a regular file of a sane size: a FIFO in its place must
not make a command wait forever, nor a link to /dev/zero make it read until memory runs out.
Each case runs in a real process with a timeout and a memory limit, so that a hang or a
runaway read fails the test instead of the suite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from checklist.core.errors import StoreDamaged
from checklist.core.files import read_bounded

from .conftest import installed_command

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")

NOW = "2020-01-27T10:00"
TIMEOUT = 20  # seconds: far more than any of these commands takes


def _limit_memory() -> None:  # in the child: a runaway read fails fast instead of swapping
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def run(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CHECKLIST_CONFIG_HOME": str(work / "config"),
        "CHECKLIST_USER": "tester",
        "CHECKLIST_NOW": NOW,
        "CHECKLIST_LANG": "en",
    }
    try:
        return subprocess.run(
            [*installed_command(), *args],
            cwd=work,
            env=env,
            input="",
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
            preexec_fn=_limit_memory if sys.platform != "darwin" else None,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`checklist {' '.join(args)}` hung")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one of every kind of file: a unit with records, a stored evidence file,
    a registered key and the private key beside it, a seal, the catalog cache."""
    work = tmp_path_factory.mktemp("made")
    (work / "notice.txt").write_text("notice")
    steps = [
        ("start", "--unit", "prison", "--now", "2020-01-27T09:00"),
        ("keys", "new"),
        ("done", "6", "--note", "n", "--evidence", "notice.txt"),
        ("seal", "--out", "sent.json"),
        ("config", "user", "tester"),
        ("status",),
    ]
    for step in steps:
        done = run(work, *step)
        assert done.returncode == 0, (step, done.stderr)
    return work


@pytest.fixture
def work(made: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "w"
    shutil.copytree(made, copy)
    return copy


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert found, pattern
    return found[0]


STORE = Path(".checklist")
UNIT = STORE / "units" / "prison"
# what to replace, the command that reads it, the exit it must end with (0: the file is derived
# or advisory, and the command does without it), and whether the error names the file
KINDS: dict[str, tuple[Callable[[Path], Path], tuple[str, ...], int]] = {
    "store.json": (lambda w: w / STORE / "store.json", ("status",), 3),
    "config.json": (lambda w: w / STORE / "config.json", ("config", "user"), 3),
    "unit.json": (lambda w: w / UNIT / "unit.json", ("status",), 3),
    "records.jsonl": (lambda w: w / UNIT / "records.jsonl", ("status",), 3),
    "head.json": (lambda w: w / UNIT / "head.json", ("done", "8", "--note", "n"), 0),
    "index.json": (lambda w: w / UNIT / "index.json", ("status",), 0),
    "catalog cache": (lambda w: _one(w / STORE / "cache", "catalog-*.json"), ("status",), 0),
    "kept catalog": (lambda w: _one(w / STORE / "catalogs", "*.json"), ("status",), 3),
    "registered key": (lambda w: _one(w / STORE / "keys", "*.json"), ("verify",), 3),
    "seal": (lambda w: _one(w / UNIT / "seals", "*.json"), ("verify",), 3),
    "evidence": (lambda w: _one(w / STORE / "evidence", "*/*"), ("verify",), 3),
    "own public key": (lambda w: _one(w / "config" / "keys", "*.json"), ("keys", "list"), 0),
    "own private key": (lambda w: _one(w / "config" / "keys", "*.pem"), ("done", "8", "--note", "n"), 0),
    "a seal to verify": (lambda w: w / "sent.json", ("verify", "--seal", "sent.json"), 1),
    "a catalog to validate": (lambda w: w / "catalog.yaml", ("validate", "catalog.yaml"), 3),
}


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _zero(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to("/dev/zero")


@pytest.mark.parametrize("replace", [_fifo, _zero], ids=["fifo", "dev-zero"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_file_that_is_not_a_regular_file_is_refused_or_done_without(
    work: Path, kind: str, replace: Callable[[Path], None]
) -> None:
    where, command, code = KINDS[kind]
    path = where(work)
    if path.exists():
        path.chmod(0o644)
    replace(path)
    result = run(work, *command)
    assert result.returncode == code, (result.returncode, result.stdout[-800:], result.stderr[-800:])
    assert "Traceback" not in result.stderr
    if code:  # validate and verify report on stdout, others on stderr; a link may be named by its target
        said = result.stdout + result.stderr
        assert path.name in said or str(path.resolve()) in said, said
        assert "not a regular file" in said, said


@pytest.mark.parametrize("kind", ["store.json", "unit.json", "config.json", "head.json", "index.json"])
def test_a_file_far_larger_than_its_kind_is_refused_or_done_without(work: Path, kind: str) -> None:
    where, command, code = KINDS[kind]
    path = where(work)
    with path.open("ab") as handle:
        handle.truncate(path.stat().st_size + 2 * 1024 * 1024 * 1024 * 3)  # sparse: 6 GiB, no disk used
    result = run(work, *command)
    assert result.returncode == code, (result.returncode, result.stderr[-800:])
    if code:
        assert path.name in result.stderr and "larger than" in result.stderr, result.stderr


def test_read_bounded_reads_a_file_that_grows_up_to_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    assert read_bounded(path, 10) == b"x" * 10
    with pytest.raises(StoreDamaged, match="larger than"):
        read_bounded(path, 9)
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "missing", 10)
    with pytest.raises(StoreDamaged, match="not a regular file"):
        read_bounded(tmp_path, 10)
