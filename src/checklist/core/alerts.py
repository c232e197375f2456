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

from .errors import DataError
from .figures import alerts
from .models import Catalog, Measure, Record

# The catalog kept under a digest, None if the store does not keep it
Catalogs = Callable[[str], Catalog | None]


class Judge:
    """The fields of a record's figures past an alert of its measure (none: no alert), read
    from the catalog the record names (loaded once per command); a catalog the store does not
    keep, or cannot read, raises no alert (`missing` names it)."""

    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs
        self._alerting: dict[str, dict[str, Measure] | None] = {}  # digest -> measure id -> measure with alerts
        self.missing: set[str] = set()

    @classmethod
    def of(cls, *catalogs: Catalog) -> Judge:
        """A judge of records made with these catalogs."""
        known = {catalog.digest: catalog for catalog in catalogs}
        return cls(known.get)

    def __call__(self, record: Record) -> tuple[str, ...]:
        measures = self._alerting.get(record.catalog, _UNREAD)
        if measures is _UNREAD:
            measures = self._alerting[record.catalog] = self._read(record.catalog)
        measure = measures.get(record.item or "") if measures else None
        if measure is None:
            return ()
        found = tuple(spec.id for spec in alerts(measure.alerting, record.figures)) if record.figures else ()
        return found + answer_alert(measure, record.answer)

    def _read(self, digest: str) -> dict[str, Measure] | None:
        try:
            catalog = self._catalogs(digest)
        except DataError:  # damaged, or of a newer format: verify names it
            catalog = None
        if catalog is None:
            self.missing.add(digest)
            return None
        return {m.id: m for m in catalog.measures if m.alerting or (m.question and m.question.alert)}


ANSWER = "answer"  # what names a question's answer among the fields of an alert


def answer_alert(measure: Measure, answer: list[str] | None) -> tuple[str, ...]:
    """`(ANSWER,)` when an answer is one its question's `alert` names, else nothing."""
    question = measure.question
    if answer is None or question is None or not question.alert:
        return ()
    return (ANSWER,) if any(a in question.alert for a in answer) else ()


_UNREAD: dict[str, Measure] = {}
