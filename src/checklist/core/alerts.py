"""Which records raise an alert: a figure past its threshold, or an answer a field's alert
names, under the catalog the record was made with.

An alert stays until someone acknowledges it (the action `acknowledged`), so that a fever
reported on Monday does not vanish from view when Tuesday's report is normal. The fold keeps
what is not acknowledged yet (logindex.LogIndex.alerts); this module judges each record for
it. A record is judged by the catalog it names, as `done` flagged it when it was recorded:
the judgement is a function of the log and the catalogs kept in the store, both written
once, so a saved index and a fold from nothing always agree, and an upgrade to a catalog
with other thresholds raises no alert over records made before it.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from .decide import alerted
from .errors import DataError
from .models import Catalog, Measure, Record

# The catalog kept under a digest, None if the store does not keep it
Catalogs = Callable[[str], Catalog | None]


_JUDGED = 4096  # sets of figures a judge remembers


class Judge:
    """The fields of a record's figures past an alert of its measure, and the rules of its
    measure that hold (`rule:N`; none: no alert), read
    from the catalog the record names (loaded once per command); a catalog the store does not
    keep, or cannot read, raises no alert (`missing` names it)."""

    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs
        self._alerting: dict[str, tuple[ZoneInfo, dict[str, Measure]] | None] = {}  # digest -> zone, watched measures
        self._triggers: dict[str, dict[str, str]] = {}  # digest -> measure -> the kind of event that triggers it
        self._counted: dict[str, frozenset[str]] = {}  # digest -> the measures counted per period (`count`)
        self.missing: set[str] = set()
        self._judged: dict[tuple[object, ...], tuple[str, ...]] = {}  # what figures raised, by catalog and measure

    @classmethod
    def of(cls, *catalogs: Catalog) -> Judge:
        """A judge of records made with these catalogs."""
        known = {catalog.digest: catalog for catalog in catalogs}
        return cls(known.get)

    def __call__(self, record: Record) -> tuple[str, ...]:
        read = self._alerting.get(record.catalog, _UNREAD)
        if read is _UNREAD:
            read = self._alerting[record.catalog] = self._read(record.catalog)
        measure = read[1].get(record.item or "") if read else None
        if measure is None or read is None:
            return ()
        figures, answer = record.figures, record.answer
        try:  # a province's days repeat their figures (three zeros): each set is judged once
            values = tuple((field, type(value), value) for field, value in figures.items())  # 1, 1.0, True apart
            key = (record.catalog, measure.id, values, tuple(answer) if answer else None)
            return self._judged[key]
        except TypeError:  # a value that is a list (a multi-select's answers): judged each time
            return alerted(measure, figures, read[0]) + answer_alert(measure, answer)
        except KeyError:
            found = alerted(measure, figures, read[0]) + answer_alert(measure, answer)
            if len(self._judged) < _JUDGED:
                self._judged[key] = found
            return found

    def kind(self, record: Record) -> str | None:
        """The kind of event that triggers the record's item under the catalog it names ("": no
        event does; None: the catalog is not known): which of a subject's events a record of an
        older release concerns."""
        triggers = self._triggers.get(record.catalog)
        if triggers is None:
            try:
                catalog = self._catalogs(record.catalog)
            except DataError:
                catalog = None
            if catalog is None:
                return None
            triggers = self._triggers[record.catalog] = {m.id: m.trigger.event for m in catalog.measures if m.trigger}
        return triggers.get(record.item or "", "")  # "": a measure no event triggers

    def adds(self, record: Record) -> bool:
        """Whether a record is one more attestation of its period (of a measure counted per
        period: `count`), not a correction of it: a later value past no alert then leaves the
        period's alert standing (a fever at 08:00 is not undone by a normal reading at 14:00)."""
        if record.catalog not in self._alerting:
            self._alerting[record.catalog] = self._read(record.catalog)
        return (record.item or "") in self._counted.get(record.catalog, frozenset())

    def _read(self, digest: str) -> tuple[ZoneInfo, dict[str, Measure]] | None:
        try:
            catalog = self._catalogs(digest)
        except DataError:  # damaged, or of a newer format: verify names it
            catalog = None
        if catalog is None:
            self.missing.add(digest)
            return None
        self._counted[digest] = frozenset(m.id for m in catalog.measures if m.cadence and m.cadence.count)
        return ZoneInfo(catalog.meta.timezone), {m.id: m for m in catalog.measures if m.watched}


ANSWER = "answer"  # what names a question's answer among the fields of an alert


def answer_alert(measure: Measure, answer: list[str] | None) -> tuple[str, ...]:
    """`(ANSWER,)` when an answer is one its question's `alert` names, else nothing."""
    question = measure.question
    if answer is None or question is None or not question.alert:
        return ()
    return (ANSWER,) if any(a in question.alert for a in answer) else ()


_UNREAD: tuple[ZoneInfo, dict[str, Measure]] = (ZoneInfo("UTC"), {})
