"""Help, usage lines and usage errors in the language of the run.

typer carries its own copy of click (`typer._click`), whose words are plain English f-strings,
not gettext calls, and typer's few gettext calls (its help panels' titles, `[default: …]`)
are made once, when `typer.rich_utils` is imported. No gettext domain reaches them, so the
words are put into the run's language where they leave: a command's help is rendered with its
texts and typer's labels swapped for their words in the `help` catalog, and a usage error's
message, as typer wrote it, is matched against the framework's English sentences, which are
msgids of the same catalog with their {placeholders}. The catalog is read only then: a
command that runs reads nothing of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

# typer.rich_utils' labels: the module constant, and its English (a msgid of help.po).
LABELS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "DEPRECATED_STRING": "(deprecated) ",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
USAGE = "Usage:"
# The usage errors typer (and this program's command classes) write, as they write them; a
# {message} is itself one of them. Each is a msgid of help.po.
SENTENCES = (
    "Invalid value for {hint}: {message}",
    "Invalid value: {message}",
    "Missing argument {hint}.",
    "Missing option {hint}.",
    "Missing parameter {hint}.",
    "No such option: {name}",
    "No such option: {name} (Possible options: {names})",
    "No such command {name}.",
    "No such command {name}. Did you mean {names}?",
    "Missing command.",
    "Got unexpected extra argument(s) ({args})",
    "Option {name} requires an argument.",
    "Option {name} requires {n} arguments.",
    "Option {name} does not take a value.",
    "use zh or en",
    "given {n} times; give it once (a second value would silently replace the first)",
    "Input should be a valid integer, unable to parse string as an integer",
    "Input should be greater than or equal to {n}",
    "Input should be less than or equal to {n}",
)


def words(text: str, lang: str) -> str:
    """A help text (or a label) in the language; the text itself where the catalog lacks it."""
    from ..present.translations import catalog

    return catalog("help", lang).gettext(text)


def language_of(ctx: Any) -> str:
    """The run's language: read from the arguments before any command parsed them."""
    lang = ctx.meta.get("lang") if ctx is not None else None
    if lang is None:
        from ..usecases.settings import language

        lang = language(None)
    return str(lang)


def usage_prefix(ctx: Any) -> str:
    """`Usage: ` in English, `用法：` in Chinese (no blank after a full-width colon)."""
    said = words(USAGE, language_of(ctx))
    return said if said.endswith("：") else f"{said} "


def set_labels(lang: str) -> None:
    """typer's labels (panel titles, `[default: …]`, `Try … for help.`) in the language."""
    from typer import rich_utils

    for name, english in LABELS.items():
        setattr(rich_utils, name, words(english, lang))


@contextmanager
def in_language(command: Any, ctx: Any) -> Iterator[None]:
    """While a command's help is rendered: its help, its options' and arguments' help, and
    the short help of the commands it lists, in the run's language; as they were after."""
    lang = language_of(ctx)
    swapped: list[tuple[Any, str, str]] = []

    def swap(thing: Any, attribute: str) -> None:
        text = getattr(thing, attribute, None)
        if text:
            swapped.append((thing, attribute, text))
            setattr(thing, attribute, words(text, lang))

    swap(command, "help")
    swap(command, "short_help")
    for param in command.get_params(ctx):
        swap(param, "help")
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            listed = command.get_command(ctx, name)
            if listed is not None:
                swap(listed, "help")
                swap(listed, "short_help")
    from rich import text as rich_text
    from typer import rich_utils

    labels = {name: getattr(rich_utils, name) for name in LABELS}
    set_labels(lang)

    # typer's text-maker, and the line breaking rich.text imported from rich._wrap (at blanks only)
    make_text, divide = rich_utils._make_rich_text, rich_text.divide_line  # type: ignore[attr-defined]
    rich_utils._make_rich_text = _folded(make_text)
    if lang == "zh":  # English keeps the Chinese it quotes whole (`风险等级=高`)
        rich_text.divide_line = _between_characters(divide)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        rich_utils._make_rich_text = make_text
        rich_text.divide_line = divide  # type: ignore[attr-defined]
        for name, label in labels.items():
            setattr(rich_utils, name, label)
        for thing, attribute, text in reversed(swapped):
            setattr(thing, attribute, text)


def _folded(make_text: Any) -> Any:
    """typer's help texts, folded where a line is full: Chinese has no blanks to wrap at, and a
    table's cell would cut it short with an ellipsis, its end unread."""

    def make(**arguments: Any) -> Any:
        made = make_text(**arguments)
        if getattr(made, "overflow", "") is None:
            made.overflow = "fold"
        return made

    return make


def translate_error(error: Exception, ctx: Any) -> None:
    """A usage error's message in the run's language (once: it passes several commands' hands)."""
    if getattr(error, "checklist_lang", None):
        return
    lang = language_of(getattr(error, "ctx", None) or ctx)
    setattr(error, "checklist_lang", lang)  # noqa: B010 - an attribute of our own on typer's error
    set_labels(lang)
    if type(error).__name__ == "NoArgsIsHelpError":  # its message is the help, already in the language
        return
    said = sentence(error.format_message(), lang)  # type: ignore[attr-defined]
    setattr(error, "format_message", lambda: said)  # noqa: B010 - what typer prints


def sentence(text: str, lang: str) -> str:
    """typer's English sentence in the language: the first of SENTENCES it matches (the most
    specific first), its values put into that sentence's words; the text as it is otherwise."""
    for english, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found:
            values = found.groupdict()
            if "message" in values:
                values["message"] = sentence(values["message"], lang)
            if "names" in values and lang == "zh":  # a list of names: '--note、--now'
                values["names"] = values["names"].replace(", ", "、")
            return words(english, lang).format(**values)
    return text


# Chinese breaks between any two Chinese characters, but not before closing punctuation nor after
# an opening one (a line never starts with `，` or ends with `（`).
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’…]")
_NO_BREAK_BEFORE = frozenset("，。、；：！？）」』”’》〉…")
_NO_BREAK_AFTER = frozenset("（「『“‘《〈")


def _between_characters(divide: Any) -> Any:
    """rich's line breaking (rich.text.divide_line: at blanks only), for text with Chinese in
    it: at blanks and between Chinese characters too."""

    def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
        if not _CJK.search(text):
            return list(divide(text, width, fold=fold))
        from rich.cells import cell_len, chop_cells

        breaks = [at for at in range(1, len(text)) if _may_break(text[at - 1], text[at])]
        offsets: list[int] = []
        used = 0
        for start, end in zip([0, *breaks], [*breaks, len(text)], strict=True):
            piece = text[start:end]
            size = cell_len(piece.rstrip())
            if used + size <= width:
                used += cell_len(piece)
            elif size > width:  # longer than a line: folded, as rich does
                lines, at = chop_cells(piece, width), start
                for line in lines[:-1]:
                    if at:
                        offsets.append(at)
                    at += len(line)
                if at:
                    offsets.append(at)
                used = cell_len(lines[-1])
            else:
                if start:
                    offsets.append(start)
                used = cell_len(piece)
        return offsets

    return divide_line


def _may_break(before: str, after: str) -> bool:
    if after.isspace():
        return False
    if before.isspace():
        return True
    if after in _NO_BREAK_BEFORE or before in _NO_BREAK_AFTER:
        return False
    if before in _NO_BREAK_BEFORE or after in _NO_BREAK_AFTER:  # after `，` `：` `）`, before `（`
        return True
    return bool(_CJK.match(before) and _CJK.match(after))  # `风险等级=高`, `2020-01-27` stay whole


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    def pattern(english: str) -> re.Pattern[str]:
        pieces = re.split(r"\{(\w+)\}", english)
        return re.compile(
            "".join(re.escape(piece) if at % 2 == 0 else f"(?P<{piece}>.+?)" for at, piece in enumerate(pieces)),
            re.DOTALL,
        )

    specific_first = sorted(SENTENCES, key=lambda english: -len(re.sub(r"\{\w+\}", "", english)))
    return [(english, pattern(english)) for english in specific_first]
