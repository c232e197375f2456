"""Turning a user's attestation into records, after checking everything it must carry.

Everything is checked for every named item before the first record is written, so a
command either records all its items or none of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .errors import UserError
from .evidence import describe, inspect
from .figures import missing_required, parse_assignments, split_assignment
from .logindex import Entry
from .models import Action, Draft, EvidenceFile, FigureValue, from_user
from .status import STATE_OF_ACTION, ItemStatus, State

_NEEDS_REASON: frozenset[Action] = frozenset({"na", "blocked", "reopened", "partial"})


@dataclass(frozen=True)
class Attestation:
    """What the user asked to record, before it is checked against each item."""

    action: Action
    actor: str
    note: str | None = None
    assignments: Sequence[str] = ()
    evidence: Sequence[Path] = ()
    copy_evidence: bool = True  # False: record the hashes only
    until: date | None = None  # a waiver's last day


@dataclass(frozen=True)
class Target:
    """One item to attest: of which subject, for which period, and how it stands there."""

    status: ItemStatus
    state: State
    entry: Entry | None
    subject: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class Outcome:
    target: Target
    draft: Draft | None  # None: nothing to record (already in that state)

    @property
    def status(self) -> ItemStatus:
        return self.target.status


def plan(
    targets: Sequence[Target],
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
        what = (
            "partial work needs a note saying what is done and what remains"
            if request.action == "partial"
            else (f"{_verb(request.action)} needs a reason")
        )
        raise UserError(what, hint='add --note "…"' if request.action == "partial" else 'add --reason "…"')
    if request.until is not None and request.action != "na":
        raise UserError("--until goes with `checklist na` (a waiver that lapses)")
    _check_fields_exist(targets, request.assignments)
    files = [describe(inspect(path, max_evidence_bytes)) for path in request.evidence]
    outcomes = []
    for target in targets:
        if request.action == "approved":
            outcomes.append(Outcome(target, _approval(target, request, unit_id, digest, now)))
            continue
        if target.state == STATE_OF_ACTION.get(request.action) and request.until is None:
            outcomes.append(Outcome(target, None))
            continue
        figures = _figures(target.status, request)
        if request.action == "done":
            _check_required(target.status, note, figures, files)
        draft = from_user(
            Draft,
            id=uuid.uuid4().hex,
            unit=unit_id,
            item=target.status.item.id,
            action=request.action,
            actor=request.actor,
            at=now,
            period=target.period,
            subject=target.subject,
            until=request.until,
            measure=target.status.item.measure.wording(),
            note=note,
            figures=figures,
            evidence=files,
            catalog=digest,
        )
        outcomes.append(Outcome(target, draft))
    return outcomes


def _approval(target: Target, request: Attestation, unit_id: str, digest: str, now: datetime) -> Draft | None:
    """A second person's sign-off of the latest done or waiver of an item."""
    label = _label(target.status)
    entry = target.entry
    if entry is None or entry.last.action not in ("done", "na"):
        raise UserError(f"{label} has nothing to approve: only a done or a not-applicable answer is approved")
    if entry.approval is not None:
        return None
    if entry.last.actor == request.actor:
        raise UserError(
            f"{label} was attested by {request.actor}, who cannot approve their own attestation",
            hint="the approver names themselves with --by",
        )
    return from_user(
        Draft,
        id=uuid.uuid4().hex,
        unit=unit_id,
        item=target.status.item.id,
        action="approved",
        actor=request.actor,
        at=now,
        period=target.period,
        subject=target.subject,
        approves=entry.last.id,
        note=(request.note or "").strip() or None,
        catalog=digest,
    )


def _verb(action: Action) -> str:
    return {
        "na": "marking an item not applicable",
        "blocked": "marking an item blocked",
        "reopened": "reopening an item",
    }.get(action, action)


def _label(status: ItemStatus) -> str:
    subject = f" of {status.item.subject}" if status.item.subject else ""
    return f"item {status.item.number} ({status.item.id}{subject})"


def _figures(status: ItemStatus, request: Attestation) -> dict[str, FigureValue]:
    fields = status.item.measure.fields
    known = {f.id for f in fields}
    mine = [a for a in request.assignments if split_assignment(a)[0] in known]
    return parse_assignments(fields, mine)


def _check_fields_exist(targets: Sequence[Target], assignments: Sequence[str]) -> None:
    """A figure must belong to at least one named item; with one item, name its fields."""
    for text in assignments:
        name, _ = split_assignment(text)
        if not any(t.status.item.measure.field(name) for t in targets):
            if len(targets) == 1:
                parse_assignments(targets[0].status.item.measure.fields, [text])  # raises with suggestions
            raise UserError(f"none of the named items records a figure called {name!r}")


def _check_required(
    status: ItemStatus, note: str | None, figures: dict[str, FigureValue], files: list[EvidenceFile]
) -> None:
    measure = status.item.measure
    label = _label(status)
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
