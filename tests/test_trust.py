"""Trust: the hash chain, evidence, signatures and seals, attacked the ways the issue names."""

from __future__ import annotations

import hashlib
import json
import re
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core import blobs
from checklist.core.filestore import FileStore
from checklist.core.models import Record
from checklist.core.verify import chain as chain_of

from .conftest import forge_seal, seal_payload, with_nulls
from .test_store import make_draft, make_legacy, make_unit

LOG = Path(".checklist/units/prison/records.jsonl")


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore.create(tmp_path / ".checklist")


def chained(store: FileStore, count: int) -> Path:
    make_unit(store)
    for n in range(count):
        store.append(make_draft(n=n, item=f"prison.m{n % 5}"))
    return store.root / "units/prison/records.jsonl"


def lines(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines(keepends=True)


def only_problem(store: FileStore) -> str:
    report = chain_of(store, "prison")
    assert not report.ok
    ((_, message),) = report.problems
    return str(message)


class TestChain:
    def test_an_untouched_log_verifies(self, store: FileStore) -> None:
        chained(store, 20)
        report = chain_of(store, "prison")
        assert report.ok and report.records == 20 and report.last_seq == 20 and not report.warnings

    def test_an_edit_names_the_changed_record(self, store: FileStore) -> None:
        log = chained(store, 10)
        parts = lines(log)
        parts[4] = parts[4].replace(b"note 4", b"note X")
        log.write_bytes(b"".join(parts))
        assert only_problem(store) == (
            "the chain breaks at line 6 (record 6): record 5 at line 5 was changed after it was written, "
            "or a record was inserted there"
        )

    def test_an_edit_of_the_last_record_is_caught_by_the_head(self, store: FileStore) -> None:
        log = chained(store, 10)
        log.write_bytes(log.read_bytes().replace(b"note 9", b"note X"))
        assert only_problem(store) == "record 10 at line 10 was changed after it was written"

    def test_a_deletion_names_the_missing_records(self, store: FileStore) -> None:
        log = chained(store, 10)
        parts = lines(log)
        del parts[3:5]
        log.write_bytes(b"".join(parts))
        assert only_problem(store) == "records 4 to 5 are missing before line 4 (removed)"

    def test_a_reordering(self, store: FileStore) -> None:
        log = chained(store, 10)
        parts = lines(log)
        parts[3], parts[6] = parts[6], parts[3]
        log.write_bytes(b"".join(parts))
        assert only_problem(store) == (
            "records 4 and 7 are swapped: record 7 stands at line 4 and record 4 at line 7 (moved)"
        )
        parts = lines(log)
        parts[3], parts[6] = parts[6], parts[3]
        parts[5], parts[4] = parts[4], parts[5]  # a swap of neighbours
        log.write_bytes(b"".join(parts))
        assert only_problem(store) == (
            "records 5 and 6 are swapped: record 6 stands at line 5 and record 5 at line 6 (moved)"
        )
        parts = lines(log)
        parts[4], parts[5] = parts[5], parts[4]
        parts.insert(8, parts.pop(3))  # record 4 moved further on
        log.write_bytes(b"".join(parts))
        assert only_problem(store) == (
            "record 5 at line 4 is out of place: record 4, which belongs there, stands at line 9 (moved)"
        )

    def test_an_insertion_of_a_forged_record(self, store: FileStore) -> None:
        log = chained(store, 6)
        parts = lines(log)
        forged = with_nulls(make_legacy(n=99, note="forged")) + b"\n"
        parts.insert(3, forged)
        log.write_bytes(b"".join(parts))
        assert only_problem(store) == "line 4 is not linked to the chain (inserted, or damaged)"

    def test_an_insertion_with_a_valid_looking_link(self, store: FileStore) -> None:
        log = chained(store, 6)
        parts = lines(log)
        link = "sha256:" + hashlib.sha256(parts[2].rstrip(b"\n")).hexdigest()
        forged = Record.of({**make_draft(n=50).model_dump(), "v": 2, "seq": 4, "prev": link})
        parts.insert(3, forged.line() + b"\n")
        log.write_bytes(b"".join(parts))
        assert "record 4 at line 5 is out of order after record 4" in only_problem(store)

    def test_a_cut_off_end(self, store: FileStore) -> None:
        log = chained(store, 10)
        log.write_bytes(b"".join(lines(log)[:7]))
        assert only_problem(store) == (
            "the log ends at record 7 but record 10 was written: records 8 to 10 are missing (the end was cut off)"
        )

    def test_a_changed_first_record_or_unit_file(self, store: FileStore) -> None:
        chained(store, 3)
        unit_file = store.root / "units/prison/unit.json"
        unit_file.write_bytes(unit_file.read_bytes().replace("王警官".encode(), "李警官".encode()))
        assert only_problem(store) == (
            "record 1 at line 1 does not match the unit file (unit.json): the start of the log was changed"
        )

    def test_a_missing_head_is_a_problem(self, store: FileStore) -> None:
        chained(store, 3)
        (store.root / "units/prison/head.json").unlink()
        assert "head.json is missing" in only_problem(store)

    def test_a_lagging_head_after_a_crash_is_fine(self, store: FileStore) -> None:
        log = chained(store, 3)
        head = (store.root / "units/prison/head.json").read_bytes()
        store.append(make_draft(n=3))
        (store.root / "units/prison/head.json").write_bytes(head)  # as if killed before the head was written
        assert chain_of(store, "prison").ok
        store.append(make_draft(n=4))  # the next append scans and links correctly
        assert chain_of(store, "prison").ok and chain_of(store, "prison").last_seq == 5
        assert len(lines(log)) == 5

    def test_a_torn_line_is_reported_and_repaired_into_quarantine(self, store: FileStore) -> None:
        log = chained(store, 3)
        with log.open("ab") as handle:
            handle.write(b'{"v":2,"id":"ab')
        report = chain_of(store, "prison")
        assert report.torn_at == 4 and not report.problems
        assert store.repair("prison") == len(b'{"v":2,"id":"ab')
        assert chain_of(store, "prison").ok
        assert (store.root / "units/prison/records.jsonl.quarantine").is_file()


class TestUpgrade:
    def test_records_from_before_chaining_are_anchored_by_the_next_append(self, store: FileStore) -> None:
        make_unit(store)
        log = store.root / "units/prison/records.jsonl"
        legacy = [make_legacy(n=n) for n in range(3)]
        log.write_bytes(b"".join(with_nulls(r) + b"\n" for r in legacy))
        report = chain_of(store, "prison")
        assert report.ok and report.legacy == 3
        assert [str(w) for w in report.warnings] == [
            "3 records were written before chaining; the next record made anchors them"
        ]
        before = log.read_bytes()
        first = store.append(make_draft(n=3))
        assert log.read_bytes().startswith(before)  # upgraded by appending, nothing rewritten
        assert first.seq == 4 and first.prev == "sha256:" + hashlib.sha256(before).hexdigest()
        assert chain_of(store, "prison").ok and not chain_of(store, "prison").warnings
        log.write_bytes(log.read_bytes().replace(b"note 1", b"note X"))  # edit an old record
        assert only_problem(store) == (
            "record 4 at line 4 does not match the 3 records before it: the start of the log was changed"
        )


class TestCommand:
    def test_verify_prints_a_verdict_per_unit_and_exits_3_on_a_problem(self, prison) -> None:
        prison("start", "--unit", "rehab")
        prison("na", "1", "--reason", "a", "--unit", "prison")
        prison("na", "2", "--reason", "b", "--unit", "prison")
        result = prison("verify", "--all")
        assert result.exit_code == 0, result
        assert "✔ prison: intact: 2 records, chain unbroken to record 2; 0 signed, 2 unsigned" in result.stdout
        assert "✔ rehab: intact: no records yet" in result.stdout
        LOG.write_bytes(LOG.read_bytes().replace(b'"note":"a"', b'"note":"z"'))
        result = prison("verify", "--all")
        assert result.exit_code == 3
        assert (
            "✖ prison: line 2: the chain breaks at line 2 (record 2): record 1 at line 1 was changed" in result.stdout
        )
        assert prison("verify", "--unit", "prison", "--json").json()["ok"] is False

    def test_repair_from_the_command_line(self, prison) -> None:
        prison("na", "1", "--reason", "a")
        with LOG.open("ab") as handle:
            handle.write(b'{"v":2')
        assert prison("verify").exit_code == 3
        blocked = prison("na", "2", "--reason", "b")
        assert blocked.exit_code == 3 and "verify --repair" in blocked.stderr
        repaired = prison("verify", "--repair")
        assert repaired.exit_code == 0 and "moved 6 bytes" in repaired.stderr
        assert prison("na", "2", "--reason", "b").exit_code == 0


class TestEvidence:
    def test_evidence_is_copied_read_only_under_its_hash(self, prison) -> None:
        Path("notice.pdf").write_bytes(b"%PDF notice")
        assert prison("done", "5", "--note", "x", "--evidence", "notice.pdf").exit_code == 0
        sha = hashlib.sha256(b"%PDF notice").hexdigest()
        copy = Path(f".checklist/evidence/{sha[:2]}/{sha}")
        assert copy.read_bytes() == b"%PDF notice"
        assert not copy.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        assert json.loads(LOG.read_text().splitlines()[0])["evidence"][0]["stored"] is True
        Path("notice.pdf").unlink()  # the original moves away; the record stays checkable
        result = prison("verify")
        assert result.exit_code == 0 and "✔ evidence: 1 stored file re-hashed, all intact" in result.stdout

    def test_no_copy_records_the_hash_only(self, prison) -> None:
        Path("photo.jpg").write_bytes(b"jpeg")
        assert prison("done", "5", "--note", "x", "--evidence", "photo.jpg", "--no-copy").exit_code == 0
        assert not Path(".checklist/evidence").exists()
        assert json.loads(LOG.read_text())["evidence"][0]["stored"] is False

    def test_verify_catches_changed_and_missing_evidence(self, prison) -> None:
        Path("a.txt").write_text("A")
        Path("b.txt").write_text("B")
        prison("done", "5", "--note", "x", "--evidence", "a.txt")
        prison("done", "9", "--note", "x", "--evidence", "b.txt")
        a = hashlib.sha256(b"A").hexdigest()
        b = hashlib.sha256(b"B").hexdigest()
        changed = Path(f".checklist/evidence/{a[:2]}/{a}")
        changed.chmod(0o644)
        changed.write_text("tampered")
        Path(f".checklist/evidence/{b[:2]}/{b}").unlink()
        result = prison("verify")
        assert result.exit_code == 3
        assert f"evidence/{a[:2]}/{a} was changed" in result.stdout
        assert f"evidence {b[:12]}… is recorded as stored but missing" in result.stdout

    def test_refused_evidence(self, prison, tmp_path: Path) -> None:
        Path("folder").mkdir()
        outside = tmp_path / "secret.key"
        outside.write_text("private")
        Path("link.pdf").symlink_to(outside)
        Path("inside.pdf").write_text("ok")
        Path("good-link.pdf").symlink_to(Path("inside.pdf").absolute())
        Path("big.bin").write_bytes(b"x" * 2_000_001)
        prison("config", "evidence_max_mb", "2")
        cases = {
            "folder": "must be a file, not a folder",
            "missing.pdf": "evidence file not found",
            "link.pdf": "is a link to",
            "big.bin": "above this store's limit of 2 MB",
        }
        for name, message in cases.items():
            result = prison("done", "5", "--note", "x", "--evidence", name)
            assert result.exit_code == 1 and message in result.stderr, (name, result)
        assert not LOG.exists() and not Path(".checklist/evidence").exists()
        assert prison("done", "5", "--note", "x", "--evidence", "good-link.pdf").exit_code == 0
        assert prison("config", "evidence_max_mb", "lots").exit_code == 1

    def test_an_unwritable_evidence_folder_records_nothing(self, prison) -> None:
        Path(".checklist/evidence").write_text("not a folder")  # refuses folders, even to root
        Path("notice.pdf").write_text("n")
        result = prison("done", "5", "--note", "x", "--evidence", "notice.pdf")
        assert (
            result.exit_code == 1
            and "cannot store evidence" in result.stderr
            and "nothing was recorded" in result.stderr
        )
        assert not LOG.exists()


class TestSignatures:
    def test_keys_new_keeps_the_private_key_private_and_registers_the_public_one(self, keyed, tmp_path: Path) -> None:
        (pem,) = (tmp_path / "config/keys").glob("*.pem")
        assert stat.S_IMODE(pem.stat().st_mode) == 0o600
        (registered,) = Path(".checklist/keys").glob("*.json")
        public = json.loads(registered.read_text())
        assert public["name"] == "tester" and public["key"].startswith("ed25519:")
        assert "PRIVATE" not in registered.read_text()
        listed = keyed("keys", "list", "--json").json()
        assert [k["key"] for k in listed["registered"]] == [k["key"] for k in listed["own"]]

    def test_records_are_signed_and_verified(self, keyed) -> None:
        keyed("na", "1", "--reason", "a")
        keyed("na", "2", "--reason", "b", "--by", "someone-else")  # no key: unsigned
        record = json.loads(LOG.read_text().splitlines()[0])
        assert record["sig"]["alg"] == "ed25519"
        result = keyed("verify")
        assert result.exit_code == 0 and "1 signed, 1 unsigned" in result.stdout
        assert keyed("verify", "--require-signatures").exit_code == 3

    def test_a_rewritten_record_with_a_recomputed_chain_fails_its_signature(self, keyed, tmp_path: Path) -> None:
        keyed("na", "1", "--reason", "genuine")
        text = LOG.read_text().replace("genuine", "forged!")  # same length: head size still matches
        line = text.strip().encode()
        LOG.write_text(text)
        head = Path(".checklist/units/prison/head.json")
        head.write_text(
            json.dumps({"seq": 1, "hash": "sha256:" + hashlib.sha256(line).hexdigest(), "size": len(line) + 1})
        )
        result = keyed("verify")
        assert result.exit_code == 3 and "bad signature: record 1" in result.stdout

    def test_unknown_keys_and_borrowed_keys(self, keyed) -> None:
        keyed("na", "1", "--reason", "a")
        for registered in Path(".checklist/keys").glob("*.json"):
            registered.unlink()
        result = keyed("verify")
        assert result.exit_code == 3 and "unknown key: record 1" in result.stdout

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        note=st.text(max_size=40),
        figure=st.one_of(st.integers(-(2**40), 2**40), st.floats(allow_nan=False, allow_infinity=False), st.booleans()),
    )
    def test_signatures_survive_the_round_trip_through_the_file(
        self, tmp_path: Path, note: str, figure: object
    ) -> None:
        from checklist.core import keys

        root = tmp_path / f"s{uuid.uuid4().hex}"
        store = FileStore.create(root)
        make_unit(store)
        home = tmp_path / "config"
        public = keys.key_for(home, "王警官") or keys.new_key(home, "王警官")[0]
        private = keys.load_private(home, public)
        blobs.register_key(store, public)
        draft = make_draft(note=note, figures={"x": figure}, at=datetime.now(UTC))
        store.append(draft, lambda data: keys.sign(private, public, data))
        (read,) = store.records("prison")
        assert read.sig is not None and keys.signature_holds(public, read.canonical(), read.sig)


class TestSeals:
    def test_sealing_needs_a_key(self, prison) -> None:
        result = prison("seal")
        assert result.exit_code == 1 and "a seal must be signed" in result.stderr

    def test_a_seal_names_the_days_records_and_verifies(self, keyed) -> None:
        keyed("na", "1", "--reason", "a")
        keyed("na", "2", "--reason", "b")
        result = keyed("seal", "--out", "report.json")
        assert result.exit_code == 0, result
        sealed = seal_payload(Path("report.json"))
        assert [e["seq"] for e in sealed["entries"]] == [1, 2] and sealed["head"]["seq"] == 2
        assert sealed["by"] == "tester" and "sig" not in sealed
        signatures = json.loads(Path("report.json").read_text())["signatures"]
        assert [s["keyid"][:8] for s in signatures] == ["ed25519:"]
        assert keyed("verify").stdout.count("1 seal holds") == 1
        assert keyed("verify", "--seal", "report.json").exit_code == 0

    def test_a_day_in_the_future_or_before_the_start_is_refused(self, keyed) -> None:
        future = keyed("seal", "--period", "2999-01-01")
        assert future.exit_code == 1 and "has not come yet" in future.stderr
        past = keyed("seal", "--period", "2019-12-31")
        assert past.exit_code == 1 and "was started on" in past.stderr
        assert keyed("seal", "--period", "yesterday").exit_code == 1
        assert not list(Path(".checklist/units/prison").glob("seals/*"))

    def test_a_tampered_seal_or_log_fails(self, keyed) -> None:
        keyed("na", "1", "--reason", "a")
        keyed("seal", "--out", "report.json")
        forged = seal_payload(Path("report.json"))
        forged["totals"]["done"] = 99
        forge_seal(Path("report.json"), Path("forged.json"), forged)
        result = keyed("verify", "--seal", "forged.json")
        assert result.exit_code == 3 and "the signature does not hold" in result.stdout
        assert keyed("verify", "--seal", "nope.json").exit_code == 1
        Path("junk.json").write_text("{}")
        assert keyed("verify", "--seal", "junk.json").exit_code == 3

    def test_a_day_with_events_and_an_upgrade_is_sealed_with_every_record(self, keyed, tmp_path: Path) -> None:
        """Events, withdrawals and upgrades concern the unit, not an item: the seal lists them too."""
        import shutil

        from .conftest import REPO

        newer = tmp_path / "newer"
        shutil.copytree(REPO / "measures", newer)
        head = newer / "00-catalog.yaml"
        text = head.read_text(encoding="utf-8")
        head.write_text(re.sub(r'version: "[^"]+"', 'version: "2020.02.01"', text, count=1), encoding="utf-8")
        keyed("na", "1", "--reason", "a")
        assert keyed("event", "admission", "--subject", "P2020-017").exit_code == 0
        assert keyed("event", "admission", "--subject", "P2020-017", "--withdraw", "--note", "录入错误").exit_code == 0
        assert keyed("upgrade", "--catalog", str(newer)).exit_code == 0
        result = keyed("seal", "--out", "report.json")
        assert result.exit_code == 0, result
        assert "4 records" in result.stderr
        sealed = seal_payload(Path("report.json"))
        assert sealed["format"] == 6  # the readable part of the day (format 6)
        entries = sealed["entries"]
        assert [(e["seq"], e["action"]) for e in entries] == [
            (1, "na"),
            (2, "event"),
            (3, "withdrawn"),
            (4, "upgraded"),
        ]
        assert entries[0]["item"] == "system.joint-prevention"
        assert (entries[1]["event"], entries[1]["subject"]) == ("admission", "P2020-017")
        assert (entries[2]["event"], entries[2]["subject"]) == ("admission", "P2020-017")
        assert "item" not in entries[1] and "item" not in entries[3]
        upgraded = FileStore(Path(".checklist")).records("prison")[3]
        assert entries[3]["catalog"] == upgraded.catalog and "2020.02.01" in entries[3]["note"]
        assert keyed("verify").exit_code == 0 and "1 seal holds" in keyed("verify").stdout
        checked = keyed("verify", "--seal", "report.json")
        assert checked.exit_code == 0 and "4 records: holds" in checked.stdout
        forged = {**sealed, "entries": [*entries[:1], {**entries[1], "subject": "P2020-018"}, *entries[2:]]}
        forge_seal(Path("report.json"), Path("forged.json"), forged)
        assert "the signature does not hold" in keyed("verify", "--seal", "forged.json").stdout

    def test_a_seal_written_before_events_were_sealed_still_verifies(self, cli, tmp_path: Path) -> None:
        """A format 1 seal, as `checklist seal` of the first release wrote it (tests/data): signature and lines."""
        import shutil

        from .conftest import REPO

        data = REPO / "tests" / "data" / "seal-format-1"
        store = tmp_path / "store"
        shutil.copytree(data / "store", store)
        sealed = json.loads((data / "seal-format-1.json").read_text(encoding="utf-8"))
        assert sealed["format"] == 1 and len(sealed["entries"]) == 2
        result = cli("verify", "--store", str(store), "--seal", str(data / "seal-format-1.json"))
        assert result.exit_code == 0, result
        assert "seal of prison, 2026-12-03, by 王警官, 2 records: holds" in result.stdout
        whole = cli("verify", "--store", str(store))
        assert whole.exit_code == 0 and "1 seal holds" in whole.stdout
        sealed["entries"][0]["item"] = "system.joint-prevention"
        Path("forged.json").write_text(json.dumps(sealed, ensure_ascii=False), encoding="utf-8")
        forged = cli("verify", "--store", str(store), "--seal", "forged.json")
        assert forged.exit_code == 3 and "the signature does not hold" in forged.stdout


class TestDerivedData:
    def test_an_edited_index_is_caught_by_verify_and_removed_by_repair(self, prison) -> None:
        store = FileStore(Path(".checklist"))
        for n in range(20):
            action = "reopened" if n % 2 else "blocked"
            store.append(make_draft(item="prison.emergency-reserves", n=n, action=action, note=f"r{n}"))
        assert prison("status", "--json").json()["totals"]["done"] == 0  # and saves index.json
        index = Path(".checklist/units/prison/index.json")
        assert index.is_file() and prison("verify").exit_code == 0
        forged = json.loads(index.read_text())
        entry = forged["plain"]["prison.emergency-reserves|"]
        entry[2] = "done"  # at, count, action, ...
        index.write_text(json.dumps(forged))
        assert prison("status", "--json").json()["totals"]["done"] == 1  # status trusts the snapshot: fooled
        result = prison("verify")
        assert result.exit_code == 3 and "index.json does not say what the log says" in result.stdout
        assert prison("verify", "--repair").exit_code == 0 and not index.exists()
        assert prison("status", "--json").json()["totals"]["done"] == 0
