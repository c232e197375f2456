"""Commands about bundles: export a unit's records upward, import them on a receiving store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import options


def export(
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="The bundle file to write.", show_default=False)],
    unit: options.Unit = None,
    all_units: Annotated[
        bool, typer.Option("--all", "-a", help="Every unit in the store, mirrors too (relayed onward).")
    ] = False,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Also carry the evidence files the records name.")
    ] = False,
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            metavar="SEQ",
            min=0,
            help="Carry the records after record SEQ (default: those after the last bundle).",
            show_default=False,
        ),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Carry every record, from the first.")] = False,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    now: options.Now = None,
) -> None:
    """Write a signed bundle of a unit's new records, to send upward.

    One file (a DSSE envelope): the records as written, the unit file, the catalog it runs,
    the keys that signed, and a seal of its head. The receiver runs `checklist import FILE`.
    """
    from ..core.errors import UserError
    from ..present.bundles import exported
    from ..usecases import bundles
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if unit and all_units:
        raise UserError("option.exclusive", first="--unit", second="--all")
    if since is not None and full:
        raise UserError("option.exclusive", first="--since", second="--full")
    session = Session.open(Settings.load(store=store, unit=unit, by=by, lang=lang, now=now))  # --now: the day sealed
    result = bundles.export(session, out, all_units=all_units, evidence=evidence, since=since, full=full)
    exported(result, session.settings.lang)


def import_bundles(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Bundles to import (`checklist export`).")],
    json: options.Json = False,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Import bundles from units: only what is new is appended.

    Importing twice changes nothing. Each is checked first: a trusted key, the chain against
    what this store holds. A bundle refused (a fork, a gap, a bad or untrusted signature)
    leaves the store as it was for it; the others still import. Exit 3 if any was refused.
    """
    from ..core.errors import ExitCode
    from ..present import bundles as words
    from ..present.output import print_error, print_json
    from ..usecases import bundles
    from ..usecases.session import Session
    from ..usecases.settings import Settings, progress_wanted

    session = Session.open(Settings.load(store=store, by=by, lang=lang))
    lang_ = session.settings.lang

    bar, each = None, None
    if len(files) > 1 and progress_wanted():  # a terminal, not CI
        from rich.progress import Progress

        from ..present.output import stderr
        from ..present.words import t

        bar = Progress(console=stderr(), transient=True)
        task = bar.add_task(t("import.progress", lang_), total=len(files))

        def each(path: Path) -> None:
            del path
            bar.advance(task)

        bar.start()
    try:
        result = bundles.import_bundles(session, files, each)
    finally:
        if bar is not None:
            bar.stop()
    if not json:
        for found in result.files:
            if found.error is not None:
                print_error(found.error, lang_)
            else:
                words.imported_file(found, lang_)
    if json:
        print_json(words.imports_document(result, lang_))
    else:
        words.summary(result, lang_)
    codes = [found.error.exit_code for found in result.refused if found.error is not None]
    if codes:
        raise typer.Exit(max(codes, default=ExitCode.DATA))
