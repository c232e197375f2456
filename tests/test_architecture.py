"""The layers are a contract: commands → presenters → use cases → core, never the other way.

import-linter checks the layers (`lint-imports`, configured in pyproject.toml, run in CI and
here); these tests add what it cannot see: what a run actually loads, and that the command
line never reaches into the store around the use cases.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "checklist"
TERMINAL = {"typer", "rich", "click"}


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).glob("*.py"))


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_layers_contract_holds() -> None:
    linter = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(linter).exists():
        pytest.fail("lint-imports is missing: install the test extras (pip install '.[test]')")
    done = subprocess.run([linter, "--no-cache"], capture_output=True, text=True, check=False, cwd=PACKAGE.parents[1])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


@pytest.mark.parametrize("layer", ["core", "usecases"])
def test_the_core_and_the_use_cases_never_import_a_terminal_library(layer: str) -> None:
    assert len(modules(layer)) >= 5
    for path in modules(layer):
        assert not imported(path) & TERMINAL, path


def test_presenters_render_with_rich_but_never_parse_a_command_line() -> None:
    for path in modules("present"):
        assert not imported(path) & {"typer", "click"}, path


def test_importing_the_core_and_the_use_cases_loads_no_terminal_library() -> None:
    code = (
        "import sys, checklist.usecases.views, checklist.usecases.trust, checklist.usecases.recording;"
        "print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_commands_never_reach_into_the_store() -> None:
    """A command goes through a use case; `session.store` and store methods stay below."""
    for path in modules("cli"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        reached = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "store"]
        assert not reached, (path.name, reached)
        assert "core.store" not in path.read_text(encoding="utf-8") and "filestore" not in path.read_text(), path


def test_help_does_not_load_the_catalog_or_the_store() -> None:
    code = (
        "import sys; sys.argv = ['checklist', '--help'];\n"
        "from checklist.cli.app import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "heavy = ('checklist.core.catalog', 'checklist.core.filestore', 'checklist.core.models', 'yaml', 'filelock')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_only_settings_reads_the_environment() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py" and path.parent.name == "usecases":
            continue
        source = path.read_text(encoding="utf-8")
        assert "os.environ" not in source and "getenv" not in source, path


def test_every_library_the_program_imports_is_a_dependency() -> None:
    """A module imported but not declared works in a development venv that happens to hold it
    and fails for a user: `import click` (typer carries its own copy) crashed `keys new` (exit 70)
    in a fresh install while every test passed, click being a dependency of import-linter."""
    import tomllib

    project = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        spec.split(">")[0].split("=")[0].split(";")[0].split("[")[0].strip() for spec in project["dependencies"]
    }
    declared = {name.replace("-", "_").lower() for name in declared} | {"yaml"}  # pyyaml is imported as yaml
    declared |= {"pydantic_core", "typing_extensions"}  # pydantic's own, which it requires and documents using
    third_party = set()
    for path in PACKAGE.rglob("*.py"):
        third_party |= {name for name in imported(path) if name not in sys.stdlib_module_names and name != "checklist"}
    assert sorted(third_party - declared) == []
