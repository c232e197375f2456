"""Unit parts: the blocks, wards or dormitories of a unit, and the measures kept per part.

A unit kind names its kinds of part (`parts: [{id: block, …}]`); a measure kept `per: block`
is one item per active block of the unit, rolled up into one item of the unit that is met
when every block's is (status.rolled_up). Parts are added and retired by records of the
unit's log (`part-added`, `part-retired`: logindex.Part); a part added later has its items
from then on (its periods, and its deadlines after the start, run from its addition), a
retired one has no open item any more and keeps its history.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .errors import NotFound, UserError
from .fuzzy import closest
from .logindex import Part
from .models import Catalog, PartKind, Unit
from .status import PENDING, UnitStatus, tally
from .subjects import spelling, typed_subject


def part_kinds(catalog: Catalog, unit: Unit) -> list[PartKind]:
    """The kinds of part a unit of this kind has, as its catalog names them."""
    kind = catalog.kind(unit.kind)
    return list(kind.parts) if kind is not None else []


def part_kind(catalog: Catalog, unit: Unit, token: str) -> PartKind:
    """A kind of part by its id or its Chinese or English name; an unknown one suggests the closest."""
    kinds = part_kinds(catalog, unit)
    wanted = token.strip().casefold()
    for kind in kinds:
        if wanted in (kind.id, (kind.name.zh or "").casefold(), (kind.name.en or "").casefold()):
            return kind
    known = [kind.id for kind in kinds]
    if not known:
        raise UserError("part.no_kinds", unit_kind=unit.kind, unit_kind_name=catalog.kind_label(unit.kind))
    named = catalog.kind_label(unit.kind)
    raise NotFound(
        "part.unknown_kind", closest(token, known), kind=token, unit_kind=unit.kind, unit_kind_name=named, known=known
    )


def typed_part(text: str) -> str:
    """A part's id as typed, kept in one spelling as a subject's is (subjects.typed_subject):
    refused, in a part's words, if empty, with blanks at its ends or an invisible character,
    with '/' or '|', or longer than a subject."""
    try:
        part = typed_subject(text)
    except UserError as exc:
        code = {"subject.empty": "part.empty", "subject.blank_ends": "part.blank_ends"}.get(exc.code, "part.invisible")
        params: dict[str, Any] = {**exc.params, "part": exc.params.get("subject")}
        raise UserError(code, **params) from None
    if len(part) > MAX_PART or "/" in part or "|" in part:  # kept in the index's keys (logindex.item_key)
        raise UserError("part.bad_id", part=part, limit=MAX_PART)
    return part


MAX_PART = 64  # characters of a part's id, as of a subject's (models.SUBJECT)


def find_part(parts: Mapping[str, Part], token: str) -> Part:
    """A part of the unit by its id, as recorded (in any spelling: NFC); an unknown one
    suggests the closest ids."""
    wanted = spelling(typed_part(token))
    found = parts.get(wanted) or next((p for p in parts.values() if spelling(p.id) == wanted), None)
    if found is None:
        known = list(parts)
        raise NotFound("part.unknown", closest(wanted, known), part=wanted, known=known[:12])
    return found


def of_part(status: UnitStatus, part: Part) -> UnitStatus:
    """Where one part stands: its items only (of every measure kept per part), counted alone:
    what `status`, `today` and `list` show with `--part`."""
    from .status import _sections

    children = [c for s in status.items for c in (s.parts or ()) if c.item.part == part.id]
    return dataclasses.replace(
        status,
        items=children,
        sections=_sections(status.catalog, children, []),
        tally=tally(children),
        critical_open=[s for s in children if s.state in PENDING and s.item.measure.priority == "critical"],
        overdue=[s for s in children if s.overdue],
        headlines=[],
        archived=[],
        archived_subjects=0,
        unacknowledged=[a for a in status.unacknowledged if a.item.part == part.id],
        parts=[part],
        part_view=part.id,
    )
