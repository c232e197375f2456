"""`checklist set`: the unit's attributes (a risk level), changed and listed."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options


def set_attributes(
    assignments: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[NAME=VALUE]...",
            help="Attributes and their new values, by id or by Chinese or English name (risk=high, 风险等级=高).",
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
    """Change the unit's attributes (its risk level, say), or, with none given, list them and their history.

    The measures whose conditions name them apply, or stop applying, from then on.

    Example: checklist set risk=high --reason "县疾控通报：本地出现确诊病例"
    """
    from ..present.applicability import attributes_set, attributes_view
    from ..present.output import stdout
    from ..usecases.applicability import SetRequest
    from ..usecases.applicability import attributes_view as view_of
    from ..usecases.applicability import set_attributes as record
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now)
    session = Session.open(settings)
    if not assignments:
        stdout().print(attributes_view(view_of(session), settings.lang))
        return
    attributes_set(record(session, SetRequest(assignments, reason)), settings.lang)
