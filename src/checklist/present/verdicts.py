"""What `verify`, `verify --seal`, `seal` and `keys` found and made, for the terminal and as JSON."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, cast

from rich.text import Text

from .messages import text
from .output import message, safe, stdout

if TYPE_CHECKING:
    from rich.table import Table

    from ..core.errors import Message
    from ..core.keys import PublicKey
    from ..core.verify import Verdict
    from ..usecases.trust import (
        CheckpointCheck,
        Checkpointed,
        Endorsed,
        KeyList,
        NewKey,
        SealCheck,
        Sealed,
        Verification,
    )
    from .schemas import (
        CheckpointChecksDocument,
        KeyDocument,
        KeysDocument,
        SealCheckDocument,
        SealChecksDocument,
        UnitVerdictDocument,
        VerificationDocument,
    )


def verification(result: Verification) -> None:
    if result.swept is not None and result.swept.files:
        swept = result.swept
        words = f"removed {_count(swept.files, 'partial file')} left by interrupted commands"
        message(f"{words} ({swept.bytes / 1_000_000:.1f} MB)", "yellow")
    for repair in result.repairs:
        if repair.moved:
            message(f"{repair.unit}: moved {repair.moved} bytes of an incomplete last line to quarantine", "yellow")
        if repair.listed:
            message("began the store's list of its units, with the units there are now", "yellow")
    listing = result.verdict.listing
    for warning in listing.warnings:
        stdout().print(Text("    " + safe(text(warning)), style="yellow"), soft_wrap=True)
    if listing.listed is not None:
        _shared("units", listing.problems, _count(listing.listed, "listed unit"), "present and as started")
    for verdict in result.verdict.units:
        _verdict(verdict, result.require_signatures)
        _signers(verdict, result.verdict.keys)
    _shared("keys", result.verdict.key_problems, _count(len(result.verdict.keys), "registered key"), "checked")
    _shared("evidence", result.verdict.evidence_problems, _count(result.verdict.evidence_referenced, "stored file"))
    _shared("catalogs", result.verdict.catalog_problems, _count(result.verdict.catalogs, "kept version"))


def verification_document(result: Verification) -> VerificationDocument:
    found = result.verdict
    return {
        "document": "verification",
        "format": 1,
        "ok": not result.failed,
        "units": [_verdict_document(v, result.require_signatures, found.keys) for v in found.units],
        "keys": {"registered": len(found.keys), "problems": _texts(found.key_problems)},
        "evidence": {"referenced": found.evidence_referenced, "problems": _texts(found.evidence_problems)},
        "catalogs": {"kept": found.catalogs, "problems": _texts(found.catalog_problems)},
        "units_list": {
            "listed": found.listing.listed,
            "problems": _texts(found.listing.problems),
            "warnings": _texts(found.listing.warnings),
        },
        "repaired": [
            {"unit": r.unit, "moved": r.moved, "index_removed": r.dropped_index, "units_listed": r.listed}
            for r in result.repairs
        ],
        "partial_files_removed": {
            "files": result.swept.files if result.swept else 0,
            "bytes": result.swept.bytes if result.swept else 0,
        },
    }


def _verdict_document(verdict: Verdict, require_signatures: bool, keys: dict[str, PublicKey]) -> UnitVerdictDocument:
    problems = verdict.problems(require_signatures)
    return {
        "unit": verdict.unit.id,
        "ok": not problems,
        "records": verdict.chain.records,
        "before_chaining": verdict.chain.legacy,
        "head": verdict.chain.last_seq,
        "signed": verdict.signed,
        "signers": [
            {"key": key, "name": keys[key].name if key in keys else "", "records": count}
            for key, count in verdict.signers.items()
        ],
        "unsigned": verdict.unsigned,
        "unknown_key": _texts(verdict.unknown_key),
        "bad_signature": _texts(verdict.bad_signature),
        "seals": verdict.seals,
        "checkpoints": verdict.checkpoints,
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


def _signers(verdict: Verdict, keys: dict[str, PublicKey]) -> None:
    """Who signed the unit's records: each key, its holder and how many records."""
    for key, count in verdict.signers.items():
        name = keys[key].name if key in keys else "?"
        stdout().print(
            Text(f"    signed by {safe(name)} {key}: {_count(count, 'record')}", style="dim"), soft_wrap=True
        )


def _shared(what: str, problems: list[Message], checked: str, how: str = "re-hashed") -> None:
    if problems:
        said = _texts(problems)
        stdout().print(Text(f"✖ {what}: " + safe(said[0]), style="bold red"), soft_wrap=True)
        for extra in said[1:]:
            stdout().print(Text("    " + safe(extra), style="yellow"), soft_wrap=True)
    else:
        stdout().print(Text(f"✔ {what}: {checked} {how}, all intact", style="green"))


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
    owner = result.public.name
    made = f"New key {result.public.key} for {owner}: private key {result.private} (readable by you only)"
    if result.registered_in:
        endorsed = f", endorsed by your key {result.endorsed_by.key}" if result.endorsed_by else ""
        message(f"{made}, registered in {result.registered_in}{endorsed}.", "green")
    elif result.holder is None:
        message(f"{made}, not registered yet (no store here: start one with `checklist start --unit prison`).", "green")
    else:
        admin = f" or the administrator ({result.admin.name}, key {result.admin.key})" if result.admin else ""
        message(
            f"{made}. It is not registered in this store: {owner} has key {result.holder.key} here already, and a "
            f"second key for a name is registered only when endorsed. The holder of {result.holder.key}{admin} "
            f"endorses it on their machine: `checklist keys endorse {result.public_file}` (give them that file); "
            "until then it signs nothing here.",
            "yellow",
        )


def endorsed(result: Endorsed) -> None:
    public = result.public
    if result.endorser is None:
        message(f"Key {public.key} speaks for {public.name} in this store already; nothing changed.")
        return
    message(
        f"Key {public.key} of {public.name} endorsed with {result.endorser.key} ({result.endorser.name}) "
        f"and registered by {public.registered_by}.",
        "green",
    )


def seal_checks_document(results: list[SealCheck]) -> SealChecksDocument:
    return {"document": "seal-checks", "format": 1, "seals": [seal_check_document(r) for r in results]}


def keys_document(result: KeyList) -> KeysDocument:
    # a key as its file in keys/ holds it; a test holds KeyDocument to PublicKey's fields
    def key(public: PublicKey) -> KeyDocument:
        return cast("KeyDocument", public.model_dump(mode="json", exclude_none=True))

    return {
        "document": "keys",
        "format": 2,
        "registered": [key(k) for k in result.registered.values()],
        "own": [key(k) for k in result.own.values()],
    }


def keys_table(result: KeyList) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD)
    for column in ("key", "name", "created", "registered here", "private key here"):
        table.add_column(column)
    everything = {**result.own, **result.registered}
    for key_id, key in sorted(everything.items(), key=lambda pair: pair[1].created_at):
        registered = result.registered.get(key_id)
        table.add_row(
            key_id,
            Text(safe(key.name)),
            key.created_at.strftime("%Y-%m-%d %H:%M"),
            Text(_registration(registered) if registered else "no"),
            "yes" if key_id in result.own else "no",
        )
    return table


def checkpointed(result: Checkpointed) -> None:
    """The note on stdout (it is the thing to send), and where it is kept on stderr."""
    sys.stdout.write(result.note.decode())
    where = result.where + (f" and {result.copy}" if result.copy else "")
    message(f"Checkpoint of record {result.checkpoint.size} signed → {where}", "green")


def checkpoint_checks(checks: list[CheckpointCheck]) -> None:
    for check in checks:
        point = check.checkpoint
        what = f"checkpoint {check.path}"
        if point is not None:
            what += f" of {point.origin}, record {point.size}, signed by {', '.join(check.signers)}"
        if check.problems:
            line = "✖ " + safe(what) + ": " + safe(text(check.problems[0]))
        else:
            line = "✔ " + safe(what) + ": holds"
            if not check.against_log:
                line += " (signature only: this store has no copy of that log)"
        stdout().print(line, soft_wrap=True, markup=False, highlight=False)
        for extra in check.problems[1:]:
            stdout().print("    " + safe(text(extra)), soft_wrap=True, markup=False, highlight=False)


def checkpoint_checks_document(checks: list[CheckpointCheck]) -> CheckpointChecksDocument:
    return {
        "document": "checkpoint-checks",
        "format": 1,
        "ok": not any(check.problems for check in checks),
        "checkpoints": [
            {
                "file": str(check.path),
                "ok": not check.problems,
                "origin": check.checkpoint.origin if check.checkpoint else None,
                "size": check.checkpoint.size if check.checkpoint else None,
                "head": check.checkpoint.head if check.checkpoint else None,
                "signed_by": check.signers,
                "checked_against_log": check.against_log,
                "problems": _texts(check.problems),
            }
            for check in checks
        ],
    }


def _registration(key: PublicKey) -> str:
    if key.registered_at is None:
        return "yes"
    said = f"{key.registered_at.strftime('%Y-%m-%d %H:%M')} by {safe(key.registered_by or '')}"
    return said + (f", endorsed by {key.endorsed_by.key}" if key.endorsed_by else "")
