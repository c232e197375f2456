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

import re
import string
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.errors import ChecklistError, Message, Problem, install_words
from ..core.models import Text
from .translations import context_word, plural, word

if TYPE_CHECKING:
    from .schemas import ProblemDocument

# A sentence that depends on what is there: composed from the catalog's words in the language.
Composed = Callable[[Mapping[str, Any], str], str]


def _range(p: Mapping[str, Any], lang: str) -> str:
    low = f"{p['min']:g}" if p.get("min") is not None else "…"
    high = f"{p['max']:g}" if p.get("max") is not None else "…"
    said = p.get("unit")
    unit = f" {said(lang) if callable(said) else said}" if said else ""  # a symbol, or words in both languages (Text)
    value = p["value"] if isinstance(p["value"], str) else f"{p['value']:g}"  # a string: cut short (figures.brief)
    return w("figure.out_of_range", lang, field=p["field"], value=value, low=low, high=high, unit=unit)


def _expression_problem(p: Mapping[str, Any], lang: str) -> str:
    """What is wrong with a computed field's expression (core/expression.py's codes, below)."""
    return _fill(p.get("problem", ""), p, lang)


def _quoted(text: str) -> str:
    """A text as YAML writes it in double quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _listed(words: list[str], lang: str = "en") -> str:
    """'a', 'a' and 'b', 'a', 'b' and 'c' (“a”、“b”和“c” in Chinese)."""
    quoted = [w("listed.quoted", lang, word=word) for word in words]
    if len(quoted) < 2:
        return "".join(quoted)
    return w("listed.and", lang, first=w("listed.comma", lang).join(quoted[:-1]), last=quoted[-1])


def _mb(value: float) -> str:
    """Megabytes to one decimal (12.5, 20); a size below 0.1 MB to two significant digits (0.0048)."""
    return f"{value:.1f}".removesuffix(".0") if value >= 0.1 or value == 0 else f"{value:.2g}"


def _short(path: str) -> str:
    return path if len(path) <= 80 else path[:77] + "…"


def _item(p: Mapping[str, Any], lang: str) -> str:
    subject = w("item.named.subject", lang, subject=p["subject"]) if p.get("subject") else ""
    part = w("item.named.part", lang, part=p["part"]) if p.get("part") else ""  # unit parts
    return w("item.named", lang, number=p["number"], item=p["item"], subject=subject, part=part)


def _period(p: Mapping[str, Any], lang: str) -> str:
    return w("period.named", lang, period=p["period"]) if p.get("period") else ""


def _units(p: Mapping[str, Any], lang: str) -> str:
    names: Mapping[str, str | None] = p["names"]
    shown = [w("unit.which.named", lang, unit=u, name=names[u]) if names.get(u) else u for u in p["units"][:12]]
    listed = w("listed.comma", lang).join(shown)
    more = wn("unit.which.more", len(p["units"]) - 12, lang) if len(p["units"]) > 12 else ""
    return wn("unit.which", p["count"], lang, store=p["store"], units=listed + more)


def _newer(p: Mapping[str, Any], lang: str) -> str:
    needed = (
        w("format.newer.requires", lang, requires=p["requires"]) if p.get("requires") else w("format.newer.any", lang)
    )
    return w(
        "format.newer", lang, what=p["what"], found=p["found"], needed=needed, version=p["version"], known=p["known"]
    )


def _joined(words: list[str], lang: str) -> str:
    """Names one after the other: 'a, b, c' (a、b、c in Chinese)."""
    return w("listed.comma", lang).join(str(word) for word in words)


def _span(value: object, lang: str) -> str:
    """A deadline's span: a number of days ('14 days', '14 天'), else its ISO 8601 duration (PT2H)."""
    return wn("deadline.days_span", value, lang) if isinstance(value, int) else str(value)


def _alert_limit(p: Mapping[str, Any], lang: str, *, always: bool) -> str:
    """An alert that never fires or always fires: its words by the side of the field's range."""
    values = {"alert": p["alert"], "value": p["value"], "limit": p["limit"]}
    if always:
        if p["side"] == "max":
            return w("field.alert_always.max", lang, **values)
        return w("field.alert_always.min", lang, **values)
    if p["side"] == "max":
        return w("field.alert_never.max", lang, **values)
    return w("field.alert_never.min", lang, **values)


def _note_field(field: str, lang: str) -> str:
    """The option a long text was given in: a note or a reason, in words; another by its name."""
    return {"note": w("input.too_long.note", lang), "reason": w("input.too_long.reason", lang)}.get(field, field)


def _blob(kind: str, lang: str) -> str:
    """What a store keeps, in words: evidence, a catalog, a key, a seal, a checkpoint."""
    named = {
        "evidence": w("store.blob.evidence", lang),
        "catalog": w("store.blob.catalog", lang),
        "key": w("store.blob.key", lang),
        "seal": w("store.blob.seal", lang),
        "checkpoint": w("store.blob.checkpoint", lang),
    }
    return named.get(kind, kind)


def _invalid_catalog(p: Mapping[str, Any], lang: str) -> str:
    problem = problem_text(p["problems"][0], lang) if p["problems"] else w("catalog.invalid.empty", lang)
    more = wn("catalog.invalid.more", p["count"] - 1, lang) if p["count"] > 1 else ""
    return w("catalog.invalid", lang, problem=problem, more=more)


def _unknown_key(p: Mapping[str, Any], lang: str) -> str:
    close = w("catalog.unknown_key.close", lang, close=p["close"][0]) if p.get("close") else ""
    allowed = w("catalog.unknown_key.allowed", lang, allowed=_joined(p["allowed"], lang)) if p.get("allowed") else ""
    return w("catalog.unknown_key", lang, unknown=p["key"], close=close, allowed=allowed)


def _unquoted_comma(p: Mapping[str, Any], lang: str) -> str:
    read = wn("catalog.unquoted_comma.read", len(p["words"]), lang, words=_listed(p["words"], lang))
    chinese = w("catalog.unquoted_comma.chinese", lang) if p["key"] == "zh" else ""
    return w("catalog.unquoted_comma", lang, field=p["key"], text=_quoted(p["text"]), read=read, chinese=chinese)


# The operating system's reason a file could not be read or written (its strerror, in English),
# in the user's language where it is a common one; another stays as the system said it.
_REASONS = {
    "No such file or directory": "reason.no_such_file",
    "Permission denied": "reason.permission_denied",
    "Operation not permitted": "reason.not_permitted",
    "No space left on device": "reason.no_space",
    "Disk quota exceeded": "reason.quota",
    "Read-only file system": "reason.read_only",
    "Is a directory": "reason.is_a_directory",
    "Not a directory": "reason.not_a_directory",
    "File exists": "reason.exists",
    "Input/output error": "reason.io_error",
    "Too many open files": "reason.too_many_files",
    "File name too long": "reason.name_too_long",
    "Device or resource busy": "reason.busy",
}


def _reason(reason: object, lang: str) -> str:
    key = _REASONS.get(str(reason))
    return w(key, lang) if key is not None else str(reason)


def _reasoned(p: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A message's values, its reason in the user's language."""
    return {**p, "reason": _reason(p["reason"], lang)}


def _reason_or_message(p: Mapping[str, Any], lang: str) -> Mapping[str, Any]:
    return p if isinstance(p.get("reason"), Message) else _reasoned(p, lang)


def _script(name: str, lang: str) -> str:
    """A script's name (Latin, Cyrillic, Greek) in words; another as Unicode names it."""
    named = {
        "Latin": w("name.script.latin", lang),
        "Cyrillic": w("name.script.cyrillic", lang),
        "Greek": w("name.script.greek", lang),
    }
    return named.get(name, name)


def _value_text(p: Mapping[str, Any], lang: str) -> str:
    if isinstance(p.get("value"), bool):
        return w("value.text.boolean", lang)
    return w("value.text.number", lang) if p.get("value") is not None else w("value.text", lang)


# PyYAML's own words for a syntax error ("while scanning a simple key could not find expected
# ':'"), each a piece of the catalog: its English is PyYAML's, its Chinese says the same.
_YAML_PHRASES: tuple[tuple[str, str], ...] = (
    ("while scanning a simple key ", "yaml.phrase.simple_key"),
    ("while parsing a block mapping ", "yaml.phrase.block_mapping"),
    ("while parsing a block collection ", "yaml.phrase.block_collection"),
    ("while parsing a flow sequence ", "yaml.phrase.flow_sequence"),
    ("while parsing a flow mapping ", "yaml.phrase.flow_mapping"),
    ("while scanning a quoted scalar ", "yaml.phrase.quoted_scalar"),
    ("while scanning a block scalar ", "yaml.phrase.block_scalar"),
    ("while parsing a block node ", "yaml.phrase.block_node"),
    ("while parsing a flow node ", "yaml.phrase.flow_node"),
    ("while parsing a node ", "yaml.phrase.node"),
    ("while scanning for the next token ", "yaml.phrase.next_token"),
    ("while scanning an alias ", "yaml.phrase.alias"),
    ("while scanning an anchor ", "yaml.phrase.anchor"),
    ("mapping values are not allowed here", "yaml.phrase.mapping_values"),
    ("mapping values are not allowed in this context", "yaml.phrase.mapping_values_context"),
    ("block sequence entries are not allowed in this context", "yaml.phrase.sequence_entries"),
    ("could not find expected ':'", "yaml.phrase.expected_colon"),
    ("did not find expected key", "yaml.phrase.expected_key"),
    ("did not find expected '-' indicator", "yaml.phrase.expected_dash"),
    ("did not find expected ',' or ']'", "yaml.phrase.expected_bracket"),
    ("did not find expected ',' or '}'", "yaml.phrase.expected_brace"),
    ("did not find expected <document start>", "yaml.phrase.expected_document"),
    ("found unexpected end of stream", "yaml.phrase.end_of_stream"),
    ("found character that cannot start any token", "yaml.phrase.cannot_start_any"),
    ("found a tab character that violates indentation", "yaml.phrase.tab_indentation"),
    ("found a tab character where an indentation space is expected", "yaml.phrase.tab_space"),
    ("found undefined alias", "yaml.phrase.undefined"),
)
_YAML_FOUND = re.compile(
    r"expected <block end>, but found '(?P<block>[^']*)'"
    r"|found character '(?P<char>.*?)' that cannot start any token"
    r"|expected ',' or '(?P<close>[\]}])', but got '(?P<got>[^']*)'"
    r"|found undefined alias '(?P<alias>[^']*)'"
)


def _yaml_detail(detail: str, lang: str) -> str:
    """PyYAML's English account of a syntax error, in the user's language where it is a known one."""

    def said(found: re.Match[str]) -> str:
        if found["block"] is not None:
            return w("yaml.phrase.block_end", lang, found=found["block"])
        if found["char"] is not None:
            return w("yaml.phrase.cannot_start", lang, char=found["char"])
        if found["close"] is not None:
            return w("yaml.phrase.comma_or", lang, close=found["close"], got=found["got"])
        return w("yaml.phrase.undefined_alias", lang, alias=found["alias"])

    detail = _YAML_FOUND.sub(said, detail)
    for phrase, key in _YAML_PHRASES:
        detail = detail.replace(phrase, w(key, lang))
    return detail


TEMPLATES: dict[str, Composed] = {
    # catalogs
    "catalog.invalid": _invalid_catalog,
    "catalog.alternatives": lambda p, lang: w("catalog.alternatives.or", lang).join(
        text(m, lang) for m in p["options"]
    ),
    "catalog.unknown_key": _unknown_key,
    "catalog.unquoted_comma": _unquoted_comma,
    "catalog.too_many_problems": lambda p, lang: w(
        "catalog.too_many_problems", lang, max=p["max"], rest=wn("catalog.too_many_problems.rest", p["rest"], lang)
    ),
    # the catalog authors' rules (core/authoring.py): what loads but cannot work as written
    "field.alert_never": lambda p, lang: _alert_limit(p, lang, always=False),
    "field.alert_always": lambda p, lang: _alert_limit(p, lang, always=True),
    "measure.figures_not_asked": lambda p, lang: wn(
        "measure.figures_not_asked", len(p["fields"]), lang, fields=_joined(p["fields"], lang)
    ),
    "trigger.closes_before_opening": lambda p, lang: w(
        "trigger.closes_before_opening", lang, opens=_span(p["opens"], lang), lasts=p["lasts"], last=p["lasts"] - 1
    ),
    "deadline.before_opening": lambda p, lang: w(
        "deadline.before_opening", lang, after=_span(p["after"], lang), opens=_span(p["opens"], lang)
    ),
    "deadline.before_event_opens_later": lambda p, lang: w(
        "deadline.before_event_opens_later", lang, before=_span(p["before"], lang), opens=_span(p["opens"], lang)
    ),
    "in_force.deadline_outside": lambda p, lang: (
        w("in_force.deadline_before_start", lang, date=p["date"], start=p["start"], until=p["until"])
        if p["side"] == "before"
        else w("in_force.deadline_after_until", lang, date=p["date"], start=p["start"], until=p["until"])
    ),
    # timing: fixed times, counted occurrences, standing rules, in force from/until, before an event
    "attest.not_in_force_yet": lambda p, lang: w(
        "attest.not_in_force_yet", lang, item=_item(p, lang), opens=p["opens"]
    ),
    # pydantic's errors, in our words (core/catalog.py)
    "value.text": _value_text,
    "value.too_short": lambda p, lang: (
        w("value.empty", lang) if p.get("min_length") == 1 else wn("value.too_short", p["min_length"], lang)
    ),
    "value.too_long": lambda p, lang: wn("value.too_long", p["max_length"], lang),
    "value.too_few": lambda p, lang: wn("value.too_few", p["min_length"], lang),
    "value.too_many": lambda p, lang: wn("value.too_many", p["max_length"], lang),
    "value.date": lambda p, lang: (
        w("value.date.value", lang, value=p["value"]) if isinstance(p.get("value"), str) else w("value.date", lang)
    ),
    "value.mapping": lambda p, lang: (
        w("value.mapping.keys", lang, keys=_joined(p["keys"], lang)) if p.get("keys") else w("value.mapping", lang)
    ),
    "value.slug": lambda p, lang: (
        w("value.slug.value", lang, value=p["value"]) if isinstance(p.get("value"), str) else w("value.slug", lang)
    ),
    "value.measure_id": lambda p, lang: (
        w("value.measure_id.value", lang, value=p["value"])
        if isinstance(p.get("value"), str)
        else w("value.measure_id", lang)
    ),
    "value.pattern": lambda p, lang: (
        w("value.pattern.value", lang, value=p["value"], pattern=p.get("pattern"))
        if isinstance(p.get("value"), str)
        else w("value.pattern", lang, pattern=p.get("pattern"))
    ),
    "record.unusable": lambda p, lang: w(
        "record.unusable",
        lang,
        record=p["seq"] if p.get("seq") is not None else p["id"],
        what=p["what"],
        problem=text(p["problem"], lang),
    ),
    "input.too_long": lambda p, lang: w(
        "input.too_long",
        lang,
        field=_note_field(p["field"], lang),
        size=p["size"] / 1024,
        limit=p["limit"] // 1024,
    ),
    # YAML files
    "yaml.cannot_read": lambda p, lang: w("yaml.cannot_read", lang, **_reasoned(p, lang)),
    "yaml.invalid": lambda p, lang: w("yaml.invalid", lang, detail=_yaml_detail(str(p["detail"]), lang)),
    # formats
    "format.newer": _newer,
    "format.newer_requires": _newer,
    # the store
    "store.cannot_create": lambda p, lang: w("store.cannot_create", lang, **_reasoned(p, lang)),
    "store.cannot_read": lambda p, lang: w("store.cannot_read", lang, **_reasoned(p, lang)),
    "store.cannot_write": lambda p, lang: w("store.cannot_write", lang, **_reasoned(p, lang)),
    "store.cannot_lock": lambda p, lang: w("store.cannot_lock", lang, **_reasoned(p, lang)),
    "unit.cannot_create": lambda p, lang: w("unit.cannot_create", lang, **_reasoned(p, lang)),
    # bundles (issue 14): a reason is the system's, or a message of the store's own (a file too large)
    "bundle.cannot_read": lambda p, lang: w("bundle.cannot_read", lang, **_reason_or_message(p, lang)),
    "bundle.cannot_write": lambda p, lang: w("bundle.cannot_write", lang, **_reason_or_message(p, lang)),
    "key.file_unreadable": lambda p, lang: w("key.file_unreadable", lang, **_reason_or_message(p, lang)),
    "store.not_written": lambda p, lang: (
        w("store.not_written", lang, where=p["where"], reason=_reason(p["reason"], lang))
        if p["restored"]
        else w("store.not_written.torn", lang, where=p["where"], reason=_reason(p["reason"], lang))
    ),
    "store.cannot_repair": lambda p, lang: (
        w("store.cannot_repair", lang, where=p["where"], reason=_reason(p["reason"], lang))
        if p["restored"]
        else w("store.cannot_repair.torn", lang, where=p["where"], reason=_reason(p["reason"], lang))
    ),
    "store.blob_changed": lambda p, lang: w(
        "store.blob_changed", lang, kind=_blob(p["kind"], lang), name=p["name"][:12]
    ),
    # units and settings
    "unit.which": _units,
    "name.mixed_scripts": lambda p, lang: w(
        "name.mixed_scripts", lang, **{**p, "scripts": _joined([_script(s, lang) for s in p["scripts"]], lang)}
    ),
    # items, figures and evidence
    "item.ambiguous": lambda p, lang: w(
        "item.ambiguous", lang, token=p["token"], ids=_joined(p["ids"], lang) + (" …" if p["more"] else "")
    ),
    "figure.comma": lambda p, lang: (
        w("figure.comma.count", lang, field=p["field"], value=p["value"], fixed=p["fixed"])
        if p["integer"]
        else w("figure.comma.decimal", lang, field=p["field"], value=p["value"], fixed=p["fixed"])
    ),
    "figure.out_of_range": _range,
    "evidence.link_outside": lambda p, lang: (
        w("evidence.link_outside", lang, path=p["path"], target=p["target"])
        if p.get("link") is None
        else w("evidence.link_outside.through", lang, path=p["path"], link=p["link"], target=p["target"])
    ),
    "evidence.unusable": lambda p, lang: w(
        "evidence.unusable", lang, path=_short(p["path"]), reason=_reason(p["reason"], lang)
    ),
    "evidence.cannot_read": lambda p, lang: w("evidence.cannot_read", lang, **_reasoned(p, lang)),
    "evidence.too_large": lambda p, lang: w(
        "evidence.too_large", lang, path=p["path"], mb=_mb(p["mb"]), max_mb=_mb(p["max_mb"])
    ),
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
    "trigger.unknown_event": lambda p, lang: (
        (w("trigger.unknown_event.known", lang, **p) if p["known"] else w("trigger.unknown_event.none", lang, **p))
        + _close(p, lang)
    ),
    "trigger.unknown_subject_type": lambda p, lang: (
        (
            w("trigger.unknown_subject_type.known", lang, **p)
            if p["known"]
            else w("trigger.unknown_subject_type.none", lang, **p)
        )
        + _close(p, lang)
    ),
    "attest.not_applicable": lambda p, lang: w(
        "attest.not_applicable.now" if p.get("period") is None else "attest.not_applicable.period",
        lang,
        item=_item(p, lang),
        conditions=_conditions(p, lang),
        now=_held(p, lang) if p.get("period") is None else "",
        period=p.get("period"),
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
    "attest.not_approver": lambda p, lang: w(
        "attest.not_approver.holders" if p["holders"] else "attest.not_approver.nobody",
        lang,
        item=_item(p, lang),
        role=_role(p, lang),
        actor=p["actor"],
        holders=p["holders"],
    ),
    "attest.needs_kinds": lambda p, lang: w(
        "attest.needs_kinds.text", lang, item=_item(p, lang), kinds=_kinds_named(p, lang)
    ),
}


# key rotation and revocation (keystatements.py)
TEMPLATES.update(
    {
        "verify.signed_after_revocation": lambda p, lang: wn(
            "verify.signed_after_revocation",
            p["count"],
            lang,
            seqs=_more([str(seq) for seq in p["seqs"]], p["more"], lang),
            key_id=p["key"],
            name=p["name"],
            since=p["since"],
            reason=p["reason"],
        ),
        "verify.signed_after_rotation": lambda p, lang: wn(
            "verify.signed_after_rotation",
            p["count"],
            lang,
            seqs=_more([str(seq) for seq in p["seqs"]], p["more"], lang),
            key_id=p["key"],
            name=p["name"],
            since=p["since"],
            new=p["new"],
        ),
        "key.ended_already": lambda p, lang: (
            w("key.ended_already.revoked", lang, key_id=p["key"], since=p["since"])
            if p["revoked"]
            else w("key.ended_already.replaced", lang, key_id=p["key"], since=p["since"], new=p["new"])
        ),
    }
)


def _choice(choice: Mapping[str, Any], lang: str) -> str:
    """One occurrence to choose from: its number, when it happened, its state, and its command."""
    from .words import has, moment_text, t

    at = choice.get("at")
    said = (
        w("occurrence.choice_at", lang, occurrence=choice["occurrence"], at=moment_text(at, lang))
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
        example="、".join(choice(lang) if isinstance(choice, Text) else choice for choice in p["choices"][:2]),
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
    # the hierarchy
    "node.unknown": lambda p, lang: "\n  ".join(
        filter(
            None,
            [
                _did_you_mean(p, lang),
                w("node.unknown.children" if p["node"] else "node.unknown.top", lang, **p)
                if p["children"]
                else w("node.unknown.leaf", lang, **p)
                if p["node"]
                else w("node.unknown.none", lang),
            ],
        )
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

    def format_field(self, value: Any, format_spec: str) -> str:  # noqa: PLR0911
        if isinstance(value, Message):
            return text(value, self.lang)
        if isinstance(value, Problem):
            return problem_text(value, self.lang)
        if isinstance(value, Text) or format_spec == "apart":  # a name the catalog gives (a kind of event)
            said = value(self.lang) if isinstance(value, Text) else str(value)
            # {kind:apart}: an id (a kind the catalog does not name) set apart in Chinese, a name close
            return f" {said} " if format_spec == "apart" and self.lang == "zh" and said[:1].isascii() else said
        if isinstance(value, list | tuple) and not format_spec:
            return ("、" if self.lang == "zh" else ", ").join(self.format_field(item, "") for item in value)
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
    prefix = f"{where}: "
    if warning:
        prefix += w("problem.what", lang, what=t("validate.warning", lang))
    what = []
    if problem.measure:
        what.append(w("problem.measure", lang, measure=problem.measure))
    if problem.field:
        what.append(w("problem.field", lang, field=problem.field))
    if what:
        prefix += w("problem.what", lang, what=w("problem.and", lang).join(what))
    return prefix + text(problem.message, lang)
