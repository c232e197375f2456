"""The report as JSON (`checklist report --format json`): the reference the other formats are
checked against; its shape is `ReportDocument` in schemas.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.models import FigureValue
    from ..usecases.reports import DayFigures, Report, UnitReport
    from .schemas import ReportDayDocument, ReportDocument, ReportUnitDocument


def report_document(report: Report) -> ReportDocument:
    province = report.province
    return {
        "document": "report",
        "format": 1,
        "scope": report.scope,
        "first": report.period.first.isoformat(),
        "last": report.period.last.isoformat(),
        "now": report.now.isoformat(),
        "fields": [{"id": key, "zh": label.zh, "en": label.en} for key, label in report.labels.items()],
        "headline": {
            "units": province.units,
            "reporting": province.reporting,
            "missing": [s.unit.id for s in province.missing],
            "figures": _numbers(province.figures),
            "alerting": province.alerting,
            "overdue": province.overdue,
            "verified": report.verified,
            "intact": report.intact,
            "broken": list(report.broken),
        },
        "trend": [_day(d) for d in report.trend],
        "units": [_unit(u) for u in report.units],
    }


def _numbers(values: dict[str, FigureValue] | dict[str, int | float]) -> dict[str, FigureValue]:
    return dict(values)


def _day(day: DayFigures) -> ReportDayDocument:
    return {
        "day": day.day.isoformat(),
        "reported": day.values is not None,
        "reporting": day.reporting,
        "figures": dict(day.values) if day.values is not None else {},
        "alerts": list(day.alerts),
    }


def _unit(u: UnitReport) -> ReportUnitDocument:
    status = u.status
    tally = status.tally
    return {
        "id": status.unit.id,
        "name": status.unit.name,
        "kind": status.unit.kind,
        "reported": u.reported,
        "figures": dict(u.figures),
        "note": u.note,
        "progress": {
            "done": tally.done,
            "applicable": tally.applicable,
            "total": tally.total,
            "percent": round(tally.percent, 1),
        },
        "sections": [
            {
                "id": s.section.id,
                "done": s.tally.done,
                "applicable": s.tally.applicable,
                "total": s.tally.total,
                "percent": round(s.tally.percent, 1),
            }
            for s in status.sections
        ],
        "trend": [_day(d) for d in u.trend],
        "missed": [
            {
                "id": m.item.item.id,
                "number": m.item.item.number,
                "subject": m.item.item.subject,
                "part": m.item.item.part,
                "periods": list(m.periods),
            }
            for m in u.missed
        ],
        "overdue": [
            {"id": s.item.id, "number": s.item.number, "subject": s.item.subject, "part": s.item.part}
            for s in u.overdue
        ],
        "alerts": [
            {
                "id": a.item.id,
                "number": a.item.number,
                "subject": a.item.subject,
                "period": a.period,
                "fields": list(a.fields),
                "figures": dict(a.record.figures),
                "note": a.record.note,
                "by": a.record.actor,
                "at": (a.record.clock or a.record.at).isoformat(),
            }
            for a in u.alerts
        ],
        "approvals": [
            {
                "id": a.item.item.id,
                "number": a.item.item.number,
                "subject": a.item.item.subject,
                "given": a.given,
                "by": a.by,
                "at": a.at.isoformat() if a.at else None,
            }
            for a in u.approvals
        ],
        "signatures": None
        if u.signatures is None
        else {
            "intact": u.signatures.intact,
            "records": u.signatures.records,
            "signed": u.signatures.signed,
            "unsigned": u.signatures.unsigned,
            "problems": u.signatures.problems,
        },
    }
