"""What a measure's computed fields and decision rules must get right across its fields
(authoring.py runs these rules on a catalog read from YAML, each finding located).

Errors, each where it stands: an expression that reads a field the measure does not have, or
one that is not a number, or a computed field that reads itself through others (a cycle); a
rule's condition on a field the measure does not have, or a comparison that does not fit the
field's type (`above` on a yes/no, an answer a choice does not offer, a date that is none).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .authoring import Finding, Loc
from .errors import message
from .expression import ExpressionError, names, parse
from .fuzzy import closest
from .models import Condition, FieldSpec

_NUMBERS = ("integer", "number")
_ORDERED = ("integer", "number", "date", "datetime")  # what `above` and `below` compare


def computed_findings(fields: list[tuple[int, FieldSpec | None]]) -> list[Finding]:
    """Each computed field's expression: fields known and numbers, and no cycle."""
    specs = {spec.id: spec for _, spec in fields if spec is not None}
    reads: dict[str, list[str]] = {}
    found: list[Finding] = []
    for index, spec in fields:
        if spec is None or spec.compute is None:
            continue
        try:
            used = names(parse(spec.compute))
        except ExpressionError:  # the model reported it
            continue
        loc = ("fields", index, "compute")
        reads[spec.id] = used
        for name in used:
            other = specs.get(name)
            if other is None:
                hint = _minus_hint(name, specs)
                said = message("compute.unknown_field", field=name, known=list(specs), closest=closest(name, specs))
                found.append(Finding(hint or said, loc))
            elif other.type not in _NUMBERS:
                found.append(Finding(message("compute.not_number", field=name, type=other.type), loc))
    for index, spec in fields:
        if spec is not None and spec.id in reads and (cycle := _cycle(spec.id, reads)):
            found.append(Finding(message("compute.cycle", cycle=" → ".join(cycle)), ("fields", index, "compute")))
    return found


def _minus_hint(name: str, specs: dict[str, FieldSpec]) -> Any:
    """`registered-screened` reads as one field id: a subtraction needs blanks around its `-`."""
    parts = name.split("-")
    if len(parts) > 1 and all(part in specs for part in parts):
        return message("compute.minus_blanks", text=name, fixed=" - ".join(parts))
    return None


def _cycle(start: str, reads: dict[str, list[str]]) -> list[str] | None:
    """The path by which a computed field reads itself, if it does."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        current, path = stack.pop()
        for name in reads.get(current, []):
            if name == start:
                return [*path, start]
            if name not in seen:
                seen.add(name)
                stack.append((name, [*path, name]))
    return None


def rule_findings(raw: dict[str, Any], fields: list[tuple[int, FieldSpec | None]]) -> list[Finding]:
    """Each condition of each rule: a field of the measure, compared as its type allows."""
    rules = raw.get("rules")
    if not isinstance(rules, list):
        return []
    specs = {spec.id: spec for _, spec in fields if spec is not None}
    written = raw.get("fields")
    faulty = {f.get("id") for f in written if isinstance(f, dict)} if isinstance(written, list) else set()
    faulty -= set(specs)  # the models report those
    found: list[Finding] = []
    for index, value in enumerate(rules):
        when = value.get("when") if isinstance(value, dict) else None
        for form in ("any", "all"):
            written = when.get(form) if isinstance(when, dict) else None
            for number, raw_condition in enumerate(written if isinstance(written, list) else []):
                condition = _part(raw_condition)  # each on its own: a faulty one hides none of the others
                if condition is not None and condition.field not in faulty:
                    found += _condition(condition, specs, ("rules", index, "when", form, number))
    return found


def _part(value: Any) -> Condition | None:
    from pydantic import ValidationError

    try:
        return Condition.model_validate(value)
    except ValidationError:
        return None


def _condition(condition: Condition, specs: dict[str, FieldSpec], loc: Loc) -> list[Finding]:  # noqa: PLR0911
    spec = specs.get(condition.field)
    if spec is None:
        near = closest(condition.field, specs)
        said = message("rule.unknown_field", field=condition.field, known=list(specs), closest=near)
        return [Finding(said, (*loc, "field"))]
    found = []
    if condition.above is not None or condition.below is not None:
        if spec.type not in _ORDERED:
            return [Finding(message("rule.not_ordered", field=spec.id, type=spec.type), loc)]
        for key in ("above", "below"):
            value = getattr(condition, key)
            if value is not None and not _fits_order(spec, value):
                found.append(
                    Finding(message("rule.bad_threshold", field=spec.id, type=spec.type, value=value), (*loc, key))
                )
        return found
    if condition.is_ is not None:
        if spec.type == "datetime":
            return [Finding(message("rule.is_datetime", field=spec.id), (*loc, "is"))]
        wrong = _answer_problem(spec, condition.is_)
        return [Finding(wrong, (*loc, "is"))] if wrong else []
    for number, value in enumerate(condition.in_ or []):
        if spec.type == "datetime":
            return [Finding(message("rule.is_datetime", field=spec.id), (*loc, "in"))]
        wrong = _answer_problem(spec, value)
        if wrong:
            found.append(Finding(wrong, (*loc, "in", number)))
    return found


def _fits_order(spec: FieldSpec, value: float | str) -> bool:
    if spec.type in _NUMBERS:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    try:
        if spec.type == "date":
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _answer_problem(spec: FieldSpec, value: bool | float | str) -> Any:
    """What is wrong with an answer a condition names for this field, or None."""
    if spec.type == "yesno":
        ok = isinstance(value, bool) or value in ("yes", "no")
        return None if ok else message("rule.bad_answer", field=spec.id, value=value, allowed=["yes", "no"])
    if spec.type in ("choice", "multi"):
        choices = spec.choice_ids
        ok = isinstance(value, str) and value in choices
        return None if ok else message("rule.bad_answer", field=spec.id, value=value, allowed=choices)
    if spec.type in _NUMBERS:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else message("rule.bad_value", field=spec.id, type=spec.type, value=value)
    if spec.type == "date":
        return (
            None
            if _fits_order(spec, value if isinstance(value, str) else 0)
            else message("rule.bad_value", field=spec.id, type=spec.type, value=value)
        )
    ok = isinstance(value, str)  # text
    return None if ok else message("rule.bad_value", field=spec.id, type=spec.type, value=value)
