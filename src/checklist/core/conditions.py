"""Applicability beyond the unit kind: a unit's attributes over time, and the conditions on
them under which a measure applies (`when: {risk: [medium, high]}`).

A unit's attributes start at the catalog's defaults (from the unit's start) and change by
`set` records, each taking effect at its moment (the replayed clock under `--now`, else the
real time it was written). The log keeps every change, the index keeps them all (a few), so
that where an attribute stood at any moment is worked out without reading the log.

The rules (README, "Conditions"):
- a one-time item applies while its conditions hold; an item already done or waived stays so
  (records made while it applied keep counting); a deadline after the start counts from the
  moment its conditions last began to hold;
- a recurring item's period counts if its conditions held at any moment of it (up to now).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .errors import NotFound, UserError
from .fuzzy import closest
from .models import Attribute, Catalog, Record, Text

Conditions = Mapping[str, frozenset[str]]  # attribute id -> the values a measure applies under
Interval = tuple[datetime, datetime | None]  # from (included) to (excluded; None: on and on)


@dataclass(frozen=True)
class Stretch:
    """A time during which every attribute kept its value: from `begin` to the next stretch."""

    begin: datetime
    values: dict[str, str]
    at: int | None  # where the record of the change that began it starts (None: the defaults)


class Timeline:
    """A unit's attributes from its start up to `now` (changes after now are not yet made)."""

    def __init__(
        self,
        catalog: Catalog,
        start: datetime,
        changes: Sequence[tuple[int, datetime, dict[str, str]]],
        now: datetime,
        fetch: Callable[[int], Record] | None = None,
    ) -> None:
        self.fetch = fetch  # the record whose line starts at an offset (who set a value, and why)
        values = {attribute.id: attribute.initial for attribute in catalog.meta.attributes}
        self.start = start
        self.stretches = [Stretch(start, values, None)]
        self.changes = [c for c in sorted(changes, key=lambda c: (c[1], c[0])) if c[1] <= now]
        for at, moment, given in self.changes:
            values = {**values, **given}
            begin = max(moment, start)  # a change dated before the start (by hand) counts from it
            if begin == self.stretches[-1].begin:
                self.stretches[-1] = Stretch(begin, values, at)
            else:
                self.stretches.append(Stretch(begin, values, at))
        self._holding: dict[tuple[tuple[str, frozenset[str]], ...], list[Interval]] = {}

    @property
    def values(self) -> dict[str, str]:
        """Every attribute's value now."""
        return self.stretches[-1].values

    def since(self, attribute: str) -> Stretch:
        """The stretch since which an attribute has its value now (the first one, if it never changed)."""
        value = self.values.get(attribute)
        found = self.stretches[-1]
        for stretch in reversed(self.stretches):
            if stretch.values.get(attribute) != value:
                break
            found = stretch
        return found

    def record(self, stretch: Stretch) -> Record | None:
        """The record of the change that began a stretch (None: the defaults, or no log to read)."""
        return None if stretch.at is None or self.fetch is None else self.fetch(stretch.at)

    def failing(self, conditions: Conditions) -> list[tuple[str, str]]:
        """The attributes (and their values now) that keep `conditions` from holding now."""
        values = self.values
        return [(name, values.get(name, "")) for name, wanted in conditions.items() if values.get(name) not in wanted]

    def holding(self, conditions: Conditions) -> list[Interval]:
        """When `conditions` held, as intervals in order (the last open-ended if they hold now)."""
        key = tuple(sorted(conditions.items()))
        found = self._holding.get(key)
        if found is None:
            found = []
            ends = [s.begin for s in self.stretches[1:]] + [None]
            for stretch, end in zip(self.stretches, ends, strict=True):
                if all(stretch.values.get(name) in wanted for name, wanted in conditions.items()):
                    if found and found[-1][1] == stretch.begin:
                        found[-1] = (found[-1][0], end)
                    else:
                        found.append((stretch.begin, end))
            self._holding[key] = found
        return found

    def holds(self, conditions: Conditions) -> bool:
        """Whether `conditions` hold now."""
        found = self.holding(conditions)
        return bool(found) and found[-1][1] is None

    def began(self, conditions: Conditions) -> datetime | None:
        """When `conditions` last began to hold, if they hold now."""
        return self.holding(conditions)[-1][0] if self.holds(conditions) else None

    def last_began(self, conditions: Conditions) -> datetime | None:
        """When `conditions` last began to hold, now or before (None: they never held)."""
        found = self.holding(conditions)
        return found[-1][0] if found else None

    def held(self, conditions: Conditions, begin: datetime, end: datetime) -> bool:
        """Whether `conditions` held at some moment from `begin` to `end` (excluded)."""
        return any(start < end and (until is None or until > begin) for start, until in self.holding(conditions))

    def said(self, conditions: Conditions) -> list[list[str | None]]:
        """When `conditions` held, as text: what a memo of a recurring item depends on."""
        found = self.holding(conditions)
        return [[start.isoformat(), None if end is None else end.isoformat()] for start, end in found]


_YES = ("yes", "y", "true", "是", "有")
_NO = ("no", "n", "false", "否", "无", "没有")


def resolve_assignments(catalog: Catalog, texts: Sequence[str]) -> dict[str, str]:
    """`NAME=VALUE` as typed (`risk=high`, `风险等级=高`, `medical_ward=是`): attribute id ->
    value id. Attributes and values are named by id or by their Chinese or English name, in
    any case; an unknown one is refused with the closest names."""
    attributes = catalog.meta.attributes
    if not attributes:
        raise UserError("set.no_attributes", catalog=catalog.meta.name)
    found: dict[str, str] = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UserError("set.assignment", text=text)
        attribute = _attribute(catalog, name.strip())
        if attribute.id in found:
            raise UserError("set.twice", attribute=attribute.id)
        found[attribute.id] = _value(attribute, value.strip())
    return found


def _attribute(catalog: Catalog, token: str) -> Attribute:
    wanted = token.casefold()
    forms = {a.id: (a.id, (a.name.zh or "").casefold(), (a.name.en or "").casefold()) for a in catalog.meta.attributes}
    for attribute in catalog.meta.attributes:
        if wanted in forms[attribute.id]:
            return attribute
    owner = {form: attribute_id for attribute_id, names in forms.items() for form in names if form}
    suggestions = list(dict.fromkeys(owner[f] for f in closest(wanted, owner, limit=6)))[:3]
    raise NotFound("set.unknown_attribute", suggestions, attribute=token, known=list(forms))


def _names(name: Text | None) -> tuple[str, ...]:
    return ((name.zh or "").casefold(), (name.en or "").casefold()) if name is not None else ()


def _value(attribute: Attribute, token: str) -> str:
    wanted = token.casefold()
    if attribute.type == "yesno":
        if wanted in _YES:
            return "yes"
        if wanted in _NO:
            return "no"
    forms = {value: (value, *_names(attribute.value_name(value))) for value in attribute.ids}
    for value, names in forms.items():
        if wanted in names:
            return value
    owner = {form: value for value, names in forms.items() for form in names if form}
    suggestions = list(dict.fromkeys(owner[f] for f in closest(wanted, owner, limit=6)))[:3]
    raise NotFound("set.unknown_value", suggestions, attribute=attribute.id, value=token, allowed=attribute.ids)
