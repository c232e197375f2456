"""The shape of every `--json` document: a TypedDict per document and per nested object, and
the JSON Schema of each, generated from them.

The functions that build the documents (documents.py, verdicts.py, messages.py) return these
types, so mypy --strict checks every key and the type of every value; at run time they build
plain dicts and import this module only for type checking. Only `checklist schema --output
NAME` imports it, to generate a schema with pydantic.

Every document carries its name (`document`) and its `format`. Within a format keys are only
added; a format is raised when a key's meaning or type changes — the `Literal` of `format`
here and the value its builder writes change together (mypy holds them to each other).
Every object is closed (`additionalProperties: false`), so that a key the schema does not
know fails validation, and the tests validate real output against these schemas.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from ..core.errors import NotFound
from ..core.models import Action, FigureValue, Priority
from ..core.status import State

DRAFT = "https://json-schema.org/draft/2020-12/schema"
CATALOG = "catalog"  # the schema of measure files, not of a --json document
BUNDLE = "bundle"  # the schema of a bundle's payload (`checklist export`), not of a --json document

closed = with_config(ConfigDict(extra="forbid"))


def about(description: str) -> Any:
    """A field's description in the generated schema."""
    return Field(description=description)


Moment = Annotated[str, Field(json_schema_extra={"format": "date-time"})]  # ISO 8601, with its UTC offset
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]  # YYYY-MM-DD


# The parts shared by several documents.


@closed
class TextDocument(TypedDict):
    """A text of the catalog in both languages (null: a language the catalog does not give it in)."""

    zh: str | None
    en: str | None


@closed
class EvidenceDocument(TypedDict):
    """An evidence file a record names."""

    name: Annotated[str, about("the file's name when it was attested")]
    size: Annotated[int, about("its size in bytes")]
    sha256: Annotated[str, about("the SHA-256 of its bytes, in hex")]
    stored: Annotated[bool, about("whether a copy is kept in the store's evidence/ folder")]
    kind: NotRequired[
        Annotated[str, about("the named kind of evidence it was attached as (`register`), of the catalog's head")]
    ]


@closed
class SignatureDocument(TypedDict):
    """The signature of a record: Ed25519, over the record without its `sig` field."""

    key: Annotated[str, about("the signing key's id, `ed25519:` and 16 hex digits")]
    alg: Literal["ed25519"]
    value: Annotated[str, about("the signature, base64")]


@closed
class RecordDocument(TypedDict):
    """One record of a unit's log, as it was written: fields without a value are left out
    (README, "The store", describes each)."""

    v: Annotated[
        Literal[1, 2, 3, 4, 5, 6],
        about(
            "the record's format: 6 for a unit's place in the hierarchy (`placed`); "
            "5 for what release 0.4.0 cannot read (an answer, a multi field's answers, a "
            "unit's part, an occurrence, a change of the unit's attributes, an event's subject type, a role "
            "granted or revoked, evidence of a named kind); "
            "4 for an acknowledgement of alerts, else 3; 2 before `clock`; "
            "1 for a record written before records were chained"
        ),
    ]
    id: Annotated[str, about("a unique id, 32 hex digits")]
    unit: str
    item: NotRequired[Annotated[str, about("the measure's id; absent for an event, a withdrawal or an upgrade")]]
    action: Action
    actor: Annotated[str, about("who made the record")]
    at: Annotated[Moment, about("when it was written: always the real time")]
    clock: NotRequired[Annotated[Moment, about("made with a replayed clock: the moment `--now` set it to (format 3)")]]
    period: NotRequired[Annotated[str, about("for a recurring measure: the period the record covers")]]
    subject: NotRequired[Annotated[str, about("for an item kept per subject, or an event: whom it concerns")]]
    part: NotRequired[Annotated[str, about("for an item kept per part, or a part added or retired: the unit's part")]]
    part_kind: NotRequired[Annotated[str, about("for a part added: its kind of part (format 5)")]]
    part_name: NotRequired[Annotated[str, about("for a part added: its name (format 5)")]]
    event: NotRequired[Annotated[str, about("for an event or a withdrawal: the kind of event")]]
    occurred: NotRequired[Annotated[Moment, about("for an event: when it happened")]]
    occurrence: NotRequired[
        Annotated[
            int, about("which occurrence of the subject's event it concerns, where it has had several (format 5)")
        ]
    ]
    subject_type: NotRequired[Annotated[str, about("for an event: the type of its subject (format 5)")]]
    attributes: NotRequired[
        Annotated[dict[str, str], about("for set: the unit's attributes given new values, by id (format 5)")]
    ]
    until: NotRequired[Annotated[Day, about("for a waiver (na): its last day")]]
    approves: NotRequired[Annotated[str, about("for an approval: the id of the record approved")]]
    measure: NotRequired[Annotated[str, about("a hash of the measure's wording when it was attested")]]
    note: NotRequired[Annotated[str, about("the note, or the reason")]]
    figures: Annotated[dict[str, FigureValue], about("recorded figures, by field id")]
    evidence: list[EvidenceDocument]
    catalog: Annotated[str, about("the hash of the catalog the unit ran")]
    answer: NotRequired[Annotated[list[str], about("a question's answer, by answer id (format 5)")]]
    role: NotRequired[Annotated[str, about("for a role granted or revoked: the role's id (format 5)")]]
    holder: NotRequired[Annotated[str, about("for a role granted or revoked: the person (format 5)")]]
    place: NotRequired[
        Annotated[list[str], about("for placed: the bodies the unit reports to, from the top down (format 6)")]
    ]
    sig: NotRequired[SignatureDocument]
    seq: NotRequired[Annotated[int, about("the record's number in the unit's log (format 2)")]]
    prev: NotRequired[Annotated[str, about("the SHA-256 of the line before, `sha256:` and 64 hex digits (format 2)")]]


@closed
class ReportsToDocument(TypedDict):
    """Who receives a measure's report: a role of the catalog's head, or a text."""

    role: Annotated[str | None, about("the role's id, when the recipient is a role")]
    name: TextDocument


@closed
class ItemDocument(TypedDict):
    """An item of a unit's checklist (a measure, for one subject if it is kept per subject) and
    where it stands."""

    number: Annotated[int, about("its number in `checklist list`, which `checklist done N` takes")]
    id: Annotated[str, about("the measure's id")]
    state: State
    title: TextDocument
    detail: Annotated[TextDocument | None, about("what the source says (the catalog's own words: guidance)")]
    guidance: Annotated[TextDocument | None, about("the catalog authors' own advice, apart from the source")]
    section: Annotated[str, about("the id of its section")]
    priority: Priority
    evidence: Annotated[
        list[str], about("what an attestation of it must carry: note, file, figures, or a named kind of evidence")
    ]
    owner: Annotated[str | None, about("the role that owns the measure (its id), if the catalog names one")]
    approver: Annotated[str | None, about("the role whose holder must approve a done (its id), if any")]
    reports_to: Annotated[
        ReportsToDocument | None, about("for a reporting measure: who receives the report, if the catalog says")
    ]
    evidence_given: Annotated[
        list[str], about("the named kinds of evidence the latest record gives (files attached as a kind)")
    ]
    subject: Annotated[str | None, about("whom the item concerns, for a measure kept per subject (an event's)")]
    occurrence: Annotated[
        int | None,
        about("which occurrence of the subject's event (1: the first recorded; a second admission of one person is 2)"),
    ]
    period: Annotated[str | None, about("for a recurring measure: its current period (null on a day it is not due)")]
    missed: Annotated[list[str], about("for a recurring measure: earlier periods neither done nor waived")]
    streak: Annotated[int, about("for a recurring measure: periods done in a row, up to the current one")]
    due: Annotated[Moment | None, about("its deadline")]
    opens: Annotated[Moment | None, about("for an item of a subject that does not open yet: when it opens")]
    ready: Annotated[
        Moment | None,
        about("an item that lasts a window (a 14-day stay): when its last day begins, if still to come"),
    ]
    overdue: Annotated[bool, about("past its deadline and not done or waived")]
    alerts: Annotated[
        list[str],
        about(
            "fields whose latest value (a computed one too) crosses its alert threshold, and `rule:N` for each"
            " decision rule of the measure that holds (N counts its rules from 1)"
        ),
    ]
    instructions: Annotated[list[TextDocument], about("the instructions of the decision rules that hold (`rule:N`)")]
    changed_wording: Annotated[bool, about("attested against an earlier wording of the measure")]
    latest: Annotated[
        dict[str, FigureValue],
        about(
            "the latest value of each field, computed fields worked out (none when a figure they read is missing);"
            " a date as YYYY-MM-DD, a date-time as ISO 8601 with its offset, a multi field as a list of its choices"
        ),
    ]
    totals: Annotated[
        dict[str, float],
        about(
            "for a recurring measure: each number field since the start, as the field's `aggregate` says (sum,"
            " latest, min, max, or mean over the periods that reported it; a field with `aggregate: none` is absent)"
        ),
    ]
    today: Annotated[
        dict[str, float],
        about("for a recurring measure: each number field over today's periods, as the field's `aggregate` says"),
    ]
    records: Annotated[int, about("how many records the item (of its current period) has")]
    last: Annotated[RecordDocument | None, about("the record that put the item in its state")]
    timing: TimingDocument
    unacknowledged_alerts: Annotated[
        int, about("alerts recorded on it (in any period) not acknowledged yet: `status` lists them")
    ]
    inapplicable_while: Annotated[
        dict[str, str] | None,
        about("state inapplicable: the unit's attributes (id -> value now) its conditions do not hold on"),
    ]
    when: Annotated[
        dict[str, list[str]] | None,
        about("the measure's conditions: attribute id -> the values it applies under (null: none)"),
    ]
    answer: NotRequired[
        Annotated[
            list[str] | None,
            about("for a measure that asks a question: its answer (ids: yes, no, unknown, a choice's), null if none"),
        ]
    ]
    verdict: NotRequired[
        Annotated[
            Literal["met", "not_met", "unknown"] | None,
            about("for a question: whether its answer counts as met (`no` is recorded, not met); null without one"),
        ]
    ]
    part: NotRequired[
        Annotated[str | None, about("for a measure kept per part: the unit's part (a block) the item is kept for")]
    ]
    rollup: NotRequired[
        Annotated[
            RollupDocument | None,
            about("for a measure kept per part, the unit's item: how its parts stand (their items follow it)"),
        ]
    ]


@closed
class RollupDocument(TypedDict):
    """A measure kept per part, rolled up into the unit: met when every active part's item is."""

    kind: Annotated[str, about("the kind of part (`block`)")]
    done: Annotated[int, about("active parts whose item is done or waived")]
    total: Annotated[int, about("active parts of that kind")]
    missing: Annotated[list[str], about("the active parts whose item is not done or waived yet")]


@closed
class PartDocument(TypedDict):
    """A part of the unit (a block, a ward), retired ones too."""

    id: Annotated[str, about("its id in the unit, as `--part` names it")]
    kind: Annotated[str, about("its kind of part, as the catalog names it")]
    name: Annotated[str | None, about("its name (`part add --name`), or null")]
    added: Annotated[Moment, about("when it was added: its items run from then")]
    retired: Annotated[Moment | None, about("when it was retired (no items since), or null")]
    totals: Annotated[TallyDocument | None, about("how its items stand, for an active part; null once retired")]


# status, status-all


@closed
class UnitDocument(TypedDict):
    """The unit."""

    id: str
    name: Annotated[str | None, about("its name; null: the kind's name")]
    kind: Annotated[str, about("the id of its unit kind")]
    started_at: Moment
    started_by: str


@closed
class CatalogRefDocument(TypedDict):
    """The catalog a unit was started with."""

    name: str
    version: str
    digest: str
    path: Annotated[str | None, about("where it was read from; null: the bundled catalog")]


@closed
class NewerCatalogDocument(TypedDict):
    """A version of the catalog at the unit's source that differs from the one it runs."""

    version: str
    digest: str


@closed
class CatalogDocument(TypedDict):
    """The catalog the unit runs."""

    name: str
    version: str
    digest: Annotated[str, about("the hash of its content, `sha256:` and 64 hex digits")]
    started_with: CatalogRefDocument
    newer: Annotated[
        NewerCatalogDocument | None, about("a newer version at its source (`checklist upgrade` moves to it), or null")
    ]


@closed
class TallyDocument(TypedDict):
    """How many items are in each state."""

    done: int
    na: int
    partial: int
    blocked: int
    awaiting: int
    lapsed: int
    open: int
    upcoming: int
    inapplicable: Annotated[int, about("items whose conditions on the unit's attributes do not hold now")]
    overdue: Annotated[int, about("items past their deadline (also counted in their state)")]
    total: int
    percent_done: Annotated[
        float, about("done, as a share of the items that apply now (n/a, upcoming and inapplicable left out)")
    ]
    met: NotRequired[
        Annotated[int, about("with questions: done items that count as met (all but those answered not met, unknown)")]
    ]
    not_met: NotRequired[Annotated[int, about("with questions: done items answered with an answer not met (no)")]]
    unknown: NotRequired[Annotated[int, about("with questions: done items whose question was answered unknown")]]
    percent_met: NotRequired[
        Annotated[float, about("with questions: met, as a share of the items that apply now (all `no`: 0)")]
    ]


@closed
class OwnerTallyDocument(TallyDocument):
    """The items a role owns, counted."""

    role: Annotated[str, about("the role's id")]


@closed
class SectionDocument(TallyDocument):
    """A section of the checklist, with how many of its items are in each state."""

    id: str


@closed
class TimingDocument(TypedDict):
    """When an item is due beyond its period and deadline: a fixed-time round, attestations
    counted in a period, a standing rule's reviews, the days a measure is in force, an event."""

    round: Annotated[str | None, about("for a measure at fixed times of day: the current round's time (08:00)")]
    made: Annotated[int | None, about("for a measure counted per period (`count`): attestations in the current one")]
    needed: Annotated[int | None, about("for a measure counted per period: attestations each period needs")]
    standing: Annotated[bool, about("a standing rule: in force once done, reviewed each period")]
    reviewed: Annotated[str | None, about("for a standing rule: the review period of its latest review")]
    reviewed_at: Annotated[Moment | None, about("for a standing rule: when its latest review was recorded")]
    in_force_from: Annotated[Day | None, about("the first day the measure is in force (`in_force.from`)")]
    in_force_until: Annotated[Day | None, about("the last day the measure is in force (`in_force.until`)")]
    event_at: Annotated[Moment | None, about("for an item of a subject: when its event happens (or happened)")]


@closed
class RecurringDocument(TypedDict):
    """A recurring item in its current period."""

    number: int
    id: str
    subject: str | None
    occurrence: int | None
    period: Annotated[str | None, about("the current period (null on a day the measure is not due)")]
    state: State
    missed: Annotated[list[str], about("earlier periods neither done nor waived")]
    streak: Annotated[int, about("periods done in a row, up to the current one")]
    part: NotRequired[Annotated[str | None, about("the unit's part, for a measure kept per part")]]
    timing: TimingDocument


@closed
class OverdueDocument(TypedDict):
    """An item past its deadline."""

    id: str
    subject: str | None
    part: NotRequired[Annotated[str | None, about("the unit's part, for a measure kept per part")]]
    occurrence: int | None


@closed
class HeadlineDocument(TypedDict):
    """The figures of a headline measure (the "three zeros")."""

    id: str
    reported_today: Annotated[bool, about("whether today's report is in")]
    values: Annotated[dict[str, FigureValue | None], about("the current value of each field (null: none reported)")]
    days_at_zero: Annotated[dict[str, int], about("per field: reported periods in a row, back from the latest, at 0")]


@closed
class UnusableDocument(TypedDict):
    """A record the status fold could not use (an absurd figure, an impossible moment): it is
    left out of everything else in the document."""

    seq: Annotated[int | None, about("the record's number in the unit's log (null: written before chaining)")]
    id: Annotated[str, about("the record's id")]
    problem: Annotated[str, about("what is wrong with it, in words")]


@closed
class ArchivedDocument(TypedDict):
    """The items of one measure kept for subjects whose every item is settled for good (done,
    or waived for good, approved where it must be, no figure past an alert): counted, not listed."""

    number: Annotated[int, about("the measure's item number on the unit's checklist")]
    id: Annotated[str, about("the measure's id")]
    done: Annotated[int, about("items done")]
    na: Annotated[int, about("items waived (not applicable)")]
    changed_wording: Annotated[int, about("of those, attested against an earlier wording of the measure")]


@closed
class AlertDocument(TypedDict):
    """An alert not acknowledged yet: a record whose figures crossed an alert of its measure,
    and no acknowledgement of the item (of that period) since."""

    number: Annotated[int, about("the item's number on the unit's checklist")]
    id: Annotated[str, about("the measure's id")]
    subject: Annotated[str | None, about("whom the item concerns, for a measure kept per subject")]
    occurrence: Annotated[
        int | None,
        about("which occurrence of the subject's event (1: the first recorded; a second admission of one person is 2)"),
    ]
    period: Annotated[str | None, about("for a recurring measure: the period the alert was recorded for")]
    values: Annotated[dict[str, FigureValue], about("the figures past an alert, by field id (computed ones too)")]
    instructions: Annotated[
        list[TextDocument], about("the instructions of the decision rules that raised it (`rule:N` among its fields)")
    ]
    answer: NotRequired[Annotated[list[str], about("the answer that raised it, when a question's alert names it")]]
    recorded_at: Annotated[Moment, about("when the record that raised it was written")]
    recorded_by: Annotated[str, about("who made that record")]
    record: Annotated[str, about("that record's id")]
    seq: Annotated[int | None, about("that record's number in the unit's log")]
    command: Annotated[str, about("the command that acknowledges it")]
    part: NotRequired[Annotated[str | None, about("the unit's part, for a measure kept per part")]]


@closed
class StatusDocument(TypedDict):
    """Where a unit stands (`checklist status --json`): its catalog, totals, sections, critical
    and overdue items, recurring items and headline figures."""

    document: Literal["status"]
    format: Literal[1]
    unit: UnitDocument
    catalog: CatalogDocument
    retired: Annotated[dict[str, int], about("measures no longer in the catalog: how many records each has")]
    totals: TallyDocument
    sections: list[SectionDocument]
    now: Annotated[Moment, about("the moment the status is of (`--now`, else the real time)")]
    day: Annotated[int, about("days since the unit started, counting the first as day 1")]
    critical_open: Annotated[list[str], about("ids of the critical items still to do")]
    recurring: list[RecurringDocument]
    overdue: list[OverdueDocument]
    headlines: list[HeadlineDocument]
    last_record_at: Annotated[Moment | None, about("when the last record was written")]
    records_for_unknown_items: Annotated[dict[str, int], about("the same as `retired` (an older name)")]
    replayed_clock: Annotated[int, about("records made with a replayed clock (`--now`): `log` marks them")]
    unusable: Annotated[list[UnusableDocument], about("records left out because the fold cannot use them")]
    archived: Annotated[
        list[ArchivedDocument], about("items of subjects settled for good, by measure: in the totals, not listed")
    ]
    archived_subjects: Annotated[int, about("subjects whose every item is settled for good")]
    unacknowledged_alerts: Annotated[
        list[AlertDocument], about("alerts of any period or subject not acknowledged yet, oldest first")
    ]
    parts: NotRequired[Annotated[list[PartDocument], about("the unit's parts (blocks, wards), with their totals")]]
    attributes: Annotated[list[AttributeDocument], about("the unit's attributes (the catalog's head declares them)")]
    owners: Annotated[list[OwnerTallyDocument], about("the items each role owns (`owner`), counted, role by role")]
    roles: Annotated[
        list[str] | None,
        about("the roles whose items it is kept to (`--role`, or the roles of `--by NAME`); null: every item"),
    ]
    place: NotRequired[
        Annotated[list[str], about("the bodies the unit reports to, from the top down (`checklist place`); [] if none")]
    ]


@closed
class AttributeDocument(TypedDict):
    """One of the unit's attributes now, and the change that gave it its value."""

    id: str
    value: Annotated[str, about("its value now (a value id; yes or no for a yes/no attribute)")]
    default: Annotated[bool, about("whether it has the catalog's default (never set, or none of its changes yet)")]
    since: Annotated[Moment | None, about("when the change that gave it its value took effect")]
    set_by: Annotated[str | None, about("who recorded that change")]
    reason: Annotated[str | None, about("the reason given with it")]
    record: Annotated[str | None, about("the id of its record (in `checklist log`)")]


@closed
class ProvinceHeadline(TypedDict):
    """The headline over every unit of the store, whatever the filters: `units` in the store,
    `reporting` today, the ids of those `missing` today's report (in natural order of their
    names), today's headline `figures` by field id summed over the units that reported (empty
    when none did; a unit that did not report is not counted as zero), and how many units have
    alerts to acknowledge (`alerting`) and overdue critical items (`overdue`)."""

    units: int
    reporting: int
    missing: list[str]
    figures: dict[str, int | float]
    alerting: int
    overdue: int


@closed
class StatusAllFilters(TypedDict):
    """The filters applied (`--kind` as the kind's id, `--missing`, `--alerts`, `--overdue`)."""

    kind: str | None
    missing: bool
    alerts: bool
    overdue: bool


@closed
class NodeRollupDocument(TypedDict):
    """A child body of the node and the headline of the units anywhere under it (`--by-node`)."""

    node: Annotated[list[str], about("the body's path from the top down")]
    name: Annotated[str | None, about("the body's name; null: the units placed at the node itself")]
    headline: ProvinceHeadline


@closed
class HistoryDocument(TypedDict):
    """A unit's last days (`--days N`), a mark for each of `days`, oldest first."""

    unit: str
    marks: Annotated[
        list[Literal["reported", "alert", "missed", "before", "none"]],
        about(
            "reported (the headline report done), alert (done, its figures past an alert), missed, "
            "before (the unit had not started), none (no report due that day)"
        ),
    ]
    missing_run: Annotated[int, about("days in a row without a report, back from today")]


@closed
class StatusAllDocument(TypedDict):
    """Where the units of the store stand (`checklist status --all --json`): the `headline`
    (of the node asked with `--under`, else of the whole store), then a status document for
    each unit the filters keep (`shown` of `total`), in the order asked (`sort`: attention,
    name or progress; missing, the longest run of days without a report first, the default
    with `--days`)."""

    document: Literal["status-all"]
    format: Literal[1]
    headline: ProvinceHeadline
    sort: Literal["attention", "name", "progress", "missing"]
    filters: StatusAllFilters
    shown: int
    total: int
    units: list[StatusDocument]
    node: NotRequired[Annotated[list[str], about("the node whose units these are (`--under`); []: the whole store")]]
    by_node: NotRequired[
        Annotated[list[NodeRollupDocument] | None, about("`--by-node`: each child body of the node; else null")]
    ]
    days: NotRequired[Annotated[list[Day] | None, about("`--days N`: the days of `history`, oldest first; else null")]]
    history: NotRequired[
        Annotated[list[HistoryDocument] | None, about("`--days N`: each unit shown, in order; else null")]
    ]


# items (list), agenda (today), subjects, log


@closed
class ItemsDocument(TypedDict):
    """A unit's items, numbered, with where each stands (`checklist list --json`)."""

    document: Literal["items"]
    format: Literal[3]  # 3: totals and today follow each field's aggregate; 2: settled subjects under `archived`
    unit: str
    items: list[ItemDocument]
    archived: Annotated[list[ArchivedDocument], about("the listed measures' items of subjects settled for good")]


@closed
class AgendaEntryDocument(ItemDocument):
    """An item on the agenda, with the command that records it."""

    command: Annotated[str, about("the command that records it (or approves it), with what it must carry")]


@closed
class AgendaDocument(TypedDict):
    """The agenda, a unit's whole to-do list (`checklist today --json`): each item still to do
    is in exactly one part."""

    document: Literal["agenda"]
    format: Literal[2]  # 2: totals and today follow each field's aggregate
    unit: str
    now: Moment
    overdue: Annotated[list[AgendaEntryDocument], about("past their deadline")]
    today: Annotated[
        list[AgendaEntryDocument], about("due today: the current period of a recurring measure, or a deadline")
    ]
    coming: Annotated[list[AgendaEntryDocument], about("a deadline, or an opening, in the next days (`--days`)")]
    attention: Annotated[
        list[AgendaEntryDocument],
        about("blocked, partial, a lapsed waiver, awaiting approval, or a question answered not met or unknown"),
    ]
    open: Annotated[list[AgendaEntryDocument], about("the rest still open")]
    acknowledge: Annotated[list[AlertDocument], about("alerts not acknowledged yet, oldest first: they need attention")]
    roles: Annotated[
        list[str] | None,
        about("the roles whose items it is kept to (`--role`, or the roles of `--by NAME`); null: every item"),
    ]


@closed
class SubjectDocument(TypedDict):
    """A subject (a person admitted, say) and its items."""

    subject: str
    occurrence: Annotated[
        int,
        about("which occurrence of the subject's event (1: the first recorded; a second admission of one person is 2)"),
    ]
    event: Annotated[str | None, about("the kind of event that made its items")]
    occurred: Annotated[Moment | None, about("when that event happened")]
    subject_type: Annotated[str | None, about("the subject's type, if the event recorded one")]
    items: list[ItemDocument]


@closed
class SubjectsDocument(TypedDict):
    """The subjects of a unit's events, each with its items (`checklist subjects --json`)."""

    document: Literal["subjects"]
    format: Literal[3]  # 3: totals and today follow each field's aggregate; 2: settled subjects counted
    unit: str
    now: Moment
    subjects: Annotated[list[SubjectDocument], about("the subjects with an item not settled for good")]
    archived_subjects: Annotated[int, about("subjects whose every item is settled for good: counted, not listed")]


@closed
class LogDocument(TypedDict):
    """The audit trail: a unit's records, oldest first (`checklist log --json`)."""

    document: Literal["log"]
    format: Literal[3]  # 3: a record may be an acknowledgement (format 4); 2: a record may be of format 3
    unit: str
    records: list[RecordDocument]


# verification, seal-check, seal-checks, keys


@closed
class SignerDocument(TypedDict):
    """A key that signed records of a unit."""

    key: Annotated[str, about("the key's id, `ed25519:` and 16 hex digits")]
    name: Annotated[str, about("whose key it is, as registered")]
    records: Annotated[int, about("records of the unit whose signature with it holds")]


@closed
class KeysVerdictDocument(TypedDict):
    """The key registrations of the store (see README, Trust, "Keys")."""

    registered: Annotated[int, about("keys registered in the store")]
    problems: Annotated[list[str], about("keys registered for a name that has one already, without an endorsement")]


@closed
class UnitVerdictDocument(TypedDict):
    """What `verify` found in one unit's records."""

    unit: str
    ok: Annotated[bool, about("no problem (unsigned records are one only with --require-signatures)")]
    records: Annotated[int, about("records in the log")]
    before_chaining: Annotated[int, about("records written before records were chained (format 1)")]
    head: Annotated[int, about("the number of the last chained record")]
    signed: Annotated[int, about("records whose signature holds")]
    signers: Annotated[list[SignerDocument], about("who signed those records: each key, its holder, how many")]
    unsigned: int
    unknown_key: Annotated[list[str], about("records signed with a key not registered in the store")]
    bad_signature: Annotated[list[str], about("records whose signature does not hold, or whose key is someone else's")]
    seals: Annotated[int, about("seals kept in the store for the unit")]
    checkpoints: Annotated[int, about("signed checkpoints kept in the store for the unit")]
    problems: Annotated[list[str], about("everything wrong, first the place where the chain breaks")]
    warnings: Annotated[list[str], about("what is worth knowing but not wrong")]


@closed
class EvidenceVerdictDocument(TypedDict):
    """The stored evidence files, each re-hashed."""

    referenced: Annotated[int, about("stored files the records name")]
    problems: list[str]


@closed
class CatalogsVerdictDocument(TypedDict):
    """The catalog versions kept in the store, each re-hashed."""

    kept: int
    problems: list[str]


@closed
class UnitsListDocument(TypedDict):
    """The store's list of its units held against its folders."""

    listed: Annotated[int | None, about("units in the list; null if the store keeps no list yet")]
    problems: Annotated[list[str], about("a unit gone, unlisted, changed, or a list that was altered")]
    warnings: list[str]


@closed
class RepairDocument(TypedDict):
    """What `verify --repair` did to one unit."""

    unit: str
    moved: Annotated[int, about("bytes of an incomplete last line moved to records.jsonl.quarantine")]
    index_removed: Annotated[bool, about("a saved index that did not say what the log says was removed")]
    units_listed: Annotated[bool, about("the store's list of units was begun (the unit is empty then)")]


@closed
class PartialFilesDocument(TypedDict):
    """What `verify --repair` removed besides: partial files that killed commands left."""

    files: int
    bytes: int


@closed
class VerificationDocument(TypedDict):
    """Whether the records are what was written (`checklist verify --json`): the hash chain,
    signatures and seals of each unit, the evidence files and the kept catalogs."""

    document: Literal["verification"]
    format: Literal[1]
    ok: Annotated[bool, about("nothing wrong anywhere (the exit code is 3 otherwise)")]
    units: list[UnitVerdictDocument]
    keys: KeysVerdictDocument
    evidence: EvidenceVerdictDocument
    catalogs: CatalogsVerdictDocument
    units_list: UnitsListDocument
    repaired: list[RepairDocument]
    partial_files_removed: Annotated[
        PartialFilesDocument,
        about("partial files (copies, temporary files) that killed commands left and --repair removed; 0 without it"),
    ]


@closed
class ShownDocument(TypedDict):
    """A figure as recorded: its field, label, value and unit."""

    field: Annotated[str, about("the field's id")]
    label: TextDocument
    value: Annotated[bool | int | float | str | list[str], about("the value recorded")]
    unit: Annotated[str | TextDocument | None, about("the unit of a number: a symbol, or words in both languages")]
    alert: Annotated[bool, about("the value crossed the field's alert")]


@closed
class SealFiguresDocument(TypedDict):
    """The figures one record of the sealed day gives."""

    seq: Annotated[int, about("the record's number in the unit's log")]
    item: str | None
    title: TextDocument | None
    subject: str | None
    part: str | None
    period: str | None
    headline: Annotated[bool, about("a headline measure's figures (the “three zeros”)")]
    values: list[ShownDocument]


@closed
class SealAlertDocument(TypedDict):
    """An alert of the unit at the seal's moment: raised that day, or still open from before."""

    seq: Annotated[int, about("the number of the record that raised it")]
    item: str | None
    title: TextDocument | None
    subject: str | None
    part: str | None
    period: str | None
    at: Moment
    state: Literal["open", "acknowledged"]
    values: Annotated[list[ShownDocument], about("its figures past an alert")]


@closed
class SealNoteDocument(TypedDict):
    """A note written on the sealed day."""

    seq: int
    item: str | None
    title: TextDocument | None
    subject: str | None
    part: str | None
    period: str | None
    action: str
    actor: Annotated[str, about("who wrote it")]
    at: Moment
    note: str


@closed
class SealMissedDocument(TypedDict):
    """An item missed or overdue at the seal's moment."""

    item: str
    title: TextDocument
    subject: str | None
    part: str | None
    missed: Annotated[int, about("earlier periods neither done nor waived")]
    periods: Annotated[list[str], about("the latest of them (up to 10)")]
    overdue: bool
    due: Annotated[Moment | None, about("the deadline it is past, if overdue")]


@closed
class SealDayDocument(TypedDict):
    """The readable part of a sealed day (a seal of format 6 on), as the seal says it."""

    figures: list[SealFiguresDocument]
    alerts: list[SealAlertDocument]
    notes: list[SealNoteDocument]
    missed: list[SealMissedDocument]


@closed
class SealCheckDocument(TypedDict):
    """Whether a seal received from a unit holds (`checklist verify --seal FILE --json`)."""

    document: Literal["seal-check"]
    format: Literal[1]
    ok: Annotated[bool, about("the seal holds")]
    unit: Annotated[str, about("the unit the seal is of")]
    period: Annotated[Day, about("the day it seals")]
    by: Annotated[str, about("who signed it")]
    checked_against_log: Annotated[bool, about("this store has the unit's log, and the seal was checked against it")]
    problems: list[str]
    seal_format: NotRequired[Annotated[int, about("the seal's own format (6 on: it carries `day`)")]]
    day: NotRequired[SealDayDocument]


@closed
class SealChecksDocument(TypedDict):
    """Whether each of several seals holds (`checklist verify --seal A --seal B --json`): one
    seal-check document for each seal that could be read (the others are reported on stderr)."""

    document: Literal["seal-checks"]
    format: Literal[1]
    seals: list[SealCheckDocument]


@closed
class CheckpointCheckDocument(TypedDict):
    """Whether one checkpoint holds: its signature, the log it names (if this store holds it),
    and its agreement with the other checkpoints checked with it."""

    file: str
    ok: bool
    origin: Annotated[str | None, about("the log it speaks of; null if it could not be read")]
    size: Annotated[int | None, about("the last record it covers")]
    head: Annotated[str | None, about("the SHA-256 of that record's line")]
    signed_by: Annotated[list[str], about("the names of the registered keys whose signatures hold")]
    checked_against_log: Annotated[bool, about("this store holds that log, and the checkpoint was checked against it")]
    problems: list[str]


@closed
class CheckpointChecksDocument(TypedDict):
    """Whether checkpoints received from units hold (`checklist verify --checkpoint FILE --json`)."""

    document: Literal["checkpoint-checks"]
    format: Literal[1]
    ok: bool
    checkpoints: list[CheckpointCheckDocument]


@closed
class KeyDocument(TypedDict):
    """A public key, as registered in a store's keys/ folder (format 2: with its registration)
    or as kept on this machine (format 1)."""

    format: Annotated[Literal[1, 2], about("the key file's format (not this document's): 2 when registered")]
    key: Annotated[str, about("the key's id, `ed25519:` and 16 hex digits: compare it out of band")]
    name: Annotated[str, about("whose key it is")]
    public: Annotated[str, about("the public key, base64")]
    created_at: Moment
    store: NotRequired[Annotated[str, about("the id of the store it is registered in")]]
    registered_at: NotRequired[Annotated[Moment, about("when it was registered there")]]
    registered_by: NotRequired[Annotated[str, about("who registered it")]]
    endorsed_by: NotRequired[
        Annotated[SignatureDocument, about("for a name that had a key already: that key's or the administrator's")]
    ]


@closed
class HeadDocument(TypedDict):
    """A unit's log head: the number and line hash of its last record."""

    seq: int
    hash: str | None


@closed
class KeyStatementDocument(TypedDict):
    """A statement about a registered key, as kept in keys/ (format 3): rotated or revoked."""

    format: Literal[3]
    kind: Literal["key-rotation", "key-revocation"]
    key: Annotated[str, about("the key replaced, or revoked")]
    name: Annotated[str, about("whose key it is")]
    replaced_by: NotRequired[Annotated[str, about("a rotation: the key that takes over")]]
    since: Annotated[Moment, about("from when the key no longer speaks for its name")]
    reason: NotRequired[Annotated[str, about("a revocation: why")]]
    store: Annotated[str, about("the id of the store it was made in")]
    made_at: Moment
    by: Annotated[str, about("who made it")]
    heads: Annotated[
        dict[str, HeadDocument], about("each unit's log head when it was made: records after it are after it")
    ]
    signed_by: SignatureDocument


@closed
class KeysDocument(TypedDict):
    """Signing keys (`checklist keys list --json`)."""

    document: Literal["keys"]
    format: Literal[2]
    registered: Annotated[list[KeyDocument], about("keys registered in this store")]
    own: Annotated[list[KeyDocument], about("keys with a private key on this machine")]
    statements: NotRequired[
        Annotated[list[KeyStatementDocument], about("rotations and revocations of registered keys that hold")]
    ]
    trusted: Annotated[list[TrustedKeyDocument], about("keys trusted for units' bundles (`keys trust`)")]


@closed
class TrustedKeyDocument(TypedDict):
    """A key trusted on a receiving store for a unit's bundles and seals (trusted/, format 1)."""

    format: Annotated[Literal[1], about("the file's format (not this document's)")]
    unit: Annotated[str, about("the unit whose bundles it speaks for")]
    key: Annotated[str, about("the key's id, `ed25519:` and 16 hex digits")]
    name: Annotated[str, about("whose key it is")]
    public: Annotated[str, about("the public key, base64")]
    created_at: Moment
    trusted_at: Annotated[Moment, about("when it was trusted here")]
    trusted_by: Annotated[str, about("who trusted it")]


# bundles


@closed
class ImportedUnitDocument(TypedDict):
    """A unit of an imported bundle."""

    unit: str
    name: Annotated[str | None, about("the unit's name, if it was started with one")]
    origin: Annotated[str, about("the id of the store the unit lives in")]
    carried: Annotated[int, about("records the bundle carried")]
    new: Annotated[int, about("records appended now (the others were held already, byte for byte)")]
    created: Annotated[bool, about("the mirror was made now (the unit's first bundle here)")]


@closed
class ImportErrorDocument(TypedDict):
    """Why a bundle was refused: nothing of it was imported."""

    code: Annotated[str, about("the message code (`bundle.fork`, `bundle.gap`…)")]
    message: Annotated[str, about("the message, in the run's language")]


@closed
class ImportedFileDocument(TypedDict):
    """One bundle file given to `checklist import`."""

    file: str
    imported: Annotated[bool, about("false: refused, and the store left as it was for it")]
    error: ImportErrorDocument | None
    units: list[ImportedUnitDocument]


@closed
class ImportsDocument(TypedDict):
    """Bundles imported (`checklist import FILE... --json`)."""

    document: Literal["imports"]
    format: Literal[1]
    files: list[ImportedFileDocument]
    imported: Annotated[int, about("bundles imported (nothing new is imported too)")]
    refused: Annotated[int, about("bundles refused")]
    new_records: Annotated[int, about("records appended, over every bundle")]


# db roles (15r)


@closed
class DbAccessDocument(TypedDict):
    """What one login role may do (a row of `checklist.access`)."""

    role: Annotated[str, about("the PostgreSQL login role")]
    kind: Annotated[Literal["writer", "supervisor", "admin"], about("writer of a unit, supervisor of a node, or admin")]
    unit: Annotated[str | None, about("a writer's unit; null otherwise")]
    node: Annotated[list[str] | None, about("a supervisor's node, the bodies from the top down; null otherwise")]
    granted_at: Annotated[Moment | None, about("when it was granted")]
    granted_by: Annotated[str, about("the role that granted it")]


@closed
class DbRolesDocument(TypedDict):
    """Who may do what in a PostgreSQL store (`checklist db roles --json`): every role's access
    for an administrator, else the caller's own."""

    document: Literal["db-roles"]
    format: Literal[1]
    store: Annotated[str, about("the store's location, without a password")]
    roles: list[DbAccessDocument]


# validation

WARNINGS = "what works but likely not as meant: it does not stop the catalog (with --strict, these are problems)"


@closed
class ProblemDocument(TypedDict):
    """A problem in a catalog (or a warning), located as precisely as the source allows."""

    file: str
    line: Annotated[int | None, about("1-based")]
    column: Annotated[int | None, about("1-based")]
    measure: Annotated[str | None, about("the measure's id")]
    field: Annotated[str | None, about("the field, dotted (`source.date`)")]
    code: Annotated[str, about("the message code, stable for scripts")]
    message: Annotated[str, about("what is wrong, in words")]


@closed
class ValidCatalogDocument(TypedDict):
    """A catalog that validates."""

    document: Literal["validation"]
    format: Literal[1]
    valid: Literal[True]
    name: str
    version: str
    digest: Annotated[str, about("the hash of its content, `sha256:` and 64 hex digits")]
    measures: Annotated[int, about("how many measures it has")]
    warnings: Annotated[list[ProblemDocument], about(WARNINGS)]


@closed
class InvalidCatalogDocument(TypedDict):
    """A catalog that does not validate (the exit code is 3)."""

    document: Literal["validation"]
    format: Literal[1]
    valid: Literal[False]
    problems: Annotated[list[ProblemDocument], about("every problem found (with --strict, the warnings too)")]
    warnings: Annotated[list[ProblemDocument], about(WARNINGS)]


ValidationDocument = ValidCatalogDocument | InvalidCatalogDocument


@closed
class PartKindDocument(TypedDict):
    """A kind of part a unit of its kind has (the catalog's `parts`)."""

    id: str
    name: TextDocument


@closed
class PartsDocument(TypedDict):
    """A unit's parts (`checklist part --json`): the kinds the catalog gives its kind, and each
    part added, retired ones too, in the order they were added."""

    document: Literal["parts"]
    format: Literal[1]
    unit: str
    kinds: list[PartKindDocument]
    parts: list[PartDocument]


# roles


@closed
class HoldingDocument(TypedDict):
    """A person holding a role."""

    holder: Annotated[str, about("the person, as the grant named them")]
    since: Annotated[Moment, about("when the grant took effect (its replayed clock, else when it was written)")]
    by: Annotated[str, about("who granted it")]
    note: Annotated[str | None, about("why, as the grant says")]


@closed
class RoleDocument(TypedDict):
    """A role of the catalog's head, and who holds it now."""

    id: str
    name: TextDocument
    holders: list[HoldingDocument]


@closed
class RolesDocument(TypedDict):
    """Who holds which role of a unit now (`checklist role --json`), every role of the catalog's head."""

    document: Literal["roles"]
    format: Literal[1]
    unit: str
    now: Annotated[Moment, about("the moment it is of (`--now`, else the real time)")]
    roles: list[RoleDocument]


@closed
class BundleUnitDocument(TypedDict):
    """One unit in a bundle: its records since the last bundle, as written, and what checks them."""

    unit: Annotated[str, about("the unit's id")]
    origin: Annotated[str, about("the id of the store the unit lives in (its own store's, also when relayed)")]
    genesis: Annotated[str, about("the unit file (unit.json), its exact text: the chain's first link")]
    after: Annotated[int, about("the number of the record before the first one carried (0: from the start)")]
    after_hash: Annotated[str, about("the SHA-256 of that record's line (of the unit file for 0)")]
    records: Annotated[list[str], about("the log's lines from there, exactly as written (blank ones too)")]
    head: Annotated[int, about("the number of the last record carried (its seal signs it)")]
    head_hash: Annotated[str, about("the SHA-256 of its line")]
    catalog: Annotated[str, about("the digest of the catalog the unit runs")]
    keys: Annotated[list[str], about("the key registrations of the unit's store (keys/*.json), exact texts")]
    seal: Annotated[str, about("a seal of the unit's head, signed at the unit: a DSSE envelope, its exact text")]
    mirror: Annotated[bool, about("relayed: a mirror of the sender's store, not one of its own units")]


@closed
class BundleDocument(TypedDict):
    """The payload of a bundle (`checklist export`): the DSSE envelope's payload, of type
    application/vnd.checklist.bundle+json, signed by whoever exported it."""

    format: Annotated[Literal[1], about("the bundle's format")]
    kind: Literal["checklist-bundle"]
    store: Annotated[str, about("the id of the sender's store")]
    made_at: Moment
    by: Annotated[str, about("who exported it")]
    units: list[BundleUnitDocument]
    catalogs: Annotated[dict[str, str], about("each kept catalog a unit needs, by digest, its exact text; once")]
    evidence: Annotated[dict[str, str], about("with --evidence: each evidence file, by SHA-256, in base64")]


# report (`checklist report --format json`)


@closed
class ReportFieldDocument(TypedDict):
    """A headline figure: its field id and its label in each language."""

    id: str
    zh: str | None
    en: str | None


@closed
class ReportHeadlineDocument(TypedDict):
    """The headline of the report, as of the period's last day: `units` covered, `reporting`
    that day and the ids of those `missing` its report, that day's `figures` summed over the
    units that reported, units with alerts to acknowledge (`alerting`) and with overdue critical
    items (`overdue`); and what `verify` found (`verified` false with `--no-verify`): units
    whose records are `intact`, and the ids of those `broken`."""

    units: int
    reporting: int
    missing: list[str]
    figures: dict[str, FigureValue]
    alerting: int
    overdue: int
    verified: bool
    intact: int
    broken: list[str]


@closed
class ReportDayDocument(TypedDict):
    """One day of the headline report (the chart's points): its `figures` (summed over the
    units that reported, for several units; empty when none did), whether it was `reported`,
    by how many units (`reporting`; of one unit, 1 or 0), and the fields past their alert
    threshold (in any unit's report)."""

    day: Day
    reported: bool
    reporting: int
    figures: dict[str, FigureValue]
    alerts: list[str]


@closed
class ReportProgressDocument(TypedDict):
    """Items done of those that apply (`applicable`), of all (`total`), and the share met in percent."""

    done: int
    applicable: int
    total: int
    percent: float


@closed
class ReportSectionDocument(TypedDict):
    """A section's progress."""

    id: str
    done: int
    applicable: int
    total: int
    percent: float


@closed
class ReportMissedDocument(TypedDict):
    """A recurring item with periods of the report's period neither done nor waived."""

    id: str
    number: int
    subject: str | None
    part: str | None
    periods: list[str]


@closed
class ReportOverdueDocument(TypedDict):
    """An item past its deadline."""

    id: str
    number: int
    subject: str | None
    part: str | None


@closed
class ReportAlertDocument(TypedDict):
    """An alert to acknowledge: the item, the fields past their threshold and the record that raised it."""

    id: str
    number: int
    subject: str | None
    period: str | None
    fields: list[str]
    figures: dict[str, FigureValue]
    note: str | None
    by: str
    at: Moment


@closed
class ReportApprovalDocument(TypedDict):
    """An approval: `given` in the period (by whom, when), or not (pending: `by` and `at` null)."""

    id: str
    number: int
    subject: str | None
    given: bool
    by: str | None
    at: Moment | None


@closed
class ReportSignaturesDocument(TypedDict):
    """What `verify` says of the unit's records: `intact` (chain, signatures, seals, index hold),
    how many records, signed and unsigned, and how many problems it found."""

    intact: bool
    records: int
    signed: int
    unsigned: int
    problems: int


@closed
class ReportUnitDocument(TypedDict):
    """One unit's part of the report."""

    id: str
    name: Annotated[str | None, about("its name; null: the kind's name")]
    kind: str
    reported: Annotated[bool, about("the headline report of the period's last day is in")]
    figures: Annotated[dict[str, FigureValue], about("that report's figures, by field id")]
    note: Annotated[str | None, about("that report's note")]
    progress: ReportProgressDocument
    sections: list[ReportSectionDocument]
    trend: list[ReportDayDocument]
    missed: list[ReportMissedDocument]
    overdue: list[ReportOverdueDocument]
    alerts: list[ReportAlertDocument]
    approvals: list[ReportApprovalDocument]
    signatures: Annotated[ReportSignaturesDocument | None, about("null: not verified (`--no-verify`)")]


@closed
class ReportDocument(TypedDict):
    """The report of one unit or of every unit (`checklist report --format json`) over a period
    (`first` to `last` day), as of `now` (the end of the last day, or the clock): the
    `headline`, the headline `fields`, the `trend` day by day and each unit's part, in natural
    order of their names. The Markdown, HTML, CSV and xlsx reports show the same numbers."""

    document: Literal["report"]
    format: Literal[1]
    scope: Literal["unit", "all"]
    first: Day
    last: Day
    now: Moment
    fields: list[ReportFieldDocument]
    headline: ReportHeadlineDocument
    trend: list[ReportDayDocument]
    units: list[ReportUnitDocument]


# status --all --by-measure, --item ID, --compliance (the supervisor's other axis)

Standing = Literal["overdue", "missed", "blocked", "open", "done", "na"]


@closed
class StandingCounts(TypedDict):
    """Units by how the measure stands in each (its item needing the most attention decides):
    `overdue`, `missed` (a past period neither done nor waived), `blocked`, `open`, `done`, `na` (waived)."""

    overdue: int
    missed: int
    blocked: int
    open: int
    done: int
    na: int


@closed
class MeasureRowDocument(TypedDict):
    """One measure across the units looked at."""

    id: str
    title: TextDocument
    priority: Priority
    counts: StandingCounts
    attention: Annotated[int, about("units where it is overdue, missed or blocked: what the list is sorted by")]
    applies: Annotated[int, about("units it applies to now (the sum of `counts`)")]


@closed
class ByMeasureDocument(TypedDict):
    """Which measures are missed or overdue in the most units (`checklist status --all --by-measure
    --json`): one entry per measure that applies to one of the units looked at (`units`, those the
    filters keep, of `total`), the one needing attention in the most units first."""

    document: Literal["status-by-measure"]
    format: Literal[1]
    filters: StatusAllFilters
    units: int
    total: int
    measures: list[MeasureRowDocument]


@closed
class MeasureNameDocument(TypedDict):
    id: str
    title: TextDocument
    priority: Priority


@closed
class LastAttestationDocument(TypedDict):
    """The latest record among the unit's items of the measure: what, who, when."""

    action: Action
    actor: str
    at: Annotated[Moment, about("when it was written (the real time)")]
    clock: Annotated[Moment | None, about("the replayed clock's moment it was made at (`--now`), if any")]
    subject: str | None
    part: Annotated[str | None, about("the unit's part it is kept for (a measure kept per part)")]
    period: str | None
    note: str | None


@closed
class UnitOnMeasureDocument(TypedDict):
    """One unit's state of the measure."""

    unit: str
    name: str | None
    kind: str
    standing: Standing
    items: Annotated[int, about("the unit's items of the measure (of each subject, each part), settled ones too")]
    done: Annotated[int, about("of those, done or waived")]
    missed: Annotated[int, about("past periods neither done nor waived, over its items")]
    last: LastAttestationDocument | None


@closed
class MeasureAcrossDocument(TypedDict):
    """One measure in each unit looked at (`checklist status --all --item ID --json`): its counts,
    and each unit it applies to, those needing attention first (`not_applying`: units it does not
    apply to now)."""

    document: Literal["status-measure"]
    format: Literal[1]
    filters: StatusAllFilters
    measure: MeasureNameDocument
    counts: StandingCounts
    applies: int
    not_applying: int
    units: list[UnitOnMeasureDocument]


@closed
class SlowestDocument(TypedDict):
    unit: str
    seconds: int


@closed
class UnitComplianceDocument(TypedDict):
    """One upgraded unit: its last upgrade, the measures new in it that apply now, when each was attested."""

    unit: str
    name: str | None
    upgraded_at: Annotated[Moment, about("the moment of its last upgrade (the replayed clock's, if any)")]
    from_version: Annotated[str | None, about("the catalog version it ran before (null: not kept in the store)")]
    to_version: str
    new: Annotated[list[str], about("ids of the measures new in that version that apply to it now")]
    attested: Annotated[dict[str, Moment], about("of those, the ones attested (done or waived), and when")]
    missing: list[str]
    compliant: bool
    took_seconds: Annotated[int | None, about("from the upgrade to the last new measure attested (null: not yet)")]
    waiting_seconds: Annotated[int | None, about("not compliant: from the upgrade to now (null when compliant)")]


@closed
class ComplianceDocument(TypedDict):
    """Time to compliance after a catalog upgrade (`checklist status --all --compliance --json`):
    of the units `looked` at, how many were `upgraded` and are `compliant` (every new measure
    attested), the median time it took and the slowest unit, the ids of the units `behind` and
    of those `not_upgraded`; then each upgraded unit, those behind first."""

    document: Literal["status-compliance"]
    format: Literal[1]
    filters: StatusAllFilters
    looked: int
    upgraded: int
    compliant: int
    median_seconds: int | None
    slowest: SlowestDocument | None
    behind: list[str]
    not_upgraded: list[str]
    units: list[UnitComplianceDocument]


@closed
class PushedUnitDocument(TypedDict):
    """One unit copied by `checklist push`."""

    unit: str
    name: str | None
    mirror: Annotated[bool, about("a mirror of the folder store's, and one in the database")]
    created: Annotated[bool, about("made in the database by this push")]
    copied: Annotated[int, about("records appended now")]
    held: Annotated[int, about("records the database held already, byte for byte")]


@closed
class PushRefusedDocument(TypedDict):
    """A unit not pushed (a clash, a fork): nothing of it was written."""

    unit: str
    code: Annotated[str, about("the message code (`push.fork`, `push.clash`…)")]
    message: Annotated[str, about("the message, in the run's language")]


@closed
class PushDocument(TypedDict):
    """A folder store copied into a database (`checklist push --to postgresql://… --json`)."""

    document: Literal["push"]
    format: Literal[1]
    source: Annotated[str, about("the folder store pushed")]
    target: Annotated[str, about("the database, without a password")]
    units: list[PushedUnitDocument]
    refused: list[PushRefusedDocument]
    records_copied: int
    records_held: int
    blobs_copied: Annotated[int, about("catalogs, keys, evidence, seals, checkpoints and trusted keys copied")]
    blobs_held: Annotated[int, about("... that the database held already")]


# The documents by name: the shape, the command that prints it, and (for a union, which has
# no docstring of its own) its description.
DOCUMENTS: dict[str, tuple[Any, str, str | None]] = {
    "status": (StatusDocument, "checklist status --json", None),
    "status-all": (StatusAllDocument, "checklist status --all --json", None),
    "status-by-measure": (ByMeasureDocument, "checklist status --all --by-measure --json", None),
    "status-measure": (MeasureAcrossDocument, "checklist status --all --item ID --json", None),
    "status-compliance": (ComplianceDocument, "checklist status --all --compliance --json", None),
    "items": (ItemsDocument, "checklist list --json", None),
    "agenda": (AgendaDocument, "checklist today --json", None),
    "subjects": (SubjectsDocument, "checklist subjects --json", None),
    "log": (LogDocument, "checklist log --json", None),
    "verification": (VerificationDocument, "checklist verify --json", None),
    "seal-check": (SealCheckDocument, "checklist verify --seal FILE --json", None),
    "seal-checks": (SealChecksDocument, "checklist verify --seal FILE --seal FILE... --json", None),
    "checkpoint-checks": (CheckpointChecksDocument, "checklist verify --checkpoint FILE... --json", None),
    "keys": (KeysDocument, "checklist keys list --json", None),
    "imports": (ImportsDocument, "checklist import FILE... --json", None),
    "push": (PushDocument, "checklist push --to URL --json", None),
    "parts": (PartsDocument, "checklist part --json", None),
    "db-roles": (DbRolesDocument, "checklist db roles --json", None),
    "roles": (RolesDocument, "checklist role --json", None),
    "validation": (
        ValidationDocument,
        "checklist validate --json",
        "Whether a catalog validates (`checklist validate --json`): its name, version and number of "
        "measures, or every problem found; and its warnings either way.",
    ),
    "report": (ReportDocument, "checklist report --format json", None),
}


def names() -> list[str]:
    """What `checklist schema --output` takes: the catalog, then every document."""
    return [CATALOG, BUNDLE, *DOCUMENTS]


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a document, or of the catalog's measure files."""
    if name == CATALOG:
        from ..usecases.catalogs import schema as catalog_schema

        return catalog_schema()
    if name not in DOCUMENTS and name != BUNDLE:
        from ..core.fuzzy import closest

        raise NotFound("schema.unknown", closest(name, names()), name=name, known=names())
    from pydantic import TypeAdapter

    shape, command, description = DOCUMENTS[name] if name != BUNDLE else (BundleDocument, "checklist export", None)
    generated: dict[str, Any] = _one_line(TypeAdapter(shape).json_schema(mode="serialization"))
    described = description or generated.pop("description", "")
    generated.pop("title", None)
    return {"$schema": DRAFT, "title": f"{command}: the {name} document", "description": described, **generated}


def _one_line(schema: dict[str, Any]) -> dict[str, Any]:
    """Descriptions taken from docstrings, each on one line."""
    for key, value in schema.items():
        if key == "description" and isinstance(value, str):
            schema[key] = " ".join(value.split())
        elif isinstance(value, dict):
            _one_line(value)
        elif isinstance(value, list):
            for part in value:
                if isinstance(part, dict):
                    _one_line(part)
    return schema
