"""Key rotation and revocation: a new key takes over from a date, a key is revoked from a date,
and `verify` flags what was signed with the old key after that — by the time it claims, or by
the chain's order when the time was backdated."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checklist.core import clock

from .conftest import Result, records
from .test_readable_seal import release_0_6_0  # noqa: F401 - the fixture

Run = Callable[..., Result]
KEYS = Path(".checklist/keys")


@pytest.fixture(autouse=True)
def changsha() -> Iterator[None]:
    """This computer in Changsha's time zone: a --from day, and a statement made now, are read in it."""
    import time

    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def at(monkeypatch) -> Callable[[str], None]:
    """The real clock set to a moment of Changsha (UTC+8): records and statements are made at it."""
    moment = [datetime(2020, 1, 26, 1, 0, tzinfo=UTC)]
    monkeypatch.setattr(clock, "real_now", lambda: moment[0])

    def set_to(local: str) -> None:
        moment[0] = datetime.fromisoformat(local + "+08:00").astimezone(UTC)

    return set_to


@pytest.fixture
def unit(cli: Run, at, tmp_path: Path, monkeypatch) -> Run:
    """A prison whose first key (the administrator's) is 王警官's, who records item 3 at 09:00."""
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CHECKLIST_USER", "王警官")
    at("2020-01-27T08:00")
    assert cli("start", "--unit", "prison", "--name", "长沙监狱").exit_code == 0
    assert cli("keys", "new").exit_code == 0
    at("2020-01-27T09:00")
    assert cli("done", "3", "--note", "值班").exit_code == 0
    return cli


def key_ids(cli: Run) -> list[str]:
    """The keys registered in the store, oldest first."""
    found = json.loads(cli("keys", "list", "--json").stdout)["registered"]
    return [k["key"] for k in sorted(found, key=lambda k: k["registered_at"])]


def signed_with(seq: int) -> str:
    return records()[seq - 1]["sig"]["key"]


@contextmanager
def hidden_statements() -> Iterator[None]:
    """The statements about keys moved out of keys/ for a while: what someone who stole a key,
    and can write the store, does to sign with it, putting them back after."""
    moved = []
    for path in KEYS.glob("*.json"):
        if json.loads(path.read_text(encoding="utf-8")).get("kind", "").startswith("key-"):
            aside = path.with_name("." + path.name + ".aside")
            path.rename(aside)
            moved.append((aside, path))
    try:
        yield
    finally:
        for aside, path in moved:
            aside.rename(path)


class TestRotation:
    def test_records_signed_with_the_old_key_after_the_date_are_flagged_and_those_before_not(
        self, unit: Run, at
    ) -> None:
        at("2020-01-27T10:00")
        assert unit("done", "1", "--note", "x").exit_code == 0
        [old] = key_ids(unit)
        at("2020-01-27T11:00")
        made = unit("keys", "new")
        assert made.exit_code == 0 and f"endorsed by your key {old}" in made.stderr
        new = key_ids(unit)[1]
        rotated = unit("keys", "rotate", old, "--from", "2020-01-27T09:30+08:00")
        assert rotated.exit_code == 0, rotated
        assert f"Key {old} of 王警官 is replaced by {new} from 2020-01-27T09:30+08:00" in rotated.stderr
        result = unit("verify")
        assert result.exit_code == 3
        said = f"1 record (record 2) was signed with key {old} of '王警官' after it was replaced by {new} from"
        assert said in result.stdout and "record 1)" not in result.stdout
        chinese = unit("--lang", "zh", "verify")
        assert (
            f"1 条记录（记录序号：2）是在“王警官”的密钥 {old} 自 2020-01-27T09:30+08:00 起由 {new} 接替之后"
            in chinese.stdout
        )

    def test_after_a_rotation_records_are_signed_with_the_new_key(self, unit: Run, at) -> None:
        [old] = key_ids(unit)
        at("2020-01-27T11:00")
        assert unit("keys", "new").exit_code == 0
        assert unit("keys", "rotate", old).exit_code == 0  # the new key by default, from now
        new = key_ids(unit)[1]
        at("2020-01-27T12:00")
        assert unit("done", "1", "--note", "x").exit_code == 0
        assert signed_with(1) == old and signed_with(2) == new
        assert unit("verify").exit_code == 0  # record 1 was signed before the rotation

    def test_the_old_key_alone_is_refused_for_new_records(self, unit: Run, at, tmp_path: Path) -> None:
        [old] = key_ids(unit)
        at("2020-01-27T11:00")
        assert unit("keys", "new").exit_code == 0
        new = key_ids(unit)[1]
        assert unit("keys", "rotate", old, "--to", new).exit_code == 0
        (tmp_path / "config" / "keys" / (new.removeprefix("ed25519:") + ".pem")).unlink()  # on another computer
        refused = unit("done", "1", "--note", "x")
        assert refused.exit_code == 1 and len(records()) == 1
        assert f"王警官's key {old} was replaced by {new} from 2020-01-27T11:00+08:00: sign with the new key" in (
            refused.stderr
        )

    def test_a_rotation_needs_another_key_of_the_same_person(self, unit: Run, at, monkeypatch) -> None:
        [old] = key_ids(unit)
        none = unit("keys", "rotate", old)
        assert none.exit_code == 1 and "王警官 has no other key in this store to take over from" in none.stderr
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(Path("../other-config").resolve()))
        assert unit("keys", "new", "--name", "李四").exit_code == 0
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(Path("../config").resolve()))
        other = key_ids(unit)[1]
        refused = unit("keys", "rotate", old, "--to", other)
        assert refused.exit_code == 1 and f"key {other} is '李四''s, not '王警官''s" in refused.stderr


class TestRevocation:
    def test_a_revoked_key_signs_nothing_more(self, unit: Run, at) -> None:
        [key] = key_ids(unit)
        at("2020-01-27T10:00")
        revoked = unit("keys", "revoke", key, "--reason", "笔记本电脑被盗")
        assert revoked.exit_code == 0, revoked
        assert f"Key {key} of 王警官 is revoked from 2020-01-27T10:00+08:00 (笔记本电脑被盗)" in revoked.stderr
        refused = unit("done", "1", "--note", "x")
        assert refused.exit_code == 1 and len(records()) == 1
        assert "was revoked from 2020-01-27T10:00+08:00 (笔记本电脑被盗): it signs nothing more" in refused.stderr
        zh = unit("--lang", "zh", "seal")
        assert (
            zh.exit_code == 1
            and "已自 2020-01-27T10:00+08:00 起吊销（原因：笔记本电脑被盗），不能再用于签署" in zh.stderr
        )
        assert unit("verify").exit_code == 0  # record 1 was signed before

    def test_a_backdated_record_written_after_the_revocation_is_flagged_by_the_chain(self, unit: Run, at) -> None:
        """A thief who can write the store hides the revocation and signs with the stolen key a
        record dated before it: the chain says it was written after the revocation."""
        [key] = key_ids(unit)
        at("2020-01-27T10:00")
        assert unit("keys", "revoke", key, "--reason", "钥匙丢失").exit_code == 0
        with hidden_statements():
            at("2020-01-27T09:30")  # before the revocation took effect, as the record claims
            assert unit("done", "1", "--note", "一切正常").exit_code == 0
            assert unit("seal", "--out", "late.json").exit_code == 0
            assert unit("checkpoint", "--out", "late.txt").exit_code == 0
        assert signed_with(2) == key and records()[1]["at"].startswith("2020-01-27T09:30")
        result = unit("verify")
        assert result.exit_code == 3
        assert f"1 record (record 2) was signed with key {key} of '王警官' after it was revoked from" in result.stdout
        assert "(钥匙丢失)" in result.stdout
        assert f"seal: 2020-01-27.2: it was signed with key {key}, revoked from 2020-01-27T10:00+08:00" in result.stdout
        assert f"2.{key.removeprefix('ed25519:')}: it was signed with key {key}, revoked from" in result.stdout
        received = unit("verify", "--checkpoint", "late.txt")
        assert received.exit_code == 3 and f"it was signed with key {key}, revoked from" in received.stdout
        checked = unit("verify", "--seal", "late.json")
        assert checked.exit_code == 3 and "it was signed with key" in checked.stdout

    def test_a_revocation_from_an_earlier_date_flags_records_since_then(self, unit: Run, at) -> None:
        at("2020-01-27T10:00")
        assert unit("done", "1", "--note", "x").exit_code == 0
        [key] = key_ids(unit)
        at("2020-01-27T11:00")
        assert unit("keys", "revoke", key, "--from", "2020-01-27T09:30+08:00", "--reason", "离职").exit_code == 0
        result = unit("verify", "--json")
        [verdict] = json.loads(result.stdout)["units"]
        assert any("(record 2)" in problem and "(离职)" in problem for problem in verdict["problems"])
        assert not any("record 1)" in problem for problem in verdict["problems"])

    def test_a_revocation_by_someone_not_allowed_is_refused(self, unit: Run, at, monkeypatch) -> None:
        [key] = key_ids(unit)
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(Path("../other-config").resolve()))
        monkeypatch.setenv("CHECKLIST_USER", "李四")
        assert unit("keys", "new").exit_code == 0
        refused = unit("keys", "revoke", key, "--reason", "我想")
        assert refused.exit_code == 1
        assert f"李四 may not revoke or rotate key {key} of '王警官'" in refused.stderr
        assert "ask 王警官 or the administrator (王警官) to run it" in refused.stderr
        assert not [p for p in KEYS.glob("*.json") if "key-revocation" in p.read_text(encoding="utf-8")]

    def test_a_revocation_written_by_hand_with_a_key_not_allowed_does_not_hold(
        self, unit: Run, at, monkeypatch
    ) -> None:
        from checklist.core import blobs, keys
        from checklist.core.filestore import FileStore
        from checklist.core.keystatements import KeyStatement

        [key] = key_ids(unit)
        config = Path("../other-config").resolve()
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(config))
        monkeypatch.setenv("CHECKLIST_USER", "李四")
        assert unit("keys", "new").exit_code == 0
        [mine] = keys.own_keys(config)
        store = FileStore.open(Path(".checklist"))
        draft = KeyStatement(
            kind="key-revocation",
            key=key,
            name="王警官",
            since=datetime(2020, 1, 27, tzinfo=UTC),
            reason="伪造",
            store=store.store_id() or "",
            made_at=datetime(2020, 1, 27, 5, tzinfo=UTC),
            by="李四",
        )
        signed = keys.sign(keys.load_private(config, mine), mine, draft.signed_part())
        blobs.save_key_statement(store, draft.model_copy(update={"signed_by": signed}))
        result = unit("verify")
        assert result.exit_code == 3
        assert f"the revocation of key {key} of '王警官' does not hold: signed with {mine.key}" in result.stdout
        assert "was signed with key" not in result.stdout  # it revokes nothing: record 1 stands

    def test_the_administrator_may_revoke_anyones_key(self, unit: Run, at, monkeypatch) -> None:
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(Path("../other-config").resolve()))
        assert unit("keys", "new", "--name", "李四").exit_code == 0
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(Path("../config").resolve()))
        admin, other = key_ids(unit)
        revoked = unit("keys", "revoke", other, "--reason", "离职")
        assert revoked.exit_code == 0 and f"signed with {admin}" in revoked.stderr

    def test_a_revoked_key_endorses_nothing(self, unit: Run, monkeypatch) -> None:
        """The administrator's key, once revoked, endorses no second key for anyone."""
        [admin] = key_ids(unit)
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(Path("../li-1").resolve()))
        assert unit("keys", "new", "--name", "李四").exit_code == 0  # registered: the name's first key
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(Path("../li-2").resolve()))
        second = unit("keys", "new", "--name", "李四")  # another computer: left unregistered
        assert second.exit_code == 0 and "not registered" in second.stderr
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(Path("../config").resolve()))
        assert unit("keys", "revoke", admin, "--reason", "丢失").exit_code == 0
        public = next(Path("../li-2/keys").glob("*.json"))
        refused = unit("keys", "endorse", str(public))
        assert refused.exit_code == 1 and "cannot endorse a key for 李四" in refused.stderr
        assert len(key_ids(unit)) == 2

    def test_mistakes_are_one_line_each(self, unit: Run) -> None:
        [key] = key_ids(unit)
        unknown = unit("keys", "revoke", "ed25519:0000000000000000", "--reason", "x")
        assert (
            unknown.exit_code == 1 and "no key 'ed25519:0000000000000000' is registered in this store" in unknown.stderr
        )
        assert "`checklist keys list`" in unknown.stderr
        empty = unit("keys", "revoke", key, "--reason", "  ")
        assert empty.exit_code == 1 and "--reason must say why" in empty.stderr
        day = unit("--lang", "zh", "keys", "revoke", key, "--reason", "x", "--from", "昨天")
        assert day.exit_code == 1 and "--from 须是日期" in day.stderr
        assert unit("keys", "revoke", key, "--reason", "丢失").exit_code == 0
        twice = unit("keys", "revoke", key, "--reason", "丢失")
        assert twice.exit_code == 1 and f"key {key} was revoked already" in twice.stderr
        for result in (unknown, empty, day, twice):
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2


class TestKeysList:
    def test_keys_list_shows_rotation_and_revocation_in_both_languages_and_as_json(
        self, unit: Run, at, monkeypatch
    ) -> None:
        monkeypatch.setenv("COLUMNS", "240")  # each key on one line
        [old] = key_ids(unit)
        at("2020-01-27T11:00")
        assert unit("keys", "new").exit_code == 0
        new = key_ids(unit)[1]
        assert unit("keys", "rotate", old, "--from", "2020-01-28").exit_code == 0
        assert unit("keys", "revoke", new, "--reason", "丢失").exit_code == 0
        english = unit("keys", "list").stdout
        assert f"replaced by {new}" in english and "revoked from 2020-01-27T11:00+08:00 (丢失)" in english
        chinese = unit("--lang", "zh", "keys", "list").stdout
        assert "起吊销（丢失）" in chinese and "接替" in chinese
        document = json.loads(unit("keys", "list", "--json").stdout)
        kinds = {s["key"]: s["kind"] for s in document["statements"]}
        assert kinds == {old: "key-rotation", new: "key-revocation"}
        import jsonschema

        from checklist.present.schemas import schema

        jsonschema.validate(document, schema("keys"))


class TestFormats:
    def test_a_statement_is_a_keys_file_of_format_3_and_raises_the_store_to_6(self, unit: Run) -> None:
        [key] = key_ids(unit)
        assert unit("keys", "revoke", key, "--reason", "丢失").exit_code == 0
        [statement] = [
            json.loads(p.read_text(encoding="utf-8"))
            for p in KEYS.glob("*.json")
            if "key-revocation" in p.read_text(encoding="utf-8")
        ]
        assert statement["format"] == 3 and statement["key"] == key and statement["heads"]["prison"]["seq"] == 1
        registration = json.loads((KEYS / f"{key.removeprefix('ed25519:')}.json").read_text(encoding="utf-8"))
        assert registration["format"] == 2  # never rewritten
        marker = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
        assert marker["format"] == 6 and marker["requires"] == "0.7.0"

    def test_release_0_6_0_refuses_a_store_with_a_revocation(self, unit: Run, release_0_6_0: Path) -> None:  # noqa: F811
        import subprocess
        import sys

        [key] = key_ids(unit)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        revoked = subprocess.run(  # this release, in a real process
            [sys.executable, "-m", "checklist", "keys", "revoke", key, "--reason", "丢失"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert revoked.returncode == 0 and f"Key {key} of 王警官 is revoked" in revoked.stderr, revoked.stderr
        mine = subprocess.run(
            [sys.executable, "-m", "checklist", "--lang", "zh", "keys", "list"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert mine.returncode == 0 and "起吊销（丢失）" in mine.stdout
        old = subprocess.run(
            [sys.executable, "-m", "checklist", "verify"],
            env={**env, "PYTHONPATH": str(release_0_6_0)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert old.returncode == 3 and "Traceback" not in old.stderr
        assert "format 6" in old.stderr and "checklist 0.7.0 or newer" in old.stderr


def test_rotate_revoke_and_verify_through_real_processes(proc: Run, tmp_path: Path, monkeypatch) -> None:
    """The installed command, piped: a key replaced, then revoked; verify and keys list say so."""
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CHECKLIST_USER", "王警官")
    assert proc("start", "--unit", "prison", "--name", "长沙监狱").exit_code == 0
    assert proc("keys", "new").exit_code == 0
    assert proc("done", "3", "--note", "值班").exit_code == 0
    assert proc("keys", "new").exit_code == 0  # endorsed by the first
    registered = json.loads(proc("keys", "list", "--json").stdout)["registered"]
    old, new = (k["key"] for k in sorted(registered, key=lambda k: k["registered_at"]))
    rotated = proc("--lang", "zh", "keys", "rotate", old)
    assert rotated.exit_code == 0 and f"王警官的密钥 {old} 自" in rotated.stderr and f"由 {new} 接替" in rotated.stderr
    assert proc("done", "1", "--note", "联防联控").exit_code == 0
    assert signed_with(2) == new
    revoked = proc("keys", "revoke", old, "--reason", "旧电脑报废")
    assert revoked.exit_code == 0 and "revoked from" in revoked.stderr
    checked = proc("verify")
    assert checked.exit_code == 0, checked.stdout  # record 1 before the rotation, record 2 with the new key
    listed = proc("--lang", "zh", "keys", "list")
    assert "起吊销（旧电脑报废）" in "".join(listed.stdout.split()) and "Traceback" not in listed.stderr
