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
    "attest.nothing_to_approve": lambda p, lang: (
        f"{_item(p, lang)} has nothing to approve: only a done or a not-applicable answer is approved"
    ),
    "attest.own_key_approval": lambda p, lang: (
        f"{_item(p, lang)} was signed with your own key ({p['key']}): nobody approves their own attestation"
    ),
    "attest.own_approval": lambda p, lang: (
        f"{_item(p, lang)} was attested by {p['actor']}, who cannot approve their own attestation"
    ),
    "attest.needs_note": lambda p, lang: f"{_item(p, lang)} needs a note saying what was done",
    "attest.needs_file": lambda p, lang: (
        f"{_item(p, lang)} needs an evidence file (a notice, minutes, a roster, a photo)"
    ),
    "attest.needs_figures": lambda p, lang: f"{_item(p, lang)} needs its figures: {', '.join(p['fields'])}",
    "attest.not_open_yet": lambda p, lang: f"{_item(p, lang)} opens on {p['opens']}: it cannot be done before then",
    "attest.window_not_over": lambda p, lang: (
        f"{_item(p, lang)} lasts {p['days']} days, {p['first']} to {p['last']}: it can be done from {p['last']} on"
    ),
    "ack.nothing": lambda p, lang: (
        f"{_item(p, lang)}{_period(p, lang)} has no alert to acknowledge"
        + (f" (its alerts are of {', '.join(p['periods'])})" if p.get("period") and p.get("periods") else "")
    ),
    "ack.which_subject": lambda p, lang: (
        f"item {p['number']} ({p['item']}) has alerts of several subjects: name one with --subject "
        f"({', '.join(p['subjects'])}{', …' if p['more'] else ''})"
    ),
    "event.unknown_kind": lambda p, lang: (
        f"no measure of a {p['unit_kind']} is triggered by {p['kind']!r} (events: {', '.join(p['known']) or 'none'})"
    ),
    # applicability: unit attributes, conditions, subject types
    "condition.unknown_attribute": lambda p, lang: (
        f"'when' names attribute {p['attribute']!r}, which the catalog's head does not declare"
        + (f" (attributes: {', '.join(p['known'])})" if p["known"] else " (it declares no attributes)")
        + _close(p)
    ),
    "condition.unknown_value": lambda p, lang: (
        f"attribute {p['attribute']!r} has no value {p['value']!r} (values: {', '.join(p['allowed'])})" + _close(p)
    ),
    "trigger.unknown_subject_type": lambda p, lang: (
        f"subject type {p['type']!r} is not declared in the catalog's head"
        + (f" (subject types: {', '.join(p['known'])})" if p["known"] else " (it declares no subject_types)")
        + _close(p)
    ),
    "attest.not_applicable": lambda p, lang: (
        f"{_item(p, lang)} does not apply{' in period ' + p['period'] if p.get('period') else ' now'}: "
        f"it applies while {p['conditions']}, and {p['because']}"
    ),
    "set.unknown_attribute": lambda p, lang: (
        f"unknown attribute {p['attribute']!r} (attributes: {', '.join(p['known'])})"
    ),
    "event.unknown_type": lambda p, lang: (
        f"unknown subject type {p['type']!r} (types: {', '.join(p['known'])})"
        if p["known"]
        else f"the catalog declares no subject types; leave out --type {p['type']}"
    ),
    # trust
    "key.cannot_endorse": lambda p, lang: (
        f"{p['by']} cannot endorse a key for {p['name']}: only the holder of {p['name']}'s key "
        + (f"({p['holder']}) " if p.get("holder") else "")
        + (f"or the administrator ({p['admin']})" if p.get("admin") else "")
        + " can"
    ),
    "registry.not_endorsed": lambda p, lang: (
        f"key {p['key']} is registered for {p['name']!r}, who has key {p['holder']} in this store already, "
        f"without its endorsement or the administrator's" + (f" ({p['admin']})" if p.get("admin") else "")
    ),
    "chain.unlinked": lambda p, lang: (
        f"line {p['line']} is not linked to the chain (inserted, or damaged)"
        + (f": {text(p['reason'], lang)}" if p.get("reason") else "")
    ),
    "verify.unsigned_after_key": lambda p, lang: (
        f"{p['count']} unsigned record{'s' if p['count'] != 1 else ''} in the name of {p['name']!r} "
        f"(record{'s' if p['count'] != 1 else ''} {', '.join(str(s) for s in p['seqs'])}{' …' if p['more'] else ''}) "
        f"{'were' if p['count'] != 1 else 'was'} made after their key {p['key']} was registered in this store "
        f"({p['since'].isoformat(timespec='seconds')}): made by someone without their key"
    ),
    "seal.other_store": lambda p, lang: (
        f"it was made in another store ({p['sealed']}), not in this one ({p['store'] or 'which has no id yet'}): "
        "copied from elsewhere"
    ),
    # field types, computed values, decision rules (date, datetime, multi; compute; rules)
    "field.compute_syntax": lambda p, lang: "the expression cannot be read: " + _expression_problem(p, lang),
    "compute.unknown_field": lambda p, lang: (
        f"the expression reads {p['field']!r}, which is not a field of this measure"
        + (f" (did you mean {', '.join(p['closest'])}?)" if p.get("closest") else f" (fields: {', '.join(p['known'])})")
    ),
    "rule.unknown_field": lambda p, lang: (
        f"the rule names {p['field']!r}, which is not a field of this measure"
        + (f" (did you mean {', '.join(p['closest'])}?)" if p.get("closest") else f" (fields: {', '.join(p['known'])})")
    ),
    # answers (questions a measure asks: `checklist answer`)
    "answer.not_a_question": lambda p, lang: f"{_item(p, lang)} asks no question; record it with `checklist done`",
    "answer.needed": lambda p, lang: f"{_item(p, lang)} asks a question: record its answer ({', '.join(p['allowed'])})",
    "answer.follow_up": lambda p, lang: (
        f"{_item(p, lang)}: the answer {', '.join(p['answer'])} needs {', '.join(p['needs'])} as well"
    ),
    # unit parts (blocks, wards): the catalog's kinds of part, `checklist part`, `--part`
    "catalog.unknown_part_kind": lambda p, lang: (
        f"per {p['per']!r}: unit kind {', '.join(p['kinds'])} has no kind of part {p['per']!r} "
        f"(its parts: {', '.join(p['known']) or 'none'}); name it under the unit kind's `parts`"
    ),
    "part.unknown_kind": lambda p, lang: (
        f"a {p['unit_kind']} has no kind of part {p['kind']!r} (kinds: {', '.join(p['known'])})"
    ),
    "part.unknown": lambda p, lang: (
        f"this unit has no part {p['part']!r}"
        + (f" (parts: {', '.join(p['known'])})" if p.get("known") else " (it has no parts yet)")
    ),
    "attest.no_part": lambda p, lang: (
        f"{_item({**p, 'part': None}, lang)} has no {p['kind']} {p['part']!r}"
        + (f" (its {p['kind']}s: {', '.join(p['parts'])})" if p.get("parts") else "")
    ),
    "attest.part_retired": lambda p, lang: (
        f"{p['kind']} {p['part']!r} was retired on {p['retired']}: it has no items now"
    ),
    "attest.no_parts_yet": lambda p, lang: f"{_item(p, lang)} is kept per {p['kind']}, and the unit has none yet",
    "attest.which_part": lambda p, lang: (
        f"{_item(p, lang)} is kept per {p['kind']}, and {len(p['parts'])} {p['kind']}s are open: "
        f"{', '.join(p['parts'][:8])}{', …' if p['more'] else ''}; name one with --part"
    ),
    "ack.which_part": lambda p, lang: (
        f"item {p['number']} ({p['item']}) has alerts of several parts: name one with --part "
        f"({', '.join(p['parts'])}{', …' if p['more'] else ''})"
    ),
    # occurrences: each event is an occurrence of its own (a second admission of one person)
    "occurrence.which": lambda p, lang: (
        f"{p['subject']} has several {p['kind']} occurrences for item {p['number']} ({p['item']}): "
        "name one with --occurrence: " + "; ".join(_choice(c, lang) for c in p["choices"])
    ),
    "occurrence.unknown": lambda p, lang: (
        f"{p['subject']} has no {p['kind']} occurrence {p['occurrence']} for item {p['number']} ({p['item']}) "
        "(withdrawn, or never recorded); its occurrences: " + "; ".join(_choice(c, lang) for c in p["choices"])
    ),
    "event.no_occurrence": lambda p, lang: (
        f"{p['subject']} has no {p['kind']} occurrence {p['occurrence']} to withdraw"
        + (": " + "; ".join(_choice(c, lang) for c in p["choices"]) if p["choices"] else " (none is live)")
    ),
    # roles and owners, named evidence kinds, report recipients
    "catalog.unknown_role": lambda p, lang: (
        f"unknown role {p['role']!r} in {p['key']}"
        + (f" (did you mean {', '.join(repr(n) for n in p['near'])}?)" if p["near"] else "")
        + (f"; the head declares: {', '.join(p['known'])}" if p["known"] else "; the head declares no roles")
    ),
    "catalog.unknown_evidence_kind": lambda p, lang: (
        f"unknown kind of evidence {p['kind']!r}"
        + (f" (did you mean {', '.join(repr(n) for n in p['near'])}?)" if p["near"] else "")
        + f"; known: {', '.join(p['known'])} (declare others under the head's evidence_kinds)"
    ),
    "role.not_held": lambda p, lang: (
        f"{p['person']} does not hold the role {p['role']}"
        + (f" (held by {', '.join(p['holders'])})" if p["holders"] else " (nobody holds it)")
        + (f"; {p['person']} holds: {', '.join(p['roles'])}" if p["roles"] else "")
        + ": nothing recorded"
    ),
    "attest.not_approver": lambda p, lang: (
        f"{_item(p, lang)} needs the approval of the role {p['role']}, which {p['actor']} does not hold"
        + (f": it is held by {', '.join(p['holders'])}" if p["holders"] else ": nobody holds it now")
    ),
    "attest.needs_kinds": lambda p, lang: (
        f"{_item(p, lang)} needs evidence of each of these kinds, not given: {', '.join(p['kinds'])}"
    ),
}


def _choice(choice: Mapping[str, Any], lang: str) -> str:
    """One occurrence to choose from: its number, when it happened, its state, and its command."""
    at = choice.get("at")
    when = f" of {at:%Y-%m-%d %H:%M}" if at is not None else ""
    state = f", {choice['state']}" if choice.get("state") else ""
    command = f": `{choice['command']}`" if choice.get("command") else ""
    return f"occurrence {choice['occurrence']}{when}{state}{command}"


HINTS: dict[str, Composed] = {
    "store.not_written": lambda p, lang: (
        "nothing was recorded; run the command again once the disk has room"
        if p["restored"]
        else "nothing was recorded; free some space, then run `checklist verify --repair` and the command again"
    ),
    "kind.unknown": lambda p, lang: _did_you_mean(p) or "known kinds: " + ", ".join(p["known"]),
    "section.unknown": lambda p, lang: _did_you_mean(p) or "sections: " + ", ".join(p["known"]),
    "schema.unknown": lambda p, lang: _did_you_mean(p) or "`checklist schema --list` lists them",
    "figure.multi_empty": lambda p, lang: f"for example --set {p['field']}={'、'.join(p['choices'][:2])}",
    "attest.needs_figures": lambda p, lang: "add " + " ".join(f"--set {field}=…" for field in p["fields"]),
    "attest.no_such_period": lambda p, lang: f"periods look like {p['example'] or 'a period key'}",
    # applicability
    "set.unknown_attribute": lambda p, lang: _did_you_mean(p) or "`checklist set` lists them",
    "key.not_registered": lambda p, lang: (
        f"ask the holder of {p['holder']}"
        + (f" or the administrator ({p['admin']})" if p.get("admin") else "")
        + f" to run `checklist keys endorse` with your public key file, or record where {p['holder']} is held"
    ),
    # unit parts
    "part.unknown_kind": lambda p, lang: _did_you_mean(p) or "kinds: " + ", ".join(p["known"]),
    "part.unknown": lambda p, lang: _did_you_mean(p) or "`checklist part` lists the unit's parts",
    "attest.no_part": lambda p, lang: _did_you_mean(p) or "`checklist part` lists the unit's parts",
    "attest.which_part": lambda p, lang: "run one of:\n  " + "\n  ".join(p["commands"]),
    # answers
    "answer.invalid": lambda p, lang: (
        _did_you_mean(p) or "yes / no / unknown (是 / 否 / 不清楚), or a choice by its number, id or words"
    ),
    "answer.not_relevant": lambda p, lang: f'record it with `checklist na {p["item"]} --reason "…"`',
    "answer.not_a_question": lambda p, lang: f"`checklist done {p['number']}`",
    "answer.needed": lambda p, lang: f"`checklist answer {p['number']} ANSWER`",
    "answer.follow_up": lambda p, lang: (
        " ".join(
            '--note "…"' if need == "note" else "--evidence FILE" if need == "file" else f"--set {need}=…"
            for need in p["needs"]
        )
        + ": add what is needed"
    ),
    # occurrences
    # roles and owners, named evidence kinds
    "role.unknown": lambda p, lang: _did_you_mean(p) or "roles: " + ", ".join(p["known"]),
    "role.holds_none": lambda p, lang: (
        "`checklist role` lists who holds what"
        + (
            f" (holders now: {', '.join(p['known'])})"
            if p["known"]
            else "; grant one: `checklist role grant NAME ROLE`"
        )
    ),
    "attest.not_approver": lambda p, lang: (
        (f"approve as one of them (--by {p['holders'][0]})" if p["holders"] else "")
        or f"grant the role first: `checklist role grant NAME {p['role']}`"
    ),
    "attest.needs_kinds": lambda p, lang: "add " + " ".join(f"--file {kind}=FILE" for kind in p["kinds"]),
    "evidence.kinded_form": lambda p, lang: (
        "kinds: " + ", ".join(p["known"]) if p["known"] else "the catalog names no kinds"
    ),
    "evidence.unknown_kind": lambda p, lang: _did_you_mean(p) or "kinds: " + ", ".join(p["known"]),
}


def _close(params: Mapping[str, Any]) -> str:
    """'; did you mean …?' after a located problem (which has no hint line), if a name is close."""
    return f"; did you mean {', '.join(params['close'])}?" if params.get("close") else ""


def _did_you_mean(params: Mapping[str, Any]) -> str:
    suggestions = params.get("suggestions") or []
    return "did you mean: " + ", ".join(suggestions) + "?" if suggestions else ""


class _Words(string.Formatter):
    """str.format, with a list joined by commas and a nested message put into words."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:  # noqa: PLR0911
        if isinstance(value, Message):
            return text(value, self.lang)
        if isinstance(value, Problem):
            return problem_text(value, self.lang)
        if isinstance(value, list | tuple) and not format_spec:
            return ", ".join(self.format_field(item, "") for item in value)
        if isinstance(value, date) and not format_spec:  # a datetime is a date too
            # as its reader writes it in Chinese (2020年1月28日, 2020年1月28日 10:30); ISO 8601 in English
            if self.lang != "zh":
                return value.isoformat()
            from datetime import datetime

            from .words import date_text, moment_text

            if isinstance(value, datetime):
                return moment_text(value, self.lang, seconds=bool(value.second))
            return date_text(value, self.lang)
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
    return _did_you_mean(error.params) or None


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
