"""verify parses only the lines it must, and names what reading every line would name.

`verify` reads most lines of a log without parsing them (core/verify.py, `LogPass._look`):
a line that ends as this program writes a record without figures, evidence or signature is
skipped, and the others are peeked at before being parsed. Here logs written as a release
without today's checks, or a hand edit, could have written them (numbers past ±10^15, NaN,
infinities, events of the year 1990 or 2300, keys written with escapes, look-alike text in
notes), chained again so that the chain holds, are held to what parsing every line says.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core.chain import PREFIX, digest
from checklist.core.errors import StoreDamaged
from checklist.core.filestore import FileStore
from checklist.core.logindex import unusable
from checklist.core.store import parse_line
from checklist.core.verify import LogPass, item_at, peek, verify_store

from .test_store import T0, make_draft, make_unit

FIGURES = ["0", "7", "-3", "1.5", "999999999999999", "1000000000000000", "-1000000000000001", "12345678901234567890"]
FIGURES += ["1e20", "1E+3", "2.5e-7", "NaN", "Infinity", "-Infinity", '"text"', '"1e99"', "true", "null", "[1]"]
YEARS = ["1990", "1999", "2000", "2019", "2200", "2201", "2300", "0001"]
NOTES = ["", '"figures":{"x":1e99}', '"item":"x"', '\\"at\\":\\"0001', '},"evidence":[],', "\u001b[31m"]

Kind = tuple[str, str, str, str]  # what a record is, a figure, a year, a note


def chained_again(lines: list[bytes], genesis: bytes) -> list[bytes]:
    """The lines with each link set to the hash of the line before (the chain holds again)."""
    prev, out = digest(genesis), []
    for written in lines:
        line = written
        if line.endswith(b'"}') and b'"prev":"sha256:' in line[-90:]:
            line = line[:-66] + prev.removeprefix(PREFIX).encode() + b'"}'
        out.append(line)
        prev = PREFIX + hashlib.sha256(line).hexdigest()
    return out


def write_log(root: Path, kinds: list[Kind], unit_id: str = "prison") -> FileStore:
    store = FileStore.create(root / ".checklist")
    make_unit(store, unit_id)
    for n, (kind, _, _, note) in enumerate(kinds):
        extra: dict[str, object] = {"item": f"{unit_id}.m{n % 3}" if unit_id.isascii() else "prison.m1"}
        extra.update(note=note or None, at=T0 + timedelta(minutes=n))
        if kind == "figures":
            extra["figures"] = {"count": 1}
        elif kind == "event":
            extra.update(item=None, action="event", event="admission", subject=f"P{n}", occurred=T0)
        elif kind == "evidence":
            extra["evidence"] = [{"name": "a.pdf", "size": 3, "sha256": f"{n:064x}", "stored": True}]
        store.append(make_draft(unit_id, n=n, **extra))  # type: ignore[arg-type]
    path = root / ".checklist" / "units" / unit_id / "records.jsonl"
    lines = path.read_bytes().splitlines()
    for index, (kind, figure, year, _) in enumerate(kinds):
        line = lines[index]
        if kind == "figures":
            line = line.replace(b'"figures":{"count":1}', b'"figures":{"count":' + figure.encode() + b"}")
        elif kind == "event":
            line = line.replace(b'"occurred":"2020', b'"occurred":"' + year.encode())
        elif kind == "escaped":
            line = line.replace(b'"at":"2020', b'"\\u0061t":"' + year.encode())
        elif kind == "at":
            line = line.replace(b'"at":"2020', b'"at":"' + year.encode())
        lines[index] = line
    lines = chained_again(lines, store.genesis(unit_id))
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    (root / ".checklist" / "units" / unit_id / "head.json").unlink()  # the chain holds: no head is a problem apart
    return store


def every_line(store: FileStore, unit_id: str) -> list[object]:
    """What parsing every line says: the records the fold cannot use, in order."""
    found = []
    stream = store.stream(unit_id)
    for number, (_, line) in enumerate(stream, start=1):
        try:
            record = parse_line(stream.where, line, number, unit_id, torn=False)
        except StoreDamaged:
            continue
        problem = unusable(record)
        if problem is not None:
            found.append(problem)
    return found


kinds = st.tuples(
    st.sampled_from(["plain", "figures", "event", "evidence", "escaped", "at"]),
    st.sampled_from(FIGURES),
    st.sampled_from(YEARS),
    st.sampled_from(NOTES),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=st.lists(kinds, min_size=1, max_size=14), unit_id=st.sampled_from(["prison", "长沙-1"]))
def test_the_lines_left_unparsed_hide_no_record_the_fold_cannot_use(
    tmp_path_factory: pytest.TempPathFactory, made: list[Kind], unit_id: str
) -> None:
    store = write_log(tmp_path_factory.mktemp("look"), made, unit_id)
    found = LogPass(store.stream(unit_id), {}, set(), set()).run()
    assert found.chain.records == len(made)
    assert found.unusable == every_line(store, unit_id)
    evidence = {f"{n:064x}" for n, kind in enumerate(made) if kind[0] == "evidence"}
    assert found.evidence == evidence
    alone = verify_store(store, workers=1)
    assert verify_store(store, workers=2, split=1) == alone


def test_a_line_as_written_is_not_parsed_and_a_line_with_figures_is_peeked_at(tmp_path: Path) -> None:
    store = write_log(tmp_path, [("plain", "0", "2019", ""), ("figures", "7", "2019", ""), ("event", "", "2019", "")])
    lines = [line for _, line in store.stream("prison")]
    at = item_at("prison")
    assert lines[0][at:].startswith(b'"item":"') and lines[2][at:].startswith(b'"action":"event"')
    assert lines[0].endswith(b'"}') and b'"figures":{}' in lines[0]
    assert all(peek(line) for line in lines)
    assert not peek(lines[1].replace(b'"count":7', b'"count":1e16'))
    assert not peek(lines[2].replace(b'"occurred":"2019', b'"occurred":"2300'))
    assert not peek(b"") and not peek(b"{not json")


@given(
    actor=st.text(alphabet=st.sampled_from('ab王"\\,:{} '), max_size=8),
    at=st.sampled_from(["2020-01-26T09:00:00+08:00", "", "x"]),
    between=st.sampled_from(["", ',"clock":"2020-01-26T09:00:00Z"']),
    before=st.sampled_from(["", '"note":"\\"actor\\":\\"x\\",\\"at\\":\\"y\\"",', '"figures":{"x\\"actor":"1"},']),
)
def test_actor_and_time_are_found_as_the_regular_expression_finds_them(
    actor: str, at: str, between: str, before: str
) -> None:
    import json

    from checklist.core.verify import _ACTOR_AT, _actor_at

    line = (
        "{" + before + '"actor":' + json.dumps(actor, ensure_ascii=False) + between + ',"at":"' + at + '"}'
    ).encode()
    match = _ACTOR_AT.search(line)
    assert _actor_at(line) == (None if match is None else match.group(1, 2))
