"""What `verify`, `verify --seal`, `seal` and `keys` found and made, for the terminal and as JSON."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, cast

from rich.text import Text

from .messages import text
from .output import message, safe, stdout
from .words import date_text, moment_text, t, tn

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..core.errors import Message
    from ..core.keys import PublicKey
    from ..core.keystatements import KeyStatement
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
        TrustedKeyDocument,
        UnitVerdictDocument,
        VerificationDocument,
    )


def verification(result: Verification, lang: str = "en") -> None:
    if result.swept is not None and result.swept.files:
        swept = result.swept
        mb = f"{swept.bytes / 1_000_000:.1f}"
        message(tn("verify.swept", swept.files, lang, mb=mb), "yellow")
    for repair in result.repairs:
        if repair.moved:
            message(t("verify.moved", lang, unit=repair.unit, bytes=repair.moved), "yellow")
        if repair.listed:
            message(t("verify.listed", lang), "yellow")
    listing = result.verdict.listing
    for warning in listing.warnings:
        stdout().print(Text("    " + safe(text(warning, lang)), style="yellow"), soft_wrap=True)
    if listing.listed is not None:
        _shared("units", listing.problems, listing.listed, lang)
    for verdict in result.verdict.units:
        _verdict(verdict, result.require_signatures, lang)
        _signers(verdict, result.verdict.mirror_keys or result.verdict.keys, lang)
    _shared("keys", result.verdict.key_problems, len(result.verdict.keys), lang)
    _shared("evidence", result.verdict.evidence_problems, result.verdict.evidence_referenced, lang)
    _shared("catalogs", result.verdict.catalog_problems, result.verdict.catalogs, lang)


def verification_document(result: Verification) -> VerificationDocument:
    found = result.verdict
    return {
        "document": "verification",
        "format": 1,
        "ok": not result.failed,
        "units": [
            _verdict_document(v, result.require_signatures, found.mirror_keys or found.keys) for v in found.units
        ],
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


def _texts(messages: list[Message], lang: str = "en") -> list[str]:
    return [text(m, lang) for m in messages]


def _verdict(verdict: Verdict, require_signatures: bool, lang: str) -> None:
    problems = _texts(verdict.problems(require_signatures), lang)
    chain = verdict.chain
    line = Text("✔ " if not problems else "✖ ", style="green" if not problems else "bold red")
    line.append(t("verify.unit", lang, unit=safe(verdict.unit.id)), style="bold")
    if problems:
        line.append(safe(problems[0]))
    elif not chain.records:
        line.append(t("verify.no_records", lang))
    else:
        line.append(tn("verify.intact", chain.records, lang))
        if chain.last_seq:
            line.append(t("verify.chain_to", lang, seq=chain.last_seq))
        line.append(t("verify.signed", lang, signed=verdict.signed, unsigned=verdict.unsigned))
        if verdict.seals:
            line.append(tn("verify.seals", verdict.seals, lang))
    stdout().print(line, soft_wrap=bool(problems))  # a verdict fits the width; a problem is kept whole
    for extra in [*problems[1:], *_texts(chain.warnings, lang), *_texts(verdict.unusable, lang)]:
        stdout().print(Text("    " + safe(extra), style="yellow"), soft_wrap=True)


def _signers(verdict: Verdict, keys: dict[str, PublicKey], lang: str) -> None:
    """Who signed the unit's records: each key, its holder and how many records."""
    for key, count in verdict.signers.items():
        name = keys[key].name if key in keys else "?"
        said = tn("verify.signer", count, lang, name=safe(name), key_id=key)
        stdout().print(Text("    " + said, style="dim"))


def _shared(what: str, problems: list[Message], checked: int, lang: str) -> None:
    """The verdict on what the units share: the store's list of units, keys, evidence, catalogs."""
    if problems:
        said = _texts(problems, lang)
        line = t("verify.shared_bad", lang, what=t(f"verify.{what}", lang), problem=safe(said[0]))
        stdout().print(Text(line, style="bold red"), soft_wrap=True)
        for extra in said[1:]:
            stdout().print(Text("    " + safe(extra), style="yellow"), soft_wrap=True)
    else:
        stdout().print(Text(tn(f"verify.{what}_ok", checked, lang), style="green"))


def seal_check(result: SealCheck, lang: str = "en") -> None:
    sealed, problems = result.seal, _texts(result.problems, lang)
    what = tn(
        "seal.what", len(sealed.entries), lang, unit=sealed.unit, period=date_text(sealed.period, lang), by=sealed.by
    )
    verdict = "✖ " + safe(what) + t("label.colon", lang) + safe(problems[0]) if problems else "✔ " + safe(what)
    if not problems:
        verdict += t("seal.holds" if result.against_log else "seal.holds_signature_only", lang)
    stdout().print(verdict, soft_wrap=bool(problems), markup=False, highlight=False)
    if not problems and sealed.day is not None:  # a seal of format 6 on: the unit's day, as it says it
        from .sealday import show

        show(sealed.day, lang)


def seal_check_document(result: SealCheck) -> SealCheckDocument:
    from .sealday import document

    sealed = result.seal
    found: SealCheckDocument = {
        "document": "seal-check",
        "format": 1,
        "ok": not result.problems,
        "unit": sealed.unit,
        "period": sealed.period.isoformat(),
        "by": sealed.by,
        "checked_against_log": result.against_log,
        "problems": _texts(result.problems),
        "seal_format": sealed.format,
    }
    if sealed.day is not None:  # a seal of format 6 on: the readable part of its day
        found["day"] = document(sealed.day)
    return found


def sealed(result: Sealed, unit_id: str, lang: str = "en") -> None:
    made = result.seal
    key = made.sig.key if made.sig else ""
    where = t("label.and_copy", lang, where=result.where, copy=result.copy) if result.copy else result.where
    said = tn(
        "seal.made",
        len(made.entries),
        lang,
        period=date_text(made.period, lang),
        unit=unit_id,
        head=made.head.seq,
        by=made.by,
        key_id=key,
        where=where,
    )
    message(said, "green")


def new_key(result: NewKey, lang: str = "en") -> None:
    owner = result.public.name
    made = t("key.made", lang, key_id=result.public.key, owner=owner, private=result.private)
    if result.registered_in:
        endorsed = t("key.endorsed_by_yours", lang, key_id=result.endorsed_by.key) if result.endorsed_by else ""
        message(t("key.registered", lang, made=made, where=result.registered_in, endorsed=endorsed), "green")
    elif result.holder is None:
        message(t("key.no_store", lang, made=made), "green")
    else:
        admin = t("key.or_admin", lang, name=result.admin.name, key_id=result.admin.key) if result.admin else ""
        said = t(
            "key.not_registered",
            lang,
            made=made,
            owner=owner,
            holder=result.holder.key,
            admin=admin,
            file=result.public_file,
        )
        message(said, "yellow")


def endorsed(result: Endorsed, lang: str = "en") -> None:
    public = result.public
    if result.endorser is None:
        message(t("key.endorse_noop", lang, key_id=public.key, name=public.name))
        return
    said = t(
        "key.endorsed",
        lang,
        key_id=public.key,
        name=public.name,
        endorser=result.endorser.key,
        endorser_name=result.endorser.name,
        by=public.registered_by,
    )
    message(said, "green")


def seal_checks_document(results: list[SealCheck]) -> SealChecksDocument:
    return {"document": "seal-checks", "format": 1, "seals": [seal_check_document(r) for r in results]}


def keys_document(result: KeyList) -> KeysDocument:
    # a key as its file in keys/ holds it; a test holds KeyDocument to PublicKey's fields
    def key(public: PublicKey) -> KeyDocument:
        return cast("KeyDocument", public.model_dump(mode="json", exclude_none=True))

    from .keystatements import document

    found: KeysDocument = {
        "document": "keys",
        "format": 2,
        "registered": [key(k) for k in result.registered.values()],
        "own": [key(k) for k in result.own.values()],
        "trusted": [cast("TrustedKeyDocument", k.model_dump(mode="json")) for k in result.trusted],
    }
    if result.ends:
        found["statements"] = [document(s) for ended in result.ends.values() for s in ended]
    return found


def keys_table(result: KeyList, lang: str = "en", width: int = 120) -> RenderableType:
    """The keys: a table on a wide screen; on a narrow one, each key's id (whole: it is what
    people compare) and name, with its dates below."""
    from rich import box
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table

    everything = {**result.own, **result.registered}
    keys = sorted(everything.items(), key=lambda pair: pair[1].created_at)
    if width < 100:
        colon = t("label.colon", lang)
        blocks: list[RenderableType] = []
        for key_id, key in keys:
            registered = result.registered.get(key_id)
            blocks.append(Text(f"{key_id}  ").append(safe(key.name), style="bold"))
            created = t("col.keys_created", lang) + colon + moment_text(key.created_at, lang)
            private = t("col.keys_private", lang) + colon + t("value.yes" if key_id in result.own else "value.no", lang)
            here = _registration(registered, lang, result.ends.get(key_id, [])) if registered else t("value.no", lang)
            below = Text(f"{created} · {private}\n{t('col.keys_registered', lang)}{colon}{here}", style="dim")
            blocks.append(Padding(below, (0, 0, 0, 4)))
        return Group(*blocks, *_trusted_keys(result, lang, width))
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("key", "name", "created", "registered", "private"):  # a key's id is never cut: it is compared
        table.add_column(t(f"col.keys_{column}", lang), no_wrap=column == "key")
    for key_id, key in keys:
        registered = result.registered.get(key_id)
        table.add_row(
            key_id,
            Text(safe(key.name)),
            moment_text(key.created_at, lang),
            Text(_registration(registered, lang, result.ends.get(key_id, [])) if registered else t("value.no", lang)),
            t("value.yes" if key_id in result.own else "value.no", lang),
        )
    return Group(table, *_trusted_keys(result, lang, width)) if result.trusted else table


def _trusted_keys(result: KeyList, lang: str, width: int) -> list[RenderableType]:
    """The keys trusted for units' bundles (`keys trust`): one line each, the key's id whole."""
    if not result.trusted:
        return []
    lines: list[RenderableType] = [Text(t("keys.trusted_heading", lang), style="bold")]
    for entry in result.trusted:
        line = Text(f"{entry.unit}  {entry.key}  ").append(safe(entry.name), style="bold")
        when = t("keys.trusted_when", lang, at=moment_text(entry.trusted_at, lang), by=safe(entry.trusted_by))
        lines.append(line.append(f"  {when}" if width >= 100 else f"\n    {when}", style="dim"))
    return lines


def checkpointed(result: Checkpointed, lang: str = "en") -> None:
    """The note on stdout (it is the thing to send), and where it is kept on stderr."""
    sys.stdout.write(result.note.decode())
    where = t("label.and_copy", lang, where=result.where, copy=result.copy) if result.copy else result.where
    message(t("checkpoint.made", lang, size=result.checkpoint.size, where=where), "green")


def checkpoint_checks(checks: list[CheckpointCheck], lang: str = "en") -> None:
    for check in checks:
        point = check.checkpoint
        what = t("checkpoint.file", lang, path=check.path)
        if point is not None:
            signers = t("label.list_sep", lang).join(check.signers)
            what = t("checkpoint.what", lang, path=check.path, origin=point.origin, size=point.size, by=signers)
        if check.problems:
            line = "✖ " + safe(what) + t("label.colon", lang) + safe(text(check.problems[0], lang))
        else:
            line = "✔ " + safe(what) + t("seal.holds" if check.against_log else "checkpoint.holds_signature_only", lang)
        stdout().print(line, soft_wrap=bool(check.problems), markup=False, highlight=False)
        for extra in check.problems[1:]:
            stdout().print("    " + safe(text(extra, lang)), soft_wrap=True, markup=False, highlight=False)


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


def _registration(key: PublicKey, lang: str, ends: list[KeyStatement] | None = None) -> str:
    from .keystatements import ended

    if key.registered_at is None:
        return t("value.yes", lang) + ended(ends or [], lang)
    when = moment_text(key.registered_at, lang)
    said = t("key.registered_at", lang, when=when, by=safe(key.registered_by or ""))
    said += t("key.endorsed_with", lang, key_id=key.endorsed_by.key) if key.endorsed_by else ""
    return said + ended(ends or [], lang)
