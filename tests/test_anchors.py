"""What anchors a log beyond the attester's reach: a consistent read while others append,
checkpoints, witnesses kept outside the store, the store's list of its units, and the seals
sent upward (see README, "Trust")."""

from __future__ import annotations

import json
import multiprocessing
import os
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
