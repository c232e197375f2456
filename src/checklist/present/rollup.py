"""`status --all --json` from the roll-up's summaries (usecases/rollup.py): the same document
as `all_units_document` printed by `print_json`, made by joining each unit's text as kept.

A unit's text is its status document as it is printed among the units — indented (msgspec's
formatter writes what `json.dumps` with `indent=2` writes) and given print_json's escapes —
without the value of its `now`, filled in when printed: a warm answer only joins bytes.
"""

from __future__ import annotations

import io
import json
import sys
from typing import TYPE_CHECKING, Any, BinaryIO

import msgspec

from .output import _quiet_stdout, unsafe_escaped

if TYPE_CHECKING:
    from ..usecases.rollup import RollupView
    from ..usecases.views import Filters, StatusView
    from .schemas import ProvinceHeadline, StatusAllDocument, StatusDocument


NOW = b'\n      "now": ""'  # a unit's `now`, left empty: the only key of its document at that depth


def unit_text(view: StatusView) -> tuple[bytes, bytes]:
    """A unit's status document as it is printed among the units (indented, escaped), split
    where the value of its `now` goes."""
    from .documents import status_document  # only when a unit is folded: a warm answer needs none

    document: dict[str, Any] = {**status_document(view.status, view.newer), "now": ""}
    text = _indented(_compact(document)).replace(b"\n", b"\n    ")  # JSON strings hold no newline
    at = text.index(NOW) + len(NOW) - 2
    return text[:at], text[at + 2 :]


def _compact(document: dict[str, Any]) -> bytes:
    """As print_json writes it, without the blanks (a lone surrogate as "surrogatepass" writes it)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def status_all_document(  # noqa: PLR0917 - the parts of the document, in its order
    headline: ProvinceHeadline,
    sort: str,
    filters: Filters,
    units: list[StatusDocument],
    total: int,
    node: tuple[str, ...],
) -> StatusAllDocument:
    """The `status-all` document, however its units were worked out (the supervisor's view, or
    the roll-up cache, which writes each unit's text in `units` itself); no `--by-node` or
    `--days` parts (null) until the caller adds them."""
    return {
        "document": "status-all",
        "format": 1,
        "headline": headline,
        "sort": sort,  # type: ignore[typeddict-item]  # one of the sorts views.SORTS names
        "filters": {
            "kind": filters.kind,
            "missing": filters.missing,
            "alerts": filters.alerts,
            "overdue": filters.overdue,
        },
        "shown": len(units),
        "total": total,
        "units": units,
        "node": list(node),
        "by_node": None,
        "days": None,
        "history": None,
    }


def rollup_json(view: RollupView) -> bytes:
    """The `status-all` document (see all_units_document), as print_json prints it."""
    out = io.BytesIO()
    write_rollup(view, out)
    return out.getvalue()


def write_rollup(view: RollupView, out: BinaryIO) -> None:
    """The `status-all` document written a unit at a time, as print_json prints the whole."""
    head = view.headline
    headline: ProvinceHeadline = {
        "units": head.units,
        "reporting": head.reporting,
        "missing": head.missing,
        "figures": head.figures,
        "alerting": head.alerting,
        "overdue": head.overdue,
    }
    # `units` empty, each unit's text written in its place below; no --by-node or --days (the supervisor's view's)
    document = dict(status_all_document(headline, view.sort, view.filters, [], view.total, view.node))
    document["shown"] = len(view.units)
    whole = _indented(msgspec.json.encode(document))
    if not view.units:
        out.write(whole + b"\n")
        return
    opening = b'"units": []'  # the only empty list of that name: the headline's `units` is a count
    at = whole.index(opening)
    out.write(whole[:at] + b'"units": [')
    moments = {digest: msgspec.json.encode(now) for digest, now in view.now.items()}
    for n, s in enumerate(view.units):
        text = s.read()
        out.write(b"%s%s%s%s" % (b",\n    " if n else b"\n    ", text[: s.split], moments[s.catalog], text[s.split :]))
    out.write(b"\n  ]" + whole[at + len(opening) :] + b"\n")


def _indented(compact: bytes) -> bytes:
    """As json.dumps(indent=2) with print_json's escapes writes it."""
    try:
        indented = msgspec.json.format(compact, indent=2)
    except (msgspec.DecodeError, ValueError):  # what the formatter does not take (a lone surrogate)
        decoded = json.loads(compact.decode("utf-8", "surrogatepass"))
        indented = json.dumps(decoded, ensure_ascii=False, indent=2).encode("utf-8", "surrogatepass")
    return unsafe_escaped(indented)


def print_rollup(view: RollupView) -> None:
    """To stdout; a reader that leaves early (`| head`) ends it quietly, as for `log --json`."""
    sys.stdout.flush()
    try:
        write_rollup(view, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        _quiet_stdout()
