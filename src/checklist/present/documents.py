"""Plain documents (dicts of JSON types) of the core's results, for `--json` and other programs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..core.agenda import Agenda
from ..core.agenda import Entry as AgendaEntry
from ..core.models import Catalog, Record
from ..core.status import STATES, ItemStatus, Tally, UnitStatus

if TYPE_CHECKING:
    from ..usecases.views import StatusView

JSON_FORMAT = 1


def _tally(tally: Tally, overdue: int = 0) -> dict[str, Any]:
    return {
        **{state: tally.counts[state] for state in STATES},
        "overdue": overdue,
        "total": tally.total,
        "percent_done": round(tally.percent, 1),
    }


def item_document(status: ItemStatus) -> dict[str, Any]:
    measure = status.item.measure
    return {
        "number": status.item.number,
        "id": measure.id,
        "state": status.state,
        "title": measure.title.model_dump(),
        "section": measure.section,
        "priority": measure.priority,
        "evidence": list(measure.evidence),
        "subject": status.item.subject,
        "period": status.period.key if status.period else None,
        "missed": list(status.missed),
        "streak": status.streak,
        "due": status.due.isoformat() if status.due else None,
        "opens": status.opens.isoformat() if status.opens else None,
        "overdue": status.overdue,
        "alerts": list(status.alerts),
        "changed_wording": status.changed,
        "latest": status.latest,
        "totals": status.totals,
        "today": status.today,
        "records": status.records,
        "last": record_document(status.last) if status.last else None,
    }


def items_document(unit_status: UnitStatus, statuses: Sequence[ItemStatus]) -> dict[str, Any]:
    return {"format": JSON_FORMAT, "unit": unit_status.unit.id, "items": [item_document(s) for s in statuses]}


def status_document(status: UnitStatus, newer: Catalog | None = None) -> dict[str, Any]:
    unit = status.unit
    return {
        "format": JSON_FORMAT,
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
            "started_with": unit.catalog.model_dump(),
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
    }


def record_document(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude_none=True)


def log_document(unit_id: str, records: Sequence[Record]) -> dict[str, Any]:
    return {"format": JSON_FORMAT, "unit": unit_id, "records": [record_document(r) for r in records]}


def subjects_document(status: UnitStatus, by_subject: dict[str, list[ItemStatus]]) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT,
        "unit": status.unit.id,
        "now": status.now.isoformat(),
        "subjects": [
            {
                "subject": subject,
                "event": items[0].item.event.kind if items[0].item.event else None,
                "occurred": _occurred(items[0]),
                "items": [item_document(i) for i in items],
            }
            for subject, items in sorted(by_subject.items())
        ],
    }


def _occurred(status: ItemStatus) -> str | None:
    event = status.item.event
    return event.moment.isoformat() if event else None


def agenda_document(status: UnitStatus, plan: Agenda) -> dict[str, Any]:
    def entries(found: list[AgendaEntry]) -> list[dict[str, Any]]:
        return [{**item_document(e.status), "command": e.command} for e in found]

    return {
        "format": JSON_FORMAT,
        "unit": status.unit.id,
        "now": status.now.isoformat(),
        "overdue": entries(plan.overdue),
        "today": entries(plan.today),
        "coming": entries(plan.coming),
        "attention": entries(plan.attention),
        "open": entries(plan.open),
    }


def all_units_document(views: Sequence[StatusView]) -> dict[str, Any]:
    return {"format": JSON_FORMAT, "units": [status_document(v.status, v.newer) for v in views]}
