"""Commands about trust: verify, seal, keys."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import options
from .command import Command, Group

if TYPE_CHECKING:
    from ..usecases.session import Session

keys_app = typer.Typer(
    name="keys", cls=Group, help="Signing keys: make one, list them.", no_args_is_help=True, add_completion=False
)


@keys_app.callback()
def keys(lang: options.Lang = None) -> None:
    """Signing keys: make one, list them."""
    # `checklist --lang zh keys list` hands --lang to the group; its commands read it from the run


def verify(
    unit: options.Unit = None,
    all_units: Annotated[bool, typer.Option("--all", "-a", help="Every unit in the store.")] = False,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="First remove partial files killed commands left, and move an incomplete last line to quarantine "
            "(no record is ever deleted).",
        ),
    ] = False,
    seal_files: Annotated[
        list[Path] | None,
        typer.Option("--seal", metavar="FILE", help="Check a seal received from a unit (repeatable), then stop."),
    ] = None,
    checkpoint_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoint", metavar="FILE", help="Check a checkpoint received from a unit (repeatable), then stop."
        ),
    ] = None,
    require_signatures: Annotated[
        bool, typer.Option("--require-signatures", help="Count unsigned records as a problem.")
    ] = False,
    json: options.Json = False,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Check that the records are what was written: the hash chain, signatures, seals, evidence.

    Prints one verdict per unit and exits 3 if anything is wrong. See README, "Trust".
    """
    from ..core.errors import ExitCode, UserError
    from ..present import verdicts
    from ..present.output import print_json
    from ..usecases import trust
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    if unit and all_units:
        raise UserError("option.exclusive", first="--unit", second="--all")
    session = Session.open(Settings.load(store=store, unit=unit, lang=lang))
    if seal_files:
        _verify_seals(session, seal_files, json)
        return
    if checkpoint_files:
        _verify_checkpoints(session, checkpoint_files, json)
        return
    result = trust.verify(session, all_units=all_units, repair=repair, require_signatures=require_signatures)
    if json:
        print_json(verdicts.verification_document(result))
    else:
        verdicts.verification(result, session.settings.lang)
    if result.failed:
        raise typer.Exit(ExitCode.DATA)


def _verify_seals(session: Session, paths: list[Path], json: bool) -> None:
    """Check every seal named; one that cannot be read is reported, and the others still checked."""
    from ..core.errors import ChecklistError, ExitCode
    from ..present import verdicts
    from ..present.output import print_error, print_json
    from ..usecases import trust

    checks, worst = [], ExitCode.OK
    for path in paths:
        try:
            checks.append(trust.verify_seal(session, path))
        except ChecklistError as exc:
            if len(paths) == 1:
                raise
            print_error(exc, session.settings.lang)
            worst = max(worst, exc.exit_code)
    if json:
        print_json(
            verdicts.seal_check_document(checks[0]) if len(paths) == 1 else verdicts.seal_checks_document(checks)
        )
    else:
        for check in checks:
            verdicts.seal_check(check, session.settings.lang)
    if any(check.problems for check in checks):
        worst = ExitCode.DATA
    if worst:
        raise typer.Exit(worst)


def _verify_checkpoints(session: Session, paths: list[Path], json: bool) -> None:
    from ..core.errors import ExitCode
    from ..present import verdicts
    from ..present.output import print_json
    from ..usecases import trust

    checks = trust.verify_checkpoints(session, paths)
    if json:
        print_json(verdicts.checkpoint_checks_document(checks))
    else:
        verdicts.checkpoint_checks(checks, session.settings.lang)
    if any(check.problems for check in checks):
        raise typer.Exit(ExitCode.DATA)


def checkpoint(
    unit: options.Unit = None,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="Also write the checkpoint to this file.")
    ] = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Sign a checkpoint of a unit's log as it is now, to send upward.

    A checkpoint is a C2SP signed note: a log cut back or rewritten later no longer matches
    what the province holds (`checklist verify --checkpoint FILE` checks one).
    """
    from ..present.verdicts import checkpointed
    from ..usecases import trust
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, unit=unit, by=by, lang=lang)
    checkpointed(trust.checkpoint(Session.open(settings), out), settings.lang)


def seal(
    unit: options.Unit = None,
    period: Annotated[
        str | None, typer.Option("--period", metavar="DAY", help="The day, YYYY-MM-DD (default: today).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", metavar="FILE", help="Also write the seal to this file.")] = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
    catalog: options.Catalog = None,
    now: options.Now = None,
) -> None:
    """Sign a statement of a day's records (events and upgrades too) and the chain head: the unit's report upward."""
    from ..present.verdicts import sealed
    from ..usecases import trust
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    day = options.day(period, "--period", bounded=False)  # the seal takes only days from the start to today
    session = Session.open(Settings.load(store=store, catalog=catalog, unit=unit, by=by, lang=lang, now=now))
    result = trust.seal(session, day, out)
    sealed(result, result.seal.unit, session.settings.lang)


@keys_app.command("new", cls=Command)
def keys_new(
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Whose key (default: who attests).")
    ] = None,
    passphrase: Annotated[
        bool,
        typer.Option(
            "--passphrase", help="Protect the private key with a passphrase, asked twice now and whenever it signs."
        ),
    ] = False,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Make an Ed25519 key pair: the private key stays in your config folder (owner-only,
    encrypted with --passphrase), the public key is registered in the store. Your records are
    signed from now on."""
    from ..present.verdicts import new_key
    from ..usecases import trust
    from ..usecases.settings import Settings
    from .prompts import new_passphrase

    settings = Settings.load(store=store, lang=options.language_of_run(lang))
    secret = new_passphrase(settings.lang) if passphrase else None
    new_key(trust.new_key(settings, name, secret), settings.lang)


@keys_app.command("endorse", cls=Command)
def keys_endorse(
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY", help="The public key file (the .json beside a new private key), or a key id on this machine."
        ),
    ],
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Endorse another key for a name that has a key in this store: yours for that name, or
    the administrator's (the first key registered in the store) signs its registration."""
    from ..present.verdicts import endorsed
    from ..usecases import trust
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, by=by, lang=options.language_of_run(lang))
    endorsed(trust.endorse(Session.open(settings), key), settings.lang)


@keys_app.command("list", cls=Command)
def keys_list(
    json: options.Json = False,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """The keys registered in this store, and the ones you hold on this machine."""
    from ..present.output import print_json, stdout
    from ..present.verdicts import keys_document, keys_table
    from ..usecases import trust
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, lang=options.language_of_run(lang))
    found = trust.list_keys(settings)
    if json:
        print_json(keys_document(found))
        return
    console = stdout()
    console.print(keys_table(found, settings.lang, console.width))


def _rotation_commands() -> None:
    """`keys rotate` and `keys revoke` (cli/rotation.py), on the `keys` group."""
    from .rotation import keys_revoke, keys_rotate

    keys_app.command("rotate", cls=Command)(keys_rotate)
    keys_app.command("revoke", cls=Command)(keys_revoke)


_rotation_commands()


@keys_app.command("export", cls=Command)
def keys_export(
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write it to this file (default: print it).", show_default=False),
    ] = None,
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Your public key as a file, for a receiving store to trust (`checklist keys trust FILE --unit ID`)."""
    from ..present.bundles import key_exported
    from ..usecases import bundles
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, by=by, lang=options.language_of_run(lang))
    key_exported(bundles.export_key(settings, out), settings.lang)


@keys_app.command("trust", cls=Command)
def keys_trust(
    key_file: Annotated[Path, typer.Argument(metavar="FILE", help="A public key file (`checklist keys export`).")],
    unit: Annotated[
        str, typer.Option("--unit", "-u", metavar="ID", help="The unit whose bundles this key speaks for.")
    ],
    by: options.By = None,
    lang: options.Lang = None,
    store: options.Store = None,
) -> None:
    """Trust a unit's key on this receiving store: its bundles and seals are checked with it."""
    from ..present.bundles import key_trusted
    from ..usecases import bundles
    from ..usecases.session import Session
    from ..usecases.settings import Settings

    settings = Settings.load(store=store, by=by, lang=options.language_of_run(lang))
    key_trusted(bundles.trust_key(Session.open(settings), key_file, unit), settings.lang)
