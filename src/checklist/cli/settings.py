"""Commands that set the store's defaults: use, config."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options


def use(
    unit_id: Annotated[str, typer.Argument(metavar="ID", help="The unit to work on by default.")],
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Make a unit the store's default, for commands run without --unit."""
    from ..present.output import message
    from ..present.words import t
    from ..usecases import units
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, lang=lang)
    chosen = units.use(Session.open(settings), unit_id)
    message(t("msg.default_unit", settings.lang, id=chosen.id))


def config(
    key: Annotated[str, typer.Argument(metavar="KEY", help="user, default_unit or evidence_max_mb.")],
    value: Annotated[str | None, typer.Argument(metavar="[VALUE]", help="New value; omit to show it.")] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Remove the setting.")] = False,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Show or set a store setting, e.g. `checklist config user 张三` (who attests by default)."""
    from ..usecases import units
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    session = Session.open(Settings.load(store=store, lang=lang))
    if unset or value is not None:
        units.set_config(session, key, None if unset else value)
        return
    from ..present.output import safe

    typer.echo(safe(units.config_value(session, key)))
