"""`checklist push --to postgresql://…`: a folder store's units copied into a database store,
with their chains and signatures intact (core/transfer.py says how)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core import clock, transfer
from ..core.errors import ChecklistError, UserError
from ..core.store import check_unit_id
from ..core.transfer import UnitPushed
from .session import Session, open_store


@dataclass
class UnitRefused:
    unit: str
    error: ChecklistError


@dataclass
class Pushed:
    source: str  # the folder store's location
    target: str  # the database's, without a password
    units: list[UnitPushed] = field(default_factory=list)
    refused: list[UnitRefused] = field(default_factory=list)
    blobs: transfer.Tally = field(default_factory=transfer.Tally)

    @property
    def copied(self) -> int:
        return sum(unit.copied for unit in self.units)

    @property
    def held(self) -> int:
        return sum(unit.held for unit in self.units)

    @property
    def nothing_new(self) -> bool:
        return not self.copied and not self.blobs.copied and not any(unit.created for unit in self.units)


def push(
    session: Session,
    to: str,
    *,
    all_units: bool = False,
    progress: Callable[[int], None] | None = None,
    started: Callable[[int], None] | None = None,
) -> Pushed:
    """Copy the unit asked for (every unit with `all_units`, mirrors too) into the database at
    `to`: first the store's catalogs, keys and evidence, then each unit on its own (one that
    clashes or forks is refused, nothing of it written, and the others still go)."""
    source = session.store
    if not isinstance(getattr(source, "root", None), Path):
        raise UserError("push.source_unsupported", store=source.location)
    target = open_store(to)
    rows = transfer.check_target(target)
    unit_ids = source.unit_ids() if all_units else [check_unit_id(session.select_unit().id)]
    if not unit_ids:
        raise UserError("unit.none_yet")
    result = Pushed(source.location, target.location)
    by = session.actor()
    if started is not None:
        started(len(unit_ids))
    with rows.exclusive():
        transfer.store_blobs(source, target, result.blobs)
        transfer.settings(source, target)
        for unit_id in unit_ids:
            try:
                found = transfer.push_unit(source, target, unit_id, by=by, at=clock.real_now(), tally=result.blobs)
            except ChecklistError as exc:
                result.refused.append(UnitRefused(unit_id, exc))
            else:
                result.units.append(found)
            if progress is not None:
                progress(1)
    return result
