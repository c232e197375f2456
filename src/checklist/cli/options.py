"""Options shared by several commands, so each means the same everywhere."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer


def _lang(value: str | None) -> str | None:
    if value is not None and value not in ("zh", "en"):
        raise typer.BadParameter("use zh or en")
    return value


Store = Annotated[
    str | None,
    typer.Option(
        "--store",
        metavar="DIR",
        help="Store folder (default: $CHECKLIST_STORE, else the nearest .checklist/).",
        show_default=False,
    ),
]
Catalog = Annotated[
    str | None,
    typer.Option(
        "--catalog",
        metavar="PATH",
        help="Catalog folder or file (default: $CHECKLIST_CATALOG, else the unit's own).",
        show_default=False,
    ),
]
Unit = Annotated[
    str | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="ID",
        help="Unit id (default: the only unit, else the one set with `checklist use`).",
        show_default=False,
    ),
]
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="zh|en",
        callback=_lang,
        help="Language (default: $CHECKLIST_LANG, else the locale).",
        show_default=False,
    ),
]
By = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who attests (default: $CHECKLIST_USER, the store's user, the login name).",
        show_default=False,
    ),
]
Role = Annotated[
    str | None,
    typer.Option("--role", metavar="ROLE", help="Only the items a role owns (its id or name).", show_default=False),
]
Holder = Annotated[
    str | None,
    typer.Option("--by", metavar="NAME", help="Only the items owned by the roles NAME holds now.", show_default=False),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
Now = Annotated[
    str | None,
    typer.Option(
        "--now",
        metavar="TIME",
        help="Take this as the current time, e.g. 2020-01-27T09:00 (default: $CHECKLIST_NOW, else now).",
        show_default=False,
    ),
]
Subjects = Annotated[
    list[str] | None,
    typer.Option(
        "--subject",
        metavar="ID",
        help="For an item kept per subject: which one (a prisoner's number); repeat it for several.",
        show_default=False,
    ),
]
Part = Annotated[
    str | None,
    typer.Option(
        "--part",
        metavar="ID",
        help="For an item kept per part of the unit: which part (a block, a ward); see `checklist part`.",
        show_default=False,
    ),
]
Parts = Annotated[
    list[str] | None,
    typer.Option(
        "--part",
        metavar="ID",
        help="For an item kept per part of the unit: which part (a block, a ward); repeat it for several.",
        show_default=False,
    ),
]
OnlyPart = Annotated[
    str | None,
    typer.Option("--part", metavar="ID", help="Only one part of the unit (a block, a ward).", show_default=False),
]
Occurrence = Annotated[
    int | None,
    typer.Option(
        "--occurrence",
        metavar="N",
        min=1,
        help="For a subject whose event came more than once (a second admission): which one, 1 the first.",
        show_default=False,
    ),
]
Period = Annotated[
    str | None,
    typer.Option(
        "--for",
        metavar="KEY",
        help="For a recurring item: the period, e.g. 2020-01-27 (default: the current one).",
        show_default=False,
    ),
]


def day(text: str | None, option: str, *, bounded: bool = True) -> date | None:
    """A day an option names (YYYY-MM-DD), or None; anything else is a user error, and so is a
    day outside the clock's range (clock.EARLIEST), unless the command bounds it itself."""
    if text is None:
        return None
    from ..core.clock import check_day

    try:
        day = date.fromisoformat(text)
    except ValueError:
        from ..core.errors import UserError

        raise UserError("option.day", option=option, text=text) from None
    return check_day(day, option) if bounded else day


def language_of_run(lang: str | None) -> str | None:
    """A command's --lang, else the one given before its group (`checklist --lang zh role grant …`
    hands it to `role`, not to `grant`): what the root read for this run's errors."""
    if lang is not None:
        return lang
    from .command import run_language

    return run_language()


# status --all: the hierarchy (a node's units, the roll-up per child body) and the last days
Why = Annotated[  # optional: a change of the unit (`set`, `place`) says why when it can
    str | None, typer.Option("--reason", "-r", metavar="TEXT", help="Why (the notice, the decision).")
]
Under = Annotated[
    str | None,
    typer.Option(
        "--under",
        metavar="NODE",
        help="With --all: only the units under one body: its path (湖南省司法厅/长沙市司法局) or its name alone.",
    ),
]
ByNode = Annotated[
    bool, typer.Option("--by-node", help="With --all: one line per body under the node, with its own headline.")
]
Days = Annotated[
    int | None,
    typer.Option(
        "--days", metavar="N", help="With --all: each unit's last N days, a mark a day, the longest missing first."
    ),
]
