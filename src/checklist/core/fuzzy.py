"""Suggesting the closest names for a mistyped one."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

_PARTS = re.compile(r"[.\-_]")


def _score(word: str, candidate: str) -> float:
    """How alike two names are, also comparing the word with each part of a dotted/hyphenated id."""
    word, candidate = word.lower(), candidate.lower()
    if word and word in candidate:
        return 0.95
    scores = [SequenceMatcher(None, word, candidate).ratio()]
    scores += [SequenceMatcher(None, word, part).ratio() for part in _PARTS.split(candidate) if part]
    return max(scores)


def closest(word: str, candidates: Iterable[str], limit: int = 3, cutoff: float = 0.6) -> list[str]:
    scored = sorted(((_score(word, c), c) for c in dict.fromkeys(candidates)), key=lambda pair: -pair[0])
    return [c for score, c in scored if score >= cutoff][:limit]
