"""Parsing recorded figures (`--set field=value`) against a measure's typed fields."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from .errors import NotFound, UserError
from .fuzzy import closest
from .models import FieldSpec, FigureValue
from .typed import number_text, plain

# The largest size a figure can have: people, cases, calls, degrees are never near it, it keeps
# 15 significant digits (exact as a float, so sums and thresholds stay exact) and a value past
# it is a typing slip. It bounds what is typed; a record already written past it is left out of
# the fold and reported (see `usable`).
LIMIT = 10**15
YES = {"yes", "y", "true", "1", "是", "有"}
NO = {"no", "n", "false", "0", "否", "无", "没有"}


def split_assignment(text: str) -> tuple[str, str]:
    """FIELD=VALUE, the equals sign typed in full width too (temperature＝37.5)."""
    equals = min((at for at in (text.find("="), text.find("＝")) if at >= 0), default=-1)
    name, value = (text[:equals], text[equals + 1 :]) if equals >= 0 else ("", "")
    if equals < 0 or not name.strip():
        raise UserError("figure.assignment", text=text)
    return name.strip(), value.strip()


def parse_value(spec: FieldSpec, raw: str, zone: tzinfo | None = None) -> FigureValue:  # noqa: PLR0911
    """Convert and check one value; the error says what the field accepts. A date-time typed
    without an offset is in `zone` (the catalog's time zone)."""
    raw = raw.strip()
    if spec.compute is not None:
        raise UserError("figure.computed", field=spec.id, compute=spec.compute)
    if spec.type == "date":
        return parse_date(spec.id, raw).isoformat()
    if spec.type == "datetime":
        return parse_datetime(spec.id, raw, zone)
    if spec.type == "multi":
        return parse_multi(spec, raw)
    if spec.type in ("integer", "number"):
        # typed with a Chinese input method: full-width digits, point and signs (３７．５, －３) and
        # the ideographic full stop (３７。５) read as 37.5 and -3; a decimal comma (３７，５, 37,5) is
        # refused with its own words, never read as 375
        raw = number_text(raw)
        if "," in raw:
            raise UserError(
                "figure.comma",
                field=spec.id,
                value=raw,
                fixed=_without_comma(raw, spec.type),
                integer=spec.type == "integer",
            )
        return _number(spec, raw)
    if spec.type == "yesno":
        if plain(raw).casefold() in YES:
            return True
        if plain(raw).casefold() in NO:
            return False
        raise UserError("figure.not_yesno", field=spec.id, value=raw)
    if spec.type == "choice":
        return _choice(spec, raw)
    if not raw:
        raise UserError("figure.empty", field=spec.id)
    return raw


def _without_comma(raw: str, kind: str) -> str:
    """The number a comma was typed in, as it should be written: a count without separators
    (1,000 -> 1000), a decimal comma as a point (37,5 -> 37.5), thousands' separators beside a
    point or more than one dropped (1,000.5 -> 1000.5)."""
    if kind == "integer" or "." in raw or raw.count(",") > 1:
        return raw.replace(",", "")
    return raw.replace(",", ".")


def _choice(spec: FieldSpec, raw: str) -> str:
    """A choice by its id, or by its name in either language (a named choice: `发热` or `fever`)."""
    choices = spec.choice_ids
    if raw in choices:
        return raw
    folded = unicodedata.normalize("NFKC", raw).casefold()
    for choice in choices:
        label = spec.choice_label(choice)
        names = [label.zh, label.en] if label is not None else []
        if any(name is not None and unicodedata.normalize("NFKC", name).casefold() == folded for name in names):
            return choice
    raise UserError("figure.not_choice", field=spec.id, choices=spec.choice_names, value=raw)


# -- dates, date-times and multi-selects ---------------------------------------------------
# Typed as ISO dates (2020-01-27) or as Chinese write them (2020年1月27日), in full-width digits
# too (ＮＦＫＣ reads ２０２０ as 2020); kept as ISO text.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200  # a date outside is a typing slip (0202 for 2020)
_DATE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})-(?P<d>\d{2})|年(?P<cm>\d{1,2})月(?P<cd>\d{1,2})[日号])")
_TIME = re.compile(r"(?P<h>\d{1,2})(?::(?P<mi>\d{2})(?::(?P<s>\d{2}))?|[时點点](?:(?P<cmi>\d{1,2})分)?)")
_OFFSET = re.compile(r"(?P<z>Z|[+-]\d{2}:?\d{2})?")
_SEPARATORS = re.compile(r"[,，、]")  # a multi-select's answers: half- or full-width commas, the enumeration comma


def parse_date(field: str, raw: str) -> date:
    """A date as typed (YYYY-MM-DD, 2020年1月27日, full-width digits)."""
    text = unicodedata.normalize("NFKC", raw).strip()
    found = _DATE.fullmatch(text)
    if found is None:
        raise UserError("figure.not_date", field=field, value=brief(raw))
    return _date_of(field, raw, found)


def _date_of(field: str, raw: str, found: re.Match[str]) -> date:
    year, month, day = int(found["y"]), int(found["m"] or found["cm"]), int(found["d"] or found["cd"])
    try:
        value = date(year, month, day)
    except ValueError:
        raise UserError("figure.no_such_date", field=field, value=brief(raw)) from None
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise UserError("figure.date_range", field=field, value=brief(raw), earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
    return value


def parse_datetime(field: str, raw: str, zone: tzinfo | None) -> str:
    """A date-time as typed (2020-01-27T10:30, 2020-01-27 10:30, 2020年1月27日10时30分, with an
    offset or Z if wanted), kept as ISO text with its offset: the catalog's zone when none is given."""
    text = unicodedata.normalize("NFKC", raw).strip()
    day = _DATE.match(text)
    rest = text[day.end() :].lstrip("T ") if day else ""
    time = _TIME.match(rest)
    offset = _OFFSET.fullmatch(rest[time.end() :].strip()) if time else None
    if day is None or time is None or offset is None:
        raise UserError("figure.not_datetime", field=field, value=brief(raw))
    hour, minute, second = int(time["h"]), int(time["mi"] or time["cmi"] or 0), int(time["s"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise UserError("figure.not_datetime", field=field, value=brief(raw))
    moment = datetime.combine(_date_of(field, raw, day), datetime.min.time()).replace(
        hour=hour, minute=minute, second=second
    )
    if offset["z"]:
        moment = datetime.fromisoformat(moment.isoformat() + offset["z"].replace("Z", "+00:00"))
    elif zone is not None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat(timespec="seconds" if second else "minutes")


def parse_multi(spec: FieldSpec, raw: str) -> list[str]:
    """Several of a field's choices, separated by `,` `，` or `、`, each matched as a choice
    field's answer is; kept in the order of the catalog's choices, each once."""
    parts = [part.strip() for part in _SEPARATORS.split(raw)]
    chosen = {_choice(spec, part) for part in parts if part}
    if not chosen:
        raise UserError("figure.multi_empty", field=spec.id, choices=spec.choice_names)
    return [choice for choice in spec.choice_ids if choice in chosen]


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
    if isinstance(value, list):  # a multi-select's answers
        return all(isinstance(answer, str) for answer in value)
    return isinstance(value, (str, bool))


def brief(value: object) -> str:
    """A value as typed, cut short for a message (a figure of 300 digits is shown by its start)."""
    text = str(value)
    return text if len(text) <= 24 else text[:20] + "…"


def _check_bounds(spec: FieldSpec, value: float, raw: str) -> None:
    low, high = spec.min, spec.max
    if (low is not None and value < low) or (high is not None and value > high):
        shown = value if usable(value) else brief(raw)
        raise UserError(
            "figure.out_of_range", field=spec.id, value=shown, min=low, max=high, unit=spec.unit
        )  # a Text: words in the reader's language


def parse_assignments(
    fields: Sequence[FieldSpec], assignments: Sequence[str], zone: tzinfo | None = None
) -> dict[str, FigureValue]:
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
        values[name] = parse_value(spec, raw, zone)
    return values


def alerts(fields: Sequence[FieldSpec], values: dict[str, FigureValue]) -> list[FieldSpec]:
    """Fields whose recorded value crosses its alert threshold, or is one it flags."""
    return [
        f
        for f in fields
        if f.alert is not None and (value := values.get(f.id)) is not None and usable(value) and f.alert.crossed(value)
    ]
