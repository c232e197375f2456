"""verify read by several processes says exactly what verify read in order says.

A large store is verified by a pool of processes: units shared among them, and each long
log cut into parts checked from the line before each part (core/verify.py, `audits`).
Here every log is cut (split=1) and the verdicts are held to those of one process: on a
store with signatures, approvals, evidence, records the fold cannot use and unsigned
records of a key holder, and on the same store damaged in every way a log can be.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core import blobs, keys
from checklist.core import checkpoint as checkpoints
from checklist.core.chain import digest
from checklist.core.filestore import FileStore
from checklist.core.store import Blob
from checklist.core.verify import Plan, audits, verify_store, wanted_hashes

from .test_store import T0, make_draft, make_unit
from .test_store_contract import _key

LOG = "units/prison/records.jsonl"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of two units: a long log with a bit of everything verify looks into, and a short one."""
    folder = tmp_path_factory.mktemp("parallel")
    store = FileStore.create(folder / ".checklist")
    make_unit(store)
    make_unit(store, "rehab")
    public, private = _key(folder, "王警官")
    blobs.register_key(store, public)

    def signer(data: bytes) -> keys.Signature:
        return keys.sign(private, public, data)

    written = []
    for n in range(240):
        extra: dict[str, object] = {"item": f"prison.m{n % 5}"}
        if n % 50 == 7:
            extra["evidence"] = [{"name": "a.pdf", "size": 3, "sha256": f"{n:064x}", "stored": True}]
        if n % 60 == 11:
            extra["figures"] = {"infections": 10**16}  # no count can be that: status leaves it out
        if n % 70 == 13:
            extra.update(item=None, action="event", event="admission", subject=f"P{n}")
            extra["occurred"] = datetime(1990, 1, 1, tzinfo=T0.tzinfo)
        if n % 40 == 21 and written:
            extra.update(action="approved", approves=written[n - 20].id)
        draft = make_draft(n=n, note="长" * (n % 9) * 40, **extra)  # type: ignore[arg-type]
        written.append(store.append(draft, signer if n % 3 else None))
    for n in range(5):
        store.append(make_draft("rehab", n=n))
    genesis = store.genesis("prison")
    size = 150
    line = store.log("prison").lines[size - 1]
    point = checkpoints.Checkpoint(checkpoints.origin("prison", digest(genesis)), size, digest(line))
    signature = base64.b64decode(signer(point.text()).value)
    blobs.save_checkpoint(store, "prison", size, public.key, checkpoints.note(point, public, signature))
    return folder


def both(root: Path) -> None:
    """The verdicts of one process and of two, every log cut in two, are the same."""
    store = FileStore.open(root / ".checklist")
    alone = verify_store(store, workers=1)
    shared = verify_store(store, workers=2, split=1)
    assert shared == alone


def test_a_store_with_a_bit_of_everything_verifies_the_same_read_in_parts(made: Path) -> None:
    store = FileStore.open(made / ".checklist")
    alone = verify_store(store, workers=1)
    prison = next(v for v in alone.units if v.unit.id == "prison")
    assert prison.chain.ok and prison.chain.records == 240
    assert prison.signed == 160 and prison.checkpoints == 1 and not prison.seal_problems
    assert prison.unusable and prison.identity_problems and alone.evidence_problems
    assert verify_store(store, workers=2, split=1) == alone
    assert verify_store(store, workers=2, split=1 << 40) == alone  # whole logs shared among the workers


def test_line_hashes_read_in_parts_are_those_read_in_order(made: Path) -> None:
    store = FileStore.open(made / ".checklist")
    unit = store.unit("prison")
    seal = store.blob_location(Blob.SEAL, "prison/2020-01-26.1")
    Path(seal).parent.mkdir(exist_ok=True)
    try:
        Path(seal).write_bytes(b"{}")  # a seal kept: every line hash is wanted
        for wanted in (None, {1, 2, 119, 120, 121, 240}):
            plans = [Plan(unit, store.stream("prison"), wanted)]
            alone, shared = (audits(store, plans, {}, set(), workers, split=1) for workers in (1, 2))
            assert dict(shared[0].hashes) == dict(alone[0].hashes)
            assert len(dict(alone[0].hashes)) == (240 if wanted is None else 6)
        assert wanted_hashes(store, unit, {}) is None
    finally:
        Path(seal).unlink()


DAMAGE = ["delete", "swap", "edit", "blank", "torn", "duplicate", "legacy", "unlink head"]


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(DAMAGE), where=st.integers(0, 239))
def test_a_damaged_log_is_judged_the_same_read_in_parts(made: Path, tmp_path: Path, kind: str, where: int) -> None:
    root = Path(tempfile.mkdtemp(prefix=f"{kind}-{where}-", dir=tmp_path))
    shutil.copytree(made, root, dirs_exist_ok=True)
    log = root / ".checklist" / LOG
    lines = log.read_bytes().splitlines(keepends=True)
    if kind == "delete":
        del lines[where]
    elif kind == "swap":
        lines[where], lines[where - 1] = lines[where - 1], lines[where]
    elif kind == "edit":
        lines[where] = lines[where].replace(b"note", b"NOTE").replace(b'"at":"2020', b'"at":"2021')
    elif kind == "blank":
        lines.insert(where, b"\n")
    elif kind == "torn":
        lines = [*lines[:where], lines[where][:-7]]
    elif kind == "duplicate":
        lines.insert(where, lines[where])
    elif kind == "legacy":
        lines[0] = b'{"v":1' + lines[0][6:]
    else:
        (root / ".checklist/units/prison/head.json").unlink()
    log.write_bytes(b"".join(lines))
    both(root)


def test_a_store_held_in_memory_is_read_here(made: Path) -> None:
    """A log no other process can read (a store in memory) is read in this process."""
    from checklist.core.memstore import MemoryStore

    store = MemoryStore("parallel")
    make_unit(store)  # type: ignore[arg-type]
    for n in range(20):
        store.append(make_draft(n=n, at=T0 + timedelta(hours=n)))
    assert verify_store(store, workers=2, split=1) == verify_store(store, workers=1)
