"""Nothing stored or typed reaches the terminal as a control sequence: a note, a name, a
subject, a text figure, a file name, a key name, a catalog's own texts and the problems of a
catalog are shown with every escape, bell, C1 control and bidi override made visible, and
rich markup in them is shown as it was written, never applied (a planted link, a cleared
screen). Every command, in both languages, on stdout and on stderr, and in JSON documents."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from .conftest import UNIT_READERS, Result, write_by_hand

ESCAPES = "\x1b[2J\x1b]8;;http://evil.example\x1b\\here\x1b]8;;\x1b\\\x07"
C1_BIDI = "\x9b2J\x90q\x85\u202eevil\u2066\u200f\u061c"
MARKUP = "[link=http://evil.example]m[/link]"
TEXT = ESCAPES + C1_BIDI + MARKUP  # notes, reasons, text figures, file names: anything goes
NAME = MARKUP + "王"  # names: no control or invisible character is accepted there (core/names.py)
SUBJECT = "P1[bold]x"  # subjects: no control or invisible character, no slash (core/subjects.py)
# catalog texts: the loader refuses controls but for NEL, a YAML line break; bidi passes
CAT = "\x85\u202eevil\u2066\u200f\u061c" + MARKUP
FILE = "e\x1b[2J\x07\x9b\u202e[bold]v.txt"  # a file name: no slash
# What must never reach a terminal: ESC, BEL, C1 controls, bidi overrides and isolates.
FORBIDDEN = re.compile("[\x07\x1b\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def y(text: str) -> str:
    """A YAML string holding `text`, its controls escaped (YAML allows them only so)."""
    return json.dumps(text)


CATALOG = f"""
catalog:
  name: hostile
  version: "1"
  title: {{zh: {y("标题" + CAT)}, en: {y("Title" + CAT)}}}
  issuer: {{zh: {y("发布" + CAT)}, en: {y("Issuer" + CAT)}}}
  timezone: Asia/Shanghai
  unit_kinds:
    - {{id: ward, name: {{zh: {y("病区" + CAT)}, en: {y("Ward" + CAT)}}}}}
  sections:
    - {{id: main, name: {{zh: {y("主要" + CAT)}, en: {y("Main" + CAT)}}}}}
measures:
  - id: ward.report
    title: {{zh: {y("日报" + CAT)}, en: {y("Daily report" + CAT)}}}
    detail: {{zh: {y("说明" + CAT)}, en: {y("Detail" + CAT)}}}
    applies_to: [ward]
    section: main
    priority: critical
    headline: true
    source: {{issuer: {{zh: {y("发布" + CAT)}, en: {y("Issuer" + CAT)}}}, quote: {y(CAT)}}}
    evidence: [note, figures]
    recurrence: {{every: day}}
    fields:
      - {{id: words, label: {{zh: {y("文字" + CAT)}, en: {y("Words" + CAT)}}}, type: text, unit: {y("u" + CAT)}}}
      - {{id: count, label: {{zh: {y("数" + CAT)}, en: {y("Count" + CAT)}}}, type: integer, alert: {{above: 0}}}}
    examples: [{{zh: {y("例" + CAT)}, en: {y("Example" + CAT)}}}]
  - id: ward.plain
    title: {{zh: {y("事项" + CAT)}, en: {y("Plain" + CAT)}}}
    applies_to: [ward]
    section: main
    source: {{issuer: {{zh: "发布", en: "Issuer"}}, quote: "q"}}
  - id: ward.other
    title: {{zh: {y("其他" + CAT)}, en: {y("Other" + CAT)}}}
    applies_to: [ward]
    section: main
    source: {{issuer: {{zh: "发布", en: "Issuer"}}, quote: "q"}}
  - id: ward.exam
    title: {{zh: {y("体检" + CAT)}, en: {y("Exam" + CAT)}}}
    applies_to: [ward]
    section: main
    priority: critical
    source: {{issuer: {{zh: "发布", en: "Issuer"}}, quote: "q"}}
    trigger: {{event: admission, subject: {{zh: {y("新收" + CAT)}, en: {y("Admission" + CAT)}}}}}
    deadline: {{days: 0, after: event}}
    fields:
      - {{id: note, label: {{zh: "记录", en: "Note"}}, type: text}}
"""


def _clean(result: Result, what: tuple[str, ...]) -> None:
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        found = FORBIDDEN.search(text)
        assert found is None, (what, stream, repr(found.group()) if found else "", text[-1500:])


@pytest.fixture
def hostile(
    cli: Callable[..., Result], proc: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """A store where every text field a user can fill holds escapes, controls and markup; each
    command that fills one is checked as it runs."""
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CHECKLIST_NOW", "2020-01-27T10:00")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    Path(FILE).write_text("evidence")

    def checked(*args: str, codes: tuple[int, ...] = (0,), input: str | None = None) -> Result:
        result = cli(*args, input=input)
        assert result.exit_code in codes, (args, result)
        _clean(result, args)
        return result

    checked(
        "start", "--unit", "ward", "--name", NAME, "--by", NAME, "--catalog", str(catalog), "--now", "2020-01-26T08:00"
    )
    checked("config", "user", NAME)
    monkeypatch.delenv("CHECKLIST_USER")  # from now on the store's user attests, signs and seals
    checked("keys", "new", "--name", NAME)
    # a real process: the test runner would echo the answers to stdout, as a terminal does
    walked = proc("walk", input=f"d\n{TEXT}\n{TEXT}\n3\n\nb\n{TEXT}\nq\n")  # done 1 with figures, block 2
    assert walked.exit_code == 0, walked
    _clean(walked, ("walk",))
    assert walked.stderr.count("⚠") == 1  # recorded, its alert shown
    checked("done", "1", "--note", TEXT, "--set", f"words={TEXT}", "--set", "count=3")
    checked("event", "admission", "--subject", SUBJECT, "--note", TEXT, "--at", "2020-01-26T09:00")
    checked("done", "4", "--subject", SUBJECT, "--note", TEXT, "--set", f"note={TEXT}")
    checked("block", "2", "--reason", TEXT)
    checked("done", "3", "--note", TEXT, "--evidence", FILE)
    checked("seal", "--out", "sealed.json")
    # names refuse controls and invisible characters: the refusal must not print them either
    checked("start", "--unit", "ward", "--name", TEXT, "--id", "ward-2", codes=(1,))
    checked("keys", "new", "--name", TEXT, codes=(1,))
    checked("done", "2", "--note", "n", "--by", TEXT, codes=(1,))
    checked("event", "admission", "--subject", TEXT, codes=(1,))
    checked("config", "user", TEXT, codes=(1,))
    # a note no command writes: controls escaped in the record's JSON, by hand
    # (a lone surrogate there would be damage, which the reader names: see test_store)
    at = datetime.fromisoformat("2020-01-27T09:50:00+08:00")
    hand = json.dumps(ESCAPES + C1_BIDI + "\u2028\u2029").encode()
    write_by_hand(b'"PLACEHOLDER"', hand, item="ward.other", action="blocked", at=at, note="PLACEHOLDER")
    return checked


READERS = [
    *UNIT_READERS,
    ("verify",),
    ("keys", "list"),
    ("config", "user"),
    ("verify", "--seal", "sealed.json"),
]
DOCUMENTS = [
    ("status", "--json"),
    ("status", "--all", "--json"),
    ("list", "--json"),
    ("today", "--json"),
    ("subjects", "--json"),
    ("log", "--json"),
    ("verify", "--json"),
    ("keys", "list", "--json"),
    ("verify", "--seal", "sealed.json", "--json"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_stored_text_reaches_the_terminal_as_a_control_sequence(
    hostile: Callable[..., Result], tmp_path: Path, lang: str
) -> None:
    for args in READERS:
        hostile(*args, "--lang", lang)  # every command takes --lang
    hostile("units", "--catalog", str(tmp_path / "catalog.yaml"), "--lang", lang)
    hostile("validate", str(tmp_path / "catalog.yaml"))


def test_json_documents_carry_the_texts_escaped_and_whole(hostile: Callable[..., Result]) -> None:
    for args in DOCUMENTS:
        result = hostile(*args)
        json.loads(result.stdout)
    log = json.loads(hostile("log", "--json").stdout)
    assert TEXT in [record.get("note") for record in log["records"]]  # the same text, once decoded


def test_markup_in_a_stored_text_is_shown_as_written(hostile: Callable[..., Result]) -> None:
    shown = hostile("status", "--lang", "en").stdout
    assert "[link=http://evil.example]m[/link]" in shown
    walked = hostile("list", "--lang", "en").stdout
    assert "[link=http://evil.example]m[/link]" in walked


def test_the_problems_of_a_catalog_are_shown_without_controls(hostile: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CATALOG.replace("id: ward.plain", f"id: {y('ward.' + ESCAPES)}"), encoding="utf-8")
    hostile("validate", str(bad), codes=(3,))
    hostile("validate", str(bad), "--json", codes=(3,))
    bad.write_text(CATALOG.replace('version: "1"', f"version: {y(ESCAPES)}\n  {y(ESCAPES)}: x"), encoding="utf-8")
    hostile("validate", str(bad), codes=(3,))
    hostile("status", "--catalog", str(bad), codes=(0, 3))
