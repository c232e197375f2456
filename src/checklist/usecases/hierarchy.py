"""The hierarchy of units: where each reports (its place, a `placed` record of its own log),
the nodes of the tree those places make, and the units under a node.

A node is a path of bodies from the top down (`("湖南省司法厅", "省监狱管理局")`); the root,
the whole store, is the empty path. Other views (a report for a node) select their units
with `under(statuses, node)` after `find_node(statuses, token)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..core.errors import NotFound, UserError, message
from ..core.fuzzy import closest
from ..core.models import Catalog, Draft, Record, Unit
from ..core.places import joined, parse
from ..core.status import UnitStatus
from . import anchors
from .session import Session

if TYPE_CHECKING:
    from ..core.history import History
    from ..core.logindex import LogIndex
    from .views import Province, StatusView

Node = tuple[str, ...]
ROOT: Node = ()
T = TypeVar("T")


def place_of(status: UnitStatus) -> Node:
    return status.place


class HasPlace(Protocol):
    """A unit's status, or its summary in the roll-up cache: where it reports."""

    @property
    def place(self) -> Node: ...


def nodes(statuses: Iterable[HasPlace]) -> dict[Node, int]:
    """Every node the units' places make (each body of each place, as the path down to it),
    with how many units are anywhere under it; the root counts them all."""
    found: dict[Node, int] = {ROOT: 0}
    for status in statuses:
        found[ROOT] += 1
        for depth in range(1, len(status.place) + 1):
            node = status.place[:depth]
            found[node] = found.get(node, 0) + 1
    return found


def is_under(place: Node, node: Node) -> bool:
    return place[: len(node)] == node


def under(statuses: Iterable[T], node: Node) -> list[T]:
    """The statuses (or views with a `.status`) of the units anywhere under `node`, in their order."""
    return [s for s in statuses if is_under(_place(s), node)]


def _place(found: object) -> Node:
    status = getattr(found, "status", found)
    return tuple(getattr(status, "place", ()))


def units_under(session: Session, token: str) -> list[Unit]:
    """The units of the store anywhere under the node a user names (`report --under NODE`)."""
    statuses = [session.status(unit) for unit in session.store.units()]
    return [status.unit for status in under(statuses, find_node(statuses, token))]


def children(node: Node, known: Iterable[Node]) -> list[Node]:
    """The nodes one level below `node`, in natural order of their names."""
    from .views import natural_key

    found = {n for n in known if len(n) == len(node) + 1 and n[: len(node)] == node}
    return sorted(found, key=lambda n: natural_key(n[-1]))


def find_node(statuses: Sequence[HasPlace], token: str) -> Node:
    """The node a user names: a path from the top ("湖南省司法厅/省监狱管理局"), or one body's name
    when only one body has it. An unknown one is refused with the closest names and the
    children of the deepest node of the path that is known; a name several bodies have, with
    their paths."""
    known = nodes(statuses)
    typed = token.replace("／", "/").strip()
    if not typed:
        raise UserError("node.empty")
    asked = parse(typed, "--under")
    if asked in known:
        return asked
    if len(asked) == 1:
        named = sorted((n for n in known if n and n[-1] == asked[0]), key=len)
        if len(named) == 1:
            return named[0]
        if named:
            raise UserError("node.ambiguous", token=token, paths=[joined(n) for n in named])
    deepest = ROOT
    for depth in range(1, len(asked)):
        if asked[:depth] in known:
            deepest = asked[:depth]
    below = children(deepest, known)
    candidates = [joined(n) for n in known if n] + [n[-1] for n in known if n]
    raise NotFound(
        "node.unknown",
        closest(typed, candidates),
        token=token,
        node=joined(deepest),
        children=[n[-1] for n in below],
    )


@dataclass(frozen=True)
class Placed:
    unit: Unit
    before: Node
    now: Node
    draft: Draft | None  # None: the place it has already, nothing recorded


def place_unit(session: Session, place: Node, reason: str | None = None, unit: Unit | None = None) -> Placed:
    """Record where the unit reports (a `placed` record, format 6), from `parse`d text. The
    place it has already is refused (nothing is recorded); at `start`, pass the unit started,
    and the same place is simply kept (`draft` None)."""
    chosen = unit if unit is not None else session.select_unit()
    actor = session.actor()
    current, index = session.view(chosen)
    if index.place == place:
        if unit is not None:
            return Placed(chosen, place, place, None)
        raise UserError("place.unchanged", unit=chosen.id, place=" › ".join(place))
    session.refuse_future(current.catalog, current.now, message("clock.place", unit=chosen.id))
    draft = session.draft(
        chosen, current.catalog, actor, "placed", place=list(place), note=(reason or "").strip() or None
    )
    anchors.append(session, chosen, [draft], session.signer(actor), index)
    return Placed(chosen, current.place, place, draft)


@dataclass(frozen=True)
class Move:
    """A recorded place: the bodies, and its record (who, when, why)."""

    place: Node
    record: Record


@dataclass(frozen=True)
class Places:
    unit: Unit
    catalog: Catalog
    now: Node  # where it reports now (empty: nowhere said)
    history: list[Move]  # oldest first


def places(session: Session) -> Places:
    """Where the unit reports now, and every place it was given (read from the index's places
    of the `placed` records: a few lines of the log)."""
    unit = session.select_unit()
    current, index = session.view(unit)
    moves = [Move(tuple((record := index.record_at(at)).place or ()), record) for at in index.placed_at]
    return Places(unit, current.catalog, index.place, moves)


@dataclass(frozen=True)
class NodeRollup:
    """A child body of a node, and the headline of the units anywhere under it (`--by-node`);
    `name` None: the units placed at the node itself (or, at the root, placed nowhere)."""

    node: Node
    name: str | None
    province: Province


def rollups(statuses: Sequence[UnitStatus], node: Node) -> list[NodeRollup]:
    """The headline of each child body of `node` (the units under it), then of the units
    placed at the node itself, if any."""
    from .views import province

    mine = under(statuses, node)
    found = []
    for child in children(node, nodes(mine)):
        found.append(NodeRollup(child, child[-1], province(under(mine, child))))
    direct = [s for s in mine if s.place == node]
    if direct:
        found.append(NodeRollup(node, None, province(direct)))
    return found


def last_days(days: int | None) -> tuple[dict[str, History] | None, Callable[[UnitStatus, LogIndex], None] | None]:
    """`--days N`: the histories to fill (by unit id), and what fills them as each unit is read."""
    if days is None:
        return None, None
    from ..core.history import MAX_DAYS, history

    if not 1 <= days <= MAX_DAYS:
        raise UserError("days.range", days=days, max=MAX_DAYS)
    found: dict[str, History] = {}

    def each(status: UnitStatus, index: LogIndex) -> None:
        found[status.unit.id] = history(status, index, days)

    return found, each


def grown(
    found: list[StatusView], histories: dict[str, History] | None, token: str | None, by_node: bool
) -> tuple[list[StatusView], Node, list[NodeRollup] | None, dict[str, History] | None]:
    """`status --all`'s units under the node asked (`--under`), the roll-up per child body
    (`--by-node`) and the last days of those units (`--days`): what the supervisor's view adds."""
    statuses = [v.status for v in found]
    node = find_node(statuses, token) if token is not None else ROOT
    kept = under(found, node)
    rolled = rollups([v.status for v in kept], node) if by_node else None
    if histories is not None:
        histories = {v.status.unit.id: histories[v.status.unit.id] for v in kept}
    return kept, node, rolled, histories
