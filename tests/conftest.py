"""Shared fixtures: every test runs in its own folder, home and environment."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from checklist.cli.app import app
from checklist.present import messages as _words  # noqa: F401 - errors and problems read as English in tests

from . import pg as _pg  # noqa: F401 - reads the test server's URL before each test's environment is emptied
from .pg import pg_url  # noqa: F401 - a fixture: a migrated database of the test's own

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "000_2fbdb8480875c603.txt"  # the project's shared folder, where it is
SEED_COPY = REPO / "tests" / "data" / "seed" / SEED.name  # checked in: the seed test runs wherever the suite does
# The first edition of the bundled catalog (2020.01.27), kept verbatim: for tests of what only
# it has (an item that opens 14 days after an admission, say) and for upgrades from it.
OLD_CATALOG = REPO / "tests" / "fixtures" / "catalogs" / "2020.01.27"


def records(log: Path = Path(".checklist/units/prison/records.jsonl")) -> list[dict]:
    """The records of a unit's log as written (the prison's in the working folder), none if it has none."""
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


# The commands that read a unit's records, each in its own way (what a bad record must not break).
UNIT_READERS = [
    ("status",),
    ("status", "--all"),
    ("list",),
    ("list", "--missed"),
    ("today",),
    ("subjects",),
    ("log",),
]


def with_nulls(record: object) -> bytes:
    """A record's line naming every field, one without a value as null: as pydantic's dump of a
    record wrote it (lines a release, or a hand, could have written)."""
    import msgspec

    assert isinstance(record, msgspec.Struct)
    return msgspec.json.encode({name: getattr(record, name) for name in record.__struct_fields__})


def seal_payload(path: Path) -> dict:
    """The statement inside a seal's DSSE envelope (a seal of format 3 on)."""
    return json.loads(base64.b64decode(json.loads(path.read_text(encoding="utf-8"))["payload"]))


def forge_seal(path: Path, out: Path, payload: dict | bytes) -> None:
    """A copy of a seal whose statement is replaced by `payload`, its signature kept."""
    envelope = json.loads(path.read_text(encoding="utf-8"))
    raw = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    envelope["payload"] = base64.b64encode(raw).decode("ascii")
    out.write_text(json.dumps(envelope), encoding="utf-8")


def write_by_hand(placeholder: bytes, written: bytes, **fields: object) -> None:
    """Append to the only unit of the store here a chained record whose bytes hold `written`
    where the valid record made of `fields` held `placeholder`: what a release without today's
    checks, or a hand edit, could have written. head.json follows, so the chain still holds."""
    from checklist.core.chain import digest
    from checklist.core.filestore import FileStore
    from checklist.core.models import Draft

    store = FileStore.open(Path(".checklist"))
    unit = store.unit(store.unit_ids()[0])
    draft = {"id": uuid.uuid4().hex, "unit": unit.id, "actor": "tester", "catalog": unit.catalog.digest, **fields}
    store.append(Draft.model_validate(draft))
    log = Path(f".checklist/units/{unit.id}/records.jsonl")
    data = log.read_bytes()
    assert data.count(placeholder) == 1
    data = data.replace(placeholder, written)
    log.write_bytes(data)
    head = Path(f".checklist/units/{unit.id}/head.json")
    saved = json.loads(head.read_bytes())
    saved.update(hash=digest(data[:-1].rsplit(b"\n", 1)[-1]), size=len(data))
    head.write_text(json.dumps(saved))


def three_zeros(infections: object = 0, reported: object = 0, hype: object = 0) -> list[str]:
    """The --set options of a "three zeros" daily report (a nil report by default)."""
    return [
        "--set",
        f"infections={infections}",
        "--set",
        f"reported_cases={reported}",
        "--set",
        f"hype_incidents={hype}",
    ]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh working folder and home; no CHECKLIST_* settings leak in from the machine."""
    for name in list(os.environ):
        if name.startswith("CHECKLIST_"):
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHECKLIST_USER", "tester")
    monkeypatch.setenv("CHECKLIST_LANG", "en")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.chdir(work)
    yield work


@pytest.fixture(autouse=True)
def errors_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every error a test makes the program print is rendered, with its hint, in both languages:
    the test fails if its Chinese has English (apart from its values, ids and commands) or its
    English has Chinese (apart from its values). Issue 13: every error path the suite covers."""
    from checklist.present import output

    from .languages import error_leaks

    printed: list[object] = []
    print_error = output.print_error

    def checked(error: Any, lang: str) -> None:
        printed.append(error)
        print_error(error, lang)

    monkeypatch.setattr(output, "print_error", checked)
    yield
    leaks = [leak for error in printed for leak in error_leaks(error)]
    if leaks:
        pytest.fail("an error in the wrong language:\n" + "\n".join(leaks), pytrace=False)


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> object:
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"Result(exit={self.exit_code}, stdout={self.stdout[-2000:]!r}, stderr={self.stderr[-2000:]!r})"


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the app in-process through Typer's CliRunner; stdout and stderr kept apart."""

    def run(*args: str, input: str | None = None) -> Result:
        result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


def installed_command() -> list[str]:
    """The `checklist` console script of this environment, else `python -m checklist`."""
    script = Path(sys.executable).parent / ("checklist.exe" if os.name == "nt" else "checklist")
    found = str(script) if script.exists() else shutil.which("checklist")
    return [found] if found else [sys.executable, "-m", "checklist"]


@pytest.fixture
def proc() -> Callable[..., Result]:
    """Run the installed command as a real process, with no terminal attached."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        completed = subprocess.run(
            [*installed_command(), *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, **(env or {})},
            timeout=60,
            check=False,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def prison(cli: Callable[..., Result]) -> Callable[..., Result]:
    """A store in the working folder with one prison started."""
    result = cli("start", "--unit", "prison", "--name", "长沙监狱")
    assert result.exit_code == 0, result
    return cli


@pytest.fixture
def run(cli: Callable[..., Result]) -> Callable[..., Result]:
    """The CLI with a clock, the prison started the day before: run("2020-01-27T09:00", "status", ...)."""
    assert cli("start", "--unit", "prison", "--now", "2020-01-26T09:00").exit_code == 0

    def at(now: str, *args: str, input: str | None = None) -> Result:
        return cli(*args, "--now", now, input=input)

    return at


@pytest.fixture
def keyed(prison: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """The prison, and a signing key for who attests (tester)."""
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    result = prison("keys", "new")
    assert result.exit_code == 0, result
    return prison
