"""Units: starting one on its checklist, choosing the store's default, the store's settings,
and the kinds of unit a catalog knows."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..core import blobs, names
from ..core.catalog import resolve_kind
from ..core.errors import NotFound, UserError, message
from ..core.fuzzy import closest
from ..core.models import Catalog, CatalogRef, Unit, UnitKind, from_user
from ..core.status import UnitStatus
from ..core.store import check_unit_id
from .session import Session
from .settings import (
    CONFIG_CLOCK_OVERRIDE,
    CONFIG_DEFAULT_UNIT,
    CONFIG_EVIDENCE_MAX_MB,
    CONFIG_KEYS,
    CONFIG_USER,
    SWITCH,
    Settings,
    size_in_mb,
)


@dataclass(frozen=True)
class Started:
    unit: Unit
    kind: UnitKind
    status: UnitStatus
    created: bool  # False: the unit existed, and is resumed
    store: str  # where the store is
    store_created: bool  # the store was made now


def start(session: Session, kind_token: str, name: str | None = None, unit_id: str | None = None) -> Started:
    """Start a unit of a kind, or resume it when it exists already."""
    catalog = session.catalog(session.settings.catalog)
    kind = resolve_kind(catalog, kind_token)
    unit = _existing(session, kind, name, unit_id)
    created = unit is None
    if unit is None:
        unit = _new_unit(session, catalog, kind, name, unit_id)
    return Started(unit, kind, session.status(unit), created, session.location, session.created)


def _new_unit(session: Session, catalog: Catalog, kind: UnitKind, name: str | None, unit_id: str | None) -> Unit:
    path = session.settings.catalog
    started = session.now(catalog)
    unit_id = check_unit_id(unit_id) if unit_id else _free_id(session, kind.id)
    session.refuse_future(catalog, started, message("clock.start", unit=unit_id, at=started))
    unit = from_user(
        Unit,
        id=unit_id,
        kind=kind.id,
        name=names.check(name, "--name") if name is not None else None,
        catalog=CatalogRef(
            name=catalog.meta.name,
            version=catalog.meta.version,
            digest=catalog.digest,
            path=str(path) if path else None,
        ),
        started_at=started.astimezone(ZoneInfo(catalog.meta.timezone)),
        started_by=session.actor(),
    )
    blobs.keep_catalog(session.store, catalog)
    actor = unit.started_by
    session.store.create_unit(unit, session.signer(actor), by=actor)
    return unit


def _existing(session: Session, kind: UnitKind, name: str | None, unit_id: str | None) -> Unit | None:
    store = session.store
    if unit_id:
        if check_unit_id(unit_id) not in store.unit_ids():
            return None
        unit = store.unit(unit_id)
        if unit.kind != kind.id:
            raise UserError("unit.other_kind", id=unit_id, kind=unit.kind, wanted=kind.id)
        return unit
    units = [u for u in store.units() if u.kind == kind.id]
    if name:
        return next((u for u in units if u.name == name), None)
    return next((u for u in units if u.id == kind.id), None)


def _free_id(session: Session, base: str) -> str:
    taken = set(session.store.unit_ids())
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def use(session: Session, unit_id: str) -> Unit:
    """Make a unit the store's default, for commands run without --unit."""
    chosen = session.unit(unit_id)
    session.store.set_config(CONFIG_DEFAULT_UNIT, chosen.id)
    return chosen


def config_value(session: Session, key: str) -> str:
    return str(session.store.config().get(_known(key), ""))


def set_config(session: Session, key: str, value: str | None) -> None:
    """Set a store setting (None removes it); the value is checked as the setting needs."""
    key = _known(key)
    if value is None:
        session.store.set_config(key, None)
        return
    if key == CONFIG_USER:
        value = names.check(value, message("name.config_user"))
    if not value.strip() or any(ord(ch) < 32 for ch in value):
        raise UserError("config.invalid_text", key=key)
    if key == CONFIG_DEFAULT_UNIT:
        value = session.unit(value).id
    if key == CONFIG_EVIDENCE_MAX_MB and size_in_mb(value) is None:
        raise UserError("config.evidence_max_mb", value=value)
    if key == CONFIG_CLOCK_OVERRIDE and value not in SWITCH:
        raise UserError("config.switch", key=key, value=value)
    session.store.set_config(key, value.strip())


def _known(key: str) -> str:
    if key not in CONFIG_KEYS:
        raise NotFound("config.unknown", closest(key, CONFIG_KEYS), key=key, known=list(CONFIG_KEYS))
    return key


def catalog_kinds(settings: Settings) -> Catalog:
    """The catalog whose unit kinds `checklist units` lists (--catalog, else the bundled one)."""
    from ..core import catalog as catalogs

    return catalogs.load(settings.catalog)
