"""README stays true: its YAML examples validate and its walkthrough runs as written."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from checklist.core import catalog as catalogs

from .conftest import REPO, installed_command

README = (REPO / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_catalog_examples_validate_together(tmp_path: Path) -> None:
    head, measure = (b for b in blocks("yaml") if b.startswith(("catalog:", "measures:")))
    (tmp_path / "00-head.yaml").write_text(head, encoding="utf-8")
    (tmp_path / "10-measures.yaml").write_text(measure, encoding="utf-8")
    checked = catalogs.check(tmp_path)
    assert [m.id for m in checked.catalog.measures] == ["prison.new-admission-exam"]
    assert checked.warnings == []  # an example to follow


def test_every_record_field_is_documented_and_the_example_is_real() -> None:
    from checklist.core.models import Record, RecordModel

    (example,) = blocks("json")
    keys = set(re.findall(r'"(\w+)":', example))
    required = {name for name, info in RecordModel.model_fields.items() if info.is_required()}
    fields = Record.__struct_fields__
    assert required <= keys <= set(fields) | {"name", "size", "sha256", "stored", "key", "alg", "value"}
    for name in fields:
        assert f"| `{name}` |" in README, f"README's table of record fields lacks {name}"


def test_walkthrough_runs_as_written(tmp_path: Path) -> None:
    if os.name == "nt":
        pytest.skip("the walkthrough is a POSIX shell session")
    walkthrough = next(b for b in blocks("sh") if "checklist walk" in b and "start --unit prison --name" in b)
    script = "\n".join(line.split("  #")[0] for line in walkthrough.splitlines())
    piped = next(b for b in blocks("sh") if "| checklist walk" in b)
    bin_dir = str(Path(installed_command()[0]).parent)
    (tmp_path / "notice.pdf").write_bytes(b"%PDF-1.4 notice")
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"], "CHECKLIST_USER": "王警官"}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script + "\n" + piped],
        cwd=tmp_path,
        env=env,
        input="",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "error:" not in done.stderr
    assert "长沙监狱" in done.stdout
