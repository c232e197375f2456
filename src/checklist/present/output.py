"""All terminal output goes through here: data on stdout, messages on stderr.

Text that came from users (notes, names, file names) is passed as plain `Text`, never
parsed as rich markup, and control characters are made visible so that nothing a user
typed can restyle the terminal or move its cursor.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import unicodedata
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console

    from ..core.errors import ChecklistError
    from ..usecases.settings import Pager

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

    if sys.stdout.isatty():
        return Console(highlight=False, emoji=False, soft_wrap=False)
    # Piped or redirected: rich pads every line of a table or a panel to the width with blanks,
    # which a file or a `grep` has no use for; the lines are kept as they are, without them.
    return Console(file=cast(IO[str], _Trimmed(sys.stdout)), highlight=False, emoji=False, soft_wrap=False)


class _Trimmed(io.TextIOBase):
    """A text file that writes each line to `out` without the blanks at its end."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._pending = ""  # the start of a line not ended yet

    def write(self, text: str) -> int:
        """Line by line, so that a long table (a log's) is not copied whole once more."""
        start = 0
        while (end := text.find("\n", start)) >= 0:
            self._out.write((self._pending + text[start:end]).rstrip(" ") + "\n")
            self._pending = ""
            start = end + 1
        self._pending += text[start:]
        return len(text)

    def flush(self) -> None:
        """A line not ended yet is written but for its blanks, kept until the line goes on: it
        may end blank (a walk flushes before each prompt, between a panel and the next)."""
        said = self._pending.rstrip(" ")
        if said:
            self._out.write(said)
            self._pending = self._pending[len(said) :]
        self._out.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._out, "encoding", None) or "utf-8"


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


_UNSAFE_UTF8 = None
_UNSAFE_AFTER_E2 = (frozenset(b"\x8e\x8f\xa8\xa9\xaa\xab\xac\xad\xae"), frozenset(b"\xa6\xa7\xa8\xa9"))


def unsafe_escaped(data: bytes) -> bytes:
    """`print_json`'s escapes, on JSON already written as UTF-8 (lone surrogates as Python's
    "surrogatepass" writes them): DEL, the C1 controls, bidi overrides, line separators.

    Looked for a byte at a time (memchr, at memory speed): the lead bytes of those characters
    are rare, but for \xe2, which also leads common punctuation (“” … —): each is looked at."""
    if b"\x7f" in data or b"\xc2" in data or b"\xd8" in data or b"\xed" in data or _unsafe_e2(data):
        global _UNSAFE_UTF8  # noqa: PLW0603 - compiled once, when first needed
        if _UNSAFE_UTF8 is None:
            import re

            _UNSAFE_UTF8 = re.compile(
                rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xed[\xa0-\xbf][\x80-\xbf]"
            )
        return _UNSAFE_UTF8.sub(lambda found: b"\\u%04x" % ord(found.group().decode("utf-8", "surrogatepass")), data)
    return data


def _unsafe_e2(data: bytes) -> bool:
    after_80, after_81 = _UNSAFE_AFTER_E2
    at = data.find(b"\xe2")
    while at >= 0:
        second, third = data[at + 1 : at + 2], data[at + 2 : at + 3]
        if (second == b"\x80" and third and third[0] in after_80) or (
            second == b"\x81" and third and third[0] in after_81
        ):
            return True
        at = data.find(b"\xe2", at + 1)
    return False


@contextlib.contextmanager
def paged(pager: Pager | None) -> Iterator[tuple[IO[bytes], Console]]:
    """Where a long output goes, as bytes and as a console: through `pager` when stdout is a
    terminal (POSIX; see settings.pager_from), else stdout itself. A reader that
    leaves early (quitting the pager, `| head`) ends the output quietly; the command waits for
    the pager to finish before it leaves, also when interrupted."""
    import os
    import subprocess

    from rich.console import Console as Rich

    class Console(Rich):
        def on_broken_pipe(self) -> None:  # rich leaves with exit 1: here the reader's leaving ends the output
            self.quiet = True
            raise BrokenPipeError

    out = sys.stdout
    if pager is None or os.name != "posix" or not out.isatty() or not _found(pager):
        trimmed = None if out.isatty() else cast(IO[str], _Trimmed(out))  # piped: no blanks at the lines' ends
        console = Console(file=trimmed, highlight=False, emoji=False, soft_wrap=False)
        try:
            yield out.buffer, console
            out.flush()
        except BrokenPipeError:
            _quiet_stdout()
        return
    width = Rich().width  # the terminal's
    try:
        process = subprocess.Popen(pager.command, shell=True, stdin=subprocess.PIPE, env=pager.environ)  # noqa: S602 - as git runs $PAGER
    except OSError:
        yield out.buffer, Console(highlight=False, emoji=False, soft_wrap=False)
        return
    stdin = cast("IO[bytes]", process.stdin)  # asked for: a pipe
    text = io.TextIOWrapper(stdin, encoding="utf-8", write_through=True)
    console = Console(file=text, force_terminal=True, width=width, highlight=False, emoji=False, soft_wrap=False)
    try:
        yield stdin, console
    except BrokenPipeError:
        pass
    finally:
        with contextlib.suppress(OSError):
            text.close()
        while True:
            try:
                process.wait()
                break
            except KeyboardInterrupt:  # the pager has the terminal: it decides when to leave
                continue


def _found(pager: Pager) -> bool:
    """Whether the pager's program can be run (a shell would start, say it is not found, and
    take the output with it): a command the shell must read for itself is taken as it is."""
    import shlex
    import shutil

    try:
        program = shlex.split(pager.command)[0]
    except (ValueError, IndexError):
        return True
    return "=" in program or shutil.which(program, path=pager.environ.get("PATH")) is not None


def _quiet_stdout() -> None:
    """The reader has gone: nothing more can be written, and nothing left is flushed at exit."""
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def message(text: str, style: str = "") -> None:
    """A line for the person at the terminal, on stderr."""
    from rich.text import Text

    stderr().print(Text(safe(text), style=style))


def print_error(error: ChecklistError, lang: str) -> None:
    from rich.text import Text

    from ..present.messages import error_text, hint
    from ..present.words import t

    line = Text(t("label.error", lang), style="bold red")
    line.append(safe(error_text(error, lang)))
    stderr().print(line)
    advice = hint(error, lang)
    if advice:
        stderr().print(Text(safe(advice), style="yellow"))
