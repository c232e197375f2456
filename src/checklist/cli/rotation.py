"""`checklist keys rotate` and `checklist keys revoke`: a key replaced by another from a date,
or revoked from a date (registered on the `keys` group in trust.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from . import options

From = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="DATE",
        help="From when: a day (YYYY-MM-DD, from its start) or a moment (2020-01-27T08:00); default: now.",
    ),
]


def since(text: str | None) -> datetime | None:
    """The moment --from names: a day from its start, or a date-time, in this computer's time
    zone unless it says its offset."""
    if text is None:
        return None
    from datetime import date, time

    from ..core.errors import UserError

    value = text.strip()
    try:
        return datetime.combine(date.fromisoformat(value), time()).astimezone()
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError("option.day", option="--from", text=text) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


def keys_rotate(
    key: Annotated[str, typer.Argument(metavar="KEY", help="The id of the key replaced (ed25519:…).")],
    to: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="KEY", help="The key that takes over (default: the newest other key of the same name)."
        ),
    ] = None,
    from_: From = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Record that a new key takes over from an old one from a date: records signed with the
    old key after it are flagged by verify. Signed by the old key, another key of the same
    name, or the administrator."""
    from ..present.keystatements import stated
    from ..usecases import rotation
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, by=by, lang=options.language_of_run(lang))
    moment = since(from_)
    stated(rotation.rotate(Session.open(settings), key, to, moment), settings.lang)


def keys_revoke(
    key: Annotated[str, typer.Argument(metavar="KEY", help="The id of the key revoked (ed25519:…).")],
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why (a lost or stolen key, someone who left).")
    ],
    from_: From = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Revoke a key from a date: records, seals and checkpoints signed with it after that are
    flagged by verify, and it signs nothing more. Signed by the key itself, another key of the
    same name, or the administrator."""
    from ..present.keystatements import stated
    from ..usecases import rotation
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, by=by, lang=options.language_of_run(lang))
    moment = since(from_)
    stated(rotation.revoke(Session.open(settings), key, moment, reason), settings.lang)
