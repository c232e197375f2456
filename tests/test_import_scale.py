"""Importing many bundles and verifying many units at once (issue 14, "Scale"): what was made
fast (a sender's key looked for once, the list of units read from its end, a mirror's folders
flushed once, the witness folder settled once per verify) keeps every guarantee."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from checklist.core import mirrors, unitlist

from .test_bundles import Place, export, places, snapshot

__all__ = ["places"]  # the fixture, shared


@pytest.fixture
def units(places: Callable[[str, str], Place]) -> list[Place]:
    """Four units on their own stores, their officers' keys exported, a few records each."""
    made = []
    for n in range(4):
        place = places(f"unit{n}", f"值班员{n}")
        place.ok("start", "--unit", "prison", "--id", f"u{n}", "--name", f"第{n}监狱")
        place.ok("keys", "new")
        place.ok("keys", "export", "--out", str(place.root / "key.json"))
        for number in ("1", "3"):
            place.ok("done", number, "--note", f"第{number}项已落实")
        made.append(place)
    return made


@pytest.fixture
def receiving(places: Callable[[str, str], Place], units: list[Place]) -> Place:
    place = places("receiving", "省厅值班员")
    place.ok("start", "--unit", "department", "--id", "dept", "--name", "省厅")
    for n, unit in enumerate(units):
        place.ok("keys", "trust", str(unit.root / "key.json"), "--unit", f"u{n}")
    return place


@pytest.mark.parametrize("tail", [mirrors.TAIL, 40])  # 40 bytes: the list's last line read whole
def test_many_bundles_import_as_a_chained_list_and_verify(
    units: list[Place], receiving: Place, monkeypatch: pytest.MonkeyPatch, tail: int
) -> None:
    monkeypatch.setattr(mirrors, "TAIL", tail)
    files = [export(unit, f"u{n}.bundle") for n, unit in enumerate(units)]
    done = receiving("import", *map(str, files), "--lang", "en")
    assert done.exit_code == 0, done
    assert "4 bundles: 4 imported, 0 refused; 8 new records." in done.stderr
    for n, unit in enumerate(units):
        assert receiving.log(f"u{n}") == unit.log(f"u{n}")
    # the list of units chains each new mirror to the line before it
    lines = (receiving.store / unitlist.FILE).read_bytes().splitlines()
    listed = [json.loads(line) for line in lines]
    assert [entry["unit"] for entry in listed] == ["dept", "u0", "u1", "u2", "u3"]
    for before, entry in zip(lines, listed[1:], strict=False):
        assert entry["prev"] == unitlist.next_prev([before])
    verified = receiving("verify", "--all", "--lang", "en")
    assert verified.exit_code == 0, verified
    assert "problem" not in verified.stdout.lower()


def test_importing_all_again_changes_nothing(units: list[Place], receiving: Place) -> None:
    files = [str(export(unit, f"u{n}.bundle")) for n, unit in enumerate(units)]
    receiving.ok("import", *files)
    before = snapshot(receiving.store)
    again = receiving("import", *files, "--lang", "zh")
    assert again.exit_code == 0, again
    assert "没有新记录" in again.stderr or "已有" in again.stderr, again.stderr
    assert snapshot(receiving.store) == before


def test_a_sender_no_longer_trusted_is_refused_in_the_same_process(units: list[Place], receiving: Place) -> None:
    first = export(units[0], "1.bundle")
    receiving.ok("import", str(first))  # its key found trusted, and where remembered
    units[0].ok("done", "4", "--note", "第4项已落实")
    second = export(units[0], "2.bundle")
    for path in (receiving.store / "trusted").rglob("*.json"):
        path.unlink()
    before = snapshot(receiving.store)
    refused = receiving("import", str(second), "--lang", "en")
    assert refused.exit_code == 3, refused
    assert "which this store trusts for no unit" in refused.stderr, refused.stderr
    assert snapshot(receiving.store) == before


def test_verify_all_witnesses_every_unit_and_sweeps_the_folder_once(units: list[Place], receiving: Place) -> None:
    receiving.ok("import", *(str(export(unit, f"u{n}.bundle")) for n, unit in enumerate(units)))
    folder = receiving.config / "witness"
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / ".abc.json.0123456789ab.tmp"  # what a killed writer left, long ago
    left.write_bytes(b"{")
    os.utime(left, (time.time() - 86400, time.time() - 86400))
    receiving.ok("verify", "--all")
    witnesses = sorted(folder.glob("*.json"))
    assert len(witnesses) == 4  # the four mirrors (the department has no record yet)
    seen = {json.loads(path.read_bytes())["size"] for path in witnesses}
    assert seen == {2}  # each log's last record
    assert not left.exists()
    # the witness still guards: a mirror's log cut back is refused by the next verify
    log = receiving.store / "units" / "u1" / "records.jsonl"
    log.write_bytes(log.read_bytes().splitlines(keepends=True)[0])
    (receiving.store / "units" / "u1" / "head.json").unlink(missing_ok=True)
    cut = receiving("verify", "--all", "--lang", "en")
    assert cut.exit_code != 0, cut


def test_a_real_process_imports_many_and_again(units: list[Place], receiving: Place, proc, tmp_path: Path) -> None:
    files = [str(export(unit, f"u{n}.bundle")) for n, unit in enumerate(units)]
    env = {**receiving.env(), "CHECKLIST_LANG": "en"}
    first = proc("import", *files, env=env)
    assert first.exit_code == 0, first
    assert "4 bundles: 4 imported, 0 refused; 8 new records." in first.stderr
    again = proc("import", *files, env=env)
    assert again.exit_code == 0, again
    assert "4 bundles: 4 imported, 0 refused; 0 new records." in again.stderr
    del tmp_path
