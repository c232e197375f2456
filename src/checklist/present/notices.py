"""What a command says after it acted, on stderr: what was recorded, what was already so,
alerts crossed, and the next step."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from .output import message, safe, stdout
from .words import answer_text, event_name, figure_text, item_subject, moment_text, ordinal, period_text, t, tn

if TYPE_CHECKING:
    from ..core.attest import Outcome
    from ..core.models import Draft, FieldSpec, Measure, Record
    from ..usecases.catalogs import Upgraded
    from ..usecases.parts import PartRecorded
    from ..usecases.recording import Acknowledged, Attested, EventRecorded, RoleRecorded
    from ..usecases.units import Started


def attested(result: Attested, lang: str) -> None:
    """One line per item: recorded, or already in that state; an alert by symbol and word."""
    for outcome in result.outcomes:
        item = outcome.status.item
        label = f"{item.number} {item.measure.title(lang)}"
        label += f" · {item_subject(item, lang, result.catalog)}" if item.subject else ""
        label += f" · {item.part}" if item.part else ""
        label += f" · {period_text(outcome.target.period, lang)}" if outcome.target.period else ""
        target = _target(outcome, result.command_unit)
        if outcome.draft is None:
            state = t("state." + outcome.target.state, lang)
            message(t("msg.noop", lang, item=label, state=state), style="yellow")
            if outcome.target.state in ("done", "awaiting") and result.action == "done":
                asks = item.measure.question is not None
                message(t("msg.noop_answer" if asks else "msg.noop_done", lang, target=target))
            elif outcome.target.state != "open":
                message(t("msg.noop_correct", lang, target=target))
            continue
        if outcome.corrects is not None:
            changes = _changes(outcome.corrects, outcome.draft, lang, outcome.status.item.measure)
            message(t("msg.corrected", lang, item=label, changes=changes), style="green")
        else:
            action = t("action." + outcome.draft.action, lang)
            if outcome.draft.answer is not None:  # a question's answer, and whether it is met
                action = _answer_words(outcome.status.item.measure, outcome.draft.answer, lang)
            message(t("msg.recorded", lang, item=label, action=action), style="green")
            _counted(outcome, lang)
            if outcome.draft.action == "done" and item.measure.needs_approval:  # not done until approved
                message(t("msg.awaits_approval", lang, who=_approver(result, item.measure, lang), target=target))
        if outcome.answer_alerted and outcome.draft.answer is not None:
            said = answer_text(outcome.status.item.measure.question, outcome.draft.answer, lang)
            message(t("msg.alert_value", lang, field=t("label.answer_alert", lang), value=said), style="bold red")
        values = outcome.values
        for spec in outcome.alerts:
            value = values[spec.id]
            shown = (
                f"{value:g}"
                if spec.compute is not None and isinstance(value, float)
                else figure_text(value, lang, spec)
            )
            key = "msg.alert_value" if spec.alert and spec.alert.values is not None else "msg.alert"
            message(t(key, lang, field=spec.label(lang), value=shown), style="bold red")
        rules = outcome.rules  # a decision rule that holds: its instruction, at once
        for rule in rules:
            message(t("msg.rule_alert", lang, instruction=rule.then(lang)), style="bold red")
        if outcome.alerts or rules or outcome.answer_alerted:
            message(t("msg.ack_next", lang, target=target))


def _counted(outcome: Outcome, lang: str) -> None:
    """A done of a period counted in attestations (`count`): how many it has now, of how many."""
    status, draft = outcome.status, outcome.draft
    made = status.counted
    if made is None or draft is None or draft.action != "done" or status.period is None:
        return
    if outcome.target.period == status.period.key:
        message(t("label.counted", lang, made=made[0] + 1, needed=made[1]))


def _approver(result: Attested, measure: Measure, lang: str) -> str:
    """Who must approve a measure's done: the approver role by its name, else a second person."""
    if measure.approver is None:
        return t("label.second_person", lang)
    role = result.catalog.role(measure.approver)
    return role.name(lang) if role is not None else measure.approver


def _target(outcome: Outcome, unit: str | None) -> str:
    """What names an item in a command printed for the user: its number, subject, period, unit."""
    item = outcome.status.item
    from ..core.agenda import subject_words

    target = shlex.join([str(item.number), *subject_words(item)])
    target += f" --for {outcome.target.period}" if outcome.target.period else ""
    return target + (f" --unit {shlex.quote(unit)}" if unit else "")


def acknowledged(result: Acknowledged, lang: str) -> None:
    """What the acknowledgement covers: each alert, its values, when and by whom it was recorded."""
    from .terminal import alert_values, recorded

    item, draft = result.item, result.draft
    label = f"{item.number} {item.measure.title(lang)}"
    label += f" · {item_subject(result.covered[0].item, lang, result.catalog)}" if draft.subject else ""
    label += f" · {draft.part}" if draft.part else ""
    label += f" · {period_text(draft.period, lang)}" if draft.period else ""
    count = len(result.covered)
    message(tn("msg.acknowledged", count, lang, item=label), style="green")
    for alert in result.covered:
        period = f"{period_text(alert.period, lang)}: " if alert.period else ""
        message(f"  {period}{alert_values(alert, lang).plain} · {recorded(alert.record, lang)}")


def _answer_words(measure: Measure, answer: list[str], lang: str) -> str:
    """'answer: no (not met)', in the user's language."""
    question = measure.question
    verdict = t(f"verdict.{question.verdict(answer)}", lang) if question is not None else ""
    return t("label.answer", lang, answer=answer_text(question, answer, lang), verdict=verdict)


def _changes(before: Record, after: Draft, lang: str, measure: Measure | None = None) -> str:
    """What a correction changed: the answer, each figure's old and new value, the note, files added."""
    parts = []
    if after.answer is not None and after.answer != before.answer and measure is not None:
        earlier = answer_text(measure.question, before.answer, lang) if before.answer else "—"
        parts.append(f"{earlier} → {_answer_words(measure, after.answer, lang)}")
    parts += [
        f"{name} {figure_text(before.figures[name], lang, _spec(measure, name)) if name in before.figures else '—'} → "
        f"{figure_text(value, lang, _spec(measure, name))}"
        for name, value in after.figures.items()
        if before.figures.get(name) != value or type(before.figures.get(name)) is not type(value)
    ]
    if after.note != before.note:
        parts.append(t("label.note_changed", lang))
    added = len(after.evidence) - len(before.evidence)
    if added > 0:
        parts.append(tn("label.files_added", added, lang))
    return safe("; ".join(parts))


def _spec(measure: Measure | None, field_id: str) -> FieldSpec | None:
    return measure.field(field_id) if measure is not None else None


def event_recorded(result: EventRecorded, lang: str) -> None:
    request = result.request
    kind = event_name(result.catalog, request.kind, lang)  # by the name the catalog gives it (入监)
    if result.occurrences > 1:  # which occurrence of the subject's events, and when
        at = moment_text(result.moment, lang) if result.moment is not None else "?"
        said = {"kind": kind, "subject": request.subject, "n": result.number, "nth": ordinal(result.number)}
        if result.draft is None:
            message(t("msg.occurrence_noop", lang, at=at, **said), style="yellow")
            return
        key = "msg.occurrence_withdrawn" if request.withdraw else "msg.occurrence_recorded"
        message(t(key, lang, at=at, **said), style="green")
        if not request.withdraw:
            message(t("msg.event_next", lang, subject=request.subject))
        return
    if result.draft is None:
        message(t("msg.event_noop", lang, kind=kind, subject=request.subject), style="yellow")
        return
    key = "msg.event_withdrawn" if request.withdraw else "msg.event_recorded"
    message(t(key, lang, kind=kind, subject=request.subject), style="green")
    if result.draft.subject_type is not None:  # applicability: whose items it makes
        from .applicability import subject_type_name

        typed = result.draft.subject_type
        message(
            t(
                "label.subject_type",
                lang,
                type=subject_type_name(result.catalog, typed, lang) if result.catalog else typed,
            )
        )
    if not request.withdraw:
        message(t("msg.event_next", lang, subject=request.subject))


def part_recorded(result: PartRecorded, lang: str) -> None:
    """Unit parts: a part added (and where its items are) or retired."""
    draft, kind = result.draft, result.kind.name(lang)
    if draft.action == "part-added":
        name = f"（{draft.part_name}）" if lang == "zh" and draft.part_name else ""
        name = f" ({draft.part_name})" if lang != "zh" and draft.part_name else name
        message(t("msg.part_added", lang, kind=kind, part=result.part, name=name), style="green")
        unit = f" --unit {shlex.quote(result.command_unit)}" if result.command_unit else ""
        message(t("msg.part_next", lang, part=shlex.quote(result.part) + unit))
        return
    message(t("msg.part_retired", lang, kind=kind, part=result.part), style="green")


def started(result: Started, lang: str) -> None:
    """The unit's checklist on stdout, then what happened on stderr: which store, which unit."""
    from .terminal import checklist_table

    status, unit = result.status, result.unit
    name = status.catalog.unit_name(unit, lang)
    stdout().print(
        checklist_table(status, status.items, lang, t("head.checklist", lang, name=name), False, status.archived)
    )
    store_key = "msg.store_created" if result.store_created else "msg.store_in_use"
    message(t(store_key, lang, store=result.store), style="dim")
    count = len(status.catalog.for_kind(unit.kind))
    said = {"name": name, "id": unit.id, "kind": result.kind.name(lang)}
    if result.created:
        words = tn("msg.started", count, lang, **said)
    else:
        words = t("msg.resumed", lang, count=count, done=status.tally.done, **said)
    message(words, style="bold green")


def upgraded(result: Upgraded | None, unit_id: str, lang: str) -> None:
    if result is None:
        message(t("msg.upgrade_noop", lang, id=unit_id), style="yellow")
        return
    counts = {
        "added": len(result.added),
        "retired": len(result.retired),
        "reworded": len(result.reworded),
        "carried": len(result.carried),
    }
    old, new = result.old.meta.version, result.new.meta.version
    message(t("msg.upgraded", lang, id=result.unit.id, old=old, new=new, **counts), style="green")
    for label, ids in (("+", result.added), ("-", result.retired), ("~", result.reworded)):
        for item_id in ids:
            message(f"  {label} {item_id}")
    for old_id, new_id in result.carried:
        message(t("msg.carried", lang, old=old_id, new=new_id))


def role_recorded(result: RoleRecorded, lang: str) -> None:
    """A role granted or revoked, or held already (nothing recorded)."""
    role = result.catalog.role(result.role)
    said = "{name}（{id}）" if lang == "zh" else "{name} ({id})"  # the role's name, and the id --role takes
    name = said.format(name=safe(role.name(lang)), id=result.role) if role else result.role
    person = safe(result.person)
    if result.draft is None:
        since = moment_text(result.since.since, lang) if result.since else "?"
        message(t("msg.role_held", lang, person=person, role=name, since=since), style="yellow")
        return
    said = "msg.role_revoked" if result.draft.action == "revoked" else "msg.role_granted"
    message(t(said, lang, person=person, role=name), style="green")
