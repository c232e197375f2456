"""Size limits: what a user may write into a record, and what a store may already hold."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from checklist.core.models import MAX_NOTE

from .conftest import Result, records

LOG = Path(".checklist/units/prison/records.jsonl")


@pytest.mark.parametrize(
    ("command", "text", "kib"),
    [
        (("done", "1", "--note"), "x" * (MAX_NOTE + 1), "64.0"),
        (("block", "1", "--reason"), "长" * (MAX_NOTE // 3 + 1), "64.0"),
        (("done", "1", "--note"), "长" * 30_000, "87.9"),
    ],
)
def test_a_note_or_reason_over_64_kib_is_refused_and_nothing_recorded(
    prison: Callable[..., Result], command: tuple[str, ...], text: str, kib: str
) -> None:
    result = prison(*command, text)
    assert result.exit_code == 1 and not result.stdout
    assert result.stderr == (
        f"error: the note is {kib} KiB long; a note or reason holds at most 64 KiB\n"
        "keep a longer text in a file, and attach it with --evidence FILE\n"
    )
    assert not LOG.exists() or records() == []


def test_a_note_of_64_kib_exactly_is_recorded(prison: Callable[..., Result]) -> None:
    note = "长" * (MAX_NOTE // 3) + "x" * (MAX_NOTE % 3)
    assert len(note.encode()) == MAX_NOTE
    assert prison("done", "1", "--note", note).exit_code == 0
    assert records()[0]["note"] == note


def test_a_record_written_before_the_limit_with_a_longer_note_still_reads(prison: Callable[..., Result]) -> None:
    assert prison("done", "1", "--note", "短").exit_code == 0
    line = LOG.read_bytes().splitlines()[0]
    fields = json.loads(line)
    fields.update(id=uuid.uuid4().hex, note="长" * 200_000, seq=2, prev="sha256:" + _hash(line))
    written = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    LOG.write_bytes(line + b"\n" + written + b"\n")
    head = {"format": 1, "seq": 2, "hash": "sha256:" + _hash(written), "size": LOG.stat().st_size}
    Path(".checklist/units/prison/head.json").write_text(json.dumps(head))
    assert prison("verify").exit_code == 0
    shown = prison("log", "--json")
    assert shown.exit_code == 0 and shown.json()["records"][1]["note"] == "长" * 200_000  # type: ignore[index]


def _hash(line: bytes) -> str:
    import hashlib

    return hashlib.sha256(line).hexdigest()
