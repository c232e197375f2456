"""Plain documents (dicts of JSON types) of the core's results, for `--json` and other programs.

Each document's shape is a TypedDict in schemas.py, imported here for type checking only: at
run time these build plain dicts, and `checklist schema --output NAME` prints the JSON Schema
of each. Every document carries its name (`document`) and its `format`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, cast

from ..core.agenda import Agenda, ack_command
from ..core.agenda import Entry as AgendaEntry
from ..core.alerts import ANSWER
from ..core.decide import complete, rule_of
from ..core.figures import LIMIT, usable
from ..core.models import Catalog, Measure, Record, Text
from ..core.status import Archived, ItemStatus, Tally, Unacknowledged, UnitStatus, owner_tallies
from .applicability import attributes_document
from .words import by_occurrence

if TYPE_CHECKING:
    from ..core.errors import Message, Problem
    from ..core.logindex import Part
    from ..usecases.parts import PartsView
    from ..usecases.recording import RolesView
    from ..usecases.views import Province, SupervisorView
    from .schemas import (
        AgendaDocument,
        AgendaEntryDocument,
        AlertDocument,
        ArchivedDocument,
        InvalidCatalogDocument,
        ItemDocument,
        ItemsDocument,
        LogDocument,
        PartDocument,
        PartsDocument,
        ProvinceHeadline,
        RecordDocument,
        ReportsToDocument,
        RolesDocument,
        RollupDocument,
        StatusAllDocument,
        StatusDocument,
        SubjectDocument,
        SubjectsDocument,
        TallyDocument,
        TextDocument,
        TimingDocument,
        UnusableDocument,
        ValidCatalogDocument,
    )


def _tally(tally: Tally, overdue: int = 0, questions: bool = False) -> TallyDocument:
    """How many items are in each state; with questions on the checklist, how many answers are
    met, not met and unknown, and the share met."""
    counts = tally.counts
    found: TallyDocument = {
        "done": counts["done"],
        "na": counts["na"],
        "partial": counts["partial"],
        "blocked": counts["blocked"],
        "awaiting": counts["awaiting"],
        "lapsed": counts["lapsed"],
        "open": counts["open"],
        "upcoming": counts["upcoming"],
        "inapplicable": counts["inapplicable"],
        "overdue": overdue,
        "total": tally.total,
        "percent_done": round(tally.percent_done, 1),
    }
    if questions:
        found["met"], found["not_met"], found["unknown"] = tally.met, tally.not_met, tally.unknown
        found["percent_met"] = round(tally.percent, 1)
    return found


def _text(text: Text) -> TextDocument:
    return {"zh": text.zh, "en": text.en}  # a language the catalog does not have is null


def item_document(status: ItemStatus, catalog: Catalog | None = None) -> ItemDocument:
    measure = status.item.measure
    found: ItemDocument = {
        "number": status.item.number,
        "id": measure.id,
        "state": status.state,
        "title": _text(measure.title),
        "detail": _text(measure.detail) if measure.detail else None,
        "guidance": _text(measure.guidance) if measure.guidance else None,
        "section": measure.section,
        "priority": measure.priority,
        "evidence": list(measure.evidence),
        "subject": status.item.subject,
        "occurrence": status.item.occurrence if status.item.subject is not None else None,
        "period": status.period.key if status.period else None,
        "missed": list(status.missed),
        "streak": status.streak,
        "due": status.due.isoformat() if status.due else None,
        "opens": status.opens.isoformat() if status.opens else None,
        "ready": status.ready.isoformat() if status.ready else None,
        "overdue": status.overdue,
        "alerts": list(status.alerts),
        "instructions": _instructions(measure, status.alerts),
        "changed_wording": status.changed,
        "latest": status.latest,
        "totals": status.totals,
        "today": status.today,
        "records": status.records,
        "last": record_document(status.last) if status.last else None,
        "unacknowledged_alerts": status.unacknowledged,
        "part": status.item.part,
        "rollup": _rollup(status),
        "inapplicable_while": dict(status.inapplicable) if status.inapplicable else None,
        "when": {name: sorted(values) for name, values in measure.conditions.items()} or None,
        "owner": measure.owner,
        "approver": measure.approver,
        "reports_to": _reports_to(measure.reports_to, catalog) if measure.reports_to else None,
        "evidence_given": kinds_given(status.last) if status.last else [],
        "timing": timing_document(status),
    }
    if measure.question is not None:  # a measure that asks a question: its answer, and whether it is met
        found["answer"] = list(status.answer) if status.answer is not None else None
        found["verdict"] = status.verdict
    return found


def timing_document(status: ItemStatus) -> TimingDocument:
    """Fixed-time rounds, counted attestations, standing reviews, days in force, the event."""
    measure, period = status.item.measure, status.period
    in_force, made = measure.in_force, status.counted
    reviewed = status.reviewed.last if status.reviewed is not None else None
    return {
        "round": period.key[11:] if period is not None and measure.cadence and measure.cadence.at else None,
        "made": made[0] if made else None,
        "needed": made[1] if made else None,
        "standing": measure.standing is not None,
        "reviewed": status.reviewed_period,
        "reviewed_at": (reviewed.clock or reviewed.at).isoformat() if reviewed is not None else None,
        "in_force_from": in_force.from_.isoformat() if in_force and in_force.from_ else None,
        "in_force_until": in_force.until.isoformat() if in_force and in_force.until else None,
        "event_at": status.item.event.moment.isoformat() if status.item.event else None,
    }


def _rollup(status: ItemStatus) -> RollupDocument | None:
    """Unit parts: how the parts of a measure kept per part stand, for the unit's item."""
    if status.parts is None:
        return None
    missing = [p.item.part or "" for p in status.parts if p.state not in ("done", "na")]
    done = len(status.parts) - len(missing)
    return {"kind": status.item.measure.per or "", "done": done, "total": len(status.parts), "missing": missing}


def _with_parts(statuses: Iterable[ItemStatus]) -> list[ItemStatus]:
    """Each item, followed by its parts' items (a measure kept per part)."""
    return [found for status in statuses for found in (status, *(status.parts or ()))]


def part_document(part: Part, tallies: dict[str, Tally]) -> PartDocument:
    tallied = tallies.get(part.id)
    return {
        "id": part.id,
        "kind": part.kind,
        "name": part.name,
        "added": part.added.isoformat(),
        "retired": part.retired.isoformat() if part.retired else None,
        "totals": _tally(tallied) if tallied is not None and part.retired is None else None,
    }


def parts_document(view: PartsView) -> PartsDocument:
    tallies = view.tallies
    return {
        "document": "parts",
        "format": 1,
        "unit": view.status.unit.id,
        "kinds": [{"id": kind.id, "name": _text(kind.name)} for kind in view.kinds],
        "parts": [part_document(part, tallies) for part in view.parts],
    }


def kinds_given(record: Record) -> list[str]:
    """The named kinds of evidence a record gives, each once, in the order of its files."""
    return list(dict.fromkeys(kind for file in record.evidence if (kind := file.kind_id) is not None))


def _reports_to(recipient: Text | str, catalog: Catalog | None) -> ReportsToDocument:
    if isinstance(recipient, Text):
        return {"role": None, "name": _text(recipient)}
    role = catalog.role(recipient) if catalog is not None else None
    return {"role": recipient, "name": _text(role.name) if role else {"zh": None, "en": recipient}}


def items_document(
    unit_status: UnitStatus, statuses: Sequence[ItemStatus], archived: Sequence[Archived] = ()
) -> ItemsDocument:
    return {
        "document": "items",
        "format": 3,
        "unit": unit_status.unit.id,
        "items": [item_document(s, unit_status.catalog) for s in _with_parts(statuses)],
        "archived": [archived_document(a) for a in archived],
    }


def archived_document(group: Archived) -> ArchivedDocument:
    return {
        "number": group.item.number,
        "id": group.item.id,
        "done": group.done,
        "na": group.na,
        "changed_wording": group.changed,
    }


def status_document(status: UnitStatus, newer: Catalog | None = None, roles: list[str] | None = None) -> StatusDocument:
    unit = status.unit
    started_with = unit.catalog
    asks = any(m.question is not None for m in status.catalog.for_kind(unit.kind))  # met and not met apart
    return {
        "document": "status",
        "format": 1,
        "unit": {
            "id": unit.id,
            "name": unit.name,
            "kind": unit.kind,
            "started_at": unit.started_at.isoformat(),
            "started_by": unit.started_by,
        },
        "catalog": {
            "name": status.catalog.meta.name,
            "version": status.catalog.meta.version,
            "digest": status.catalog.digest,
            "started_with": {
                "name": started_with.name,
                "version": started_with.version,
                "digest": started_with.digest,
                "path": started_with.path,
            },
            "newer": {"version": newer.meta.version, "digest": newer.digest} if newer else None,
        },
        "retired": status.orphans,
        "totals": _tally(status.tally, len(status.overdue), asks),
        "sections": [
            {"id": s.section.id, **_tally(s.tally, sum(1 for i in s.items if i.overdue), asks)} for s in status.sections
        ],
        "now": status.now.isoformat(),
        "day": status.days,
        "critical_open": [s.item.id for s in status.critical_open],
        "recurring": [
            {
                "number": s.item.number,
                "id": s.item.id,
                "subject": s.item.subject,
                "occurrence": s.item.occurrence if s.item.subject is not None else None,
                "period": s.period.key if s.period else None,
                "state": s.state,
                "missed": list(s.missed),
                "streak": s.streak,
                "part": s.item.part,
                "timing": timing_document(s),
            }
            for s in status.recurring
        ],
        "overdue": [
            {
                "id": s.item.id,
                "subject": s.item.subject,
                "part": s.item.part,
                "occurrence": s.item.occurrence if s.item.subject else None,
            }
            for s in _overdue(status)
        ],
        "headlines": [
            {
                "id": h.item.item.id,
                "reported_today": h.reported_today,
                "values": h.values,
                "days_at_zero": h.days_at_zero,
            }
            for h in status.headlines
        ],
        "last_record_at": status.last_record.at.isoformat() if status.last_record else None,
        "records_for_unknown_items": status.orphans,
        "replayed_clock": status.replayed,
        "unusable": [_unusable(problem) for problem in status.unusable],
        "archived": [archived_document(a) for a in status.archived],
        "archived_subjects": status.archived_subjects,
        "unacknowledged_alerts": [
            alert_document(a, ack_command(a, status.command_unit)) for a in status.unacknowledged
        ],
        "parts": _parts(status),
        "attributes": attributes_document(status),
        "owners": [{"role": role, **_tally(tally, overdue)} for role, tally, overdue in owner_tallies(status)],
        "roles": roles,
        "place": list(status.place),
    }


def _instructions(measure: Measure, alerts: Sequence[str]) -> list[TextDocument]:
    """The instructions of the decision rules among an item's alerts (`rule:N`)."""
    return [_text(rule.then) for name in alerts if (rule := rule_of(measure, name)) is not None]


def _overdue(status: UnitStatus) -> list[ItemStatus]:
    """The items overdue: of a measure kept per part, each part's."""
    return [found for s in status.overdue for found in (s.parts or [s]) if found.overdue]


def _parts(status: UnitStatus) -> list[PartDocument]:
    """Unit parts: every part of the unit (retired ones too), the active ones with their totals."""
    tallies = status.part_tallies()
    return [part_document(part, tallies) for part in status.parts]


def alert_document(alert: Unacknowledged, command: str) -> AlertDocument:
    record = alert.record
    measure = alert.item.measure
    values = complete(measure, record.figures) if measure.computations else record.figures
    found: AlertDocument = {
        "number": alert.item.number,
        "id": alert.item.id,
        "subject": alert.item.subject,
        "occurrence": alert.item.occurrence if alert.item.subject is not None else None,
        "period": alert.period,
        "values": {name: values[name] for name in alert.fields if name in values},
        "instructions": _instructions(measure, alert.fields),
        "recorded_at": record.at.isoformat(),
        "recorded_by": record.actor,
        "record": record.id,
        "seq": record.seq,
        "command": command,
        "part": alert.item.part,
    }
    if ANSWER in alert.fields:  # raised by a question's answer
        found["answer"] = list(record.answer or ())
    return found


def _unusable(problem: Message) -> UnusableDocument:
    from .messages import text

    seq, record_id = problem.params["seq"], problem.params["id"]
    return {"seq": seq if isinstance(seq, int) else None, "id": str(record_id), "problem": text(problem)}


def record_document(record: Record) -> RecordDocument:
    # The record as it is written to the log (its JSON types: a UTC time ends in Z); a test
    # holds RecordDocument to Record's fields. A figure no count can be (NaN, infinity, past
    # 10^15: see figures.usable) is given as text, as JSON has no NaN or infinity.
    dumped = record.dump()
    if not all(usable(value) for value in record.figures.values()):
        dumped["figures"] = {name: value if usable(value) else str(value) for name, value in record.figures.items()}
    return cast("RecordDocument", dumped)


def log_document(unit_id: str, records: Sequence[Record]) -> LogDocument:
    return {"document": "log", "format": 3, "unit": unit_id, "records": [record_document(r) for r in records]}


def log_json(unit_id: str, batches: Iterable[Sequence[Record]]) -> Iterator[bytes]:
    """The `log` document as `print_json` prints `log_document` (UTF-8, indented by two, a
    test holds the two to the same bytes), made a batch of records at a time as they are
    read: the memory of a batch, whatever the log's length (see `log_records`)."""
    yield log_json_head(unit_id)
    separator = b"\n"
    for batch in batches:
        if batch:
            yield separator + log_records(batch)
            separator = b",\n"
    yield log_json_end(separator != b"\n")


def log_json_head(unit_id: str) -> bytes:
    import json

    head = json.dumps({"document": "log", "format": 3, "unit": unit_id}, ensure_ascii=False, indent=2)[:-2]
    return (head + ',\n  "records": [').encode()


def log_json_end(any_record: bool) -> bytes:
    return b"\n  ]\n}\n" if any_record else b"]\n}\n"


def log_records(batch: Sequence[Record]) -> bytes:
    """Records of the `log` document, indented by four and joined by ",\n" (as json writes them
    inside it). A batch is encoded by msgspec in one call and indented by it, in C; a batch
    with a record whose figures Python's json writes otherwise (a float under 10^-4, written
    with an exponent; a figure given as text: see `record_document`), or that msgspec cannot
    encode (a lone surrogate read from an escape), is written by json, as `print_json` does."""
    import msgspec

    try:
        if not all(_writes_alike(record) for record in batch if record.figures):
            raise ValueError("written by json")
        whole = msgspec.json.format(b"[" + msgspec.json.encode(batch) + b"]", indent=2)
        return whole[6:-6]  # the records inside "[\n  [\n" and "\n  ]\n]", indented by four
    except (ValueError, TypeError, msgspec.EncodeError):
        import json

        documents = [json.dumps(record_document(r), ensure_ascii=False, indent=2) for r in batch]
        text = ",\n".join("\n".join("    " + line for line in d.split("\n")) for d in documents)
        return text.encode("utf-8", "surrogatepass")


def _writes_alike(record: Record) -> bool:
    """Whether msgspec writes a record's figures as Python's json does."""
    for value in record.figures.values():
        if isinstance(value, bool | str):
            continue
        if not isinstance(value, int | float) or not -LIMIT <= value <= LIMIT:  # NaN is not within
            return False
        if isinstance(value, float) and value != 0 and abs(value) < 1e-4:
            return False
    return True


def subjects_document(status: UnitStatus, by_subject: dict[str, list[ItemStatus]]) -> SubjectsDocument:
    return {
        "document": "subjects",
        "format": 3,
        "unit": status.unit.id,
        "now": status.now.isoformat(),
        "subjects": [
            _subject(subject, items, status.catalog) for subject, items in sorted(by_subject.items(), key=by_occurrence)
        ],
        "archived_subjects": status.archived_subjects,
    }


def _subject(subject: str, items: list[ItemStatus], catalog: Catalog) -> SubjectDocument:
    event = items[0].item.event
    return {
        "subject": items[0].item.subject or subject,  # the person; `occurrence` says which of their events
        "occurrence": items[0].item.occurrence,
        "event": event.kind if event else None,
        "occurred": event.moment.isoformat() if event else None,
        "subject_type": event.subject_type if event else None,
        "items": [item_document(i, catalog) for i in items],
    }


def agenda_document(status: UnitStatus, plan: Agenda, roles: list[str] | None = None) -> AgendaDocument:
    def entries(found: list[AgendaEntry]) -> list[AgendaEntryDocument]:
        return [{**item_document(e.status, status.catalog), "command": e.command} for e in found]

    return {
        "document": "agenda",
        "format": 2,
        "unit": status.unit.id,
        "now": status.now.isoformat(),
        "overdue": entries(plan.overdue),
        "today": entries(plan.today),
        "coming": entries(plan.coming),
        "attention": entries(plan.attention),
        "open": entries(plan.open),
        "acknowledge": [alert_document(e.alert, e.command) for e in plan.alerts],
        "roles": roles,
    }


def _province_headline(province: Province) -> ProvinceHeadline:
    return {
        "units": province.units,
        "reporting": province.reporting,
        "missing": [s.unit.id for s in province.missing],
        "figures": dict(province.figures),
        "alerting": province.alerting,
        "overdue": province.overdue,
    }


def all_units_document(view: SupervisorView) -> StatusAllDocument:
    histories = view.histories
    first = next(iter(histories.values()), None) if histories else None
    from .rollup import status_all_document

    document = status_all_document(
        _province_headline(view.province),
        view.sort,
        view.filters,
        [status_document(v.status, v.newer) for v in view.units],
        view.total,
        view.node,
    )
    if view.rollups is not None:
        document["by_node"] = [
            {"node": list(r.node), "name": r.name, "headline": _province_headline(r.province)} for r in view.rollups
        ]
    if histories is not None:
        document["days"] = [day.isoformat() for day in first.days] if first is not None else []
        document["history"] = [
            {
                "unit": v.status.unit.id,
                "marks": list(histories[v.status.unit.id].marks),
                "missing_run": histories[v.status.unit.id].missing_run,
            }
            for v in view.units
        ]
    return document


def valid_catalog_document(
    catalog: Catalog, warnings: Sequence[Problem] = (), lang: str = "en"
) -> ValidCatalogDocument:
    from .messages import problem_document

    return {
        "document": "validation",
        "format": 1,
        "valid": True,
        "name": catalog.meta.name,
        "version": catalog.meta.version,
        "digest": catalog.digest,
        "measures": len(catalog.measures),
        "warnings": [problem_document(w, lang) for w in warnings],
    }


def invalid_catalog_document(
    problems: Sequence[Problem], warnings: Sequence[Problem] = (), lang: str = "en"
) -> InvalidCatalogDocument:
    from .messages import problem_document

    return {
        "document": "validation",
        "format": 1,
        "valid": False,
        "problems": [problem_document(p, lang) for p in problems],
        "warnings": [problem_document(w, lang) for w in warnings],
    }


def roles_document(view: RolesView) -> RolesDocument:
    return {
        "document": "roles",
        "format": 1,
        "unit": view.unit.id,
        "now": view.now.isoformat(),
        "roles": [
            {
                "id": role.id,
                "name": _text(role.name),
                "holders": [
                    {"holder": h.holder, "since": h.since.isoformat(), "by": h.by, "note": h.note}
                    for h in view.holdings
                    if h.role == role.id
                ],
            }
            for role in view.catalog.meta.roles
        ],
    }
