"""Recording: attestations of items (done, partial, n/a, blocked, reopened, approved), events
(an admission, and its withdrawal), and acknowledgements of alerts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from ..core import blobs, clock
from ..core.attest import Attestation, Outcome, period_start, plan, targets
from ..core.errors import NotFound, UserError, message
from ..core.fuzzy import closest
from ..core.items import resolve, resolve_all
from ..core.logindex import Happening, LogIndex, event_key
from ..core.models import Action, Catalog, Draft, Measure, Unit, from_user
from ..core.status import Item, Unacknowledged, UnitStatus, items_for, unit_status
from ..core.subjects import spelling, typed_subject
from . import anchors
from .session import Session


@dataclass(frozen=True)
class AttestRequest:
    """What a user asked to record, as typed: items by number, id or prefix, and the rest."""

    action: Action
    items: Sequence[str]
    note: str | None = None
    assignments: Sequence[str] = ()
    evidence: Sequence[Path] = ()
    copy_evidence: bool = True  # False: record the hashes only
    until: date | None = None  # a waiver's last day
    subjects: Sequence[str] = ()
    period: str | None = None


@dataclass(frozen=True)
class Attested:
    """What an attestation did to each item: recorded (with the draft), or already so."""

    unit: Unit
    catalog: Catalog
    actor: str
    outcomes: list[Outcome] = field(default_factory=list)
    action: str = ""  # what was asked: done, na, …
    command_unit: str | None = None  # the --unit a command printed for the user must name


def attest(session: Session, request: AttestRequest) -> Attested:
    """Check everything for every item first, then append one record per item that changes
    (so a command records all its items or none of them)."""
    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    items = resolve_all(request.items, items_for(current.catalog, unit.kind))
    subjects = [typed_subject(subject) for subject in request.subjects]
    brought = [_bring_back(index, subject) for subject in subjects]  # every one: no stopping at the first
    if any(brought):  # a subject settled for good, named again
        current = unit_status(unit, current.catalog, index, current.now)
    chosen = targets(current, index, items, subjects=subjects, period=request.period, action=request.action)
    attestation = Attestation(
        request.action,
        actor,
        request.note,
        request.assignments,
        request.evidence,
        copy_evidence=request.copy_evidence,
        until=request.until,
    )
    for target in chosen:
        item = target.status.item
        what = message("clock.period", period=target.period, number=item.number, item=item.id)
        session.refuse_future(current.catalog, period_start(current, target), what)
    outcomes = plan(
        chosen,
        attestation,
        unit_id=unit.id,
        digest=current.catalog.digest,
        now=clock.real_now().astimezone(ZoneInfo(current.catalog.meta.timezone)),
        max_evidence_bytes=session.evidence_max_bytes(),
        clock=session.replayed(current.catalog),
    )
    if request.copy_evidence:
        outcomes = _keep_evidence(session, outcomes, request.evidence)
    drafts = [o.draft for o in outcomes if o.draft is not None]
    if drafts:
        signer = session.signer(actor)
        if signer is not None and request.action == "approved":
            _refuse_own_key(outcomes, signer.key)
        anchors.append(session, unit, drafts, signer, index)
    return Attested(unit, current.catalog, actor, outcomes, attestation.action, current.command_unit)


def _refuse_own_key(outcomes: list[Outcome], key: str) -> None:
    """Nobody approves a record signed with their own key, whatever name it bears."""
    for outcome in outcomes:
        entry = outcome.target.entry
        approved = entry.last if entry is not None and outcome.draft is not None else None
        if approved is not None and approved.sig is not None and approved.sig.key == key:
            item = outcome.status.item
            raise UserError("attest.own_key_approval", number=item.number, item=item.id, subject=item.subject, key=key)


def _keep_evidence(session: Session, outcomes: list[Outcome], paths: Sequence[Path]) -> list[Outcome]:
    """Copy the evidence into the store before any record names it as stored."""
    drafts = [o.draft for o in outcomes if o.draft is not None]
    if not drafts:
        return outcomes
    given = len(paths)  # every draft names the files given first; a correction's earlier files follow
    for path, file in zip(paths, drafts[0].evidence[:given], strict=True):
        blobs.keep_evidence(session.store, path, file.sha256)

    def stored(draft: Draft) -> Draft:
        copied = [file.model_copy(update={"stored": True}) for file in draft.evidence[:given]]
        return draft.model_copy(update={"evidence": copied + list(draft.evidence[given:])})

    return [Outcome(o.target, stored(o.draft) if o.draft else None, o.corrects) for o in outcomes]


@dataclass(frozen=True)
class EventRequest:
    kind: str
    subject: str
    at: str | None = None  # when it happened (default: now)
    note: str | None = None
    withdraw: bool = False


@dataclass(frozen=True)
class EventRecorded:
    unit: Unit
    request: EventRequest
    draft: Draft | None  # None: nothing changed (the event is recorded already)


def record_event(session: Session, request: EventRequest) -> EventRecorded:
    """Record an event (a new admission, say) or withdraw one."""
    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    kind, subject, note = request.kind, typed_subject(request.subject), (request.note or "").strip() or None
    kinds = sorted({m.trigger.event for m in current.catalog.for_kind(unit.kind) if m.trigger})
    if kind not in kinds:
        raise NotFound("event.unknown_kind", closest(kind, kinds), kind=kind, unit_kind=unit.kind, known=kinds)
    zone = ZoneInfo(current.catalog.meta.timezone)
    occurred = clock.parse(request.at, zone, "--at") if request.at else current.now
    # A kind some measure must be ready before (`deadline: {before: event}`) is recorded ahead of time
    planned = any(m.deadline and m.deadline.before and _kind(m) == kind for m in _triggered(current, unit))
    if occurred > current.now and not planned:
        raise UserError("event.in_future", at=occurred)
    if occurred < unit.started_at:
        raise UserError("event.before_start", at=occurred, started=unit.started_at)
    recorded = min(occurred, current.now)  # a planned event is recorded now: the clock must have reached that
    session.refuse_future(current.catalog, recorded, message("clock.event", kind=kind, subject=subject, at=occurred))
    existing = _event_of(index, kind, subject)
    if existing is not None:
        subject = existing.subject  # as recorded: an event and its withdrawal name the same subject
    request = replace(request, subject=subject)
    live = existing is not None and existing.action == "event"
    if request.withdraw and not live:
        raise UserError("event.nothing_to_withdraw", kind=kind, subject=subject)
    if request.withdraw and not note:
        raise UserError("event.withdraw_needs_reason")
    if not request.withdraw and live:
        return EventRecorded(unit, request, None)
    draft = from_user(
        Draft,
        id=uuid.uuid4().hex,
        unit=unit.id,
        action="withdrawn" if request.withdraw else "event",
        actor=actor,
        at=clock.real_now().astimezone(zone),
        clock=session.replayed(current.catalog),
        event=kind,
        subject=subject,
        occurred=None if request.withdraw else occurred.astimezone(zone),
        note=note,
        catalog=current.catalog.digest,
    )
    anchors.append(session, unit, [draft], session.signer(actor), index)
    return EventRecorded(unit, request, draft)


def _triggered(current: UnitStatus, unit: Unit) -> list[Measure]:
    return [m for m in current.catalog.for_kind(unit.kind) if m.trigger is not None]


def _kind(measure: Measure) -> str | None:
    return measure.trigger.event if measure.trigger is not None else None


def _event_of(index: LogIndex, kind: str, subject: str) -> Happening | None:
    """The latest event of a kind and subject, also if the subject was recorded in another
    spelling, or settled for good (archived: brought back)."""
    found = index.events.get(event_key(kind, subject))
    if found is None:
        found = next((h for h in index.events.values() if h.kind == kind and spelling(h.subject) == subject), None)
    if found is None and _bring_back(index, subject):
        return _event_of(index, kind, subject)
    return found


def _bring_back(index: LogIndex, subject: str) -> bool:
    """Bring a subject settled for good back from the archive (as recorded, in any spelling):
    a record is about to name it."""
    if index.archived.empty:
        return False
    if index.bring_back(subject):
        return True
    if any(spelling(h.subject) == subject for h in index.events.values()):
        return False  # live, as typed or in another spelling
    named = [s for found in index.archived.subjects().values() for s in found if spelling(s) == subject]
    brought = [index.bring_back(name) for name in dict.fromkeys(named)]  # every spelling: no stopping at the first
    return any(brought)


@dataclass(frozen=True)
class AckRequest:
    """An acknowledgement of an item's alerts, as typed: of one subject, of one period, if named."""

    item: str
    reason: str
    subject: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class Acknowledged:
    unit: Unit
    catalog: Catalog
    actor: str
    item: Item
    draft: Draft
    covered: list[Unacknowledged]  # the alerts it acknowledges


def acknowledge(session: Session, request: AckRequest) -> Acknowledged:
    """Record that someone saw an item's alerts not acknowledged yet (of a subject, of a
    period, if named; else all of them) and why they let them be; refused if it has none."""
    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    item = resolve(request.item, items_for(current.catalog, unit.kind))
    reason = request.reason.strip()
    if not reason:
        raise UserError("ack.needs_reason")
    covered = _alerts_of(current.unacknowledged, item, request)
    zone = ZoneInfo(current.catalog.meta.timezone)
    draft = from_user(
        Draft,
        id=uuid.uuid4().hex,
        unit=unit.id,
        item=item.id,
        action="acknowledged",
        actor=actor,
        at=clock.real_now().astimezone(zone),
        clock=session.replayed(current.catalog),
        period=request.period,
        subject=covered[0].item.subject,  # as recorded
        note=reason,
        catalog=current.catalog.digest,
    )
    anchors.append(session, unit, [draft], session.signer(actor), index)
    return Acknowledged(unit, current.catalog, actor, item, draft, covered)


def _alerts_of(alerts: list[Unacknowledged], item: Item, request: AckRequest) -> list[Unacknowledged]:
    """The alerts an acknowledgement covers: the item's, of the subject and period named; an
    item kept per subject with alerts on several subjects needs one named."""
    measure, number = item.measure, item.number
    if request.subject is not None and measure.trigger is None:
        raise UserError("attest.not_per_subject", number=number, item=item.id)
    if request.period is not None and measure.cadence is None:
        raise UserError("attest.not_recurring", number=number, item=item.id)
    found = [alert for alert in alerts if alert.item.number == item.number]
    if request.subject is not None:
        wanted = typed_subject(request.subject)  # a subject recorded in another spelling is still the same one
        found = [alert for alert in found if spelling(alert.item.subject or "") == wanted]
    periods = [alert.period for alert in found if alert.period]
    if request.period is not None:
        found = [alert for alert in found if alert.period == request.period]
    if not found:
        subject, period = request.subject, request.period
        raise UserError("ack.nothing", number=number, item=item.id, subject=subject, period=period, periods=periods)
    subjects = list(dict.fromkeys(alert.item.subject or "" for alert in found))
    if len(subjects) > 1:
        raise UserError("ack.which_subject", number=number, item=item.id, subjects=subjects[:8], more=len(subjects) > 8)
    return found
