"""What a store must not let out or let in: a file from outside the current folder smuggled in
as evidence through a linked folder, stored evidence readable by everyone, and keys folders
that anyone may write to."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="permission bits and symbolic links")

LOG = Path(".checklist/units/prison/records.jsonl")
NOBODY = 65534


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "shadow").write_text("root:$6$secret")
    return folder


def test_a_linked_folder_cannot_bring_in_a_file_from_outside(prison, outside: Path) -> None:
    Path("etclink").symlink_to(outside)
    Path("docs").mkdir()
    Path("docs/inner").symlink_to(outside)
    for typed in ("etclink/shadow", "docs/inner/shadow", "docs/../etclink/shadow", str(Path.cwd() / "etclink/shadow")):
        result = prison("done", "5", "--note", "x", "--evidence", typed)
        assert result.exit_code == 1, (typed, result)
        assert "outside the current folder" in result.stderr and "through the link" in result.stderr, result
    assert not LOG.exists() and not Path(".checklist/evidence").exists()


def test_the_walk_refuses_it_too(prison, outside: Path) -> None:
    Path("etclink").symlink_to(outside)
    Path("ok.txt").write_text("ok")
    result = prison("walk", input="d\n已完成\netclink/shadow\nok.txt\n\nq\n")
    assert "outside the current folder" in result.stderr, result
    stored = [e["name"] for r in map(json.loads, LOG.read_text().splitlines()) for e in r["evidence"]]
    assert stored == ["ok.txt"]


def test_links_that_stay_inside_the_current_folder_are_fine(prison) -> None:
    Path("docs").mkdir()
    Path("docs/notice.pdf").write_text("%PDF")
    Path("alias").symlink_to("docs")
    assert prison("done", "5", "--note", "x", "--evidence", "alias/notice.pdf").exit_code == 0
    assert prison("done", "6", "--note", "x", "--evidence", "../work/alias/notice.pdf").exit_code == 0


def test_stored_evidence_is_for_the_owner_and_the_group_only(prison) -> None:
    Path("notice.pdf").write_bytes(b"%PDF notice")
    assert prison("done", "5", "--note", "x", "--evidence", "notice.pdf").exit_code == 0
    sha = hashlib.sha256(b"%PDF notice").hexdigest()
    copy = Path(f".checklist/evidence/{sha[:2]}/{sha}")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o440


def key_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(home))
    return home / "keys"


def test_an_open_private_keys_folder_of_ours_is_closed(prison, tmp_path, monkeypatch) -> None:
    folder = key_folder(tmp_path, monkeypatch)
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    assert prison("keys", "new").exit_code == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o777)  # opened again later: signing closes it before it uses a key from there
    assert prison("done", "8", "--note", "x").exit_code == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "sig" in json.loads(LOG.read_text().splitlines()[-1])


def test_an_open_private_keys_folder_of_someone_else_is_refused(prison, tmp_path, monkeypatch) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    folder = key_folder(tmp_path, monkeypatch)
    assert prison("keys", "new").exit_code == 0
    os.chown(folder, NOBODY, NOBODY)
    folder.chmod(0o777)
    result = prison("done", "8", "--note", "x")
    assert result.exit_code == 1 and "can be written by everyone" in result.stderr, result
    assert str(folder) in result.stderr and "chmod" in result.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777  # not ours to change
    assert not LOG.exists()
    created = prison("keys", "new")
    assert created.exit_code == 1 and "can be written by everyone" in created.stderr, created


def test_an_open_keys_folder_in_the_store(prison, tmp_path, monkeypatch) -> None:
    key_folder(tmp_path, monkeypatch)
    assert prison("keys", "new").exit_code == 0
    keys = Path(".checklist/keys")
    keys.chmod(0o777)
    assert prison("verify").exit_code == 0
    assert stat.S_IMODE(keys.stat().st_mode) == 0o775  # others may no longer write; the rest as it was
    if os.geteuid() != 0:
        return
    os.chown(keys, NOBODY, NOBODY)
    keys.chmod(0o777)
    for args in (("verify",), ("keys", "list")):  # what trusts the keys registered there
        result = prison(*args)
        assert result.exit_code == 1 and "can be written by everyone" in result.stderr, (args, result)
        assert "chmod o-w" in result.stderr
    assert stat.S_IMODE(keys.stat().st_mode) == 0o777
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "someone-else"))
    assert prison("keys", "new", "--name", "李警官").exit_code == 1  # nor is a key registered there


def test_a_keys_folder_made_under_an_open_umask_is_closed_at_once(prison, tmp_path, monkeypatch) -> None:
    key_folder(tmp_path, monkeypatch)
    before = os.umask(0)
    try:
        assert prison("keys", "new").exit_code == 0
    finally:
        os.umask(before)
    assert not Path(".checklist/keys").stat().st_mode & stat.S_IWOTH
    assert stat.S_IMODE(key_folder(tmp_path, monkeypatch).stat().st_mode) == 0o700
