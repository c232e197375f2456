"""The file store: append-only logs, damaged lines named, concurrent writers, unsafe ids refused."""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checklist.core import logfile
from checklist.core import store as stores
from checklist.core.errors import NotFound, StoreDamaged, UserError
from checklist.core.filestore import FileStore
from checklist.core.logfile import LogFile
from checklist.core.logindex import LogIndex, load
from checklist.core.models import CatalogRef, Draft, Record, Unit
from checklist.core.verify import chain as chain_of
from checklist.present.messages import hint

from .conftest import with_nulls

T0 = datetime(2020, 1, 26, 9, 0, tzinfo=timezone(timedelta(hours=8)))
REF = CatalogRef(name="c", version="1", digest="sha256:" + "0" * 64)


def make_unit(store: FileStore, unit_id: str = "prison", name: str | None = "长沙监狱") -> Unit:
    unit = Unit(id=unit_id, kind="prison", name=name, catalog=REF, started_at=T0, started_by="王警官")
    store.create_unit(unit)
    return unit


def make_draft(unit: str = "prison", item: str = "prison.visits", n: int = 0, **extra: object) -> Draft:
    """An attestation as `attest` makes it; the store links it into the chain."""
    return Draft.model_validate(_fields(unit, item, n, **extra))


def make_legacy(unit: str = "prison", item: str = "prison.visits", n: int = 0, **extra: object) -> Record:
    """A record of format 1, as written before chaining (written to the log directly)."""
    return Record.of({**_fields(unit, item, n, **extra), "v": 1})


def _fields(unit: str, item: str, n: int, **extra: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": uuid.uuid4().hex,
        "unit": unit,
        "item": item,
        "action": "done",
        "actor": "王警官",
        "at": T0 + timedelta(minutes=n),
        "note": f"note {n}",
        "catalog": REF.digest,
    }
    fields.update(extra)
    return fields


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore.create(tmp_path / ".checklist")


@given(
    st.text(alphabet="az09-_A.\n/ \u4dff\u4e00\u9fff\ua000é", max_size=70)
    | st.from_regex(r"[a-z\u4e00][a-z0-9_-]{60,66}[0-9\u9fff]", fullmatch=True)
)
@example("a" * 64)
@example("a" * 65)
@example("prison\n")
def test_the_unit_id_check_agrees_with_the_pattern_units_are_validated_by(text: str) -> None:
    import re

    from checklist.core.models import UNIT_ID

    assert stores.is_unit_id(text) == bool(re.fullmatch(UNIT_ID, text))


class TestUnits:
    def test_create_and_read_back(self, store: FileStore) -> None:
        unit = make_unit(store)
        assert store.unit("prison") == unit
        assert store.unit_ids() == ["prison"]
        assert json.loads((store.root / "units/prison/unit.json").read_text())["name"] == "长沙监狱"

    def test_a_unit_is_written_once(self, store: FileStore) -> None:
        make_unit(store)
        with pytest.raises(UserError, match="already exists"):
            make_unit(store, name="another")
        assert store.unit("prison").name == "长沙监狱"

    def test_unknown_unit_suggests(self, store: FileStore) -> None:
        make_unit(store)
        with pytest.raises(NotFound) as info:
            store.unit("prisn")
        assert info.value.suggestions == ["prison"]

    @pytest.mark.parametrize(
        "bad", ["../x", "a/b", "..", ".", "a\\b", "a\x00b", "A", "-x", "x" * 65, "", " x", "a\x1b[31m"]
    )
    def test_unsafe_ids_are_refused(self, store: FileStore, bad: str) -> None:
        with pytest.raises((UserError, ValueError)):
            store.unit(bad)
        with pytest.raises(ValueError):
            Unit(id=bad, kind="prison", catalog=REF, started_at=T0, started_by="x")

    def test_nothing_is_written_outside_the_store(self, store: FileStore, tmp_path: Path) -> None:
        with pytest.raises((UserError, ValueError)):
            store.append(make_draft(unit="../escape"))
        assert not [p for p in tmp_path.rglob("*") if "escape" in p.name]

    def test_damaged_unit_file(self, store: FileStore) -> None:
        make_unit(store)
        (store.root / "units/prison/unit.json").write_text("{not json")
        with pytest.raises(StoreDamaged, match=r"unit\.json: damaged unit file"):
            store.unit("prison")


class TestLog:
    def test_append_and_read_in_order(self, store: FileStore) -> None:
        make_unit(store)
        written = [store.append(make_draft(n=n)) for n in range(5)]
        assert store.records("prison") == written
        assert [r.seq for r in written] == [1, 2, 3, 4, 5]
        assert [r.note for r in written] == [f"note {n}" for n in range(5)]

    def test_one_line_per_record_and_nothing_rewritten(self, store: FileStore) -> None:
        make_unit(store)
        store.append(make_draft(n=0))
        log = store.root / "units/prison/records.jsonl"
        before = log.read_bytes()
        store.append(make_draft(n=1, note="第二条\n多行"))
        after = log.read_bytes()
        assert after.startswith(before)
        assert after.count(b"\n") == 2

    def test_no_records_yet(self, store: FileStore) -> None:
        make_unit(store)
        assert store.records("prison") == []

    def test_append_to_unknown_unit(self, store: FileStore) -> None:
        with pytest.raises(NotFound):
            store.append(make_draft())

    def test_damaged_line_is_reported_with_its_number(self, store: FileStore) -> None:
        make_unit(store)
        for n in range(3):
            store.append(make_draft(n=n))
        log = store.root / "units/prison/records.jsonl"
        lines = log.read_bytes().splitlines(keepends=True)
        lines[1] = b'{"v": 1, "oops": true}\n'
        log.write_bytes(b"".join(lines))
        with pytest.raises(StoreDamaged, match=r"records\.jsonl:2: damaged record"):
            store.records("prison")

    def test_record_of_another_unit_is_reported(self, store: FileStore) -> None:
        make_unit(store)
        log = store.root / "units/prison/records.jsonl"
        log.write_bytes(with_nulls(make_legacy(unit="rehab")) + b"\n")
        with pytest.raises(StoreDamaged, match=r":1: record of unit 'rehab' in the log of 'prison'"):
            store.records("prison")

    def test_torn_last_line_is_named_until_repaired_and_nothing_is_lost(self, store: FileStore) -> None:
        make_unit(store)
        first = store.append(make_draft(n=0))
        log = store.root / "units/prison/records.jsonl"
        whole = store.append(make_draft(n=1)).line()
        log.write_bytes(log.read_bytes()[: -len(whole) - 1] + whole[: len(whole) // 2])  # cut mid-line
        with pytest.raises(StoreDamaged, match=r":2: damaged record: an incomplete last line") as info:
            store.records("prison")
        assert "verify --repair" in (hint(info.value) or "")
        with pytest.raises(StoreDamaged, match="ends with an incomplete record"):
            store.append(make_draft(n=2))  # nothing is written on top of torn bytes
        assert store.repair("prison") == len(whole) // 2
        quarantined = json.loads((store.root / "units/prison/records.jsonl.quarantine").read_text())
        assert base64.b64decode(quarantined["bytes_base64"]) == whole[: len(whole) // 2]
        assert store.records("prison") == [first]
        later = store.append(make_draft(n=2))
        assert store.records("prison") == [first, later] and later.seq == 2
        assert chain_of(store, "prison").ok

    def test_a_stream_reads_whole_lines_and_leaves_the_torn_end_apart(self, store: FileStore) -> None:
        make_unit(store)
        lines = [store.append(make_draft(n=n, note="长" * 3000)).line() for n in range(3)]
        log = store.root / "units/prison/records.jsonl"
        log.write_bytes(log.read_bytes()[: -len(lines[-1]) // 2])  # cut mid-line
        stream = store.stream("prison")
        assert stream.whole == len(lines[0]) + len(lines[1]) + 2 and stream.end == log.stat().st_size
        assert stream.torn == lines[2][: len(stream.torn)] and stream.torn
        for size in (7, 4096, 1 << 20):  # lines longer than a chunk come whole
            assert [line for _, batch in stream.batches(size) for line in batch] == lines[:2]
        with pytest.raises(StoreDamaged, match=r":3: damaged record: an incomplete last line"):
            list(stream.records())
        assert [at for at, _ in stream.lines_from(stream.whole)] == []

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
    def test_a_log_that_is_not_a_regular_file_is_refused_before_it_is_read(self, store: FileStore) -> None:
        make_unit(store)
        os.mkfifo(store.root / "units/prison/records.jsonl")
        with pytest.raises(StoreDamaged, match="not a regular file"):
            store.stream("prison")


class TestConfig:
    def test_set_and_unset(self, store: FileStore) -> None:
        store.set_config("user", "张三")
        assert store.config() == {"user": "张三"}
        store.set_config("user", None)
        assert store.config() == {}

    def test_damaged_config(self, store: FileStore) -> None:
        (store.root / "config.json").write_text("[1, 2]")
        with pytest.raises(StoreDamaged, match=r"config\.json"):
            store.config()


def _writer(root: str, worker: int, count: int) -> None:
    store = FileStore(Path(root))
    for n in range(count):
        store.append(make_draft(n=n, note=f"w{worker}-{n}", actor=f"writer-{worker}"))


class TestConcurrency:
    def test_eight_processes_append_five_hundred_records_each(self, store: FileStore) -> None:
        make_unit(store)
        context = multiprocessing.get_context("spawn")
        workers = [context.Process(target=_writer, args=(str(store.root), w, 500)) for w in range(8)]
        for process in workers:
            process.start()
        for process in workers:
            process.join(timeout=120)
            assert process.exitcode == 0
        records = store.records("prison")
        assert len(records) == 4000
        assert len({r.id for r in records}) == 4000
        assert [r.seq for r in records] == list(range(1, 4001))
        for worker in range(8):
            notes = [r.note for r in records if r.actor == f"writer-{worker}"]
            assert notes == [f"w{worker}-{n}" for n in range(500)]  # each writer's order is kept
        report = chain_of(store, "prison")
        assert report.ok and report.records == 4000 and report.last_seq == 4000


class TestIndexSnapshot:
    """The saved index is an accelerator only: it must never change or hide what the log says."""

    def fill(self, store: FileStore, count: int, start: int = 0) -> list[Record]:
        records = [
            make_legacy(item=f"prison.m{n % 7}", n=n, action=("done", "na", "reopened")[n % 3])
            for n in range(start, start + count)
        ]
        log = store.root / "units/prison/records.jsonl"
        with log.open("ab") as handle:  # written as append would, in bulk
            handle.write(b"".join(with_nulls(r) + b"\n" for r in records))
        return records

    def saved(self, store: FileStore) -> LogIndex:
        index = store.index("prison")
        store.save_index("prison", index)
        assert (store.root / "units/prison/index.json").is_file()
        return index

    def test_index_with_a_snapshot_equals_a_full_fold(self, store: FileStore) -> None:
        make_unit(store)
        records = self.fill(store, 600)
        first = self.saved(store)
        records += self.fill(store, 37, start=600)
        extra = store.append(make_draft(item="prison.m3", n=999))
        again = store.index("prison")
        expected = LogIndex.of([*records, extra])
        assert again == expected and first.count == 600 and again.count == 638

    def test_a_snapshot_is_trusted_for_the_log_it_was_saved_for_without_reading_it(self, store: FileStore) -> None:
        make_unit(store)
        self.fill(store, 50)
        self.saved(store)
        log = store.root / "units/prison/records.jsonl"
        read: list[tuple[int, int]] = []
        original = LogFile.read

        def counted(self: LogFile, at: int, size: int) -> bytes:
            read.append((at, size))
            return original(self, at, size)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(LogFile, "read", counted)
            assert store.index("prison").count == 50 and read == []  # same size, inode and time: nothing read
            os.utime(log, ns=(0, 0))
            assert store.index("prison").count == 50 and len(read) == 1  # another time: the last line is checked
            self.fill(store, 3, start=50)
            read.clear()
            assert store.index("prison").count == 53 and read[0][0] > 0  # grown: only the lines after it are read

    def test_an_index_kept_by_each_append_reads_nothing_after_it(self, store: FileStore) -> None:
        make_unit(store)
        index = self.saved(store)
        for n in range(5):
            store.append(make_draft(item="prison.m1", n=n), index=index)
        store.save_index("prison", index)
        assert index.count == 5 and index.end == (store.root / "units/prison/records.jsonl").stat().st_size
        assert store.index("prison") == LogIndex.of(store.records("prison"))

    def test_an_append_by_someone_else_is_folded_before_one_s_own(self, store: FileStore) -> None:
        make_unit(store)
        mine = self.saved(store)
        theirs = store.index("prison")
        store.append(make_draft(item="prison.m1", n=1), index=theirs)
        store.append(make_draft(item="prison.m2", n=2), index=mine)  # mine has not seen theirs yet
        store.save_index("prison", mine)
        assert mine == LogIndex.of(store.records("prison")) == store.index("prison")

    def test_an_edited_log_is_read_in_full_and_its_damage_reported(self, store: FileStore) -> None:
        make_unit(store)
        self.fill(store, 600)
        self.saved(store)
        log = store.root / "units/prison/records.jsonl"
        lines = log.read_bytes().splitlines(keepends=True)
        lines[10] = (
            lines[10].replace(b'"action":"done"', b'"action":"gone"').replace(b'"action":"na"', b'"action":"gone"')
        )
        log.write_bytes(b"".join(lines))
        with pytest.raises(StoreDamaged, match=r"records\.jsonl:11: damaged record"):
            store.index("prison")

    def test_a_history_rewritten_in_the_middle_is_verify_s_to_find(self, store: FileStore) -> None:
        """As git trusts its index for a file whose size and time it knows, status trusts the
        saved index for a log whose last line is as it was; the chain is verify's to check."""
        make_unit(store)
        for n in range(20):
            store.append(make_draft(item=f"prison.m{n}", n=n, action=("done", "blocked")[n % 2]))
        saved = self.saved(store)
        log = store.root / "units/prison/records.jsonl"
        data = log.read_bytes()
        swapped = data.replace(b'"action":"blocked"', b'"action":"partial"', 1)
        assert len(swapped) == len(data) and swapped != data
        log.write_bytes(swapped)
        assert store.index("prison") == saved  # the last line is as it was
        assert store.index("prison", fresh=True) != saved
        assert not chain_of(store, "prison").ok  # what verify says

    def test_damage_after_the_snapshot_names_the_right_line(self, store: FileStore) -> None:
        make_unit(store)
        self.fill(store, 600)
        self.saved(store)
        with (store.root / "units/prison/records.jsonl").open("ab") as handle:
            handle.write(b"{oops}\n")
        with pytest.raises(StoreDamaged, match=r"records\.jsonl:601: damaged record"):
            store.index("prison")

    def test_a_snapshot_reads_records_only_when_asked_for(self, store: FileStore) -> None:
        make_unit(store)
        records = self.fill(store, 600)
        self.saved(store)
        log = (store.root / "units/prison/records.jsonl").read_bytes()
        asked: list[int] = []

        def fetch(at: int) -> Record:
            asked.append(at)
            return Record.decode(log[at : log.index(b"\n", at)])

        _, index = load((store.root / "units/prison/index.json").read_bytes(), fetch)
        latest = [r for r in records if r.item == "prison.m3"][-1]
        assert asked == [] and index.entry("prison.m3").action == latest.action
        assert index.entry("prison.m3").last == latest and len(asked) == 1

    def test_a_snapshot_whose_offsets_are_not_line_starts_is_removed_when_met(self, store: FileStore) -> None:
        make_unit(store)
        records = self.fill(store, 600)
        self.saved(store)
        snapshot = store.root / "units/prison/index.json"
        saved = json.loads(snapshot.read_text())
        saved["plain"]["prison.m1|"][0] += 1  # at: one byte into a line
        snapshot.write_text(json.dumps(saved))
        index = store.index("prison")
        with pytest.raises(StoreDamaged, match="does not fit the log: it was removed"):
            index.entry("prison.m1").last  # noqa: B018 - read from the log
        assert not snapshot.exists() and store.index("prison") == LogIndex.of(records)
        saved["plain"] = {"prison.m1|": ["seven", 1, "done", None, {}, None, None]}
        snapshot.write_text(json.dumps(saved))
        assert store.index("prison") == LogIndex.of(records)
        saved["plain"] = {"prison.m1|": [10**9, 1, "done", None, {}, None, None]}  # past the end of the log
        snapshot.write_text(json.dumps(saved))
        assert store.index("prison") == LogIndex.of(records)

    def test_a_damaged_line_read_by_its_offset_is_named(self, tmp_path: Path) -> None:
        log = tmp_path / "records.jsonl"
        log.write_bytes(b'{"v": 1}\n{"oops"}\n')
        with pytest.raises(StoreDamaged, match=r"records\.jsonl:2: damaged record"):
            LogFile(log, "prison").fetch(9)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_any_log_folds_the_same_through_snapshots(
        self, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
    ) -> None:
        """Whatever the records, reading them in rounds through saved snapshots gives the full fold."""
        store = FileStore.create(tmp_path_factory.mktemp("fold") / ".checklist")
        make_unit(store)
        written: list[Record] = []
        for _ in range(data.draw(st.integers(1, 5))):
            batch = data.draw(st.lists(_any_record(written), max_size=8))
            written += batch
            with (store.root / "units/prison/records.jsonl").open("ab") as handle:
                handle.write(b"".join(r.line() + b"\n" for r in batch))
            index = store.index("prison")
            assert index == LogIndex.of(written)
            store.save_index("prison", index)
            assert store.index("prison") == index  # read again, now through the snapshot it saved

    def test_a_corrupt_or_deleted_snapshot_is_rebuilt(self, store: FileStore) -> None:
        make_unit(store)
        records = self.fill(store, 600)
        self.saved(store)
        snapshot = store.root / "units/prison/index.json"
        snapshot.write_text("{broken")
        assert store.index("prison") == LogIndex.of(records)
        snapshot.unlink()
        assert store.index("prison") == LogIndex.of(records)


@st.composite
def _any_record(draw: st.DrawFn, written: list[Record]) -> Record:
    """A record of any kind over a few items, subjects and periods, approvals of earlier ones included."""
    action = draw(
        st.sampled_from(["done", "partial", "na", "blocked", "reopened", "approved", "event", "withdrawn", "upgraded"])
    )
    n = len(written)
    extra: dict[str, object] = {
        "item": draw(st.sampled_from(["prison.m1", "prison.m2"])),
        "action": action,
        "subject": draw(st.sampled_from([None, "P-1", "P-2"])),
        "period": draw(st.sampled_from([None, "2020-01-26", "2020-01-27T08:00"])),
    }
    if action in ("event", "withdrawn"):
        extra |= {"item": None, "event": "admission", "subject": extra["subject"] or "P-3", "period": None}
    elif action == "upgraded":
        extra |= {"item": None, "subject": None, "period": None, "catalog": "sha256:" + "1" * 64}
    elif action == "approved":
        earlier = [r for r in written if r.item is not None and r.action not in ("approved",)]
        extra["approves"] = draw(st.sampled_from(earlier)).id if earlier and draw(st.booleans()) else uuid.uuid4().hex
    else:
        extra["until"] = draw(st.sampled_from([None, datetime(2020, 2, 1).date()]))
        extra["figures"] = draw(
            st.dictionaries(st.sampled_from(["fever", "temp"]), st.integers(0, 3) | st.floats(35, 42))
        )
        extra["measure"] = draw(st.sampled_from([None, "sha256:" + "a" * 64, "sha256:" + "b" * 64]))
    return Record.of({**_fields("prison", "", n), **extra, "v": 1})


class TestFoldCheckedAside:
    """A cold fold of a long log reads its lines for their types only and has another process
    check them meanwhile (logfile.ASIDE_FROM): what it finds is what a fold checking each line
    finds, and a damaged line is named as that fold names it."""

    def _log(self, store: FileStore, count: int) -> Path:
        make_unit(store)
        for n in range(count):
            store.append(make_draft(n=n, action=("done", "reopened")[n % 2], note=f"第{n}次"))
        return store.root / "units/prison/records.jsonl"

    def test_the_same_index_as_a_fold_checking_each_line(self, store: FileStore, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        self._log(store, 40)
        plain = store.index("prison", fresh=True)
        monkeypatch.setattr(logfile, "ASIDE_FROM", 0)
        monkeypatch.setattr(logfile, "CHUNK", 700)  # a few lines a batch
        assert store.index("prison", fresh=True) == plain

    @pytest.mark.parametrize("bad", [b'"id":"zz', b'"actor":"\\u0007'])
    def test_a_damaged_line_found_aside_is_named(self, store: FileStore, monkeypatch, bad: bytes) -> None:  # type: ignore[no-untyped-def]
        log = self._log(store, 30)
        lines = log.read_bytes().split(b"\n")
        field = bad.split(b":")[0] + b':"'
        at = lines[17].index(field) + len(field)
        lines[17] = lines[17][:at] + bad[len(field) :] + lines[17][at + len(bad) - len(field) :]
        log.write_bytes(b"\n".join(lines))
        monkeypatch.setattr(logfile, "ASIDE_FROM", 0)
        monkeypatch.setattr(logfile, "CHUNK", 700)
        with pytest.raises(StoreDamaged) as found:
            store.index("prison", fresh=True)
        assert found.value.message.code == "store.damaged_record" and found.value.message.params["line"] == 18
