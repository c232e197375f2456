"""Subjects settled for good, kept as counts.

A busy prison admits 5,000 people a year, and each admission brings four items (an exam, an
isolation, a health file, a release). Ten years on, 200,000 items are done; listing them,
folding them and judging each on every `status` would make the unit slower every day. Once
every item of a subject is settled for good — done, or waived with no end, approved where
its measure asks for a second person, and no alert left to acknowledge — nothing but a new
record can change it, whatever the clock says. Such a subject is *archived*: the index keeps how
many items of each measure were settled and how, and the subject's name (logindex.Archived);
status counts them in every total without listing them one by one. A record naming the
subject again brings it back (LogIndex.bring_back), read from the log.

What settles an item depends on the catalog the unit runs (which measures an event
triggers, which need approval, where alerts lie): `Rules` carry it, and name it by the
catalog's digest and the unit's start, so that an index archived under other rules (after an
upgrade) is folded again from the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from .logindex import NOT_FOR_TYPE, Entry, LogIndex, item_key
from .models import Catalog, Measure, Unit


class OtherRules(Exception):
    """The index was archived under other rules: it must be folded again from the log."""


@dataclass(frozen=True)
class Rules:
    digest: str  # the catalog and the unit's start they are made of
    triggered: dict[str, list[Measure]]  # kind of event -> the measures it triggers, in catalog order


def rules_for(catalog: Catalog, unit: Unit) -> Rules:
    triggered: dict[str, list[Measure]] = {}
    for measure in catalog.for_kind(unit.kind):
        if measure.trigger is not None:
            triggered.setdefault(measure.trigger.event, []).append(measure)
    # a recurring measure per subject is never settled for good: its next period comes; nor is a
    # question, whose answer (met, not met, unknown) status counts, which the archive does not keep
    kept = {
        kind: found for kind, found in triggered.items() if all(m.cadence is None and m.question is None for m in found)
    }
    return Rules(f"{catalog.digest}@{unit.started_at.isoformat()}", kept)


def letter(entry: Entry | None, measure: Measure, alerted: bool = False) -> str | None:
    """How an item is settled for good (logindex.STATES_OF_ARCHIVE), or None if it is not
    (also while it has an alert not acknowledged: `alerted`)."""
    if entry is None or alerted or not _for_good(entry, measure):
        return None
    letter = "D" if entry.action == "done" else "N"
    return letter.lower() if entry.wording is not None and not measure.worded_as(entry.wording) else letter


def _for_good(entry: Entry, measure: Measure) -> bool:
    """Done, with its approval if its measure needs one; or waived with no end, approved if
    the measure is critical (status.state_of)."""
    if entry.action == "done":
        return not measure.needs_approval or entry.approval_at is not None
    if entry.action == "na":
        return entry.until is None and (measure.priority != "critical" or entry.approval_at is not None)
    return False


def settle(index: LogIndex, rules: Rules) -> bool:
    """Archive every subject settled for good; True if any was. OtherRules if the index was
    archived under other rules."""
    if index.archived.rules != rules.digest:
        if not index.archived.empty:
            raise OtherRules(index.archived.rules)
        index.archived.rules = rules.digest
    archived = False
    for key, event in list(index.events.items()):
        measures = rules.triggered.get(event.kind)
        if event.action != "event" or not measures:
            continue
        where = event.slot  # each occurrence of the subject's events is settled, and archived, on its own
        keys = [item_key(m.id, where) for m in measures]
        letters = [
            letter(index.plain.get(key), m, key in index.alerts) if _serves(m, event.subject_type) else NOT_FOR_TYPE
            for key, m in zip(keys, measures, strict=True)
        ]
        if None in letters:
            continue
        for measure, found in zip(measures, letters, strict=True):
            if found != NOT_FOR_TYPE:
                del index.plain[item_key(measure.id, where)]
        del index.events[key]
        index.archived.add(event.kind, [m.id for m in measures], where, "".join(letters))  # type: ignore[arg-type]
        archived = True
    return archived


def _serves(measure: Measure, subject_type: str | None) -> bool:
    """Whether a subject of this type gets the measure's item (status.expand); one that does
    not is settled as far as the measure goes (NOT_FOR_TYPE)."""
    trigger = measure.trigger
    return trigger is None or trigger.subject_types is None or trigger.serves(subject_type)
