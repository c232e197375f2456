"""The hierarchy: where a unit reports (`place`)."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options


def place(
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="[PATH]",
            help="The bodies the unit reports to, from the top down, separated by /: 湖南省司法厅/省监狱管理局.",
            show_default=False,
        ),
    ] = None,
    reason: options.Why = None,
    unit: options.Unit = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Set where the unit reports (a unit moved to another bureau), or, with no PATH, show it and its changes.

    Example: checklist place 湖南省司法厅/长沙市司法局 --reason "划归长沙市司法局管理"
    """
    from ..core.errors import message
    from ..core.places import parse
    from ..present.hierarchy import placed, places_view
    from ..present.output import stdout
    from ..usecases import hierarchy
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    wanted = parse(path, message("place.path")) if path is not None else None
    settings = Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
    session = Session.open(settings)
    if wanted is None:
        stdout().print(places_view(hierarchy.places(session), settings.lang))
        return
    placed(hierarchy.place_unit(session, wanted, reason), settings.lang)
