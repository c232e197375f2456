"""Typed errors and messages of the core, and the exit codes they map to.

The core composes no sentences. Every error and every notice it reports is a `Message`: a
code and its parameters (`item.not_found`, token="5x"). The presenters turn a message into
words in the user's language (checklist.present.messages), and the command line maps each
error class to its exit code in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import ClassVar

# How a message reads, installed by the presenters (checklist.present.messages) when they are
# loaded: the core composes no sentence, but a traceback or a test may still want one.
_words: list[Callable[[Message], str]] = []


def install_words(words: Callable[[Message], str]) -> None:
    _words[:] = [words]


class ExitCode(IntEnum):
    """What a command's exit status means; README's table lists them."""

    OK = 0  # success, including "already done, nothing recorded"
    USER = 1  # bad input: an unknown item or unit, a missing reason, evidence or figure
    USAGE = 2  # an unknown command or option, a missing argument, an option given twice
    DATA = 3  # damaged data, or data written by a newer release
    INTERNAL = 70  # a bug (EX_SOFTWARE): --debug shows the traceback
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), after keeping what was already recorded


@dataclass(frozen=True, slots=True)
class Message:
    """Something to tell the user: a code, and the values its words need."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        """The presenters' words if they are loaded (for tracebacks and tests), else the code."""
        if _words:
            return _words[0](self)
        values = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"{self.code}({values})"


def message(code: str, /, **params: object) -> Message:
    return Message(code, params)


class ChecklistError(Exception):
    """Base of every error the core raises on purpose: a message for the user, and an
    optional hint (else the presenter's own hint for the code, if it has one)."""

    exit_code: ClassVar[ExitCode] = ExitCode.USER

    def __init__(self, code: str, /, *, hint: Message | None = None, **params: object) -> None:
        self.message = Message(code, params)
        self.hint = hint
        super().__init__(code)

    def __str__(self) -> str:
        return str(self.message)

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> Mapping[str, object]:
        return self.message.params


class UserError(ChecklistError):
    """Bad input: an unknown item, a missing reason, a value out of bounds."""


class NotFound(UserError):
    """Something named by the user does not exist; `suggestions` holds the closest names."""

    def __init__(
        self, code: str, /, suggestions: Sequence[str] = (), *, hint: Message | None = None, **params: object
    ) -> None:
        self.suggestions = list(suggestions)
        super().__init__(code, hint=hint, suggestions=self.suggestions, **params)


class NoStore(UserError):
    """A command that needs a store ran outside of one."""


class DataError(ChecklistError):
    """Damaged data: a catalog or a store that cannot be read as it is."""

    exit_code = ExitCode.DATA


class CatalogError(DataError):
    """A catalog failed validation; `problems` lists every problem found, not just the first,
    and `warnings` what works but likely not as its authors meant (`checklist validate` shows them)."""

    def __init__(self, problems: list[Problem], warnings: Sequence[Problem] = ()) -> None:
        self.problems = problems
        self.warnings = list(warnings)
        super().__init__("catalog.invalid", problems=problems, count=len(problems))


class StoreDamaged(DataError):
    """A record or unit file in the store cannot be read; names the file and line."""


class Problem:
    """One validation problem, located as precisely as the source allows."""

    __slots__ = ("column", "field", "file", "line", "measure", "message")

    def __init__(
        self,
        file: str,
        message: Message,
        line: int | None = None,
        column: int | None = None,
        *,
        measure: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.message = message
        self.line = line
        self.column = column
        self.measure = measure
        self.field = field

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line, self.column) if part is not None)
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self})"
