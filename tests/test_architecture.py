"""The core knows nothing of terminals; commands import the heavy core lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "checklist"
CORE = list((PACKAGE / "core").glob("*.py"))
FORBIDDEN = {"typer", "rich", "click"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_never_import_the_terminal_libraries() -> None:
    assert len(CORE) > 10
    for path in CORE:
        if path.name == "__main__.py":
            continue
        assert not imported_modules(path) & FORBIDDEN, path.name


def test_importing_the_core_loads_no_terminal_library() -> None:
    code = (
        "import sys, checklist.workspace, checklist.report, checklist.core.status;"
        "print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_does_not_load_the_catalog_or_the_store() -> None:
    code = (
        "import sys; sys.argv = ['checklist', '--help'];\n"
        "from checklist.cli.app import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "heavy = ('checklist.core.catalog', 'checklist.core.store', 'checklist.core.models', 'yaml', 'filelock')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
