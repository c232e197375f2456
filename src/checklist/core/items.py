"""Naming an item: by its number, its id, the id without the kind prefix, or a unique prefix."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import NotFound, UserError
from .fuzzy import closest
from .status import Item
from .typed import plain


def _local(item_id: str) -> str:
    return item_id.split(".", 1)[-1]


def resolve(token: str, items: Sequence[Item]) -> Item:
    token = token.strip()
    typed = plain(token)  # an item's number typed in full width (３) too
    if typed.isascii() and typed.isdigit():
        number = int(typed)
        if 1 <= number <= len(items):
            return items[number - 1]
        raise NotFound("item.no_number", number=number, count=len(items))
    by_id = {item.id: item for item in items}
    if token in by_id:
        return by_id[token]
    exact_local = [item for item in items if _local(item.id) == token]
    if len(exact_local) == 1:
        return exact_local[0]
    prefixed = [item for item in items if item.id.startswith(token) or _local(item.id).startswith(token)]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(prefixed) > 1 and token:
        raise UserError("item.ambiguous", token=token, ids=[item.id for item in prefixed[:6]], more=len(prefixed) > 6)
    full_id = {**{_local(i): i for i in by_id}, **{i: i for i in by_id}}
    suggestions = dict.fromkeys(full_id[name] for name in closest(token, full_id, limit=6))
    raise NotFound("item.unknown", list(suggestions)[:3], token=token)


def resolve_all(tokens: Sequence[str], items: Sequence[Item]) -> list[Item]:
    """Resolve every token first, so that one typo records nothing; repeats are dropped."""
    resolved: list[Item] = []
    for token in tokens:
        item = resolve(token, items)
        if item not in resolved:
            resolved.append(item)
    return resolved
