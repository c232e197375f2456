"""The domain's data: the measure catalog (from YAML) and the store's units and records.

Catalog models forbid unknown keys so that a typo in YAML is an error, not a silently
ignored field. Store models are frozen: a record, once made, is never changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date as Date
from functools import cached_property
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

from .errors import UserError

SLUG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
MEASURE_ID = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
# Unit ids become folder names: keep them to a safe, portable alphabet.
UNIT_ID = r"^[a-z0-9\u4e00-\u9fff](?:[a-z0-9\u4e00-\u9fff_-]{0,62}[a-z0-9\u4e00-\u9fff])?$"

Slug = Annotated[str, StringConstraints(pattern=SLUG, max_length=64)]
MeasureId = Annotated[str, StringConstraints(pattern=MEASURE_ID, max_length=128)]

Priority = Literal["critical", "high", "normal"]
EvidenceKind = Literal["note", "file", "figures"]
Action = Literal["done", "partial", "na", "blocked", "reopened", "approved", "event", "withdrawn", "upgraded"]
ITEM_ACTIONS: frozenset[str] = frozenset({"done", "partial", "na", "blocked", "reopened", "approved"})
SUBJECT = r"^[^\x00-\x1f\x7f/\\|]{1,64}$"  # any identifier a unit uses, but no controls, slashes or '|'
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FigureValue = bool | int | float | str


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _no_control_chars(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("text.control", "must not contain control characters")
    return value


CleanStr = Annotated[str, AfterValidator(_no_control_chars)]


class Strict(BaseModel):
    """Catalog models: unknown keys are errors; surrounding blanks in YAML text are trimmed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class Stored(BaseModel):
    """Store models: frozen, and every string kept exactly as it was written."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in both languages of the catalog; both are required."""

    zh: Annotated[CleanStr, StringConstraints(min_length=1)]
    en: Annotated[CleanStr, StringConstraints(min_length=1)]

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class UnitKind(Strict):
    id: Slug
    name: Text


class Section(Strict):
    id: Slug
    name: Text


class Source(Strict):
    """Where a measure comes from: who issued it, when, and the original sentence verbatim."""

    issuer: Text
    date: Date | None = None
    quote: Annotated[str, StringConstraints(min_length=1)]


class Alert(Strict):
    """Thresholds at which a recorded figure is flagged (the value is still recorded)."""

    above: float | None = None
    at_least: float | None = None
    below: float | None = None
    at_most: float | None = None

    def crossed(self, value: float) -> bool:
        return (
            (self.above is not None and value > self.above)
            or (self.at_least is not None and value >= self.at_least)
            or (self.below is not None and value < self.below)
            or (self.at_most is not None and value <= self.at_most)
        )


class FieldSpec(Strict):
    """A figure an attestation records, e.g. the number of people whose temperature was taken."""

    id: Slug
    label: Text
    type: Literal["integer", "number", "text", "yesno", "choice"]
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    choices: list[str] | None = None
    required: bool = True
    alert: Alert | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        numeric = self.type in ("integer", "number")
        if not numeric and (self.min is not None or self.max is not None or self.alert):
            raise PydanticCustomError(
                "field.bounds_not_numeric",
                "min, max and alert apply only to integer and number fields, not {type}",
                {"type": self.type},
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError(
                "field.min_above_max", "min ({min}) is greater than max ({max})", {"min": self.min, "max": self.max}
            )
        if (self.type == "choice") != bool(self.choices):
            raise PydanticCustomError(
                "field.choices", "a choice field needs a non-empty 'choices' list, and only a choice field has one"
            )
        return self


_EVERY = re.compile(r"^(day|week|(?P<hours>[1-9][0-9]*)h)$")


class Recurrence(Strict):
    """How often a measure must be attested again.

    `{every: day}`, `{every: day, times: 2}`, `{every: 8h}`, `{every: week}` or `{on: [mon, thu]}`.
    """

    every: str | None = None
    times: Annotated[int, Field(ge=1, le=24)] | None = None
    on: list[Weekday] | None = None

    @field_validator("every")
    @classmethod
    def _every(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = _EVERY.match(value)
        if not match:
            raise PydanticCustomError("recurrence.every", "must be 'day', 'week' or a number of hours such as '8h'")
        hours = match.group("hours")
        if hours and not 1 <= int(hours) <= 24 * 7:
            raise PydanticCustomError("recurrence.hours", "a period in hours must be between 1h and 168h")
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Recurrence:
        if (self.every is None) == (self.on is None):
            raise PydanticCustomError("recurrence.one_form", "give exactly one of 'every' or 'on'")
        if self.times is not None and self.every != "day":
            raise PydanticCustomError("recurrence.times", "'times' goes with 'every: day' only")
        if self.on is not None and (not self.on or len(set(self.on)) != len(self.on)):
            raise PydanticCustomError("recurrence.on", "'on' needs distinct weekdays")
        return self


class Trigger(Strict):
    """An event that creates an item per subject, e.g. every new admission of a prisoner."""

    event: Slug
    subject: Text | None = None
    opens_after_days: Annotated[int, Field(ge=0, le=3650)] = 0
    lasts_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class Deadline(Strict):
    """`{date: 2020-01-27}`, or `{days: N, after: start|event}`."""

    date: Date | None = None
    days: Annotated[int, Field(ge=0, le=3650)] | None = None
    after: Literal["start", "event"] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Deadline:
        relative = self.days is not None or self.after is not None
        if (self.date is None) == (not relative):
            raise PydanticCustomError("deadline.one_form", "give either 'date', or 'days' with 'after'")
        if relative and (self.days is None or self.after is None):
            raise PydanticCustomError("deadline.relative", "a relative deadline needs both 'days' and 'after'")
        return self


class Measure(Strict):
    id: MeasureId
    title: Text
    detail: Text | None = None
    applies_to: list[Slug] | Literal["all"]
    section: Slug
    priority: Priority = "normal"
    source: Source
    evidence: list[EvidenceKind] = []
    recurrence: Recurrence | None = None
    trigger: Trigger | None = None
    fields: list[FieldSpec] = []
    deadline: Deadline | None = None
    approval: Literal["required"] | None = None  # done needs a second person's sign-off
    headline: bool = False  # its figures head the unit's status (the "three zeros")
    examples: list[Text] = []

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
        return self

    def applies(self, kind: str) -> bool:
        return self.applies_to == "all" or kind in self.applies_to

    def field(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @cached_property
    def alerting(self) -> list[FieldSpec]:
        """The fields with an alert threshold (status checks them for every item)."""
        return [f for f in self.fields if f.alert is not None]

    def wording(self) -> str:
        """A short hash of what the measure says: a record made against other words shows it."""
        return self._wording

    @cached_property
    def _wording(self) -> str:  # once per measure: status asks for it for every item
        # The texts by name, not the models' dump: a field added to Text must not change it.
        words = {"title": _texts(self.title), "detail": _texts(self.detail) if self.detail else None}
        return hashlib.sha256(json.dumps(words, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _texts(text: Text) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


class CatalogMeta(Strict):
    """The head of a catalog: who issued it, which version, for which kinds of unit."""

    name: Slug
    version: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    title: Text
    issuer: Text
    locale: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    unit_kinds: list[UnitKind]
    sections: list[Section]

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

    catalog: CatalogMeta | None = None
    measures: list[Measure] = []


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

    def for_kind(self, kind_id: str) -> list[Measure]:
        return [m for m in self.measures if m.applies(kind_id)]

    def unit_name(self, unit: Unit, lang: str) -> str:
        """A unit's display name: its own, else its kind's name in the reader's language."""
        if unit.name:
            return unit.name
        kind = self.kind(unit.kind)
        return kind.name(lang) if kind else unit.id


# --- the store ---------------------------------------------------------------

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


class Signature(Stored):
    """An Ed25519 signature over a record's canonical form (the record without its signature)."""

    key: Annotated[str, StringConstraints(pattern=r"^ed25519:[0-9a-f]{16}$")]
    alg: Literal["ed25519"] = "ed25519"
    value: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Draft(Stored):
    """An attestation (or an event, or an upgrade) as made, before the store gives it its
    place in the unit's chain. `at` is always the real time it was made; `period` is the
    occurrence of a recurring measure it covers, which may be an earlier one; `clock`, the
    moment the clock was set to (`--now`) when it was made with a replayed clock."""

    v: Literal[1, 2, 3] = RECORD_FORMAT
    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    unit: str
    item: MeasureId | None = None  # None for what concerns the unit: event, withdrawn, upgraded
    action: Action
    actor: Annotated[CleanStr, StringConstraints(min_length=1, max_length=200)]
    at: AwareDatetime
    clock: AwareDatetime | None = None  # format 3: what --now said, if the clock was replayed
    period: Annotated[str, StringConstraints(pattern=r"^\d{4}-(W\d{2}|\d{2}-\d{2}(T\d{2}:\d{2})?)$")] | None = None
    subject: Annotated[str, StringConstraints(pattern=SUBJECT)] | None = None
    event: Slug | None = None  # the kind of event, for event and withdrawn
    occurred: AwareDatetime | None = None  # when the event happened
    until: Date | None = None  # a waiver (na) lapses after this day
    approves: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")] | None = None
    measure: str | None = None  # hash of the measure's wording when it was attested
    note: str | None = None
    figures: dict[str, FigureValue] = {}
    evidence: list[EvidenceFile] = []
    catalog: str

    @model_validator(mode="after")
    def _shape(self) -> Draft:
        if (self.item is None) == (self.action in ITEM_ACTIONS) and self.v >= 2:
            code = "record.needs_item" if self.item is None else "record.no_item"
            raise PydanticCustomError(code, "a {action} record has the wrong 'item'", {"action": self.action})
        if self.action in ("event", "withdrawn") and (self.event is None or self.subject is None):
            raise PydanticCustomError(
                "record.event", "a {action} record needs 'event' and 'subject'", {"action": self.action}
            )
        if (self.action == "approved") != (self.approves is not None):
            raise PydanticCustomError("record.approves", "'approves' goes with an approved record, and only there")
        return self


class Record(Draft):
    """One line of a unit's log, never rewritten: a draft, its signature, its number and its link.

    `prev` is the hash of the line before (the algorithm named in the value); the store
    fills `seq` and `prev` in under its lock. They stay the last fields, so that `verify`
    reads the link at a fixed offset from the end of the line without parsing it.
    """

    sig: Signature | None = None
    seq: Annotated[int, Field(ge=1)] | None = None
    prev: HASH | None = None

    @model_validator(mode="after")
    def _chained(self) -> Record:
        if self.v >= 2 and (self.prev is None or self.seq is None):
            raise PydanticCustomError("record.chained", "a format 2 record needs 'prev' and 'seq'")
        if self.v < 3 and self.clock is not None:
            raise PydanticCustomError("record.clock", "'clock' is a field of format 3 records")
        if self.v == 1 and (self.prev is not None or self.seq is not None or self.sig is not None):
            raise PydanticCustomError("record.legacy", "a format 1 record has no 'prev', 'seq' or 'sig'")
        return self

    def canonical(self) -> bytes:
        """What a signature covers: the line as written, without its `sig` member."""
        return self.model_dump_json(exclude={"sig"}, exclude_none=True).encode()

    def line(self) -> bytes:
        """The line written to the log; fields without a value are left out."""
        return self.model_dump_json(exclude_none=True).encode()

    @staticmethod
    def signed_part(line: bytes) -> bytes:
        """The bytes a signature covers, cut from the line as written (never re-serialized, so
        a later change in how records are written cannot break an old signature)."""
        start = line.rfind(b',"sig":{')
        end = line.find(b"}", start + 8)
        return line[:start] + line[end + 1 :] if start >= 0 and end >= 0 else line


M = TypeVar("M", bound=BaseModel)


def from_user(model: type[M], **fields: Any) -> M:
    """Build a store model from what a user typed; a bad value is a UserError naming the field."""
    try:
        return model(**fields)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(step) for step in error["loc"])
        detail = error["msg"][0].lower() + error["msg"][1:]
        raise UserError("input.invalid", field=where, detail=detail, type=error["type"]) from None


def catalog_json_schema() -> dict[str, Any]:
    """The JSON Schema of a measure file, for editors that complete and check YAML."""
    schema = MeasureFile.model_json_schema()
    schema["title"] = "checklist measure file"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
