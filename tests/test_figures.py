"""Parsing recorded figures against typed fields with bounds."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist.core.errors import NotFound, UserError
from checklist.core.figures import alerts, parse_assignments, parse_value, split_assignment
from checklist.core.models import FieldSpec, Text

LABEL = Text(zh="数", en="n")
COUNT = FieldSpec(id="fever_count", label=LABEL, type="integer", min=0, max=10000, alert={"above": 0})
TEMP = FieldSpec(id="temperature", label=LABEL, type="number", unit="°C", min=34, max=43, alert={"at_least": 37.3})
YESNO = FieldSpec(id="symptoms", label=LABEL, type="yesno")
CHOICE = FieldSpec(id="shift", label=LABEL, type="choice", choices=["day", "night"])
TEXT = FieldSpec(id="remark", label=LABEL, type="text", required=False)
ALL = [COUNT, TEMP, YESNO, CHOICE, TEXT]


@given(st.integers(min_value=0, max_value=10000))
def test_integers_in_bounds_round_trip(value: int) -> None:
    assert parse_value(COUNT, f" {value} ") == value


@given(st.integers().filter(lambda v: v < 0 or v > 10000))
def test_integers_out_of_bounds_name_the_range(value: int) -> None:
    with pytest.raises(UserError, match=r"out of range: allowed 0 to 10000"):
        parse_value(COUNT, str(value))


@given(st.floats(min_value=34, max_value=43))
def test_numbers_in_bounds_round_trip(value: float) -> None:
    assert parse_value(TEMP, repr(value)) == value


@given(st.text(max_size=20))
def test_any_text_gives_a_value_or_a_user_error(raw: str) -> None:
    for spec in ALL:
        try:
            value = parse_value(spec, raw)
        except UserError:
            continue
        if spec.type == "integer":
            assert isinstance(value, int) and 0 <= value <= 10000
        elif spec.type == "number":
            assert isinstance(value, float) and math.isfinite(value) and 34 <= value <= 43
        elif spec.type == "yesno":
            assert isinstance(value, bool)
        elif spec.type == "choice":
            assert value in ("day", "night")
        else:
            assert isinstance(value, str) and value == raw.strip() and value


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "1e999"])
def test_non_finite_numbers_are_refused(raw: str) -> None:
    with pytest.raises(UserError):
        parse_value(TEMP, raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("yes", True), ("是", True), ("Y", True), ("no", False), ("否", False), ("0", False)]
)
def test_yes_no_in_both_languages(raw: str, expected: bool) -> None:
    assert parse_value(YESNO, raw) is expected


@given(st.text(alphabet=st.characters(blacklist_characters="=＝"), min_size=1, max_size=10), st.text(max_size=10))
def test_split_assignment(name: str, value: str) -> None:
    if name.strip():
        assert split_assignment(f"{name}={value}") == (name.strip(), value.strip())
    else:
        with pytest.raises(UserError):
            split_assignment(f"{name}={value}")


def test_unknown_field_suggests_the_closest() -> None:
    with pytest.raises(NotFound) as info:
        parse_assignments(ALL, ["fever=1"])
    assert info.value.suggestions[0] == "fever_count"


def test_alerts_flag_crossed_thresholds_only() -> None:
    assert alerts(ALL, {"fever_count": 0, "temperature": 37.2}) == []
    assert [f.id for f in alerts(ALL, {"fever_count": 2, "temperature": 37.3})] == ["fever_count", "temperature"]
