"""What a duty officer types, read in the forms a Chinese input method gives: a state in
words (完成, 不适用, 受阻), a yes or a no (是, 否), digits, signs and points in full width
(３７．５, －３, ＝) or in Chinese punctuation (３７。５)."""

from __future__ import annotations

import unicodedata

from .errors import UserError

# What NFKC leaves as it is and a person means as ASCII: the minus sign (−), the dashes a
# word processor puts for one (–, —) and the ideographic full stop typed for a decimal point.
_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-", "\u3002": "."})
_NUMBER_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-"})

# A state as typed, by the words every screen shows for it (state.* in interface.po) and
# its id, in English and Chinese (compared in NFKC, case-folded).
STATE_WORDS: dict[str, frozenset[str]] = {
    "done": frozenset({"done", "d", "完成", "已完成"}),
    "partial": frozenset({"partial", "p", "部分完成"}),
    "na": frozenset({"na", "n/a", "n", "不适用"}),
    "blocked": frozenset({"blocked", "block", "b", "受阻"}),
    "open": frozenset({"open", "o", "未完成"}),
}
# A yes or a no to a question the program asks (Enter takes the question's default).
YES = frozenset({"y", "yes", "是", "是的", "好", "确定", "对"})
NO = frozenset({"n", "no", "否", "不", "不是", "取消", "不对"})


def plain(text: str) -> str:
    """A typed text in its plain form: full-width letters, digits and signs as ASCII (NFKC),
    a minus sign as '-', surrounding blanks (an ideographic space too) removed."""
    return unicodedata.normalize("NFKC", text).translate(_NUMBER_SIGNS).strip()


def number_text(text: str) -> str:
    """A number as typed, ready for int() or float(): plain, with 。 read as the decimal point."""
    return plain(text).translate(_SIGNS)


def state_of(text: str) -> str | None:
    """The state a typed word names (done, partial, na, blocked, open), or None."""
    typed = plain(text).casefold()
    return next((state for state, words in STATE_WORDS.items() if typed in words), None)


def parse_state(text: str, option: str) -> str:
    """A state typed as an option's value; an unknown word is refused, naming the states."""
    state = state_of(text)
    if state is None:
        raise UserError("state.unknown", value=text, option=option, allowed=list(STATE_WORDS))
    return state


def yes_or_no(text: str) -> bool | None:
    """A yes (True) or a no (False) as typed in English or Chinese; None for anything else."""
    typed = plain(text).casefold()
    return True if typed in YES else False if typed in NO else None
