"""The day's agenda: the whole to-do list of a unit, each item with the command that records it.

Every item still to do is in exactly one part: overdue; due today (the current period of a
recurring measure, or a deadline at the end of today); needing attention (blocked, partial,
a lapsed waiver, awaiting approval, a question answered not met or unknown) with no deadline in
the next days; coming up in the next
days (a deadline, or an item that opens); and the rest still open. Alerts not acknowledged
yet need attention too, each on its own with the command that acknowledges it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .status import PENDING, Item, ItemStatus, State, Unacknowledged, UnitStatus

AHEAD_DAYS = 3
ATTENTION: frozenset[State] = frozenset({"blocked", "partial", "lapsed", "awaiting"})  # started, stuck or waiting


@dataclass(frozen=True)
class Entry:
    status: ItemStatus
    command: str


@dataclass(frozen=True)
class Agenda:
    overdue: list[Entry]
    today: list[Entry]
    coming: list[Entry]
    attention: list[Entry] = field(default_factory=list)  # blocked, partial, lapsed or awaiting; no deadline soon
    open: list[Entry] = field(default_factory=list)  # the rest still open: no deadline in the next days
    alerts: list[AlertEntry] = field(default_factory=list)  # alerts not acknowledged yet, oldest first


@dataclass(frozen=True)
class AlertEntry:
    alert: Unacknowledged
    command: str


def subject_words(item: Item) -> list[str]:
    """The options that name an item's subject, its occurrence where the subject has had
    several (the second admission of one person), and its part (a block): a command printed
    runs as printed."""
    words = ["--subject", item.subject] if item.subject else []
    if item.named_occurrence is not None:
        words += ["--occurrence", str(item.named_occurrence)]
    return words + (["--part", item.part] if item.part else [])


def ack_command(alert: Unacknowledged, unit_id: str | None = None) -> str:
    """The command that acknowledges an alert (of its period, for a recurring item)."""
    words = ["checklist", "ack", str(alert.item.number)]
    words += subject_words(alert.item)
    if alert.period:
        words += ["--for", alert.period]
    words += ["--reason", "…"]
    if unit_id:
        words += ["--unit", unit_id]
    return shlex.join(words)


def command_for(status: ItemStatus, unit_id: str | None = None) -> str:
    """The command that records this item, with what its measure requires spelled out; for an
    item awaiting approval, the approval by a second person."""
    measure = status.item.measure
    if status.parts is not None and not status.parts:  # kept per part, and the unit has none yet
        words = ["checklist", "part", "add", measure.per or "", "ID", "--name", "…"]
        return shlex.join(words + (["--unit", unit_id] if unit_id else []))
    if status.state == "awaiting":
        words = ["checklist", "approve", str(status.item.number)]
        words += [*subject_words(status.item), "--by", "…"]
        if unit_id:
            words += ["--unit", unit_id]
        return shlex.join(words)
    question = measure.question is not None
    words = ["checklist", "answer" if question else "done", str(status.item.number)]
    if question:
        words.append("ANSWER")
    words += subject_words(status.item)
    if status.period is None and status.missed:  # recurring no more (a deadline, in force until): a missed one
        words += ["--for", status.missed[0]]
    if "note" in measure.evidence:
        words += ["--note", "…"]
    if "file" in measure.evidence:
        words += ["--evidence", "FILE"]
    for kind in measure.evidence_kinds:  # a file attached as each named kind asked for
        words += ["--file", f"{kind}=FILE"]
    if "figures" in measure.evidence:
        words += [word for spec in measure.required_fields for word in ("--set", f"{spec.id}=…")]
    if unit_id:
        words += ["--unit", unit_id]
    return shlex.join(words)


def _opens_soon(item: ItemStatus, horizon: datetime) -> bool:
    return item.state == "upcoming" and item.opens is not None and item.opens <= horizon


def _review_due(item: ItemStatus) -> bool:
    """A standing rule in place whose review of the current period is still to record."""
    period = item.period.key if item.period is not None else None
    return item.reviewed is not None and period is not None and item.reviewed_period != period


def agenda(status: UnitStatus, ahead: int = AHEAD_DAYS) -> Agenda:
    unit_id = status.command_unit  # commands that reach this unit as printed
    zone = ZoneInfo(status.catalog.meta.timezone)
    today = status.now.astimezone(zone).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)  # when today's items are due
    horizon = status.now + timedelta(days=ahead)

    def entry(item: ItemStatus) -> Entry:
        return Entry(item, command_for(item, unit_id))

    overdue: list[Entry] = []
    due_today: list[Entry] = []
    coming: list[Entry] = []
    attention: list[Entry] = []
    still_open: list[Entry] = []
    for item in status.actionable():  # of a measure kept per part, each part's item, with its --part
        if item.overdue:
            overdue.append(entry(item))
        elif item.state in PENDING:
            if item.ends is not None and item.ends <= status.now:  # out of force: lapsed, nothing falls due
                attention.append(entry(item))
            elif item.period is not None or (item.due is not None and item.due <= end_of_today):
                due_today.append(entry(item))  # the current period of a recurring measure, or due today
            elif item.due is not None and item.due <= horizon:
                coming.append(entry(item))
            elif item.state in ATTENTION:
                attention.append(entry(item))
            else:
                still_open.append(entry(item))
        elif _opens_soon(item, horizon) or _review_due(item):
            coming.append(entry(item))
        elif item.state == "done" and item.verdict in ("not_met", "unknown"):
            attention.append(entry(item))  # recorded, yet not met: a "no" needs attention, not a tick
    coming.sort(key=lambda e: e.status.due or e.status.opens or status.now)
    alerts = [AlertEntry(alert, ack_command(alert, unit_id)) for alert in status.unacknowledged]
    return Agenda(overdue, due_today, coming, attention, still_open, alerts)
