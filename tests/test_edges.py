"""Times and numbers at the edges: a time the clock cannot reckon with is a clear error naming
the option it came from, and a number no store file could hold is an error naming the file and
field, or, in the advisory head.json, a head the store does without."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Result

START = "2020-01-27T09:00"
EDGES = ["9999-12-31T12:00", "0001-01-01", "1999-12-31T23:00+08:00", "2201-01-01", "9999-12-31T23:59:59-12:00"]
HEAD = Path(".checklist/units/prison/head.json")


@pytest.fixture
def unit(cli: Callable[..., Result]) -> Callable[..., Result]:
    assert cli("start", "--unit", "prison", "--now", START).exit_code == 0
    assert cli("done", "4", "--note", "n", "--now", "2020-01-27T10:00").exit_code == 0
    return cli


COMMANDS = [
    ("status",),
    ("status", "--all"),
    ("list",),
    ("today",),
    ("subjects",),
    ("done", "8", "--note", "n"),
    ("walk",),
]


@pytest.mark.parametrize("moment", EDGES)
def test_a_now_outside_the_clock_s_range_names_the_option(unit: Callable[..., Result], moment: str) -> None:
    for command in COMMANDS:
        result = unit(*command, "--now", moment)
        assert result.exit_code == 1, (command, result)
        assert "--now" in result.stderr and "2000" in result.stderr and "2200" in result.stderr, result


@pytest.mark.parametrize("moment", EDGES)
def test_checklist_now_outside_the_range_names_the_variable(
    unit: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    monkeypatch.setenv("CHECKLIST_NOW", moment)
    result = unit("status")
    assert result.exit_code == 1, result
    assert "CHECKLIST_NOW" in result.stderr, result


@pytest.mark.parametrize("moment", EDGES)
def test_a_unit_cannot_be_started_outside_the_range(cli: Callable[..., Result], moment: str) -> None:
    result = cli("start", "--unit", "prison", "--now", moment)
    assert result.exit_code == 1, result
    assert "--now" in result.stderr
    assert not Path(".checklist/units/prison").exists()


@pytest.mark.parametrize("moment", EDGES)
def test_an_event_at_a_moment_outside_the_range_names_at(unit: Callable[..., Result], moment: str) -> None:
    result = unit("event", "admission", "--subject", "P1", "--at", moment, "--now", "2020-01-28")
    assert result.exit_code == 1, result
    assert "--at" in result.stderr and "2200" in result.stderr, result


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2201-01-01", "1999-12-31"])
def test_a_waiver_until_a_day_outside_the_range_names_until(unit: Callable[..., Result], day: str) -> None:
    result = unit("na", "5", "--reason", "r", "--until", day, "--now", "2020-01-28")
    assert result.exit_code == 1, result
    assert "--until" in result.stderr and "2200" in result.stderr, result


@pytest.mark.parametrize(("day", "said"), [("9999-12-31", "has not come yet"), ("0001-01-01", "nothing to seal")])
def test_a_seal_of_a_day_at_the_edges_is_refused(
    unit: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, day: str, said: str
) -> None:
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    assert unit("keys", "new").exit_code == 0
    result = unit("seal", "--period", day, "--now", "2020-01-28")
    assert result.exit_code == 1 and said in result.stderr, result


@pytest.mark.parametrize("period", ["9999-12-31", "0001-01-01", "0001-W01", "9999-W52", "9999-12-31T23:00"])
def test_a_period_outside_the_range_is_no_period_of_the_item(unit: Callable[..., Result], period: str) -> None:
    result = unit("done", "3", "--note", "n", "--for", period, "--now", "2020-01-28")
    assert result.exit_code == 1, result
    assert "is not a period" in result.stderr


# -- numbers at the edges in store files ---------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        '{"format": 1, "seq": 1e400, "hash": "sha256:00", "size": 1}',
        '{"format": 1, "seq": 1e300, "hash": "sha256:00", "size": 1}',
        '{"format": 1, "seq": -3, "hash": "sha256:00", "size": 1}',
        '{"format": 1, "seq": true, "hash": "sha256:00", "size": 1}',
        '{"format": 1, "seq": 1, "hash": "sha256:00", "size": -1}',
        '{"format": 1, "seq": 1, "hash": "sha256:00", "size": 1e400}',
        '{"format": 1, "seq": 1, "hash": ["x"], "size": 1}',
        '{"format": 1.5, "seq": 1, "hash": "sha256:00", "size": 1}',
        '{"format": 1e400, "seq": 1, "hash": "sha256:00", "size": 1}',
        '{"format": true, "seq": 1, "hash": "sha256:00", "size": 1}',
        '{"format": true, "seq": 1, "hash": "sha256:' + "0" * 64 + '", "size": 1}',
        "[1]",
        "NaN",
    ],
)
def test_a_head_with_numbers_no_head_can_have_is_a_missing_head(unit: Callable[..., Result], head: str) -> None:
    HEAD.unlink()
    without = unit("verify")
    HEAD.write_text(head)
    edited = unit("verify")
    assert (edited.exit_code, edited.stdout) == (without.exit_code, without.stdout), edited
    assert unit("status", "--now", "2020-01-28").exit_code == 0
    appended = unit("done", "8", "--note", "n", "--now", "2020-01-28")
    assert appended.exit_code == 0, appended
    assert unit("verify").exit_code == 0
    assert json.loads(HEAD.read_text())["seq"] == 2


@pytest.mark.parametrize("value", ["Infinity", "1e999", "-5", '"x"', "NaN", "true", "0", "[1]", "1e-300", '"1e400"'])
def test_an_evidence_limit_no_store_can_have_names_the_file_and_field(unit: Callable[..., Result], value: str) -> None:
    config = Path(".checklist/config.json")
    config.write_text('{"format": 1, "evidence_max_mb": ' + value + "}")
    Path("notice.txt").write_text("notice")
    result = unit("done", "6", "--note", "n", "--evidence", "notice.txt", "--now", "2020-01-28")
    assert result.exit_code == 1, result
    assert "config.json" in result.stderr and "evidence_max_mb" in result.stderr, result
    assert "checklist config evidence_max_mb" in result.stderr  # how to mend it
    assert unit("config", "evidence_max_mb", "50").exit_code == 0
    assert unit("done", "6", "--note", "n", "--evidence", "notice.txt", "--now", "2020-01-28").exit_code == 0


@pytest.mark.parametrize("started", ["0001-01-01T00:00:00+08:00", "9999-12-31T12:00:00+08:00"])
def test_a_unit_file_started_outside_the_range_is_damaged_data_naming_it(
    unit: Callable[..., Result], started: str
) -> None:
    path = Path(".checklist/units/prison/unit.json")
    data = json.loads(path.read_text())
    data["started_at"] = started
    path.write_text(json.dumps(data))
    for command in (("status",), ("list",), ("today",), ("status", "--all")):
        result = unit(*command, "--now", "2020-01-28")
        assert result.exit_code == 3, result
        assert "unit.json" in result.stderr and "started_at" in result.stderr, result
