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
from .models import Catalog, FieldSpec, Record

# The catalog kept under a digest, None if the store does not keep it
Catalogs = Callable[[str], Catalog | None]


class Judge:
    """The fields of a record's figures past an alert of its measure (none: no alert), read
    from the catalog the record names (loaded once per command); a catalog the store does not
    keep, or cannot read, raises no alert (`missing` names it)."""

    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs
        self._alerting: dict[str, dict[str, list[FieldSpec]] | None] = {}  # digest -> measure -> fields
        self._counted: dict[str, frozenset[str]] = {}  # digest -> the measures counted per period (`count`)
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
        fields = measures.get(record.item or "") if measures else None
        if not fields:
            return ()
        return tuple(spec.id for spec in alerts(fields, record.figures))

    def adds(self, record: Record) -> bool:
        """Whether a record is one more attestation of its period (of a measure counted per
        period: `count`), not a correction of it: a later value past no alert then leaves the
        period's alert standing (a fever at 08:00 is not undone by a normal reading at 14:00)."""
        if record.catalog not in self._alerting:
            self._alerting[record.catalog] = self._read(record.catalog)
        return (record.item or "") in self._counted.get(record.catalog, frozenset())

    def _read(self, digest: str) -> dict[str, list[FieldSpec]] | None:
        try:
            catalog = self._catalogs(digest)
        except DataError:  # damaged, or of a newer format: verify names it
            catalog = None
        if catalog is None:
            self.missing.add(digest)
            return None
        self._counted[digest] = frozenset(m.id for m in catalog.measures if m.cadence and m.cadence.count)
        return {m.id: m.alerting for m in catalog.measures if m.alerting}


_UNREAD: dict[str, list[FieldSpec]] = {}
