"""Turning a user's attestation into records, after checking everything it must carry.

Everything is checked for every named item before the first record is written, so a
command either records all its items or none of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypedDict
from zoneinfo import ZoneInfo

from .errors import NotFound, UserError
from .evidence import describe, inspect
from .figures import alerts, missing_required, parse_assignments, split_assignment
from .fuzzy import closest
from .logindex import Entry, LogIndex
from .models import Action, Draft, EvidenceFile, FieldSpec, FigureValue, Record, Recurrence, from_user
from .names import same_person
from .schedule import periods
from .status import PENDING, STATE_OF_ACTION, Clock, Item, ItemStatus, State, UnitStatus, state_of, window
from .subjects import spelling

_NEEDS_REASON: frozenset[Action] = frozenset({"na", "blocked", "reopened", "partial"})
_INSTANT = timedelta(microseconds=1)


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
    corrects: Record | None = None  # the done record a new done corrects (a value, a comment, a file added)

    @property
    def status(self) -> ItemStatus:
        return self.target.status

    @property
    def alerts(self) -> list[FieldSpec]:
        """The recorded figures that cross their alert threshold."""
        return alerts(self.status.item.measure.fields, self.draft.figures) if self.draft else []


def targets(
    current: UnitStatus,
    index: LogIndex,
    items: Sequence[Item],
    *,
    subjects: Sequence[str] = (),
    period: str | None = None,
    action: str,
) -> list[Target]:
    """What an attestation of `items` covers: for each item (each named subject of an item
    kept per subject), the subject and period, and how it stands there."""
    found: dict[tuple[int, str | None, str | None], Target] = {}
    for item in items:
        named: list[str | None] = list(subjects) or [None]
        for subject in named:
            target = _target(current, index, item, subject=subject, period=period, action=action)
            found.setdefault((target.status.item.number, target.subject, target.period), target)
    return list(found.values())


def _target(
    current: UnitStatus, index: LogIndex, item: Item, *, subject: str | None, period: str | None, action: str
) -> Target:
    measure = item.measure
    clock = Clock(ZoneInfo(current.catalog.meta.timezone), current.now)
    if measure.trigger is not None:
        status = _subject_item(current, item, subject)
    else:
        status = next(s for s in current.items if s.item.number == item.number)
        if subject is not None:
            raise UserError("attest.not_per_subject", number=item.number, item=measure.id)
    mine = status.item.subject
    if measure.cadence is None:
        if period is not None:
            raise UserError("attest.not_recurring", number=item.number, item=measure.id)
        return Target(status, status.state, index.entry(measure.id, mine), mine)
    whole = index.entry(measure.id, mine)  # a waiver of a recurring measure covers it as a whole
    if period is None and (
        action == "na" or (action in ("reopened", "approved") and whole and whole.last.action == "na")
    ):
        return Target(status, state_of(whole, measure, clock), whole, mine)
    key = _period_key(current, status, measure.cadence, period)
    entry = index.entry(measure.id, mine, key)
    return Target(status, state_of(entry, measure, clock), entry, mine, period=key)


def _subject_item(current: UnitStatus, item: Item, subject: str | None) -> ItemStatus:
    mine = [s for s in current.items if s.item.number == item.number and s.item.subject is not None]
    if subject is not None:
        wanted = spelling(subject)  # a subject recorded in another spelling is still the same one
        found = next((s for s in mine if spelling(s.item.subject or "") == wanted), None)
        if found is None:
            known = [s.item.subject or "" for s in mine]
            raise NotFound(
                "attest.no_subject", closest(subject, known), subject=subject, number=item.number, item=item.id
            )
        return found
    pending = [s for s in mine if s.state in PENDING]
    if len(pending) == 1:
        return pending[0]
    if not mine:
        event = item.measure.trigger.event if item.measure.trigger else "?"
        raise UserError("attest.no_subjects_yet", number=item.number, item=item.id, event=event)
    names = [s.item.subject or "" for s in (pending or mine)[:8]]
    raise UserError("attest.which_subject", number=item.number, item=item.id, subjects=names)


def _period_key(current: UnitStatus, status: ItemStatus, rec: Recurrence, period: str | None) -> str:
    measure = status.item.measure
    zone = ZoneInfo(current.catalog.meta.timezone)
    anchor, until = window(measure, status.item.event, current.unit, Clock(zone, current.now))
    if period is None:
        if status.period is None and status.opens is not None and current.now < status.opens:  # not in force yet
            raise _not_open(status, status.opens.astimezone(zone).date())
        if status.period is None and until is not None and current.now >= until:
            raise UserError("attest.recurrence_ended", item=measure.id, until=(until - _INSTANT).date())
        if status.period is None:
            raise UserError("attest.not_due_now", item=measure.id)
        return status.period.key
    end = min(current.now, until - _INSTANT) if until is not None else current.now
    keys = {p.key for p in periods(rec, zone, anchor, end, anchor)}
    if period not in keys:
        raise UserError(
            "attest.no_such_period",
            period=period,
            item=measure.id,
            example=status.period.key if status.period else None,
        )
    return period


def period_start(current: UnitStatus, target: Target) -> datetime | None:
    """When the period a target covers begins (None for a target that covers no period)."""
    measure = target.status.item.measure
    rec = measure.cadence
    if target.period is None or rec is None:
        return None
    zone = ZoneInfo(current.catalog.meta.timezone)
    anchor, _ = window(measure, target.status.item.event, current.unit, Clock(zone, current.now))
    found = (p.start for p in periods(rec, zone, anchor, current.now, anchor) if p.key == target.period)
    return next(found, None)


def plan(
    targets: Sequence[Target],
    request: Attestation,
    *,
    unit_id: str,
    digest: str,
    now: datetime,
    max_evidence_bytes: int,
    clock: datetime | None = None,
) -> list[Outcome]:
    """Check the request against every item and draft the records to append (none written yet)."""
    note = (request.note or "").strip() or None
    if request.action in _NEEDS_REASON and not note:
        raise UserError(f"attest.{request.action}_needs_reason")
    if request.until is not None and request.action != "na":
        raise UserError("attest.until_without_na")
    _check_fields_exist(targets, request.assignments)
    files = [describe(inspect(path, max_evidence_bytes)) for path in request.evidence]
    outcomes = []
    for target in targets:
        if request.action == "approved":
            outcomes.append(Outcome(target, _approval(target, request, unit_id, digest, now, clock)))
            continue
        said, figures, evidence = note, _figures(target.status, request), files
        cadence = target.status.item.measure.cadence
        counted = cadence is not None and cadence.count is not None and target.period is not None
        corrects = None if counted else _corrected(target, request.action)  # counted: each done is one more
        if corrects is not None:  # done again: what it recorded, with what is given now over it
            said, figures, evidence = _overlaid(corrects, said, figures, evidence)
            if (said, figures, _same(evidence)) == (corrects.note, dict(corrects.figures), _same(_files(corrects))):
                outcomes.append(Outcome(target, None))  # nothing new: nothing to record
                continue
        elif target.state == STATE_OF_ACTION.get(request.action) and request.until is None and not counted:
            outcomes.append(Outcome(target, None))
            continue
        if request.action == "done":
            _check_open(target.status, (clock or now).astimezone(now.tzinfo))  # in the unit's zone, as `now` is
            _check_required(target.status, said, figures, evidence)
        draft = from_user(
            Draft,
            id=uuid.uuid4().hex,
            unit=unit_id,
            item=target.status.item.id,
            action=request.action,
            actor=request.actor,
            at=now,
            clock=clock,
            period=target.period,
            subject=target.subject,
            until=request.until,
            measure=target.status.item.measure.wording(),
            note=said,
            figures=figures,
            evidence=evidence,
            catalog=digest,
        )
        outcomes.append(Outcome(target, draft, corrects))
    return outcomes


def _corrected(target: Target, action: str) -> Record | None:
    """The done record a `done` of an item already done (or awaiting its approval) corrects."""
    entry = target.entry
    if action != "done" or entry is None or target.state not in ("done", "awaiting"):
        return None
    last = entry.last
    return last if last.action == "done" else None


def _overlaid(
    last: Record, note: str | None, figures: dict[str, FigureValue], files: list[EvidenceFile]
) -> tuple[str | None, dict[str, FigureValue], list[EvidenceFile]]:
    """A correction keeps what the done it corrects recorded, and takes what is given over it:
    a new note replaces the old (which stays in the log), figures given replace theirs, new
    files are added (first, as the store copies them in that order) to the files it had."""
    kept = [file for file in _files(last) if all(file.sha256 != new.sha256 for new in files)]
    return note if note is not None else last.note, {**last.figures, **figures}, files + kept


def _same(files: list[EvidenceFile]) -> list[tuple[str, str]]:
    """Files as a correction compares them: a file given again is the same file, copied or not."""
    return sorted((file.name, file.sha256) for file in files)


def _files(record: Record) -> list[EvidenceFile]:
    return [EvidenceFile(name=f.name, size=f.size, sha256=f.sha256, stored=f.stored) for f in record.evidence]


def _approval(  # noqa: PLR0917
    target: Target, request: Attestation, unit_id: str, digest: str, now: datetime, clock: datetime | None
) -> Draft | None:
    """A second person's sign-off of the latest done or waiver of an item."""
    label = _label(target.status)
    entry = target.entry
    if entry is None or entry.last.action not in ("done", "na"):
        raise UserError("attest.nothing_to_approve", **label)
    if entry.approval is not None:
        return None
    if same_person(entry.last.actor, request.actor):
        raise UserError("attest.own_approval", actor=request.actor, **label)
    return from_user(
        Draft,
        id=uuid.uuid4().hex,
        unit=unit_id,
        item=target.status.item.id,
        action="approved",
        actor=request.actor,
        at=now,
        clock=clock,
        period=target.period,
        subject=target.subject,
        approves=entry.last.id,
        note=(request.note or "").strip() or None,
        catalog=digest,
    )


class _Label(TypedDict):
    number: int
    item: str
    subject: str | None


def _label(status: ItemStatus) -> _Label:
    """What names an item in a message: its number, id and subject."""
    return {"number": status.item.number, "item": status.item.id, "subject": status.item.subject}


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
            raise UserError("attest.no_such_figure", field=name)


def _check_open(status: ItemStatus, now: datetime) -> None:  # now: in the unit's time zone
    """An item of a subject is done only once it can be: not before it opens (a release after
    14 days), nor before the last day of the window it lasts (a 14-day stay is not done on
    day 2). Waiving, blocking or noting progress stays open at any time."""
    trigger, day = status.item.measure.trigger, status.item.day
    if status.opens is not None and now < status.opens:
        raise _not_open(status, status.opens.astimezone(now.tzinfo).date())
    if trigger is None or day is None:
        return
    if status.ready is not None and now < status.ready:
        last = status.ready.date()
        raise UserError("attest.window_not_over", first=day, last=last, days=trigger.lasts_days, **_label(status))


def _not_open(status: ItemStatus, opens: date) -> UserError:
    """Done before an item opens: before the day its measure comes in force, or its subject's item opens."""
    in_force = status.item.measure.in_force
    code = "attest.not_in_force_yet" if in_force is not None and in_force.from_ == opens else "attest.not_open_yet"
    return UserError(code, opens=opens, **_label(status))


def _check_required(
    status: ItemStatus, note: str | None, figures: dict[str, FigureValue], files: list[EvidenceFile]
) -> None:
    measure = status.item.measure
    label = _label(status)
    if "note" in measure.evidence and not note:
        raise UserError("attest.needs_note", **label)
    if "file" in measure.evidence and not files:
        raise UserError("attest.needs_file", **label)
    if "figures" in measure.evidence:
        missing = missing_required(measure.fields, figures)
        if missing:
            raise UserError("attest.needs_figures", fields=[f.id for f in missing], **label)
