"""Recording: attestations of items (done, partial, n/a, blocked, reopened, approved), events
(an admission, and its withdrawal), and acknowledgements of alerts."""

from __future__ import annotations

import shlex
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..core import blobs, clock
from ..core.attest import Attestation, Outcome, period_start, plan, targets
from ..core.errors import NotFound, UserError, message
from ..core.evidence import named_kind
from ..core.fuzzy import closest
from ..core.items import resolve, resolve_all
from ..core.logindex import Happening, LogIndex, event_key, slot
from ..core.models import Action, Catalog, Draft, Measure, Record, Text, Unit
from ..core.parts import typed_part
from ..core.roles import Holding, holdings, known_role, roles_of
from ..core.status import Item, Unacknowledged, UnitStatus, items_for, unit_status
from ..core.subjects import spelling, subject_type, typed_subject
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
    answer: Sequence[str] | None = None  # a question's answer as typed (`checklist answer`): a done with it
    parts: Sequence[str] = ()  # for an item kept per part: which parts (`--part`)
    occurrence: int | None = None  # which occurrence of the subject's event (--occurrence)
    kinded: Sequence[str] = ()  # files attached as a named kind of evidence, as typed: KIND=PATH


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
    chosen = targets(
        current,
        index,
        items,
        subjects=subjects,
        period=request.period,
        action=request.action,
        parts=request.parts,
        occurrence=request.occurrence,
    )
    kinded = [_kinded(current.catalog, text) for text in request.kinded]
    attestation = Attestation(
        request.action,
        actor,
        request.note,
        request.assignments,
        request.evidence,
        copy_evidence=request.copy_evidence,
        until=request.until,
        answer=request.answer,
        kinded=kinded,
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
        holdings=holdings(role_records(index), current.now) if request.action == "approved" else (),
        role_names={role.id: role.name for role in current.catalog.meta.roles},
        kind_names={kind.id: kind.name for kind in current.catalog.meta.evidence_kinds},
    )
    if request.copy_evidence:
        outcomes = _keep_evidence(session, outcomes, [*request.evidence, *(path for _, path in kinded)])
    drafts = [o.draft for o in outcomes if o.draft is not None]
    if drafts:
        signer = session.signer(actor)
        if signer is not None and request.action == "approved":
            _refuse_own_key(outcomes, signer.key)
        anchors.append(session, unit, drafts, signer, index)
    return Attested(unit, current.catalog, actor, outcomes, attestation.action, current.command_unit)


def _kinded(catalog: Catalog, text: str) -> tuple[str, Path]:
    """`KIND=PATH` as typed: the kind of evidence (declared in the catalog's head) and the file."""
    kind, equals, path = text.partition("=")
    if not equals or not kind.strip() or not path:
        raise UserError("evidence.kinded_form", text=text, known=[k.id for k in catalog.meta.evidence_kinds])
    return named_kind(catalog, kind), Path(path)


def role_records(index: LogIndex) -> list[Record]:
    """The records of roles granted and revoked, in the order of the log (a few, however long the log)."""
    return [index.record_at(at) for at in index.roles_at]


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
    occurrence: int | None = None  # the occurrence to withdraw (default: the latest still live)
    subject_type: str | None = None  # the subject's type (--type), as typed: an id or a name


@dataclass(frozen=True)
class EventRecorded:
    unit: Unit
    request: EventRequest
    draft: Draft | None  # None: nothing changed (the event is recorded already)
    number: int = 1  # which occurrence of the kind for the subject it recorded, withdrew, or found
    occurrences: int = 1  # how many the subject has had, this one included
    moment: datetime | None = None  # when that occurrence happened
    catalog: Catalog | None = None  # the unit's: the name of the subject's type


def _named_kind(catalog: Catalog, token: str, kinds: list[str]) -> str:
    """A kind of event as typed: its id, or its name in either language (full-width or not,
    in any case); as typed if it is neither."""
    if token in kinds:
        return token
    folded = unicodedata.normalize("NFKC", token).strip().casefold()
    for declared in catalog.meta.events:
        names = (declared.name.zh, declared.name.en)
        if any(n is not None and unicodedata.normalize("NFKC", n).casefold() == folded for n in names):
            return declared.id
    return token


def record_event(session: Session, request: EventRequest) -> EventRecorded:
    """Record an event (a new admission, say) or withdraw one."""
    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    kind, subject, note = request.kind, typed_subject(request.subject), (request.note or "").strip() or None
    kinds = sorted({m.trigger.event for m in current.catalog.for_kind(unit.kind) if m.trigger})
    kind = _named_kind(current.catalog, kind, kinds)  # by its id, or by the name the catalog gives it (入监)
    request = replace(request, kind=kind)
    if kind not in kinds:
        named = current.catalog.kind_label(unit.kind)
        raise NotFound(
            "event.unknown_kind",
            closest(kind, kinds),
            kind=kind,
            unit_kind=unit.kind,
            unit_kind_name=named,
            known=[current.catalog.event_label(known) for known in kinds],  # by name where the catalog gives one
        )
    zone = ZoneInfo(current.catalog.meta.timezone)
    occurred = clock.parse(request.at, zone, "--at") if request.at else current.now
    # A kind some measure must be ready before (`deadline: {before: event}`) is recorded ahead of time
    planned = any(m.deadline and m.deadline.before and _kind(m) == kind for m in _triggered(current, unit))
    if occurred > current.now and not planned:
        raise UserError("event.in_future", at=occurred)
    if occurred < unit.started_at:
        raise UserError("event.before_start", at=occurred, started=unit.started_at)
    recorded = min(occurred, current.now)  # a planned event is recorded now: the clock must have reached that
    session.refuse_future(
        current.catalog,
        recorded,
        message("clock.event", kind=current.catalog.event_label(kind), subject=subject, at=occurred),
    )
    existing = _occurrences_of(index, kind, subject)
    if existing:
        subject = existing[0].subject  # as recorded: every occurrence and its withdrawal name the same subject
    typed = None if request.withdraw else subject_type(current.catalog, unit.kind, kind, request.subject_type)
    request = replace(request, subject=subject)
    count = index.occurrences(kind, subject)
    if request.withdraw:
        chosen = _to_withdraw(existing, request, current.catalog.event_label(kind), subject)
        if not note:
            raise UserError("event.withdraw_needs_reason")
        number, moment = chosen.number, chosen.moment
    else:
        if request.occurrence is not None:
            raise UserError("event.occurrence_new", occurrence=request.occurrence)
        same = next((h for h in existing if h.action == "event" and _minute(h.moment) == _minute(occurred)), None)
        if same is not None:  # the same kind, subject and time: recorded already
            return EventRecorded(unit, request, None, same.number, count, same.moment, current.catalog)
        number, moment, count = count + 1, occurred, count + 1
    draft = session.draft(
        unit,
        current.catalog,
        actor,
        "withdrawn" if request.withdraw else "event",
        event=kind,
        subject=subject,
        occurred=None if request.withdraw else occurred.astimezone(zone),
        # from a subject's second occurrence of the kind on, each record names its own
        occurrence=number if count > 1 else None,
        subject_type=typed,
        note=note,
    )
    anchors.append(session, unit, [draft], session.signer(actor), index)
    return EventRecorded(unit, request, draft, number, count, moment, current.catalog)


def _triggered(current: UnitStatus, unit: Unit) -> list[Measure]:
    return [m for m in current.catalog.for_kind(unit.kind) if m.trigger is not None]


def _kind(measure: Measure) -> str | None:
    return measure.trigger.event if measure.trigger is not None else None


def _minute(moment: datetime) -> datetime:
    """Events are told apart to the minute (as `--at` is typed): the same command run twice
    within a minute records one occurrence."""
    return moment.replace(second=0, microsecond=0)


def _to_withdraw(existing: list[Happening], request: EventRequest, kind: Text | str, subject: str) -> Happening:
    """The occurrence a withdrawal takes back: the one named, else the latest still live."""
    live = [h for h in existing if h.action == "event"]
    if request.occurrence is None:
        if not live:
            raise UserError("event.nothing_to_withdraw", kind=kind, subject=subject)
        return live[-1]
    found = next((h for h in live if h.number == request.occurrence), None)
    if found is None:
        choices = [{"occurrence": h.number, "at": h.moment} for h in live]
        raise UserError(
            "event.no_occurrence", kind=kind, subject=subject, occurrence=request.occurrence, choices=choices
        )
    return found


def _occurrences_of(index: LogIndex, kind: str, subject: str) -> list[Happening]:
    """Every occurrence of a kind of event for a subject (withdrawn ones too), first recorded
    first, also if the subject was recorded in another spelling, or settled for good
    (archived: brought back, so that a new one is numbered after them)."""
    _bring_back(index, subject)
    recorded = subject
    if not index.occurrences(kind, subject):
        spelt = next(
            (h.subject for h in index.events.values() if h.kind == kind and spelling(h.subject) == subject), None
        )
        recorded = spelt if spelt is not None else subject
    found = [
        index.events.get(event_key(kind, slot(recorded, n))) for n in range(1, index.occurrences(kind, recorded) + 1)
    ]
    return [h for h in found if h is not None]


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
    part: str | None = None  # for an item kept per part: whose alerts
    occurrence: int | None = None  # which occurrence of the subject's event (--occurrence)


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
    covered = _alerts_of(current.unacknowledged, item, request, current.catalog)
    draft = session.draft(
        unit,
        current.catalog,
        actor,
        "acknowledged",
        item=item.id,
        period=request.period,
        subject=covered[0].item.subject,  # as recorded
        part=covered[0].item.part,
        occurrence=covered[0].item.named_occurrence,
        note=reason,
    )
    anchors.append(session, unit, [draft], session.signer(actor), index)
    return Acknowledged(unit, current.catalog, actor, item, draft, covered)


def _alerts_of(alerts: list[Unacknowledged], item: Item, request: AckRequest, catalog: Catalog) -> list[Unacknowledged]:
    """The alerts an acknowledgement covers: the item's, of the subject and period named; an
    item kept per subject with alerts on several subjects needs one named."""
    measure, number = item.measure, item.number
    if request.subject is not None and measure.trigger is None:
        raise UserError("attest.not_per_subject", number=number, item=item.id)
    if request.period is not None and measure.cadence is None:
        raise UserError("attest.not_recurring", number=number, item=item.id)
    if request.part is not None and measure.per is None:
        raise UserError("attest.not_per_part", number=number, item=item.id)
    found = [alert for alert in alerts if alert.item.number == item.number]
    if request.part is not None:
        wanted = typed_part(request.part)
        found = [alert for alert in found if spelling(alert.item.part or "") == wanted]
    if request.occurrence is not None and request.subject is None:
        raise UserError("occurrence.needs_subject", occurrence=request.occurrence)
    if request.subject is not None:
        wanted = typed_subject(request.subject)  # a subject recorded in another spelling is still the same one
        found = [alert for alert in found if spelling(alert.item.subject or "") == wanted]
    if request.occurrence is not None:
        found = [alert for alert in found if alert.item.occurrence == request.occurrence]
    periods = [alert.period for alert in found if alert.period]
    if request.period is not None:
        found = [alert for alert in found if alert.period == request.period]
    if not found:
        subject, period = request.subject, request.period
        raise UserError("ack.nothing", number=number, item=item.id, subject=subject, period=period, periods=periods)
    subjects = list(dict.fromkeys(alert.item.subject or "" for alert in found))
    if len(subjects) > 1:
        raise UserError("ack.which_subject", number=number, item=item.id, subjects=subjects[:8], more=len(subjects) > 8)
    parts = list(dict.fromkeys(alert.item.part or "" for alert in found))
    if len(parts) > 1:
        raise UserError("ack.which_part", number=number, item=item.id, parts=parts[:8], more=len(parts) > 8)
    occurrences = sorted({alert.item.occurrence for alert in found})
    if len(occurrences) > 1:  # alerts of several occurrences of one subject's event: one is named
        choices = [
            {
                "occurrence": n,
                "at": next(a.item.event.moment for a in found if a.item.occurrence == n and a.item.event),
                "command": shlex.join(
                    ["checklist", "ack", str(number), "--subject", subjects[0], "--occurrence", str(n), "--reason", "…"]
                ),
            }
            for n in occurrences
        ]
        kind = catalog.event_label(measure.trigger.event) if measure.trigger else "?"
        raise UserError(
            "occurrence.which", number=number, item=item.id, kind=kind, subject=subjects[0], choices=choices
        )
    return found


@dataclass(frozen=True)
class RoleRequest:
    """A role granted to a person, or revoked, as typed."""

    person: str
    role: str
    revoke: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class RoleRecorded:
    unit: Unit
    catalog: Catalog
    actor: str
    role: str  # the role's id
    person: str  # as the grant spelled it
    draft: Draft | None  # None: nothing to record (the person holds the role already)
    since: Holding | None = None  # the holding a grant found, or a revocation ended


def record_role(session: Session, request: RoleRequest) -> RoleRecorded:
    """Grant a role of the catalog's head to a person, or revoke it; a grant of a role held
    already records nothing, a revocation of one not held is refused (naming who holds it)."""
    from ..core import names

    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    role = known_role(current.catalog, request.role)
    person = names.check(request.person, message("name.person"))
    note = (request.reason or "").strip() or None
    held = holdings(role_records(index), current.now)
    mine = next((h for h in held if h.role == role and names.same_person(h.holder, person)), None)
    if request.revoke and mine is None:
        holders = [h.holder for h in held if h.role == role]
        found = current.catalog.role(role)
        raise UserError(
            "role.not_held",
            person=person,
            role=role,
            role_name=found.name if found is not None else None,
            holders=holders,
            roles=roles_of(held, person),
        )
    if not request.revoke and mine is not None:
        return RoleRecorded(unit, current.catalog, actor, role, mine.holder, None, mine)
    what = message("clock.role", role=role, person=person, at=current.now)  # a grant takes effect at --now
    session.refuse_future(current.catalog, current.now, what)
    draft = session.draft(
        unit,
        current.catalog,
        actor,
        "revoked" if request.revoke else "granted",
        role=role,
        holder=mine.holder if mine is not None else person,  # as granted: the log names one person one way
        note=note,
    )
    anchors.append(session, unit, [draft], session.signer(actor), index)
    return RoleRecorded(unit, current.catalog, actor, role, draft.holder or person, draft, mine)


@dataclass(frozen=True)
class RolesView:
    unit: Unit
    catalog: Catalog
    now: datetime
    holdings: list[Holding]  # who holds which role now, and since when


def roles(session: Session) -> RolesView:
    """Who holds which role of the unit, since when and granted by whom."""
    unit = session.select_unit()
    current, index = session.view(unit)
    return RolesView(unit, current.catalog, current.now, holdings(role_records(index), current.now))
