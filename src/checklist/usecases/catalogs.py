"""Catalogs: checking one, its JSON Schema, and moving a unit to a newer version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core import blobs
from ..core import catalog as catalogs
from ..core.models import Catalog, Unit, catalog_json_schema
from . import anchors
from .session import Session
from .settings import Settings


def validate(settings: Settings, path: str | None = None, strict: bool = False) -> catalogs.Checked:
    """Check a catalog (PATH, else --catalog / CHECKLIST_CATALOG, else the bundled one) for its
    authors: a CatalogError lists every problem found, and the catalog that loads comes with
    its warnings; `strict` counts the warnings as problems."""
    from pathlib import Path

    chosen = Path(path).expanduser().resolve() if path else settings.catalog
    return catalogs.check(chosen, strict)


def schema() -> dict[str, Any]:
    return catalog_json_schema()


@dataclass(frozen=True)
class Upgraded:
    unit: Unit
    old: Catalog
    new: Catalog
    added: list[str]  # measure ids new to the unit's kind
    retired: list[str]  # measure ids no longer in it (their records stay)
    reworded: list[str]  # measures whose title or detail changed
    carried: list[tuple[str, str]]  # (old id, new id): records carried over to a measure that replaces it


def upgrade(session: Session) -> Upgraded | None:
    """Move a unit to its source catalog (or --catalog), recorded as an action; None if it
    runs that catalog already."""
    unit = session.select_unit()
    actor = session.actor()
    current, index = session.view(unit)
    source = session.source_catalog(unit)
    if source.same_content(current.catalog):
        return None
    blobs.keep_catalog(session.store, source)
    old = current.catalog
    before = {m.id: m for m in old.for_kind(unit.kind)}
    after = {m.id: m for m in source.for_kind(unit.kind)}
    carried = [(o, new) for o, new in source.renames.items() if new in after and (o in before or o in index.records_of)]
    note = f"{old.meta.version} ({old.digest[:15]}) → {source.meta.version} ({source.digest[:15]})"
    if carried:  # what the log says of itself: records under these ids count for the new ones from here on
        note += "; " + ", ".join(f"{o} → {new}" for o, new in carried)
    draft = session.draft(
        unit,
        source,
        actor,
        "upgraded",
        note=note,
    )
    anchors.append(session, unit, [draft], session.signer(actor))
    moved, carriers = {o for o, _ in carried}, {new for _, new in carried}
    return Upgraded(
        unit,
        old,
        source,
        added=[i for i in after if i not in before and i not in carriers],
        retired=[i for i in before if i not in after and i not in moved],
        reworded=[i for i in after if i in before and not after[i].worded_as(before[i].wording())],
        carried=carried,
    )
