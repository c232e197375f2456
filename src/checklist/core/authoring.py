"""What a catalog must get right beyond the shape of each value: rules across the parts of a
measure and across the catalog, for constructs that load but cannot work at run time.

The models (models.py) check each value and each part on its own, and they also read the
copies of catalogs kept in stores, so a rule added there would refuse a store that an older
release wrote. These rules run only when a catalog is read from YAML (`catalog.load`,
`checklist validate`), on the parts of a measure validated one by one, so that a measure
with other faults is still checked and every problem shows in one pass.

A finding is an **error** when the construct can never do what it says (an alert that cannot
fire, an item due before it opens, a setting the run time ignores): no unit could use it as
written. It is a **warning** when the catalog works but likely not as its authors meant (a
unit kind with no measure yet, figures nobody has to give): warnings do not stop a catalog
from loading, and `checklist validate --strict` counts them as errors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .clock import EARLIEST, LATEST, in_range
from .errors import Message, message
from .fuzzy import closest
from .models import Deadline, FieldSpec, InForce, Trigger, value_id

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """A problem with a catalog, where it is in a measure (or in the head), and how serious."""

    message: Message
    loc: Loc
    warning: bool = False


def measure_findings(raw: Any) -> list[Finding]:
    """What cannot work (or likely not as meant) in one measure, as written in YAML."""
    if not isinstance(raw, dict):
        return []
    fields = _fields(raw)
    found = _figures(raw, fields)
    for index, spec in fields:
        if spec is not None:
            found += _alert(spec, ("fields", index, "alert"))
    from .typecheck import computed_findings, rule_findings  # computed fields and decision rules

    found += computed_findings(fields) + rule_findings(raw, fields)
    return found + _timing(raw) + _in_force(raw) + one_language(raw) + _unnamed_choices(raw)


def one_language(raw: Any, loc: Loc = ()) -> list[Finding]:
    """Texts given in one language only: a warning. They load, and are shown in the other
    language marked as missing (never translated on the fly), which a catalog being written
    may well be; one sent to units should have both (`validate --strict`)."""
    if isinstance(raw, list):
        return [found for index, value in enumerate(raw) for found in one_language(value, (*loc, index))]
    if not isinstance(raw, dict):
        return []
    given = [lang for lang in ("zh", "en") if raw.get(lang) is not None]  # a faulty one: the models report it
    if len(given) == 1 and set(raw) <= {"zh", "en"}:
        missing = "en" if given == ["zh"] else "zh"
        return [Finding(message("text.one_language", given=given[0], missing=missing), loc, warning=True)]
    return [found for key, value in raw.items() if key != "quote" for found in one_language(value, (*loc, key))]


def _unnamed_choices(raw: dict[str, Any]) -> list[Finding]:
    """A choice or multi field whose choices are plain ids: they show as written in both
    languages. A warning, one per field (`{id, label: {zh, en}}` names a choice)."""
    fields = raw.get("fields")
    found = []
    for index, spec in enumerate(fields if isinstance(fields, list) else []):
        choices = spec.get("choices") if isinstance(spec, dict) else None
        plain = [str(c) for c in choices if isinstance(c, str | int | float)] if isinstance(choices, list) else []
        if plain:
            said = message("field.unnamed_choices", field=spec.get("id"), choices=plain)
            found.append(Finding(said, ("fields", index, "choices"), warning=True))
    return found


def head_findings(head: Any, measures: Sequence[Any]) -> list[Finding]:
    """Unit kinds that no measure applies to, texts in one language (locations within the head)."""
    return _kinds_without_measures(head, measures) + _parts_without_measures(head, measures) + one_language(head)


def _parts_without_measures(head: Any, measures: Sequence[Any]) -> list[Finding]:
    """Unit parts: a kind of part no measure is kept per. A warning: parts of it can be added,
    and have no items; usually a typo in a measure's `per`, or a kind not used yet."""
    kinds = head.get("unit_kinds") if isinstance(head, dict) else None
    if not isinstance(kinds, list):
        return []
    kept = {raw.get("per") for raw in measures if isinstance(raw, dict)}
    found = []
    for index, kind in enumerate(kinds):
        parts = kind.get("parts") if isinstance(kind, dict) else None
        for number, part in enumerate(parts if isinstance(parts, list) else []):
            if isinstance(part, dict) and isinstance(part.get("id"), str) and part["id"] not in kept:
                said = message("catalog.part_kind_unused", kind=kind.get("id"), part=part["id"])
                found.append(Finding(said, ("unit_kinds", index, "parts", number), warning=True))
    return found


def _kinds_without_measures(head: Any, measures: Sequence[Any]) -> list[Finding]:
    kinds = head.get("unit_kinds") if isinstance(head, dict) else None
    if not isinstance(kinds, list):
        return []
    applied: set[str] = set()
    for raw in measures:
        applies_to = raw.get("applies_to") if isinstance(raw, dict) else None
        if applies_to == "all" or not isinstance(applies_to, list | str):  # all, or a fault the models report
            return []
        applied.update([applies_to] if isinstance(applies_to, str) else [k for k in applies_to if isinstance(k, str)])
    # A warning: a unit of the kind starts with an empty checklist, which works, and a catalog
    # being written may name its kinds before their measures are in; but a kind published so
    # usually lost its measures to a typo in applies_to or a renamed id.
    return [
        Finding(message("catalog.kind_without_measures", kind=kind["id"]), ("unit_kinds", index), warning=True)
        for index, kind in enumerate(kinds)
        if isinstance(kind, dict) and isinstance(kind.get("id"), str) and kind["id"] not in applied
    ]


def _part(model: type[M], value: Any) -> M | None:
    """A part of a measure on its own, or None if it is absent or faulty (the models report it)."""
    if value is None:
        return None
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _fields(raw: dict[str, Any]) -> list[tuple[int, FieldSpec | None]]:
    fields = raw.get("fields")
    return [(i, _part(FieldSpec, spec)) for i, spec in enumerate(fields)] if isinstance(fields, list) else []


def _figures(raw: dict[str, Any], fields: list[tuple[int, FieldSpec | None]]) -> list[Finding]:
    """Fields count only when evidence includes figures (attest.py): `required` says which of
    them an attestation must give, and nothing asks for any of them without `figures`.

    Warnings: the measure works, and a figure given is recorded; but a field left `required`
    (the default) that nobody has to give is nearly always `figures` forgotten in evidence,
    and `figures` in evidence with every field optional asks for nothing."""
    evidence = raw.get("evidence", [])
    specs = [spec for _, spec in fields]
    if not isinstance(evidence, list) or not specs or None in specs:
        return []
    asked = _followed_up(raw)  # a question's follow-up asks for these, with the answers that need them
    required = [
        spec.id
        for spec in specs
        if spec is not None and spec.required and spec.compute is None and spec.id not in asked
    ]
    if "figures" not in evidence and required:
        return [Finding(message("measure.figures_not_asked", fields=required), ("fields",), warning=True)]
    if "figures" in evidence and not required:
        where = ("evidence", evidence.index("figures"))
        return [Finding(message("measure.figures_all_optional"), where, warning=True)]
    return []


def _followed_up(raw: dict[str, Any]) -> set[str]:
    """The fields a question's follow-ups name (required only with the answers that need them)."""
    question = raw.get("question")
    follow = question.get("follow_up") if isinstance(question, dict) else None
    if not isinstance(follow, list):
        return set()
    needs = [f.get("need") for f in follow if isinstance(f, dict)]
    return {n for need in needs if isinstance(need, list) for n in need if isinstance(n, str)}


_UPWARD = ("above", "at_least")  # thresholds crossed going up; below and at_most, going down


def _alert(spec: FieldSpec, loc: Loc) -> list[Finding]:
    """Errors: an alert that can never fire says a figure is watched when it is not; one that
    fires on every value flags every attestation, and a flag that is always there is no flag."""
    alert = spec.alert
    if alert is None:
        return []
    if alert.values is not None:
        return _every_answer(spec, alert.values, loc)
    low, high = spec.min, spec.max
    if spec.type == "integer":  # the values an integer field takes: max 9.5 is 9
        low = math.ceil(low) if low is not None else None
        high = math.floor(high) if high is not None else None
    found = []
    for name in ("above", "at_least", "below", "at_most"):
        value = getattr(alert, name)
        if value is None:
            continue
        never = _never(name, value, low, high)  # past the bound the threshold points to
        if not never and not _always(name, value, low, high):  # or short of the bound behind it
            continue
        side = "max" if (name in _UPWARD) == never else "min"
        code = "field.alert_never" if never else "field.alert_always"
        limit = high if side == "max" else low
        found.append(Finding(message(code, alert=name, value=value, side=side, limit=limit), (*loc, name)))
    return found


def _never(name: str, value: float, low: float | None, high: float | None) -> bool:
    """Whether no value within the bounds crosses the threshold."""
    if name == "above":
        return high is not None and value >= high
    if name == "at_least":
        return high is not None and value > high
    if name == "below":
        return low is not None and value <= low
    return low is not None and value < low  # at_most


def _always(name: str, value: float, low: float | None, high: float | None) -> bool:
    """Whether every value within the bounds crosses the threshold."""
    if name == "above":
        return low is not None and value < low
    if name == "at_least":
        return low is not None and value <= low
    if name == "below":
        return high is not None and value > high
    return high is not None and value >= high  # at_most


def _every_answer(spec: FieldSpec, values: list[bool | str], loc: Loc) -> list[Finding]:
    """An alert naming every answer a yes/no or a choice can hold flags every attestation."""
    flagged: set[bool | str]
    answers: set[bool | str]
    if spec.type == "yesno":  # yes and no, as catalogs write them (the models check the words)
        flagged, answers = {value if isinstance(value, bool) else value == "yes" for value in values}, {True, False}
    else:
        flagged, answers = set(values), set(spec.choice_ids)
    if not answers or not answers <= flagged:
        return []
    return [Finding(message("field.alert_every_answer"), (*loc, "values"))]


def _timing(raw: dict[str, Any]) -> list[Finding]:
    """When an item opens and falls due (status.py): settings the run time would ignore, or
    that make an item due before it opens, are errors."""
    found = []
    # A recurring measure may have a trigger (its periods run per subject, from the event
    # through its window) and a deadline (it recurs until then): status.window holds both.
    recurring, triggered = raw.get("recurrence") is not None, raw.get("trigger") is not None
    trigger, deadline = _part(Trigger, raw.get("trigger")), _part(Deadline, raw.get("deadline"))
    if raw.get("headline") is True and triggered:  # the headline shows the unit's own figures, never a subject's
        found.append(Finding(message("measure.headline_trigger"), ("headline",)))
    if deadline is not None and deadline.date is not None and not in_range(deadline.date):
        # beyond the clock's years a deadline is a typing slip (0202), and past 9999 it cannot be computed
        said = message("deadline.out_of_range", date=deadline.date, earliest=EARLIEST, latest=LATEST)
        found.append(Finding(said, ("deadline", "date")))
    if trigger is None:
        return found
    opens = trigger.opens_after_days
    if trigger.lasts_days is not None and raw.get("deadline") is not None and not recurring:
        # both say when a one-off item is due, and the deadline wins: lasts_days would be ignored
        # (a recurring one recurs until the earlier of the two)
        found.append(Finding(message("trigger.lasts_and_deadline"), ("trigger", "lasts_days")))
    elif trigger.lasts_days is not None and opens >= trigger.lasts_days:
        said = message("trigger.closes_before_opening", opens=opens, lasts=trigger.lasts_days)
        found.append(Finding(said, ("trigger", "opens_after_days")))
    if deadline is not None and deadline.before == "event" and opens:
        key = "days" if deadline.days is not None else "within"
        ahead = deadline.days if key == "days" else deadline.within  # a number of days, or a duration
        said = message("deadline.before_event_opens_later", before=ahead, opens=opens)
        found.append(Finding(said, ("deadline", key)))
    if deadline is not None and deadline.after == "event" and _due_before(deadline, opens):
        key = "days" if deadline.days is not None else "within"
        after = deadline.days if key == "days" else deadline.within  # a number of days, or a duration
        said = message("deadline.before_opening", after=after, opens=opens)
        found.append(Finding(said, ("deadline", key)))
    return found


def _due_before(deadline: Deadline, opens: int) -> bool:
    """Whether an item is due before it opens, whenever on its day the event came: a deadline
    in days falls at the end of a day, one in hours at its moment after the event (status.after)."""
    duration = deadline.duration
    if duration is None or not opens:
        return False
    days = duration.months * 28 + duration.days  # a month at its shortest: only what is surely before
    if duration.exact:  # the event may come at the last minute of its day
        return days + duration.minutes / (24 * 60) + 1 <= opens
    return days < opens


# -- applicability: conditions on the unit's attributes, subject types -----------------------


def applicability_findings(head: Any, raw: Any) -> list[Finding]:
    """Errors: a measure's `when` naming an attribute or a value the head does not declare, or
    a list of no values (it could never apply); a trigger's subject_types naming an undeclared
    type, or none (it would make no item). Each names the closest declared ones."""
    if not isinstance(raw, dict) or not isinstance(head, dict):  # no head to check against: it is reported
        return []
    found: list[Finding] = []
    when = raw.get("when")
    if isinstance(when, dict):
        declared = _declared_attributes(head)
        for name, wanted in when.items():
            found += _condition(str(name), wanted, declared)
    trigger = raw.get("trigger")
    found += _event_kind(head, trigger)
    types = trigger.get("subject_types") if isinstance(trigger, dict) else None
    if isinstance(types, list):
        known = _declared_ids(head, "subject_types")
        if not types:
            found.append(Finding(message("trigger.no_subject_types", known=known), ("trigger", "subject_types")))
        for index, kind in enumerate(types):
            if isinstance(kind, str) and kind not in known:
                said = message("trigger.unknown_subject_type", type=kind, known=known, close=closest(kind, known))
                found.append(Finding(said, ("trigger", "subject_types", index)))
    return found


def _event_kind(head: dict[str, Any], trigger: Any) -> list[Finding]:
    """A trigger's kind of event: one the head declares in `events` (an error, with the closest
    names, when it declares some), else shown by its id (a warning: it has no name)."""
    event = trigger.get("event") if isinstance(trigger, dict) else None
    if not isinstance(event, str):
        return []
    if "events" not in head:
        return [Finding(message("trigger.unnamed_event", event=event), ("trigger", "event"), warning=True)]
    known = _declared_ids(head, "events")
    if event in known:
        return []
    said = message("trigger.unknown_event", event=event, known=known, close=closest(event, known))
    return [Finding(said, ("trigger", "event"))]


def _condition(name: str, wanted: Any, declared: dict[str, list[str]]) -> list[Finding]:
    loc: Loc = ("when", name)
    if name not in declared:
        known = sorted(declared)
        said = message("condition.unknown_attribute", attribute=name, known=known, close=closest(name, known))
        return [Finding(said, loc)]
    values = wanted if isinstance(wanted, list) else [wanted]
    if not values:
        return [Finding(message("condition.never", attribute=name, allowed=declared[name]), loc)]
    found = []
    for index, value in enumerate(values):
        given = value_id(value) if isinstance(value, bool | str) else None
        if given is not None and given not in declared[name]:
            allowed = declared[name]
            where = (*loc, index) if isinstance(wanted, list) else loc
            params = {"attribute": name, "value": given, "allowed": allowed, "close": closest(given, allowed)}
            found.append(Finding(message("condition.unknown_value", **params), where))
    return found


def _declared_attributes(head: Any) -> dict[str, list[str]]:
    """The head's attributes as written: id -> the ids of the values it may take."""
    listed = head.get("attributes") if isinstance(head, dict) else None
    found: dict[str, list[str]] = {}
    for entry in listed if isinstance(listed, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        if entry.get("type") == "yesno":
            found[entry["id"]] = ["yes", "no"]
            continue
        values = entry.get("values")
        ids = [v.get("id") if isinstance(v, dict) else v for v in values] if isinstance(values, list) else []
        found[entry["id"]] = [v for v in ids if isinstance(v, str)]
    return found


def _declared_ids(head: Any, key: str) -> list[str]:
    listed = head.get(key) if isinstance(head, dict) else None
    entries = listed if isinstance(listed, list) else []
    return sorted(e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str))


def _in_force(raw: dict[str, Any]) -> list[Finding]:
    """The days a measure is in force: an error when it never is (until before from) or a day
    is beyond the clock's years; a warning when its deadline date falls outside them."""
    in_force, deadline = _part(InForce, raw.get("in_force")), _part(Deadline, raw.get("deadline"))
    if in_force is None:
        return []
    start, until = in_force.from_, in_force.until
    for key, day in (("from", start), ("until", until)):
        if day is not None and not in_range(day):
            said = message("in_force.out_of_range", date=day, earliest=EARLIEST, latest=LATEST)
            return [Finding(said, ("in_force", key))]
    if start is not None and until is not None and until < start:
        return [Finding(message("in_force.until_before_from", start=start, until=until), ("in_force", "until"))]
    due = deadline.date if deadline is not None else None
    side = "before" if due and start and due < start else "after" if due and until and due > until else None
    if due is None or side is None:
        return []
    said = message("in_force.deadline_outside", date=due, side=side, start=start or "…", until=until or "…")
    return [Finding(said, ("deadline", "date"), warning=True)]
