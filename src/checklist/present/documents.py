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
from ..core.figures import LIMIT, usable
from ..core.models import Catalog, Record, Text
from ..core.status import Archived, ItemStatus, Tally, Unacknowledged, UnitStatus

if TYPE_CHECKING:
    from ..core.errors import Message, Problem
    from ..usecases.views import StatusView
    from .schemas import (
        AgendaDocument,
        AgendaEntryDocument,
        AlertDocument,
        ArchivedDocument,
        InvalidCatalogDocument,
        ItemDocument,
        ItemsDocument,
        LogDocument,
        RecordDocument,
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


def _tally(tally: Tally, overdue: int = 0) -> TallyDocument:
    counts = tally.counts
    return {
        "done": counts["done"],
        "na": counts["na"],
        "partial": counts["partial"],
        "blocked": counts["blocked"],
        "awaiting": counts["awaiting"],
        "lapsed": counts["lapsed"],
        "open": counts["open"],
        "upcoming": counts["upcoming"],
        "overdue": overdue,
        "total": tally.total,
        "percent_done": round(tally.percent, 1),
    }


def _text(text: Text) -> TextDocument:
    return {"zh": text.zh, "en": text.en}  # a language the catalog does not have is null


def item_document(status: ItemStatus) -> ItemDocument:
    measure = status.item.measure
    return {
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
        "period": status.period.key if status.period else None,
        "missed": list(status.missed),
        "streak": status.streak,
        "due": status.due.isoformat() if status.due else None,
        "opens": status.opens.isoformat() if status.opens else None,
        "ready": status.ready.isoformat() if status.ready else None,
        "overdue": status.overdue,
        "alerts": list(status.alerts),
        "changed_wording": status.changed,
        "latest": status.latest,
        "totals": status.totals,
        "today": status.today,
        "records": status.records,
        "last": record_document(status.last) if status.last else None,
        "unacknowledged_alerts": status.unacknowledged,
        "timing": timing_document(status),
    }


def timing_document(status: ItemStatus) -> TimingDocument:
    """Fixed-time rounds, counted attestations, standing reviews, days in force, the event."""
    measure, period = status.item.measure, status.period
    in_force, made = measure.in_force, status.occurrences
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


def items_document(
    unit_status: UnitStatus, statuses: Sequence[ItemStatus], archived: Sequence[Archived] = ()
) -> ItemsDocument:
    return {
        "document": "items",
        "format": 3,
        "unit": unit_status.unit.id,
        "items": [item_document(s) for s in statuses],
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


def status_document(status: UnitStatus, newer: Catalog | None = None) -> StatusDocument:
    unit = status.unit
    started_with = unit.catalog
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
        "totals": _tally(status.tally, len(status.overdue)),
        "sections": [
            {"id": s.section.id, **_tally(s.tally, sum(1 for i in s.items if i.overdue))} for s in status.sections
        ],
        "now": status.now.isoformat(),
        "day": status.days,
        "critical_open": [s.item.id for s in status.critical_open],
        "recurring": [
            {
                "number": s.item.number,
                "id": s.item.id,
                "subject": s.item.subject,
                "period": s.period.key if s.period else None,
                "state": s.state,
                "missed": list(s.missed),
                "streak": s.streak,
                "timing": timing_document(s),
            }
            for s in status.recurring
        ],
        "overdue": [{"id": s.item.id, "subject": s.item.subject} for s in status.overdue],
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
    }


def alert_document(alert: Unacknowledged, command: str) -> AlertDocument:
    record = alert.record
    return {
        "number": alert.item.number,
        "id": alert.item.id,
        "subject": alert.item.subject,
        "period": alert.period,
        "values": {name: record.figures[name] for name in alert.fields if name in record.figures},
        "recorded_at": record.at.isoformat(),
        "recorded_by": record.actor,
        "record": record.id,
        "seq": record.seq,
        "command": command,
    }


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
        "subjects": [_subject(subject, items) for subject, items in sorted(by_subject.items())],
        "archived_subjects": status.archived_subjects,
    }


def _subject(subject: str, items: list[ItemStatus]) -> SubjectDocument:
    event = items[0].item.event
    return {
        "subject": subject,
        "event": event.kind if event else None,
        "occurred": event.moment.isoformat() if event else None,
        "items": [item_document(i) for i in items],
    }


def agenda_document(status: UnitStatus, plan: Agenda) -> AgendaDocument:
    def entries(found: list[AgendaEntry]) -> list[AgendaEntryDocument]:
        return [{**item_document(e.status), "command": e.command} for e in found]

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
    }


def all_units_document(views: Sequence[StatusView]) -> StatusAllDocument:
    return {"document": "status-all", "format": 1, "units": [status_document(v.status, v.newer) for v in views]}


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
