"""`status --all --json` from the roll-up's summaries (usecases/rollup.py): the same document
as `all_units_document` printed by `print_json`, made by joining each unit's text as kept.

A unit's text is its status document, encoded compactly without its `now` (filled in when
printed); the whole is indented in one pass (msgspec's formatter writes what `json.dumps` with
`indent=2` writes) and given print_json's escapes.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import msgspec

from .documents import status_document
from .output import unsafe_escaped

if TYPE_CHECKING:
    from ..usecases.rollup import RollupView
    from ..usecases.views import StatusView


def unit_text(view: StatusView) -> tuple[bytes, bytes]:
    """A unit's status document, compact, split where its `now` goes."""
    document: dict[str, Any] = dict(status_document(view.status, view.newer))
    keys = list(document)
    at = keys.index("now")
    before = _compact({k: document[k] for k in keys[:at]})
    after = _compact({k: document[k] for k in keys[at + 1 :]})
    return before[:-1], after[1:]


def _compact(document: dict[str, Any]) -> bytes:
    """As print_json writes it, without the blanks (a lone surrogate as "surrogatepass" writes it)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def rollup_json(view: RollupView) -> bytes:
    """The `status-all` document (see all_units_document), as print_json prints it."""
    head = view.headline
    document = {
        "document": "status-all",
        "format": 1,
        "headline": {
            "units": head.units,
            "reporting": head.reporting,
            "missing": head.missing,
            "figures": head.figures,
            "alerting": head.alerting,
            "overdue": head.overdue,
        },
        "sort": view.sort,
        "filters": {
            "kind": view.filters.kind,
            "missing": view.filters.missing,
            "alerts": view.filters.alerts,
            "overdue": view.filters.overdue,
        },
        "shown": len(view.units),
        "total": view.total,
    }
    moments = {digest: msgspec.json.encode(now) for digest, now in view.now.items()}
    units = b",".join(b'%s,"now":%s,%s' % (s.before, moments[s.catalog], s.after) for s in view.units)
    whole = msgspec.json.encode(document)[:-1] + b',"units":[' + units + b"]}"
    try:
        indented = msgspec.json.format(whole, indent=2)
    except (msgspec.DecodeError, ValueError):  # what the formatter does not take (a lone surrogate)
        decoded = json.loads(whole.decode("utf-8", "surrogatepass"))
        indented = json.dumps(decoded, ensure_ascii=False, indent=2).encode("utf-8", "surrogatepass")
    return unsafe_escaped(indented) + b"\n"


def print_rollup(view: RollupView) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(rollup_json(view))
    sys.stdout.buffer.flush()
