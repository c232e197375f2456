"""A full disk: on a real small file system (a tmpfs mounted for the test), a write that does
not fit leaves every file as it was and says so; `verify --repair` works or fails clearly;
`start` makes a unit (or a store) whole or not at all."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import Result

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mounts a tmpfs")

LOG = Path(".checklist/units/prison/records.jsonl")
PAGE = 4096


class Disk:
    """A small tmpfs, and a file that fills it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.filler = root / "filler"

    def fill(self, leave: int = 0) -> None:
        """Fill the disk, then leave `leave` bytes (whole pages) free."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * PAGE):
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
        finally:
            os.close(fd)
        size = self.filler.stat().st_size
        os.truncate(self.filler, max(0, size - size % PAGE - leave))
        assert self.free() == leave, (self.free(), leave)

    def free(self) -> int:
        found = os.statvfs(self.root)
        return found.f_bavail * found.f_frsize

    def empty(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Disk]:
    """A 1 MiB tmpfs as the working folder, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        monkeypatch.chdir(where)
        yield Disk(where)
    finally:
        os.chdir(tmp_path)
        if subprocess.run(["umount", str(where)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True, check=True)


NOTE = "最后一次进展：" + "各监区已封闭管理" * 40  # some 1,000 bytes


def fill_the_last_page(cli: Callable[..., Result]) -> None:
    """Append records until the log's last page has under 600 bytes to spare: a record with
    NOTE then no longer fits once the disk is full, and its write is cut short."""
    n = 0
    while not LOG.exists() or LOG.stat().st_size % PAGE < PAGE - 600:
        n += 1
        action = "block" if n % 2 else "reopen"
        assert cli(action, "3", "--unit", "prison", "--reason", f"第 {n} 次").exit_code == 0
        assert n < 50


def test_a_record_that_does_not_fit_leaves_the_log_as_it_was(disk: Disk, cli: Callable[..., Result]) -> None:
    assert cli("start", "--unit", "prison").exit_code == 0
    assert cli("start", "--unit", "rehab").exit_code == 0
    fill_the_last_page(cli)
    before = LOG.read_bytes()
    head = Path(".checklist/units/prison/head.json").read_bytes()
    disk.fill()
    result = cli("partial", "2", "--unit", "prison", "--note", NOTE)
    assert result.exit_code == 1, result
    assert "was not written" in result.stderr and "No space left on device" in result.stderr, result
    assert LOG.read_bytes() == before  # no torn line: the unit, status --all and verify read as before
    assert Path(".checklist/units/prison/head.json").read_bytes() == head
    assert cli("status", "--unit", "prison").exit_code == 0
    assert cli("status", "--all").exit_code == 0
    assert cli("verify", "--all").exit_code == 0
    disk.empty()
    assert cli("partial", "2", "--unit", "prison", "--note", NOTE).exit_code == 0
    verified = cli("verify", "--all", "--json")
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"], verified


def test_verify_repair_on_a_full_disk_fails_clearly_and_changes_nothing(disk: Disk, cli) -> None:
    assert cli("start", "--unit", "prison").exit_code == 0
    assert cli("done", "1", "--note", "已建立").exit_code == 0
    with LOG.open("ab") as log:  # what a crash in the middle of a write leaves
        log.write(b'{"v":2,"id":"9f2c')
    torn = LOG.read_bytes()
    disk.fill()
    result = cli("verify", "--repair")
    assert result.exit_code == 1, result
    assert "cannot move the incomplete last line" in result.stderr and "nothing was changed" in result.stderr
    assert "free some space" in result.stderr
    assert LOG.read_bytes() == torn
    quarantine = LOG.with_name("records.jsonl.quarantine")
    assert not quarantine.exists() or quarantine.read_bytes() == b""
    disk.empty()
    repaired = cli("verify", "--repair")
    assert repaired.exit_code == 0, repaired
    assert json.loads(quarantine.read_text().splitlines()[0])["text"] == '{"v":2,"id":"9f2c'


def test_verify_repair_makes_room_by_removing_partial_files(disk: Disk, cli) -> None:
    """What usually fills a disk is a copy that was cut short: repair removes those first."""
    assert cli("start", "--unit", "prison").exit_code == 0
    with LOG.open("ab") as log:
        log.write(b'{"v":2,"id":"9f2c')
    disk.fill()
    partial = Path(".checklist/evidence/ab/.incoming.k2j4x9_q")
    partial.parent.mkdir(parents=True)
    disk.filler.rename(partial)  # a large copy that a killed command left behind
    os.utime(partial, (1, 1))
    result = cli("verify", "--repair")
    assert result.exit_code == 0, result
    assert "removed 1 partial file left by interrupted commands" in result.stderr, result
    assert not partial.exists() and LOG.read_bytes() == b""
    assert LOG.with_name("records.jsonl.quarantine").read_bytes().count(b"\n") == 1


def test_start_on_a_full_disk_makes_no_unit(disk: Disk, cli) -> None:
    assert cli("start", "--unit", "prison").exit_code == 0
    disk.fill()
    result = cli("start", "--unit", "rehab")
    assert result.exit_code == 1, result
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    units = Path(".checklist/units")
    assert sorted(p.name for p in units.iterdir()) == ["prison"]
    assert not [p for p in Path(".checklist").iterdir() if p.name.endswith(".tmp")]
    assert cli("status", "--all").exit_code == 0
    disk.empty()
    assert cli("start", "--unit", "rehab").exit_code == 0
    assert sorted(p.name for p in units.iterdir()) == ["prison", "rehab"]


def test_start_on_a_full_disk_makes_no_store(disk: Disk, proc) -> None:
    disk.fill()
    result = proc("start", "--unit", "prison")
    assert result.exit_code == 1, result
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in disk.root.iterdir()) == ["filler"]  # no half store to be found later
    disk.empty()
    assert proc("start", "--unit", "prison").exit_code == 0
