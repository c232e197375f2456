"""A unit's place in the hierarchy: the bodies it reports to, from the top down.

A place is typed as one text, the bodies' names separated by "/" (`湖南省司法厅/省监狱管理局`),
and recorded as their list in a `placed` record of the unit's own log (format 6), so that it
travels with the log when its records are sent upward. Each body's name is a clean name
(names.check: no controls, no blanks around it, one script); a full-width solidus "／" is
read as "/" too, as a Chinese keyboard types it.
"""

from __future__ import annotations

from .errors import Message, UserError
from .names import check

SEPARATOR = "/"
MAX_DEPTH = 8  # bodies in a place: a province's hierarchy has three or four levels
MAX_TEXT = 600  # characters of a place as typed


def parse(text: str, what: str | Message = "--under") -> tuple[str, ...]:
    """The bodies a place names, from the top down; a UserError for an empty part, a name that
    is no clean name, or a place too long or too deep."""
    if len(text) > MAX_TEXT:
        raise UserError("place.too_long", what=what, max=MAX_TEXT)
    typed = text.replace("／", SEPARATOR).strip()
    if not typed:
        raise UserError("place.empty", what=what)
    parts = [part.strip() for part in typed.split(SEPARATOR)]
    if any(not part for part in parts):
        raise UserError("place.empty_part", what=what, place=text)
    if len(parts) > MAX_DEPTH:
        raise UserError("place.too_deep", what=what, max=MAX_DEPTH)
    return tuple(check(part, what) for part in parts)


def joined(place: tuple[str, ...] | list[str]) -> str:
    """A place as typed: its bodies joined by "/"."""
    return SEPARATOR.join(place)
