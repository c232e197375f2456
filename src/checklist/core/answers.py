"""Reading a question's answer as a duty officer types it: in Chinese or English, by number,
by a choice's id or words; several at once for a multi question."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .errors import NotFound, UserError
from .fuzzy import closest
from .models import UNKNOWN, Question

# The words of each yes/no answer, as typed (compared case-folded, in NFKC: full-width too)
WORDS: dict[str, frozenset[str]] = {
    "yes": frozenset({"yes", "y", "true", "是", "有", "是的", "已"}),
    "no": frozenset({"no", "n", "false", "否", "无", "没有", "不是", "未"}),
    UNKNOWN: frozenset({"unknown", "u", "?", "don't know", "dont know", "不清楚", "不知道", "不详", "未知"}),
}
# "Not relevant" is not an answer: it is a waiver (`checklist na ITEM --reason …`), kept apart from "no"
NOT_RELEVANT = frozenset({"na", "n/a", "not relevant", "not applicable", "不适用", "无关"})
_SEPARATORS = re.compile(r"[,，、;；]")


def parse_answer(question: Question, typed: Sequence[str], item: str) -> list[str]:
    """The answer's ids, in the question's order; a word it does not take is refused, naming
    the answers it takes (and the closest one)."""
    tokens = [t.strip() for text in typed for t in _SEPARATORS.split(text) if t.strip()]
    if not tokens:
        raise UserError("answer.empty", item=item, allowed=question.ids)
    found = [_one(question, token, item) for token in tokens]
    chosen = [answer for answer in question.ids if answer in found]
    if question.answers != "multi" and len(chosen) > 1:
        raise UserError("answer.one_only", item=item, given=chosen)
    return chosen


def _one(question: Question, token: str, item: str) -> str:
    typed = unicodedata.normalize("NFKC", token).casefold()
    if typed in NOT_RELEVANT:
        raise UserError("answer.not_relevant", item=item, value=token)
    ids = question.ids
    if typed.isdecimal():  # by the number the walk shows
        number = int(typed)
        if 1 <= number <= len(ids):
            return ids[number - 1]
    words = _words(question)
    found = words.get(typed)
    if found is not None:
        return found
    raise NotFound("answer.invalid", closest(token, list(words)), item=item, value=token, allowed=ids)


def _words(question: Question) -> dict[str, str]:
    """Every way of typing each answer -> its id."""
    if question.choices is None:
        return {word: answer for answer in question.ids for word in sorted(WORDS[answer])}
    words: dict[str, str] = {}
    for choice in question.choices:
        for text in (choice.id, choice.label.zh, choice.label.en):
            if text:
                words[unicodedata.normalize("NFKC", text).casefold()] = choice.id
    return words
