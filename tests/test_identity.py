"""Identity that means something: names compared as they read, keys registered once per
name, unsigned records in a key holder's name, passphrases, seals that name their store,
and records made with a replayed clock."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist.core import names
from checklist.core.errors import UserError

from .conftest import records, seal_payload, three_zeros

LOG = Path(".checklist/units/prison/records.jsonl")
VISITS = "prison.visits-suspended"  # critical: a waiver awaits a second person's approval
ZEROS = "system.three-zeros"  # reported daily


class TestNames:
    @pytest.mark.parametrize(
        "approver",
        [
            "alice",
            "Alice",
            "ＡＬＩＣＥ",  # fullwidth: the same letters in another form
            "ALİCE",  # a dotted capital I folds to i and a combining dot
        ],
    )
    def test_nobody_approves_their_own_waiver_under_another_spelling(self, prison, approver: str) -> None:
        assert prison("na", VISITS, "--reason", "无接见", "--by", "alice").exit_code == 0
        own = prison("approve", VISITS, "--by", approver)
        if names.same_person("alice", approver):
            assert own.exit_code == 1 and "cannot approve their own attestation" in own.stderr, own
        else:
            assert own.exit_code == 0  # a dotted İ is another letter: not alice
        assert [r["action"] for r in records()] == ["na"] + ([] if own.exit_code else ["approved"])

    def test_a_cyrillic_letter_in_a_latin_name_is_refused(self, prison) -> None:
        assert prison("na", VISITS, "--reason", "无接见", "--by", "alice").exit_code == 0
        spoof = prison("approve", VISITS, "--by", "\u0430lice")  # Cyrillic а
        assert spoof.exit_code == 1, spoof
        assert "mixes the scripts Cyrillic, Latin" in spoof.stderr
        assert [r["action"] for r in records()] == ["na"]

    def test_a_whole_cyrillic_lookalike_is_the_same_person(self, prison) -> None:
        assert prison("na", VISITS, "--reason", "无接见", "--by", "joe").exit_code == 0
        spoof = prison("approve", VISITS, "--by", "\u0458\u043e\u0435")  # Cyrillic је о е: one script
        assert spoof.exit_code == 1 and "cannot approve their own attestation" in spoof.stderr

    def test_chinese_with_latin_is_a_name(self, prison) -> None:
        assert prison("na", VISITS, "--reason", "无接见", "--by", "王警官 Wang").exit_code == 0
        assert prison("approve", VISITS, "--by", "李医生").exit_code == 0

    @pytest.mark.parametrize(
        ("name", "said"),
        [
            ("ali\nce", "holds U+000A"),
            ("ali\tce", "holds U+0009"),
            ("ali\u200bce", "holds U+200B"),
            ("\u202ealice", "holds U+202E"),
            (" alice", "starts or ends with a blank"),
            ("alice ", "starts or ends with a blank"),
            ("王警官\u3000", "starts or ends with a blank"),
            ("Ωmega", "mixes the scripts Greek, Latin"),
        ],
    )
    def test_what_no_name_holds_is_refused_wherever_a_name_is_given(
        self, prison, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, said: str
    ) -> None:
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
        for args, where in [
            (("na", VISITS, "--reason", "r", "--by", name), "--by"),
            (("config", "user", name), "config user"),
            (("keys", "new", "--name", name), "--name"),
            (("start", "--unit", "rehab", "--name", name), "--name"),
        ]:
            result = prison(*args)
            assert result.exit_code == 1, (args, result)
            assert said in result.stderr and where in result.stderr, (args, result)
        monkeypatch.setenv("CHECKLIST_USER", name)
        result = prison("na", VISITS, "--reason", "r")
        assert result.exit_code == 1 and said in result.stderr and "CHECKLIST_USER" in result.stderr, result
        assert not LOG.exists()
        assert not (tmp_path / "config").exists()
        config = Path(".checklist/config.json")
        assert not config.exists() or "user" not in json.loads(config.read_text(encoding="utf-8"))

    def test_a_name_kept_in_the_store_settings_is_checked_when_used(
        self, prison, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        config = Path(".checklist/config.json")
        config.write_text(json.dumps({"format": 1, "user": "ali\nce"}), encoding="utf-8")  # edited by hand
        monkeypatch.delenv("CHECKLIST_USER")  # so that the store's user is who attests
        result = prison("na", VISITS, "--reason", "r")
        assert result.exit_code == 1 and "config user" in result.stderr and "U+000A" in result.stderr


NAME_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)


@given(NAME_TEXT)
def test_the_comparison_key_settles(text: str) -> None:
    assert names.key(names.key(text)) == names.key(text)
    assert names.key(unicodedata.normalize("NFD", text)) == names.key(text)


@given(NAME_TEXT)
def test_check_accepts_a_name_or_refuses_it_with_a_code(text: str) -> None:
    try:
        assert names.check(text, "--by") == text
    except UserError as exc:
        assert exc.code.startswith("name.")
        return
    assert text == text.strip() and text.strip()
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text)


@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=10), st.sampled_from("\n\t\r\x00\x1b\u2028"))
def test_a_control_character_anywhere_is_refused(text: str, control: str) -> None:
    for spliced in (control + text, text + control, text[:1] + control + text[1:]):
        with pytest.raises(UserError):
            names.check(spliced, "--by")


class TestSealsNameTheirStore:
    def test_every_store_has_an_id(self, prison) -> None:
        marker = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
        assert len(marker["id"]) == 36 and marker["format"] == 3

    def test_an_older_store_is_given_an_id_when_its_format_is_raised(self, keyed) -> None:
        store_json = Path(".checklist/store.json")
        store_json.write_text(json.dumps({"format": 2, "requires": "0.2.0", "created_at": "2020-01-26T01:00:00+00:00"}))
        assert keyed("status").exit_code == 0
        assert "id" not in json.loads(store_json.read_text())  # reading changes nothing
        assert (
            keyed("seal").exit_code == 0
        )  # a readable seal (format 6) naming the store: the store needs an id, and format 6
        marker = json.loads(store_json.read_text())
        assert marker["format"] == 6 and marker["created_at"] == "2020-01-26T01:00:00+00:00" and marker["id"]
        (sealed,) = Path(".checklist/units/prison/seals").glob("*.json")
        assert seal_payload(sealed)["store"] == marker["id"]
        assert keyed("verify").exit_code == 0

    def test_a_seal_copied_into_another_units_folder_does_not_hold(self, keyed) -> None:
        assert keyed("start", "--unit", "rehab").exit_code == 0
        assert keyed("seal", "--unit", "prison").exit_code == 0  # a day without records
        (sealed,) = Path(".checklist/units/prison/seals").glob("*.json")
        copy = Path(".checklist/units/rehab/seals") / sealed.name
        copy.parent.mkdir()
        copy.write_bytes(sealed.read_bytes())
        result = keyed("verify", "--all")
        assert result.exit_code == 3, result
        assert f"seal: {sealed.stem}: it is the seal of unit 'prison', not of 'rehab'" in result.stdout

    def test_a_seal_copied_from_another_store_does_not_hold(self, keyed, tmp_path: Path) -> None:
        other = tmp_path / "other"
        assert keyed("start", "--unit", "prison", "--store", str(other)).exit_code == 0
        assert keyed("seal", "--store", str(other)).exit_code == 0
        (sealed,) = (other / "units/prison/seals").glob("*.json")
        here = Path(".checklist/units/prison/seals") / sealed.name
        here.parent.mkdir()
        here.write_bytes(sealed.read_bytes())
        result = keyed("verify")
        assert result.exit_code == 3, result
        assert "was made in another store" in result.stdout
        assert keyed("verify", "--store", str(other)).exit_code == 0


def other_machine(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Act from another machine: another folder of private keys."""
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(folder))


def registered() -> list[dict[str, object]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(".checklist/keys").glob("*.json"))]


class TestKeyRegistration:
    def test_a_key_under_a_colleagues_name_is_not_registered_and_signs_nothing(
        self, keyed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        other_machine(monkeypatch, tmp_path / "intruder")
        made = keyed("keys", "new", "--name", "tester")
        assert made.exit_code == 0, made
        assert "not registered" in made.stderr and "keys endorse" in made.stderr
        assert [k["name"] for k in registered()] == ["tester"]
        forged = keyed("na", VISITS, "--reason", "无接见", "--by", "tester")
        assert forged.exit_code == 1 and "is not registered in this store" in forged.stderr, forged
        assert not LOG.exists()
        assert keyed("verify", "--require-signatures").exit_code == 0

    def test_a_registration_for_a_taken_name_without_endorsement_is_a_problem(
        self, keyed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        other_machine(monkeypatch, tmp_path / "intruder")
        keyed("keys", "new", "--name", "Tester")
        (public,) = (tmp_path / "intruder/keys").glob("*.json")
        Path(".checklist/keys", public.name).write_bytes(public.read_bytes())  # as an older release registered it
        result = keyed("verify")
        assert result.exit_code == 3, result
        assert "is registered for 'Tester', who has key ed25519:" in result.stdout
        assert "without its endorsement or the administrator's" in result.stdout

    def test_the_holder_of_the_first_key_endorses_the_next_one(self, keyed) -> None:
        first = registered()[0]
        assert first["format"] == 2 and first["registered_by"] == "tester" and first["store"]
        assert keyed("keys", "new").exit_code == 0  # a new key on the same machine: the old one endorses it
        second = next(k for k in registered() if k["key"] != first["key"])
        assert second["endorsed_by"]["key"] == first["key"]
        assert keyed("na", VISITS, "--reason", "无接见").exit_code == 0
        assert records()[-1]["sig"]["key"] == second["key"]  # the newest registered key signs
        result = keyed("verify", "--require-signatures")
        assert result.exit_code == 0, result
        assert f"signed by tester {second['key']}: 1 record" in result.stdout

    def test_the_administrator_endorses_a_lost_key(
        self, keyed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        admin_home = tmp_path / "config"  # tester's: the first key registered in this store
        other_machine(monkeypatch, tmp_path / "li-old")
        assert keyed("keys", "new", "--name", "李医生").exit_code == 0
        other_machine(monkeypatch, tmp_path / "li-new")  # 李医生's key is lost: a new machine
        made = keyed("keys", "new", "--name", "李医生")
        assert "not registered" in made.stderr and "tester" in made.stderr  # names the administrator
        (public,) = (tmp_path / "li-new/keys").glob("*.json")
        refused = keyed("keys", "endorse", str(public), "--by", "李医生")  # no key of 李医生's here
        assert refused.exit_code == 1, refused
        other_machine(monkeypatch, admin_home)
        stranger = keyed("keys", "endorse", str(public), "--by", "王警官")
        assert stranger.exit_code == 1 and "no signing key" in stranger.stderr
        endorsed = keyed("keys", "endorse", str(public))
        assert endorsed.exit_code == 0, endorsed
        assert "endorsed" in endorsed.stderr
        entry = next(k for k in registered() if k["key"] == json.loads(public.read_text())["key"])
        (admin,) = [k["key"] for k in registered() if k["name"] == "tester"]
        assert entry["registered_by"] == "tester" and entry["endorsed_by"]["key"] == admin
        other_machine(monkeypatch, tmp_path / "li-new")
        assert keyed("na", VISITS, "--reason", "无接见", "--by", "李医生").exit_code == 0
        result = keyed("verify", "--require-signatures")
        assert result.exit_code == 0, result
        listed = keyed("keys", "list").stdout
        assert "endorsed by" in listed

    def test_verify_names_each_signer_with_a_count(
        self, keyed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        keyed("na", VISITS, "--reason", "a")
        keyed("block", "1", "--reason", "b")
        other_machine(monkeypatch, tmp_path / "li")
        keyed("keys", "new", "--name", "李医生")
        keyed("approve", VISITS, "--by", "李医生")
        (tester,) = [k["key"] for k in registered() if k["name"] == "tester"]
        (li,) = [k["key"] for k in registered() if k["name"] == "李医生"]
        result = keyed("verify")
        assert f"signed by tester {tester}: 2 records" in result.stdout
        assert f"signed by 李医生 {li}: 1 record" in result.stdout
        unit = keyed("verify", "--json").json()["units"][0]
        assert unit["signers"] == [
            {"key": tester, "name": "tester", "records": 2},
            {"key": li, "name": "李医生", "records": 1},
        ]

    def test_an_approval_with_the_key_that_signed_the_record_is_refused_and_flagged(
        self, keyed, tmp_path: Path
    ) -> None:
        from checklist.core import keys
        from checklist.core.filestore import FileStore

        from .test_store import make_draft

        home = tmp_path / "config"
        (public,) = keys.own_keys(home)
        private = keys.load_private(home, public)
        store = FileStore(Path(".checklist"))
        signer = lambda data: keys.sign(private, public, data)  # noqa: E731
        written = store.append(make_draft(item=VISITS, action="na", note="无接见", actor="alice"), signer)
        own = keyed("approve", VISITS)  # tester: the approved record was signed with tester's key
        assert own.exit_code == 1 and "signed with your own key" in own.stderr, own
        store.append(make_draft(item=VISITS, action="approved", approves=written.id, actor="tester"), signer)
        result = keyed("verify")
        assert result.exit_code == 3
        assert "record 2 (prison.visits-suspended, tester) approves record 1 with the key that signed it" in (
            result.stdout
        )


class TestUnsignedInAKeyHoldersName:
    def test_an_unsigned_backdated_record_after_the_registration_is_a_problem(
        self, keyed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        assert keyed("na", "1", "--reason", "signed").exit_code == 0
        other_machine(monkeypatch, tmp_path / "elsewhere")  # no key of tester's here: unsigned
        backdated = keyed("na", VISITS, "--reason", "补录", "--now", "2020-01-27T09:00")
        assert backdated.exit_code == 0 and "sig" not in records()[-1]
        result = keyed("verify")
        assert result.exit_code == 3, result
        assert "1 unsigned record in the name of 'tester' (record 2) was made after their key ed25519:" in (
            result.stdout
        )
        assert keyed("verify", "--json").json()["ok"] is False

    def test_unsigned_records_before_the_registration_are_not(
        self, prison, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        assert prison("na", "1", "--reason", "before any key").exit_code == 0
        assert prison("na", "2", "--reason", "by someone with no key", "--by", "李医生").exit_code == 0
        other_machine(monkeypatch, tmp_path / "config")
        assert prison("keys", "new").exit_code == 0
        assert prison("na", "3", "--reason", "signed").exit_code == 0
        result = prison("verify")
        assert result.exit_code == 0, result
        assert "2 signed" not in result.stdout and "1 signed, 2 unsigned" in result.stdout
        assert prison("na", "4", "--reason", "still no key", "--by", "李医生").exit_code == 0
        assert prison("verify").exit_code == 0  # 李医生 has no key here: nothing to hold them to

    def test_a_record_written_after_the_registration_with_an_earlier_time_is_still_after(self, keyed) -> None:
        """A forger who appends an unsigned record dated before the registration is still
        after it in the chain: later than a record made after the registration."""
        from datetime import UTC, datetime

        from checklist.core.filestore import FileStore

        from .test_store import make_draft

        assert keyed("na", "1", "--reason", "signed").exit_code == 0
        forged = make_draft(item=VISITS, action="na", actor="tester", at=datetime(2020, 1, 1, tzinfo=UTC))
        FileStore(Path(".checklist")).append(forged)
        result = keyed("verify")
        assert result.exit_code == 3 and "in the name of 'tester' (record 2)" in result.stdout


PASSPHRASE = "长城 correct horse 7"  # noqa: S105 - a test's


def on_terminal(*args: str, answers: tuple[str, ...] = ()) -> tuple[int, str]:
    """Run the installed command on a real pseudo-terminal, answering each prompt in turn
    once it is shown (a prompt ends with ': ', or '：' in Chinese); returns the exit code and everything the
    terminal showed. No sleeping: each read waits for the terminal (a minute at most)."""
    import os
    import pty
    import select

    from .conftest import installed_command

    command = [*installed_command(), *args]
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the command, with the pseudo-terminal as its terminal
        os.execvpe(command[0], command, dict(os.environ))  # noqa: S606 - the command itself, no shell
    shown = b""

    def read(prompt: bool) -> None:
        nonlocal shown
        start = len(shown)
        while not prompt or not shown[start:].rstrip().endswith((b":", "：".encode())):
            ready, _, _ = select.select([fd], [], [], 60)
            assert ready, f"no prompt: {shown.decode(errors='replace')}"
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the command ended
                chunk = b""
            if not chunk:
                assert not prompt, f"ended before the prompt: {shown.decode(errors='replace')}"
                return
            shown += chunk

    for answer in answers:
        read(prompt=True)
        os.write(fd, answer.encode() + b"\n")
    read(prompt=False)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", errors="replace").replace("\r", "")


class TestPassphrase:
    @pytest.fixture
    def home(self, prison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("NO_COLOR", "1")
        return tmp_path / "config"

    def test_a_key_protected_by_a_passphrase_asks_for_it_when_it_signs(self, prison, home: Path) -> None:
        code, shown = on_terminal("keys", "new", "--passphrase", answers=(PASSPHRASE, PASSPHRASE))
        assert code == 0, shown
        assert "New passphrase" in shown and "口令" not in shown and PASSPHRASE not in shown  # never echoed
        (pem,) = (home / "keys").glob("*.pem")
        data = pem.read_bytes()
        assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert PASSPHRASE.encode() not in data and b"correct horse" not in data
        from cryptography.hazmat.primitives import serialization

        with pytest.raises(TypeError):  # not readable without the passphrase
            serialization.load_pem_private_key(data, password=None)
        assert not any(PASSPHRASE.encode() in p.read_bytes() for p in home.rglob("*") if p.is_file())

        code, shown = on_terminal("--lang", "zh", "na", VISITS, "--reason", "无接见", answers=(PASSPHRASE,))
        assert code == 0, shown
        assert "的签名密钥（ed25519:" in shown and "口令：" in shown and "Passphrase" not in shown  # the run's language
        assert PASSPHRASE not in shown
        assert records()[-1]["sig"]["key"].startswith("ed25519:")
        assert prison("verify", "--require-signatures").exit_code == 0

        code, shown = on_terminal("block", "1", "--reason", "r", answers=("wrong one", "wrong two", "wrong 3"))
        assert code == 1 and "wrong passphrase" in shown.lower(), shown
        assert len(records()) == 1  # nothing recorded

    def test_without_a_terminal_it_says_how_to_sign(self, prison, home: Path, proc) -> None:
        code, shown = on_terminal("keys", "new", "--passphrase", answers=(PASSPHRASE, PASSPHRASE))
        assert code == 0, shown
        result = proc("na", VISITS, "--reason", "无接见")
        assert result.exit_code == 1, result
        assert "protected by a passphrase" in result.stderr and "on a terminal" in result.stderr
        assert not LOG.exists()
        result = proc("keys", "new", "--passphrase")
        assert result.exit_code == 1 and "on a terminal" in result.stderr

    def test_the_two_answers_must_agree(self, prison, home: Path) -> None:
        code, shown = on_terminal(
            "keys", "new", "--passphrase", answers=(PASSPHRASE, "another one", "short", PASSPHRASE, PASSPHRASE)
        )
        assert code == 0, shown
        assert "do not match" in shown and "at least 8" in shown


def shanghai_today() -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


class TestReplayedClock:
    def test_a_future_period_is_refused_unless_the_store_allows_clock_overrides(self, prison) -> None:
        later = (shanghai_today() + timedelta(days=2)).isoformat()
        future = prison("done", ZEROS, "--note", "日报", *three_zeros(), "--now", f"{later}T09:00")
        assert future.exit_code == 1, future
        assert f"period {later} of" in future.stderr and "has not come yet" in future.stderr
        assert "checklist config clock_override on" in future.stderr
        assert not LOG.exists()
        event = prison("event", "admission", "--subject", "P1", "--at", f"{later}T08:00", "--now", f"{later}T09:00")
        assert event.exit_code == 1 and "has not come yet" in event.stderr
        assert prison("config", "clock_override", "maybe").exit_code == 1
        assert prison("config", "clock_override", "on").exit_code == 0
        allowed = prison("done", ZEROS, "--note", "日报", *three_zeros(), "--now", f"{later}T09:00")
        assert allowed.exit_code == 0, allowed
        (record,) = records()
        assert record["period"] == later and record["v"] == 3
        assert record["clock"].startswith(f"{later}T09:00:00")

    def test_a_unit_started_in_the_future_is_refused_unless_the_store_allows_it(self, cli) -> None:
        later = (shanghai_today() + timedelta(days=2)).isoformat()
        future = cli("start", "--unit", "prison", "--now", f"{later}T09:00")
        assert future.exit_code == 1 and "the start of unit prison at" in future.stderr, future
        assert "has not come yet" in future.stderr and not Path(".checklist/units/prison").exists()
        assert cli("config", "clock_override", "on").exit_code == 0
        assert cli("start", "--unit", "prison", "--now", f"{later}T09:00").exit_code == 0
        assert cli("status", "--json", "--now", f"{later}T10:00").json()["unit"]["started_at"].startswith(later)

    def test_records_made_with_a_replayed_clock_are_marked_and_shown(self, cli) -> None:
        assert cli("start", "--unit", "prison", "--now", "2020-01-26T09:00").exit_code == 0
        assert cli("na", "1", "--reason", "今日", "--now", "2020-01-27T10:00").exit_code == 0
        assert cli("done", ZEROS, "--note", "日报", *three_zeros(), "--for", "2020-01-26").exit_code == 0
        first, second = records()
        assert first["clock"] == "2020-01-27T10:00:00+08:00" and first["v"] == 3
        assert "clock" not in second  # the real clock: no mark
        shown = cli("log").stdout
        assert "--now 2020-01-27 10:00" in shown
        assert [r.get("clock") for r in cli("log", "--json").json()["records"]] == ["2020-01-27T10:00:00+08:00", None]
        status = cli("status", "--now", "2020-01-28T09:00")
        assert "1 record was made with a replayed clock (--now)" in status.stdout, status
        assert cli("status", "--json", "--now", "2020-01-28T09:00").json()["replayed_clock"] == 1
        assert cli("verify").exit_code == 0
