"""Subjects settled for good are counted, not listed (core/archive.py), and come back whole
when a record names them again: through the command line, as a duty officer meets them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checklist.core import catalog as catalogs

PRISON = catalogs.load().for_kind("prison")
N = {m.id: str(n) for n, m in enumerate(PRISON, start=1)}
EXAM, ISOLATION = N["prison.new-admission-exam"], N["prison.new-admission-isolation"]
INDEX = Path(".checklist/units/prison/index.json")


@pytest.fixture
def settled(run):  # type: ignore[no-untyped-def]
    """P1 admitted on the 27th with every item done (settled for good); P2 admitted, not examined."""
    for now, *args in [
        ("2020-01-27T10:00", "event", "admission", "--subject", "P1"),
        ("2020-01-27T10:30", "event", "admission", "--subject", "P2"),
        ("2020-01-27T11:00", "done", EXAM, "--subject", "P1", "--note", "n", "--set", "temperature=36.6"),
        ("2020-02-10T09:00", "done", ISOLATION, "--subject", "P1", "--note", "满14天，解除"),
    ]:
        result = run(now, *args, *(["--set", "symptoms=no"] if args[0] == "done" else []))
        assert result.exit_code == 0, (args, result)
    return run


def test_a_subject_settled_for_good_is_counted_not_listed(settled, cli) -> None:  # type: ignore[no-untyped-def]
    status = settled("2020-02-11T09:00", "status", "--json").json()
    assert status["archived_subjects"] == 1
    assert {a["id"]: a["done"] for a in status["archived"]} == {
        "prison.new-admission-isolation": 1,
        "prison.new-admission-exam": 1,
    }
    items = settled("2020-02-11T09:00", "list", "--json").json()
    assert items["format"] == 3 and {i["subject"] for i in items["items"]} == {None, "P2"}
    subjects = settled("2020-02-11T09:00", "subjects", "--json").json()
    assert [s["subject"] for s in subjects["subjects"]] == ["P2"] and subjects["archived_subjects"] == 1
    shown = settled("2020-02-11T09:00", "list").stdout
    assert "1 settled for good earlier" in shown
    assert "1 项早已办结" in settled("2020-02-11T09:00", "list", "--lang", "zh").stdout
    assert "every item settled for good" in settled("2020-02-11T09:00", "subjects").stdout
    saved = json.loads(INDEX.read_text(encoding="utf-8"))
    assert saved["archived"]["subjects"] == {"admission": "P1\tDD\n"}
    assert cli("verify").exit_code == 0  # the saved index agrees with the log


def test_a_settled_subject_named_again_comes_back_whole(settled, cli) -> None:  # type: ignore[no-untyped-def]
    reopened = settled("2020-02-11T10:00", "reopen", EXAM, "--subject", "P1", "--reason", "复查")
    assert reopened.exit_code == 0, reopened
    status = settled("2020-02-11T10:05", "status", "--json").json()
    assert status["archived_subjects"] == 0 and status["archived"] == []
    items = {(i["id"], i["subject"]): i for i in settled("2020-02-11T10:05", "list", "--json").json()["items"]}
    assert items[("prison.new-admission-exam", "P1")]["state"] == "open"
    assert items[("prison.new-admission-isolation", "P1")]["state"] == "done"
    assert items[("prison.new-admission-exam", "P1")]["records"] == 2  # its records, read again from the log
    assert cli("verify").exit_code == 0


def test_an_event_of_a_settled_subject_is_known(settled) -> None:  # type: ignore[no-untyped-def]
    again = settled("2020-02-11T10:00", "event", "admission", "--subject", "P1", "--at", "2020-01-27T10:00")
    assert again.exit_code == 0 and "recorded already" in again.stderr, again  # the same admission
    withdrawn = settled("2020-02-11T10:01", "event", "admission", "--subject", "P1", "--withdraw", "--note", "错录")
    assert withdrawn.exit_code == 0, withdrawn
    status = settled("2020-02-11T10:05", "status", "--json").json()
    assert status["archived_subjects"] == 0
    assert "P1" not in {i["subject"] for i in settled("2020-02-11T10:05", "list", "--json").json()["items"]}


def test_a_typo_in_a_subject_is_still_a_typo(settled) -> None:  # type: ignore[no-untyped-def]
    result = settled("2020-02-11T10:00", "done", EXAM, "--subject", "P9", "--note", "n")
    assert result.exit_code != 0 and "P9" in result.stderr


@pytest.mark.parametrize(
    "forged",
    [
        "P1\tDN\n",  # an item done shown as waived
        "P1\tDD\nP2\tDD\n",  # a subject not examined shown as settled
    ],
)
def test_an_edited_archive_is_caught_by_verify(settled, cli, forged: str) -> None:  # type: ignore[no-untyped-def]
    """verify folds the log again archiving as it goes (as a cold status does) and compares the
    archives: what the index counts must be what the log says."""
    settled("2020-02-11T09:00", "status")
    saved = json.loads(INDEX.read_text(encoding="utf-8"))
    assert cli("verify").exit_code == 0
    saved["archived"]["subjects"] = {"admission": forged}
    INDEX.write_text(json.dumps(saved), encoding="utf-8")
    result = cli("verify")
    assert result.exit_code == 3 and "index.json does not say what the log says" in result.stdout
