"""Every message the program can report has words: the core reports codes, presenters say them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from checklist.core.attest import _NEEDS_REASON
from checklist.core.errors import Message, NotFound, UserError, message
from checklist.present.messages import HINTS, TEMPLATES, hint, text
from checklist.present.translations import catalog

# a plural entry is kept by gettext under (key, form): its key has words too
KEYS = [key if isinstance(key, str) else key[0] for key in catalog("messages", "en")._catalog]  # type: ignore[attr-defined]
WORDS = {key if isinstance(key, str) else key[0] for key in catalog("interface", "en")._catalog}  # type: ignore[attr-defined]
MESSAGES = {key for key in KEYS if "\x04" not in key}
HINT_WORDS = {key.split("\x04")[1] for key in KEYS if "\x04" in key}  # msgctxt "hint"

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "checklist"
CODE = re.compile(r"^[a-z]+\.[a-z0-9_]+$")
OURS = {"UserError", "NotFound", "NoStore", "DataError", "StoreDamaged", "NewerFormat", "BlobMismatch", "InternalError"}
FILES = (".json", ".jsonl", ".yaml", ".lock", ".pem", ".quarantine", ".tmp", ".py", ".bin")


def codes_in_source() -> set[str]:
    """Every string in the program that looks like a message code (`unit.unknown`)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "present":
            continue  # the words themselves
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
                and not node.value.endswith(FILES)
                and not node.value.startswith(("checklist.", "typing."))
            ):
                found.add(node.value)
    found |= {f"attest.{action}_needs_reason" for action in _NEEDS_REASON}  # made with an f-string
    return found


def test_every_code_the_program_reports_has_words() -> None:
    codes = codes_in_source()
    assert len(codes) > 150
    missing = sorted(code for code in codes if code not in TEMPLATES and code not in MESSAGES and code not in WORDS)
    assert not missing, missing


def test_every_hint_belongs_to_a_message() -> None:
    assert set(HINTS) | HINT_WORDS <= set(TEMPLATES) | MESSAGES


def test_the_core_composes_no_sentence() -> None:
    """No error in the core or the use cases is raised with a sentence instead of a code."""
    for layer in ("core", "usecases"):
        for path in (PACKAGE / layer).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id in OURS:
                    first = node.args[0] if node.args else None
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        assert CODE.match(first.value), (path.name, node.lineno, first.value)
                    assert not isinstance(first, ast.JoinedStr) or path.name == "attest.py", (path.name, node.lineno)


def test_words_fill_in_values_lists_and_nested_messages() -> None:
    assert text(message("unit.unknown", id="prisn")) == "no unit 'prisn' in this store"
    assert text(message("config.unknown", key="x", known=["user", "default_unit"])) == (
        "no setting 'x' (settings: user, default_unit)"
    )
    nested = message("verify.at_line", line=3, problem=message("chain.changed", seq=3, line=3))
    assert text(nested) == "line 3: record 3 at line 3 was changed after it was written"
    assert str(nested) == text(nested)  # a traceback reads the same words


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            NotFound("item.unknown", ["prison.visits-suspended"], token="visits"),  # noqa: S106
            "did you mean: prison.visits-suspended?",
        ),
        (NotFound("item.no_number", number=99, count=15), "items are numbered 1 to 15; see `checklist list`"),
        (UserError("attest.needs_note", number=3, item="prison.x", subject=None, hint=Message("actor.unknown")), None),
    ],
)
def test_a_hint_is_the_errors_own_or_the_codes_or_the_closest_names(error: UserError, expected: str | None) -> None:
    if expected is None:
        assert hint(error) == "cannot tell who you are"
    else:
        assert hint(error) == expected
