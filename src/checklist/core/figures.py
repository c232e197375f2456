"""Parsing recorded figures (`--set field=value`) against a measure's typed fields."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from .errors import NotFound, UserError
from .fuzzy import closest
from .models import FieldSpec, FigureValue

# The largest size a figure can have: people, cases, calls, degrees are never near it, it keeps
# 15 significant digits (exact as a float, so sums and thresholds stay exact) and a value past
# it is a typing slip. It bounds what is typed; a record already written past it is left out of
# the fold and reported (see `usable`).
LIMIT = 10**15
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
    if spec.type in ("integer", "number"):
        # typed with a Chinese input method: full-width digits, point and signs (３７．５) read as
        # 37.5; a decimal comma (３７，５) is refused with its own words, never read as 375
        raw = unicodedata.normalize("NFKC", raw)
        if "," in raw:
            fixed = raw.replace(",", "" if spec.type == "integer" else ".")
            raise UserError("figure.comma", field=spec.id, value=raw, fixed=fixed, integer=spec.type == "integer")
        return _number(spec, raw)
    if spec.type == "yesno":
        if raw.lower() in YES:
            return True
        if raw.lower() in NO:
            return False
        raise UserError("figure.not_yesno", field=spec.id, value=raw)
    if spec.type == "choice":
        choices = spec.choices or []
        if raw not in choices:
            raise UserError("figure.not_choice", field=spec.id, choices=choices, value=raw)
        return raw
    if not raw:
        raise UserError("figure.empty", field=spec.id)
    return raw


def _number(spec: FieldSpec, raw: str) -> int | float:
    """An integer or a number within the field's bounds and within ±LIMIT."""
    value: int | float
    if spec.type == "integer":
        try:
            value = int(raw)
        except ValueError:  # Python refuses an integer of over 4,300 digits: digits alone are too large
            code = "figure.too_large" if raw.lstrip("+-").isdecimal() else "figure.not_integer"
            raise UserError(code, field=spec.id, value=brief(raw)) from None
    else:
        try:
            value = float(raw)
        except ValueError:
            raise UserError("figure.not_number", field=spec.id, value=raw) from None
        if not math.isfinite(value):
            raise UserError("figure.not_finite", field=spec.id, value=brief(raw))
    _check_bounds(spec, value, raw)
    if not usable(value):
        raise UserError("figure.too_large", field=spec.id, value=brief(raw))
    return value


def usable(value: object) -> bool:
    """Whether a figure is one the program can count with: text, yes or no, or a finite number
    within ±LIMIT (not NaN, infinity or an integer too large for a float)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return -LIMIT <= value <= LIMIT  # False for NaN
    return isinstance(value, (str, bool))


def brief(value: object) -> str:
    """A value as typed, cut short for a message (a figure of 300 digits is shown by its start)."""
    text = str(value)
    return text if len(text) <= 24 else text[:20] + "…"


def _check_bounds(spec: FieldSpec, value: float, raw: str) -> None:
    low, high = spec.min, spec.max
    if (low is not None and value < low) or (high is not None and value > high):
        shown = value if usable(value) else brief(raw)
        raise UserError("figure.out_of_range", field=spec.id, value=shown, min=low, max=high, unit=spec.unit)


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
    """Fields whose recorded value crosses its alert threshold, or is one it flags."""
    return [
        f
        for f in fields
        if f.alert is not None and (value := values.get(f.id)) is not None and usable(value) and f.alert.crossed(value)
    ]
