"""Typed errors of the core. The CLI maps each class to one exit code, in one place."""

from __future__ import annotations


class ChecklistError(Exception):
    """Base of every error the core raises on purpose; the message is for the user."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UserError(ChecklistError):
    """Bad input: an unknown item, a missing reason, a value out of bounds."""

    exit_code = 1


class NotFound(UserError):
    """Something named by the user does not exist; `suggestions` holds the closest names."""

    def __init__(self, message: str, suggestions: list[str] | None = None, hint: str | None = None):
        self.suggestions = suggestions or []
        if self.suggestions and hint is None:
            hint = "did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(message, hint)


class NoStore(UserError):
    """A command that needs a store ran outside of one."""


class DataError(ChecklistError):
    """Damaged data: a catalog or a store that cannot be read as it is."""

    exit_code = 3


class CatalogError(DataError):
    """A catalog failed validation; `problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        first = problems[0].render() if problems else "empty catalog"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(f"invalid catalog: {first}{more}")


class StoreDamaged(DataError):
    """A record or unit file in the store cannot be read; names the file and line."""


class Problem:
    """One validation problem, located as precisely as the source allows."""

    __slots__ = ("column", "field", "file", "line", "measure", "message")

    def __init__(
        self,
        file: str,
        message: str,
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

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        what = []
        if self.measure:
            what.append(f"measure {self.measure}")
        if self.field:
            what.append(f"field {self.field!r}")
        prefix = f"{where}: " + (", ".join(what) + ": " if what else "")
        return prefix + self.message

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __repr__(self) -> str:
        return f"Problem({self.render()!r})"
