"""The command-line face: the Typer app, the one place errors become exit codes, and `main`."""

from __future__ import annotations

import copy
import gc
import os
import sys
from typing import Annotated, Any, NoReturn

# A command is a short-lived process that allocates many objects and frees few: with Python's
# default thresholds a `status` of a year-old unit ran 136 collections (35 ms) that freed 625
# objects in all. mypy raises the threshold the same way, for the same reason. Set before
# the imports, whose objects are most of what each collection walked.
gc.set_threshold(200_000, 30, 30)

import typer  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from .. import __version__  # noqa: E402
from ..errors import ChecklistError  # noqa: E402

COMMAND_ORDER = (
    "start",
    "walk",
    "list",
    "status",
    "today",
    "done",
    "partial",
    "na",
    "block",
    "reopen",
    "approve",
    "event",
    "subjects",
    "log",
    "verify",
    "seal",
    "keys",
    "units",
    "upgrade",
    "validate",
    "schema",
    "use",
    "config",
)
EXIT_CODES_HELP = (
    "Exit codes: 0 success, 1 user error, 2 usage error, 3 damaged data (catalog or store), 130 interrupted (Ctrl-C)."
)
INTERNAL_ERROR = 70
INTERRUPTED = 130

# Exceptions the framework turns into its own messages and exit codes (usage errors: 2).
_CLICK_EXCEPTION: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
# A closed pipe (`checklist log | head`) is handled by the framework too.
_PASS_THROUGH: tuple[type[Exception], ...] = (typer.Exit, typer.Abort, _CLICK_EXCEPTION, BrokenPipeError)


class ChecklistGroup(TyperGroup):
    """Turns every core error into one line on stderr and its exit code, in one place."""

    def list_commands(self, ctx: Any) -> list[str]:
        # The order a newcomer meets them in, not the alphabet's.
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(self.commands, key=lambda name: rank.get(name, len(rank)))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.Abort as exc:
            # click's prompts turn Ctrl-C and the end of the input alike into Abort (raised from
            # None): Ctrl-C, kept in __context__, is an interruption, exit 130 as for any command
            if isinstance(exc.__context__, KeyboardInterrupt):
                raise typer.Exit(INTERRUPTED) from None
            raise
        except _PASS_THROUGH:
            raise
        except ChecklistError as exc:
            if _debug(ctx):
                raise
            return _fail(exc)
        except Exception as exc:  # a bug, not bad input: one line, the traceback only with --debug
            if _debug(ctx):
                raise
            error = ChecklistError(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug in checklist; run again with --debug to see the traceback",
            )
            error.exit_code = INTERNAL_ERROR
            return _fail(error)


def _fail(error: ChecklistError) -> None:
    from .output import print_error

    print_error(error)
    raise typer.Exit(error.exit_code)


def _debug(ctx: Any) -> bool:
    return bool(ctx.meta.get("debug") or os.environ.get("CHECKLIST_DEBUG"))


app = typer.Typer(
    cls=ChecklistGroup,
    name="checklist",
    help="Walk a unit through the measures it must carry out, and record who attested what, when.\n\n"
    "Examples:\n\n"
    "  checklist start --unit prison\n\n"
    '  checklist done 3 --note "notice issued" --evidence notice.pdf\n\n'
    "  checklist status --all\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
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
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors (for bug reports).")] = False,
) -> None:
    ctx.meta["debug"] = debug


def _register() -> None:
    # Command modules import only typer at module level; the core is imported inside commands.
    from . import catalog_cmds, events, marks, settings, start, trust, views  # noqa: F401


_register()


def only_command(typer_app: typer.Typer, argv: list[str]) -> typer.Typer:
    """The app narrowed to the one command `argv` names, or the whole app.

    Typer converts every registered command into a Click command on each run, about 1.5 ms
    each; a run needs only its own. Help for the whole app, or a name that is not a command
    (which gets its "did you mean"), still builds them all.
    """
    for arg in argv:
        if arg in ("-h", "--help"):
            return typer_app
        if not arg.startswith("-"):
            commands = [c for c in typer_app.registered_commands if _command_name(c) == arg]
            groups = [g for g in typer_app.registered_groups if g.name == arg]
            if not commands and not groups:
                return typer_app
            narrowed = copy.copy(typer_app)
            narrowed.registered_commands, narrowed.registered_groups = commands, groups
            return narrowed
    return typer_app


def _command_name(info: Any) -> str:
    from typer.main import get_command_name  # typer's own rule: the function's name, "_" as "-"

    return str(info.name or get_command_name(info.callback.__name__))


def main() -> None:
    """Console-script entry point."""
    try:
        only_command(app, sys.argv[1:])(prog_name="checklist")
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
