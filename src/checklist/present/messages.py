"""The words of every message the core and the use cases report, by code.

The core raises `ChecklistError(code, **params)` and reports problems as `Message(code,
params)`; this module is the one place they become sentences. A template is a format
string over the message's parameters (a list is joined with commas, a nested message is
rendered in turn), or a function of them where the sentence depends on what is there.
`HINTS` holds the line shown under an error: what to do about it.

Only English is written here yet; a later release translates these into Chinese through
gettext catalogs. A test checks that every code the program can report has words here.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.errors import ChecklistError, Message, Problem, install_words

if TYPE_CHECKING:
    from .schemas import ProblemDocument

Template = str | Callable[[Mapping[str, Any]], str]

REPAIR = "run `checklist verify --repair` to move the incomplete bytes to quarantine"


def _range(p: Mapping[str, Any]) -> str:
    low = f"{p['min']:g}" if p.get("min") is not None else "…"
    high = f"{p['max']:g}" if p.get("max") is not None else "…"
    unit = f" {p['unit']}" if p.get("unit") else ""
    value = p["value"] if isinstance(p["value"], str) else f"{p['value']:g}"  # a string: cut short (figures.brief)
    return f"{p['field']} = {value} is out of range: allowed {low} to {high}{unit}"


def _expression_problem(p: Mapping[str, Any]) -> str:
    """What is wrong with a computed field's expression (core/expression.py's codes, below)."""
    template = TEMPLATES.get(p.get("problem", ""), "{problem}")
    return _fill(template, p)


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


def _item(p: Mapping[str, Any]) -> str:
    subject = f" of {p['subject']}" if p.get("subject") else ""
    part = f", part {p['part']}" if p.get("part") else ""  # unit parts
    return f"item {p['number']} ({p['item']}{subject}{part})"


def _period(p: Mapping[str, Any]) -> str:
    return f" in period {p['period']}" if p.get("period") else ""


def _units(p: Mapping[str, Any]) -> str:
    names: Mapping[str, str | None] = p["names"]
    shown = [f"{unit} ({names[unit]})" if names.get(unit) else unit for unit in p["units"][:12]]
    more = f" and {len(p['units']) - 12} more" if len(p["units"]) > 12 else ""
    return f"this store ({p['store']}) has {p['count']} units: {', '.join(shown)}{more}"


def _newer(p: Mapping[str, Any]) -> str:
    needed = f"checklist {p['requires']} or newer" if p.get("requires") else "a newer checklist"
    return (
        f"{p['what']} is in format {p['found']}, written by {needed}; this is checklist {p['version']}, "
        f"which reads formats up to {p['known']}"
    )


TEMPLATES: dict[str, Template] = {
    # catalogs
    "catalog.invalid": lambda p: (
        "invalid catalog: "
        + (problem_text(p["problems"][0]) if p["problems"] else "empty catalog")
        + (f" (and {p['count'] - 1} more)" if p["count"] > 1 else "")
    ),
    "catalog.not_found": "catalog not found: {path}",
    "catalog.no_yaml_files": "folder holds no .yaml files",
    "catalog.file_not_mapping": "a measure file must be a mapping with 'measures' (and/or 'catalog')",
    "catalog.file_unknown_key": "unknown key (a file holds 'catalog' and 'measures')",
    "catalog.measures_not_list": "'measures' must be a list",
    "catalog.too_many_problems": "stopped after {max} problems; {rest} more measures not checked",
    "catalog.alternatives": lambda p: "; or ".join(text(m) for m in p["options"]),
    "catalog.unknown_key": lambda p: (
        f"unknown key {p['key']!r}"
        + (f" (did you mean {p['close'][0]!r}?)" if p.get("close") else "")
        + ("; allowed here: " + ", ".join(p["allowed"]) if p.get("allowed") else "")
    ),
    "catalog.unquoted_comma": lambda p: (
        f"quote this text: {p['key']}: {_quoted(p['text'])} (inside {{…}} a comma ends a text that is not quoted, "
        + f"and {_listed(p['words'])} "
        + ("was read as a key)" if len(p["words"]) == 1 else "were read as keys)")
        + ("; in Chinese, the full-width comma ， needs no quotes" if p["key"] == "zh" else "")
    ),
    "catalog.kind_without_measures": "unit kind {kind!r} has no measures: a unit of this kind would start with an "
    "empty checklist; name it in the applies_to of its measures, or remove it",
    "catalog.missing": "required but missing",
    "catalog.invalid_value": "{detail}",
    "catalog.two_heads": "more than one file has a 'catalog' head: {files}",
    "catalog.no_head": "no file has the 'catalog' head (name, version, unit_kinds, sections)",
    "catalog.duplicate_measure": "duplicate measure id (first defined at {first})",
    "catalog.replaces_live": "{id} is a measure of this catalog: a measure replaces only ids it no longer has",
    "catalog.replaced_twice": "{id} is replaced already, by {first}: its records can carry over to one measure only",
    "catalog.unknown_kind": "unknown unit kind {kind!r} (known: {known})",
    "catalog.unknown_section": "unknown section {section!r} (known: {known})",
    "catalog.duplicate_kind": "duplicate unit kind id {id!r}",
    "catalog.duplicate_section": "duplicate section id {id!r}",
    "catalog.kept_mismatch": "the catalog kept there is not the version its name says",
    "catalog.timezone": "unknown time zone {zone!r}",
    "kind.ambiguous": "{token!r} fits more than one unit kind: {kinds}",
    "kind.unknown": "unknown unit kind {token!r}",
    "section.unknown": "no section {token!r}",
    "schema.unknown": "no schema named {name!r}; `checklist schema --output` takes {known}",
    # the models' own rules (catalog authors and stored records)
    "text.control": "must not contain control characters",
    "text.no_language": "give the text in Chinese (zh), in English (en), or both",
    "text.one_language": "given in {given} only: it is shown in {given}, marked as missing in {missing}",
    "field.bounds_not_numeric": "min, max and alert thresholds apply only to integer and number fields, not {type}",
    "field.alert_form": "an alert has thresholds or values, not both",
    "field.aggregate_not_numeric": "aggregate applies only to integer and number fields, not {type}",
    "field.alert_values": "alert values apply only to yesno, choice and multi fields, not {type}",
    "field.alert_value": "alert values must be among {allowed}",
    "measure.replaces": "replaces names other measures' ids, each once",
    "field.min_above_max": lambda p: f"min ({p['min']:g}) is greater than max ({p['max']:g})",
    "field.choices": "a choice or a multi field needs a non-empty 'choices' list, and only such a field has one",
    "recurrence.every": "must be 'day', 'week', 'month', a number of hours such as '8h' or of days such as '3d'",
    "recurrence.days": "a period in days must be between 2d and 366d (1d: 'day')",
    "recurrence.hours": "a period in hours must be between 1h and 168h",
    "recurrence.one_form": "give exactly one of 'every', 'on' or 'at'",
    "recurrence.times": "'times' goes with 'every: day' only",
    "recurrence.on": "'on' needs distinct weekdays",
    "deadline.one_form": "give either 'date', or 'days' or 'within' with 'after'",
    "deadline.relative": "a relative deadline needs 'after' and one of 'days' or 'within'",
    "deadline.duration": "must be an ISO 8601 duration such as PT2H, P3D or P1M, or 'immediately'",
    "measure.applies_to": "applies_to needs at least one unit kind (or 'all')",
    "measure.figures": "evidence 'figures' needs at least one entry in 'fields'",
    "measure.field_ids": "field ids must be unique within a measure",
    "measure.deadline_trigger": "a deadline after an event needs a 'trigger'",
    # the catalog authors' rules (core/authoring.py): what loads but cannot work as written
    "field.alert_never": lambda p: (
        f"this alert can never fire: {p['alert']} {p['value']:g}, but the field's values "
        + ("go up to" if p["side"] == "max" else "start at")
        + f" {p['limit']:g} (its {p['side']})"
    ),
    "field.alert_always": lambda p: (
        f"this alert fires on every value: {p['alert']} {p['value']:g}, and the field's values "
        + ("go up to" if p["side"] == "max" else "start at")
        + f" {p['limit']:g} (its {p['side']}); a flag on every attestation tells nothing"
    ),
    "field.alert_every_answer": "this alert names every answer the field can take, so it flags every "
    "attestation; name only the answers that call for attention",
    "measure.figures_not_asked": lambda p: (
        (f"the figure {p['fields'][0]} is" if len(p["fields"]) == 1 else f"the figures {', '.join(p['fields'])} are")
        + " required (the default), yet nobody is asked for "
        + ("it" if len(p["fields"]) == 1 else "them")
        + ": a measure asks for its figures only when its evidence includes figures; add figures to evidence, "
        + ("or mark the field" if len(p["fields"]) == 1 else "or mark the fields")
        + " `required: false`"
    ),
    "measure.figures_all_optional": "evidence 'figures' asks for no figure, as every field is `required: false`; "
    "mark those an attestation must give `required: true`, or take figures out of evidence",
    "measure.headline_trigger": "the headline shows the unit's own figures, never a subject's: a measure with a "
    "trigger never reaches it",
    "deadline.out_of_range": "the deadline {date} is outside the years {earliest:%Y} to {latest:%Y} that the clock "
    "reckons with",
    "trigger.lasts_and_deadline": "lasts_days and deadline both say when the item is due, and the deadline wins: "
    "give one of them",
    "trigger.closes_before_opening": lambda p: (
        f"the item would be due before it opens: it opens {p['opens']} days after the event (opens_after_days), "
        f"but its {p['lasts']}-day window ends on day {p['lasts'] - 1} (lasts_days); opens_after_days must be "
        "less than lasts_days"
    ),
    "deadline.before_opening": "the item would be due before it opens: the deadline is {after} after the "
    "event, but the item opens {opens} days after it (opens_after_days)",
    # timing: fixed times, counted occurrences, standing rules, in force from/until, before an event
    "recurrence.at_order": "'at' needs distinct times of day, in order",
    "recurrence.at_time": "{value!r} is not a time of day: write it as HH:MM, from 00:00 to 23:59 (08:00)",
    "recurrence.count": "'count' goes with 'every' or 'on', not with 'times' or 'at'",
    "in_force.empty": "give 'from', 'until' or both",
    "deadline.after_before": "give one of 'after' or 'before', not both",
    "measure.deadline_before": "a deadline before an event needs a 'trigger'",
    "measure.standing_recurrence": "a standing rule is reviewed on its own cadence (standing.review): drop "
    "'recurrence'",
    "in_force.until_before_from": "the measure would never be in force: until ({until}) is before from ({start})",
    "in_force.out_of_range": "the day {date} is outside the years {earliest:%Y} to {latest:%Y} that the clock "
    "reckons with",
    "in_force.deadline_outside": "the deadline {date} falls {side} the days the measure is in force "
    "({start} to {until}): no unit can meet it while the measure applies",
    "attest.not_in_force_yet": lambda p: f"{_item(p)} is in force from {p['opens']}: it cannot be done before then",
    "deadline.before_event_opens_later": "the item would be due before it opens: it is due {before} before the "
    "event, but opens {opens} days after it (opens_after_days)",
    # pydantic's errors, in our words (core/catalog.py)
    "value.boolean": "must be true or false",
    "value.integer": "must be a whole number",
    "value.number": "must be a number",
    "value.finite": "must be a finite number (not .inf or .nan)",
    "value.text": lambda p: (
        "must be a text"
        + (
            ": put true or false in quotes to make it one"
            if isinstance(p.get("value"), bool)
            else ": put a number in quotes to make it one"
            if p.get("value") is not None
            else ""
        )
    ),
    "value.too_short": lambda p: (
        "must not be empty" if p.get("min_length") == 1 else f"must hold at least {p['min_length']} characters"
    ),
    "value.too_long": "holds more than {max_length} characters",
    "value.list": "must be a list ([…])",
    "value.too_few": "must hold at least {min_length} entries",
    "value.too_many": "must hold at most {max_length} entries",
    "value.at_least": "must be {ge} or more",
    "value.above": "must be more than {gt}",
    "value.at_most": "must be {le} or less",
    "value.below": "must be less than {lt}",
    "value.one_of": "must be {expected}",
    "value.date": lambda p: (
        (f"{p['value']!r} is not a date" if isinstance(p.get("value"), str) else "must be a date")
        + ": write it as YYYY-MM-DD, e.g. 2020-01-27"
    ),
    "value.texts": "must give the text in both languages: {{zh: …, en: …}}",
    "value.key": "a key must be a text: put this one in quotes",
    "value.mapping": lambda p: (
        "must be a mapping of keys to values" + (" (keys: " + ", ".join(p["keys"]) + ")" if p.get("keys") else "")
    ),
    "value.slug": lambda p: (
        (f"{p['value']!r} is not an id" if isinstance(p.get("value"), str) else "must be an id")
        + ": lowercase letters and digits, in words joined by '-' or '_' (health-checks)"
    ),
    "value.measure_id": lambda p: (
        (f"{p['value']!r} is not a measure id" if isinstance(p.get("value"), str) else "must be a measure id")
        + ": lowercase letters and digits, in words joined by '.', '-' or '_' (prison.visits-suspended)"
    ),
    "value.pattern": lambda p: (
        (f"{p['value']!r} does not" if isinstance(p.get("value"), str) else "must")
        + f" have the form {p.get('pattern')}"
    ),
    "record.needs_item": "a {action} record needs 'item'",
    "record.no_item": "a {action} record has no 'item'",
    "record.event": "a {action} record needs 'event' and 'subject'",
    "record.approves": "'approves' goes with an approved record, and only there",
    "record.chained": "a format 2 record needs 'prev' and 'seq'",
    "record.clock": "'clock' is a field of format 3 records",
    "record.legacy": "a format 1 record has no 'prev', 'seq' or 'sig'",
    "record.newer_action": "a {action} record is of format {needed}",
    "record.unusable": lambda p: (
        (f"record {p['seq']}" if p.get("seq") is not None else f"record {p['id']}")
        + f" ({p['what']}) could not be used: {text(p['problem'])}"
    ),
    "record.figure_unusable": "the figure {field} = {value} is no number a count can be "
    "(NaN, infinity, or past 10^15 either side of zero)",
    "record.moment_unusable": "its time {moment} is outside the years 2000 to 2200",
    "input.invalid": "invalid {field}: {detail}",
    "text.too_long": "{size} bytes, more than the {limit} a note holds",
    "input.too_long": lambda p: (
        f"the {p['field']} is {p['size'] / 1024:,.1f} KiB long; a note or reason holds at most {p['limit'] // 1024} KiB"
    ),
    # YAML files
    "yaml.not_utf8": "file is not valid UTF-8",
    "yaml.bad_character": "invalid YAML: character {char} is not allowed in a YAML file",
    "yaml.invalid": "invalid YAML: {detail}",
    "yaml.empty": "file is empty",
    "yaml.only_comments": "file holds no YAML value (only comments)",
    "yaml.not_regular": "not a regular file",
    "yaml.too_large": "file is larger than {mib} MiB",
    "yaml.cannot_read": "cannot read file: {reason}",
    "yaml.duplicate_key": "invalid YAML: duplicate key {key!r} (first at line {first})",
    "yaml.not_integer": "invalid YAML: {value} is not an integer",
    "yaml.integer_too_long": "invalid YAML: {value} is too long for an integer (at most {max} characters)",
    "yaml.not_number": "invalid YAML: {value} is not a number",
    "yaml.not_boolean": "invalid YAML: {value} is not true or false",
    "yaml.recursive_alias": "invalid YAML: an alias refers to a collection that contains it (recursive)",
    "yaml.tag": "invalid YAML: tag {tag} is not allowed (a catalog holds only text, numbers, true/false, "
    "null, lists and mappings)",
    "yaml.surrogate": "invalid YAML: the value holds a lone surrogate ({char})",
    "yaml.control_character": "invalid YAML: the value holds a control character ({char})",
    "yaml.too_deep": "YAML nests more than {max} levels deep",
    "yaml.too_many": "YAML holds more than {max:,} values",
    "yaml.too_many_expanded": "YAML expands to more than {max:,} values (anchors/aliases used too heavily)",
    # formats
    "format.newer": _newer,
    "format.newer_requires": _newer,
    "format.unreadable": "{what} has an unreadable format number: {found!r}",
    # the store
    "store.none_here": "no checklist store here or in any parent folder",
    "store.none_at": "no store at {where}",
    "store.unknown_scheme": "this checklist cannot open a store at {scheme}:// locations yet",
    "store.cannot_create": "cannot create the store at {where}: {reason}",
    "store.cannot_read": "{where}: cannot read: {reason}",
    "store.cannot_write": "cannot write to {where}: {reason}",
    "store.cannot_lock": "cannot lock {where}: {reason}",
    "store.busy": "the store is busy: could not lock {where} within {seconds} s",
    "store.damaged_marker": "{where}: damaged store marker: {why}",
    "file.not_regular": "{where}: not a regular file (a FIFO, a device or a folder stands in its place)",
    "file.too_large": "{where}: larger than {mib} MiB, far more than a file of its kind holds",
    "store.damaged_unit": "{where}: damaged unit file: {why}",
    "unit.start_out_of_range": "started_at {started} is outside the years 2000 to 2200",
    "store.damaged_record": "{where}:{line}: damaged record: {why}",
    "store.torn_record": "{where}:{line}: damaged record: an incomplete last line (a write was interrupted)",
    "store.foreign_record": "{where}:{line}: record of unit {other!r} in the log of {unit!r}",
    "store.torn_tail": "{where}: the log ends with an incomplete record",
    "store.bad_tail": "{where}: the last line is damaged; nothing can be appended after it",
    "store.damaged_config": "{where}: damaged config file: {why}",
    "store.damaged_key": "{where}: damaged key file: {why}",
    "store.damaged_catalog": "{where}: damaged catalog copy: {why}",
    "store.kept_catalog_changed": "{where}: the catalog kept there is not the version its name says",
    "store.catalog_gone": lambda p: (
        f"the catalog version unit {p['unit']} runs ({p['digest'][:19]}…) is not in the store any more"
    ),
    "store.index_stale": "{where} (the saved index, derived from the log) does not fit the log: it was removed; "
    "run the command again",
    "store.index_mismatch": "index.json does not say what the log says (edited?); "
    "`checklist verify --repair` removes it",
    "store.not_written": lambda p: (
        f"the record was not written: cannot write to {p['where']}: {p['reason']}; "
        + ("the log is as it was" if p["restored"] else "the log now ends with an incomplete line")
    ),
    "store.cannot_repair": lambda p: (
        f"cannot move the incomplete last line of {p['where']} to quarantine: {p['reason']}; "
        + ("nothing was changed" if p["restored"] else "the quarantine file now ends with an incomplete line")
    ),
    "store.invalid_blob_name": "invalid {kind} name {name!r}",
    "store.blob_changed": lambda p: f"{p['kind']} {p['name'][:12]}… changed while it was being kept; nothing was kept",
    # units and settings
    "unit.invalid_id": "invalid unit id {id!r}",
    "unit.exists": "unit {id!r} already exists",
    "unit.cannot_create": "cannot start unit {id!r} in {where}: {reason}; nothing was made",
    "unit.unknown": "no unit {id!r} in this store",
    "unit.other_kind": "unit {id!r} exists already, as a {kind}, not a {wanted}",
    "unit.none_yet": "this store has no units yet",
    "unit.which": _units,
    "actor.unknown": "cannot tell who you are",
    "name.empty": "{what}: a name cannot be empty",
    "name.too_long": "{what}: a name is at most {max} characters",
    "name.control": "{what}: {name!r} holds {char}: names hold no control characters or invisible ones "
    "(a newline, a tab, a zero-width space, a direction mark)",
    "name.blanks": "{what}: {name!r} starts or ends with a blank",
    "name.mixed_scripts": "{what}: {name!r} mixes the scripts {scripts}, whose letters look alike; "
    "type it in one script (Chinese with Latin is fine)",
    "config.unknown": "no setting {key!r} (settings: {known})",
    "config.invalid_text": "invalid value for {key}: it must be non-empty text without control characters",
    "config.switch": "{key} is on or off, not {value!r}",
    "clock.period": "period {period} of item {number} ({item})",
    "clock.event": "the {kind} of {subject} at {at}",
    "clock.attributes": "the change of the unit's attributes ({values})",
    "clock.start": "the start of unit {unit} at {at}",
    "clock.future": "{what} has not come yet by the real clock (today is {today}): --now replays a moment, "
    "it does not record ahead of time",
    "config.evidence_max_mb": "evidence_max_mb must be a positive number of megabytes, not {value!r}",
    "config.bad_evidence_max_mb": "{where}: evidence_max_mb is {value}, not a number of megabytes "
    "from 0.000001 to below 10000000",
    "option.exclusive": "{first} and {second} exclude each other",
    "option.day": "{option} must be a day such as 2020-01-27, not {text!r}",
    "input.not_utf8": "{what} is not UTF-8 text: this terminal sends another encoding (GBK, say) "
    "than the system reads (UTF-8)",
    "time.invalid": "{option} must be an ISO 8601 time such as 2020-01-27T09:00 or 2020-01-27T09:00+08:00, "
    "not {text!r}",
    "time.out_of_range": "{option} {text!r} is outside the years {earliest.year} to {latest.year}, "
    "the times this program reckons with",
    # items, figures and evidence
    "item.no_number": "no item number {number}",
    "item.ambiguous": lambda p: (
        f"{p['token']!r} names more than one item: " + ", ".join(p["ids"]) + (" …" if p["more"] else "")
    ),
    "item.unknown": "no item {token!r} on this checklist",
    "figure.assignment": "expected FIELD=VALUE, got {text!r}",
    "figure.not_integer": "{field} must be a whole number, got {value!r}",
    "figure.not_number": "{field} must be a number, got {value!r}",
    "figure.comma": lambda p: (
        f"{p['field']} = {p['value']!r} has a comma: "
        + ("write a count without separators" if p["integer"] else "write the decimal point as a point")
        + f" ({p['fixed']})"
    ),
    "figure.not_finite": "{field} must be a finite number, got {value!r}",
    "figure.too_large": "{field} = {value} is too large: a figure is at most 10^15 either side of zero",
    "figure.not_yesno": "{field} must be yes or no, got {value!r}",
    "figure.not_choice": "{field} must be one of: {choices}; got {value!r}",
    "figure.empty": "{field} must not be empty",
    "figure.out_of_range": _range,
    "figure.none": "this measure records no figures, so {field!r} cannot be set",
    "figure.unknown": "no field {field!r} on this measure (fields: {fields})",
    "evidence.link_outside": lambda p: (
        f"evidence {p['path']} is a link to {p['target']}, outside the current folder"
        if p.get("link") is None
        else f"evidence {p['path']} goes through the link {p['link']} to {p['target']}, outside the current folder"
    ),
    "evidence.not_found": "evidence file not found: {path}",
    "evidence.unusable": lambda p: f"cannot use evidence {_short(p['path'])}: {p['reason']}",
    "evidence.folder": "evidence must be a file, not a folder: {path}",
    "evidence.not_regular": "evidence must be a regular file: {path}",
    "evidence.too_large": lambda p: (
        f"evidence file {p['path']} is {_mb(p['mb'])} MB, above this store's limit of {_mb(p['max_mb'])} MB"
    ),
    "evidence.cannot_read": "cannot read evidence file {path}: {reason}",
    "evidence.changed": "evidence file {path} changed while it was being recorded; try again",
    "evidence.cannot_store": "cannot store evidence: {problem}",
    "evidence.unreadable": lambda p: f"evidence {p['name'][:12]}…: cannot read: {p['reason']}",
    "evidence.changed_in_store": "evidence {where} was changed: its content no longer has that hash",
    "evidence.missing": lambda p: f"evidence {p['name'][:12]}… is recorded as stored but missing",
    # attestations and events
    "attest.partial_needs_reason": "partial work needs a note saying what is done and what remains",
    "attest.na_needs_reason": "marking an item not applicable needs a reason",
    "attest.blocked_needs_reason": "marking an item blocked needs a reason",
    "attest.reopened_needs_reason": "reopening an item needs a reason",
    "attest.until_without_na": "--until goes with `checklist na` (a waiver that lapses)",
    "attest.nothing_to_approve": lambda p: (
        f"{_item(p)} has nothing to approve: only a done or a not-applicable answer is approved"
    ),
    "attest.own_key_approval": lambda p: (
        f"{_item(p)} was signed with your own key ({p['key']}): nobody approves their own attestation"
    ),
    "attest.own_approval": lambda p: (
        f"{_item(p)} was attested by {p['actor']}, who cannot approve their own attestation"
    ),
    "attest.no_such_figure": "none of the named items records a figure called {field!r}",
    "attest.needs_note": lambda p: f"{_item(p)} needs a note saying what was done",
    "attest.needs_file": lambda p: f"{_item(p)} needs an evidence file (a notice, minutes, a roster, a photo)",
    "attest.needs_figures": lambda p: f"{_item(p)} needs its figures: {', '.join(p['fields'])}",
    "attest.not_per_subject": "item {number} ({item}) is not kept per subject; leave out --subject",
    "attest.not_recurring": "item {number} ({item}) does not recur; leave out --for",
    "attest.no_subject": "no subject {subject!r} for item {number} ({item})",
    "attest.no_subjects_yet": "item {number} ({item}) is kept per subject, and there is none yet",
    "attest.which_subject": "item {number} ({item}) is kept per subject: name one with --subject ({subjects})",
    "attest.not_due_now": "{item} is not due now; name the period with --for",
    "attest.not_open_yet": lambda p: f"{_item(p)} opens on {p['opens']}: it cannot be done before then",
    "attest.window_not_over": lambda p: (
        f"{_item(p)} lasts {p['days']} days, {p['first']} to {p['last']}: it can be done from {p['last']} on"
    ),
    "attest.recurrence_ended": "{item} recurred until {until}: name a period before then with --for",
    "attest.no_such_period": "{period!r} is not a period of {item} between the unit's start and now",
    "ack.needs_reason": "acknowledging alerts needs a reason: what was seen, and what was done about it",
    "ack.nothing": lambda p: (
        f"{_item(p)}{_period(p)} has no alert to acknowledge"
        + (f" (its alerts are of {', '.join(p['periods'])})" if p.get("period") and p.get("periods") else "")
    ),
    "ack.which_subject": lambda p: (
        f"item {p['number']} ({p['item']}) has alerts of several subjects: name one with --subject "
        f"({', '.join(p['subjects'])}{', …' if p['more'] else ''})"
    ),
    "event.unknown_kind": lambda p: (
        f"no measure of a {p['unit_kind']} is triggered by {p['kind']!r} (events: {', '.join(p['known']) or 'none'})"
    ),
    "event.in_future": "--at {at} is in the future",
    "event.before_start": "--at {at} is before the unit started ({started})",
    "event.nothing_to_withdraw": "there is no {kind} of {subject!r} to withdraw",
    "event.withdraw_needs_reason": "withdrawing an event needs a reason",
    "subject.empty": "the subject is empty: give its id, such as a prisoner's number",
    "subject.blank_ends": "subject {subject!r} begins or ends with a blank; subjects are matched exactly",
    "subject.invisible": "subject {subject!r} holds an invisible or control character {char}",
    # applicability: unit attributes, conditions, subject types
    "attribute.values": "a choice attribute needs a non-empty 'values' list, and a yesno one has none",
    "attribute.value_ids": "the values of an attribute must differ",
    "attribute.default": "the default must be one of {allowed}",
    "record.attributes": "'attributes' goes with a set record, and only there",
    "record.subject_type": "'subject_type' goes with an event record only",
    "catalog.duplicate_attribute": "duplicate attribute id {id!r}",
    "catalog.duplicate_subject_type": "duplicate subject type id {id!r}",
    "condition.unknown_attribute": lambda p: (
        f"'when' names attribute {p['attribute']!r}, which the catalog's head does not declare"
        + (f" (attributes: {', '.join(p['known'])})" if p["known"] else " (it declares no attributes)")
        + _close(p)
    ),
    "condition.unknown_value": lambda p: (
        f"attribute {p['attribute']!r} has no value {p['value']!r} (values: {', '.join(p['allowed'])})" + _close(p)
    ),
    "condition.never": "attribute {attribute!r} is given no value: the measure could never apply (values: {allowed})",
    "trigger.unknown_subject_type": lambda p: (
        f"subject type {p['type']!r} is not declared in the catalog's head"
        + (f" (subject types: {', '.join(p['known'])})" if p["known"] else " (it declares no subject_types)")
        + _close(p)
    ),
    "trigger.no_subject_types": "subject_types names no type, so the trigger would make no item",
    "attest.not_applicable": lambda p: (
        f"{_item(p)} does not apply{' in period ' + p['period'] if p.get('period') else ' now'}: "
        f"it applies while {p['conditions']}, and {p['because']}"
    ),
    "set.no_attributes": "the catalog {catalog} declares no attributes of a unit",
    "set.assignment": "{text!r} is not NAME=VALUE (for example risk=high)",
    "set.unknown_attribute": lambda p: f"unknown attribute {p['attribute']!r} (attributes: {', '.join(p['known'])})",
    "set.unknown_value": "{attribute} has no value {value!r} (values: {allowed})",
    "set.twice": "{attribute} is given twice",
    "set.before_start": "the clock says {at}, before the unit started ({started}): no value is set before then",
    "event.needs_type": "the catalog declares types of subject: give the subject's with --type ({known})",
    "event.unknown_type": lambda p: (
        f"unknown subject type {p['type']!r} (types: {', '.join(p['known'])})"
        if p["known"]
        else f"the catalog declares no subject types; leave out --type {p['type']}"
    ),
    # trust
    "key.cannot_write": "cannot write the key to {where}: {reason}",
    "key.cannot_read": "cannot read the private key {path}: {reason}",
    "key.not_ed25519": "{path} is not an Ed25519 key",
    "key.needs_terminal": "{name}'s key {key} is protected by a passphrase, and there is no terminal to ask it "
    "on: run the command on a terminal to sign",
    "key.wrong_passphrase": "wrong passphrase for key {key}; nothing was recorded",
    "key.no_passphrase": "no passphrase was typed",
    "key.passphrase_needs_terminal": "a passphrase is typed on a terminal (never on the command line): "
    "run `checklist keys new --passphrase` on a terminal",
    "key.no_new_passphrase": "no passphrase after {tries} tries; no key was made",
    "key.not_a_key": "{path} is not a public key file: {why}",
    "key.not_found": "no key {target!r}: give the public key file (the .json beside its private key) or a key id "
    "held on this machine",
    "key.not_registered": "{name}'s key {key} on this machine is not registered in this store: {name} has key "
    "{holder} here, and a second key for a name signs only once it is endorsed",
    "key.endorser_has_none": "{by} has no signing key on this machine that is registered in this store",
    "key.cannot_endorse": lambda p: (
        f"{p['by']} cannot endorse a key for {p['name']}: only the holder of {p['name']}'s key "
        + (f"({p['holder']}) " if p.get("holder") else "")
        + (f"or the administrator ({p['admin']})" if p.get("admin") else "")
        + " can"
    ),
    "key.registered_unendorsed": "key {key} is registered in this store already, without an endorsement "
    "({where}); remove that file, then endorse it",
    "registry.not_endorsed": lambda p: (
        f"key {p['key']} is registered for {p['name']!r}, who has key {p['holder']} in this store already, "
        f"without its endorsement or the administrator's" + (f" ({p['admin']})" if p.get("admin") else "")
    ),
    "registry.bad_endorsement": "key {key} of {name!r} says it was endorsed by {by}, but that endorsement does not "
    "hold (altered, or by a key that may not endorse it)",
    "key.folder_open": "the folder of your private keys {where} can be written by everyone (mode {mode}) "
    "and is not yours: anyone could put a key there under your name",
    "store.keys_open": "the store's keys folder {where} can be written by everyone (mode {mode}) and is not yours: "
    "anyone could register a key there under any name",
    "legacy.invalid": "{why}",
    "legacy.foreign": "a record of unit {other!r}",
    "legacy.unlinked": "a record of format 2 without its link",
    "chain.no_head": "head.json is missing: a cut-off end or a changed last record cannot be ruled out",
    "chain.changed": "record {seq} at line {line} was changed after it was written",
    "chain.cut_off": "the log ends at record {last} but record {head} was written: "
    "records {first_missing} to {head} are missing (the end was cut off)",
    "chain.unlinked": lambda p: (
        f"line {p['line']} is not linked to the chain (inserted, or damaged)"
        + (f": {text(p['reason'])}" if p.get("reason") else "")
    ),
    "chain.invalid_line": "line {line} is not a valid record: {reason}",
    "chain.no_seq": "line {line} is damaged: its record number cannot be read",
    "chain.start_changed": "record {seq} at line {line} does not match the unit file (unit.json): "
    "the start of the log was changed",
    "chain.start_changed_after_legacy": "record {seq} at line {line} does not match the {legacy} records "
    "before it: the start of the log was changed",
    "chain.removed": "records {first} to {last} are missing before line {line} (removed)",
    "chain.swapped": "records {first} and {second} are swapped: record {second} stands at line {line} "
    "and record {first} at line {other_line} (moved)",
    "chain.moved": "record {seq} at line {line} is out of place: record {expected}, which belongs there, "
    "stands at line {found} (moved)",
    "chain.out_of_order": "record {seq} at line {line} is out of order after record {after} (moved or inserted)",
    "chain.broken": "the chain breaks at line {line} (record {seq}): record {last} at line {last_line} was changed "
    "after it was written, or a record was inserted there",
    "chain.unanchored": "{count} records were written before chaining; the next record made anchors them",
    "witness.rolled_back": "the log ends at record {size}, but record {seen} was seen here on {at}: "
    "records {first} to {seen} were cut off, or the store was rolled back",
    "witness.forked": "record {seq} is not the one seen here on {at}: the log was rewritten from there (a fork)",
    "checkpoint.too_large": "a checkpoint of {size} bytes is too large to be one",
    "checkpoint.malformed": "not a checkpoint: {why}",
    "checkpoint.bad_signature": "the checkpoint's signature by {key} does not hold",
    "checkpoint.unsigned": "the checkpoint is signed by no key registered in this store",
    "checkpoint.broken_log": "the log of {unit} does not verify: a checkpoint would sign a broken chain",
    "checkpoint.not_held": "this store's log no longer holds record {size} as the checkpoint says "
    "(cut off, or rewritten since)",
    "checkpoint.fork": "two checkpoints disagree on record {size} of the same log ({files}): "
    "it was rewritten between them (a fork)",
    "verify.at_line": "line {line}: {problem}",
    "units.damaged_line": "{where}:{line}: a line of the store's list of units cannot be read",
    "units.broken": "{where}:{line}: the store's list of units breaks here: a line before it was removed or changed",
    "units.twice": "{where}:{line}: unit {unit!r} is listed twice",
    "units.gone": "unit {unit!r} is in the store's list, but its unit file is gone (deleted?)",
    "units.unlisted": "the folder of unit {unit!r} is not in the store's list of units (added by hand, or copied)",
    "units.changed": "the unit file of {unit!r} is not the one it was started with (changed, or copied from "
    "another unit)",
    "units.unreadable": "unit {unit!r}: {problem}",
    "units.bad_signature": "the store's list of units: the signature of {unit!r}'s line does not hold",
    "units.unknown_key": "the store's list of units: {unit!r}'s line is signed with {key}, not registered here",
    "units.no_list": "this store keeps no list of its units yet (written by an earlier release): "
    "`checklist verify --repair` begins one",
    "store.unit_misplaced": "{where}: the folder of unit {folder!r} holds the unit file of {inside!r}",
    "verify.checkpoint": "checkpoint {name}: {problem}",
    "verify.checkpoint_elsewhere": "checkpoint {name} speaks of another log ({origin})",
    "verify.checkpoint_lost": "checkpoint {name}: the log no longer holds record {size} as {by} signed it "
    "(cut off, or rewritten since)",
    "verify.torn": "line {line}: an incomplete last line (a write was interrupted); "
    "`checklist verify --repair` moves it to quarantine",
    "verify.unknown_key": "unknown key: record {seq} ({item}, {actor}) is signed with {key}, "
    "not registered in this store",
    "verify.bad_signature": "bad signature: record {seq} ({item}, {actor}): the signature does not hold",
    "verify.borrowed_key": "bad signature: record {seq} ({item}, {actor}) is signed with the key of {owner!r}",
    "verify.seal": "seal: {name}: {problem}",
    "verify.seal_unreadable": "seal: {name}: cannot be read: {why}",
    "verify.unsigned": "{count} records are not signed",
    "verify.unsigned_after_key": lambda p: (
        f"{p['count']} unsigned record{'s' if p['count'] != 1 else ''} in the name of {p['name']!r} "
        f"(record{'s' if p['count'] != 1 else ''} {', '.join(str(s) for s in p['seqs'])}{' …' if p['more'] else ''}) "
        f"{'were' if p['count'] != 1 else 'was'} made after their key {p['key']} was registered in this store "
        f"({p['since'].isoformat(timespec='seconds')}): made by someone without their key"
    ),
    "verify.own_key_approval": "record {seq} ({item}, {actor}) approves record {approved} with the key that "
    "signed it ({key}): nobody approves their own attestation",
    "verify.unendorsed_signer": "{count} records are signed with key {key} of {name!r}, which does not speak "
    "for that name in this store (see keys)",
    "seal.exists": "a seal {name} exists already",
    "seal.other_unit": "it is the seal of unit {sealed!r}, not of {unit!r}: copied from another unit's folder",
    "seal.other_store": lambda p: (
        f"it was made in another store ({p['sealed']}), not in this one ({p['store'] or 'which has no id yet'}): "
        "copied from elsewhere"
    ),
    "seal.unsigned": "the seal is not signed",
    "seal.unknown_key": "signed with key {key}, which is not registered in this store",
    "seal.bad_signature": "the signature does not hold: the seal was altered, or not made with {key}",
    "seal.borrowed_key": "signed with the key of {owner!r} but says it was made by {by!r}",
    "seal.head_differs": "the log's record {seq} is not the one the seal saw as its head",
    "seal.record_differs": "record {seq} ({what}, {action}) differs from the sealed one or is gone",
    "seal.needs_key": "{by} has no signing key on this machine; a seal must be signed",
    "seal.cannot_read": "cannot read {path}: {reason}",
    "seal.not_a_seal": "{path} is not a seal: {why}",
    "seal.future": "{day} has not come yet (today is {today} in {zone}); seal a day once it has begun",
    "seal.before_start": "{unit} was started on {started}; there is nothing to seal for {day}",
    "seal.cannot_write": "cannot write {path}: {reason}",
    # field types, computed values, decision rules (date, datetime, multi; compute; rules)
    "field.compute_type": "a computed field is of type number, not {type}",
    "field.compute_bounds": "a computed field takes no min or max: its value is worked out, never typed",
    "field.compute_syntax": lambda p: "the expression cannot be read: " + _expression_problem(p),
    "expression.character": "{character!r} at position {position} (field ids, numbers, + - * / and parentheses only)",
    "expression.incomplete": "it ends where a field id, a number or '(' should come",
    "expression.too_deep": "it nests more than {depth} deep",
    "expression.unclosed": "a '(' is not closed",
    "expression.unexpected": "{token!r} is out of place",
    "expression.too_long": "it is longer than {limit} characters",
    "expression.empty": "it is empty",
    "compute.unknown_field": lambda p: (
        f"the expression reads {p['field']!r}, which is not a field of this measure"
        + (f" (did you mean {', '.join(p['closest'])}?)" if p.get("closest") else f" (fields: {', '.join(p['known'])})")
    ),
    "compute.minus_blanks": "{text!r} reads as one field id: a subtraction needs blanks around its '-' ({fixed})",
    "compute.not_number": "the expression reads {field!r}, a {type} field: it can only read integer and number fields",
    "compute.cycle": "the computed fields read each other in a circle ({cycle}): none of them could be worked out",
    "rule.condition_form": "a condition gives one of 'is', 'in', or 'above' and/or 'below'",
    "rule.in_empty": "'in' needs at least one value",
    "rule.when_form": "give 'any' or 'all', with at least one condition",
    "rule.unknown_field": lambda p: (
        f"the rule names {p['field']!r}, which is not a field of this measure"
        + (f" (did you mean {', '.join(p['closest'])}?)" if p.get("closest") else f" (fields: {', '.join(p['known'])})")
    ),
    "rule.not_ordered": "'above' and 'below' compare numbers, dates and date-times; {field} is a {type} field: "
    "use 'is' or 'in'",
    "rule.bad_threshold": "{value!r} is not a value of {field} ({type}) to compare with",
    "rule.is_datetime": "{field} is a date-time, which is never exactly equal to a moment named: use 'above' "
    "and/or 'below'",
    "rule.bad_answer": "{value!r} is not an answer {field} can take ({allowed})",
    "rule.bad_value": "{value!r} is not a value of {field}, a {type} field",
    "figure.computed": "{field} is worked out ({compute}): it is never typed; set the fields it reads",
    "figure.not_date": "{field} must be a date such as 2020-01-27 or 2020年1月27日, got {value!r}",
    "figure.no_such_date": "{field} = {value!r} is no date of the calendar",
    "figure.date_range": "{field} = {value!r} is outside the years {earliest} to {latest}",
    "figure.not_datetime": "{field} must be a date and time such as 2020-01-27T10:30 (or 2020-01-27 10:30, "
    "2020年1月27日10时30分; the catalog's time zone unless an offset is given), got {value!r}",
    "figure.multi_empty": "{field} needs one or more of: {choices}, separated by commas (, ， or 、)",
    # answers (questions a measure asks: `checklist answer`)
    "question.choices": "a choice or multi question needs 'choices', and only such a question has them",
    "question.choice_ids": "choice ids must be unique within a question",
    "question.met_needed": "a choice or multi question names the answers that are met in 'met'",
    "question.unknown_answer": "{key} names {answer!r}, which is not an answer of this question: {allowed}",
    "question.unknown_met": "'unknown' is never met: leave it out of 'met'",
    "question.alert_all": "an alert names some of the answers, not none or all",
    "question.follow_up_empty": "a follow-up needs 'when' and 'need'",
    "question.unknown_need": "follow_up needs {need!r}, which is neither note, file nor a field of the measure: "
    "{allowed}",
    "answer.empty": "give an answer to item {item}: {allowed}",
    "answer.one_only": "item {item} takes one answer, not several: {given}",
    "answer.not_relevant": '{value!r} is not an answer of item {item}: "not relevant" is a waiver, kept apart '
    'from "no"',
    "answer.invalid": "{value!r} is not an answer of item {item} (answers: {allowed})",
    "answer.not_a_question": lambda p: f"{_item(p)} asks no question; record it with `checklist done`",
    "answer.needed": lambda p: f"{_item(p)} asks a question: record its answer ({', '.join(p['allowed'])})",
    "answer.follow_up": lambda p: (
        f"{_item(p)}: the answer {', '.join(p['answer'])} needs {', '.join(p['needs'])} as well"
    ),
    # unit parts (blocks, wards): the catalog's kinds of part, `checklist part`, `--part`
    "catalog.unknown_part_kind": lambda p: (
        f"per {p['per']!r}: unit kind {', '.join(p['kinds'])} has no kind of part {p['per']!r} "
        f"(its parts: {', '.join(p['known']) or 'none'}); name it under the unit kind's `parts`"
    ),
    "catalog.part_kind_unused": "unit kind {kind} has a kind of part {part!r} that no measure is kept `per`: "
    "its parts would have no items",
    "unit_kind.part_ids": "the part kinds of a unit kind need distinct ids",
    "record.part": "a {action} record needs 'part'",
    "record.part_kind": "'part_kind' and 'part_name' go with a part-added record, and only there",
    "record.part_of": "a {action} record names no part",
    "clock.part": "the part {part} at {at}",
    "part.no_kinds": "a {unit_kind} has no parts in this catalog",
    "part.unknown_kind": lambda p: (
        f"a {p['unit_kind']} has no kind of part {p['kind']!r} (kinds: {', '.join(p['known'])})"
    ),
    "part.unknown": lambda p: (
        f"this unit has no part {p['part']!r}"
        + (f" (parts: {', '.join(p['known'])})" if p.get("known") else " (it has no parts yet)")
    ),
    "part.exists": "the unit has a {kind} {part!r} already",
    "part.was_retired": "{part!r} was a {kind} of this unit, retired on {retired}: a part's id is not used twice",
    "part.empty": "the part's id is empty: give it, such as A区",
    "part.blank_ends": "part {part!r} begins or ends with a blank; parts are matched exactly",
    "part.invisible": "part {part!r} holds an invisible or control character {char}",
    "part.bad_id": "part {part!r}: a part's id holds at most {limit} characters, and no '/' or '|'",
    "part.other_kind": "{part!r} is a {kind} of this unit, not a {named}",
    "part.retired_already": "{part!r} was retired already, on {retired}",
    "part.retire_needs_reason": "retiring a part needs a reason",
    "part.retired_before_added": "--at {at} is before {part!r} was added ({added})",
    "attest.not_per_part": "item {number} ({item}) is not kept per part; leave out --part",
    "attest.no_part": lambda p: (
        f"{_item({**p, 'part': None})} has no {p['kind']} {p['part']!r}"
        + (f" (its {p['kind']}s: {', '.join(p['parts'])})" if p.get("parts") else "")
    ),
    "attest.part_retired": lambda p: f"{p['kind']} {p['part']!r} was retired on {p['retired']}: it has no items now",
    "attest.no_parts_yet": lambda p: f"{_item(p)} is kept per {p['kind']}, and the unit has none yet",
    "attest.which_part": lambda p: (
        f"{_item(p)} is kept per {p['kind']}, and {len(p['parts'])} {p['kind']}s are open: "
        f"{', '.join(p['parts'][:8])}{', …' if p['more'] else ''}; name one with --part"
    ),
    "ack.which_part": lambda p: (
        f"item {p['number']} ({p['item']}) has alerts of several parts: name one with --part "
        f"({', '.join(p['parts'])}{', …' if p['more'] else ''})"
    ),
    "internal": "internal error: {kind}: {detail}",
    # occurrences: each event is an occurrence of its own (a second admission of one person)
    "record.occurrence": "'occurrence' goes with a 'subject'",
    "occurrence.needs_subject": "--occurrence {occurrence} names an occurrence of a subject's event: add --subject",
    "occurrence.which": lambda p: (
        f"{p['subject']} has several {p['kind']} occurrences for item {p['number']} ({p['item']}): "
        "name one with --occurrence: " + "; ".join(_choice(c) for c in p["choices"])
    ),
    "occurrence.unknown": lambda p: (
        f"{p['subject']} has no {p['kind']} occurrence {p['occurrence']} for item {p['number']} ({p['item']}) "
        "(withdrawn, or never recorded); its occurrences: " + "; ".join(_choice(c) for c in p["choices"])
    ),
    "event.no_occurrence": lambda p: (
        f"{p['subject']} has no {p['kind']} occurrence {p['occurrence']} to withdraw"
        + (": " + "; ".join(_choice(c) for c in p["choices"]) if p["choices"] else " (none is live)")
    ),
    "event.occurrence_new": "--occurrence {occurrence} names an occurrence to withdraw: a new event is numbered "
    "when it is recorded (leave it out, or add --withdraw)",
    "event.subject_needed": "name whom the event concerns: checklist event KIND SUBJECT",
    "event.subject_once": "give the subject once: as SUBJECT or with --subject, not both",
    # roles and owners, named evidence kinds, report recipients
    "record.role": "'role' and 'holder' go with a granted or revoked record, and only there",
    "catalog.unknown_role": lambda p: (
        f"unknown role {p['role']!r} in {p['key']}"
        + (f" (did you mean {', '.join(repr(n) for n in p['near'])}?)" if p["near"] else "")
        + (f"; the head declares: {', '.join(p['known'])}" if p["known"] else "; the head declares no roles")
    ),
    "catalog.unknown_evidence_kind": lambda p: (
        f"unknown kind of evidence {p['kind']!r}"
        + (f" (did you mean {', '.join(repr(n) for n in p['near'])}?)" if p["near"] else "")
        + f"; known: {', '.join(p['known'])} (declare others under the head's evidence_kinds)"
    ),
    "catalog.duplicate_role": "duplicate role id {id!r}",
    "catalog.duplicate_evidence_kind": "duplicate evidence kind id {id!r}",
    "role.unknown": "no role {role!r} in the unit's catalog",
    "role.none_declared": "the unit's catalog declares no roles, so there is no role {role!r}",
    "role.not_held": lambda p: (
        f"{p['person']} does not hold the role {p['role']}"
        + (f" (held by {', '.join(p['holders'])})" if p["holders"] else " (nobody holds it)")
        + (f"; {p['person']} holds: {', '.join(p['roles'])}" if p["roles"] else "")
        + ": nothing recorded"
    ),
    "role.holds_none": "{person} holds no role of this unit now",
    "attest.not_approver": lambda p: (
        f"{_item(p)} needs the approval of the role {p['role']}, which {p['actor']} does not hold"
        + (f": it is held by {', '.join(p['holders'])}" if p["holders"] else ": nobody holds it now")
    ),
    "attest.needs_kinds": lambda p: (
        f"{_item(p)} needs evidence of each of these kinds, not given: {', '.join(p['kinds'])}"
    ),
    "evidence.kinded_form": "--file takes KIND=FILE, e.g. register=roster.pdf, not {text!r}",
    "evidence.unknown_kind": "no kind of evidence {kind!r} in the unit's catalog",
    "evidence_kind.built_in": "{id!r} is a kind every catalog has: name this one otherwise",
    "clock.role": "the role {role} of {person} at {at}",
}


def _choice(choice: Mapping[str, Any]) -> str:
    """One occurrence to choose from: its number, when it happened, its state, and its command."""
    at = choice.get("at")
    when = f" of {at:%Y-%m-%d %H:%M}" if at is not None else ""
    state = f", {choice['state']}" if choice.get("state") else ""
    command = f": `{choice['command']}`" if choice.get("command") else ""
    return f"occurrence {choice['occurrence']}{when}{state}{command}"


HINTS: dict[str, Template] = {
    "store.none_here": "start one with `checklist start --unit prison` (or name one with --store / CHECKLIST_STORE)",
    "store.none_at": "start one with `checklist start --unit prison` (or name one with --store / CHECKLIST_STORE)",
    "store.unknown_scheme": "give a folder",
    "input.not_utf8": "set the terminal's character encoding to UTF-8 (PuTTY: Window → Translation; "
    "Xshell or SecureCRT: the session's encoding), then type it again",
    "config.bad_evidence_max_mb": "set it again with `checklist config evidence_max_mb 100` (megabytes)",
    "time.out_of_range": "give a time such as 2020-01-27T09:00",
    "input.too_long": "keep a longer text in a file, and attach it with --evidence FILE",
    "store.torn_record": REPAIR,
    "store.torn_tail": REPAIR,
    "checkpoint.broken_log": "run `checklist verify` to see what is wrong with it",
    "witness.rolled_back": "nothing was written. Ask who changed the store; `checklist verify` shows what the log "
    "holds now, and the province's copy (seals, checkpoints) what it held",
    "witness.forked": "nothing was written. Ask who changed the store; `checklist verify` shows what the log "
    "holds now, and the province's copy (seals, checkpoints) what it held",
    "store.bad_tail": REPAIR,
    "store.not_written": lambda p: (
        "nothing was recorded; run the command again once the disk has room"
        if p["restored"]
        else "nothing was recorded; free some space, then run `checklist verify --repair` and the command again"
    ),
    "store.cannot_repair": "free some space on the disk, then run `checklist verify --repair` again",
    "unit.cannot_create": "free some space on the disk (or fix the folder's permissions), then start again",
    "store.catalog_gone": "`checklist upgrade` moves the unit to the catalog it was started from",
    "unit.invalid_id": "use 1-64 lowercase letters, digits, '-' or '_' (Chinese characters allowed), "
    "starting and ending with a letter or digit",
    "unit.none_yet": "start one with `checklist start --unit prison`",
    "unit.which": "name one with --unit, e.g. `--unit {first}`, or make one the default: `checklist use {first}`",
    "actor.unknown": "pass --by NAME or set CHECKLIST_USER",
    "name.blanks": "leave out the blanks around the name",
    "name.mixed_scripts": "a letter from another alphabet was typed by mistake, or to look like someone else",
    "kind.ambiguous": "name the kind by its id",
    "kind.unknown": lambda p: _did_you_mean(p) or "known kinds: " + ", ".join(p["known"]),
    "section.unknown": lambda p: _did_you_mean(p) or "sections: " + ", ".join(p["known"]),
    "schema.unknown": lambda p: _did_you_mean(p) or "`checklist schema --list` lists them",
    "item.no_number": "items are numbered 1 to {count}; see `checklist list`",
    "item.ambiguous": "type more of the id, or use its number",
    "figure.assignment": "for example --set people_checked=120",
    "figure.multi_empty": lambda p: f"for example --set {p['field']}={'、'.join(p['choices'][:2])}",
    "figure.date_range": "check the year",
    "evidence.link_outside": "give the file itself, not a link to it",
    "evidence.too_large": "raise it with `checklist config evidence_max_mb N`, or record the hash only with --no-copy",
    "evidence.cannot_store": "nothing was recorded; fix the folder's permissions, "
    "or record the hash only with --no-copy",
    "attest.partial_needs_reason": 'add --note "…"',
    "attest.na_needs_reason": 'add --reason "…"',
    "attest.blocked_needs_reason": 'add --reason "…"',
    "attest.reopened_needs_reason": 'add --reason "…"',
    "attest.own_approval": "the approver names themselves with --by",
    "attest.needs_note": 'add --note "…"',
    "attest.needs_file": "add --evidence FILE",
    "attest.needs_figures": lambda p: "add " + " ".join(f"--set {field}=…" for field in p["fields"]),
    "attest.no_subjects_yet": "record one with `checklist event {event} --subject ID`",
    "attest.no_such_period": lambda p: f"periods look like {p['example'] or 'a period key'}",
    "ack.needs_reason": 'add --reason "…"',
    "ack.nothing": "`checklist status` lists the alerts to acknowledge",
    "event.withdraw_needs_reason": 'add --note "…"',
    # applicability
    "attest.not_applicable": "`checklist set` shows the unit's attributes and their history",
    "set.assignment": 'for example `checklist set risk=high --reason "…"`',
    "set.unknown_attribute": lambda p: _did_you_mean(p) or "`checklist set` lists them",
    "event.needs_type": "for example --type {first}",
    "subject.empty": "for example --subject P2020-017",
    "subject.blank_ends": "type the id without the blank, e.g. --subject {stripped!r}",
    "subject.invisible": "type the id again by hand, without pasting it",
    "format.newer": "upgrade checklist (`pip install --upgrade checklist`); nothing was changed",
    "format.newer_requires": "upgrade checklist (`pip install --upgrade checklist`); nothing was changed",
    "seal.needs_key": "create one with `checklist keys new`",
    "clock.future": "to allow it in this store (a drill, a test): `checklist config clock_override on`",
    "key.needs_terminal": "open a terminal (a console window) and run the same command there; it asks for the "
    "passphrase without showing it",
    "key.not_registered": lambda p: (
        f"ask the holder of {p['holder']}"
        + (f" or the administrator ({p['admin']})" if p.get("admin") else "")
        + f" to run `checklist keys endorse` with your public key file, or record where {p['holder']} is held"
    ),
    "key.folder_open": "its owner (or root) closes it with `chmod 700 {where}`; or set CHECKLIST_CONFIG_HOME "
    "to a folder of your own",
    "store.keys_open": "its owner (or root) closes it with `chmod o-w {where}`, then compares the keys with "
    "`checklist keys list`",
    # unit parts
    "part.no_kinds": 'the catalog names a unit kind\'s parts under `parts` (see README, "Unit parts")',
    "part.unknown_kind": lambda p: _did_you_mean(p) or "kinds: " + ", ".join(p["known"]),
    "part.unknown": lambda p: _did_you_mean(p) or "`checklist part` lists the unit's parts",
    "part.retire_needs_reason": 'add --reason "…"',
    "part.blank_ends": "type the id without the blank, e.g. {stripped!r}",
    "part.was_retired": "add it under another id, e.g. {part}-2",
    "attest.no_part": lambda p: _did_you_mean(p) or "`checklist part` lists the unit's parts",
    "attest.no_parts_yet": "add one with `checklist part add {kind} ID --name NAME`",
    "attest.which_part": lambda p: "run one of:\n  " + "\n  ".join(p["commands"]),
    "internal": "this is a bug in checklist; run again with --debug to see the traceback",
    # answers
    "answer.empty": "`checklist answer ITEM yes` (是), `no` (否), a choice's number or words",
    "answer.invalid": lambda p: (
        _did_you_mean(p) or "yes / no / unknown (是 / 否 / 不清楚), or a choice by its number, id or words"
    ),
    "answer.not_relevant": lambda p: f'record it with `checklist na {p["item"]} --reason "…"`',
    "answer.one_only": "give one answer",
    "answer.not_a_question": lambda p: f"`checklist done {p['number']}`",
    "answer.needed": lambda p: f"`checklist answer {p['number']} ANSWER`",
    "answer.follow_up": lambda p: (
        " ".join(
            '--note "…"' if need == "note" else "--evidence FILE" if need == "file" else f"--set {need}=…"
            for need in p["needs"]
        )
        + ": add what is needed"
    ),
    # occurrences
    "occurrence.which": "`checklist subjects` lists each occurrence with its items",
    "occurrence.unknown": "`checklist subjects` lists each occurrence with its items",
    "event.no_occurrence": "`checklist subjects` lists each occurrence with its items",
    "event.subject_needed": "for example: checklist event admission P2020-017 --at 2020-01-27T10:30",
    # roles and owners, named evidence kinds
    "role.unknown": lambda p: _did_you_mean(p) or "roles: " + ", ".join(p["known"]),
    "role.none_declared": "roles are declared in the catalog's head (`roles:`)",
    "role.not_held": "`checklist role` lists who holds what",
    "role.holds_none": lambda p: (
        "`checklist role` lists who holds what"
        + (
            f" (holders now: {', '.join(p['known'])})"
            if p["known"]
            else "; grant one: `checklist role grant NAME ROLE`"
        )
    ),
    "attest.not_approver": lambda p: (
        (f"approve as one of them (--by {p['holders'][0]})" if p["holders"] else "")
        or f"grant the role first: `checklist role grant NAME {p['role']}`"
    ),
    "attest.needs_kinds": lambda p: "add " + " ".join(f"--file {kind}=FILE" for kind in p["kinds"]),
    "evidence.kinded_form": lambda p: "kinds: " + ", ".join(p["known"]) if p["known"] else "the catalog names no kinds",
    "evidence.unknown_kind": lambda p: _did_you_mean(p) or "kinds: " + ", ".join(p["known"]),
}


def _close(params: Mapping[str, Any]) -> str:
    """'; did you mean …?' after a located problem (which has no hint line), if a name is close."""
    return f"; did you mean {', '.join(params['close'])}?" if params.get("close") else ""


def _did_you_mean(params: Mapping[str, Any]) -> str:
    suggestions = params.get("suggestions") or []
    return "did you mean: " + ", ".join(suggestions) + "?" if suggestions else ""


class _Words(string.Formatter):
    """str.format, with a list joined by commas and a nested message put into words."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return text(value)
        if isinstance(value, Problem):
            return problem_text(value)
        if isinstance(value, list | tuple) and not format_spec:
            return ", ".join(self.format_field(item, "") for item in value)
        if isinstance(value, date) and not format_spec:  # a datetime is a date too
            return value.isoformat()
        return str(super().format_field(value, format_spec))


_WORDS = _Words()


def _fill(template: Template, params: Mapping[str, Any]) -> str:
    if callable(template):
        return str(template(params))
    return _WORDS.vformat(template, (), params)


def text(message: Message, lang: str = "en") -> str:
    """A message in words (English until the Chinese catalogs come)."""
    return _fill(TEMPLATES[message.code], message.params)


def hint(error: ChecklistError, lang: str = "en") -> str | None:
    """The line under an error: its own hint, the code's, else the closest names."""
    if error.hint is not None:
        return text(error.hint, lang)
    template = HINTS.get(error.code)
    if template is not None:
        return _fill(template, error.params) or None
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
