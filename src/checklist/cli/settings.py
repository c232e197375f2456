"""Commands that set the store's defaults: use, config."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options
from .app import app

CONFIG_KEYS = ("user", "default_unit", "evidence_max_mb")


@app.command()
def use(
    unit_id: Annotated[str, typer.Argument(metavar="ID", help="The unit to work on by default.")],
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Make a unit the store's default, for commands run without --unit."""
    from ..workspace import Workspace
    from .i18n import resolve_lang, t
    from .output import message

    ws = Workspace.open(store)
    chosen = ws.store.unit(unit_id)
    ws.store.set_config("default_unit", chosen.id)
    message(t("msg.default_unit", resolve_lang(lang), id=chosen.id))


@app.command()
def config(
    key: Annotated[str, typer.Argument(help="user, default_unit or evidence_max_mb.")],
    value: Annotated[str | None, typer.Argument(help="New value; omit to show the current one.")] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Remove the setting.")] = False,
    store: options.Store = None,
) -> None:
    """Show or set a store setting, e.g. `checklist config user 张三` (who attests by default)."""
    from ..core.errors import NotFound, UserError
    from ..core.fuzzy import closest
    from ..core.models import CleanStr  # noqa: F401 - the same rule as names in records
    from ..workspace import Workspace

    if key not in CONFIG_KEYS:
        raise NotFound(f"no setting {key!r} (settings: {', '.join(CONFIG_KEYS)})", closest(key, CONFIG_KEYS))
    ws = Workspace.open(store)
    if unset:
        ws.store.set_config(key, None)
        return
    if value is None:
        typer.echo(str(ws.store.config().get(key, "")))
        return
    if not value.strip() or any(ord(ch) < 32 for ch in value):
        raise UserError(f"invalid value for {key}: it must be non-empty text without control characters")
    if key == "default_unit":
        value = ws.store.unit(value).id
    if key == "evidence_max_mb" and not _is_size(value):
        raise UserError(f"evidence_max_mb must be a positive number of megabytes, not {value!r}")
    ws.store.set_config(key, value.strip())


def _is_size(value: str) -> bool:
    try:
        return 0 < float(value) < 1e7
    except ValueError:
        return False
