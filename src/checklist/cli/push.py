"""`checklist push --to postgresql://…`: a folder store's units copied into a database."""

from __future__ import annotations

from typing import Annotated

import typer

from . import options


def push(
    to: Annotated[
        str,
        typer.Option(
            "--to", metavar="URL", help="The database store to copy into (`postgresql://…`).", show_default=False
        ),
    ],
    unit: options.Unit = None,
    all_units: Annotated[bool, typer.Option("--all", "-a", help="Every unit in the store, mirrors too.")] = False,
    json: options.Json = False,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Copy a folder store's units into a PostgreSQL store, chains and signatures intact.

    Each unit file and record as written, the catalogs, keys, evidence, seals and checkpoints;
    mirrors stay mirrors. Only what the database lacks is copied: pushing twice writes nothing,
    and a push cut off resumes. A unit the database holds with another unit file, or with
    other records, is refused (exit 3) and nothing of it is written.
    """
    from ..core.errors import ExitCode, UserError
    from ..present import push as words
    from ..present.output import print_json
    from ..usecases import push as pushing
    from ..usecases.session import Session
    from ..usecases.settings import Settings, progress_wanted

    if unit and all_units:
        raise UserError("option.exclusive", first="--unit", second="--all")
    session = Session.open(Settings.load(store=store, unit=unit, by=by, lang=lang))
    lang_ = session.settings.lang
    bar = None
    task = None

    def started(total: int) -> None:
        nonlocal bar, task
        if total > 1 and progress_wanted():  # a terminal, not CI
            from rich.progress import Progress

            from ..present.output import stderr
            from ..present.words import t

            bar = Progress(console=stderr(), transient=True)
            task = bar.add_task(t("push.progress", lang_), total=total)
            bar.start()

    def advance(done: int) -> None:
        if bar is not None and task is not None:
            bar.advance(task, done)

    try:
        result = pushing.push(session, to, all_units=all_units, progress=advance, started=started)
    finally:
        if bar is not None:
            bar.stop()
    if json:
        print_json(words.push_document(result, lang_))
    else:
        words.pushed(result, lang_)
    if result.refused:
        raise typer.Exit(max((found.error.exit_code for found in result.refused), default=ExitCode.DATA))
