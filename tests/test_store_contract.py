"""The store contract: what every backend must do, run over every backend.

A new backend (the PostgreSQL one of a later issue) is done when it is added to `BACKENDS`
and this module passes unchanged. Only the `Store` protocol is used here: capabilities
(repair, snapshots, a local cache) are tested with the backends that have them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from checklist.core import blobs, keys
from checklist.core.chain import digest
from checklist.core.errors import NotFound, StoreDamaged, UserError
from checklist.core.filestore import FileStore
from checklist.core.logindex import LogIndex
from checklist.core.memstore import MemoryStore
from checklist.core.models import CatalogRef, Draft, Record, Signature, Unit
from checklist.core.store import Blob, BlobMismatch, LogBytes, Store, decode_batch, unit_bytes
from checklist.core.verify import chain

T0 = datetime(2020, 1, 26, 9, 0, tzinfo=timezone(timedelta(hours=8)))
REF = CatalogRef(name="c", version="1", digest="sha256:" + "0" * 64)


def file_store(tmp_path: Path) -> Iterator[Store]:
    yield FileStore.create(tmp_path / ".checklist")


def memory_store(tmp_path: Path) -> Iterator[Store]:
    location = f"memory:contract-{uuid.uuid4().hex}"
    yield MemoryStore.named(location)
    MemoryStore.forget(location)


def postgresql_store(tmp_path: Path) -> Iterator[Store]:
    from checklist.core.pgstore import PgStore

    from . import pg

    url = pg.new_database()
    store = PgStore.open(url)
    yield store
    store.close()
    pg.drop_database(url)


BACKENDS: dict[str, Callable[[Path], Iterator[Store]]] = {
    "file": file_store,
    "memory": memory_store,
    "postgresql": postgresql_store,
}


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from BACKENDS[request.param](tmp_path)


def unit(unit_id: str = "prison", name: str | None = "长沙监狱") -> Unit:
    return Unit(id=unit_id, kind="prison", name=name, catalog=REF, started_at=T0, started_by="王警官")


def draft(unit_id: str = "prison", n: int = 0, **extra: object) -> Draft:
    fields: dict[str, object] = {
        "id": uuid.uuid4().hex,
        "unit": unit_id,
        "item": f"prison.m{n % 5}",
        "action": "done",
        "actor": "王警官",
        "at": T0 + timedelta(minutes=n),
        "note": f"第 {n} 条",
        "catalog": REF.digest,
    }
    return Draft.model_validate({**fields, **extra})


class TestUnits:
    def test_a_unit_reads_back_as_created(self, store: Store) -> None:
        store.create_unit(unit("prison"))
        store.create_unit(unit("rehab", name=None))
        assert store.unit("prison") == unit("prison")
        assert store.unit_ids() == ["prison", "rehab"]
        assert [u.id for u in store.units()] == ["prison", "rehab"]

    def test_a_unit_is_created_once(self, store: Store) -> None:
        store.create_unit(unit())
        with pytest.raises(UserError, match="already exists"):
            store.create_unit(unit(name="另一个"))
        assert store.unit("prison").name == "长沙监狱"

    def test_an_unknown_unit_suggests_the_closest(self, store: Store) -> None:
        store.create_unit(unit())
        with pytest.raises(NotFound) as info:
            store.unit("prisn")
        assert info.value.suggestions == ["prison"]
        with pytest.raises(NotFound):
            store.log("rehab")

    @pytest.mark.parametrize("bad", ["../x", "Prison", "a/b", "", "-x", "a" * 65])
    def test_an_unsafe_unit_id_is_refused(self, store: Store, bad: str) -> None:
        with pytest.raises(UserError):
            store.unit(bad)

    def test_the_unit_file_as_written_is_the_first_link(self, store: Store) -> None:
        store.create_unit(unit())
        log = store.log("prison")
        assert log.genesis == unit_bytes(unit())
        assert store.append(draft()).prev == digest(log.genesis)


class TestLog:
    def test_appends_are_numbered_linked_and_read_back_in_order(self, store: Store) -> None:
        store.create_unit(unit())
        written = [store.append(draft(n=n)) for n in range(5)]
        assert [r.seq for r in written] == [1, 2, 3, 4, 5]
        assert store.records("prison") == written
        log = store.log("prison")
        assert [line for line in log.lines if line.strip()] == [r.line() for r in written]
        for before, after in zip(log.lines, log.lines[1:], strict=False):
            assert Record.decode(after).prev == digest(before)
        assert log.torn == b"" and log.head is not None
        assert (log.head.seq, log.head.hash) == (5, digest(written[-1].line()))
        report = chain(store, "prison")
        assert report.ok and report.records == 5 and report.last_seq == 5

    def test_a_new_unit_has_no_records(self, store: Store) -> None:
        store.create_unit(unit())
        assert store.records("prison") == []
        assert store.log("prison").lines == [] and store.log("prison").head is None
        assert store.index("prison").count == 0
        assert chain(store, "prison").ok

    def test_an_append_to_an_unknown_unit_writes_nothing(self, store: Store) -> None:
        store.create_unit(unit())
        with pytest.raises(NotFound):
            store.append(draft("rehab"))
        assert store.unit_ids() == ["prison"]

    def test_units_have_separate_chains(self, store: Store) -> None:
        store.create_unit(unit("prison"))
        store.create_unit(unit("rehab"))
        store.append(draft("prison"))
        first = store.append(draft("rehab"))
        assert first.seq == 1 and first.prev == digest(store.log("rehab").genesis)
        assert [r.unit for r in store.records("prison")] == ["prison"]

    def test_the_index_is_the_fold_of_the_records(self, store: Store) -> None:
        store.create_unit(unit())
        for n in range(12):
            store.append(draft(n=n, action=("done", "na", "reopened")[n % 3]))
        assert store.index("prison") == LogIndex.of(store.records("prison"))

    def test_a_signed_record_carries_a_signature_over_its_bytes_as_written(self, store: Store, tmp_path: Path) -> None:
        store.create_unit(unit())
        public, private = _key(tmp_path, "王警官")
        signed: list[bytes] = []

        def signer(data: bytes) -> Signature:
            signed.append(data)
            return keys.sign(private, public, data)

        record = store.append(draft(), signer)
        (line,) = store.log("prison").lines
        assert record.sig is not None and signed == [Record.signed_part(line)]
        assert keys.signature_holds(public, Record.signed_part(line), record.sig)

    def test_concurrent_appends_are_serialised_and_each_writers_order_kept(self, store: Store) -> None:
        store.create_unit(unit())
        writers, each = 6, 40

        def write(writer: int) -> None:
            for n in range(each):
                store.append(draft(n=n, note=f"{writer}:{n}"))

        threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        records = store.records("prison")
        assert [r.seq for r in records] == list(range(1, writers * each + 1))
        assert chain(store, "prison").ok
        for writer in range(writers):
            mine = [int((r.note or "").split(":")[1]) for r in records if (r.note or "").startswith(f"{writer}:")]
            assert mine == list(range(each))


class TestStream:
    """`stream`: a unit's log a chunk at a time, each line with the offset it starts at."""

    def test_each_line_comes_with_its_own_offset_in_the_log(self, store: Store) -> None:
        store.create_unit(unit())
        written = [store.append(draft(n=n, note="长" * (n * 50))) for n in range(30)]
        data = b"".join(r.line() + b"\n" for r in written)
        stream = store.stream("prison")
        assert (stream.start, stream.end, stream.whole, stream.torn) == (0, len(data), len(data), b"")
        lines = list(stream)
        assert [line for _, line in lines] == [r.line() for r in written]
        assert all(data[at : at + len(line) + 1] == line + b"\n" for at, line in lines)
        assert [record for _, record in stream.records()] == written
        assert [at for at, _ in stream.records()] == [at for at, _ in lines]
        assert stream.genesis == store.log("prison").genesis and stream.head == store.head("prison")

    def test_batches_of_any_size_hold_every_line_once_and_whole(self, store: Store) -> None:
        store.create_unit(unit())
        written = [store.append(draft(n=n, note="x" * (n * 97))).line() for n in range(25)]
        for size in (1, 50, 333, 1 << 20):
            batches = list(store.stream("prison").batches(size))
            assert [line for _, lines in batches for line in lines] == written
            at = 0
            for first, lines in batches:
                assert first == at
                at += sum(len(line) + 1 for line in lines)

    def test_a_stream_can_start_at_any_line_it_gave(self, store: Store) -> None:
        store.create_unit(unit())
        written = [store.append(draft(n=n)) for n in range(10)]
        offsets = [at for at, _ in store.stream("prison")]
        later = store.stream("prison", start=offsets[6])
        assert [record for _, record in later.records(first_line=7)] == written[6:]
        assert [at for at, _ in store.stream("prison").lines_from(offsets[3])] == offsets[3:]

    def test_a_stream_is_the_log_as_it_was_made_while_others_append(self, store: Store) -> None:
        store.create_unit(unit())
        written = [store.append(draft(n=n)) for n in range(3)]
        stream = store.stream("prison")
        store.append(draft(n=3))
        assert [record for _, record in stream.records()] == written
        assert stream.head is not None and stream.head.seq == 3
        assert chain(store, "prison").ok

    def test_a_batch_decodes_one_record_per_line_and_names_a_damaged_one(self, store: Store) -> None:
        store.create_unit(unit())
        written = [store.append(draft(n=n)) for n in range(2)]
        lines = [line for _, line in store.stream("prison")]
        assert decode_batch([lines[0], b"", lines[1]], where="log", unit="prison", first_line=1) == [
            written[0],
            None,
            written[1],
        ]
        with pytest.raises(StoreDamaged, match=r"^log:7: record of unit 'prison' in the log of 'rehab'$"):
            decode_batch(lines, where="log", unit="rehab", first_line=7)
        with pytest.raises(StoreDamaged, match=r"^log:9: damaged record: "):
            decode_batch([lines[0], lines[1], b'{"v":2}'], where="log", unit="prison", first_line=7)


class TestBlobs:
    def test_a_blob_is_written_once_and_read_back(self, store: Store) -> None:
        data = b'{"a": 1}'
        name = hashlib.sha256(data).hexdigest()
        assert store.put_blob(Blob.CATALOG, name, data) is True
        assert store.put_blob(Blob.CATALOG, name, data) is False
        assert store.blob(Blob.CATALOG, name) == data
        assert store.blob_names(Blob.CATALOG) == [name]
        assert store.blob(Blob.CATALOG, "0" * 64) is None
        assert isinstance(store.blob_location(Blob.CATALOG, name), str)

    def test_a_hashed_blob_must_hash_to_its_name(self, store: Store) -> None:
        with pytest.raises(BlobMismatch):
            store.put_blob(Blob.EVIDENCE, "0" * 64, b"not that")
        assert store.blob_names(Blob.EVIDENCE) == []

    def test_evidence_is_kept_from_a_stream_and_read_back_as_one(self, store: Store) -> None:
        data = b"%PDF " + bytes(range(256)) * 5000
        name = hashlib.sha256(data).hexdigest()
        assert store.put_blob(Blob.EVIDENCE, name, io.BytesIO(data))
        handle = store.open_blob(Blob.EVIDENCE, name)
        assert handle is not None
        with handle:
            assert handle.read() == data
        assert blobs.check_evidence(store, {name}) == []
        assert [str(m) for m in blobs.check_evidence(store, {name, "f" * 64})] == [
            f"evidence {'f' * 12}… is recorded as stored but missing"
        ]

    def test_keys_and_seals(self, store: Store, tmp_path: Path) -> None:
        store.create_unit(unit("prison"))
        store.create_unit(unit("rehab"))
        public, _ = _key(tmp_path, "王警官")
        blobs.register_key(store, public)
        blobs.register_key(store, public)
        assert blobs.registered_keys(store) == {public.key: public}
        where = blobs.save_seal(store, "prison", "2020-01-27.3", b"{}")
        assert isinstance(where, str)
        blobs.save_seal(store, "rehab", "2020-01-27.1", b"[]")
        with pytest.raises(UserError, match="exists already"):
            blobs.save_seal(store, "prison", "2020-01-27.3", b"{}")
        assert blobs.kept_with(store, Blob.SEAL, "prison") == [("2020-01-27.3", b"{}")]
        assert store.blob_names(Blob.SEAL, prefix="rehab/") == ["rehab/2020-01-27.1"]


class TestConfig:
    def test_set_read_and_unset(self, store: Store) -> None:
        assert store.config() == {}
        store.set_config("user", "王警官")
        store.set_config("default_unit", "prison")
        assert store.config() == {"user": "王警官", "default_unit": "prison"}
        store.set_config("user", None)
        assert store.config() == {"default_unit": "prison"}


def test_every_backend_is_a_store_and_says_where_it_is(store: Store) -> None:
    assert isinstance(store, Store)
    assert isinstance(store.location, str) and store.location
    store.create_unit(unit())
    assert isinstance(store.log("prison"), LogBytes)


def test_every_store_has_its_own_id_which_does_not_change(store: Store, tmp_path: Path) -> None:
    found = store.store_id()
    assert found and store.store_id() == found == store.store_id(create=True)
    other = FileStore.create(tmp_path / "other") if isinstance(store, FileStore) else MemoryStore("other")
    assert other.store_id() not in (None, found)


def _key(tmp_path: Path, name: str) -> tuple[keys.PublicKey, keys.Ed25519PrivateKey]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    public = keys.PublicKey(
        key=keys.key_id(raw), name=name, public=base64.b64encode(raw).decode("ascii"), created_at=T0
    )
    return public, private
