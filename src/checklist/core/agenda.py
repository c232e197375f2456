"""The day's agenda: what is due today, what is overdue, what comes in the next days,
each with the command that records it."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .status import PENDING, ItemStatus, UnitStatus

AHEAD_DAYS = 3


@dataclass(frozen=True)
class Entry:
    status: ItemStatus
    command: str


@dataclass(frozen=True)
class Agenda:
    overdue: list[Entry]
    today: list[Entry]
    coming: list[Entry]


def command_for(status: ItemStatus, unit_id: str | None = None) -> str:
    """The command that records this item, with what its measure requires spelled out."""
    measure = status.item.measure
    words = ["checklist", "done", str(status.item.number)]
    if status.item.subject:
        words += ["--subject", status.item.subject]
    if "note" in measure.evidence:
        words += ["--note", "…"]
    if "file" in measure.evidence:
        words += ["--evidence", "FILE"]
    if "figures" in measure.evidence:
        for spec in measure.fields:
            if spec.required:
                words += ["--set", f"{spec.id}=…"]
    if unit_id:
        words += ["--unit", unit_id]
    return shlex.join(words)


def _opens_soon(item: ItemStatus, horizon: datetime) -> bool:
    return item.state == "upcoming" and item.opens is not None and item.opens <= horizon


def agenda(status: UnitStatus, ahead: int = AHEAD_DAYS, unit_id: str | None = None) -> Agenda:
    zone = ZoneInfo(status.catalog.meta.timezone)
    today = status.now.astimezone(zone).date()
    horizon = status.now + timedelta(days=ahead)

    def entry(item: ItemStatus) -> Entry:
        return Entry(item, command_for(item, unit_id))

    overdue = [entry(s) for s in status.items if s.overdue]
    due_today, coming = [], []
    for item in status.items:
        pending = item.state in PENDING and not item.overdue
        if pending and (item.period is not None or (item.due and item.due.astimezone(zone).date() <= today)):
            due_today.append(entry(item))  # the current period of a recurring measure, or due today
        elif (pending and item.due and item.due <= horizon) or _opens_soon(item, horizon):
            coming.append(entry(item))
    coming.sort(key=lambda e: e.status.due or e.status.opens or status.now)
    return Agenda(overdue, due_today, coming)
