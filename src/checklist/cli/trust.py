"""Commands about trust: verify, seal, keys."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import options
from .app import app

if TYPE_CHECKING:
    from ..keys import PublicKey
    from ..models import Unit
    from ..verify import Verdict
    from ..workspace import Workspace

keys_app = typer.Typer(help="Signing keys: make one, list them.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@app.command()
def verify(
    unit: options.Unit = None,
    all_units: Annotated[bool, typer.Option("--all", "-a", help="Every unit in the store.")] = False,
    repair: Annotated[
        bool, typer.Option("--repair", help="First move an incomplete last line to quarantine (nothing is deleted).")
    ] = False,
    seal_file: Annotated[
        Path | None, typer.Option("--seal", metavar="FILE", help="Check a seal received from a unit, then stop.")
    ] = None,
    require_signatures: Annotated[
        bool, typer.Option("--require-signatures", help="Count unsigned records as a problem.")
    ] = False,
    json: options.Json = False,
    store: options.Store = None,
) -> None:
    """Check that the records are what was written: the hash chain, signatures, seals, evidence.

    Prints one verdict per unit and exits 3 if anything is wrong. See README, "Trust".
    """
    from ..errors import UserError
    from ..workspace import Workspace

    if unit and all_units:
        raise UserError("--unit and --all exclude each other")
    ws = Workspace.open(store)
    if seal_file is not None:
        _verify_seal(ws, seal_file, json)
        return
    units = ws.store.units() if all_units else [ws.select_unit(unit)]
    if repair:
        _repair(ws, [u.id for u in units])
    _report(ws, units, require_signatures, json)


def _repair(ws: Workspace, unit_ids: list[str]) -> None:
    from .output import message

    for unit_id in unit_ids:
        moved = ws.store.repair(unit_id)
        if moved:
            message(f"{unit_id}: moved {moved} bytes of an incomplete last line to records.jsonl.quarantine", "yellow")


def _report(ws: Workspace, units: list[Unit], require_signatures: bool, json: bool) -> None:
    from ..verify import verify_store
    from .output import print_json

    verdicts, referenced, evidence_problems = verify_store(ws.store, units)
    failed = evidence_problems or any(v.problems(require_signatures) for v in verdicts)
    if json:
        print_json(
            {
                "ok": not failed,
                "units": [_verdict_document(v, require_signatures) for v in verdicts],
                "evidence": {"referenced": referenced, "problems": evidence_problems},
            }
        )
    else:
        for verdict in verdicts:
            _print_verdict(verdict, require_signatures)
        _print_evidence(referenced, evidence_problems)
    if failed:
        raise typer.Exit(3)


def _verdict_document(verdict: Verdict, require_signatures: bool) -> dict[str, object]:
    return {
        "unit": verdict.unit.id,
        "ok": not verdict.problems(require_signatures),
        "records": verdict.chain.records,
        "before_chaining": verdict.chain.legacy,
        "head": verdict.chain.last_seq,
        "signed": verdict.signed,
        "unsigned": verdict.unsigned,
        "unknown_key": verdict.unknown_key,
        "bad_signature": verdict.bad_signature,
        "seals": verdict.seals,
        "problems": verdict.problems(require_signatures),
        "warnings": verdict.chain.warnings,
    }


def _print_verdict(verdict: Verdict, require_signatures: bool) -> None:
    from rich.text import Text

    from .output import safe, stdout

    problems = verdict.problems(require_signatures)
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
    for extra in [*problems[1:], *chain.warnings]:
        stdout().print(Text("    " + safe(extra), style="yellow"), soft_wrap=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _print_evidence(referenced: int, problems: list[str]) -> None:
    from rich.text import Text

    from .output import safe, stdout

    if problems:
        stdout().print(Text("✖ evidence: " + safe(problems[0]), style="bold red"), soft_wrap=True)
        for extra in problems[1:]:
            stdout().print(Text("    " + safe(extra), style="yellow"), soft_wrap=True)
    else:
        files = _count(referenced, "stored file")
        stdout().print(Text(f"✔ evidence: {files} re-hashed, all intact", style="green"))


def _verify_seal(ws: Workspace, path: Path, json: bool) -> None:
    from .. import seal as seals
    from ..errors import DataError, UserError
    from .output import print_json, safe, stdout

    try:
        sealed = seals.Seal.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise DataError(f"{path} is not a seal: {str(exc).splitlines()[0]}") from exc
    have_log = sealed.unit in ws.store.unit_ids()
    hashes = ws.store.line_hashes(sealed.unit) if have_log else None
    problems = seals.check(sealed, ws.store.registered_keys(), hashes)
    if json:
        print_json(
            {
                "ok": not problems,
                "unit": sealed.unit,
                "period": sealed.period.isoformat(),
                "by": sealed.by,
                "checked_against_log": have_log,
                "problems": problems,
            }
        )
    else:
        what = f"seal of {sealed.unit}, {sealed.period.isoformat()}, by {sealed.by}, {len(sealed.entries)} records"
        verdict = "✖ " + safe(what) + ": " + safe(problems[0]) if problems else "✔ " + safe(what) + ": holds"
        if not have_log and not problems:
            verdict += " (signature only: this store has no log of that unit to compare)"
        stdout().print(verdict, soft_wrap=True, markup=False, highlight=False)
    if problems:
        raise typer.Exit(3)


@app.command()
def seal(
    unit: options.Unit = None,
    period: Annotated[
        str | None, typer.Option("--period", metavar="DAY", help="The day, YYYY-MM-DD (default: today).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", metavar="FILE", help="Also write the seal to this file.")] = None,
    by: options.By = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Sign a statement of a day's records (events and upgrades too) and the chain head: the unit's report upward."""
    from datetime import date

    from ..errors import UserError
    from ..workspace import Workspace
    from .output import message

    try:
        day = date.fromisoformat(period) if period else None
    except ValueError:
        raise UserError(f"--period must be a day such as 2020-01-26, not {period!r}") from None
    ws = Workspace.open(store, catalog, now)
    chosen = ws.select_unit(unit)
    sealed, path = ws.seal(chosen, day, ws.actor(by))
    if out is not None:
        try:
            out.write_bytes(path.read_bytes())
        except OSError as exc:
            raise UserError(f"cannot write {out}: {exc.strerror or exc}") from exc
    message(
        f"Sealed {sealed.period.isoformat()} of {chosen.id}: {len(sealed.entries)} records, head {sealed.head.seq}, "
        f"signed by {sealed.by} ({sealed.sig.key if sealed.sig else ''}) → {path}" + (f" and {out}" if out else ""),
        "green",
    )


@keys_app.command("new")
def keys_new(
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Whose key (default: who attests).")
    ] = None,
    store: options.Store = None,
) -> None:
    """Make an Ed25519 key pair: the private key stays in your config folder (owner-only),
    the public key is registered in the store. Your records are signed from now on."""
    from .. import keys, paths
    from ..errors import NoStore
    from ..workspace import Workspace
    from .output import message

    try:
        ws: Workspace | None = Workspace.open(store)
    except NoStore:
        ws = None
    owner = name.strip() if name and name.strip() else (ws.actor(None) if ws else _login_name())
    public, private_path = keys.new_key(owner)
    if ws is not None:
        ws.store.register_key(public)
    where = (
        f"registered in {ws.store.location()}" if ws else f"not registered yet (no store here: {paths.HOW_TO_START})"
    )
    message(f"New key {public.key} for {owner}: private key {private_path} (readable by you only), {where}.", "green")


def _login_name() -> str:
    import getpass

    return getpass.getuser()


@keys_app.command("list")
def keys_list(
    json: options.Json = False,
    store: options.Store = None,
) -> None:
    """The keys registered in this store, and the ones you hold on this machine."""
    from .. import keys
    from ..errors import NoStore
    from ..workspace import Workspace
    from .output import print_json, stdout

    try:
        registered = Workspace.open(store).store.registered_keys()
    except NoStore:
        registered = {}
    own = {k.key: k for k in keys.own_keys()}
    if json:
        print_json(
            {
                "registered": [k.model_dump(mode="json") for k in registered.values()],
                "own": [k.model_dump(mode="json") for k in own.values()],
            }
        )
        return
    stdout().print(_keys_table({**registered, **own}, set(registered), set(own)))


def _keys_table(all_keys: dict[str, PublicKey], registered: set[str], own: set[str]) -> object:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from .output import safe

    table = Table(box=box.SIMPLE_HEAD)
    for column in ("key", "name", "created", "registered here", "private key here"):
        table.add_column(column)
    for key_id, key in sorted(all_keys.items(), key=lambda pair: pair[1].created_at):
        table.add_row(
            key_id,
            Text(safe(key.name)),
            key.created_at.strftime("%Y-%m-%d %H:%M"),
            "yes" if key_id in registered else "no",
            "yes" if key_id in own else "no",
        )
    return table
