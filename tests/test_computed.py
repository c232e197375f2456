"""Computed fields: a small expression language (field ids, numbers, + - * / and parentheses),
checked when the catalog is read, never typed, worked out when shown (status, list, JSON)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist.core import catalog as catalogs
from checklist.core.expression import LIMIT, ExpressionError, evaluate, names, parse
from checklist.core.models import Measure
from checklist.present.messages import problem_text

from .test_catalog import HEAD, problems_of, write
from .test_upgrade import write_catalog

SCREENING = """\
  - id: prison.screening
    title: {zh: 每日筛查, en: Daily screening}
    applies_to: [prison]
    section: containment
    source:
      issuer: {zh: 监狱管理局, en: Prison administration}
      quote: 每日筛查。
    evidence: [figures]
    recurrence: {every: day}
    fields:
      - {id: registered, label: {zh: 在押人数, en: People held}, type: integer}
      - {id: screened, label: {zh: 筛查人数, en: People screened}, type: integer}
      - id: screened_pct
        label: {zh: 筛查率, en: Share screened}
        type: number
        unit: "%"
        compute: "screened / registered * 100"
        aggregate: min
        alert: {below: 100}
      - {id: missed, label: {zh: 未筛查, en: Not screened}, type: number, compute: "registered - screened",
         aggregate: sum}
"""


@pytest.fixture
def unit(cli, tmp_path: Path):
    source = write_catalog(tmp_path / "catalog", SCREENING)
    assert cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-26T08:00").exit_code == 0

    def report(day: str, **values: object) -> Any:
        sets = [arg for name, value in values.items() for arg in ("--set", f"{name}={value}")]
        return cli("done", "1", "--for", day, *sets, "--now", "2020-01-28T20:00")

    return cli, report


# -- the language --------------------------------------------------------------------------


def test_reads_and_works_out() -> None:
    expr = parse("screened / registered * 100")
    assert names(expr) == ["screened", "registered"]
    assert evaluate(expr, {"screened": 3, "registered": 4}) == 75.0
    assert evaluate(parse("-(a - b) * 2 + 1.5"), {"a": 1, "b": 4}) == 7.5
    assert evaluate(parse("people-checked / 2"), {"people-checked": 8}) == 4.0  # a hyphen is part of an id


@pytest.mark.parametrize(
    ("values", "expected"),
    [({"screened": 3}, None), ({"screened": 3, "registered": 0}, None), ({"screened": True, "registered": 1}, None)],
)
def test_no_value_rather_than_an_error(values: dict[str, object], expected: None) -> None:
    assert evaluate(parse("screened / registered"), values) is expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "expression.empty"),
        ("a +", "expression.incomplete"),
        ("(a + b", "expression.unclosed"),
        ("a b", "expression.unexpected"),
        ("a ** b", "expression.unexpected"),
        ("__import__('os')", "expression.character"),
        ("a % b", "expression.character"),
        ("(" * 40 + "a" + ")" * 40, "expression.too_deep"),
        ("a + " * 200 + "a", "expression.too_long"),
    ],
)
def test_what_it_refuses(text: str, code: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.code == code


NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3))
)


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> tuple[str, Any]:
    """An expression's text, and how Python works it out (None: no value)."""
    if depth > 3 or draw(st.booleans()):
        if draw(st.booleans()):
            name = draw(st.sampled_from(["a", "b", "c-d"]))
            return name, ("name", name)
        number = abs(draw(NUMBERS))
        return repr(float(number)) if isinstance(number, float) else str(number), ("number", float(number))
    op = draw(st.sampled_from(["+", "-", "*", "/", "neg"]))
    left = draw(trees(depth + 1))
    if op == "neg":
        return f"-({left[0]})", ("neg", left[1])
    right = draw(trees(depth + 1))
    return f"({left[0]}) {op} ({right[0]})", (op, left[1], right[1])


def python(tree: Any, values: dict[str, float]) -> float | None:
    kind = tree[0]
    if kind == "number":
        return tree[1]
    if kind == "name":
        return float(values[tree[1]]) if tree[1] in values else None
    if kind == "neg":
        inner = python(tree[1], values)
        return None if inner is None else -inner
    left, right = python(tree[1], values), python(tree[2], values)
    if left is None or right is None or (kind == "/" and right == 0):
        return None
    try:
        return {"+": left + right, "-": left - right, "*": left * right}[kind] if kind != "/" else left / right
    except OverflowError:
        return None


@given(trees(), st.dictionaries(st.sampled_from(["a", "b", "c-d"]), NUMBERS))
def test_agrees_with_python_arithmetic(tree: tuple[str, Any], values: dict[str, float]) -> None:
    text, shape = tree
    expected = python(shape, values)
    if expected is not None and (not math.isfinite(expected) or abs(expected) > LIMIT):
        expected = None
    assert evaluate(parse(text), values) == expected


@given(st.text(max_size=60))
def test_any_text_parses_or_is_an_expression_error(text: str) -> None:
    try:
        expr = parse(text)
    except ExpressionError as exc:
        assert exc.code.startswith("expression.")
    else:
        value = evaluate(expr, dict.fromkeys(names(expr), 2))
        assert value is None or math.isfinite(value)


# -- validation ----------------------------------------------------------------------------


def catalog_with(fields: str) -> str:
    return (
        HEAD
        + "measures:\n"
        + SCREENING.split("    fields:\n", maxsplit=1)[0]
        + "    fields:\n"
        + "      - {id: registered, label: {zh: 在押人数, en: People held}, type: integer}\n"
        + "      - {id: fever, label: {zh: 发热, en: Fever}, type: yesno}\n"
        + fields
    )


@pytest.mark.parametrize(
    ("field", "said"),
    [
        (
            '{id: pct, label: {zh: 率, en: Rate}, type: number, compute: "screend / registered"}',
            "24:68: measure prison.screening, field 'fields[2].compute': the expression reads 'screend', which is not"
            " a field of this measure (fields: registered, fever, pct)",
        ),
        (
            '{id: pct, label: {zh: 率, en: Rate}, type: number, compute: "fever * 100"}',
            "24:68: measure prison.screening, field 'fields[2].compute': the expression reads 'fever', a yesno field:"
            " it can only read integer and number fields",
        ),
        (
            '{id: pct, label: {zh: 率, en: Rate}, type: number, compute: "registered-pct"}',
            "'registered-pct' reads as one field id: a subtraction needs blanks around its '-' (registered - pct)",
        ),
        (
            '{id: pct, label: {zh: 率, en: Rate}, type: number, compute: "pct + 1"}',
            "the computed fields read each other in a circle (pct → pct)",
        ),
        (
            '{id: pct, label: {zh: 率, en: Rate}, type: number, compute: "(registered + 1"}',
            "24:68: measure prison.screening, field 'fields[2].compute': the expression cannot be read: a '(' is not"
            " closed",
        ),
        (
            '{id: pct, label: {zh: 率, en: Rate}, type: integer, compute: "registered"}',
            "a computed field is of type number, not integer",
        ),
        (
            '{id: pct, label: {zh: 率, en: Rate}, type: number, max: 100, compute: "registered"}',
            "a computed field takes no min or max",
        ),
    ],
)
def test_a_mistake_is_located(tmp_path: Path, field: str, said: str) -> None:
    path = write(tmp_path, catalog_with(f"      - {field}\n"))
    shown = [problem_text(p) for p in problems_of(path)]
    assert any(said in line for line in shown), shown


def test_a_cycle_through_two_fields_names_the_circle(tmp_path: Path) -> None:
    fields = (
        '      - {id: a, label: {zh: 甲, en: A}, type: number, compute: "b + registered"}\n'
        '      - {id: b, label: {zh: 乙, en: B}, type: number, compute: "a * 2"}\n'
    )
    shown = [problem_text(p) for p in problems_of(write(tmp_path, catalog_with(fields)))]
    assert any("field 'fields[2].compute'" in line and "(a → b → a)" in line for line in shown), shown
    assert any("field 'fields[3].compute'" in line and "(b → a → b)" in line for line in shown), shown


def test_adding_computed_fields_changes_no_wording(tmp_path: Path) -> None:
    plain = catalogs.load(write(tmp_path, catalog_with("")))
    computed = catalogs.load(
        write(
            tmp_path,
            catalog_with('      - {id: x, label: {en: X}, type: number, compute: "registered / 2"}\n'),
            "b.yaml",
        )
    )
    assert plain.measures[0].wording() == computed.measures[0].wording()
    assert isinstance(computed.measures[0], Measure) and computed.measures[0].computations[0][0] == "x"


# -- at work -------------------------------------------------------------------------------


def test_worked_out_in_status_list_and_json(unit) -> None:
    cli, report = unit
    assert report("2020-01-26", registered=400, screened=400).exit_code == 0
    done = report("2020-01-27", registered=400, screened=300)
    assert done.exit_code == 0 and "⚠ alert: Share screened = 75 crosses its threshold" in done.stderr
    assert report("2020-01-28", registered=0, screened=0).exit_code == 0  # a division by zero: no value
    status = cli("status", "--json", "--now", "2020-01-28T21:00").json()
    listed = cli("list", "--json", "--now", "2020-01-28T21:00").json()["items"][0]
    assert listed["latest"] == {"registered": 0, "screened": 0, "missed": 0.0}  # no share of nobody
    assert listed["totals"] == {"registered": 800, "screened": 700, "screened_pct": 75.0, "missed": 100.0}
    assert listed["today"] == {"registered": 0, "screened": 0, "missed": 0.0}
    (alert,) = status["unacknowledged_alerts"]
    assert alert["period"] == "2020-01-27" and alert["values"] == {"screened_pct": 75.0}
    shown = cli("status", "--now", "2020-01-28T21:00").stdout
    assert "Share screened = 75 % ⚠ alert" in shown


def test_never_typed(unit) -> None:
    cli, report = unit
    result = report("2020-01-26", registered=400, screened=400, screened_pct=100)
    assert result.exit_code == 1
    assert "screened_pct is worked out (screened / registered * 100): it is never typed" in result.stderr
    walk = cli("walk", "--now", "2020-01-26T20:00", input="d\n\n10\n5\n\n")
    assert walk.exit_code == 0 and "Share screened" not in walk.stderr.split("⚠")[0]
    listed = cli("list", "--json", "--now", "2020-01-26T21:00").json()["items"][0]
    assert listed["latest"]["screened_pct"] == 50.0


def test_an_unknown_field_in_set_suggests_the_closest(unit) -> None:
    _, report = unit
    result = report("2020-01-26", registered=400, screend=400)
    assert result.exit_code == 1 and "screened" in result.output


def test_the_command_today_prints_never_sets_a_computed_field(unit) -> None:
    cli, _ = unit
    (due,) = cli("today", "--json", "--now", "2020-01-26T09:00").json()["today"]
    assert due["command"] == "checklist done 1 --set 'registered=…' --set 'screened=…'"
