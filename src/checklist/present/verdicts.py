"""What `verify`, `verify --seal`, `seal` and `keys` found and made, for the terminal and as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text

from .messages import text
from .output import message, safe, stdout

if TYPE_CHECKING:
    from rich.table import Table

    from ..core.errors import Message
    from ..core.keys import PublicKey
    from ..core.verify import Verdict
    from ..usecases.trust import KeyList, NewKey, SealCheck, Sealed, Verification
    from .schemas import (
        KeyDocument,
        KeysDocument,
        SealCheckDocument,
        SealChecksDocument,
        UnitVerdictDocument,
        VerificationDocument,
    )


def verification(result: Verification) -> None:
    for repair in result.repairs:
        if repair.moved:
            message(f"{repair.unit}: moved {repair.moved} bytes of an incomplete last line to quarantine", "yellow")
    for verdict in result.verdict.units:
        _verdict(verdict, result.require_signatures)
    _shared("evidence", result.verdict.evidence_problems, _count(result.verdict.evidence_referenced, "stored file"))
    _shared("catalogs", result.verdict.catalog_problems, _count(result.verdict.catalogs, "kept version"))


def verification_document(result: Verification) -> VerificationDocument:
    found = result.verdict
    return {
        "document": "verification",
        "format": 1,
        "ok": not result.failed,
        "units": [_verdict_document(v, result.require_signatures) for v in found.units],
        "evidence": {"referenced": found.evidence_referenced, "problems": _texts(found.evidence_problems)},
        "catalogs": {"kept": found.catalogs, "problems": _texts(found.catalog_problems)},
        "repaired": [{"unit": r.unit, "moved": r.moved, "index_removed": r.dropped_index} for r in result.repairs],
    }


def _verdict_document(verdict: Verdict, require_signatures: bool) -> UnitVerdictDocument:
    problems = verdict.problems(require_signatures)
    return {
        "unit": verdict.unit.id,
        "ok": not problems,
        "records": verdict.chain.records,
        "before_chaining": verdict.chain.legacy,
        "head": verdict.chain.last_seq,
        "signed": verdict.signed,
        "unsigned": verdict.unsigned,
        "unknown_key": _texts(verdict.unknown_key),
        "bad_signature": _texts(verdict.bad_signature),
        "seals": verdict.seals,
        "problems": _texts(problems),
        "warnings": _texts(verdict.chain.warnings + verdict.unusable),
    }


def _texts(messages: list[Message]) -> list[str]:
    return [text(m) for m in messages]


def _verdict(verdict: Verdict, require_signatures: bool) -> None:
    problems = _texts(verdict.problems(require_signatures))
    chain = verdict.chain
    line = Text("✔ " if not problems else "✖ ", style="green" if not problems else "bold red")
    line.append(f"{safe(verdict.unit.id)}: ", style="bold")
    if problems:
        line.append(safe(problems[0]))
    elif not chain.records:
        line.append("intact: no records yet")
    else:
        line.append(f"intact: {_count(chain.records, 'record')}")
        if chain.last_seq:
            line.append(f", chain unbroken to record {chain.last_seq}")
        line.append(f"; {verdict.signed} signed, {verdict.unsigned} unsigned")
        if verdict.seals:
            line.append(f"; {_count(verdict.seals, 'seal')} {'holds' if verdict.seals == 1 else 'hold'}")
    stdout().print(line, soft_wrap=True)
    for extra in [*problems[1:], *_texts(chain.warnings), *_texts(verdict.unusable)]:
        stdout().print(Text("    " + safe(extra), style="yellow"), soft_wrap=True)


def _shared(what: str, problems: list[Message], checked: str) -> None:
    if problems:
        said = _texts(problems)
        stdout().print(Text(f"✖ {what}: " + safe(said[0]), style="bold red"), soft_wrap=True)
        for extra in said[1:]:
            stdout().print(Text("    " + safe(extra), style="yellow"), soft_wrap=True)
    else:
        stdout().print(Text(f"✔ {what}: {checked} re-hashed, all intact", style="green"))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def seal_check(result: SealCheck) -> None:
    sealed, problems = result.seal, _texts(result.problems)
    what = f"seal of {sealed.unit}, {sealed.period.isoformat()}, by {sealed.by}, {len(sealed.entries)} records"
    verdict = "✖ " + safe(what) + ": " + safe(problems[0]) if problems else "✔ " + safe(what) + ": holds"
    if not result.against_log and not problems:
        verdict += " (signature only: this store has no log of that unit to compare)"
    stdout().print(verdict, soft_wrap=True, markup=False, highlight=False)


def seal_check_document(result: SealCheck) -> SealCheckDocument:
    return {
        "document": "seal-check",
        "format": 1,
        "ok": not result.problems,
        "unit": result.seal.unit,
        "period": result.seal.period.isoformat(),
        "by": result.seal.by,
        "checked_against_log": result.against_log,
        "problems": _texts(result.problems),
    }


def sealed(result: Sealed, unit_id: str) -> None:
    made = result.seal
    key = made.sig.key if made.sig else ""
    where = result.where + (f" and {result.copy}" if result.copy else "")
    message(
        f"Sealed {made.period.isoformat()} of {unit_id}: {len(made.entries)} records, head {made.head.seq}, "
        f"signed by {made.by} ({key}) → {where}",
        "green",
    )


def new_key(result: NewKey) -> None:
    where = (
        f"registered in {result.registered_in}"
        if result.registered_in
        else "not registered yet (no store here: start one with `checklist start --unit prison`)"
    )
    owner = result.public.name
    message(
        f"New key {result.public.key} for {owner}: private key {result.private} (readable by you only), {where}.",
        "green",
    )


def seal_checks_document(results: list[SealCheck]) -> SealChecksDocument:
    return {"document": "seal-checks", "format": 1, "seals": [seal_check_document(r) for r in results]}


def keys_document(result: KeyList) -> KeysDocument:
    # a key as its file in keys/ holds it; a test holds KeyDocument to PublicKey's fields
    def key(public: PublicKey) -> KeyDocument:
        return cast("KeyDocument", public.model_dump(mode="json"))

    return {
        "document": "keys",
        "format": 1,
        "registered": [key(k) for k in result.registered.values()],
        "own": [key(k) for k in result.own.values()],
    }


def keys_table(result: KeyList) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD)
    for column in ("key", "name", "created", "registered here", "private key here"):
        table.add_column(column)
    everything = {**result.registered, **result.own}
    for key_id, key in sorted(everything.items(), key=lambda pair: pair[1].created_at):
        table.add_row(
            key_id,
            Text(safe(key.name)),
            key.created_at.strftime("%Y-%m-%d %H:%M"),
            "yes" if key_id in result.registered else "no",
            "yes" if key_id in result.own else "no",
        )
    return table
