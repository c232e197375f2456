"""Naming items: number, id, id without the kind, unique prefix; unknown ones suggest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist.core import catalog as catalogs
from checklist.core.errors import NotFound, UserError
from checklist.core.items import resolve, resolve_all
from checklist.core.status import items_for
from checklist.present.messages import hint

ITEMS = items_for(catalogs.load(), "prison")


def test_by_number_id_local_name_and_prefix() -> None:
    visits = next(i for i in ITEMS if i.id == "prison.visits-suspended")
    assert resolve(str(visits.number), ITEMS) == visits
    assert resolve("prison.visits-suspended", ITEMS) == visits
    assert resolve("visits-suspended", ITEMS) == visits
    assert resolve("prison.visits-s", ITEMS) == visits


def test_number_out_of_range_says_the_range() -> None:
    with pytest.raises(NotFound, match=f"no item number {len(ITEMS) + 1}") as info:
        resolve(str(len(ITEMS) + 1), ITEMS)
    assert f"1 to {len(ITEMS)}" in (hint(info.value) or "")


def test_ambiguous_prefix_lists_the_candidates() -> None:
    with pytest.raises(UserError, match=r"names more than one item: prison\.new-admission"):
        resolve("prison.new-admission", ITEMS)


def test_unknown_item_suggests_full_ids() -> None:
    with pytest.raises(NotFound) as info:
        resolve("prison.vists-suspended", ITEMS)
    assert info.value.suggestions[0] == "prison.visits-suspended"


def test_resolve_all_drops_repeats_and_fails_before_anything_on_a_typo() -> None:
    assert [i.number for i in resolve_all(["1", "1", "system.three-zeros"], ITEMS)] == [1, 2]
    with pytest.raises(NotFound):
        resolve_all(["1", "nonsense-item"], ITEMS)


@given(st.text(max_size=30))
def test_any_token_resolves_or_raises_a_user_error(token: str) -> None:
    try:
        item = resolve(token, ITEMS)
    except UserError:
        return
    assert item in ITEMS
