"""Databases written by earlier releases still open: every dump in tests/fixtures/pg/<version>.sql.

Each release from 0.8.0 on checks in its folder fixture store pushed into a database, dumped
(tests/fixtures/pg/make_dump.py). This release restores each into a new database, upgrades its
schema with `db migrate`, and must verify it, read every unit and append to one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from . import pg
from .conftest import Result

HERE = Path(__file__).resolve().parent / "fixtures"
DUMPS = sorted((HERE / "pg").glob("*.sql"))


@pytest.fixture(params=DUMPS, ids=lambda path: path.stem)
def restored(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new database holding one release's dump, and its folder fixture's keys for who appends."""
    dump: Path = request.param
    url = pg.new_database(migrated=False)
    sql = "\n".join(line for line in dump.read_text(encoding="utf-8").splitlines() if not line.startswith("\\"))
    with pg.admin(url) as conn:  # type: ignore[attr-defined]
        conn.execute(sql)
    config = tmp_path / "config-home"
    shutil.copytree(HERE / "stores" / dump.stem / "config-home", config)
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(config))
    yield url
    pg.drop_database(url)


def test_there_is_a_dump_of_every_release_since_the_database(cli: Callable[..., Result]) -> None:
    from checklist import __version__

    assert HERE.joinpath("pg", "0.8.0.sql") in DUMPS
    assert HERE.joinpath("pg", f"{__version__}.sql") in DUMPS, "make this release's: tests/fixtures/pg/make_dump.py"


def test_a_database_an_older_release_wrote_opens_verifies_and_takes_a_record(
    cli: Callable[..., Result], restored: str
) -> None:
    migrated = cli("db", "migrate", "--store", restored)
    assert migrated.exit_code == 0, migrated
    verified = cli("verify", "--all", "--store", restored)
    assert verified.exit_code == 0, verified
    everything = cli("status", "--all", "--json", "--store", restored)
    assert everything.exit_code == 0, everything
    units = [unit["unit"]["id"] for unit in everything.json()["units"]]  # type: ignore[index]
    assert "prison" in units and len(units) >= 5
    before = cli("log", "--unit", "prison", "--json", "--store", restored).json()["records"]  # type: ignore[index]
    done = cli("done", "1", "--unit", "prison", "--note", "新版本接着记录", "--by", "王警官", "--store", restored)
    assert done.exit_code == 0, done
    after = cli("log", "--unit", "prison", "--json", "--store", restored).json()["records"]  # type: ignore[index]
    assert len(after) == len(before) + 1 and after[-1]["note"] == "新版本接着记录"
    assert cli("verify", "--all", "--store", restored).exit_code == 0
