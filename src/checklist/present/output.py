"""All terminal output goes through here: data on stdout, messages on stderr.

Text that came from users (notes, names, file names) is passed as plain `Text`, never
parsed as rich markup, and control characters are made visible so that nothing a user
typed can restyle the terminal or move its cursor.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from ..core.errors import ChecklistError

_ALLOWED_CONTROLS = "\n"


def safe(text: str) -> str:
    """Make control and bidi-override characters visible (e.g. ESC becomes '\\x1b')."""
    if text.isprintable() or all(ch.isprintable() or ch in _ALLOWED_CONTROLS for ch in text):
        return text
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _ALLOWED_CONTROLS or not (category in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\u2028\u2029"):
            out.append(ch)
        elif ch == "\t":
            out.append("    ")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, emoji=False, soft_wrap=False)


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)  # messages are never wrapped


def print_json(document: Any) -> None:
    """A document as JSON. JSON escapes the C0 controls itself; DEL, the C1 controls, bidi
    overrides, line separators and lone surrogates it would write as they are, so they are
    escaped here too (the same text, once decoded; nothing a terminal acts on)."""
    import re

    text = json.dumps(document, ensure_ascii=False, indent=2)
    unsafe = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]")
    sys.stdout.write(unsafe.sub(lambda found: f"\\u{ord(found.group()):04x}", text) + "\n")


def message(text: str, style: str = "") -> None:
    """A line for the person at the terminal, on stderr."""
    from rich.text import Text

    stderr().print(Text(safe(text), style=style))


def print_error(error: ChecklistError) -> None:
    from rich.text import Text

    from ..present.messages import error_text, hint

    line = Text("error: ", style="bold red")
    line.append(safe(error_text(error)))
    stderr().print(line)
    advice = hint(error)
    if advice:
        stderr().print(Text(safe(advice), style="yellow"))
