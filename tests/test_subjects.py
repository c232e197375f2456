"""Subject ids as they are typed: one spelling per subject (NFC), and no blanks at either end
or invisible characters that would make two subjects look the same on a screen."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from checklist.core import catalog as catalogs

from .conftest import records

PRISON = catalogs.load().for_kind("prison")
EXAM = str(next(n for n, m in enumerate(PRISON, start=1) if m.id == "prison.new-admission-exam"))
LOG = Path(".checklist/units/prison/records.jsonl")


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        (" P1", "begins or ends with a blank"),
        ("P1 ", "begins or ends with a blank"),
        ("P1\u3000", "begins or ends with a blank"),  # an ideographic space, as a Chinese input method types it
        ("\u00a0P1", "begins or ends with a blank"),
        ("P\u200b1", "invisible or control character U+200B"),
        ("P1\u202e", "invisible or control character U+202E"),
        ("P\t1", "invisible or control character U+0009"),
        ("", "is empty"),
        ("   ", "is empty"),
    ],
)
def test_an_event_subject_with_blanks_at_its_ends_or_invisible_characters_is_refused(run, typed, words) -> None:
    assert run("2020-01-27T11:00", "event", "admission", "--subject", "P1", "--at", "2020-01-27T10:00").exit_code == 0
    before = LOG.read_bytes()
    result = run("2020-01-28T11:00", "event", "admission", "--subject", typed, "--at", "2020-01-28T10:00")
    assert result.exit_code == 1, result
    assert words in result.stderr and "Traceback" not in result.stderr, result
    assert LOG.read_bytes() == before  # P1 is not admitted again, its deadlines do not move


def test_a_subject_is_kept_in_one_spelling(run) -> None:
    decomposed = unicodedata.normalize("NFD", "Ṕ-甲1")
    composed = unicodedata.normalize("NFC", decomposed)
    assert decomposed != composed
    at = ("--at", "2020-01-27T10:30")
    assert run("2020-01-27T11:00", "event", "admission", "--subject", decomposed, *at).exit_code == 0
    assert records()[-1]["subject"] == composed
    again = run("2020-01-27T12:00", "event", "admission", "--subject", composed, *at)  # the same admission
    assert again.exit_code == 0 and "recorded already" in again.stderr
    done = run(
        "2020-01-27T12:00",
        "done",
        EXAM,
        "--subject",
        decomposed,
        "--note",
        "正常",
        "--set",
        "temperature=36.6",
        "--set",
        "symptoms=no",
    )
    assert done.exit_code == 0, done
    assert [(r["action"], r["subject"]) for r in records()] == [("event", composed), ("done", composed)]


def test_done_refuses_a_subject_with_blanks_and_names_the_problem(run) -> None:
    run("2020-01-27T11:00", "event", "admission", "--subject", "P1")
    before = LOG.read_bytes()
    for typed in (" P1", "P1 ", "P1\x7f"):
        result = run("2020-01-27T12:00", "done", EXAM, "--subject", typed, "--note", "x", "--set", "temperature=36.6")
        assert result.exit_code == 1, result
        assert "begins or ends with a blank" in result.stderr or "control character" in result.stderr, result
    assert LOG.read_bytes() == before


def test_withdrawal_names_the_subject_as_recorded(run) -> None:
    run("2020-01-27T11:00", "event", "admission", "--subject", unicodedata.normalize("NFD", "Ṕ1"))
    result = run("2020-01-27T12:00", "event", "admission", "--subject", "Ṕ1", "--withdraw", "--note", "录入错误")
    assert result.exit_code == 0, result
    assert [r["action"] for r in records()] == ["event", "withdrawn"]
    assert records()[1]["subject"] == "Ṕ1"


def test_the_walk_records_items_of_a_subject(run) -> None:
    """The walk names subjects from the records, not from typing: they pass the same checks."""
    run("2020-01-27T11:00", "event", "admission", "--subject", "P 1")  # a blank inside is part of the id
    answers = "n\n不涉及\n" * (len(PRISON) + 10)
    assert run("2020-01-27T12:00", "walk", input=answers).exit_code == 0
    assert ("na", "P 1") in [(r["action"], r.get("subject")) for r in records()]
