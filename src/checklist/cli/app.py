"""The command-line face: the Typer app, a lazy table of its commands, the one place where
errors become exit codes, and `main`.

A command is parse → settings → session → use case → present. Command modules import only
typer at module level, and each command's module is imported only when it runs (click's
`LazyGroup` pattern): help lists them all, a run builds one.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, Any, NoReturn

import typer

from .. import __version__
from ..core.errors import ChecklistError, ExitCode
from .command import Command, Group

# name -> "module:function" (a function is one command; a Typer app, a group of them), in the
# order a newcomer meets them: `checklist --help` lists them so.
COMMANDS: dict[str, str] = {
    "start": "start:start",
    "walk": "start:walk",
    "list": "views:list_items",
    "status": "views:status",
    "today": "events:today",
    "done": "marks:done",
    "answer": "marks:answer",
    "partial": "marks:partial",
    "na": "marks:na",
    "block": "marks:block",
    "reopen": "marks:reopen",
    "approve": "marks:approve",
    "ack": "marks:ack",
    "role": "roles:role_app",
    "event": "events:event",
    "subjects": "events:subjects",
    "part": "parts:parts_app",
    "set": "applicability:set_attributes",
    "place": "hierarchy:place",
    "log": "views:log",
    "report": "report:report",
    "verify": "trust:verify",
    "seal": "trust:seal",
    "checkpoint": "trust:checkpoint",
    "keys": "trust:keys_app",
    "export": "bundles:export",
    "import": "bundles:import_bundles",
    "push": "push:push",
    "units": "views:units",
    "db": "database:db_app",
    "upgrade": "catalog_cmds:upgrade",
    "validate": "catalog_cmds:validate",
    "schema": "catalog_cmds:schema",
    "use": "settings:use",
    "config": "settings:config",
}
EXIT_CODES_HELP = (
    "Exit codes: 0 success, 1 user error, 2 usage error, 3 damaged data (catalog or store), 130 interrupted (Ctrl-C)."
)

# Exceptions the framework turns into its own messages and exit codes (usage errors: 2).
_CLICK_EXCEPTION: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_USAGE_ERROR: type[Exception] = typer.BadParameter.__mro__[1]
# A closed pipe (`checklist log | head`) is handled by the framework too.
_PASS_THROUGH: tuple[type[Exception], ...] = (typer.Exit, typer.Abort, _CLICK_EXCEPTION, BrokenPipeError)


class InternalError(ChecklistError):
    """A bug, not bad input: shown as one line, the traceback only with --debug."""

    exit_code = ExitCode.INTERNAL


class LazyGroup(Group):
    """The root group: knows each command's module, imports only the one it runs, and turns
    every core error into one line on stderr and its exit code, in one place."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = load(cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except _USAGE_ERROR as error:  # an unknown name: suggest from the table, not only the commands built
            message = str(getattr(error, "message", ""))
            if args and "Did you mean" not in message:
                from difflib import get_close_matches

                matches = get_close_matches(args[0], list(COMMANDS))
                if matches:
                    suggestion = f"{message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in matches)}?"
                    setattr(error, "message", suggestion)  # noqa: B010 - the framework prints this attribute
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.Abort as exc:
            # click's prompts turn Ctrl-C and the end of the input alike into Abort (raised from
            # None): Ctrl-C, kept in __context__, is an interruption, exit 130 as for any command
            if isinstance(exc.__context__, KeyboardInterrupt):
                raise typer.Exit(ExitCode.INTERRUPTED) from None
            from .help_language import set_labels

            set_labels(ctx.meta.get("lang", "en"))  # `Aborted.` in the run's language
            raise
        except _CLICK_EXCEPTION as exc:  # a usage error: in the run's language
            from .help_language import translate_error

            translate_error(exc, ctx)
            raise
        except _PASS_THROUGH:
            raise
        except KeyboardInterrupt:
            if _debug(ctx):
                raise
            print(file=sys.stderr)
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except ChecklistError as exc:
            if _debug(ctx):
                raise
            return _fail(exc, ctx.meta.get("lang", "en"))
        except Exception as exc:  # a bug, not bad input: one line, the traceback only with --debug
            if _debug(ctx):
                raise
            return _fail(
                InternalError("internal", kind=type(exc).__name__, detail=str(exc)), ctx.meta.get("lang", "en")
            )


def load(name: str) -> Any:
    """The click command for one name of the table (its module is imported now)."""
    module_name, attribute = COMMANDS[name].split(":")
    found = getattr(importlib.import_module(f"{__package__}.{module_name}"), attribute)
    if isinstance(found, typer.Typer):
        group = typer.main.get_command(found)
        group.name = name
        return group
    single = typer.Typer(add_completion=False)
    single.command(name, cls=Command)(found)
    return typer.main.get_command(single)


def _fail(error: ChecklistError, lang: str) -> None:
    from ..present.output import print_error

    print_error(error, lang)
    raise typer.Exit(error.exit_code)


def _debug(ctx: Any) -> bool:
    from ..usecases.settings import debug_from

    return bool(ctx.meta.get("debug")) or debug_from()


app = typer.Typer(
    cls=LazyGroup,
    name="checklist",
    help="Walk a unit through the measures it must carry out, and record who attested what, when.\n\n"
    "Examples:\n\n"
    "  checklist start --unit prison\n\n"
    '  checklist done 3 --note "notice issued" --evidence notice.pdf\n\n'
    "  checklist status --all\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"checklist {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors (for bug reports).")] = False,
) -> None:
    ctx.meta["debug"] = debug
    from functools import partial

    from ..usecases import secrets
    from . import prompts

    secrets.install(partial(prompts.passphrase, lang=ctx.meta.get("lang", "en")))  # asked on a terminal


def main() -> None:
    """Console-script entry point."""
    import gc

    # A command is a short-lived process that allocates many objects and frees few: with
    # Python's default thresholds a `status` of a year-old unit ran 136 collections (35 ms)
    # that freed 625 objects in all. mypy raises the threshold the same way, for the same reason.
    gc.set_threshold(200_000, 30, 30)
    from ..usecases.settings import without_pydantic_plugins

    without_pydantic_plugins()
    try:
        app(prog_name="checklist")
    except SystemExit as done:
        _exit_now(done.code)


def _exit_now(code: str | int | None) -> NoReturn:
    """Leave without tearing the interpreter down. Freeing every object one by one was 8% of
    a `status` of a year-old unit (111 M instructions), and all there is to keep is already
    written: the store fsyncs and closes its files, locks are released, and stdout and stderr
    are flushed here. mypy leaves the same way (`util.hard_exit`)."""
    if isinstance(code, str):  # what sys.exit("message") would print
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader has gone (`checklist log | head`)
        code = code or 0
    os._exit(code or 0)
