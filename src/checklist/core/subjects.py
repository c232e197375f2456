"""Subject ids as a person types them (a prisoner's number, a name): one spelling per subject.

An id is kept in Unicode's composed form (NFC), so that the same characters typed by two
input methods name the same subject. Blanks at either end (a space, a no-break space, the
ideographic space of a Chinese input method) and characters that show nothing (controls,
zero-width and direction marks) are refused rather than quietly dropped: " P1" and "P1"
look alike on a screen, and a subject is matched exactly.
"""

from __future__ import annotations

import unicodedata

from .errors import NotFound, UserError
from .fuzzy import closest
from .models import Catalog

# Controls, format characters (zero-width spaces, direction marks), lone surrogates (bytes
# that were not UTF-8), and line and paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def typed_subject(text: str) -> str:
    """The subject id a user typed, in its one spelling; refused with a message code if it
    is empty, begins or ends with a blank, or holds a character that shows nothing."""
    subject = spelling(text)
    if not subject.strip():
        raise UserError("subject.empty")
    for char in subject:
        if unicodedata.category(char) in _INVISIBLE:
            raise UserError("subject.invisible", subject=subject, char=f"U+{ord(char):04X}")
    if subject != subject.strip():
        raise UserError("subject.blank_ends", subject=subject, stripped=subject.strip())
    return subject


def spelling(subject: str) -> str:
    """The form subjects are compared in (and new ones are kept in): NFC."""
    return unicodedata.normalize("NFC", subject)


def subject_type(catalog: Catalog, unit_kind: str, event: str, token: str | None) -> str | None:
    """The type of an event's subject (`--type staff`, or its Chinese or English name), as the
    catalog declares it. Without one: None, unless a measure the event triggers is only for
    some types, when the subject's type must be given (refused, listing the types)."""
    types = catalog.meta.subject_types
    known = [kind.id for kind in types]
    if token is None:
        triggers = [m.trigger for m in catalog.for_kind(unit_kind) if m.trigger and m.trigger.event == event]
        if any(trigger.subject_types is not None for trigger in triggers):
            raise UserError("event.needs_type", known=known, first=known[0] if known else "")
        return None
    wanted = token.strip().casefold()
    forms = {kind.id: (kind.id, (kind.name.zh or "").casefold(), (kind.name.en or "").casefold()) for kind in types}
    found = next((kind_id for kind_id, names in forms.items() if wanted in names), None)
    if found is None:
        owner = {form: kind_id for kind_id, names in forms.items() for form in names if form}
        suggestions = list(dict.fromkeys(owner[f] for f in closest(wanted, owner, limit=6)))[:3]
        raise NotFound("event.unknown_type", suggestions, type=token, known=known)
    return found
