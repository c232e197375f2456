"""Where the store is: the option, then CHECKLIST_STORE, then the nearest `.checklist/` upward."""

from __future__ import annotations

import os
from pathlib import Path

from .core.errors import NoStore

STORE_DIR = ".checklist"
HOW_TO_START = "start one with `checklist start --unit prison` (or name one with --store / CHECKLIST_STORE)"


def explicit_store(option: str | os.PathLike[str] | None) -> Path | None:
    chosen = option if option is not None else os.environ.get("CHECKLIST_STORE") or None
    return Path(chosen).expanduser().absolute() if chosen is not None else None


def find_upward(start: Path) -> Path | None:
    """The nearest `.checklist/` folder in `start` or a parent, as git finds `.git`."""
    for folder in (start, *start.parents):
        candidate = folder / STORE_DIR
        if candidate.is_dir():
            return candidate
    return None


def existing_store(option: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """The store a command works on; NoStore if there is none."""
    chosen = explicit_store(option)
    if chosen is not None:
        if not chosen.is_dir():
            raise NoStore(f"no store at {chosen}", hint=HOW_TO_START)
        return chosen
    found = find_upward((cwd or Path.cwd()).absolute())
    if found is None:
        raise NoStore("no checklist store here or in any parent folder", hint=HOW_TO_START)
    return found


def store_for_start(option: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """The store `start` uses: as for other commands, else a new `.checklist/` in the current folder."""
    chosen = explicit_store(option)
    if chosen is not None:
        return chosen
    here = (cwd or Path.cwd()).absolute()
    return find_upward(here) or here / STORE_DIR
