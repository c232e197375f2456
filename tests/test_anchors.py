"""What anchors a log beyond the attester's reach: a consistent read while others append,
checkpoints, witnesses kept outside the store, the store's list of its units, and the seals
sent upward (see README, "Trust")."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklist.core.filestore import FileStore
from checklist.core.models import Record
from checklist.core.verify import chain

from .test_store import _writer, make_unit


def test_verify_while_another_process_appends_raises_no_false_alarm(tmp_path: Path) -> None:
    """A check reads the head, then the log: the log then holds at least what the head names."""
    store = FileStore.create(tmp_path / ".checklist")
    make_unit(store)
    context = multiprocessing.get_context("spawn")
    writer = context.Process(target=_writer, args=(str(store.root), 0, 1500))
    writer.start()
    checks = 0
    try:
        while writer.is_alive() or checks == 0:
            report = chain(store, "prison")
            assert report.ok, report.problems
            checks += 1
    finally:
        writer.join(timeout=120)
    assert writer.exitcode == 0 and checks > 10
    assert chain(store, "prison").last_seq == 1500


STORE = Path(".checklist")
LOG = STORE / "units" / "prison" / "records.jsonl"
HEAD = STORE / "units" / "prison" / "head.json"


def notes(cli, count: int, start: int = 0) -> None:
    """`count` records: item 6 blocked and reopened in turn (each a change, so each recorded)."""
    for n in range(start, start + count):
        action = "block" if n % 2 == 0 else "reopen"
        assert cli(action, "6", "--reason", f"储备进度 {n}").exit_code == 0


class TestWitness:
    """What a person last wrote or verified is kept in their own folder, outside the store."""

    def test_a_cut_off_end_written_on_is_refused_to_the_person_who_saw_it(self, prison) -> None:
        notes(prison, 10)
        lines = LOG.read_bytes().splitlines(keepends=True)
        head = HEAD.read_bytes()
        LOG.write_bytes(b"".join(lines[:7]))  # records 8 to 10 cut off
        HEAD.write_bytes(head.replace(b'"seq": 10', b'"seq": 7'))  # and head.json made to agree
        refused = prison("reopen", "6", "--reason", "再写一条")
        assert refused.exit_code == 3
        assert "the log ends at record 7, but record 10 was seen here" in refused.stderr
        assert "nothing was written" in refused.stderr
        assert len(LOG.read_bytes().splitlines()) == 7

    def test_verify_sees_a_rollback_that_the_store_itself_hides(self, prison, tmp_path: Path, monkeypatch) -> None:
        notes(prison, 10)
        old_head = HEAD.read_bytes()
        assert prison("verify").exit_code == 0
        lines = LOG.read_bytes().splitlines(keepends=True)
        LOG.write_bytes(b"".join(lines[:7]))
        # Someone else, with their own folder, writes on: the chain holds, and the head agrees.
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "other"))
        assert prison("reopen", "6", "--reason", "他人续写", "--by", "李医生").exit_code == 0
        assert prison("verify").exit_code == 0  # nothing in the store remembers records 8 to 10
        monkeypatch.delenv("CHECKLIST_CONFIG_HOME")
        found = prison("verify", "--json")
        assert found.exit_code == 3
        (unit,) = found.json()["units"]
        assert any("record 10 is not the one seen here" in p or "were cut off" in p for p in unit["problems"])
        HEAD.write_bytes(old_head)  # an old head.json copied back after the cut does not hide it either
        assert prison("verify").exit_code == 3

    def test_signed_records_cut_and_written_on_are_caught_with_required_signatures(
        self, prison, tmp_path: Path, monkeypatch
    ) -> None:
        assert prison("keys", "new", "--name", "tester").exit_code == 0
        notes(prison, 6)
        assert prison("verify", "--require-signatures").exit_code == 0
        lines = LOG.read_bytes().splitlines(keepends=True)
        LOG.write_bytes(b"".join(lines[:4]))
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "other"))
        assert prison("keys", "new", "--name", "李医生").exit_code == 0
        assert prison("block", "6", "--reason", "他人续写", "--by", "李医生").exit_code == 0  # signed, linked
        assert prison("verify", "--require-signatures").exit_code == 0  # every record signed, the chain whole
        monkeypatch.delenv("CHECKLIST_CONFIG_HOME")
        caught = prison("verify", "--require-signatures")
        assert caught.exit_code == 3 and "record 6 was seen here" in caught.stdout

    def test_the_witness_moves_forward_and_is_the_persons_own(self, prison) -> None:
        notes(prison, 3)
        folder = Path(os.environ.get("HOME", "")) / ".config" / "checklist" / "witness"
        (kept,) = list(folder.glob("*.json"))
        assert kept.stat().st_mode & 0o777 == 0o600
        assert json.loads(kept.read_text())["size"] == 3
        notes(prison, 2, start=3)
        assert json.loads(kept.read_text())["size"] == 5


class TestCheckpoints:
    """Signed checkpoints: C2SP signed notes a unit sends upward, and keeps."""

    def test_a_checkpoint_is_a_signed_note_anyone_can_check_with_the_public_key(self, prison) -> None:
        import base64
        import hashlib

        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        assert prison("checkpoint").exit_code == 1  # no key: nothing to sign with
        assert prison("keys", "new").exit_code == 0
        notes(prison, 3)
        made = prison("checkpoint", "--out", "point.note")
        assert made.exit_code == 0, made
        note = Path("point.note").read_text(encoding="utf-8")
        assert made.stdout == note
        text, signatures = note.split("\n\n")
        origin, size, head = text.split("\n")
        assert origin.startswith("checklist.local/prison/") and size == "3"
        log = LOG.read_bytes().splitlines()
        assert base64.b64decode(head) == hashlib.sha256(log[2]).digest()  # the head: record 3's line
        dash, name, signature = signatures.rstrip("\n").split(" ")
        assert dash == "\u2014" and name.startswith("ed25519:")
        (public,) = (json.loads(p.read_text()) for p in (STORE / "keys").glob("*.json"))
        raw = base64.b64decode(public["public"])
        blob = base64.b64decode(signature)
        assert blob[:4] == hashlib.sha256(name.encode() + b"\n\x01" + raw).digest()[:4]  # signed-note's key ID
        Ed25519PublicKey.from_public_bytes(raw).verify(blob[4:], (text + "\n").encode())  # raises if it does not hold
        assert len(list((STORE / "units" / "prison" / "checkpoints").glob("*.note"))) == 1

    def test_verify_holds_every_kept_checkpoint_against_the_log(self, prison, tmp_path: Path, monkeypatch) -> None:
        prison("keys", "new")
        notes(prison, 5)
        prison("checkpoint")
        assert prison("verify", "--json").json()["units"][0]["checkpoints"] == 1
        lines = LOG.read_bytes().splitlines(keepends=True)
        LOG.write_bytes(b"".join(lines[:3]))
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "other"))  # no witness of their own
        prison("reopen", "6", "--reason", "他人续写", "--by", "李医生")
        found = prison("verify", "--json")
        assert found.exit_code == 3
        assert any("no longer holds record 5 as" in p for p in found.json()["units"][0]["problems"])

    def test_the_province_checks_checkpoints_for_their_signature_and_for_forks(
        self, prison, tmp_path: Path, monkeypatch
    ) -> None:
        prison("keys", "new")
        notes(prison, 4)
        prison("checkpoint", "--out", str(tmp_path / "a.note"))
        lines = LOG.read_bytes().splitlines(keepends=True)
        LOG.write_bytes(b"".join(lines[:3]))
        (STORE / "units" / "prison" / "checkpoints").rename(tmp_path / "hidden")  # the unit hides its own
        assert prison("checkpoint").exit_code == 3  # the signer saw record 4 otherwise: never signs this
        monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "other"))  # someone who did not
        prison("keys", "new", "--name", "李医生")
        assert prison("reopen", "6", "--reason", "改写", "--by", "李医生").exit_code == 0  # record 4, otherwise
        again = prison("checkpoint", "--out", str(tmp_path / "b.note"), "--by", "李医生")
        assert again.exit_code == 0, again
        monkeypatch.delenv("CHECKLIST_CONFIG_HOME")
        keys_of_unit = {key.name: key.read_bytes() for key in (STORE / "keys").glob("*.json")}
        province = tmp_path / "province"
        province.mkdir()
        monkeypatch.chdir(province)
        prison("start", "--unit", "city-bureau")
        (Path(".checklist") / "keys").mkdir(exist_ok=True)
        for name, key in keys_of_unit.items():  # the province registers the unit's key, compared out of band
            (Path(".checklist") / "keys" / name).write_bytes(key)
        one = prison("verify", "--checkpoint", str(tmp_path / "a.note"))
        assert one.exit_code == 0 and "signature only" in one.stdout
        both = prison("verify", "--checkpoint", str(tmp_path / "a.note"), "--checkpoint", str(tmp_path / "b.note"))
        assert both.exit_code == 3 and "disagree on record 4" in both.stdout
        forged = (tmp_path / "a.note").read_text(encoding="utf-8").replace("\n4\n", "\n9\n")
        (tmp_path / "c.note").write_text(forged, encoding="utf-8")
        bad = prison("verify", "--checkpoint", str(tmp_path / "c.note"))
        assert bad.exit_code == 3 and "does not hold" in bad.stdout


class TestTheListOfUnits:
    """The store lists the units it holds: a folder deleted, added or copied is seen."""

    @pytest.fixture
    def two(self, prison):  # type: ignore[no-untyped-def]
        assert prison("start", "--unit", "rehab").exit_code == 0
        return prison

    def test_every_unit_started_is_listed_and_a_clean_store_says_so(self, two) -> None:
        listed = [json.loads(line) for line in (STORE / "units.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [entry["unit"] for entry in listed] == ["prison", "rehab"]
        found = two("verify", "--all")
        assert found.exit_code == 0 and "✔ units: 2 listed units present and as started, all intact" in found.stdout

    def test_a_unit_whose_file_is_deleted_does_not_vanish(self, two) -> None:
        (STORE / "units" / "rehab" / "unit.json").unlink()
        found = two("verify", "--all", "--json")
        assert found.exit_code == 3
        assert found.json()["units_list"]["problems"] == [
            "unit 'rehab' is in the store's list, but its unit file is gone (deleted?)"
        ]

    def test_a_unit_file_copied_over_another_is_an_error_not_a_crash(self, two) -> None:
        shutil.copy(STORE / "units" / "prison" / "unit.json", STORE / "units" / "rehab" / "unit.json")
        found = two("verify", "--all", "--json")
        assert found.exit_code == 3
        (problem,) = found.json()["units_list"]["problems"]
        assert "the folder of unit 'rehab' holds the unit file of 'prison'" in problem
        assert [unit["unit"] for unit in found.json()["units"]] == ["prison"]  # checked once, not twice

    def test_a_folder_added_by_hand_is_not_in_the_list(self, two) -> None:
        shutil.copytree(STORE / "units" / "rehab", STORE / "units" / "rehab-2")
        problems = two("verify", "--all", "--json").json()["units_list"]["problems"]
        assert any("the folder of unit 'rehab-2' holds the unit file of 'rehab'" in p for p in problems)

    def test_a_line_removed_from_the_list_is_seen(self, two) -> None:
        two("start", "--unit", "city-bureau")
        listed = (STORE / "units.jsonl").read_bytes().splitlines(keepends=True)
        (STORE / "units.jsonl").write_bytes(listed[0] + listed[2])
        problems = two("verify", "--all", "--json").json()["units_list"]["problems"]
        assert any("the store's list of units breaks here" in p for p in problems)

    def test_the_list_is_signed_by_whoever_started_the_unit(self, prison) -> None:
        prison("keys", "new")
        prison("start", "--unit", "rehab")
        last = json.loads((STORE / "units.jsonl").read_text(encoding="utf-8").splitlines()[-1])
        assert last["unit"] == "rehab" and last["sig"]["key"].startswith("ed25519:")
        text = (STORE / "units.jsonl").read_text(encoding="utf-8")
        forged = text.rsplit('"by":"tester"', 1)
        (STORE / "units.jsonl").write_text('"by":"李四"'.join(forged), encoding="utf-8")
        problems = prison("verify", "--all", "--json").json()["units_list"]["problems"]
        assert problems == ["the store's list of units: the signature of 'rehab''s line does not hold"]

    def test_a_store_from_before_the_list_begins_one_at_repair(self, tmp_path: Path, cli) -> None:
        fixture = Path(__file__).parent / "fixtures" / "stores" / "0.2.0" / "store"
        shutil.copytree(fixture, tmp_path / "old")
        store = ["--store", str(tmp_path / "old")]
        before = cli("verify", "--all", *store)
        assert before.exit_code == 0 and "keeps no list of its units yet" in before.stdout
        assert cli("verify", "--all", "--repair", *store).exit_code == 0
        after = cli("verify", "--all", "--json", *store).json()
        assert after["units_list"] == {"listed": 5, "problems": [], "warnings": []}


class TestSealsAgainstTheirOwnBytes:
    """A seal from format 3 is a DSSE envelope: its signature covers the exact bytes of the
    statement, so a file that says the same in other bytes no longer holds."""

    def test_pae_is_dsse_s(self) -> None:
        from checklist.core.envelope import pae

        # the test vector of the DSSE protocol (github.com/secure-systems-lab/dsse, protocol.md)
        assert pae("http://example.com/HelloWorld", b"hello world") == (
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        )

    def test_a_seal_is_a_dsse_envelope_any_implementation_can_check(self, keyed, tmp_path: Path) -> None:
        import base64

        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        keyed("na", "1", "--reason", "a")
        assert keyed("seal", "--out", "report.json").exit_code == 0
        envelope = json.loads(Path("report.json").read_text(encoding="utf-8"))
        assert set(envelope) == {"payloadType", "payload", "signatures"}
        assert envelope["payloadType"] == "application/vnd.checklist.seal+json"
        payload = base64.b64decode(envelope["payload"])
        (signature,) = envelope["signatures"]
        (public,) = (tmp_path / "config" / "keys").glob("*.json")
        raw = base64.b64decode(json.loads(public.read_text(encoding="utf-8"))["public"])
        kind = envelope["payloadType"].encode()
        signed = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)
        Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(signature["sig"]), signed)  # raises if not
        assert json.loads(payload)["entries"][0]["item"] == "system.joint-prevention"

    def test_the_same_statement_in_other_bytes_does_not_hold(self, keyed) -> None:
        from .conftest import forge_seal, seal_payload

        keyed("na", "1", "--reason", "a")
        keyed("seal", "--out", "report.json")
        same = seal_payload(Path("report.json"))  # the same fields and values, written out another way
        forge_seal(Path("report.json"), Path("spaced.json"), json.dumps(same, indent=1).encode())
        result = keyed("verify", "--seal", "spaced.json")
        assert result.exit_code == 3 and "the signature does not hold" in result.stdout
        kept = next(Path(".checklist/units/prison/seals").glob("*.json"))
        forge_seal(kept, kept, json.dumps(same, indent=1).encode())
        whole = keyed("verify")
        assert whole.exit_code == 3 and "the signature does not hold" in whole.stdout
        assert keyed("verify", "--seal", "report.json").exit_code == 0

    @pytest.mark.parametrize(
        "change",
        [
            {"payloadType": "application/vnd.in-toto+json"},
            {"signatures": []},
            {"payload": "not base64!"},
            {"signatures": [{"keyid": "ed25519:0000000000000000"}]},
        ],
    )
    def test_an_envelope_that_is_not_a_seal_s_is_refused(self, keyed, change: dict) -> None:
        keyed("seal", "--out", "report.json")
        envelope = json.loads(Path("report.json").read_text(encoding="utf-8"))
        Path("odd.json").write_text(json.dumps({**envelope, **change}), encoding="utf-8")
        result = keyed("verify", "--seal", "odd.json")
        assert result.exit_code == 3 and "is not a seal" in result.stdout + result.stderr, result

    def test_a_format_3_seal_outside_an_envelope_is_refused(self, keyed) -> None:
        from .conftest import seal_payload

        keyed("seal", "--out", "report.json")
        bare = seal_payload(Path("report.json"))
        signature = json.loads(Path("report.json").read_text(encoding="utf-8"))["signatures"][0]
        bare["sig"] = {"key": signature["keyid"], "value": signature["sig"]}
        Path("bare.json").write_text(json.dumps(bare), encoding="utf-8")
        result = keyed("verify", "--seal", "bare.json")
        assert result.exit_code == 3 and "comes in a signed envelope (DSSE)" in result.stdout + result.stderr, result


@settings(max_examples=60, deadline=None)
@given(
    order=st.lists(st.sampled_from(["chained", "legacy", "blank", "garbage"]), max_size=12),
    asked=st.lists(st.integers(min_value=-1, max_value=14), max_size=6),
    size=st.integers(min_value=1, max_value=13),
)
def test_line_hashes_asked_are_those_of_the_whole_log(order: list[str], asked: list[int], size: int) -> None:
    """LineHashes, read a batch of lines at a time, answers a record number asked for (and the
    last one) from its line when the log is whole, and from every line otherwise: whichever
    way, what reading every line would say; asked for every one, it holds every one."""
    import hashlib

    from checklist.core.blobs import LineHashes, NotAsked
    from checklist.core.chain import digest, link_of, seq_of

    from .test_store import make_draft, make_legacy

    lines, prev, seq = [], digest(b"genesis"), 0
    for kind in order:
        if kind == "chained":
            seq += 1
            record = Record.of({**make_draft(n=seq).model_dump(), "v": 2, "seq": seq, "prev": prev})
            lines.append(record.line())
            prev = digest(lines[-1])
        elif kind == "legacy":
            lines.append(make_legacy(n=len(lines)).line())
        else:
            lines.append(b"" if kind == "blank" else b'{"not": "a record", "seq":3}')
    every = {seq_of(line): digest(line) for line in lines if link_of(line) is not None and seq_of(line) is not None}
    last = next((seq_of(line) for line in reversed(lines) if link_of(line) is not None and seq_of(line)), 0)
    some, each, run = LineHashes(asked), LineHashes(None), LineHashes(None)
    for at in range(0, len(lines), size):
        batch = lines[at : at + size]
        some.add(batch)
        each.add(batch)
        whole = set(order) == {"chained"}  # as the chain check knows it: record N at line N
        run.add(batch, [hashlib.sha256(line).digest() for line in batch], at + 1 if whole else None)
    for number in asked:
        assert some.get(number) == every.get(number)
    assert some.last == each.last == run.last == last
    assert dict(each) == dict(run) == every
    if 7 not in asked and last != 7:
        with pytest.raises(NotAsked):
            some.get(7)
