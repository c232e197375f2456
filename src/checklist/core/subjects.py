"""Subject ids as a person types them (a prisoner's number, a name): one spelling per subject.

An id is kept in Unicode's composed form (NFC), so that the same characters typed by two
input methods name the same subject. Blanks at either end (a space, a no-break space, the
ideographic space of a Chinese input method) and characters that show nothing (controls,
zero-width and direction marks) are refused rather than quietly dropped: " P1" and "P1"
look alike on a screen, and a subject is matched exactly.
"""

from __future__ import annotations

import unicodedata

from .errors import UserError

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
