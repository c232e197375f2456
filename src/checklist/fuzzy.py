"""Suggesting the closest names for a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    pool = list(candidates)
    matches = difflib.get_close_matches(word, pool, n=limit, cutoff=0.5)
    if len(matches) < limit:
        # "visits" should find "prison.visits-suspended": also match on a contained word
        matches += [c for c in pool if word and word.lower() in c.lower() and c not in matches]
    return matches[:limit]
