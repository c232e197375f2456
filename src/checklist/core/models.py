"""The domain's data: the measure catalog (from YAML) and the store's units and records.

Catalog models forbid unknown keys so that a typo in YAML is an error, not a silently
ignored field. Store models are frozen: a record, once made, is never changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date as Date
from datetime import datetime
from functools import cached_property
from typing import Annotated, Any, Literal, NamedTuple, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import formats
from .errors import UserError

SLUG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
MEASURE_ID = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
# Unit ids become folder names: keep them to a safe, portable alphabet.
UNIT_ID = r"^[a-z0-9\u4e00-\u9fff](?:[a-z0-9\u4e00-\u9fff_-]{0,62}[a-z0-9\u4e00-\u9fff])?$"

Slug = Annotated[str, StringConstraints(pattern=SLUG, max_length=64)]
MeasureId = Annotated[str, StringConstraints(pattern=MEASURE_ID, max_length=128)]

Priority = Literal["critical", "high", "normal"]
EvidenceKind = Literal["note", "file", "figures"]
# What a measure's `evidence` names: the three built-in kinds, or a kind the catalog's head declares (`register`)
EvidenceName = EvidenceKind | Annotated[str, StringConstraints(pattern=SLUG, max_length=64)]
BUILT_IN_EVIDENCE: frozenset[str] = frozenset({"note", "file", "figures"})
Action = Literal[
    "done",
    "partial",
    "na",
    "blocked",
    "reopened",
    "approved",
    "event",
    "withdrawn",
    "upgraded",
    "acknowledged",
    "part-added",
    "part-retired",
    "set",
    "granted",
    "revoked",
    "placed",
]
# part-added, part-retired: a unit's part (a block, a ward) comes into use or goes out of it; records of format 5
PART_ACTIONS: frozenset[str] = frozenset({"part-added", "part-retired"})
# set: the unit's attributes changed (a risk level raised), a record of format 5
# granted, revoked: a person given a role of the catalog's head, or no longer holding it; records of format 5
ROLE_ACTIONS: frozenset[str] = frozenset({"granted", "revoked"})
# placed: the unit's place in the hierarchy (the bodies it reports to, from the top down), a record of format 6
# acknowledged: someone saw an item's alerts (figures past a threshold) and says so; a record of format 4
ITEM_ACTIONS: frozenset[str] = frozenset({"done", "partial", "na", "blocked", "reopened", "approved", "acknowledged"})
SUBJECT = r"^[^\x00-\x1f\x7f/\\|]{1,64}$"  # any identifier a unit uses, but no controls, slashes or '|'
TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d$"  # a wall time, 08:00
PERIOD = r"^\d{4}-(W\d{2}|\d{2}-\d{2}(T\d{2}:\d{2})?)$"  # a day, a week, or an hour of a day
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# How a recurring measure's figure adds up over its periods ("today", "since start")
Aggregate = Literal["sum", "latest", "min", "max", "mean", "none"]
# A figure as recorded: a list of choices for a multi-select (format 5: formats.NEWER_CONTENT);
# a date or a date-time is kept as its ISO text ("2020-01-27", "2020-01-27T10:30+08:00")
FigureValue = bool | int | float | str | list[str]
FieldType = Literal["integer", "number", "text", "yesno", "choice", "date", "datetime", "multi"]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _no_control_chars(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("text.control", "must not contain control characters")
    return value


CleanStr = Annotated[str, AfterValidator(_no_control_chars)]


class Strict(BaseModel):
    """Catalog models: unknown keys are errors; surrounding blanks in YAML text are trimmed."""

    # defer_build: a model's validator is built when first used (most commands read the kept
    # catalog as a whole, and never validate one of its parts alone), not at import
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False, defer_build=True
    )


class Stored(BaseModel):
    """Store models: frozen, and every string kept exactly as it was written."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used


# A text the catalog does not have in the language asked for is shown in the other, marked as
# such: never translated on the fly, never left blank.
MISSING = {"zh": "［无中文］", "en": "[no English] "}


class Text(Strict):
    """A text in the catalog's two languages: both, or one of them where the catalog's authors
    wrote only one (the other is shown as missing, not invented)."""

    zh: Annotated[CleanStr, StringConstraints(min_length=1)] | None = Field(None, description="the text in Chinese")
    en: Annotated[CleanStr, StringConstraints(min_length=1)] | None = Field(None, description="the text in English")

    @model_validator(mode="after")
    def _one_at_least(self) -> Text:
        if self.zh is None and self.en is None:
            raise PydanticCustomError("text.no_language", "give the text in Chinese (zh), in English (en), or both")
        return self

    def __call__(self, lang: str) -> str:
        wanted = self.zh if lang == "zh" else self.en
        if wanted is not None:
            return wanted
        return MISSING.get(lang, MISSING["en"]) + (self.en or "" if lang == "zh" else self.zh or "")


class PartKind(Strict):
    """A kind of part a unit of a kind has (a prison's blocks): measures may apply per part (`per`)."""

    id: Slug = Field(description="the part kind's id, as a measure's `per` and `checklist part add KIND` name it")
    name: Text = Field(description="the part kind's name (监区 / block), as counts of parts are shown")


class UnitKind(Strict):
    """A kind of unit the catalog serves (a prison, a rehab centre): `start --unit ID` starts one."""

    id: Slug = Field(description="the kind's id, as measures name it in applies_to (`prison`)")
    name: Text = Field(description="the kind's name, as units of it are shown")
    parts: list[PartKind] = Field(
        [], description="the kinds of part a unit of this kind has (blocks, wards), for measures kept per part"
    )

    @field_validator("parts")
    @classmethod
    def _distinct_parts(cls, value: list[PartKind]) -> list[PartKind]:
        if len({kind.id for kind in value}) != len(value):
            raise PydanticCustomError("unit_kind.part_ids", "the part kinds of a unit kind need distinct ids")
        return value

    def part_kind(self, kind_id: str) -> PartKind | None:
        return next((kind for kind in self.parts if kind.id == kind_id), None)


class Section(Strict):
    """A section of the checklist: measures are grouped, and progress counted, by section."""

    id: Slug = Field(description="the section's id, as measures name it in section")
    name: Text = Field(description="the section's heading")


class Role(Strict):
    """A role of the unit's people (the warden, the health officer): measures name it as their
    owner or approver, and people are granted it in the store (`checklist role grant`)."""

    id: Slug = Field(description="the role's id, as measures name it in owner, approver and reports_to (`warden`)")
    name: Text = Field(description="the role's name, as shown")


class NamedEvidence(Strict):
    """A kind of evidence beyond note, file and figures (a register, a signed pledge): a file
    attached as that kind (`done --file register=PATH`) when a measure's evidence names it."""

    id: Slug = Field(description="the kind's id, as measures name it in evidence (`register`)")
    name: Text = Field(description="the kind's name, as walk asks for it and lists show it")

    @field_validator("id")
    @classmethod
    def _not_built_in(cls, value: str) -> str:
        if value in BUILT_IN_EVIDENCE:  # `evidence: [note]` could not tell the two apart
            raise PydanticCustomError(
                "evidence_kind.built_in", "{id!r} is a kind every catalog has: name this one otherwise", {"id": value}
            )
        return value


class Source(Strict):
    """Where a measure comes from: who issued it, when, and the original sentence (verbatim,
    unless `status` says the quote is a translation or a paraphrase of it)."""

    issuer: Text = Field(description="who issued the source text")
    date: Date | None = Field(None, description="when it was issued (YYYY-MM-DD), where the text gives it")
    quote: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="the sentence of the source the measure comes from, verbatim (see status)"
    )
    status: Literal["verbatim", "translation", "paraphrase"] = Field(
        "verbatim", description="what the quote is: the source's own words, a translation of them, or a paraphrase"
    )


class Alert(Strict):
    """When a recorded figure is flagged (the value is still recorded): thresholds for a
    number, or `values` for a yes/no, a choice or a multi-select (`values: [yes]`: a symptom
    reported; a multi-select is flagged when any of the answers chosen is among them)."""

    above: float | None = Field(None, description="flag a value greater than this")
    at_least: float | None = Field(None, description="flag a value equal to this or greater")
    below: float | None = Field(None, description="flag a value less than this")
    at_most: float | None = Field(None, description="flag a value equal to this or less")
    values: list[bool | str] | None = Field(
        None,
        description="for a yes/no, a choice or a multi field: the answers to flag (`[yes]`), never all of them;"
        " a multi field is flagged when any of them is chosen",
    )

    @property
    def thresholds(self) -> bool:
        return any(bound is not None for bound in (self.above, self.at_least, self.below, self.at_most))

    def crossed(self, value: FigureValue) -> bool:
        if self.values is not None:
            if isinstance(value, list):  # a multi-select: any of the answers chosen
                return any(_same_answer(chosen, flagged) for chosen in value for flagged in self.values)
            return any(_same_answer(value, flagged) for flagged in self.values)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return (
            (self.above is not None and value > self.above)
            or (self.at_least is not None and value >= self.at_least)
            or (self.below is not None and value < self.below)
            or (self.at_most is not None and value <= self.at_most)
        )


_YES_NO = {"yes": True, "no": False}  # as catalogs write them (YAML 1.2 reads `yes` as text)


def _same_answer(value: object, flagged: bool | str) -> bool:
    """Whether a recorded answer is the one an alert names. A yes/no is a bool, which Python
    counts as an int (`True == 1`), so types are compared too."""
    if isinstance(value, bool):
        return _YES_NO.get(flagged, flagged) is value if isinstance(flagged, str) else flagged is value
    return isinstance(value, str) and isinstance(flagged, str) and value == flagged


class FieldChoice(Strict):
    """A choice of a choice or multi field with its names (`{id: fever, label: {zh: 发热, en: fever}}`):
    records keep its id, screens show its name, and it may be typed as either."""

    id: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)] = Field(
        description="the choice as records keep it and alert values and rules name it"
    )
    label: Text = Field(description="the choice's name, as shown (and as it may be typed)")


class FieldSpec(Strict):
    """A figure an attestation records, e.g. the number of people whose temperature was taken."""

    id: Slug = Field(description="the figure's id, as `done --set ID=VALUE` names it")
    label: Text = Field(description="what the figure is, as shown beside its value")
    type: FieldType = Field(
        description="integer, number, text, yesno, choice (with choices), date, datetime, or multi (several"
        " of its choices)"
    )
    unit: str | Text | None = Field(
        None,
        description="the unit of a number, shown after it: a symbol (°C), or words in both languages"
        " ({zh: 人, en: people})",
    )
    min: float | None = Field(None, description="the least value an integer or a number may take")
    max: float | None = Field(None, description="the greatest value an integer or a number may take")
    choices: list[FieldChoice | str] | None = Field(
        None,
        description="the answers of a choice or a multi field, and only of one: each an id (as records keep it),"
        " or {id, label: {zh, en}} with its names",
    )
    required: bool = Field(
        True, description="whether an attestation must give it (when the measure's evidence includes figures)"
    )
    alert: Alert | None = Field(None, description="when a recorded value is flagged: thresholds, or values")
    definition: Text | None = Field(None, description="exactly what the figure counts, so that every unit counts alike")
    aggregate: Aggregate | None = Field(  # None: the type's default (see `aggregation`)
        None,
        description="how a recurring measure's figure adds up over its periods: sum, latest, min, max, mean or none"
        " (default: sum for an integer, latest for a number)",
    )
    compute: str | None = Field(
        None,
        description="a number field worked out from other number fields of the measure, never typed:"
        " field ids, numbers, + - * / and parentheses (`screened / registered * 100`)",
    )

    @property
    def choice_ids(self) -> list[str]:
        """The answers of a choice or a multi field, as records keep them."""
        return [c if isinstance(c, str) else c.id for c in self.choices or ()]

    @property
    def choice_names(self) -> list[Text | str]:
        """The answers as a message lists them: by their names where the catalog gives them."""
        return [self.choice_label(choice) or choice for choice in self.choice_ids]

    def choice_label(self, choice: str) -> Text | None:
        """The names the catalog gives a choice (None: it is shown as its id)."""
        return next((c.label for c in self.choices or () if not isinstance(c, str) and c.id == choice), None)

    def unit_text(self, lang: str) -> str:
        """The unit as the reader reads it ('' without one): a symbol as it is, words in the language."""
        return self.unit(lang) if isinstance(self.unit, Text) else self.unit or ""

    @property
    def aggregation(self) -> Aggregate | None:
        """How the figure adds up over a recurring measure's periods: as the catalog says, else
        a count (integer) is summed and a reading (number) is its latest value; None for a
        field that is not a number, which never adds up."""
        if self.type not in ("integer", "number"):
            return None
        if self.aggregate is not None:
            return self.aggregate
        return "sum" if self.type == "integer" else "latest"

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        numeric = self.type in ("integer", "number")
        if not numeric and (self.min is not None or self.max is not None or (self.alert and self.alert.thresholds)):
            raise PydanticCustomError(
                "field.bounds_not_numeric",
                "min, max and alert thresholds apply only to integer and number fields, not {type}",
                {"type": self.type},
            )
        if not numeric and self.aggregate is not None:
            raise PydanticCustomError(
                "field.aggregate_not_numeric",
                "aggregate applies only to integer and number fields, not {type}",
                {"type": self.type},
            )
        self._alert_values()
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError(
                "field.min_above_max", "min ({min}) is greater than max ({max})", {"min": self.min, "max": self.max}
            )
        if (self.type in ("choice", "multi")) != bool(self.choices):
            raise PydanticCustomError(
                "field.choices",
                "a choice or a multi field needs a non-empty 'choices' list, and only such a field has one",
            )
        self._computed()
        return self

    def _computed(self) -> None:
        """A computed field is a number worked out, never typed (see expression.py; the fields
        it reads are checked across the measure, in authoring.py)."""
        if self.compute is None:
            return
        if self.type != "number":
            said = "a computed field is of type number, not {type}"
            raise PydanticCustomError("field.compute_type", said, {"type": self.type})
        if self.min is not None or self.max is not None:
            said = "a computed field takes no min or max: its value is worked out, never typed"
            raise PydanticCustomError("field.compute_bounds", said)

    @field_validator("compute")
    @classmethod
    def _expression(cls, value: str | None) -> str | None:
        """An expression that reads (located at `compute`; the fields it names: authoring)."""
        if value is None:
            return value
        from .expression import ExpressionError, parse

        try:
            parse(value)
        except ExpressionError as exc:
            said = "the expression cannot be read ({problem})"
            raise PydanticCustomError("field.compute_syntax", said, {"problem": exc.code, **exc.params}) from None
        return value

    def _alert_values(self) -> None:
        """`alert: {values: [...]}` flags a yes/no or a choice field, with values it can hold."""
        values = self.alert.values if self.alert else None
        if values is None:
            return
        if self.alert and self.alert.thresholds:
            raise PydanticCustomError("field.alert_form", "an alert has thresholds or values, not both")
        if self.type == "yesno":
            allowed: list[bool | str] = [True, False, "yes", "no"]
        elif self.type in ("choice", "multi"):
            allowed = list(self.choice_ids)
        else:
            said = "alert values apply only to yesno, choice and multi fields, not {type}"
            raise PydanticCustomError("field.alert_values", said, {"type": self.type})
        wrong = [value for value in values if not any(type(value) is type(a) and value == a for a in allowed)]
        allowed = allowed[2:] if self.type == "yesno" else allowed  # named as catalogs write them
        if not values or wrong:
            raise PydanticCustomError(
                "field.alert_value",
                "alert values must be among {allowed}",
                {"allowed": ", ".join("yes" if a is True else "no" if a is False else str(a) for a in allowed)},
            )


_EVERY = re.compile(r"^(day|week|month|(?P<hours>[1-9][0-9]*)h|(?P<days>[1-9][0-9]*)d)$")


class Recurrence(Strict):
    """How often a measure must be attested again.

    `{every: day}`, `{every: day, times: 2}`, `{every: 8h}`, `{every: week}` or `{on: [mon, thu]}`.
    """

    every: str | None = Field(None, description="`day`, `week`, or a number of hours such as `8h`")
    times: Annotated[int, Field(ge=1, le=24)] | None = Field(
        None, description="with `every: day`: how many periods a day is split into"
    )
    on: list[Weekday] | None = Field(None, description="the weekdays it recurs on (`[mon, thu]`), instead of every")
    # -- timing: fixed times of day, counted occurrences
    at: list[str] | None = Field(
        None,
        description='fixed times of day (`["08:00", "14:00"]`), instead of every: one round per time, '
        "each until the next (the last until the next day's first)",
    )
    count: Annotated[int, Field(ge=2, le=100)] | None = Field(
        None,
        description="attestations each period needs, made whenever they fall (`{every: day, count: 3}`): "
        "each is a record of its own, and the period is met at the count",
    )

    @field_validator("at")
    @classmethod
    def _times_of_day(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        for text in value:
            if not re.match(TIME_OF_DAY, text):
                said = "{value!r} is not a time of day: write it as HH:MM, from 00:00 to 23:59 (08:00)"
                raise PydanticCustomError("recurrence.at_time", said, {"value": text})
        minutes = [int(t[:2]) * 60 + int(t[3:]) for t in value]
        if not minutes or minutes != sorted(set(minutes)):
            raise PydanticCustomError("recurrence.at_order", "'at' needs distinct times of day, in order")
        return value

    @property
    def minutes(self) -> list[int]:
        """The fixed times of day of `at`, in minutes after midnight."""
        return [int(t[:2]) * 60 + int(t[3:]) for t in self.at or ()]

    @field_validator("every")
    @classmethod
    def _every(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = _EVERY.match(value)
        if not match:
            said = "must be 'day', 'week', 'month', a number of hours such as '8h' or of days such as '3d'"
            raise PydanticCustomError("recurrence.every", said)
        hours, days = match.group("hours"), match.group("days")
        if hours and not 1 <= int(hours) <= 24 * 7:
            raise PydanticCustomError("recurrence.hours", "a period in hours must be between 1h and 168h")
        if days and not 2 <= int(days) <= 366:
            raise PydanticCustomError("recurrence.days", "a period in days must be between 2d and 366d (1d: 'day')")
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Recurrence:
        if (self.every is None) + (self.on is None) + (self.at is None) != 2:  # one of three
            raise PydanticCustomError("recurrence.one_form", "give exactly one of 'every', 'on' or 'at'")
        if self.count is not None and (self.times is not None or self.at is not None):
            raise PydanticCustomError("recurrence.count", "'count' goes with 'every' or 'on', not with 'times' or 'at'")
        if self.times is not None and self.every != "day":
            raise PydanticCustomError("recurrence.times", "'times' goes with 'every: day' only")
        if self.on is not None and (not self.on or len(set(self.on)) != len(self.on)):
            raise PydanticCustomError("recurrence.on", "'on' needs distinct weekdays")
        return self


class Trigger(Strict):
    """An event that creates an item per subject, e.g. every new admission of a prisoner."""

    event: Slug = Field(description="the kind of event (`admission`), as `checklist event KIND` records it")
    subject: Text | None = Field(None, description="what a subject of the event is (a newly admitted prisoner)")
    opens_after_days: Annotated[int, Field(ge=0, le=3650)] = Field(
        0, description="days after the event before the item opens (upcoming until then)"
    )
    lasts_days: Annotated[int, Field(ge=1, le=3650)] | None = Field(
        None, description="the days of the item's window, counting the event's day: it is due at its end"
    )
    subject_types: list[Slug] | None = Field(
        None,
        description="the types of subject (declared in the head's subject_types) its items are made for;"
        " absent: every subject of the event",
    )

    def serves(self, subject_type: str | None) -> bool:
        """Whether an event's subject of this type gets the trigger's items (an event recorded
        without a type, before the catalog declared types, gets them all)."""
        return self.subject_types is None or subject_type is None or subject_type in self.subject_types


_DURATION = re.compile(
    r"^P(?:(?P<years>\d{1,2})Y)?(?:(?P<months>\d{1,3})M)?(?:(?P<weeks>\d{1,3})W)?(?:(?P<days>\d{1,4})D)?"
    r"(?:T(?:(?P<hours>\d{1,4})H)?(?:(?P<minutes>\d{1,5})M)?)?$"
)
IMMEDIATELY = "PT1H"  # what `within: immediately` allows: a report "at once" is late after an hour


class Duration(NamedTuple):
    """An ISO 8601 duration (`PT2H`, `P14D`, `P1M`): calendar months, days, and a time part."""

    months: int
    days: int
    minutes: int

    @classmethod
    def parse(cls, text: str) -> Duration | None:
        found = _DURATION.match(text)
        if found is None or text in ("P", "PT") or text.endswith("T"):
            return None
        n = {name: int(value or 0) for name, value in found.groupdict().items()}
        return cls(n["years"] * 12 + n["months"], n["weeks"] * 7 + n["days"], n["hours"] * 60 + n["minutes"])

    @property
    def exact(self) -> bool:
        """With a time part, a deadline falls at a moment; in days or months, at the end of a day."""
        return self.minutes > 0


class Deadline(Strict):
    """`{date: 2020-01-27}`, or `{days: N, after: start|event}`, or `{within: PT2H, after: …}`
    (an ISO 8601 duration, or `immediately`)."""

    date: Date | None = Field(None, description="the day it is due by (YYYY-MM-DD)")
    days: Annotated[int, Field(ge=0, le=3650)] | None = Field(
        None, description="with after: the days after the unit's start or the event it is due by"
    )
    within: str | None = Field(
        None,
        description="with after: an ISO 8601 duration it is due within (PT2H, P3D, P1M), or `immediately` (PT1H)",
    )
    after: Literal["start", "event"] | None = Field(None, description="with days or within: `start` or `event`")
    before: Literal["event"] | None = Field(
        None,
        description="with within or days, instead of after: `event`, due that long before the event "
        "(recorded ahead with `checklist event KIND --at`)",
    )

    @field_validator("within")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value == "immediately":
            return IMMEDIATELY
        if Duration.parse(value) is None:
            said = "must be an ISO 8601 duration such as PT2H, P3D or P1M, or 'immediately'"
            raise PydanticCustomError("deadline.duration", said)
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Deadline:
        relative = self.days is not None or self.within is not None or self.after is not None or self.before is not None
        if (self.date is None) == (not relative):
            raise PydanticCustomError("deadline.one_form", "give either 'date', or 'days' or 'within' with 'after'")
        if self.after is not None and self.before is not None:
            raise PydanticCustomError("deadline.after_before", "give one of 'after' or 'before', not both")
        if relative and ((self.days is None) == (self.within is None) or (self.after or self.before) is None):
            said = "a relative deadline needs 'after' and one of 'days' or 'within'"
            raise PydanticCustomError("deadline.relative", said)
        return self

    @property
    def duration(self) -> Duration | None:
        """How long after its start a relative deadline falls (`days: N` is `PND`)."""
        if self.within is not None:
            return Duration.parse(self.within)
        return Duration(0, self.days, 0) if self.days is not None else None


Compared = bool | float | str  # a value a rule compares a figure with: yes/no, a number, a text or a date


class Condition(Strict):
    """One condition of a decision rule, on a field's value (a computed one too): it `is` a
    value, is `in` a list of them, or is `above` or `below` one (a number, a date, a date-time).
    A field with no value recorded meets no condition. `is` and `in` are Python's words: the
    attributes are `is_` and `in_`, and only the keys `is` and `in` are read."""

    field: Slug = Field(description="the id of a field of the measure (a computed field too)")
    is_: Compared | None = Field(
        None, alias="is", description="holds when the value is this (a multi field: when this is among those chosen)"
    )
    in_: list[Compared] | None = Field(
        None, alias="in", description="holds when the value is one of these (a multi field: when one of them is chosen)"
    )
    above: float | str | None = Field(None, description="holds when the value is greater (later) than this")
    below: float | str | None = Field(None, description="holds when the value is less (earlier) than this")

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [self.is_ is not None, self.in_ is not None, self.above is not None or self.below is not None]
        if sum(tests) != 1:
            said = "a condition gives one of 'is', 'in', or 'above' and/or 'below'"
            raise PydanticCustomError("rule.condition_form", said)
        if self.in_ is not None and not self.in_:
            raise PydanticCustomError("rule.in_empty", "'in' needs at least one value")
        return self


class When(Strict):
    """When a rule holds: `any` of its conditions, or `all` of them."""

    any: list[Condition] | None = Field(None, description="the rule holds when any of these conditions holds")
    all: list[Condition] | None = Field(None, description="the rule holds when every one of these conditions holds")

    @model_validator(mode="after")
    def _one_form(self) -> When:
        if (self.any is None) == (self.all is None) or not (self.any or self.all):
            raise PydanticCustomError("rule.when_form", "give 'any' or 'all', with at least one condition")
        return self

    @property
    def conditions(self) -> list[Condition]:
        return self.any or self.all or []


class Rule(Strict):
    """A decision rule over a measure's fields: when it holds, the attestation raises an alert
    carrying the instruction (`then`), shown until acknowledged (`checklist ack`)."""

    when: When = Field(description="the conditions on the measure's fields: `any` or `all` of them")
    then: Text = Field(description="what to do when the rule holds (refuse entry, notify the health post)")


# --- questions (answers, not only done) ---------------------------------------------------
AnswerKind = Literal["yesno", "yesno_unknown", "choice", "multi"]
YESNO_ANSWERS = ("yes", "no")
UNKNOWN = "unknown"  # "I do not know": an answer, counted apart from met and not met


class Choice(Strict):
    """One answer of a choice or multi question: its id (as records keep it) and its words."""

    id: Slug = Field(description="the answer's id, as records keep it and `met`, `follow_up` and `alert` name it")
    label: Text = Field(description="the answer as shown (and as it may be typed)")


class FollowUp(Strict):
    """What an answer must carry when it is one of `when` ("if no: why, and the plan")."""

    when: list[str] = Field(description="the answers (ids: yes, no, unknown, or a choice's id) that require more")
    need: list[str] = Field(
        description="what they require: `note`, `file`, or ids of the measure's fields (required only then)"
    )


class Question(Strict):
    """A measure that asks a question: its answer is recorded (`checklist answer`) and only the
    answers named in `met` count as compliance; "not relevant" stays `na`, apart from "no"."""

    answers: AnswerKind = Field(
        description="yesno, yesno_unknown (yes, no, unknown), choice (one of choices) or multi (several of choices)"
    )
    choices: list[Choice] | None = Field(None, description="the answers of a choice or multi question, and only of one")
    met: list[str] | None = Field(
        None,
        description="the answers that count as met (default: [yes] for a yes/no question); a multi answer is met"
        " when every answer chosen is among them",
    )
    follow_up: list[FollowUp] = Field([], description="what an answer must carry when it is a certain one")
    alert: list[str] | None = Field(
        None, description="the answers that raise an alert, to acknowledge (`checklist ack`), never all of them"
    )

    @property
    def ids(self) -> list[str]:
        """Every answer the question takes, as records keep them."""
        if self.answers == "yesno":
            return list(YESNO_ANSWERS)
        if self.answers == "yesno_unknown":
            return [*YESNO_ANSWERS, UNKNOWN]
        return [choice.id for choice in self.choices or ()]

    @property
    def meeting(self) -> list[str]:
        """The answers that count as met."""
        return list(self.met) if self.met is not None else ["yes"]

    def verdict(self, answer: Sequence[str]) -> Literal["met", "not_met", "unknown"]:
        """Whether an answer is compliance: `unknown` is counted apart; a multi answer is met
        when every answer chosen is among `met`."""
        if UNKNOWN in answer:
            return "unknown"
        meeting = self.meeting
        return "met" if answer and all(a in meeting for a in answer) else "not_met"

    def follow_ups(self, answer: Sequence[str]) -> list[str]:
        """What this answer must carry (note, file, field ids), each once, in the catalog's order."""
        needed: list[str] = []
        for follow in self.follow_up:
            if any(a in follow.when for a in answer):
                needed += [n for n in follow.need if n not in needed]
        return needed

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        listed = self.answers in ("choice", "multi")
        if listed != bool(self.choices):
            raise PydanticCustomError(
                "question.choices", "a choice or multi question needs 'choices', and only such a question has them"
            )
        ids = self.ids
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("question.choice_ids", "choice ids must be unique within a question")
        if listed and self.met is None:
            said = "a choice or multi question names the answers that are met in 'met'"
            raise PydanticCustomError("question.met_needed", said)
        named = [("met", a) for a in self.met or ()] + [("alert", a) for a in self.alert or ()]
        named += [("follow_up.when", a) for follow in self.follow_up for a in follow.when]
        for key, answer in named:
            if answer not in ids:
                raise PydanticCustomError(
                    "question.unknown_answer",
                    "{key} names {answer!r}, which is not an answer of this question: {allowed}",
                    {"key": key, "answer": answer, "allowed": ", ".join(ids)},
                )
        if UNKNOWN in (self.met or ()):
            raise PydanticCustomError("question.unknown_met", "'unknown' is never met: leave it out of 'met'")
        if self.alert is not None and (not self.alert or set(self.alert) >= set(ids)):
            raise PydanticCustomError("question.alert_all", "an alert names some of the answers, not none or all")
        for follow in self.follow_up:
            if not follow.when or not follow.need:
                raise PydanticCustomError("question.follow_up_empty", "a follow-up needs 'when' and 'need'")
        return self


class Standing(Strict):
    """A standing rule: kept continually once put in place, and reviewed on a cadence."""

    review: Recurrence = Field(description="how often it is reviewed (`{every: week}`): a review is due each period")


class InForce(Strict):
    """When a measure is in force: from a day, until a day (either end may be left open)."""

    from_: Date | None = Field(None, alias="from", description="the first day it is in force (YYYY-MM-DD)")
    until: Date | None = Field(None, description="the last day it is in force (YYYY-MM-DD)")

    @model_validator(mode="after")
    def _an_end(self) -> InForce:
        if self.from_ is None and self.until is None:
            raise PydanticCustomError("in_force.empty", "give 'from', 'until' or both")
        return self


class Measure(Strict):
    id: MeasureId = Field(description="the measure's stable id, dotted and lowercase (`prison.visits-suspended`)")
    title: Text = Field(description="what must be done, in a line")
    detail: Text | None = Field(None, description="what the source says, and nothing else")
    guidance: Text | None = Field(
        None, description="the catalog authors' own advice: how to attest it, what the source leaves out"
    )
    replaces: list[MeasureId] = Field(
        [], description="ids this measure had in earlier versions: their records carry over on upgrade"
    )
    applies_to: list[Slug] | Literal["all"] = Field(description="the unit kinds it applies to, or `all`")
    when: dict[Slug, list[bool | str] | bool | str] | None = Field(
        None,
        description="conditions on the unit's attributes (declared in the head's attributes) under which it applies:"
        " attribute id -> a value or a list of values (`{risk: [medium, high], medical_ward: yes}`)",
    )
    section: Slug = Field(description="the id of its section in the catalog's head")
    per: Slug | None = Field(
        None,
        description="a kind of part (`block`) the measure is kept per: one item per part of the unit, rolled up"
        " into the unit's item, met when every part's is",
    )
    priority: Priority = Field("normal", description="critical, high or normal; a critical waiver needs approval")
    source: Source = Field(description="where the measure comes from: issuer, date and the quote")
    evidence: list[EvidenceName] = Field(
        [],
        description="what an attestation must carry: note, file, figures (the required fields), or a kind of"
        " evidence the catalog's head declares in evidence_kinds (a file attached as that kind)",
    )
    recurrence: Recurrence | None = Field(
        None, description="how often it is attested again; its periods run from the unit's start"
    )
    standing: Standing | None = Field(
        None, description="a standing rule: in force once done, and reviewed each period of `review`"
    )
    in_force: InForce | None = Field(
        None, description="the days it is in force (`{from: 2020-01-27, until: 2020-03-31}`): not before, not after"
    )
    trigger: Trigger | None = Field(None, description="the event that makes it an item per subject")
    fields: list[FieldSpec] = Field([], description="the figures an attestation records")
    question: Question | None = Field(
        None, description="a question the item answers (`checklist answer`): yes/no, yes/no/unknown, choice or multi"
    )
    deadline: Deadline | None = Field(None, description="when a one-time item is due: a date, or days after")
    rules: list[Rule] = Field(
        [], description="decision rules over its fields: each that holds raises an alert carrying its instruction"
    )
    approval: Literal["required"] | None = Field(
        None, description="`required`: a done needs a second person's sign-off (`checklist approve`)"
    )
    owner: Slug | None = Field(None, description="the role that owns the measure (a role of the catalog's head)")
    approver: Slug | None = Field(
        None,
        description="the role whose holder must approve a done (implies approval: required): a role of the head",
    )
    reports_to: Text | Slug | None = Field(
        None, description="for a reporting measure: who receives the report, as a text or a role of the head"
    )
    headline: bool = Field(
        False, description="its figures head the unit's status (the three zeros), with days in a row at zero"
    )
    examples: list[Text] = Field([], description="what units did, as examples of evidence")

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if isinstance(self.applies_to, list) and not self.applies_to:
            raise PydanticCustomError("measure.applies_to", "applies_to needs at least one unit kind (or 'all')")
        if "figures" in self.evidence and not self.fields:
            raise PydanticCustomError("measure.figures", "evidence 'figures' needs at least one entry in 'fields'")
        ids = [f.id for f in self.fields]
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("measure.field_ids", "field ids must be unique within a measure")
        if self.deadline and self.deadline.after == "event" and not self.trigger:
            raise PydanticCustomError("measure.deadline_trigger", "a deadline after an event needs a 'trigger'")
        if self.deadline and self.deadline.before == "event" and not self.trigger:
            raise PydanticCustomError("measure.deadline_before", "a deadline before an event needs a 'trigger'")
        if self.standing is not None and self.recurrence is not None:
            said = "a standing rule is reviewed on its own cadence (standing.review): drop 'recurrence'"
            raise PydanticCustomError("measure.standing_recurrence", said)
        if self.id in self.replaces or len(set(self.replaces)) != len(self.replaces):
            raise PydanticCustomError("measure.replaces", "replaces names other measures' ids, each once")
        self._question_needs(ids)
        return self

    def _question_needs(self, ids: list[str]) -> None:
        """What a question's follow-ups need is evidence (note, file) or a field of the measure."""
        if self.question is None:
            return
        for follow in self.question.follow_up:
            for need in follow.need:
                if need not in ("note", "file") and need not in ids:
                    allowed = ", ".join(["note", "file", *ids])
                    raise PydanticCustomError(
                        "question.unknown_need",
                        "follow_up needs {need!r}, which is neither note, file nor a field of the measure: {allowed}",
                        {"need": need, "allowed": allowed},
                    )

    @cached_property
    def follow_up_fields(self) -> frozenset[str]:
        """The fields a question's follow-ups need: required only with the answers that need them."""
        if self.question is None:
            return frozenset()
        return frozenset(n for follow in self.question.follow_up for n in follow.need if n not in ("note", "file"))

    @cached_property
    def required_fields(self) -> list[FieldSpec]:
        """The fields every attestation with figures must give: required ones, but for a computed
        field (worked out, never typed) and one a question's follow-up needs (only then)."""
        return [f for f in self.fields if f.required and f.compute is None and f.id not in self.follow_up_fields]

    def applies(self, kind: str) -> bool:
        return self.applies_to == "all" or kind in self.applies_to

    @cached_property
    def conditions(self) -> dict[str, frozenset[str]]:
        """`when` as attribute id -> the value ids it applies under (yes/no as words)."""
        if not self.when:
            return {}
        return {
            name: frozenset(map(value_id, wanted if isinstance(wanted, list) else [wanted]))
            for name, wanted in self.when.items()
        }

    @property
    def needs_approval(self) -> bool:
        """A done needs a second person's sign-off: `approval: required`, or an approver role."""
        return self.approval == "required" or self.approver is not None

    @property
    def evidence_kinds(self) -> list[str]:
        """The named kinds of evidence (beyond note, file and figures) an attestation must carry."""
        return [kind for kind in self.evidence if kind not in BUILT_IN_EVIDENCE]

    @property
    def cadence(self) -> Recurrence | None:
        """The periods it is attested in: its recurrence, or a standing rule's reviews."""
        return self.recurrence if self.standing is None else self.standing.review

    def field(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @cached_property
    def alerting(self) -> list[FieldSpec]:
        """The fields with an alert threshold (status checks them for every item)."""
        return [f for f in self.fields if f.alert is not None]

    @cached_property
    def watched(self) -> bool:
        """Whether its records may raise an alert: a field's alert, a decision rule, or an answer
        its question's alert names."""
        return bool(self.alerting or self.rules or (self.question and self.question.alert))

    @cached_property
    def computations(self) -> list[tuple[str, Any]]:
        """The computed fields and their parsed expressions (expression.Expr), in an order in
        which each reads only figures recorded or worked out before it; a field in a cycle (which
        validation refuses) or whose expression does not parse is left out."""
        if all(spec.compute is None for spec in self.fields):
            return []  # as nearly every measure: the expression module is not even imported
        from .expression import ExpressionError, names, parse

        pending: dict[str, tuple[Any, list[str]]] = {}
        for spec in self.fields:
            if spec.compute is not None:
                try:
                    expr = parse(spec.compute)
                except ExpressionError:
                    continue
                pending[spec.id] = (expr, names(expr))
        ordered: list[tuple[str, Any]] = []
        while pending:
            ready = [fid for fid, (_, reads) in pending.items() if not any(r in pending for r in reads)]
            if not ready:
                break
            for fid in ready:
                ordered.append((fid, pending.pop(fid)[0]))
        return ordered

    @cached_property
    def aggregations(self) -> dict[str, Aggregate]:
        """How each number field adds up over the periods of a recurring measure, by field id
        (fields that are not numbers never add up)."""
        return {f.id: how for f in self.fields if (how := f.aggregation) is not None}

    def wording(self) -> str:
        """A short hash of what the measure says: a record made against other words shows it."""
        return self._wording

    def worded_as(self, wording: str) -> bool:
        """Whether a record made against `wording` was made against what the measure says now.
        Punctuation set full-width (，；（）for ,;()) or other compatibility forms changes no
        meaning: a record made against the half-width text still counts as made against it."""
        if wording == self._wording:  # as nearly every record is: the loose form is worked out only when not
            return True
        return wording == self._loose_wording

    @cached_property
    def _wording(self) -> str:  # once per measure: status asks for it for every item
        return _wording_of(self.title, self.detail, lambda text: text)

    @cached_property
    def _loose_wording(self) -> str:
        return _wording_of(self.title, self.detail, lambda text: unicodedata.normalize("NFKC", text))


def _wording_of(title: Text, detail: Text | None, form: Callable[[str], str]) -> str:
    # The texts by name, not the models' dump: a field added to Text must not change it.
    words = {"title": _texts(title, form), "detail": _texts(detail, form) if detail else None}
    return hashlib.sha256(json.dumps(words, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _texts(text: Text, form: Callable[[str], str]) -> dict[str, str]:
    return {"zh": form(text.zh or ""), "en": form(text.en or "")}


def value_id(value: bool | str) -> str:
    """An attribute's value as records keep it: a yes/no (YAML's `true`) as the word."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


class AttributeValue(Strict):
    """A value an attribute may take, with its name in the two languages."""

    id: Slug = Field(description="the value's id, as `when` and `checklist set NAME=VALUE` name it")
    name: Text | None = Field(None, description="the value's name, as shown (default: its id)")


class Attribute(Strict):
    """Something a unit has that can change, recorded in its log (`checklist set risk=high`):
    a choice among `values`, or `type: yesno`."""

    id: Slug = Field(description="the attribute's id, as `when` and `checklist set` name it")
    name: Text = Field(description="what it is, as shown (风险等级 / risk level)")
    type: Literal["choice", "yesno"] = Field("choice", description="choice (among values) or yesno")
    values: list[AttributeValue | Slug] | None = Field(
        None, description="for a choice: its values, as ids or as {id, name}; a yesno has yes and no"
    )
    default: bool | str = Field(description="its value until one is recorded (yes or no for a yesno)")

    @model_validator(mode="after")
    def _consistent(self) -> Attribute:
        if (self.type == "choice") != bool(self.values):
            said = "a choice attribute needs a non-empty 'values' list, and a yesno one has none"
            raise PydanticCustomError("attribute.values", said)
        ids = self.ids
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("attribute.value_ids", "the values of an attribute must differ")
        if value_id(self.default) not in ids:
            said = "the default must be one of {allowed}"
            raise PydanticCustomError("attribute.default", said, {"allowed": ", ".join(ids)})
        return self

    @property
    def ids(self) -> list[str]:
        """The ids of the values it may take."""
        if self.type == "yesno":
            return ["yes", "no"]
        return [v if isinstance(v, str) else v.id for v in self.values or ()]

    @property
    def initial(self) -> str:
        return value_id(self.default)

    def value_name(self, value: str) -> Text | None:
        """The name the catalog gives a value (None: show its id, or yes/no in the reader's words)."""
        for found in self.values or ():
            if isinstance(found, AttributeValue) and found.id == value:
                return found.name
        return None


class EventKind(Strict):
    """A kind of event (an admission, a transfer) that triggers measures, with its name."""

    id: Slug = Field(description="the kind's id, as a trigger's `event` and `checklist event KIND` name it")
    name: Text = Field(description="the kind's name, as shown (入监 / admission)")


class SubjectType(Strict):
    """A type of subject an event may concern (a person in custody, a staff member, a visitor)."""

    id: Slug = Field(description="the type's id, as `event --type` and a trigger's subject_types name it")
    name: Text = Field(description="the type's name, as shown")


class CatalogMeta(Strict):
    """The head of a catalog: who issued it, which version, for which kinds of unit."""

    name: Slug = Field(description="the catalog's id: its versions share it")
    version: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description='this version, as text (quote it: "2020.01.27")'
    )
    title: Text = Field(description="the catalog's title")
    issuer: Text = Field(description="who issued it")
    locale: str = Field("zh-CN", description="the language of its sources")
    timezone: str = Field("Asia/Shanghai", description="the time zone its days, periods and deadlines are reckoned in")
    unit_kinds: list[UnitKind] = Field(description="the kinds of unit it serves")
    sections: list[Section] = Field(description="the sections of the checklist, in order")
    attributes: list[Attribute] = Field(
        [], description="what a unit has that can change (a risk level), and that measures' `when` names"
    )
    subject_types: list[SubjectType] = Field(
        [], description="the types of subject an event concerns (custody, staff, visitor), as triggers name them"
    )
    roles: list[Role] = Field([], description="the roles of a unit's people that measures name (owner, approver)")
    evidence_kinds: list[NamedEvidence] = Field(
        [], description="kinds of evidence beyond note, file and figures that measures may ask for"
    )
    events: list[EventKind] = Field(
        [], description="the kinds of event triggers name, with their names (declared: a trigger names one of them)"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise PydanticCustomError("catalog.timezone", "unknown time zone {zone!r}", {"zone": value}) from exc
        return value


class MeasureFile(Strict):
    """A YAML file of measures; the catalog's head may stand in the same file."""

    catalog: CatalogMeta | None = Field(None, description="the catalog's head: exactly one file of a catalog has it")
    measures: list[Measure] = Field([], description="the measures, numbered in file order")


@dataclass(frozen=True, eq=False)
class Catalog:
    """A validated catalog: its head, its measures in file order, and its kept form.

    `content` is the catalog's data as written (see catalog.canonical); `digest`, the SHA-256
    of those bytes, is its identity in a store. Neither depends on how today's models dump
    a catalog, so a release that adds a field to them changes no digest.
    """

    meta: CatalogMeta
    measures: list[Measure]
    digest: str
    content: bytes = dataclass_field(repr=False)

    def same_content(self, other: Catalog) -> bool:
        """The same catalog, even if kept in another form (a copy kept by release 0.1.0)."""
        return self.digest == other.digest or (self.meta == other.meta and self.measures == other.measures)

    def kind(self, kind_id: str) -> UnitKind | None:
        return next((k for k in self.meta.unit_kinds if k.id == kind_id), None)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.meta.sections if s.id == section_id), None)

    def attribute(self, attribute_id: str) -> Attribute | None:
        return next((a for a in self.meta.attributes if a.id == attribute_id), None)

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.meta.roles if r.id == role_id), None)

    def evidence_kind(self, kind_id: str) -> NamedEvidence | None:
        return next((k for k in self.meta.evidence_kinds if k.id == kind_id), None)

    def event_kind(self, kind_id: str) -> EventKind | None:
        return next((k for k in self.meta.events if k.id == kind_id), None)

    def kind_label(self, kind_id: str) -> Text | str:
        """A kind of unit as a message names it: its name (监狱 / Prison), else its id."""
        found = self.kind(kind_id)
        return found.name if found is not None else kind_id

    def event_label(self, kind_id: str) -> Text | str:
        """A kind of event as a message names it: the head's name for it (入监 / admission), else its id."""
        found = self.event_kind(kind_id)
        return found.name if found is not None else kind_id

    def for_kind(self, kind_id: str) -> list[Measure]:
        return [m for m in self.measures if m.applies(kind_id)]

    @cached_property
    def renames(self) -> dict[str, str]:
        """Ids of earlier versions -> the measure that replaces them (see Measure.replaces)."""
        return {old: measure.id for measure in self.measures for old in measure.replaces}

    def unit_name(self, unit: Unit, lang: str) -> str:
        """A unit's display name: its own, else its kind's name in the reader's language."""
        if unit.name:
            return unit.name
        kind = self.kind(unit.kind)
        return kind.name(lang) if kind else unit.id


# --- the store ---------------------------------------------------------------

# The store writes a record in format 3, or in the newer format its action or content needs (formats.record_format).
RECORD_FORMAT: Literal[3] = 3  # 3: may say the replayed clock; 2: chained (prev, seq), optionally signed; 1: before
HASH = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]


class CatalogRef(Stored):
    name: str
    version: str
    digest: str
    path: str | None = None  # None: the bundled catalog


class Unit(Stored):
    """A unit started on a checklist: written once, when it is started."""

    format: Literal[1] = 1  # see formats.UNIT
    id: Annotated[str, StringConstraints(pattern=UNIT_ID)]
    kind: Slug
    name: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)] | None = None  # None: the kind's name
    catalog: CatalogRef
    started_at: AwareDatetime
    started_by: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]


class EvidenceFile(Stored):
    """A file shown as evidence: its name, size and hash; `stored` when a copy is in the store."""

    name: str
    size: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    stored: bool = False
    kind: Slug | None = None  # format 5: the named kind of evidence it is (`register`), as the catalog declares


class Signature(Stored):
    """An Ed25519 signature over a record's canonical form (the record without its signature)."""

    key: Annotated[str, StringConstraints(pattern=r"^ed25519:[0-9a-f]{16}$")]
    alg: Literal["ed25519"] = "ed25519"
    value: Annotated[str, StringConstraints(min_length=1, max_length=200)]


MAX_NOTE = 64 * 1024  # bytes of UTF-8: the longest note or reason a user may write (README, "The store")


Problem = tuple[str, str, dict[str, Any]]  # a code, its words and their values (PydanticCustomError's)


def _shape_problem(made: Attestation | Record) -> Problem | None:  # noqa: PLR0911 - one rule each
    """What is wrong with the shape of an attestation: the rule of drafts and records, in one place."""
    if (made.item is None) == (made.action in ITEM_ACTIONS) and made.v >= 2:
        code = "record.needs_item" if made.item is None else "record.no_item"
        return code, "a {action} record has the wrong 'item'", {"action": made.action}
    if made.action in ("event", "withdrawn") and (made.event is None or made.subject is None):
        return "record.event", "a {action} record needs 'event' and 'subject'", {"action": made.action}
    if made.action in PART_ACTIONS and made.part is None:
        return "record.part", "a {action} record needs 'part'", {"action": made.action}
    if (made.action == "part-added") != (made.part_kind is not None) or (
        made.part_name is not None and made.action != "part-added"
    ):
        return "record.part_kind", "'part_kind' and 'part_name' go with a part-added record, and only there", {}
    if made.action in ("event", "withdrawn", "upgraded") and made.part is not None:
        return "record.part_of", "a {action} record names no part", {"action": made.action}
    if made.occurrence is not None and made.subject is None:
        return "record.occurrence", "'occurrence' goes with a 'subject'", {}
    if (made.action == "approved") != (made.approves is not None):
        return "record.approves", "'approves' goes with an approved record, and only there", {}
    if (made.action == "set") != bool(made.attributes):
        return "record.attributes", "'attributes' goes with a set record, and only there", {}
    if made.subject_type is not None and made.action != "event":
        return "record.subject_type", "'subject_type' goes with an event record only", {}
    if (made.action in ROLE_ACTIONS) != (made.role is not None and made.holder is not None) or (
        made.action not in ROLE_ACTIONS and (made.role is not None or made.holder is not None)
    ):
        return "record.role", "'role' and 'holder' go with a granted or revoked record, and only there", {}
    if (made.action == "placed") != bool(made.place):
        return "record.place", "'place' goes with a placed record, and only there", {}
    return None


def _chain_problem(record: RecordModel | Record) -> Problem | None:
    """What is wrong with a record's place in the chain, for its format (the rule, in one place)."""
    if record.v >= 2 and (record.prev is None or record.seq is None):
        return "record.chained", "a format 2 record needs 'prev' and 'seq'", {}
    if record.v < 3 and record.clock is not None:
        return "record.clock", "'clock' is a field of format 3 records", {}
    if record.v == 1 and (record.prev is not None or record.seq is not None or record.sig is not None):
        return "record.legacy", "a format 1 record has no 'prev', 'seq' or 'sig'", {}
    needed = formats.record_format(record)
    if needed > 3 and record.v < needed:  # a release that cannot read the action refuses the line
        params = {"action": record.action, "needed": needed}
        return "record.newer_action", "a {action} record is of format {needed}", params
    return None


class Attestation(Stored):
    """What a record says, as pydantic reads it: the fields of a draft and of a record line."""

    v: Literal[1, 2, 3, 4, 5, 6] = RECORD_FORMAT
    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    unit: str
    item: MeasureId | None = None  # None for what concerns the unit: event, withdrawn, upgraded
    action: Action
    actor: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]
    at: AwareDatetime
    clock: AwareDatetime | None = None  # format 3: what --now said, if the clock was replayed
    period: Annotated[str, StringConstraints(pattern=PERIOD)] | None = None
    subject: Annotated[str, StringConstraints(pattern=SUBJECT)] | None = None
    part: Annotated[str, StringConstraints(pattern=SUBJECT)] | None = None  # format 5: the unit's part it concerns
    part_kind: Slug | None = None  # format 5: for part-added, the kind of part (a block)
    part_name: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)] | None = None  # for part-added
    event: Slug | None = None  # the kind of event, for event and withdrawn
    occurred: AwareDatetime | None = None  # when the event happened
    # occurrences: which occurrence of its event (kind and subject) a record concerns, 1 the
    # first, where the subject has had several (absent: the latest one, as before release 0.5.0)
    occurrence: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    subject_type: Slug | None = None  # format 5: an event's type of subject (catalog's subject_types)
    attributes: dict[Slug, Slug] | None = None  # format 5: for set, the unit's attributes given new values
    until: Date | None = None  # a waiver (na) lapses after this day
    approves: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")] | None = None
    measure: str | None = None  # hash of the measure's wording when it was attested
    note: str | None = None
    figures: dict[str, FigureValue] = {}
    evidence: list[EvidenceFile] = []
    catalog: str
    answer: list[Annotated[str, StringConstraints(pattern=SLUG, max_length=64)]] | None = None  # format 5
    role: Slug | None = None  # format 5: for granted and revoked, the role of the catalog's head
    holder: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)] | None = None  # who is given it
    # format 6: for placed, the bodies the unit reports to, from the top down (core/places.py)
    place: list[Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Attestation:
        problem = _shape_problem(self)
        if problem is not None:
            raise PydanticCustomError(*problem)
        return self


class Draft(Attestation):
    """An attestation (or an event, or an upgrade) as made, before the store gives it its
    place in the unit's chain. `at` is always the real time it was made; `period` is the
    occurrence of a recurring measure it covers, which may be an earlier one; `clock`, the
    moment the clock was set to (`--now`) when it was made with a replayed clock. A note (or
    reason) holds at most MAX_NOTE bytes; a record written before the limit reads as it is."""

    @field_validator("note")
    @classmethod
    def _note_size(cls, value: str | None) -> str | None:
        if value is not None and len(value) * 4 > MAX_NOTE and len(value.encode("utf-8", "surrogatepass")) > MAX_NOTE:
            size = len(value.encode("utf-8", "surrogatepass"))
            raise PydanticCustomError(
                "text.too_long", "{size} bytes, more than the {limit} a note holds", {"size": size, "limit": MAX_NOTE}
            )
        return value


class RecordModel(Attestation):
    """A record line as pydantic reads it: what the store has always read. It is lax: it takes
    a number given as text, a time as a count of seconds, NaN for a figure. `Record` (below)
    reads the lines every release writes some twenty times faster, and leaves every other
    line to this model, so that a line reads (or is refused, with the same words) exactly as
    it always did: a property test holds the two together (tests/test_record_decoder.py)."""

    sig: Signature | None = None
    seq: Annotated[int, Field(ge=1)] | None = None
    prev: HASH | None = None

    @model_validator(mode="after")
    def _chained(self) -> RecordModel:
        problem = _chain_problem(self)
        if problem is not None:
            raise PydanticCustomError(*problem)
        return self


# --- a record line, read fast (msgspec) ---------------------------------------------------
# The same fields and constraints as RecordModel. The patterns are checked after decoding
# (`_fits`), each text once per command: a log repeats its items, periods, actors and
# subjects, and Python's regular expressions cost more than the rest of a line's decoding.

_Aware = Annotated[datetime, msgspec.Meta(tz=True)]
_HEX = b"0123456789abcdef"


def _unhex(text: str) -> bytes:
    """What is left of a text once its lowercase hex digits are deleted."""
    return text.encode().translate(None, _HEX)


def _hex(text: str, length: int) -> bool:
    """Exactly `length` lowercase hex digits (deleting them leaves nothing)."""
    return len(text) == length and not text.encode().translate(None, _HEX)


class _Fits(set[str]):
    """The texts known to match a pattern of RecordModel (`\\Z` where pydantic's ends in `$`:
    Python's `$` also matches before a final line end, pydantic's engine does not): asked
    as `text in fits or fits.learn(text)`, the common case is a set lookup."""

    def __init__(self, pattern: str, max_length: int = 1 << 62) -> None:
        super().__init__()
        self.pattern = re.compile(pattern.removesuffix("$") + r"\Z")
        self.max_length = max_length

    def learn(self, text: str) -> bool:
        if len(text) > self.max_length or self.pattern.search(text) is None:
            return False
        if len(self) >= 4096:  # a bound, for logs with very many subjects
            self.clear()
        self.add(text)
        return True


_ITEM, _EVENT, _SUBJECT = _Fits(MEASURE_ID, 128), _Fits(SLUG, 64), _Fits(SUBJECT)
_PERIOD = _Fits(PERIOD)
_ACTOR = _Fits("^" + _CONTROL.pattern.replace("[", "[^", 1) + "*$")


def _slugs(attributes: dict[str, str]) -> Iterator[bool]:
    for name, value in attributes.items():
        yield name in _EVENT or _EVENT.learn(name)
        yield value in _EVENT or _EVENT.learn(value)


class RecordFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False):
    """An evidence file as a record names it (see EvidenceFile, what a draft names)."""

    name: str
    size: Annotated[int, msgspec.Meta(ge=0)]
    sha256: str  # 64 hex digits
    stored: bool = False
    kind: str | msgspec.UnsetType = msgspec.UNSET  # format 5, a slug: left out of the line when unset

    def __post_init__(self) -> None:
        if not _hex(self.sha256, 64):
            raise ValueError("sha256: not 64 hex digits")
        if self.kind is not msgspec.UNSET and (self.kind not in _EVENT and not _EVENT.learn(self.kind)):
            raise ValueError("kind: not a slug")

    @property
    def kind_id(self) -> str | None:
        """The named kind of evidence it was attached as, or None (a plain file)."""
        return None if self.kind is msgspec.UNSET else self.kind


class RecordSignature(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False):
    """A record's signature (see Signature)."""

    key: str  # ed25519: and 16 hex digits
    alg: Literal["ed25519"] = "ed25519"
    value: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]

    def __post_init__(self) -> None:
        if not (self.key.startswith("ed25519:") and _hex(self.key[8:], 16)):
            raise ValueError("key: not a key id")


class Record(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """One line of a unit's log, never rewritten: a draft, its signature, its number and its link.

    `prev` is the hash of the line before (the algorithm named in the value); the store
    fills `seq` and `prev` in under its lock. They stay the last fields, so that `verify`
    reads the link at a fixed offset from the end of the line without parsing it.

    A msgspec structure, read straight from a line's bytes (`decode`) with the constraints of
    RecordModel; a line it does not take (one no release writes: a number as text, a time
    with more than six decimals, a figure of NaN) is read by RecordModel instead, which takes
    it or refuses it as the store always has. Fields without a value are left out of the
    line (`v`, `figures`, `evidence` and `catalog` always have one), in this order.
    """

    v: Literal[1, 2, 3, 4, 5, 6]
    id: str  # 32 hex digits, as approves
    unit: str
    item: str | None = None  # a measure id
    action: Action
    actor: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]  # without controls
    at: _Aware
    clock: _Aware | None = None
    period: str | None = None
    subject: str | None = None
    part: str | None = None  # as a subject
    part_kind: str | None = None  # a slug
    part_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None  # without controls
    event: str | None = None  # a slug
    occurred: _Aware | None = None
    occurrence: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None  # see Attestation
    subject_type: str | None = None  # a slug
    attributes: dict[str, str] | None = None  # slugs
    until: Date | None = None
    approves: str | None = None
    measure: str | None = None
    note: str | None = None
    figures: dict[str, FigureValue]
    evidence: list[RecordFile]
    catalog: str
    answer: list[str] | None = None  # a question's answer (slugs), format 5
    role: str | None = None  # a slug
    holder: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None  # without controls
    place: list[Annotated[str, msgspec.Meta(min_length=1, max_length=200)]] | None = None  # without controls
    sig: RecordSignature | None = None
    seq: Annotated[int, msgspec.Meta(ge=1)] | None = None
    prev: str | None = None  # sha256: and 64 hex digits

    def __post_init__(self) -> None:
        if (  # the patterns, written out: the common case makes no call in Python
            len(self.id) != 32
            or self.id.encode().translate(None, _HEX)
            or (self.actor not in _ACTOR and not _ACTOR.learn(self.actor))
            or (self.item is not None and self.item not in _ITEM and not _ITEM.learn(self.item))
            or (self.prev is not None and (len(self.prev) != 71 or self.prev[:7] != "sha256:" or _unhex(self.prev[7:])))
            or (self.period is not None and self.period not in _PERIOD and not _PERIOD.learn(self.period))
            or (self.subject is not None and self.subject not in _SUBJECT and not _SUBJECT.learn(self.subject))
            or (self.event is not None and self.event not in _EVENT and not _EVENT.learn(self.event))
            or (self.part is not None and self.part not in _SUBJECT and not _SUBJECT.learn(self.part))
            or (self.part_kind is not None and self.part_kind not in _EVENT and not _EVENT.learn(self.part_kind))
            or (self.part_name is not None and self.part_name not in _ACTOR and not _ACTOR.learn(self.part_name))
            or (self.subject_type is not None and not all(_slugs({self.subject_type: self.subject_type})))
            or (self.attributes is not None and not all(_slugs(self.attributes)))
            or (self.approves is not None and not _hex(self.approves, 32))
            or (self.answer is not None and not all(a in _EVENT or _EVENT.learn(a) for a in self.answer))
            or (self.role is not None and self.role not in _EVENT and not _EVENT.learn(self.role))
            or (self.holder is not None and self.holder not in _ACTOR and not _ACTOR.learn(self.holder))
            or (self.place is not None and not all(p in _ACTOR or _ACTOR.learn(p) for p in self.place))
        ):
            raise ValueError("a text does not match its pattern")
        problem = _shape_problem(self) or _chain_problem(self)
        if problem is not None:
            raise ValueError(problem[1].format(**problem[2]))

    @classmethod
    def decode(cls, line: bytes) -> Record:
        """The record a line holds; a line that is not one raises pydantic's ValidationError."""
        if _MANY_DECIMALS.search(line) is None:  # msgspec rounds a time's 7th decimal, pydantic cuts it
            try:
                return _DECODER.decode(line)
            except msgspec.MsgspecError:
                pass
        return cls.of_model(RecordModel.model_validate_json(line))

    @classmethod
    def decode_many(cls, lines: list[bytes], checked: bool = True) -> list[Record] | None:
        """The records of many lines (none blank) in one call, or None if one of them is to be
        read on its own (by `decode`, which takes or refuses it as it always has). Not
        `checked`: their types and bounds only, not the patterns and rules of __post_init__
        (for a fold whose lines another process checks meanwhile: half its time)."""
        data = b"\n".join(lines)
        if _MANY_DECIMALS.search(data) is not None:
            return None
        try:
            records: list[Any] = (_DECODER if checked else _UNCHECKED).decode_lines(data)
        except msgspec.MsgspecError:
            return None
        return records if len(records) == len(lines) else None

    @classmethod
    def of(cls, fields: dict[str, Any]) -> Record:
        """A record of Python values (a draft's, with its place in the chain), validated as a
        line is; a bad value raises pydantic's ValidationError."""
        return cls.of_model(RecordModel.model_validate(fields))

    @classmethod
    def of_model(cls, model: RecordModel) -> Record:
        values = {name: getattr(model, name) for name in cls.__struct_fields__}
        values["evidence"] = [RecordFile(**file.model_dump(exclude_none=True)) for file in model.evidence]
        values["sig"] = None if model.sig is None else RecordSignature(**model.sig.model_dump())
        values["figures"] = dict(model.figures)
        return cls(**values)

    def replace(self, **changes: Any) -> Record:
        return msgspec.structs.replace(self, **changes)

    def canonical(self) -> bytes:
        """What a signature covers: the line as written, without its `sig` member."""
        return _ENCODER.encode(msgspec.structs.replace(self, sig=None))

    def line(self) -> bytes:
        """The line written to the log; fields without a value are left out."""
        return _ENCODER.encode(self)

    def dump(self) -> dict[str, Any]:
        """The record as JSON types, as its line holds them (times as text, a UTC one ending in Z)."""
        dumped: dict[str, Any] = msgspec.to_builtins(self)
        return dumped

    @staticmethod
    def signed_part(line: bytes) -> bytes:
        """The bytes a signature covers, cut from the line as written (never re-serialized, so
        a later change in how records are written cannot break an old signature)."""
        start = line.rfind(b',"sig":{')
        end = line.find(b"}", start + 8)
        return line[:start] + line[end + 1 :] if start >= 0 and end >= 0 else line


class _Unchecked(Record, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """A Record read without __post_init__'s checks (see `Record.decode_many`)."""

    def __post_init__(self) -> None:
        pass


_DECODER = msgspec.json.Decoder(Record)
_UNCHECKED = msgspec.json.Decoder(_Unchecked)
_ENCODER = msgspec.json.Encoder()
_MANY_DECIMALS = re.compile(rb"\.[0-9]{7}")


M = TypeVar("M", bound=BaseModel)


def from_user(model: type[M], **fields: Any) -> M:
    """Build a store model from what a user typed; a bad value is a UserError naming the field."""
    try:
        return model(**fields)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(step) for step in error["loc"])
        if error["type"] == "text.too_long":
            limits = error.get("ctx") or {}
            raise UserError("input.too_long", field=where, size=limits["size"], limit=limits["limit"]) from None
        detail = error["msg"][0].lower() + error["msg"][1:]
        raise UserError("input.invalid", field=where, detail=detail, type=error["type"]) from None


def catalog_json_schema() -> dict[str, Any]:
    """The JSON Schema of a measure file, for editors that complete and check YAML."""
    schema = MeasureFile.model_json_schema()
    schema["title"] = "checklist measure file"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
