"""What a command says after it acted, on stderr: what was recorded, what was already so,
alerts crossed, and the next step."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from .output import message, safe, stdout
from .words import figure_text, t

if TYPE_CHECKING:
    from ..core.attest import Outcome
    from ..core.models import Draft, Record
    from ..usecases.catalogs import Upgraded
    from ..usecases.recording import Acknowledged, Attested, EventRecorded
    from ..usecases.units import Started


def attested(result: Attested, lang: str) -> None:
    """One line per item: recorded, or already in that state; an alert by symbol and word."""
    for outcome in result.outcomes:
        item = outcome.status.item
        label = f"{item.number} {item.measure.title(lang)}"
        label += f" · {item.subject}" if item.subject else ""
        label += f" · {outcome.target.period}" if outcome.target.period else ""
        target = _target(outcome, result.command_unit)
        if outcome.draft is None:
            state = t("state." + outcome.target.state, lang)
            message(t("msg.noop", lang, item=label, state=state), style="yellow")
            if outcome.target.state in ("done", "awaiting") and result.action == "done":
                message(t("msg.noop_done", lang, target=target))
            elif outcome.target.state != "open":
                message(t("msg.noop_correct", lang, target=target))
            continue
        if outcome.corrects is not None:
            changes = _changes(outcome.corrects, outcome.draft, lang)
            message(t("msg.corrected", lang, item=label, changes=changes), style="green")
        else:
            action = t("action." + outcome.draft.action, lang)
            message(t("msg.recorded", lang, item=label, action=action), style="green")
            _counted(outcome, lang)
        for spec in outcome.alerts:
            value = outcome.draft.figures[spec.id]
            key = "msg.alert_value" if spec.alert and spec.alert.values is not None else "msg.alert"
            message(t(key, lang, field=spec.label(lang), value=figure_text(value, lang)), style="bold red")
        if outcome.alerts:
            message(t("msg.ack_next", lang, target=target))


def _counted(outcome: Outcome, lang: str) -> None:
    """A done of a period counted in attestations (`count`): how many it has now, of how many."""
    status, draft = outcome.status, outcome.draft
    made = status.occurrences
    if made is None or draft is None or draft.action != "done" or status.period is None:
        return
    if outcome.target.period == status.period.key:
        message(t("msg.counted", lang, made=made[0] + 1, needed=made[1]))


def _target(outcome: Outcome, unit: str | None) -> str:
    """What names an item in a command printed for the user: its number, subject, period, unit."""
    item = outcome.status.item
    target = str(item.number) + (f" --subject {shlex.quote(item.subject)}" if item.subject else "")
    target += f" --for {outcome.target.period}" if outcome.target.period else ""
    return target + (f" --unit {shlex.quote(unit)}" if unit else "")


def acknowledged(result: Acknowledged, lang: str) -> None:
    """What the acknowledgement covers: each alert, its values, when and by whom it was recorded."""
    from .terminal import alert_values, recorded

    item, draft = result.item, result.draft
    label = f"{item.number} {item.measure.title(lang)}"
    label += f" · {draft.subject}" if draft.subject else ""
    label += f" · {draft.period}" if draft.period else ""
    count = len(result.covered)
    message(t("msg.acknowledged", lang, item=label, count=count, s="" if count == 1 else "s"), style="green")
    for alert in result.covered:
        period = f"{alert.period}: " if alert.period else ""
        message(f"  {period}{alert_values(alert, lang).plain} · {recorded(alert.record, lang)}")


def _changes(before: Record, after: Draft, lang: str) -> str:
    """What a correction changed: each figure's old and new value, the note, files added."""
    parts = [
        f"{name} {figure_text(before.figures[name], lang) if name in before.figures else '—'} → "
        f"{figure_text(value, lang)}"
        for name, value in after.figures.items()
        if before.figures.get(name) != value or type(before.figures.get(name)) is not type(value)
    ]
    if after.note != before.note:
        parts.append(t("label.note_changed", lang))
    added = len(after.evidence) - len(before.evidence)
    if added > 0:
        parts.append(t("label.files_added", lang, count=added))
    return safe("; ".join(parts))


def event_recorded(result: EventRecorded, lang: str) -> None:
    request = result.request
    if result.draft is None:
        message(t("msg.event_noop", lang, kind=request.kind, subject=request.subject), style="yellow")
        return
    key = "msg.event_withdrawn" if request.withdraw else "msg.event_recorded"
    message(t(key, lang, kind=request.kind, subject=request.subject), style="green")
    if not request.withdraw:
        message(t("msg.event_next", lang, subject=request.subject))


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
    key = "msg.started" if result.created else "msg.resumed"
    count = len(status.catalog.for_kind(unit.kind))
    words = t(key, lang, name=name, id=unit.id, kind=result.kind.name(lang), count=count, done=status.tally.done)
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
