"""`checklist report`: the daily report as it is sent up or printed, in Markdown, HTML, CSV,
xlsx or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import options

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..usecases.reports import Report

FORMATS = ("md", "html", "csv", "xlsx", "json")
SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
}
BINARY = ("html", "xlsx")  # not for a terminal: written to a file only


def report(
    unit: options.Unit = None,
    all_units: Annotated[
        bool, typer.Option("--all", "-a", help="Every unit in the store, under the province's headline.")
    ] = False,
    day: Annotated[
        str | None,
        typer.Option("--day", metavar="DAY", help="The report of one day, e.g. 2020-01-27 (default: today)."),
    ] = None,
    first: Annotated[
        str | None, typer.Option("--from", metavar="DAY", help="The first day of a period (with --to, default today).")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", metavar="DAY", help="The last day of a period.")] = None,
    form: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="md, html, csv, xlsx or json (default: from the --out file's suffix, else md).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write the report to FILE (html and xlsx need one)."),
    ] = None,
    under: Annotated[
        str | None,
        typer.Option(
            "--under",
            metavar="NODE",
            help="Every unit under one body: its path (湖南省司法厅/长沙市司法局) or its name alone.",
        ),
    ] = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Leave out the signature status (faster: the records are not verified).")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """The daily report, as it is sent up or printed: Markdown, HTML, CSV, xlsx or JSON.

    The headline, alerts, the figures by day with a chart, progress per section, missed and
    overdue items, approvals, and what verify says of each unit's records."""
    from ..core.errors import UserError
    from ..usecases import reports
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if unit and all_units:
        raise UserError("option.exclusive", first="--unit", second="--all")
    if under is not None and (unit or all_units):
        raise UserError("option.exclusive", first="--under", second="--unit" if unit else "--all")
    if json and form is not None and form.strip().casefold() != "json":
        raise UserError("option.exclusive", first="--json", second="--format")
    if out is not None and out.expanduser().is_dir():
        raise UserError("report.out_is_folder", path=str(out))
    wanted = _format("json" if json else form, out)
    if out is None and wanted in BINARY:
        raise UserError("report.needs_out", format=wanted.upper(), suffix=wanted)
    settings = Settings.load(store=store, catalog=catalog, unit=unit, lang=lang, now=now)
    session = Session.open(settings)
    if under is not None:
        from ..usecases.hierarchy import units_under

        chosen = units_under(session, under)
    found = reports.report(
        session,
        all_units=all_units,
        units=chosen if under is not None else None,
        day=options.day(day, "--day"),
        first=options.day(first, "--from"),
        last=options.day(last, "--to"),
        verify=not no_verify,
    )
    language = settings.lang
    if wanted == "xlsx" and out is not None:  # (refused above without --out)
        from ..present.report_tables import write_xlsx

        _written(out, lambda path: write_xlsx(found, language, path))
    elif wanted == "html" and out is not None:
        from ..present.report_html import write as write_html

        _written(out, lambda path: write_html(found, language, path))
    else:
        text = _text(found, wanted, language)
        if out is None:
            import sys

            sys.stdout.write(text)
            return
        _written(out, lambda path: path.write_bytes(text.encode("utf-8")))
    from ..present.output import message
    from ..present.words import t

    message(t("report.written", language, path=str(out)))


def _format(form: str | None, out: Path | None) -> str:
    from ..core.errors import UserError

    if form is not None:
        wanted = form.strip().casefold().lstrip(".")
        wanted = "md" if wanted == "markdown" else wanted
        if wanted not in FORMATS:
            raise UserError("report.format_unknown", format=form, known=list(FORMATS))
        return wanted
    if out is None:
        return "md"
    found = SUFFIXES.get(out.suffix.casefold())
    if found is None:
        raise UserError("report.suffix_unknown", path=str(out), known=list(FORMATS))
    return found


def _text(found: Report, wanted: str, lang: str) -> str:
    if wanted == "json":
        import json

        from ..present.report_json import report_document

        return json.dumps(report_document(found), ensure_ascii=False, indent=2) + "\n"
    if wanted == "csv":
        import io

        from ..present.report_tables import write_csv

        buffer = io.StringIO()
        write_csv(found, lang, buffer)
        return buffer.getvalue()
    if wanted == "html":
        from ..present.report_html import render as render_html

        return render_html(found, lang)
    from ..present.report_md import render as render_md

    return render_md(found, lang)


def _written(out: Path, write: Callable[[Path], object]) -> None:
    """Written to a temporary file beside FILE, then given its name: a report is there whole or not at all."""
    import os
    import tempfile

    from ..core.errors import UserError

    target = out.expanduser()
    folder = target.parent if str(target.parent) else Path()
    if target.is_dir():
        raise UserError("report.out_is_folder", path=str(out))
    if not folder.is_dir():
        raise UserError("report.out_no_folder", path=str(out), folder=str(folder))
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    temporary = Path(name)
    umask = os.umask(0o022)
    os.umask(umask)
    temporary.chmod(0o666 & ~umask)  # as any file the user makes, not mkstemp's 0600
    try:
        write(temporary)
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise UserError("report.not_written", path=str(out), reason=error.strerror or str(error)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
