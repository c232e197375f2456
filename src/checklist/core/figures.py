"""Parsing recorded figures (`--set field=value`) against a measure's typed fields."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .errors import NotFound, UserError
from .fuzzy import closest
from .models import FieldSpec, FigureValue

YES = {"yes", "y", "true", "1", "是", "有"}
NO = {"no", "n", "false", "0", "否", "无", "没有"}


def split_assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise UserError("figure.assignment", text=text)
    return name.strip(), value.strip()


def parse_value(spec: FieldSpec, raw: str) -> FigureValue:
    """Convert and check one value; the error says what the field accepts."""
    raw = raw.strip()
    if spec.type == "integer":
        try:
            value: int | float = int(raw)
        except ValueError:
            raise UserError("figure.not_integer", field=spec.id, value=raw) from None
    elif spec.type == "number":
        try:
            number = float(raw)
        except ValueError:
            raise UserError("figure.not_number", field=spec.id, value=raw) from None
        if not math.isfinite(number):
            raise UserError("figure.not_finite", field=spec.id, value=raw)
        value = number
    elif spec.type == "yesno":
        if raw.lower() in YES:
            return True
        if raw.lower() in NO:
            return False
        raise UserError("figure.not_yesno", field=spec.id, value=raw)
    elif spec.type == "choice":
        choices = spec.choices or []
        if raw not in choices:
            raise UserError("figure.not_choice", field=spec.id, choices=choices, value=raw)
        return raw
    else:
        if not raw:
            raise UserError("figure.empty", field=spec.id)
        return raw
    _check_bounds(spec, value)
    return value


def _check_bounds(spec: FieldSpec, value: float) -> None:
    low, high = spec.min, spec.max
    if (low is not None and value < low) or (high is not None and value > high):
        raise UserError("figure.out_of_range", field=spec.id, value=value, min=low, max=high, unit=spec.unit)


def parse_assignments(fields: Sequence[FieldSpec], assignments: Sequence[str]) -> dict[str, FigureValue]:
    """Parse `field=value` texts for one measure; an unknown field suggests the closest ones."""
    by_id = {f.id: f for f in fields}
    values: dict[str, FigureValue] = {}
    for text in assignments:
        name, raw = split_assignment(text)
        spec = by_id.get(name)
        if spec is None:
            if not by_id:
                raise UserError("figure.none", field=name)
            raise NotFound("figure.unknown", closest(name, by_id), field=name, fields=list(by_id))
        values[name] = parse_value(spec, raw)
    return values


def missing_required(fields: Sequence[FieldSpec], values: dict[str, FigureValue]) -> list[FieldSpec]:
    return [f for f in fields if f.required and f.id not in values]


def alerts(fields: Sequence[FieldSpec], values: dict[str, FigureValue]) -> list[FieldSpec]:
    """Fields whose recorded value crosses its alert threshold."""
    return [
        f
        for f in fields
        if f.alert is not None and isinstance(value := values.get(f.id), (int, float)) and f.alert.crossed(float(value))
    ]
