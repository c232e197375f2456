"""What a measure makes of the figures recorded: its computed values and its decision rules.

Both are worked out when they are needed (status, list, the JSON documents, the judgement of
alerts) from the figures a record holds; nothing computed is ever recorded, so a record reads
the same whatever release shows it. A computed field with a figure missing, or a division by
zero, has no value; a condition on a field with no value does not hold.

An alert is named by the field past its alert (its id) or by the rule that holds (`rule:N`,
N counting the measure's rules from 1), in `ItemStatus.alerts` and in the alerts the fold
keeps until they are acknowledged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from .models import Condition, FieldSpec, FigureValue, Measure, Rule

RULE = "rule:"  # the prefix of a rule's name among an item's alerts


def complete(measure: Measure, figures: Mapping[str, FigureValue]) -> dict[str, FigureValue]:
    """The figures recorded with the measure's computed values worked out (those that have one)."""
    from .expression import evaluate  # only for a measure with computed fields: not at start-up

    found = dict(figures)
    for field_id, expr in measure.computations:
        found.pop(field_id, None)  # never typed: a value recorded under its id (by hand) is not its value
        value = evaluate(expr, found)
        if value is not None:
            found[field_id] = value
    return found


def alerted(measure: Measure, figures: Mapping[str, FigureValue], zone: tzinfo) -> tuple[str, ...]:
    """The alerts a record's figures raise: each field past its alert, each rule that holds."""
    if not figures or not measure.watched:
        return ()
    values = complete(measure, figures) if measure.computations else figures
    found = [spec.id for spec in past_alert(measure.alerting, values)]
    found += [f"{RULE}{number}" for number, _ in holding(measure, values, zone)]
    return tuple(found)


def past_alert(fields: list[FieldSpec], values: Mapping[str, FigureValue]) -> list[FieldSpec]:
    """Fields whose value crosses its alert threshold, or is (or, multi, includes) one it flags."""
    from .figures import usable

    return [
        f
        for f in fields
        if f.alert is not None and (value := values.get(f.id)) is not None and usable(value) and f.alert.crossed(value)
    ]


def holding(measure: Measure, values: Mapping[str, FigureValue], zone: tzinfo) -> list[tuple[int, Rule]]:
    """The rules that hold over these values (computed ones included), numbered from 1."""
    found = []
    for number, rule in enumerate(measure.rules, start=1):
        tests = [meets(c, measure.field(c.field), values.get(c.field), zone) for c in rule.when.conditions]
        if any(tests) if rule.when.any is not None else all(tests):
            found.append((number, rule))
    return found


def rule_of(measure: Measure, name: str) -> Rule | None:
    """The rule an alert names (`rule:2`), if the measure has it."""
    if not name.startswith(RULE) or not name[len(RULE) :].isdecimal():
        return None
    number = int(name[len(RULE) :])
    return measure.rules[number - 1] if 1 <= number <= len(measure.rules) else None


def meets(condition: Condition, spec: FieldSpec | None, value: object, zone: tzinfo) -> bool:  # noqa: PLR0911
    """Whether a field's value meets a condition; no value (or no such field) meets none."""
    if spec is None or value is None:
        return False
    if condition.is_ is not None:
        return _is(spec, value, condition.is_)
    if condition.in_ is not None:
        return any(_is(spec, value, wanted) for wanted in condition.in_)
    mine = _ordered(spec, value, zone)
    if mine is None:
        return False
    above = _ordered(spec, condition.above, zone) if condition.above is not None else None
    below = _ordered(spec, condition.below, zone) if condition.below is not None else None
    if (condition.above is not None and above is None) or (condition.below is not None and below is None):
        return False  # a threshold that does not fit the field: validation refuses it
    try:
        return (above is None or mine > above) and (below is None or mine < below)
    except TypeError:  # a value of another type than the threshold (a record made by hand)
        return False


def _is(spec: FieldSpec, value: object, wanted: bool | float | str) -> bool:
    if isinstance(value, list):  # a multi-select: the answer is among those chosen
        return any(_is(spec, chosen, wanted) for chosen in value)
    if spec.type == "yesno":
        answer = {"yes": True, "no": False}.get(wanted, wanted) if isinstance(wanted, str) else wanted
        return isinstance(value, bool) and isinstance(answer, bool) and value is answer
    if spec.type in ("integer", "number"):
        return (
            not isinstance(value, bool)
            and isinstance(value, int | float)
            and not isinstance(wanted, bool)
            and isinstance(wanted, int | float)
            and value == wanted
        )
    if spec.type in ("date", "datetime"):
        zone = None
        return _moment(spec, value, zone) == _moment(spec, wanted, zone) is not None
    return isinstance(value, str) and isinstance(wanted, str) and value == wanted


def _ordered(spec: FieldSpec, value: object, zone: tzinfo) -> Any:
    """A value as it is ordered for `above` and `below`: a number, a date, a moment; None if it is none of them."""
    if spec.type in ("integer", "number"):
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    if spec.type in ("date", "datetime"):
        return _moment(spec, value, zone)
    return None


def _moment(spec: FieldSpec, value: object, zone: tzinfo | None) -> date | datetime | None:
    """A date or a date-time as its field holds it (a date-time without an offset is in `zone`)."""
    if not isinstance(value, str):
        return None
    try:
        if spec.type == "date":
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        if zone is None:
            return moment
        moment = moment.replace(tzinfo=zone)
    return moment
