"""A store shared by a group of OS users: real users and a real group, made for the test.

Each person runs the command line in a child process that has taken their identity
(setgroups, setgid, setuid, their umask, their home). The child is forked from the test, with
Python and the program already loaded, because the interpreter and the virtual environment
of a root-run test need not be readable by other users; every command is run once as root
first, so that the children import nothing."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checklist.cli.app import app
from checklist.core.catalog import bundled_path

from .conftest import Result

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="OS users and groups"),
    pytest.mark.skipif(os.name == "posix" and os.geteuid() != 0, reason="making OS users and groups needs root"),
]

NOW = "2020-01-27T10:00"


@dataclass
class Person:
    name: str
    uid: int
    gid: int
    groups: list[int]
    home: Path
    env: dict[str, str]
    umask: int

    def run(self, *args: str, cwd: Path, umask: int | None = None) -> Result:
        """The command line as this person, in `cwd`, with their umask (or the one given)."""
        return as_person(self, lambda: _invoke(list(args)), cwd=cwd, umask=self.umask if umask is None else umask)

    def can_read(self, path: Path) -> bool:
        return as_person(self, lambda: _readable(path), cwd=Path("/"), umask=0o022) == "yes"


def _invoke(args: list[str]) -> Result:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def _readable(path: Path) -> str:
    try:
        if path.is_dir():
            list(path.iterdir())
        else:
            path.read_bytes()
    except PermissionError:
        return "no"
    return "yes"


def as_person(person: Person, action, *, cwd: Path, umask: int):  # type: ignore[no-untyped-def]
    """Run `action` in a child process with the person's identity; its result comes back."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        try:
            os.setgroups(person.groups)
            os.setgid(person.gid)
            os.setuid(person.uid)
            os.umask(umask)
            os.environ.update(person.env)
            os.chdir(cwd)
            outcome = action()
            payload = json.dumps(
                vars(outcome) if isinstance(outcome, Result) else {"value": outcome}, ensure_ascii=False
            )
        except BaseException:  # everything the child meets goes back to the test
            payload = json.dumps({"exit_code": 99, "stdout": "", "stderr": traceback.format_exc()})
        with os.fdopen(write_end, "wb") as out:
            out.write(payload.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as source:
        data = json.loads(source.read() or b'{"exit_code": 98, "stdout": "", "stderr": "the child died"}')
    os.waitpid(pid, 0)
    return data["value"] if "value" in data else Result(data["exit_code"], data["stdout"], data["stderr"])


@dataclass
class Office:
    base: Path  # world-searchable, like /srv
    folder: Path  # the office's folder: the group's, setgid
    group: str
    gid: int
    alice: Person
    bob: Person
    carol: Person  # not in the group
    catalog: Path


def _sh(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture
def office() -> Iterator[Office]:
    """A group with two members and a third user outside it, a shared folder, and a home for
    each; all removed afterwards."""
    if shutil.which("useradd") is None or shutil.which("groupadd") is None:
        pytest.skip("useradd and groupadd are needed")
    tag = f"cl{os.getpid() % 10000:04d}{os.urandom(2).hex()}"
    group, names = f"{tag}o", [f"{tag}{who}" for who in "abc"]
    base = Path(tempfile.mkdtemp(prefix="checklist-office-"))
    made: list[str] = []
    try:
        base.chmod(0o755)
        _sh("groupadd", group)
        for name, member in zip(names, (True, True, False), strict=True):
            _sh("useradd", "--no-create-home", "--user-group", *(["--groups", group] if member else []), name)
            made.append(name)
        gid = _group_id(group)
        catalog = base / "measures"
        shutil.copytree(bundled_path(), catalog)
        folder = base / "office"
        folder.mkdir()
        os.chown(folder, 0, gid)
        folder.chmod(0o2775)  # setgid, and searchable by all: the store itself must keep outsiders out
        people = []
        for who, name in zip(("alice", "bob", "carol"), names, strict=True):
            entry = pwd.getpwnam(name)
            home = base / "home" / who
            home.mkdir(parents=True)
            os.chown(home, entry.pw_uid, entry.pw_gid)
            home.chmod(0o700)
            groups = [entry.pw_gid] + ([gid] if who != "carol" else [])
            env = {
                "HOME": str(home),
                "CHECKLIST_CONFIG_HOME": str(home / ".config" / "checklist"),
                "CHECKLIST_USER": who,
                "CHECKLIST_CATALOG": str(catalog),
            }
            umask = 0o077 if who == "bob" else 0o022  # bob keeps everything to himself, but for the group
            people.append(Person(name, entry.pw_uid, entry.pw_gid, groups, home, env, umask))
        (base / "home").chmod(0o755)
        for path in [catalog, *catalog.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield Office(base, folder, group, gid, *people, catalog=catalog)
    finally:
        for name in made:
            subprocess.run(["userdel", name], capture_output=True, check=False)
            subprocess.run(["groupdel", name], capture_output=True, check=False)
        subprocess.run(["groupdel", group], capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)


def _group_id(name: str) -> int:
    import grp

    return grp.getgrnam(name).gr_gid


STEPS = [
    ("alice", "start", "--unit", "prison", "--now", NOW),
    ("alice", "keys", "new"),
    ("alice", "done", "1", "--note", "已建立", "--evidence", "notice.txt"),
    ("alice", "config", "evidence_max_mb", "50"),
    ("bob", "keys", "new"),
    ("bob", "done", "2", "--note", "零报告", "--set", "infections=0", "--set", "reported_cases=0",
     "--set", "hype_incidents=0", "--evidence", "report.txt"),
    ("bob", "config", "evidence_max_mb", "60"),
    ("bob", "event", "admission", "--subject", "P1"),
    ("alice", "verify"),
    ("bob", "verify"),
    ("alice", "seal"),
    ("bob", "block", "3", "--reason", "口罩不足"),
    ("bob", "seal"),
    ("alice", "reopen", "3", "--reason", "已到货"),
    ("alice", "verify", "--require-signatures"),
    ("bob", "verify", "--require-signatures"),
    ("alice", "status"),
    ("bob", "today"),
]  # fmt: skip


def _warm(base: Path, catalog: Path) -> None:
    """Run every step once as root in a store of its own: the children then import nothing."""
    scratch = base / "warm"
    scratch.mkdir()
    previous = Path.cwd()
    saved = dict(os.environ)
    try:
        os.chdir(scratch)
        os.environ.update({"CHECKLIST_CONFIG_HOME": str(scratch / "cfg"), "CHECKLIST_CATALOG": str(catalog)})
        for who, *args in STEPS:
            os.environ["CHECKLIST_USER"] = who
            Path("notice.txt").write_text("n")
            Path("report.txt").write_text("r")
            assert _invoke(args).exit_code in (0, 1), args
        _invoke(["verify", "--repair"])
        _invoke(["status", "--store", str(scratch / "nowhere")])
    finally:
        os.chdir(previous)
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(scratch)


def test_two_users_in_a_group_share_a_store_and_a_third_cannot_read_it(office: Office) -> None:
    _warm(office.base, office.catalog)
    for name, text in (("notice.txt", "关于封闭管理的通知"), ("report.txt", "零报告")):
        (office.folder / name).write_text(text)
        (office.folder / name).chmod(0o644)
    people = {"alice": office.alice, "bob": office.bob}
    for who, *args in STEPS:
        result = people[who].run(*args, cwd=office.folder)
        assert result.exit_code == 0, (who, args, result)

    store = office.folder / ".checklist"
    log = store / "units" / "prison" / "records.jsonl"
    # bob repairs a torn line at the end of the log alice made; alice appends after it
    with log.open("ab") as torn:
        torn.write(b'{"v":2,"id":"9f')
    assert office.bob.run("verify", "--repair", cwd=office.folder).exit_code == 0
    assert office.alice.run("partial", "5", "--note", "进行中", cwd=office.folder).exit_code == 0
    for person in (office.alice, office.bob):
        verified = person.run("verify", "--require-signatures", "--json", cwd=office.folder)
        assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"], verified

    for cached in (store / "cache").iterdir():  # bob, whose umask keeps all to himself, makes it again
        cached.unlink()
    assert office.bob.run("status", cwd=office.folder).exit_code == 0
    assert office.alice.can_read(next((store / "cache").iterdir()))

    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert {r["actor"] for r in records} == {"alice", "bob"} and all("sig" in r for r in records)
    assert len(list((store / "units" / "prison" / "seals").glob("*.json"))) == 2

    # everything belongs to the group; folders are setgid and the group's to write in
    for path in [store, *store.rglob("*")]:
        mode = path.lstat().st_mode
        assert path.lstat().st_gid == office.gid, path
        if stat.S_ISDIR(mode):
            assert mode & stat.S_ISGID and mode & 0o070 == 0o070, (path, oct(mode))
        else:
            assert mode & stat.S_IRGRP, (path, oct(mode))
    for name in ("records.jsonl", "head.json", ".lock", "records.jsonl.quarantine"):
        assert (store / "units" / "prison" / name).stat().st_mode & stat.S_IWGRP, name
    for path in (store / ".lock", store / "config.json"):
        assert path.stat().st_mode & stat.S_IWGRP, path
    assert not store.stat().st_mode & 0o007  # outsiders cannot even look in

    # the private keys stay each person's own
    for person in (office.alice, office.bob):
        (pem,) = (person.home / ".config" / "checklist" / "keys").glob("*.pem")
        assert stat.S_IMODE(pem.stat().st_mode) == 0o600 and pem.stat().st_uid == person.uid
        other = office.bob if person is office.alice else office.alice
        assert not other.can_read(pem)

    # carol is not in the group: she cannot read the store, and is told so
    assert not office.carol.can_read(store)
    assert not office.carol.can_read(log)
    refused = office.carol.run("status", cwd=office.folder)
    assert refused.exit_code in (1, 3) and "Permission denied" in refused.stderr, refused
    assert "Traceback" not in refused.stderr, refused.stderr


def test_a_store_outside_a_shared_folder_follows_the_umask(office: Office) -> None:
    """Not shared: nothing is given to the group or to others beyond what the umask allows."""
    _warm(office.base, office.catalog)
    home = office.alice.home
    (home / "notice.txt").write_bytes(b"n")
    own = office.alice.home
    for args in (("start", "--unit", "prison"), ("done", "1", "--note", "x", "--evidence", "notice.txt")):
        assert office.alice.run(*args, cwd=own, umask=0o077).exit_code == 0
    assert office.alice.run("keys", "new", cwd=own, umask=0o077).exit_code == 0
    store = own / ".checklist"
    for path in [store, *store.rglob("*")]:
        assert not path.lstat().st_mode & 0o077, (path, oct(path.lstat().st_mode))
    assert not store.stat().st_mode & stat.S_ISGID
