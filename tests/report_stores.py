"""The stores the report's tests read (tests/test_report.py, tests/test_report_browser.py): a
prison's week, and a province of three units."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checklist.cli.app import app

from .conftest import three_zeros

NOW = "2020-01-26T20:00"
WEEK = ("--from", "2020-01-20", "--to", "2020-01-26", "--now", NOW)
HOSTILE = '=HYPERLINK("http://evil.example") <script>alert("x")</script> | *bold*'


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def week(root: Path) -> Iterator[Path]:
    """A prison's week (2020-01-20 to 26): a daily three-zeros report but on the 25th, an
    infection on the 23rd (an alert left to acknowledge, its note holding a pipe), a hostile
    note on the 26th, and item 4 done and approved by someone without a key."""
    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.startswith("CHECKLIST_")]:
            env.delenv(name)
        env.setenv("HOME", str(root / "home"))
        env.setenv("CHECKLIST_CONFIG_HOME", str(root / "config"))
        env.setenv("CHECKLIST_USER", "王警官")
        env.setenv("CHECKLIST_LANG", "en")
        env.chdir(root)
        store = str(root / "store")
        _run("start", "--unit", "prison", "--name", "长沙监狱", "--store", store, "--now", "2020-01-20T08:00")
        _run("keys", "new", "--store", store)
        for day in (20, 21, 22, 23, 24, 26):  # the 25th is missed
            infected = 1 if day == 23 else 0
            note = HOSTILE if day == 26 else "确诊1例 | 已隔离" if day == 23 else "日报"
            figures = three_zeros(infections=infected, reported=infected)
            _run(
                "done",
                "system.three-zeros",
                "--note",
                note,
                *figures,
                "--store",
                store,
                "--now",
                f"2020-01-{day}T18:00",
            )
        _run("done", "4", "--note", "已与卫健部门对接", "--store", store, "--now", "2020-01-21T10:00")
        _run("approve", "4", "--by", "李科长", "--store", store, "--now", "2020-01-22T10:00")
        yield root / "store"


def province(built: Path, root: Path) -> Iterator[Path]:
    """The prison's store with two more units: a rehab centre reporting zeros every day, and a
    community-corrections office that never reports."""
    store = root / "store"
    shutil.copytree(built, store)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(root / "home"))
        env.setenv("CHECKLIST_USER", "赵所长")
        env.chdir(root)
        where = ("--store", str(store))
        _run(
            "start",
            "--unit",
            "rehab",
            "--name",
            "新开铺强制隔离戒毒所",
            "--id",
            "rehab",
            *where,
            "--now",
            "2020-01-20T08:00",
        )
        _run("start", "--unit", "community-corrections", "--name", "芙蓉区社区矫正管理局", "--id", "cc", *where)
        for day in range(20, 27):
            _run(
                "done",
                "system.three-zeros",
                "--unit",
                "rehab",
                "--note",
                "日报",
                *three_zeros(hype=2 if day == 26 else 0),
                *where,
                "--now",
                f"2020-01-{day}T17:00",
            )
        yield store
