"""The words of every message the core and the use cases report, by code.

The core raises `ChecklistError(code, **params)` and reports problems as `Message(code,
params)`; this module is the one place they become sentences. A message's words are in
the gettext catalogs (`locale/<lang>/LC_MESSAGES/messages.po`, msgid = the code, msgctxt
"hint" for the line shown under an error: what to do about it): a format string over the
message's parameters (a list is joined with commas, a nested message is rendered in turn).
Where the sentence depends on what is there, a function here (`TEMPLATES`, `HINTS`)
composes it from the catalog's pieces (`w(key, lang)`) in the user's language.

A test checks that every code the program can report has words in both languages.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.errors import ChecklistError, Message, Problem, install_words
from .translations import context_word, plural, word

if TYPE_CHECKING:
    from .schemas import ProblemDocument

# A sentence that depends on what is there: composed from the catalog's words in the language.
Composed = Callable[[Mapping[str, Any], str], str]


def _range(p: Mapping[str, Any], lang: str) -> str:
    low = f"{p['min']:g}" if p.get("min") is not None else "…"
    high = f"{p['max']:g}" if p.get("max") is not None else "…"
    unit = f" {p['unit']}" if p.get("unit") else ""
    value = p["value"] if isinstance(p["value"], str) else f"{p['value']:g}"  # a string: cut short (figures.brief)
    return f"{p['field']} = {value} is out of range: allowed {low} to {high}{unit}"


def _expression_problem(p: Mapping[str, Any], lang: str) -> str:
    """What is wrong with a computed field's expression (core/expression.py's codes, below)."""
    return _fill(p.get("problem", ""), p, lang)


def _quoted(text: str) -> str:
    """A text as YAML writes it in double quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _listed(words: list[str]) -> str:
    """'a', 'a' and 'b', 'a', 'b' and 'c'."""
    quoted = [repr(word) for word in words]
    return " and ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


def _mb(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _short(path: str) -> str:
    return path if len(path) <= 80 else path[:77] + "…"


def _item(p: Mapping[str, Any], lang: str) -> str:
    subject = f" of {p['subject']}" if p.get("subject") else ""
    part = f", part {p['part']}" if p.get("part") else ""  # unit parts
    return f"item {p['number']} ({p['item']}{subject}{part})"


def _period(p: Mapping[str, Any], lang: str) -> str:
    return f" in period {p['period']}" if p.get("period") else ""


def _units(p: Mapping[str, Any], lang: str) -> str:
    names: Mapping[str, str | None] = p["names"]
    shown = [f"{unit} ({names[unit]})" if names.get(unit) else unit for unit in p["units"][:12]]
    more = f" and {len(p['units']) - 12} more" if len(p["units"]) > 12 else ""
    return f"this store ({p['store']}) has {p['count']} units: {', '.join(shown)}{more}"


def _newer(p: Mapping[str, Any], lang: str) -> str:
    needed = f"checklist {p['requires']} or newer" if p.get("requires") else "a newer checklist"
    return (
        f"{p['what']} is in format {p['found']}, written by {needed}; this is checklist {p['version']}, "
        f"which reads formats up to {p['known']}"
    )


TEMPLATES: dict[str, Composed] = {
    # catalogs
    "catalog.invalid": lambda p, lang: (
        "invalid catalog: "
        + (problem_text(p["problems"][0], lang) if p["problems"] else "empty catalog")
        + (f" (and {p['count'] - 1} more)" if p["count"] > 1 else "")
    ),
    "catalog.alternatives": lambda p, lang: "; or ".join(text(m, lang) for m in p["options"]),
    "catalog.unknown_key": lambda p, lang: (
        f"unknown key {p['key']!r}"
        + (f" (did you mean {p['close'][0]!r}?)" if p.get("close") else "")
        + ("; allowed here: " + ", ".join(p["allowed"]) if p.get("allowed") else "")
    ),
    "catalog.unquoted_comma": lambda p, lang: (
        f"quote this text: {p['key']}: {_quoted(p['text'])} (inside {{…}} a comma ends a text that is not quoted, "
        + f"and {_listed(p['words'])} "
        + ("was read as a key)" if len(p["words"]) == 1 else "were read as keys)")
        + ("; in Chinese, the full-width comma ， needs no quotes" if p["key"] == "zh" else "")
    ),
    # the models' own rules (catalog authors and stored records)
    "field.min_above_max": lambda p, lang: f"min ({p['min']:g}) is greater than max ({p['max']:g})",
    # the catalog authors' rules (core/authoring.py): what loads but cannot work as written
    "field.alert_never": lambda p, lang: (
        f"this alert can never fire: {p['alert']} {p['value']:g}, but the field's values "
        + ("go up to" if p["side"] == "max" else "start at")
        + f" {p['limit']:g} (its {p['side']})"
    ),
    "field.alert_always": lambda p, lang: (
        f"this alert fires on every value: {p['alert']} {p['value']:g}, and the field's values "
        + ("go up to" if p["side"] == "max" else "start at")
        + f" {p['limit']:g} (its {p['side']}); a flag on every attestation tells nothing"
    ),
    "measure.figures_not_asked": lambda p, lang: (
        (f"the figure {p['fields'][0]} is" if len(p["fields"]) == 1 else f"the figures {', '.join(p['fields'])} are")
        + " required (the default), yet nobody is asked for "
        + ("it" if len(p["fields"]) == 1 else "them")
        + ": a measure asks for its figures only when its evidence includes figures; add figures to evidence, "
        + ("or mark the field" if len(p["fields"]) == 1 else "or mark the fields")
        + " `required: false`"
    ),
    "trigger.closes_before_opening": lambda p, lang: (
        f"the item would be due before it opens: it opens {p['opens']} days after the event (opens_after_days), "
        f"but its {p['lasts']}-day window ends on day {p['lasts'] - 1} (lasts_days); opens_after_days must be "
        "less than lasts_days"
    ),
    # timing: fixed times, counted occurrences, standing rules, in force from/until, before an event
    "attest.not_in_force_yet": lambda p, lang: (
        f"{_item(p, lang)} is in force from {p['opens']}: it cannot be done before then"
    ),
    # pydantic's errors, in our words (core/catalog.py)
    "value.text": lambda p, lang: (
        "must be a text"
        + (
            ": put true or false in quotes to make it one"
            if isinstance(p.get("value"), bool)
            else ": put a number in quotes to make it one"
            if p.get("value") is not None
            else ""
        )
    ),
    "value.too_short": lambda p, lang: (
        "must not be empty" if p.get("min_length") == 1 else f"must hold at least {p['min_length']} characters"
    ),
    "value.date": lambda p, lang: (
        (f"{p['value']!r} is not a date" if isinstance(p.get("value"), str) else "must be a date")
        + ": write it as YYYY-MM-DD, e.g. 2020-01-27"
    ),
    "value.mapping": lambda p, lang: (
        "must be a mapping of keys to values" + (" (keys: " + ", ".join(p["keys"]) + ")" if p.get("keys") else "")
    ),
    "value.slug": lambda p, lang: (
        (f"{p['value']!r} is not an id" if isinstance(p.get("value"), str) else "must be an id")
        + ": lowercase letters and digits, in words joined by '-' or '_' (health-checks)"
    ),
    "value.measure_id": lambda p, lang: (
        (f"{p['value']!r} is not a measure id" if isinstance(p.get("value"), str) else "must be a measure id")
        + ": lowercase letters and digits, in words joined by '.', '-' or '_' (prison.visits-suspended)"
    ),
    "value.pattern": lambda p, lang: (
        (f"{p['value']!r} does not" if isinstance(p.get("value"), str) else "must")
        + f" have the form {p.get('pattern')}"
    ),
    "record.unusable": lambda p, lang: (
        (f"record {p['seq']}" if p.get("seq") is not None else f"record {p['id']}")
        + f" ({p['what']}) could not be used: {text(p['problem'], lang)}"
    ),
    "input.too_long": lambda p, lang: (
        f"the {p['field']} is {p['size'] / 1024:,.1f} KiB long; a note or reason holds at most {p['limit'] // 1024} KiB"
    ),
    # YAML files
    # formats
    "format.newer": _newer,
    "format.newer_requires": _newer,
    # the store
    "store.catalog_gone": lambda p, lang: (
        f"the catalog version unit {p['unit']} runs ({p['digest'][:19]}…) is not in the store any more"
    ),
    "store.not_written": lambda p, lang: (
        f"the record was not written: cannot write to {p['where']}: {p['reason']}; "
        + ("the log is as it was" if p["restored"] else "the log now ends with an incomplete line")
    ),
    "store.cannot_repair": lambda p, lang: (
        f"cannot move the incomplete last line of {p['where']} to quarantine: {p['reason']}; "
        + ("nothing was changed" if p["restored"] else "the quarantine file now ends with an incomplete line")
    ),
    "store.blob_changed": lambda p, lang: (
        f"{p['kind']} {p['name'][:12]}… changed while it was being kept; nothing was kept"
    ),
    # units and settings
    "unit.which": _units,
    # items, figures and evidence
    "item.ambiguous": lambda p, lang: (
        f"{p['token']!r} names more than one item: " + ", ".join(p["ids"]) + (" …" if p["more"] else "")
    ),
    "figure.comma": lambda p, lang: (
        f"{p['field']} = {p['value']!r} has a comma: "
        + ("write a count without separators" if p["integer"] else "write the decimal point as a point")
        + f" ({p['fixed']})"
    ),
    "figure.out_of_range": _range,
    "evidence.link_outside": lambda p, lang: (
        f"evidence {p['path']} is a link to {p['target']}, outside the current folder"
        if p.get("link") is None
        else f"evidence {p['path']} goes through the link {p['link']} to {p['target']}, outside the current folder"
    ),
    "evidence.unusable": lambda p, lang: f"cannot use evidence {_short(p['path'])}: {p['reason']}",
    "evidence.too_large": lambda p, lang: (
        f"evidence file {p['path']} is {_mb(p['mb'])} MB, above this store's limit of {_mb(p['max_mb'])} MB"
    ),
    "evidence.unreadable": lambda p, lang: f"evidence {p['name'][:12]}…: cannot read: {p['reason']}",
    "evidence.missing": lambda p, lang: f"evidence {p['name'][:12]}… is recorded as stored but missing",
    # attestations and events
    "attest.nothing_to_approve": lambda p, lang: w("attest.nothing_to_approve.text", lang, item=_item(p, lang)),
    "attest.own_key_approval": lambda p, lang: w(
        "attest.own_key_approval.text", lang, item=_item(p, lang), key_id=p["key"]
    ),
    "attest.own_approval": lambda p, lang: w("attest.own_approval.text", lang, item=_item(p, lang), actor=p["actor"]),
    "attest.needs_note": lambda p, lang: w("attest.needs_note.text", lang, item=_item(p, lang)),
    "attest.needs_file": lambda p, lang: w("attest.needs_file.text", lang, item=_item(p, lang)),
    "attest.needs_figures": lambda p, lang: w(
        "attest.needs_figures.text", lang, item=_item(p, lang), fields=_figures_named(p, lang)
    ),
    "attest.not_open_yet": lambda p, lang: w("attest.not_open_yet.text", lang, item=_item(p, lang), opens=p["opens"]),
    "attest.window_not_over": lambda p, lang: wn(
        "attest.window_not_over.text", p["days"], lang, item=_item(p, lang), first=p["first"], last=p["last"]
    ),
    "ack.nothing": lambda p, lang: (
        w("ack.nothing.text", lang, item=_item(p, lang), period=_period(p, lang))
        + (w("ack.nothing.periods", lang, periods=p["periods"]) if p.get("period") and p.get("periods") else "")
    ),
    "ack.which_subject": lambda p, lang: w(
        "ack.which_subject.text",
        lang,
        number=p["number"],
        item=p["item"],
        subjects=_more(p["subjects"], p["more"], lang),
    ),
    "event.unknown_kind": lambda p, lang: (
        w("event.unknown_kind.known", lang, **p) if p["known"] else w("event.unknown_kind.none", lang, **p)
    ),
    # applicability: unit attributes, conditions, subject types
    "condition.unknown_attribute": lambda p, lang: (
        (
            w("condition.unknown_attribute.known", lang, **p)
            if p["known"]
            else w("condition.unknown_attribute.none", lang, **p)
        )
        + _close(p, lang)
    ),
    "condition.unknown_value": lambda p, lang: w("condition.unknown_value.text", lang, **p) + _close(p, lang),
    "trigger.unknown_subject_type": lambda p, lang: (
        (
            w("trigger.unknown_subject_type.known", lang, **p)
            if p["known"]
            else w("trigger.unknown_subject_type.none", lang, **p)
        )
        + _close(p, lang)
    ),
    "attest.not_applicable": lambda p, lang: (
        w("attest.not_applicable.now", lang, item=_item(p, lang), conditions=_conditions(p, lang), now=_held(p, lang))
        if p.get("period") is None
        else w(
            "attest.not_applicable.period",
            lang,
            item=_item(p, lang),
            conditions=_conditions(p, lang),
            period=p["period"],
        )
    ),
    "event.unknown_type": lambda p, lang: (
        w("event.unknown_type.known", lang, **p) if p["known"] else w("event.unknown_type.none", lang, **p)
    ),
    # trust
    "key.cannot_endorse": lambda p, lang: w(
        "key.cannot_endorse.text",
        lang,
        by=p["by"],
        name=p["name"],
        who=w("piece.or", lang).join(
            [
                (
                    w("key.cannot_endorse.holder_key", lang, **p)
                    if p.get("holder")
                    else w("key.cannot_endorse.holder", lang, **p)
                )
            ]
            + ([w("key.cannot_endorse.admin", lang, admin=p["admin"])] if p.get("admin") else [])
        ),
    ),
    "registry.not_endorsed": lambda p, lang: (
        w("registry.not_endorsed.admin", lang, key_id=p["key"], name=p["name"], holder=p["holder"], admin=p["admin"])
        if p.get("admin")
        else w("registry.not_endorsed.text", lang, key_id=p["key"], name=p["name"], holder=p["holder"])
    ),
    "chain.unlinked": lambda p, lang: (
        w("chain.unlinked.why", lang, what=w("chain.unlinked.text", lang, line=p["line"]), reason=p["reason"])
        if p.get("reason")
        else w("chain.unlinked.text", lang, line=p["line"])
    ),
    "chain.unanchored": lambda p, lang: wn("chain.unanchored", p["count"], lang),
    "verify.unsigned": lambda p, lang: wn("verify.unsigned", p["count"], lang),
    "verify.unendorsed_signer": lambda p, lang: wn(
        "verify.unendorsed_signer", p["count"], lang, key_id=p["key"], name=p["name"]
    ),
    "verify.unsigned_after_key": lambda p, lang: wn(
        "verify.unsigned_after_key.text",
        p["count"],
        lang,
        name=p["name"],
        seqs=_more([str(seq) for seq in p["seqs"]], p["more"], lang),
        key_id=p["key"],
        since=p["since"].isoformat(timespec="seconds"),
    ),
    "seal.other_store": lambda p, lang: w(
        "seal.other_store.text", lang, sealed=p["sealed"], store=p["store"] or w("seal.other_store.no_id", lang)
    ),
    # field types, computed values, decision rules (date, datetime, multi; compute; rules)
    "field.compute_syntax": lambda p, lang: w("field.compute_syntax.text", lang, problem=_expression_problem(p, lang)),
    "compute.unknown_field": lambda p, lang: (
        w("compute.unknown_field.close", lang, **p) if p.get("closest") else w("compute.unknown_field.known", lang, **p)
    ),
    "rule.unknown_field": lambda p, lang: (
        w("rule.unknown_field.close", lang, **p) if p.get("closest") else w("rule.unknown_field.known", lang, **p)
    ),
    # answers (questions a measure asks: `checklist answer`)
    "answer.empty": lambda p, lang: w("answer.empty", lang, item=p["item"], allowed=_answers(p["allowed"], lang)),
    "answer.one_only": lambda p, lang: w("answer.one_only", lang, item=p["item"], given=_answers(p["given"], lang)),
    "answer.invalid": lambda p, lang: w(
        "answer.invalid", lang, value=p["value"], item=p["item"], allowed=_answers(p["allowed"], lang)
    ),
    "answer.not_a_question": lambda p, lang: w("answer.not_a_question.text", lang, item=_item(p, lang)),
    "answer.needed": lambda p, lang: w(
        "answer.needed.text", lang, item=_item(p, lang), allowed=_answers(p["allowed"], lang)
    ),
    "answer.follow_up": lambda p, lang: w(
        "answer.follow_up.text",
        lang,
        item=_item(p, lang),
        answer=_named(_answers(p["answer"], lang), lang),
        needs=[
            w("answer.follow_up.note", lang)
            if need == "note"
            else w("answer.follow_up.file", lang)
            if need == "file"
            else need
            for need in p["needs"]
        ],
    ),
    # unit parts (blocks, wards): the catalog's kinds of part, `checklist part`, `--part`
    "catalog.unknown_part_kind": lambda p, lang: (
        w("catalog.unknown_part_kind.known", lang, **p)
        if p["known"]
        else w("catalog.unknown_part_kind.none", lang, **p)
    ),
    "part.unknown": lambda p, lang: (
        w("part.unknown.known", lang, **p) if p.get("known") else w("part.unknown.none", lang, **p)
    ),
    "attest.no_part": lambda p, lang: (
        w(
            "attest.no_part.parts",
            lang,
            item=_item({**p, "part": None}, lang),
            kind=p["kind"],
            part=p["part"],
            parts=p["parts"],
        )
        if p.get("parts")
        else w("attest.no_part.text", lang, item=_item({**p, "part": None}, lang), kind=p["kind"], part=p["part"])
    ),
    "attest.no_parts_yet": lambda p, lang: w("attest.no_parts_yet.text", lang, item=_item(p, lang), kind=p["kind"]),
    "attest.which_part": lambda p, lang: wn(
        "attest.which_part.text",
        len(p["parts"]),
        lang,
        item=_item(p, lang),
        kind=p["kind"],
        parts=_more(p["parts"][:8], p["more"], lang),
    ),
    "ack.which_part": lambda p, lang: w(
        "ack.which_part.text", lang, number=p["number"], item=p["item"], parts=_more(p["parts"], p["more"], lang)
    ),
    # occurrences: each event is an occurrence of its own (a second admission of one person)
    "occurrence.which": lambda p, lang: w("occurrence.which.text", lang, **{**p, "choices": _choices(p, lang)}),
    "occurrence.unknown": lambda p, lang: w("occurrence.unknown.text", lang, **{**p, "choices": _choices(p, lang)}),
    "event.no_occurrence": lambda p, lang: (
        w("event.no_occurrence.choices", lang, **{**p, "choices": _choices(p, lang)})
        if p["choices"]
        else w("event.no_occurrence.none", lang, **p)
    ),
    # roles and owners, named evidence kinds, report recipients
    "catalog.unknown_role": lambda p, lang: (
        w("catalog.unknown_role.text", lang, role=p["role"], where=p["key"])
        + _near(p, lang)
        + (
            w("catalog.unknown_role.known", lang, known=p["known"])
            if p["known"]
            else w("catalog.unknown_role.none", lang)
        )
    ),
    "catalog.unknown_evidence_kind": lambda p, lang: (
        w("catalog.unknown_evidence_kind.text", lang, kind=p["kind"])
        + _near(p, lang)
        + w("catalog.unknown_evidence_kind.known", lang, known=p["known"])
    ),
    "role.not_held": lambda p, lang: (
        w("role.not_held.text", lang, person=p["person"], role=_role(p, lang))
        + (w("role.not_held.holders", lang, holders=p["holders"]) if p["holders"] else w("role.not_held.nobody", lang))
        + (w("role.not_held.roles", lang, person=p["person"], roles=p["roles"]) if p["roles"] else "")
        + w("role.not_held.nothing", lang)
    ),
    "attest.not_approver": lambda p, lang: (
        w(
            "attest.not_approver.holders",
            lang,
            item=_item(p, lang),
            role=_role(p, lang),
            actor=p["actor"],
            holders=p["holders"],
        )
        if p["holders"]
        else w(
            "attest.not_approver.nobody",
            lang,
            item=_item(p, lang),
            role=_role(p, lang),
            actor=p["actor"],
            holders=p["holders"],
        )
    ),
    "attest.needs_kinds": lambda p, lang: w(
        "attest.needs_kinds.text", lang, item=_item(p, lang), kinds=_kinds_named(p, lang)
    ),
}


def _choice(choice: Mapping[str, Any], lang: str) -> str:
    """One occurrence to choose from: its number, when it happened, its state, and its command."""
    from .words import has, t

    at = choice.get("at")
    said = (
        w("occurrence.choice_at", lang, occurrence=choice["occurrence"], at=f"{at:%Y-%m-%d %H:%M}")
        if at is not None
        else w("occurrence.choice", lang, occurrence=choice["occurrence"])
    )
    state = choice.get("state")
    if state:
        state = t(f"state.{state}", lang) if has(f"state.{state}", lang) else state
        said = w("occurrence.choice_state", lang, choice=said, state=state)
    if choice.get("command"):
        said = w("occurrence.choice_command", lang, choice=said, command=choice["command"])
    return said


def _choices(p: Mapping[str, Any], lang: str) -> str:
    """The occurrences to choose from, one after the other."""
    return w("occurrence.choices_separator", lang).join(_choice(c, lang) for c in p["choices"])


def _more(values: list[Any], more: bool, lang: str) -> str:
    """Values in a list, and '…' after them when there are more than shown."""
    listed = _Words(lang).format_field(list(values), "")
    return w("piece.more", lang, values=listed) if more else listed


def _answers(ids: list[str], lang: str) -> list[str]:
    """A question's answers by their words where they have some (yes, no, unknown: 是, 否, 不清楚)."""
    from .words import has, t

    return [t(f"answer.{a}", lang) if has(f"answer.{a}", lang) else a for a in ids]


def _named(names: list[str], lang: str) -> list[str]:
    """Names as a user typed them, quoted: 'a', 'b' in English, “a”、“b” in Chinese."""
    return [w("piece.quoted", lang, value=name) for name in names]


def _near(p: Mapping[str, Any], lang: str) -> str:
    """' (did you mean …?)' after an unknown name, when names are close to it."""
    return w("piece.near", lang, names=_named(p["near"], lang)) if p["near"] else ""


def _conditions(p: Mapping[str, Any], lang: str) -> str:
    """When a measure applies: 'risk level is medium or high and …' (风险等级为中或高、…)."""
    from .words import t

    return t("label.and", lang).join(_attribute_is(attribute, values, lang) for attribute, values in p["conditions"])


def _held(p: Mapping[str, Any], lang: str) -> str:
    """What the unit's attributes are now, against the measure's conditions: 'risk level is low'."""
    from .words import t

    return t("label.and", lang).join(_attribute_is(attribute, [value], lang) for attribute, value in p["now"])


def _attribute_is(attribute: Any, values: list[str], lang: str) -> str:
    """An attribute and its values by the catalog's names (an attribute it no longer has: by ids)."""
    from .applicability import value_text
    from .words import t

    if isinstance(attribute, str):
        return t("label.attribute_is", lang, name=attribute, value=t("label.or", lang).join(values))
    ordered = [v for v in attribute.ids if v in values] or values
    said = t("label.or", lang).join(value_text(attribute, v, lang) for v in ordered)
    return t("label.attribute_is", lang, name=attribute.name(lang), value=said)


def _figures_named(p: Mapping[str, Any], lang: str) -> list[str]:
    """Figures by their labels, each with the id its --set takes: 'Confirmed infections (infections)'."""
    labels = p.get("labels") or [None] * len(p["fields"])
    return [
        w("attest.needs_figures.field", lang, label=label(lang), id=field) if label is not None else field
        for field, label in zip(p["fields"], labels, strict=True)
    ]


def _kinds_named(p: Mapping[str, Any], lang: str) -> list[str]:
    """Kinds of evidence by the catalog's names, each with the id its --file takes: 'written plan (plan)'."""
    names = p.get("names") or [None] * len(p["kinds"])
    return [
        w("attest.needs_kinds.kind", lang, name=name(lang), id=kind) if name is not None else kind
        for kind, name in zip(p["kinds"], names, strict=True)
    ]


def _role(p: Mapping[str, Any], lang: str) -> str:
    """A role by the catalog's name for it (监狱长), else by its id."""
    name = p.get("role_name")
    return name(lang) if name is not None else str(p["role"])


def _add(options: list[str], lang: str) -> str:
    """'add --set a=… --set b=…': the options a command lacks."""
    return w("piece.add", lang, options=" ".join(options))


HINTS: dict[str, Composed] = {
    "store.not_written": lambda p, lang: (
        w("store.not_written.again", lang) if p["restored"] else w("store.not_written.repair", lang)
    ),
    "kind.unknown": lambda p, lang: _did_you_mean(p, lang) or w("kind.unknown.known", lang, known=p["known"]),
    "section.unknown": lambda p, lang: _did_you_mean(p, lang) or w("section.unknown.known", lang, known=p["known"]),
    "schema.unknown": lambda p, lang: _did_you_mean(p, lang) or w("schema.unknown.list", lang),
    "figure.multi_empty": lambda p, lang: w(
        "figure.multi_empty.example",
        lang,
        field=p["field"],
        example="、".join(p["choices"][:2]),
    ),
    "attest.needs_figures": lambda p, lang: _add([w("piece.option_set", lang, field=f) for f in p["fields"]], lang),
    "attest.no_such_period": lambda p, lang: (
        w("attest.no_such_period.example", lang, example=p["example"])
        if p["example"]
        else w("attest.no_such_period.key", lang)
    ),
    # applicability
    "set.unknown_attribute": lambda p, lang: _did_you_mean(p, lang) or w("set.unknown_attribute.list", lang),
    "key.not_registered": lambda p, lang: (
        w("key.not_registered.admin", lang, holder=p["holder"], admin=p["admin"])
        if p.get("admin")
        else w("key.not_registered.holder", lang, holder=p["holder"])
    ),
    # unit parts
    "part.unknown_kind": lambda p, lang: _did_you_mean(p, lang) or w("part.unknown_kind.known", lang, known=p["known"]),
    "part.unknown": lambda p, lang: _did_you_mean(p, lang) or w("piece.parts_listed", lang),
    "attest.no_part": lambda p, lang: _did_you_mean(p, lang) or w("piece.parts_listed", lang),
    "attest.which_part": lambda p, lang: "\n  ".join([w("attest.which_part.run", lang), *p["commands"]]),
    # answers
    "answer.invalid": lambda p, lang: _did_you_mean(p, lang) or w("answer.invalid.answers", lang),
    "answer.follow_up": lambda p, lang: _add(
        [
            w("piece.option_note", lang)
            if need == "note"
            else w("piece.option_file", lang)
            if need == "file"
            else w("piece.option_set", lang, field=need)
            for need in p["needs"]
        ],
        lang,
    ),
    # occurrences
    # roles and owners, named evidence kinds
    "role.unknown": lambda p, lang: _did_you_mean(p, lang) or w("role.unknown.known", lang, known=p["known"]),
    "role.holds_none": lambda p, lang: (
        w("role.holds_none.holders", lang, known=p["known"]) if p["known"] else w("role.holds_none.grant", lang)
    ),
    "attest.not_approver": lambda p, lang: (
        w("attest.not_approver.as_holder", lang, holder=p["holders"][0])
        if p["holders"]
        else w("attest.not_approver.grant", lang, role=p["role"])
    ),
    "attest.needs_kinds": lambda p, lang: _add([w("piece.option_kind", lang, kind=k) for k in p["kinds"]], lang),
    "evidence.kinded_form": lambda p, lang: (
        w("evidence.kinded_form.known", lang, known=p["known"]) if p["known"] else w("evidence.kinded_form.none", lang)
    ),
    "evidence.unknown_kind": lambda p, lang: (
        _did_you_mean(p, lang) or w("evidence.unknown_kind.known", lang, known=p["known"])
    ),
}


def _close(params: Mapping[str, Any], lang: str) -> str:
    """'; did you mean …?' after a located problem (which has no hint line), if a name is close."""
    return w("piece.close", lang, names=params["close"]) if params.get("close") else ""


def _did_you_mean(params: Mapping[str, Any], lang: str) -> str:
    """'did you mean: a, b?' (您是否要输入：a、b？) under an unknown name, if names are close to it."""
    suggestions = params.get("suggestions") or []
    return w("piece.did_you_mean", lang, names=list(suggestions)) if suggestions else ""


class _Words(string.Formatter):
    """str.format, with a list joined by commas and a nested message put into words."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return text(value, self.lang)
        if isinstance(value, Problem):
            return problem_text(value, self.lang)
        if isinstance(value, list | tuple) and not format_spec:
            return ("、" if self.lang == "zh" else ", ").join(self.format_field(item, "") for item in value)
        if isinstance(value, date) and not format_spec:  # a datetime is a date too
            return value.isoformat()
        return str(super().format_field(value, format_spec))


def w(key: str, lang: str, **values: Any) -> str:
    """Words of the messages' catalog filled with values: the pieces a composed sentence joins."""
    return _Words(lang).vformat(word("messages", key, lang), (), values)


def wn(key: str, n: int, lang: str, **values: Any) -> str:
    """Words of the messages' catalog for a count n ('1 problem', '2 problems'); {n} is the count."""
    return _Words(lang).vformat(plural("messages", key, n, lang), (), {"n": n, **values})


def _fill(code: str, params: Mapping[str, Any], lang: str) -> str:
    composed = TEMPLATES.get(code)
    if composed is not None:
        return composed(params, lang)
    return _Words(lang).vformat(word("messages", code, lang), (), params)


def text(message: Message, lang: str = "en") -> str:
    """A message in words, in the user's language (locale/*/LC_MESSAGES/messages.po)."""
    return _fill(message.code, message.params, lang)


def hint(error: ChecklistError, lang: str = "en") -> str | None:
    """The line under an error: its own hint, the code's, else the closest names."""
    if error.hint is not None:
        return text(error.hint, lang)
    composed = HINTS.get(error.code)
    if composed is not None:
        return composed(error.params, lang) or None
    words = context_word("messages", "hint", error.code, lang)
    if words is not None:
        return _Words(lang).vformat(words, (), error.params) or None
    return _did_you_mean(error.params, lang) or None


def error_text(error: ChecklistError, lang: str = "en") -> str:
    return text(error.message, lang)


install_words(text)


def problem_document(problem: Problem, lang: str = "en") -> ProblemDocument:
    """A problem (or a warning) for `validate --json`: where it is, its code, and what it says."""
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "measure": problem.measure,
        "field": problem.field,
        "code": problem.message.code,
        "message": text(problem.message, lang),
    }


def problem_text(problem: Problem, lang: str = "en", warning: bool = False) -> str:
    """'file:line:col: measure m, field 'f': what is wrong'; a warning says so after its place
    ('file:line:col: warning: …'), as compilers write theirs."""
    from .words import t

    where = problem.file
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    if warning:
        where += ": " + t("validate.warning", lang)
    what = []
    if problem.measure:
        what.append(f"measure {problem.measure}")
    if problem.field:
        what.append(f"field {problem.field!r}")
    prefix = f"{where}: " + (", ".join(what) + ": " if what else "")
    return prefix + text(problem.message, lang)
