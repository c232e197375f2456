"""The classes every command is built with: help that shows a metavar or nothing (never a raw
type name), and an option given twice refused instead of silently keeping its last value."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

# typer's usage errors (its copy of click's ClickException), put into the run's language on their way out
CLICK_EXCEPTION: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


class Argument(TyperArgument):
    """An argument shown as its metavar alone: `ITEM...`, not `{ITEM}...` and `<list[str]>`."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        return self.metavar or self.name or ""


def _plain(params: list[Any]) -> list[Any]:
    """Help shows a metavar or nothing: no raw type names (`<bool>`, `<list[str]>`)."""
    for param in params:
        if isinstance(param, TyperArgument):
            param.__class__ = Argument
        elif getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


def _format_help(command: Any, ctx: Any, formatter: Any, render: Any) -> None:
    """Help in the run's language (cli/help_language.py)."""
    from .help_language import in_language

    with in_language(command, ctx):
        render(ctx, formatter)


def _format_usage(command: Any, ctx: Any, formatter: Any) -> None:
    """The usage line, `Usage:` in the run's language (`用法：`)."""
    from .help_language import usage_prefix

    formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), prefix=usage_prefix(ctx))


def _in_language(error: Exception, ctx: Any) -> None:
    from .help_language import translate_error

    translate_error(error, ctx)


class Command(TyperCommand):
    """A command that refuses an option given twice (click keeps the last value silently), and
    whose help, usage and usage errors are in the run's language."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not _takes_lang(self) and any(arg in ctx.help_option_names for arg in args):
            args = _without_lang(args, leading=False)  # `checklist --lang zh verify --help`
        try:
            _refuse_repeats(self, args)
            rest = super().parse_args(ctx, args)
        except CLICK_EXCEPTION as error:
            _in_language(error, ctx)
            raise
        _refuse_undecodable(self, ctx)
        return rest

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _format_help(self, ctx, formatter, super().format_help)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _format_usage(self, ctx, formatter)


def _refuse_undecodable(command: Any, ctx: Any) -> None:
    """Text that is not UTF-8 (a terminal sending GBK to a system that reads UTF-8) reaches
    Python as lone surrogates, which no record can hold: refuse it, naming the option, before
    anything is done. A path (`--evidence FILE`) may hold such bytes: the system takes it as it is."""
    from ..usecases.settings import not_utf8  # every command reads its settings: no extra import

    for param in command.params:
        value = ctx.params.get(param.name)
        texts = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(text, str) and not_utf8(text) for text in texts):
            from ..core.errors import UserError

            name = next((o for o in param.opts if o.startswith("--")), None) or param.metavar or param.name
            raise UserError("input.not_utf8", what=name)


def _refuse_repeats(command: Any, args: list[str]) -> None:
    """An option that takes one value, given more than once, is a usage error (exit 2)."""
    single, valued = {}, set()
    for param in command.params:
        if param.param_type_name != "option" or param.is_flag or param.count:
            continue
        for name in [*param.opts, *param.secondary_opts]:
            valued.add(name)
            if not param.multiple:
                single[name] = param
    seen: dict[str, list[str]] = {}
    skip = False
    for arg in args:
        if skip:  # the value of the option before it, whatever it looks like
            skip = False
            continue
        if arg == "--":
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
        skip = arg in valued  # `--note TEXT`, not `--note=TEXT` or `-nTEXT`
        param = single.get(name)
        if param is not None:
            seen.setdefault(param.name, []).append(name)
    for names in seen.values():
        if len(names) > 1:
            raise typer.BadParameter(
                f"given {len(names)} times; give it once (a second value would silently replace the first)",
                param_hint=f"'{names[0]}'",
            )


class Group(TyperGroup):
    """A group of commands (the root, `keys`): plain help in the run's language, like its
    commands; `--lang` may come before the command as well as after it (`checklist --lang zh status`)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        lang = ctx.meta.setdefault("lang", requested_language(args))
        if ctx.parent is None:  # the root: this run's language, for a command with no context at hand
            _RUN["lang"] = lang
        rest = lang_after_command(args)
        if rest is args and not _takes_lang(self):
            rest = _without_lang(args, leading=True)  # `checklist --lang zh --help`: the language is known already
        try:
            return super().parse_args(ctx, rest)
        except CLICK_EXCEPTION as error:
            _in_language(error, ctx)
            raise

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _format_help(self, ctx, formatter, super().format_help)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _format_usage(self, ctx, formatter)


_RUN: dict[str, str] = {}


def run_language() -> str | None:
    """The language the root read for this run (None before a run parsed its arguments)."""
    return _RUN.get("lang")


def requested_language(args: list[str]) -> str:
    """The language of this run, read before any command parses its options: errors, usage
    errors and help are in it too (`--lang`, else CHECKLIST_LANG, else the locale)."""
    from ..usecases.settings import language  # every command reads its settings: no extra import

    option = None
    for at, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and at + 1 < len(args):
            option = args[at + 1]
        elif arg.startswith("--lang="):
            option = arg.split("=", 1)[1]
    return language(option if option in ("zh", "en") else None)


def _takes_lang(command: Any) -> bool:
    return any(param.name == "lang" for param in command.params)


def _without_lang(args: list[str], *, leading: bool) -> list[str]:
    """The arguments without a `--lang X` (or `--lang=X`) given to a command or group that
    takes none (the root, `keys`, `verify`): requested_language has read it, for help and usage
    errors; it is no usage error there. A group's only before its command (`leading`)."""
    rest, at = list(args), 0
    while at < len(rest) and rest[at] != "--" and (rest[at].startswith("-") or not leading):
        if rest[at] == "--lang" and at + 1 < len(rest):
            del rest[at : at + 2]
        elif rest[at].startswith("--lang="):
            del rest[at]
        else:
            at += 1
    return rest


def lang_after_command(args: list[str]) -> list[str]:
    """`--lang X` (or `--lang=X`) given before the command, moved after the command's name,
    where every command takes it; the arguments as they are when there is none, or no command."""
    rest, moved, at = list(args), [], 0
    while at < len(rest) and rest[at].startswith("-"):
        if rest[at] == "--lang" and at + 1 < len(rest):
            moved += rest[at : at + 2]
            del rest[at : at + 2]
        elif rest[at].startswith("--lang="):
            moved.append(rest.pop(at))
        else:
            at += 1  # the root's own flags (--debug, --version) take no value
    if not moved or at >= len(rest):
        return args
    return [*rest[: at + 1], *moved, *rest[at + 1 :]]
