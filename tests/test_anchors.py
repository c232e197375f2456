"""What anchors a log beyond the attester's reach: a consistent read while others append,
checkpoints, witnesses kept outside the store, the store's list of its units, and the seals
sent upward (see README, "Trust")."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from checklist.core.filestore import FileStore
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
