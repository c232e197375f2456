"""The small expression language of computed fields (`compute: "screened / registered * 100"`).

Field ids, numbers, `+ - * /` and parentheses: nothing else, and never Python's `eval`. A
field id is read whole, hyphens included (`people-checked`), so a subtraction is written with
blanks around its `-` (`registered - screened`). An expression is parsed once, when the
catalog is read (a mistake is an `ExpressionError` with its code, which validation reports
where the expression stands); it is worked out when a value is shown, from the figures
recorded: a figure missing, a division by zero or a result past what a figure may be gives
no value (None), never an error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 500  # characters of an expression: a formula of a checklist is a line
MAX_DEPTH = 32  # nested parentheses and operators: far past any formula, short of Python's recursion limit
LIMIT = 10**15  # as figures.LIMIT: a worked-out value past it is no value
_TOKEN = re.compile(r"\s*(?:(?P<number>[0-9]+(?:\.[0-9]+)?)|(?P<name>[a-z0-9]+(?:[-_][a-z0-9]+)*)|(?P<op>[-+*/()]))")


class ExpressionError(Exception):
    """An expression that cannot be read: a message code and its values."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Name:
    id: str


@dataclass(frozen=True, slots=True)
class Negative:
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Expr
    right: Expr


Expr = Number | Name | Negative | Binary


def _tokens(text: str) -> list[tuple[str, str]]:
    found, at = [], 0
    text = text.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            bad = text[at:].lstrip()[:1]
            raise ExpressionError("expression.character", character=bad, position=len(text) - len(text[at:].lstrip()))
        kind = match.lastgroup or "op"
        found.append((kind, match.group(kind)))
        at = match.end()
    return found


class _Parser:
    """Recursive descent: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*;
    unary := '-' unary | '+' unary | atom; atom := number | name | '(' sum ')'."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise ExpressionError("expression.incomplete")
        token = self.tokens[self.at]
        self.at += 1
        return token

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("expression.too_deep", depth=MAX_DEPTH)

    def sum(self) -> Expr:
        self.deeper()
        left = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            left = Binary(op, left, self.product())
        self.depth -= 1
        return left

    def product(self) -> Expr:
        left = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.peek() in ("-", "+"):
            op = self.take()[1]
            self.deeper()
            operand = self.unary()
            self.depth -= 1
            return Negative(operand) if op == "-" else operand
        return self.atom()

    def atom(self) -> Expr:
        kind, text = self.take()
        if kind == "number":
            return Number(float(text))
        if kind == "name":
            return Name(text)
        if text == "(":
            inner = self.sum()
            if self.peek() != ")":
                raise ExpressionError("expression.unclosed")
            self.take()
            return inner
        raise ExpressionError("expression.unexpected", token=text)


def parse(text: str) -> Expr:
    """An expression read, or an ExpressionError saying what is wrong with it."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError("expression.too_long", limit=MAX_LENGTH)
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError("expression.empty")
    parser = _Parser(tokens)
    expr = parser.sum()
    if parser.at < len(tokens):
        raise ExpressionError("expression.unexpected", token=tokens[parser.at][1])
    return expr


def names(expr: Expr) -> list[str]:
    """The field ids an expression reads, each once, in the order written."""
    found: dict[str, None] = {}
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found[node.id] = None
        elif isinstance(node, Negative):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack += [node.right, node.left]
    return list(found)


def evaluate(expr: Expr, values: dict[str, Any]) -> float | None:
    """The value of an expression over these figures; None when a figure it reads is missing
    or not a number, a division is by zero, or the result is not a finite figure."""
    result = _value(expr, values)
    if result is None or not math.isfinite(result) or abs(result) > LIMIT:
        return None
    return result


def _value(expr: Expr, values: dict[str, Any]) -> float | None:  # noqa: PLR0911 - one return per form
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Name):
        value = values.get(expr.id)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)
    if isinstance(expr, Negative):
        operand = _value(expr.operand, values)
        return None if operand is None else -operand
    left = _value(expr.left, values)
    right = _value(expr.right, values) if left is not None else None
    if left is None or right is None:
        return None
    if expr.op == "/" and right == 0:
        return None
    try:
        return _apply(expr.op, left, right)
    except OverflowError:
        return None


def _apply(op: str, left: float, right: float) -> float:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return left / right
