"""One input must never disable a unit: a figure too large for any count is refused when it is
typed, and a record already written that the fold cannot use (an absurd figure, an impossible
moment) is reported by the commands that read it, never fatal to them."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist.core import catalog as catalogs
from checklist.core.errors import StoreDamaged, UserError
from checklist.core.figures import alerts, parse_value, usable
from checklist.core.filestore import FileStore
from checklist.core.logindex import LogIndex
from checklist.core.models import CatalogRef, Draft, FieldSpec, Record, Text, Unit
from checklist.core.status import unit_status

from .conftest import UNIT_READERS, Result, three_zeros, write_by_hand

START, NOW = "2020-01-26T09:00", "2020-01-27T10:00"
PLACEHOLDER = 424242424242
LABEL = Text(zh="数", en="count")


def strict_json(text: str) -> object:
    """JSON as the standard defines it: no NaN, no Infinity."""

    def refuse(name: str) -> object:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("typed", ["1" + "0" * 309, "1" + "0" * 16, "9" * 5000])
def test_an_integer_too_large_for_a_count_is_refused_when_typed(prison: Callable[..., Result], typed: str) -> None:
    result = prison("done", "2", "--note", "n", *three_zeros(infections=typed))
    assert result.exit_code == 1, result
    assert "infections" in result.stderr and "10^15" in result.stderr
    assert not Path(".checklist/units/prison/records.jsonl").exists()


@pytest.mark.parametrize("typed", ["1e16", "-1e300", "1e308", "inf", "nan"])
def test_a_number_past_any_sane_size_is_refused(typed: str) -> None:
    spec = FieldSpec(id="x", label=LABEL, type="number")
    with pytest.raises(UserError):
        parse_value(spec, typed)
    assert parse_value(spec, "1e15") == 1e15
    integer = FieldSpec(id="n", label=LABEL, type="integer")
    assert parse_value(integer, "-1000000000000000") == -(10**15)
    with pytest.raises(UserError, match="10\\^15"):
        parse_value(integer, "-" + "9" * 20)


@pytest.mark.parametrize("value", [10**309, math.inf, -math.inf, math.nan, 10**16])
def test_alerts_skip_a_value_no_threshold_can_judge(value: float) -> None:
    spec = FieldSpec.model_validate({"id": "x", "label": LABEL, "type": "integer", "alert": {"above": 0}})
    assert alerts([spec], {"x": value}) == []
    assert alerts([spec], {"x": 3}) == [spec]


@given(st.text(max_size=40) | st.integers().map(str) | st.floats(allow_nan=True, allow_infinity=True).map(repr))
def test_a_typed_figure_is_usable_or_refused_as_a_user_error(typed: str) -> None:
    for kind in ("integer", "number"):
        try:
            value = parse_value(FieldSpec(id="x", label=LABEL, type=kind), typed)
        except UserError:
            continue
        assert usable(value)


CATALOG = catalogs.load()
UNIT = Unit(
    id="prison",
    kind="prison",
    catalog=CatalogRef(name=CATALOG.meta.name, version=CATALOG.meta.version, digest=CATALOG.digest),
    started_at=datetime.fromisoformat("2020-01-26T09:00:00+08:00"),
    started_by="tester",
)
FIGURES = st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=5)


@given(st.lists(st.dictionaries(st.sampled_from(["infections", "reported_cases", "x"]), FIGURES), max_size=6))
def test_the_fold_leaves_out_exactly_the_records_with_a_figure_it_cannot_use(reports: list[dict[str, object]]) -> None:
    records = [
        Record.of(
            {
                "v": 1,
                "id": uuid.uuid4().hex,
                "unit": "prison",
                "item": "system.three-zeros",
                "action": "done",
                "actor": "a",
                "at": "2020-01-27T09:00:00+08:00",
                "period": "2020-01-27",
                "figures": figures,
                "catalog": CATALOG.digest,
            }
        )
        for figures in reports
    ]
    status = unit_status(UNIT, CATALOG, LogIndex.of(records), datetime.fromisoformat("2020-01-27T12:00:00+08:00"))
    left_out = [r for r in records if not all(usable(v) for v in r.figures.values())]
    assert [m.params["id"] for m in status.unusable] == [r.id for r in left_out]
    (report,) = [s for s in status.items if s.item.id == "system.three-zeros"]
    assert all(usable(v) for v in report.latest.values()) and all(usable(v) for v in report.totals.values())


# -- records already written -------------------------------------------------------------


ABSURD_FIGURES = [b"1" + b"0" * 309, b"1e400", b"-1e400", b"NaN", b"Infinity", b"10000000000000001"]


def _figure(absurd: bytes) -> None:
    figures = {"infections": PLACEHOLDER, "reported_cases": 0, "hype_incidents": 0}
    write_by_hand(
        str(PLACEHOLDER).encode(),
        absurd,
        at=datetime.fromisoformat("2020-01-27T09:30:00+08:00"),
        item="system.three-zeros",
        action="done",
        period="2020-01-27",
        note="n",
        figures=figures,
    )


def _moment(absurd: bytes) -> None:
    write_by_hand(
        b"2020-01-27T09:00:00+08:00",
        absurd,
        at=datetime.fromisoformat("2020-01-27T09:30:00+08:00"),
        action="event",
        event="admission",
        subject="P1",
        occurred=datetime.fromisoformat("2020-01-27T09:00:00+08:00"),
    )


CASES = [
    *[pytest.param(_figure, absurd, id=f"figure-{absurd[:12].decode()}") for absurd in ABSURD_FIGURES],
    pytest.param(_moment, b"0001-01-01T00:00:00+08:00", id="occurred-year-1"),
    pytest.param(_moment, b"9999-12-31T23:59:59-12:00", id="occurred-year-9999"),
]
READERS = UNIT_READERS


@pytest.fixture
def absurd_store(cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    assert cli("start", "--unit", "prison", "--now", START).exit_code == 0
    monkeypatch.setenv("CHECKLIST_NOW", NOW)
    return cli


@pytest.mark.parametrize(("write", "absurd"), CASES)
def test_every_reader_survives_a_record_it_cannot_use_and_names_it(
    absurd_store: Callable[..., Result], write: Callable[[bytes], None], absurd: bytes
) -> None:
    cli = absurd_store
    write(absurd)
    for lang in ("en", "zh"):
        for args in READERS:
            shown = cli(*args, "--lang", lang)
            assert shown.exit_code == 0, (args, shown)
        for args in [a for a in READERS if a != ("list", "--missed")]:
            document = cli(*args, "--json")
            assert document.exit_code == 0, (args, document)
            strict_json(document.stdout)
    status = cli("status")
    assert "1 record could not be used" in status.stdout, status
    assert "record 1" in status.stdout
    document = strict_json(cli("status", "--json").stdout)
    assert isinstance(document, dict)
    assert [u["seq"] for u in document["unusable"]] == [1]
    verified = cli("verify")
    assert verified.exit_code == 0, verified
    assert "could not be used" in verified.stdout
    assert strict_json(cli("verify", "--json").stdout)


def test_the_unit_can_be_reported_on_again_after_an_absurd_figure(absurd_store: Callable[..., Result]) -> None:
    cli = absurd_store
    _figure(b"1" + b"0" * 309)
    again = cli("done", "2", "--note", "corrected", *three_zeros(infections=1))
    assert again.exit_code == 0, again
    assert "alert" in again.stderr
    assert cli("reopen", "2", "--reason", "checking").exit_code == 0
    status = cli("status", "--json")
    assert status.exit_code == 0, status
    assert [u["seq"] for u in strict_json(status.stdout)["unusable"]] == [1]  # type: ignore[index]


def test_the_saved_index_lists_the_records_left_out_and_one_holding_an_absurd_figure_is_rebuilt(
    absurd_store: Callable[..., Result],
) -> None:
    cli = absurd_store
    _figure(b"1e400")
    store = FileStore.open(Path(".checklist"))
    unit = store.unit("prison")
    for n in range(6):
        store.append(
            Draft.model_validate(
                {
                    "id": uuid.uuid4().hex,
                    "unit": "prison",
                    "item": "system.three-level-duty",
                    "action": ("done", "reopened")[n % 2],
                    "actor": "tester",
                    "at": datetime.fromisoformat("2020-01-27T09:40:00+08:00"),
                    "note": "n",
                    "period": "2020-01-27",
                    "catalog": unit.catalog.digest,
                }
            )
        )
    folded = store.index("prison")
    store.save_index("prison", folded)
    saved = Path(".checklist/units/prison/index.json")
    assert saved.is_file() and len(folded.unusable) == 1
    assert store.index("prison") == folded  # through the saved index
    assert "1 record could not be used" in cli("status").stdout
    document = json.loads(saved.read_bytes())
    assert document["unusable"] == folded.unusable
    document["tables"]["system.three-level-duty|"]["figures"] = {"x": [10**20]}
    saved.write_text(json.dumps(document))
    with pytest.raises(StoreDamaged) as found:  # when its table is read
        assert store.index("prison") == folded
    assert found.value.message.code == "store.index_stale"
    assert not saved.exists()  # removed: the next command folds the log again
    assert store.index("prison") == folded
    document["memos"] = {}  # what status worked out of the table: without it, the table is read
    saved.write_text(json.dumps(document))
    assert cli("status").exit_code == 0  # status reads the table, finds it amiss and folds the log again
    assert store.index("prison") == folded
    del document["tables"]["system.three-level-duty|"]["figures"]["x"]
    document["events"] = {"admission|P9": [0, "event", "0001-01-01T00:00:00+08:00"]}
    saved.write_text(json.dumps(document))
    assert store.index("prison") == folded
    assert cli("status").exit_code == 0


@pytest.mark.parametrize("at", [b"0001-01-01T00:00:00+08:00", b"9999-12-31T23:59:59-12:00"])
def test_a_record_dated_at_the_edges_of_time_is_no_day_s_to_seal(
    absurd_store: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, at: bytes
) -> None:
    cli = absurd_store
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    assert cli("keys", "new").exit_code == 0
    moment = b"2020-01-27T09:30:00+08:00"
    fields = {"at": datetime.fromisoformat(moment.decode()), "item": "system.three-level-duty", "note": "n"}
    write_by_hand(moment, at, action="done", **fields)
    for args in (("status",), ("today",), ("log",), ("log", "--json"), ("seal",)):
        result = cli(*args)
        assert result.exit_code == 0, (args, result)
    result = cli("verify")
    if at.startswith(b"9999"):  # an unsigned record dated after the key was registered: suspect, not a crash
        assert result.exit_code == 3 and "1 unsigned record in the name of" in result.stdout, result
    else:
        assert result.exit_code == 0, result


def test_verify_works_out_each_memo_again_and_catches_an_edited_one(
    absurd_store: Callable[..., Result],
) -> None:
    cli = absurd_store
    assert cli("status").exit_code == 0
    saved = Path(".checklist/units/prison/index.json")
    document = json.loads(saved.read_bytes())
    assert document["memos"]  # status kept what it worked out of the recurring tables
    assert cli("verify").exit_code == 0
    assert json.loads(saved.read_bytes())["memos"] == document["memos"]  # each one holds
    key, memo = next(iter(document["memos"].items()))
    edited = {**document, "memos": {**document["memos"], key: [*memo[:2], memo[2] + 5, *memo[3:]]}}  # its run
    saved.write_text(json.dumps(edited))
    result = cli("verify")
    assert result.exit_code == 3 and "index.json does not say what the log says" in result.stdout
    waived = memo[0].replace(",null,", ',[1,"na",null,null],', 1)  # asked under a waiver the log does not hold
    assert waived != memo[0]
    saved.write_text(json.dumps({**document, "memos": {key: [waived, *memo[1:]]}}))  # dropped, not judged
    assert cli("verify").exit_code == 0
    assert json.loads(saved.read_bytes())["memos"] == {}
