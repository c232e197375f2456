"""`status --all --by-measure`, `--item ID` and `--compliance`: the supervisor's other axis
and time to compliance, each followed (on stderr) by the command for the next level down."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..usecases.session import Session
    from ..usecases.views import SupervisorView


def measures_view(
    session: Session,
    view: SupervisorView,
    measure: str | None,
    compliance: bool,
    *,
    json: bool,
    no_pager: bool,
    lang: str,
) -> None:
    """Print the view asked for (JSON, or on the terminal through the pager), then its hint."""
    from ..present import measures as words
    from ..present.output import message, paged, print_json
    from ..usecases import measures_view as usecase
    from ..usecases.settings import pager_from

    if compliance:
        found = usecase.time_to_compliance(session, view)
        if json:
            print_json(words.compliance_document(found))
            return
        with paged(pager_from(no_pager)) as (_, console):
            console.print(words.compliance_view(found, lang, console.width))
        hint = words.compliance_hint(found, lang)
    elif measure is not None:
        across = usecase.measure(session, view, measure)
        if json:
            print_json(words.measure_document(across))
            return
        with paged(pager_from(no_pager)) as (_, console):
            console.print(words.measure_view(across, lang, console.width))
        hint = words.measure_hint(across, lang)
    else:
        rows = usecase.by_measure(view)
        if json:
            print_json(words.by_measure_document(rows))
            return
        with paged(pager_from(no_pager)) as (_, console):
            console.print(words.by_measure_view(rows, lang, console.width))
        hint = words.by_measure_hint(rows, lang)
    if hint:
        message(hint, style="dim")


def province_hint(view: SupervisorView, lang: str) -> None:
    """Under `status --all`: the commands for the other axis and for time to compliance."""
    from ..present.measures import province_hint as words
    from ..present.output import message

    message(words(view, lang), style="dim")
