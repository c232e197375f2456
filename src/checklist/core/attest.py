"""Turning a user's attestation into records, after checking everything it must carry.

Everything is checked for every named item before the first record is written, so a
command either records all its items or none of them.
"""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from .agenda import subject_words
from .alerts import answer_alert
from .answers import parse_answer
from .decide import complete, holding, past_alert
from .errors import NotFound, UserError
from .evidence import describe, inspect
from .figures import parse_assignments, split_assignment
from .fuzzy import closest
from .logindex import Entry, LogIndex
from .models import (
    Action,
    Catalog,
    Draft,
    EvidenceFile,
    FieldSpec,
    FigureValue,
    Record,
    Recurrence,
    Rule,
    Text,
    from_user,
)
from .names import same_person
from .parts import typed_part
from .roles import Holding, holders, holds
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
    answer: Sequence[str] | None = None  # a question's answer as typed (`checklist answer`)
    kinded: Sequence[tuple[str, Path]] = ()  # files attached as a named kind of evidence: (kind id, path)


@dataclass(frozen=True)
class Target:
    """One item to attest: of which subject, for which period, and how it stands there."""

    status: ItemStatus
    state: State
    entry: Entry | None
    subject: str | None = None
    period: str | None = None
    part: str | None = None  # the unit's part, for a measure kept per part

    @property
    def occurrence(self) -> int | None:
        """Which occurrence of its event the record names: none while the subject has had one
        (a record of format 4, as before occurrences), else the item's."""
        return self.status.item.named_occurrence


@dataclass(frozen=True)
class Outcome:
    target: Target
    draft: Draft | None  # None: nothing to record (already in that state)
    corrects: Record | None = None  # the done record a new done corrects (a value, a comment, a file added)

    @property
    def status(self) -> ItemStatus:
        return self.target.status

    @property
    def values(self) -> dict[str, FigureValue]:
        """The figures recorded, with the measure's computed values worked out."""
        return complete(self.status.item.measure, self.draft.figures) if self.draft else {}

    @property
    def alerts(self) -> list[FieldSpec]:
        """The recorded (or computed) figures that cross their alert threshold."""
        measure = self.status.item.measure
        return past_alert(measure.alerting, self.values) if self.draft and measure.alerting else []

    @property
    def rules(self) -> list[Rule]:
        """The decision rules that hold over the figures recorded: their instructions, at once."""
        if self.draft is None or not self.draft.figures or not self.status.item.measure.rules:
            return []
        zone = self.draft.at.tzinfo or ZoneInfo("UTC")  # `now`, in the unit's time zone
        return [rule for _, rule in holding(self.status.item.measure, self.values, zone)]

    @property
    def answer_alerted(self) -> bool:
        """Whether the recorded answer is one its question's alert names."""
        return bool(self.draft and answer_alert(self.status.item.measure, self.draft.answer))


def targets(
    current: UnitStatus,
    index: LogIndex,
    items: Sequence[Item],
    *,
    subjects: Sequence[str] = (),
    period: str | None = None,
    action: str,
    parts: Sequence[str] = (),
    occurrence: int | None = None,
) -> list[Target]:
    """What an attestation of `items` covers: for each item (each named subject of an item
    kept per subject, in the occurrence of its event named or open; each named part of one
    kept per part), the subject, part and period, and how it stands there."""
    if occurrence is not None and not subjects:
        raise UserError("occurrence.needs_subject", occurrence=occurrence)
    found: dict[tuple[int, str | None, str | None, str | None], Target] = {}
    for item in items:
        named: list[str | None] = list(subjects) or [None]
        where: list[str | None] = list(parts) or [None]
        for subject in named:
            for part in where:
                target = _target(
                    current,
                    index,
                    item,
                    subject=subject,
                    period=period,
                    action=action,
                    part=part,
                    occurrence=occurrence,
                )
                key = (target.status.item.number, target.status.item.slot, target.part, target.period)
                found.setdefault(key, target)
    return list(found.values())


def _target(
    current: UnitStatus,
    index: LogIndex,
    item: Item,
    *,
    subject: str | None,
    period: str | None,
    action: str,
    part: str | None = None,
    occurrence: int | None = None,
) -> Target:
    measure = item.measure
    clock = Clock(ZoneInfo(current.catalog.meta.timezone), current.now)
    if measure.trigger is not None:
        status = _subject_item(current, item, subject, occurrence, action)
    else:
        status = next(s for s in current.items if s.item.number == item.number)
        if subject is not None:
            raise UserError("attest.not_per_subject", number=item.number, item=measure.id)
    if measure.per is not None:
        status = part_item(status, index, part, action)
    elif part is not None:
        raise UserError("attest.not_per_part", number=item.number, item=measure.id)
    mine, where = status.item.slot, status.item.part  # where the index keeps the records of its occurrence
    if measure.cadence is None:
        if period is not None:
            raise UserError("attest.not_recurring", number=item.number, item=measure.id)
        if action == "done" and status.state == "inapplicable":
            raise _not_applicable(status, None, current.catalog)
        entry = index.entry(measure.id, mine, part=where)
        return Target(status, status.state, entry, status.item.subject, part=where)
    whole = index.entry(measure.id, mine, part=where)  # a waiver of a recurring measure covers it as a whole
    if period is None and (
        action == "na" or (action in ("reopened", "approved") and whole and whole.last.action == "na")
    ):
        return Target(status, state_of(whole, measure, clock), whole, status.item.subject, part=where)
    key = _period_key(current, status, measure.cadence, period)
    if action == "done":
        _check_applies(current, status, key)
    entry = index.entry(measure.id, mine, key, part=where)
    return Target(status, state_of(entry, measure, clock), entry, status.item.subject, period=key, part=where)


def part_item(status: ItemStatus, index: LogIndex, part: str | None, action: str) -> ItemStatus:
    """Unit parts: the item of the part named (`--part`) of a measure kept per part; with none
    named, the one part still open, else an error listing the parts with the command for each."""
    item, children = status.item, status.parts or []
    label: dict[str, Any] = {"number": item.number, "item": item.id, "subject": item.subject, "kind": item.measure.per}
    if part is not None:
        wanted = spelling(typed_part(part))
        found = next((c for c in children if spelling(c.item.part or "") == wanted), None)
        if found is not None:
            return found
        known = index.parts.get(wanted)
        if known is not None and known.kind == item.measure.per and known.retired is not None:
            raise UserError("attest.part_retired", part=wanted, retired=known.retired, **label)
        names = [c.item.part or "" for c in children]
        raise NotFound("attest.no_part", closest(wanted, names), part=wanted, parts=names[:12], **label)
    if not children:
        raise UserError("attest.no_parts_yet", **label)
    pending = [c for c in children if c.state in PENDING]
    if len(pending) == 1 or len(children) == 1:
        return (pending or children)[0]
    names = [c.item.part or "" for c in (pending or children)]
    verb = VERB_OF.get(action, action)
    words = ["checklist", verb, str(item.number), *subject_words(item)]
    commands = [shlex.join([*words, "--part", name]) for name in names[:8]]
    raise UserError("attest.which_part", parts=names, commands=commands, more=len(names) > 8, **label)


# The command that records an action, where it is not the action's own name (the words a user types)
VERB_OF = {"blocked": "block", "reopened": "reopen", "approved": "approve", "acknowledged": "ack"}


def _subject_item(
    current: UnitStatus, item: Item, subject: str | None, occurrence: int | None, action: str = "done"
) -> ItemStatus:
    mine = [s for s in current.items if s.item.number == item.number and s.item.subject is not None]
    if subject is not None:
        wanted = spelling(subject)  # a subject recorded in another spelling is still the same one
        found = [s for s in mine if spelling(s.item.subject or "") == wanted]
        if not found:
            known = list(dict.fromkeys(s.item.subject or "" for s in mine))
            raise NotFound(
                "attest.no_subject", closest(subject, known), subject=subject, number=item.number, item=item.id
            )
        return _occurrence(found, item, occurrence, action, current.catalog)
    pending = [s for s in mine if s.state in PENDING]
    if len(pending) == 1:
        return pending[0]
    if not mine:
        event = current.catalog.event_label(item.measure.trigger.event) if item.measure.trigger else "?"
        raise UserError("attest.no_subjects_yet", number=item.number, item=item.id, event=event)
    names = list(dict.fromkeys(s.item.subject or "" for s in (pending or mine)))[:8]
    raise UserError("attest.which_subject", number=item.number, item=item.id, subjects=names)


def _occurrence(
    found: list[ItemStatus], item: Item, occurrence: int | None, action: str, catalog: Catalog
) -> ItemStatus:
    """The item of one occurrence of a subject's event: the one named, else the only one, else
    the only one with work left; several: the user names one (each with its command)."""
    subject = found[0].item.subject
    if occurrence is not None:
        named = next((s for s in found if s.item.occurrence == occurrence), None)
        if named is None:
            raise UserError(
                "occurrence.unknown",
                **_occurrences(found, item, action, catalog),
                subject=subject,
                occurrence=occurrence,
            )
        return named
    if len(found) == 1:
        return found[0]
    pending = [s for s in found if s.state in PENDING]
    if len(pending) == 1:
        return pending[0]
    raise UserError("occurrence.which", **_occurrences(pending or found, item, action, catalog), subject=subject)


def _occurrences(found: list[ItemStatus], item: Item, action: str, catalog: Catalog) -> dict[str, Any]:
    """What a message listing the occurrences to choose from needs: each one's number, when
    its event happened, its state and the command that names it; and the item."""
    verb = VERB_OF.get(action, action)
    listed = [
        {
            "occurrence": s.item.occurrence,
            "at": s.item.event.moment if s.item.event else None,
            "state": s.state,
            "command": shlex.join(
                [
                    "checklist",
                    verb,
                    str(item.number),
                    "--subject",
                    s.item.subject or "",
                    "--occurrence",
                    str(s.item.occurrence),
                ]
            ),
        }
        for s in found
    ]
    kind = catalog.event_label(item.measure.trigger.event) if item.measure.trigger else "?"
    return {"number": item.number, "item": item.id, "kind": kind, "choices": listed}


def _period_key(current: UnitStatus, status: ItemStatus, rec: Recurrence, period: str | None) -> str:
    measure = status.item.measure
    zone = ZoneInfo(current.catalog.meta.timezone)
    anchor, until = window(measure, status.item.event, current.unit, Clock(zone, current.now), status.item.since)
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


def _check_applies(current: UnitStatus, status: ItemStatus, key: str) -> None:
    """A period of a recurring item whose conditions held at no moment of it is not done (it
    does not count): the current one as status says, an earlier one (--for) as its moments say."""
    conditions, timeline = status.item.measure.conditions, current.timeline
    if not conditions or timeline is None:
        return
    if status.period is not None and key == status.period.key:
        if status.state == "inapplicable":
            raise _not_applicable(status, None, current.catalog)
        return
    rec = status.item.measure.recurrence
    zone = ZoneInfo(current.catalog.meta.timezone)
    anchor, _ = window(status.item.measure, status.item.event, current.unit, Clock(zone, current.now))
    found = next((p for p in periods(rec, zone, anchor, current.now, anchor) if p.key == key), None) if rec else None
    if found is not None and not timeline.held(conditions, found.start, found.end):
        raise _not_applicable(status, key, current.catalog)


def _not_applicable(status: ItemStatus, period: str | None, catalog: Catalog) -> UserError:
    """`done` refused: the item does not apply (now, or in that period), and why: the conditions
    and the attributes now, each attribute as the catalog declares it (its names), else its id."""
    conditions = [
        (catalog.attribute(name) or name, sorted(values)) for name, values in status.item.measure.conditions.items()
    ]
    now = [(catalog.attribute(name) or name, value) for name, value in status.inapplicable] if period is None else []
    return UserError("attest.not_applicable", conditions=conditions, now=now, period=period, **_label(status))


def period_start(current: UnitStatus, target: Target) -> datetime | None:
    """When the period a target covers begins (None for a target that covers no period)."""
    measure = target.status.item.measure
    rec = measure.cadence
    if target.period is None or rec is None:
        return None
    zone = ZoneInfo(current.catalog.meta.timezone)
    anchor, _ = window(
        measure, target.status.item.event, current.unit, Clock(zone, current.now), target.status.item.since
    )
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
    holdings: Sequence[Holding] = (),
    role_names: Mapping[str, Text] | None = None,
    kind_names: Mapping[str, Text] | None = None,
) -> list[Outcome]:
    """Check the request against every item and draft the records to append (none written yet).
    `holdings`: who holds which role at the moment of the request (roles.holdings), which an
    approval of a measure with an approver role is checked against; `role_names`: the catalog's
    names of its roles, `kind_names` of its kinds of evidence, for a refusal to name them as
    people know them."""
    note = (request.note or "").strip() or None
    if request.action in _NEEDS_REASON and not note:
        raise UserError(f"attest.{request.action}_needs_reason")
    if request.until is not None and request.action != "na":
        raise UserError("attest.until_without_na")
    _check_fields_exist(targets, request.assignments, now.tzinfo)
    files = [describe(inspect(path, max_evidence_bytes)) for path in request.evidence]
    files += [describe(inspect(path, max_evidence_bytes)).model_copy(update={"kind": k}) for k, path in request.kinded]
    outcomes = []
    for target in targets:
        if request.action == "approved":
            _check_approver(target, request.actor, holdings, role_names or {})
            outcomes.append(Outcome(target, _approval(target, request, unit_id, digest, now, clock)))
            continue
        said, figures, evidence = note, _figures(target.status, request, now.tzinfo), files
        answer = _answer(target.status, request)
        cadence = target.status.item.measure.cadence
        counted = cadence is not None and cadence.count is not None and target.period is not None
        corrects = None if counted else _corrected(target, request.action)  # counted: each done is one more
        if corrects is not None:  # done again: what it recorded, with what is given now over it
            said, figures, evidence = _overlaid(corrects, said, figures, evidence)
            answer = answer if answer is not None else corrects.answer  # a later answer replaces it
            if (said, figures, _same(evidence), answer) == (
                corrects.note,
                dict(corrects.figures),
                _same(_files(corrects)),
                corrects.answer,
            ):
                outcomes.append(Outcome(target, None))  # nothing new: nothing to record
                continue
        elif target.state == STATE_OF_ACTION.get(request.action) and request.until is None and not counted:
            outcomes.append(Outcome(target, None))
            continue
        if request.action == "done":
            _check_open(target.status, (clock or now).astimezone(now.tzinfo))  # in the unit's zone, as `now` is
            _check_answered(target.status, answer)
            _check_required(target.status, said, figures, evidence, kind_names or {})
            _check_follow_ups(target.status, answer, said, figures, evidence)
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
            part=target.part,
            occurrence=target.occurrence,
            until=request.until,
            measure=target.status.item.measure.wording(),
            note=said,
            figures=figures,
            evidence=evidence,
            catalog=digest,
            answer=answer,
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
    kept = [file for file in _files(last) if all((file.sha256, file.kind) != (new.sha256, new.kind) for new in files)]
    return note if note is not None else last.note, {**last.figures, **figures}, files + kept


def _same(files: list[EvidenceFile]) -> list[tuple[str, str, str]]:
    """Files as a correction compares them: a file given again (as the same kind) is the same file, copied or not."""
    return sorted((file.name, file.sha256, file.kind or "") for file in files)


def _files(record: Record) -> list[EvidenceFile]:
    return [
        EvidenceFile(name=f.name, size=f.size, sha256=f.sha256, stored=f.stored, kind=f.kind_id)
        for f in record.evidence
    ]


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
        part=target.part,
        occurrence=target.occurrence,
        approves=entry.last.id,
        note=(request.note or "").strip() or None,
        catalog=digest,
    )


def _check_approver(target: Target, actor: str, holdings: Sequence[Holding], names: Mapping[str, Text]) -> None:
    """A measure that names its approver role is approved only by someone holding that role
    at the moment of the approval; the refusal says who holds it."""
    role = target.status.item.measure.approver
    if role is None or holds(holdings, actor, role):
        return
    entry = target.entry
    if entry is None or entry.last.action not in ("done", "na") or entry.approval is not None:
        return  # nothing to approve, or approved already: said as it always was
    held_by = holders(holdings, role)
    raise UserError(
        "attest.not_approver",
        actor=actor,
        role=role,
        role_name=names.get(role),
        holders=held_by,
        **_label(target.status),
    )


class _Label(TypedDict):
    number: int
    item: str
    subject: str | None
    part: str | None


def _label(status: ItemStatus) -> _Label:
    """What names an item in a message: its number, id, subject and part."""
    item = status.item
    return {"number": item.number, "item": item.id, "subject": item.subject, "part": item.part}


def _figures(status: ItemStatus, request: Attestation, zone: tzinfo | None) -> dict[str, FigureValue]:
    fields = status.item.measure.fields
    known = {f.id for f in fields}
    mine = [a for a in request.assignments if split_assignment(a)[0] in known]
    return parse_assignments(fields, mine, zone)


def _check_fields_exist(targets: Sequence[Target], assignments: Sequence[str], zone: tzinfo | None) -> None:
    """A figure must belong to at least one named item; with one item, name its fields."""
    for text in assignments:
        name, _ = split_assignment(text)
        if not any(t.status.item.measure.field(name) for t in targets):
            if len(targets) == 1:
                parse_assignments(targets[0].status.item.measure.fields, [text], zone)  # raises with suggestions
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
    status: ItemStatus,
    note: str | None,
    figures: dict[str, FigureValue],
    files: list[EvidenceFile],
    kind_names: Mapping[str, Text],
) -> None:
    measure = status.item.measure
    label = _label(status)
    if "note" in measure.evidence and not note:
        raise UserError("attest.needs_note", **label)
    if "file" in measure.evidence and not files:
        raise UserError("attest.needs_file", **label)
    if "figures" in measure.evidence:
        missing = [f for f in measure.required_fields if f.id not in figures]
        if missing:
            raise UserError(
                "attest.needs_figures", fields=[f.id for f in missing], labels=[f.label for f in missing], **label
            )
    given = {file.kind for file in files}
    kinds = [kind for kind in measure.evidence_kinds if kind not in given]
    if kinds:  # every kind missing, in the measure's order, so that one more try is enough
        raise UserError("attest.needs_kinds", kinds=kinds, names=[kind_names.get(kind) for kind in kinds], **label)


def _answer(status: ItemStatus, request: Attestation) -> list[str] | None:
    """The answer given for an item, as the question's ids (None: none given)."""
    if request.answer is None:
        return None
    question = status.item.measure.question
    if question is None:
        raise UserError("answer.not_a_question", **_label(status))
    return parse_answer(question, request.answer, status.item.id)


def _check_answered(status: ItemStatus, answer: list[str] | None) -> None:
    """A question is attested by its answer: a done without one records nothing of what it asks."""
    question = status.item.measure.question
    if question is not None and not answer:
        raise UserError("answer.needed", allowed=question.ids, **_label(status))


def _check_follow_ups(
    status: ItemStatus,
    answer: list[str] | None,
    note: str | None,
    figures: dict[str, FigureValue],
    files: list[EvidenceFile],
) -> None:
    """What the answer given requires ("if no: why, and the plan"): refused, naming all that is missing."""
    question = status.item.measure.question
    if question is None or not answer:
        return
    given = {"note": bool(note), "file": bool(files)}
    missing = [need for need in question.follow_ups(answer) if not given.get(need, need in figures)]
    if missing:
        raise UserError("answer.follow_up", answer=answer, needs=missing, **_label(status))
