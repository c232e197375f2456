"""Turning a user's attestation into records, after checking everything it must carry.

Everything is checked for every named item before the first record is written, so a
command either records all its items or none of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import UserError
from .evidence import describe, inspect
from .figures import missing_required, parse_assignments, split_assignment
from .models import Action, Draft, EvidenceFile, FigureValue, from_user
from .status import STATE_OF_ACTION, ItemStatus

_NEEDS_REASON: frozenset[Action] = frozenset({"na", "blocked", "reopened"})


@dataclass(frozen=True)
class Attestation:
    """What the user asked to record, before it is checked against each item."""

    action: Action
    actor: str
    note: str | None = None
    assignments: Sequence[str] = ()
    evidence: Sequence[Path] = ()
    copy_evidence: bool = True  # False: record the hashes only


@dataclass(frozen=True)
class Outcome:
    status: ItemStatus  # the item's status before this attestation
    draft: Draft | None  # None: nothing to record (already in that state)


def plan(
    statuses: Sequence[ItemStatus],
    request: Attestation,
    *,
    unit_id: str,
    digest: str,
    now: datetime,
    max_evidence_bytes: int,
) -> list[Outcome]:
    """Check the request against every item and draft the records to append (none written yet)."""
    note = (request.note or "").strip() or None
    if request.action in _NEEDS_REASON and not note:
        raise UserError(f"{_verb(request.action)} needs a reason", hint='add --reason "…"')
    _check_fields_exist(statuses, request.assignments)
    files = [describe(inspect(path, max_evidence_bytes)) for path in request.evidence]
    outcomes = []
    for status in statuses:
        if status.state == STATE_OF_ACTION[request.action]:  # it would change nothing
            outcomes.append(Outcome(status, None))
            continue
        figures = _figures(status, request)
        if request.action == "done":
            _check_required(status, note, figures, files)
        draft = from_user(
            Draft,
            id=uuid.uuid4().hex,
            unit=unit_id,
            item=status.item.id,
            action=request.action,
            actor=request.actor,
            at=now,
            note=note,
            figures=figures,
            evidence=files,
            catalog=digest,
        )
        outcomes.append(Outcome(status, draft))
    return outcomes


def _verb(action: Action) -> str:
    return {
        "na": "marking an item not applicable",
        "blocked": "marking an item blocked",
        "reopened": "reopening an item",
    }.get(action, action)


def _figures(status: ItemStatus, request: Attestation) -> dict[str, FigureValue]:
    fields = status.item.measure.fields
    known = {f.id for f in fields}
    mine = [a for a in request.assignments if split_assignment(a)[0] in known]
    return parse_assignments(fields, mine)


def _check_fields_exist(statuses: Sequence[ItemStatus], assignments: Sequence[str]) -> None:
    """A figure must belong to at least one named item; with one item, name its fields."""
    for text in assignments:
        name, _ = split_assignment(text)
        if not any(status.item.measure.field(name) for status in statuses):
            if len(statuses) == 1:
                parse_assignments(statuses[0].item.measure.fields, [text])  # raises with suggestions
            raise UserError(f"none of the named items records a figure called {name!r}")


def _check_required(
    status: ItemStatus, note: str | None, figures: dict[str, FigureValue], files: list[EvidenceFile]
) -> None:
    measure = status.item.measure
    label = f"item {status.item.number} ({measure.id})"
    if "note" in measure.evidence and not note:
        raise UserError(f"{label} needs a note saying what was done", hint='add --note "…"')
    if "file" in measure.evidence and not files:
        raise UserError(
            f"{label} needs an evidence file (a notice, minutes, a roster, a photo)", hint="add --evidence FILE"
        )
    if "figures" in measure.evidence:
        missing = missing_required(measure.fields, figures)
        if missing:
            needed = " ".join(f"--set {f.id}=…" for f in missing)
            raise UserError(f"{label} needs its figures: {', '.join(f.id for f in missing)}", hint=f"add {needed}")
