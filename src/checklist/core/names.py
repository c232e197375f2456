"""People's names, and units' display names: what may be typed as one, and when two name
the same person.

A name is free text, typed under pressure, and shown to auditors who read it with their
eyes. Two names are the same person when they read the same: `same_person` compares their
`key`, which is the name in Unicode's compatibility form, case-folded (`ＡＬＩＣＥ`, `Alice`
and `alice` are one person), with letters of Cyrillic and Greek that look like Latin ones
folded to those (`јое` and `joe` are one person).

`check` refuses what no name should hold: control characters (a newline, a tab), invisible
formatting characters (a zero-width space, a bidirectional override), leading or trailing
blanks, and letters of scripts that are mixed to deceive: Latin with Cyrillic or Greek, say
(`аlice` with a Cyrillic `а`). It follows Unicode TR39's "highly restrictive" level:
one script, or Latin with Chinese characters (Han, with Bopomofo), with Japanese (Han,
Hiragana, Katakana) or with Korean (Han, Hangul) — `王警官 Wang` is a name. A letter's script
is read from its Unicode name (`CYRILLIC SMALL LETTER A`) in Python's own character
database, so that no data file has to be kept up to date by hand.
"""

from __future__ import annotations

import unicodedata

from .errors import Message, UserError

MAX_LENGTH = 200
_REFUSED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})  # controls, formatting, unassigned
_EAST_ASIAN = frozenset({"HAN", "HIRAGANA", "KATAKANA", "BOPOMOFO", "HANGUL"})
_EAST_ASIAN_SETS = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"HAN", "BOPOMOFO"}),
    frozenset({"HAN", "HANGUL"}),
)
_SCRIPT_WORDS = {"CJK": "HAN", "IDEOGRAPHIC": "HAN"}
# Case-folded Cyrillic and Greek letters that read as a Latin letter (in either case): the
# ones Unicode's confusables data maps to Latin, for letters used in names.
_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "с": "c",
        "ԁ": "d",
        "е": "e",
        "һ": "h",
        "н": "h",
        "і": "i",
        "ј": "j",
        "к": "k",
        "ӏ": "l",
        "м": "m",
        "о": "o",
        "р": "p",
        "ԛ": "q",
        "ѕ": "s",
        "т": "t",
        "ԝ": "w",
        "х": "x",
        "у": "y",
        "ү": "y",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ζ": "z",
        "η": "h",
        "ι": "i",
        "κ": "k",
        "μ": "m",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
    }
)


def check(text: str, what: str | Message) -> str:
    """`text` unchanged if it may be a name, else a UserError naming where it came from
    (`what`: an option, a variable, a setting, in words of its own)."""
    if not text.strip():
        raise UserError("name.empty", what=what)
    if len(text) > MAX_LENGTH:
        raise UserError("name.too_long", what=what, max=MAX_LENGTH)
    for char in text:
        if unicodedata.category(char) in _REFUSED:
            raise UserError("name.control", what=what, name=text, char=f"U+{ord(char):04X}")
    if text != text.strip():
        raise UserError("name.blanks", what=what, name=text)
    scripts = scripts_of(text)
    if mixed(scripts):
        raise UserError("name.mixed_scripts", what=what, name=text, scripts=sorted(s.title() for s in scripts))
    return text


def key(text: str) -> str:
    """What a name is compared by: its compatibility form, case-folded (repeated until it
    settles), blanks as one space, and Cyrillic and Greek lookalikes as the Latin letters."""
    folded = unicodedata.normalize("NFKC", text)
    for _ in range(4):
        again = unicodedata.normalize("NFKC", folded.casefold())
        if again == folded:
            break
        folded = again
    return " ".join(folded.split()).translate(_LOOKALIKES)


def same_person(first: str, second: str) -> bool:
    return key(first) == key(second)


def scripts_of(text: str) -> set[str]:
    """The scripts of a name's letters (and of digits other than 0-9), read from their names."""
    found = set()
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category == "Lm" or not (category[0] == "L" or (category[0] == "N" and not char.isascii())):
            continue  # common to every script: 0-9, punctuation, symbols, marks, modifier letters
        word = unicodedata.name(char, "UNKNOWN").split(" ")[0].split("-")[0]
        found.add(_SCRIPT_WORDS.get(word, word))
    return found


def mixed(scripts: set[str]) -> bool:
    """Whether these scripts are mixed beyond what TR39's "highly restrictive" level allows."""
    others = scripts - _EAST_ASIAN
    east = scripts & _EAST_ASIAN
    if len(others) > 1 or (others and east and others != {"LATIN"}):
        return True
    return bool(east) and not any(east <= allowed for allowed in _EAST_ASIAN_SETS)
